/* gradcheck.c: the test helpers of gradcheck.h. */
#include "gradcheck.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

float *gc_floats(long n)
{
    float *p = calloc((size_t)(n > 0 ? n : 1), sizeof *p);
    if (!p) {
        fprintf(stderr, "gc_floats: out of memory (%ld floats)\n", n);
        exit(2);
    }
    return p;
}

void gc_fill_uniform(float *x, long n, ab_rng *r, float lo, float hi)
{
    for (long i = 0; i < n; i++) x[i] = ab_rng_uniformf(r, lo, hi);
}

void gc_fill_signed(float *x, long n, ab_rng *r, float lo, float hi)
{
    for (long i = 0; i < n; i++) {
        float m = ab_rng_uniformf(r, lo, hi);
        x[i] = (ab_rng_next(r) >> 63) ? -m : m;
    }
}

double gc_dot(const float *a, const float *b, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

double gc_max_abs_diff(const float *a, const float *b, long n)
{
    double worst = 0.0;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (isnan(d)) return INFINITY;
        if (d > worst) worst = d;
    }
    return worst;
}

void gc_numeric_grad(float *out, float *p, long n, float eps, gc_loss_fn f, void *ctx)
{
    for (long i = 0; i < n; i++) {
        float keep = p[i];
        float hi = keep + eps, lo = keep - eps;
        p[i] = hi;
        double fh = f(ctx);
        p[i] = lo;
        double fl = f(ctx);
        p[i] = keep;
        out[i] = (float)((fh - fl) / ((double)hi - (double)lo));
    }
}

void gc_each_act_variant(gc_act_fn fn)
{
    for (int k = 0; k < AB_ACT_COUNT; k++) {
        ab_act_kind kind = (ab_act_kind)k;
        ab_act_spec a = ab_act_default(kind);
        if (kind == AB_ACT_RRELU) {
            fn("rrelu paper evaluation", a, 0);
            fn("rrelu paper training", a, 1);
            a.rrelu_form = AB_RRELU_PYTORCH;
            ab_rrelu_form_bounds(a.rrelu_form, &a.rrelu_lower, &a.rrelu_upper);
            fn("rrelu pytorch evaluation", a, 0);
            fn("rrelu pytorch training", a, 1);
        } else if (kind == AB_ACT_PRELU) {
            fn("prelu per layer", a, 1);
            a.prelu_per_unit = 1;
            fn("prelu per unit", a, 1);
        } else {
            fn(ab_act_name(kind), a, 1);
        }
    }
}

ab_model_spec gc_model(int n_in, const int *hidden, int n_hidden, int n_classes,
                       ab_act_spec act)
{
    ab_model_spec s;
    memset(&s, 0, sizeof s);
    s.n_inputs = n_in;
    s.in_c = n_in;
    s.in_h = s.in_w = 1;
    s.n_classes = n_classes;
    s.n_hidden = n_hidden;
    for (int h = 0; h < n_hidden; h++) s.hidden[h] = hidden[h];
    s.act = act;
    if (ab_init_preset("he_uniform", &s.init) != 0) {
        fprintf(stderr, "gc_model: preset he_uniform unknown\n");
        exit(2);
    }
    return s;
}

void gc_build(ab_net *net, const ab_model_spec *spec, int max_batch, uint64_t init_seed,
              uint64_t rrelu_seed)
{
    ab_rng r;
    ab_error err = {{0}};
    ab_rng_seed(&r, init_seed, "init");
    ab_status st = ab_net_build(net, spec, max_batch, &r, rrelu_seed, &err);
    if (st != AB_OK) {
        fprintf(stderr, "gc_build: ab_net_build failed (%d): %s\n", (int)st, err.msg);
        exit(2);
    }
}
