# lib.sh: sourced by every tests/test_*.sh. Sets -eu and LC_ALL=C, makes
# $ACTBENCH (default ./actbench) absolute, sets $here (tests/) and $root
# (the repository), makes a temporary directory $tmp removed on exit (a
# script may set $on_exit to a command run first), and keeps the tally:
#   pass                       count a passed check
#   fail NAME [WHY]            count a failed check and print "FAIL NAME: WHY"
#   expect NAME GOT WANT       pass when GOT = WANT
#   skip WHAT WHY              count checks that could not run (a missing tool)
#   finish SUITE               print "SUITE: N passed, M failed, K skipped"; exit
#                              status 1 when any failed, else 77 (skipped, see
#                              run_all.sh) when any was skipped or none ran, else 0
#   act PREFIX ARGS...         run $ACTBENCH ARGS: sets $status, writes PREFIX.out, PREFIX.err
#   expect_grep NAME TEXT FILE pass when FILE holds TEXT (a fixed string)
#   untimed FILE               a result file without its timing fields
#   same_runs NAME A B         each run file of A/runs equals B's, timings aside
#                              (a check per file); sets $compared to their number
#   workers_of PID             the PIDs of PID's children (actbench run's workers)
#   have_worker PID            PID has a child
#   wait_for SECONDS CMD...    polls CMD every 0.05 s until it succeeds (1 after SECONDS)
set -eu
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ACTBENCH=${ACTBENCH:-./actbench}
case $ACTBENCH in /*) ;; *) ACTBENCH=$(pwd)/$ACTBENCH ;; esac
tmp=$(mktemp -d)
on_exit=
trap 'eval "$on_exit"; rm -rf "$tmp"' EXIT
passed=0
failed=0
skipped=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    if [ $# -ge 2 ]; then echo "FAIL $1: $2"; else echo "FAIL $1"; fi
}
expect() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "expected '$3', got '$2'"; fi
}
skip() {
    skipped=$((skipped + 1))
    echo "SKIP $1: $2"
}
finish() {
    echo "$1: $passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ] || return 1
    if [ "$passed" -eq 0 ] && [ "$skipped" -eq 0 ]; then
        echo "SKIP $1: no check ran"
        return 77
    fi
    [ "$skipped" -eq 0 ] || return 77
}
act() {
    p=$1
    shift
    status=0
    "$ACTBENCH" "$@" >"$p.out" 2>"$p.err" || status=$?
}
expect_grep() {
    if grep -qF -- "$2" "$3"; then pass; else fail "$1: expected '$2' in: $(head -c 400 "$3")"; fi
}
# cJSON prints one field per line
untimed() { grep -Ev '^[[:space:]]*"(seconds|eval_seconds|train_seconds|examples_per_second)(_mean|_std|_n)?":' "$1"; }
same_runs() {
    compared=0
    for f in "$2"/runs/*.json; do
        [ -f "$f" ] || continue
        compared=$((compared + 1))
        untimed "$f" >"$tmp/same_a.json"
        untimed "$3/runs/$(basename "$f")" >"$tmp/same_b.json" 2>/dev/null || true
        if cmp -s "$tmp/same_a.json" "$tmp/same_b.json"; then
            pass
        else
            fail "$1: $f differs from $3:"
            diff "$tmp/same_a.json" "$tmp/same_b.json" | head -n 10
        fi
    done
}
workers_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
have_worker() { [ -n "$(workers_of "$1")" ]; }
wait_for() {
    n=$(($1 * 20))
    shift
    while [ "$n" -gt 0 ]; do
        if "$@"; then return 0; fi
        sleep 0.05
        n=$((n - 1))
    done
    return 1
}
