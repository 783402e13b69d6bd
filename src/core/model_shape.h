/* model_shape.h: the shapes a model's layers produce, checked before
 * anything is built. Shared by the engine (ab_net_build) and by `validate`
 * (which prints every layer's C x H x W and parameter count and turns a bad
 * layer into a config error at that layer's line). Pure arithmetic, no I/O. */
#ifndef AB_MODEL_SHAPE_H
#define AB_MODEL_SHAPE_H

#include <stddef.h>
#include "network.h"

typedef struct {
    int c, h, w;        /* output shape of one example after this layer */
    int image;          /* 1 while the data still has an image shape (conv/pool allowed) */
    size_t n_params;    /* kernels + biases (+ PReLU alphas of the activation after it) */
} ab_layer_shape;

/* The model as a list: spec->layers when spec->n_layers > 0, otherwise
 * hidden[] as dense entries. Writes at most AB_MAX_HIDDEN entries; returns
 * how many. */
int ab_model_layer_list(const ab_model_spec *spec, ab_layer_spec *out);

/* Short human name of an entry: "conv 32 3x3 stride 1 pad 0", "pool max 2",
 * "dense 128", "dropout 0.5", "pool global_avg". */
void ab_layer_spec_describe(const ab_layer_spec *l, char *buf, size_t cap);

/* Output shape of every listed layer of spec, given the input shape
 * spec->in_c x in_h x in_w (image when in_h * in_w > 1), then the implicit
 * output dense layer to spec->n_classes as entry n (so out needs
 * AB_MAX_HIDDEN + 1 entries); *n_out = n + 1. *total_params = the sum.
 * On a bad layer: AB_ERR_ARG, *bad = its index in the list (-1 when the
 * fault is not a layer's), and err says what the layer received and what
 * it expected, without naming the index (callers add "model.layers[i]"). */
ab_status ab_model_shapes(const ab_model_spec *spec, ab_layer_shape *out, int *n_out,
                          size_t *total_params, int *bad, ab_error *err);

#endif
