/* test_cnn.c: convolutional networks as a whole. Finite-difference checks
 * of every parameter gradient of two small CNNs (conv, max and average
 * pooling, global average pooling, dropout with its mask replayed, strided
 * and padded convs, a 1x1 conv, dense layers) for every activation, PReLU
 * per layer and per channel included; a conv kernel's initialiser fans;
 * dead-channel counting on a hand-built case; data augmentation (flip and
 * crop exactness, determinism); a small CNN learning a synthetic image task
 * (oriented bars) with bit-identical parameters from the same seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/augment.h"
#include "../src/core/model_shape.h"
#include "../src/core/network.h"
#include "../src/core/probe.h"
#include "../src/core/trainer.h"
#include "support/check.h"
#include "support/gradcheck.h"

#define TOL 1e-2
#define NET_EPS 1e-2f /* as test_dense: above the float32 noise of the loss */

static ab_layer_spec conv(int filters, int k, int stride, int pad)
{
    ab_layer_spec l = {AB_LSPEC_CONV, filters, k, stride, pad, 0.0f};
    return l;
}
static ab_layer_spec pool(ab_lspec_kind kind, int k, int stride)
{
    ab_layer_spec l = {kind, 0, k, stride, 0, 0.0f};
    return l;
}
static ab_layer_spec dense(int units)
{
    ab_layer_spec l = {AB_LSPEC_DENSE, units, 0, 0, 0, 0.0f};
    return l;
}
static ab_layer_spec dropout(float rate)
{
    ab_layer_spec l = {AB_LSPEC_DROPOUT, 0, 0, 0, 0, rate};
    return l;
}

/* An image model c x h x w with the given layers. */
static ab_model_spec cnn_model(int c, int h, int w, const ab_layer_spec *layers, int n,
                               int classes, ab_act_spec act)
{
    ab_model_spec s = gc_model(c * h * w, NULL, 0, classes, act);
    s.in_c = c, s.in_h = h, s.in_w = w;
    s.n_layers = n;
    for (int i = 0; i < n; i++) s.layers[i] = layers[i];
    return s;
}

/* ---- whole-network gradient checks ---- */

enum { NB = 3, NCLS = 3 };

typedef struct {
    ab_net *net;
    const float *x;
    const int32_t *y;
    ab_rng rrelu0, dropout0; /* every forward replays the same slopes and masks */
} net_case;

static double net_loss(void *ctx)
{
    net_case *c = ctx;
    int correct;
    c->net->rrelu_rng = c->rrelu0;
    c->net->dropout_rng = c->dropout0;
    ab_net_forward(c->net, c->x, NB);
    return ab_net_loss(c->net, c->y, NB, &correct);
}

/* 1 when the activation's derivative jumps at 0. */
static int kinked(const ab_act_spec *a)
{
    switch (a->kind) {
    case AB_ACT_RELU: case AB_ACT_LEAKY_RELU: case AB_ACT_RRELU: case AB_ACT_PRELU: case AB_ACT_SELU:
        return 1;
    case AB_ACT_ELU:
        return a->alpha != 1.0f;
    default:
        return 0;
    }
}

/* The piecewise pattern of the last forward: which side of 0 every
 * pre-activation of a kinked activation lies (z > 0 and z >= 0, for the
 * kinks of relu and rrelu) and every max-pooling argmax. */
static uint64_t pattern(const ab_net *net, int B)
{
    uint64_t h = 0;
    for (int i = 0; i < net->n_layers; i++) {
        const ab_layer *l = &net->layers[i];
        long n = (long)B * l->out_size;
        if (l->kind == AB_LAYER_ACTIVATION && kinked(&l->act)) {
            const float *z = net->acts[i];
            for (long k = 0; k < n; k++) {
                unsigned char side = (unsigned char)((z[k] > 0.0f) + 2 * (z[k] >= 0.0f));
                h = ab_hash64(&side, 1, h);
            }
        } else if (l->kind == AB_LAYER_MAX_POOL) {
            h = ab_hash64(l->argmax, (unsigned long)n * sizeof *l->argmax, h);
        }
    }
    return h;
}

/* Central differences of every parameter like gc_numeric_grad, with the
 * step eps; a parameter whose step moves the forward pass across a kink (a
 * pre-activation changing side of 0, a max pool changing its winner) is
 * tried again with steps eps/5 and eps/25, and when every step crosses one
 * it has no finite-difference derivative here: marked in skip, not compared.
 * step[i] receives the step used (the float noise of a difference grows as
 * 1/step). */
static int numeric_grad_smooth(float *out, float *step, unsigned char *skip, net_case *c, float eps)
{
    ab_net *net = c->net;
    float *p = net->params;
    net_loss(c);
    uint64_t base = pattern(net, NB);
    int skipped = 0;
    for (size_t i = 0; i < net->n_params; i++) {
        float keep = p[i];
        skip[i] = 1;
        for (float e = eps; skip[i] && e >= eps / 30.0f; e /= 5.0f) {
            float hi = keep + e, lo = keep - e;
            p[i] = hi;
            double fh = net_loss(c);
            uint64_t ph = pattern(net, NB);
            p[i] = lo;
            double fl = net_loss(c);
            uint64_t pl = pattern(net, NB);
            out[i] = (float)((fh - fl) / ((double)hi - (double)lo));
            skip[i] = ph != base || pl != base;
            step[i] = e;
        }
        p[i] = keep;
        skipped += skip[i];
    }
    return skipped;
}

static int g_arch;

static void check_net(const char *name, ab_act_spec act, int training)
{
    static const int32_t y[NB] = {0, 2, 1};
    ab_layer_spec a[] = {conv(3, 3, 1, 1), pool(AB_LSPEC_POOL_MAX, 2, 2), conv(4, 2, 1, 0),
                         dropout(0.3f), dense(5)};
    ab_layer_spec b[] = {conv(3, 1, 1, 0), pool(AB_LSPEC_POOL_AVG, 2, 1), conv(2, 3, 2, 1),
                         conv(3, 5, 1, 2), pool(AB_LSPEC_POOL_GLOBAL_AVG, 0, 0)};
    const char *arch = g_arch == 0 ? "2x6x6 conv3x3-maxpool-conv2x2-dropout-dense5"
                                   : "2x6x6 conv1x1-avgpool-conv3x3/2-conv5x5 same-global_avg";
    ab_model_spec spec = g_arch == 0 ? cnn_model(2, 6, 6, a, 5, NCLS, act)
                                     : cnn_model(2, 6, 6, b, 5, NCLS, act);
    ab_net net;
    gc_build(&net, &spec, NB, 61, 62);
    net.training = training;
    ab_rng r;
    ab_rng_seed(&r, 63, "cnn-x");
    float x[NB * 72];
    gc_fill_uniform(x, NB * 72, &r, -1.5f, 1.5f);
    /* biases start at 0: give them values so every term is exercised */
    for (int l = 0; l < net.n_layers; l++) {
        ab_layer *L = &net.layers[l];
        if (L->kind != AB_LAYER_DENSE && L->kind != AB_LAYER_CONV) continue;
        gc_fill_uniform(net.params + L->param_off + L->n_params - L->out_c, L->out_c, &r, -0.3f, 0.3f);
    }
    /* prelu alphas apart from each other */
    for (int h = 0; h < net.n_hidden; h++) {
        int na;
        float *al = (float *)ab_net_prelu_alpha(&net, h, &na);
        if (al) gc_fill_uniform(al, na, &r, 0.1f, 0.4f);
    }
    net_case c = {&net, x, y, net.rrelu_rng, net.dropout_rng};
    ab_net_zero_grads(&net);
    net_loss(&c);
    ab_net_backward(&net, x, y, NB);
    float *num = gc_floats((long)net.n_params), *step = gc_floats((long)net.n_params);
    unsigned char *skip = calloc(net.n_params, 1);
    int skipped = numeric_grad_smooth(num, step, skip, &c, NET_EPS);
    /* relative error |a-b| / max(floor, |a|+|b|), the floor 3e-3 at the
     * full step and larger in proportion for the smaller steps: the float32
     * noise of the loss (a few 1e-7) over the step, so a gradient of 3e-5
     * or less is compared in absolute terms (rrelu paper training needs
     * it: a parameter next to a kink, checked at step eps/25) */
    double worst = 0.0;
    for (size_t i = 0; i < net.n_params; i++) {
        if (skip[i]) continue;
        double a = net.grads[i], b = num[i], fl = 3e-3 * NET_EPS / step[i];
        double r = fabs(a - b) / fmax(fl, fabs(a) + fabs(b));
        worst = isnan(r) ? INFINITY : fmax(worst, r);
    }
    char label[240];
    snprintf(label, sizeof label, "CNN %s %s%s: %zu parameter gradients (%d across a kink skipped)",
             arch, name, training ? "" : " (evaluation)", net.n_params - skipped, skipped);
    check_error(label, worst, TOL);
    /* every parameter block (each kernel, bias, alpha) mostly checked */
    int thin = 0;
    for (int k = 0; k < net.n_blocks; k++) {
        size_t checked = 0;
        for (size_t i = 0; i < net.blocks[k].n; i++) checked += !skip[net.blocks[k].off + i];
        thin += checked * 2 < net.blocks[k].n;
    }
    CHECK(skipped * 4 <= (int)net.n_params && thin == 0,
          "%s: at most a quarter skipped, and at least half of each of the %d parameter blocks checked (%d are not)",
          label, net.n_blocks, thin);
    free(num);
    free(step);
    free(skip);
    ab_net_free(&net);
}

static void check_nets(void)
{
    for (g_arch = 0; g_arch < 2; g_arch++) gc_each_act_variant(check_net);
    /* dropout in evaluation mode: the identity */
    g_arch = 0;
    check_net("relu", ab_act_default(AB_ACT_RELU), 0);
}

/* ---- building: shapes, parameters, initialiser fans ---- */

static void check_build(void)
{
    ab_layer_spec l[] = {conv(32, 3, 1, 0), pool(AB_LSPEC_POOL_MAX, 2, 2), conv(64, 3, 1, 0),
                         pool(AB_LSPEC_POOL_MAX, 2, 2), dense(128)};
    ab_act_spec act = ab_act_default(AB_ACT_PRELU);
    act.prelu_per_unit = 1;
    ab_model_spec s = cnn_model(1, 28, 28, l, 5, 10, act);
    ab_net net;
    gc_build(&net, &s, 4, 1, 2);
    /* 28 -conv3-> 26 -pool-> 13 -conv3-> 11 -pool-> 5: 64*25 = 1600 into the dense layer */
    size_t want = (32 * 9 + 32 + 32) + (64 * 32 * 9 + 64 + 64) + (1600 * 128 + 128 + 128) + (128 * 10 + 10);
    CHECK(net.n_params == want, "parameters %zu, want %zu", net.n_params, want);
    ab_layer_shape sh[AB_MAX_HIDDEN + 1];
    int n, bad;
    size_t total;
    ab_error err;
    CHECK(ab_model_shapes(&s, sh, &n, &total, &bad, &err) == AB_OK && total == net.n_params,
          "model_shape's parameter count %zu equals the network's %zu", total, net.n_params);
    CHECK(net.n_hidden == 3 && ab_net_hidden_is_conv(&net, 0) && ab_net_hidden_is_conv(&net, 1) &&
              !ab_net_hidden_is_conv(&net, 2),
          "hidden layers: %d (conv, conv, dense)", net.n_hidden);
    CHECK(ab_net_hidden_units(&net, 1) == 64 && ab_net_hidden_positions(&net, 1) == 121 &&
              ab_net_hidden_units(&net, 2) == 128 && ab_net_hidden_positions(&net, 2) == 1,
          "hidden layer 2 is 64 channels of 11x11, layer 3 is 128 units");
    int na;
    CHECK(ab_net_prelu_alpha(&net, 1, &na) && na == 64, "prelu per channel: 64 alphas, got %d", na);
    /* he_uniform on conv 2: fan_in = 32*3*3 = 288, limit sqrt(6/288) (leak-aware gain off) */
    size_t nw;
    const float *w = ab_net_hidden_weights(&net, 1, &nw);
    double lim = sqrt(6.0 / 288.0), mx = 0.0, sq = 0.0;
    for (size_t i = 0; i < nw; i++) mx = fmax(mx, fabs(w[i])), sq += (double)w[i] * w[i];
    CHECK(nw == 64 * 288 && mx <= lim && mx > 0.97 * lim, "conv kernel he_uniform: %zu weights, max %g, limit %g", nw, mx, lim);
    check_close("conv kernel he_uniform variance 2/fan_in (fan_in = 288)", sq / nw, 2.0 / 288.0, 0.05 * 2.0 / 288.0);
    ab_net_free(&net);
    /* glorot (fan_avg) with the leak-aware gain: fan_out = 64*9 = 576 */
    s.init.mode = AB_FAN_AVG;
    s.init.scale = 1.0f;
    s.init.leaky_gain = 1;
    gc_build(&net, &s, 4, 1, 2);
    w = ab_net_hidden_weights(&net, 1, &nw);
    sq = 0.0;
    for (size_t i = 0; i < nw; i++) sq += (double)w[i] * w[i];
    double v = 1.0 / (0.5 * (288 + 576)) / (1.0 + 0.25 * 0.25);
    check_close("conv kernel fan_avg (288 + 576)/2 with the leak gain 1/(1+0.25^2): variance", sq / nw, v, 0.05 * v);
    ab_net_free(&net);
    /* a conv on flat data is refused with the layer named */
    ab_model_spec flat = cnn_model(8, 1, 1, l, 1, 3, ab_act_default(AB_ACT_RELU));
    ab_error e = {{0}};
    ab_rng r;
    ab_rng_seed(&r, 1, "init");
    CHECK(ab_net_build(&net, &flat, 2, &r, 1, &e) == AB_ERR_ARG && strstr(e.msg, "layer 1"),
          "conv on flat input refused: %s", e.msg);
}

/* ---- model_shape: shapes, parameter counts and refusals ---- */

static void check_shapes(void)
{
    ab_act_spec relu = ab_act_default(AB_ACT_RELU);
    ab_layer_spec l[] = {conv(8, 5, 2, 2), pool(AB_LSPEC_POOL_AVG, 3, 2), conv(4, 1, 1, 0),
                         dropout(0.5f), pool(AB_LSPEC_POOL_GLOBAL_AVG, 0, 0), dense(6)};
    ab_model_spec s = cnn_model(3, 32, 30, l, 6, 5, relu);
    ab_layer_shape sh[AB_MAX_HIDDEN + 1];
    int n, bad;
    size_t total;
    ab_error err;
    ab_status st = ab_model_shapes(&s, sh, &n, &total, &bad, &err);
    /* 32x30 -conv5/2 pad2-> 16x15 -avg3/2-> 7x7 -conv1-> 7x7 -> 1x1 -> 6 -> 5 */
    int want[][3] = {{8, 16, 15}, {8, 7, 7}, {4, 7, 7}, {4, 7, 7}, {4, 1, 1}, {6, 1, 1}, {5, 1, 1}};
    int wrong = st != AB_OK || n != 7;
    for (int i = 0; i < 7 && !wrong; i++)
        wrong += sh[i].c != want[i][0] || sh[i].h != want[i][1] || sh[i].w != want[i][2];
    size_t params = (8 * 3 * 25 + 8) + (4 * 8 + 4) + (4 * 6 + 6) + (6 * 5 + 5);
    CHECK(!wrong && total == params, "shapes of a strided, padded, pooled model (%d wrong, %zu parameters, want %zu)",
          wrong, total, params);
    ab_net net;
    gc_build(&net, &s, 2, 1, 2);
    CHECK(net.n_params == total && net.layers[net.n_layers - 2].in_size == 6,
          "the network builds what model_shape computed (%zu parameters)", net.n_params);
    ab_net_free(&net);
    /* refusals name the layer and what it received */
    struct {
        ab_layer_spec l[2];
        int n, c, h, w, bad;
        const char *says;
    } bad_cases[] = {
        {{dense(4), conv(2, 3, 1, 0)}, 2, 1, 8, 8, 1, "flat input"},
        {{conv(2, 9, 1, 0)}, 1, 1, 8, 8, 0, "does not fit"},
        {{conv(2, 3, 1, 3)}, 1, 1, 8, 8, 0, "padding"},
        {{conv(2, 0, 1, 0)}, 1, 1, 8, 8, 0, "kernel"},
        {{pool(AB_LSPEC_POOL_MAX, 9, 9)}, 1, 1, 8, 8, 0, "larger than the image"},
        {{dropout(1.0f)}, 1, 1, 8, 8, 0, "[0, 1)"},
        {{conv(2, 3, 1, 0)}, 1, 8, 1, 1, 0, "flat input"},
    };
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        ab_model_spec b = cnn_model(bad_cases[i].c, bad_cases[i].h, bad_cases[i].w, bad_cases[i].l,
                                    bad_cases[i].n, 3, relu);
        err.msg[0] = '\0';
        st = ab_model_shapes(&b, sh, &n, &total, &bad, &err);
        CHECK(st == AB_ERR_ARG && bad == bad_cases[i].bad && strstr(err.msg, bad_cases[i].says),
              "bad model %zu refused at layer %d (want %d): %s", i, bad, bad_cases[i].bad, err.msg);
    }
}

/* ---- dead channels ---- */

static void check_dead_channels(void)
{
    ab_layer_spec l[] = {conv(3, 3, 1, 1)};
    ab_model_spec s = cnn_model(1, 5, 5, l, 1, 2, ab_act_default(AB_ACT_RELU));
    ab_net net;
    gc_build(&net, &s, 2, 1, 2);
    float *W = net.params + net.layers[0].param_off, *b = W + 27;
    memset(W, 0, 27 * sizeof *W);
    b[0] = 0.1f;   /* channel 0: z = 0.1 everywhere: alive */
    b[1] = -100.f; /* channel 1: very negative bias: dead */
    W[18 + 4] = 1.0f, b[2] = -0.5f; /* channel 2: z = x - 0.5, positive only where x = 1 */
    float x[2 * 25] = {0};
    x[25 + 12] = 1.0f; /* one pixel of the second example */
    ab_probe p;
    ab_error err;
    CHECK(ab_probe_init(&p, &net, &err) == AB_OK, "probe init");
    ab_probe_measure(&p, &net, x, 2);
    const ab_layer_probe *r = &p.layers[0];
    CHECK(r->conv == 1 && r->units == 3 && r->dead == 1, "conv probe: %d channels, %d dead, want 3 and 1", r->units, r->dead);
    CHECK(p.alive[0] && !p.alive[1] && p.alive[2], "channel flags %d %d %d, want 1 0 1", p.alive[0], p.alive[1], p.alive[2]);
    /* negatives: channel 1 at all 50 positions, channel 2 at 49 of 50 */
    check_close("conv negative_fraction over every position", r->negative_fraction, 99.0 / 150.0, 1e-12);
    /* outputs: 0.1 at 50 positions, 0.5 at one, 0 elsewhere, over 150 */
    double mean = (50 * 0.1 + 0.5) / 150.0, var = (50 * 0.01 + 0.25) / 150.0 - mean * mean;
    check_close("conv output_mean", r->output_mean, mean, 1e-6);
    check_close("conv output_std", r->output_std, sqrt(var), 1e-6);
    /* without the one positive pixel channel 2 dies; with a positive bias channel 1 revives */
    x[25 + 12] = 0.0f;
    b[1] = 1.0f;
    ab_probe_measure(&p, &net, x, 2);
    CHECK(r->dead == 1 && r->died == 1 && r->revived == 1, "second probe: dead %d died %d revived %d, want 1 1 1",
          r->dead, r->died, r->revived);
    ab_probe_free(&p);
    ab_net_free(&net);
}

/* ---- augmentation ---- */

static void check_augment(void)
{
    enum { B = 64, C = 2, H = 5, W = 6 };
    long size = C * H * W;
    float *x = gc_floats(B * size), *orig = gc_floats(B * size), *scratch = gc_floats(size);
    for (long i = 0; i < B * size; i++) orig[i] = (float)(i + 1);
    int crops[] = {0, 2};
    for (int ci = 0; ci < 2; ci++)
        for (int flip = 0; flip <= 1; flip++) {
            int crop = crops[ci];
            memcpy(x, orig, sizeof(float) * B * size);
            ab_rng r, replay;
            ab_rng_seed(&r, 5, "augment");
            replay = r;
            ab_augment_batch(x, scratch, B, C, H, W, flip, crop, &r);
            int bad = 0, mirrored = 0, shifted = 0;
            for (int b = 0; b < B; b++) {
                /* the documented draws, in order: dy, dx (when crop), the flip bit */
                int dy = crop, dx = crop, m = 0;
                if (crop) {
                    dy = (int)ab_rng_below(&replay, 2 * crop + 1);
                    dx = (int)ab_rng_below(&replay, 2 * crop + 1);
                }
                if (flip) m = (int)(ab_rng_next(&replay) >> 63);
                mirrored += m;
                shifted += dy != crop || dx != crop;
                for (int c = 0; c < C; c++)
                    for (int i = 0; i < H; i++)
                        for (int j = 0; j < W; j++) {
                            /* pad by crop, take the window at (dy, dx), then mirror */
                            int jj = m ? W - 1 - j : j;
                            int si = i + dy - crop, sj = jj + dx - crop;
                            float want = si >= 0 && si < H && sj >= 0 && sj < W
                                             ? orig[b * size + (c * H + si) * W + sj] : 0.0f;
                            bad += x[b * size + (c * H + i) * W + j] != want;
                        }
            }
            CHECK(bad == 0, "augment flip %d crop %d: %d pixels differ from pad-crop-mirror", flip, crop, bad);
            CHECK(!flip || (mirrored > 10 && mirrored < B - 10), "augment flip: %d of %d mirrored", mirrored, B);
            CHECK(!crop || shifted > B / 2, "augment crop: %d of %d shifted", shifted, B);
            CHECK(!memcmp(&r, &replay, sizeof r), "augment flip %d crop %d: draws exactly as documented", flip, crop);
        }
    /* a flip twice with the same draws is the identity */
    memcpy(x, orig, sizeof(float) * B * size);
    ab_rng a, b;
    ab_rng_seed(&a, 8, "augment");
    b = a;
    ab_augment_batch(x, scratch, B, C, H, W, 1, 0, &a);
    ab_augment_batch(x, scratch, B, C, H, W, 1, 0, &b);
    CHECK(!memcmp(x, orig, sizeof(float) * B * size), "augment: flipping twice with the same draws restores the batch");
    /* off: untouched, no draw */
    ab_rng_seed(&a, 8, "augment");
    b = a;
    ab_augment_batch(x, scratch, B, C, H, W, 0, 0, &a);
    CHECK(!memcmp(x, orig, sizeof(float) * B * size) && !memcmp(&a, &b, sizeof a), "augment off: nothing changes");
    free(x); free(orig); free(scratch);
}

/* ---- learning a synthetic image task ---- */

enum { IMG = 10, N_TRAIN = 1200, N_TEST = 400 };

/* Class 0: a horizontal bar, 1: a vertical bar, 2: a diagonal, 3: an
 * anti-diagonal; length 5 at a random place, on noise. */
static void bars(float *x, int32_t *y, int n, uint64_t seed)
{
    ab_rng r;
    ab_rng_seed(&r, seed, "bars");
    for (int i = 0; i < n; i++) {
        float *img = x + (long)i * IMG * IMG;
        for (int p = 0; p < IMG * IMG; p++) img[p] = 0.3f * (float)ab_rng_uniform(&r);
        int cls = (int)ab_rng_below(&r, 4);
        int r0 = (int)ab_rng_below(&r, IMG - 4), c0 = (int)ab_rng_below(&r, IMG - 4);
        for (int t = 0; t < 5; t++) {
            int rr = cls == 0 ? r0 + 2 : r0 + t;
            int cc = cls == 1 ? c0 + 2 : cls == 3 ? c0 + 4 - t : c0 + t;
            img[rr * IMG + cc] = 1.0f;
        }
        y[i] = cls;
    }
}

static void train_bars(ab_trainer *t, const float *x, const int32_t *y, int flip, int crop,
                       int epochs)
{
    ab_layer_spec l[] = {conv(8, 3, 1, 1), pool(AB_LSPEC_POOL_MAX, 2, 2), conv(8, 3, 1, 0),
                         dropout(0.1f), dense(16)};
    ab_model_spec s = cnn_model(1, IMG, IMG, l, 5, 4, ab_act_default(AB_ACT_RELU));
    ab_optim_spec o = ab_optim_default(AB_OPT_MOMENTUM);
    ab_error err;
    if (ab_trainer_init(t, &s, &o, 32, N_TRAIN, 7, &err) != AB_OK ||
        ab_trainer_set_augment(t, flip, crop, &err) != AB_OK) {
        fprintf(stderr, "test_cnn: %s\n", err.msg);
        exit(2);
    }
    for (int e = 0; e < epochs; e++) ab_trainer_epoch(t, x, y, N_TRAIN, 0.05f, 1);
}

static void check_learning(void)
{
    float *x = gc_floats((long)N_TRAIN * IMG * IMG), *xt = gc_floats((long)N_TEST * IMG * IMG);
    int32_t *y = malloc(N_TRAIN * sizeof *y), *yt = malloc(N_TEST * sizeof *yt);
    bars(x, y, N_TRAIN, 1);
    bars(xt, yt, N_TEST, 2);
    ab_trainer a, b;
    train_bars(&a, x, y, 0, 0, 8);
    double loss, acc;
    ab_net_evaluate(&a.net, xt, yt, N_TEST, &loss, &acc);
    char label[128];
    snprintf(label, sizeof label, "CNN on oriented bars: test accuracy %.4f >= 0.95 (loss %.4f)", acc, loss);
    CHECK(acc >= 0.95, "%s", label);
    printf("%-4s %s\n", acc >= 0.95 ? "ok" : "FAIL", label);
    train_bars(&b, x, y, 0, 0, 8);
    CHECK(a.net.n_params == b.net.n_params &&
              !memcmp(a.net.params, b.net.params, a.net.n_params * sizeof *a.net.params),
          "the same seed trains bit-identical CNN parameters (dropout included)");
    ab_trainer_free(&a);
    ab_trainer_free(&b);
    /* with augmentation (flips turn diagonals into anti-diagonals: crop only) */
    train_bars(&a, x, y, 0, 1, 8);
    train_bars(&b, x, y, 0, 1, 8);
    ab_net_evaluate(&a.net, xt, yt, N_TEST, &loss, &acc);
    snprintf(label, sizeof label, "CNN on oriented bars with crop 1: test accuracy %.4f >= 0.9", acc);
    CHECK(acc >= 0.9, "%s", label);
    printf("%-4s %s\n", acc >= 0.9 ? "ok" : "FAIL", label);
    CHECK(!memcmp(a.net.params, b.net.params, a.net.n_params * sizeof *a.net.params),
          "the same seed trains bit-identical parameters with augmentation");
    ab_trainer_free(&b);
    train_bars(&b, x, y, 0, 0, 8);
    CHECK(memcmp(a.net.params, b.net.params, a.net.n_params * sizeof *a.net.params) != 0,
          "augmentation changes the training");
    ab_error err;
    CHECK(ab_trainer_set_augment(&a, 1, IMG, &err) == AB_ERR_ARG, "a crop as large as the image is refused");
    ab_trainer_free(&a);
    ab_trainer_free(&b);
    free(x); free(xt); free(y); free(yt);
}

/* The training step's update inside the backward pass (no clipping: the
 * dense layers as soon as their backward is done, the image layers after
 * the last chunk of examples) gives the parameters and gradient norms of
 * the update after the whole backward (a clip norm too large to clip),
 * bit for bit: per-channel prelu (alphas in the image layers), adam with
 * weight decay, 2 epochs at batch 20 (image chunks of 8, 8 and 4). */
static void check_update_in_backward(void)
{
    float *x = gc_floats((long)N_TRAIN * IMG * IMG);
    int32_t *y = malloc(N_TRAIN * sizeof *y);
    bars(x, y, N_TRAIN, 3);
    ab_layer_spec l[] = {conv(4, 3, 1, 1), pool(AB_LSPEC_POOL_MAX, 2, 2), conv(4, 3, 1, 0), dense(8)};
    ab_act_spec act = ab_act_default(AB_ACT_PRELU);
    act.prelu_per_unit = 1;
    ab_model_spec s = cnn_model(1, IMG, IMG, l, 4, 4, act);
    ab_trainer t[2];
    ab_error err;
    for (int k = 0; k < 2; k++) {
        ab_optim_spec o = ab_optim_default(AB_OPT_ADAM);
        o.weight_decay = 0.01f;
        o.clip_norm = k ? 1e30f : 0.0f;
        if (ab_trainer_init(&t[k], &s, &o, 20, N_TRAIN, 5, &err) != AB_OK) {
            fprintf(stderr, "test_cnn: %s\n", err.msg);
            exit(2);
        }
        for (int e = 0; e < 2; e++) ab_trainer_epoch(&t[k], x, y, N_TRAIN, 0.01f, 1);
    }
    CHECK(!memcmp(t[0].net.params, t[1].net.params, t[0].net.n_params * sizeof(float)) &&
              !memcmp(t[0].net.block_sq, t[1].net.block_sq, sizeof t[0].net.block_sq),
          "CNN: the update inside the backward pass gives the parameters and gradient norms of the "
          "update after it, bit for bit");
    ab_trainer_free(&t[0]);
    ab_trainer_free(&t[1]);
    free(x);
    free(y);
}

/* ab_net_infer gives ab_net_forward's logits in evaluation mode bit for bit,
 * on networks that use every image-layer kind: an activation fused with a
 * 2x2 pooling, 3x3 stride-2 pooling, average and global average pooling,
 * dropout in the middle, first and last, 1x1 convolutions; every
 * activation; a batch that ends in a partial chunk (19 = 8 + 8 + 3). */
static void check_infer(void)
{
    enum { BI = 19, CI = 2, HI = 12 };
    ab_layer_spec nets[][8] = {
        {conv(5, 3, 1, 1), pool(AB_LSPEC_POOL_MAX, 2, 2), dropout(0.5f), conv(4, 1, 1, 0),
         pool(AB_LSPEC_POOL_MAX, 3, 2), conv(3, 1, 1, 0), pool(AB_LSPEC_POOL_GLOBAL_AVG, 0, 0)},
        {dropout(0.2f), conv(4, 5, 1, 2), conv(4, 1, 1, 0), pool(AB_LSPEC_POOL_AVG, 2, 2),
         conv(6, 3, 2, 0), dropout(0.3f), dense(7)},
        {dropout(0.25f), dense(5)},
    };
    int sizes[] = {7, 7, 2};
    ab_act_kind kinds[] = {AB_ACT_RELU, AB_ACT_LEAKY_RELU, AB_ACT_RRELU, AB_ACT_PRELU};
    float *x = gc_floats((long)BI * CI * HI * HI);
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < 4; a++) {
            ab_act_spec act = ab_act_default(kinds[a]);
            act.prelu_per_unit = 1;
            ab_model_spec s = cnn_model(CI, HI, HI, nets[k], sizes[k], 4, act);
            ab_net net;
            ab_rng r;
            ab_error err;
            ab_rng_seed(&r, 7, "init");
            if (ab_net_build(&net, &s, BI, &r, 7, &err) != AB_OK) {
                fprintf(stderr, "test_cnn: %s\n", err.msg);
                exit(2);
            }
            float want[BI * 4];
            net.training = 0;
            memcpy(want, ab_net_forward(&net, x, BI), sizeof want);
            net.training = 1;
            const float *got = ab_net_infer(&net, x, BI);
            CHECK(!memcmp(got, want, sizeof want) && net.training == 1,
                  "network %d, %s: ab_net_infer gives the evaluation forward's logits bit for bit",
                  k, ab_act_name(kinds[a]));
            ab_net_free(&net);
        }
    free(x);
}

int main(void)
{
    check_infer();
    check_nets();
    check_build();
    check_shapes();
    check_dead_channels();
    check_augment();
    check_learning();
    check_update_in_backward();
    return check_done("test_cnn");
}
