/* loss.h: softmax cross-entropy, averaged over the batch. No I/O. */
#ifndef AB_LOSS_H
#define AB_LOSS_H

#include <stdint.h>

/* probs(B,C) = softmax(logits); returns mean -log p[label] (as double).
 * correct (may be NULL) receives the number of argmax hits. */
double ab_xent_forward(float *probs, const float *logits, const int32_t *labels,
                       int B, int C, int *correct);
/* dlogits(B,C) = (probs - onehot(labels)) * scale; scale is 1/B for the mean. */
void ab_xent_backward(float *dlogits, const float *probs, const int32_t *labels,
                      int B, int C, float scale);

#endif
