/* report_compare.c: one comparison of two variants behind a claim verdict
 * (or in the variant table): Welch's test always, the paired test over the
 * seeds both variants finished when there are at least AB_MIN_PAIRS, the
 * training-accuracy difference beside a gap; the claim's p-values
 * Holm-adjusted; each comparison's outcome; its text line and JSON object;
 * and the rule that turns a claim's outcomes into its verdict. Calls
 * stats and report_fmt only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../run/json_num.h"
#include "report_fmt.h"
#include "report_internal.h"

#define AB_ALPHA 0.05

ab_verdict ab_tally_verdict(const ab_tally *t)
{
    int m = t->supports + t->contradicts + t->inconclusive;
    if (m && 2 * t->supports >= m && t->supports > t->contradicts) return AB_SUPPORTS;
    if (m && 2 * t->contradicts >= m && t->contradicts > t->supports) return AB_CONTRADICTS;
    return AB_CANNOT_TELL;
}

static double metric_of(const ab_run_row *row, ab_metric m)
{
    switch (m) {
    case AB_M_ACC: return row->acc;
    case AB_M_ACC_BEST: return row->acc_best;
    case AB_M_GAP_LAST: return row->gap;
    case AB_M_GAP_BEST: return row->gap_best;
    }
    return NAN;
}

double ab_row_metric(const ab_run_row *row, ab_metric m)
{
    return metric_of(row, m);
}

int ab_metric_is_gap(ab_metric m)
{
    return m == AB_M_GAP_LAST || m == AB_M_GAP_BEST;
}

int ab_metric_is_best(ab_metric m)
{
    return m == AB_M_ACC_BEST || m == AB_M_GAP_BEST;
}

/* The same quantity at the other epoch. */
static ab_metric other_epoch(ab_metric m)
{
    switch (m) {
    case AB_M_ACC: return AB_M_ACC_BEST;
    case AB_M_ACC_BEST: return AB_M_ACC;
    case AB_M_GAP_LAST: return AB_M_GAP_BEST;
    case AB_M_GAP_BEST: return AB_M_GAP_LAST;
    }
    return m;
}

static double train_of(const ab_run_row *row, ab_metric m)
{
    return m == AB_M_GAP_BEST ? row->train_best : row->train;
}

/* The value of run row for metric m (train: the training accuracy at its epoch). */
static double value_of(const ab_run_row *row, ab_metric m, int train)
{
    return train ? train_of(row, m) : metric_of(row, m);
}

/* The index in v of the first finished run with seed s and a finite value. */
static int row_of_seed(const ab_variant *v, double s, ab_metric m)
{
    for (int i = 0; i < v->n_ok; i++)
        if (v->rows[i].seed == s && isfinite(metric_of(&v->rows[i], m))) return i;
    return -1;
}

/* The k-th value of a sample: of variant a alone (b NULL), or the k-th
 * per-seed difference a - b over the seeds both have (each seed once);
 * 0 when there is no k-th value. Two passes over these values give a
 * sample without storing it. */
typedef struct {
    const ab_variant *a, *b;
    ab_metric m;
    int train;
} sample_spec;

static int nth_value(const sample_spec *s, int i, double *x)
{
    const ab_run_row *ra = &s->a->rows[i];
    if (!s->b) {
        *x = value_of(ra, s->m, s->train);
        return isfinite(*x);
    }
    int j = row_of_seed(s->b, ra->seed, s->m);
    if (!isfinite(ra->seed) || !isfinite(metric_of(ra, s->m)) || row_of_seed(s->a, ra->seed, s->m) != i || j < 0)
        return 0;
    *x = value_of(ra, s->m, s->train) - value_of(&s->b->rows[j], s->m, s->train);
    return isfinite(*x);
}

/* mean, sd (n - 1) and n of the values of s, as ab_sample_of */
static ab_sample sample_of(sample_spec s)
{
    ab_sample out = {NAN, NAN, 0};
    double sum = 0.0, ss = 0.0, x;
    for (int i = 0; i < s.a->n_ok; i++)
        if (nth_value(&s, i, &x)) sum += x, out.n++;
    if (!out.n) return out;
    out.mean = sum / out.n;
    for (int i = 0; i < s.a->n_ok; i++)
        if (nth_value(&s, i, &x)) ss += (x - out.mean) * (x - out.mean);
    if (out.n > 1) out.sd = sqrt(ss / (out.n - 1));
    return out;
}

static ab_sample one(const ab_variant *v, ab_metric m, int train)
{
    return sample_of((sample_spec){v, NULL, m, train});
}

double ab_comparison_mean(const ab_variant *v, ab_metric m)
{
    return one(v, m, 0).mean;
}

/* The paired test of a - b on metric m over the seeds both have; *n_pairs is their number. */
static ab_ttest paired(const ab_variant *a, const ab_variant *b, ab_metric m, int train, int *n_pairs)
{
    ab_sample d = sample_of((sample_spec){a, b, m, train});
    *n_pairs = d.n;
    return ab_paired_test_of(d, 0.95);
}

void ab_compare(ab_comparison *c, const ab_report *r)
{
    c->welch = c->paired = c->other = (ab_ttest){0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NULL};
    c->sa = c->sb = (ab_sample){NAN, NAN, 0};
    c->n_pairs = c->use_paired = 0;
    c->train_diff = c->p_holm = NAN;
    c->outcome = c->reason = NULL;
    c->other_metric = other_epoch(c->metric);
    c->other_pairs = -1;
    if (c->b < 0) return;
    const ab_variant *a = &r->v[c->a], *b = &r->v[c->b];
    c->sa = one(a, c->metric, 0);
    c->sb = one(b, c->metric, 0);
    c->welch = ab_welch_test(c->sa, c->sb, 0.95);
    c->paired = paired(a, b, c->metric, 0, &c->n_pairs);
    c->use_paired = c->n_pairs >= AB_MIN_PAIRS;
    int n;
    c->other = paired(a, b, c->other_metric, 0, &n);
    if (n >= AB_MIN_PAIRS) c->other_pairs = n;
    else c->other = ab_welch_test(one(a, c->other_metric, 0), one(b, c->other_metric, 0), 0.95);
    if (!ab_metric_is_gap(c->metric)) return;
    if (c->use_paired) c->train_diff = paired(a, b, c->metric, 1, &n).diff;
    else c->train_diff = one(a, c->metric, 1).mean - one(b, c->metric, 1).mean;
}

const ab_ttest *ab_comparison_used(const ab_comparison *c)
{
    return c->use_paired ? &c->paired : &c->welch;
}

void ab_comparison_decide(ab_comparison *c)
{
    const ab_ttest *t = ab_comparison_used(c);
    if (c->b < 0) {
        c->outcome = "n/a", c->reason = c->why;
    } else if (!t->ok) {
        c->outcome = "inconclusive", c->reason = t->why;
    } else if (!(c->p_holm < AB_ALPHA)) {
        c->outcome = "inconclusive", c->reason = "not significant (Holm p >= 0.05)";
    } else {
        c->outcome = t->diff * c->sign > 0 ? "supports" : "contradicts", c->reason = NULL;
    }
}

ab_comparison *ab_comparisons_add(ab_comparisons *list, const ab_report *r, int a, int b, ab_metric metric, int sign,
                                  const char *why, const char *note)
{
    if (list->n == list->cap) {
        int cap = list->cap ? 2 * list->cap : 16;
        ab_comparison *nc = realloc(list->c, (size_t)cap * sizeof *nc);
        if (!nc) return NULL;
        list->c = nc, list->cap = cap;
    }
    ab_comparison *c = &list->c[list->n++];
    memset(c, 0, sizeof *c);
    c->a = a, c->b = b, c->metric = metric, c->sign = sign, c->why = why, c->note = note;
    ab_compare(c, r);
    return c;
}

void ab_comparisons_free(ab_comparisons *list)
{
    free(list->c);
    *list = (ab_comparisons){NULL, 0, 0};
}

const char *ab_metric_name(ab_metric m)
{
    switch (m) {
    case AB_M_ACC: return "test_accuracy";
    case AB_M_ACC_BEST: return "test_accuracy_best_epoch";
    case AB_M_GAP_LAST: return "train_test_gap";
    case AB_M_GAP_BEST: return "train_test_gap_best_epoch";
    }
    return "?";
}

const char *ab_metric_text(ab_metric m)
{
    switch (m) {
    case AB_M_ACC: return "test acc (last epoch)";
    case AB_M_ACC_BEST: return "test acc (best-val epoch)";
    case AB_M_GAP_LAST: return "gap (last epoch)";
    case AB_M_GAP_BEST: return "gap (best-val epoch)";
    }
    return "?";
}

static cJSON *test_json(const ab_ttest *t, int n_pairs)
{
    cJSON *o = cJSON_CreateObject();
    if (n_pairs >= 0) cJSON_AddNumberToObject(o, "n_pairs", n_pairs);
    ab_json_add_num(o, "diff", t->diff);
    ab_json_add_num(o, "ci_low", t->ci_low);
    ab_json_add_num(o, "ci_high", t->ci_high);
    ab_json_add_num(o, "p_value", t->p);
    return o;
}

void ab_comparison_add_json(cJSON *o, const ab_comparison *c)
{
    if (c->use_paired) cJSON_AddItemToObject(o, "paired", test_json(&c->paired, c->n_pairs));
    else cJSON_AddNullToObject(o, "paired");
    if (c->b >= 0) cJSON_AddStringToObject(o, "test", c->use_paired ? "paired" : "welch");
    else cJSON_AddNullToObject(o, "test");
    ab_json_add_num(o, "p_holm", c->p_holm);
    cJSON_AddStringToObject(o, "outcome", c->outcome ? c->outcome : "n/a");
    if (c->reason) cJSON_AddStringToObject(o, "reason", c->reason);
    else cJSON_AddNullToObject(o, "reason");
}

static void comparison_json(cJSON *list, const ab_comparison *c, const ab_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!cJSON_AddItemToArray(list, o)) {
        cJSON_Delete(o);
        return;
    }
    const ab_variant *va = &r->v[c->a], *vb = c->b >= 0 ? &r->v[c->b] : NULL;
    cJSON_AddStringToObject(o, "variant", ab_buf_str(&va->label));
    if (!vb) {
        cJSON_AddNullToObject(o, "versus");
        ab_comparison_add_json(o, c);
        return;
    }
    cJSON_AddStringToObject(o, "versus", ab_buf_str(&vb->label));
    cJSON_AddStringToObject(o, "metric", ab_metric_name(c->metric));
    ab_json_add_num(o, "mean", c->sa.mean);
    ab_json_add_num(o, "mean_versus", c->sb.mean);
    cJSON_AddNumberToObject(o, "n", c->sa.n);
    cJSON_AddNumberToObject(o, "n_versus", c->sb.n);
    cJSON_AddNumberToObject(o, "n_diverged", va->n_diverged);
    cJSON_AddNumberToObject(o, "n_diverged_versus", vb->n_diverged);
    ab_json_add_num(o, "diff", c->welch.diff);
    ab_json_add_num(o, "ci_low", c->welch.ci_low);
    ab_json_add_num(o, "ci_high", c->welch.ci_high);
    ab_json_add_num(o, "df", c->welch.df);
    ab_json_add_num(o, "p_value", c->welch.p);
    ab_comparison_add_json(o, c);
    if (ab_metric_is_gap(c->metric)) ab_json_add_num(o, "train_accuracy_diff", c->train_diff);
    cJSON *other = test_json(&c->other, c->other_pairs);
    cJSON_AddStringToObject(other, "metric", ab_metric_name(c->other_metric));
    cJSON_AddStringToObject(other, "test", c->other_pairs >= 0 ? "paired" : "welch");
    cJSON_AddItemToObject(o, "secondary", other);
    if (c->note) cJSON_AddStringToObject(o, "note", c->note);
}

/* "10" or "8 of 10 finished" */
static void n_text(char *buf, size_t size, const ab_variant *v, int n)
{
    if (n == v->n) snprintf(buf, size, "%d", n);
    else snprintf(buf, size, "%d of %d finished", n, v->n);
}

void ab_test_text(ab_buf *b, const ab_ttest *t)
{
    char lo[32], hi[32], p[32];
    if (!t->ok) {
        ab_buf_add(b, ", no CI or p (%s)", t->why);
        return;
    }
    ab_fmt_num(lo, sizeof lo, t->ci_low, 1);
    ab_fmt_num(hi, sizeof hi, t->ci_high, 1);
    ab_fmt_p(p, sizeof p, "p", t->p);
    ab_buf_add(b, ", 95%% CI [%s, %s], %s", lo, hi, p);
}

static void comparison_line(ab_buf *b, const ab_comparison *c, const ab_report *r)
{
    const ab_variant *va = &r->v[c->a];
    if (c->b < 0) {
        ab_buf_add(b, "      %s: %s: n/a\n", ab_buf_str(&va->label), c->why);
        return;
    }
    const ab_variant *vb = &r->v[c->b];
    const ab_ttest *t = ab_comparison_used(c);
    char m1[32], m2[32], n1[48], n2[48], d[32], hp[32];
    ab_fmt_num(m1, sizeof m1, c->sa.mean, 0);
    ab_fmt_num(m2, sizeof m2, c->sb.mean, 0);
    n_text(n1, sizeof n1, va, c->sa.n);
    n_text(n2, sizeof n2, vb, c->sb.n);
    ab_fmt_num(d, sizeof d, t->diff, 1);
    ab_buf_add(b, "      %s vs %s: %s %s vs %s (n=%s vs %s); ", ab_buf_str(&va->label), ab_buf_str(&vb->label),
               ab_metric_text(c->metric), m1, m2, n1, n2);
    if (c->use_paired) ab_buf_add(b, "paired over %d seeds: diff %s", c->n_pairs, d);
    else ab_buf_add(b, "Welch (%d shared seeds): diff %s", c->n_pairs, d);
    ab_test_text(b, t);
    if (t->ok) {
        ab_fmt_p(hp, sizeof hp, "Holm p", c->p_holm);
        ab_buf_add(b, ", %s", hp);
    }
    if (ab_metric_is_gap(c->metric)) {
        ab_fmt_num(d, sizeof d, c->train_diff, 1);
        ab_buf_add(b, "; train acc diff %s", d);
    }
    if (isfinite(c->other.diff)) {
        ab_fmt_num(d, sizeof d, c->other.diff, 1);
        ab_fmt_p(hp, sizeof hp, "p", c->other.p);
        ab_buf_add(b, "; at the %s epoch (not judged): diff %s, %s", ab_metric_is_best(c->other_metric) ? "best-val" : "last",
                   d, hp);
    }
    ab_buf_add(b, ": %s\n", c->outcome);
}

int ab_comparisons_finish(ab_comparisons *list, const double *extra_p, double *extra_adj, int n_extra,
                          ab_claim *claim, ab_tally *t, const ab_report *r)
{
    size_t n_all = (size_t)list->n + (size_t)n_extra + 1;
    double *p = malloc(n_all * sizeof *p), *adj = malloc(n_all * sizeof *adj);
    cJSON *json = cJSON_GetObjectItemCaseSensitive(claim->numbers, "comparisons");
    if (!json) json = cJSON_AddArrayToObject(claim->numbers, "comparisons");
    if (!p || !adj || !json) {
        free(p);
        free(adj);
        return -1;
    }
    for (int i = 0; i < list->n; i++) {
        const ab_ttest *u = ab_comparison_used(&list->c[i]);
        p[i] = list->c[i].b >= 0 && u->ok ? u->p : NAN;
    }
    for (int i = 0; i < n_extra; i++) p[list->n + i] = extra_p[i];
    ab_holm(adj, p, list->n + n_extra);
    for (int i = 0; i < n_extra; i++) extra_adj[i] = adj[list->n + i];
    for (int i = 0; i < list->n; i++) {
        ab_comparison *c = &list->c[i];
        c->p_holm = adj[i];
        ab_comparison_decide(c);
        if (!strcmp(c->outcome, "supports")) t->supports++;
        else if (!strcmp(c->outcome, "contradicts")) t->contradicts++;
        else if (!strcmp(c->outcome, "inconclusive")) t->inconclusive++;
        else t->na++;
        comparison_line(&claim->lines, c, r);
        comparison_json(json, c, r);
    }
    free(p);
    free(adj);
    return claim->lines.oom ? -1 : 0;
}
