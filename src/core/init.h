/* init.h: weight initialisers, Keras VarianceScaling exactly, and its
 * presets, plus the leak-aware gain of PyTorch's kaiming_* for leaky units.
 * No I/O. */
#ifndef AB_INIT_H
#define AB_INIT_H

#include "rng.h"
#include "status.h"

typedef enum { AB_FAN_IN, AB_FAN_OUT, AB_FAN_AVG } ab_fan_mode;
typedef enum { AB_DIST_UNIFORM, AB_DIST_TRUNCATED_NORMAL, AB_DIST_UNTRUNCATED_NORMAL } ab_dist;

typedef struct {
    float scale;        /* s = scale / max(1, n) */
    ab_fan_mode mode;
    ab_dist dist;
    int leaky_gain;     /* 1: divide scale by (1 + leak^2), the gain sqrt(2/(1+a^2)) */
} ab_init_spec;

/* Presets: he_normal, he_uniform, glorot_normal, glorot_uniform,
 * lecun_normal, lecun_uniform, he_avg_uniform (the chapter's He with fan_avg). */
int ab_init_preset(const char *name, ab_init_spec *out);
const char *ab_init_preset_names(void);
/* The preset name matching spec, or NULL. */
const char *ab_init_preset_of(const ab_init_spec *spec);
const char *ab_fan_mode_name(ab_fan_mode m);
const char *ab_dist_name(ab_dist d);
int ab_fan_mode_from_name(const char *s, ab_fan_mode *m);
int ab_dist_from_name(const char *s, ab_dist *d);

/* The variance s for this fan and leak (leak used only with leaky_gain). */
double ab_init_variance(const ab_init_spec *spec, int fan_in, int fan_out, float leak);
/* Fill w[0..n) for a kernel of the given fans. */
void ab_init_fill(float *w, long n, const ab_init_spec *spec, int fan_in, int fan_out,
                  float leak, ab_rng *rng);

#endif
