#!/bin/sh
# Runs every unit test binary in each build directory given (build, build/asan)
# and every tests/test_*.sh script against ./actbench. Prints one line per
# suite and a closing "N passed, N failed"; exits 1 when any suite failed.
set -u
LC_ALL=C
export LC_ALL
passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
run() { # name, command...
    name=$1; shift
    if "$@" >"$log/out" 2>&1; then
        passed=$((passed + 1)); echo "PASS $name"
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
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
