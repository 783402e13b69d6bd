/* init.c: Keras VarianceScaling and its presets, with PyTorch's leak-aware
 * gain as an option. Draws come from the caller's ab_rng. */
#include "init.h"
#include <math.h>
#include <string.h>

static const struct {
    const char *name;
    ab_init_spec spec;
} PRESETS[] = {
    {"he_normal", {2.0f, AB_FAN_IN, AB_DIST_TRUNCATED_NORMAL, 0}},
    {"he_uniform", {2.0f, AB_FAN_IN, AB_DIST_UNIFORM, 0}},
    {"glorot_normal", {1.0f, AB_FAN_AVG, AB_DIST_TRUNCATED_NORMAL, 0}},
    {"glorot_uniform", {1.0f, AB_FAN_AVG, AB_DIST_UNIFORM, 0}},
    {"lecun_normal", {1.0f, AB_FAN_IN, AB_DIST_TRUNCATED_NORMAL, 0}},
    {"lecun_uniform", {1.0f, AB_FAN_IN, AB_DIST_UNIFORM, 0}},
    {"he_avg_uniform", {2.0f, AB_FAN_AVG, AB_DIST_UNIFORM, 0}},
};
#define N_PRESETS (int)(sizeof PRESETS / sizeof PRESETS[0])

static const char *const MODES[] = {"fan_in", "fan_out", "fan_avg"};
static const char *const DISTS[] = {"uniform", "truncated_normal", "untruncated_normal"};

int ab_init_preset(const char *name, ab_init_spec *out)
{
    for (int i = 0; i < N_PRESETS; i++)
        if (name && !strcmp(name, PRESETS[i].name)) {
            *out = PRESETS[i].spec;
            return 0;
        }
    return -1;
}

const char *ab_init_preset_names(void)
{
    return "he_normal, he_uniform, glorot_normal, glorot_uniform, lecun_normal, lecun_uniform, "
           "he_avg_uniform";
}

const char *ab_init_preset_of(const ab_init_spec *s)
{
    for (int i = 0; i < N_PRESETS; i++) {
        const ab_init_spec *p = &PRESETS[i].spec;
        if (p->scale == s->scale && p->mode == s->mode && p->dist == s->dist &&
            p->leaky_gain == s->leaky_gain)
            return PRESETS[i].name;
    }
    return NULL;
}

const char *ab_fan_mode_name(ab_fan_mode m) { return (unsigned)m < 3 ? MODES[m] : "?"; }
const char *ab_dist_name(ab_dist d) { return (unsigned)d < 3 ? DISTS[d] : "?"; }

int ab_fan_mode_from_name(const char *s, ab_fan_mode *m)
{
    int i = ab_name_index(MODES, 3, s);
    if (i >= 0) *m = (ab_fan_mode)i;
    return i < 0 ? -1 : 0;
}

int ab_dist_from_name(const char *s, ab_dist *d)
{
    int i = ab_name_index(DISTS, 3, s);
    if (i >= 0) *d = (ab_dist)i;
    return i < 0 ? -1 : 0;
}

double ab_init_variance(const ab_init_spec *spec, int fan_in, int fan_out, float leak)
{
    double n = spec->mode == AB_FAN_IN    ? fan_in
               : spec->mode == AB_FAN_OUT ? fan_out
                                          : 0.5 * ((double)fan_in + fan_out);
    double s = spec->scale / (n > 1.0 ? n : 1.0);
    if (spec->leaky_gain) s /= 1.0 + (double)leak * leak;
    return s;
}

void ab_init_fill(float *w, long n, const ab_init_spec *spec, int fan_in, int fan_out,
                  float leak, ab_rng *rng)
{
    double s = ab_init_variance(spec, fan_in, fan_out, leak);
    switch (spec->dist) {
    case AB_DIST_UNIFORM: {
        double limit = sqrt(3.0 * s);
        for (long i = 0; i < n; i++) w[i] = (float)((2.0 * ab_rng_uniform(rng) - 1.0) * limit);
        break;
    }
    case AB_DIST_TRUNCATED_NORMAL: {
        /* Keras: stddev of the untruncated normal so that the truncated one has variance s */
        double sigma = sqrt(s) / 0.87962566103423978;
        for (long i = 0; i < n; i++) {
            double x;
            do x = ab_rng_normal(rng); while (x < -2.0 || x > 2.0);
            w[i] = (float)(x * sigma);
        }
        break;
    }
    case AB_DIST_UNTRUNCATED_NORMAL:
    default: {
        double sigma = sqrt(s);
        for (long i = 0; i < n; i++) w[i] = (float)(ab_rng_normal(rng) * sigma);
        break;
    }
    }
}
