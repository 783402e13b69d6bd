#!/usr/bin/python3
"""mutate_configs.py: a mutation fuzzer for the experiment parser. Takes the
experiment files of configs/ and tests/cases/config/good/, mutates each
(inserts YAML tokens, deletes and duplicates spans), and runs
`ACTBENCH validate` on it. Every outcome must be exit 0 or exit 2 with a
message on stderr; a crash, another exit status, a sanitizer report or a
silent exit 2 is a failure, kept as failNN.yaml in the output directory.

usage: mutate_configs.py ACTBENCH OUTDIR [CASES] [SEED]"""
import glob, os, random, subprocess, sys

TOKENS = [b':', b'-', b'[', b']', b'{', b'}', b',', b'\n', b' ', b'\t', b'"', b"'", b'&a', b'*a',
          b'!!str', b'#', b'1e999', b'-0', b'nan', b'.inf', b'0x10', b'~', b'null', b'true',
          b'9999999999999999999999', b'\xff', b'\x00', b'model', b'alpha', b'hidden', b'variants',
          b'seeds', b'---', b'...', b'%YAML 1.1', b'? ']


def mutate(rng, s):
    s = bytearray(s)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(s))
        op = rng.random()
        if op < 0.4:
            s[pos:pos] = rng.choice(TOKENS)
        elif op < 0.7 and s:
            del s[pos:pos + rng.randint(1, 20)]
        else:
            a, b = sorted((rng.randint(0, len(s)), rng.randint(0, len(s))))
            s[pos:pos] = s[a:b][:200]
    return bytes(s)


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    actbench, out = sys.argv[1], sys.argv[2]
    cases = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    seeds = [open(f, "rb").read() for f in sorted(glob.glob(os.path.join(root, "configs", "*.yaml")) +
                                                  glob.glob(os.path.join(root, "tests/cases/config/good/*.yaml")))]
    os.makedirs(out, exist_ok=True)
    path, bad = os.path.join(out, "case.yaml"), 0
    for _ in range(cases):
        data = mutate(rng, rng.choice(seeds))
        with open(path, "wb") as f:
            f.write(data)
        r = subprocess.run([actbench, "validate", path], capture_output=True, timeout=60)
        err = r.stderr.decode("utf-8", "replace")
        if (r.returncode not in (0, 2) or "Sanitizer" in err or "runtime error" in err
                or (r.returncode == 2 and not err.strip())):
            bad += 1
            with open(os.path.join(out, f"fail{bad:02d}.yaml"), "wb") as f:
                f.write(data)
            print(f"FAIL exit {r.returncode}: {err[:300]}")
    print(f"fuzz configs: {cases - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
