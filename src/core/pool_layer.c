/* pool_layer.c: max pooling (the argmax kept for backward), average
 * pooling and global average pooling over NCHW buffers, without padding
 * (output size (in - k) / stride + 1, PyTorch's floor mode). No parameters,
 * no I/O. */
#include "layer.h"
#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void ab_max_pool_forward(float *restrict y, int32_t *restrict argmax, const float *restrict x,
                         int B, int C, int H, int W, int k, int stride, int oh, int ow)
{
    long planes = (long)B * C;
    for (long pc = 0; pc < planes; pc++) {
        const float *xp = x + pc * H * W;
        float *yp = y + pc * oh * ow;
        int32_t *ap = argmax + pc * oh * ow;
        if (k == 2 && stride == 2) { /* the common case, unrolled, without branches */
            for (int oy = 0; oy < oh; oy++) {
                const float *r0 = xp + (2 * oy) * W, *r1 = r0 + W;
                int32_t base = 2 * oy * W;
                for (int ox = 0; ox < ow; ox++) {
                    int i = 2 * ox;
                    float a = r0[i], b = r0[i + 1], c = r1[i], d = r1[i + 1];
                    float ab = b > a ? b : a, cd = d > c ? d : c;
                    int32_t iab = b > a ? i + 1 : i, icd = (d > c ? i + 1 : i) + W;
                    yp[oy * ow + ox] = cd > ab ? cd : ab;
                    ap[oy * ow + ox] = base + (cd > ab ? icd : iab);
                }
            }
            continue;
        }
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                int y0 = oy * stride, x0 = ox * stride;
                int32_t at = y0 * W + x0;
                float best = xp[at];
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) {
                        int32_t idx = (y0 + i) * W + x0 + j;
                        if (xp[idx] > best) best = xp[idx], at = idx;
                    }
                yp[oy * ow + ox] = best;
                ap[oy * ow + ox] = at;
            }
    }
}

void ab_max_pool_backward(float *restrict dx, const float *restrict dy,
                          const int32_t *restrict argmax, int B, int C, int H, int W, int k,
                          int stride, int oh, int ow)
{
    long planes = (long)B * C;
    if (stride != k) { /* overlapping or gapped windows: clear, then add */
        memset(dx, 0, (size_t)planes * H * W * sizeof *dx);
        for (long pc = 0; pc < planes; pc++) {
            float *dxp = dx + pc * H * W;
            const float *dyp = dy + pc * oh * ow;
            const int32_t *ap = argmax + pc * oh * ow;
            for (int i = 0; i < oh * ow; i++) dxp[ap[i]] += dyp[i];
        }
        return;
    }
    /* disjoint windows: one pass writes every element once */
    for (long pc = 0; pc < planes; pc++) {
        float *dxp = dx + pc * H * W;
        const float *dyp = dy + pc * oh * ow;
        const int32_t *ap = argmax + pc * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            if (k == 2) { /* the common case: each window's four elements, without branches */
                float *r0 = dxp + 2 * oy * W, *r1 = r0 + W;
                int32_t base = 2 * oy * W;
                for (int ox = 0; ox < ow; ox++) {
                    float g = dyp[oy * ow + ox];
                    int32_t at = ap[oy * ow + ox] - base - 2 * ox; /* 0, 1, W or W + 1 */
                    r0[2 * ox] = at == 0 ? g : 0.0f;
                    r0[2 * ox + 1] = at == 1 ? g : 0.0f;
                    r1[2 * ox] = at == W ? g : 0.0f;
                    r1[2 * ox + 1] = at == W + 1 ? g : 0.0f;
                }
                for (int j = 2 * ow; j < W; j++) r0[j] = r1[j] = 0.0f; /* a column no window covers */
                continue;
            }
            for (int i = 0; i < k; i++) {
                float *row = dxp + (oy * k + i) * W;
                for (int j = 0; j < W; j++) row[j] = 0.0f;
            }
            for (int ox = 0; ox < ow; ox++) dxp[ap[oy * ow + ox]] = dyp[oy * ow + ox];
        }
        for (int r = oh * k; r < H; r++) /* rows no window covers */
            for (int j = 0; j < W; j++) dxp[r * W + j] = 0.0f;
    }
}

void ab_avg_pool_forward(float *restrict y, const float *restrict x, int B, int C, int H, int W,
                         int k, int stride, int oh, int ow)
{
    long planes = (long)B * C;
    float inv = 1.0f / (float)(k * k);
    for (long pc = 0; pc < planes; pc++) {
        const float *xp = x + pc * H * W;
        float *yp = y + pc * oh * ow;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                const float *w0 = xp + oy * stride * W + ox * stride;
                float acc = 0.0f;
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) acc += w0[i * W + j];
                yp[oy * ow + ox] = acc * inv;
            }
    }
}

void ab_avg_pool_backward(float *restrict dx, const float *restrict dy, int B, int C, int H,
                          int W, int k, int stride, int oh, int ow)
{
    long planes = (long)B * C;
    float inv = 1.0f / (float)(k * k);
    memset(dx, 0, (size_t)planes * H * W * sizeof *dx);
    for (long pc = 0; pc < planes; pc++) {
        float *dxp = dx + pc * H * W;
        const float *dyp = dy + pc * oh * ow;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                float g = dyp[oy * ow + ox] * inv;
                float *w0 = dxp + oy * stride * W + ox * stride;
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++) w0[i * W + j] += g;
            }
    }
}

void ab_global_avg_pool_forward(float *restrict y, const float *restrict x, int B, int C, int HW)
{
    long planes = (long)B * C;
    float inv = 1.0f / (float)HW;
    for (long pc = 0; pc < planes; pc++) {
        const float *xp = x + pc * HW;
        float acc = 0.0f;
        for (int p = 0; p < HW; p++) acc += xp[p];
        y[pc] = acc * inv;
    }
}

void ab_global_avg_pool_backward(float *restrict dx, const float *restrict dy, int B, int C,
                                 int HW)
{
    long planes = (long)B * C;
    float inv = 1.0f / (float)HW;
    for (long pc = 0; pc < planes; pc++) {
        float g = dy[pc] * inv;
        float *dxp = dx + pc * HW;
        for (int p = 0; p < HW; p++) dxp[p] = g;
    }
}

/* ---- an activation fused with the 2x2 stride-2 max pooling after it ----
 * The element math must stay exactly activations.c's (ab_act_forward and
 * ab_act_backward for relu and leaky_relu), so that the fused pass computes
 * the same floats as the two layers one after the other. */

int ab_act_max_pool_fusable(const ab_act_spec *a, int k, int stride)
{
    return k == 2 && stride == 2 && ab_act_sign_kept(a);
}

/* f(v): relu when relu, else leaky relu with slope s (activations.c). */
static inline float act_f(float v, int relu, float s)
{
    float leak = s * v;
    return v > 0.0f ? v : (relu ? 0.0f : leak);
}

/* f'(v) times g (activations.c's backward). */
static inline float act_df(float v, float g, int relu, float s)
{
    float leak = s * g;
    return v > 0.0f ? g : (relu ? 0.0f : leak);
}

#ifdef __SSE2__
/* f(v) on 4 floats: v > 0 ? v : (relu ? +0 : s * v), act_f's IEEE
 * operations (a compare is false for a NaN, as in C). */
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
 * and r1 (r1 = r0 + W, index base of r0 in its plane): the scalar loop's
 * compares and selects, four windows at a time. */
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
#endif

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(AB_NO_CLONES)
#include <immintrin.h>
#define AB_POOL_AVX512 1
/* f(v) on 16 floats, act_f's operations: v where v > 0 (an ordered
 * compare: false for a NaN, as in C), else +0 (relu) or s * v. */
__attribute__((target("avx512f"))) static inline __m512 act_f16(__m512 v, int relu, __m512 s)
{
    __mmask16 pos = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ);
    if (relu) return _mm512_maskz_mov_ps(pos, v);
    return _mm512_mask_blend_ps(pos, _mm512_mul_ps(s, v), v);
}

/* A whole plane of act_pool_plane, 16 windows of a row at a time, the
 * last ones of a row masked (masked-out lanes are neither read nor
 * written): the scalar loop's compares and selects, lane by lane. */
__attribute__((target("avx512f"))) static void act_pool_plane_avx512(float *yp, int32_t *ap,
                                                                    const float *zp, int W,
                                                                    int oh, int ow, int relu,
                                                                    float s)
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

/* One plane of ab_act_max_pool_forward; relu is a constant at each call
 * (inlined), so each loop is one kind's. With SSE2 and rows of at least 4
 * windows, 4 windows at a time, the last 4 of a row overlapping the ones
 * before (the same values written twice) instead of a scalar tail. */
static inline __attribute__((always_inline)) void
act_pool_plane(float *restrict yp, int32_t *restrict ap, float *restrict fp,
               const float *restrict zp, int H, int W, int oh, int ow, int relu, float s,
               int avx512)
{
    int done = 0; /* the windows pooled by a vector path */
#ifdef AB_POOL_AVX512
    if (avx512) {
        act_pool_plane_avx512(yp, ap, zp, W, oh, ow, relu, s);
        done = 1;
    }
#else
    (void)avx512;
#endif
#ifdef __SSE2__
    if (!done && ow >= 4) {
        __m128 s4 = _mm_set1_ps(s);
        for (int oy = 0; oy < oh; oy++) {
            const float *r0 = zp + (2 * oy) * W, *r1 = r0 + W;
            for (int ox = 0; ox < ow; ox += 4)
                act_pool4(yp + oy * ow, ap + oy * ow, r0, r1, ox + 4 <= ow ? ox : ow - 4,
                          2 * oy * W, W, relu, s4);
        }
        done = 1;
    }
#endif
    for (int oy = 0; oy < oh && !done; oy++) {
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
    if (fp)
        for (long q = 0; q < (long)H * W; q++) fp[q] = act_f(zp[q], relu, s);
}

void ab_act_max_pool_forward(float *restrict y, int32_t *restrict argmax, float *restrict act,
                             const float *restrict z, const ab_act_spec *a, int B, int C, int H,
                             int W, int oh, int ow)
{
    long planes = (long)B * C, in = (long)H * W, out = (long)oh * ow;
#ifdef AB_POOL_AVX512
    int avx512 = __builtin_cpu_supports("avx512f");
#else
    int avx512 = 0;
#endif
    for (long pc = 0; pc < planes; pc++) {
        float *fp = act ? act + pc * in : NULL;
        if (a->kind == AB_ACT_RELU)
            act_pool_plane(y + pc * out, argmax + pc * out, fp, z + pc * in, H, W, oh, ow, 1, 0.0f, avx512);
        else
            act_pool_plane(y + pc * out, argmax + pc * out, fp, z + pc * in, H, W, oh, ow, 0, a->alpha, avx512);
    }
}

#ifdef __SSE2__
/* Windows [ox, ox + 4) of output row oy of a plane: each window's four
 * gradients, the argmax's f'(z) dy and 0 at the three others (rows r0 and
 * r1 = r0 + W of dz, base: r0's index in the plane), as the scalar loop. */
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
#endif

/* One plane of ab_act_max_pool_backward: every element of dz written once
 * (the windows' four elements, then the row and column no window covers). */
static inline __attribute__((always_inline)) void
act_pool_back_plane(float *restrict dzp, const float *restrict dyp, const int32_t *restrict ap,
                    const float *restrict yp, int H, int W, int oh, int ow, int relu, float s)
{
    for (int oy = 0; oy < oh; oy++) {
        float *r0 = dzp + 2 * oy * W, *r1 = r0 + W;
        int32_t base = 2 * oy * W;
        const float *yo = yp + oy * ow, *dyo = dyp + oy * ow;
        const int32_t *ao = ap + oy * ow;
        int ox = 0;
#ifdef __SSE2__
        if (ow >= 4) {
            __m128 s4 = _mm_set1_ps(s);
            for (; ox < ow; ox += 4)
                act_pool_back4(r0, r1, yo, dyo, ao, ox + 4 <= ow ? ox : ow - 4, base, W, relu, s4);
        }
#endif
        for (; ox < ow; ox++) {
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

/* Backward, knowing that a window's gradient goes to its argmax only:
 * everywhere else f'(z) gets 0 and gives 0 (relu: 0; leaky: slope * 0,
 * +0 for a finite slope >= 0, which ab_act_max_pool_fusable requires), and
 * at the argmax z > 0 exactly when the pooled f(z) > 0 (f keeps the sign,
 * and a NaN is not > 0 either way). So z is not read: the pooled output
 * (small, and still in the cache) says the same. Rows of 8 windows or
 * more: every element of dz written once, the argmax's gradient or +0
 * (measured faster than clearing first); smaller planes: cleared, then
 * the argmaxes set (measured faster than the windows' writes). */
void ab_act_max_pool_backward(float *restrict dz, const float *restrict dy,
                              const int32_t *restrict argmax, const float *restrict y,
                              const ab_act_spec *a, int B, int C, int H, int W, int oh, int ow)
{
    int relu = a->kind == AB_ACT_RELU;
    float s = relu ? 0.0f : a->alpha;
    long planes = (long)B * C, in = (long)H * W, out = (long)oh * ow;
    if (ow < 8) { /* small planes: clear them, then the argmax of each window */
        memset(dz, 0, (size_t)(planes * in) * sizeof *dz);
        for (long pc = 0; pc < planes; pc++) {
            float *dzp = dz + pc * in;
            const float *dyp = dy + pc * out, *yp = y + pc * out;
            const int32_t *ap = argmax + pc * out;
            if (relu)
                for (long q = 0; q < out; q++) dzp[ap[q]] = act_df(yp[q], dyp[q], 1, 0.0f);
            else
                for (long q = 0; q < out; q++) dzp[ap[q]] = act_df(yp[q], dyp[q], 0, s);
        }
        return;
    }
    for (long pc = 0; pc < planes; pc++) {
        if (relu)
            act_pool_back_plane(dz + pc * in, dy + pc * out, argmax + pc * out, y + pc * out, H, W, oh, ow, 1, 0.0f);
        else
            act_pool_back_plane(dz + pc * in, dy + pc * out, argmax + pc * out, y + pc * out, H, W, oh, ow, 0, s);
    }
}
