#!/bin/sh
# test_report_cli.sh: 'actbench report' end to end. Trains a small spirals
# experiment (relu and leaky_relu at two learning rates, three seeds) into a
# temporary directory, then checks the text report (paired tests, Holm),
# --csv (header and one row per variant), --json (its keys; parsed by
# python3 when there is one), two directories pooled (an alpha sweep done
# as two runs, the shared relu runs counted once), a directory of result
# directories, the errors (exit 2), and damaged or foreign run files: each
# named on stderr as "FILE: what is wrong" and left out (exit 1 when a
# report is still printed, 2 when no run is left); and that the files of
# src/report call one way (from the symbols of the built objects). Uses
# $ACTBENCH (default ./actbench).
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
seeds: [1, 2, 3]
YAML
"$ACTBENCH" run "$tmp/exp.yaml" -o "$tmp/results/a" -j 2 -q >/dev/null
"$ACTBENCH" run "$tmp/exp.yaml" --set model.alpha=0.2 -o "$tmp/results/b" -j 2 -q >/dev/null

# the text report: the checks of its content read --wide, where no line is
# wrapped; the default fits 100 columns
check "text exits 0" exits 0 "$tmp/results/a"
cp "$tmp/out" "$tmp/narrow"
check "text --wide exits 0" exits 0 "$tmp/results/a" --wide
cp "$tmp/out" "$tmp/text"
fits() { # columns file
    awk -v c="$1" '{ n = 0; for (i = 1; i <= length($0); i++) if (substr($0, i, 1) !~ /[\200-\277]/) n++; if (n > c) { print "    " n ": " $0; bad = 1 } } END { exit bad }' "$2"
}
check "text: every line fits 100 columns" fits 100 "$tmp/narrow"
check "text --wide: the variant table in one piece" grep -q '^variant .* finished .* dead/layer .* diff vs relu .* test$' "$tmp/text"
words_of_claims() { sed -n '/^claims (/,$p' "$1" | tr -s ' \n' '\n\n'; }
check "text: the claims say the same, wrapped or wide" [ "$(words_of_claims "$tmp/narrow")" = "$(words_of_claims "$tmp/text")" ]
for r in paper deep cnn_dying init_schemes cnn_small_data; do
    if [ -d "$root/results/$r/runs" ]; then
        "$ACTBENCH" report "$root/results/$r" >"$tmp/committed" 2>/dev/null || true
        check "results/$r: the text fits 100 columns" fits 100 "$tmp/committed"
    else
        skip "results/$r: the text fits 100 columns" "no results/$r"
    fi
done
check "text names the variants" has "leaky_relu lr=1" "$tmp/text"
check "text has the relu baseline" has "baseline" "$tmp/text"
for c in C1 C2 C3 C4 C5; do
    check "text has a verdict on $c" grep -Eq "^$c (supports|contradicts|cannot tell): " "$tmp/text"
done
check "text has a CI" grep -q '\[[-+]0\.[0-9]*, [-+]0\.[0-9]*\]' "$tmp/text"
check "text: comparisons paired over 3 seeds" has "paired over 3 seeds: diff" "$tmp/text"
check "text: Holm p shown" grep -q 'Holm p[=<]' "$tmp/text"
check "text: the table names the test" has "paired(3)" "$tmp/text"
check "text: finished/total" grep -q '^relu lr=1 *3/3 ' "$tmp/text"
check "text: no run file left out" has "run files left out: 0;" "$tmp/text"

# CSV: a header, one row per variant (relu, leaky_relu) x (0.05, 1)
check "csv exits 0" exits 0 "$tmp/results/a" --csv
check "csv header" grep -q '^variant,activation,train.learning_rate,n,n_finished,n_diverged,n_failed,test_accuracy_mean,test_accuracy_sd,gap_mean,gap_sd,gap_best_mean,gap_best_sd,n_best,dead_fraction_layer1_mean,dead_fraction_layer2_mean,baseline,diff_vs_relu,diff_ci_low,diff_ci_high,diff_df,p_value,paired.n_pairs,paired.diff,paired.ci_low,paired.ci_high,paired.p_value,test,outcome,reason$' "$tmp/out"
check "csv: leaky rows paired over 3 seeds" grep -q '^leaky_relu lr=1,leaky_relu,1,3,3,.*,3,[-0-9.e]*,[-0-9.e]*,[-0-9.e]*,[-0-9.e]*,paired,' "$tmp/out"
check "csv rows" lines_are 5 "$tmp/out"

# JSON
check "json exits 0" exits 0 "$tmp/results/a" --json
for key in '"variants"' '"claims"' '"verdict"' '"diff_ci_low"' '"id":	"C5"' '"paired":	{' '"test":	"paired"' '"p_holm":' '"n_diverged":' '"left_out":	0'; do
    check "json has $key" has "$key" "$tmp/out"
done
if command -v python3 >/dev/null 2>&1; then
    check "json parses" python3 -c 'import json, sys; d = json.load(sys.stdin); assert len(d["variants"]) == 4 and len(d["claims"]) == 5' <"$tmp/out"
    check "json: every comparison has paired, test, p_holm" python3 -c '
import json, sys
d = json.load(sys.stdin)
cs = [c for k in d["claims"] for c in k.get("comparisons", []) if c["versus"] is not None]
assert cs and all(c["test"] == "paired" and c["paired"]["n_pairs"] == 3 and "p_holm" in c for c in cs), cs' <"$tmp/out"
else
    skip "json parses" "python3 not installed"
    skip "json: every comparison has paired, test, p_holm" "python3 not installed"
fi

# two directories pooled: relu runs are in both, counted once
check "pooled exits 0" exits 0 "$tmp/results/a" "$tmp/results/b" --csv
check "pooled rows: relu x2, leaky alpha 0.01 and 0.2 x2" lines_are 7 "$tmp/out"
check "pooled relu n is 3" grep -q '^relu lr=1,relu,,1,3,' "$tmp/out"
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

# with a validation split the run files have final.best: C3 and C4 compare
# the gap at the best-validation epoch, with the training accuracy beside
# it and the last-epoch gap; C5 counts distinct revived units
cat >"$tmp/gaps.yaml" <<'YAML'
name: gaps
data: {dataset: spirals, n_train: 300, n_test: 200, validation: 60}
model: {hidden: [8, 8], activation: [relu, rrelu, prelu], alpha: 0.25}
train: {optimizer: sgd, learning_rate: 0.1, batch_size: 32, epochs: 3}
seeds: [1, 2, 3]
YAML
"$ACTBENCH" run "$tmp/gaps.yaml" -o "$tmp/gaps" -j 2 -q >/dev/null
check "gaps: the run files have final.best" grep -q '"best":' "$tmp/gaps/runs/$(ls "$tmp/gaps/runs" | head -n 1)"
check "gaps: exits 0" exits 0 "$tmp/gaps" --wide
check "gaps: the table has the best-epoch gap" has "gap best-val" "$tmp/out"
check "gaps: C3 says which gap" has "verdict on gap (best-val epoch) (analysis.c3_metric: best_epoch)" "$tmp/out"
check "gaps: C3 line: best-epoch gap, train accuracy, last epoch" grep -q '^      rrelu vs relu: gap (best-val epoch) .*; train acc diff [-+]0\.[0-9]*; at the last epoch (not judged): diff ' "$tmp/out"
check "gaps: C1 line: last-epoch accuracy, the best epoch beside it" grep -q '^      rrelu vs relu: test acc (last epoch) .*; at the best-val epoch (not judged): diff ' "$tmp/out"
check "gaps: C5 counts distinct units" has "distinct units that came back to life (revived_units_total)" "$tmp/out"
check "gaps: json exits 0" exits 0 "$tmp/gaps" --json
for key in '"metric":	"train_test_gap_best_epoch"' '"secondary":	{' '"train_accuracy_diff":' '"counted":	"distinct_units"'; do
    check "gaps: json has $key" has "$key" "$tmp/out"
done
check "gaps: json: the variants' best-epoch gap" grep -q '"gap_best_mean":	-\{0,1\}0\.[0-9]' "$tmp/out"

# damaged or foreign files: each named on stderr ("FILE: what is wrong"),
# left out, counted in the text and the JSON; exit 1 when a report is
# printed, 2 when no run is left
damaged() { # name: a fresh copy of results/a as $tmp/d/NAME; sets $d and $f (its first run file)
    d=$tmp/d/$1
    mkdir -p "$tmp/d"
    rm -rf "$d"
    cp -R "$tmp/results/a" "$d"
    f=$(ls "$d"/runs/*.json | head -n 1)
}
left_out_ok() { # name, what, runs: exit 1, FILE: what on stderr, 1 left out in text and JSON, the runs reported
    what=$1 problem=$2 runs=$3
    check "$what: exits 1" exits 1 "$d"
    check "$what: names the file and what is wrong" has "$f: $problem" "$tmp/err"
    check "$what: text counts it" has "run files left out: 1 (named on stderr)" "$tmp/out"
    check "$what: the other runs are reported" grep -q "^$runs runs, 4 variants" "$tmp/out"
    check "$what: json exits 1" exits 1 "$d" --json
    check "$what: json counts it" has '"left_out":	1,' "$tmp/out"
    check "$what: json names it" has "\"file\":	\"$f\"" "$tmp/out"
    check "$what: csv exits 1" exits 1 "$d" --csv
}

damaged truncated
head -c 300 "$f" >"$tmp/cut" && cat "$tmp/cut" >"$f"
left_out_ok "truncated run file" "truncated JSON: the file ends (byte 300) inside the document" 11

damaged wrongtype
sed 's/"test_accuracy":	[0-9.e-]*/"test_accuracy":	"high"/' "$f" >"$tmp/x" && cat "$tmp/x" >"$f"
left_out_ok "wrong type" "final.test_accuracy is a string, expected a number or null" 11

damaged missing
sed 's/"run_id":/"run_idx":/' "$f" >"$tmp/x" && cat "$tmp/x" >"$f"
left_out_ok "missing field" "run_id is missing, expected a string" 11

damaged foreign
cat >"$tmp/other.yaml" <<'YAML'
name: other
data: {dataset: spirals, n_train: 300, n_test: 200}
model: {hidden: [8, 8], activation: relu}
train: {optimizer: sgd, learning_rate: 0.05, batch_size: 32, epochs: 1}
seeds: [7]
YAML
"$ACTBENCH" run "$tmp/other.yaml" -o "$tmp/other" -q >/dev/null
cp "$tmp/other"/runs/*.json "$d/runs/"
f=$(ls "$tmp/other"/runs/*.json | sed "s|^$tmp/other|$d|")
left_out_ok "a run file of another experiment" "a run of experiment 'other', not 'reportcli'" 12

damaged nonjson
f=$d/runs/notes.json
echo "these are my notes" >"$f"
left_out_ok "a non-JSON .json file" "not valid JSON (at byte 0 of 19)" 12
damaged nonjsonname
f=$d/runs/README.txt
echo "notes" >"$f"
left_out_ok "a file that is not a run file" "not a run file (the name does not end in .json)" 12

damaged unreadable
f=$d/runs/0000000000000000.json
mkdir "$f"
left_out_ok "an unreadable file (a directory)" "not a regular file" 12
if [ "$(id -u)" -ne 0 ]; then
    damaged noperm
    chmod 000 "$f"
    left_out_ok "an unreadable file (no permission)" "cannot open: Permission denied" 11
    chmod 644 "$f"
fi

# every run file damaged: each named, no report, exit 2
mkdir -p "$tmp/alldamaged/runs"
echo '{"run_id": "x"' >"$tmp/alldamaged/runs/a.json"
echo '[]' >"$tmp/alldamaged/runs/b.json"
check "all damaged: exits 2" exits 2 "$tmp/alldamaged"
check "all damaged: names the first" has "$tmp/alldamaged/runs/a.json: truncated JSON" "$tmp/err"
check "all damaged: names the second" has "$tmp/alldamaged/runs/b.json: not a run file: the JSON is an array, not an object" "$tmp/err"
check "all damaged: says no run is left" has "no run file the report can use" "$tmp/err"
check "all damaged: prints no report" lines_are 0 "$tmp/out"
check "empty runs/ dir exits 2" exits 2 "$tmp/empty"
check "empty runs/ dir: names it" has "$tmp/empty: no run files (runs/*.json)" "$tmp/err"

# an experiment file instead of a result directory: said so, exit 2
check "a config file exits 2" exits 2 "$tmp/exp.yaml"
check "a config file: says report reads a result directory" has "exp.yaml is a file, not a result directory" "$tmp/err"
check "a config file: says how to train it" has "actbench run FILE" "$tmp/err"

# a result directory with runs of its manifest missing: said, with the
# command that finishes them; the report covers the rest (exit 0)
cp -R "$tmp/results/a" "$tmp/partial"
rm "$(ls "$tmp/partial/runs/"*.json | head -n 1)" "$(ls "$tmp/partial/runs/"*.json | tail -n 1)"
check "missing runs: exits 0" exits 0 "$tmp/partial"
check "missing runs: how many" has "$tmp/partial: 2 of the 12 runs of its experiment have not finished (2 missing" "$tmp/err"
check "missing runs: the resume command" has "actbench run $tmp/exp.yaml -o $tmp/partial --resume" "$tmp/err"
check "complete directory: no such note" sh -c "! '$ACTBENCH' report '$tmp/results/a' 2>&1 >/dev/null | grep -q 'have not finished'"

# src/report calls one way: each file only the files before it in this
# order (report.h lists it), read from the symbols of the built objects
one_way() {
    objs=$root/build/src/report order="stats report_fmt report_match report_read report_variants report_compare report_trends report_dying report_claims report_text report_export report"
    rank=0
    : >"$tmp/defs"
    for f in $order; do
        rank=$((rank + 1))
        nm --defined-only "$objs/$f.o" | awk -v f="$f" -v r="$rank" '$2 ~ /^[TDRB]$/ {print $3, f, r}' >>"$tmp/defs"
    done
    nm --defined-only "$objs/summary.o" | awk '$2 ~ /^[TDRB]$/ {print $3, "summary", 0}' >>"$tmp/defs"
    rank=0 bad=0
    for f in $order summary; do
        rank=$((rank + 1)); [ "$f" = summary ] && rank=0
        for u in $(nm -u "$objs/$f.o" | awk '{print $2}'); do
            awk -v u="$u" -v f="$f" -v r="$rank" '$1 == u && $3 >= r {print "    " f " calls " $1 " of " $2; found = 1} END {exit found}' "$tmp/defs" || bad=1
        done
    done
    [ "$bad" -eq 0 ]
}
if command -v nm >/dev/null 2>&1 && [ -f "$root/build/src/report/report.o" ]; then
    check "src/report: every file calls only the files before it" one_way
else
    skip "src/report: every file calls only the files before it" "no nm or no build/src/report objects"
fi

finish "report cli"
