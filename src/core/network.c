/* network.c: builds a dense network (dense, activation, dense, ..., dense)
 * over single allocations for parameters, gradients and activations, and
 * runs forward, backward and training steps over them. Owns no data and
 * does no I/O; the optimiser state belongs to the caller's ab_optim. */
#include "network.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "loss.h"

ab_status ab_model_check(const ab_model_spec *s, ab_error *err)
{
    if (s->n_inputs < 1) return ab_fail(err, AB_ERR_ARG, "the network needs at least one input, got %d", s->n_inputs);
    if (s->n_classes < 2) return ab_fail(err, AB_ERR_ARG, "the network needs at least 2 classes, got %d", s->n_classes);
    if (s->n_hidden < 0 || s->n_hidden > AB_MAX_HIDDEN)
        return ab_fail(err, AB_ERR_ARG, "hidden layers: need 0 to %d, got %d", AB_MAX_HIDDEN, s->n_hidden);
    for (int h = 0; h < s->n_hidden; h++)
        if (s->hidden[h] < 1)
            return ab_fail(err, AB_ERR_ARG, "hidden layer %d: width must be >= 1, got %d", h + 1, s->hidden[h]);
    if (!(s->init.scale > 0.0f && isfinite(s->init.scale)))
        return ab_fail(err, AB_ERR_ARG, "init scale must be > 0, got %g", s->init.scale);
    return ab_act_check(&s->act, err);
}

static void add_block(ab_net *net, size_t off, size_t n, int decay)
{
    ab_param_block *b = &net->blocks[net->n_blocks++];
    b->off = off;
    b->n = n;
    b->decay = decay;
}

/* Lays out the layers and their parameter blocks. */
static void plan_layers(ab_net *net)
{
    const ab_model_spec *s = &net->spec;
    size_t p = 0;
    int width = s->n_inputs;
    for (int h = 0; h <= s->n_hidden; h++) {
        int out = h < s->n_hidden ? s->hidden[h] : s->n_classes;
        ab_layer *d = &net->layers[net->n_layers++];
        memset(d, 0, sizeof *d);
        d->kind = AB_LAYER_DENSE;
        d->in_size = width;
        d->out_size = out;
        d->in_c = width, d->in_h = d->in_w = 1;
        d->out_c = out, d->out_h = d->out_w = 1;
        d->param_off = p;
        d->n_params = (size_t)out * width + out;
        d->hidden_index = -1;
        add_block(net, p, (size_t)out * width, 1); /* kernel: decayed */
        add_block(net, p + (size_t)out * width, (size_t)out, 0); /* bias: never decayed */
        p += d->n_params;
        if (h < s->n_hidden) {
            ab_layer *a = &net->layers[net->n_layers++];
            memset(a, 0, sizeof *a);
            a->kind = AB_LAYER_ACTIVATION;
            a->in_size = a->out_size = out;
            a->in_c = a->out_c = out, a->in_h = a->in_w = a->out_h = a->out_w = 1;
            a->act = s->act;
            a->hidden_index = h;
            a->param_off = p;
            if (s->act.kind == AB_ACT_PRELU) {
                a->n_params = s->act.prelu_per_unit ? (size_t)out : 1;
                add_block(net, p, a->n_params, s->act.prelu_decay);
                p += a->n_params;
            }
        }
        width = out;
    }
    net->n_params = p;
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
    /* per layer: its output and that output's gradient (and rrelu slopes),
     * then the softmax probabilities */
    size_t per_example = (size_t)spec->n_classes;
    for (int i = 0; i < net->n_layers; i++) {
        const ab_layer *l = &net->layers[i];
        int rrelu = l->kind == AB_LAYER_ACTIVATION && l->act.kind == AB_ACT_RRELU;
        per_example += (size_t)l->out_size * (rrelu ? 3 : 2);
    }
    size_t n_buf = per_example * (size_t)max_batch;
    net->params = calloc(net->n_params, sizeof(float));
    net->grads = calloc(net->n_params, sizeof(float));
    net->buf = calloc(n_buf, sizeof(float));
    if (!net->params || !net->grads || !net->buf) {
        ab_net_free(net);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for a network of %zu parameters", net->n_params);
    }
    float *q = net->buf;
    for (int i = 0; i < net->n_layers; i++) {
        ab_layer *l = &net->layers[i];
        net->acts[i + 1] = q, q += (size_t)max_batch * l->out_size;
        net->dacts[i + 1] = q, q += (size_t)max_batch * l->out_size;
        if (l->kind == AB_LAYER_ACTIVATION && l->act.kind == AB_ACT_RRELU)
            l->slopes = q, q += (size_t)max_batch * l->out_size;
    }
    net->probs = q;
    ab_rng_seed(&net->rrelu_rng, rrelu_seed, "rrelu");
    net->training = 1;
    ab_net_init_params(net, init_rng);
    return AB_OK;
}

void ab_net_free(ab_net *net)
{
    free(net->params);
    free(net->grads);
    free(net->buf);
    memset(net, 0, sizeof *net);
}

void ab_net_init_params(ab_net *net, ab_rng *rng)
{
    float leak = ab_act_leak(&net->spec.act);
    for (int i = 0; i < net->n_layers; i++) {
        ab_layer *l = &net->layers[i];
        float *p = net->params + l->param_off;
        if (l->kind == AB_LAYER_DENSE) {
            int is_output = i == net->n_layers - 1;
            long nw = (long)l->out_size * l->in_size;
            ab_init_fill(p, nw, &net->spec.init, l->in_size, l->out_size, is_output ? 0.0f : leak, rng);
            memset(p + nw, 0, (size_t)l->out_size * sizeof *p);
        } else {
            for (size_t k = 0; k < l->n_params; k++) p[k] = l->act.alpha;
        }
    }
}

const float *ab_net_forward(ab_net *net, const float *x, int B)
{
    for (int i = 0; i < net->n_layers; i++) {
        ab_layer *l = &net->layers[i];
        const float *in = i == 0 ? x : net->acts[i];
        float *out = net->acts[i + 1];
        const float *p = net->params + l->param_off;
        if (l->kind == AB_LAYER_DENSE)
            ab_dense_forward(out, in, p, p + (size_t)l->out_size * l->in_size, B, l->in_size, l->out_size);
        else
            ab_act_forward(out, l->slopes, in, &l->act, p, net->training, &net->rrelu_rng, B, l->out_size);
    }
    return net->acts[net->n_layers];
}

double ab_net_loss(ab_net *net, const int32_t *y, int B, int *correct)
{
    return ab_xent_forward(net->probs, net->acts[net->n_layers], y, B, net->spec.n_classes, correct);
}

void ab_net_zero_grads(ab_net *net) { memset(net->grads, 0, net->n_params * sizeof *net->grads); }

void ab_net_backward(ab_net *net, const float *x, const int32_t *y, int B)
{
    int L = net->n_layers;
    ab_xent_backward(net->dacts[L], net->probs, y, B, net->spec.n_classes, 1.0f / (float)B);
    for (int i = L - 1; i >= 0; i--) {
        ab_layer *l = &net->layers[i];
        const float *in = i == 0 ? x : net->acts[i];
        float *din = i == 0 ? NULL : net->dacts[i];
        const float *p = net->params + l->param_off;
        float *g = net->grads + l->param_off;
        if (l->kind == AB_LAYER_DENSE) {
            size_t nw = (size_t)l->out_size * l->in_size;
            ab_dense_backward(din, g, g + nw, net->dacts[i + 1], in, p, B, l->in_size, l->out_size);
        } else {
            memset(din, 0, (size_t)B * l->in_size * sizeof *din);
            ab_act_backward(din, l->n_params ? g : NULL, net->dacts[i + 1], in, net->acts[i + 1],
                            l->slopes, &l->act, p, net->training, B, l->out_size);
        }
    }
}

double ab_net_train_step(ab_net *net, ab_optim *opt, float lr, const float *x,
                         const int32_t *y, int B, int *correct)
{
    ab_net_zero_grads(net);
    ab_net_forward(net, x, B);
    double loss = ab_net_loss(net, y, B, correct);
    if (!isfinite(loss)) return loss;
    ab_net_backward(net, x, y, B);
    ab_optim_step(opt, net->params, net->grads, net->blocks, net->n_blocks, lr);
    return loss;
}

int ab_net_hidden_act_layer(const ab_net *net, int h)
{
    (void)net;
    return 2 * h + 1;
}

float *ab_net_hidden_weights(ab_net *net, int h, size_t *n)
{
    const ab_layer *d = &net->layers[2 * h];
    if (n) *n = (size_t)d->out_size * d->in_size;
    return net->params + d->param_off;
}

float *ab_net_hidden_weight_grads(ab_net *net, int h, size_t *n)
{
    const ab_layer *d = &net->layers[2 * h];
    if (n) *n = (size_t)d->out_size * d->in_size;
    return net->grads + d->param_off;
}

const float *ab_net_prelu_alpha(const ab_net *net, int h, int *n)
{
    const ab_layer *a = &net->layers[2 * h + 1];
    if (a->act.kind != AB_ACT_PRELU) {
        if (n) *n = 0;
        return NULL;
    }
    if (n) *n = (int)a->n_params;
    return net->params + a->param_off;
}
