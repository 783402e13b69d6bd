/* x86_avx512.c: AVX-512F kernels of simd.h, compiled for AVX-512F
 * whatever the build's -march (simd.c calls them only on a processor that
 * has it). Masked-out lanes are neither read nor written, so a row's last
 * vector is masked instead of a scalar tail; each lane does the portable
 * loop's IEEE operations. */
#include "kernels.h"
#ifdef AB_SIMD_X86
#include <immintrin.h>

/* 16 floats per move, the last move of a row masked: a row of up to 16
 * floats is one load and one store. */
__attribute__((target("avx512f"))) void ab_copy_rows_avx512(float *dst, long dstep,
                                                           const float *src, long sstep,
                                                           int rows, int n)
{
    __mmask16 tail = (__mmask16)((1u << (n % 16)) - 1);
    for (int r = 0; r < rows; r++, dst += dstep, src += sstep) {
        int i = 0;
        for (; i + 16 <= n; i += 16) _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
        if (tail) _mm512_mask_storeu_ps(dst + i, tail, _mm512_maskz_loadu_ps(tail, src + i));
    }
}

/* Whole vectors of 16: 16 bytes widened to 16 indices, then one gather of
 * their table entries; the rest one by one. */
__attribute__((target("avx512f"))) void ab_bytes_to_floats_avx512(float *dst, const uint8_t *src,
                                                                 const float *table, int F)
{
    int j = 0;
    for (; j + 16 <= F; j += 16) {
        __m512i k = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(const void *)(src + j)));
        _mm512_storeu_ps(dst + j, _mm512_i32gather_ps(k, table, 4));
    }
    for (; j < F; j++) dst[j] = table[src[j]];
}

/* f(v) on 16 floats: v where v > 0 (an ordered compare: false for a NaN),
 * else +0 (relu) or s * v. */
__attribute__((target("avx512f"))) static inline __m512 act_f16(__m512 v, int relu, __m512 s)
{
    __mmask16 pos = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ);
    if (relu) return _mm512_maskz_mov_ps(pos, v);
    return _mm512_mask_blend_ps(pos, _mm512_mul_ps(s, v), v);
}

/* 16 windows of a row at a time, the last ones of a row masked. */
__attribute__((target("avx512f"))) void ab_act_pool_plane_avx512(float *yp, int32_t *ap,
                                                                const float *zp, int W, int oh,
                                                                int ow, int relu, float s)
{
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i one = _mm512_set1_epi32(1);
    __m512 s16 = _mm512_set1_ps(s);
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = zp + (2 * oy) * W, *r1 = r0 + W;
        for (int ox = 0; ox < ow; ox += 16) {
            int nw = ow - ox < 16 ? ow - ox : 16, ni = 2 * nw, i = 2 * ox;
            __mmask16 mw = (__mmask16)((1u << nw) - 1);
            __mmask16 m0 = (__mmask16)(ni >= 16 ? 0xffffu : (1u << ni) - 1);
            __mmask16 m1 = (__mmask16)(ni > 16 ? (1u << (ni - 16)) - 1 : 0u);
            __m512 p0 = _mm512_maskz_loadu_ps(m0, r0 + i), p1 = _mm512_maskz_loadu_ps(m1, r0 + i + 16);
            __m512 q0 = _mm512_maskz_loadu_ps(m0, r1 + i), q1 = _mm512_maskz_loadu_ps(m1, r1 + i + 16);
            __m512 fa = act_f16(_mm512_permutex2var_ps(p0, even, p1), relu, s16);
            __m512 fb = act_f16(_mm512_permutex2var_ps(p0, odd, p1), relu, s16);
            __m512 fc = act_f16(_mm512_permutex2var_ps(q0, even, q1), relu, s16);
            __m512 fd = act_f16(_mm512_permutex2var_ps(q0, odd, q1), relu, s16);
            __mmask16 mab = _mm512_cmp_ps_mask(fb, fa, _CMP_GT_OQ);
            __mmask16 mcd = _mm512_cmp_ps_mask(fd, fc, _CMP_GT_OQ);
            __m512 ab = _mm512_mask_blend_ps(mab, fa, fb), cd = _mm512_mask_blend_ps(mcd, fc, fd);
            __m512i ia = _mm512_add_epi32(_mm512_set1_epi32(2 * oy * W + i), even);
            __m512i iab = _mm512_mask_add_epi32(ia, mab, ia, one);
            __m512i ic = _mm512_add_epi32(ia, _mm512_set1_epi32(W));
            __m512i icd = _mm512_mask_add_epi32(ic, mcd, ic, one);
            __mmask16 m = _mm512_cmp_ps_mask(cd, ab, _CMP_GT_OQ);
            _mm512_mask_storeu_ps(yp + oy * ow + ox, mw, _mm512_mask_blend_ps(m, ab, cd));
            _mm512_mask_storeu_epi32(ap + oy * ow + ox, mw, _mm512_mask_blend_epi32(m, iab, icd));
        }
    }
}
#endif
