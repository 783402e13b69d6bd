/* lockstep.c: the engine's half of a lock-step comparison with PyTorch
 * (scripts/torch_lockstep.py runs the other half). Reads an experiment
 * file and takes its first run (its model, layer list included, its
 * initialiser, optimiser, learning rate, batch size, seed and data), writes
 * the run's resolved configuration to DIR/config.json and its initial
 * parameters to DIR/init.bin, trains STEPS batches of the training split in
 * file order (no shuffling, constant rate), then writes DIR/final.bin and
 * DIR/losses.txt (each step's training-mode batch loss, one per line, %.9g)
 * and prints the mean training loss and the test loss and accuracy.
 * Parameters are float32 in the network's order: per dense or conv layer
 * its kernel (dense: out x in, row-major; conv: out_channels x in_channels
 * x k x k), its bias, then the PReLU slopes of the activation after it;
 * the output layer last.
 * usage: lockstep CONFIG.yaml STEPS DIR [KEY=VALUE]...   (each KEY=VALUE a --set)
 * exit: 0 done, 1 could not train or write, 2 usage or configuration error */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/config/experiment.h"
#include "../../src/core/blas.h"
#include "../../src/core/probe.h"
#include "../../src/core/trainer.h"
#include "../../src/data/dataset.h"

static int write_file(const char *dir, const char *name, const void *data, size_t size)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        fprintf(stderr, "lockstep: %s: cannot write\n", path);
        if (f) fclose(f);
        return -1;
    }
    return fclose(f);
}

static int dump(const char *dir, const char *name, const ab_net *net)
{
    return write_file(dir, name, net->params, net->n_params * sizeof(float));
}

/* Each step's batch loss (the trainer's on_step after every step; it draws
 * nothing, so training is the same), as text. */
typedef struct {
    char *text;
    size_t len, cap;
} step_losses;

static void on_step(void *ctx, ab_trainer *t, long step, double lr, double loss)
{
    (void)t, (void)step, (void)lr;
    step_losses *sl = ctx;
    char line[40];
    int n = snprintf(line, sizeof line, "%.9g\n", loss);
    if (sl->len + (size_t)n + 1 > sl->cap) {
        size_t cap = (sl->cap + (size_t)n + 1) * 2;
        char *p = realloc(sl->text, cap);
        if (!p) return; /* the file is then short, and the script says so */
        sl->text = p, sl->cap = cap;
    }
    memcpy(sl->text + sl->len, line, (size_t)n + 1);
    sl->len += (size_t)n;
}

int main(int argc, char **argv)
{
    if (argc < 4 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: lockstep CONFIG.yaml STEPS DIR [KEY=VALUE]...\n");
        return 2;
    }
    long steps = atol(argv[2]);
    const char *dir = argv[3];
    ab_error err = {{0}};
    ab_experiment *e = NULL;
    if (ab_experiment_load(&e, argv[1], argv + 4, argc - 4, &err) != AB_OK) {
        fprintf(stderr, "lockstep: %s\n", err.msg);
        return 2;
    }
    const ab_run_config *rc = ab_experiment_run(e, 0);
    /* one BLAS thread unless the config says otherwise, as a run's worker:
     * a second thread waiting on a busy core stalled the tool for minutes */
    ab_blas_set_threads(rc->blas_threads > 0 ? rc->blas_threads : 1);
    char *resolved = cJSON_Print(ab_experiment_run_json(e, 0));
    ab_dataset d;
    if (ab_data_load(&d, &rc->data, &err) != AB_OK) {
        fprintf(stderr, "lockstep: %s\n", err.msg);
        free(resolved);
        ab_experiment_free(e);
        return 2;
    }
    ab_model_spec m = rc->model;
    m.n_inputs = d.features;
    m.in_c = d.c, m.in_h = d.h, m.in_w = d.w;
    m.n_classes = d.classes;
    ab_trainer t;
    if (ab_trainer_init(&t, &m, &rc->optim, rc->batch_size, d.train.n, rc->seed, &err) != AB_OK) {
        fprintf(stderr, "lockstep: %s\n", err.msg);
        ab_data_free(&d);
        free(resolved);
        ab_experiment_free(e);
        return 1;
    }
    long n = steps * rc->batch_size < d.train.n ? steps * rc->batch_size : d.train.n;
    int rc_exit = 0;
    step_losses sl = {NULL, 0, 0};
    t.every_steps = 1;
    t.on_step = on_step;
    t.on_step_ctx = &sl;
    if (write_file(dir, "config.json", resolved, strlen(resolved)) != 0 || dump(dir, "init.bin", &t.net) != 0)
        rc_exit = 1;
    ab_epoch_result r = ab_trainer_epoch(&t, d.train.x, d.train.y, n, (float)rc->schedule.lr, 0);
    double loss, acc;
    ab_net_evaluate(&t.net, d.test.x, d.test.y, (int)d.test.n, &loss, &acc);
    printf("actbench: %ld steps, mean training loss %.6f, test loss %.6f, test accuracy %.4f\n", r.steps,
           r.loss, loss, acc);
    if (dump(dir, "final.bin", &t.net) != 0 || write_file(dir, "losses.txt", sl.text ? sl.text : "", sl.len) != 0)
        rc_exit = 1;
    free(sl.text);
    ab_trainer_free(&t);
    ab_data_free(&d);
    free(resolved);
    ab_experiment_free(e);
    return rc_exit;
}
