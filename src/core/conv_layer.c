/* conv_layer.c: the convolution layer, NCHW, by im2col and sgemm
 * (darknet's convolutional_layer.c). Forward: col = im2col(x), then
 * y(oc, positions) = W(oc, c*k*k) col(c*k*k, positions) + b. Backward:
 * dW += dy col^T, db += row sums of dy, dcol = W^T dy, dx = col2im(dcol).
 * A 1x1 convolution at stride 1 without padding uses the image itself as
 * its patch matrix. `group` images share one sgemm: their patch matrices
 * sit side by side (c*k*k, group*positions) and the product is scattered
 * back to NCHW. The workspace belongs to the caller (the network allocates
 * one, sized for its largest layer). No I/O. */
#include "layer.h"
#include <string.h>
#include "blas.h"

/* Images per sgemm by default. Measured by tests/bench/bench_cnn.c on the
 * Fashion-MNIST network at batch 128, one thread (README, Benchmarks). */
#define AB_CONV_GROUP 1

static int is_pointwise(const ab_conv_shape *s)
{
    return s->k == 1 && s->stride == 1 && s->pad == 0;
}

size_t ab_conv_workspace_group(const ab_conv_shape *s, int group)
{
    size_t hw = (size_t)s->oh * s->ow, ckk = (size_t)s->c * s->k * s->k;
    if (group <= 1) return is_pointwise(s) ? 0 : ckk * hw;
    return (ckk + (size_t)s->oc) * hw * (size_t)group;
}

int ab_conv_group(int B) { return AB_CONV_GROUP < B ? AB_CONV_GROUP : B; }

size_t ab_conv_workspace(const ab_conv_shape *s, int B)
{
    return ab_conv_workspace_group(s, ab_conv_group(B));
}

void ab_conv_forward(float *y, float *ws, const float *x, const float *W, const float *b,
                     const ab_conv_shape *s, int B)
{
    ab_conv_forward_group(y, ws, x, W, b, s, B, ab_conv_group(B));
}

void ab_conv_backward(float *dx, float *dW, float *db, float *ws, const float *dy,
                      const float *x, const float *W, const ab_conv_shape *s, int B)
{
    ab_conv_backward_group(dx, dW, db, ws, dy, x, W, s, B, ab_conv_group(B));
}

/* sum of r[0..n) in 8 interleaved float partial sums (so it vectorises). */
static float row_sum(const float *r, long n)
{
    float acc[8] = {0};
    long p = 0;
    for (; p + 8 <= n; p += 8)
        for (int j = 0; j < 8; j++) acc[j] += r[p + j];
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; p < n; p++) s += r[p];
    return s;
}

/* One image per sgemm: x(c,h,w) -> y(oc, hw) directly. */
static void forward_one(float *y, float *col, const float *x, const float *W, const float *b,
                        const ab_conv_shape *s)
{
    int hw = s->oh * s->ow, ckk = s->c * s->k * s->k;
    for (int o = 0; o < s->oc; o++) {
        float *yr = y + (long)o * hw;
        for (int p = 0; p < hw; p++) yr[p] = b[o];
    }
    const float *patches = x;
    if (!is_pointwise(s)) {
        ab_im2col(col, hw, x, s);
        patches = col;
    }
    ab_gemm(0, 0, s->oc, hw, ckk, 1.0f, W, ckk, patches, hw, 1.0f, y, hw);
}

static void backward_one(float *dx, float *dW, float *db, float *col, const float *dy,
                         const float *x, const float *W, const ab_conv_shape *s)
{
    int hw = s->oh * s->ow, ckk = s->c * s->k * s->k;
    int pw = is_pointwise(s);
    const float *patches = x;
    if (!pw) {
        ab_im2col(col, hw, x, s);
        patches = col;
    }
    /* dW(oc, ckk) += dy(oc, hw) col(ckk, hw)^T */
    ab_gemm(0, 1, s->oc, ckk, hw, 1.0f, dy, hw, patches, hw, 1.0f, dW, ckk);
    for (int o = 0; o < s->oc; o++) db[o] += row_sum(dy + (long)o * hw, hw);
    if (!dx) return;
    /* dcol(ckk, hw) = W(oc, ckk)^T dy(oc, hw); a pointwise conv's dcol is dx */
    if (pw) {
        ab_gemm(1, 0, ckk, hw, s->oc, 1.0f, W, ckk, dy, hw, 0.0f, dx, hw);
        return;
    }
    ab_gemm(1, 0, ckk, hw, s->oc, 1.0f, W, ckk, dy, hw, 0.0f, col, hw);
    memset(dx, 0, (size_t)s->c * s->h * s->w * sizeof *dx);
    ab_col2im(dx, col, hw, s);
}

/* col(c*k*k, G*hw): the patches of image g of x in columns [g*hw, (g+1)*hw). */
static void group_patches(float *col, const float *x, const ab_conv_shape *s, int G)
{
    long in_sz = (long)s->c * s->h * s->w, hw = (long)s->oh * s->ow, ld = hw * G;
    for (int g = 0; g < G; g++) {
        const float *xi = x + g * in_sz;
        if (is_pointwise(s)) {
            for (int c = 0; c < s->c; c++)
                memcpy(col + c * ld + g * hw, xi + c * hw, (size_t)hw * sizeof *col);
        } else {
            ab_im2col(col + g * hw, ld, xi, s);
        }
    }
}

void ab_conv_forward_group(float *y, float *ws, const float *x, const float *W, const float *b,
                           const ab_conv_shape *s, int B, int group)
{
    long in_sz = (long)s->c * s->h * s->w, hw = (long)s->oh * s->ow, out_sz = s->oc * hw;
    int ckk = s->c * s->k * s->k;
    if (group <= 1) {
        for (int i = 0; i < B; i++) forward_one(y + i * out_sz, ws, x + i * in_sz, W, b, s);
        return;
    }
    float *col = ws, *tmp = ws + (long)ckk * hw * group;
    for (int b0 = 0; b0 < B; b0 += group) {
        int G = B - b0 < group ? B - b0 : group;
        long ld = hw * G;
        group_patches(col, x + b0 * in_sz, s, G);
        /* tmp(oc, G*hw) = W col, then y(b0+g, o, :) = tmp(o, g*hw..) + b(o) */
        ab_gemm(0, 0, s->oc, (int)ld, ckk, 1.0f, W, ckk, col, (int)ld, 0.0f, tmp, (int)ld);
        for (int g = 0; g < G; g++)
            for (int o = 0; o < s->oc; o++) {
                float *yr = y + (b0 + g) * out_sz + o * hw;
                const float *tr = tmp + o * ld + g * hw;
                float bo = b[o];
                for (long p = 0; p < hw; p++) yr[p] = tr[p] + bo;
            }
    }
}

void ab_conv_backward_group(float *dx, float *dW, float *db, float *ws, const float *dy,
                            const float *x, const float *W, const ab_conv_shape *s, int B,
                            int group)
{
    long in_sz = (long)s->c * s->h * s->w, hw = (long)s->oh * s->ow, out_sz = s->oc * hw;
    int ckk = s->c * s->k * s->k;
    if (group <= 1) {
        for (int i = 0; i < B; i++)
            backward_one(dx ? dx + i * in_sz : NULL, dW, db, ws, dy + i * out_sz, x + i * in_sz,
                         W, s);
        return;
    }
    float *col = ws, *dyt = ws + (long)ckk * hw * group;
    for (int b0 = 0; b0 < B; b0 += group) {
        int G = B - b0 < group ? B - b0 : group;
        long ld = hw * G;
        group_patches(col, x + b0 * in_sz, s, G);
        for (int g = 0; g < G; g++) {
            for (int o = 0; o < s->oc; o++)
                memcpy(dyt + o * ld + g * hw, dy + (b0 + g) * out_sz + o * hw,
                       (size_t)hw * sizeof *dyt);
        }
        ab_gemm(0, 1, s->oc, ckk, (int)ld, 1.0f, dyt, (int)ld, col, (int)ld, 1.0f, dW, ckk);
        for (int o = 0; o < s->oc; o++) db[o] += row_sum(dyt + o * ld, ld);
        if (!dx) continue;
        ab_gemm(1, 0, ckk, (int)ld, s->oc, 1.0f, W, ckk, dyt, (int)ld, 0.0f, col, (int)ld);
        for (int g = 0; g < G; g++) {
            float *dxi = dx + (b0 + g) * in_sz;
            if (is_pointwise(s)) {
                for (int c = 0; c < s->c; c++)
                    memcpy(dxi + c * hw, col + c * ld + g * hw, (size_t)hw * sizeof *dxi);
            } else {
                memset(dxi, 0, (size_t)in_sz * sizeof *dxi);
                ab_col2im(dxi, col + g * hw, ld, s);
            }
        }
    }
}
