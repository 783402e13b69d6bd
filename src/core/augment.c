/* augment.c: random flips and crops of a batch of images (augment.h). */
#include "augment.h"
#include <string.h>

void ab_augment_batch(float *x, float *scratch, int B, int C, int H, int W, int flip, int crop,
                      ab_rng *rng)
{
    long size = (long)C * H * W;
    if (!flip && crop <= 0) return;
    for (int b = 0; b < B; b++) {
        float *img = x + b * size;
        int dy = crop, dx = crop, mirror = 0;
        if (crop > 0) {
            dy = (int)ab_rng_below(rng, (uint64_t)(2 * crop + 1));
            dx = (int)ab_rng_below(rng, (uint64_t)(2 * crop + 1));
        }
        if (flip) mirror = (int)(ab_rng_next(rng) >> 63);
        if (dy == crop && dx == crop && !mirror) continue; /* the identity */
        memcpy(scratch, img, (size_t)size * sizeof *img);
        int sy = dy - crop, sx = dx - crop; /* source offset */
        for (int c = 0; c < C; c++)
            for (int i = 0; i < H; i++) {
                float *out = img + ((long)c * H + i) * W;
                int si = i + sy;
                if (si < 0 || si >= H) {
                    memset(out, 0, (size_t)W * sizeof *out);
                    continue;
                }
                const float *src = scratch + ((long)c * H + si) * W;
                for (int j = 0; j < W; j++) {
                    int sj = (mirror ? W - 1 - j : j) + sx;
                    out[j] = sj >= 0 && sj < W ? src[sj] : 0.0f;
                }
            }
    }
}
