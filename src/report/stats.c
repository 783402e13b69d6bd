/* stats.c: sample statistics, the Student t distribution, Welch's and the
 * paired t-test, Holm's adjustment. The t quantile inverts the CDF by
 * bisection on the incomplete beta argument, which converges whatever df
 * is (fractional df included). */
#include "stats.h"
#include <math.h>
#include <stddef.h>

ab_sample ab_sample_of(const double *x, int n)
{
    ab_sample s = {NAN, NAN, 0};
    double sum = 0.0, ss = 0.0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) sum += x[i], s.n++;
    if (!s.n) return s;
    s.mean = sum / s.n;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) ss += (x[i] - s.mean) * (x[i] - s.mean);
    if (s.n > 1) s.sd = sqrt(ss / (s.n - 1));
    return s;
}

/* The continued fraction of I_x(a, b) (modified Lentz), valid for
 * x < (a + 1) / (a + b + 2). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    if (fabs(d) < tiny) d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int k = 0; k < 2; k++) {
            d = 1.0 + aa * d;
            if (fabs(d) < tiny) d = tiny;
            c = 1.0 + aa / c;
            if (fabs(c) < tiny) c = tiny;
            d = 1.0 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
        if (fabs(d * c - 1.0) < eps) break;
    }
    return h;
}

double ab_beta_inc(double a, double b, double x)
{
    if (!(x > 0.0)) return 0.0;
    if (!(x < 1.0)) return 1.0;
    double ln_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0)) return exp(ln_front) * beta_cf(a, b, x) / a;
    return 1.0 - exp(ln_front) * beta_cf(b, a, 1.0 - x) / b;
}

double ab_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0.0)) return NAN;
    if (isinf(t)) return t > 0 ? 1.0 : 0.0;
    double tail = 0.5 * ab_beta_inc(0.5 * df, 0.5, df / (df + t * t)); /* P(T > |t|) */
    return t > 0 ? 1.0 - tail : tail;
}

double ab_t_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0)) return NAN;
    if (p == 0.5) return 0.0;
    /* P(T > |t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2), increasing in x */
    double target = 2.0 * (p > 0.5 ? 1.0 - p : p), lo = 0.0, hi = 1.0;
    for (int i = 0; i < 4000; i++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (ab_beta_inc(0.5 * df, 0.5, mid) < target) lo = mid;
        else hi = mid;
    }
    double x = 0.5 * (lo + hi);
    double t = sqrt(df * (1.0 - x) / x);
    return p > 0.5 ? t : -t;
}

double ab_welch_df(double va, int na, double vb, int nb)
{
    double qa = va / na, qb = vb / nb;
    return (qa + qb) * (qa + qb) / (qa * qa / (na - 1) + qb * qb / (nb - 1));
}

/* The t-test of diff with standard error se and df degrees of freedom. */
static ab_ttest t_test(double diff, double se, double df, double level)
{
    ab_ttest w = {1, diff, se, df, diff / se, NAN, NAN, NAN, NULL};
    w.p = ab_beta_inc(0.5 * df, 0.5, df / (df + w.t * w.t));
    double q = ab_t_quantile(0.5 + 0.5 * level, df);
    w.ci_low = diff - q * se;
    w.ci_high = diff + q * se;
    return w;
}

/* A standard error this small next to the difference is rounding of equal
 * values (0.91 - 0.81 and 0.92 - 0.82 differ in the last bit): no variance. */
static int zero_se(double se, double diff)
{
    return !(se > 1e-12 * fmax(1.0, fabs(diff)));
}

static ab_ttest no_test(double diff, const char *why)
{
    return (ab_ttest){0, diff, NAN, NAN, NAN, NAN, NAN, NAN, why};
}

ab_ttest ab_welch_test(ab_sample a, ab_sample b, double level)
{
    double diff = a.mean - b.mean;
    if (a.n < 2 || b.n < 2) return no_test(diff, "fewer than 2 finished runs in a group");
    double va = a.sd * a.sd, vb = b.sd * b.sd;
    double se = sqrt(va / a.n + vb / b.n);
    if (zero_se(se, diff)) return no_test(diff, "zero variance in both groups");
    return t_test(diff, se, ab_welch_df(va, a.n, vb, b.n), level);
}

ab_ttest ab_paired_test(const double *d, int n, double level)
{
    return ab_paired_test_of(ab_sample_of(d, n), level);
}

ab_ttest ab_paired_test_of(ab_sample s, double level)
{
    if (s.n < 2) return no_test(s.mean, "fewer than 2 pairs");
    double se = s.sd / sqrt((double)s.n);
    if (zero_se(se, s.mean)) return no_test(s.mean, "zero variance of the paired differences");
    return t_test(s.mean, se, s.n - 1, level);
}

void ab_holm(double *adj, const double *p, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++) m += isfinite(p[i]);
    /* rank each finite p: k = its place in ascending order (ties by index) */
    double run = 0.0;
    for (int k = 0; k < m; k++) {
        int best = -1;
        for (int i = 0; i < n; i++) {
            if (!isfinite(p[i])) continue;
            int rank = 0;
            for (int j = 0; j < n; j++) rank += isfinite(p[j]) && (p[j] < p[i] || (p[j] == p[i] && j < i));
            if (rank == k) best = i;
        }
        double a = (m - k) * p[best];
        if (a > run) run = a;
        adj[best] = run < 1.0 ? run : 1.0;
    }
    for (int i = 0; i < n; i++)
        if (!isfinite(p[i])) adj[i] = NAN;
}
