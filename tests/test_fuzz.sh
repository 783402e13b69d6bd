#!/bin/sh
# test_fuzz.sh: 300 mutated experiment files (tests/fuzz/mutate_configs.py)
# through 'actbench validate' built with -fsanitize=address,undefined
# (build/asan/actbench, made by 'make test'): each must end with exit 0, or
# exit 2 and a message, never a crash or a sanitizer report.
. "$(dirname "$0")/lib.sh"
asan=${ACTBENCH_ASAN:-$root/build/asan/actbench}
if [ ! -x "$asan" ]; then
    fail "$asan is missing" "make test builds it"
elif ! command -v /usr/bin/python3 >/dev/null 2>&1; then
    skip "mutated configs" "/usr/bin/python3 not installed"
else
    if /usr/bin/python3 "$here/fuzz/mutate_configs.py" "$asan" "$tmp/fuzz" 300 1; then pass; else fail "mutated configs"; fi
fi
finish fuzz
