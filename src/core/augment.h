/* augment.h: data augmentation of a training batch of images, in place:
 * a random horizontal flip, and zero padding by `crop` pixels on every side
 * followed by a random crop back to the original size. Drawn per example
 * from the caller's generator (the trainer's "augment" stream), so every
 * example gets fresh draws each epoch and a run computes the same batches
 * wherever it runs. No I/O. */
#ifndef AB_AUGMENT_H
#define AB_AUGMENT_H

#include "rng.h"

/* x(B, C, H, W) in place; scratch holds C*H*W floats. Per example, in this
 * order: when crop > 0, offsets dy, dx uniform in [0, 2*crop]; when flip,
 * one bit. Then x'[c][i][j] = x[c][i + dy - crop][j' + dx - crop] (0
 * outside the image), with j' = W-1-j when the bit is set, else j. */
void ab_augment_batch(float *x, float *scratch, int B, int C, int H, int W, int flip, int crop,
                      ab_rng *rng);

#endif
