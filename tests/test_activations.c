/* test_activations.c: finite-difference gradient checks of every activation
 * (ab_act_forward / ab_act_backward), PReLU's alpha gradient (one alpha per
 * layer and one per unit), and RReLU's random slopes in training and
 * evaluation mode in both forms (the paper's divisor a ~ U(3, 8), slope
 * 1/a; PyTorch's slope ~ U(1/8, 1/3)), and the bounds each form accepts. Inputs are drawn with |z| in [0.1, 2], away from the kink
 * at 0; the loss is L = sum_i w_i y_i with random w, so dy = w. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/activations.h"
#include "support/check.h"
#include "support/gradcheck.h"

enum { B = 6, N = 7 };
#define EPS 1e-3f   /* finite-difference step */
#define TOL 1e-2    /* largest relative error |a-b| / max(1e-3, |a|+|b|) */

typedef struct {
    ab_act_spec spec;
    float *z, *w, *y, *slopes, *alpha;
    int training;
    ab_rng rng0;    /* rrelu: the generator state every forward starts from */
} act_case;

/* L = sum w * f(z): every forward starts from the same rrelu state, so the
 * slopes are held fixed while z or alpha is perturbed. */
static double act_loss(void *ctx)
{
    act_case *c = ctx;
    ab_rng r = c->rng0;
    ab_act_forward(c->y, c->slopes, c->z, &c->spec, c->alpha, c->training, &r, B, N);
    return gc_dot(c->w, c->y, (long)B * N);
}

/* Analytic dz (and dalpha) from ab_act_backward vs central differences;
 * prelu has one alpha per layer or one per unit. */
static void check_act(const char *name, ab_act_spec spec, int training)
{
    int n_alpha = spec.kind != AB_ACT_PRELU ? 0 : spec.prelu_per_unit ? N : 1;
    ab_rng r;
    ab_rng_seed(&r, 11, name);
    long n = (long)B * N;
    act_case c = {.spec = spec, .training = training};
    c.z = gc_floats(n);
    c.w = gc_floats(n);
    c.y = gc_floats(n);
    c.slopes = gc_floats(n);
    c.alpha = n_alpha ? gc_floats(n_alpha) : NULL;
    float *dz = gc_floats(n), *num = gc_floats(n);
    float *dalpha = gc_floats(n_alpha), *num_alpha = gc_floats(n_alpha);
    gc_fill_signed(c.z, n, &r, 0.1f, 2.0f);
    gc_fill_uniform(c.w, n, &r, -1.0f, 1.0f);
    for (int i = 0; i < n_alpha; i++) c.alpha[i] = ab_rng_uniformf(&r, 0.05f, 0.4f);
    ab_rng_seed(&c.rng0, 12, "rrelu");

    act_loss(&c); /* y and slopes of the unperturbed forward */
    float *slopes0 = gc_floats(n);
    memcpy(slopes0, c.slopes, (size_t)n * sizeof *slopes0);
    ab_act_backward(dz, dalpha, c.w, c.z, c.y, c.slopes, &c.spec, c.alpha, training, B, N);
    gc_numeric_grad(num, c.z, n, EPS, act_loss, &c);
    char label[96];
    snprintf(label, sizeof label, "%s dL/dz vs finite differences", name);
    check_error(label, check_max_rel_err(dz, num, n), TOL);
    if (n_alpha) {
        gc_numeric_grad(num_alpha, c.alpha, n_alpha, EPS, act_loss, &c);
        snprintf(label, sizeof label, "%s dL/dalpha (%d alphas) vs finite differences", name,
                 n_alpha);
        check_error(label, check_max_rel_err(dalpha, num_alpha, n_alpha), TOL);
    }
    if (spec.kind == AB_ACT_RRELU && training) {
        /* replaying the generator state reproduces the slopes exactly */
        act_loss(&c);
        CHECK(memcmp(slopes0, c.slopes, (size_t)n * sizeof *slopes0) == 0,
              "%s: same rng state, same slopes", name);
    }
    free(c.z); free(c.w); free(c.y); free(c.slopes); free(c.alpha);
    free(dz); free(num); free(dalpha); free(num_alpha); free(slopes0);
}

/* backward sets dz and adds into dalpha: a second call leaves dz as it
 * was (whatever dz held before) and doubles dalpha. */
static void check_accumulates(ab_act_spec spec, int n_alpha)
{
    ab_rng r;
    ab_rng_seed(&r, 13, "accumulate");
    long n = (long)B * N;
    float *z = gc_floats(n), *y = gc_floats(n), *dy = gc_floats(n), *s = gc_floats(n);
    float *alpha = gc_floats(n_alpha), *dz = gc_floats(n), *dz2 = gc_floats(n);
    float *da = gc_floats(n_alpha), *da2 = gc_floats(n_alpha);
    gc_fill_signed(z, n, &r, 0.1f, 2.0f);
    gc_fill_uniform(dy, n, &r, -1.0f, 1.0f);
    for (int i = 0; i < n_alpha; i++) alpha[i] = 0.25f;
    ab_act_forward(y, s, z, &spec, n_alpha ? alpha : NULL, 0, NULL, B, N);
    ab_act_backward(dz, da, dy, z, y, s, &spec, n_alpha ? alpha : NULL, 0, B, N);
    for (long i = 0; i < n; i++) dz2[i] = 1e6f; /* garbage: set, not added */
    ab_act_backward(dz2, da2, dy, z, y, s, &spec, n_alpha ? alpha : NULL, 0, B, N);
    ab_act_backward(dz2, da2, dy, z, y, s, &spec, n_alpha ? alpha : NULL, 0, B, N);
    for (int i = 0; i < n_alpha; i++) da[i] *= 2.0f;
    check_error("prelu backward sets dz (twice = once, whatever dz held)", check_max_rel_err(dz, dz2, n),
                1e-6);
    check_error("prelu backward adds into dalpha (twice = 2x once)",
                check_max_rel_err(da, da2, n_alpha), 1e-6);
    free(z); free(y); free(dy); free(s); free(alpha); free(dz); free(dz2); free(da); free(da2);
}

/* Forward values at a few points vs the formulas of REFERENCE.md. */
static void check_values(void)
{
    const float zs[] = {-2.0f, -0.5f, 0.0f, 0.5f, 2.0f};
    const int nz = 5;
    float y[5], slopes[5];
    double worst = 0.0;
    for (int k = 0; k < AB_ACT_COUNT; k++) {
        ab_act_spec a = ab_act_default((ab_act_kind)k);
        float alpha = 0.25f;
        ab_act_forward(y, slopes, zs, &a, k == AB_ACT_PRELU ? &alpha : NULL, 0, NULL, 1, nz);
        for (int i = 0; i < nz; i++) {
            double z = zs[i], want = 0.0;
            switch ((ab_act_kind)k) {
            case AB_ACT_RELU: want = z > 0 ? z : 0; break;
            case AB_ACT_LEAKY_RELU: want = z > 0 ? z : 0.01 * z; break;
            case AB_ACT_RRELU: want = z >= 0 ? z : 2.0 / (3 + 8) * z; break; /* paper: 1/5.5 */
            case AB_ACT_PRELU: want = z > 0 ? z : 0.25 * z; break;
            case AB_ACT_ELU: want = z > 0 ? z : expm1(z); break;
            case AB_ACT_SELU:
                want = 1.0507009873554805 * (z > 0 ? z : 1.6732632423543772 * expm1(z));
                break;
            case AB_ACT_SIGMOID: want = 1 / (1 + exp(-z)); break;
            case AB_ACT_TANH: want = tanh(z); break;
            default: want = z; break;
            }
            double d = fabs(y[i] - want);
            if (d > worst) worst = d;
            CHECK(d <= 1e-6, "%s(%g) = %.9g, want %.9g", ab_act_name((ab_act_kind)k), z, y[i],
                  want);
        }
    }
    check_error("forward values of every activation (defaults) vs formulas", worst, 1e-6);

    /* relu'(0) = 0 (PyTorch); the leaky kinds use alpha at 0 */
    ab_act_spec relu = ab_act_default(AB_ACT_RELU);
    float z0 = 0.0f, y0 = 0.0f, dy = 1.0f, dz = 0.0f, s0 = 0.0f;
    ab_act_forward(&y0, &s0, &z0, &relu, NULL, 0, NULL, 1, 1);
    ab_act_backward(&dz, NULL, &dy, &z0, &y0, &s0, &relu, NULL, 0, 1, 1);
    CHECK(dz == 0.0f, "relu'(0) = %g, want 0", dz);
}

/* Defaults of REFERENCE.md and the name table. */
/* 1 when name is one whole item of the ", "-separated list (so "relu" is
 * not found inside "leaky_relu"). */
static int listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && !strncmp(p, name, n)) return 1;
        p += len;
        while (*p == ',' || *p == ' ') p++;
    }
    return 0;
}

static void check_defaults(void)
{
    ab_act_spec a = ab_act_default(AB_ACT_LEAKY_RELU);
    CHECK(a.alpha == 0.01f, "leaky_relu alpha %g", a.alpha);
    a = ab_act_default(AB_ACT_PRELU);
    CHECK(a.alpha == 0.25f && a.prelu_per_unit == 0 && a.prelu_decay == 0,
          "prelu defaults alpha %g per_unit %d decay %d", a.alpha, a.prelu_per_unit,
          a.prelu_decay);
    a = ab_act_default(AB_ACT_ELU);
    CHECK(a.alpha == 1.0f, "elu alpha %g", a.alpha);
    a = ab_act_default(AB_ACT_RRELU);
    CHECK(a.rrelu_form == AB_RRELU_PAPER && a.rrelu_lower == 3.0f && a.rrelu_upper == 8.0f,
          "rrelu default: paper form, divisor %g..%g", a.rrelu_lower, a.rrelu_upper);
    float lo, hi;
    ab_rrelu_form_bounds(AB_RRELU_PYTORCH, &lo, &hi);
    CHECK(lo == 1.0f / 8 && hi == 1.0f / 3, "rrelu pytorch bounds %g..%g", lo, hi);
    ab_rrelu_form f;
    CHECK(ab_rrelu_form_from_name("paper", &f) == 0 && f == AB_RRELU_PAPER &&
              ab_rrelu_form_from_name("pytorch", &f) == 0 && f == AB_RRELU_PYTORCH &&
              ab_rrelu_form_from_name("torch", &f) != 0,
          "%s", "rrelu form names");
    CHECK(fabsf(ab_act_rrelu_eval_slope(&a) - 1.0f / 5.5f) < 1e-7f, "paper evaluation slope %.9g, want 1/5.5",
          ab_act_rrelu_eval_slope(&a));
    for (int k = 0; k < AB_ACT_COUNT; k++) {
        ab_act_kind back;
        const char *name = ab_act_name((ab_act_kind)k);
        CHECK(name && ab_act_from_name(name, &back) == 0 && back == (ab_act_kind)k,
              "name round trip of kind %d", k);
        CHECK(name && listed(ab_act_names(), name), "%s listed in ab_act_names()",
              name ? name : "?");
    }
    CHECK(!listed("leaky_relu, selu", "relu") && !listed("leaky_relu, selu", "elu") &&
          listed("leaky_relu, selu", "selu"), "listed() matches whole names only");
    ab_act_kind k;
    CHECK(ab_act_from_name("reluu", &k) != 0, "unknown name rejected");
    ab_error err = {{0}};
    /* bounds that do not fit the form */
    static const struct {
        ab_rrelu_form form;
        float lo, hi;
        int ok;
    } bounds[] = {
        {AB_RRELU_PAPER, 3, 8, 1},        {AB_RRELU_PAPER, 1, 1.5f, 1},   {AB_RRELU_PAPER, 0.125f, 0.5f, 0},
        {AB_RRELU_PAPER, 8, 3, 0},        {AB_RRELU_PAPER, 4, 4, 0},      {AB_RRELU_PYTORCH, 0, 1, 1},
        {AB_RRELU_PYTORCH, 0.5f, 0.1f, 0}, {AB_RRELU_PYTORCH, 3, 8, 0},   {AB_RRELU_PYTORCH, 0.2f, 0.2f, 0},
        {AB_RRELU_PYTORCH, -0.1f, 0.5f, 0},
    };
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        ab_act_spec b = ab_act_default(AB_ACT_RRELU);
        b.rrelu_form = bounds[i].form;
        b.rrelu_lower = bounds[i].lo;
        b.rrelu_upper = bounds[i].hi;
        int ok = ab_act_check(&b, &err) == AB_OK;
        CHECK(ok == bounds[i].ok, "rrelu %s bounds %g, %g: %s", ab_rrelu_form_name(b.rrelu_form), b.rrelu_lower,
              b.rrelu_upper, bounds[i].ok ? "accepted" : "rejected");
    }
}

/* RReLU in one form: training slopes lie in [1/upper, 1/lower] (paper) or
 * [lower, upper] (pytorch), differ between elements and between passes and
 * follow the form's distribution: the mean slope is ln(upper/lower) /
 * (upper - lower) for the paper (E[1/a], a ~ U(lower, upper); 0.196 for
 * 3..8) and (lower + upper)/2 for pytorch, and the median is 2/(lower +
 * upper) for the paper (1/a at the median of a) and (lower + upper)/2 for
 * pytorch. Evaluation uses 2/(lower + upper) (paper) or (lower + upper)/2. */
static void check_rrelu(ab_rrelu_form form)
{
    enum { RB = 100, RN = 100 };
    long n = (long)RB * RN;
    ab_act_spec a = ab_act_default(AB_ACT_RRELU);
    a.rrelu_form = form;
    ab_rrelu_form_bounds(form, &a.rrelu_lower, &a.rrelu_upper);
    int paper = form == AB_RRELU_PAPER;
    const char *fname = ab_rrelu_form_name(form);
    double lo = a.rrelu_lower, hi = a.rrelu_upper;
    double s_min = paper ? 1.0 / hi : lo, s_max = paper ? 1.0 / lo : hi;
    ab_rng r;
    ab_rng_seed(&r, 21, "rrelu-test");
    float *z = gc_floats(n), *y = gc_floats(n), *s1 = gc_floats(n), *s2 = gc_floats(n);
    gc_fill_signed(z, n, &r, 0.1f, 2.0f);
    ab_act_forward(y, s1, z, &a, NULL, 1, &r, RB, RN);
    int in_range = 1, y_ok = 1;
    long distinct = 0, negatives = 0, below_median = 0;
    double sum = 0.0, sumsq = 0.0;
    double median = paper ? 2.0 / (lo + hi) : (lo + hi) / 2.0;
    for (long i = 0; i < n; i++) {
        if (z[i] >= 0) {
            if (y[i] != z[i] || s1[i] != 1.0f) y_ok = 0;
            continue;
        }
        negatives++;
        if (!(s1[i] >= (float)s_min * (1 - 1e-7f) && s1[i] <= (float)s_max * (1 + 1e-7f))) in_range = 0;
        if (y[i] != s1[i] * z[i]) y_ok = 0;
        if (i > 0 && z[i - 1] < 0 && s1[i] != s1[i - 1]) distinct++;
        sum += s1[i];
        sumsq += (double)s1[i] * s1[i];
        below_median += s1[i] < median;
    }
    char label[160];
    CHECK(negatives > n / 4, "enough negative inputs (%ld)", negatives);
    CHECK(in_range, "rrelu %s training slopes within [%g, %g]", fname, s_min, s_max);
    CHECK(y_ok, "rrelu %s training y = z, slope 1 (z >= 0); y = s*z (z < 0)", fname);
    CHECK(distinct > negatives / 4, "rrelu %s slopes differ between elements (%ld)", fname, distinct);
    ab_act_forward(y, s2, z, &a, NULL, 1, &r, RB, RN);
    long same = 0;
    for (long i = 0; i < n; i++)
        if (z[i] < 0 && s1[i] == s2[i]) same++;
    CHECK(same < negatives / 100 + 1, "rrelu %s slopes differ between passes (%ld equal)", fname, same);

    /* the distribution: mean and median of the slopes, 5 standard errors */
    double mean = sum / negatives, var = sumsq / negatives - mean * mean;
    double want_mean = paper ? log(hi / lo) / (hi - lo) : (lo + hi) / 2.0;
    snprintf(label, sizeof label, "rrelu %s mean training slope (want %.4f; 5 standard errors)", fname, want_mean);
    check_close(label, mean, want_mean, 5 * sqrt(var / negatives));
    snprintf(label, sizeof label, "rrelu %s share of slopes below the median %.4f (5 standard errors)", fname,
             median);
    check_close(label, (double)below_median / negatives, 0.5, 5 * 0.5 / sqrt((double)negatives));
    if (paper) {
        /* the divisor 1/s is uniform on [lo, hi]: its variance is (hi - lo)^2 / 12 */
        double dsum = 0.0, dsq = 0.0;
        for (long i = 0; i < n; i++)
            if (z[i] < 0) dsum += 1.0 / s1[i], dsq += 1.0 / ((double)s1[i] * s1[i]);
        double dmean = dsum / negatives, dvar = dsq / negatives - dmean * dmean;
        check_close("rrelu paper mean divisor 1/s (want 5.5; 5 standard errors)", dmean, (lo + hi) / 2,
                    5 * (hi - lo) / sqrt(12.0 * negatives));
        check_close("rrelu paper divisor variance (want 25/12; 10%)", dvar, (hi - lo) * (hi - lo) / 12,
                    0.1 * (hi - lo) * (hi - lo) / 12);
    }

    /* evaluation: the form's fixed slope, y within 1 ulp of it times z */
    ab_act_forward(y, s2, z, &a, NULL, 0, NULL, RB, RN);
    float evf = paper ? 2.0f / (a.rrelu_lower + a.rrelu_upper) : (a.rrelu_lower + a.rrelu_upper) / 2.0f;
    double want_eval = paper ? 1.0 / 5.5 : (1.0 / 8 + 1.0 / 3) / 2;
    check_close(paper ? "rrelu paper evaluation slope = 2/(3+8) = 1/5.5"
                      : "rrelu pytorch evaluation slope = (1/8+1/3)/2",
                ab_act_rrelu_eval_slope(&a), want_eval, 1e-7);
    double worst = 0.0;
    for (long i = 0; i < n; i++) {
        double want = z[i] >= 0 ? z[i] : evf * z[i];
        double d = fabs(y[i] - want) / fabs(want);
        if (d > worst) worst = d;
    }
    snprintf(label, sizeof label, "rrelu %s evaluation y = slope * z, relative", fname);
    check_error(label, worst, 1.2e-7);
    free(z); free(y); free(s1); free(s2);
}

int main(void)
{
    check_defaults();
    check_values();
    gc_each_act_variant(check_act);
    ab_act_spec per_unit = ab_act_default(AB_ACT_PRELU);
    per_unit.prelu_per_unit = 1;
    check_accumulates(per_unit, N);
    ab_act_spec leaky = ab_act_default(AB_ACT_LEAKY_RELU);
    leaky.alpha = 0.2f;
    check_act("leaky_relu alpha 0.2", leaky, 1);
    ab_act_spec elu = ab_act_default(AB_ACT_ELU);
    elu.alpha = 0.5f;
    check_act("elu alpha 0.5", elu, 1);
    check_rrelu(AB_RRELU_PAPER);
    check_rrelu(AB_RRELU_PYTORCH);
    return check_done("test_activations");
}
