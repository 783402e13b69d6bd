#!/usr/bin/python3
"""make_seeds.py: writes the seed corpora (tests/fuzz/corpus/NAME/) and
dictionaries (tests/fuzz/*.dict) of the fuzz harnesses. Experiment files
need no copies: tests/fuzz/run.sh also gives the fuzzers configs/ and
tests/cases/config/. The run-file seeds come from a tiny experiment run by
ACTBENCH (default ./actbench). Run from the repository root:

    /usr/bin/python3 tests/fuzz/make_seeds.py [ACTBENCH]"""
import glob, gzip, json, os, re, shutil, struct, subprocess, sys, tempfile

SEP = b"-8<-"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def put(name, seed, data):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


def idx_images(n, h, w, start=0):
    return struct.pack(">IIII", 0x803, n, h, w) + bytes((start + i * 37) % 256 for i in range(n * h * w))


def idx_labels(labels):
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


def idx_seeds():
    tr, te = [idx_images(4, 2, 3), idx_labels([0, 1, 2, 9])], [idx_images(2, 2, 3, 5), idx_labels([3, 4])]
    put("idx", "plain", bytes([0x00]) + SEP.join(tr + te))
    put("idx", "mnist-gzip-val", bytes([0x01 | 0x04 | 0x10]) + SEP.join(tr + te))
    put("idx", "gz-named-standardize", bytes([0x04 | 0x08 | 0x80]) + SEP.join(tr + te))
    put("idx", "already-gzip", bytes([0x40]) + SEP.join(gzip.compress(p, mtime=0) for p in tr + te))
    img2 = struct.pack(">III", 0x802, 3, 5) + bytes(range(15))  # 2-D images (idx only)
    put("idx", "two-dims", bytes([0x00]) + SEP.join([img2, idx_labels([0, 1, 1]), img2, idx_labels([1, 0, 0])]))
    put("idx", "truncated", bytes([0x00]) + SEP.join([idx_images(4, 2, 3)[:-5], idx_labels([0, 1, 2, 3])]))


def cifar_seeds():
    rec = lambda label, k: bytes([label]) + bytes((k + i) % 256 for i in range(3072))
    put("cifar", "one-record", bytes([0x00]) + rec(3, 0))
    put("cifar", "gzip-val", bytes([0x01 | 0x04]) + rec(1, 7) + rec(9, 1))
    put("cifar", "six-files", bytes([0x02 | 0x01 | 0x10]) + SEP.join(rec(k, k) for k in range(6)))
    put("cifar", "bad-size", bytes([0x00]) + rec(0, 0)[:100])


def csv_seeds():
    put("csv", "header", bytes([0x02 | 0x08]) + b"a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n0.5,1e3,1\n")
    put("csv", "auto-test-file", bytes([0x00 | 0x20]) + b"0,1.5,2\n1,2.5,3\n\n1,-1,-2\n" + SEP + b"0,1,1\n1,2,2\n")
    put("csv", "quoted-crlf", bytes([0x03 | 0x04 | 0x40 | 0x80]) + b'"y","x"\r\n"1"," 2 "\r\n0,3\r\n1,4\r\n')
    put("csv", "column-y", bytes([0x0c | 0x10]) + b"x1,x2,y\n1,2,0\n2,3,1\n3,4,0\n4,5,1\n5,6,2\n")


def set_seeds():
    sets = ["model.alpha=0.3", "model.init.scale=3\nmodel.init.mode=[fan_in, fan_avg]",
            "train={optimizer: adam, epochs: 5}", "seeds=[1,2,3]\nvariants=[]", "model.hidden=[[4], [8, 8]]",
            "data.dataset=xor\ndata.noise=0.1", "name=x\ntrain.schedule=cosine", "model={activation: elu}",
            "probe.set=validation", "model.init=glorot_normal\nmodel.init.distribution=uniform"]
    for f in glob.glob(os.path.join(ROOT, "tests/cases/config/*/*.yaml")):
        for line in open(f):
            m = re.match(r"# args: (.*)", line)
            if m:
                words = re.findall(r"'([^']*)'|(\S+)", m.group(1))
                words = [a or b for a, b in words]
                sets.append("\n".join(w for i, w in enumerate(words) if i and words[i - 1] == "--set"))
    for i, s in enumerate(sorted(set(s for s in sets if s))):
        put("set", "s%02d" % i, s.encode())


def run_seeds(actbench):
    tmp = tempfile.mkdtemp()
    try:
        exp = os.path.join(tmp, "tiny.yaml")
        with open(exp, "w") as f:
            f.write("name: tiny\ndata: {dataset: xor, n_train: 60, n_test: 20, validation: 20}\n"
                    "model: {hidden: [3, 3], activation: [relu, leaky_relu], alpha: 0.2}\n"
                    "train: {learning_rate: 0.1, batch_size: 20, epochs: 2}\nseeds: [1, 2]\n")
        out = os.path.join(tmp, "out")
        subprocess.run([actbench, "run", exp, "-j", "1", "-q", "-o", out], check=True, stdout=subprocess.DEVNULL)
        runs = [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(out, "runs", "*.json")))]
        manifest = open(os.path.join(out, "experiment.json"), "rb").read()
    finally:
        shutil.rmtree(tmp)
    put("runs", "four-runs", bytes([0x00]) + SEP.join(runs))
    put("runs", "manifest-and-runs", bytes([0x02 | 0x04]) + SEP.join([manifest] + runs))
    put("runs", "manifest-baseline-leaky", bytes([0x01 | 0x02]) + SEP.join([manifest] + runs[:2]))
    put("runs", "baseline-leaky", bytes([0x01]) + SEP.join(runs[:2]))
    doc = json.loads(runs[0])
    doc["status"] = "diverged"
    put("runs", "one-diverged", bytes([0x02]) + SEP.join([manifest, json.dumps(doc).encode()] + runs[1:]))
    put("runs", "truncated", bytes([0x06]) + SEP.join([manifest, runs[0][: len(runs[0]) // 2]] + runs[1:]))
    return [json.loads(r) for r in runs]


def keys_of(o, acc):
    if isinstance(o, dict):
        for k, v in o.items():
            acc.add(k)
            keys_of(v, acc)
    elif isinstance(o, list):
        for v in o:
            keys_of(v, acc)
    return acc


def write_dict(name, words, extra):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("# %s: libFuzzer dictionary, written by make_seeds.py\n" % name)
        for w in extra + sorted(words):
            f.write('"%s"\n' % "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\x%02x" % ord(c) for c in w))


def dictionaries(run_docs):
    schema = open(os.path.join(ROOT, "src/config/schema.c")).read()
    words = set()
    for path in re.findall(r'^\s*\{"([a-z_.]+)"', schema, re.M):
        words.update(path.split("."))
        words.add(path)
    for group in re.findall(r'"([a-z_0-9]+(?:, [a-z_0-9]+)+)"', schema):
        words.update(group.split(", "))
    words.update(["relu", "leaky_relu", "rrelu", "prelu", "elu", "selu", "sigmoid", "tanh", "linear",
                  "he_normal", "he_uniform", "glorot_normal", "glorot_uniform", "lecun_normal",
                  "lecun_uniform", "he_avg_uniform", "fashion-mnist", "mnist", "idx", "cifar10", "csv",
                  "spirals", "blobs", "xor", "augment", "flip", "crop", "auto", "true", "false"])
    yaml_tokens = [": ", "- ", "[", "]", "{", "}", ", ", "\n  ", "---", "...", "~", "null", "!!str ", "&a ", "*a",
                   "? ", "'", '"', "#", "1e999", ".inf", ".nan", "-0", "0x10", "9999999999999999999999", "="]
    write_dict("yaml.dict", words, yaml_tokens)
    json_words = set()
    for d in run_docs:
        keys_of(d, json_words)
    json_words.update(["ok", "diverged", "failed", "experiment", "config"])
    json_tokens = ['":', '{"', '"}', "[]", "{}", "null", "true", "false", "1e308", "-1e308", "1e-320",
                   "-0", "NaN", "\\u0000", "\\ud800", SEP.decode()]
    write_dict("json.dict", json_words, json_tokens)
    write_dict("data.dict", [], [SEP.decode(), "\x00\x00\x08\x03", "\x00\x00\x08\x01", "\x00\x00\x08\x02",
                                 "\x00\x00\x08\x04", "\x1f\x8b\x08\x00", "\xff\xff\xff\xff", "\x00\x00\x00\x00",
                                 ",", "\n", "\r\n", '"', "label", "nan", "inf", "1e40", "-1", "65535"])


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return
    actbench = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "actbench")
    idx_seeds()
    cifar_seeds()
    csv_seeds()
    set_seeds()
    dictionaries(run_seeds(actbench))


if __name__ == "__main__":
    main()
