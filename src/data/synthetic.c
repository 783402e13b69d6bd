/* synthetic.c: the generated data sets spirals, blobs and xor, drawn from
 * the spec's seed with independent streams for training ("data-train") and
 * test ("data-test") examples; blob centres come from "data-centers" so both
 * share them. Labels cycle 0, 1, ..., K-1 so every prefix is balanced. */
#include "data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../core/rng.h"

#define TWO_PI 6.283185307179586476925
#define SYNTH_MAX_CLASSES 1000
#define SYNTH_MAX_FEATURES 100000
#define SYNTH_MAX_VALUES (1L << 31)

typedef enum { SPIRALS, BLOBS, XOR } synth_kind;

typedef struct {
    synth_kind kind;
    int classes, features;
    double noise;
    const float *centers;   /* (classes, features), blobs only */
} synth_params;

/* Example of class k on arm k of K: radius t in [0, 1), AB_SPIRALS_TURNS
 * turns from the centre, arms 2*pi/K apart, plus N(0, noise^2) per axis. */
static void spiral_point(float *x, ab_rng *r, int k, const synth_params *p)
{
    double t = ab_rng_uniform(r);
    double angle = TWO_PI * (AB_SPIRALS_TURNS * t + (double)k / p->classes);
    x[0] = (float)(t * cos(angle) + p->noise * ab_rng_normal(r));
    x[1] = (float)(t * sin(angle) + p->noise * ab_rng_normal(r));
}

/* Uniform in [-1, 1)^2, class 1 where the signs differ, then noise (so
 * points near the axes may cross over). */
static int xor_point(float *x, ab_rng *r, const synth_params *p)
{
    double a = 2 * ab_rng_uniform(r) - 1, b = 2 * ab_rng_uniform(r) - 1;
    x[0] = (float)(a + p->noise * ab_rng_normal(r));
    x[1] = (float)(b + p->noise * ab_rng_normal(r));
    return (a > 0) != (b > 0);
}

static void generate(ab_raw_part *part, uint64_t seed, const char *stream, const synth_params *p)
{
    ab_rng r;
    ab_rng_seed(&r, seed, stream);
    for (long i = 0; i < part->n; i++) {
        float *x = part->x + (size_t)i * (size_t)p->features;
        int k = (int)(i % p->classes);
        if (p->kind == SPIRALS) spiral_point(x, &r, k, p);
        if (p->kind == XOR) k = xor_point(x, &r, p);
        for (int j = 0; p->kind == BLOBS && j < p->features; j++)
            x[j] = (float)(p->centers[(size_t)k * (size_t)p->features + j] +
                           p->noise * ab_rng_normal(&r));
        part->y[i] = k;
    }
}

/* The spec's kind, classes, features and noise, defaults filled in. */
static ab_status read_params(synth_params *p, const ab_data_spec *spec, ab_error *err)
{
    const char *name = spec->dataset;
    p->kind = strcmp(name, "spirals") == 0 ? SPIRALS : strcmp(name, "blobs") == 0 ? BLOBS : XOR;
    int def_classes[] = {AB_SPIRALS_CLASSES, AB_BLOBS_CLASSES, 2};
    double def_noise[] = {AB_SPIRALS_NOISE, AB_BLOBS_NOISE, AB_XOR_NOISE};
    p->classes = spec->classes ? spec->classes : def_classes[p->kind];
    p->features = p->kind == BLOBS ? spec->features : 2;
    p->noise = spec->noise < 0 ? def_noise[p->kind] : spec->noise;
    if (p->kind == XOR && p->classes != 2)
        return ab_fail(err, AB_ERR_ARG, "data.classes: xor has 2 classes, not %d", p->classes);
    if (p->classes < 2 || p->classes > SYNTH_MAX_CLASSES)
        return ab_fail(err, AB_ERR_ARG, "data.classes: %d is not from 2 to %d", p->classes,
                       SYNTH_MAX_CLASSES);
    if (p->features < 1 || p->features > SYNTH_MAX_FEATURES)
        return ab_fail(err, AB_ERR_ARG, "data.features: %d is not from 1 to %d", p->features,
                       SYNTH_MAX_FEATURES);
    if (!isfinite(p->noise))
        return ab_fail(err, AB_ERR_ARG, "data.noise: %g is not a finite number", p->noise);
    long most = SYNTH_MAX_VALUES / p->features;
    if (spec->n_train < 1 || spec->n_train > most || spec->n_test < 0 || spec->n_test > most)
        return ab_fail(err, AB_ERR_ARG, "data.n_train %ld / data.n_test %ld: need 1 to %ld "
                       "training and 0 to %ld test examples", spec->n_train, spec->n_test, most,
                       most);
    return AB_OK;
}

/* Blob centres, uniform in [-1, 1)^features. */
static float *blob_centers(const synth_params *p, uint64_t seed)
{
    size_t n = (size_t)p->classes * (size_t)p->features;
    float *c = malloc(n * sizeof *c);
    ab_rng r;
    ab_rng_seed(&r, seed, "data-centers");
    for (size_t i = 0; c && i < n; i++) c[i] = ab_rng_uniformf(&r, -1.0f, 1.0f);
    return c;
}

ab_status ab_synthetic_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    synth_params p;
    ab_status st = read_params(&p, spec, err);
    if (st != AB_OK) return st;
    float *centers = NULL;
    if (p.kind == BLOBS && !(centers = blob_centers(&p, spec->seed)))
        return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory", spec->dataset);
    p.centers = centers;
    st = ab_raw_part_alloc(&raw->train, spec->n_train, p.features, 0, err);
    if (st == AB_OK) st = ab_raw_part_alloc(&raw->test, spec->n_test, p.features, 0, err);
    if (st == AB_OK) {
        generate(&raw->train, spec->seed, "data-train", &p);
        generate(&raw->test, spec->seed, "data-test", &p);
        raw->c = p.features;
        raw->h = raw->w = 1;
        raw->classes = p.classes;
    }
    free(centers);
    return st;
}

ab_status ab_synthetic_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    synth_params p;
    ab_status st = read_params(&p, spec, err);
    if (st != AB_OK) return st;
    raw->c = p.features;
    raw->h = raw->w = 1;
    raw->classes = p.classes;
    return AB_OK;
}
