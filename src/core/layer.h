/* layer.h: what every layer kind shares, and each kind's forward/backward
 * pair. A network is a sequence of layers; each maps a (B, in_size) buffer
 * to a (B, out_size) buffer, where a size is the flattened channels x
 * height x width of one example in NCHW order (so flattening an image for a
 * dense layer is free). One file per kind: dense_layer.c, conv_layer.c (with
 * im2col.c), pool_layer.c (and act_pool_layer.c: an activation fused with
 * the 2x2 max pooling after it), dropout_layer.c, activation_layer.c. network.c
 * dispatches on the kind with switches that have no default, so a kind
 * without a case is a compiler warning. Parameters live in the network's
 * single allocation at param_off. Backward functions add into parameter
 * gradients and set the input gradient. No I/O. */
#ifndef AB_LAYER_H
#define AB_LAYER_H

#include <stddef.h>
#include <stdint.h>
#include "activations.h"
#include "rng.h"

typedef enum {
    AB_LAYER_DENSE,       /* y = x W^T + b, W is (out, in), b is (out) */
    AB_LAYER_CONV,        /* y = W * x + b over k x k windows, W is (oc, c, k, k), b is (oc) */
    AB_LAYER_MAX_POOL,    /* y = max over a k x k window, per channel */
    AB_LAYER_AVG_POOL,    /* y = mean over a k x k window, per channel */
    AB_LAYER_GLOBAL_AVG_POOL, /* y(c) = mean over the whole image of channel c */
    AB_LAYER_DROPOUT,     /* training: y = x * mask, mask 0 or 1/(1-rate); evaluation: y = x */
    AB_LAYER_ACTIVATION   /* y = f(z) elementwise, prelu alphas (per layer or per channel) as parameters */
} ab_layer_kind;

/* The geometry of a convolution: input c x h x w, oc filters of k x k,
 * stride, zero padding per side, output oc x oh x ow. */
typedef struct {
    int c, h, w;
    int oc, k, stride, pad;
    int oh, ow;
} ab_conv_shape;

typedef struct {
    ab_layer_kind kind;
    int in_size, out_size;   /* per-example widths */
    int in_c, in_h, in_w;    /* shape of one input example (c = size, h = w = 1 for dense) */
    int out_c, out_h, out_w;
    int kernel, stride, pad; /* conv and pooling */
    float rate;              /* dropout */
    size_t param_off;        /* first parameter in net->params / net->grads */
    size_t n_params;
    int block0, n_blocks;    /* its parameter blocks: net->blocks[block0 .. block0 + n_blocks) */
    ab_act_spec act;         /* AB_LAYER_ACTIVATION only */
    float *slopes;           /* rrelu slopes (max_batch, out_size), else NULL */
    int32_t *argmax;         /* max pooling: (max_batch, out_size) input index in its channel plane */
    float *mask;             /* dropout: (max_batch, out_size) */
    int hidden_index;        /* which hidden (probed) layer an activation belongs to, -1 otherwise */
} ab_layer;

/* ---- dense_layer.c ---- */
/* Dense forward: y(B,out) = x(B,in) W(out,in)^T + b(out). */
void ab_dense_forward(float *y, const float *x, const float *W, const float *b,
                      int B, int in, int out);
/* Dense backward: dW(out,in) += dy^T x; db(out) += sum_b dy;
 * dx(B,in) = dy W (skipped when dx is NULL, as for the first layer). */
void ab_dense_backward(float *dx, float *dW, float *db, const float *dy,
                       const float *x, const float *W, int B, int in, int out);
/* The same, but dW and db are set, not added to: no zeroing needed (and
 * sgemm does not read dW). */
void ab_dense_backward_set(float *dx, float *dW, float *db, const float *dy,
                           const float *x, const float *W, int B, int in, int out);

/* ---- im2col.c ---- */
/* col(c*k*k, oh*ow), row stride ldc: the patches of one image x(c,h,w). */
void ab_im2col(float *col, long ldc, const float *x, const ab_conv_shape *s);
/* x(c,h,w) += the patches col(c*k*k, oh*ow) put back (adjoint of ab_im2col). */
void ab_col2im(float *x, const float *col, long ldc, const ab_conv_shape *s);

/* ---- conv_layer.c ---- */
/* Floats of workspace the convolution needs for batches of B. */
size_t ab_conv_workspace(const ab_conv_shape *s, int B);
/* y(B,oc,oh,ow) = conv(x(B,c,h,w), W(oc,c,k,k)) + b(oc); ws: workspace. */
void ab_conv_forward(float *y, float *ws, const float *x, const float *W, const float *b,
                     const ab_conv_shape *s, int B);
/* dW += dy (*) x; db(oc) += sum of dy over batch and positions;
 * dx(B,c,h,w) = the transposed convolution of dy (skipped when dx is NULL). */
void ab_conv_backward(float *dx, float *dW, float *db, float *ws, const float *dy,
                      const float *x, const float *W, const ab_conv_shape *s, int B);
/* Images per sgemm that ab_conv_forward/backward use for a batch of B. */
int ab_conv_group(int B);
/* The same with `group` images per sgemm (1: one sgemm per image; B: one
 * for the whole batch), for the benchmark that chose the default. The
 * workspace must hold ab_conv_workspace_group(s, group) floats. */
size_t ab_conv_workspace_group(const ab_conv_shape *s, int group);
void ab_conv_forward_group(float *y, float *ws, const float *x, const float *W, const float *b,
                           const ab_conv_shape *s, int B, int group);
void ab_conv_backward_group(float *dx, float *dW, float *db, float *ws, const float *dy,
                            const float *x, const float *W, const ab_conv_shape *s, int B,
                            int group);

/* ---- pool_layer.c ---- (x is (B,C,H,W), y is (B,C,oh,ow), no padding) */
/* y = max over each k x k window at stride; argmax(B,C,oh,ow) = the
 * winner's index iy*W + ix in its channel plane (the first one on ties). */
void ab_max_pool_forward(float *y, int32_t *argmax, const float *x, int B, int C, int H, int W,
                         int k, int stride, int oh, int ow);
/* dx = dy routed to each window's argmax (dx is set). */
void ab_max_pool_backward(float *dx, const float *dy, const int32_t *argmax, int B, int C,
                          int H, int W, int k, int stride, int oh, int ow);
/* y = mean over each k x k window at stride. */
void ab_avg_pool_forward(float *y, const float *x, int B, int C, int H, int W, int k, int stride,
                         int oh, int ow);
/* dx = dy / (k*k) spread over each window (dx is set). */
void ab_avg_pool_backward(float *dx, const float *dy, int B, int C, int H, int W, int k,
                          int stride, int oh, int ow);
/* y(B,C) = mean over the HW positions of x(B,C,HW). */
void ab_global_avg_pool_forward(float *y, const float *x, int B, int C, int HW);
/* dx(B,C,HW) = dy(B,C) / HW (dx is set). */
void ab_global_avg_pool_backward(float *dx, const float *dy, int B, int C, int HW);

/* ---- act_pool_layer.c ----
 * An activation followed by a 2x2 stride-2 max pooling, in one pass (the
 * same floats as the two layers one after the other): whether the pair can
 * be fused (relu, and leaky_relu with a finite slope >= 0; k = stride = 2);
 * forward: y(B,C,oh,ow) and argmax of the pooling of f(z), and f(z) itself
 * into act unless act is NULL (the fused backward does not need it);
 * backward: dz(B,C,H,W) = f'(z) times dy routed to each window's argmax
 * (dz is set), from the pooled y of the forward instead of z. */
int ab_act_max_pool_fusable(const ab_act_spec *a, int k, int stride);
void ab_act_max_pool_forward(float *y, int32_t *argmax, float *act, const float *z,
                             const ab_act_spec *a, int B, int C, int H, int W, int oh, int ow);
void ab_act_max_pool_backward(float *dz, const float *dy, const int32_t *argmax, const float *y,
                              const ab_act_spec *a, int B, int C, int H, int W, int oh, int ow);

/* ---- dropout_layer.c ---- (n = B * size) */
/* training: mask[i] = 0 with probability rate, else 1/(1-rate), drawn
 * from rng; y = x * mask. evaluation: y = x (mask untouched). */
void ab_dropout_forward(float *y, float *mask, const float *x, float rate, int training,
                        ab_rng *rng, long n);
/* dx = dy * mask in training, dy in evaluation (dx is set). */
void ab_dropout_backward(float *dx, const float *dy, const float *mask, int training, long n);

/* ---- activation_layer.c ---- (z, y are (B,C,HW); HW = 1 for dense layers) */
/* y = f(z); a per-unit PReLU has one alpha per channel (C of them). */
void ab_act_layer_forward(float *y, float *slopes, const float *z, const ab_act_spec *a,
                          const float *alpha, int training, ab_rng *rng, int B, int C, int HW);
/* dz = dy * f'(z) (dz is set); dalpha += its gradient (prelu, may be NULL). */
void ab_act_layer_backward(float *dz, float *dalpha, const float *dy, const float *z,
                           const float *y, const float *slopes, const ab_act_spec *a,
                           const float *alpha, int training, int B, int C, int HW);

#endif
