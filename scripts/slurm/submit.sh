#!/bin/sh
# submit.sh: runs an actbench sweep on a Slurm cluster as a job array
# (docs/slurm.md). Validates the experiment, counts its runs, submits an
# array of min(runs, TASKS) tasks (scripts/slurm/actbench.sbatch, one shard
# each, into the shared DIR), then a job that waits for the array
# (afterany) and runs 'actbench summarize DIR' and 'actbench report DIR >
# DIR/report.txt' (scripts/slurm/summarize.sbatch). Prints the job IDs.
# Submitting again with the same DIR runs only what is missing.
set -eu

usage() {
    cat <<'EOF'
usage: scripts/slurm/submit.sh CONFIG -o DIR [-n TASKS] [--throttle K] [--wait] [-- SBATCH_ARGS...]

Run the experiment CONFIG on Slurm into DIR: a job array of min(runs, TASKS)
tasks, task K running shard K/N ('actbench run CONFIG -o DIR --resume
--shard K/N -j CPUS'), then a job after the array (afterany) that runs
'actbench summarize DIR' and writes 'actbench report DIR' to DIR/report.txt.
Slurm's output goes to DIR/slurm/. Submitting the same command again runs
only the runs that are missing or failed in DIR.

  CONFIG          the experiment file (validated first: nothing is
                  submitted when it has an error)
  -o, --output DIR  the result directory, on a file system every node sees
  -n, --tasks N   array tasks at most (default 10); one task per run when
                  the experiment has fewer runs
  --throttle K    at most K tasks at once (sbatch --array=...%K)
  --wait          wait for the summarize job to end; exit with its status
  -- SBATCH_ARGS  passed to both sbatch calls, e.g. -- --partition=cpu
                  --time=2:00:00 --cpus-per-task=4 (each task then runs
                  4 worker processes)
  -h, --help      show this help

environment: ACTBENCH  the actbench binary (default: the repository's
             ./actbench, else actbench on PATH); it must be reachable from
             every node at the same path

exit status: 0 submitted (with --wait: every run finished); 1 with --wait:
some run is missing or failed (see DIR/slurm/ and 'actbench summarize DIR');
2 usage error, sbatch missing, configuration error, or DIR holds another
experiment (nothing submitted); otherwise sbatch's status when it refused.
EOF
}

die_usage() {
    echo "submit.sh: $*" >&2
    echo "(see 'scripts/slurm/submit.sh --help')" >&2
    exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
config=""
dir=""
tasks=10
throttle=""
wait_end=""
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage; exit 0 ;;
    -o | --output)
        if [ $# -lt 2 ] || [ -z "$2" ]; then die_usage "$1 needs a directory"; fi
        dir=$2; shift 2 ;;
    --output=*) dir=${1#--output=}; shift ;;
    -n | --tasks)
        [ $# -ge 2 ] || die_usage "$1 needs a number of tasks"
        tasks=$2; shift 2 ;;
    --tasks=*) tasks=${1#--tasks=}; shift ;;
    --throttle)
        [ $# -ge 2 ] || die_usage "--throttle needs a number of tasks"
        throttle=$2; shift 2 ;;
    --throttle=*) throttle=${1#--throttle=}; shift ;;
    --wait) wait_end=1; shift ;;
    --) shift; break ;;
    -?*) die_usage "unknown option '$1'" ;;
    *)
        [ -z "$config" ] || die_usage "one CONFIG expected, got another: '$1'"
        config=$1; shift ;;
    esac
done
# what is left: the sbatch arguments
[ -n "$config" ] || die_usage "missing CONFIG"
[ -n "$dir" ] || die_usage "missing -o DIR"
case $tasks in '' | *[!0-9]* | 0*) die_usage "-n needs a whole number >= 1, got '$tasks'" ;; esac
case $throttle in '') ;; *[!0-9]* | 0*) die_usage "--throttle needs a whole number >= 1, got '$throttle'" ;; esac
command -v sbatch >/dev/null 2>&1 ||
    die_usage "sbatch: not found on PATH (run this on a machine of the Slurm cluster, e.g. its login node)"

if [ -z "${ACTBENCH:-}" ]; then
    if [ -x "$root/actbench" ]; then ACTBENCH=$root/actbench
    else ACTBENCH=$(command -v actbench 2>/dev/null) || die_usage "actbench not found (run 'make', or set ACTBENCH)"
    fi
fi
[ -x "$ACTBENCH" ] || die_usage "$ACTBENCH: not found or not executable (run 'make', or set ACTBENCH)"
abspath() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
ACTBENCH=$(abspath "$ACTBENCH")
config=$(abspath "$config")
dir=$(abspath "$dir")

# Validate before anything is submitted: the experiment, then DIR (another
# experiment's directory is refused); count the runs and the ones to run.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! "$ACTBENCH" validate "$config" >"$work/validate" 2>"$work/err"; then
    cat "$work/err" >&2
    echo "submit.sh: $config has errors; nothing submitted" >&2
    exit 2
fi
if ! "$ACTBENCH" run "$config" -o "$dir" --resume --dry-run >"$work/todo" 2>"$work/err"; then
    cat "$work/err" >&2
    echo "submit.sh: nothing submitted" >&2
    exit 2
fi
cat "$work/err" >&2 # what would run, and any damaged file of DIR that will run again
# the run lines (a run's layer table is indented under it)
runs=$(sed -n '1s/^experiment .*: \([0-9]*\) runs*$/\1/p' "$work/validate")
todo=$(grep -v '^ ' "$work/todo" | wc -l | tr -d ' ')
n=$tasks
[ "$runs" -ge "$n" ] || n=$runs
name=$(sed -n '1s/^experiment \(.*\): [0-9]* runs*$/\1/p' "$work/validate")
mkdir -p "$dir/slurm"

sbatch_id() { # sbatch output (--parsable: ID[;CLUSTER]) -> ID
    sed -n '1{s/;.*//;p;}'
}

array=""
if [ "$todo" -gt 0 ]; then
    spec="0-$((n - 1))${throttle:+%$throttle}"
    out=$(sbatch --parsable --array="$spec" --job-name="actbench-$name" \
        --output="$dir/slurm/%A_%a.out" "$@" "$here/actbench.sbatch" "$config" "$dir" "$ACTBENCH") || {
        rc=$?
        echo "submit.sh: sbatch refused the array (status $rc); nothing submitted" >&2
        exit "$rc"
    }
    array=$(echo "$out" | sbatch_id)
    echo "array $array: $n tasks (--array=$spec) for $runs runs, $todo to run, into $dir"
else
    echo "submit.sh: every run of $config has finished in $dir; no array, only the summary" >&2
fi

set -- --parsable --job-name="actbench-summarize-$name" --output="$dir/slurm/summarize_%j.out" "$@"
[ -z "$array" ] || set -- --dependency="afterany:$array" "$@"
if [ -z "$wait_end" ]; then
    out=$(sbatch "$@" "$here/summarize.sbatch" "$dir" "$ACTBENCH") || {
        rc=$?
        echo "submit.sh: sbatch refused the summarize job (status $rc)${array:+; the array $array is queued}" >&2
        exit "$rc"
    }
    echo "summarize $(echo "$out" | sbatch_id): after the array; writes $dir/summary.json and $dir/report.txt"
    exit 0
fi
# --wait: sbatch prints the ID at once, then blocks until the job ends and
# exits with its status
sbatch --wait "$@" "$here/summarize.sbatch" "$dir" "$ACTBENCH" >"$work/id" &
pid=$!
i=0
while [ ! -s "$work/id" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 600 ]; do
    sleep 0.1
    i=$((i + 1))
done
id=$(sbatch_id <"$work/id")
[ -z "$id" ] || echo "summarize $id: after the array; writes $dir/summary.json and $dir/report.txt; waiting"
status=0
wait "$pid" || status=$?
echo "submit.sh: summarize job ${id:-?} ended with status $status (see $dir/slurm/summarize_${id:-*}.out)" >&2
exit "$status"
