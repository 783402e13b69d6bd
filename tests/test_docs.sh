#!/bin/sh
# test_docs.sh: the README and docs/ stay short, true and free of history.
# The README is at most 250 lines; no doc holds a timestamp, a machine-local
# path, an issue number or a pointer to a file outside the repository; every
# relative link resolves; the README's example experiment files validate;
# every `./actbench` command the README shows runs as shown (a `run` with
# its training cut to one small epoch); every script the docs show being run
# directly is executable in git (mode 100755 in `git ls-files -s`); the
# experiments the Makefile's run targets train validate.
. "$(dirname "$0")/lib.sh"
cd "$root"

# --- length
n=$(wc -l < README.md)
if [ "$n" -le 250 ]; then pass; else fail "README length" "$n lines, at most 250"; fi

# --- no history, no machine-local paths
for f in README.md docs/*.md; do
    hits=$(grep -nE '[0-9]{1,2}:[0-9]{2}(–[0-9]{1,2}:[0-9]{2})? UTC|/work/|[Ii]ssue [0-9]|#[0-9]{1,3}\b|REFERENCE\.md|this session|load average|other engineers' "$f" || true)
    if [ -z "$hits" ]; then pass; else fail "$f: history or a local path" "$(echo "$hits" | head -3)"; fi
done

# --- relative links resolve (anchors dropped)
for f in README.md docs/*.md; do
    dir=$(dirname "$f")
    bad=
    for link in $(grep -oE '\]\([^)#:]+(#[^)]*)?\)' "$f" | sed 's/^](//; s/)$//; s/#.*//' | sort -u); do
        [ -n "$link" ] || continue
        [ -e "$dir/$link" ] || bad="$bad $link"
    done
    if [ -z "$bad" ]; then pass; else fail "$f: broken links" "$bad"; fi
done

# --- the README's experiment files: the first yaml block alone, the CNN
# block under a data section
awk '/^```yaml/{n++; if (n == 1) {p = 1; next}} /^```/{p = 0} p' README.md > "$tmp/first.yaml"
act "$tmp/first" validate "$tmp/first.yaml"
expect "README example validates: $(head -c 300 "$tmp/first.err")" "$status" 0
{
    echo "name: cnn_first"
    echo "data: {dataset: fashion-mnist, train_limit: 1000}"
    awk '/^```yaml/{n++; if (n == 2) {p = 1; next}} /^```/{p = 0} p' README.md
    echo "seeds: [1]"
} > "$tmp/cnn.yaml"
act "$tmp/cnn" validate "$tmp/cnn.yaml"
expect "README CNN example validates: $(head -c 300 "$tmp/cnn.err")" "$status" 0

# --- every ./actbench command of the README's sh blocks, in order; /tmp/X
# becomes a directory of this test; a run trains one epoch on 1,000 examples
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
    skip "README commands" "Fashion-MNIST is not installed"
else
    awk '/^```sh/{p = 1; next} /^```/{p = 0} p && /^\.\/actbench /' README.md |
        sed 's/[[:space:]]*#.*$//' > "$tmp/commands"
    count=$(wc -l < "$tmp/commands")
    if [ "$count" -ge 5 ]; then pass; else fail "README commands" "found $count ./actbench lines"; fi
    i=0
    while IFS= read -r line; do
        i=$((i + 1))
        cmd=$(printf '%s\n' "$line" | sed "s|^\./actbench|\"\$ACTBENCH\"|; s|/tmp/|$tmp/|g")
        case $line in
            "./actbench run "*) cmd="$cmd --set train.epochs=1 --set data.train_limit=1000 --set data.validation=200 --set 'seeds=[1]' -q" ;;
        esac
        status=0
        eval "$cmd" > "$tmp/cmd$i.out" 2> "$tmp/cmd$i.err" < /dev/null || status=$?
        expect "README command '$line': $(head -c 300 "$tmp/cmd$i.err")" "$status" 0
    done < "$tmp/commands"
fi

# --- the experiments of make run, run-quick and run-cnn validate, and none
# of them writes into results/ (the committed results)
for c in $(sed -n 's|^\t\./actbench run \(configs/[^ ]*\.yaml\).*|\1|p' Makefile); do
    act "$tmp/make" validate "$c"
    expect "Makefile's $c validates: $(head -c 200 "$tmp/make.err")" "$status" 0
done
if grep -q '^\t\./actbench run .*-o results/' Makefile; then fail "a make target writes into results/"; else pass; fi
expect "make run's experiment" "$(sed -n '/^run:/,/^$/p' Makefile | sed -n 's|.*actbench run \(configs/[^ ]*\).*|\1|p')" configs/first.yaml

# --- scripts shown being run directly are executable in git
if ! git -C "$root" rev-parse --git-dir > /dev/null 2>&1; then
    skip "run bits" "not a git checkout"
else
    shown=$(cat README.md docs/*.md | grep -oE '(^|[`[:space:]])scripts/[A-Za-z0-9_/.-]+\.(sh|py)' |
        sed 's/^[`[:space:]]//' | sort -u)
    m=0
    for s in $shown; do
        # only where the docs run it directly: at the start of a command
        cat README.md docs/*.md | grep -qE "^[[:space:]]*(\\$ )?$s( |$)|\`$s( [^\`]*)?\`" || continue
        m=$((m + 1))
        mode=$(git -C "$root" ls-files -s -- "$s" | cut -d' ' -f1)
        if [ "$mode" = 100755 ]; then pass; else fail "run bit of $s" "git mode '${mode:-not tracked}'"; fi
    done
    if [ "$m" -ge 3 ]; then pass; else fail "run bits" "only $m scripts found run directly in the docs"; fi
fi

finish test_docs
