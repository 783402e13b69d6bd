/* dropout_layer.c: inverted dropout. In training mode every element is
 * kept with probability 1 - rate and scaled by 1/(1 - rate), so that the
 * expected output equals the input and evaluation needs no rescaling; the
 * mask is kept for backward. The draws come from the caller's generator
 * (the network's "dropout" stream), one per element in buffer order, so a
 * run computes the same masks wherever it runs. No parameters, no I/O. */
#include "layer.h"
#include <string.h>

void ab_dropout_forward(float *restrict y, float *restrict mask, const float *restrict x,
                        float rate, int training, ab_rng *rng, long n)
{
    if (!training || rate <= 0.0f) {
        if (training)
            for (long i = 0; i < n; i++) mask[i] = 1.0f;
        if (y != x) memcpy(y, x, (size_t)n * sizeof *y);
        return;
    }
    float keep = 1.0f / (1.0f - rate);
    for (long i = 0; i < n; i++) {
        /* 24 random bits: u in [0, 1) on a uniform grid; dropped when u < rate */
        float u = (float)(ab_rng_next(rng) >> 40) * 0x1.0p-24f;
        mask[i] = u < rate ? 0.0f : keep;
    }
    for (long i = 0; i < n; i++) y[i] = x[i] * mask[i];
}

void ab_dropout_backward(float *restrict dx, const float *restrict dy, const float *restrict mask,
                         int training, long n)
{
    if (!training) {
        memcpy(dx, dy, (size_t)n * sizeof *dx);
        return;
    }
    for (long i = 0; i < n; i++) dx[i] = dy[i] * mask[i];
}
