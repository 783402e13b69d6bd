#!/usr/bin/python3
"""torch_lockstep.py: a lock-step check of actbench's numerics against
PyTorch (Debian's python3-torch; a development tool, actbench never needs
it). Runs build/tools/lockstep, which trains quick.yaml's 784-300-100-10
network for STEPS batches of Fashion-MNIST in file order and writes its
initial and final parameters; then trains the same network from the same
initial parameters on the same batches with torch.optim.SGD (momentum 0.9,
lr 0.01) and prints both losses and the largest parameter difference.
Float rounding differs between the two, and SGD amplifies it over many
steps, so compare after few steps for exact agreement.

usage: scripts/torch_lockstep.py [ACTIVATION] [STEPS]   (default relu 10)"""
import gzip, os, subprocess, sys, tempfile

import numpy as np
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist/"


def idx(name):
    data = gzip.open(DATA + name + ".gz").read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)


def act(name):
    table = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "prelu": lambda: nn.PReLU(1, 0.25),
             "elu": nn.ELU, "selu": nn.SELU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "linear": nn.Identity}
    if name not in table:
        sys.exit(f"torch_lockstep: {name}: not comparable in lock step (one of {', '.join(table)})")
    return table[name]()


def main():
    if any(a in ("-h", "--help") for a in sys.argv[1:]):
        print(__doc__)
        return
    name = sys.argv[1] if len(sys.argv) > 1 else "relu"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([os.path.join(ROOT, "build/tools/lockstep"), name, str(steps), tmp],
                             check=True, capture_output=True, text=True).stdout
        init = np.fromfile(os.path.join(tmp, "init.bin"), np.float32)
        final = np.fromfile(os.path.join(tmp, "final.bin"), np.float32)
    n = min(steps * 128, 55000)
    xtr = torch.tensor(idx("train-images-idx3-ubyte").reshape(-1, 784)[:n].astype(np.float32) / 255)
    ytr = torch.tensor(idx("train-labels-idx1-ubyte")[:n].astype(np.int64))
    xte = torch.tensor(idx("t10k-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255)
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte").astype(np.int64))
    layers, params, width = [], [], 784
    for w in (300, 100, 10):
        lin = nn.Linear(width, w)
        layers.append(lin)
        params += [lin.weight, lin.bias]
        if w != 10:
            a = act(name)
            layers.append(a)
            params += list(a.parameters())
        width = w
    net = nn.Sequential(*layers)
    off = 0
    with torch.no_grad():
        for p in params:
            p.copy_(torch.tensor(init[off:off + p.numel()]).view_as(p))
            off += p.numel()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    loss_fn, total = nn.CrossEntropyLoss(), 0.0
    for i in range(0, n, 128):
        opt.zero_grad()
        loss = loss_fn(net(xtr[i:i + 128]), ytr[i:i + 128])
        loss.backward()
        opt.step()
        total += loss.item() * len(ytr[i:i + 128])
    with torch.no_grad():
        o = net(xte)
        tl, ta = loss_fn(o, yte).item(), (o.argmax(1) == yte).float().mean().item()
    mine = np.concatenate([p.detach().numpy().ravel() for p in params])
    print(out.strip())
    print(f"pytorch:  {-(-n // 128)} steps, mean training loss {total / n:.6f}, test loss {tl:.6f}, test accuracy {ta:.4f}")
    print(f"largest parameter difference {np.abs(mine - final).max():.3g} (largest parameter {np.abs(final).max():.3g})")


if __name__ == "__main__":
    main()
