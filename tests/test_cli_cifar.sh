#!/bin/sh
# test_cli_cifar.sh: configs/cifar10_nin.yaml (Network in Network, 192
# channels, on CIFAR-10) against small CIFAR-10 binary batches that
# tests/tools/make_cifar.py writes from Fashion-MNIST images (padded to
# 32x32, three equal colour planes): validate shows the 3x32x32 input and
# the network's hand-counted parameters; one epoch of relu and prelu on 200
# records (5 plain batches of 40) and a gzip test batch of 50 runs to the
# end, reading the example counts it should (every accuracy is a count over
# 160 training, 40 validation and 50 test examples), with -j 1 and -j 2 to
# identical run files; a missing data directory is a data error.
. "$(dirname "$0")/lib.sh"
PY=${CIFAR_PYTHON:-/usr/bin/python3}
FMNIST=/usr/share/datasets/fashion-mnist
config=$root/configs/cifar10_nin.yaml
if [ ! -x "$PY" ]; then
    skip "cifar10_nin" "$PY is missing"
    finish "cifar cli"
fi
if [ ! -f "$FMNIST/train-images-idx3-ubyte.gz" ]; then
    skip "cifar10_nin" "no Fashion-MNIST in $FMNIST (dataset-fashion-mnist)"
    finish "cifar cli"
fi
cd "$tmp"
"$PY" "$root/tests/tools/make_cifar.py" "$FMNIST" cifar 200 50 || {
    fail "make_cifar.py"
    finish "cifar cli"
}

# ---- validate: the network as the config writes it ----
act val validate "$config" --set data.path=cifar
expect "validate exit status" "$status" 0
expect_grep "15 runs" "experiment cifar10_nin: 15 runs" val.out
expect_grep "input" "    input                              3x32x32" val.out
# 192*3*25+192 = 14592; 160*192+160 = 30880; 96*160+96 = 15456;
# 192*96*25+192 = 460992; 192*192+192 = 37056 (twice); 192*192*9+192 =
# 331968; 37056; 10*192+10 = 1930; output 10*10+10 = 110
expect_grep "first conv" "    conv 192 5x5 stride 1 pad 2        192x32x32           14592" val.out
expect_grep "second block" "    conv 192 5x5 stride 1 pad 2        192x15x15          460992" val.out
expect_grep "third block" "    conv 192 3x3 stride 1 pad 1        192x7x7            331968" val.out
expect_grep "total" "    total                                                 967096" val.out

# ---- one epoch, two variants, -j 1 and -j 2 ----
small="--set data.path=cifar --set data.validation=40 --set train.epochs=1 --set seeds=[1]"
two='variants=[{model: {activation: relu}}, {model: {activation: prelu, prelu_sharing: channel}}]'
# shellcheck disable=SC2086
act j1 run "$config" $small --set "$two" -j 1 -o j1 -q
expect "-j 1 exit status" "$status" 0
# shellcheck disable=SC2086
act j2 run "$config" $small --set "$two" -j 2 -o j2 -q
expect "-j 2 exit status" "$status" 0
same_runs "-j 1 against -j 2" j1 j2
for f in j1/runs/*.json; do
    [ -f "$f" ] || continue
    # every accuracy is a whole count of its split's examples
    counts=$("$PY" - "$f" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["final"]
def whole(acc, n):
    k = acc * n
    return abs(k - round(k)) < 1e-9
print(r["status"], r["config"]["data"]["dataset"],
      whole(f["train_accuracy"], 160), whole(f["val_accuracy"], 40),
      whole(f["test_accuracy"], 50), f["epochs_completed"])
PY
)
    expect "$f status, data and counts" "$counts" "ok cifar10 True True True 1"
done
expect "run files" "$compared" 2

# ---- no data directory: a data error, nothing written ----
act nodata run "$config" --set data.path=nowhere --set seeds=[1] -o nodata -q
expect "missing data exit status" "$status" 2
expect_grep "names the directory" "nowhere" nodata.err
[ ! -d nodata/runs ] || [ -z "$(ls nodata/runs)" ] && pass || fail "nodata wrote runs"

finish "cifar cli"
