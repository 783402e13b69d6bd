/* activations.c: forward and backward of every activation, per REFERENCE.md.
 * Owns the name table. Does not own parameters (prelu alphas live in the
 * network's parameter array) nor buffers. */
#include "activations.h"
#include "simd/vector_clones.h"
#include <math.h>
#include <string.h>

static const char *const NAMES[AB_ACT_COUNT] = {
    "relu", "leaky_relu", "rrelu", "prelu", "elu", "selu", "sigmoid", "tanh", "linear",
};

const char *ab_act_name(ab_act_kind kind)
{
    return (unsigned)kind < AB_ACT_COUNT ? NAMES[kind] : "?";
}

int ab_act_from_name(const char *name, ab_act_kind *kind)
{
    int i = ab_name_index(NAMES, AB_ACT_COUNT, name);
    if (i >= 0) *kind = (ab_act_kind)i;
    return i < 0 ? -1 : 0;
}

const char *ab_act_names(void)
{
    return "relu, leaky_relu, rrelu, prelu, elu, selu, sigmoid, tanh, linear";
}

int ab_act_uses_alpha(ab_act_kind k)
{
    return k == AB_ACT_LEAKY_RELU || k == AB_ACT_PRELU || k == AB_ACT_ELU;
}

static const char *const FORM_NAMES[AB_RRELU_FORM_COUNT] = {"paper", "pytorch"};

const char *ab_rrelu_form_name(ab_rrelu_form f)
{
    return (unsigned)f < AB_RRELU_FORM_COUNT ? FORM_NAMES[f] : "?";
}

int ab_rrelu_form_from_name(const char *name, ab_rrelu_form *f)
{
    int i = ab_name_index(FORM_NAMES, AB_RRELU_FORM_COUNT, name);
    if (i >= 0) *f = (ab_rrelu_form)i;
    return i < 0 ? -1 : 0;
}

const char *ab_rrelu_form_names(void) { return "paper, pytorch"; }

void ab_rrelu_form_bounds(ab_rrelu_form f, float *lower, float *upper)
{
    *lower = f == AB_RRELU_PYTORCH ? 1.0f / 8.0f : 3.0f;
    *upper = f == AB_RRELU_PYTORCH ? 1.0f / 3.0f : 8.0f;
}

float ab_act_rrelu_eval_slope(const ab_act_spec *a)
{
    float sum = a->rrelu_lower + a->rrelu_upper;
    return a->rrelu_form == AB_RRELU_PYTORCH ? 0.5f * sum : 2.0f / sum;
}

ab_act_spec ab_act_default(ab_act_kind kind)
{
    ab_act_spec a = {.kind = kind, .alpha = 0.0f, .rrelu_form = AB_RRELU_PAPER,
                     .prelu_per_unit = 0, .prelu_decay = 0};
    ab_rrelu_form_bounds(AB_RRELU_PAPER, &a.rrelu_lower, &a.rrelu_upper);
    if (kind == AB_ACT_LEAKY_RELU) a.alpha = 0.01f;
    if (kind == AB_ACT_PRELU) a.alpha = 0.25f;
    if (kind == AB_ACT_ELU) a.alpha = 1.0f;
    return a;
}

float ab_act_leak(const ab_act_spec *a)
{
    switch (a->kind) {
    case AB_ACT_LEAKY_RELU:
    case AB_ACT_PRELU: return a->alpha;
    case AB_ACT_RRELU: return ab_act_rrelu_eval_slope(a);
    default: return 0.0f;
    }
}

ab_status ab_act_check(const ab_act_spec *a, ab_error *err)
{
    if ((unsigned)a->kind >= AB_ACT_COUNT)
        return ab_fail(err, AB_ERR_ARG, "unknown activation %d; expected one of %s", (int)a->kind,
                       ab_act_names());
    if (ab_act_uses_alpha(a->kind) && !(a->alpha >= 0.0f && isfinite(a->alpha)))
        return ab_fail(err, AB_ERR_ARG, "%s: alpha must be a finite number >= 0, got %g",
                       NAMES[a->kind], a->alpha);
    if (a->kind != AB_ACT_RRELU) return AB_OK;
    if (a->rrelu_form == AB_RRELU_PAPER &&
        !(a->rrelu_lower >= 1.0f && a->rrelu_lower < a->rrelu_upper && isfinite(a->rrelu_upper)))
        return ab_fail(err, AB_ERR_ARG, "rrelu (paper form, divisor a ~ U(lower, upper)): need "
                       "1 <= lower < upper, got %g and %g", a->rrelu_lower, a->rrelu_upper);
    if (a->rrelu_form == AB_RRELU_PYTORCH &&
        !(a->rrelu_lower >= 0.0f && a->rrelu_lower < a->rrelu_upper && a->rrelu_upper <= 1.0f))
        return ab_fail(err, AB_ERR_ARG, "rrelu (pytorch form, slope ~ U(lower, upper)): need "
                       "0 <= lower < upper <= 1, got %g and %g", a->rrelu_lower, a->rrelu_upper);
    if ((unsigned)a->rrelu_form >= AB_RRELU_FORM_COUNT)
        return ab_fail(err, AB_ERR_ARG, "rrelu: unknown form %d; expected one of %s",
                       (int)a->rrelu_form, ab_rrelu_form_names());
    return AB_OK;
}

int ab_act_sign_kept(const ab_act_spec *a)
{
    int leaky = a->kind == AB_ACT_LEAKY_RELU && isfinite(a->alpha) && !signbit(a->alpha);
    return a->kind == AB_ACT_RELU || leaky;
}

AB_VECTOR_CLONES void ab_act_forward(float *restrict y, float *restrict slopes, const float *restrict z, const ab_act_spec *a,
                    const float *alpha, int training, ab_rng *rng, int B, int n)
{
    long total = (long)B * n;
    switch (a->kind) {
    case AB_ACT_RELU:
        for (long i = 0; i < total; i++) y[i] = ab_relu_f(z[i]);
        break;
    case AB_ACT_LEAKY_RELU: {
        float s = a->alpha;
        for (long i = 0; i < total; i++) y[i] = ab_leaky_f(z[i], s);
        break;
    }
    case AB_ACT_RRELU:
        if (training) {
            /* paper: the slope is 1/a with the divisor a ~ U(lo, hi);
             * pytorch: the slope itself ~ U(lo, hi). Backward reuses it. */
            float lo = a->rrelu_lower, hi = a->rrelu_upper;
            int paper = a->rrelu_form == AB_RRELU_PAPER;
            for (long i = 0; i < total; i++) {
                if (z[i] >= 0.0f) {
                    slopes[i] = 1.0f;
                    y[i] = z[i];
                } else {
                    float u = ab_rng_uniformf(rng, lo, hi);
                    float s = paper ? 1.0f / u : u;
                    slopes[i] = s;
                    y[i] = s * z[i];
                }
            }
        } else {
            float s = ab_act_rrelu_eval_slope(a);
            for (long i = 0; i < total; i++) {
                float v = z[i], leak = s * v;
                y[i] = v >= 0.0f ? v : leak;
            }
        }
        break;
    case AB_ACT_PRELU:
        for (int b = 0; b < B; b++) {
            const float *zr = z + (long)b * n;
            float *yr = y + (long)b * n;
            if (a->prelu_per_unit)
                for (int j = 0; j < n; j++) yr[j] = zr[j] > 0.0f ? zr[j] : alpha[j] * zr[j];
            else
                for (int j = 0; j < n; j++) yr[j] = zr[j] > 0.0f ? zr[j] : alpha[0] * zr[j];
        }
        break;
    case AB_ACT_ELU:
    case AB_ACT_SELU: {
        float al = a->kind == AB_ACT_SELU ? AB_SELU_ALPHA : a->alpha;
        float la = a->kind == AB_ACT_SELU ? AB_SELU_LAMBDA : 1.0f;
        for (long i = 0; i < total; i++)
            y[i] = la * (z[i] > 0.0f ? z[i] : al * expm1f(z[i]));
        break;
    }
    case AB_ACT_SIGMOID:
        for (long i = 0; i < total; i++) y[i] = 1.0f / (1.0f + expf(-z[i]));
        break;
    case AB_ACT_TANH:
        for (long i = 0; i < total; i++) y[i] = tanhf(z[i]);
        break;
    case AB_ACT_LINEAR:
    default:
        memcpy(y, z, (size_t)total * sizeof *y);
        break;
    }
}

AB_VECTOR_CLONES void ab_act_backward(float *restrict dz, float *restrict dalpha, const float *restrict dy,
                     const float *restrict z, const float *restrict y,
                     const float *restrict slopes, const ab_act_spec *a,
                     const float *alpha, int training, int B, int n)
{
    long total = (long)B * n;
    switch (a->kind) {
    case AB_ACT_RELU:
        for (long i = 0; i < total; i++) dz[i] = ab_relu_df(z[i], dy[i]);
        break;
    case AB_ACT_LEAKY_RELU: {
        float s = a->alpha;
        for (long i = 0; i < total; i++) dz[i] = ab_leaky_df(z[i], dy[i], s);
        break;
    }
    case AB_ACT_RRELU:
        if (training) {
            for (long i = 0; i < total; i++) dz[i] = slopes[i] * dy[i];
        } else {
            float s = ab_act_rrelu_eval_slope(a);
            for (long i = 0; i < total; i++) {
                float g = dy[i], leak = s * g;
                dz[i] = z[i] >= 0.0f ? g : leak;
            }
        }
        break;
    case AB_ACT_PRELU:
        for (int b = 0; b < B; b++) {
            const float *zr = z + (long)b * n, *dyr = dy + (long)b * n;
            float *dzr = dz + (long)b * n;
            if (a->prelu_per_unit) {
                for (int j = 0; j < n; j++) {
                    if (zr[j] > 0.0f) {
                        dzr[j] = dyr[j];
                    } else {
                        dzr[j] = alpha[j] * dyr[j];
                        if (dalpha) dalpha[j] += dyr[j] * zr[j];
                    }
                }
            } else {
                float acc = 0.0f;
                for (int j = 0; j < n; j++) {
                    if (zr[j] > 0.0f) {
                        dzr[j] = dyr[j];
                    } else {
                        dzr[j] = alpha[0] * dyr[j];
                        acc += dyr[j] * zr[j];
                    }
                }
                if (dalpha) dalpha[0] += acc;
            }
        }
        break;
    case AB_ACT_ELU:
    case AB_ACT_SELU: {
        /* z <= 0: y = la*al*(e^z - 1) so dy/dz = la*al*e^z = y + la*al */
        float al = a->kind == AB_ACT_SELU ? AB_SELU_ALPHA : a->alpha;
        float la = a->kind == AB_ACT_SELU ? AB_SELU_LAMBDA : 1.0f;
        float la_al = la * al;
        for (long i = 0; i < total; i++)
            dz[i] = dy[i] * (z[i] > 0.0f ? la : y[i] + la_al);
        break;
    }
    case AB_ACT_SIGMOID:
        for (long i = 0; i < total; i++) dz[i] = dy[i] * y[i] * (1.0f - y[i]);
        break;
    case AB_ACT_TANH:
        for (long i = 0; i < total; i++) dz[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case AB_ACT_LINEAR:
    default:
        for (long i = 0; i < total; i++) dz[i] = dy[i];
        break;
    }
}
