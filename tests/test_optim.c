/* test_optim.c: the optimisers (sgd, momentum, nesterov, adam) over three
 * steps with fixed gradients, weight decay on decayed vs undecayed blocks,
 * state reset, the learning-rate schedules, gradient clipping and the
 * warm-up, all against values worked out by hand; ab_optim_step_sq against
 * ab_optim_step (the same parameters, bit for bit) and its sums of squares
 * against a double-precision loop. Values worked
 * out by hand (the arithmetic is in the comments). Tolerance 1e-6 on
 * parameters (float32 over three steps), 2e-7 relative on learning rates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/optim.h"
#include "support/check.h"
#include "support/gradcheck.h"

#define TOL 1e-6
#define SCHED_TOL 2e-7 /* relative: the rates (and lr, gamma) are float32 */
#define LR 0.1f

/* Two blocks: w[0..1] decayed (a kernel), w[2..3] not (a bias). */
static const ab_param_block BLOCKS[2] = {{0, 2, 1}, {2, 2, 0}};
static const float W0[4] = {1.0f, -2.0f, 0.5f, 3.0f};
/* the gradient of step 1, 2, 3 */
static const float G[3][4] = {
    {0.5f, -1.0f, 2.0f, 0.25f},
    {0.1f, 0.2f, -0.5f, 1.0f},
    {-0.4f, 0.3f, 0.6f, -0.2f},
};

/* Runs `steps` steps of spec from W0 with gradients G[0..] (or G[0] every
 * step when same_grad) and compares the parameters to want. */
static void run_case(const char *name, ab_optim_spec spec, int steps, int same_grad,
                     const float want[4])
{
    ab_optim o;
    ab_error err = {{0}};
    float w[4];
    memcpy(w, W0, sizeof w);
    if (ab_optim_init(&o, &spec, 4, &err) != AB_OK) {
        CHECK(0, "ab_optim_init %s: %s", name, err.msg);
        return;
    }
    for (int t = 0; t < steps; t++) ab_optim_step(&o, w, G[same_grad ? 0 : t], BLOCKS, 2, LR);
    CHECK(o.t == steps, "%s: t = %ld after %d steps", name, o.t, steps);
    check_error(name, gc_max_abs_diff(w, want, 4), TOL);
    ab_optim_free(&o);
}

static void check_optimisers(void)
{
    /* sgd: w3 = w0 - lr (g1 + g2 + g3); g1+g2+g3 = (0.2, -0.5, 2.1, 1.05)
     *    = (1 - 0.02, -2 + 0.05, 0.5 - 0.21, 3 - 0.105) */
    static const float sgd[4] = {0.98f, -1.95f, 0.29f, 2.895f};
    run_case("sgd, 3 steps vs hand values", ab_optim_default(AB_OPT_SGD), 3, 0, sgd);

    /* momentum (mu 0.9): v1 = g1, v2 = 0.9 g1 + g2, v3 = 0.81 g1 + 0.9 g2 + g3;
     * w3 = w0 - lr (v1 + v2 + v3) = w0 - lr (2.71 g1 + 1.9 g2 + g3);
     * element 0: 2.71*0.5 + 1.9*0.1 - 0.4 = 1.145 -> 1 - 0.1145 = 0.8855 */
    static const float mom[4] = {0.8855f, -1.797f, -0.007f, 2.76225f};
    run_case("momentum, 3 steps vs hand values", ab_optim_default(AB_OPT_MOMENTUM), 3, 0, mom);

    /* nesterov: step t moves by lr (g_t + 0.9 v_t), summing to
     * lr (g1+g2+g3 + 0.9 (2.71 g1 + 1.9 g2 + g3)) = lr (3.439 g1 + 2.71 g2 + 1.9 g3);
     * element 0: 3.439*0.5 + 2.71*0.1 - 1.9*0.4 = 1.2305 -> 0.87695 */
    static const float nes[4] = {0.87695f, -1.7673f, -0.1663f, 2.681025f};
    run_case("nesterov, 3 steps vs hand values", ab_optim_default(AB_OPT_NESTEROV), 3, 0, nes);

    /* adam (0.9, 0.999, 1e-8), element 0:
     *   t=1: m = 0.05, v = 0.00025; mhat = 0.5, vhat = 0.25 -> w = 1 - 0.1*0.5/0.5 = 0.9
     *   t=2: m = 0.9*0.05 + 0.1*0.1 = 0.055, v = 0.999*0.00025 + 0.001*0.01 = 0.00025975;
     *        mhat = 0.055/0.19 = 0.2894737, vhat = 0.00025975/0.001999 = 0.1299400
     *        -> w = 0.9 - 0.1*0.2894737/0.3604719 = 0.8196959
     *   t=3: m = 0.0495 - 0.04 = 0.0095, v = 0.00025949 + 0.00016 = 0.00041949;
     *        mhat = 0.0095/0.271 = 0.0350554, vhat = 0.00041949/0.002997001 = 0.1399700
     *        -> w = 0.8196959 - 0.1*0.0350554/0.3741257 = 0.8103260
     * the other elements the same way. */
    static const float adam[4] = {0.810325966f, -1.82904828f, 0.30034407f, 2.75662677f};
    run_case("adam, 3 steps vs hand values", ab_optim_default(AB_OPT_ADAM), 3, 0, adam);

    /* adam with eps 0.5 and a constant gradient: mhat = g, vhat = g^2, so each
     * step moves lr g / (|g| + 0.5) (eps outside the square root, after the
     * bias correction): g = 0.5 -> 0.05, -1 -> -0.0666667, 2 -> 0.08, 0.25 -> 0.0333333;
     * three steps: 1 - 0.15, -2 + 0.2, 0.5 - 0.24, 3 - 0.1 */
    ab_optim_spec big_eps = ab_optim_default(AB_OPT_ADAM);
    big_eps.eps = 0.5f;
    static const float adam_eps[4] = {0.85f, -1.8f, 0.26f, 2.9f};
    run_case("adam eps 0.5 (placement of eps), 3 steps vs hand values", big_eps, 3, 1, adam_eps);
}

static void check_weight_decay(void)
{
    /* sgd, wd 0.5, one step with g1: the decayed block adds 0.5 w to g:
     * 1 - 0.1 (0.5 + 0.5) = 0.9; -2 - 0.1 (-1 - 1) = -1.8;
     * undecayed: 0.5 - 0.1*2 = 0.3; 3 - 0.1*0.25 = 2.975 */
    ab_optim_spec s = ab_optim_default(AB_OPT_SGD);
    s.weight_decay = 0.5f;
    static const float sgd[4] = {0.9f, -1.8f, 0.3f, 2.975f};
    run_case("sgd weight decay 0.5 on the decayed block only", s, 1, 0, sgd);

    /* momentum, wd 0.5, two steps with g1 each time:
     *   t=1: g' = g + 0.5 w on block 0: (1, -2); v = (1, -2) -> w = (0.9, -1.8)
     *   t=2: g' = (0.5 + 0.45, -1 - 0.9) = (0.95, -1.9); v = 0.9 (1, -2) + g' = (1.85, -3.7)
     *        -> w = (0.9 - 0.185, -1.8 + 0.37) = (0.715, -1.43)
     *   undecayed: v1 = g, v2 = 1.9 g -> w = w0 - 0.29 g = (0.5 - 0.58, 3 - 0.0725) */
    s = ab_optim_default(AB_OPT_MOMENTUM);
    s.weight_decay = 0.5f;
    static const float mom[4] = {0.715f, -1.43f, -0.08f, 2.9275f};
    run_case("momentum weight decay 0.5, 2 steps", s, 2, 1, mom);

    /* adam, wd 0.5 (coupled L2 as PyTorch's Adam, not AdamW), one step:
     * g' = (1, -2, 2, 0.25); the first step moves lr * sign(g'):
     * (0.9, -1.9, 0.4, 2.9). AdamW would give 1 - 0.05 - 0.1 = 0.85 first. */
    s = ab_optim_default(AB_OPT_ADAM);
    s.weight_decay = 0.5f;
    static const float adam[4] = {0.9f, -1.9f, 0.4f, 2.9f};
    run_case("adam weight decay 0.5 (coupled L2), 1 step", s, 1, 0, adam);

    /* parameters outside every block are left alone */
    ab_optim o;
    ab_error err = {{0}};
    ab_optim_spec sg = ab_optim_default(AB_OPT_SGD);
    float w[4];
    memcpy(w, W0, sizeof w);
    if (ab_optim_init(&o, &sg, 4, &err) == AB_OK) {
        ab_optim_step(&o, w, G[0], BLOCKS, 1, LR);
        CHECK(w[2] == W0[2] && w[3] == W0[3], "parameters outside the blocks unchanged");
        CHECK(w[0] == 0.95f, "block 0 moved: %g", w[0]);
        ab_optim_free(&o);
    }
}

/* reset: after a reset the next step is the first step again. */
static void check_reset(void)
{
    for (int k = 0; k < AB_OPT_COUNT; k++) {
        ab_optim_spec s = ab_optim_default((ab_opt_kind)k);
        ab_optim o;
        ab_error err = {{0}};
        float w1[4], w2[4];
        memcpy(w1, W0, sizeof w1);
        memcpy(w2, W0, sizeof w2);
        if (ab_optim_init(&o, &s, 4, &err) != AB_OK) {
            CHECK(0, "ab_optim_init %s: %s", ab_optim_name((ab_opt_kind)k), err.msg);
            continue;
        }
        ab_optim_step(&o, w1, G[0], BLOCKS, 2, LR);
        ab_optim_step(&o, w1, G[1], BLOCKS, 2, LR);
        ab_optim_reset(&o);
        CHECK(o.t == 0, "%s: t = 0 after reset", ab_optim_name((ab_opt_kind)k));
        memcpy(w1, W0, sizeof w1);
        ab_optim_step(&o, w1, G[2], BLOCKS, 2, LR);
        ab_optim_free(&o);
        ab_optim_init(&o, &s, 4, &err);
        ab_optim_step(&o, w2, G[2], BLOCKS, 2, LR);
        CHECK(memcmp(w1, w2, sizeof w1) == 0, "%s: a step after reset = a first step",
              ab_optim_name((ab_opt_kind)k));
        ab_optim_free(&o);
    }
    ab_optim o;
    ab_error err = {{0}};
    ab_optim_spec bad = ab_optim_default(AB_OPT_SGD);
    bad.weight_decay = -1.0f;
    CHECK(ab_optim_init(&o, &bad, 4, &err) != AB_OK, "negative weight decay rejected");
    ab_optim_free(&o);
    for (int k = 0; k < AB_OPT_COUNT; k++) {
        ab_opt_kind back;
        CHECK(ab_optim_from_name(ab_optim_name((ab_opt_kind)k), &back) == 0 &&
                  back == (ab_opt_kind)k,
              "optimiser name round trip %d", k);
    }
}

/* Largest relative error of ab_schedule_lr over n (epoch, want) pairs. */
static double sched_err(const ab_schedule_spec *s, int total, const int *epochs,
                        const double *want, int n)
{
    double worst = 0.0;
    for (int i = 0; i < n; i++) {
        double d = fabs(ab_schedule_lr(s, epochs[i], total) - want[i]) / want[i];
        if (isnan(d)) d = INFINITY;
        if (d > worst) worst = d;
    }
    return worst;
}

static void check_schedules(void)
{
    ab_schedule_spec c = ab_schedule_default(AB_SCHED_CONSTANT, 0.1);
    static const int ce[] = {0, 7, 29, 49};
    static const double cw[] = {0.1, 0.1, 0.1, 0.1};
    check_error("constant lr at epochs 0..49 (relative)", sched_err(&c, 50, ce, cw, 4),
                SCHED_TOL);

    /* step, defaults step_size 10, gamma 0.1: 0.1 * 0.1^floor(e/10) */
    ab_schedule_spec s = ab_schedule_default(AB_SCHED_STEP, 0.1);
    CHECK(s.step_size == 10 && s.gamma == 0.1, "step defaults %d, %g", s.step_size, s.gamma);
    static const int se[] = {0, 9, 10, 19, 25};
    static const double sw[] = {0.1, 0.1, 0.01, 0.01, 0.001};
    check_error("step lr at epochs 0, 9, 10, 19, 25 (relative)", sched_err(&s, 30, se, sw, 5),
                SCHED_TOL);

    /* exponential, default gamma 0.95: 0.1, 0.095, 0.1*0.95^10 = 0.0598736939 */
    ab_schedule_spec x = ab_schedule_default(AB_SCHED_EXPONENTIAL, 0.1);
    CHECK(x.gamma == 0.95, "exponential default gamma %g", x.gamma);
    static const int xe[] = {0, 1, 10};
    static const double xw[] = {0.1, 0.095, 0.0598736939};
    check_error("exponential lr at epochs 0, 1, 10 (relative)", sched_err(&x, 20, xe, xw, 3),
                SCHED_TOL);

    /* cosine (PyTorch CosineAnnealingLR, T_max = total = 10), min 0.001:
     * 0.001 + 0.099 (1 + cos(pi e / 10)) / 2:
     * e=0: 0.1; e=2: cos(0.2 pi) = 0.809017 -> 0.0905463412; e=5: 0.0505;
     * e=7: cos(0.7 pi) = -0.587785 -> 0.0214046300; e=10: 0.001 */
    ab_schedule_spec k = ab_schedule_default(AB_SCHED_COSINE, 0.1);
    CHECK(k.min_lr == 0.0f, "cosine default min_lr %g", k.min_lr);
    k.min_lr = 0.001f;
    static const int ke[] = {0, 2, 5, 7, 10};
    static const double kw[] = {0.1, 0.0905463412, 0.0505, 0.0214046300, 0.001};
    check_error("cosine lr at epochs 0, 2, 5, 7, 10 of 10 (relative)",
                sched_err(&k, 10, ke, kw, 5), SCHED_TOL);
    for (int i = 0; i < AB_SCHED_COUNT; i++) {
        ab_sched_kind back;
        CHECK(ab_schedule_from_name(ab_schedule_name((ab_sched_kind)i), &back) == 0 &&
                  back == (ab_sched_kind)i,
              "schedule name round trip %d", i);
    }
}

/* Gradient clipping (PyTorch's clip_grad_norm_) by hand: g = (3, 4, 0)
 * has norm 5; clipped to 1 every element is multiplied by 1 / (5 + 1e-6),
 * giving (0.59999988, 0.79999984, 0). A gradient already within the bound
 * (0.3, 0.4: norm 0.5 < 1) is untouched, and so is a non-finite one. */
static void check_clip(void)
{
    float g[3] = {3.0f, 4.0f, 0.0f};
    double norm = ab_clip_grad_norm(g, 3, 1.0);
    check_close("clip: the norm before clipping, (3, 4, 0) -> 5", norm, 5.0, 1e-12);
    const float want[3] = {(float)(3.0 / 5.000001), (float)(4.0 / 5.000001), 0.0f};
    check_error("clip to 1: (3, 4, 0) -> (0.59999988, 0.79999984, 0)", gc_max_abs_diff(g, want, 3), 1e-7);
    double after = sqrt((double)g[0] * g[0] + (double)g[1] * g[1]);
    check_close("clip to 1: the clipped norm is 1 - 2e-7", after, 1.0, 1e-6);
    float small[2] = {0.3f, 0.4f};
    ab_clip_grad_norm(small, 2, 1.0);
    CHECK(small[0] == 0.3f && small[1] == 0.4f, "clip: norm 0.5 within 1 untouched (%g, %g)", small[0], small[1]);
    float bad[2] = {NAN, 1.0f};
    double nn = ab_clip_grad_norm(bad, 2, 1.0);
    CHECK(isnan(nn) && bad[1] == 1.0f, "clip: a NaN gradient is left as is (norm %g)", nn);

    /* clip then sgd: w1 = w0 - lr * clipped g; for G[0] = (0.5, -1, 2, 0.25),
     * |G[0]| = sqrt(0.25 + 1 + 4 + 0.0625) = 2.3048861; clipped to 0.5 the
     * step is 0.1 * 0.5/2.3048871 * g = 0.0216931 g */
    float w[4], gc[4];
    memcpy(w, W0, sizeof w);
    memcpy(gc, G[0], sizeof gc);
    ab_clip_grad_norm(gc, 4, 0.5);
    ab_optim o;
    ab_error err = {{0}};
    ab_optim_spec sg = ab_optim_default(AB_OPT_SGD);
    if (ab_optim_init(&o, &sg, 4, &err) == AB_OK) {
        ab_optim_step(&o, w, gc, BLOCKS, 2, LR);
        double c = 0.1 * 0.5 / (sqrt(5.3125) + 1e-6);
        const float want_w[4] = {(float)(1 - c * 0.5), (float)(-2 + c), (float)(0.5 - c * 2), (float)(3 - c * 0.25)};
        check_error("sgd step after clipping to 0.5 vs hand values", gc_max_abs_diff(w, want_w, 4), 1e-6);
        ab_optim_free(&o);
    }
    ab_optim_spec neg = ab_optim_default(AB_OPT_SGD);
    neg.clip_norm = -1.0f;
    CHECK(ab_optim_init(&o, &neg, 4, &err) != AB_OK, "%s", "negative clip norm rejected");
    ab_optim_free(&o);
}

/* Linear warm-up over W = 4 steps: steps 1, 2, 3 at 1/4, 2/4, 3/4 of the
 * rate, step 4 and later at the full rate; W = 0 is off. */
static void check_warmup(void)
{
    static const double want[6] = {0.0, 0.25, 0.5, 0.75, 1.0, 1.0};
    double worst = 0.0;
    for (long step = 0; step <= 5; step++) {
        double d = fabs(ab_warmup_factor(step, 4) - want[step]);
        if (d > worst) worst = d;
    }
    check_error("warm-up factor of steps 0..5 with warmup_steps 4: 0, 1/4, 1/2, 3/4, 1, 1", worst, 0.0);
    CHECK(ab_warmup_factor(1, 0) == 1.0 && ab_warmup_factor(100, 0) == 1.0, "%s", "warmup_steps 0: factor 1");
    CHECK(ab_warmup_factor(1, 1) == 1.0, "%s", "warmup_steps 1: the first step at the full rate");
}

/* ab_optim_step_sq: for every optimiser, on long blocks and
 * of lengths that are not multiples of 8, the same parameters and moments as
 * ab_optim_step bit for bit, and sums of squared gradients within float
 * rounding of a double loop (relative 1e-5: float lanes over 3,000 terms). */
static void check_step_sq(void)
{
    enum { N = 3011 };
    static const ab_param_block blocks[3] = {{0, 2500, 1}, {2500, 7, 0}, {2507, N - 2507, 1}};
    ab_rng r;
    ab_rng_seed(&r, 5, "optim-sq");
    float *w0 = gc_floats(N), *g = gc_floats(N), *w1 = gc_floats(N), *w2 = gc_floats(N);
    gc_fill_uniform(w0, N, &r, -1, 1);
    gc_fill_uniform(g, N, &r, -2, 2);
    for (int kind = 0; kind < AB_OPT_COUNT; kind++) {
        ab_optim_spec spec = ab_optim_default((ab_opt_kind)kind);
        spec.weight_decay = 0.01f;
        ab_optim o1, o2;
        ab_error err = {{0}};
        ab_optim_init(&o1, &spec, N, &err);
        ab_optim_init(&o2, &spec, N, &err);
        memcpy(w1, w0, N * sizeof *w0);
        memcpy(w2, w0, N * sizeof *w0);
        double sq[3] = {-1, -1, -1}, worst = 0.0;
        for (int t = 0; t < 3; t++) {
            ab_optim_step(&o1, w1, g, blocks, 3, LR);
            ab_optim_step_sq(&o2, w2, g, blocks, 3, LR, sq);
        }
        for (int k = 0; k < 3; k++) {
            double want = 0.0;
            for (size_t i = blocks[k].off; i < blocks[k].off + blocks[k].n; i++) want += (double)g[i] * g[i];
            worst = fmax(worst, fabs(sq[k] - want) / want);
        }
        size_t slots = kind == AB_OPT_ADAM ? 2 : kind == AB_OPT_SGD ? 0 : 1;
        CHECK(memcmp(w1, w2, N * sizeof *w1) == 0 &&
                  (!slots || memcmp(o1.m, o2.m, slots * N * sizeof *o1.m) == 0),
              "%s: ab_optim_step_sq updates as ab_optim_step, bit for bit", ab_optim_name((ab_opt_kind)kind));
        /* the same 3 steps in parts (as the training step runs them): the
         * blocks last to first, one call each but the first two together */
        ab_optim o3;
        ab_optim_init(&o3, &spec, N, &err);
        float *w3 = gc_floats(N);
        memcpy(w3, w0, N * sizeof *w0);
        double sq3[3] = {-1, -1, -1};
        for (int t = 0; t < 3; t++) {
            ab_optim_begin_step(&o3);
            ab_optim_update_blocks(&o3, w3, g, blocks + 2, 1, LR, sq3 + 2);
            ab_optim_update_blocks(&o3, w3, g, blocks, 2, LR, sq3);
        }
        CHECK(memcmp(w3, w2, N * sizeof *w3) == 0 && memcmp(sq3, sq, sizeof sq) == 0 &&
                  (!slots || memcmp(o3.m, o2.m, slots * N * sizeof *o3.m) == 0),
              "%s: begin_step + update_blocks in parts, blocks in reverse order, as ab_optim_step_sq, "
              "bit for bit", ab_optim_name((ab_opt_kind)kind));
        ab_optim_free(&o3);
        free(w3);
        char label[96];
        snprintf(label, sizeof label, "%s: ab_optim_step_sq sums of squares vs double (relative)",
                 ab_optim_name((ab_opt_kind)kind));
        check_error(label, worst, 1e-5);
        ab_optim_free(&o1);
        ab_optim_free(&o2);
    }
    free(w0); free(g); free(w1); free(w2);
}

int main(void)
{
    check_optimisers();
    check_weight_decay();
    check_reset();
    check_schedules();
    check_clip();
    check_warmup();
    check_step_sq();
    return check_done("test_optim");
}
