/* simd.h: the processor-specific kernels, every one behind this table.
 * The layer files call the plain functions of their own files and reach a
 * vector instruction set only through ab_simd(), the table chosen once (on
 * the first call) from what the processor runs: AVX-512F, else SSE2, else
 * the portable C of portable.c. Every entry of every table computes the
 * same bits as the portable one (the same IEEE operations on each element,
 * in the same order); tests/test_conv.c checks each against it.
 * (vector_clones.h, beside it, is the other mechanism: portable C loops
 * that GCC compiles once per instruction set.) Built without intrinsics
 * (AB_NO_CLONES, or not GCC/clang on x86-64) there is only the portable
 * table. No I/O. */
#ifndef AB_SIMD_H
#define AB_SIMD_H

#include <stdint.h>

typedef struct {
    const char *name; /* "portable", "sse2", "avx512f" */
    /* rows times: dst[0..n) = src[0..n), then dst += dstep, src += sstep
     * (im2col's rows, n >= 0). */
    void (*copy_rows)(float *dst, long dstep, const float *src, long sstep, int rows, int n);
    /* dst[j] = table[src[j]] for j < F (the batch gather from pixel bytes). */
    void (*bytes_to_floats)(float *dst, const uint8_t *src, const float *table, int F);
    /* One plane of an activation fused with the 2x2 stride-2 max pooling
     * after it (act_pool_layer.c): yp(oh,ow) = the max of f over each
     * window of zp(H,W), ap = the winner's index in the plane (the first on
     * ties); f is relu when relu, else leaky relu of slope s. */
    void (*act_pool_plane)(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                           int relu, float s);
    /* Its backward on a plane of rows of ow >= 8 windows: dzp(H,W) = f'
     * times dyp routed to each window's argmax, +0 elsewhere, every element
     * written once; f'(z) read from the pooled yp (its sign is z's). */
    void (*act_pool_back_plane)(float *dzp, const float *dyp, const int32_t *ap, const float *yp,
                                int H, int W, int oh, int ow, int relu, float s);
} ab_simd_kernels;

/* The kernels this processor runs fastest, chosen on the first call. */
const ab_simd_kernels *ab_simd(void);
/* Every table this build has and the processor runs, the portable one
 * first; returns how many (at most cap). For the tests. */
int ab_simd_tables(const ab_simd_kernels **out, int cap);
/* Makes ab_simd() return k from now on (a table of ab_simd_tables), for
 * the tests that run a layer through each. */
void ab_simd_use(const ab_simd_kernels *k);

#endif
