/* loss.c: softmax cross-entropy, numerically stable (max subtracted). */
#include "loss.h"
#include <math.h>

double ab_xent_forward(float *probs, const float *logits, const int32_t *labels,
                       int B, int C, int *correct)
{
    double total = 0.0;
    int hits = 0;
    for (int i = 0; i < B; i++) {
        const float *z = logits + (long)i * C;
        float *p = probs + (long)i * C;
        float mx = z[0];
        int arg = 0;
        for (int c = 1; c < C; c++)
            if (z[c] > mx) { mx = z[c]; arg = c; }
        double sum = 0.0;
        for (int c = 0; c < C; c++) {
            p[c] = expf(z[c] - mx);
            sum += p[c];
        }
        float inv = (float)(1.0 / sum);
        for (int c = 0; c < C; c++) p[c] *= inv;
        /* -log softmax = log(sum) - (z_y - max), exact even when p_y underflows */
        total += log(sum) - ((double)z[labels[i]] - mx);
        if (arg == labels[i]) hits++;
    }
    if (correct) *correct = hits;
    return B > 0 ? total / B : 0.0;
}

void ab_xent_backward(float *dlogits, const float *probs, const int32_t *labels,
                      int B, int C, float scale)
{
    for (int i = 0; i < B; i++) {
        const float *p = probs + (long)i * C;
        float *d = dlogits + (long)i * C;
        for (int c = 0; c < C; c++) d[c] = p[c] * scale;
        d[labels[i]] -= scale;
    }
}
