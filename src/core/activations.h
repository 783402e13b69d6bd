/* activations.h: the activation functions as data: an enum, a name table,
 * elementwise forward and backward over flat buffers, and which of them own
 * parameters (prelu) or random state (rrelu). Definitions follow
 * shared/REFERENCE.md exactly. No I/O. */
#ifndef AB_ACTIVATIONS_H
#define AB_ACTIVATIONS_H

#include "rng.h"
#include "status.h"

typedef enum {
    AB_ACT_RELU,       /* f(z) = max(0, z); f'(0) = 0 */
    AB_ACT_LEAKY_RELU, /* f(z) = z if z > 0 else alpha*z */
    AB_ACT_RRELU,      /* train: z if z >= 0 else s*z, s drawn per element (see ab_rrelu_form);
                          eval: a fixed slope (ab_act_rrelu_eval_slope) */
    AB_ACT_PRELU,      /* f(z) = z if z > 0 else a*z, a learned (per layer or per unit) */
    AB_ACT_ELU,        /* f(z) = z if z > 0 else alpha*(exp(z) - 1) */
    AB_ACT_SELU,       /* f(z) = lambda*elu(z; alpha), fixed lambda, alpha */
    AB_ACT_SIGMOID,    /* f(z) = 1/(1 + exp(-z)) */
    AB_ACT_TANH,       /* f(z) = tanh(z) */
    AB_ACT_LINEAR,     /* f(z) = z */
    AB_ACT_COUNT
} ab_act_kind;

#define AB_SELU_LAMBDA 1.0507009873554805f
#define AB_SELU_ALPHA 1.6732632423543772f

/* The two readings of RReLU's bounds (REFERENCE.md):
 *   paper (Xu et al. 2015): divisor a ~ U(lower, upper), training slope 1/a,
 *          evaluation slope 2/(lower + upper); defaults 3 and 8; 1 <= lower < upper;
 *   pytorch (torch.nn.RReLU): slope s ~ U(lower, upper), evaluation slope
 *          (lower + upper)/2; defaults 1/8 and 1/3; 0 <= lower < upper <= 1. */
typedef enum { AB_RRELU_PAPER, AB_RRELU_PYTORCH, AB_RRELU_FORM_COUNT } ab_rrelu_form;

typedef struct {
    ab_act_kind kind;
    float alpha;          /* leaky_relu slope, elu alpha, prelu initial slope */
    ab_rrelu_form rrelu_form; /* how rrelu_lower/upper are read (default paper) */
    float rrelu_lower;    /* rrelu lower bound (paper: divisor 3; pytorch: slope 1/8) */
    float rrelu_upper;    /* rrelu upper bound (paper: divisor 8; pytorch: slope 1/3) */
    int prelu_per_unit;   /* 0: one alpha per layer, 1: one per unit */
    int prelu_decay;      /* 1: weight decay applies to prelu alpha (default 0) */
} ab_act_spec;

/* The defaults of REFERENCE.md for kind: alpha 0.01 (leaky_relu), 0.25
 * (prelu), 1 (elu); rrelu in the paper's form, divisor 3..8; prelu shared
 * per layer, no decay. */
ab_act_spec ab_act_default(ab_act_kind kind);
/* "paper" / "pytorch", and back (0 when known, -1 otherwise). */
const char *ab_rrelu_form_name(ab_rrelu_form f);
int ab_rrelu_form_from_name(const char *name, ab_rrelu_form *f);
const char *ab_rrelu_form_names(void);
/* The default bounds of a form: paper 3, 8; pytorch 1/8, 1/3. */
void ab_rrelu_form_bounds(ab_rrelu_form f, float *lower, float *upper);
/* rrelu's evaluation-mode slope: 2/(lower + upper) (paper) or
 * (lower + upper)/2 (pytorch). */
float ab_act_rrelu_eval_slope(const ab_act_spec *a);

const char *ab_act_name(ab_act_kind kind);
/* 0 and *kind set when name is known; -1 otherwise. */
int ab_act_from_name(const char *name, ab_act_kind *kind);
/* "relu, leaky_relu, ..." for error messages. */
const char *ab_act_names(void);
/* 1 when alpha is a parameter of this kind (leaky_relu, prelu, elu). */
int ab_act_uses_alpha(ab_act_kind kind);
/* Slope for negative inputs that a leak-aware initialiser should assume. */
float ab_act_leak(const ab_act_spec *a);
ab_status ab_act_check(const ab_act_spec *a, ab_error *err);

/* relu and leaky relu (slope s) of one element, and f'(z) times g: the
 * maths of ab_act_forward and ab_act_backward for these two kinds, which
 * the activation fused with max pooling (act_pool_layer.c) shares. */
static inline float ab_relu_f(float v) { return v > 0.0f ? v : 0.0f; }
static inline float ab_leaky_f(float v, float s)
{
    float leak = s * v; /* both sides computed: a select, no branch */
    return v > 0.0f ? v : leak;
}
static inline float ab_relu_df(float z, float g) { return z > 0.0f ? g : 0.0f; }
static inline float ab_leaky_df(float z, float g, float s)
{
    float leak = s * g;
    return z > 0.0f ? g : leak;
}

/* 1 when f'(z) depends only on whether z > 0 and y = f(z) > 0 exactly
 * when z > 0 (relu, and leaky_relu with a finite slope >= 0): the backward
 * may then be given y in place of z. */
int ab_act_sign_kept(const ab_act_spec *a);
/* Forward over a (B, n) buffer; y, z and slopes must not overlap.
 *   alpha: prelu slopes, 1 or n of them (NULL for other kinds)
 *   slopes: rrelu per-element slopes (B*n), written in training mode
 *   rng: rrelu generator (training mode only) */
void ab_act_forward(float *restrict y, float *restrict slopes, const float *restrict z, const ab_act_spec *a,
                    const float *alpha, int training, ab_rng *rng, int B, int n);

/* Backward: dz = dy * f'(z) (dz is set); dalpha (prelu) += sum dy * z over z <= 0.
 * y is the forward output (used by sigmoid, tanh, elu, selu). */
void ab_act_backward(float *restrict dz, float *restrict dalpha, const float *restrict dy,
                     const float *restrict z, const float *restrict y,
                     const float *restrict slopes, const ab_act_spec *a,
                     const float *alpha, int training, int B, int n);

#endif
