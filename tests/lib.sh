# lib.sh: sourced by every tests/test_*.sh. Sets -eu and LC_ALL=C, makes
# $ACTBENCH (default ./actbench) absolute, sets $here (tests/) and $root
# (the repository), makes a temporary directory $tmp removed on exit (a
# script may set $on_exit to a command run first), and keeps the tally:
#   pass                       count a passed check
#   fail NAME [WHY]            count a failed check and print "FAIL NAME: WHY"
#   expect NAME GOT WANT       pass when GOT = WANT
#   finish SUITE               print "SUITE: N passed, M failed"; false when any failed
set -eu
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
ACTBENCH=${ACTBENCH:-./actbench}
case $ACTBENCH in /*) ;; *) ACTBENCH=$(pwd)/$ACTBENCH ;; esac
tmp=$(mktemp -d)
on_exit=
trap 'eval "$on_exit"; rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    if [ $# -ge 2 ]; then echo "FAIL $1: $2"; else echo "FAIL $1"; fi
}
expect() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "expected '$3', got '$2'"; fi
}
finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
