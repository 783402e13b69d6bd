/* report_compare.c: one Welch comparison behind a claim verdict, as a text
 * line and a JSON object, and the rule that turns the comparisons of a
 * claim into its verdict. */
#include <math.h>
#include "../run/json_num.h"
#include "report_internal.h"

ab_verdict ab_tally_verdict(const ab_tally *t)
{
    int m = t->supports + t->contradicts + t->inconclusive;
    if (m && 2 * t->supports >= m && t->supports > t->contradicts) return AB_SUPPORTS;
    if (m && 2 * t->contradicts >= m && t->contradicts > t->supports) return AB_CONTRADICTS;
    return AB_CANNOT_TELL;
}

static const char *outcome_of(const ab_welch *w, int sign, ab_tally *t)
{
    if (!w->ok) return t->na++, "n/a";
    double lo = sign > 0 ? w->ci_low : -w->ci_high, hi = sign > 0 ? w->ci_high : -w->ci_low;
    if (lo > 0) return t->supports++, "supports";
    if (hi < 0) return t->contradicts++, "contradicts";
    return t->inconclusive++, "inconclusive";
}

void ab_claim_compare(ab_claim *c, ab_tally *t, const ab_report *r, int a, int b, int gap, int sign,
                      const char *why, const char *note)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(c->numbers, "comparisons");
    if (!list) list = cJSON_AddArrayToObject(c->numbers, "comparisons");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(list, o);
    const ab_variant *va = &r->v[a];
    cJSON_AddStringToObject(o, "variant", va->label);
    if (b < 0) {
        t->na++;
        cJSON_AddNullToObject(o, "versus");
        cJSON_AddStringToObject(o, "outcome", "n/a");
        cJSON_AddStringToObject(o, "note", why);
        ab_str_append(&c->lines, "      %s: %s: n/a\n", va->label, why);
        return;
    }
    const ab_variant *vb = &r->v[b];
    ab_sample sa = gap ? va->gap_s : va->acc_s, sb = gap ? vb->gap_s : vb->acc_s;
    ab_welch w = ab_welch_test(sa, sb, 0.95);
    const char *outcome = outcome_of(&w, sign, t);
    const char *metric = gap ? "train_test_gap" : "test_accuracy";
    cJSON_AddStringToObject(o, "versus", vb->label);
    cJSON_AddStringToObject(o, "metric", metric);
    ab_json_add_num(o, "mean", sa.mean);
    ab_json_add_num(o, "mean_versus", sb.mean);
    cJSON_AddNumberToObject(o, "n", sa.n);
    cJSON_AddNumberToObject(o, "n_versus", sb.n);
    ab_json_add_num(o, "diff", w.diff);
    ab_json_add_num(o, "ci_low", w.ci_low);
    ab_json_add_num(o, "ci_high", w.ci_high);
    ab_json_add_num(o, "df", w.df);
    ab_json_add_num(o, "p_value", w.p);
    cJSON_AddStringToObject(o, "outcome", outcome);
    if (note) cJSON_AddStringToObject(o, "note", note);
    char m1[32], m2[32], d[32], lo[32], hi[32], p[32];
    ab_fmt_num(m1, sizeof m1, sa.mean, 0);
    ab_fmt_num(m2, sizeof m2, sb.mean, 0);
    ab_fmt_num(d, sizeof d, w.diff, 1);
    ab_fmt_num(lo, sizeof lo, w.ci_low, 1);
    ab_fmt_num(hi, sizeof hi, w.ci_high, 1);
    ab_fmt_p(p, sizeof p, w.p);
    ab_str_append(&c->lines, "      %s vs %s: %s %s vs %s (n=%d, %d), diff %s, 95%% CI ", va->label, vb->label,
                  gap ? "gap" : "test acc", m1, m2, sa.n, sb.n, d);
    if (w.ok) ab_str_append(&c->lines, "[%s, %s], %s", lo, hi, p);
    else ab_str_append(&c->lines, "n/a (n < 2)");
    ab_str_append(&c->lines, ": %s\n", outcome);
}
