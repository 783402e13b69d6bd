#!/bin/sh
# Installs the Debian packages actbench needs, when they are missing.
# Run as root on Debian (make does it for you when a pkg-config check fails).
#   sh scripts/install-deps.sh           the build, the data and the tests
#   sh scripts/install-deps.sh slurm     also Slurm and munge, for make test-slurm
#   sh scripts/install-deps.sh fuzz      also clang and libFuzzer, for make fuzz
#   sh scripts/install-deps.sh torch     also PyTorch, for the checks against it
#                                        (scripts/torch_*.py, tests/test_torch.sh)
# Optional groups are installed only when named: plain make never installs them.
# On a machine without make (a minimal Debian), run it once by hand first.
set -eu
# build: compiler, BLAS (OpenBLAS; oneDNN for make BLAS=onednn), YAML, JSON, gzip; data: Fashion-MNIST;
# scripts and their tests: python3 with matplotlib (plots);
# tests: procps (ps, for the run command's kill and interrupt tests)
PKGS="gcc make libopenblas-dev libdnnl-dev libyaml-dev libcjson-dev zlib1g-dev pkg-config dataset-fashion-mnist python3-matplotlib procps"
for group in "$@"; do
    case $group in
    # a single-node Slurm (controller, node daemon, sbatch) and its authentication
    slurm) PKGS="$PKGS slurm-wlm slurmctld slurmd slurm-client munge" ;;
    # clang with its sanitizer and libFuzzer runtimes
    fuzz) PKGS="$PKGS clang libclang-rt-dev" ;;
    # PyTorch for /usr/bin/python3: the lock-step and distribution checks
    torch) PKGS="$PKGS python3-torch" ;;
    *) echo "install-deps: unknown group '$group' (known: slurm, fuzz, torch)" >&2; exit 2 ;;
    esac
done
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: not root; run as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
