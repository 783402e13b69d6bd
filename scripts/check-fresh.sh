#!/bin/sh
# check-fresh.sh: the README's set-up tried as a new user would, on a fresh
# minimal Debian 12 (debootstrap --variant=minbase bookworm, what a container
# image holds) with only a clone of this repository, as root. Builds that
# root in DIR (default: a new directory under /var/tmp, removed at the end
# unless --keep), clones the repository into /root/actbench inside it, and
# runs there, in a chroot with /proc, /dev and /dev/pts mounted (unmounted
# on exit), the README's commands one after the other:
#   sh scripts/install-deps.sh   (the prerequisite: a minimal Debian has no make)
#   make run                     (the default experiment, configs/first.yaml)
#   make run-quick               (configs/quick.yaml, committed as results/quick)
#   make test
# then prints each one's exit status and time, and whether make run-quick
# reproduced results/quick (the two reports are identical). Each command's
# output is in DIR/root/check-fresh-N.log. Exits 0 when every command
# succeeded. Not part of make test: it downloads about 400 MB of packages
# from the Debian mirror apt is configured with (or MIRROR).
#
# usage: scripts/check-fresh.sh [--keep] [--mirror URL] [DIR]
set -eu
LC_ALL=C
export LC_ALL
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=0 mirror= target=
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --keep) keep=1 ;;
    --mirror) [ $# -ge 2 ] || { echo "check-fresh.sh: --mirror needs a URL" >&2; exit 2; }
        mirror=$2; shift ;;
    -*) echo "check-fresh.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) target=$1 ;;
    esac
    shift
done
if [ "$(id -u)" != 0 ]; then
    echo "check-fresh.sh: needs root (debootstrap, chroot, mount)" >&2
    exit 2
fi

# The Debian mirror of apt's own sources (one-line or deb822 format).
apt_mirror() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            /^deb / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($(i + 1) == "bookworm") { print $i; exit } break } }
            /^URIs:/ { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uri != "") { print uri; exit } }
            /^$/ { uri = "" }
        ' "$f"
    done | head -n 1
}
[ -n "$mirror" ] || mirror=$(apt_mirror)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

if ! command -v debootstrap >/dev/null 2>&1; then
    echo "check-fresh.sh: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2 ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
fi

if [ -z "$target" ]; then
    target=$(mktemp -d /var/tmp/actbench-fresh.XXXXXX)
elif [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then
    echo "check-fresh.sh: $target is not empty" >&2
    exit 2
fi
mkdir -p "$target"
target=$(cd "$target" && pwd)

mounted() { grep -q " $target/$1 " /proc/mounts; }
cleanup() {
    for m in dev/pts dev proc; do
        if mounted "$m"; then umount "$target/$m" || umount -l "$target/$m" || true; fi
    done
    if [ "$keep" = 0 ]; then
        if grep -q " $target/" /proc/mounts; then
            echo "check-fresh.sh: something is still mounted under $target; not removing it" >&2
        else
            rm -rf "$target"
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s; }
took() { # seconds -> "M min S s"
    echo "$(($1 / 60)) min $(($1 % 60)) s"
}
report=
say() { report="$report$1
"; echo "check-fresh: $1"; }

t0=$(now)
echo "check-fresh: debootstrap --variant=minbase bookworm $target $mirror" >&2
if ! debootstrap --variant=minbase bookworm "$target" "$mirror" >"$target.debootstrap.log" 2>&1; then
    tail -n 20 "$target.debootstrap.log" >&2
    rm -f "$target.debootstrap.log"
    echo "check-fresh.sh: debootstrap failed" >&2
    exit 1
fi
rm -f "$target.debootstrap.log"
say "debootstrap --variant=minbase bookworm ($mirror): ok in $(took $(($(now) - t0)))"

# Only a clone of the repository (its committed HEAD), as a user has it.
git clone --quiet "$repo" "$target/root/actbench"
say "repository: $(git -C "$target/root/actbench" log -1 --format='%h %s' | cut -c 1-72)"
cp /etc/resolv.conf "$target/etc/resolv.conf"
mount -t proc proc "$target/proc"
mount --bind /dev "$target/dev"
mount --bind /dev/pts "$target/dev/pts"

status=0 n=0
step() { # command line, run in /root/actbench inside the chroot
    n=$((n + 1))
    log=$target/root/check-fresh-$n.log
    t=$(now) rc=0
    chroot "$target" /usr/bin/env -i HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        ${OPENBLAS_CORETYPE:+OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE} \
        sh -c "cd /root/actbench && $1" >"$log" 2>&1 </dev/null || rc=$?
    if [ "$rc" = 0 ]; then result=ok; else result="FAILED (exit $rc)"; status=1; fi
    say "$1: $result in $(took $(($(now) - t))); last line: $(tail -n 1 "$log")"
    [ "$rc" = 0 ] || sed 's/^/    /' "$log" | tail -n 30
}
step "sh scripts/install-deps.sh"
step "make run"
step "make run-quick"
if [ -x "$target/root/actbench/actbench" ]; then
    same=$(chroot "$target" /usr/bin/env -i PATH=/usr/bin:/bin sh -c \
        'cd /root/actbench && ./actbench report build/results/quick >/tmp/a 2>&1 &&
         ./actbench report results/quick >/tmp/b 2>&1 && cmp -s /tmp/a /tmp/b && echo yes || echo no')
    # the BLAS kernel decides the float rounding: name both when they differ
    core() { sed -n 's/.*"blas":.*(core \([^)]*\)).*/\1/p' "$1"/runs/*.json 2>/dev/null | head -n 1; }
    here=$(core "$target/root/actbench/build/results/quick") there=$(core "$target/root/actbench/results/quick")
    [ "$here" = "$there" ] || same="$same (OpenBLAS core ${here:-?} here, ${there:-?} in results/quick)"
    say "make run-quick reproduces results/quick (identical reports): $same"
    case $same in yes*) ;; *) status=1 ;; esac
fi
step "make test"
say "total: $(took $(($(now) - t0)))"
[ "$keep" = 0 ] || echo "check-fresh: kept $target (logs in $target/root/check-fresh-*.log)"
exit "$status"
