/* report_internal.h: what the report files above the leaves share and
 * nothing else needs: grouping variants, comparisons and their tally, and
 * the claims. Each function is listed under the file that defines it; a
 * file calls only the functions of files listed before it (report.h has
 * the whole order). */
#ifndef AB_REPORT_INTERNAL_H
#define AB_REPORT_INTERNAL_H

#include "report.h"

/* ---- report_variants.c ---- */
/* Fills r->v, r->n_variants, r->max_layers, r->any_best from r->runs and
 * r->swept; -1 when out of memory (what was filled is freed by
 * ab_report_free_variants). */
int ab_report_group(ab_report *r);
void ab_report_free_variants(ab_report *r);

/* ---- report_compare.c ---- */
/* 1 for the train-test gap metrics; 1 for the best-validation-epoch ones. */
int ab_metric_is_gap(ab_metric m);
int ab_metric_is_best(ab_metric m);
/* "test_accuracy_best_epoch" (the JSON's name); "test acc (best-val epoch)" (the text's). */
const char *ab_metric_name(ab_metric m);
const char *ab_metric_text(ab_metric m);
/* Comparisons behind a verdict, counted by outcome. */
typedef struct {
    int supports, contradicts, inconclusive, na;
} ab_tally;
/* supports when at least half of the comparisons with a partner support
 * the claim and more support it than contradict it; contradicts
 * symmetrically; cannot tell otherwise. */
ab_verdict ab_tally_verdict(const ab_tally *t);
/* Fills the statistics of c (a, b, metric and sign set by the caller):
 * both samples, Welch's test, the paired test over the shared seeds, the
 * training-accuracy difference of a gap. */
void ab_compare(ab_comparison *c, const ab_report *r);
/* The comparisons of one claim, as a list the claim fills. */
typedef struct {
    ab_comparison *c;
    int n, cap;
} ab_comparisons;
/* A new comparison of a with b (b < 0: no partner, why says why) at the
 * end of list; NULL when out of memory. */
ab_comparison *ab_comparisons_add(ab_comparisons *list, const ab_report *r, int a, int b, ab_metric metric, int sign,
                                  const char *why, const char *note);
/* Holm-adjusts the p-values of the list together with the n_extra
 * extra_p of the claim's other tests (NaN: no test; their adjusted values
 * into extra_adj), decides each comparison's outcome, counts it in t, and
 * writes each comparison as a line of claim->lines and an object of
 * claim->numbers "comparisons". -1 when out of memory. */
int ab_comparisons_finish(ab_comparisons *list, const double *extra_p, double *extra_adj, int n_extra,
                          ab_claim *claim, ab_tally *t, const ab_report *r);
void ab_comparisons_free(ab_comparisons *list);
/* The comparison's outcome without Holm (the variant table's vs_baseline:
 * one comparison, so p_holm = p). */
void ab_comparison_decide(ab_comparison *c);
/* Its JSON members (test, paired, p_holm, outcome, reason) added to o. */
void ab_comparison_add_json(cJSON *o, const ab_comparison *c);
/* The test the comparison's outcome used: its statistics. */
const ab_ttest *ab_comparison_used(const ab_comparison *c);

/* ", 95% CI [lo, hi], p=..." of t, or ", no CI or p (why)", appended to b. */
void ab_test_text(ab_buf *b, const ab_ttest *t);
/* The value of metric m of a finished run (NaN when it has none). */
double ab_row_metric(const ab_run_row *row, ab_metric m);
/* The mean of metric m over a variant's finished runs (NaN when none). */
double ab_comparison_mean(const ab_variant *v, ab_metric m);

/* ---- report_trends.c ---- */
#define AB_MAX_POINTS 32
/* One series tested by the slope of a per-seed value against x: the trend
 * over alpha (x = alpha, the value: the metric of variant a[k]) or the
 * interaction with the size (x = log(training examples), the value: the
 * metric of prelu a[k] minus relu b[k]). */
typedef struct {
    int n;                          /* points, by x */
    double x[AB_MAX_POINTS];
    int a[AB_MAX_POINTS], b[AB_MAX_POINTS];
    ab_metric metric;               /* the claim's, or the last epoch's when a run lacks final.best */
    int sign;                       /* the side the claim predicts: +1 (alpha), -1 (size) */
    int n_seeds;                    /* seeds with a value at every point */
    ab_ttest test;                  /* one-sample t of the per-seed slopes */
    double p_holm;
    const char *outcome;
    int best, small;                /* alpha: the point of the largest mean, of alpha 0.01 (-1: none) */
    ab_comparison best_vs_small;    /* alpha: the largest mean against 0.01 (shown, not judged) */
    ab_comparison per_size[AB_MAX_POINTS]; /* size: prelu against relu at each size */
} ab_slope;
typedef struct {
    ab_slope *items;
    int n;
} ab_slopes;
/* The alpha series of r (leaky_relu variants, relu or alpha 0 as alpha 0,
 * differing only in activation keys; >= 3 alphas) on metric `declared`;
 * the size series (prelu variants differing only in data.train_limit or
 * train.epochs, each with its relu baseline; >= 2 sizes). Appended to
 * out; -1 when out of memory. */
int ab_alpha_trends(ab_slopes *out, const ab_report *r, ab_metric declared);
int ab_size_interactions(ab_slopes *out, const ab_report *r, ab_metric declared);
/* The outcome of a slope from its Holm-adjusted p, counted in t. */
void ab_slope_decide(ab_slope *s, double p_holm, ab_tally *t);
/* Its lines and JSON object in claim c. */
void ab_alpha_trend_write(const ab_slope *s, const ab_report *r, ab_claim *c);
void ab_size_interaction_write(const ab_slope *s, const ab_report *r, ab_claim *c);
void ab_slopes_free(ab_slopes *s);

/* ---- report_dying.c ---- */
/* Claim C5, dying units. -1 when out of memory. */
int ab_claim_dying(const ab_report *r, ab_claim *c);

/* ---- report_claims.c ---- */
/* Fills r->claims (C1-C5). -1 when out of memory. */
int ab_report_judge(ab_report *r);

#endif
