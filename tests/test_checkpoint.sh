#!/bin/sh
# test_checkpoint.sh: checkpoints and --resume. Two experiments train to
# reference run files without interruption: an MLP (rrelu, prelu, dropout,
# data.subset random, warm-up, probe.every_steps; sgd, momentum, nesterov
# and adam with a cosine schedule) and a small CNN on IDX images (rrelu,
# augmentation, dropout; adam with constant, step and exponential
# schedules). Each is then interrupted and resumed, and every run file must
# equal its reference, timing fields aside: SIGTERM to 'actbench run' (exit
# 75, checkpoints left, named on stderr, summarize shows each run's
# epoch); kill -9 of a worker mid-epoch, right after a checkpoint and
# during a checkpoint write (its temporary file is a FIFO that a reader
# stops draining); kill -9 of the parent alone (its workers are gone a
# second later; a third experiment, an MLP of a few seconds a run). A
# damaged checkpoint of each kind (truncated, wrong checksum, another
# run's, another build's, another format's, not a checkpoint) is named on
# stderr and its run starts from epoch 0. checkpoint_every: 0 writes none.
. "$(dirname "$0")/lib.sh"
MAKE_IDX=${MAKE_IDX:-$root/build/tools/make_idx}
if [ ! -x "$MAKE_IDX" ]; then
    echo "FAIL $MAKE_IDX is missing: run 'make tools' (make test builds it)"
    exit 1
fi
bgs=
on_exit='for p in $bgs; do kill "$p" 2>/dev/null || true; done'
cd "$tmp"
mkdir img
"$MAKE_IDX" img 600 100 1 12 12 || { fail "make_idx"; finish "checkpoint"; }

cat >mlp.yaml <<'EOF'
name: ck_mlp
data: {dataset: spirals, n_train: 3000, n_test: 200, validation: 200, train_limit: 2000, subset: random}
model: {layers: [{dense: 48}, {dropout: 0.2}, {dense: 48}], activation: [rrelu, prelu]}
train: {optimizer: [sgd, momentum, nesterov, adam], learning_rate: 0.01, batch_size: 32, epochs: 25,
        schedule: cosine, warmup_steps: 30}
probe: {every_steps: 7}
seeds: [1]
EOF
# long enough (a few seconds a run) that the workers are still training a second after their parent died
cat >long.yaml <<'EOF'
name: ck_long
data: {dataset: spirals, n_train: 6000, n_test: 200, validation: 200}
model: {layers: [{dense: 128}, {dropout: 0.1}, {dense: 128}], activation: rrelu}
train: {optimizer: nesterov, learning_rate: 0.01, batch_size: 32, epochs: 30, schedule: exponential}
seeds: [1, 2]
EOF
cat >cnn.yaml <<'EOF'
name: ck_cnn
data: {dataset: idx, path: img, validation: 100, augment: {flip: true, crop: 1}}
model:
  activation: rrelu
  layers:
    - {conv: 4, kernel: 3, padding: same}
    - {pool: max, size: 2}
    - {conv: 6, kernel: 3}
    - {dropout: 0.25}
    - {dense: 12}
train: {optimizer: adam, learning_rate: 0.005, batch_size: 16, epochs: 30,
        schedule: [constant, step, exponential], step_size: 5}
seeds: [1]
EOF

# 0 when pid is a live process (a zombie is not)
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }
have_ckpt() { ls "$1"/checkpoints/*.ckpt >/dev/null 2>&1; }
# every run file of dir ref in dir got, timings aside
same_runs() { # name ref got
    n=0
    for f in "$2"/runs/*.json; do
        b=$(basename "$f")
        n=$((n + 1))
        if [ ! -f "$3/runs/$b" ]; then
            fail "$1: $3/runs/$b is missing"
            continue
        fi
        untimed "$f" >ref.untimed
        untimed "$3/runs/$b" >got.untimed
        if cmp -s ref.untimed got.untimed; then
            pass
        else
            fail "$1: $b differs from the uninterrupted run: $(diff ref.untimed got.untimed | head -n 6)"
        fi
    done
    [ "$n" -gt 0 ] || fail "$1: no reference run files"
}
no_tmp() { # name dir: no temporary file left
    left=$(find "$2" -name '*.tmp' 2>/dev/null | head -n 3)
    if [ -z "$left" ]; then pass; else fail "$1: temporary files left: $left"; fi
}
resume_ok() { # name config dir
    act "$3.resume" run "$2" -o "$3" -j 2 --resume
    expect "$1: --resume exit status" "$status" 0
    same_runs "$1" "ref_$(basename "$2" .yaml)" "$3"
    if have_ckpt "$3"; then fail "$1: checkpoints left after the runs finished: $(ls "$3/checkpoints")"; else pass; fi
    no_tmp "$1" "$3"
}

# ---- references, uninterrupted ----
for x in mlp cnn long; do
    act "ref_$x" run "$x.yaml" -o "ref_$x" -j 2
    expect "reference $x: exit status" "$status" 0
    if [ -e "ref_$x/checkpoints" ]; then fail "reference $x: checkpoints/ left behind"; else pass; fi
done

# ---- SIGTERM to actbench run: exit 75, checkpoints, resume ----
for x in mlp cnn; do
    "$ACTBENCH" run "$x.yaml" -o "term_$x" -j 2 >"term_$x.out" 2>"term_$x.err" &
    bg=$!
    bgs="$bgs $bg"
    wait_for 60 have_ckpt "term_$x" || fail "SIGTERM $x: no checkpoint appeared"
    sleep 0.1
    kill -TERM "$bg"
    status=0
    wait "$bg" || status=$?
    expect "SIGTERM $x: exit status" "$status" 75
    if have_ckpt "term_$x"; then pass; else fail "SIGTERM $x: no checkpoint left"; fi
    expect_grep "SIGTERM $x: stderr says where each run got" ", checkpointed" "term_$x.err"
    if ls "term_$x"/runs/*.json >/dev/null 2>&1 && [ "$(ls "term_$x"/runs/*.json | wc -l)" -ge "$(ls "ref_$x"/runs/*.json | wc -l)" ]; then
        fail "SIGTERM $x: every run finished before the signal (the test is too short to tell)"
    else
        pass
    fi
    no_tmp "SIGTERM $x" "term_$x"
    cp -r "term_$x" "stopped_$x" # kept for the damage checks
    # summarize: each unfinished run with the epoch of its checkpoint
    act "sum_$x" summarize "stopped_$x"
    expect "SIGTERM $x: summarize exit status (runs unfinished)" "$status" 1
    n_ckpt=$(ls "stopped_$x"/checkpoints/*.ckpt | wc -l | tr -d ' ')
    expect "SIGTERM $x: summarize shows each checkpointed run's epoch" \
        "$(grep -Ec '^missing	[0-9a-f]{16}	.*	epoch [0-9]+/[0-9]+, checkpointed$' "sum_$x.out")" "$n_ckpt"
    resume_ok "SIGTERM $x" "$x.yaml" "term_$x"
    expect_grep "SIGTERM $x: resumed runs say so" "resumed from its checkpoint" "term_$x.resume.err"
done

# ---- kill -9 of a worker: mid-epoch, right after a checkpoint ----
kill_worker() { # name config dir when
    "$ACTBENCH" run "$2" -o "$3" -j 1 >"$3.out" 2>"$3.err" &
    bg=$!
    bgs="$bgs $bg"
    wait_for 60 have_ckpt "$3" || fail "$1: no checkpoint appeared"
    if [ "$4" = after ]; then
        # the next checkpoint: its mtime changes
        f=$(ls "$3"/checkpoints/*.ckpt | head -n 1)
        m0=$(stat -c %Y.%y "$f" 2>/dev/null)
        changed() { [ "$(stat -c %Y.%y "$f" 2>/dev/null)" != "$m0" ]; }
        wait_for 30 changed || fail "$1: no second checkpoint"
    else
        sleep 0.23
    fi
    # the worker training now (a run that ended meanwhile has no worker left:
    # take the next run's), while the parent still runs
    killed=
    i=0
    while [ -z "$killed" ] && [ $i -lt 200 ] && kill -0 "$bg" 2>/dev/null; do
        w=$(workers_of "$bg" | head -n 1)
        if [ -n "$w" ] && kill -KILL "$w" 2>/dev/null; then killed=$w; else sleep 0.02; fi
        i=$((i + 1))
    done
    if [ -n "$killed" ]; then pass; else fail "$1: no worker to kill"; fi
    status=0
    wait "$bg" || status=$?
    expect "$1: exit status (a run failed)" "$status" 1
    resume_ok "$1" "$2" "$3"
}
kill_worker "kill -9 worker mid-epoch (mlp)" mlp.yaml kmid_mlp mid
kill_worker "kill -9 worker mid-epoch (cnn)" cnn.yaml kmid_cnn mid
kill_worker "kill -9 worker after a checkpoint (mlp)" mlp.yaml kafter_mlp after

# ---- kill -9 of a worker during a checkpoint write ----
# The worker's temporary file is made a FIFO whose reader takes 1000 bytes
# and then holds it open without reading: the worker blocks in the middle
# of writing its checkpoint (more than a pipe's 64 KiB), and is killed there.
host=$(hostname)
for x in mlp cnn; do
    name="kill -9 worker during a checkpoint write ($x)"
    d=kwrite_$x
    "$ACTBENCH" run "$x.yaml" -o "$d" -j 1 >"$d.out" 2>"$d.err" &
    bg=$!
    bgs="$bgs $bg"
    wait_for 60 have_ckpt "$d" || fail "$name: no checkpoint appeared"
    w=$(workers_of "$bg" | head -n 1)
    id=$(ls "$d"/checkpoints/*.ckpt | head -n 1 | sed 's|.*/||; s|\.ckpt$||')
    fifo="$d/checkpoints/.$id.ckpt.$host.$w.tmp"
    # (retried: the worker may be writing a checkpoint through that name right now)
    wait_for 10 mkfifo "$fifo" 2>/dev/null || fail "$name: mkfifo $fifo"
    { dd bs=1000 count=1 of="$d.got" 2>/dev/null; sleep 60; } <"$fifo" &
    reader=$!
    bgs="$bgs $reader"
    got() { [ -f "$d.got" ] && [ "$(wc -c <"$d.got")" -ge 1000 ]; }
    if wait_for 60 got; then pass; else fail "$name: the worker never wrote into its temporary file"; fi
    if alive "$w" && kill -KILL "$w"; then pass; else fail "$name: the worker ended before it was killed"; fi
    status=0
    wait "$bg" || status=$?
    kill "$reader" 2>/dev/null || true
    expect "$name: exit status (a run failed)" "$status" 1
    if [ -e "$fifo" ]; then fail "$name: the temporary file was left"; else pass; fi
    resume_ok "$name" "$x.yaml" "$d"
done

# ---- kill -9 of the parent alone: its workers stop within a second ----
"$ACTBENCH" run long.yaml -o kparent -j 2 >kparent.out 2>kparent.err &
bg=$!
bgs="$bgs $bg"
wait_for 60 have_ckpt kparent || fail "kill -9 parent: no checkpoint appeared"
ws=$(workers_of "$bg")
[ -n "$ws" ] || fail "kill -9 parent: no worker"
kill -KILL "$bg"
wait "$bg" 2>/dev/null || true
sleep 1
for w in $ws; do
    if alive "$w"; then fail "kill -9 parent: worker $w still running a second later"; kill -KILL "$w"; else pass; fi
done
if have_ckpt kparent; then pass; else fail "kill -9 parent: the workers left no checkpoint"; fi
resume_ok "kill -9 parent" long.yaml kparent

# ---- damaged checkpoints: named on stderr, ignored, the run redone ----
ids=$(ls stopped_cnn/checkpoints | sed -n 's/\.ckpt$//p')
first=$(echo "$ids" | head -n 1)
second=$(echo "$ids" | sed -n 2p)
damage() { # kind expected-message command-on-FILE...
    kind=$1
    what=$2
    shift 2
    d=dmg_$(echo "$kind" | tr -c 'a-z0-9\n' '_')
    rm -rf "$d"
    cp -r stopped_cnn "$d"
    f=$d/checkpoints/$first.ckpt
    "$@" "$f"
    act "$d" run cnn.yaml -o "$d" -j 2 --resume
    expect "damaged ($kind): exit status" "$status" 0
    expect_grep "damaged ($kind): stderr names the file" "checkpoint $d/checkpoints/$first.ckpt: " "$d.err"
    expect_grep "damaged ($kind): stderr says what is wrong" "$what" "$d.err"
    expect_grep "damaged ($kind): the run starts again" "ignored, the run starts from epoch 0" "$d.err"
    same_runs "damaged ($kind)" ref_cnn "$d"
}
truncate_half() { n=$(wc -c <"$1"); head -c $((n / 2)) "$1" >"$1.cut" && mv "$1.cut" "$1"; }
flip_byte() { # a byte in the middle of the payload
    n=$(wc -c <"$1")
    printf '\377' | dd of="$1" bs=1 seek=$((n / 2)) conv=notrunc 2>/dev/null
}
other_run() { cp "$(dirname "$1")/$second.ckpt" "$1"; }
not_checkpoint() { printf '{"epoch": 3}\n' >"$1"; }
damage truncated "truncated or extended" truncate_half
damage checksum "wrong checksum" flip_byte
damage "another run's" "a checkpoint of run $second" other_run
damage "not a checkpoint" "not a checkpoint" not_checkpoint
if command -v python3 >/dev/null 2>&1; then
    # a sound file (checksum recomputed) with another identity or format
    patch() { # file offset-or-'identity' value
        python3 - "$@" <<'EOF'
import struct, sys, zlib
path, where, value = sys.argv[1], sys.argv[2], sys.argv[3]
b = bytearray(open(path, 'rb').read())
if where == 'identity':
    n = struct.unpack_from('<I', b, 40)[0]
    ident = bytes(b[44:44 + n]).replace(b'actbench ', b'actbench ' + value.encode() + b'-', 1)
    b = b[:40] + struct.pack('<I', len(ident)) + ident + b[44 + n:]
    struct.pack_into('<Q', b, 20, len(b))
else:
    struct.pack_into('<I', b, int(where), int(value))
struct.pack_into('<I', b, 16, zlib.crc32(bytes(b[20:])) & 0xffffffff)
open(path, 'wb').write(b)
EOF
    }
    other_build() { patch "$1" identity 9.9.9; }
    other_format() { patch "$1" 8 2; }
    damage "another build's" "written by another build (actbench 9.9.9-" other_build
    damage "another format's" "format version 2, this actbench reads 1" other_format
else
    skip "damaged checkpoints of another build or format" "python3 is missing (it rewrites the checksum)"
fi

# ---- checkpoint_every: 0 writes none; SIGTERM still exits 75 ----
"$ACTBENCH" run mlp.yaml --set train.checkpoint_every=0 -o off -j 2 >off.out 2>off.err &
bg=$!
bgs="$bgs $bg"
wait_for 60 have_worker "$bg" || true
sleep 0.5
kill -TERM "$bg"
status=0
wait "$bg" || status=$?
expect "checkpoint_every 0, SIGTERM: exit status" "$status" 75
if [ -e off/checkpoints ]; then fail "checkpoint_every 0: checkpoints/ written: $(ls off/checkpoints)"; else pass; fi

finish "checkpoint"
