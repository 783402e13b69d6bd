#!/bin/sh
# test_cli_run.sh: 'actbench run' as a user drives it: help and usage
# errors, run IDs as 'validate' prints them, --dry-run, --shard, -j 1 and
# -j 2 giving the same results, the output-directory checks, --resume, a
# worker killed mid-run, and SIGINT then --resume. The experiments are
# tests/cases/run/cli_*.yaml. Prints a line per failed check and
# "run cli: N passed, M failed"; exits 1 when a check failed. Uses
# $ACTBENCH (default ./actbench).
. "$(dirname "$0")/lib.sh"
cases=$here/cases/run
small=$cases/cli_small.yaml
long=$cases/cli_long.yaml
bg=
on_exit='if [ -n "$bg" ]; then kill "$bg" 2>/dev/null || true; fi'
cd "$tmp"
# the run IDs of DIR/runs, sorted
ids_of() { ls "$1/runs" 2>/dev/null | sed -n 's/\.json$//p' | sort; }
count_status() { # dir status
    grep -l "^	\"status\":	\"$2\"" "$1"/runs/*.json 2>/dev/null | wc -l | tr -d ' '
}
# one line "name inode mtime" per run file
stamps() { (cd "$1/runs" && stat -c '%n %i %y' *.json); }
have_run_file() { ls "$1"/runs/*.json >/dev/null 2>&1; }

# ---- help and version: exit 0, usage on stdout ----
for args in "--help" "run --help" "validate --help"; do
    # shellcheck disable=SC2086
    act help $args
    expect "actbench $args exit status" "$status" 0
    expect_grep "actbench $args stdout" "usage: actbench" help.out
done
act version --version
expect "actbench --version exit status" "$status" 0
if grep -Eq '^actbench [0-9]+\.[0-9]+' version.out; then pass; else fail "--version printed '$(cat version.out)'"; fi

# ---- usage errors: exit 2, a message on stderr, nothing on stdout ----
usage_error() { # what args...
    what=$1
    shift
    act usage run "$@"
    expect "$what: exit status" "$status" 2
    if [ -s usage.err ]; then pass; else fail "$what: no message on stderr"; fi
    if [ -s usage.out ]; then fail "$what: stdout is not empty: $(head -c 200 usage.out)"; else pass; fi
}
usage_error "unknown option" "$small" --frobnicate -o u1
usage_error "-j 0" "$small" -j 0 -o u2
usage_error "--shard 2/2" "$small" --shard 2/2 -o u3
usage_error "--resume with --force" "$small" --resume --force -o u4
usage_error "missing CONFIG.yaml" -o u5
usage_error "--jobs=x" "$small" --jobs=x -o u6
usage_error "-j with no value" "$small" -o u7 -j
expect_grep "-j with no value: names -j" "-j needs a whole number" usage.err
usage_error "unknown option in a cluster" "$small" -qx -o u8
expect_grep "unknown option in a cluster: names -x" "unknown option '-x'" usage.err
for d in u1 u2 u3 u4 u5 u6 u7 u8; do
    if [ -e "$d" ]; then fail "a usage error created $d"; else pass; fi
done

# ---- run IDs are the ones validate prints; --dry-run writes nothing ----
act val validate "$small"
expect "validate exit status" "$status" 0
sed 1d val.out >val.lines
grep -v '^ ' val.lines | awk '{print $2}' | sort >val.ids
if grep -q '^    total  *[0-9]' val.lines; then pass; else fail "validate prints no layer table: $(head -c 300 val.out)"; fi
total=$(wc -l <val.ids | tr -d ' ')
expect "validate runs of cli_small" "$total" 6
act dry run "$small" --dry-run -o dry
expect "--dry-run exit status" "$status" 0
if cmp -s dry.out val.lines; then pass; else fail "--dry-run stdout differs from validate's run lines: $(head -c 300 dry.out)"; fi
if [ -e dry ]; then fail "--dry-run created its directory"; else pass; fi

# ---- options as getopt_long reads them: --jobs=N, --output=DIR, -qjN ----
for form in "--jobs=2 --output=form1" "--jobs 2 --output form2" "-qj2 -oform3" "-j2 -q -o form4"; do
    dir=$(echo "$form" | sed 's/.*form/form/')
    # shellcheck disable=SC2086
    act form run "$small" $form --dry-run
    expect "option forms '$form': exit status $(head -c 200 form.err)" "$status" 0
    expect_grep "option forms '$form': the directory" "already finished in $dir)" form.err
done
act form run "$small" "--set=name=renamed" --dry-run -o form5
expect_grep "--set=KEY=VALUE" "experiment renamed:" form.err

# ---- without -o, run writes runs/<name>, which git ignores, never results/ ----
mkdir default_dir
(cd default_dir && "$ACTBENCH" run "$small" -q -j 2 >../default.out 2>../default.err) || true
if [ -s default_dir/runs/cli_small/summary.json ] && [ ! -e default_dir/results ]; then
    pass
else
    fail "run without -o: no runs/cli_small/summary.json: $(ls -R default_dir | head -n 5)"
fi
expect "run without -o: stdout" "$(cat default.out)" "runs/cli_small/summary.json"
if grep -qx '/runs/' "$root/.gitignore"; then pass; else fail ".gitignore does not ignore /runs/"; fi

# ---- -j 1 and -j 2: the same runs and the same numbers ----
act j1 run "$small" -j 1 -o j1
expect "-j 1 exit status" "$status" 0
expect "stdout of a successful run" "$(cat j1.out)" "j1/summary.json"
expect "stdout is one line" "$(wc -l <j1.out | tr -d ' ')" 1
act j2 run "$small" -j 2 -o j2
expect "-j 2 exit status" "$status" 0
expect "-j 1 run IDs are validate's" "$(ids_of j1 | tr '\n' ' ')" "$(tr '\n' ' ' <val.ids)"
expect "-j 2 run IDs are validate's" "$(ids_of j2 | tr '\n' ' ')" "$(tr '\n' ' ' <val.ids)"
expect "-j 1 ok runs" "$(count_status j1 ok)" "$total"
for id in $(cat val.ids); do
    untimed "j1/runs/$id.json" >a.json 2>/dev/null || true
    untimed "j2/runs/$id.json" >b.json 2>/dev/null || true
    if [ -s a.json ] && cmp -s a.json b.json; then
        pass
    else
        fail "run $id differs between -j 1 and -j 2 (timing fields aside):"
        diff a.json b.json | head -n 10
    fi
done
untimed j1/summary.json >a.json
untimed j2/summary.json >b.json
if cmp -s a.json b.json; then pass; else fail "summary.json differs between -j 1 and -j 2:"; diff a.json b.json | head -n 10; fi
expect_grep "progress on stderr: the run's settings, not its ID" "(model.activation=" j2.err
expect_grep "progress on stderr: how many are done" "6 of 6 done)" j2.err
if grep -q "$(printf '\033')" j2.err; then fail "no terminal, yet escape codes on stderr"; else pass; fi

# ---- on a terminal (script(1) gives one): the live display ----
if command -v script >/dev/null 2>&1; then
    status=0
    script -qec "'$ACTBENCH' run '$small' -j 2 -o tty" /dev/null >tty.out 2>&1 </dev/null || status=$?
    expect "run on a terminal: exit status" "$status" 0
    expect_grep "live display: runs done of total, elapsed, eta" "runs 6/6 done (0 diverged, 0 failed)  elapsed" tty.out
    # which slot is busy when the display redraws depends on timing: any worker's line will do
    if grep -Eq '^(.\[K)?  worker [12]: run [0-9]+ \([a-z._]+=[^)]*\) epoch [0-9]+/[0-9]+' tty.out; then
        pass
    else
        fail "live display: each worker's run and epoch: no 'worker N: run I (SETTINGS) epoch E/T' line in: $(head -c 400 tty.out)"
    fi
    if grep -q "^run [0-9]* (" tty.out; then fail "a terminal got the one-line-per-run progress"; else pass; fi
else
    skip "live display" "script(1) not installed"
fi

# ---- --shard K/N runs the runs whose validate index i has (i - 1) mod N = K ----
grep -v '^ ' val.lines | awk '($1 - 1) % 2 == 0 {print $2}' | sort >want0
grep -v '^ ' val.lines | awk '($1 - 1) % 2 == 1 {print $2}' | sort >want1
act s0 run "$small" --shard 0/2 -o s0
expect "--shard 0/2 exit status" "$status" 0
act s1 run "$small" --shard 1/2 -o s1
expect "--shard 1/2 exit status" "$status" 0
expect "--shard 0/2 runs" "$(ids_of s0 | tr '\n' ' ')" "$(tr '\n' ' ' <want0)"
expect "--shard 1/2 runs" "$(ids_of s1 | tr '\n' ' ')" "$(tr '\n' ' ' <want1)"
expect "shards overlap" "$( (ids_of s0; ids_of s1) | sort | uniq -d | wc -l | tr -d ' ')" 0
expect "shards cover every run" "$( (ids_of s0; ids_of s1) | sort -u | tr '\n' ' ')" "$(tr '\n' ' ' <val.ids)"

# ---- the output directory: another experiment, no --resume, --resume ----
stamps j1 >before
act other run "$cases/cli_other.yaml" -o j1
expect "another experiment's directory: exit status" "$status" 2
expect_grep "another experiment's directory: names this one" "cli_other" other.err
expect_grep "another experiment's directory: names the other" "cli_small" other.err
if [ -s other.out ]; then fail "a refused run printed on stdout"; else pass; fi
act again run "$small" -o j1
expect "same experiment without --resume: exit status" "$status" 2
expect_grep "same experiment without --resume: hint" "--resume" again.err
# a dry run predicts the refusal: the same message and exit status
act dryagain run "$small" -o j1 --dry-run
expect "--dry-run of a refused run: exit status" "$status" 2
expect "--dry-run of a refused run: message" "$(cat dryagain.err)" "$(cat again.err)"
if [ -s dryagain.out ]; then fail "--dry-run of a refused run printed run lines"; else pass; fi
act dryresume run "$small" -o j1 --dry-run --resume
expect "--dry-run --resume: exit status" "$status" 0
expect_grep "--dry-run --resume: nothing would run" "0 of 6 runs would run (6 already finished in j1)" dryresume.err
act resume run "$small" -o j1 --resume
expect "--resume with every run finished: exit status" "$status" 0
expect "--resume with every run finished: runs run" "$(grep -c '^run [0-9]* (' resume.err || true)" 0
stamps j1 >after
if cmp -s before after; then pass; else fail "refused runs or --resume rewrote run files"; fi

# ---- a worker killed with SIGKILL: that run failed, the others are ok ----
"$ACTBENCH" run "$long" -j 2 -o kill >kill.out 2>kill.err &
bg=$!
worker=
if wait_for 60 have_worker "$bg"; then
    worker=$(workers_of "$bg" | head -n 1)
    kill -9 "$worker" 2>/dev/null || true
else
    fail "kill: no worker process appeared"
fi
status=0
wait "$bg" || status=$?
bg=
if [ -n "$worker" ]; then
    expect "killed worker: exit status" "$status" 1
    long_total=$(ls kill/runs | wc -l | tr -d ' ')
    expect "killed worker: run files" "$long_total" 6
    expect "killed worker: failed runs" "$(count_status kill failed)" 1
    expect "killed worker: ok runs" "$(count_status kill ok)" 5
    f=$(grep -l '"status":	"failed"' kill/runs/*.json | head -n 1)
    if [ -n "$f" ] && grep -q '"error":	".*signal 9' "$f"; then
        pass
    else
        fail "killed worker: the failed run's error does not name signal 9: $(grep '"error"' "$f" 2>/dev/null)"
    fi
    expect_grep "killed worker: progress line" ": failed" kill.err
fi

# ---- SIGINT to the parent: exit 130, no partial file; --resume runs the rest ----
"$ACTBENCH" run "$long" -j 2 -o int >int.out 2>int.err &
bg=$!
if wait_for 60 have_run_file int && have_worker "$bg"; then
    kill -INT "$bg"
else
    fail "SIGINT: no run finished, or no worker left to interrupt"
    kill -INT "$bg" 2>/dev/null || true
fi
status=0
wait "$bg" || status=$?
bg=
expect "SIGINT: exit status" "$status" 130
expect "SIGINT: temporary files left" "$(ls -a int/runs | grep -c '\.tmp$' || true)" 0
done_runs=$(ls int/runs | grep -c '\.json$' || true)
if [ "$done_runs" -ge 1 ] && [ "$done_runs" -lt 6 ]; then pass; else fail "SIGINT: $done_runs of 6 runs finished (expected some, not all)"; fi
for f in int/runs/*.json; do
    if [ "$(tail -n 1 "$f")" = "}" ] && grep -q '^	"status":	"ok",$' "$f" && grep -q '^	"final":	{' "$f"; then
        pass
    else
        fail "SIGINT: $f is not a complete ok run file"
    fi
done
expect_grep "SIGINT: how many runs remain" "interrupted: $((6 - done_runs)) of 6 runs remain" int.err
resume_cmd=$(grep -A1 'runs remain; to finish them:' int.err | tail -n 1 | sed 's/^  actbench /"$ACTBENCH" /')
case $resume_cmd in *" -o int --resume") pass ;; *) fail "SIGINT: the resume command: '$resume_cmd'" ;; esac
stamps int >before
status=0
eval "$resume_cmd -j 2" >resume2.out 2>resume2.err || status=$?
expect "--resume after SIGINT: exit status" "$status" 0
expect "--resume after SIGINT: runs run" "$(grep -c '^run [0-9]* (' resume2.err || true)" $((6 - done_runs))
expect "--resume after SIGINT: ok runs" "$(count_status int ok)" 6
stamps int | grep -F -f before >after || true
if cmp -s before after; then pass; else fail "--resume rewrote finished run files:"; diff before after | head -n 6; fi

finish "run cli"
