/* report_internal.h: what the report_*.c files share and nothing else
 * needs: a growing string, the activation families, the claims. */
#ifndef AB_REPORT_INTERNAL_H
#define AB_REPORT_INTERNAL_H

#include "report.h"

/* Appends printf-style text to the malloc'd string *s (NULL starts one). */
void ab_str_append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* leaky_relu, rrelu, prelu */
int ab_is_leaky(const char *activation);
/* The largest layer mean of a variant's final dead fractions (NaN when none). */
double ab_variant_dead_max(const ab_variant *v);
/* A number of a variant's resolved config (NaN when absent). */
double ab_variant_num(const ab_variant *v, const char *path);
/* Fills r->v, r->n_variants, r->max_layers from r->runs and r->swept. */
void ab_report_group(ab_report *r);
void ab_report_free_variants(ab_report *r);
/* Fills r->claims (C1-C5). */
void ab_report_claims(ab_report *r);

/* Comparisons behind a verdict, counted by outcome. */
typedef struct {
    int supports, contradicts, inconclusive, na;
} ab_tally;
/* supports when at least half of the comparisons with a CI support the claim
 * and more support it than contradict it; contradicts symmetrically. */
ab_verdict ab_tally_verdict(const ab_tally *t);
/* Records the comparison of the seeds of variant a with those of b (b < 0:
 * no partner, why says which) on test accuracy or, with gap, on the
 * train-test gap; sign +1 when the claim says a > b, -1 when a < b. One
 * line in c->lines, one object in c->numbers "comparisons" (with note,
 * when not NULL, as its "note"). */
void ab_claim_compare(ab_claim *c, ab_tally *t, const ab_report *r, int a, int b, int gap, int sign,
                      const char *why, const char *note);
/* C5, the dying units (report_dying.c). */
void ab_claim_dying(const ab_report *r, ab_claim *c);
/* "0.1234", or "-" for NaN; "%+.4f" with sign. */
void ab_fmt_num(char *buf, size_t size, double x, int sign);
/* "p=0.012", "p<0.001", "p=n/a" */
void ab_fmt_p(char *buf, size_t size, double p);

#endif
