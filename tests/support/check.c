/* check.c: the test harness of check.h. */
#include "check.h"
#include <math.h>
#include <stdarg.h>

int check_passed, check_failed;

void check_true_(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    if (ok) {
        check_passed++;
        return;
    }
    check_failed++;
    fprintf(stdout, "FAIL %s:%d: %s: ", file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
}

int check_error(const char *name, double err, double tol)
{
    int ok = err <= tol && !isnan(err);
    printf("%-4s %s: largest error %.3g (tolerance %.3g)\n", ok ? "ok" : "FAIL", name, err, tol);
    if (ok) check_passed++; else check_failed++;
    return ok;
}

int check_close(const char *name, double got, double want, double tol)
{
    double d = fabs(got - want);
    int ok = d <= tol && !isnan(got);
    if (!ok) printf("FAIL %s: got %.9g, want %.9g (difference %.3g, tolerance %.3g)\n", name, got,
                    want, d, tol);
    if (ok) check_passed++; else check_failed++;
    return ok;
}

double check_max_rel_err(const float *a, const float *b, long n)
{
    double worst = 0.0;
    for (long i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        double s = fabs((double)a[i]) + fabs((double)b[i]);
        double r = d / (s > 1e-3 ? s : 1e-3);
        if (isnan(r)) return INFINITY;
        if (r > worst) worst = r;
    }
    return worst;
}

int check_done(const char *suite)
{
    printf("%s: %d checks passed, %d failed\n", suite, check_passed, check_failed);
    return check_failed ? 1 : 0;
}
