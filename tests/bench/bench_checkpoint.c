/* bench_checkpoint.c: what a checkpoint costs. For run 1 of an experiment
 * (its network, optimiser, probes and validation copy, on its data set)
 * builds the state a run holds at its last checkpoint (epochs - 1: the
 * curves of a finished run file of the same experiment when one is given,
 * else none), then times the two steps of every checkpoint that
 * train_run.c takes: the snapshot of the state (ab_run_state_save), which
 * the training waits for, and the file (ab_ckpt_write: write, fsync,
 * rename, fsync of the directory) into DIR, which a thread of its own
 * writes while the next epoch trains (a checkpoint on SIGTERM is written
 * at once). Prints the size and the median of REPS of each. Compare with
 * the run file's per-epoch "seconds" + "eval_seconds".
 *
 *   build/bench_checkpoint CONFIG DIR [RUN_FILE.json]
 *
 * DIR should be on the file system the results go to (fsync's cost is
 * the disk's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "config/experiment.h"
#include "core/probe.h"
#include "core/trainer.h"
#include "data/dataset.h"
#include "run/checkpoint.h"
#include "run/run_file.h"
#include "run/run_state.h"

enum { REPS = 9 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_checkpoint CONFIG DIR [RUN_FILE.json]\n");
        return 2;
    }
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    ab_dataset d;
    if (ab_experiment_load(&e, argv[1], NULL, 0, &err) != AB_OK ||
        ab_data_load(&d, &ab_experiment_run(e, 0)->data, &err) != AB_OK) {
        fprintf(stderr, "bench_checkpoint: %s\n", err.msg);
        return 1;
    }
    const ab_run_config *rc = ab_experiment_run(e, 0);
    ab_model_spec model = rc->model;
    model.n_inputs = d.features;
    model.in_c = d.c, model.in_h = d.h, model.in_w = d.w;
    model.n_classes = d.classes;
    ab_trainer t;
    ab_probe probe;
    if (ab_trainer_init(&t, &model, &rc->optim, rc->batch_size, d.train.n, rc->seed, &err) != AB_OK ||
        ab_probe_init(&probe, &t.net, &err) != AB_OK) {
        fprintf(stderr, "bench_checkpoint: %s\n", err.msg);
        return 1;
    }
    float *best = d.val.n > 0 ? calloc(t.net.n_params, sizeof *best) : NULL;
    cJSON *epochs = NULL, *run = NULL;
    if (argc > 3 && (run = ab_json_read_file(argv[3], &err))) {
        /* the curves of epochs 0..epochs-1, as the last checkpoint holds them */
        epochs = cJSON_DetachItemFromObjectCaseSensitive(run, "epochs");
        while (cJSON_GetArraySize(epochs) > rc->epochs) cJSON_DeleteItemFromArray(epochs, rc->epochs);
    } else if (argc > 3) {
        fprintf(stderr, "bench_checkpoint: %s\n", err.msg);
        return 1;
    }
    if (!epochs) epochs = cJSON_CreateArray();
    ab_run_state s = {.t = &t, .probe = &probe, .best_params = best, .epochs = epochs,
                      .epoch = rc->epochs - 1, .best_epoch = 0};
    ab_ckpt_header h = {.format = AB_CKPT_FORMAT, .epoch = (uint32_t)s.epoch, .epochs = (uint32_t)rc->epochs};
    ab_ckpt_identity(h.identity, sizeof h.identity, "bench");
    snprintf(h.run_id, sizeof h.run_id, "%s", rc->run_id);
    double t_state[REPS], t_file[REPS];
    size_t len = 0;
    for (int r = 0; r < REPS; r++) {
        unsigned char *payload;
        double t0 = now();
        if (ab_run_state_save(&s, &payload, &len, &err) != AB_OK) {
            fprintf(stderr, "bench_checkpoint: %s\n", err.msg);
            return 1;
        }
        double t1 = now();
        if (ab_ckpt_write(argv[2], &h, payload, len, &err) != AB_OK) {
            fprintf(stderr, "bench_checkpoint: %s\n", err.msg);
            return 1;
        }
        t_state[r] = t1 - t0;
        t_file[r] = now() - t1;
        free(payload);
    }
    qsort(t_state, REPS, sizeof *t_state, cmp_double);
    qsort(t_file, REPS, sizeof *t_file, cmp_double);
    printf("%s run 1: %zu parameters, optimiser %s, %d epoch entries\n", ab_experiment_name(e), t.net.n_params,
           ab_optim_name(rc->optim.kind), cJSON_GetArraySize(epochs));
    printf("checkpoint: %zu bytes of payload; snapshot %.2f ms, file %.2f ms, both %.2f ms (medians of %d)\n", len,
           t_state[REPS / 2] * 1e3, t_file[REPS / 2] * 1e3, (t_state[REPS / 2] + t_file[REPS / 2]) * 1e3, REPS);
    char path[4200];
    ab_ckpt_path(path, sizeof path, argv[2], rc->run_id);
    remove(path);
    cJSON_Delete(epochs);
    cJSON_Delete(run);
    free(best);
    ab_probe_free(&probe);
    ab_trainer_free(&t);
    ab_data_free(&d);
    ab_experiment_free(e);
    return 0;
}
