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
/* Holm-adjusts the p-values of the list, decides each outcome from them,
 * counts it in t, and writes each comparison as a line of claim->lines
 * and an object of claim->numbers "comparisons". -1 when out of memory. */
int ab_comparisons_finish(ab_comparisons *list, ab_claim *claim, ab_tally *t, const ab_report *r);
void ab_comparisons_free(ab_comparisons *list);
/* The comparison's outcome without Holm (the variant table's vs_baseline:
 * one comparison, so p_holm = p). */
void ab_comparison_decide(ab_comparison *c);
/* Its JSON members (test, paired, p_holm, outcome, reason) added to o. */
void ab_comparison_add_json(cJSON *o, const ab_comparison *c);
/* The test the comparison's outcome used: its statistics. */
const ab_ttest *ab_comparison_used(const ab_comparison *c);

/* ---- report_dying.c ---- */
/* Claim C5, dying units. -1 when out of memory. */
int ab_claim_dying(const ab_report *r, ab_claim *c);

/* ---- report_claims.c ---- */
/* Fills r->claims (C1-C5). -1 when out of memory. */
int ab_report_judge(ab_report *r);

#endif
