#!/bin/sh
# source-id.sh: prints what identifies the source actbench is built from,
# for the build to record (actbench --version, every run file's
# environment.source). In a git checkout: the abbreviated commit that last
# changed src/ or the Makefile (so commits of results or docs leave it as
# it is), with "-dirty" when src/ or the Makefile differ from that commit
# (changed, staged or untracked files). Outside git (a copy or an
# archive): "src-" and the first 16 hex digits of the SHA-256 of every
# file of src/ and the Makefile, their paths and contents, in C-locale
# order of path.
#
# usage: scripts/source-id.sh [DIR]   (DIR: the repository, default: this one)
set -eu
LC_ALL=C
export LC_ALL
case ${1:-} in
-h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
cd "${1:-$(dirname "$0")/..}"
commit=
if command -v git > /dev/null 2>&1 && git rev-parse --is-inside-work-tree > /dev/null 2>&1 &&
    [ "$(git rev-parse --show-toplevel)" = "$(pwd -P)" ]; then
    commit=$(git log -1 --format=%h --abbrev=12 -- src Makefile 2> /dev/null || true)
fi
if [ -n "$commit" ]; then
    dirty=
    git diff --quiet HEAD -- src Makefile 2> /dev/null || dirty=-dirty
    [ -z "$(git ls-files --others --exclude-standard -- src Makefile)" ] || dirty=-dirty
    echo "$commit$dirty"
else
    [ -d src ] && [ -f Makefile ] || { echo "source-id.sh: $(pwd): no src/ and Makefile" >&2; exit 2; }
    hash=$(find src Makefile -type f | sort | while IFS= read -r f; do
        printf '%s\n' "$f"
        sha256sum < "$f"
    done | sha256sum | cut -c1-16)
    echo "src-$hash"
fi
