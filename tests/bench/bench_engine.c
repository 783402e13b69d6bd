/* bench_engine.c: `make bench`. Trains a 784-300-100-10 relu network on
 * random pixel bytes shaped like Fashion-MNIST (60,000 examples, 10
 * classes, in memory from ab_data_alloc like a loaded data set, the
 * trainer gathering its batches from the bytes) for EPOCHS epochs
 * (after one unmeasured) with one BLAS thread, at batch 128 and 32,
 * through the real trainer (shuffle, gather, forward, loss, backward, sgd)
 * and the build's BLAS backend (ab_gemm). Prints examples per second and
 * the training step's GFLOP/s, then the GFLOP/s that both backends,
 * OpenBLAS's cblas_sgemm and oneDNN's dnnl_sgemm (this program links
 * both), reach on the same sequence of matrix shapes, measured in the same
 * run. The last line is "efficiency: F", F = step GFLOP/s at batch 128
 * divided by the sgemm rate of the build's own backend. Times are CPU
 * seconds of this (only) thread,
 * so that time spent waiting for a core on a shared machine counts for
 * nothing. The training and the sgemm references are measured interleaved:
 * after every CHUNK_EXAMPLES examples of training (the trainer's per-step
 * callback), the same number of full steps' sgemm calls run, the build's
 * own backend first, on buffers of their own. Each figure is the median
 * over these chunks, and the efficiency is the median of the per-chunk
 * ratios of the training rate to the own backend's rate measured right
 * after it: what slows the machine for a while slows both sides of a ratio
 * alike, and a disturbed chunk moves the median little. The training
 * chunks include what interleaving costs them (each starts with caches
 * that the references have filled: at batch 128 the efficiency came out
 * 1.2% lower with chunks of 16 steps than of 64, the 64 of 8192 examples).
 * After each batch size, one more epoch is timed part by part (the
 * Makefile links this program with -Wl,--wrap for the step's functions,
 * wrapped below): microseconds per step in sgemm, the batch gather and
 * epoch loop, the optimiser, the activations, the bias broadcast and bias
 * gradient, softmax and loss, and the rest of the step. */
#include <cblas.h>
#include <dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/blas.h"
#include "core/trainer.h"
#include "data/dataset.h"

enum { N = 60000, F = 784, C = 10, CHUNK_EXAMPLES = 8192, EPOCHS = 3 };

/* ---- the per-part timing: wrappers of the step's functions ---- */
enum { P_GEMM, P_STEP, P_DENSE, P_ACT, P_LOSS, P_OPTIM, NPARTS };
static double part_s[NPARTS];
static int timing_parts; /* the wrappers add to part_s only while set */

static double now(void);
#define TIMED(part, call)                                                                          \
    do {                                                                                           \
        double t0_ = timing_parts ? now() : 0.0;                                                   \
        call;                                                                                      \
        if (timing_parts) part_s[part] += now() - t0_;                                             \
    } while (0)

void __real_ab_gemm(int ta, int tb, int M, int N_, int K, float alpha, const float *A, int lda,
                    const float *B, int ldb, float beta, float *C_, int ldc);
void __wrap_ab_gemm(int ta, int tb, int M, int N_, int K, float alpha, const float *A, int lda,
                    const float *B, int ldb, float beta, float *C_, int ldc)
{
    TIMED(P_GEMM, __real_ab_gemm(ta, tb, M, N_, K, alpha, A, lda, B, ldb, beta, C_, ldc));
}
void __real_ab_dense_forward(float *y, const float *x, const float *W, const float *b, int B,
                             int in, int out);
void __wrap_ab_dense_forward(float *y, const float *x, const float *W, const float *b, int B,
                             int in, int out)
{
    TIMED(P_DENSE, __real_ab_dense_forward(y, x, W, b, B, in, out));
}
void __real_ab_dense_backward_set(float *dx, float *dW, float *db, const float *dy, const float *x,
                                  const float *W, int B, int in, int out);
void __wrap_ab_dense_backward_set(float *dx, float *dW, float *db, const float *dy, const float *x,
                                  const float *W, int B, int in, int out)
{
    TIMED(P_DENSE, __real_ab_dense_backward_set(dx, dW, db, dy, x, W, B, in, out));
}
void __real_ab_act_layer_forward(float *y, float *slopes, const float *z, const ab_act_spec *a,
                                 const float *alpha, int training, ab_rng *rng, int B, int C_,
                                 int HW);
void __wrap_ab_act_layer_forward(float *y, float *slopes, const float *z, const ab_act_spec *a,
                                 const float *alpha, int training, ab_rng *rng, int B, int C_,
                                 int HW)
{
    TIMED(P_ACT, __real_ab_act_layer_forward(y, slopes, z, a, alpha, training, rng, B, C_, HW));
}
void __real_ab_act_layer_backward(float *dz, float *dalpha, const float *dy, const float *z,
                                  const float *y, const float *slopes, const ab_act_spec *a,
                                  const float *alpha, int training, int B, int C_, int HW);
void __wrap_ab_act_layer_backward(float *dz, float *dalpha, const float *dy, const float *z,
                                  const float *y, const float *slopes, const ab_act_spec *a,
                                  const float *alpha, int training, int B, int C_, int HW)
{
    TIMED(P_ACT, __real_ab_act_layer_backward(dz, dalpha, dy, z, y, slopes, a, alpha, training, B,
                                              C_, HW));
}
double __real_ab_xent_forward(float *probs, const float *logits, const int32_t *labels, int B,
                              int C_, int *correct);
double __wrap_ab_xent_forward(float *probs, const float *logits, const int32_t *labels, int B,
                              int C_, int *correct)
{
    double loss;
    TIMED(P_LOSS, loss = __real_ab_xent_forward(probs, logits, labels, B, C_, correct));
    return loss;
}
void __real_ab_xent_backward(float *dlogits, const float *probs, const int32_t *labels, int B,
                             int C_, float scale);
void __wrap_ab_xent_backward(float *dlogits, const float *probs, const int32_t *labels, int B,
                             int C_, float scale)
{
    TIMED(P_LOSS, __real_ab_xent_backward(dlogits, probs, labels, B, C_, scale));
}
void __real_ab_optim_step_sq(ab_optim *o, float *params, const float *grads,
                             const ab_param_block *blocks, int n_blocks, float lr, double *sq);
void __wrap_ab_optim_step_sq(ab_optim *o, float *params, const float *grads,
                             const ab_param_block *blocks, int n_blocks, float lr, double *sq)
{
    TIMED(P_OPTIM, __real_ab_optim_step_sq(o, params, grads, blocks, n_blocks, lr, sq));
}
void __real_ab_optim_update_blocks(ab_optim *o, float *params, const float *grads,
                                   const ab_param_block *blocks, int n_blocks, float lr, double *sq);
void __wrap_ab_optim_update_blocks(ab_optim *o, float *params, const float *grads,
                                   const ab_param_block *blocks, int n_blocks, float lr, double *sq)
{
    TIMED(P_OPTIM, __real_ab_optim_update_blocks(o, params, grads, blocks, n_blocks, lr, sq));
}
double __real_ab_net_train_step(ab_net *net, ab_optim *opt, float lr, const float *x,
                                const int32_t *y, int B, int *correct);
double __wrap_ab_net_train_step(ab_net *net, ab_optim *opt, float lr, const float *x,
                                const int32_t *y, int B, int *correct)
{
    double loss;
    TIMED(P_STEP, loss = __real_ab_net_train_step(net, opt, lr, x, y, B, correct));
    return loss;
}
static const int WIDTHS[] = {784, 300, 100, 10};
#define NL 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Matrix-product FLOPs of one training step at batch B: forward and dW for
 * every layer, dX for every layer but the first. */
static double step_flops(int B)
{
    double f = 0.0;
    for (int l = 0; l < NL; l++) {
        double mn = (double)WIDTHS[l] * WIDTHS[l + 1];
        f += 2.0 * B * mn * (l == 0 ? 2 : 3);
    }
    return f;
}

/* One sgemm backend, with ab_gemm's arguments. */
typedef void (*gemm_fn)(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                        const float *B, int ldb, float beta, float *C, int ldc);

static void openblas_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                          const float *B, int ldb, float beta, float *C, int ldc)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N,
                K, alpha, A, lda, B, ldb, beta, C, ldc);
}

static void onednn_gemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                        const float *B, int ldb, float beta, float *C, int ldc)
{
    (void)dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

enum { OPENBLAS, ONEDNN, NBACKENDS };
static const char *const BACKEND_NAMES[NBACKENDS] = {"OpenBLAS", "oneDNN"};
static const gemm_fn BACKENDS[NBACKENDS] = {openblas_gemm, onednn_gemm};

/* The same sgemm calls as one training step makes (forward, dW, dX; beta
 * as in dense_layer.c), on scratch buffers. */
static void sgemm_step(gemm_fn gemm, float **x, float **w, float **dy, float **dw, float **dx, int B)
{
    for (int l = 0; l < NL; l++) /* forward y = x W^T */
        gemm(0, 1, B, WIDTHS[l + 1], WIDTHS[l], 1.0f, x[l], WIDTHS[l], w[l], WIDTHS[l], 1.0f,
             x[l + 1], WIDTHS[l + 1]);
    for (int l = NL - 1; l >= 0; l--) {
        gemm(1, 0, WIDTHS[l + 1], WIDTHS[l], B, 1.0f, dy[l], WIDTHS[l + 1], x[l], WIDTHS[l], 0.0f,
             dw[l], WIDTHS[l]); /* the step sets dW (ab_dense_backward_set) */
        if (l > 0)
            gemm(0, 0, B, WIDTHS[l], WIDTHS[l + 1], 1.0f, dy[l], WIDTHS[l + 1], w[l], WIDTHS[l],
                 0.0f, dx[l], WIDTHS[l]);
    }
}

/* The reference's scratch buffers: the shapes of one training step at
 * batch B, allocated once. */
typedef struct {
    float *x[NL + 1], *w[NL], *dy[NL], *dw[NL], *dx[NL];
} ref_bufs;

static void ref_alloc(ref_bufs *r, int B)
{
    ab_rng g;
    ab_rng_seed(&g, 7, "bench");
    for (int l = 0; l <= NL; l++) {
        r->x[l] = malloc((size_t)B * WIDTHS[l] * sizeof(float));
        for (long i = 0; i < (long)B * WIDTHS[l]; i++) r->x[l][i] = ab_rng_uniformf(&g, -1, 1);
    }
    for (int l = 0; l < NL; l++) {
        size_t nw = (size_t)WIDTHS[l] * WIDTHS[l + 1];
        r->w[l] = calloc(nw, sizeof(float));
        r->dw[l] = calloc(nw, sizeof(float));
        r->dy[l] = calloc((size_t)B * WIDTHS[l + 1], sizeof(float));
        r->dx[l] = calloc((size_t)B * WIDTHS[l], sizeof(float));
        for (size_t i = 0; i < nw; i++) r->w[l][i] = ab_rng_uniformf(&g, -0.05f, 0.05f);
    }
}

static void ref_free(ref_bufs *r)
{
    for (int l = 0; l <= NL; l++) free(r->x[l]);
    for (int l = 0; l < NL; l++) free(r->w[l]), free(r->dw[l]), free(r->dy[l]), free(r->dx[l]);
}

/* Seconds for `steps` training steps' worth of sgemm calls at batch B. */
static double sgemm_seconds(gemm_fn gemm, ref_bufs *r, int B, int steps)
{
    double t0 = now();
    for (int s = 0; s < steps; s++) sgemm_step(gemm, r->x, r->w, r->dy, r->dw, r->dx, B);
    return now() - t0;
}

/* The interleaved measurement, run from the trainer's per-step callback. */
enum { MAX_CHUNKS = EPOCHS * N / CHUNK_EXAMPLES + 2 };
typedef struct {
    int B, chunk_steps;
    long steps_per_epoch;
    ref_bufs ref;
    int recording;
    long last_step;   /* the step count at the end of the previous chunk */
    double mark;      /* CPU time then */
    int n;            /* chunks recorded */
    double train_gflops[MAX_CHUNKS], train_examples[MAX_CHUNKS]; /* per second */
    double gemm_gflops[NBACKENDS][MAX_CHUNKS];
} interleave;

/* Examples of step s (1-based over the run, whole epochs of N): the last
 * step of an epoch has the remainder. */
static int step_batch(const interleave *m, long s)
{
    return s % m->steps_per_epoch == 0 && N % m->B ? N % m->B : m->B;
}

static void on_chunk(void *ctx, ab_trainer *t, long step, double lr, double loss)
{
    (void)t, (void)lr, (void)loss;
    interleave *m = ctx;
    if (!m->recording) return;
    double dt = now() - m->mark, flops = 0.0, examples = 0.0;
    for (long s = m->last_step + 1; s <= step; s++) {
        flops += step_flops(step_batch(m, s));
        examples += step_batch(m, s);
    }
    if (m->n < MAX_CHUNKS) {
        m->train_gflops[m->n] = flops / dt / 1e9;
        m->train_examples[m->n] = examples / dt;
        int own = strcmp(ab_blas_backend(), "onednn") == 0 ? ONEDNN : OPENBLAS;
        for (int j = 0; j < NBACKENDS; j++) { /* the build's own backend first */
            int k = j == 0 ? own : 1 - own;
            double g = sgemm_seconds(BACKENDS[k], &m->ref, m->B, m->chunk_steps);
            m->gemm_gflops[k][m->n] = step_flops(m->B) * m->chunk_steps / g / 1e9;
        }
        m->n++;
    }
    m->last_step = step;
    m->mark = now();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile (0 to 1) of v[0..n), n >= 1 (sorts v). */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[(int)(q * (n - 1) + 0.5)];
}

typedef struct {
    double examples, step_gflops, gemm_gflops[NBACKENDS]; /* medians */
    double ratio, ratio_q1, ratio_q3; /* to the own backend: median and quartiles */
    int chunks;
} measured;

/* Trains EPOCHS epochs at batch B (after one unmeasured epoch), the
 * references interleaved; then one more epoch part by part. */
static measured measure(const float *x, const uint8_t *x8, const float *table, const int32_t *y,
                        int B, int own)
{
    ab_model_spec ms = {.n_inputs = F, .in_c = F, .in_h = 1, .in_w = 1, .n_classes = C, .n_hidden = 2,
                        .hidden = {300, 100}, .act = ab_act_default(AB_ACT_RELU)};
    ab_init_preset("he_uniform", &ms.init);
    ab_optim_spec o = ab_optim_default(AB_OPT_SGD);
    ab_trainer t;
    ab_error err;
    if (ab_trainer_init(&t, &ms, &o, B, N, 1, &err) != AB_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    ab_trainer_set_bytes(&t, x, x8, table);
    static interleave m;
    memset(&m, 0, sizeof m);
    m.B = B;
    m.chunk_steps = CHUNK_EXAMPLES / B > 0 ? CHUNK_EXAMPLES / B : 1;
    m.steps_per_epoch = (N + B - 1) / B;
    ref_alloc(&m.ref, B);
    t.every_steps = m.chunk_steps;
    t.on_step = on_chunk;
    t.on_step_ctx = &m;
    ab_trainer_epoch(&t, x, y, N, 0.01f, 1); /* warm up (both references too) */
    m.recording = 1;
    m.last_step = t.steps;
    m.mark = now();
    for (int e = 0; e < EPOCHS; e++) ab_trainer_epoch(&t, x, y, N, 0.01f, 1);
    t.on_step = NULL;
    measured r = {.chunks = m.n};
    double ratio[MAX_CHUNKS];
    for (int i = 0; i < m.n; i++) ratio[i] = m.train_gflops[i] / m.gemm_gflops[own][i];
    r.ratio = quantile(ratio, m.n, 0.5);
    r.ratio_q1 = quantile(ratio, m.n, 0.25);
    r.ratio_q3 = quantile(ratio, m.n, 0.75);
    r.examples = quantile(m.train_examples, m.n, 0.5);
    r.step_gflops = quantile(m.train_gflops, m.n, 0.5);
    for (int k = 0; k < NBACKENDS; k++) r.gemm_gflops[k] = quantile(m.gemm_gflops[k], m.n, 0.5);
    ref_free(&m.ref);
    /* one more epoch, part by part (the timer calls cost a little) */
    memset(part_s, 0, sizeof part_s);
    timing_parts = 1;
    double t0 = now();
    ab_epoch_result e = ab_trainer_epoch(&t, x, y, N, 0.01f, 1);
    double total = now() - t0;
    timing_parts = 0;
    double us = 1e6 / (double)e.steps;
    /* the dense layers' own time is their bias loops; the step's own
     * time is what none of its parts took (zeroing, dispatch) */
    double gemm = part_s[P_GEMM], dense = part_s[P_DENSE] - gemm;
    double rest = part_s[P_STEP] - part_s[P_DENSE] - part_s[P_ACT] - part_s[P_LOSS] - part_s[P_OPTIM];
    printf("batch %3d, us per step: sgemm %.0f, batch gather and epoch loop %.0f, optimiser %.0f, "
           "activations %.0f, bias and bias gradient %.0f, softmax and loss %.0f, rest of the step "
           "%.0f; total %.0f\n",
           B, gemm * us, (total - part_s[P_STEP]) * us, part_s[P_OPTIM] * us, part_s[P_ACT] * us,
           dense * us, part_s[P_LOSS] * us, rest * us, total * us);
    ab_trainer_free(&t);
    return r;
}

int main(void)
{
    ab_blas_set_threads(1);
    openblas_set_num_threads(1);
    omp_set_num_threads(1);
    int own = strcmp(ab_blas_backend(), "onednn") == 0 ? ONEDNN : OPENBLAS;
    char blas[256];
    ab_blas_describe(blas, sizeof blas);
    printf("bench: 784-300-100-10 relu, sgd, %d epochs of %d random byte images, 1 thread, CPU "
           "time, sgemm references interleaved every %d examples\n", EPOCHS, N, CHUNK_EXAMPLES);
    printf("blas: %s (this build's ab_gemm; sgemm rates of both backends below)\n", blas);
    const dnnl_version_t *dv = dnnl_version();
    printf("sgemm backends: %s (core %s), oneDNN %d.%d.%d\n", openblas_get_config(),
           openblas_get_corename(), dv->major, dv->minor, dv->patch);
    /* as a loaded image data set: pixel bytes, and the floats they scale to
     * (split.c), which the trainer gathers from the bytes */
    float *x = ab_data_alloc((size_t)N * F * sizeof *x), table[256];
    uint8_t *x8 = ab_data_alloc((size_t)N * F);
    int32_t *y = malloc((size_t)N * sizeof *y);
    for (int b = 0; b < 256; b++) table[b] = (float)b / 255.0f;
    ab_rng r;
    ab_rng_seed(&r, 1, "bench-data");
    for (long i = 0; i < (long)N * F; i++) {
        x8[i] = (uint8_t)ab_rng_below(&r, 256);
        x[i] = table[x8[i]];
    }
    for (long i = 0; i < N; i++) y[i] = (int32_t)ab_rng_below(&r, C);
    const int batches[] = {128, 32};
    double eff128 = 0.0;
    for (int k = 0; k < 2; k++) {
        int B = batches[k];
        measured m = measure(x, x8, table, y, B, own);
        printf("batch %3d: %9.0f examples/s, training step %6.2f GFLOP/s; sgemm same shapes: "
               "%s %6.2f, %s %6.2f GFLOP/s; ratio to %s %.3f (median of %d interleaved chunks, "
               "quartiles %.3f-%.3f)\n",
               B, m.examples, m.step_gflops, BACKEND_NAMES[OPENBLAS], m.gemm_gflops[OPENBLAS],
               BACKEND_NAMES[ONEDNN], m.gemm_gflops[ONEDNN], BACKEND_NAMES[own], m.ratio, m.chunks,
               m.ratio_q1, m.ratio_q3);
        if (B == 128) eff128 = m.ratio;
    }
    free(x);
    free(x8);
    free(y);
    printf("efficiency: %.3f\n", eff128);
    return 0;
}
