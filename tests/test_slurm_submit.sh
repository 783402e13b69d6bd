#!/bin/sh
# test_slurm_submit.sh: scripts/slurm/submit.sh without a cluster, through
# a stand-in sbatch on PATH that records its arguments: usage errors, sbatch
# missing, a configuration error or another experiment's DIR (exit 2,
# nothing submitted), the array of min(runs, TASKS) tasks with its %K
# throttle, the summarize job depending on it (afterany), SBATCH_ARGS
# passed to both, --wait exiting with the summarize job's status, and a
# finished DIR submitting no array. The real cluster is make test-slurm
# (tests/slurm/run.sh). Prints "slurm submit: N passed, M failed".
. "$(dirname "$0")/lib.sh"
submit=$root/scripts/slurm/submit.sh
small=$here/cases/run/cli_small.yaml
cd "$tmp"
mkdir bin nosbatch
# the stand-in: one line of arguments per call in $tmp/calls; job IDs 100, 101, ...;
# with --wait it exits with $FAKE_JOB_STATUS
cat >bin/sbatch <<'EOF'
#!/bin/sh
n=$(($(cat "$FAKE_DIR/next" 2>/dev/null || echo 100) + 1))
echo "$n" >"$FAKE_DIR/next"
echo "$*" >>"$FAKE_DIR/calls"
echo "$n;fakecluster"
for a in "$@"; do
    if [ "$a" = --wait ]; then exit "${FAKE_JOB_STATUS:-0}"; fi
done
exit 0
EOF
chmod +x bin/sbatch
FAKE_DIR=$tmp
export FAKE_DIR
export ACTBENCH
for c in sh dirname mktemp cat sed wc tr rm mkdir sleep; do ln -s "$(command -v $c)" "nosbatch/$c"; done

sub() { # prefix args...: submit.sh with the stand-in; sets $status
    p=$1
    shift
    status=0
    rm -f calls next
    PATH=$tmp/bin:$PATH sh "$submit" "$@" >"$p.out" 2>"$p.err" || status=$?
}
expect_grep() { # what pattern file
    if grep -qF -- "$2" "$3"; then pass; else fail "$1: expected '$2' in: $(head -c 400 "$3")"; fi
}
no_calls() { # what
    if [ -s calls ]; then fail "$1: sbatch was called: $(cat calls)"; else pass; fi
}

# ---- help, usage errors, sbatch missing: exit 2, nothing submitted ----
sub help --help
expect "--help: exit status" "$status" 0
expect_grep "--help: usage" "usage: scripts/slurm/submit.sh CONFIG -o DIR" help.out
for args in "--frobnicate" "$small" "-o out" "$small -o" "$small -o out -n" "$small -o out -n 0" \
    "$small -o out --throttle" "$small -o out --throttle x" "$small $small -o out"; do
    # shellcheck disable=SC2086
    sub usage $args
    expect "submit.sh $args: exit status" "$status" 2
    if [ -s usage.err ]; then pass; else fail "submit.sh $args: no message"; fi
    no_calls "submit.sh $args"
done
sub usage "$small" -o out --bogus
expect_grep "an unknown option is named" "unknown option '--bogus'" usage.err
status=0
PATH=$tmp/nosbatch sh "$submit" "$small" -o out >nosb.out 2>nosb.err || status=$?
expect "sbatch not on PATH: exit status" "$status" 2
expect_grep "sbatch not on PATH: the message" "sbatch: not found on PATH" nosb.err
printf 'name: bad\nmodel: {activation: relu_typo}\n' >bad.yaml
sub bad bad.yaml -o badout
expect "a configuration error: exit status" "$status" 2
expect_grep "a configuration error: the message names the value" "relu_typo" bad.err
expect_grep "a configuration error: nothing submitted" "nothing submitted" bad.err
no_calls "a configuration error"
if [ -e badout ]; then fail "a configuration error created DIR"; else pass; fi
"$ACTBENCH" run "$here/cases/run/cli_other.yaml" -o otherdir -q >/dev/null 2>&1
sub oth "$small" -o otherdir
expect "another experiment's DIR: exit status" "$status" 2
expect_grep "another experiment's DIR: the message" "not 'cli_small'" oth.err
no_calls "another experiment's DIR"

# ---- the array and the summarize job ----
sub ok "$small" -o "$tmp/res" -n 4 --throttle 2 -- --partition=cpu --time=10
expect "submit: exit status" "$status" 0
expect "submit: two sbatch calls" "$(wc -l <calls | tr -d ' ')" 2
array_call=$(sed -n 1p calls)
sum_call=$(sed -n 2p calls)
expect_grep "the array: 4 tasks (of 6 runs), throttled" "--array=0-3%2" calls
expect_grep "the job IDs are printed" "array 101: 4 tasks" ok.out
expect_grep "the summarize job's ID is printed" "summarize 102: " ok.out
case $array_call in
*"--partition=cpu --time=10 $root/scripts/slurm/actbench.sbatch $small $tmp/res $ACTBENCH") pass ;;
*) fail "the array call: $array_call" ;;
esac
case $sum_call in
*--dependency=afterany:101*"--partition=cpu --time=10 $root/scripts/slurm/summarize.sbatch $tmp/res $ACTBENCH") pass ;;
*) fail "the summarize call: $sum_call" ;;
esac
if [ -d res/slurm ]; then pass; else fail "DIR/slurm (Slurm's output) was not created"; fi
sub more "$small" -o "$tmp/res2" -n 50
expect_grep "more tasks than runs: one task per run" "--array=0-5 " calls
sub rel "$small" -o res3
expect_grep "a relative DIR is made absolute" " $tmp/res3 " calls

# ---- --wait: the summarize job's status ----
FAKE_JOB_STATUS=1
export FAKE_JOB_STATUS
sub w1 "$small" -o "$tmp/res" --wait
expect "--wait, summarize job exits 1: exit status" "$status" 1
expect_grep "--wait: sbatch waits" "--wait" calls
expect_grep "--wait: the summarize job's ID is printed" "summarize 102: " w1.out
FAKE_JOB_STATUS=0
sub w0 "$small" -o "$tmp/res" --wait
expect "--wait, summarize job exits 0: exit status" "$status" 0

# ---- every run finished: no array, only the summary ----
"$ACTBENCH" run "$small" -o done -q -j 2 >/dev/null 2>&1
sub done "$small" -o "$tmp/done"
expect "finished DIR: exit status" "$status" 0
expect "finished DIR: one sbatch call" "$(wc -l <calls | tr -d ' ')" 1
if grep -q -- "--array" calls; then fail "finished DIR: an array was submitted"; else pass; fi
expect_grep "finished DIR: says so" "every run of" done.err

# ---- the array task script: shard K/N of the array, --resume, one worker per CPU ----
status=0
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 SLURM_CPUS_PER_TASK=2 \
    sh "$root/scripts/slurm/actbench.sbatch" "$small" "$tmp/task" "$ACTBENCH" >task.out 2>task.err || status=$?
expect "actbench.sbatch task 1 of 4: exit status" "$status" 0
expect "actbench.sbatch task 1 of 4: its runs (2 and 6)" "$(ls task/runs | wc -l | tr -d ' ')" 2
expect_grep "actbench.sbatch: two workers" "with 2 workers" task.err
status=0
sh "$root/scripts/slurm/actbench.sbatch" "$small" "$tmp/task" "$ACTBENCH" >task.out 2>task.err || status=$?
expect "actbench.sbatch outside an array: exit status" "$status" 2
status=0
sh "$root/scripts/slurm/summarize.sbatch" "$tmp/task" "$ACTBENCH" >sumb.out 2>sumb.err || status=$?
expect "summarize.sbatch with runs missing: exit status" "$status" 1
if [ -s task/summary.json ] && [ -s task/report.txt ]; then pass; else fail "summarize.sbatch wrote no summary.json or report.txt"; fi

finish "slurm submit"
