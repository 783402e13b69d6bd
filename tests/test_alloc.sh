#!/bin/sh
# test_alloc.sh: allocation failures end in a message, never a crash. With
# build/tools/failmalloc.so (tests/fuzz/failmalloc.c) preloaded, the k-th
# allocation of a process fails, for each k in turn after the process's
# start-up (the allocations of the same program doing nothing: OpenBLAS's
# initialisation is not under test), every k for the first 200, then about
# 150 more spread over the rest (ALLOC_ALL=1: every k), in:
#   actbench validate configs/quick.yaml    (src/config, cmd_validate.c)
#   actbench report DIR                      (src/report, cmd_report.c)
#   the fuzz harnesses replay_csv, replay_idx, replay_cifar (src/data's
#   loaders through ab_data_load) and replay_runs (the readers of a
#   result directory), built without sanitizers into build/replay;
#   a harness aborts when the library fails without a message, and exits
#   with 3 when it cannot write its input files (no finding).
# Each must exit with an expected status: no signal (no NULL dereference,
# no abort); actbench 0 or its documented 1 or 2, the latter two with a
# message on stderr.
. "$(dirname "$0")/lib.sh"
pre=$root/build/tools/failmalloc.so
plain=$root/build/replay
[ -f "$pre" ] || { fail "$pre is missing" "make test builds it"; finish alloc; }

count() { # command...: the allocations the whole command makes
    FAILMALLOC_COUNT=1 LD_PRELOAD=$pre "$@" 2>&1 >/dev/null | sed -n 's/^failmalloc: \([0-9]*\) allocations$/\1/p' | tail -n 1
}
points() { # first total: the k to try
    if [ "${ALLOC_ALL:-0}" = 1 ] || [ $(($2 - $1)) -le 350 ]; then seq "$1" "$2"; return; fi
    seq "$1" $(($1 + 199))
    seq $(($1 + 200)) $((($2 - $1 - 200) / 150 + 1)) "$2"
}
# inject NAME CODES IDLE command...: every point must exit with one of
# CODES; IDLE is the program doing nothing (its start-up allocations).
inject() {
    name=$1 codes=$2 idle=$3; shift 3
    start=$(count $idle)
    total=$(count "$@")
    if [ -z "$total" ] || [ "$total" -lt 1 ]; then
        fail "$name" "could not count its allocations"
        return
    fi
    bad=0 tried=0
    for k in $(points $((start + 1)) "$total"); do
        tried=$((tried + 1))
        rc=0
        FAILMALLOC_N=$k LD_PRELOAD=$pre "$@" >/dev/null 2>"$tmp/err" || rc=$?
        why=
        case " $codes " in
        *" $rc "*) [ "$rc" = 0 ] || [ "$rc" = 3 ] || [ -s "$tmp/err" ] || why="exit $rc without a message" ;;
        *) why="exit $rc: $(tail -n 2 "$tmp/err" | tr '\n' ' ' | cut -c 1-200)" ;;
        esac
        [ -z "$why" ] && continue
        bad=$((bad + 1))
        [ "$bad" -le 3 ] && fail "$name, allocation $k of $total" "$why"
    done
    if [ "$bad" = 0 ]; then pass; else echo "$name: $bad of $tried failed"; fi
    echo "$name: $tried of allocations $((start + 1))..$total made to fail"
}

cd "$tmp"
inject "validate quick.yaml" "0 2" "$ACTBENCH --version" "$ACTBENCH" validate "$root/configs/quick.yaml"
mkdir -p res
"$ACTBENCH" run "$root/tests/cases/run/cli_small.yaml" -j 1 -q -o res/a >/dev/null 2>&1 || true
if [ -d res/a/runs ]; then
    inject "report" "0 1 2" "$ACTBENCH --version" "$ACTBENCH" report res/a
else
    fail "report" "could not make a result directory"
fi
for seed in csv/header csv/auto-test-file idx/mnist-gzip-val cifar/gzip-val runs/manifest-and-runs; do
    h=${seed%/*}
    inject "$h ${seed#*/}" "0 1 3" "$plain/replay_$h" "$plain/replay_$h" "$root/tests/fuzz/corpus/$seed"
done
finish alloc
