#!/bin/sh
# test_torch.sh: actbench against PyTorch in lock step
# (scripts/torch_lockstep.py with build/tools/lockstep): from actbench's
# initial parameters, on the same batches, PyTorch's parameters after 10
# steps must agree within 1e-5 for the MLP (relu, prelu) and for every
# convolutional case of the script (max, average and global average
# pooling, strided and 1x1 convolutions, dropout at rate 0; relu, leaky_relu,
# prelu per channel), and for cnn_paper's network after 1 step. Skipped
# (counted as skipped, not passed) when /usr/bin/python3 has no torch
# (Debian's python3-torch); needs Fashion-MNIST
# and `make tools`. Run from the repository root.
. "$(dirname "$0")/lib.sh"
PY=${TORCH_PYTHON:-/usr/bin/python3}
SCRIPT=$root/scripts/torch_lockstep.py
LOCKSTEP=${LOCKSTEP:-$root/build/tools/lockstep}
export LOCKSTEP

if ! "$PY" -c 'import torch' 2>/dev/null; then
    skip "torch lock step" "$PY has no torch (Debian: apt-get install python3-torch)"
    finish test_torch.sh
fi
if [ ! -x "$LOCKSTEP" ]; then
    fail "lockstep tool" "$LOCKSTEP is missing: run 'make tools' (make test builds it)"
    finish test_torch.sh
fi

# status of the last command, its output in $tmp/out and $tmp/err
run() {
    status=0
    "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
}
# every "largest parameter difference" line within 1e-5, and n of them
agree() { # name n
    n=$(grep -c 'largest parameter difference .*  ok$' "$tmp/out" || true)
    if [ "$status" = 0 ] && [ "$n" = "$2" ] && ! grep -q EXCEEDS "$tmp/out"; then
        pass
    else
        fail "$1" "exit $status, $n of $2 cases within 1e-5"
        sed 's/^/    /' "$tmp/out" "$tmp/err" | tail -n 30
    fi
}

for act in relu prelu; do
    run "$PY" "$SCRIPT" "$act" 10 --tolerance 1e-5
    agree "mlp $act" 1
    # the two halves print the same losses to 6 digits
    a=$(sed -n 's/^actbench: \(.*\)/\1/p' "$tmp/out")
    p=$(sed -n 's/^pytorch:  \(.*\)/\1/p' "$tmp/out")
    expect "mlp $act: same losses" "$p" "$a"
done

# the CNN cases need model.layers in experiment files (issue 9's config part)
printf 'model: {layers: [{conv: 2, kernel: 3}]}\n' >"$tmp/layers.yaml"
if "$ACTBENCH" validate "$tmp/layers.yaml" >/dev/null 2>&1; then
    run "$PY" "$SCRIPT" --cnn 10
    agree "cnn cases" 6
    expect "cnn: summary line" "$(grep -c '^largest difference over 6 cases' "$tmp/out")" 1
    # cnn_paper's network: after one step (docs/findings.md: float32 sign flips of
    # pre-activations within rounding of 0 make 10 steps differ by more)
    run "$PY" "$SCRIPT" --nin 1 --tolerance 1e-5
    agree "nin cases, 1 step" 3
else
    skip "cnn lock step" "this actbench does not accept model.layers"
fi

# a tolerance nobody meets is reported as exceeded, exit 1
run "$PY" "$SCRIPT" relu 3 --tolerance 1e-30
expect "exceeded tolerance: exit 1" "$status" 1
expect "exceeded tolerance: said" "$(grep -c 'EXCEEDS 1e-30' "$tmp/out")" 1

# usage errors exit 2
run "$PY" "$SCRIPT" --cnn relu
expect "cnn with an activation: exit 2" "$status" 2
printf 'model: {activation: rrelu}\n' >"$tmp/rrelu.yaml"
run "$PY" "$SCRIPT" --config "$tmp/rrelu.yaml" 2
expect "rrelu refused" "$(grep -c 'not comparable in lock step' "$tmp/err")" 1

finish test_torch.sh
