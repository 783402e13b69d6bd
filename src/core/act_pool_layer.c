/* act_pool_layer.c: an activation (relu, or leaky relu with a finite
 * slope >= 0) fused with the 2x2 stride-2 max pooling after it, in one
 * pass: the same floats as activation_layer.c then pool_layer.c. The
 * element maths is activations.h's (ab_relu_f, ab_leaky_f and their
 * derivatives); the per-plane kernels are simd.h's table. No parameters,
 * no I/O. */
#include "layer.h"
#include <string.h>
#include "simd/simd.h"

int ab_act_max_pool_fusable(const ab_act_spec *a, int k, int stride)
{
    return k == 2 && stride == 2 && ab_act_sign_kept(a);
}

void ab_act_max_pool_forward(float *restrict y, int32_t *restrict argmax, float *restrict act,
                             const float *restrict z, const ab_act_spec *a, int B, int C, int H,
                             int W, int oh, int ow)
{
    const ab_simd_kernels *k = ab_simd();
    long planes = (long)B * C, in = (long)H * W, out = (long)oh * ow;
    int relu = a->kind == AB_ACT_RELU;
    float s = relu ? 0.0f : a->alpha;
    for (long pc = 0; pc < planes; pc++)
        k->act_pool_plane(y + pc * out, argmax + pc * out, z + pc * in, W, oh, ow, relu, s);
    if (act) ab_act_forward(act, NULL, z, a, NULL, 0, NULL, (int)planes, (int)in);
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
                for (long q = 0; q < out; q++) dzp[ap[q]] = ab_relu_df(yp[q], dyp[q]);
            else
                for (long q = 0; q < out; q++) dzp[ap[q]] = ab_leaky_df(yp[q], dyp[q], s);
        }
        return;
    }
    const ab_simd_kernels *k = ab_simd();
    for (long pc = 0; pc < planes; pc++)
        k->act_pool_back_plane(dz + pc * in, dy + pc * out, argmax + pc * out, y + pc * out, H, W,
                               oh, ow, relu, s);
}
