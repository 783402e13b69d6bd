#!/bin/sh
# test_run_schema.sh: every field of the result files is documented in
# docs/results.md and every documented field is there. Runs the small
# experiments of tests/cases/run/schema_*.yaml (with and without a
# validation split, relu and the leaky variants, runs that diverge, a
# worker killed mid-run) into a temporary directory and checks every file
# with build/tools/check_schema (tests/tools/check_schema.c), which reads
# the field tables of docs/results.md. Then checks that the checker itself
# notices a field added, a field removed, a NaN, and probed layers that do
# not agree (an unknown kind, a kind that changes, more dead than units). Uses $ACTBENCH (default
# ./actbench) and $CHECK_SCHEMA (default build/tools/check_schema).
. "$(dirname "$0")/lib.sh"
CHECK_SCHEMA=${CHECK_SCHEMA:-$root/build/tools/check_schema}
doc=$root/docs/results.md
cases=$here/cases/run
if [ ! -x "$CHECK_SCHEMA" ]; then
    echo "FAIL $CHECK_SCHEMA is missing: run 'make tools' (make test builds it)"
    exit 1
fi

run() { # name [args...]: runs cases/run/NAME.yaml into $tmp/NAME; sets $status
    name=$1
    shift
    status=0
    "$ACTBENCH" run "$cases/$name.yaml" -o "$tmp/$name" -j 2 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
}

check_dir() { # name: every file of $tmp/NAME against the tables
    if "$CHECK_SCHEMA" "$doc" "$tmp/$1"/runs/*.json "$tmp/$1/summary.json" "$tmp/$1/experiment.json" \
        >"$tmp/$1.check" 2>&1; then
        pass
    else
        fail "$1: the result files do not match docs/results.md:"
        sed 's/^/    /' "$tmp/$1.check" | head -n 30
    fi
}

count_status() { # name status: how many run files of $tmp/NAME have that status
    grep -l "^	\"status\":	\"$2\"" "$tmp/$1"/runs/*.json 2>/dev/null | wc -l | tr -d ' '
}

# ---- runs that finish: ok, with and without validation ----
run schema_val
expect "schema_val exit status" "$status" 0
expect "schema_val ok runs" "$(count_status schema_val ok)" 4
check_dir schema_val

run schema_noval
expect "schema_noval exit status" "$status" 0
expect "schema_noval ok runs" "$(count_status schema_noval ok)" 6
check_dir schema_noval

# ---- runs that diverge ----
run schema_diverge
expect "schema_diverge exit status (diverged runs have finished)" "$status" 0
expect "schema_diverge diverged runs" "$(count_status schema_diverge diverged)" 4
check_dir schema_diverge

# ---- a worker killed mid-run: a failed run file written by the parent ----
"$ACTBENCH" run "$cases/schema_killed.yaml" -o "$tmp/schema_killed" -j 2 \
    >"$tmp/schema_killed.out" 2>"$tmp/schema_killed.err" &
parent=$!
worker=
i=0
while [ -z "$worker" ] && [ $i -lt 200 ]; do
    worker=$(ps -o pid= --ppid "$parent" 2>/dev/null | head -n 1 | tr -d ' ')
    [ -n "$worker" ] || sleep 0.05
    i=$((i + 1))
done
if [ -n "$worker" ]; then kill -9 "$worker" 2>/dev/null || true; fi
status=0
wait "$parent" || status=$?
if [ -z "$worker" ]; then
    fail "schema_killed: no worker process appeared"
else
    expect "schema_killed exit status" "$status" 1
    expect "schema_killed failed runs" "$(count_status schema_killed failed)" 1
    check_dir schema_killed
fi

# ---- the checker notices a change of the schema ----
ok_file=$(ls "$tmp/schema_val"/runs/*.json | head -n 1)
mkdir "$tmp/neg"
negative() { # what file: check_schema must reject it
    if "$CHECK_SCHEMA" "$doc" "$2" >"$tmp/neg/out" 2>&1; then
        fail "check_schema accepted a run file with $1"
    else
        pass
    fi
}
sed 's/"revived":/"undocumented_field":	1, "revived":/' "$ok_file" >"$tmp/neg/added.json"
negative "an undocumented field in a layer" "$tmp/neg/added.json"
grep -v '"train_seconds"' "$ok_file" >"$tmp/neg/removed.json"
negative "final.train_seconds removed" "$tmp/neg/removed.json"
sed 's/"test_loss":	[-0-9.e+]*/"test_loss":	NaN/' "$ok_file" >"$tmp/neg/nan.json"
negative "NaN for a number" "$tmp/neg/nan.json"
sed 's/"schema_version":	1/"schema_version":	null/' "$ok_file" >"$tmp/neg/null.json"
negative "null where the table says never" "$tmp/neg/null.json"
sed 's/"kind":	"dense"/"kind":	"pool"/' "$ok_file" >"$tmp/neg/kind.json"
negative "a probed layer of kind pool" "$tmp/neg/kind.json"
sed '0,/"kind":	"dense"/s//"kind":	"conv"/' "$ok_file" >"$tmp/neg/kind1.json"
negative "a layer whose kind changes between epochs" "$tmp/neg/kind1.json"
sed 's/"dead":	[0-9]*/"dead":	100000/' "$ok_file" >"$tmp/neg/dead.json"
negative "more dead units than units" "$tmp/neg/dead.json"
sed 's/"dead_fraction.layer2"/"dead_fraction.layer3"/' "$tmp/schema_val/summary.json" >"$tmp/neg/summary.json"
negative "a summary whose layer columns skip layer 2" "$tmp/neg/summary.json"

finish "run schema"
