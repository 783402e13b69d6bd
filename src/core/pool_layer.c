/* pool_layer.c: max pooling (the argmax kept for backward), average
 * pooling and global average pooling over NCHW buffers, without padding
 * (output size (in - k) / stride + 1, PyTorch's floor mode). No parameters,
 * no I/O. An activation fused with the max pooling after it is
 * act_pool_layer.c's. */
#include "layer.h"
#include <string.h>

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
