/* fuzz_set.c: --set values, as 'actbench validate exp.yaml --set A --set
 * B ...' applies them: the input is split at newlines into up to 8 "KEY.PATH=VALUE"
 * strings applied to a small experiment with a sweep, an initialiser
 * sweep and variants, then checked and expanded (ab_experiment_load). */
#include <stdlib.h>
#include <string.h>
#include "config/experiment.h"
#include "fuzz.h"

#define MAX_SETS 8

static const char BASE[] =
    "name: base\n"
    "data: {dataset: spirals, n_train: 100, n_test: 50}\n"
    "model:\n"
    "  hidden: [8, 8]\n"
    "  activation: leaky_relu\n"
    "  alpha: [0.01, 0.2]\n"
    "  init: [he_uniform, {scale: 2, mode: fan_avg}]\n"
    "train: {optimizer: momentum, learning_rate: 0.1, epochs: 2}\n"
    "variants:\n"
    "  - {model: {activation: relu}}\n"
    "  - {model: {activation: prelu, init: glorot_normal}}\n"
    "seeds: [1, 2]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dir();
    const char *path = fuzz_write("base.yaml", BASE, sizeof BASE - 1, 0);
    char *text = malloc(size + 1), *sets[MAX_SETS];
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    int n = 0;
    for (char *s = text; n < MAX_SETS;) {
        sets[n++] = s;
        char *nl = strchr(s, '\n');
        if (!nl) break;
        *nl = 0;
        s = nl + 1;
    }
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    if (ab_experiment_load(&e, path, sets, n, &err) != AB_OK) {
        if (!err.msg[0]) abort();
    } else {
        for (int i = 0; i < ab_experiment_n_runs(e); i++) {
            char line[4096];
            ab_experiment_run_line(line, sizeof line, e, i);
        }
        ab_experiment_free(e);
    }
    free(text);
    return 0;
}
