#!/usr/bin/python3
"""torch_reference.py: the reference for actbench's correctness. Trains the
network of an actbench result directory's runs with PyTorch (Debian's
python3-torch) from the same initialisation scheme, optimiser, schedule and
data (same files, same validation carve, same scaling), and prints per
variant the test accuracy of PyTorch beside actbench's, with the spread
over seeds. A development tool: actbench itself never needs PyTorch.

usage: scripts/torch_reference.py RESULT_DIR [--seeds N] [--threads N]
Supports dense networks on fashion-mnist/mnist with relu, leaky_relu,
rrelu, prelu, elu, selu, sigmoid, tanh, linear; sgd/momentum/nesterov/adam;
constant schedule; uniform/normal variance-scaling initialisers."""
import argparse, glob, gzip, json, math, os, statistics, sys

import numpy as np
import torch
import torch.nn as nn


def idx(path):
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            with (gzip.open(p) if p.endswith(".gz") else open(p, "rb")) as f:
                data = f.read()
            ndim = data[3]
            dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    sys.exit(f"torch_reference: {path}: not found")


def load(cfg):
    d = cfg["data"]
    base = d.get("path", "/usr/share/datasets/fashion-mnist")
    xtr = idx(f"{base}/train-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    ytr = idx(f"{base}/train-labels-idx1-ubyte").astype(np.int64)
    xte = idx(f"{base}/t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255
    yte = idx(f"{base}/t10k-labels-idx1-ubyte").astype(np.int64)
    v = d.get("validation", 0)
    n = len(xtr) - v
    lim = d.get("train_limit", 0)
    if lim:
        n = min(n, lim)
    return torch.tensor(xtr[:n]), torch.tensor(ytr[:n]), torch.tensor(xte), torch.tensor(yte)


def init_kernel(w, init, leak, leaky_gain):
    presets = {"he_uniform": (2, "fan_in", "uniform"), "he_normal": (2, "fan_in", "truncated_normal"),
               "glorot_uniform": (1, "fan_avg", "uniform"), "glorot_normal": (1, "fan_avg", "truncated_normal"),
               "lecun_uniform": (1, "fan_in", "uniform"), "lecun_normal": (1, "fan_in", "truncated_normal"),
               "he_avg_uniform": (2, "fan_avg", "uniform")}
    scale, mode, dist = presets[init] if isinstance(init, str) else (init["scale"], init["mode"], init["distribution"])
    fan_out, fan_in = w.shape
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    s = scale / max(1.0, n)
    if leaky_gain:
        s /= 1 + leak * leak
    with torch.no_grad():
        if dist == "uniform":
            lim = math.sqrt(3 * s)
            w.uniform_(-lim, lim)
        elif dist == "truncated_normal":
            sd = math.sqrt(s) / 0.87962566103423978
            nn.init.trunc_normal_(w, 0.0, sd, -2 * sd, 2 * sd)
        else:
            w.normal_(0.0, math.sqrt(s))


def activation(m):
    a = m["activation"]
    if a == "relu": return nn.ReLU()
    if a == "leaky_relu": return nn.LeakyReLU(m["alpha"])
    if a == "rrelu": return nn.RReLU(m.get("rrelu_lower", 0.125), m.get("rrelu_upper", 1 / 3))
    if a == "prelu": return nn.PReLU(1, init=m["alpha"])
    if a == "elu": return nn.ELU(m["alpha"])
    if a == "selu": return nn.SELU()
    if a == "sigmoid": return nn.Sigmoid()
    if a == "tanh": return nn.Tanh()
    return nn.Identity()


def leak_of(m):
    a = m["activation"]
    if a in ("leaky_relu", "prelu"): return m["alpha"]
    if a == "rrelu": return (m.get("rrelu_lower", 0.125) + m.get("rrelu_upper", 1 / 3)) / 2
    return 0.0


def train(cfg, data):
    torch.manual_seed(cfg["seed"])
    m, t = cfg["model"], cfg["train"]
    if m["activation"] == "prelu" and m.get("prelu_sharing") == "unit":
        sys.exit("torch_reference: prelu_sharing unit is not supported here")
    layers, width = [], 784
    for h in m["hidden"]:
        lin = nn.Linear(width, h)
        init_kernel(lin.weight, m["init"], leak_of(m), m.get("leaky_gain", False))
        nn.init.zeros_(lin.bias)
        layers += [lin, activation(m)]
        width = h
    out = nn.Linear(width, 10)
    init_kernel(out.weight, m["init"], 0.0, m.get("leaky_gain", False))
    nn.init.zeros_(out.bias)
    net = nn.Sequential(*layers, out)
    decay = [p for n_, p in net.named_parameters() if n_.endswith("weight") and p.dim() == 2]
    rest = [p for n_, p in net.named_parameters() if not (n_.endswith("weight") and p.dim() == 2)]
    groups = [{"params": decay, "weight_decay": t.get("weight_decay", 0)}, {"params": rest, "weight_decay": 0}]
    lr, opt = t["learning_rate"], t["optimizer"]
    if opt == "adam":
        o = torch.optim.Adam(groups, lr=lr, betas=(t["beta1"], t["beta2"]), eps=t["epsilon"])
    else:
        mom = t.get("momentum", 0.0) if opt in ("momentum", "nesterov") else 0.0
        o = torch.optim.SGD(groups, lr=lr, momentum=mom, nesterov=opt == "nesterov")
    xtr, ytr, xte, yte = data
    bs, loss_fn = t["batch_size"], nn.CrossEntropyLoss()
    for _ in range(t["epochs"]):
        net.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), bs):
            b = perm[i:i + bs]
            o.zero_grad()
            loss = loss_fn(net(xtr[b]), ytr[b])
            loss.backward()
            o.step()
    net.eval()
    with torch.no_grad():
        return (net(xte).argmax(1) == yte).float().mean().item()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--seeds", type=int, default=0, help="at most this many seeds per variant (0 = all)")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(a.dir, "runs", "*.json")))]
    runs = [r for r in runs if r["status"] == "ok"]
    if not runs:
        sys.exit(f"torch_reference: {a.dir}: no finished runs")
    variants = {}
    for r in runs:
        c = r["config"]
        key = json.dumps({k: v for k, v in c.items() if k not in ("seed", "run_id", "name", "description")}, sort_keys=True)
        variants.setdefault(key, []).append(r)
    data = load(runs[0]["config"])
    print(f"{'variant':<24} {'actbench mean ± sd':>20} {'pytorch mean ± sd':>20} {'difference':>11}  n")
    for key, rs in variants.items():
        rs = sorted(rs, key=lambda r: r["config"]["seed"])[: a.seeds or None]
        m = rs[0]["config"]["model"]
        name = m["activation"] + (f" {m['alpha']:g}" if m["activation"] in ("leaky_relu", "prelu", "elu") else "")
        ours = [r["final"]["test_accuracy"] for r in rs]
        theirs = [train(r["config"], data) for r in rs]
        sd = lambda v: statistics.stdev(v) if len(v) > 1 else float("nan")
        print(f"{name:<24} {statistics.mean(ours):>11.4f} ± {sd(ours):.4f} {statistics.mean(theirs):>11.4f} ± {sd(theirs):.4f}"
              f" {statistics.mean(ours) - statistics.mean(theirs):>+11.4f}  {len(rs)}", flush=True)


if __name__ == "__main__":
    main()
