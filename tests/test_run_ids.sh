#!/bin/sh
# test_run_ids.sh: the run IDs of the committed experiments do not change.
# For every results/NAME/ with runs, 'actbench validate configs/NAME.yaml'
# must list exactly the run IDs of the files in results/NAME/runs/: a change
# to the resolved configuration (a new key with a default that is recorded,
# a renamed value) would give every old run a new ID and orphan the results.
. "$(dirname "$0")/lib.sh"
cd "$root"
n=0
for dir in results/*/; do
    name=$(basename "$dir")
    [ -d "$dir/runs" ] && [ -f "configs/$name.yaml" ] || continue
    n=$((n + 1))
    if ! "$ACTBENCH" validate "configs/$name.yaml" >"$tmp/out" 2>"$tmp/err"; then
        fail "$name" "validate failed: $(head -c 300 "$tmp/err")"
        continue
    fi
    sed 1d "$tmp/out" | grep -v '^ ' | awk '{print $2}' | sort >"$tmp/ids"
    ls "$dir/runs" | sed -n 's/\.json$//p' | sort >"$tmp/files"
    if cmp -s "$tmp/ids" "$tmp/files"; then
        pass
    else
        fail "$name" "run IDs differ from results/$name/runs: $(diff "$tmp/ids" "$tmp/files" | head -n 6 | tr '\n' ' ')"
    fi
done
expect "committed experiments checked" "$([ "$n" -ge 7 ] && echo yes)" yes
finish "run IDs of the committed results"
