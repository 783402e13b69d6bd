/* portable.c: the plain-C kernels of simd.h, the reference every other
 * table is checked against, and the table of a processor without SSE2 or
 * of a build without intrinsics. */
#include <string.h>
#include "../activations.h"
#include "kernels.h"
#include "vector_clones.h"

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

/* dst[0..n) = src[0..n) for n >= 8: 8-float moves, the last one
 * overlapping (one AVX move each in the AVX2 and AVX-512 clones). */
static inline void copy_row8(float *restrict dst, const float *restrict src, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) memcpy(dst + i, src + i, 8 * sizeof *dst);
    if (i < n) memcpy(dst + n - 8, src + n - 8, 8 * sizeof *dst);
}

AB_VECTOR_CLONES NO_LIBCALLS void ab_copy_rows_portable(float *restrict dst, long dstep,
                                                       const float *restrict src, long sstep,
                                                       int rows, int n)
{
    for (int r = 0; r < rows; r++, dst += dstep, src += sstep) {
        if (n >= 8)
            copy_row8(dst, src, n);
        else
            copy_row(dst, src, n);
    }
}

void ab_bytes_to_floats_portable(float *restrict dst, const uint8_t *restrict src,
                                 const float *restrict table, int F)
{
    for (int j = 0; j < F; j++) dst[j] = table[src[j]];
}

/* f(v): relu when relu, else leaky relu of slope s (activations.h). */
static inline float act_f(float v, int relu, float s)
{
    return relu ? ab_relu_f(v) : ab_leaky_f(v, s);
}

/* f'(v) times g. */
static inline float act_df(float v, float g, int relu, float s)
{
    return relu ? ab_relu_df(v, g) : ab_leaky_df(v, g, s);
}

/* relu is a constant at each call (inlined), so each loop is one kind's. */
static inline __attribute__((always_inline)) void
act_pool_plane(float *restrict yp, int32_t *restrict ap, const float *restrict zp, int W, int oh,
               int ow, int relu, float s)
{
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = zp + (2 * oy) * W, *r1 = r0 + W;
        int32_t base = 2 * oy * W;
        for (int ox = 0; ox < ow; ox++) {
            int i = 2 * ox;
            float fa = act_f(r0[i], relu, s), fb = act_f(r0[i + 1], relu, s);
            float fc = act_f(r1[i], relu, s), fd = act_f(r1[i + 1], relu, s);
            float ab = fb > fa ? fb : fa, cd = fd > fc ? fd : fc;
            int32_t iab = fb > fa ? i + 1 : i, icd = (fd > fc ? i + 1 : i) + W;
            yp[oy * ow + ox] = cd > ab ? cd : ab;
            ap[oy * ow + ox] = base + (cd > ab ? icd : iab);
        }
    }
}

void ab_act_pool_plane_portable(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                                int relu, float s)
{
    if (relu)
        act_pool_plane(yp, ap, zp, W, oh, ow, 1, 0.0f);
    else
        act_pool_plane(yp, ap, zp, W, oh, ow, 0, s);
}

static inline __attribute__((always_inline)) void
act_pool_back_plane(float *restrict dzp, const float *restrict dyp, const int32_t *restrict ap,
                    const float *restrict yp, int H, int W, int oh, int ow, int relu, float s)
{
    for (int oy = 0; oy < oh; oy++) {
        float *r0 = dzp + 2 * oy * W, *r1 = r0 + W;
        int32_t base = 2 * oy * W;
        const float *yo = yp + oy * ow, *dyo = dyp + oy * ow;
        const int32_t *ao = ap + oy * ow;
        for (int ox = 0; ox < ow; ox++) {
            float g = act_df(yo[ox], dyo[ox], relu, s);
            int32_t at = ao[ox] - base - 2 * ox; /* 0, 1, W or W + 1 */
            r0[2 * ox] = at == 0 ? g : 0.0f;
            r0[2 * ox + 1] = at == 1 ? g : 0.0f;
            r1[2 * ox] = at == W ? g : 0.0f;
            r1[2 * ox + 1] = at == W + 1 ? g : 0.0f;
        }
        for (int j = 2 * ow; j < W; j++) r0[j] = r1[j] = 0.0f; /* a column no window covers */
    }
    for (long q = (long)2 * oh * W; q < (long)H * W; q++) dzp[q] = 0.0f; /* a row no window covers */
}

void ab_act_pool_back_plane_portable(float *dzp, const float *dyp, const int32_t *ap,
                                     const float *yp, int H, int W, int oh, int ow, int relu,
                                     float s)
{
    if (relu)
        act_pool_back_plane(dzp, dyp, ap, yp, H, W, oh, ow, 1, 0.0f);
    else
        act_pool_back_plane(dzp, dyp, ap, yp, H, W, oh, ow, 0, s);
}
