#!/bin/sh
# memory.sh: the whole process tree's memory (proportional set size, summed
# over the actbench parent and its workers) during a Fashion-MNIST sweep, for
# -j 1 and -j 2. The data set is loaded once in the parent and shared with
# the workers copy-on-write, so a second worker should add far less than the
# data set's own size (about 220 MB as floats, and 47 MB of training pixels
# as bytes, which the trainer gathers its batches from). Run by `make bench`.
set -eu
ACTBENCH=${ACTBENCH:-./actbench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/mem.yaml" <<'YAML'
name: mem
data: {dataset: fashion-mnist}
model: {hidden: [300, 100], activation: relu}
train: {optimizer: sgd, learning_rate: 0.01, batch_size: 128, epochs: 2}
seeds: [1, 2, 3, 4]
YAML
pss_tree() { # sum of Pss (kB) of $1 and its children
    total=0
    for p in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
        v=$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
for j in 1 2; do
    "$ACTBENCH" run "$tmp/mem.yaml" -o "$tmp/out$j" -j "$j" -q > /dev/null &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
        n=$(ps -o pid= --ppid "$pid" | wc -l)
        if [ "$n" -ge "$j" ]; then
            v=$(pss_tree "$pid")
            [ "$v" -gt "$peak" ] && peak=$v
        fi
        sleep 0.2
    done
    wait "$pid"
    echo "memory: -j $j: peak summed PSS $((peak / 1024)) MiB"
    eval "peak$j=$peak"
done
echo "memory: the second worker adds $(((peak2 - peak1) / 1024)) MiB (the data set is 210 MiB as floats, and 45 MiB of training pixels as bytes)"
