/* stats.h: the statistics of 'actbench report': mean and standard
 * deviation of a sample, the Student t distribution (CDF and quantile, via
 * the regularized incomplete beta function), Welch's two-sample t-test,
 * the paired t-test and Holm's adjustment of p-values. Pure functions: no
 * I/O, no allocation. docs/report.md explains the use. */
#ifndef AB_STATS_H
#define AB_STATS_H

/* Mean, sample standard deviation (n - 1) and n of the finite values of x[0..n). */
typedef struct {
    double mean, sd;
    int n;
} ab_sample;

/* A t-test of a difference: Welch's (mean(a) - mean(b)) or the paired one
 * (the mean of the per-seed differences). ok is 0 when the test cannot be
 * made: n < 2, or a zero standard error (no variance; below 1e-12 times
 * max(1, |diff|), which is rounding); then only diff (NaN when a sample is
 * empty) is set, everything else is NaN, and why says which. A zero
 * variance never gives a CI or a p-value. */
typedef struct {
    int ok;
    double diff, se, df, t, p, ci_low, ci_high;
    const char *why; /* NULL when ok */
} ab_ttest;

/* mean, sd (NaN when n < 2), n over the finite values of x */
ab_sample ab_sample_of(const double *x, int n);
/* I_x(a, b) = B(x; a, b) / B(a, b), a, b > 0, 0 <= x <= 1 */
double ab_beta_inc(double a, double b, double x);
/* P(T <= t) for Student's t with df > 0 degrees of freedom */
double ab_t_cdf(double t, double df);
/* t with P(T <= t) = p, 0 < p < 1 */
double ab_t_quantile(double p, double df);
/* df = (va/na + vb/nb)^2 / ((va/na)^2/(na-1) + (vb/nb)^2/(nb-1)) */
double ab_welch_df(double va, int na, double vb, int nb);
/* Welch's test with a two-sided CI of the difference at level (e.g. 0.95).
 * Not ok when either n < 2 or both variances are 0. */
ab_ttest ab_welch_test(ab_sample a, ab_sample b, double level);
/* The paired t-test of d[0..n) = a_i - b_i (the finite ones): mean of d,
 * se = sd(d)/sqrt(n), df = n - 1, two-sided CI at level and p. Not ok when
 * fewer than 2 finite differences or sd(d) = 0. */
ab_ttest ab_paired_test(const double *d, int n, double level);
/* The same from the sample of the differences (mean, sd, n). */
ab_ttest ab_paired_test_of(ab_sample d, double level);
/* Holm's step-down adjustment of the m finite p-values among p[0..n):
 * sorted p_(1) <= ... <= p_(m), adj_(k) = min(1, max_{j<=k} (m - j + 1) p_(j)).
 * A NaN p gives a NaN adj and does not count in m. */
void ab_holm(double *adj, const double *p, int n);

#endif
