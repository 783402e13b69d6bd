#!/bin/sh
# test_verdicts.sh: the README's claims table says what the committed
# reports say. Every cell of the table under "## Findings" (a row per claim
# C1-C5, a column per network) begins with a verdict word (supports,
# contradicts, cannot tell; bold or not) and links a committed report,
# results/NAME/report.txt (the first link counts); the word must be that report's verdict on the
# row's claim ("Cn VERDICT: ..."), and that verdict must be the one
# 'actbench report results/NAME --json' gives today (so a report left
# stale by a change of the rules fails too). The checker is also run on a
# copy of the README with one verdict word changed, and must fail there.
# Uses $ACTBENCH.
. "$(dirname "$0")/lib.sh"
cd "$root"

# check_table README: prints "CLAIM NAME: what is wrong" per bad cell and
# "cells N"; exits 1 when a cell is wrong
check_table() {
    awk '/^## Findings/{p = 1; next} /^## /{p = 0} p && /^\| C[1-5] /' "$1" > "$tmp/rows"
    bad=0 cells=0
    while IFS= read -r row; do
        claim=$(printf '%s\n' "$row" | sed 's/^| \(C[1-5]\) .*/\1/')
        n=${claim#C}
        # the cells after the claim's own: split on " | "
        printf '%s\n' "$row" | sed 's/^| //; s/ |$//' | awk -F' [|] ' '{for (i = 2; i <= NF; i++) print $i}' > "$tmp/cells"
        while IFS= read -r cell; do
            cells=$((cells + 1))
            word=$(printf '%s\n' "$cell" | sed -n 's/^\**\(supports\|contradicts\|cannot tell\)\**[:;,. ].*/\1/p')
            name=$(printf '%s\n' "$cell" | grep -o '(results/[A-Za-z0-9_.-]*/report\.txt)' | head -n 1 |
                sed 's|(results/\(.*\)/report\.txt)|\1|')
            if [ -z "$word" ] || [ -z "$name" ]; then
                echo "$claim: a cell without a leading verdict word or a report link: $cell"
                bad=1
                continue
            fi
            committed=$(sed -n "s/^$claim \(supports\|contradicts\|cannot tell\): .*/\1/p" "results/$name/report.txt")
            if [ "$word" != "$committed" ]; then
                echo "$claim $name: the README says '$word', results/$name/report.txt says '${committed:-nothing}'"
                bad=1
                continue
            fi
            now=$("$ACTBENCH" report "results/$name" --json 2>/dev/null | grep '"verdict":' | sed -n "${n}p" |
                sed 's/.*"verdict":[[:space:]]*"\([a-z ]*\)".*/\1/')
            if [ "$now" != "$committed" ]; then
                echo "$claim $name: results/$name/report.txt says '$committed', actbench report now says '${now:-nothing}'"
                bad=1
            fi
        done < "$tmp/cells"
    done < "$tmp/rows"
    echo "cells $cells"
    return "$bad"
}

status=0
check_table README.md > "$tmp/check" || status=$?
cells=$(sed -n 's/^cells //p' "$tmp/check")
if [ "$status" -eq 0 ]; then pass; else fail "README claims table" "$(grep -v '^cells ' "$tmp/check")"; fi
if [ "${cells:-0}" -ge 10 ]; then pass; else fail "README claims table" "only ${cells:-0} cells found (5 claims x 2 networks)"; fi

# the checker notices a verdict word changed in a copy of the README
first=$(awk '/^## Findings/{p = 1; next} /^## /{p = 0} p && /^\| C[1-5] /' README.md | head -n 1)
swap=$(printf '%s\n' "$first" | sed 's/| \(\**\)supports/| \1XX/; s/| \(\**\)contradicts/| \1supports/; s/| \(\**\)cannot tell/| \1supports/; s/| \(\**\)XX/| \1cannot tell/')
awk -v old="$first" -v new="$swap" '$0 == old && !done {print new; done = 1; next} {print}' README.md > "$tmp/README.md"
if cmp -s README.md "$tmp/README.md"; then
    fail "a changed verdict word" "could not change the first row of the claims table"
elif check_table "$tmp/README.md" > "$tmp/check2"; then
    fail "a changed verdict word is noticed" "the checker passed a README with '$swap'"
else
    pass
fi

finish "README verdicts"
