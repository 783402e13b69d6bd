/* layer.h: what every layer kind shares. A network is a sequence of layers;
 * each maps a (B, in_size) buffer to a (B, out_size) buffer, where a size is
 * the flattened channels x height x width of one example, so that
 * convolution and pooling layers can join with their own kind and files
 * (conv_layer.c, pool_layer.c) without changing this design. Parameters
 * live in the network's single allocation at param_off. No I/O. */
#ifndef AB_LAYER_H
#define AB_LAYER_H

#include <stddef.h>
#include "activations.h"

typedef enum {
    AB_LAYER_DENSE,      /* y = x W^T + b, W is (out, in), b is (out) */
    AB_LAYER_ACTIVATION  /* y = f(z) elementwise, prelu alphas as parameters */
} ab_layer_kind;

typedef struct {
    ab_layer_kind kind;
    int in_size, out_size;   /* per-example widths */
    int in_c, in_h, in_w;    /* shape of one input example (c = size, h = w = 1 for dense) */
    int out_c, out_h, out_w;
    size_t param_off;        /* first parameter in net->params / net->grads */
    size_t n_params;
    ab_act_spec act;         /* AB_LAYER_ACTIVATION only */
    float *slopes;           /* rrelu slopes (max_batch, out_size), else NULL */
    int hidden_index;        /* which hidden layer an activation belongs to, -1 otherwise */
} ab_layer;

/* Dense forward: y(B,out) = x(B,in) W(out,in)^T + b(out). */
void ab_dense_forward(float *y, const float *x, const float *W, const float *b,
                      int B, int in, int out);
/* Dense backward: dW(out,in) += dy^T x; db(out) += sum_b dy;
 * dx(B,in) = dy W (skipped when dx is NULL, as for the first layer). */
void ab_dense_backward(float *dx, float *dW, float *db, const float *dy,
                       const float *x, const float *W, int B, int in, int out);

#endif
