/* test_conv.c: the layers of convolutional networks, one by one. The
 * convolution's forward against a plain nested-loop convolution in double,
 * and finite-difference gradient checks of its weights, bias and input for
 * kernels 1x1, 3x3 and 5x5, strides 1 and 2, valid and same padding, with
 * one sgemm per image and with several images per sgemm; max, average and
 * global average pooling; dropout with its mask held; the activation over
 * (B, C, HW) with PReLU per layer and per channel. Loss L = sum w * y with
 * fixed random w; central differences in float32 with step 1e-3, or 0.25
 * for the convolution (linear in each argument, so exact up to rounding);
 * relative error |a-b| / max(1e-3, |a|+|b|). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/layer.h"
#include "../src/core/simd/simd.h"
#include "support/check.h"
#include "support/gradcheck.h"


#define EPS 1e-3f
#define TOL 1e-2
/* The convolution is linear in each of x, W and b, so a central difference
 * has no truncation error whatever the step: a large step keeps the float
 * rounding of the outputs small beside the change it measures. */
#define LINEAR_EPS 0.25f

/* ---- convolution ---- */

typedef struct {
    ab_conv_shape s;
    int B, group;
    float *x, *W, *b, *y, *w, *ws;
} conv_case;

static long in_size(const ab_conv_shape *s) { return (long)s->c * s->h * s->w; }
static long out_size(const ab_conv_shape *s) { return (long)s->oc * s->oh * s->ow; }

static double conv_loss(void *ctx)
{
    conv_case *c = ctx;
    ab_conv_forward_group(c->y, c->ws, c->x, c->W, c->b, &c->s, c->B, c->group);
    return gc_dot(c->w, c->y, c->B * out_size(&c->s));
}

/* y[b][o][oy][ox] = b[o] + sum x[b][c][oy*s-p+i][ox*s-p+j] W[o][c][i][j], in double */
static double naive_conv_error(const conv_case *c)
{
    const ab_conv_shape *s = &c->s;
    double worst = 0.0;
    for (int n = 0; n < c->B; n++)
        for (int o = 0; o < s->oc; o++)
            for (int oy = 0; oy < s->oh; oy++)
                for (int ox = 0; ox < s->ow; ox++) {
                    double acc = c->b[o];
                    for (int ch = 0; ch < s->c; ch++)
                        for (int i = 0; i < s->k; i++)
                            for (int j = 0; j < s->k; j++) {
                                int iy = oy * s->stride - s->pad + i, ix = ox * s->stride - s->pad + j;
                                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                                acc += (double)c->x[((n * s->c + ch) * s->h + iy) * s->w + ix] *
                                       c->W[((o * s->c + ch) * s->k + i) * s->k + j];
                            }
                    double got = c->y[((n * s->oc + o) * s->oh + oy) * s->ow + ox];
                    if (fabs(got - acc) > worst) worst = fabs(got - acc);
                }
    return worst;
}

static void check_conv(int C, int H, int W, int OC, int k, int stride, int pad, int B, int group)
{
    conv_case c;
    memset(&c, 0, sizeof c);
    ab_conv_shape s = {C, H, W, OC, k, stride, pad, (H + 2 * pad - k) / stride + 1,
                       (W + 2 * pad - k) / stride + 1};
    c.s = s;
    c.B = B;
    c.group = group;
    ab_rng r;
    ab_rng_seed(&r, 101 + k * 10 + stride + pad, "conv");
    long ni = B * in_size(&s), no = B * out_size(&s), nw = (long)OC * C * k * k;
    c.x = gc_floats(ni), c.W = gc_floats(nw), c.b = gc_floats(OC);
    c.y = gc_floats(no), c.w = gc_floats(no);
    c.ws = gc_floats((long)ab_conv_workspace_group(&s, group) + 1);
    gc_fill_uniform(c.x, ni, &r, -1, 1);
    gc_fill_uniform(c.W, nw, &r, -1, 1);
    gc_fill_uniform(c.b, OC, &r, -1, 1);
    gc_fill_uniform(c.w, no, &r, -1, 1);
    char label[160], what[96];
    snprintf(what, sizeof what, "conv %dx%dx%d -> %d, %dx%d stride %d pad %d, B %d, %d per sgemm",
             C, H, W, OC, k, k, stride, pad, B, group);

    conv_loss(&c);
    snprintf(label, sizeof label, "%s: forward vs nested loops (absolute)", what);
    check_error(label, naive_conv_error(&c), 1e-5);

    /* dx is set even when it held garbage; dW and db are added into */
    float *dx = gc_floats(ni), *dW = gc_floats(nw), *db = gc_floats(OC), *num = gc_floats(ni > nw ? ni : nw);
    for (long i = 0; i < ni; i++) dx[i] = 1e6f;
    ab_conv_backward_group(dx, dW, db, c.ws, c.w, c.x, c.W, &s, B, group);
    gc_numeric_grad(num, c.W, nw, LINEAR_EPS, conv_loss, &c);
    snprintf(label, sizeof label, "%s: dL/dW", what);
    check_error(label, check_max_rel_err(dW, num, nw), TOL);
    gc_numeric_grad(num, c.b, OC, LINEAR_EPS, conv_loss, &c);
    snprintf(label, sizeof label, "%s: dL/db", what);
    check_error(label, check_max_rel_err(db, num, OC), TOL);
    gc_numeric_grad(num, c.x, ni, LINEAR_EPS, conv_loss, &c);
    snprintf(label, sizeof label, "%s: dL/dx", what);
    check_error(label, check_max_rel_err(dx, num, ni), TOL);

    /* a second backward doubles dW and db; without dx it leaves dx alone */
    float *dW2 = gc_floats(nw), *db2 = gc_floats(OC);
    memcpy(dW2, dW, (size_t)nw * sizeof *dW);
    memcpy(db2, db, (size_t)OC * sizeof *db);
    ab_conv_backward_group(NULL, dW2, db2, c.ws, c.w, c.x, c.W, &s, B, group);
    for (long i = 0; i < nw; i++) dW[i] *= 2.0f;
    for (int i = 0; i < OC; i++) db[i] *= 2.0f;
    snprintf(label, sizeof label, "%s: backward twice doubles dW and db", what);
    check_error(label, fmax(check_max_rel_err(dW, dW2, nw), check_max_rel_err(db, db2, OC)), 1e-6);
    free(c.x); free(c.W); free(c.b); free(c.y); free(c.w); free(c.ws);
    free(dx); free(dW); free(db); free(num); free(dW2); free(db2);
}

/* The default path (ab_conv_forward) equals both explicit groupings. */
static void check_conv_groups_agree(void)
{
    ab_conv_shape s = {3, 9, 8, 4, 3, 1, 1, 9, 8};
    int B = 5;
    long ni = B * in_size(&s), no = B * out_size(&s), nw = (long)s.oc * s.c * 9;
    ab_rng r;
    ab_rng_seed(&r, 7, "conv-groups");
    float *x = gc_floats(ni), *W = gc_floats(nw), *b = gc_floats(s.oc);
    float *y0 = gc_floats(no), *y1 = gc_floats(no), *y2 = gc_floats(no);
    gc_fill_uniform(x, ni, &r, -1, 1);
    gc_fill_uniform(W, nw, &r, -1, 1);
    gc_fill_uniform(b, s.oc, &r, -1, 1);
    size_t need = ab_conv_workspace_group(&s, B);
    if (ab_conv_workspace(&s, B) > need) need = ab_conv_workspace(&s, B);
    float *ws = gc_floats((long)need + 1);
    ab_conv_forward(y0, ws, x, W, b, &s, B);
    ab_conv_forward_group(y1, ws, x, W, b, &s, B, 1);
    ab_conv_forward_group(y2, ws, x, W, b, &s, B, 2);
    check_error("conv default vs 1 and 2 images per sgemm (absolute)",
                fmax(gc_max_abs_diff(y0, y1, no), gc_max_abs_diff(y1, y2, no)), 1e-5);
    free(x); free(W); free(b); free(y0); free(y1); free(y2); free(ws);
}

/* ---- pooling ---- */

enum { P_MAX, P_AVG, P_GLOBAL };

typedef struct {
    int kind, B, C, H, W, k, stride, oh, ow;
    float *x, *y, *w;
    int32_t *argmax;
} pool_case;

static long pool_out(const pool_case *c) { return (long)c->B * c->C * c->oh * c->ow; }

static double pool_loss(void *ctx)
{
    pool_case *c = ctx;
    if (c->kind == P_MAX)
        ab_max_pool_forward(c->y, c->argmax, c->x, c->B, c->C, c->H, c->W, c->k, c->stride, c->oh, c->ow);
    else if (c->kind == P_AVG)
        ab_avg_pool_forward(c->y, c->x, c->B, c->C, c->H, c->W, c->k, c->stride, c->oh, c->ow);
    else
        ab_global_avg_pool_forward(c->y, c->x, c->B, c->C, c->H * c->W);
    return gc_dot(c->w, c->y, pool_out(c));
}

static void check_pool(int kind, int H, int W, int k, int stride)
{
    pool_case c = {kind, 2, 3, H, W, k, stride, 0, 0, NULL, NULL, NULL, NULL};
    if (kind == P_GLOBAL) c.oh = c.ow = 1;
    else c.oh = (c.H - k) / stride + 1, c.ow = (c.W - k) / stride + 1;
    long ni = (long)c.B * c.C * c.H * c.W, no = pool_out(&c);
    ab_rng r;
    ab_rng_seed(&r, 200 + kind * 10 + k, "pool");
    c.x = gc_floats(ni), c.y = gc_floats(no), c.w = gc_floats(no);
    c.argmax = calloc((size_t)no, sizeof *c.argmax);
    /* distinct values 0.01 apart (shuffled): a step of 1e-3 never changes a max */
    int *perm = malloc((size_t)ni * sizeof *perm);
    ab_rng_permutation(&r, perm, (int)ni);
    for (long i = 0; i < ni; i++) c.x[i] = 0.01f * (float)perm[i] - 0.5f;
    gc_fill_uniform(c.w, no, &r, -1, 1);
    pool_loss(&c);
    float *dx = gc_floats(ni), *num = gc_floats(ni);
    for (long i = 0; i < ni; i++) dx[i] = 1e6f;
    if (kind == P_MAX) {
        /* the forward against a direct maximum, and argmax pointing at it */
        double worst = 0.0;
        for (long pc = 0; pc < (long)c.B * c.C; pc++)
            for (int oy = 0; oy < c.oh; oy++)
                for (int ox = 0; ox < c.ow; ox++) {
                    float best = -INFINITY;
                    for (int i = 0; i < k; i++)
                        for (int j = 0; j < k; j++) {
                            float v = c.x[pc * c.H * c.W + (oy * stride + i) * c.W + ox * stride + j];
                            if (v > best) best = v;
                        }
                    long o = (pc * c.oh + oy) * c.ow + ox;
                    worst = fmax(worst, fabs(c.y[o] - best));
                    worst = fmax(worst, fabs(c.x[pc * c.H * c.W + c.argmax[o]] - best));
                }
        char label[96];
        snprintf(label, sizeof label, "max pool %d stride %d on %dx%d: forward and argmax vs direct max", k, stride, H, W);
        check_error(label, worst, 0.0);
        ab_max_pool_backward(dx, c.w, c.argmax, c.B, c.C, c.H, c.W, k, stride, c.oh, c.ow);
    } else if (kind == P_AVG) {
        ab_avg_pool_backward(dx, c.w, c.B, c.C, c.H, c.W, k, stride, c.oh, c.ow);
    } else {
        ab_global_avg_pool_backward(dx, c.w, c.B, c.C, c.H * c.W);
    }
    gc_numeric_grad(num, c.x, ni, EPS, pool_loss, &c);
    char label[96];
    if (kind == P_GLOBAL) snprintf(label, sizeof label, "global average pool: dL/dx");
    else snprintf(label, sizeof label, "%s pool %d stride %d on %dx%d: dL/dx", kind == P_MAX ? "max" : "avg", k, stride, H, W);
    check_error(label, check_max_rel_err(dx, num, ni), TOL);
    free(c.x); free(c.y); free(c.w); free(c.argmax); free(perm); free(dx); free(num);
}

/* ---- dropout ---- */

typedef struct {
    float *x, *y, *mask, *w;
    float rate;
    ab_rng rng0; /* every forward starts from this state: the mask is held */
    long n;
} drop_case;

static double drop_loss(void *ctx)
{
    drop_case *c = ctx;
    ab_rng r = c->rng0;
    ab_dropout_forward(c->y, c->mask, c->x, c->rate, 1, &r, c->n);
    return gc_dot(c->w, c->y, c->n);
}

static void check_dropout(void)
{
    enum { N = 60 };
    drop_case c;
    c.n = N;
    c.rate = 0.4f;
    c.x = gc_floats(N), c.y = gc_floats(N), c.mask = gc_floats(N), c.w = gc_floats(N);
    ab_rng r;
    ab_rng_seed(&r, 301, "dropout-test");
    gc_fill_uniform(c.x, N, &r, -1, 1);
    gc_fill_uniform(c.w, N, &r, -1, 1);
    ab_rng_seed(&c.rng0, 302, "dropout");
    drop_loss(&c);
    float *dx = gc_floats(N), *num = gc_floats(N);
    ab_dropout_backward(dx, c.w, c.mask, 1, N);
    gc_numeric_grad(num, c.x, N, EPS, drop_loss, &c);
    check_error("dropout 0.4 (mask held): dL/dx", check_max_rel_err(dx, num, N), TOL);
    int kept = 0, bad = 0;
    for (int i = 0; i < N; i++) {
        kept += c.mask[i] != 0.0f;
        bad += c.mask[i] != 0.0f && c.mask[i] != 1.0f / 0.6f;
        bad += c.y[i] != c.x[i] * c.mask[i];
    }
    CHECK(bad == 0 && kept > 0 && kept < N, "dropout mask is 0 or 1/(1-rate) (%d bad, %d kept of %d)", bad, kept, N);

    /* the dropped fraction over many draws, and the mean preserved */
    enum { M = 200000 };
    float *x = gc_floats(M), *y = gc_floats(M), *mask = gc_floats(M);
    for (int i = 0; i < M; i++) x[i] = 1.0f;
    ab_dropout_forward(y, mask, x, 0.25f, 1, &r, M);
    double dropped = 0, mean = 0;
    for (int i = 0; i < M; i++) dropped += mask[i] == 0.0f, mean += y[i];
    check_close("dropout 0.25: dropped fraction over 200000 draws", dropped / M, 0.25, 0.005);
    check_close("dropout 0.25: mean output of ones", mean / M, 1.0, 0.01);
    /* evaluation: the identity, and backward passes the gradient through */
    ab_dropout_forward(y, mask, c.x, 0.5f, 0, &r, N);
    ab_dropout_backward(dx, c.w, mask, 0, N);
    check_error("dropout in evaluation: y = x and dx = dy",
                fmax(gc_max_abs_diff(y, c.x, N), gc_max_abs_diff(dx, c.w, N)), 0.0);
    /* the same seed draws the same mask */
    ab_rng a, b;
    ab_rng_seed(&a, 9, "dropout");
    ab_rng_seed(&b, 9, "dropout");
    ab_dropout_forward(y, mask, x, 0.5f, 1, &a, M);
    float *mask2 = gc_floats(M);
    ab_dropout_forward(y, mask2, x, 0.5f, 1, &b, M);
    CHECK(memcmp(mask, mask2, sizeof(float) * M) == 0, "dropout: the same stream draws the same mask");
    free(c.x); free(c.y); free(c.mask); free(c.w); free(dx); free(num);
    free(x); free(y); free(mask); free(mask2);
}

/* ---- the activation over (B, C, HW) ---- */

enum { AB_ = 2, AC = 3, AHW = 5 };

typedef struct {
    ab_act_spec a;
    int training;
    float *z, *y, *slopes, *alpha, *w;
    ab_rng rng0;
} act_case;

static double act_loss(void *ctx)
{
    act_case *c = ctx;
    ab_rng r = c->rng0; /* rrelu slopes replayed */
    ab_act_layer_forward(c->y, c->slopes, c->z, &c->a, c->alpha, c->training, &r, AB_, AC, AHW);
    return gc_dot(c->w, c->y, AB_ * AC * AHW);
}

static void check_act_layer(const char *name, ab_act_spec a, int training)
{
    enum { N = AB_ * AC * AHW };
    act_case c = {a, training, gc_floats(N), gc_floats(N), gc_floats(N), gc_floats(AC), gc_floats(N), {{0}}};
    ab_rng r;
    ab_rng_seed(&r, 401, "act-layer");
    gc_fill_signed(c.z, N, &r, 0.05f, 1.5f);
    gc_fill_uniform(c.w, N, &r, -1, 1);
    gc_fill_uniform(c.alpha, AC, &r, 0.05f, 0.5f);
    ab_rng_seed(&c.rng0, 402, "rrelu");
    act_loss(&c);
    float *dz = gc_floats(N), *num = gc_floats(N), *dal = gc_floats(AC), *numa = gc_floats(AC);
    for (int i = 0; i < N; i++) dz[i] = 1e6f; /* set, not added */
    ab_act_layer_backward(dz, dal, c.w, c.z, c.y, c.slopes, &c.a, c.alpha, training, AB_, AC, AHW);
    gc_numeric_grad(num, c.z, N, EPS, act_loss, &c);
    char label[128];
    snprintf(label, sizeof label, "activation over (2, 3 channels, 5 positions) %s: dL/dz", name);
    check_error(label, check_max_rel_err(dz, num, N), TOL);
    if (a.kind == AB_ACT_PRELU) {
        int na = a.prelu_per_unit ? AC : 1;
        gc_numeric_grad(numa, c.alpha, na, EPS, act_loss, &c);
        snprintf(label, sizeof label, "activation over (2, 3, 5) %s: dL/dalpha (%d)", name, na);
        check_error(label, check_max_rel_err(dal, numa, na), TOL);
        if (a.prelu_per_unit) {
            /* channel j's negative inputs use alpha[j] */
            act_loss(&c);
            int bad = 0;
            for (int i = 0; i < N; i++) {
                int ch = (i / AHW) % AC;
                float want = c.z[i] > 0 ? c.z[i] : c.alpha[ch] * c.z[i];
                bad += c.y[i] != want;
            }
            CHECK(bad == 0, "prelu per channel: %d outputs do not use their channel's alpha", bad);
        }
    }
    free(c.z); free(c.y); free(c.slopes); free(c.alpha); free(c.w);
    free(dz); free(num); free(dal); free(numa);
}

/* ---- im2col and col2im ----
 * The definition of the patch matrix: entry (row (c, ki, kj), column
 * (oy, ox)) is input pixel (c, oy*stride - pad + ki, ox*stride - pad + kj),
 * or none (-1) outside the image. Returns the map, rows of oh*ow. */
static long *patch_map(const ab_conv_shape *s)
{
    int k = s->k;
    long hw = (long)s->oh * s->ow, n = (long)s->c * k * k * hw, q = 0;
    long *map = malloc((size_t)n * sizeof *map);
    for (int c = 0; c < s->c; c++)
        for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++)
                for (int oy = 0; oy < s->oh; oy++)
                    for (int ox = 0; ox < s->ow; ox++) {
                        int iy = oy * s->stride - s->pad + ki, ix = ox * s->stride - s->pad + kj;
                        int in = iy >= 0 && iy < s->h && ix >= 0 && ix < s->w;
                        map[q++] = in ? ((long)c * s->h + iy) * s->w + ix : -1;
                    }
    return map;
}

static ab_conv_shape patch_shape(int C, int H, int W, int k, int stride, int pad)
{
    ab_conv_shape s = {C, H, W, 1, k, stride, pad, (H + 2 * pad - k) / stride + 1,
                       (W + 2 * pad - k) / stride + 1};
    return s;
}

/* ab_im2col against the definition, bit for bit, with a row stride larger
 * than the row (as when images share one sgemm): its stride-1 path copies
 * rows in masked 16-float moves with AVX-512, else rows of 8 floats and
 * more in overlapping 8-float moves and shorter ones in 4-float moves (the
 * portable build below). */
static void check_im2col(int C, int H, int W, int k, int stride, int pad)
{
    ab_conv_shape s = patch_shape(C, H, W, k, stride, pad);
    long hw = (long)s.oh * s.ow, ld = hw + 5, rows = (long)C * k * k, nx = (long)C * H * W;
    long *map = patch_map(&s);
    ab_rng r;
    ab_rng_seed(&r, 17 + k + pad, "im2col");
    float *x = gc_floats(nx), *col = gc_floats(rows * ld), *want = gc_floats(rows * ld);
    gc_fill_uniform(x, nx, &r, -1, 1);
    for (long i = 0; i < rows * ld; i++) col[i] = want[i] = 7.0f; /* the gaps between rows stay */
    for (long row = 0; row < rows; row++)
        for (long p = 0; p < hw; p++) {
            long at = map[row * hw + p];
            want[row * ld + p] = at < 0 ? 0.0f : x[at];
        }
    ab_im2col(col, ld, x, &s);
    CHECK(!memcmp(col, want, (size_t)(rows * ld) * sizeof *col), "im2col %dx%d k %d stride %d pad %d: = its definition, bit for bit",
          H, W, k, stride, pad);
    const ab_simd_kernels *tables[4], *chosen = ab_simd();
    int n_tables = ab_simd_tables(tables, 4);
    for (int t = 0; t < n_tables; t++) { /* every processor's code, checked on this one */
        ab_simd_use(tables[t]);
        for (long i = 0; i < rows * ld; i++) col[i] = 7.0f;
        ab_im2col(col, ld, x, &s);
        CHECK(!memcmp(col, want, (size_t)(rows * ld) * sizeof *col),
              "im2col %dx%d k %d stride %d pad %d with the %s kernels: = its definition", H, W, k,
              stride, pad, tables[t]->name);
    }
    ab_simd_use(chosen);
    free(x); free(col); free(want); free(map);
}

/* ab_col2im against the plain loop that defines it (every (c, ki, kj) row
 * in order, each output position added where it lands), bit for bit, onto
 * a random image: its 3x3 stride-1 path keeps the order of the additions. */
static void check_col2im(int C, int H, int W, int k, int stride, int pad)
{
    ab_conv_shape s = patch_shape(C, H, W, k, stride, pad);
    long hw = (long)s.oh * s.ow, nx = (long)C * H * W, nc = (long)C * k * k * hw;
    long *map = patch_map(&s);
    ab_rng r;
    ab_rng_seed(&r, 31 + k + pad, "col2im");
    float *col = gc_floats(nc), *x1 = gc_floats(nx), *x2 = gc_floats(nx);
    gc_fill_uniform(col, nc, &r, -1, 1);
    gc_fill_uniform(x1, nx, &r, -1, 1);
    memcpy(x2, x1, (size_t)nx * sizeof *x1);
    ab_col2im(x1, col, hw, &s);
    for (long q = 0; q < nc; q++)
        if (map[q] >= 0) x2[map[q]] += col[q];
    CHECK(!memcmp(x1, x2, (size_t)nx * sizeof *x1), "col2im %dx%d k %d stride %d pad %d: = the plain loop, bit for bit",
          H, W, k, stride, pad);
    free(col); free(x1); free(x2); free(map);
}

/* ---- an activation fused with the 2x2 max pooling after it ----
 * ab_act_max_pool_forward/backward against ab_act_layer_forward then
 * ab_max_pool_forward (and backward in reverse), bit for bit, on an image
 * with a row and a column no window covers, with ties, zeros of both signs
 * and negative values. */
static void check_act_pool_fused(ab_act_kind kind, float alpha, int H, int W)
{
    enum { FB = 2, FC = 3 };
    int oh = (H - 2) / 2 + 1, ow = (W - 2) / 2 + 1;
    long ni = (long)FB * FC * H * W, no = (long)FB * FC * oh * ow;
    ab_act_spec a = ab_act_default(kind);
    a.alpha = alpha;
    CHECK(ab_act_max_pool_fusable(&a, 2, 2), "%s is fusable", ab_act_name(kind));
    ab_rng r;
    ab_rng_seed(&r, 77, "fused-pool");
    float *z = gc_floats(ni), *y1 = gc_floats(ni), *y2 = gc_floats(ni), *p1 = gc_floats(no),
          *p2 = gc_floats(no), *dy = gc_floats(no), *dx = gc_floats(ni), *dz1 = gc_floats(ni),
          *dz2 = gc_floats(ni);
    int32_t *a1 = calloc((size_t)no, sizeof *a1), *a2 = calloc((size_t)no, sizeof *a2);
    static const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 0.5f};
    for (long i = 0; i < ni; i++) /* a third from a few values (ties), the rest uniform */
        z[i] = ab_rng_below(&r, 3) == 0 ? special[ab_rng_below(&r, 5)] : ab_rng_uniformf(&r, -1, 1);
    gc_fill_uniform(dy, no, &r, -1, 1);
    ab_act_layer_forward(y1, NULL, z, &a, NULL, 1, &r, FB, FC, H * W);
    ab_max_pool_forward(p1, a1, y1, FB, FC, H, W, 2, 2, oh, ow);
    ab_act_max_pool_forward(p2, a2, y2, z, &a, FB, FC, H, W, oh, ow);
    ab_max_pool_backward(dx, dy, a1, FB, FC, H, W, 2, 2, oh, ow);
    ab_act_layer_backward(dz1, NULL, dx, z, y1, NULL, &a, NULL, 1, FB, FC, H * W);
    ab_act_max_pool_backward(dz2, dy, a2, p2, &a, FB, FC, H, W, oh, ow);
    int same = !memcmp(y1, y2, (size_t)ni * sizeof *y1) && !memcmp(p1, p2, (size_t)no * sizeof *p1) &&
               !memcmp(a1, a2, (size_t)no * sizeof *a1) && !memcmp(dz1, dz2, (size_t)ni * sizeof *dz1);
    CHECK(same, "%s (alpha %g) + max pool 2 on %dx%d: fused = unfused, bit for bit", ab_act_name(kind),
          alpha, H, W);
    /* without the activation's output (training): the same pooling */
    ab_act_max_pool_forward(p2, a2, NULL, z, &a, FB, FC, H, W, oh, ow);
    CHECK(!memcmp(p1, p2, (size_t)no * sizeof *p1) && !memcmp(a1, a2, (size_t)no * sizeof *a1),
          "%s + max pool 2 on %dx%d without the activation's output: the same pooling",
          ab_act_name(kind), H, W);
    /* every table of simd.h (the portable one, SSE2, AVX-512 where the processor has it) */
    const ab_simd_kernels *tables[4], *chosen = ab_simd();
    int n_tables = ab_simd_tables(tables, 4);
    for (int t = 0; t < n_tables; t++) {
        ab_simd_use(tables[t]);
        ab_act_max_pool_forward(p2, a2, NULL, z, &a, FB, FC, H, W, oh, ow);
        ab_act_max_pool_backward(dz2, dy, a2, p2, &a, FB, FC, H, W, oh, ow);
        CHECK(!memcmp(p1, p2, (size_t)no * sizeof *p1) && !memcmp(a1, a2, (size_t)no * sizeof *a1) &&
                  !memcmp(dz1, dz2, (size_t)ni * sizeof *dz1),
              "%s + max pool 2 on %dx%d with the %s kernels: fused = unfused, bit for bit",
              ab_act_name(kind), H, W, tables[t]->name);
    }
    ab_simd_use(chosen);
    ab_act_spec other = ab_act_default(AB_ACT_ELU);
    ab_act_spec negzero = ab_act_default(AB_ACT_LEAKY_RELU);
    negzero.alpha = -0.0f; /* slope * 0 would be -0 where the unfused backward gives it */
    CHECK(!ab_act_max_pool_fusable(&a, 3, 2) && !ab_act_max_pool_fusable(&other, 2, 2) &&
              !ab_act_max_pool_fusable(&negzero, 2, 2),
          "only relu and leaky_relu (slope >= +0) before a 2x2 stride-2 max pool are fused");
    free(z); free(y1); free(y2); free(p1); free(p2); free(dy); free(dx); free(dz1); free(dz2);
    free(a1); free(a2);
}

/* ---- simd.h: every table's kernels against the portable ones ----
 * bit for bit, on random data with ties and zeros of both signs: row
 * copies of every length 0..40 (one, two and three vector moves, masked
 * or overlapping tails), byte-to-float conversion of 0..40 bytes, and the
 * fused activation + 2x2 pooling planes (forward, and backward on rows of
 * 8 windows and more, its contract) of 1..20 windows a row, with a row
 * and a column no window covers. */
static void check_simd_kernels(void)
{
    const ab_simd_kernels *tables[4];
    int n_tables = ab_simd_tables(tables, 4);
    CHECK(n_tables >= 1 && !strcmp(tables[0]->name, "portable") && ab_simd() == tables[n_tables - 1],
          "simd tables: the portable one first, the widest of %d chosen (%s)", n_tables, ab_simd()->name);
    const ab_simd_kernels *ref = tables[0];
    ab_rng r;
    ab_rng_seed(&r, 5, "simd");
    enum { N = 4 * 41 * 41 + 64 };
    float *a = gc_floats(N), *b = gc_floats(N), *src = gc_floats(N), *dy = gc_floats(N), table[256];
    float *y1 = gc_floats(N), *y2 = gc_floats(N);
    int32_t *i1 = calloc(N, sizeof *i1), *i2 = calloc(N, sizeof *i2);
    uint8_t bytes[64];
    static const float special[] = {0.0f, -0.0f, 0.5f, -0.5f};
    for (long i = 0; i < N; i++)
        src[i] = ab_rng_below(&r, 3) == 0 ? special[ab_rng_below(&r, 4)] : ab_rng_uniformf(&r, -1, 1);
    gc_fill_uniform(dy, N, &r, -1, 1);
    for (int i = 0; i < 256; i++) table[i] = ab_rng_uniformf(&r, -1, 1);
    for (int i = 0; i < 64; i++) bytes[i] = (uint8_t)ab_rng_below(&r, 256);
    for (int t = 1; t < n_tables; t++) {
        const ab_simd_kernels *k = tables[t];
        int bad_copy = 0, bad_bytes = 0, bad_fwd = 0, bad_back = 0;
        for (int n = 0; n <= 40; n++) {
            for (long i = 0; i < N; i++) a[i] = b[i] = 7.0f;
            ref->copy_rows(a + 1, 45, src + 3, 43, 3, n);
            k->copy_rows(b + 1, 45, src + 3, 43, 3, n);
            bad_copy += memcmp(a, b, N * sizeof *a) != 0;
            for (long i = 0; i < N; i++) a[i] = b[i] = 7.0f;
            ref->bytes_to_floats(a, bytes + 1, table, n);
            k->bytes_to_floats(b, bytes + 1, table, n);
            bad_bytes += memcmp(a, b, N * sizeof *a) != 0;
        }
        for (int ow = 1; ow <= 20; ow++)
            for (int relu = 0; relu < 2; relu++) {
                int oh = 3, H = 2 * oh + 1, W = 2 * ow + 1;
                float s = relu ? 0.0f : 0.18181818f;
                ref->act_pool_plane(y1, i1, src, W, oh, ow, relu, s);
                k->act_pool_plane(y2, i2, src, W, oh, ow, relu, s);
                bad_fwd += memcmp(y1, y2, (size_t)(oh * ow) * sizeof *y1) != 0 ||
                           memcmp(i1, i2, (size_t)(oh * ow) * sizeof *i1) != 0;
                if (ow < 8) continue;
                for (long i = 0; i < N; i++) a[i] = b[i] = 7.0f;
                ref->act_pool_back_plane(a, dy, i1, y1, H, W, oh, ow, relu, s);
                k->act_pool_back_plane(b, dy, i1, y1, H, W, oh, ow, relu, s);
                bad_back += memcmp(a, b, N * sizeof *a) != 0;
            }
        CHECK(bad_copy + bad_bytes + bad_fwd + bad_back == 0,
              "simd %s = portable bit for bit: copy_rows %d, bytes_to_floats %d, act_pool_plane %d, "
              "act_pool_back_plane %d cases differ", k->name, bad_copy, bad_bytes, bad_fwd, bad_back);
    }
    free(a); free(b); free(src); free(dy); free(y1); free(y2); free(i1); free(i2);
}

int main(void)
{
    check_simd_kernels();
    static const int shapes[][4] = {
        /* k, stride, pad, group */
        {1, 1, 0, 1}, {1, 1, 0, 3}, {1, 2, 0, 1},
        {3, 1, 0, 1}, {3, 1, 1, 1}, {3, 2, 0, 1}, {3, 2, 1, 1},
        {3, 1, 1, 3}, {3, 2, 1, 2},
        {5, 1, 0, 1}, {5, 1, 2, 1}, {5, 2, 2, 1}, {5, 1, 2, 3},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        check_conv(2, 7, 6, 3, shapes[i][0], shapes[i][1], shapes[i][2], 3, shapes[i][3]);
    check_conv(1, 9, 9, 4, 3, 1, 1, 2, 2); /* one input channel, as an image layer */
    check_conv_groups_agree();
    check_pool(P_MAX, 7, 6, 2, 2); /* a row no window covers */
    check_pool(P_MAX, 6, 7, 2, 2); /* a column no window covers */
    check_pool(P_MAX, 7, 7, 3, 3);
    check_pool(P_MAX, 7, 6, 3, 2); /* overlapping windows */
    check_pool(P_MAX, 7, 6, 3, 1);
    check_pool(P_MAX, 7, 6, 1, 2); /* gaps between windows */
    check_pool(P_AVG, 7, 6, 2, 2);
    check_pool(P_AVG, 7, 6, 3, 2);
    check_pool(P_GLOBAL, 7, 6, 0, 0);
    static const int c2i[][5] = {/* H, W, k, stride, pad */
        {13, 13, 3, 1, 0}, {13, 13, 3, 1, 1}, {6, 5, 3, 1, 2}, {3, 3, 3, 1, 0}, {4, 2, 3, 1, 1},
        {28, 28, 3, 1, 0}, {9, 8, 3, 2, 1}, {9, 9, 5, 1, 2}, {7, 6, 1, 1, 0},
        {5, 35, 3, 1, 1}, {4, 17, 3, 1, 0}, {6, 16, 3, 1, 2},
        {4, 3, 5, 1, 2}, {9, 8, 5, 1, 0}, {6, 7, 5, 1, 4}, {13, 13, 5, 1, 2}};
    for (size_t i = 0; i < sizeof c2i / sizeof c2i[0]; i++)
        check_im2col(3, c2i[i][0], c2i[i][1], c2i[i][2], c2i[i][3], c2i[i][4]);
    check_im2col(2, 13, 13, 3, 1, 2); /* rows that read no input row */
    check_im2col(2, 20, 19, 5, 1, 2); /* rows of 19, partly copied */
    check_im2col(1, 3, 12, 1, 1, 0);
    check_im2col(2, 36, 35, 3, 1, 1); /* rows of 33 to 35: two full moves and a masked one */
    for (size_t i = 0; i < sizeof c2i / sizeof c2i[0]; i++)
        check_col2im(3, c2i[i][0], c2i[i][1], c2i[i][2], c2i[i][3], c2i[i][4]);
    check_act_pool_fused(AB_ACT_RELU, 0.0f, 7, 6);
    check_act_pool_fused(AB_ACT_RELU, 0.0f, 26, 26);
    check_act_pool_fused(AB_ACT_LEAKY_RELU, 0.01f, 6, 7);
    check_act_pool_fused(AB_ACT_LEAKY_RELU, 0.18181818f, 11, 11);
    check_act_pool_fused(AB_ACT_LEAKY_RELU, 0.0f, 5, 5);
    check_act_pool_fused(AB_ACT_RELU, 0.0f, 40, 35); /* rows of 17 windows: a full and a masked block */
    check_act_pool_fused(AB_ACT_LEAKY_RELU, 0.01f, 3, 9);
    check_dropout();
    gc_each_act_variant(check_act_layer);
    return check_done("test_conv");
}
