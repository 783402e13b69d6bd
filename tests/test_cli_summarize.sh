#!/bin/sh
# test_cli_summarize.sh: shards into one shared directory and 'actbench
# summarize': --shard K/N covering every run exactly once for several N
# (N larger than the runs included), shards running at the same time into
# one DIR (one manifest, no summary, the same files as one plain run),
# another experiment refused, summary rows carrying every setting, then
# summarize and run --resume on damaged result directories: a truncated run
# file, wrong types, missing fields, another experiment's file, a non-JSON
# file, an empty file, an empty runs/, an unreadable file. Prints a line
# per failed check and "summarize cli: N passed, M failed". Uses $ACTBENCH.
. "$(dirname "$0")/lib.sh"
small=$here/cases/run/cli_small.yaml
other=$here/cases/run/cli_other.yaml
cd "$tmp"
ids_of() { ls "$1/runs" 2>/dev/null | sed -n 's/\.json$//p' | sort; }
untimed() { grep -Ev '^[[:space:]]*"(seconds|eval_seconds|train_seconds|examples_per_second|config)(_mean|_std|_n)?":' "$1"; }
lines() { if [ -s "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# ---- help and usage errors ----
act help summarize --help
expect "summarize --help: exit status" "$status" 0
expect_grep "summarize --help: usage" "usage: actbench summarize DIR" help.out
expect_grep "summarize --help: exit codes" "exit codes: 0" help.out
act top --help
expect_grep "actbench --help lists summarize" "summarize DIR" top.out
mkdir -p plain_dir
for args in "" "--bogus x" "a b" "nonexistent" "plain_dir"; do
    # shellcheck disable=SC2086
    act usage summarize $args
    expect "summarize $args: exit status" "$status" 2
    if [ -s usage.err ]; then pass; else fail "summarize $args: no message on stderr"; fi
done
expect_grep "a directory without experiment.json is named" "plain_dir: no experiment.json" usage.err

act val validate "$small"
sed 1d val.out | grep -v '^ ' >val.lines  # run lines, not the layer tables
awk '{print $2}' val.lines | sort >val.ids
total=$(lines val.ids)
expect "cli_small runs" "$total" 6

# ---- --shard K/N over K = 0..N-1 covers every run exactly once ----
for n in 1 2 4 6 9; do
    : >cover
    k=0
    while [ "$k" -lt "$n" ]; do
        act dry run "$small" --dry-run --shard "$k/$n" -o "dry_$n"
        expect "--dry-run --shard $k/$n: exit status" "$status" 0
        grep -v '^ ' dry.out >>cover || true
        k=$((k + 1))
    done
    expect "--shard */$n: runs listed" "$(lines cover)" "$total"
    expect "--shard */$n: every run once" "$(awk '{print $2}' cover | sort -u | tr '\n' ' ')" "$(tr '\n' ' ' <val.ids)"
done
# shard K gets the runs whose index i has (i - 1) mod N = K: task 0 the first run
act dry run "$small" --dry-run --shard 0/9 -o dry
expect "--shard 0/9 runs run 1" "$(grep -v '^ ' dry.out | awk '{print $1}')" 1
act dry run "$small" --dry-run --shard 7/9 -o dry
expect "--shard 7/9 of 6 runs: nothing" "$(lines dry.out)" 0

# ---- three shards at the same time into one DIR ----
act plain run "$small" -j 2 -o plain
expect "plain run: exit status" "$status" 0
pids=""
for k in 0 1 2; do
    "$ACTBENCH" run "$small" --shard "$k/3" -j 1 -o shared >"shard$k.out" 2>"shard$k.err" &
    pids="$pids $!"
done
k=0
for p in $pids; do
    st=0
    wait "$p" || st=$?
    expect "concurrent shard $k/3: exit status" "$st" 0
    if [ -s "shard$k.out" ]; then fail "shard $k/3 printed on stdout: $(cat "shard$k.out")"; else pass; fi
    expect_grep "shard $k/3 names summarize" "actbench summarize" "shard$k.err"
    k=$((k + 1))
done
if [ -e shared/summary.json ]; then fail "a shard wrote summary.json"; else pass; fi
expect "shards: run files" "$(ids_of shared | tr '\n' ' ')" "$(tr '\n' ' ' <val.ids)"
expect "manifest lists every run once" "$(grep -c '"run_id":' shared/experiment.json)" "$total"
expect "no temporary file left" "$(ls -a shared shared/runs | grep -c '\.tmp$' || true)" 0
for id in $(cat val.ids); do
    untimed "plain/runs/$id.json" >a.json
    untimed "shared/runs/$id.json" >b.json
    if cmp -s a.json b.json; then pass; else fail "run $id differs between shards and a plain run"; fi
done
act sum summarize shared
expect "summarize after every shard: exit status" "$status" 0
expect "summarize after every shard: nothing listed" "$(lines sum.out)" 0
expect_grep "summarize: closing counts" "6 runs expected: 6 ok, 0 diverged, 0 failed, 0 missing, 0 damaged" sum.err
untimed plain/summary.json >a.json
untimed shared/summary.json >b.json
if cmp -s a.json b.json; then pass; else fail "summary.json of the shards differs from the plain run's:"; diff a.json b.json | head; fi
if cmp -s plain/experiment.json shared/experiment.json; then pass; else fail "the shards' manifest differs from a plain run's"; fi

# a shard again: its runs are there, so without --resume it is refused; --resume runs nothing
act again run "$small" --shard 1/3 -o shared
expect "same shard again without --resume: exit status" "$status" 2
expect_grep "same shard again: says in this shard" "in this shard" again.err
act again run "$small" --shard 1/3 -o shared --resume
expect "same shard with --resume: exit status" "$status" 0
expect_grep "same shard with --resume: nothing to run" "nothing to run" again.err
# sequential shards: the second is not refused by the first one's runs
act seq0 run "$small" --shard 0/2 -o seq
act seq1 run "$small" --shard 1/2 -o seq
expect "shard 0/2 then 1/2 into one DIR: exit statuses" "$status" 0
expect "shard 0/2 then 1/2: run files" "$(ids_of seq | wc -l | tr -d ' ')" "$total"
# another experiment is still refused, shard or not
act oth run "$other" --shard 0/2 -o shared
expect "another experiment's shard: exit status" "$status" 2
expect_grep "another experiment's shard: names both" "experiment 'cli_small', not 'cli_other'" oth.err

# ---- eight invocations with different --set at once: the manifest lists all their runs ----
pids=""
for k in 1 2 3 4 5 6 7 8; do
    "$ACTBENCH" run "$other" --set "seeds=[$k]" -j 1 -q -o many >"many$k.out" 2>"many$k.err" &
    pids="$pids $!"
done
st_all=0
for p in $pids; do wait "$p" || st_all=$?; done
expect "eight concurrent invocations: exit statuses" "$st_all" 0
expect "eight concurrent invocations: the manifest lists 8 runs" "$(grep -c '"run_id":' many/experiment.json)" 8
expect "eight concurrent invocations: 8 distinct runs" "$(sed -n 's/.*"run_id":	"\(.*\)".*/\1/p' many/experiment.json | sort -u | tr '\n' ' ')" \
    "$(ids_of many | tr '\n' ' ')"
act many summarize many
expect "eight concurrent invocations: summarize exit status" "$status" 0
if ls -a many | grep -q '\.tmp$'; then fail "a temporary manifest was left"; else pass; fi

# ---- summary rows carry every setting ----
expect "summary rows and groups carry train.learning_rate" "$(grep -c '"train.learning_rate":	0.01' shared/summary.json)" 9
expect "relu rows carry model.alpha as null" "$(grep -c '"model.alpha":	null' shared/summary.json)" 3
act a3 run "$small" --set model.activation=leaky_relu --set model.alpha=0.3 -o alpha03
expect "a --set sweep point: exit status" "$status" 0
expect "a --set sweep point's rows say their alpha" "$(grep -c '"model.alpha":	0.3' alpha03/summary.json)" 3

# ---- missing and failed runs ----
ids=$(cat val.ids)
first=$(echo "$ids" | sed -n 1p)
second=$(echo "$ids" | sed -n 2p)
cp -r plain miss
rm "miss/runs/$first.json"
sed 's/^	"status":	"ok"/	"status":	"failed"/; s/^	"error":	null/	"error":	"worker killed by signal 9 (Killed)"/' \
    "plain/runs/$second.json" >"miss/runs/$second.json"
act miss summarize miss
expect "a missing and a failed run: exit status" "$status" 1
expect_grep "the missing run is listed" "missing	$first	" miss.out
expect_grep "the failed run is listed with its error" "failed	$second	" miss.out
expect_grep "the failed run's error" "signal 9" miss.out
expect "only those two are listed" "$(lines miss.out)" 2
expect "the summary has the five files' rows" "$(grep -c '"run_id":' miss/summary.json)" 5

# ---- damaged directories: summarize names the file and exits 1; --resume runs it again ----
damage() { # case what: copies plain to dmg_CASE, damages run $first by the command in $what
    d=dmg_$1
    rm -rf "$d"
    cp -r plain "$d"
    f=$d/runs/$first.json
    eval "$2"
}
check_damaged() { # case message-pattern
    d=dmg_$1
    act "s_$1" summarize "$d"
    expect "$1: summarize exit status" "$status" 1
    expect_grep "$1: summarize names the file" "$d/runs/$first.json: " "s_$1.err"
    expect_grep "$1: summarize says what is wrong" "$2" "s_$1.err"
    expect_grep "$1: summarize lists the run as damaged" "damaged	$first	" "s_$1.out"
    expect "$1: the summary leaves it out" "$(grep -c '"run_id":' "$d/summary.json")" 5
    act "r_$1" run "$small" -o "$d" --resume -j 1
    expect "$1: run --resume exit status" "$status" 0
    expect_grep "$1: run --resume names the file and runs it again" "$d/runs/$first.json: $2" "r_$1.err"
    expect_grep "$1: run --resume says it runs it again" "running it again" "r_$1.err"
    expect_grep "$1: run --resume runs one run" "1 runs to run" "r_$1.err"
    act "t_$1" summarize "$d"
    expect "$1: summarize after --resume: exit status" "$status" 0
    untimed "plain/runs/$first.json" >a.json
    untimed "$d/runs/$first.json" >b.json
    if cmp -s a.json b.json; then pass; else fail "$1: the run again differs from the original"; fi
}
damage truncated 'head -c 2000 "plain/runs/$first.json" >"$f"'
check_damaged truncated "truncated JSON"
damage empty ': >"$f"'
check_damaged empty "empty file"
damage nonjson 'echo "not json at all" >"$f"'
check_damaged nonjson "not valid JSON"
damage wrongtype 'sed "s/^	\"status\":	\"ok\"/	\"status\":	3/" "plain/runs/$first.json" >"$f"'
check_damaged wrongtype "status is a number, expected a string"
damage array 'echo "[1, 2]" >"$f"'
check_damaged array "not a run file: the JSON is an array"
damage no_run_id 'sed "s/^	\"run_id\":/	\"run_idx\":/" "plain/runs/$first.json" >"$f"'
check_damaged no_run_id "run_id is missing"
damage no_metric 'sed "s/^		\"test_loss\":/		\"test_lossx\":/" "plain/runs/$first.json" >"$f"'
check_damaged no_metric "final.test_loss is missing, expected a number or null"
damage metric_type 'sed "s/^		\"test_accuracy\":	.*/		\"test_accuracy\":	\"high\",/" "plain/runs/$first.json" >"$f"'
check_damaged metric_type "final.test_accuracy is a string, expected a number or null"
damage foreign_id 'sed "s/\"name\":	\"cli_small\"/\"name\":	\"cli_other\"/" "plain/runs/$first.json" >"$f"'
check_damaged foreign_id "a run of experiment 'cli_other', not 'cli_small'"
# unreadable: a dangling symbolic link (root reads any mode), and mode 000 when not root
damage unreadable 'rm "$f"; ln -s "$tmp/nonexistent" "$f"'
check_damaged unreadable "cannot open"
if [ "$(id -u)" != 0 ]; then
    damage mode000 'chmod 000 "$f"'
    check_damaged mode000 "cannot open: Permission denied"
fi

# a run file of another experiment under its own ID: left alone by --resume, left out by summarize
cp -r plain foreign
sed "s/\"name\":	\"cli_small\"/\"name\":	\"cli_other\"/; s/$first/0123456789abcdef/" "plain/runs/$first.json" \
    >foreign/runs/0123456789abcdef.json
act fs summarize foreign
expect "another experiment's file: summarize exit status" "$status" 1
expect_grep "another experiment's file: summarize names it" "foreign/runs/0123456789abcdef.json: a run of experiment 'cli_other', not 'cli_small'; left out" fs.err
expect "another experiment's file: nothing listed as unfinished" "$(lines fs.out)" 0
act fr run "$small" -o foreign --resume
expect "another experiment's file: run --resume exit status" "$status" 0
expect_grep "another experiment's file: run --resume leaves it alone" "0123456789abcdef.json: a run of experiment 'cli_other', not 'cli_small'; not a run of this experiment, left alone" fr.err
if [ -e foreign/runs/0123456789abcdef.json ]; then pass; else fail "run --resume removed another experiment's file"; fi

# an empty runs/: every run missing; --resume runs them all
cp -r plain emptyruns
rm emptyruns/runs/*.json
act es summarize emptyruns
expect "empty runs/: summarize exit status" "$status" 1
expect "empty runs/: every run listed missing" "$(grep -c '^missing	' es.out)" "$total"
act er run "$small" -o emptyruns --resume -j 2
expect "empty runs/: run --resume exit status" "$status" 0
act es summarize emptyruns
expect "empty runs/ after --resume: summarize exit status" "$status" 0

# a damaged manifest: refused by run and summarize (exit 2), naming the file
cp -r plain badman
head -c 40 plain/experiment.json >badman/experiment.json
act bm summarize badman
expect "damaged experiment.json: summarize exit status" "$status" 2
expect_grep "damaged experiment.json: summarize names it" "badman/experiment.json: truncated JSON" bm.err
act bm run "$small" -o badman --resume
expect "damaged experiment.json: run exit status" "$status" 2
expect_grep "damaged experiment.json: run names it" "badman/experiment.json: truncated JSON" bm.err

finish "summarize cli"
