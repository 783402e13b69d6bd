/* check.h: the tiny test harness every unit test binary uses. Each check
 * prints a line only when it fails (or, for numeric comparisons, always,
 * with the largest difference and the tolerance); check_done() prints a
 * count and returns the process exit status: non-zero when any check failed. */
#ifndef AB_CHECK_H
#define AB_CHECK_H

#include <stdio.h>

extern int check_passed, check_failed;

/* Fails (and prints file:line and the message) when cond is false. */
#define CHECK(cond, ...) check_true_((cond) ? 1 : 0, __FILE__, __LINE__, #cond, __VA_ARGS__)
void check_true_(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Prints "name: largest error E (tolerance T) ok|FAIL" and counts it. */
int check_error(const char *name, double err, double tol);
/* |got - want| <= tol. */
int check_close(const char *name, double got, double want, double tol);
/* Largest |a-b| / max(1e-3, |a|+|b|) over n pairs, for gradient checks. */
double check_max_rel_err(const float *a, const float *b, long n);
/* Prints the tally; returns 0 when nothing failed, 1 otherwise. */
int check_done(const char *suite);

#endif
