/* im2col.c: the patch matrix of a convolution and its adjoint (darknet's
 * im2col.c). One image x(C,H,W) becomes col(C*k*k, oh*ow): row (c, ki, kj)
 * holds, for every output position (oy, ox), the input pixel
 * x[c][oy*stride - pad + ki][ox*stride - pad + kj], or 0 outside the image.
 * col2im adds such a matrix back into an image. No I/O. */
#include "layer.h"
#include <string.h>

/* GCC would turn the short copy loops below back into memcpy calls. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALLS
#endif

/* dst[0..n) = src[0..n) for the short rows of an image (a few dozen
 * floats): 4-float moves, the last one overlapping, instead of a memcpy
 * call that costs more than the copy. */
static inline void copy_row(float *restrict dst, const float *restrict src, int n)
{
    if (n < 4) {
        for (int i = 0; i < n; i++) dst[i] = src[i];
        return;
    }
    int i = 0;
    for (; i + 4 <= n; i += 4) memcpy(dst + i, src + i, 4 * sizeof *dst);
    if (i < n) memcpy(dst + n - 4, src + n - 4, 4 * sizeof *dst);
}

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

NO_LIBCALLS void ab_im2col(float *restrict col, long ldc, const float *restrict x, const ab_conv_shape *s)
{
    int C = s->c, H = s->h, W = s->w, k = s->k, st = s->stride, pad = s->pad;
    int oh = s->oh, ow = s->ow;
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
                    if (st == 1) {
                        copy_row(r + lo, xr + lo + off, hi - lo);
                    } else {
                        for (int ox = lo; ox < hi; ox++) r[ox] = xr[ox * st + off];
                    }
                    for (int ox = hi; ox < ow; ox++) r[ox] = 0.0f;
                }
            }
}

void ab_col2im(float *restrict x, const float *restrict col, long ldc, const ab_conv_shape *s)
{
    int C = s->c, H = s->h, W = s->w, k = s->k, st = s->stride, pad = s->pad;
    int oh = s->oh, ow = s->ow;
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
