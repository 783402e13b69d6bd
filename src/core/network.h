/* network.h: a feed-forward network as a sequence of layers (dense, conv,
 * pooling, dropout, activation) over one parameter allocation, one gradient
 * allocation, one activation allocation and one convolution workspace (sized
 * for the largest conv layer), all made by ab_net_build. Nothing is
 * allocated after that: forward, backward and train steps reuse those
 * buffers. The "hidden layers" are the layers followed by an activation
 * (every dense and conv layer but the output): those are probed for dead
 * units. No I/O. */
#ifndef AB_NETWORK_H
#define AB_NETWORK_H

#include <stdint.h>
#include "activations.h"
#include "init.h"
#include "layer.h"
#include "optim.h"
#include "rng.h"
#include "status.h"

#define AB_MAX_HIDDEN 256
#define AB_MAX_LAYERS (2 * AB_MAX_HIDDEN + 2)
#define AB_MAX_BLOCKS (2 * AB_MAX_LAYERS)

/* One entry of a model given as a list of layers (model.layers). The
 * model's activation follows every DENSE and CONV entry; the output dense
 * layer to the classes is implicit and not listed; flattening from an image
 * to a dense layer is implicit. */
typedef enum {
    AB_LSPEC_DENSE,          /* units */
    AB_LSPEC_CONV,           /* units = filters, kernel (k x k), stride, pad (zeros per side) */
    AB_LSPEC_POOL_MAX,       /* kernel = size, stride */
    AB_LSPEC_POOL_AVG,       /* kernel = size, stride */
    AB_LSPEC_POOL_GLOBAL_AVG,/* (C,H,W) -> (C,1,1) */
    AB_LSPEC_DROPOUT         /* rate in [0, 1), inverted dropout, training only */
} ab_lspec_kind;

typedef struct {
    ab_lspec_kind kind;
    int units;
    int kernel;
    int stride;
    int pad;
    float rate;
} ab_layer_spec;

typedef struct {
    int n_inputs;                /* features per example */
    int in_c, in_h, in_w;        /* input shape (n_inputs, 1, 1 for flat data) */
    int n_classes;
    int n_hidden;
    int hidden[AB_MAX_HIDDEN];   /* widths of the hidden dense layers (used when n_layers == 0) */
    int n_layers;                /* > 0: the model is layers[], and hidden[] is unused */
    ab_layer_spec layers[AB_MAX_HIDDEN];
    ab_act_spec act;             /* the activation of every hidden layer */
    ab_init_spec init;           /* kernel initialiser; biases start at 0 */
} ab_model_spec;

typedef struct {
    ab_model_spec spec;
    int n_layers;
    ab_layer layers[AB_MAX_LAYERS];
    int max_batch;
    size_t n_params;
    float *params;               /* one allocation */
    float *grads;                /* one allocation, same layout */
    int n_blocks;
    ab_param_block blocks[AB_MAX_BLOCKS];
    double block_sq[AB_MAX_BLOCKS]; /* sum of squared gradients of each block at the last training step */
    float *buf;                  /* one allocation for everything below */
    float *acts[AB_MAX_LAYERS + 1];  /* acts[i]: input of layer i, (max_batch, size); acts[0] unused (input is external) */
    float *dacts[AB_MAX_LAYERS + 1]; /* gradient of acts[i] */
    float *probs;                /* (max_batch, n_classes) */
    float *work;                 /* conv workspace (im2col), n_work floats, shared by every conv layer */
    float *pingpong[2];          /* ab_net_infer: a chunk of image-layer outputs, alternately (in buf) */
    size_t n_work;
    int n_hidden;                /* dense and conv layers with an activation */
    int hidden_act[AB_MAX_HIDDEN]; /* layer index of hidden layer h's activation */
    ab_rng rrelu_rng;            /* rrelu slopes in training mode */
    ab_rng dropout_rng;          /* dropout masks in training mode */
    int training;                /* 1: rrelu draws slopes, dropout drops; 0: evaluation */
} ab_net;

/* Checks the specification, the layer shapes included (model_shape.h).
 * An input shape of 0 x 0 x 0 means flat data: n_inputs x 1 x 1. */
ab_status ab_model_check(const ab_model_spec *spec, ab_error *err);
/* Builds the layers and allocates every buffer for batches up to max_batch.
 * Parameters are initialised from init_rng; rrelu draws from the stream
 * "rrelu" of rrelu_seed (the run seed) and dropout from its stream "dropout". */
ab_status ab_net_build(ab_net *net, const ab_model_spec *spec, int max_batch,
                       ab_rng *init_rng, uint64_t rrelu_seed, ab_error *err);
void ab_net_free(ab_net *net);
/* Re-initialise the parameters (kernels from spec.init, biases 0, prelu alpha). */
void ab_net_init_params(ab_net *net, ab_rng *rng);

/* Forward x(B, n_inputs) through every layer; returns a pointer to the
 * logits (B, n_classes), inside the network's buffers. */
const float *ab_net_forward(ab_net *net, const float *x, int B);
/* The same logits, bit for bit, in evaluation mode (net->training is not
 * read): the image layers run chunk by chunk through two small buffers
 * that stay in the cache, keeping nothing for a backward pass (dropout is
 * skipped, an activation and the max pooling after it run as one); only
 * the last image layer's output and the dense layers' are written to
 * net->acts. For evaluation without the probe (which reads net->acts). */
const float *ab_net_infer(ab_net *net, const float *x, int B);
/* Softmax cross-entropy on the logits of the last forward; returns the mean
 * loss and counts correct predictions. */
double ab_net_loss(ab_net *net, const int32_t *y, int B, int *correct);
/* Backward from the loss of the last forward + ab_net_loss; adds into
 * net->grads (zero them first with ab_net_zero_grads). */
void ab_net_backward(ab_net *net, const float *x, const int32_t *y, int B);
void ab_net_zero_grads(ab_net *net);

/* One training step on a batch: zero grads, forward, loss, backward, clip
 * the gradient's global norm (when opt->spec.clip_norm > 0), update. The
 * update is ab_optim_step_sq's, bit for bit; without clipping it runs layer
 * by layer inside the backward pass (ab_optim_update_blocks), each layer's
 * as soon as its gradients are computed.
 * Returns the batch's mean loss (NaN/inf when it diverged); correct receives
 * the number of correct predictions. */
double ab_net_train_step(ab_net *net, ab_optim *opt, float lr, const float *x,
                         const int32_t *y, int B, int *correct);

/* The layer index of the activation layer of hidden layer h, its
 * pre-activation is net->acts[index] and its output net->acts[index + 1]. */
int ab_net_hidden_act_layer(const ab_net *net, int h);
/* Units of hidden layer h (channels of a conv layer), the positions of each
 * (height x width; 1 for a dense layer), and whether it is a conv layer. */
int ab_net_hidden_units(const ab_net *net, int h);
int ab_net_hidden_positions(const ab_net *net, int h);
int ab_net_hidden_is_conv(const ab_net *net, int h);
/* Weight (kernel) parameters of the dense or conv layer feeding hidden layer h. */
float *ab_net_hidden_weights(ab_net *net, int h, size_t *n);
float *ab_net_hidden_weight_grads(ab_net *net, int h, size_t *n);
/* Sum of the squared weight gradients of hidden layer h at the last
 * ab_net_train_step (summed by the optimiser's pass over them). */
double ab_net_hidden_weight_grad_sq(const ab_net *net, int h);
/* PReLU alphas of hidden layer h (NULL when the activation is not prelu). */
const float *ab_net_prelu_alpha(const ab_net *net, int h, int *n);

#endif
