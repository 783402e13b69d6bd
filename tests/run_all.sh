#!/bin/sh
# Runs every unit test binary in each build directory given (build, build/asan)
# and every tests/test_*.sh script against ./actbench. Prints one line per
# suite and a closing "N passed, M failed, K skipped"; exits 1 when any
# suite failed. A suite that exits 77 (tests/lib.sh's finish: some of its
# checks could not run, e.g. python3 is missing, or none ran) counts as
# skipped, never as passed.
set -u
LC_ALL=C
export LC_ALL
passed=0
failed=0
skipped=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
run() { # name, command...
    name=$1; shift
    status=0
    "$@" >"$log/out" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1)); echo "PASS $name"
    elif [ "$status" -eq 77 ]; then
        skipped=$((skipped + 1)); echo "SKIP $name"; grep '^SKIP \|: [0-9]* passed, ' "$log/out" | sed 's/^/    /'
    else
        failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/    /' "$log/out" | tail -n 60
    fi
}
for dir in "$@"; do
    for t in "$dir"/tests/test_*; do
        [ -x "$t" ] || continue
        case "$t" in *.d) continue ;; esac
        run "$t" "$t"
    done
done
ACTBENCH=$(pwd)/actbench
export ACTBENCH
for s in tests/test_*.sh; do
    [ -f "$s" ] || continue
    run "$s" sh "$s"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
