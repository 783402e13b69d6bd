#!/bin/sh
# test_cli_config.sh: the data-driven CLI cases of 'actbench validate'.
# tests/cases/config/bad/*.yaml carry header comments
#   # expect-exit: N            exit status (default 2)
#   # expect-stderr: TEXT       a substring of stderr (repeatable)
#   # args: ARGS                extra arguments, shell-quoted (e.g. '--set' 'model.alpha=-1')
#   # config: PATH              validate PATH instead of the case file
# tests/cases/config/good/*.yaml carry
#   # expect-runs: N            "experiment NAME: N runs"
#   # expect-stdout: TEXT       a substring of stdout (repeatable)
#   # args: ARGS
# Each case runs inside its own directory, so messages name the file as
# given on the command line. Uses $ACTBENCH (default ./actbench).
. "$(dirname "$0")/lib.sh"

header() { # key file: the values of "# key: value" lines
    sed -n "s/^# $1: //p" "$2"
}

run_case() { # dir name
    cd "$1"
    config=$(header config "$2")
    config=${config:-$2}
    args=$(header args "$2")
    eval "set -- $args"
    status=0
    "$ACTBENCH" validate "$config" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    cd - >/dev/null
}

check_lines() { # case key output: every "# key:" line must be a substring of output
    ok=0
    while IFS= read -r want; do
        if ! grep -qF -- "$want" "$3"; then
            fail "$1" "expected $2 '$want', got '$(head -c 400 "$3")'"
            ok=1
        fi
    done <<EOT
$(header "$2" "$1")
EOT
    return $ok
}

for f in "$here"/cases/config/bad/*.yaml; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    run_case "$here/cases/config/bad" "$name"
    want=$(header expect-exit "$f")
    want=${want:-2}
    if [ "$status" != "$want" ]; then
        fail "$name" "expected exit $want, got $status (stderr: $(head -c 300 "$tmp/err"))"
        continue
    fi
    if [ "$(wc -l <"$tmp/err")" -ne 1 ] || [ -s "$tmp/out" ]; then
        fail "$name" "expected one line on stderr and nothing on stdout, got '$(cat "$tmp/err" "$tmp/out")'"
        continue
    fi
    cd "$here/cases/config/bad"
    if check_lines "$name" expect-stderr "$tmp/err"; then passed=$((passed + 1)); fi
    cd - >/dev/null
done

for f in "$here"/cases/config/good/*.yaml; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    run_case "$here/cases/config/good" "$name"
    if [ "$status" != 0 ]; then
        fail "$name" "expected exit 0, got $status (stderr: $(head -c 300 "$tmp/err"))"
        continue
    fi
    runs=$(header expect-runs "$f")
    got=$(sed -n '1s/^experiment .*: \([0-9]*\) runs$/\1/p' "$tmp/out")
    if [ -n "$runs" ] && [ "$got" != "$runs" ]; then
        fail "$name" "expected $runs runs, got '$(head -n 1 "$tmp/out")'"
        continue
    fi
    cd "$here/cases/config/good"
    if check_lines "$name" expect-stdout "$tmp/out"; then passed=$((passed + 1)); fi
    cd - >/dev/null
done

finish "config cases"
