/* bench_cnn.c: `make bench`, the convolutional network. Trains
 * conv(32,3x3)-maxpool2-conv(64,3x3)-maxpool2-dense(128)-dense(10), relu,
 * sgd, on random pixel bytes shaped like Fashion-MNIST (1x28x28, 10
 * classes; the trainer gathers its batches from the bytes, as from a
 * loaded data set) at batch 128 with one BLAS thread, through the real
 * trainer (shuffle, gather, forward, loss, backward, update). Prints:
 *  - the conv layers alone (forward and backward, im2col and col2im
 *    included) in GFLOP/s, with one sgemm per image, per 8 images and for
 *    the whole batch (the engine uses one per image, see conv_layer.c);
 *  - training examples per second, and the training step's GFLOP/s;
 *  - the GFLOP/s cblas_sgemm reaches on the same sequence of matrix shapes
 *    (the im2col products and the dense ones) measured in the same run;
 *  - "cnn efficiency: F", F = step GFLOP/s / that sgemm rate.
 * Training and sgemm are the best of REPS alternating measurements (an
 * epoch of training, then the same number of steps of sgemm calls), so a
 * noisy neighbour on a shared machine slows neither alone; the line before
 * the efficiency gives each pair's own ratio and their median, to show how
 * steady the figure is. Times are the CPU time of this (single-threaded)
 * process, which on an idle machine is the wall time and on a shared one
 * leaves out the waits for a core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/blas.h"
#include "core/trainer.h"
#include "data/dataset.h"

enum { B = 128, N = 128 * 40, C = 10, REPS = 7, LAYER_REPS = 10 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ab_model_spec model(void)
{
    ab_model_spec m;
    memset(&m, 0, sizeof m);
    m.n_inputs = 28 * 28, m.in_c = 1, m.in_h = m.in_w = 28, m.n_classes = C;
    m.n_layers = 5;
    m.layers[0] = (ab_layer_spec){AB_LSPEC_CONV, 32, 3, 1, 0, 0.0f};
    m.layers[1] = (ab_layer_spec){AB_LSPEC_POOL_MAX, 0, 2, 2, 0, 0.0f};
    m.layers[2] = (ab_layer_spec){AB_LSPEC_CONV, 64, 3, 1, 0, 0.0f};
    m.layers[3] = (ab_layer_spec){AB_LSPEC_POOL_MAX, 0, 2, 2, 0, 0.0f};
    m.layers[4] = (ab_layer_spec){AB_LSPEC_DENSE, 128, 0, 0, 0, 0.0f};
    m.act = ab_act_default(AB_ACT_RELU);
    ab_init_preset("he_uniform", &m.init);
    return m;
}

static ab_conv_shape conv_shape(const ab_layer *l)
{
    ab_conv_shape s = {l->in_c, l->in_h, l->in_w, l->out_c, l->kernel, l->stride, l->pad,
                       l->out_h, l->out_w};
    return s;
}

/* Matrix-product FLOPs of layer i at batch n: forward, dW, and dX unless
 * it is the first layer. */
static double layer_flops(const ab_net *net, int i, int n)
{
    const ab_layer *l = &net->layers[i];
    double mnk;
    if (l->kind == AB_LAYER_DENSE) mnk = (double)l->in_size * l->out_size;
    else if (l->kind == AB_LAYER_CONV)
        mnk = (double)l->out_c * l->out_h * l->out_w * l->in_c * l->kernel * l->kernel;
    else return 0.0;
    return 2.0 * n * mnk * (i == 0 ? 2 : 3);
}

static double step_flops(const ab_net *net, int n, int conv_only)
{
    double f = 0.0;
    for (int i = 0; i < net->n_layers; i++)
        if (!conv_only || net->layers[i].kind == AB_LAYER_CONV) f += layer_flops(net, i, n);
    return f;
}

/* Scratch operands for the sgemm replay, large enough for any product. */
typedef struct {
    float *a, *b, *c;
} scratch;

static float *filled(size_t n, ab_rng *r)
{
    float *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = ab_rng_uniformf(r, -0.1f, 0.1f);
    return p;
}

/* The sgemm calls one training step makes (conv_layer.c, dense_layer.c),
 * with the engine's images per sgemm, on scratch operands: the same shapes,
 * transposes and beta (the step sets the dense layers' weight gradients,
 * beta 0, and adds each image's into a conv layer's, beta 1). */
static void sgemm_step(const ab_net *net, const scratch *s)
{
    int G = ab_conv_group(B);
    for (int pass = 0; pass < 2; pass++) /* 0: forward, 1: backward (in reverse) */
        for (int k = 0; k < net->n_layers; k++) {
            int i = pass == 0 ? k : net->n_layers - 1 - k;
            const ab_layer *l = &net->layers[i];
            if (l->kind == AB_LAYER_DENSE) {
                int in = l->in_size, out = l->out_size;
                if (pass == 0) {
                    ab_gemm(0, 1, B, out, in, 1.0f, s->a, in, s->b, in, 1.0f, s->c, out);
                } else {
                    ab_gemm(1, 0, out, in, B, 1.0f, s->a, out, s->b, in, 0.0f, s->c, in);
                    if (i > 0) ab_gemm(0, 0, B, in, out, 1.0f, s->a, out, s->b, in, 0.0f, s->c, in);
                }
            } else if (l->kind == AB_LAYER_CONV) {
                int oc = l->out_c, ckk = l->in_c * l->kernel * l->kernel;
                int cols = l->out_h * l->out_w * G;
                for (int g = 0; g < B / G; g++) {
                    if (pass == 0) {
                        ab_gemm(0, 0, oc, cols, ckk, 1.0f, s->a, ckk, s->b, cols, G == 1 ? 1.0f : 0.0f, s->c, cols);
                    } else {
                        ab_gemm(0, 1, oc, ckk, cols, 1.0f, s->a, cols, s->b, cols, 1.0f, s->c, ckk);
                        if (i > 0) ab_gemm(1, 0, ckk, cols, oc, 1.0f, s->a, ckk, s->b, cols, 0.0f, s->c, cols);
                    }
                }
            }
        }
}

/* Seconds of the conv layers' forward and backward over LAYER_REPS batches
 * with `group` images per sgemm, on the network's own buffers. */
static double conv_layers_seconds(ab_net *net, const float *x, int group)
{
    size_t need = 0;
    for (int i = 0; i < net->n_layers; i++)
        if (net->layers[i].kind == AB_LAYER_CONV) {
            ab_conv_shape cs = conv_shape(&net->layers[i]);
            size_t w = ab_conv_workspace_group(&cs, group);
            if (w > need) need = w;
        }
    float *ws = malloc((need + 1) * sizeof *ws);
    ab_net_forward(net, x, B); /* realistic activations in every buffer */
    double t0 = now();
    for (int r = 0; r < LAYER_REPS; r++)
        for (int i = 0; i < net->n_layers; i++) {
            ab_layer *l = &net->layers[i];
            if (l->kind != AB_LAYER_CONV) continue;
            ab_conv_shape cs = conv_shape(l);
            const float *in = i == 0 ? x : net->acts[i];
            float *p = net->params + l->param_off, *g = net->grads + l->param_off;
            size_t nw = l->n_params - (size_t)l->out_c;
            ab_conv_forward_group(net->acts[i + 1], ws, in, p, p + nw, &cs, B, group);
            ab_conv_backward_group(i == 0 ? NULL : net->dacts[i], g, g + nw, ws, net->dacts[i + 1],
                                   in, p, &cs, B, group);
        }
    double dt = now() - t0;
    free(ws);
    return dt;
}

int main(void)
{
    ab_blas_set_threads(1);
    char blas[256];
    ab_blas_describe(blas, sizeof blas);
    printf("bench_cnn: conv(32,3x3)-maxpool2-conv(64,3x3)-maxpool2-dense(128)-dense(10), relu, sgd, "
           "1x28x28, batch %d, %d random examples per epoch, 1 thread\n", B, N);
    printf("blas: %s\n", blas);
    /* as a loaded image data set: pixel bytes and the floats they scale to
     * (split.c); the trainer gathers its batches from the bytes */
    float *x = ab_data_alloc((size_t)N * 784 * sizeof *x), table[256];
    uint8_t *x8 = ab_data_alloc((size_t)N * 784);
    int32_t *y = malloc((size_t)N * sizeof *y);
    for (int b = 0; b < 256; b++) table[b] = (float)b / 255.0f;
    ab_rng r;
    ab_rng_seed(&r, 1, "bench-data");
    for (long i = 0; i < (long)N * 784; i++) {
        x8[i] = (uint8_t)ab_rng_below(&r, 256);
        x[i] = table[x8[i]];
    }
    for (long i = 0; i < N; i++) y[i] = (int32_t)ab_rng_below(&r, C);

    ab_model_spec m = model();
    ab_optim_spec o = ab_optim_default(AB_OPT_SGD);
    ab_trainer t;
    ab_error err;
    if (ab_trainer_init(&t, &m, &o, B, N, 1, &err) != AB_OK) {
        fprintf(stderr, "bench_cnn: %s\n", err.msg);
        return 1;
    }
    ab_trainer_set_bytes(&t, x, x8, table);
    double cflops = step_flops(&t.net, B, 1) * LAYER_REPS;
    static const int groups[] = {1, 8, B};
    for (int k = 0; k < 3; k++) {
        int group = groups[k];
        double best = 1e30;
        for (int rep = 0; rep < REPS; rep++) {
            double s = conv_layers_seconds(&t.net, x, group);
            if (s < best) best = s;
        }
        printf("conv layers (forward + backward, im2col and col2im included), %3d image%s per sgemm: "
               "%6.2f GFLOP/s%s\n", group, group == 1 ? " " : "s", cflops / best / 1e9,
               group == ab_conv_group(B) ? "  <- the engine's choice" : "");
    }

    scratch s;
    size_t big = 8u << 20;
    s.a = filled(big, &r), s.b = filled(big, &r), s.c = filled(big, &r);
    ab_trainer_epoch(&t, x, y, 10L * B, 0.01f, 1); /* warm up */
    sgemm_step(&t.net, &s);
    long steps = N / B;
    double train_s = 1e30, gemm_s = 1e30, examples = 0.0, ratio[REPS];
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now();
        ab_epoch_result e = ab_trainer_epoch(&t, x, y, N, 0.01f, 1);
        double dt = now() - t0, dg;
        examples = (double)e.examples;
        if (dt < train_s) train_s = dt;
        t0 = now();
        for (long k = 0; k < steps; k++) sgemm_step(&t.net, &s);
        dg = now() - t0;
        if (dg < gemm_s) gemm_s = dg;
        ratio[rep] = dg / dt;
    }
    double flops = step_flops(&t.net, B, 0) * steps;
    double step = flops / train_s / 1e9, gemm = flops / gemm_s / 1e9;
    printf("training: %.0f examples/s (%.1f s per 60,000-example epoch), step %.2f GFLOP/s "
           "(%.1f MFLOP per example); sgemm on the same shapes %.2f GFLOP/s (both best of %d)\n",
           examples / train_s, 60000.0 / (examples / train_s), step, flops / examples / 1e6, gemm, REPS);
    printf("each pair's ratio (training then sgemm, in order):");
    for (int rep = 0; rep < REPS; rep++) printf(" %.3f", ratio[rep]);
    qsort(ratio, REPS, sizeof *ratio, cmp_double);
    printf("; median %.3f\n", ratio[REPS / 2]);
    printf("cnn efficiency: %.3f\n", step / gemm);
    ab_trainer_free(&t);
    free(s.a), free(s.b), free(s.c);
    free(x);
    free(x8);
    free(y);
    return 0;
}
