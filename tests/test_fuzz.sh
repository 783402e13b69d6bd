#!/bin/sh
# test_fuzz.sh: the fuzz harnesses of tests/fuzz (make fuzz runs them under
# libFuzzer), built by make test with gcc -fsanitize=address,undefined and
# a plain main into build/asan/replay/replay_NAME, replay their seed corpora
# and every input that once found a bug (tests/fuzz/regress/NAME): each
# must end without a crash, a leak, a sanitizer report or an allocation
# above 2 GB. Then 300 mutated experiment files
# (tests/fuzz/mutate_configs.py) through 'actbench validate' built the same
# way (build/asan/actbench): each must end with exit 0, or exit 2 and a
# message.
. "$(dirname "$0")/lib.sh"
asan=${ACTBENCH_ASAN:-$root/build/asan/actbench}
replay=$root/build/asan/replay
ASAN_OPTIONS=max_allocation_size_mb=2048:detect_leaks=1
export ASAN_OPTIONS
for src in "$here"/fuzz/fuzz_*.c; do
    name=${src##*/fuzz_}
    name=${name%.c}
    bin=$replay/replay_$name
    if [ ! -x "$bin" ]; then
        fail "replay $name" "$bin is missing (make test builds it)"
        continue
    fi
    dirs=
    for d in "$here/fuzz/corpus/$name" "$here/fuzz/regress/$name"; do [ -d "$d" ] && dirs="$dirs $d"; done
    [ "$name" = experiment ] && dirs="$dirs $root/configs $here/cases/config/good $here/cases/config/bad"
    # shellcheck disable=SC2086
    if (cd "$tmp" && "$bin" $dirs) >"$tmp/replay.out" 2>&1; then
        pass
    else
        fail "replay $name" "$(grep -E 'ERROR|SUMMARY|runtime error' "$tmp/replay.out" | head -n 3)"
        tail -n 20 "$tmp/replay.out"
    fi
done
if [ ! -x "$asan" ]; then
    fail "$asan is missing" "make test builds it"
elif ! command -v /usr/bin/python3 >/dev/null 2>&1; then
    skip "mutated configs" "/usr/bin/python3 not installed"
else
    if /usr/bin/python3 "$here/fuzz/mutate_configs.py" "$asan" "$tmp/fuzz" 300 1; then pass; else fail "mutated configs"; fi
fi
finish fuzz
