#!/usr/bin/python3
"""torch_lockstep.py: a lock-step check of actbench's numerics against
PyTorch (Debian's python3-torch; a development tool, actbench never needs
it). Runs build/tools/lockstep (tests/tools/lockstep.c), which takes the
first run of an experiment file, trains it for STEPS batches of
Fashion-MNIST in file order and writes the run's resolved configuration
and its initial and final parameters; then builds the same network in
PyTorch (scripts/torch_reference.py's build_net), loads actbench's initial
parameters, trains it on the same batches with the same optimiser
(torch.optim) and prints both losses, the largest difference between the
two step by step training losses (build/tools/lockstep writes actbench's
to losses.txt), and the largest parameter difference.
Float rounding differs between the two, and SGD amplifies it over many
steps, so compare after few steps for exact agreement. Dropout must be off
(rate 0) and the activation deterministic (not rrelu): random draws cannot
be matched.

usage: scripts/torch_lockstep.py [ACTIVATION] [STEPS]
           quick.yaml's 784-300-100-10 network with ACTIVATION (default relu,
           10 steps), SGD with momentum 0.9 at 0.01, batch 128
       scripts/torch_lockstep.py --config FILE.yaml [--set KEY=VALUE]... [STEPS]
           the first run of an experiment file
       scripts/torch_lockstep.py --cnn [STEPS] [--tolerance T]
           the convolutional cases (CNN_CASES below: max pooling, average
           and global average pooling, 1x1 and strided convolutions, dropout
           at rate 0) with relu, leaky_relu and prelu per channel; three
           lines per case
       scripts/torch_lockstep.py --nin [STEPS] [--tolerance T]
           the same for cnn_paper.yaml's Network-in-Network-style network
           (5x5 and 1x1 convolutions, overlapping 3x3 stride-2 max pooling,
           global average pooling; dropout at rate 0): NIN_CASES below
With --tolerance T (default 1e-5 with --cnn, none otherwise) the exit status
is 1 when a parameter differs by more than T; 2 on a usage error.

A float32 result can differ from PyTorch's by more than rounding when a
decision falls inside the rounding error: a pre-activation within about
1e-7 of 0 (its rectifier's slope is 1 in one and 0 or alpha in the other)
or two max-pooling candidates that round to a tie. One such event moves the
gradient of the layers below by the routed gradient (about 1e-4 here), and
momentum carries it on. The NIN network's 400-term dot products make such
events likely within 10 steps (README, "PyTorch")."""
import argparse, os, subprocess, sys, tempfile

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import actbench_params, build_net, load  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.environ.get("LOCKSTEP", os.path.join(ROOT, "build/tools/lockstep"))

MLP = """name: lockstep
data: {dataset: fashion-mnist, validation: 5000}
model: {hidden: [300, 100], activation: %s, init: he_uniform}
train: {optimizer: momentum, momentum: 0.9, learning_rate: 0.01, batch_size: 128}
"""

CNN_BASE = """name: lockstep_cnn
data: {dataset: fashion-mnist, validation: 5000}
model:
  init: he_uniform
  layers: %s
train: {optimizer: momentum, momentum: 0.9, learning_rate: 0.01, batch_size: 64}
"""
MAX_NET = ("[{conv: 8, kernel: 3}, {pool: max, size: 2}, {conv: 16, kernel: 3, padding: same},"
           " {pool: max, size: 2}, {dropout: 0}, {dense: 32}]")
AVG_NET = ("[{conv: 8, kernel: 5, padding: same}, {pool: avg, size: 2}, {conv: 16, kernel: 3, stride: 2},"
           " {conv: 10, kernel: 1}, {pool: global_avg}]")
# cnn_paper.yaml's network with its dropout rates at 0
NIN_NET = ("[{conv: 16, kernel: 5, padding: same}, {conv: 16, kernel: 1}, {conv: 16, kernel: 1},"
           " {pool: max, size: 3, stride: 2}, {dropout: 0},"
           " {conv: 16, kernel: 5, padding: same}, {conv: 16, kernel: 1}, {conv: 16, kernel: 1},"
           " {pool: max, size: 3, stride: 2}, {dropout: 0},"
           " {conv: 16, kernel: 3, padding: same}, {conv: 16, kernel: 1}, {conv: 10, kernel: 1}, {pool: global_avg}]")
# (name, layers, model settings)
CNN_CASES = [
    ("max-pool relu", MAX_NET, "{activation: relu}"),
    ("max-pool leaky_relu 0.01", MAX_NET, "{activation: leaky_relu, alpha: 0.01}"),
    ("max-pool prelu per channel", MAX_NET, "{activation: prelu, prelu_sharing: channel}"),
    ("avg-pool relu", AVG_NET, "{activation: relu}"),
    ("avg-pool leaky_relu 1/5.5", AVG_NET, "{activation: leaky_relu, alpha: 0.18181818181818182}"),
    ("avg-pool prelu per channel", AVG_NET, "{activation: prelu, prelu_sharing: channel}"),
]
NIN_CASES = [
    ("nin relu", NIN_NET, "{activation: relu}"),
    ("nin leaky_relu 1/5.5", NIN_NET, "{activation: leaky_relu, alpha: 0.18181818181818182}"),
    ("nin prelu per channel", NIN_NET, "{activation: prelu, prelu_sharing: channel}"),
]


def lockstep(config_path, sets, steps):
    """Runs both halves; returns (actbench's line, PyTorch's line, largest
    parameter difference, largest parameter, largest step-loss difference)."""
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([TOOL, config_path, str(steps), tmp] + sets, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"torch_lockstep: {TOOL} failed (exit {p.returncode}): {p.stderr.strip()}")
        import json
        cfg = json.load(open(os.path.join(tmp, "config.json")))
        init = np.fromfile(os.path.join(tmp, "init.bin"), np.float32)
        final = np.fromfile(os.path.join(tmp, "final.bin"), np.float32)
        step_losses = np.loadtxt(os.path.join(tmp, "losses.txt"), ndmin=1)
    m = cfg["model"]
    if m["activation"] == "rrelu":
        sys.exit("torch_lockstep: rrelu draws random slopes: not comparable in lock step")
    if any(spec.get("dropout", 0) > 0 for spec in m.get("layers", [])):
        sys.exit("torch_lockstep: dropout draws random masks: set its rate to 0 for a lock step")
    xtr, ytr, xte, yte = load(cfg)
    net = build_net(cfg)
    params = actbench_params(net)
    if sum(q.numel() for q in params) != init.size:
        sys.exit(f"torch_lockstep: actbench wrote {init.size} parameters, the PyTorch network has "
                 f"{sum(q.numel() for q in params)}: the layouts differ")
    off = 0
    with torch.no_grad():
        for q in params:
            q.copy_(torch.tensor(init[off:off + q.numel()]).view_as(q))
            off += q.numel()
    t = cfg["train"]
    if t["optimizer"] == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=t["learning_rate"], betas=(t["beta1"], t["beta2"]),
                               eps=t["epsilon"])
    else:
        mom = t.get("momentum", 0.0) if t["optimizer"] in ("momentum", "nesterov") else 0.0
        opt = torch.optim.SGD(net.parameters(), lr=t["learning_rate"], momentum=mom,
                              nesterov=t["optimizer"] == "nesterov")
    bs = t["batch_size"]
    n = min(steps * bs, len(xtr))
    loss_fn, total, torch_losses = nn.CrossEntropyLoss(), 0.0, []
    net.train()
    for i in range(0, n, bs):
        opt.zero_grad()
        loss = loss_fn(net(xtr[i:i + bs]), ytr[i:i + bs])
        loss.backward()
        opt.step()
        total += loss.item() * len(ytr[i:i + bs])
        torch_losses.append(loss.item())
    if len(step_losses) != len(torch_losses):
        sys.exit(f"torch_lockstep: actbench wrote {len(step_losses)} step losses for {len(torch_losses)} steps")
    net.eval()
    with torch.no_grad():
        tl, correct = 0.0, 0
        for i in range(0, len(xte), 1000):
            o = net(xte[i:i + 1000])
            tl += loss_fn(o, yte[i:i + 1000]).item() * len(o)
            correct += (o.argmax(1) == yte[i:i + 1000]).sum().item()
    mine = np.concatenate([q.detach().numpy().ravel() for q in params])
    theirs = p.stdout.strip()
    ours = (f"pytorch:  {-(-n // bs)} steps, mean training loss {total / n:.6f}, test loss {tl / len(xte):.6f}, "
            f"test accuracy {correct / len(xte):.4f}")
    return (theirs, ours, float(np.abs(mine - final).max()), float(np.abs(final).max()),
            float(np.abs(np.array(torch_losses) - step_losses).max()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 usage=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help="[ACTIVATION] [STEPS], or [STEPS] with --config or --cnn")
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--cnn", action="store_true")
    ap.add_argument("--nin", action="store_true")
    ap.add_argument("--tolerance", type=float)
    a = ap.parse_args()
    torch.set_num_threads(1)
    pos = list(a.args)
    steps = 10
    if pos and pos[-1].isdigit():
        steps = int(pos.pop())
    if (a.config or a.cnn or a.nin) and pos or len(pos) > 1 or (bool(a.config) + a.cnn + a.nin) > 1:
        ap.error("give ACTIVATION [STEPS], --config FILE [STEPS], --cnn [STEPS] or --nin [STEPS]")
    tol = a.tolerance if a.tolerance is not None else (1e-5 if a.cnn else None)
    worst = worst_loss = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        if a.cnn or a.nin:
            cases = []
            for name, layers, model in CNN_CASES if a.cnn else NIN_CASES:
                path = os.path.join(tmp, f"case{len(cases)}.yaml")
                with open(path, "w") as f:
                    f.write(CNN_BASE % layers)
                cases.append((name, path, [f"model={model}"]))
        elif a.config:
            cases = [(a.config, a.config, [])]
        else:
            path = os.path.join(tmp, "mlp.yaml")
            with open(path, "w") as f:
                f.write(MLP % (pos[0] if pos else "relu"))
            cases = [(pos[0] if pos else "relu", path, [])]
        for name, path, sets in cases:
            theirs, ours, diff, big, dloss = lockstep(path, sets + a.set, steps)
            worst, worst_loss = max(worst, diff), max(worst_loss, dloss)
            verdict = "" if tol is None else ("  ok" if diff <= tol else f"  EXCEEDS {tol:g}")
            if a.cnn or a.nin:
                print(f"{name:<28} {theirs.split(': ', 1)[1]}")
                print(f"{'':<28} {ours.split(':  ', 1)[1]}")
                print(f"{'':<28} step losses differ by at most {dloss:.3g}; "
                      f"largest parameter difference {diff:.3g} (largest parameter {big:.3g}){verdict}", flush=True)
            else:
                print(theirs)
                print(ours)
                print(f"step losses differ by at most {dloss:.3g}; "
                      f"largest parameter difference {diff:.3g} (largest parameter {big:.3g}){verdict}")
    if a.cnn or a.nin:
        print(f"largest difference over {len(cases)} cases: {worst:.3g} (parameters), {worst_loss:.3g} (step losses)")
    sys.exit(1 if tol is not None and worst > tol else 0)


if __name__ == "__main__":
    main()
