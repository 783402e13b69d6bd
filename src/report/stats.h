/* stats.h: the statistics of 'actbench report': mean and standard
 * deviation of a sample, the Student t distribution (CDF and quantile, via
 * the regularized incomplete beta function) and Welch's two-sample t-test.
 * Pure functions: no I/O, no allocation. docs/report.md explains the use. */
#ifndef AB_STATS_H
#define AB_STATS_H

/* Mean, sample standard deviation (n - 1) and n of the finite values of x[0..n). */
typedef struct {
    double mean, sd;
    int n;
} ab_sample;

/* Welch's test of mean(a) - mean(b). ok is 0 when either n < 2: then
 * only diff (NaN when a sample is empty) is set, everything else is NaN. */
typedef struct {
    int ok;
    double diff, se, df, t, p, ci_low, ci_high;
} ab_welch;

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
 * When both variances are 0 the CI is [diff, diff], p is 1 when diff is 0
 * and 0 otherwise, and df is NaN. */
ab_welch ab_welch_test(ab_sample a, ab_sample b, double level);

#endif
