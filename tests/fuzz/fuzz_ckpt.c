/* fuzz_ckpt.c: a checkpoint as 'actbench run --resume' reads it: the file
 * DIR/checkpoints/<run_id>.ckpt of one of two tiny runs (an MLP with
 * dropout, rrelu and probe.every_steps; adam with validation data, or
 * momentum), read by ab_train_run with resume on, which either goes on
 * from it or names what is wrong and trains from epoch 0; either way the
 * run must end with its document. Input: one byte of options, then the
 * file. Options: bit 0 the run (adam or momentum); bit 2 the header's
 * identity is replaced by this build's, and bit 1 the file's length and
 * CRC-32 are set right, before it is written (so that the fuzzer reaches
 * the state behind the checksum and the identity, which a seed written by
 * another build does not match). The seeds (corpus/ckpt) are real
 * checkpoints of both runs, written at the end of epoch 2 of 3, with the
 * options clear and set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "config/experiment.h"
#include "data/dataset.h"
#include "run/checkpoint.h"
#include "run/train_run.h"
#include "fuzz.h"

static const char YAML[] =
    "name: fz\n"
    "data: {dataset: blobs, n_train: 40, n_test: 10, validation: 8, features: 4}\n"
    "model: {layers: [{dense: 6}, {dropout: 0.2}, {dense: 5}], activation: rrelu}\n"
    "train: {optimizer: [adam, momentum], learning_rate: 0.01, batch_size: 8, epochs: 3}\n"
    "probe: {every_steps: 2}\n"
    "seeds: [1]\n";

#define VERSION "0.1.0"

static void count_note(void *ctx, const char *msg)
{
    (void)msg;
    ++*(int *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ab_experiment *e;
    static ab_dataset d;
    ab_error err = {{0}};
    const char *dir = fuzz_dir();
    if (!e) {
        const char *yaml = fuzz_write("fz.yaml", YAML, sizeof YAML - 1, 0);
        if (ab_experiment_load(&e, yaml, NULL, 0, &err) != AB_OK ||
            ab_data_load(&d, &ab_experiment_run(e, 0)->data, &err) != AB_OK) {
            fprintf(stderr, "fuzz_ckpt: %s\n", err.msg);
            _exit(3); /* no finding: the harness could not set up */
        }
        dir = fuzz_dir();
    }
    if (size < 1) return 0;
    int i = data[0] & 1;
    const ab_run_config *rc = ab_experiment_run(e, i);
    size_t n = size - 1;
    char identity[256];
    ab_ckpt_identity(identity, sizeof identity, VERSION);
    size_t nid = strlen(identity);
    unsigned char *file = malloc(n + nid + 4);
    if (!file) _exit(3);
    memcpy(file, data + 1, n);
    uint32_t old;
    if ((data[0] & 4) && n >= 44 && (memcpy(&old, file + 40, 4), old <= n - 44)) {
        /* identity field at 40: u32 length, then the text */
        memmove(file + 44 + nid, data + 1 + 44 + old, n - 44 - old);
        memcpy(file + 44, identity, nid);
        uint32_t len32 = (uint32_t)nid;
        memcpy(file + 40, &len32, 4);
        n = n - old + nid;
    }
    if ((data[0] & 2) && n >= 28) {
        uint64_t len = n;
        memcpy(file + 20, &len, 8);
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), file + 20, (uInt)(n - 20));
        memcpy(file + 16, &crc, 4);
    }
    char name[128], ckpt_dir[512];
    snprintf(name, sizeof name, "checkpoints/%s.ckpt", rc->run_id);
    snprintf(ckpt_dir, sizeof ckpt_dir, "%s/checkpoints", dir);
    fuzz_write(name, file, n, 0);
    free(file);
    int notes = 0;
    ab_run_ctl ctl = {.note = count_note, .ctx = &notes, .ckpt_dir = ckpt_dir, .resume = 1};
    cJSON *doc = ab_train_run(rc, ab_experiment_run_json(e, i), &d, VERSION, &ctl, &err);
    if (!doc && !err.msg[0]) abort(); /* a failure without a message */
    cJSON_Delete(doc);
    return 0;
}
