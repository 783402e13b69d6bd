/* report_claims.c: judging the claims: the verdicts on C1-C4 of
 * REFERENCE.md from comparisons of matched variants (report_compare.c:
 * paired or Welch) and, for C2 and C4, the slopes over seeds
 * (report_trends.c: the trend over alpha, the interaction with the
 * training-set size), Holm-adjusted together within each claim; C5 from
 * report_dying.c. Each claim uses the metric its run files declare
 * (analysis.c1_metric ...; the last epoch when a run lacks final.best) and
 * shows the other epoch's beside it. Each claim's summary counts its
 * comparisons; its lines give the numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_fmt.h"
#include "report_internal.h"
#include "report_match.h"

static const char *const CLAIMS[AB_N_CLAIMS][2] = {
    {"C1", "leaky variants (leaky_relu, rrelu, prelu) beat relu on test accuracy"},
    {"C2", "a large leak (alpha = 0.2) beats a small one (alpha = 0.01) for leaky_relu"},
    {"C3", "rrelu has a smaller train-test gap than relu and leaky_relu"},
    {"C4", "prelu has a larger train-test gap than relu and leaky_relu (overfits small data)"},
    {"C5", "with a large learning rate many relu units die, leaky units do not"},
};

/* The summary of a claim from its tally: "3 of 4 leaky variants
 * significantly better than relu; 0 significantly worse; 1 inconclusive";
 * empty says why nothing was compared. */
static void finish(ab_claim *c, const ab_tally *t, const char *what, const char *better, const char *worse,
                   const char *empty)
{
    int m = t->supports + t->contradicts + t->inconclusive;
    c->verdict = ab_tally_verdict(t);
    if (m + t->na == 0) {
        ab_buf_add(&c->summary, "%s", empty);
        return;
    }
    ab_buf_add(&c->summary, "%d of %d %s %s; %d %s; %d inconclusive (Holm p >= 0.05, or no test)", t->supports, m,
               what, better, t->contradicts, worse, t->inconclusive);
    if (t->na) ab_buf_add(&c->summary, "; %d without a partner", t->na);
}

static int has_validation(const ab_report *r);

static int has_activation(const ab_report *r, const char *act)
{
    for (int i = 0; i < r->n_variants; i++)
        if (ab_variant_is(&r->v[i], act)) return 1;
    return 0;
}

/* The comparisons of a claim, Holm-adjusted and written; -1 when out of memory. */
static int close_list(ab_comparisons *list, int added_all, ab_claim *c, ab_tally *t, const ab_report *r)
{
    int st = added_all ? ab_comparisons_finish(list, NULL, NULL, 0, c, t, r) : -1;
    ab_comparisons_free(list);
    return st;
}

/* The comparisons and the slopes of a claim, Holm-adjusted together; the
 * comparisons counted in t, the slopes in ts; -1 when out of memory. */
static int close_with_slopes(ab_comparisons *list, int added_all, ab_slopes *sl, ab_claim *c, ab_tally *t,
                             ab_tally *ts, const ab_report *r)
{
    double *p = calloc((size_t)sl->n + 1, sizeof *p), *adj = calloc((size_t)sl->n + 1, sizeof *adj);
    int st = added_all && p && adj ? 0 : -1;
    for (int k = 0; k < sl->n && !st; k++) p[k] = sl->items[k].test.ok ? sl->items[k].test.p : NAN;
    if (!st) st = ab_comparisons_finish(list, p, adj, sl->n, c, t, r);
    for (int k = 0; k < sl->n && !st; k++) ab_slope_decide(&sl->items[k], adj[k], ts);
    ab_comparisons_free(list);
    free(p);
    free(adj);
    return st;
}

/* "; trend over alpha (per-seed slopes, 1 series): 0 positive, 1 negative, 0 inconclusive" */
static void slopes_note(ab_claim *c, const char *what, const ab_tally *ts, const char *sup, const char *con)
{
    int n = ts->supports + ts->contradicts + ts->inconclusive;
    if (n) ab_buf_add(&c->summary, "; %s (per-seed slopes, %d series): %d %s, %d %s, %d inconclusive", what, n,
                      ts->supports, sup, ts->contradicts, con, ts->inconclusive);
}

/* The verdict from the comparisons and the slopes together. */
static void verdict_of_both(ab_claim *c, const ab_tally *t, const ab_tally *ts)
{
    ab_tally all = {t->supports + ts->supports, t->contradicts + ts->contradicts,
                    t->inconclusive + ts->inconclusive, t->na};
    c->verdict = ab_tally_verdict(&all);
}

/* The metric two variants are compared on for a claim that declares
 * `declared`: itself, or for a best-validation-epoch metric the last-epoch
 * one when some finished run of either variant has no final.best. */
static ab_metric claim_metric(const ab_report *r, int a, int b, ab_metric declared)
{
    if (!ab_metric_is_best(declared)) return declared;
    const ab_variant *va = &r->v[a], *vb = b >= 0 ? &r->v[b] : va;
    int best = va->n_best == va->n_ok && vb->n_best == vb->n_ok && va->n_best + vb->n_best > 0;
    return best ? declared : declared == AB_M_GAP_BEST ? AB_M_GAP_LAST : AB_M_ACC;
}

/* How many comparisons of a list used the declared metric and how many
 * fell back to the last epoch. */
typedef struct {
    int declared, fallback;
} metric_use;

static void count_use(metric_use *u, const ab_comparison *k, ab_metric declared)
{
    if (!k || k->b < 0) return;
    if (k->metric == declared) u->declared++;
    else u->fallback++;
}

/* The claim summary's note of the metric its verdict rests on. */
static void metric_note(ab_claim *c, const ab_report *r, ab_metric declared, const char *key, const metric_use *u)
{
    const char *name = ab_metric_is_best(declared) ? "best_epoch" : "last_epoch";
    ab_buf_add(&c->summary, "; verdict on %s (analysis.%s: %s), the other epoch shown", ab_metric_text(declared),
               key, name);
    if (!u->fallback) return;
    ab_buf_add(&c->summary, "; on the last epoch in %d of %d comparisons (%s)", u->fallback,
               u->declared + u->fallback, r->any_best ? "final.best missing in some runs"
                                         : has_validation(r) ? "these run files have no final.best"
                                                             : "no validation data, so no best epoch");
}

static int claim_c1(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    ab_comparisons list = {0};
    int ok = 1;
    metric_use use = {0};
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    for (int i = 0; i < r->n_variants && ok; i++)
        if (ab_variant_leaky(&r->v[i])) {
            int base = ab_report_find_baseline(r, i, "relu");
            ab_comparison *k = ab_comparisons_add(&list, r, i, base, claim_metric(r, i, base, r->declared[0]), +1,
                                                  why, NULL);
            ok = k != NULL;
            count_use(&use, k, r->declared[0]);
        }
    if (close_list(&list, ok, c, &t, r)) return -1;
    finish(c, &t, "leaky variants", "significantly better than relu", "significantly worse",
           "no leaky_relu, rrelu or prelu runs");
    if (use.declared + use.fallback) metric_note(c, r, r->declared[0], "c1_metric", &use);
    return 0;
}

static int is_alpha(const ab_variant *v, double a)
{
    return !strcmp(v->activation, "leaky_relu") && fabs(ab_variant_num(v, "model.alpha") - a) < 1e-12;
}

/* 0.2 when present, else the largest alpha >= 0.15 of leaky_relu; NaN when none. */
static double large_alpha(const ab_report *r, ab_buf *seen)
{
    double big = NAN;
    int has_02 = 0;
    for (int i = 0; i < r->n_variants; i++) {
        const ab_variant *v = &r->v[i];
        double a = ab_variant_num(v, "model.alpha");
        if (strcmp(v->activation, "leaky_relu") || !isfinite(a)) continue;
        char text[40];
        snprintf(text, sizeof text, "%g", a);
        ab_buf_add_distinct(seen, text, ", ");
        has_02 |= is_alpha(v, 0.2);
        if (a >= 0.15 && !(a <= big)) big = a;
    }
    return has_02 ? 0.2 : big;
}

static int claim_c2(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0}, ts = {0};
    ab_comparisons list = {0};
    ab_slopes trends = {0};
    ab_buf seen = {0};
    metric_use use = {0};
    int ok = 1;
    double big = large_alpha(r, &seen);
    for (int i = 0; i < r->n_variants && isfinite(big) && ok; i++) {
        if (!is_alpha(&r->v[i], big)) continue;
        int small = -1;
        for (int j = 0; j < r->n_variants; j++)
            if (is_alpha(&r->v[j], 0.01) && ab_report_same(r, i, j, 0, "model.alpha")) small = j;
        ab_comparison *k = ab_comparisons_add(&list, r, i, small, claim_metric(r, i, small, r->declared[1]), +1,
                                              "no leaky_relu alpha=0.01 with the same other settings", NULL);
        ok = k != NULL;
        count_use(&use, k, r->declared[1]);
    }
    if (ab_alpha_trends(&trends, r, r->declared[1]) || close_with_slopes(&list, ok, &trends, c, &t, &ts, r)) {
        ab_slopes_free(&trends);
        ab_buf_free(&seen);
        return -1;
    }
    for (int k = 0; k < trends.n; k++) ab_alpha_trend_write(&trends.items[k], r, c);
    char empty[300], what[64];
    snprintf(empty, sizeof empty, "needs leaky_relu runs with alpha = 0.01 and alpha >= 0.15; alphas present: %s",
             seen.len ? ab_buf_str(&seen) : "none");
    snprintf(what, sizeof what, "leaky_relu alpha=%g variants", big);
    finish(c, &t, what, "significantly better than alpha=0.01", "significantly worse", empty);
    if (use.declared + use.fallback) metric_note(c, r, r->declared[1], "c2_metric", &use);
    slopes_note(c, "trend over alpha", &ts, "rising", "falling");
    verdict_of_both(c, &t, &ts);
    ab_slopes_free(&trends);
    ab_buf_free(&seen);
    return 0;
}

/* "train_limit=0 (all of n_train=1000), validation=200" */
static void train_size(char *buf, size_t size, const ab_variant *v)
{
    double lim = ab_variant_num(v, "data.train_limit"), n = ab_variant_num(v, "data.n_train");
    double val = ab_variant_num(v, "data.validation");
    int k = lim > 0 ? snprintf(buf, size, "train_limit=%g", lim)
            : isfinite(n) ? snprintf(buf, size, "train_limit=0 (all of n_train=%g)", n)
                          : snprintf(buf, size, "train_limit=0 (all)");
    if (val > 0 && k > 0 && (size_t)k < size) snprintf(buf + k, size - (size_t)k, ", validation=%g", val);
}

static int has_validation(const ab_report *r)
{
    for (int i = 0; i < r->n_variants; i++)
        if (ab_variant_num(&r->v[i], "data.validation") > 0) return 1;
    return 0;
}


/* C3 and C4: the gap of act against relu and every matching leaky_relu,
 * on the claim's declared gap (k: 2 for C3, 3 for C4). */
static int gap_claim(const ab_report *r, ab_claim *c, const char *act, int sign, int k_claim)
{
    ab_tally t = {0}, ts = {0};
    ab_comparisons list = {0};
    ab_slopes sizes_sl = {0};
    ab_buf sizes = {0};
    metric_use use = {0};
    ab_metric declared = r->declared[k_claim];
    int ok = 1;
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    char(*notes)[160] = calloc((size_t)r->n_variants + 1, sizeof *notes);
    if (!notes) return -1;
    for (int i = 0; i < r->n_variants && ok; i++) {
        if (strcmp(r->v[i].activation, act)) continue;
        train_size(notes[i], sizeof notes[i], &r->v[i]);
        ab_buf_add_distinct(&sizes, notes[i], "; ");
        const char *shown = sign > 0 ? notes[i] : NULL;
        int base = ab_report_find_baseline(r, i, "relu");
        ab_comparison *k = ab_comparisons_add(&list, r, i, base, claim_metric(r, i, base, declared), sign, why, shown);
        ok = k != NULL;
        count_use(&use, k, declared);
        for (int j = 0; j < r->n_variants && ok; j++) {
            if (strcmp(r->v[j].activation, "leaky_relu") || !ab_variant_leaky(&r->v[j]) ||
                !ab_report_same(r, i, j, 1, NULL))
                continue;
            k = ab_comparisons_add(&list, r, i, j, claim_metric(r, i, j, declared), sign, NULL, shown);
            ok = k != NULL;
            count_use(&use, k, declared);
        }
    }
    int st = k_claim == 3 ? ab_size_interactions(&sizes_sl, r, declared) : 0;
    st = st ? -1 : close_with_slopes(&list, ok, &sizes_sl, c, &t, &ts, r);
    free(notes);
    if (st) {
        ab_slopes_free(&sizes_sl);
        ab_buf_free(&sizes);
        return -1;
    }
    for (int k = 0; k < sizes_sl.n; k++) ab_size_interaction_write(&sizes_sl.items[k], r, c);
    char what[64], empty[64];
    snprintf(what, sizeof what, "%s comparisons", act);
    snprintf(empty, sizeof empty, "no %s runs", act);
    finish(c, &t, what, sign < 0 ? "with a significantly smaller gap" : "with a significantly larger gap",
           sign < 0 ? "significantly larger" : "significantly smaller", empty);
    if (use.declared + use.fallback) metric_note(c, r, declared, k_claim == 2 ? "c3_metric" : "c4_metric", &use);
    if (sign > 0 && sizes.len) ab_buf_add(&c->summary, "; training set: %s", ab_buf_str(&sizes));
    slopes_note(c, "interaction with the training-set size", &ts, "growing as the data shrink", "shrinking");
    verdict_of_both(c, &t, &ts);
    ab_slopes_free(&sizes_sl);
    ab_buf_free(&sizes);
    return 0;
}

int ab_report_judge(ab_report *r)
{
    for (int k = 0; k < AB_N_CLAIMS; k++) {
        ab_claim *c = &r->claims[k];
        c->id = CLAIMS[k][0];
        c->claim = CLAIMS[k][1];
        if (!(c->numbers = cJSON_CreateObject())) return -1;
    }
    if (claim_c1(r, &r->claims[0]) || claim_c2(r, &r->claims[1]) || gap_claim(r, &r->claims[2], "rrelu", -1, 2) ||
        gap_claim(r, &r->claims[3], "prelu", +1, 3) || ab_claim_dying(r, &r->claims[4]))
        return -1;
    for (int k = 0; k < AB_N_CLAIMS; k++)
        if (r->claims[k].summary.oom || r->claims[k].lines.oom) return -1;
    return 0;
}
