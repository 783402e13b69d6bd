/* test_init.c: the initialisers against Keras VarianceScaling as written in
 * shared/REFERENCE.md: s = scale / max(1, n), n = fan_in, fan_out or their
 * mean; uniform limit sqrt(3s); truncated normal sigma = sqrt(s)/0.8796...
 * redrawn outside 2 sigma; untruncated sigma = sqrt(s); the leaky gain
 * divides s by (1 + leak^2). Each preset and each mode x distribution is
 * drawn 200,000 times with fan_in 300 != fan_out 100 and its mean, variance,
 * range and shape compared to the formula, tolerances stated per check. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/init.h"
#include "../src/core/network.h"
#include "support/check.h"
#include "support/gradcheck.h"

#define DRAWS 200000L
#define FAN_IN 300
#define FAN_OUT 100
#define VAR_TOL 0.03   /* relative error of the sample variance (~10 standard errors) */
#define MEAN_SE 5.0    /* |mean| within 5 standard errors sqrt(s / DRAWS) */
#define SHAPE_TOL 0.01 /* fraction of draws with |w| < sqrt(s), absolute */
#define TRUNC_SIGMA 0.87962566103423978

/* The formula of REFERENCE.md, written out here independently. */
static double want_variance(const ab_init_spec *s, int fan_in, int fan_out, float leak)
{
    double n = s->mode == AB_FAN_IN ? fan_in : s->mode == AB_FAN_OUT ? fan_out
                                                                     : (fan_in + fan_out) / 2.0;
    double v = s->scale / (n > 1.0 ? n : 1.0);
    return s->leaky_gain ? v / (1.0 + (double)leak * leak) : v;
}

/* P(|w| < sqrt(s)) for each distribution: uniform 1/sqrt(3);
 * truncated normal erf(0.8796/sqrt 2) / erf(2/sqrt 2); normal erf(1/sqrt 2). */
static double want_inside_one_sd(ab_dist d)
{
    return d == AB_DIST_UNIFORM            ? 0.5773502691896258
           : d == AB_DIST_TRUNCATED_NORMAL ? 0.6505374948587157
                                           : 0.6826894921370859;
}

static void check_draws(const char *name, const ab_init_spec *spec, float leak, uint64_t seed)
{
    char label[160];
    float *w = gc_floats(DRAWS);
    ab_rng r;
    ab_rng_seed(&r, seed, name);
    ab_init_fill(w, DRAWS, spec, FAN_IN, FAN_OUT, leak, &r);
    double s = want_variance(spec, FAN_IN, FAN_OUT, leak);
    double sum = 0.0, sumsq = 0.0, maxabs = 0.0;
    long inside = 0;
    for (long i = 0; i < DRAWS; i++) {
        double x = w[i];
        sum += x;
        sumsq += x * x;
        if (fabs(x) > maxabs) maxabs = fabs(x);
        inside += fabs(x) < sqrt(s);
    }
    double mean = sum / DRAWS, var = sumsq / DRAWS - mean * mean;
    snprintf(label, sizeof label, "%s: mean (5 standard errors)", name);
    check_close(label, mean, 0.0, MEAN_SE * sqrt(s / DRAWS));
    snprintf(label, sizeof label, "%s: variance %.6g vs %.6g, relative", name, var, s);
    check_error(label, fabs(var - s) / s, VAR_TOL);
    snprintf(label, sizeof label, "%s: fraction with |w| < sqrt(s)", name);
    check_close(label, (double)inside / DRAWS, want_inside_one_sd(spec->dist), SHAPE_TOL);
    snprintf(label, sizeof label, "%s: ab_init_variance vs formula, relative", name);
    check_error(label, fabs(ab_init_variance(spec, FAN_IN, FAN_OUT, leak) - s) / s, 1e-12);

    /* range: uniform within the limit and reaching it; truncated within 2 sigma;
     * untruncated beyond 2 sigma for about 4.55% of the draws */
    double limit = sqrt(3.0 * s), sigma = sqrt(s) / TRUNC_SIGMA;
    if (spec->dist == AB_DIST_UNIFORM) {
        CHECK(maxabs <= limit * (1 + 1e-6) && maxabs > 0.999 * limit,
              "%s: max |w| %.6g, limit %.6g", name, maxabs, limit);
    } else if (spec->dist == AB_DIST_TRUNCATED_NORMAL) {
        CHECK(maxabs <= 2 * sigma * (1 + 1e-6) && maxabs > 1.99 * sigma,
              "%s: max |w| %.6g, 2 sigma %.6g", name, maxabs, 2 * sigma);
    } else {
        long beyond = 0;
        for (long i = 0; i < DRAWS; i++) beyond += fabs(w[i]) > 2 * sqrt(s);
        snprintf(label, sizeof label, "%s: fraction beyond 2 sigma", name);
        check_close(label, (double)beyond / DRAWS, 0.04550026389635842, 0.003);
    }
    free(w);
}

/* The preset table of REFERENCE.md. */
static void check_presets(void)
{
    static const struct {
        const char *name;
        float scale;
        ab_fan_mode mode;
        ab_dist dist;
    } want[] = {
        {"he_normal", 2, AB_FAN_IN, AB_DIST_TRUNCATED_NORMAL},
        {"he_uniform", 2, AB_FAN_IN, AB_DIST_UNIFORM},
        {"glorot_normal", 1, AB_FAN_AVG, AB_DIST_TRUNCATED_NORMAL},
        {"glorot_uniform", 1, AB_FAN_AVG, AB_DIST_UNIFORM},
        {"lecun_normal", 1, AB_FAN_IN, AB_DIST_TRUNCATED_NORMAL},
        {"lecun_uniform", 1, AB_FAN_IN, AB_DIST_UNIFORM},
        {"he_avg_uniform", 2, AB_FAN_AVG, AB_DIST_UNIFORM},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ab_init_spec s;
        int ok = ab_init_preset(want[i].name, &s) == 0;
        CHECK(ok, "preset %s known", want[i].name);
        if (!ok) continue;
        CHECK(s.scale == want[i].scale && s.mode == want[i].mode && s.dist == want[i].dist &&
                  !s.leaky_gain,
              "preset %s: scale %g mode %s dist %s", want[i].name, s.scale,
              ab_fan_mode_name(s.mode), ab_dist_name(s.dist));
        const char *back = ab_init_preset_of(&s);
        CHECK(back && !strcmp(back, want[i].name), "ab_init_preset_of(%s) = %s", want[i].name,
              back ? back : "NULL");
    }
    ab_init_spec s;
    CHECK(ab_init_preset("he_norm", &s) != 0, "unknown preset rejected");
    /* no preset has the leaky gain: a spec with it must not be named as one */
    ab_init_preset("he_normal", &s);
    s.leaky_gain = 1;
    const char *named = ab_init_preset_of(&s);
    CHECK(named == NULL, "ab_init_preset_of(he_normal + leaky_gain) = %s, want NULL",
          named ? named : "NULL");

    /* every listed preset draws to its formula */
    char names[512];
    snprintf(names, sizeof names, "%s", ab_init_preset_names());
    int count = 0;
    for (char *tok = strtok(names, ", "); tok; tok = strtok(NULL, ", ")) {
        count++;
        ab_init_spec p;
        int ok = ab_init_preset(tok, &p) == 0;
        CHECK(ok, "listed preset %s known", tok);
        if (ok) check_draws(tok, &p, 0.0f, 71 + (uint64_t)count);
    }
    CHECK(count == 7, "ab_init_preset_names() lists %d presets, want 7", count);

    for (int m = 0; m < 3; m++) {
        ab_fan_mode back;
        CHECK(ab_fan_mode_from_name(ab_fan_mode_name((ab_fan_mode)m), &back) == 0 &&
                  back == (ab_fan_mode)m, "fan mode name round trip %d", m);
        ab_dist d;
        CHECK(ab_dist_from_name(ab_dist_name((ab_dist)m), &d) == 0 && d == (ab_dist)m,
              "distribution name round trip %d", m);
    }
}

/* Every mode x distribution at scale 1.5, and the leaky gain. */
static void check_modes(void)
{
    for (int m = 0; m < 3; m++)
        for (int d = 0; d < 3; d++) {
            ab_init_spec s = {1.5f, (ab_fan_mode)m, (ab_dist)d, 0};
            char name[96];
            snprintf(name, sizeof name, "scale 1.5 %s %s", ab_fan_mode_name(s.mode),
                     ab_dist_name(s.dist));
            check_draws(name, &s, 0.3f, 100 + (uint64_t)(3 * m + d));
            /* leaky gain with leak 0.5: variance divided by 1.25 */
            s.leaky_gain = 1;
            snprintf(name, sizeof name, "scale 1.5 %s %s, leaky gain, leak 0.5",
                     ab_fan_mode_name(s.mode), ab_dist_name(s.dist));
            check_draws(name, &s, 0.5f, 200 + (uint64_t)(3 * m + d));
        }
}

/* ab_init_variance at hand values, including fans below 1. */
static void check_variance_values(void)
{
    ab_init_spec he, glorot;
    ab_init_preset("he_normal", &he);
    ab_init_preset("glorot_uniform", &glorot);
    ab_init_spec out = {3.0f, AB_FAN_OUT, AB_DIST_UNIFORM, 0};
    ab_init_spec leaky = he;
    leaky.leaky_gain = 1;
    const struct {
        const char *what;
        double got, want;
    } v[] = {
        {"he fan_in 300: 2/300", ab_init_variance(&he, 300, 100, 0), 2.0 / 300},
        {"glorot fan_avg (300+100)/2: 1/200", ab_init_variance(&glorot, 300, 100, 0), 1.0 / 200},
        {"scale 3 fan_out 100: 3/100", ab_init_variance(&out, 300, 100, 0), 3.0 / 100},
        {"he fan_in 0: max(1, 0) -> 2", ab_init_variance(&he, 0, 5, 0), 2.0},
        {"glorot fans 0, 1: max(1, 0.5) -> 1", ab_init_variance(&glorot, 0, 1, 0), 1.0},
        {"he leaky gain, leak 0.2: 2/300/1.04", ab_init_variance(&leaky, 300, 100, 0.2f),
         2.0 / 300 / (1 + (double)0.2f * 0.2f)},
        {"he, leak ignored without the gain", ab_init_variance(&he, 300, 100, 0.2f), 2.0 / 300},
    };
    double worst = 0.0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double e = fabs(v[i].got - v[i].want) / v[i].want;
        CHECK(e <= 1e-6, "ab_init_variance %s: got %.9g", v[i].what, v[i].got);
        if (e > worst) worst = e;
    }
    check_error("ab_init_variance at hand values, relative", worst, 1e-6);
}

/* ab_net_build initialises kernels with the spec (the hidden layers with
 * the activation's leak when leaky_gain is set), biases 0, prelu alpha from
 * the activation spec. */
static void check_network_init(void)
{
    static const int hidden[1] = {500};
    for (int kind = 0; kind < 2; kind++) {
        ab_act_spec act = ab_act_default(kind ? AB_ACT_PRELU : AB_ACT_LEAKY_RELU);
        act.alpha = 0.5f;
        ab_model_spec spec = gc_model(400, hidden, 1, 2, act);
        spec.init.leaky_gain = 1;
        ab_net net;
        gc_build(&net, &spec, 1, 141, 142);
        size_t nw;
        const float *w = ab_net_hidden_weights(&net, 0, &nw);
        double sumsq = 0.0;
        for (size_t i = 0; i < nw; i++) sumsq += (double)w[i] * w[i];
        /* he_uniform, fan_in 400, leak 0.5: 2 / 400 / 1.25 = 0.004 */
        char label[128];
        snprintf(label, sizeof label, "network %s kernel 400->500 with leaky gain: variance %.6g "
                 "vs 0.004, relative", ab_act_name(act.kind), sumsq / nw);
        check_error(label, fabs(sumsq / nw - 0.004) / 0.004, VAR_TOL);
        const ab_layer *d = &net.layers[0];
        int zero = 1;
        for (int j = 0; j < d->out_size; j++) zero &= net.params[d->param_off + nw + j] == 0.0f;
        CHECK(zero, "%s: biases start at 0", ab_act_name(act.kind));
        int n_alpha = 0;
        const float *al = ab_net_prelu_alpha(&net, 0, &n_alpha);
        if (kind) CHECK(al && n_alpha == 1 && al[0] == 0.5f, "prelu alpha starts at act.alpha");
        ab_net_free(&net);
    }
}

int main(void)
{
    check_network_init();
    check_variance_values();
    check_presets();
    check_modes();
    return check_done("test_init");
}
