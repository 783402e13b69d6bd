#!/bin/sh
# run.sh: runs each libFuzzer harness of BUILD/fuzz (make fuzz) for SECONDS
# seconds, from its seeds (tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME,
# and for experiment files configs/ and tests/cases/config/) into the
# working corpus BUILD/corpus/NAME, with its dictionary. Prints per harness
# the executions and the coverage reached (libFuzzer's cov: edges and ft:
# features); a crash, leak, timeout (20 s per input), out-of-memory (2 GB)
# or sanitizer report fails it, and the input that did it is kept as
# BUILD/artifacts/NAME-*. Exits 1 when any harness failed.
#
# usage: tests/fuzz/run.sh SECONDS BUILD NAME...
set -u
secs=$1 build=$2
shift 2
here=tests/fuzz
mkdir -p "$build/logs" "$build/artifacts"
failed=0
for name in "$@"; do
    bin=$build/fuzz/fuzz_$name
    work=$build/corpus/$name
    mkdir -p "$work"
    seeds="$here/corpus/$name $here/regress/$name"
    case $name in
    experiment) dict=yaml.dict; max=8192; seeds="$seeds configs tests/cases/config/good tests/cases/config/bad" ;;
    set) dict=yaml.dict; max=1024 ;;
    runs) dict=json.dict; max=65536 ;;
    cifar) dict=data.dict; max=20000 ;;
    ckpt) dict=data.dict; max=16384 ;;
    *) dict=data.dict; max=4096 ;;
    esac
    dirs=
    for d in $seeds; do [ -d "$d" ] && dirs="$dirs $d"; done
    log=$build/logs/$name.log
    rc=0
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len="$max" \
        -dict="$here/$dict" -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
        "$work" $dirs >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    units=$(find "$work" -type f | wc -l)
    rate=$((${execs:-0} / (secs > 0 ? secs : 1)))
    if [ "$rc" = 0 ]; then result=ok; else result="FAILED (exit $rc)"; failed=1; fi
    echo "fuzz $name: $result, $secs s, ${execs:-?} executions (about $rate/s), cov ${cov:-?} edges, ft ${ft:-?}, corpus $units"
    if [ "$rc" != 0 ]; then
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written|artifact' "$log" | head -n 20 | sed 's/^/    /'
        echo "    log: $log"
    fi
done
[ "$failed" = 0 ]
