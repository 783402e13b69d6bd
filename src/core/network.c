/* network.c: builds a network from its layer list (model_shape.h: dense,
 * conv, pooling and dropout entries, each dense and conv followed by the
 * activation, then the output dense layer) over single allocations for
 * parameters, gradients, activations and the conv workspace, and runs
 * forward, backward and training steps over them, dispatching on the layer
 * kind. Owns no data and does no I/O; the optimiser state belongs to the
 * caller's ab_optim. */
#include "network.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "loss.h"
#include "model_shape.h"

/* The input shape, flat (n_inputs x 1 x 1) when none is given. */
static void input_shape(const ab_model_spec *s, int *c, int *h, int *w)
{
    if (s->in_c == 0 && s->in_h == 0 && s->in_w == 0)
        *c = s->n_inputs, *h = *w = 1;
    else
        *c = s->in_c, *h = s->in_h, *w = s->in_w;
}

ab_status ab_model_check(const ab_model_spec *s, ab_error *err)
{
    if (s->n_inputs < 1) return ab_fail(err, AB_ERR_ARG, "the network needs at least one input, got %d", s->n_inputs);
    if (s->n_classes < 2) return ab_fail(err, AB_ERR_ARG, "the network needs at least 2 classes, got %d", s->n_classes);
    if (s->n_hidden < 0 || s->n_hidden > AB_MAX_HIDDEN)
        return ab_fail(err, AB_ERR_ARG, "hidden layers: need 0 to %d, got %d", AB_MAX_HIDDEN, s->n_hidden);
    if (s->n_layers == 0)
        for (int h = 0; h < s->n_hidden; h++)
            if (s->hidden[h] < 1)
                return ab_fail(err, AB_ERR_ARG, "hidden layer %d: width must be >= 1, got %d", h + 1, s->hidden[h]);
    if (!(s->init.scale > 0.0f && isfinite(s->init.scale)))
        return ab_fail(err, AB_ERR_ARG, "init scale must be > 0, got %g", s->init.scale);
    ab_model_spec flat = *s;
    input_shape(s, &flat.in_c, &flat.in_h, &flat.in_w);
    if ((long)flat.in_c * flat.in_h * flat.in_w != s->n_inputs)
        return ab_fail(err, AB_ERR_ARG, "input shape %dx%dx%d does not hold the %d inputs",
                       flat.in_c, flat.in_h, flat.in_w, s->n_inputs);
    ab_layer_shape shapes[AB_MAX_HIDDEN + 1];
    int n, bad;
    size_t total;
    ab_error e;
    if (ab_model_shapes(&flat, shapes, &n, &total, &bad, &e) != AB_OK)
        return bad >= 0 ? ab_fail(err, AB_ERR_ARG, "layer %d: %s", bad + 1, e.msg)
                        : ab_fail(err, AB_ERR_ARG, "%s", e.msg);
    return ab_act_check(&s->act, err);
}

/* Appends a parameter block of layer l. */
static void add_block(ab_net *net, ab_layer *l, size_t off, size_t n, int decay)
{
    if (l->n_blocks++ == 0) l->block0 = net->n_blocks;
    ab_param_block *b = &net->blocks[net->n_blocks++];
    b->off = off;
    b->n = n;
    b->decay = decay;
}

static ab_conv_shape conv_shape(const ab_layer *l)
{
    ab_conv_shape s = {l->in_c, l->in_h, l->in_w, l->out_c, l->kernel, l->stride, l->pad,
                       l->out_h, l->out_w};
    return s;
}

/* Appends a layer of kind taking the current shape; returns it with its
 * output shape set to the input shape (callers change what differs). */
static ab_layer *add_layer(ab_net *net, ab_layer_kind kind, int c, int h, int w)
{
    ab_layer *l = &net->layers[net->n_layers++];
    memset(l, 0, sizeof *l);
    l->kind = kind;
    l->in_c = l->out_c = c, l->in_h = l->out_h = h, l->in_w = l->out_w = w;
    l->hidden_index = -1;
    return l;
}

static void finish_sizes(ab_layer *l)
{
    l->in_size = l->in_c * l->in_h * l->in_w;
    l->out_size = l->out_c * l->out_h * l->out_w;
}

/* A dense or conv layer with n_w kernel weights and out_c biases at *p. */
static void add_weights(ab_net *net, ab_layer *l, size_t n_w, size_t *p)
{
    l->param_off = *p;
    l->n_params = n_w + (size_t)l->out_c;
    add_block(net, l, *p, n_w, 1);                    /* kernel: decayed */
    add_block(net, l, *p + n_w, (size_t)l->out_c, 0); /* bias: never decayed */
    *p += l->n_params;
}

/* The activation after hidden layer h, over c x h x w. */
static void add_activation(ab_net *net, int c, int hh, int w, size_t *p)
{
    const ab_model_spec *s = &net->spec;
    ab_layer *a = add_layer(net, AB_LAYER_ACTIVATION, c, hh, w);
    finish_sizes(a);
    a->act = s->act;
    a->hidden_index = net->n_hidden;
    net->hidden_act[net->n_hidden++] = net->n_layers - 1;
    a->param_off = *p;
    if (s->act.kind == AB_ACT_PRELU) {
        a->n_params = s->act.prelu_per_unit ? (size_t)c : 1; /* per unit: per channel */
        add_block(net, a, *p, a->n_params, s->act.prelu_decay);
        *p += a->n_params;
    }
}

/* Lays out the layers and their parameter blocks (the spec is checked). */
static void plan_layers(ab_net *net)
{
    const ab_model_spec *s = &net->spec;
    ab_layer_spec list[AB_MAX_HIDDEN];
    int n = ab_model_layer_list(s, list);
    size_t p = 0;
    int c, h, w;
    input_shape(s, &c, &h, &w);
    for (int i = 0; i <= n; i++) {
        ab_layer_spec out = {.kind = AB_LSPEC_DENSE, .units = s->n_classes};
        const ab_layer_spec *e = i < n ? &list[i] : &out;
        ab_layer *l = NULL;
        switch (e->kind) {
        case AB_LSPEC_DENSE:
            l = add_layer(net, AB_LAYER_DENSE, c * h * w, 1, 1);
            l->out_c = e->units;
            finish_sizes(l);
            add_weights(net, l, (size_t)l->out_size * l->in_size, &p);
            break;
        case AB_LSPEC_CONV:
            l = add_layer(net, AB_LAYER_CONV, c, h, w);
            l->kernel = e->kernel, l->stride = e->stride, l->pad = e->pad;
            l->out_c = e->units;
            l->out_h = (h + 2 * e->pad - e->kernel) / e->stride + 1;
            l->out_w = (w + 2 * e->pad - e->kernel) / e->stride + 1;
            finish_sizes(l);
            add_weights(net, l, (size_t)l->out_c * c * e->kernel * e->kernel, &p);
            break;
        case AB_LSPEC_POOL_MAX:
        case AB_LSPEC_POOL_AVG:
            l = add_layer(net, e->kind == AB_LSPEC_POOL_MAX ? AB_LAYER_MAX_POOL : AB_LAYER_AVG_POOL, c, h, w);
            l->kernel = e->kernel, l->stride = e->stride;
            l->out_h = (h - e->kernel) / e->stride + 1;
            l->out_w = (w - e->kernel) / e->stride + 1;
            finish_sizes(l);
            break;
        case AB_LSPEC_POOL_GLOBAL_AVG:
            l = add_layer(net, AB_LAYER_GLOBAL_AVG_POOL, c, h, w);
            l->out_h = l->out_w = 1;
            finish_sizes(l);
            break;
        case AB_LSPEC_DROPOUT:
            l = add_layer(net, AB_LAYER_DROPOUT, c, h, w);
            l->rate = e->rate;
            finish_sizes(l);
            break;
        }
        c = l->out_c, h = l->out_h, w = l->out_w;
        if (i < n && (e->kind == AB_LSPEC_DENSE || e->kind == AB_LSPEC_CONV))
            add_activation(net, c, h, w, &p);
    }
    net->n_params = p;
}

/* The image layers (every layer before the first dense one: convolutions,
 * pooling, their activations and dropout) work example by example, so they
 * run over chunks of IMAGE_CHUNK examples, each chunk through all of them
 * while its buffers are still in the cache. The arithmetic is the same as
 * over the whole batch (a conv layer does one sgemm per image); only the
 * order of rrelu and dropout draws interleaves between layers. */
#ifndef IMAGE_CHUNK
#define IMAGE_CHUNK 8
#endif

static int image_layers(const ab_net *net)
{
    int i = 0;
    while (i < net->n_layers && net->layers[i].kind != AB_LAYER_DENSE) i++;
    return i;
}

static int chunk_size(int B) { return B < IMAGE_CHUNK ? B : IMAGE_CHUNK; }

/* The largest output of one example among the image layers. */
static size_t max_image_out(const ab_net *net)
{
    size_t m = 0;
    for (int i = 0; i < image_layers(net); i++)
        if ((size_t)net->layers[i].out_size > m) m = (size_t)net->layers[i].out_size;
    return m;
}

ab_status ab_net_build(ab_net *net, const ab_model_spec *spec, int max_batch,
                       ab_rng *init_rng, uint64_t rrelu_seed, ab_error *err)
{
    memset(net, 0, sizeof *net);
    ab_status st = ab_model_check(spec, err);
    if (st != AB_OK) return st;
    if (max_batch < 1) return ab_fail(err, AB_ERR_ARG, "batch size must be >= 1, got %d", max_batch);
    net->spec = *spec;
    net->max_batch = max_batch;
    plan_layers(net);
    /* per layer: its output and that output's gradient (and rrelu slopes,
     * dropout mask, max-pooling argmax), then the softmax probabilities */
    size_t per_example = (size_t)spec->n_classes;
    for (int i = 0; i < net->n_layers; i++) {
        const ab_layer *l = &net->layers[i];
        int extra = (l->kind == AB_LAYER_ACTIVATION && l->act.kind == AB_ACT_RRELU) +
                    (l->kind == AB_LAYER_DROPOUT) + (l->kind == AB_LAYER_MAX_POOL);
        per_example += (size_t)l->out_size * (2 + extra);
        if (l->kind == AB_LAYER_CONV) {
            ab_conv_shape cs = conv_shape(l);
            size_t need = ab_conv_workspace(&cs, max_batch);
            if (need > net->n_work) net->n_work = need;
        }
    }
    size_t n_buf = per_example * (size_t)max_batch;
    size_t n_pingpong = (size_t)chunk_size(max_batch) * max_image_out(net);
    n_buf += 2 * n_pingpong;
    net->params = calloc(net->n_params, sizeof(float));
    net->grads = calloc(net->n_params, sizeof(float));
    net->buf = calloc(n_buf, sizeof(float));
    net->work = net->n_work ? malloc(net->n_work * sizeof(float)) : NULL;
    if (!net->params || !net->grads || !net->buf || (net->n_work && !net->work)) {
        size_t n_params = net->n_params;
        ab_net_free(net);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for a network of %zu parameters", n_params);
    }
    float *q = net->buf;
    for (int i = 0; i < net->n_layers; i++) {
        ab_layer *l = &net->layers[i];
        size_t n = (size_t)max_batch * l->out_size;
        net->acts[i + 1] = q, q += n;
        net->dacts[i + 1] = q, q += n;
        if (l->kind == AB_LAYER_ACTIVATION && l->act.kind == AB_ACT_RRELU) l->slopes = q, q += n;
        if (l->kind == AB_LAYER_DROPOUT) l->mask = q, q += n;
        if (l->kind == AB_LAYER_MAX_POOL) l->argmax = (int32_t *)(void *)q, q += n;
    }
    net->probs = q, q += (size_t)max_batch * spec->n_classes;
    net->pingpong[0] = q, net->pingpong[1] = q + n_pingpong;
    ab_rng_seed(&net->rrelu_rng, rrelu_seed, "rrelu");
    ab_rng_seed(&net->dropout_rng, rrelu_seed, "dropout");
    net->training = 1;
    ab_net_init_params(net, init_rng);
    return AB_OK;
}

void ab_net_free(ab_net *net)
{
    free(net->params);
    free(net->grads);
    free(net->buf);
    free(net->work);
    memset(net, 0, sizeof *net);
}

void ab_net_init_params(ab_net *net, ab_rng *rng)
{
    float leak = ab_act_leak(&net->spec.act);
    for (int i = 0; i < net->n_layers; i++) {
        ab_layer *l = &net->layers[i];
        float *p = net->params + l->param_off;
        float lk = i == net->n_layers - 1 ? 0.0f : leak; /* the output layer has no activation */
        switch (l->kind) {
        case AB_LAYER_DENSE: {
            long nw = (long)l->out_size * l->in_size;
            ab_init_fill(p, nw, &net->spec.init, l->in_size, l->out_size, lk, rng);
            memset(p + nw, 0, (size_t)l->out_size * sizeof *p);
            break;
        }
        case AB_LAYER_CONV: {
            /* Keras: a conv kernel's fans are its channels times k*k */
            int kk = l->kernel * l->kernel;
            long nw = (long)l->out_c * l->in_c * kk;
            ab_init_fill(p, nw, &net->spec.init, l->in_c * kk, l->out_c * kk, lk, rng);
            memset(p + nw, 0, (size_t)l->out_c * sizeof *p);
            break;
        }
        case AB_LAYER_ACTIVATION:
            for (size_t k = 0; k < l->n_params; k++) p[k] = l->act.alpha;
            break;
        case AB_LAYER_MAX_POOL:
        case AB_LAYER_AVG_POOL:
        case AB_LAYER_GLOBAL_AVG_POOL:
        case AB_LAYER_DROPOUT:
            break;
        }
    }
}


/* Whether activation layer i and the max pooling after it run as one pass
 * (pool_layer.c): the pooling's forward and the activation's backward are
 * then part of the other layer's. In training the fused forward does not
 * write the activation's output (only the pooling reads it). */
static int fused_pool(const ab_net *net, int i)
{
    if (i < 0 || i + 1 >= net->n_layers) return 0;
    const ab_layer *a = &net->layers[i], *p = &net->layers[i + 1];
    return a->kind == AB_LAYER_ACTIVATION && p->kind == AB_LAYER_MAX_POOL &&
           ab_act_max_pool_fusable(&a->act, p->kernel, p->stride);
}

/* Whether layer i is a convolution whose activation takes its backward
 * from its output (ab_act_sign_kept): nothing then reads the convolution's
 * output after the activation's forward. */
static int act_reads_output(const ab_net *net, int i)
{
    if (i < 0 || i + 1 >= net->n_layers) return 0;
    const ab_layer *c = &net->layers[i], *a = &net->layers[i + 1];
    return c->kind == AB_LAYER_CONV && a->kind == AB_LAYER_ACTIVATION && ab_act_sign_kept(&a->act);
}

/* Buffers that only one chunk of image layers uses start at the buffer's
 * first example for every chunk (they stay in the cache) instead of at the
 * chunk's own examples: in training, the output of layer i when a fused
 * activation and pooling (whose backward does not read it) consume it, or
 * when it is a convolution's and its activation's backward reads the
 * activation's output instead; and the input gradient of every image layer
 * but the last (the one from the first dense layer covers the whole batch). */
static int scratch_out(const ab_net *net, int i)
{
    return net->training && (fused_pool(net, i + 1) || act_reads_output(net, i));
}

static size_t grad_off(const ab_net *net, int j, int b0, int size)
{
    return j < image_layers(net) ? 0 : (size_t)b0 * size;
}

/* Forward through layer i for examples [b0, b0 + n) of the batch. */
static void layer_forward(ab_net *net, int i, const float *x, int b0, int n)
{
    ab_layer *l = &net->layers[i];
    size_t io = (size_t)b0 * l->in_size, oo = (size_t)b0 * l->out_size;
    const float *in = i == 0 ? x + io : net->acts[i] + (scratch_out(net, i - 1) ? 0 : io);
    float *out = net->acts[i + 1] + (scratch_out(net, i) ? 0 : oo);
    const float *p = net->params + l->param_off;
    switch (l->kind) {
    case AB_LAYER_DENSE:
        ab_dense_forward(out, in, p, p + (size_t)l->out_size * l->in_size, n, l->in_size, l->out_size);
        return;
    case AB_LAYER_CONV: {
        ab_conv_shape cs = conv_shape(l);
        ab_conv_forward(out, net->work, in, p, p + l->n_params - (size_t)l->out_c, &cs, n);
        return;
    }
    case AB_LAYER_MAX_POOL:
        if (fused_pool(net, i - 1)) return;
        ab_max_pool_forward(out, l->argmax + oo, in, n, l->in_c, l->in_h, l->in_w, l->kernel,
                            l->stride, l->out_h, l->out_w);
        return;
    case AB_LAYER_AVG_POOL:
        ab_avg_pool_forward(out, in, n, l->in_c, l->in_h, l->in_w, l->kernel, l->stride, l->out_h,
                            l->out_w);
        return;
    case AB_LAYER_GLOBAL_AVG_POOL:
        ab_global_avg_pool_forward(out, in, n, l->in_c, l->in_h * l->in_w);
        return;
    case AB_LAYER_DROPOUT:
        ab_dropout_forward(out, l->mask ? l->mask + oo : NULL, in, l->rate, net->training,
                           &net->dropout_rng, (long)n * l->out_size);
        return;
    case AB_LAYER_ACTIVATION:
        if (fused_pool(net, i)) {
            const ab_layer *pl = &net->layers[i + 1];
            size_t po = (size_t)b0 * pl->out_size;
            ab_act_max_pool_forward(net->acts[i + 2] + po, pl->argmax + po, net->training ? NULL : out,
                                    in, &l->act, n, l->out_c, l->out_h, l->out_w, pl->out_h, pl->out_w);
            return;
        }
        ab_act_layer_forward(out, l->slopes ? l->slopes + oo : NULL, in, &l->act, p, net->training,
                             &net->rrelu_rng, n, l->out_c, l->out_h * l->out_w);
        return;
    }
}

/* ab_net_infer's forward through image layers [0, n_img) for examples
 * [b0, b0 + n): each layer reads the buffer the last one wrote and writes
 * the other ping-pong buffer (the last one writes net->acts[n_img]);
 * dropout (the identity in evaluation) is skipped, and an activation and
 * the max pooling after it run as one pass. The kernels are
 * layer_forward's in evaluation mode, so the floats are the same. */
static void infer_chunk(ab_net *net, const float *x, int b0, int n, int n_img)
{
    const float *in = x + (size_t)b0 * net->spec.n_inputs;
    int which = 0;
    for (int i = 0; i < n_img; i++) {
        ab_layer *l = &net->layers[i];
        if (l->kind == AB_LAYER_DROPOUT) continue;
        int last = fused_pool(net, i) ? i + 1 : i; /* the layer whose output this pass writes */
        for (int j = last + 1; j < n_img && net->layers[j].kind == AB_LAYER_DROPOUT; j++) last = j;
        const ab_layer *ol = &net->layers[last];
        float *out = last == n_img - 1 ? net->acts[n_img] + (size_t)b0 * ol->out_size : net->pingpong[which];
        size_t oo = (size_t)b0 * l->out_size;
        const float *p = net->params + l->param_off;
        switch (l->kind) {
        case AB_LAYER_CONV: {
            ab_conv_shape cs = conv_shape(l);
            ab_conv_forward(out, net->work, in, p, p + l->n_params - (size_t)l->out_c, &cs, n);
            break;
        }
        case AB_LAYER_MAX_POOL:
            ab_max_pool_forward(out, l->argmax + oo, in, n, l->in_c, l->in_h, l->in_w, l->kernel,
                                l->stride, l->out_h, l->out_w);
            break;
        case AB_LAYER_AVG_POOL:
            ab_avg_pool_forward(out, in, n, l->in_c, l->in_h, l->in_w, l->kernel, l->stride,
                                l->out_h, l->out_w);
            break;
        case AB_LAYER_GLOBAL_AVG_POOL:
            ab_global_avg_pool_forward(out, in, n, l->in_c, l->in_h * l->in_w);
            break;
        case AB_LAYER_ACTIVATION:
            if (fused_pool(net, i)) {
                const ab_layer *pl = &net->layers[i + 1];
                ab_act_max_pool_forward(out, pl->argmax + (size_t)b0 * pl->out_size, NULL, in, &l->act,
                                        n, l->out_c, l->out_h, l->out_w, pl->out_h, pl->out_w);
                i++;
                break;
            }
            ab_act_layer_forward(out, NULL, in, &l->act, p, 0, &net->rrelu_rng, n, l->out_c,
                                 l->out_h * l->out_w);
            break;
        case AB_LAYER_DROPOUT:
        case AB_LAYER_DENSE:
            break; /* not reached: skipped above; dense layers are not image layers */
        }
        in = out;
        which ^= 1;
    }
    /* only when the image layers end in dropout after nothing else */
    const ab_layer *ll = &net->layers[n_img - 1];
    float *dst = net->acts[n_img] + (size_t)b0 * ll->out_size;
    if (in != dst) memcpy(dst, in, (size_t)n * ll->out_size * sizeof *dst);
}

const float *ab_net_infer(ab_net *net, const float *x, int B)
{
    int n_img = image_layers(net);
    /* the first dense layer reads acts[n_img]; with no image layer, x */
    if (n_img > 0)
        for (int b0 = 0; b0 < B; b0 += IMAGE_CHUNK)
            infer_chunk(net, x, b0, chunk_size(B - b0), n_img);
    int was_training = net->training;
    net->training = 0;
    for (int i = n_img; i < net->n_layers; i++) layer_forward(net, i, x, 0, B);
    net->training = was_training;
    return net->acts[net->n_layers];
}

const float *ab_net_forward(ab_net *net, const float *x, int B)
{
    int n_img = image_layers(net);
    for (int b0 = 0; b0 < B; b0 += IMAGE_CHUNK) {
        int n = B - b0 < IMAGE_CHUNK ? B - b0 : IMAGE_CHUNK;
        for (int i = 0; i < n_img; i++) layer_forward(net, i, x, b0, n);
    }
    for (int i = n_img; i < net->n_layers; i++) layer_forward(net, i, x, 0, B);
    return net->acts[net->n_layers];
}

double ab_net_loss(ab_net *net, const int32_t *y, int B, int *correct)
{
    return ab_xent_forward(net->probs, net->acts[net->n_layers], y, B, net->spec.n_classes, correct);
}

void ab_net_zero_grads(ab_net *net) { memset(net->grads, 0, net->n_params * sizeof *net->grads); }

/* Zeroes the gradients that the training step's backward adds into: every
 * layer's but the dense layers', which it sets (no pass over their zeros,
 * and sgemm does not read them). */
static void zero_added_grads(ab_net *net)
{
    for (int i = 0; i < net->n_layers; i++) {
        const ab_layer *l = &net->layers[i];
        if (l->kind != AB_LAYER_DENSE && l->n_params)
            memset(net->grads + l->param_off, 0, l->n_params * sizeof *net->grads);
    }
}

/* Backward through layer i for examples [b0, b0 + n): its input gradient
 * (not for the first layer, whose input gradient nobody needs) from its
 * output gradient, parameter gradients added into net->grads (set, for a
 * dense layer when set_dense: it runs once over the whole batch). */
static void layer_backward(ab_net *net, int i, const float *x, int b0, int n, int set_dense)
{
    ab_layer *l = &net->layers[i];
    size_t io = (size_t)b0 * l->in_size, oo = (size_t)b0 * l->out_size;
    const float *in = (i == 0 ? x : net->acts[i]) + io, *out = net->acts[i + 1] + oo;
    float *din = i == 0 ? NULL : net->dacts[i] + grad_off(net, i, b0, l->in_size);
    const float *dout = net->dacts[i + 1] + grad_off(net, i + 1, b0, l->out_size);
    const float *p = net->params + l->param_off;
    float *g = net->grads + l->param_off;
    switch (l->kind) {
    case AB_LAYER_DENSE: {
        size_t nw = (size_t)l->out_size * l->in_size;
        if (set_dense)
            ab_dense_backward_set(din, g, g + nw, dout, in, p, n, l->in_size, l->out_size);
        else
            ab_dense_backward(din, g, g + nw, dout, in, p, n, l->in_size, l->out_size);
        return;
    }
    case AB_LAYER_CONV: {
        ab_conv_shape cs = conv_shape(l);
        size_t nw = l->n_params - (size_t)l->out_c;
        ab_conv_backward(din, g, g + nw, net->work, dout, in, p, &cs, n);
        return;
    }
    case AB_LAYER_MAX_POOL:
        if (fused_pool(net, i - 1)) { /* the activation's backward too: dacts[i-1] from dout */
            const ab_layer *a = &net->layers[i - 1];
            size_t ao = grad_off(net, i - 1, b0, a->in_size);
            ab_act_max_pool_backward(net->dacts[i - 1] + ao, dout, l->argmax + oo, out, &a->act, n,
                                     l->in_c, l->in_h, l->in_w, l->out_h, l->out_w);
            return;
        }
        if (din)
            ab_max_pool_backward(din, dout, l->argmax + oo, n, l->in_c, l->in_h, l->in_w, l->kernel,
                                 l->stride, l->out_h, l->out_w);
        return;
    case AB_LAYER_AVG_POOL:
        if (din)
            ab_avg_pool_backward(din, dout, n, l->in_c, l->in_h, l->in_w, l->kernel, l->stride,
                                 l->out_h, l->out_w);
        return;
    case AB_LAYER_GLOBAL_AVG_POOL:
        if (din) ab_global_avg_pool_backward(din, dout, n, l->in_c, l->in_h * l->in_w);
        return;
    case AB_LAYER_DROPOUT:
        if (din)
            ab_dropout_backward(din, dout, l->mask ? l->mask + oo : NULL, net->training,
                                (long)n * l->out_size);
        return;
    case AB_LAYER_ACTIVATION:
        if (din && !fused_pool(net, i))
            ab_act_layer_backward(din, l->n_params ? g : NULL, dout,
                                  act_reads_output(net, i - 1) ? out : in, out,
                                  l->slopes ? l->slopes + oo : NULL, &l->act, p, net->training, n,
                                  l->out_c, l->out_h * l->out_w);
        return;
    }
}

/* The optimiser's update of layer i's parameters (none for most kinds). */
static void update_layer(ab_net *net, ab_optim *opt, int i, float lr)
{
    const ab_layer *l = &net->layers[i];
    if (l->n_blocks)
        ab_optim_update_blocks(opt, net->params, net->grads, net->blocks + l->block0, l->n_blocks,
                               lr, net->block_sq + l->block0);
}

/* Backward through every layer; set_dense: the dense layers set their
 * gradients instead of adding into them. With opt, each layer's parameters
 * are updated (at rate lr) as soon as nothing in the step needs them or
 * their gradients any more: a dense layer's (and an activation's) right
 * after its own backward, while its weights and gradients are still in the
 * cache; the image layers' after the last chunk has added into them. */
static void backward(ab_net *net, const float *x, const int32_t *y, int B, int set_dense,
                     ab_optim *opt, float lr)
{
    int L = net->n_layers, n_img = image_layers(net);
    ab_xent_backward(net->dacts[L], net->probs, y, B, net->spec.n_classes, 1.0f / (float)B);
    for (int i = L - 1; i >= n_img; i--) {
        layer_backward(net, i, x, 0, B, set_dense);
        if (opt) update_layer(net, opt, i, lr);
    }
    for (int b0 = 0; b0 < B; b0 += IMAGE_CHUNK) {
        int n = B - b0 < IMAGE_CHUNK ? B - b0 : IMAGE_CHUNK;
        for (int i = n_img - 1; i >= 0; i--) layer_backward(net, i, x, b0, n, set_dense);
    }
    if (opt)
        for (int i = n_img - 1; i >= 0; i--) update_layer(net, opt, i, lr);
}

void ab_net_backward(ab_net *net, const float *x, const int32_t *y, int B)
{
    backward(net, x, y, B, 0, NULL, 0.0f);
}

double ab_net_train_step(ab_net *net, ab_optim *opt, float lr, const float *x,
                         const int32_t *y, int B, int *correct)
{
    zero_added_grads(net);
    ab_net_forward(net, x, B);
    double loss = ab_net_loss(net, y, B, correct);
    if (!isfinite(loss)) return loss;
    if (opt->spec.clip_norm > 0.0f) { /* the update needs the whole gradient's norm first */
        backward(net, x, y, B, 1, NULL, 0.0f);
        ab_clip_grad_norm(net->grads, net->n_params, opt->spec.clip_norm);
        ab_optim_step_sq(opt, net->params, net->grads, net->blocks, net->n_blocks, lr, net->block_sq);
        return loss;
    }
    ab_optim_begin_step(opt);
    backward(net, x, y, B, 1, opt, lr);
    return loss;
}

int ab_net_hidden_act_layer(const ab_net *net, int h) { return net->hidden_act[h]; }

int ab_net_hidden_units(const ab_net *net, int h) { return net->layers[net->hidden_act[h]].out_c; }

int ab_net_hidden_positions(const ab_net *net, int h)
{
    const ab_layer *a = &net->layers[net->hidden_act[h]];
    return a->out_h * a->out_w;
}

int ab_net_hidden_is_conv(const ab_net *net, int h)
{
    return net->layers[net->hidden_act[h] - 1].kind == AB_LAYER_CONV;
}

/* The dense or conv layer feeding hidden layer h: kernel then out_c biases. */
static const ab_layer *weight_layer(const ab_net *net, int h, size_t *n)
{
    const ab_layer *d = &net->layers[net->hidden_act[h] - 1];
    if (n) *n = d->n_params - (size_t)d->out_c;
    return d;
}

float *ab_net_hidden_weights(ab_net *net, int h, size_t *n)
{
    return net->params + weight_layer(net, h, n)->param_off;
}

float *ab_net_hidden_weight_grads(ab_net *net, int h, size_t *n)
{
    return net->grads + weight_layer(net, h, n)->param_off;
}

double ab_net_hidden_weight_grad_sq(const ab_net *net, int h)
{
    size_t off = weight_layer(net, h, NULL)->param_off;
    for (int k = 0; k < net->n_blocks; k++)
        if (net->blocks[k].off == off) return net->block_sq[k];
    return 0.0; /* not reached: every weight layer has its kernel block */
}

const float *ab_net_prelu_alpha(const ab_net *net, int h, int *n)
{
    const ab_layer *a = &net->layers[net->hidden_act[h]];
    if (a->act.kind != AB_ACT_PRELU) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = (int)a->n_params;
    return net->params + a->param_off;
}
