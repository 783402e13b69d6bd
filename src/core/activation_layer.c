/* activation_layer.c: the activation that follows every dense and conv
 * layer, over (B, C, HW) buffers: HW = 1 after a dense layer (C units),
 * HW = height x width after a conv layer (C channels). Elementwise kinds
 * see the buffer as flat; a PReLU with one alpha per unit has one alpha
 * per channel in a conv layer (He et al.'s channel-wise form), applied to
 * each (example, channel) plane. The elementwise math is activations.c's. No I/O. */
#include "layer.h"
#include <string.h>

/* A channel plane of a per-channel PReLU is a per-layer PReLU with that
 * channel's alpha. */
static int per_channel(const ab_act_spec *a, int HW)
{
    return a->kind == AB_ACT_PRELU && a->prelu_per_unit && HW > 1;
}

void ab_act_layer_forward(float *y, float *slopes, const float *z, const ab_act_spec *a,
                          const float *alpha, int training, ab_rng *rng, int B, int C, int HW)
{
    if (!per_channel(a, HW)) {
        ab_act_forward(y, slopes, z, a, alpha, training, rng, B, C * HW);
        return;
    }
    ab_act_spec one = *a;
    one.prelu_per_unit = 0;
    for (long bc = 0; bc < (long)B * C; bc++)
        ab_act_forward(y + bc * HW, NULL, z + bc * HW, &one, alpha + bc % C, training, rng, 1, HW);
}

void ab_act_layer_backward(float *dz, float *dalpha, const float *dy, const float *z,
                           const float *y, const float *slopes, const ab_act_spec *a,
                           const float *alpha, int training, int B, int C, int HW)
{
    if (!per_channel(a, HW)) {
        ab_act_backward(dz, dalpha, dy, z, y, slopes, a, alpha, training, B, C * HW);
        return;
    }
    ab_act_spec one = *a;
    one.prelu_per_unit = 0;
    for (long bc = 0; bc < (long)B * C; bc++) {
        long o = bc * HW;
        ab_act_backward(dz + o, dalpha ? dalpha + bc % C : NULL, dy + o, z + o, y + o, NULL, &one,
                        alpha + bc % C, training, 1, HW);
    }
}
