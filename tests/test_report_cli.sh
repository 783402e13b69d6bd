#!/bin/sh
# test_report_cli.sh: 'actbench report' end to end. Trains a small spirals
# experiment (relu and leaky_relu at two learning rates, two seeds) into a
# temporary directory, then checks the text report, --csv (header and one
# row per variant), --json (its keys; parsed by python3 when there is one),
# two directories pooled (an alpha sweep done as two runs, the shared relu
# runs counted once), a directory of result directories, and the errors
# (exit 2). Uses $ACTBENCH (default ./actbench).
. "$(dirname "$0")/lib.sh"

check() { # name, then a command that must succeed
    name=$1; shift
    if "$@"; then pass; else fail "$name"; fi
}
has() { grep -qF -- "$1" "$2"; }
lines_are() { [ "$(wc -l <"$2" | tr -d ' ')" -eq "$1" ]; }
exits() { # status, args...: actbench report args exits with status
    want=$1; shift
    status=0
    "$ACTBENCH" report "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    [ "$status" -eq "$want" ] || { echo "    exit $status, want $want: $(head -c 300 "$tmp/err")"; return 1; }
}

cat >"$tmp/exp.yaml" <<'YAML'
name: reportcli
data: {dataset: spirals, n_train: 300, n_test: 200, validation: 50}
model: {hidden: [8, 8], activation: [relu, leaky_relu], alpha: 0.01}
train: {optimizer: sgd, learning_rate: [0.05, 1.0], batch_size: 32, epochs: 2}
seeds: [1, 2]
YAML
"$ACTBENCH" run "$tmp/exp.yaml" -o "$tmp/results/a" -j 2 -q >/dev/null
"$ACTBENCH" run "$tmp/exp.yaml" --set model.alpha=0.2 -o "$tmp/results/b" -j 2 -q >/dev/null

# the text report
check "text exits 0" exits 0 "$tmp/results/a"
cp "$tmp/out" "$tmp/text"
check "text names the variants" has "leaky_relu lr=1" "$tmp/text"
check "text has the relu baseline" has "baseline" "$tmp/text"
for c in C1 C2 C3 C4 C5; do
    check "text has a verdict on $c" grep -Eq "^$c (supports|contradicts|cannot tell): " "$tmp/text"
done
check "text has a CI" grep -q '\[[-+]0\.[0-9]*, [-+]0\.[0-9]*\]' "$tmp/text"

# CSV: a header, one row per variant (relu, leaky_relu) x (0.05, 1)
check "csv exits 0" exits 0 "$tmp/results/a" --csv
check "csv header" grep -q '^variant,activation,train.learning_rate,n,n_finished,test_accuracy_mean,test_accuracy_sd,gap_mean,gap_sd,dead_fraction_layer1_mean,dead_fraction_layer2_mean,diverged,failed,baseline,diff_vs_relu,diff_ci_low,diff_ci_high,diff_df,p_value$' "$tmp/out"
check "csv rows" lines_are 5 "$tmp/out"

# JSON
check "json exits 0" exits 0 "$tmp/results/a" --json
for key in '"variants"' '"claims"' '"verdict"' '"diff_ci_low"' '"id":	"C5"'; do
    check "json has $key" has "$key" "$tmp/out"
done
if command -v python3 >/dev/null 2>&1; then
    check "json parses" python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["variants"]) == 4 and len(d["claims"]) == 5' <"$tmp/out"
else
    skip "json parses" "python3 not installed"
fi

# two directories pooled: relu runs are in both, counted once
check "pooled exits 0" exits 0 "$tmp/results/a" "$tmp/results/b" --csv
check "pooled rows: relu x2, leaky alpha 0.01 and 0.2 x2" lines_are 7 "$tmp/out"
check "pooled relu n is 2" grep -q '^relu lr=1,relu,,1,2,' "$tmp/out"
check "pooled notes duplicates" has "duplicate" "$tmp/err"
check "pooled alpha column" has ",model.alpha," "$tmp/out"
check "parent dir pools the same" exits 0 "$tmp/results" --csv
check "parent dir rows" lines_are 7 "$tmp/out"
check "text of pooled dirs runs C2" exits 0 "$tmp/results"
check "C2 compares alpha 0.2 with 0.01" has "leaky_relu alpha=0.2 lr=1 vs leaky_relu alpha=0.01 lr=1" "$tmp/out"

# errors and help
mkdir -p "$tmp/empty/runs"
check "missing dir exits 2" exits 2 "$tmp/nonexistent"
check "missing dir message" has "no such directory" "$tmp/err"
check "empty dir exits 2" exits 2 "$tmp/empty"
check "one missing among two exits 2" exits 2 "$tmp/results/a" "$tmp/nonexistent"
check "no dir exits 2" exits 2
check "unknown option exits 2" exits 2 "$tmp/results/a" --bogus
check "--csv --json exits 2" exits 2 "$tmp/results/a" --csv --json
check "--baseline without a value exits 2" exits 2 "$tmp/results/a" --baseline
check "--help exits 0" exits 0 --help
check "--help prints usage" has "usage: actbench report" "$tmp/out"
check "--baseline leaky_relu" exits 0 "$tmp/results/a" --baseline leaky_relu --csv
check "--baseline names the column" has ",diff_vs_leaky_relu," "$tmp/out"

finish "report cli"
