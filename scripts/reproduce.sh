#!/bin/sh
# reproduce.sh: runs the experiments whose results are committed under
# results/ (by default every experiment of configs/ on Fashion-MNIST: the
# MLP ones, then the CNN ones; cifar10_nin needs CIFAR-10), then writes
# beside each summary.json the comparison (report.txt, report.csv,
# report.json) and the figures (figures/*.png). Finished runs are kept
# (--resume), so it can be stopped and started again.
# Two experiments share runs with another instead of running them again,
# and are reported pooled with it (actbench report DIR1 DIR2 reads each run
# ID once): cnn_leak with cnn_converged (ReLU and leaky ReLU at 0.01 and
# 1/5.5), cnn_size with cnn_overfit (ReLU and PReLU at 5,000 examples).
#
# usage: scripts/reproduce.sh [-j N] [EXPERIMENT...]
set -eu
cd "$(dirname "$0")/.."
ACTBENCH=${ACTBENCH:-./actbench}
jobs=
case ${1:-} in
-h | --help)
    sed -n '2,/^# usage/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
-j)
    [ $# -ge 2 ] || { echo "reproduce.sh: -j needs a number" >&2; exit 2; }
    jobs="-j $2"
    shift 2
    ;;
esac
[ $# -gt 0 ] || set -- first quick paper dying_relu dying_relu_grid alpha_sweep small_data init_schemes deep \
    cnn_quick cnn_torch_check cnn_paper cnn_small_data cnn_dying cnn_dying_grid \
    cnn_converged cnn_leak cnn_overfit cnn_size cnn_augment
status=0
for name in "$@"; do
    [ -f "configs/$name.yaml" ] || { echo "reproduce.sh: configs/$name.yaml: no such experiment" >&2; exit 2; }
    # shellcheck disable=SC2086
    # the committed results: written here only, with an explicit -o (run's
    # default, runs/<name>, is git-ignored)
    dir=results/$name
    "$ACTBENCH" run "configs/$name.yaml" $jobs -o "$dir" --resume > /dev/null || status=$?
    case $name in
    cnn_leak) pool="results/cnn_converged $dir" ;;
    cnn_size) pool="results/cnn_overfit $dir" ;;
    *) pool=$dir ;;
    esac
    # shellcheck disable=SC2086
    "$ACTBENCH" report $pool > "$dir/report.txt"
    # shellcheck disable=SC2086
    "$ACTBENCH" report $pool --csv > "$dir/report.csv"
    # shellcheck disable=SC2086
    "$ACTBENCH" report $pool --json > "$dir/report.json"
    /usr/bin/python3 scripts/plot_results.py "$dir" -o "$dir/figures" > /dev/null
    echo "$dir: report.txt report.csv report.json figures/"
done
exit "$status"
