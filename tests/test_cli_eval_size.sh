#!/bin/sh
# test_cli_eval_size.sh: train.eval_size (docs/config.md) changes what is
# measured, never what is trained. The same experiment (spirals, 240
# training examples, a probe on the first 20 of them, 6 epochs, seeds 1
# and 2) runs without and with train.eval_size=50; the run files must be
# identical except the run ID, the key itself and the train metrics of
# epochs 0 to 5: parameters, validation, probe, test and final metrics
# (final.best.train_accuracy included, re-measured on every example when
# the best epoch was sampled), and epoch 6, measured on all 240 examples.
# epochs[].train_measured says 50 then 240. The sample is the first 50
# training examples: epoch 0 (the same initial parameters) must equal
# epoch 0 of a run whose training set is exactly those 50 examples
# (data.train_limit 50: the first 50 after the validation examples were
# carved off the end; data.validation 40 since it must be < train_limit,
# which leaves the first examples where they were).
. "$(dirname "$0")/lib.sh"
cd "$tmp"

cat >exp.yaml <<'EOF'
name: eval_size
data: {dataset: spirals, n_train: 300, n_test: 100, validation: 60}
model: {hidden: [16, 16], activation: relu}
train: {optimizer: adam, learning_rate: 0.1, batch_size: 32, epochs: 6}
probe: {size: 20}
seeds: [1, 2]
EOF

act full run exp.yaml -o full -j 2 -q
expect "full exit status" "$status" 0
act samp run exp.yaml --set train.eval_size=50 -o samp -j 2 -q
expect "sampled exit status" "$status" 0
act first run exp.yaml --set data.train_limit=50 --set data.validation=40 -o first -j 2 -q
expect "first-50 exit status" "$status" 0

by_seed() { # dir seed: the run file of that seed
    grep -l "^		\"seed\":	$2,\$" "$1"/runs/*.json | head -n 1
}
# the file without timing, run IDs, train.eval_size, and the train metrics
# of the epochs before the last (cJSON: one field per line, tabs)
masked() {
    untimed "$1" | awk '
        /^\t"final":/ { fin = 1 }
        !fin && /^\t\t\t"epoch":\t[0-9]+,$/ { ep = $2 + 0 }
        /"run_id":|"eval_size":/ { next }
        !fin && ep < 6 && /^\t\t\t"(train_loss|train_accuracy|train_measured)":/ { next }
        { print }'
}
field_of_epochs() { # file field: the field of every epoch entry, space-separated
    awk -v f="\"$2\":" '/^\t"final":/ { exit } /^\t\t\t"/ && $1 == f { sub(/,$/, "", $2); printf "%s ", $2 }' "$1"
}
epoch0() { # file: train_loss and train_accuracy of epoch 0
    awk '/^\t\t\t"(train_loss|train_accuracy)":/ { print; n++ } n == 2 { exit }' "$1"
}

intermediate_best=0
for seed in 1 2; do
    f=$(by_seed full $seed)
    s=$(by_seed samp $seed)
    o=$(by_seed first $seed)
    if [ -z "$f" ] || [ -z "$s" ] || [ -z "$o" ]; then
        fail "seed $seed: a run file is missing"
        continue
    fi
    masked "$f" >full.$seed
    masked "$s" >samp.$seed
    if cmp -s full.$seed samp.$seed; then
        pass
    else
        fail "seed $seed: with train.eval_size something besides the sampled train metrics changed:"
        diff full.$seed samp.$seed | head -n 20
    fi
    expect "seed $seed: train_measured without eval_size" "$(field_of_epochs "$f" train_measured)" \
        "240 240 240 240 240 240 240 "
    expect "seed $seed: train_measured with eval_size 50" "$(field_of_epochs "$s" train_measured)" \
        "50 50 50 50 50 50 240 "
    expect "seed $seed: the sample's epoch 0 is the first 50 examples" "$(epoch0 "$s")" "$(epoch0 "$o")"
    if [ "$(epoch0 "$s")" = "$(epoch0 "$f")" ]; then
        fail "seed $seed: epoch 0 of the sample equals the full measurement"
    else
        pass
    fi
    best=$(awk '/^\t\t"best":/ { b = 1 } b && /^\t\t\t"epoch":/ { sub(/,$/, "", $2); print $2; exit }' "$s")
    [ "${best:-6}" -lt 6 ] && intermediate_best=$((intermediate_best + 1))
done
# seed 2's best validation epoch is 5: its best.train_accuracy was
# re-measured on all examples (and compared above with the full run's)
if [ "$intermediate_best" -ge 1 ]; then
    pass
else
    fail "premise: no run's best epoch is before the last, so the re-measurement of final.best went unchecked"
fi

finish "eval_size"
