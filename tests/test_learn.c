/* test_learn.c: end-to-end learning. A 2-32-32-2 network trained with adam
 * (full batch, 400 steps) must fit two interleaved spirals (generated here
 * with ab_rng, not src/data) to at least 0.90 training accuracy in
 * evaluation mode with each of relu, leaky_relu, rrelu, prelu, elu, selu.
 * Training is deterministic: the same seeds give bit-identical parameters,
 * another init or rrelu seed gives different ones. PReLU's alphas learn and
 * get no weight decay unless prelu_decay is set. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/network.h"
#include "../src/core/probe.h"
#include "support/check.h"
#include "support/gradcheck.h"

enum { PER_CLASS = 200, N = 2 * PER_CLASS, STEPS = 400 };
#define LR 0.01f
#define MIN_ACC 0.90

/* Two spirals of 1.5 turns each, the second rotated by pi, radius 0.1..2,
 * with N(0, 0.03^2) noise: x(N, 2), labels y(N). */
static void make_spirals(float *x, int32_t *y, uint64_t seed)
{
    ab_rng r;
    ab_rng_seed(&r, seed, "spirals");
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < PER_CLASS; i++) {
            double t = 0.05 + 0.95 * i / (PER_CLASS - 1);
            double th = 3.0 * M_PI * t + c * M_PI;
            int k = c * PER_CLASS + i;
            x[2 * k] = (float)(2.0 * t * cos(th) + 0.03 * ab_rng_normal(&r));
            x[2 * k + 1] = (float)(2.0 * t * sin(th) + 0.03 * ab_rng_normal(&r));
            y[k] = c;
        }
}

/* Builds a 2-32-32-2 network with act and trains it STEPS full-batch adam
 * steps; returns the net (the caller frees it). */
static void train_layers(ab_net *net, ab_act_spec act, int n_hidden, const float *x,
                         const int32_t *y, uint64_t init_seed, uint64_t rrelu_seed)
{
    static const int hidden[2] = {32, 32};
    ab_model_spec spec = gc_model(2, hidden, n_hidden, 2, act);
    if (act.kind == AB_ACT_SELU) ab_init_preset("lecun_normal", &spec.init);
    gc_build(net, &spec, N, init_seed, rrelu_seed);
    ab_optim_spec os = ab_optim_default(AB_OPT_ADAM);
    ab_optim opt;
    ab_error err = {{0}};
    if (ab_optim_init(&opt, &os, net->n_params, &err) != AB_OK) {
        CHECK(0, "ab_optim_init: %s", err.msg);
        return;
    }
    for (int s = 0; s < STEPS; s++) {
        int correct;
        double loss = ab_net_train_step(net, &opt, LR, x, y, N, &correct);
        if (!isfinite(loss)) {
            CHECK(0, "%s: loss %g at step %d", ab_act_name(act.kind), loss, s);
            break;
        }
    }
    ab_optim_free(&opt);
}

static void train(ab_net *net, ab_act_spec act, const float *x, const int32_t *y,
                  uint64_t init_seed, uint64_t rrelu_seed)
{
    train_layers(net, act, 2, x, y, init_seed, rrelu_seed);
}

static void check_spirals(const float *x, const int32_t *y)
{
    static const ab_act_kind kinds[] = {AB_ACT_RELU, AB_ACT_LEAKY_RELU, AB_ACT_RRELU,
                                        AB_ACT_PRELU, AB_ACT_ELU, AB_ACT_SELU};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        ab_net net;
        train(&net, ab_act_default(kinds[k]), x, y, 81, 82);
        double loss, acc;
        ab_net_evaluate(&net, x, y, N, &loss, &acc);
        char label[96];
        snprintf(label, sizeof label,
                 "spirals, %s: training accuracy %.3f (loss %.3f), 1 - accuracy",
                 ab_act_name(kinds[k]), acc, loss);
        check_error(label, 1.0 - acc, 1.0 - MIN_ACC);
        ab_net_free(&net);
    }
    /* the task needs the hidden layers: a linear model (no hidden layer)
     * trained the same way stays below 0.75 */
    ab_net lin;
    train_layers(&lin, ab_act_default(AB_ACT_LINEAR), 0, x, y, 81, 82);
    double loss, acc;
    ab_net_evaluate(&lin, x, y, N, &loss, &acc);
    CHECK(acc < 0.75, "spirals are not linearly separable: linear model accuracy %.3f", acc);
    printf("     spirals, no hidden layer: accuracy %.3f (loss %.3f)\n", acc, loss);
    ab_net_free(&lin);
}

/* Same seeds -> bit-identical parameters; other seeds -> different ones.
 * rrelu makes the rrelu stream matter too. */
static void check_determinism(const float *x, const int32_t *y)
{
    ab_act_spec a = ab_act_default(AB_ACT_RRELU);
    ab_net n1, n2, n3, n4;
    train(&n1, a, x, y, 91, 92);
    train(&n2, a, x, y, 91, 92);
    train(&n3, a, x, y, 93, 92);
    train(&n4, a, x, y, 91, 94);
    size_t bytes = n1.n_params * sizeof(float);
    CHECK(memcmp(n1.params, n2.params, bytes) == 0, "same seeds: bit-identical parameters");
    CHECK(memcmp(n1.params, n3.params, bytes) != 0, "another init seed: different parameters");
    CHECK(memcmp(n1.params, n4.params, bytes) != 0, "another rrelu seed: different parameters");
    ab_net_free(&n1);
    ab_net_free(&n2);
    ab_net_free(&n3);
    ab_net_free(&n4);
}

/* The parameter block that starts at the prelu alphas of hidden layer h. */
static const ab_param_block *alpha_block(const ab_net *net, int h)
{
    const ab_layer *l = &net->layers[ab_net_hidden_act_layer(net, h)];
    for (int b = 0; b < net->n_blocks; b++)
        if (net->blocks[b].off == l->param_off && net->blocks[b].n == l->n_params)
            return &net->blocks[b];
    return NULL;
}

/* One sgd step of net (copied into a fresh net built the same way) at
 * weight decay wd; the caller frees out. */
static void one_step(ab_net *out, const ab_model_spec *spec, float wd, const float *x,
                     const int32_t *y)
{
    gc_build(out, spec, N, 101, 102);
    ab_optim_spec os = ab_optim_default(AB_OPT_SGD);
    os.weight_decay = wd;
    ab_optim opt;
    ab_error err = {{0}};
    if (ab_optim_init(&opt, &os, out->n_params, &err) != AB_OK) {
        CHECK(0, "ab_optim_init: %s", err.msg);
        return;
    }
    int correct;
    ab_net_train_step(out, &opt, 0.5f, x, y, N, &correct);
    ab_optim_free(&opt);
}

static void check_prelu(const float *x, const int32_t *y)
{
    static const int hidden[2] = {8, 6};
    for (int per_unit = 0; per_unit < 2; per_unit++)
        for (int decay = 0; decay < 2; decay++) {
            ab_act_spec act = ab_act_default(AB_ACT_PRELU);
            act.prelu_per_unit = per_unit;
            act.prelu_decay = decay;
            ab_model_spec spec = gc_model(2, hidden, 2, 2, act);
            ab_net a, b;
            one_step(&a, &spec, 0.0f, x, y);
            one_step(&b, &spec, 5.0f, x, y);
            const char *how = per_unit ? "per unit" : "per layer";
            for (int h = 0; h < 2; h++) {
                const ab_param_block *blk = alpha_block(&a, h);
                int n_alpha = 0;
                const float *al_a = ab_net_prelu_alpha(&a, h, &n_alpha);
                const float *al_b = ab_net_prelu_alpha(&b, h, NULL);
                CHECK(blk != NULL, "prelu %s: a parameter block covers the alphas of layer %d",
                      how, h);
                CHECK(n_alpha == (per_unit ? hidden[h] : 1), "prelu %s layer %d: %d alphas", how,
                      h, n_alpha);
                if (!blk || !al_a || !al_b) continue;
                CHECK(blk->decay == decay, "prelu %s, prelu_decay %d: block decay %d", how, decay,
                      blk->decay);
                /* after one step from the same parameters: alpha moved by its
                 * gradient alone unless prelu_decay; the kernels always decay */
                int moved = 0;
                for (int i = 0; i < n_alpha; i++) moved |= al_a[i] != 0.25f;
                CHECK(moved, "prelu %s layer %d: alpha changes under training", how, h);
                int same = memcmp(al_a, al_b, (size_t)n_alpha * sizeof *al_a) == 0;
                CHECK(same == !decay, "prelu %s, prelu_decay %d, layer %d: alpha %s with wd 5",
                      how, decay, h, same ? "unchanged" : "changed");
                size_t nw;
                float *wa = ab_net_hidden_weights(&a, h, &nw);
                float *wb = ab_net_hidden_weights(&b, h, NULL);
                CHECK(memcmp(wa, wb, nw * sizeof *wa) != 0,
                      "prelu %s layer %d: kernels differ with weight decay", how, h);
            }
            ab_net_free(&a);
            ab_net_free(&b);
        }

    /* over a training run the alphas drift away from 0.25 */
    ab_net net;
    train(&net, ab_act_default(AB_ACT_PRELU), x, y, 111, 112);
    double drift = 0.0;
    for (int h = 0; h < 2; h++) {
        int n;
        const float *al = ab_net_prelu_alpha(&net, h, &n);
        for (int i = 0; al && i < n; i++) drift += fabs(al[i] - 0.25);
    }
    CHECK(drift > 1e-3, "prelu alphas moved %g in %d steps", drift, STEPS);
    ab_net_free(&net);
}

int main(void)
{
    float *x = gc_floats(2L * N);
    int32_t *y = calloc(N, sizeof *y);
    if (!y) return 2;
    make_spirals(x, y, 7);
    check_spirals(x, y);
    check_determinism(x, y);
    check_prelu(x, y);
    free(x);
    free(y);
    return check_done("test_learn");
}
