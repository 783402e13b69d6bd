#!/bin/sh
# test_scripts.sh: the helper scripts. scripts/sweep_alpha.sh on a tiny
# synthetic experiment (one result directory per alpha, then the report),
# its argument handling against a stub actbench, and scripts/plot_results.py
# on those directories and on a tiny learning-rate sweep (each expected PNG
# exists and starts with the PNG signature), and plot_data.py's panel titles
# for conv and dense layers. The plot checks are skipped
# when /usr/bin/python3 has no matplotlib. Uses $ACTBENCH (default
# ./actbench); run from the repository root.
. "$(dirname "$0")/lib.sh"
export ACTBENCH
SWEEP=$root/scripts/sweep_alpha.sh
PLOT=$root/scripts/plot_results.py
PY=${PLOT_PYTHON:-/usr/bin/python3}  # Debian python3-matplotlib
check() { # name, condition command...
    name=$1; shift
    if "$@"; then pass; else fail "$name" "$*"; fi
}
# run name expected-status command...: runs command with stdout and stderr
# in $tmp/out and $tmp/err and checks the exit status.
run() {
    name=$1 want=$2; shift 2
    status=0
    "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    if [ "$status" = "$want" ]; then
        pass
    else
        fail "$name" "exit status $status, expected $want"
        sed 's/^/    stderr: /' "$tmp/err" | tail -n 15
    fi
}
has() { grep -q -- "$1" "$2"; }
count_files() { # dir pattern
    n=0
    for f in "$1"/$2; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}
first() { # the first existing match of a glob, or nothing
    for f in "$@"; do [ -e "$f" ] && { echo "$f"; return; }; done
}
is_png() { # the 8-byte PNG signature
    [ -s "$1" ] && [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]
}

cat >"$tmp/tiny.yaml" <<'EOF'
name: tiny
data: {dataset: spirals, n_train: 200, n_test: 100, validation: 40}
model: {hidden: [8, 8], activation: relu}
train: {optimizer: momentum, learning_rate: 0.05, batch_size: 32, epochs: 5}
seeds: [1, 2]
EOF

# ---- sweep_alpha.sh: arguments
run "sweep --help" 0 sh "$SWEEP" --help
check "sweep --help prints usage" has "usage: scripts/sweep_alpha.sh" "$tmp/out"
run "sweep unknown option" 2 sh "$SWEEP" --bogus
check "sweep unknown option message" has "unknown option '--bogus'" "$tmp/err"
run "sweep bad alpha" 2 sh "$SWEEP" "$tmp/tiny.yaml" 0.1x
check "sweep bad alpha message" has "ALPHA must be a number" "$tmp/err"
run "sweep missing config" 2 sh "$SWEEP" "$tmp/nope.yaml" 0.1
check "sweep missing config message" has "nope.yaml: no such config file" "$tmp/err"
run "sweep bad -j" 2 sh "$SWEEP" -j 0 "$tmp/tiny.yaml"
run "sweep config error stops" 2 sh "$SWEEP" -o "$tmp/bad" --set train.epochs=0 "$tmp/tiny.yaml" 0.1
check "sweep config error message" has "train.epochs" "$tmp/err"

# A stub actbench: logs its arguments; the run with alpha $STUB_FAIL fails
# (exit 1), like 'actbench run' when a run failed.
cat >"$tmp/stub.sh" <<EOF
#!/bin/sh
echo "\$*" >>"$tmp/stub.log"
case " \$* " in *" model.alpha=\${STUB_FAIL:-none} "*) exit 1 ;; esac
exit 0
EOF
chmod +x "$tmp/stub.sh"
: >"$tmp/stub.log"
run "sweep failing run: exit 1" 1 env ACTBENCH="$tmp/stub.sh" STUB_FAIL=0.1 sh "$SWEEP" -j 3 -o "$tmp/o" \
    --set 'model.hidden=[4, 4]' "$tmp/tiny.yaml" 0 0.1 0.2
check "sweep goes on after a failed run" test "$(grep -c '^run ' "$tmp/stub.log")" = 3
check "sweep command line" has \
    "^run $tmp/tiny.yaml --set variants=\[\] --set model.activation=leaky_relu --set model.alpha=0.2 --set name=alpha_0.2 --set model.hidden=\[4, 4\] -j 3 -o $tmp/o/alpha_0.2 --resume\$" \
    "$tmp/stub.log"
check "sweep reports every alpha" has "^report $tmp/o/alpha_0 $tmp/o/alpha_0.1 $tmp/o/alpha_0.2\$" "$tmp/stub.log"
: >"$tmp/stub.log"
in_tmp() { (cd "$tmp" && "$@"); }
run "sweep defaults" 0 in_tmp env ACTBENCH="$tmp/stub.sh" sh "$SWEEP"
if [ -f "$root/configs/alpha_sweep.yaml" ]; then def=alpha_sweep.yaml; else def=quick.yaml; fi
check "sweep default config and alphas" test "$(grep -c "^run $root/configs/$def .* -o runs/sweep_alpha/alpha_" "$tmp/stub.log")" = 7

# ---- sweep_alpha.sh: a real sweep
out=$tmp/sweep
run "sweep runs" 0 sh "$SWEEP" -j 2 -q -o "$out" --set train.epochs=2 "$tmp/tiny.yaml" 0 0.1 0.3
for a in 0 0.1 0.3; do
    d=$out/alpha_$a
    check "sweep alpha=$a: 2 run files" test "$(count_files "$d/runs" '*.json')" = 2
    check "sweep alpha=$a: summary" test -s "$d/summary.json"
    check "sweep alpha=$a: experiment name" has "\"experiment\":[[:space:]]*\"alpha_$a\"" "$d/summary.json"
    f=$(first "$d"/runs/*.json)
    check "sweep alpha=$a: leaky_relu" has '"activation":[[:space:]]*"leaky_relu"' "$f"
    check "sweep alpha=$a: alpha" grep -Eq "\"alpha\":[[:space:]]*$a,?\$" "$f"
    check "sweep alpha=$a: --set passed (3 epochs)" test "$(grep -c '"train_loss_running":' "$f")" = 3
done
check "sweep ran the report (stdout names the variants)" has "alpha=0.3" "$tmp/out"
cksum "$out"/alpha_*/runs/*.json >"$tmp/sum1"
run "sweep resume" 0 sh "$SWEEP" -j 2 -q -o "$out" --set train.epochs=2 "$tmp/tiny.yaml" 0 0.1 0.3
cksum "$out"/alpha_*/runs/*.json >"$tmp/sum2"
check "sweep resume keeps the runs" cmp -s "$tmp/sum1" "$tmp/sum2"

# ---- plot_results.py
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
    skip "plot_results.py" "$PY has no matplotlib (python3-matplotlib)"
else
    run "plot --help" 0 "$PY" "$PLOT" --help
    check "plot --help prints usage" has "usage: plot_results.py" "$tmp/out"

    run "plot sweep dirs" 0 "$PY" "$PLOT" "$out"/alpha_0 "$out"/alpha_0.1 "$out"/alpha_0.3 -o "$tmp/fig"
    for f in curves dead_fraction accuracy_vs_alpha; do
        check "plot sweep: $f.png is a PNG" is_png "$tmp/fig/$f.png"
        check "plot sweep: $f.png printed" has "^$tmp/fig/$f.png\$" "$tmp/out"
    done
    check "plot sweep: no lr figure (one rate)" test ! -e "$tmp/fig/dead_vs_lr.png"
    check "plot sweep: lr skip noted" has "skip lr" "$tmp/err"

    lr=$tmp/lr
    run "lr sweep runs" 0 "$ACTBENCH" run "$tmp/tiny.yaml" -q -j 2 -o "$lr" --set train.epochs=2 \
        --set 'model.activation=[relu, leaky_relu]' --set 'train.learning_rate=[0.01, 0.1]'
    run "plot lr sweep" 0 "$PY" "$PLOT" "$lr"
    for f in curves dead_fraction dead_vs_lr; do
        check "plot lr: $f.png is a PNG (default DIR/figures)" is_png "$lr/figures/$f.png"
    done
    check "plot lr: no alpha figure (one alpha)" test ! -e "$lr/figures/accuracy_vs_alpha.png"

    run "plot --which" 0 "$PY" "$PLOT" "$lr" --which dead -o "$tmp/which"
    check "plot --which dead: one file" test "$(count_files "$tmp/which" '*.png')" = 1
    check "plot --which dead: dead_fraction.png" is_png "$tmp/which/dead_fraction.png"
    check "plot lr: no steps figure (no probe.every_steps)" test ! -e "$lr/figures/dead_vs_step.png"

    st=$tmp/steps
    run "runs with probe.every_steps" 0 "$ACTBENCH" run "$tmp/tiny.yaml" -q -j 2 -o "$st" --set train.epochs=2 \
        --set 'model.activation=[relu, leaky_relu]' --set probe.every_steps=2
    run "plot steps" 0 "$PY" "$PLOT" "$st" --which steps
    check "plot steps: dead_vs_step.png is a PNG" is_png "$st/figures/dead_vs_step.png"

    # null values: a diverged run (nulls in final and the last epoch) and a
    # failed run (no epochs, final null) beside the real ones
    nul=$tmp/nulls
    cp -R "$lr" "$nul"
    rm -rf "$nul/figures"
    src=$(first "$nul"/runs/*.json)
    "$PY" - "$src" "$nul/runs" <<'EOF'
import copy, json, sys
doc = json.load(open(sys.argv[1]))
d = copy.deepcopy(doc)
d.update(run_id="00000000000000d1", status="diverged", diverged_epoch=2)
d["final"].update(test_accuracy=None, test_loss=None, train_test_gap=None)
d["epochs"][2].update(train_loss=None, val_loss=None)
json.dump(d, open(sys.argv[2] + "/00000000000000d1.json", "w"))
f = copy.deepcopy(doc)
f.update(run_id="00000000000000f1", status="failed", epochs=[], final=None,
         error="worker killed by signal 9 (Killed)")
json.dump(f, open(sys.argv[2] + "/00000000000000f1.json", "w"))
EOF
    run "plot with null values" 0 "$PY" "$PLOT" "$nul"
    for f in curves dead_fraction dead_vs_lr; do
        check "plot nulls: $f.png is a PNG" is_png "$nul/figures/$f.png"
    done

    run "plot missing dir" 2 "$PY" "$PLOT" "$tmp/nope"
    check "plot missing dir message" has "nope: no such directory" "$tmp/err"
    mkdir -p "$tmp/empty/runs"
    run "plot no runs" 2 "$PY" "$PLOT" "$tmp/empty"
    check "plot no runs message" has "no run files" "$tmp/err"
    run "plot not a result dir" 2 "$PY" "$PLOT" "$tmp"
    run "plot several dirs need -o" 2 "$PY" "$PLOT" "$lr" "$out/alpha_0"
    run "plot unknown figure" 2 "$PY" "$PLOT" "$lr" --which curves,nope
fi

# ---- plot_data.py: panel titles of conv and dense layers, the layer list in
# one line, the dead-fraction axis (units or channels), the curves' ranges
if "$PY" -c 'import json' 2>/dev/null; then
    "$PY" - "$root/scripts" >"$tmp/titles" 2>&1 <<'EOF' || true
import sys
sys.path.insert(0, sys.argv[1])
import plot_data as p
layers = [{"conv": 16, "kernel": 3, "stride": 1, "padding": 0}, {"pool": "max", "size": 2, "stride": 2},
          {"conv": 10, "kernel": 1, "stride": 2, "padding": 0}, {"dropout": 0.5}, {"pool": "global_avg"}, {"dense": 64}]
cnn = p.Run({"config": {"model": {"layers": layers}}, "status": "ok", "epochs": [{"epoch": 0, "layers": [
    {"layer": 1, "kind": "conv", "units": 16}, {"layer": 2, "kind": "conv", "units": 10},
    {"layer": 3, "kind": "dense", "units": 64}]}]}, "cnn.json")
mlp = p.Run({"config": {}, "status": "ok", "epochs": [{"epoch": 0, "layers": [{"layer": 1, "units": 300}]}]}, "mlp.json")
print(p.layer_title([cnn], 1)); print(p.layer_title([cnn], 3)); print(p.layer_title([mlp], 1))
print(p.layers_text(layers))
print(p.dead_ylabel([cnn], 1)); print(p.dead_ylabel([cnn], 3)); print(p.dead_ylabel([mlp], 1))
# curves.png's axes: epoch 0 (loss 2.5) left out of the range, the final test accuracy in it
series = [[(0, (2.5, 2.4, 2.6, 0.1)), (1, (0.5, 0.45, 0.55, 0.05)), (2, (0.4, 0.38, 0.42, 0.02))]]
lo, hi = p.value_range(series, 1)
print("range", lo < 0.38 and lo > 0.3 and hi > 0.55 and hi < 0.7)
lo, hi = p.value_range(series, 2, extra=[0.36])
print("zoom", lo < 0.36 and lo > 0.33 and hi > 0.42 and hi < 0.45)
print("none", p.value_range(series, 3))
EOF
    expect "plot title: conv layer" "$(sed -n 1p "$tmp/titles")" "conv layer 1 (16 channels)"
    expect "plot title: dense layer of a CNN" "$(sed -n 2p "$tmp/titles")" "dense layer 3 (64 units)"
    expect "plot title: MLP layer" "$(sed -n 3p "$tmp/titles")" "hidden layer 1 (300 units)"
    expect "plot subtitle: layer list" "$(sed -n 4p "$tmp/titles")" "conv16k3-max2-conv10k1s2-drop0.5-gap-dense64"
    expect "dead axis: a conv layer's channels" "$(sed -n 5p "$tmp/titles")" "dead fraction of the layer's channels"
    expect "dead axis: a dense layer's units in a CNN" "$(sed -n 6p "$tmp/titles")" "dead fraction of the layer's units"
    expect "dead axis: an MLP layer's units" "$(sed -n 7p "$tmp/titles")" "dead fraction of the layer's units"
    expect "curves: the axes leave epoch 0 out" "$(sed -n 8p "$tmp/titles")" "range True"
    expect "curves: the zoomed panel fits its epochs and the test accuracy" "$(sed -n 9p "$tmp/titles")" "zoom True"
    expect "curves: no values, no range" "$(sed -n 10p "$tmp/titles")" "none None"
else
    skip "plot_data.py titles" "$PY is missing"
fi

finish scripts
