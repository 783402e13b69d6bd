#!/usr/bin/python3
"""torch_reference.py: the reference for actbench's correctness. Trains the
network of an actbench result directory's runs with PyTorch (Debian's
python3-torch) from the same initialisation scheme, optimiser, schedule and
data (same files, same validation carve, same scaling), and prints per
variant the test accuracy of PyTorch beside actbench's, with the spread
over seeds, the difference and its standard error. A development tool:
actbench itself never needs PyTorch.

usage: scripts/torch_reference.py RESULT_DIR [--seeds N] [--threads N] [--only ACTIVATION,...]
Supports fashion-mnist/mnist; models given as model.hidden or model.layers
(conv, max/avg/global_avg pooling, dropout, dense, with the implicit output
dense layer); relu, leaky_relu, rrelu (paper or pytorch form), prelu (per
layer or per unit/channel), elu, selu, sigmoid, tanh, linear;
sgd/momentum/nesterov/adam; constant schedule; uniform/normal
variance-scaling initialisers; data.subset first or random (PyTorch draws its
own random subset). Not data.augment, clip_norm or warm-up.

The network builder (build_net) and the parameter order (actbench_params)
are shared with scripts/torch_lockstep.py."""
import argparse, glob, gzip, json, math, os, statistics, sys, time

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
    """(x_train, y_train, x_test, y_test): images as (N, 1, 28, 28) float32
    scaled to [0, 1]; the validation examples carved from the end of the
    training set as actbench does; train_limit examples, the first ones or
    (data.subset: random) a sample drawn with PyTorch's own generator."""
    d = cfg["data"]
    if d.get("dataset", "fashion-mnist") not in ("fashion-mnist", "mnist", "idx"):
        sys.exit(f"torch_reference: data.dataset {d.get('dataset')}: only IDX image data is supported")
    if d.get("preprocess", "scale") != "scale":
        sys.exit(f"torch_reference: data.preprocess {d.get('preprocess')}: only scale is supported")
    if d.get("augment"):
        sys.exit("torch_reference: data.augment is not supported")
    base = d.get("path", "/usr/share/datasets/fashion-mnist")
    xtr = idx(f"{base}/train-images-idx3-ubyte").astype(np.float32)[:, None] / 255
    ytr = idx(f"{base}/train-labels-idx1-ubyte").astype(np.int64)
    xte = idx(f"{base}/t10k-images-idx3-ubyte").astype(np.float32)[:, None] / 255
    yte = idx(f"{base}/t10k-labels-idx1-ubyte").astype(np.int64)
    n = len(xtr) - d.get("validation", 0)
    lim = d.get("train_limit", 0)
    keep = np.arange(n)
    if lim and lim < n:
        if d.get("subset", "first") == "random":
            keep = np.sort(torch.randperm(n, generator=torch.Generator().manual_seed(cfg["seed"]))[:lim].numpy())
        else:
            keep = keep[:lim]
    return torch.tensor(xtr[keep]), torch.tensor(ytr[keep]), torch.tensor(xte), torch.tensor(yte)


def init_kernel(w, init, leak, leaky_gain):
    """Keras VarianceScaling on a dense (out, in) or conv (oc, c, k, k) kernel:
    fan_in = in (c k k), fan_out = out (oc k k)."""
    presets = {"he_uniform": (2, "fan_in", "uniform"), "he_normal": (2, "fan_in", "truncated_normal"),
               "glorot_uniform": (1, "fan_avg", "uniform"), "glorot_normal": (1, "fan_avg", "truncated_normal"),
               "lecun_uniform": (1, "fan_in", "uniform"), "lecun_normal": (1, "fan_in", "truncated_normal"),
               "he_avg_uniform": (2, "fan_avg", "uniform")}
    scale, mode, dist = presets[init] if isinstance(init, str) else (init["scale"], init["mode"], init["distribution"])
    field = math.prod(w.shape[2:])
    fan_out, fan_in = w.shape[0] * field, w.shape[1] * field
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


class RReLUPaper(nn.Module):
    """Xu et al.'s RReLU: in training each negative element is divided by
    its own a ~ U(lower, upper); in evaluation the slope is 2/(lower + upper)."""

    def __init__(self, lower, upper):
        super().__init__()
        self.lower, self.upper = lower, upper

    def forward(self, z):
        if self.training:
            a = torch.empty_like(z).uniform_(self.lower, self.upper)
            return torch.where(z >= 0, z, z / a)
        return torch.where(z >= 0, z, z * (2 / (self.lower + self.upper)))


def rrelu_form(m):
    # run files written before model.rrelu_form existed used the pytorch form
    return m.get("rrelu_form", "pytorch")


def activation(m, units):
    a = m["activation"]
    if a == "relu": return nn.ReLU()
    if a == "leaky_relu": return nn.LeakyReLU(m["alpha"])
    if a == "rrelu":
        if rrelu_form(m) == "paper":
            return RReLUPaper(m.get("rrelu_lower", 3.0), m.get("rrelu_upper", 8.0))
        return nn.RReLU(m.get("rrelu_lower", 0.125), m.get("rrelu_upper", 1 / 3))
    if a == "prelu": return nn.PReLU(units if m.get("prelu_sharing") == "unit" else 1, init=m["alpha"])
    if a == "elu": return nn.ELU(m["alpha"])
    if a == "selu": return nn.SELU()
    if a == "sigmoid": return nn.Sigmoid()
    if a == "tanh": return nn.Tanh()
    return nn.Identity()


def leak_of(m):
    a = m["activation"]
    if a in ("leaky_relu", "prelu"): return m["alpha"]
    if a == "rrelu":
        lo, hi = m.get("rrelu_lower"), m.get("rrelu_upper")
        if rrelu_form(m) == "paper":
            return 2 / ((lo or 3.0) + (hi or 8.0))
        return ((0.125 if lo is None else lo) + (1 / 3 if hi is None else hi)) / 2
    return 0.0


def layer_list(m):
    """model.layers as resolved in a run file, or model.hidden as dense layers."""
    return m["layers"] if "layers" in m else [{"dense": h} for h in m["hidden"]]


def build_net(cfg, in_shape=(1, 28, 28), n_classes=10):
    """The network of a resolved configuration, initialised as actbench
    initialises it (kernels by model.init, biases 0, PReLU slopes at alpha),
    from PyTorch's generator: its own draws, not actbench's. Every dense and
    conv layer but the output is followed by the activation; a Flatten goes
    before the first dense layer; the output dense layer is implicit."""
    m = cfg["model"]
    c, h, w = in_shape
    mods, flat = [], False
    gain = m.get("leaky_gain", False)

    def add_affine(layer, units):
        init_kernel(layer.weight, m["init"], leak_of(m), gain)
        nn.init.zeros_(layer.bias)
        mods.extend([layer, activation(m, units)])

    for spec in layer_list(m):
        if "conv" in spec:
            k, s, p = spec["kernel"], spec.get("stride", 1), spec.get("padding", 0)
            add_affine(nn.Conv2d(c, spec["conv"], k, stride=s, padding=p), spec["conv"])
            c, h, w = spec["conv"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        elif "pool" in spec:
            if spec["pool"] == "global_avg":
                mods.append(nn.AdaptiveAvgPool2d(1))
                h = w = 1
                continue
            k, s = spec["size"], spec.get("stride", spec["size"])
            mods.append((nn.MaxPool2d if spec["pool"] == "max" else nn.AvgPool2d)(k, stride=s))
            h, w = (h - k) // s + 1, (w - k) // s + 1
        elif "dropout" in spec:
            mods.append(nn.Dropout(spec["dropout"]))
        else:
            if not flat:
                mods.append(nn.Flatten())
                c, h, w, flat = c * h * w, 1, 1, True
            add_affine(nn.Linear(c, spec["dense"]), spec["dense"])
            c = spec["dense"]
    if not flat:
        mods.append(nn.Flatten())
        c = c * h * w
    out = nn.Linear(c, n_classes)
    init_kernel(out.weight, m["init"], 0.0, gain)
    nn.init.zeros_(out.bias)
    return nn.Sequential(*mods, out)


def actbench_params(net):
    """The parameters in actbench's order: per layer its kernel, bias, then
    the PReLU slopes of the activation after it (nn.Sequential's order)."""
    return list(net.parameters())


def make_optimizer(net, cfg):
    t = cfg["train"]
    if t.get("schedule", "constant") != "constant" or t.get("clip_norm", 0) or t.get("warmup_steps", 0):
        sys.exit("torch_reference: only a constant learning rate, no clip_norm and no warm-up are supported")
    # weight decay on the kernels, and on PReLU's slopes with model.prelu_weight_decay
    decay = [p for p in net.parameters() if p.dim() >= 2]
    if cfg["model"].get("prelu_weight_decay", False):
        decay += [p for mod in net if isinstance(mod, nn.PReLU) for p in mod.parameters()]
    ids = {id(p) for p in decay}
    rest = [p for p in net.parameters() if id(p) not in ids]
    groups = [{"params": decay, "weight_decay": t.get("weight_decay", 0)}, {"params": rest, "weight_decay": 0}]
    lr, opt = t["learning_rate"], t["optimizer"]
    if opt == "adam":
        return torch.optim.Adam(groups, lr=lr, betas=(t["beta1"], t["beta2"]), eps=t["epsilon"])
    mom = t.get("momentum", 0.0) if opt in ("momentum", "nesterov") else 0.0
    return torch.optim.SGD(groups, lr=lr, momentum=mom, nesterov=opt == "nesterov")


def train(cfg, data):
    """Trains cfg's network as actbench would, with PyTorch's own random
    draws; returns the test accuracy and the seconds per epoch."""
    torch.manual_seed(cfg["seed"])
    net = build_net(cfg)
    o = make_optimizer(net, cfg)
    t = cfg["train"]
    xtr, ytr, xte, yte = data
    bs, loss_fn = t["batch_size"], nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(t["epochs"]):
        net.train()
        perm = torch.randperm(len(xtr)) if t.get("shuffle", True) else torch.arange(len(xtr))
        for i in range(0, len(xtr), bs):
            b = perm[i:i + bs]
            o.zero_grad()
            loss = loss_fn(net(xtr[b]), ytr[b])
            loss.backward()
            o.step()
    per_epoch = (time.perf_counter() - start) / t["epochs"]
    net.eval()
    with torch.no_grad():
        correct = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                      for i in range(0, len(xte), 1000))
    return correct / len(xte), per_epoch


def variant_name(m):
    name = m["activation"]
    if name in ("leaky_relu", "prelu", "elu"):
        name += f" {m['alpha']:.4g}"
    if name.startswith("prelu") and m.get("prelu_sharing") == "unit":
        name += " per channel" if any("conv" in spec for spec in m.get("layers", [])) else " per unit"
    if m["activation"] == "rrelu":
        name += f" ({rrelu_form(m)})"
    return name


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--seeds", type=int, default=0, help="at most this many seeds per variant (0 = all)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated activations to check (default: all)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    runs = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(a.dir, "runs", "*.json")))]
    runs = [r for r in runs if r["status"] == "ok"]
    only = {x for x in a.only.split(",") if x}
    if only:
        runs = [r for r in runs if r["config"]["model"]["activation"] in only]
    if not runs:
        sys.exit(f"torch_reference: {a.dir}: no finished runs")
    variants = {}
    for r in runs:
        c = r["config"]
        key = json.dumps({k: v for k, v in c.items() if k not in ("seed", "run_id", "name", "description")}, sort_keys=True)
        variants.setdefault(key, []).append(r)
    data_cache = {}
    print(f"{'variant':<26} {'actbench mean ± sd':>20} {'pytorch mean ± sd':>20} {'difference':>11} {'± se':>7}  n"
          f"  pytorch s/epoch")
    for key, rs in variants.items():
        rs = sorted(rs, key=lambda r: r["config"]["seed"])[: a.seeds or None]
        ours = [r["final"]["test_accuracy"] for r in rs]
        theirs, secs = [], []
        for r in rs:
            c = r["config"]
            dkey = json.dumps(c["data"], sort_keys=True) + (str(c["seed"]) if c["data"].get("subset") == "random" else "")
            if dkey not in data_cache:
                data_cache.clear()
                data_cache[dkey] = load(c)
            acc, sec = train(c, data_cache[dkey])
            theirs.append(acc)
            secs.append(sec)
        sd = lambda v: statistics.stdev(v) if len(v) > 1 else float("nan")
        se = math.sqrt(sd(ours) ** 2 / len(ours) + sd(theirs) ** 2 / len(theirs))
        print(f"{variant_name(rs[0]['config']['model']):<26} {statistics.mean(ours):>11.4f} ± {sd(ours):.4f}"
              f" {statistics.mean(theirs):>11.4f} ± {sd(theirs):.4f}"
              f" {statistics.mean(ours) - statistics.mean(theirs):>+11.4f} {se:>7.4f}  {len(rs)}"
              f"  {statistics.mean(secs):.1f}", flush=True)


if __name__ == "__main__":
    main()
