#!/bin/sh
# test_cli_cnn.sh: convolutional networks from the command line, on small
# IDX image sets written by build/tools/make_idx: the image shape comes
# from the IDX header (1x12x12, 3x8x8 from a 4-D file, flat from a 2-D one);
# validate prints the layer table with hand-counted parameters; a CNN
# experiment (relu and prelu per channel, augmentation, dropout, two seeds,
# an MLP variant beside it) runs with -j 1 and -j 2 to identical run files
# (timing fields aside) that pass the schema check and that report reads;
# convolutions and augmentation on flat data are config errors.
. "$(dirname "$0")/lib.sh"
MAKE_IDX=${MAKE_IDX:-$root/build/tools/make_idx}
CHECK_SCHEMA=${CHECK_SCHEMA:-$root/build/tools/check_schema}
for tool in "$MAKE_IDX" "$CHECK_SCHEMA"; do
    if [ ! -x "$tool" ]; then
        echo "FAIL $tool is missing: run 'make tools' (make test builds it)"
        exit 1
    fi
done
cd "$tmp"

mkdir img img3 flat
"$MAKE_IDX" img 300 60 1 12 12 && "$MAKE_IDX" img3 60 30 3 8 8 && "$MAKE_IDX" flat 60 30 0 0 20 || {
    fail "make_idx"
    finish "cnn cli"
}

cat >cnn.yaml <<'EOF'
name: cnn_cli
data: {dataset: idx, path: img, validation: 60, augment: {flip: true, crop: 1}}
model:
  activation: relu
  prelu_sharing: channel
  layers:
    - {conv: 4, kernel: 3, padding: same}
    - {pool: max, size: 2}
    - {conv: 6, kernel: 3}
    - {dropout: 0.25}
    - {dense: 12}
train: {optimizer: adam, learning_rate: 0.01, batch_size: 32, epochs: 3}
seeds: [1, 2]
variants:
  - {}
  - model: {activation: prelu}
  - model: {hidden: [16]}
EOF

# ---- validate: the input shape from the IDX header, shapes, parameters ----
act val validate cnn.yaml
expect "validate exit status" "$status" 0
expect_grep "6 runs" "experiment cnn_cli: 6 runs" val.out
expect_grep "input from the IDX header" "    input                              1x12x12" val.out
# conv 4 3x3 same on 1 channel: 4*9+4 = 40 (12x12); pool 2: 6x6; conv 6 3x3:
# 6*4*9+6 = 222 (4x4); dense 12 on 96: 96*12+12 = 1164; output 12*3+3 = 39
expect_grep "conv same" "    conv 4 3x3 stride 1 pad 1          4x12x12                40" val.out
expect_grep "pool" "    pool max 2 stride 2                4x6x6                   0" val.out
expect_grep "conv valid" "    conv 6 3x3 stride 1 pad 0          6x4x4                 222" val.out
expect_grep "dropout keeps the shape" "    dropout 0.25                       6x4x4                   0" val.out
expect_grep "dense from an image" "    dense 12                           12x1x1               1164" val.out
expect_grep "output, 3 classes from the labels" "    output dense 3                     3x1x1                  39" val.out
expect_grep "total" "    total                                                   1465" val.out
# prelu per channel: one alpha per filter or unit, 4 + 6 + 12 more
expect_grep "prelu per channel" "    total                                                   1487" val.out
# the MLP variant: 144*16+16 = 2320, 16*3+3 = 51
expect_grep "mlp variant" "    total                                                   2371" val.out

# ---- -j 1 and -j 2: the same run files; the schema; report ----
act j1 run cnn.yaml -j 1 -o j1 -q
expect "-j 1 exit status" "$status" 0
act j2 run cnn.yaml -j 2 -o j2 -q
expect "-j 2 exit status" "$status" 0
expect "-j 1 ok runs" "$(grep -l '^	"status":	"ok"' j1/runs/*.json 2>/dev/null | wc -l | tr -d ' ')" 6
same_runs "-j 1 against -j 2" j1 j2
expect "run files compared" "$compared" 6
if "$CHECK_SCHEMA" "$root/docs/results.md" j1/runs/*.json j1/summary.json j1/experiment.json >schema.out 2>&1; then
    pass
else
    fail "the CNN run files do not match docs/results.md:"
    head -n 20 schema.out
fi
expect_grep "probed conv layer" '"kind":	"conv"' "$(ls j1/runs/*.json | head -n 1)"
expect_grep "summary: one dead column per conv or dense layer" '"dead_fraction.layer3_mean"' j1/summary.json
expect_grep "summary: the architectures are swept" '"swept":	["model.hidden", "model.layers", "model.activation", "seed"]' j1/summary.json
act rep report j1
expect "report exit status" "$status" 0
expect_grep "report tells the architectures apart" "relu hidden=[16]" rep.out

# ---- the shape of other IDX files ----
act v3 validate cnn.yaml --set data.path=img3 --set data.validation=10
expect "4-D IDX exit status" "$status" 0
expect_grep "4-D IDX: C x H x W" "    input                              3x8x8" v3.out
expect_grep "4-D IDX: conv on 3 channels" "    conv 4 3x3 stride 1 pad 1          4x8x8                 112" v3.out
act vf validate cnn.yaml --set data.path=flat --set data.validation=10 --set 'data.augment={}'
expect "conv on a 2-D IDX: exit status" "$status" 2
expect_grep "conv on a 2-D IDX" "cnn.yaml:7:7: model.layers[0]: conv 4 3x3 stride 1 pad 1 received a flat input of 20 features" vf.err
act va validate cnn.yaml --set data.path=flat --set data.validation=10 --set 'model.layers=[{dense: 8}]'
expect "augment on a 2-D IDX: exit status" "$status" 2
expect_grep "augment on a 2-D IDX" "cnn.yaml:2:58: data.augment: flip and crop need images, but data.dataset idx gives flat examples of 20 features" va.err
act ra run cnn.yaml --set data.path=flat --set data.validation=10 --set 'model.layers=[{dense: 8}]' -o ra
expect "run checks the shapes first: exit status" "$status" 2
if [ -e ra ]; then fail "a config error created the result directory"; else pass; fi
act vm validate cnn.yaml --set data.path=missing
expect "unreadable data: exit status" "$status" 2
expect_grep "unreadable data" "data: missing/train-images-idx3-ubyte" vm.err

finish "cnn cli"
