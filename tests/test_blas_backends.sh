#!/bin/sh
# test_blas_backends.sh: the two BLAS backends' binaries, build/actbench
# (OpenBLAS) and build/onednn/actbench (oneDNN's dnnl_sgemm), both made by
# make test. Run IDs do not depend on the backend; environment.blas names
# the backend and its version; on oneDNN, -j 1 and -j 2 give bit-identical
# run files, the files match docs/results.md, a worker runs one thread (and
# train.blas_threads of them when asked; its checkpoint writer, a thread
# named ckpt-writer, aside), and the parent never starts an
# OpenMP thread before it forks (a pool started there would hang the
# workers: the -j 2 runs with two threads each must finish). The two
# backends' numbers differ only by float rounding: the loss at
# initialisation agrees to 1e-5. Uses $ACTBENCH_OPENBLAS, $ACTBENCH_ONEDNN
# and $CHECK_SCHEMA (defaults under build/).
. "$(dirname "$0")/lib.sh"
OPENBLAS_BIN=${ACTBENCH_OPENBLAS:-$root/build/actbench}
ONEDNN_BIN=${ACTBENCH_ONEDNN:-$root/build/onednn/actbench}
CHECK_SCHEMA=${CHECK_SCHEMA:-$root/build/tools/check_schema}
for b in "$OPENBLAS_BIN" "$ONEDNN_BIN" "$CHECK_SCHEMA"; do
    if [ ! -x "$b" ]; then
        echo "FAIL $b is missing: make test builds it"
        exit 1
    fi
done
small=$here/cases/run/cli_small.yaml
threads=$here/cases/run/blas_threads.yaml
bg=
on_exit='if [ -n "$bg" ]; then kill "$bg" 2>/dev/null || true; fi'
cd "$tmp"
act() { # binary out-prefix args...: sets $status
    b=$1 p=$2
    shift 2
    status=0
    "$b" "$@" >"$p.out" 2>"$p.err" || status=$?
}
# a run file without its timing fields (cJSON prints one field per line)
untimed() { grep -Ev '^[[:space:]]*"(seconds|eval_seconds|train_seconds|examples_per_second)(_mean|_std|_n)?":' "$1"; }
blas_of() { sed -n 's/^		"blas":	"\(.*\)",$/\1/p' "$1"; }
# epochs[0].train_loss of a run file
loss0() { grep -m 1 '"train_loss":' "$1" | sed 's/.*:[[:space:]]*//; s/,$//'; }

# ---- run IDs: the same for both backends ----
act "$OPENBLAS_BIN" vo validate "$small"
act "$ONEDNN_BIN" vd validate "$small"
expect "validate with oneDNN: exit status" "$status" 0
if [ -s vo.out ] && cmp -s vo.out vd.out; then pass; else fail "validate differs between the backends:"; diff vo.out vd.out | head -n 6; fi

# ---- both backends run it; environment.blas names each ----
act "$OPENBLAS_BIN" ob run "$small" -j 2 -o ob
expect "OpenBLAS run exit status" "$status" 0
act "$ONEDNN_BIN" j1 run "$small" -j 1 -o j1
expect "oneDNN -j 1 exit status" "$status" 0
act "$ONEDNN_BIN" j2 run "$small" -j 2 -o j2
expect "oneDNN -j 2 exit status" "$status" 0
expect "run IDs do not depend on the backend" "$(ls j1/runs | tr '\n' ' ')" "$(ls ob/runs | tr '\n' ' ')"
expect "oneDNN run files" "$(ls j1/runs | wc -l | tr -d ' ')" 6
first=$(ls j1/runs | head -n 1)
case $(blas_of "ob/runs/$first") in
OpenBLAS\ [0-9]*.[0-9]*) pass ;;
*) fail "OpenBLAS environment.blas: '$(blas_of "ob/runs/$first")'" ;;
esac
case $(blas_of "j1/runs/$first") in
oneDNN\ [0-9]*.[0-9]*) pass ;;
*) fail "oneDNN environment.blas: '$(blas_of "j1/runs/$first")'" ;;
esac
if "$CHECK_SCHEMA" "$root/docs/results.md" j2/runs/*.json j2/summary.json j2/experiment.json >schema.out 2>&1; then
    pass
else
    fail "oneDNN result files do not match docs/results.md:"
    head -n 20 schema.out
fi

# ---- oneDNN: -j 1 and -j 2 bit-identical ----
for f in j1/runs/*.json; do
    id=$(basename "$f")
    untimed "$f" >a.json
    untimed "j2/runs/$id" >b.json 2>/dev/null || true
    if cmp -s a.json b.json; then pass; else fail "oneDNN: $id differs between -j 1 and -j 2:"; diff a.json b.json | head -n 6; fi
done

# ---- across backends: float rounding only (the loss before training) ----
for f in j1/runs/*.json; do
    id=$(basename "$f")
    a=$(loss0 "$f")
    b=$(loss0 "ob/runs/$id")
    if awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-5 * (a < 0 ? -a : a)) }'; then
        pass
    else
        fail "$id: epoch-0 train_loss oneDNN $a vs OpenBLAS $b (more than float rounding)"
    fi
done

# ---- threads: sampled from /proc while a sweep runs ----
max_threads() { # file: the largest "Threads:" of the pids in it
    awk 'BEGIN { m = 0 } $1 > m { m = $1 } END { print m }' "$1"
}
# the threads of process $1 but its checkpoint writer's (a thread that
# writes a file at the end of an epoch, src/run/checkpoint.c)
compute_threads() {
    n=0
    for c in /proc/"$1"/task/*/comm; do
        name=$(cat "$c" 2>/dev/null) || continue # a thread that has just ended
        [ "$name" = ckpt-writer ] || n=$((n + 1))
    done
    echo "$n"
}
watch() { # prefix args...: runs oneDNN actbench in the background; samples the parent's
    # threads into PREFIX.parent, its workers' into PREFIX.workers, every 0.05 s
    p=$1
    shift
    : >"$p.parent"
    : >"$p.workers"
    status=0
    "$ONEDNN_BIN" run "$threads" -q "$@" >"$p.out" 2>"$p.err" &
    bg=$!
    while kill -0 "$bg" 2>/dev/null; do
        awk '/^Threads:/ { print $2 }' /proc/"$bg"/status >>"$p.parent" 2>/dev/null || true
        for w in $(ps -o pid= --ppid "$bg" 2>/dev/null); do
            compute_threads "$w" >>"$p.workers"
        done
        sleep 0.05
    done
    wait "$bg" || status=$?
    bg=
}
watch one -j 2 -o one
expect "-j 2, blas_threads 1: exit status" "$status" 0
if [ -s one.workers ]; then pass; else fail "-j 2, blas_threads 1: no worker was seen"; fi
expect "-j 2, blas_threads 1: most threads of a worker" "$(max_threads one.workers)" 1
expect "-j 2: most threads of the parent" "$(max_threads one.parent)" 1
# two threads each (2 epochs: four threads on a 2-core machine spin in OpenMP
# barriers): they must show, and the forked workers must not hang
watch two -j 2 -o two --set train.blas_threads=2 --set train.epochs=2
expect "-j 2, blas_threads 2: exit status" "$status" 0
expect "-j 2, blas_threads 2: most threads of a worker" "$(max_threads two.workers)" 2
expect "-j 2, blas_threads 2: most threads of the parent" "$(max_threads two.parent)" 1
expect "-j 2, blas_threads 2: ok runs" "$(grep -l '"status":	"ok"' two/runs/*.json | wc -l | tr -d ' ')" 2

finish "blas backends"
