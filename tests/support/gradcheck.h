/* gradcheck.h: helpers shared by the numeric unit tests: checked
 * allocation, random fills from an ab_rng, double-precision sums, a central
 * finite-difference gradient of any scalar function of a float array, and a
 * small model specification builder. Owns no engine logic. */
#ifndef AB_GRADCHECK_H
#define AB_GRADCHECK_H

#include "../../src/core/network.h"
#include "../../src/core/rng.h"

/* calloc of n floats that aborts the test on failure (freed with free). */
float *gc_floats(long n);
/* x[i] ~ U(lo, hi). */
void gc_fill_uniform(float *x, long n, ab_rng *r, float lo, float hi);
/* |x[i]| ~ U(lo, hi) with a random sign: keeps inputs away from a kink at 0. */
void gc_fill_signed(float *x, long n, ab_rng *r, float lo, float hi);
/* sum a[i] * b[i], accumulated in double. */
double gc_dot(const float *a, const float *b, long n);
/* largest |a[i] - b[i]|. */
double gc_max_abs_diff(const float *a, const float *b, long n);

/* A scalar function of some float array that gc_numeric_grad perturbs. */
typedef double (*gc_loss_fn)(void *ctx);

/* Central differences: out[i] = (f(p + h e_i) - f(p - h e_i)) / (2h) for
 * i < n, with the step actually taken in float (p[i] +- eps rounded) as the
 * divisor; p is restored exactly after each element. */
void gc_numeric_grad(float *out, float *p, long n, float eps, gc_loss_fn f, void *ctx);

/* Calls fn once for every activation with its defaults, four times for
 * rrelu (paper and pytorch forms with their default bounds, each with
 * training 0, "... evaluation", and 1, "... training") and twice
 * for prelu ("prelu per layer", "prelu per unit"). */
typedef void (*gc_act_fn)(const char *name, ab_act_spec a, int training);
void gc_each_act_variant(gc_act_fn fn);

/* A flat-input model: n_in inputs, the given hidden widths, n_classes
 * outputs, activation act and the he_uniform initialiser. */
ab_model_spec gc_model(int n_in, const int *hidden, int n_hidden, int n_classes,
                       ab_act_spec act);
/* ab_net_build that fails the test (and exits) when the build fails. */
void gc_build(ab_net *net, const ab_model_spec *spec, int max_batch, uint64_t init_seed,
              uint64_t rrelu_seed);

#endif
