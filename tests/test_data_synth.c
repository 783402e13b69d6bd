/* test_data_synth.c: the synthetic sets (same seed, same data; another
 * seed or stream, other data; spirals learnable by a small MLP), the splits
 * (validation from the end, train_limit, data.subset random) and preprocessing against
 * statistics recomputed here from an unprocessed load. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/check.h"
#include "../src/core/rng.h"
#include "../src/data/dataset.h"

static void synth_spec(ab_data_spec *spec, const char *name)
{
    ab_data_spec_default(spec);
    snprintf(spec->dataset, sizeof spec->dataset, "%s", name);
}

static int load(ab_dataset *d, const ab_data_spec *spec, ab_status want, const char *has)
{
    ab_error err = {""};
    ab_status st = ab_data_load(d, spec, &err);
    CHECK(st == want, "%s: status %d, want %d (%s)", spec->dataset, st, want, err.msg);
    CHECK(!has || strstr(err.msg, has), "%s: message \"%s\" lacks \"%s\"", spec->dataset, err.msg,
          has ? has : "");
    CHECK(st == AB_OK || d->mem == NULL, "failed load left memory");
    return st == AB_OK && want == AB_OK;
}

static int same_split(const ab_split *a, const ab_split *b, int features)
{
    return a->n == b->n && memcmp(a->x, b->x, (size_t)a->n * features * sizeof(float)) == 0 &&
           memcmp(a->y, b->y, (size_t)a->n * sizeof(int32_t)) == 0;
}

static void test_determinism(void)
{
    const char *names[] = {"spirals", "blobs", "xor"};
    const int classes[] = {2, 3, 2};
    for (int k = 0; k < 3; k++) {
        ab_data_spec spec;
        ab_dataset a, b, c;
        synth_spec(&spec, names[k]);
        if (!load(&a, &spec, AB_OK, NULL)) continue;
        load(&b, &spec, AB_OK, NULL);
        spec.seed = 2;
        load(&c, &spec, AB_OK, NULL);
        CHECK(a.train.n == 1000 && a.test.n == 500 && a.features == 2 && a.c == 2 && a.h == 1 &&
              a.classes == classes[k], "%s defaults", names[k]);
        CHECK(same_split(&a.train, &b.train, 2) && same_split(&a.test, &b.test, 2),
              "%s: same seed, same data", names[k]);
        CHECK(!same_split(&a.train, &c.train, 2) && !same_split(&a.test, &c.test, 2),
              "%s: another seed, other data", names[k]);
        CHECK(memcmp(a.train.x, a.test.x, 500 * 2 * sizeof(float)) != 0,
              "%s: test drawn from its own stream", names[k]);
        long count[3] = {0}, bad = 0;
        for (long i = 0; i < a.train.n; i++) {
            bad += a.train.y[i] < 0 || a.train.y[i] >= a.classes || !isfinite(a.train.x[2 * i]);
            if (!bad) count[a.train.y[i]]++;
        }
        CHECK(bad == 0 && count[0] > 300 && count[1] > 300, "%s labels: %ld, %ld", names[k],
              count[0], count[1]);
        ab_data_free(&a);
        ab_data_free(&b);
        ab_data_free(&c);
    }
}

static void test_synthetic_options(void)
{
    ab_data_spec spec;
    ab_dataset d;
    synth_spec(&spec, "blobs");
    spec.features = 5;
    spec.classes = 4;
    spec.noise = 0.0;
    spec.n_train = 40;
    spec.n_test = 0;
    if (load(&d, &spec, AB_OK, NULL)) {
        CHECK(d.features == 5 && d.classes == 4 && d.test.n == 0, "blobs options");
        CHECK(memcmp(d.train.x, d.train.x + 4 * 5, 5 * sizeof(float)) == 0 && d.train.y[4] == 0,
              "noise 0: examples of one class sit on its centre");
    }
    ab_data_free(&d);
    synth_spec(&spec, "spirals");
    spec.classes = 5;
    spec.noise = 0.0;
    if (load(&d, &spec, AB_OK, NULL)) {
        int bad = 0;
        for (long i = 0; i < d.train.n; i++) {
            float x = d.train.x[2 * i], y = d.train.x[2 * i + 1];
            bad += x * x + y * y >= 1.0f || d.train.y[i] != i % 5;
        }
        CHECK(d.classes == 5 && bad == 0, "spirals without noise: radius < 1, labels cycle");
    }
    ab_data_free(&d);
    synth_spec(&spec, "xor");
    spec.noise = 0.0;
    if (load(&d, &spec, AB_OK, NULL)) {
        int bad = 0;
        for (long i = 0; i < d.train.n; i++)
            bad += d.train.y[i] != ((d.train.x[2 * i] > 0) != (d.train.x[2 * i + 1] > 0));
        CHECK(bad == 0, "xor labels: %d wrong", bad);
    }
    ab_data_free(&d);
    spec.classes = 3;
    load(&d, &spec, AB_ERR_ARG, "xor has 2 classes");
    synth_spec(&spec, "spirals");
    spec.classes = 1;
    load(&d, &spec, AB_ERR_ARG, "data.classes");
    synth_spec(&spec, "blobs");
    spec.features = 0;
    load(&d, &spec, AB_ERR_ARG, "data.features");
    synth_spec(&spec, "blobs");
    spec.n_train = 0;
    load(&d, &spec, AB_ERR_ARG, "data.n_train");
}

static void test_splits(void)
{
    ab_data_spec spec;
    ab_dataset full, d;
    synth_spec(&spec, "blobs");
    spec.n_train = 100;
    if (!load(&full, &spec, AB_OK, NULL)) return;
    spec.validation = 10;
    if (load(&d, &spec, AB_OK, NULL)) {
        CHECK(d.train.n == 90 && d.val.n == 10 && d.test.n == 500, "validation counts");
        ab_split tail = {.n = 10, .x = full.train.x + 90 * 2, .y = full.train.y + 90};
        ab_split head = {.n = 90, .x = full.train.x, .y = full.train.y};
        CHECK(same_split(&d.val, &tail, 2) && same_split(&d.train, &head, 2) &&
              same_split(&d.test, &full.test, 2), "validation is the end of the training data");
    }
    ab_data_free(&d);
    spec.train_limit = 30;
    if (load(&d, &spec, AB_OK, NULL)) {
        ab_split tail = {.n = 10, .x = full.train.x + 90 * 2, .y = full.train.y + 90};
        ab_split head = {.n = 30, .x = full.train.x, .y = full.train.y};
        CHECK(d.train.n == 30 && same_split(&d.train, &head, 2) && same_split(&d.val, &tail, 2),
              "train_limit keeps the first examples and the same validation set");
        CHECK(d.mem_size >= (30 + 10 + 500) * 3 * sizeof(float), "one allocation holds all");
    }
    ab_data_free(&d);
    spec.train_limit = 1000;
    if (load(&d, &spec, AB_OK, NULL)) CHECK(d.train.n == 90, "train_limit above what there is");
    ab_data_free(&d);
    spec.train_limit = 0;
    spec.validation = 100;
    load(&d, &spec, AB_ERR_ARG, "data.validation: 100 examples");
    spec.validation = -1;
    load(&d, &spec, AB_ERR_ARG, "data.validation: -1 is negative");
    spec.validation = 0;
    spec.train_limit = -5;
    load(&d, &spec, AB_ERR_ARG, "data.train_limit: -5 is negative");
    ab_data_free(&full);
}

/* Largest |got - (raw - shift) / div| over a split, with the per-feature
 * shift and divisor given. */
static double worst_error(const ab_split *got, const ab_split *raw, const double *shift,
                          const double *div, int f)
{
    double worst = 0.0;
    for (long i = 0; i < got->n * f; i++) {
        double want = ((double)raw->x[i] - shift[i % f]) / div[i % f];
        double e = fabs(got->x[i] - want);
        if (!(e <= worst)) worst = e;
    }
    return worst;
}

/* Loading with preprocess p gives (raw - shift) / div on every split. */
/* data.subset random: the loaded split keeps every non-validation example
 * (train_limit is not applied), and ab_subset_draw takes train_limit of
 * them per seed: distinct, in the pool's order, rows and labels copied
 * exactly; the same seed draws the same subset, another seed another one,
 * and validation is the same as with subset first. */
static void test_subset(void)
{
    ab_data_spec spec;
    synth_spec(&spec, "blobs");
    spec.n_train = 1000;
    spec.validation = 200;
    spec.train_limit = 300;
    ab_dataset first, pool;
    if (!load(&first, &spec, AB_OK, NULL)) return;
    spec.subset_random = 1;
    if (!load(&pool, &spec, AB_OK, NULL)) {
        ab_data_free(&first);
        return;
    }
    int F = pool.features;
    CHECK(first.train.n == 300 && pool.train.n == 800, "subset random keeps the %ld non-validation examples "
          "(first: %ld)", pool.train.n, first.train.n);
    CHECK(same_split(&first.val, &pool.val, F), "validation is the same with subset first and random");
    ab_split a, a2, b;
    void *ma = NULL, *ma2 = NULL, *mb = NULL;
    ab_error err = {""};
    CHECK(ab_subset_draw(&a, &ma, &pool.train, F, 300, 1, &err) == AB_OK &&
              ab_subset_draw(&a2, &ma2, &pool.train, F, 300, 1, &err) == AB_OK &&
              ab_subset_draw(&b, &mb, &pool.train, F, 300, 2, &err) == AB_OK,
          "ab_subset_draw: %s", err.msg);
    if (ma && ma2 && mb) {
        CHECK(a.n == 300 && same_split(&a, &a2, F), "the same seed draws the same 300 examples");
        CHECK(!same_split(&a, &b, F), "another seed draws another subset");
        CHECK(!same_split(&a, &first.train, F), "a random subset is not the first 300");
        /* each drawn row is a row of the pool, in increasing pool order, none twice */
        long at = -1, found = 0, from_tail = 0;
        for (long i = 0; i < a.n; i++) {
            long j = at + 1;
            while (j < pool.train.n && memcmp(pool.train.x + (size_t)j * F, a.x + (size_t)i * F, (size_t)F * sizeof(float)))
                j++;
            if (j < pool.train.n && pool.train.y[j] == a.y[i]) found++, at = j;
            from_tail += j >= 300;
        }
        CHECK(found == 300, "every drawn example is a pool row, in pool order, no repeats (%ld of 300)", found);
        CHECK(from_tail > 100, "the draw reaches past the first 300 examples (%ld from the rest)", from_tail);
    }
    free(ma);
    free(ma2);
    free(mb);
    ab_split whole;
    void *mw = (void *)1;
    CHECK(ab_subset_draw(&whole, &mw, &pool.train, F, 0, 1, &err) == AB_OK && mw == NULL &&
              whole.x == pool.train.x && whole.n == pool.train.n,
          "k = 0: the pool itself, nothing copied");
    ab_data_free(&first);
    ab_data_free(&pool);
}

static void check_preprocess(ab_data_spec *spec, ab_preprocess p, const ab_dataset *raw,
                             const double *shift, const double *div, double tol)
{
    ab_dataset d;
    spec->preprocess = p;
    if (!load(&d, spec, AB_OK, NULL)) return;
    double e = worst_error(&d.train, &raw->train, shift, div, raw->features);
    e = fmax(e, worst_error(&d.val, &raw->val, shift, div, raw->features));
    e = fmax(e, worst_error(&d.test, &raw->test, shift, div, raw->features));
    char name[64];
    snprintf(name, sizeof name, "%s with training statistics", ab_preprocess_name(p));
    check_error(name, e, tol);
    ab_data_free(&d);
}

static void test_preprocess(void)
{
    ab_data_spec spec;
    ab_dataset raw, d;
    synth_spec(&spec, "blobs");
    spec.features = 3;
    spec.n_train = 200;
    spec.validation = 50;
    spec.train_limit = 120;
    if (!load(&raw, &spec, AB_OK, NULL)) return;
    /* statistics of the 120 training examples only */
    double mean[3] = {0}, sd[3] = {0}, lo[3], hi[3];
    for (int j = 0; j < 3; j++) lo[j] = hi[j] = raw.train.x[j];
    for (long i = 0; i < 120 * 3; i++) {
        double v = raw.train.x[i];
        mean[i % 3] += v / 120;
        if (v < lo[i % 3]) lo[i % 3] = v;
        if (v > hi[i % 3]) hi[i % 3] = v;
    }
    for (long i = 0; i < 120 * 3; i++) sd[i % 3] += pow(raw.train.x[i] - mean[i % 3], 2) / 120;
    double range[3];
    for (int j = 0; j < 3; j++) {
        sd[j] = sqrt(sd[j]);
        range[j] = hi[j] - lo[j];
    }
    check_preprocess(&spec, AB_PRE_STANDARDIZE, &raw, mean, sd, 1e-5);
    check_preprocess(&spec, AB_PRE_SCALE, &raw, lo, range, 1e-6);
    ab_data_free(&raw);

    /* a constant feature: only shifted */
    synth_spec(&spec, "blobs");
    spec.noise = 0.0;
    spec.classes = 2;
    spec.n_train = 1;
    spec.preprocess = AB_PRE_STANDARDIZE;
    if (load(&d, &spec, AB_OK, NULL)) {
        int bad = 0;
        for (long i = 0; i < d.test.n * 2; i++) bad += !isfinite(d.test.x[i]);
        CHECK(d.train.x[0] == 0.0f && d.train.x[1] == 0.0f && bad == 0,
              "constant features: x - mean, divided by 1");
    }
    ab_data_free(&d);
}

/* A 2-H-H-K ReLU MLP with softmax, trained by plain SGD: just enough to
 * show the default spirals can be learnt. */
enum { H = 32, MAX_K = 8 };
typedef struct {
    float w1[H * 2], b1[H], w2[H * H], b2[H], w3[MAX_K * H], b3[MAX_K];
    int k;
} mlp;

/* h1, h2 (H) and the logits o (k) of input x (2). */
static void mlp_forward(const mlp *n, const float *x, float *h1, float *h2, float *o)
{
    for (int j = 0; j < H; j++)
        h1[j] = fmaxf(0, n->b1[j] + n->w1[2 * j] * x[0] + n->w1[2 * j + 1] * x[1]);
    for (int j = 0; j < H; j++) {
        float a = n->b2[j];
        for (int q = 0; q < H; q++) a += n->w2[j * H + q] * h1[q];
        h2[j] = fmaxf(0, a);
    }
    for (int c = 0; c < n->k; c++) {
        o[c] = n->b3[c];
        for (int q = 0; q < H; q++) o[c] += n->w3[c * H + q] * h2[q];
    }
}

/* Backward through out = w in + b, w (n_out, n_in): g_in += w^T g_out (when
 * g_in is not NULL), then the SGD update of w and b. */
static void dense_step(float *w, float *b, const float *in, int n_in, const float *g_out,
                       int n_out, float *g_in, float lr)
{
    for (int o = 0; o < n_out; o++) {
        for (int q = 0; q < n_in; q++) {
            if (g_in) g_in[q] += w[o * n_in + q] * g_out[o];
            w[o * n_in + q] -= lr * g_out[o] * in[q];
        }
        b[o] -= lr * g_out[o];
    }
}

/* One SGD step on example (x, y) of the cross-entropy loss. */
static void mlp_step(mlp *n, const float *x, int y, float lr)
{
    float h1[H], h2[H], o[MAX_K], g1[H] = {0}, g2[H] = {0}, z = 0, m = -INFINITY;
    mlp_forward(n, x, h1, h2, o);
    for (int c = 0; c < n->k; c++) m = fmaxf(m, o[c]);
    for (int c = 0; c < n->k; c++) z += o[c] = expf(o[c] - m);
    for (int c = 0; c < n->k; c++) o[c] = o[c] / z - (c == y);  /* dloss/dlogit */
    dense_step(n->w3, n->b3, h2, H, o, n->k, g2, lr);
    for (int j = 0; j < H; j++) g2[j] = h2[j] > 0 ? g2[j] : 0;
    dense_step(n->w2, n->b2, h1, H, g2, H, g1, lr);
    for (int j = 0; j < H; j++) g1[j] = h1[j] > 0 ? g1[j] : 0;
    dense_step(n->w1, n->b1, x, 2, g1, H, NULL, lr);
}

static double mlp_accuracy(const ab_dataset *d, int epochs)
{
    mlp n;
    memset(&n, 0, sizeof n);
    n.k = d->classes;
    ab_rng r;
    ab_rng_seed(&r, 7, "init");
    for (int i = 0; i < H * 2; i++) n.w1[i] = (float)ab_rng_normal(&r);
    for (int i = 0; i < H * H; i++) n.w2[i] = (float)(ab_rng_normal(&r) * sqrt(2.0 / H));
    for (int i = 0; i < n.k * H; i++) n.w3[i] = (float)(ab_rng_normal(&r) * sqrt(1.0 / H));
    for (long s = 0; s < epochs * d->train.n; s++) {
        long i = (long)ab_rng_below(&r, (uint64_t)d->train.n);
        mlp_step(&n, d->train.x + 2 * i, d->train.y[i], 0.05f);
    }
    long right = 0;
    for (long i = 0; i < d->test.n; i++) {
        float h1[H], h2[H], o[MAX_K];
        mlp_forward(&n, d->test.x + 2 * i, h1, h2, o);
        int best = 0;
        for (int c = 1; c < n.k; c++) best = o[c] > o[best] ? c : best;
        right += best == d->test.y[i];
    }
    return (double)right / (double)d->test.n;
}

static void test_spirals_learnable(void)
{
    for (int k = 2; k <= 3; k++) {
        ab_data_spec spec;
        ab_dataset d;
        synth_spec(&spec, "spirals");
        spec.classes = k;
        if (!load(&d, &spec, AB_OK, NULL)) continue;
        double acc = mlp_accuracy(&d, 100);
        printf("spirals, %d arms, default noise %g: test accuracy %.3f of a 2-%d-%d-%d MLP\n", k,
               AB_SPIRALS_NOISE, acc, H, H, k);
        CHECK(acc > 0.9, "spirals learnable: accuracy %.3f", acc);
        ab_data_free(&d);
    }
}

int main(void)
{
    test_determinism();
    test_synthetic_options();
    test_splits();
    test_subset();
    test_preprocess();
    test_spirals_learnable();
    return check_done("test_data_synth");
}
