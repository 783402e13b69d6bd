/* x86_sse2.c: SSE2 kernels of simd.h (every x86-64 processor has SSE2):
 * the activation fused with 2x2 max pooling, 4 windows at a time, each
 * lane the portable loop's IEEE operations (a compare is false for a NaN,
 * as in C). */
#include "kernels.h"
#ifdef AB_SIMD_X86
#include <emmintrin.h>

/* f(v) on 4 floats: v > 0 ? v : (relu ? +0 : s * v). */
static inline __m128 act_f4(__m128 v, int relu, __m128 s)
{
    __m128 pos = _mm_cmpgt_ps(v, _mm_setzero_ps());
    if (relu) return _mm_and_ps(pos, v);
    return _mm_or_ps(_mm_and_ps(pos, v), _mm_andnot_ps(pos, _mm_mul_ps(s, v)));
}

static inline __m128 select4(__m128 m, __m128 a, __m128 b)
{
    return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b));
}

static inline __m128i select4i(__m128 m, __m128i a, __m128i b)
{
    __m128i mi = _mm_castps_si128(m);
    return _mm_or_si128(_mm_and_si128(mi, a), _mm_andnot_si128(mi, b));
}

/* Output windows [ox, ox + 4) of the output row whose input rows are r0
 * and r1 (r1 = r0 + W, index base of r0 in its plane). */
static inline void act_pool4(float *restrict yo, int32_t *restrict ao, const float *restrict r0,
                             const float *restrict r1, int ox, int32_t base, int W, int relu,
                             __m128 s)
{
    int i = 2 * ox;
    __m128 p0 = _mm_loadu_ps(r0 + i), p1 = _mm_loadu_ps(r0 + i + 4);
    __m128 q0 = _mm_loadu_ps(r1 + i), q1 = _mm_loadu_ps(r1 + i + 4);
    __m128 fa = act_f4(_mm_shuffle_ps(p0, p1, _MM_SHUFFLE(2, 0, 2, 0)), relu, s);
    __m128 fb = act_f4(_mm_shuffle_ps(p0, p1, _MM_SHUFFLE(3, 1, 3, 1)), relu, s);
    __m128 fc = act_f4(_mm_shuffle_ps(q0, q1, _MM_SHUFFLE(2, 0, 2, 0)), relu, s);
    __m128 fd = act_f4(_mm_shuffle_ps(q0, q1, _MM_SHUFFLE(3, 1, 3, 1)), relu, s);
    __m128 mab = _mm_cmpgt_ps(fb, fa), mcd = _mm_cmpgt_ps(fd, fc);
    __m128 ab = select4(mab, fb, fa), cd = select4(mcd, fd, fc);
    __m128i ia = _mm_add_epi32(_mm_set1_epi32(base + i), _mm_setr_epi32(0, 2, 4, 6));
    __m128i one = _mm_set1_epi32(1);
    __m128i iab = _mm_add_epi32(ia, _mm_and_si128(_mm_castps_si128(mab), one));
    __m128i icd = _mm_add_epi32(_mm_add_epi32(ia, _mm_set1_epi32(W)),
                                _mm_and_si128(_mm_castps_si128(mcd), one));
    __m128 m = _mm_cmpgt_ps(cd, ab);
    _mm_storeu_ps(yo + ox, select4(m, cd, ab));
    _mm_storeu_si128((__m128i *)(void *)(ao + ox), select4i(m, icd, iab));
}

/* Rows of at least 4 windows: 4 at a time, the last 4 of a row
 * overlapping the ones before (the same values written twice) instead of
 * a scalar tail; narrower planes: the portable loop. */
void ab_act_pool_plane_sse2(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                            int relu, float s)
{
    if (ow < 4) {
        ab_act_pool_plane_portable(yp, ap, zp, W, oh, ow, relu, s);
        return;
    }
    __m128 s4 = _mm_set1_ps(s);
    for (int oy = 0; oy < oh; oy++) {
        const float *r0 = zp + (2 * oy) * W, *r1 = r0 + W;
        for (int ox = 0; ox < ow; ox += 4)
            act_pool4(yp + oy * ow, ap + oy * ow, r0, r1, ox + 4 <= ow ? ox : ow - 4, 2 * oy * W,
                      W, relu, s4);
    }
}

/* Windows [ox, ox + 4) of output row oy of a plane: each window's four
 * gradients, the argmax's f'(z) dy and 0 at the three others (rows r0 and
 * r1 = r0 + W of dz, base: r0's index in the plane). */
static inline void act_pool_back4(float *restrict r0, float *restrict r1, const float *restrict yo,
                                  const float *restrict dyo, const int32_t *restrict ao, int ox,
                                  int32_t base, int W, int relu, __m128 s)
{
    __m128 y4 = _mm_loadu_ps(yo + ox), dy4 = _mm_loadu_ps(dyo + ox);
    __m128 pos = _mm_cmpgt_ps(y4, _mm_setzero_ps());
    __m128 g = relu ? _mm_and_ps(pos, dy4) : select4(pos, dy4, _mm_mul_ps(s, dy4));
    __m128i at = _mm_sub_epi32(_mm_loadu_si128((const __m128i *)(const void *)(ao + ox)),
                               _mm_add_epi32(_mm_set1_epi32(base + 2 * ox), _mm_setr_epi32(0, 2, 4, 6)));
    __m128 ga = _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(at, _mm_setzero_si128())), g);
    __m128 gb = _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(at, _mm_set1_epi32(1))), g);
    __m128 gc = _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(at, _mm_set1_epi32(W))), g);
    __m128 gd = _mm_and_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(at, _mm_set1_epi32(W + 1))), g);
    int i = 2 * ox;
    _mm_storeu_ps(r0 + i, _mm_unpacklo_ps(ga, gb));
    _mm_storeu_ps(r0 + i + 4, _mm_unpackhi_ps(ga, gb));
    _mm_storeu_ps(r1 + i, _mm_unpacklo_ps(gc, gd));
    _mm_storeu_ps(r1 + i + 4, _mm_unpackhi_ps(gc, gd));
}

void ab_act_pool_back_plane_sse2(float *dzp, const float *dyp, const int32_t *ap, const float *yp,
                                 int H, int W, int oh, int ow, int relu, float s)
{
    if (ow < 4) {
        ab_act_pool_back_plane_portable(dzp, dyp, ap, yp, H, W, oh, ow, relu, s);
        return;
    }
    __m128 s4 = _mm_set1_ps(s);
    for (int oy = 0; oy < oh; oy++) {
        float *r0 = dzp + 2 * oy * W, *r1 = r0 + W;
        int32_t base = 2 * oy * W;
        for (int ox = 0; ox < ow; ox += 4)
            act_pool_back4(r0, r1, yp + oy * ow, dyp + oy * ow, ap + oy * ow,
                           ox + 4 <= ow ? ox : ow - 4, base, W, relu, s4);
        for (int j = 2 * ow; j < W; j++) r0[j] = r1[j] = 0.0f; /* a column no window covers */
    }
    for (long q = (long)2 * oh * W; q < (long)H * W; q++) dzp[q] = 0.0f; /* a row no window covers */
}
#endif
