/* test_trainer.c: the training loop's per-step features on a small
 * 2-8-6-2 network and random data: the linear learning-rate warm-up (the
 * rates the steps use, against hand values), clipping of the gradient's
 * global norm inside a training step (the update of plain SGD is then
 * lr * clip_norm long), and the per-step callback: it is called every N
 * steps across epochs with the mean loss since the previous call, and
 * evaluation-mode probes run inside it leave training bit-identical; the
 * update inside the backward pass and the gather from bytes give the same
 * bits as the update after it and the gather from floats. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/probe.h"
#include "../src/core/trainer.h"
#include "support/check.h"
#include "support/gradcheck.h"

enum { NS = 40, IN = 2, BATCH = 8 }; /* 5 steps per epoch */
#define LR 0.1f

typedef struct {
    long steps[64];
    double lrs[64], losses[64];
    int n;
    ab_probe *probe;          /* measured inside the callback when set */
    const float *x;
} seen;

static void record(void *ctx, ab_trainer *t, long step, double lr, double running_loss)
{
    seen *s = ctx;
    if (s->n < 64) {
        s->steps[s->n] = step;
        s->lrs[s->n] = lr;
        s->losses[s->n] = running_loss;
        s->n++;
    }
    if (s->probe) ab_probe_measure(s->probe, &t->net, s->x, NS);
}

static void init(ab_trainer *t, ab_act_kind act, ab_opt_kind opt, float clip)
{
    static const int hidden[2] = {8, 6};
    ab_model_spec m = gc_model(IN, hidden, 2, 2, ab_act_default(act));
    ab_optim_spec o = ab_optim_default(opt);
    o.clip_norm = clip;
    ab_error err = {{0}};
    if (ab_trainer_init(t, &m, &o, BATCH, NS, 7, &err) != AB_OK) {
        CHECK(0, "ab_trainer_init: %s", err.msg);
        exit(1);
    }
}

static void data(float *x, int32_t *y)
{
    ab_rng r;
    ab_rng_seed(&r, 5, "trainer-data");
    gc_fill_uniform(x, NS * IN, &r, -2, 2);
    for (int i = 0; i < NS; i++) y[i] = x[2 * i] * x[2 * i + 1] > 0;
}

/* warmup_steps 4 at lr 0.1: steps 1..4 use 0.025, 0.05, 0.075, 0.1, then 0.1;
 * the callback every 1 step sees them; every 3 steps it sees steps 3, 6, 9
 * across the epoch boundary (5 steps per epoch), with the mean batch loss
 * of the 3 steps since the last call. */
static void check_warmup_and_callback(const float *x, const int32_t *y)
{
    ab_trainer t;
    seen s = {0};
    init(&t, AB_ACT_RELU, AB_OPT_SGD, 0.0f);
    t.warmup_steps = 4;
    t.every_steps = 1;
    t.on_step = record;
    t.on_step_ctx = &s;
    ab_trainer_epoch(&t, x, y, NS, LR, 1);
    ab_trainer_epoch(&t, x, y, NS, LR, 1);
    static const double want[6] = {0.025, 0.05, 0.075, 0.1, 0.1, 0.1};
    double worst = 0.0;
    for (int i = 0; i < 6; i++) worst = fmax(worst, fabs(s.lrs[i] - want[i]) / want[i]);
    CHECK(s.n == 10 && s.steps[0] == 1 && s.steps[9] == 10 && t.steps == 10, "callback every step: %d calls", s.n);
    check_error("warm-up over 4 steps: rates of steps 1..6 (relative, float)", worst, 1e-7);
    ab_trainer_free(&t);

    /* the same run without the warm-up takes other steps */
    ab_trainer a, b;
    init(&a, AB_ACT_RELU, AB_OPT_SGD, 0.0f);
    init(&b, AB_ACT_RELU, AB_OPT_SGD, 0.0f);
    b.warmup_steps = 4;
    ab_trainer_epoch(&a, x, y, NS, LR, 1);
    ab_trainer_epoch(&b, x, y, NS, LR, 1);
    CHECK(memcmp(a.net.params, b.net.params, a.net.n_params * sizeof(float)) != 0, "%s",
          "warm-up changes the parameters");
    ab_trainer_free(&a);
    ab_trainer_free(&b);

    /* every 3 steps: the mean of the batch losses in between */
    seen every = {0}, each = {0};
    ab_trainer c, d;
    init(&c, AB_ACT_RELU, AB_OPT_SGD, 0.0f);
    init(&d, AB_ACT_RELU, AB_OPT_SGD, 0.0f);
    c.every_steps = 3, c.on_step = record, c.on_step_ctx = &every;
    d.every_steps = 1, d.on_step = record, d.on_step_ctx = &each;
    for (int e = 0; e < 2; e++) {
        ab_trainer_epoch(&c, x, y, NS, LR, 1);
        ab_trainer_epoch(&d, x, y, NS, LR, 1);
    }
    CHECK(every.n == 3 && every.steps[0] == 3 && every.steps[1] == 6 && every.steps[2] == 9,
          "every 3 steps over 2 epochs of 5: steps %ld, %ld, %ld", every.steps[0], every.steps[1], every.steps[2]);
    double err = 0.0;
    for (int k = 0; k < 3; k++) {
        double mean = (each.losses[3 * k] + each.losses[3 * k + 1] + each.losses[3 * k + 2]) / 3;
        err = fmax(err, fabs(every.losses[k] - mean));
    }
    check_error("running loss every 3 steps = mean of the 3 batch losses", err, 1e-12);
    ab_trainer_free(&c);
    ab_trainer_free(&d);
}

/* clip_norm 0.01 with plain sgd: the first step moves the parameters by
 * exactly lr * 0.01 in L2 norm (the raw gradient is far larger). */
static void check_clip(const float *x, const int32_t *y)
{
    ab_trainer t;
    init(&t, AB_ACT_RELU, AB_OPT_SGD, 0.01f);
    size_t n = t.net.n_params;
    float *w0 = gc_floats((long)n);
    memcpy(w0, t.net.params, n * sizeof *w0);
    int correct;
    ab_net_train_step(&t.net, &t.opt, LR, x, y, BATCH, &correct);
    double sq = 0.0;
    for (size_t i = 0; i < n; i++) sq += ((double)t.net.params[i] - w0[i]) * ((double)t.net.params[i] - w0[i]);
    check_close("clip_norm 0.01: the first sgd step is lr * 0.01 long (relative 1e-4)", sqrt(sq) / (LR * 0.01), 1.0,
                1e-4);
    double g = 0.0;
    for (size_t i = 0; i < n; i++) g += (double)t.net.grads[i] * t.net.grads[i];
    check_close("clip_norm 0.01: net->grads hold the clipped gradient", sqrt(g), 0.01, 1e-6);
    free(w0);
    ab_trainer_free(&t);
}

/* Probing every 2 steps in evaluation mode (rrelu: training draws slopes,
 * evaluation does not) leaves training bit-identical. */
static void check_probe_invariance(const float *x, const int32_t *y)
{
    ab_trainer a, b;
    seen s = {0};
    ab_probe probe;
    ab_error err = {{0}};
    init(&a, AB_ACT_RRELU, AB_OPT_MOMENTUM, 0.0f);
    init(&b, AB_ACT_RRELU, AB_OPT_MOMENTUM, 0.0f);
    if (ab_probe_init(&probe, &b.net, &err) != AB_OK) {
        CHECK(0, "ab_probe_init: %s", err.msg);
        return;
    }
    s.probe = &probe;
    s.x = x;
    b.every_steps = 2, b.on_step = record, b.on_step_ctx = &s;
    for (int e = 0; e < 3; e++) {
        ab_trainer_epoch(&a, x, y, NS, LR, 1);
        ab_trainer_epoch(&b, x, y, NS, LR, 1);
    }
    CHECK(s.n == 7 && probe.measured, "probed 7 times in 15 steps (%d)", s.n);
    CHECK(memcmp(a.net.params, b.net.params, a.net.n_params * sizeof(float)) == 0, "%s",
          "rrelu + momentum: parameters bit-identical with and without step probes");
    CHECK(b.net.training == 1, "%s", "training mode restored after the probes");
    ab_probe_free(&probe);
    ab_trainer_free(&a);
    ab_trainer_free(&b);
}

/* The training step updates each layer as soon as its backward is done
 * (no clipping); with a clip norm too large to clip anything, it runs the
 * whole backward first and ab_optim_step_sq after it. Both give the same
 * parameters, moments and gradient norms, bit for bit, for every
 * optimiser with weight decay (prelu: the alphas are a layer's block). */
static void check_update_in_backward(const float *x, const int32_t *y)
{
    for (int kind = 0; kind < AB_OPT_COUNT; kind++) {
        ab_trainer a, b;
        init(&a, AB_ACT_PRELU, (ab_opt_kind)kind, 0.0f);
        init(&b, AB_ACT_PRELU, (ab_opt_kind)kind, 1e30f);
        a.opt.spec.weight_decay = b.opt.spec.weight_decay = 0.01f;
        for (int e = 0; e < 3; e++) {
            ab_trainer_epoch(&a, x, y, NS, LR, 1);
            ab_trainer_epoch(&b, x, y, NS, LR, 1);
        }
        size_t slots = kind == AB_OPT_ADAM ? 2 : kind == AB_OPT_SGD ? 0 : 1;
        CHECK(memcmp(a.net.params, b.net.params, a.net.n_params * sizeof(float)) == 0 &&
                  (!slots || memcmp(a.opt.m, b.opt.m, slots * a.opt.n * sizeof(float)) == 0) &&
                  memcmp(a.net.block_sq, b.net.block_sq, sizeof a.net.block_sq) == 0 &&
                  memcmp(a.grad_sq, b.grad_sq, (size_t)a.net.n_hidden * sizeof *a.grad_sq) == 0,
              "%s: the update inside the backward pass gives the same parameters, moments and "
              "gradient norms as the update after it, bit for bit", ab_optim_name((ab_opt_kind)kind));
        ab_trainer_free(&a);
        ab_trainer_free(&b);
    }
}

/* Gathering the shuffled batches from the examples' bytes
 * (ab_trainer_set_bytes) trains exactly as from the floats, on 37
 * features (whole vectors of 16 and a tail); with a table that differs in
 * one entry from the floats it does not (the bytes are really used); an
 * epoch over other floats than those the bytes stand for ignores them. */
static void check_bytes(void)
{
    enum { F = 37, N = 48 };
    static const int hidden[1] = {8};
    ab_model_spec m = gc_model(F, hidden, 1, 3, ab_act_default(AB_ACT_RELU));
    ab_optim_spec o = ab_optim_default(AB_OPT_MOMENTUM);
    uint8_t *x8 = malloc(N * F);
    float *x = gc_floats(N * F), *x2 = gc_floats(N * F), table[256], wrong[256];
    int32_t y[N];
    ab_rng r;
    ab_rng_seed(&r, 9, "trainer-bytes");
    for (int b = 0; b < 256; b++) table[b] = wrong[b] = (float)b / 255.0f;
    for (int i = 0; i < N * F; i++) {
        x8[i] = (uint8_t)ab_rng_below(&r, 256);
        x[i] = x2[i] = table[x8[i]];
    }
    wrong[x8[F * 3 + 20]] += 0.5f;
    for (int i = 0; i < N; i++) y[i] = (int32_t)ab_rng_below(&r, 3);
    ab_trainer t[4];
    ab_error err = {{0}};
    for (int k = 0; k < 4; k++)
        if (ab_trainer_init(&t[k], &m, &o, BATCH, N, 11, &err) != AB_OK) {
            CHECK(0, "ab_trainer_init: %s", err.msg);
            return;
        }
    ab_trainer_set_bytes(&t[1], x, x8, table);
    ab_trainer_set_bytes(&t[2], x, x8, wrong);
    ab_trainer_set_bytes(&t[3], x2, x8, wrong); /* stands for x2; the epochs run over x */
    for (int e = 0; e < 2; e++)
        for (int k = 0; k < 4; k++) ab_trainer_epoch(&t[k], x, y, N, LR, 1);
    size_t bytes = t[0].net.n_params * sizeof(float);
    CHECK(memcmp(t[0].net.params, t[1].net.params, bytes) == 0, "%s",
          "batches gathered from the bytes: parameters bit-identical to the floats' after 2 epochs");
    CHECK(memcmp(t[0].net.params, t[2].net.params, bytes) != 0, "%s",
          "a table that differs in one entry trains differently: the bytes are what is gathered");
    CHECK(memcmp(t[0].net.params, t[3].net.params, bytes) == 0, "%s",
          "bytes set for other floats than the epoch's: the epoch gathers its own floats");
    for (int k = 0; k < 4; k++) ab_trainer_free(&t[k]);
    free(x8);
    free(x);
    free(x2);
}

int main(void)
{
    float x[NS * IN];
    int32_t y[NS];
    data(x, y);
    check_warmup_and_callback(x, y);
    check_clip(x, y);
    check_probe_invariance(x, y);
    check_update_in_backward(x, y);
    check_bytes();
    return check_done("test_trainer");
}
