#!/bin/sh
# tests/slurm/run.sh (make test-slurm): scripts/slurm against a real,
# single-node Slurm started here. As root: starts munged (as the munge
# user, with its own key and socket), slurmctld and slurmd with a
# configuration generated in a temporary directory, waits until the node
# is idle, then:
#   1. submits tests/cases/slurm/slurm_sweep.yaml (12 runs) through
#      submit.sh with 3 tasks and --wait, and cancels one array task
#      (scancel JOBID_TASKID) while its runs are in progress: submit.sh and
#      'actbench summarize' exit 1 and name exactly the missing runs;
#   2. submits again: only the missing runs run, summarize exits 0;
#   3. compares every run file, timing fields aside, and the summary with
#      a local 'actbench run -j 2' of the same experiment; summary.json and
#      report.txt exist;
#   4. a configuration error and another experiment's DIR submit nothing;
#   5. tests/cases/slurm/slurm_requeue.yaml (one run of about two minutes)
#      with a 1-minute time limit: Slurm's signal before the limit makes
#      actbench checkpoint and the task requeue itself until the run has
#      finished; its run file equals a local uninterrupted run's.
# Stops the daemons it started, by their PIDs, and removes its temporary
# directory, also when a check fails. It never touches a Slurm it did not
# start (its own ports, state and munge socket). Prints the time of each
# step and "slurm: N passed, M failed"; exits 1 when a check failed.
# Uses $ACTBENCH (default ./actbench).
. "$(dirname "$0")/../lib.sh"
root=$(cd "$here/../.." && pwd)
config=$root/tests/cases/slurm/slurm_sweep.yaml
submit=$root/scripts/slurm/submit.sh

if [ "$(id -u)" != 0 ]; then
    echo "FAIL make test-slurm starts Slurm's daemons and needs root"
    exit 1
fi
for cmd in munged slurmctld slurmd sbatch squeue scancel sinfo setpriv; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        echo "FAIL $cmd is missing: run 'sh scripts/install-deps.sh slurm' (make test-slurm does)"
        exit 1
    fi
done

t_start=$(date +%s)
t_last=$t_start
step() { # name: prints the seconds since the last step
    now=$(date +%s)
    printf 'slurm step: %-48s %4d s\n' "$1" $((now - t_last))
    t_last=$now
}

# ---- the daemons, their files in $tmp/slurm ----
chmod 755 "$tmp"
s=$tmp/slurm
mkdir -p "$s/munge" "$s/state" "$s/spool" "$s/log"
munged_pid=
ctld_pid=
slurmd_pid=
stop_daemons() {
    # our jobs first (only ours: this controller knows no others), then the daemons
    if [ -n "$ctld_pid" ] && kill -0 "$ctld_pid" 2>/dev/null; then
        scancel --quiet --user=root 2>/dev/null || true
        i=0
        while [ -n "$(squeue -h 2>/dev/null)" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    for p in $slurmd_pid $ctld_pid $munged_pid; do
        kill "$p" 2>/dev/null || true
    done
    for p in $slurmd_pid $ctld_pid $munged_pid; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null || true
    done
    slurmd_pid= ctld_pid= munged_pid=
}
on_exit='stop_daemons'
chown munge:munge "$s/munge"
dd if=/dev/urandom of="$s/munge/munge.key" bs=1024 count=1 2>/dev/null
chown munge:munge "$s/munge/munge.key"
chmod 400 "$s/munge/munge.key"
setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
    --socket="$s/munge/munge.sock" --key-file="$s/munge/munge.key" --log-file="$s/munge/munged.log" \
    --pid-file="$s/munge/munged.pid" --seed-file="$s/munge/munged.seed" >"$s/log/munged.out" 2>&1 &
munged_pid=$!
i=0
while [ ! -S "$s/munge/munge.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$s/munge/munge.sock" ]; then
    fail "munged did not start:" "$(cat "$s/log/munged.out")"
    finish slurm
fi

host=$(hostname -s)
port=$((20000 + $$ % 20000))
cat >"$s/slurm.conf" <<EOF
ClusterName=actbenchtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$s/munge/munge.sock
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/log/slurmctld.log
SlurmdLogFile=$s/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
# slurmd initialises the cgroup plugin even with proctrack/linuxproc
echo "CgroupPlugin=cgroup/v1" >"$s/cgroup.conf"
SLURM_CONF=$s/slurm.conf
export SLURM_CONF
slurmctld -D -f "$SLURM_CONF" >"$s/log/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -N "$host" -f "$SLURM_CONF" >"$s/log/slurmd.out" 2>&1 &
slurmd_pid=$!
i=0
while [ "$(sinfo -h -N -o %t 2>/dev/null)" != idle ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(sinfo -h -N -o %t 2>/dev/null)" != idle ]; then
    fail "the node did not become idle in 60 s:" "$(sinfo 2>&1; tail -n 5 "$s/log/slurmctld.out" "$s/log/slurmd.out")"
    finish slurm
fi
pass
step "start munged, slurmctld, slurmd; node idle"

cd "$tmp"
untimed() { grep -Ev '^[[:space:]]*"(seconds|eval_seconds|train_seconds|examples_per_second|config|actbench_version)(_mean|_std|_n)?":' "$1"; }
ids_of() { ls "$1/runs" 2>/dev/null | sed -n 's/\.json$//p' | sort; }
stamps() { (cd "$1/runs" 2>/dev/null && stat -c '%n %i %Y' *.json) || true; }

# ---- a local run of the same experiment, the reference ----
status=0
"$ACTBENCH" run "$config" -j 2 -q -o local >/dev/null 2>local.err || status=$?
expect "local run: exit status" "$status" 0
"$ACTBENCH" validate "$config" | sed 1d | awk '/^[0-9]/ {print $2}' | sort >all.ids
expect "runs of the experiment" "$(wc -l <all.ids | tr -d ' ')" 12
step "local actbench run -j 2 (12 runs)"

# ---- 1. submit with --wait; cancel one array task while it runs ----
ACTBENCH=$ACTBENCH sh "$submit" "$config" -o "$tmp/cluster" -n 3 --wait >submit1.out 2>submit1.err &
sub=$!
array=
i=0
while [ -z "$array" ] && [ $i -lt 300 ]; do
    array=$(sed -n 's/^array \([0-9]*\): .*/\1/p' submit1.out 2>/dev/null || true)
    [ -n "$array" ] || sleep 0.1
    i=$((i + 1))
done
cancelled=
if [ -z "$array" ]; then
    fail "submit.sh printed no array job ID:" "$(cat submit1.out submit1.err)"
else
    # task 1 of 0..2: cancel it once it is running and has started a run
    i=0
    while [ $i -lt 600 ]; do
        if squeue -h -r -t R -o %i 2>/dev/null | grep -qx "${array}_1" &&
            grep -q "runs to run" "$tmp/cluster/slurm/${array}_1.out" 2>/dev/null; then
            sleep 1
            scancel "${array}_1" && cancelled=1
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    [ -n "$cancelled" ] || fail "array task ${array}_1 was never seen running"
fi
status=0
wait "$sub" || status=$?
expect "submit.sh --wait after a cancelled task: exit status (summarize's)" "$status" 1
if grep -q "^summarize [0-9]*: " submit1.out; then pass; else fail "submit.sh printed no summarize job ID: $(cat submit1.out)"; fi
step "submit.sh -n 3 --wait, task 1 cancelled"

# the runs of shard 1/3 (validate index i with (i - 1) mod 3 = 1)
"$ACTBENCH" validate "$config" | sed 1d | awk '/^[0-9]/ && ($1 - 1) % 3 == 1 {print $2}' | sort >shard1.ids
ids_of cluster >present.ids
comm -23 all.ids present.ids >missing.ids
n_missing=$(wc -l <missing.ids | tr -d ' ')
if [ "$n_missing" -ge 1 ]; then pass; else fail "the cancelled task left no run missing"; fi
expect "the missing runs are all of the cancelled task's shard" "$(comm -23 missing.ids shard1.ids | wc -l | tr -d ' ')" 0
status=0
"$ACTBENCH" summarize cluster >sum1.out 2>sum1.err || status=$?
expect "summarize with runs missing: exit status" "$status" 1
expect "summarize names exactly the missing runs" "$(awk -F '\t' '$1 == "missing" {print $2}' sum1.out | sort | tr '\n' ' ')" \
    "$(tr '\n' ' ' <missing.ids)"
expect "summarize lists nothing else" "$(wc -l <sum1.out | tr -d ' ')" "$n_missing"
if [ -s cluster/summary.json ] && [ -s cluster/report.txt ]; then pass; else fail "no summary.json or report.txt after the first submission"; fi
stamps cluster >before
step "summarize names the $n_missing missing runs"

# ---- 2. the same command again: only the missing runs run ----
status=0
ACTBENCH=$ACTBENCH sh "$submit" "$config" -o "$tmp/cluster" -n 3 --wait >submit2.out 2>submit2.err || status=$?
expect "resubmission: exit status" "$status" 0
if grep -q "array [0-9]*: 3 tasks .* $n_missing to run" submit2.out; then pass; else fail "resubmission: $(cat submit2.out)"; fi
expect "resubmission: run files" "$(ids_of cluster | tr '\n' ' ')" "$(tr '\n' ' ' <all.ids)"
stamps cluster | grep -F -f before >after || true
if cmp -s before after; then pass; else fail "the resubmission rewrote finished runs:" "$(diff before after | head -n 6)"; fi
# one progress line per finished run: "run N (settings): ok, ... (T s; K of
# M done)" (N: the run's index in the experiment, as validate prints it);
# a run stopped by scancel prints "run N (ID): epoch E/T, checkpointed"
finished='^run [0-9][0-9]* (.*): .*; [0-9]* of [0-9]* done)$'
ran=$(cat cluster/slurm/*.out | grep -c "$finished" || true)
expect "no run finished twice over both submissions" \
    "$(cat cluster/slurm/*.out | grep "$finished" | sed 's/^run \([0-9][0-9]*\) .*/\1/' | sort | uniq -d | wc -l | tr -d ' ')" 0
expect "every run ran once" "$ran" 12
status=0
"$ACTBENCH" summarize cluster >sum2.out 2>sum2.err || status=$?
expect "summarize after the resubmission: exit status" "$status" 0
step "resubmit: the missing runs only"

# ---- 3. the same results as a local run ----
for id in $(cat all.ids); do
    untimed "local/runs/$id.json" >a.json
    untimed "cluster/runs/$id.json" >b.json
    if [ -s a.json ] && cmp -s a.json b.json; then pass; else fail "run $id differs between Slurm and a local run (timing aside)"; fi
done
untimed local/summary.json >a.json
untimed cluster/summary.json >b.json
if cmp -s a.json b.json; then pass; else fail "summary.json differs between Slurm and a local run:" "$(diff a.json b.json | head)"; fi
if grep -q "relu" cluster/report.txt; then pass; else fail "report.txt does not hold the report: $(head -c 300 cluster/report.txt)"; fi
step "compare with the local run"

# ---- 4. nothing is submitted on a configuration error or another experiment's DIR ----
jobs_before=$(squeue -h -r | wc -l)
printf 'name: bad\nmodel: {activation: relu_typo}\n' >bad.yaml
status=0
ACTBENCH=$ACTBENCH sh "$submit" bad.yaml -o "$tmp/bad" -n 3 >bad.out 2>bad.err || status=$?
expect "a configuration error: exit status" "$status" 2
if grep -q "relu_typo" bad.err; then pass; else fail "a configuration error: the message does not name the value: $(cat bad.err)"; fi
status=0
ACTBENCH=$ACTBENCH sh "$submit" "$root/tests/cases/run/cli_other.yaml" -o "$tmp/cluster" >other.out 2>other.err || status=$?
expect "another experiment's DIR: exit status" "$status" 2
expect "nothing submitted" "$(squeue -h -r | wc -l)" "$jobs_before"
if [ -e "$tmp/bad" ]; then fail "a configuration error created its DIR"; else pass; fi
step "refusals submit nothing"

# ---- 5. a task at its time limit: checkpointed, requeued, finished from its checkpoint ----
long=$root/tests/cases/slurm/slurm_requeue.yaml
"$ACTBENCH" run "$long" -j 1 -q -o local_long >/dev/null 2>local_long.err &
local_pid=$!
status=0
ACTBENCH=$ACTBENCH sh "$submit" "$long" -o "$tmp/requeue" -n 1 --wait -- --time=1 --signal=B:USR1@50 \
    >submit5.out 2>submit5.err || status=$?
expect "a task past its time limit, requeued: exit status (summarize's)" "$status" 0
lstatus=0
wait "$local_pid" || lstatus=$?
expect "local run of the long experiment: exit status" "$lstatus" 0
out=$(ls "$tmp"/requeue/slurm/*_0.out 2>/dev/null | head -n 1)
if [ -n "$out" ] && ! grep -Eq "task requeued|\(start [2-9]" "$out" && grep -q "^run 1/1 .*: ok" "$out"; then
    # a machine fast enough to train the run before Slurm's signal came
    skip "time limit: checkpoint, requeue, resume" "the run finished before Slurm's signal: nothing to resume"
else
    if [ -n "$out" ] && grep -Eq "task requeued|\(start [2-9]" "$out"; then
        pass
    else
        fail "the task was never requeued:" "$(tail -n 8 "$out" 2>/dev/null)"
    fi
    if [ -n "$out" ] && grep -q "resumed from its checkpoint" "$out"; then
        pass
    else
        fail "the requeued task did not resume from a checkpoint:" "$(tail -n 8 "$out" 2>/dev/null)"
    fi
fi
for f in local_long/runs/*.json; do
    untimed "$f" >a.json
    untimed "requeue/runs/${f##*/}" >b.json 2>/dev/null || true
    if [ -s a.json ] && cmp -s a.json b.json; then
        pass
    else
        fail "the requeued run differs from a local run (timing aside):" "$(diff a.json b.json | head -n 6)"
    fi
done
if [ -e requeue/checkpoints ]; then fail "checkpoints left after the run finished: $(ls requeue/checkpoints)"; else pass; fi
step "time limit: checkpoint, requeue, resume"

if [ "$failed" -gt 0 ]; then # what Slurm saw, for the log of a failed check
    for f in "$tmp"/cluster/slurm/*.out "$tmp"/requeue/slurm/*.out "$s/log/slurmctld.log"; do
        [ -f "$f" ] || continue
        echo "---- $f"
        tail -n 15 "$f"
    done
fi
stop_daemons
step "stop the daemons"
echo "slurm step: total $(($(date +%s) - t_start)) s"
finish slurm
