#!/bin/sh
# test_provenance.sh: what records the source a build was made from.
# scripts/source-id.sh in a temporary git repository (the commit that last
# changed src/ or the Makefile, unchanged by a commit elsewhere, "-dirty"
# for a changed, staged or untracked file of src/) and in a plain copy
# (src- and a hash that changes with any file of src/); actbench --version
# and every run file's environment.source name the id of the tree the
# binary was built from; summarize and the report's header say when the
# runs of a directory come from several sources. Uses $ACTBENCH.
. "$(dirname "$0")/lib.sh"
ID=$root/scripts/source-id.sh
cd "$tmp"

# ---- source-id.sh outside git: a hash of src/ and the Makefile ----
mkdir -p copy/src/a copy/scripts
printf 'int x;\n' >copy/src/a/x.c
printf 'all:\n' >copy/Makefile
first=$(sh "$ID" copy)
case $first in src-[0-9a-f]*) [ ${#first} -eq 20 ] && pass || fail "hash id length" "$first" ;;
*) fail "a copy outside git" "got '$first'" ;; esac
expect "the same tree, the same id" "$(sh "$ID" copy)" "$first"
printf 'int y;\n' >copy/src/a/x.c
second=$(sh "$ID" copy)
if [ "$second" != "$first" ]; then pass; else fail "a changed file of src/ changes the hash"; fi
printf 'int y;\n' >copy/src/a/z.c
if [ "$(sh "$ID" copy)" != "$second" ]; then pass; else fail "a new file of src/ changes the hash"; fi
mkdir -p nosrc
status=0
sh "$ID" nosrc >nosrc.out 2>nosrc.err || status=$?
expect "no src/: exit status" "$status" 2
expect_grep "no src/: says what is missing" "no src/ and Makefile" nosrc.err

# ---- source-id.sh in git ----
if command -v git >/dev/null 2>&1; then
    mkdir -p repo/src
    printf 'int x;\n' >repo/src/x.c
    printf 'all:\n' >repo/Makefile
    g() { git -C repo -c user.name=t -c user.email=t@t "$@"; }
    g init -q && g add -A && g commit -qm one
    c1=$(g log -1 --format=%h --abbrev=12)
    expect "git: the commit" "$(sh "$ID" repo)" "$c1"
    printf 'notes\n' >repo/README && g add README && g commit -qm docs
    expect "git: a commit outside src/ keeps the id" "$(sh "$ID" repo)" "$c1"
    printf 'untracked\n' >repo/results.txt
    expect "git: an untracked file outside src/ is not dirty" "$(sh "$ID" repo)" "$c1"
    printf 'int y;\n' >repo/src/x.c
    expect "git: a changed file of src/ is dirty" "$(sh "$ID" repo)" "$c1-dirty"
    g add src/x.c
    expect "git: a staged file of src/ is dirty" "$(sh "$ID" repo)" "$c1-dirty"
    g commit -qm two
    c2=$(g log -1 --format=%h --abbrev=12)
    expect "git: the commit that changed src/" "$(sh "$ID" repo)" "$c2"
    printf 'int z;\n' >repo/src/new.c
    expect "git: an untracked file of src/ is dirty" "$(sh "$ID" repo)" "$c2-dirty"
else
    skip "source-id.sh in git" "git is not installed"
fi

# ---- the binary and its run files ----
want=$(sh "$ID" "$root")
act version --version
expect "--version names the source" "$(cat version.out)" "actbench $(sed -n 's/^actbench \([^ ]*\) .*/\1/p' version.out) (source $want)"
act run run "$here/cases/run/cli_small.yaml" -o res -j 2 -q
expect "run exit status" "$status" 0
n=0
for f in res/runs/*.json; do
    if grep -q "^		\"source\":	\"$want\"" "$f"; then n=$((n + 1)); fi
done
expect "every run file's environment.source" "$n" 6
act sum summarize res
expect "summarize exit status" "$status" 0
if grep -q "sources" sum.err; then fail "one source: summarize warns" "$(cat sum.err)"; else pass; fi
act rep report res
expect_grep "report header: the source" "source (environment.source): $want (6 runs)" rep.out

# ---- a directory that mixes sources ----
f=$(ls res/runs/*.json | head -n 1)
sed "s/^\(		\"source\":	\)\"$want\"/\1\"0123456789ab\"/" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
g=$(ls res/runs/*.json | sed -n 2p)
grep -v "^		\"source\":" "$g" | sed 's/^\(		"blas_threads":	[0-9]*\),$/\1/' >"$g.tmp" && mv "$g.tmp" "$g"
act sum2 summarize res
expect "mixed: summarize exit status" "$status" 0
expect_grep "mixed: summarize says so" "res: its runs come from 3 sources (environment.source): " sum2.err
for part in "$want (4 runs)" "0123456789ab (1 run)" "not recorded (1 run)"; do
    expect_grep "mixed: summarize names $part" "$part" sum2.err
done
expect_grep "mixed: summary.json lists the sources" '"source":	"0123456789ab"' res/summary.json
act rep2 report res
expect_grep "mixed: the report's header says so" "the runs come from 3 sources (environment.source: code versions mixed):" rep2.out
act rep3 report res --json
expect_grep "mixed: report --json lists them" '"source":	""' rep3.out

finish "provenance"
