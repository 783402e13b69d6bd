/* bench_probe.c: what measuring costs, on Fashion-MNIST with the
 * 784-300-100-10 relu network, batch 128, one BLAS thread. Times one
 * training epoch, then the end-of-epoch evaluation pass over the same
 * training examples without and with the dead-unit/activation probe (the
 * run's default probe set). The probe's cost is the difference of the two
 * passes, as a percentage of the epoch. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "core/blas.h"
#include "core/probe.h"
#include "core/trainer.h"
#include "data/dataset.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
    ab_blas_set_threads(1);
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    ab_dataset d;
    ab_error err;
    if (ab_data_load(&d, &spec, &err) != AB_OK) {
        fprintf(stderr, "bench_probe: %s\n", err.msg);
        return 1;
    }
    ab_model_spec m = {.n_inputs = d.features, .in_c = d.c, .in_h = d.h, .in_w = d.w,
                       .n_classes = d.classes, .n_hidden = 2, .hidden = {300, 100},
                       .act = ab_act_default(AB_ACT_RELU)};
    ab_init_preset("he_uniform", &m.init);
    ab_optim_spec o = ab_optim_default(AB_OPT_MOMENTUM);
    ab_trainer t;
    ab_probe p;
    if (ab_trainer_init(&t, &m, &o, 128, d.train.n, 1, &err) != AB_OK ||
        ab_probe_init(&p, &t.net, &err) != AB_OK) {
        fprintf(stderr, "bench_probe: %s\n", err.msg);
        return 1;
    }
    int n = (int)d.train.n, reps = 3;
    double best_epoch = 1e9, best_eval = 1e9, best_probe = 1e9, loss, acc;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        ab_trainer_epoch(&t, d.train.x, d.train.y, n, 0.01f, 1);
        double t1 = now();
        ab_net_evaluate(&t.net, d.train.x, d.train.y, n, &loss, &acc);
        double t2 = now();
        ab_probe_measure_eval(&p, &t.net, d.train.x, d.train.y, n, &loss, &acc);
        double t3 = now();
        if (t1 - t0 < best_epoch) best_epoch = t1 - t0;
        if (t2 - t1 < best_eval) best_eval = t2 - t1;
        if (t3 - t2 < best_probe) best_probe = t3 - t2;
    }
    printf("probe: fashion-mnist 784-300-100-10 relu, %d training examples, best of %d\n", n, reps);
    printf("training epoch %.3f s; evaluation pass %.3f s (%.1f%% of the epoch); with the probe %.3f s\n",
           best_epoch, best_eval, 100.0 * best_eval / best_epoch, best_probe);
    printf("probe cost: %.1f%% of an epoch (the evaluation pass itself gives train_loss/train_accuracy)\n",
           100.0 * (best_probe - best_eval) / best_epoch);
    printf("end-of-epoch measurement in all: %.1f%% of an epoch\n", 100.0 * best_probe / best_epoch);
    ab_probe_free(&p);
    ab_trainer_free(&t);
    ab_data_free(&d);
    return 0;
}
