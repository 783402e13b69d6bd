#!/bin/sh
# sweep_alpha.sh: an example of sweeping from the shell. Trains leaky ReLU
# once per slope alpha, each alpha into its own result directory
# OUTDIR/alpha_<a>, then runs 'actbench report' across those directories.
# It owns no training or reporting logic: everything is 'actbench run' and
# 'actbench report'. (A sweep inside one experiment is simpler:
# 'actbench run CONFIG --set model.alpha=[0,0.1,0.2]'.)
set -euf  # -f: no globbing (overrides hold [ ])

usage() {
    cat <<'EOF'
usage: scripts/sweep_alpha.sh [-j N] [-o OUTDIR] [--set KEY=VALUE]... [-q] [CONFIG] [ALPHA...]

Train leaky ReLU once per slope ALPHA, each into OUTDIR/alpha_<ALPHA>:

  actbench run CONFIG --set variants=[] --set model.activation=leaky_relu \
      --set model.alpha=ALPHA --set name=alpha_ALPHA [--set ...] \
      -o OUTDIR/alpha_ALPHA --resume

then 'actbench report' over those directories. Finished runs are kept
(--resume), so the script can be interrupted and started again.

  CONFIG        experiment file (default: configs/alpha_sweep.yaml if it
                exists, else configs/quick.yaml); its variants are dropped
  ALPHA...      slopes (default: 0 0.01 0.05 0.1 0.2 0.3 0.5)
  -j N          worker processes of each 'actbench run' (default: its own)
  -o OUTDIR     parent result directory (default: runs/sweep_alpha)
  --set K=V     extra override passed to every run, e.g. --set train.epochs=2
                (repeatable; --set=K=V also works)
  -q            no progress from 'actbench run'
  -h, --help    show this help

environment: ACTBENCH  the actbench binary (default: the repository's ./actbench)

exit status: 0 every run finished and the report ran; 1 some run failed
(the other alphas still run); 2 usage or configuration error; otherwise the
status of the failing 'actbench' command.
EOF
}

die_usage() {
    echo "sweep_alpha.sh: $*" >&2
    echo "(see 'scripts/sweep_alpha.sh --help')" >&2
    exit 2
}

root=$(cd "$(dirname "$0")/.." && pwd)
ACTBENCH=${ACTBENCH:-$root/actbench}
outdir=runs/sweep_alpha
jobs=""
quiet=""
config=""
alphas=""
# extra --set arguments, kept as one newline-separated list (values may
# contain spaces, e.g. 'model.hidden=[100, 100]', but not newlines)
sets=""
nl='
'
old_ifs=$IFS

while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage; exit 0 ;;
    -j | --jobs)
        [ $# -ge 2 ] || die_usage "$1 needs a number"
        jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    -o | --output)
        if [ $# -lt 2 ] || [ -z "$2" ]; then die_usage "$1 needs a directory"; fi
        outdir=$2; shift 2 ;;
    --set)
        [ $# -ge 2 ] || die_usage "--set needs KEY=VALUE"
        sets="$sets$2$nl"; shift 2 ;;
    --set=*) sets="$sets${1#--set=}$nl"; shift ;;
    -q | --quiet) quiet=-q; shift ;;
    --) shift; break ;;
    -?*) die_usage "unknown option '$1'" ;;
    *) break ;;
    esac
done

case $jobs in
'') ;;
*[!0-9]* | 0*) die_usage "-j needs a whole number >= 1, got '$jobs'" ;;
esac

# The first operand is CONFIG unless it looks like a number.
if [ $# -gt 0 ]; then
    case $1 in
    *[!0-9.eE+-]*) config=$1; shift ;;
    esac
fi
if [ -z "$config" ]; then
    if [ -f "$root/configs/alpha_sweep.yaml" ]; then
        config=$root/configs/alpha_sweep.yaml
    else
        config=$root/configs/quick.yaml
    fi
fi
[ -f "$config" ] || die_usage "$config: no such config file"
[ -x "$ACTBENCH" ] || die_usage "$ACTBENCH: not found or not executable (run 'make', or set ACTBENCH)"

[ $# -gt 0 ] || set -- 0 0.01 0.05 0.1 0.2 0.3 0.5
for a in "$@"; do
    # a number actbench can read, and a valid experiment name as alpha_<a>
    case $a in
    '' | *[!0-9.eE-]* | *[!0-9]) die_usage "ALPHA must be a number >= 0, got '$a'" ;;
    esac
    case " $alphas " in
    *" $a "*) die_usage "ALPHA $a given twice" ;;
    esac
    alphas="$alphas $a"
done

status=0
dirs=""
for a in $alphas; do
    dir=$outdir/alpha_$a
    # Rebuild the argument list: fixed options, then the extra --set lines.
    set -- run "$config" --set 'variants=[]' --set model.activation=leaky_relu \
        --set "model.alpha=$a" --set "name=alpha_$a"
    IFS=$nl
    for s in $sets; do
        set -- "$@" --set "$s"
    done
    IFS=$old_ifs
    [ -z "$jobs" ] || set -- "$@" -j "$jobs"
    [ -z "$quiet" ] || set -- "$@" "$quiet"
    set -- "$@" -o "$dir" --resume
    echo "sweep_alpha.sh: alpha=$a -> $dir" >&2
    rc=0
    "$ACTBENCH" "$@" >&2 || rc=$?
    case $rc in
    0) dirs="$dirs$dir$nl" ;;
    1)
        echo "sweep_alpha.sh: alpha=$a: some runs failed (see $dir/runs); going on" >&2
        dirs="$dirs$dir$nl"
        status=1 ;;
    *)
        echo "sweep_alpha.sh: alpha=$a: 'actbench run' exited with status $rc; stopping" >&2
        exit "$rc" ;;
    esac
done

# The directories of this sweep only (not every OUTDIR/alpha_*, which may
# hold an earlier sweep with other settings).
set -- report
IFS=$nl
for d in $dirs; do
    set -- "$@" "$d"
done
IFS=$old_ifs
"$ACTBENCH" "$@" || {
    rc=$?
    echo "sweep_alpha.sh: 'actbench report' exited with status $rc" >&2
    exit "$rc"
}
exit "$status"
