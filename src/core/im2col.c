/* im2col.c: the patch matrix of a convolution and its adjoint (darknet's
 * im2col.c). One image x(C,H,W) becomes col(C*k*k, oh*ow): row (c, ki, kj)
 * holds, for every output position (oy, ox), the input pixel
 * x[c][oy*stride - pad + ki][ox*stride - pad + kj], or 0 outside the image.
 * col2im adds such a matrix back into an image. No I/O. */
#include "layer.h"
#include <string.h>
#include "simd/simd.h"
#include "simd/vector_clones.h"

/* GCC would turn the short zeroing loops below into memset calls. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALLS
#endif

/* The output columns [*lo, *hi) whose input column ox*s - pad + kj lies in
 * [0, W). */
static void valid_range(int W, int s, int pad, int kj, int ow, int *lo, int *hi)
{
    int off = kj - pad; /* ix = ox*s + off */
    int a = off >= 0 ? 0 : (-off + s - 1) / s;
    int b = W - off <= 0 ? 0 : (W - off + s - 1) / s; /* first ox with ix >= W */
    if (b > ow) b = ow;
    if (a > b) a = b;
    *lo = a, *hi = b;
}

/* Stride 1: the output rows oy in [y0, y1) read input row oy - pad + ki;
 * the others are zero. In each such row, columns [lo, hi) are a copy of
 * the input row (from column lo + kj - pad) and the rest zero. The rows
 * are short (11 floats in the benchmark's second layer) and the patch
 * matrix larger than the L1 cache, so the time goes into stores: the
 * copies are simd.h's copy_rows (masked 16-float moves with AVX-512). */
AB_VECTOR_CLONES NO_LIBCALLS static void im2col_stride1(float *restrict col, long ldc,
                                                        const float *restrict x,
                                                        const ab_conv_shape *s)
{
    int C = s->c, H = s->h, W = s->w, k = s->k, pad = s->pad;
    int oh = s->oh, ow = s->ow;
    const ab_simd_kernels *simd = ab_simd();
    for (int c = 0; c < C; c++)
        for (int ki = 0; ki < k; ki++) {
            int y0 = pad - ki > 0 ? pad - ki : 0, y1 = H + pad - ki < oh ? H + pad - ki : oh;
            if (y1 < y0) y1 = y0;
            for (int kj = 0; kj < k; kj++) {
                float *row = col + ((long)(c * k + ki) * k + kj) * ldc;
                int lo, hi;
                valid_range(W, 1, pad, kj, ow, &lo, &hi);
                for (long p = 0; p < (long)y0 * ow; p++) row[p] = 0.0f;
                if (y1 > y0)
                    simd->copy_rows(row + (long)y0 * ow + lo, ow,
                                    x + ((long)c * H + y0 - pad + ki) * W + kj - pad + lo, W, y1 - y0,
                                    hi - lo);
                if (lo > 0 || hi < ow)
                    for (float *r = row + (long)y0 * ow; r < row + (long)y1 * ow; r += ow) {
                        for (int ox = 0; ox < lo; ox++) r[ox] = 0.0f;
                        for (int ox = hi; ox < ow; ox++) r[ox] = 0.0f;
                    }
                for (long p = (long)y1 * ow; p < (long)oh * ow; p++) row[p] = 0.0f;
            }
        }
}

NO_LIBCALLS void ab_im2col(float *restrict col, long ldc, const float *restrict x, const ab_conv_shape *s)
{
    int C = s->c, H = s->h, W = s->w, k = s->k, st = s->stride, pad = s->pad;
    int oh = s->oh, ow = s->ow;
    if (st == 1) {
        im2col_stride1(col, ldc, x, s);
        return;
    }
    for (int c = 0; c < C; c++)
        for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++) {
                float *row = col + ((long)(c * k + ki) * k + kj) * ldc;
                int lo, hi;
                valid_range(W, st, pad, kj, ow, &lo, &hi);
                int off = kj - pad;
                for (int oy = 0; oy < oh; oy++) {
                    float *r = row + (long)oy * ow;
                    int iy = oy * st - pad + ki;
                    if (iy < 0 || iy >= H) {
                        for (int ox = 0; ox < ow; ox++) r[ox] = 0.0f;
                        continue;
                    }
                    const float *xr = x + ((long)c * H + iy) * W;
                    for (int ox = 0; ox < lo; ox++) r[ox] = 0.0f;
                    for (int ox = lo; ox < hi; ox++) r[ox] = xr[ox * st + off];
                    for (int ox = hi; ox < ow; ox++) r[ox] = 0.0f;
                }
            }
}

/* x(c, iy, :) += the three rows a, b, d (kj = 0, 1, 2) of a 3x3 stride-1
 * col2im at one output row: element ix gets a[ix + pad], then
 * b[ix + pad - 1], then d[ix + pad - 2], each when its index is in
 * [0, ow): the additions, and their order, of ab_col2im's general loop. */
static inline void add_row3(float *restrict xr, const float *restrict a, const float *restrict b,
                            const float *restrict d, int W, int ow, int pad)
{
    int lo = 2 - pad, hi = ow - pad; /* ix where all three indices are in range */
    if (lo < 0) lo = 0;
    if (hi > W) hi = W;
    if (hi < lo) hi = lo;
    for (int ix = 0; ix < W; ix++) {
        if (ix == lo) ix = hi; /* the middle below, without tests */
        if (ix >= W) break;
        int o = ix + pad;
        float v = xr[ix];
        if (o >= 0 && o < ow) v += a[o];
        if (o - 1 >= 0 && o - 1 < ow) v += b[o - 1];
        if (o - 2 >= 0 && o - 2 < ow) v += d[o - 2];
        xr[ix] = v;
    }
    for (int ix = lo; ix < hi; ix++) xr[ix] = ((xr[ix] + a[ix + pad]) + b[ix + pad - 1]) + d[ix + pad - 2];
}

void ab_col2im(float *restrict x, const float *restrict col, long ldc, const ab_conv_shape *s)
{
    int C = s->c, H = s->h, W = s->w, k = s->k, st = s->stride, pad = s->pad;
    int oh = s->oh, ow = s->ow;
    if (k == 3 && st == 1) { /* each output row's three kj rows in one pass */
        for (int c = 0; c < C; c++)
            for (int ki = 0; ki < 3; ki++) {
                const float *r0 = col + (long)(c * 3 + ki) * 3 * ldc;
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy - pad + ki;
                    if (iy < 0 || iy >= H) continue;
                    const float *a = r0 + (long)oy * ow;
                    add_row3(x + ((long)c * H + iy) * W, a, a + ldc, a + 2 * ldc, W, ow, pad);
                }
            }
        return;
    }
    for (int c = 0; c < C; c++)
        for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++) {
                const float *row = col + ((long)(c * k + ki) * k + kj) * ldc;
                int lo, hi;
                valid_range(W, st, pad, kj, ow, &lo, &hi);
                int off = kj - pad;
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * st - pad + ki;
                    if (iy < 0 || iy >= H) continue;
                    const float *r = row + (long)oy * ow;
                    float *xr = x + ((long)c * H + iy) * W;
                    if (st == 1) {
                        for (int ox = lo; ox < hi; ox++) xr[ox + off] += r[ox];
                    } else {
                        for (int ox = lo; ox < hi; ox++) xr[ox * st + off] += r[ox];
                    }
                }
            }
}
