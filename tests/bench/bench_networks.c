/* bench_networks.c: `make bench`, the convolutional networks against the
 * machine's limit. Trains, through the real trainer (shuffle, gather from
 * pixel bytes, forward, loss, backward, update) at batch 128 with one
 * thread, on random 1x28x28 images in 10 classes:
 *  - nin16, nin32, nin64: configs/cnn_paper.yaml's Network in Network
 *    (three blocks of a k x k convolution and two 1x1 ones, max pooling 3
 *    stride 2 and dropout 0.5 after the first two, global average pooling
 *    at the end, then the output dense 10 -> 10), relu, momentum 0.9, at
 *    16, 32 and 64 channels;
 *  - conv32-64: conv(32,3x3)-maxpool2-conv(64,3x3)-maxpool2-dense(128), relu,
 *    sgd (bench_cnn's network).
 * FLOPs are counted from the layer shapes: a dense layer 2*in*out per
 * example, a conv layer 2*oc*oh*ow*c*k*k, the other kinds nothing; a
 * training step counts its forward three times (forward, weight gradient,
 * input gradient), an evaluation pass once. The reference is oneDNN's
 * dnnl_sgemm on a 1024x1024x1024 product, one thread, whatever the build
 * (the machine's practical limit). Prints per network examples/s and
 * GFLOP/s of training and of an evaluation pass (ab_net_evaluate over the
 * same examples), then
 *   machine efficiency NAME: F   (training GFLOP/s / the reference)
 *   eval efficiency NAME: F      (evaluation GFLOP/s / the reference)
 * Each figure is the best of REPS rounds; a round trains an epoch and
 * evaluates once for every network, then times the reference, so a noisy
 * neighbour slows no side alone. Times are CPU seconds of this
 * single-threaded process. */
#include <dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/blas.h"
#include "core/probe.h"
#include "core/trainer.h"
#include "data/dataset.h"

enum { B = 128, C = 10, REPS = 5, REF_N = 1024, REF_CALLS = 8 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
    const char *name;
    ab_model_spec model;
    ab_optim_spec opt;
    float lr;
    long n;                 /* examples per measured epoch */
    ab_trainer t;
    double train_s, eval_s; /* best over the rounds */
    double flops;           /* forward FLOPs per example */
} network;

static ab_layer_spec conv(int units, int k, int pad)
{
    return (ab_layer_spec){AB_LSPEC_CONV, units, k, 1, pad, 0.0f};
}

static ab_layer_spec pool_max(int k, int stride)
{
    return (ab_layer_spec){AB_LSPEC_POOL_MAX, 0, k, stride, 0, 0.0f};
}

static void image_input(ab_model_spec *m)
{
    memset(m, 0, sizeof *m);
    m->n_inputs = 28 * 28, m->in_c = 1, m->in_h = m->in_w = 28, m->n_classes = C;
    m->act = ab_act_default(AB_ACT_RELU);
    ab_init_preset("he_uniform", &m->init);
}

/* configs/cnn_paper.yaml's layers at width w */
static void nin(network *net, const char *name, int w, long batches)
{
    ab_model_spec *m = &net->model;
    image_input(m);
    ab_layer_spec drop = {AB_LSPEC_DROPOUT, 0, 0, 0, 0, 0.5f};
    ab_layer_spec gap = {AB_LSPEC_POOL_GLOBAL_AVG, 0, 0, 0, 0, 0.0f};
    ab_layer_spec l[] = {conv(w, 5, 2), conv(w, 1, 0), conv(w, 1, 0), pool_max(3, 2), drop,
                         conv(w, 5, 2), conv(w, 1, 0), conv(w, 1, 0), pool_max(3, 2), drop,
                         conv(w, 3, 1), conv(w, 1, 0), conv(C, 1, 0), gap};
    m->n_layers = (int)(sizeof l / sizeof *l);
    memcpy(m->layers, l, sizeof l);
    net->name = name;
    net->opt = ab_optim_default(AB_OPT_MOMENTUM);
    net->opt.momentum = 0.9f;
    net->lr = 0.02f;
    net->n = batches * B;
}

static void conv32_64(network *net, long batches)
{
    ab_model_spec *m = &net->model;
    image_input(m);
    ab_layer_spec l[] = {conv(32, 3, 0), pool_max(2, 2), conv(64, 3, 0), pool_max(2, 2),
                         {AB_LSPEC_DENSE, 128, 0, 0, 0, 0.0f}};
    m->n_layers = (int)(sizeof l / sizeof *l);
    memcpy(m->layers, l, sizeof l);
    net->name = "conv32-64";
    net->opt = ab_optim_default(AB_OPT_SGD);
    net->lr = 0.01f;
    net->n = batches * B;
}

/* Forward FLOPs of one example (the rule above). */
static double forward_flops(const ab_net *net)
{
    double f = 0.0;
    for (int i = 0; i < net->n_layers; i++) {
        const ab_layer *l = &net->layers[i];
        if (l->kind == AB_LAYER_DENSE)
            f += 2.0 * l->in_size * l->out_size;
        else if (l->kind == AB_LAYER_CONV)
            f += 2.0 * l->out_c * l->out_h * l->out_w * l->in_c * l->kernel * l->kernel;
    }
    return f;
}

/* Seconds of the best of REF_CALLS dnnl_sgemm 1024^3 products. */
static double reference_seconds(const float *a, const float *b, float *c)
{
    double best = 1e30;
    for (int k = 0; k < REF_CALLS; k++) {
        double t0 = now();
        dnnl_status_t st = dnnl_sgemm('N', 'N', REF_N, REF_N, REF_N, 1.0f, a, REF_N, b, REF_N,
                                      0.0f, c, REF_N);
        double dt = now() - t0;
        if (st != dnnl_success) {
            fprintf(stderr, "bench_networks: dnnl_sgemm failed (%d)\n", (int)st);
            exit(1);
        }
        if (dt < best) best = dt;
    }
    return best;
}

int main(void)
{
    ab_blas_set_threads(1);
    omp_set_num_threads(1); /* the reference's oneDNN, whatever the build */
    char blas[256];
    ab_blas_describe(blas, sizeof blas);
    const dnnl_version_t *v = dnnl_version();
    printf("bench_networks: batch %d, 1x28x28 random images, 1 thread; blas: %s; reference: oneDNN "
           "%d.%d.%d dnnl_sgemm %dx%dx%d\n", B, blas, v->major, v->minor, v->patch, REF_N, REF_N, REF_N);

    network nets[4];
    memset(nets, 0, sizeof nets);
    nin(&nets[0], "nin16", 16, 40);
    nin(&nets[1], "nin32", 32, 20);
    nin(&nets[2], "nin64", 64, 10);
    conv32_64(&nets[3], 40);
    int n_nets = 4;
    long n_max = 0;
    for (int k = 0; k < n_nets; k++)
        if (nets[k].n > n_max) n_max = nets[k].n;

    /* as a loaded image data set: pixel bytes and the floats they scale to */
    float *x = ab_data_alloc((size_t)n_max * 784 * sizeof *x), table[256];
    uint8_t *x8 = ab_data_alloc((size_t)n_max * 784);
    int32_t *y = malloc((size_t)n_max * sizeof *y);
    for (int b = 0; b < 256; b++) table[b] = (float)b / 255.0f;
    ab_rng r;
    ab_rng_seed(&r, 1, "bench-data");
    for (long i = 0; i < n_max * 784; i++) {
        x8[i] = (uint8_t)ab_rng_below(&r, 256);
        x[i] = table[x8[i]];
    }
    for (long i = 0; i < n_max; i++) y[i] = (int32_t)ab_rng_below(&r, C);

    for (int k = 0; k < n_nets; k++) {
        network *nw = &nets[k];
        ab_error err;
        if (ab_trainer_init(&nw->t, &nw->model, &nw->opt, B, nw->n, 1, &err) != AB_OK) {
            fprintf(stderr, "bench_networks: %s: %s\n", nw->name, err.msg);
            return 1;
        }
        ab_trainer_set_bytes(&nw->t, x, x8, table);
        nw->flops = forward_flops(&nw->t.net);
        nw->train_s = nw->eval_s = 1e30;
        ab_trainer_epoch(&nw->t, x, y, 4L * B, nw->lr, 1); /* warm up */
    }
    float *a = malloc((size_t)REF_N * REF_N * sizeof *a), *b = malloc((size_t)REF_N * REF_N * sizeof *b);
    float *c = malloc((size_t)REF_N * REF_N * sizeof *c);
    for (long i = 0; i < (long)REF_N * REF_N; i++)
        a[i] = ab_rng_uniformf(&r, -1.0f, 1.0f), b[i] = ab_rng_uniformf(&r, -1.0f, 1.0f);
    double ref_s = reference_seconds(a, b, c);
    for (int rep = 0; rep < REPS; rep++) {
        for (int k = 0; k < n_nets; k++) {
            network *nw = &nets[k];
            double t0 = now();
            ab_trainer_epoch(&nw->t, x, y, nw->n, nw->lr, 1);
            double dt = now() - t0;
            if (dt < nw->train_s) nw->train_s = dt;
            double loss, acc;
            t0 = now();
            ab_net_evaluate(&nw->t.net, x, y, (int)nw->n, &loss, &acc);
            dt = now() - t0;
            if (dt < nw->eval_s) nw->eval_s = dt;
        }
        double s = reference_seconds(a, b, c);
        if (s < ref_s) ref_s = s;
    }
    double ref = 2.0 * REF_N * REF_N * REF_N / ref_s / 1e9;
    printf("reference: dnnl_sgemm %dx%dx%d, 1 thread: %.1f GFLOP/s (best of %d)\n", REF_N, REF_N,
           REF_N, ref, REF_CALLS * (REPS + 1));
    for (int k = 0; k < n_nets; k++) {
        network *nw = &nets[k];
        double tr = nw->n / nw->train_s, ev = nw->n / nw->eval_s;
        printf("%-9s %5.1f MFLOP forward per example; training %7.0f examples/s (%6.1f s per "
               "55,000), %6.1f GFLOP/s; evaluation %7.0f examples/s, %6.1f GFLOP/s (best of %d, "
               "%ld examples)\n", nw->name, nw->flops / 1e6, tr, 55000.0 / tr, 3.0 * nw->flops * tr / 1e9,
               ev, nw->flops * ev / 1e9, REPS, nw->n);
    }
    for (int k = 0; k < n_nets; k++) {
        network *nw = &nets[k];
        printf("machine efficiency %s: %.3f\n", nw->name, 3.0 * nw->flops * nw->n / nw->train_s / 1e9 / ref);
    }
    for (int k = 0; k < n_nets; k++) {
        network *nw = &nets[k];
        printf("eval efficiency %s: %.3f\n", nw->name, nw->flops * nw->n / nw->eval_s / 1e9 / ref);
    }
    for (int k = 0; k < n_nets; k++) ab_trainer_free(&nets[k].t);
    free(a), free(b), free(c);
    free(x), free(x8), free(y);
    return 0;
}
