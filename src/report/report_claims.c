/* report_claims.c: judging the claims: the verdicts on C1-C4 of
 * docs/claims.md from comparisons of matched variants (report_compare.c:
 * paired or Welch, Holm-adjusted within each claim), C5 from
 * report_dying.c. Each claim's summary counts its comparisons; its lines
 * give the numbers. C3 and C4 compare the train-test gap at the
 * best-validation epoch when the runs have it. */
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

static int has_activation(const ab_report *r, const char *act)
{
    for (int i = 0; i < r->n_variants; i++)
        if (!strcmp(r->v[i].activation, act)) return 1;
    return 0;
}

/* The comparisons of a claim, Holm-adjusted and written; -1 when out of memory. */
static int close_list(ab_comparisons *list, int added_all, ab_claim *c, ab_tally *t, const ab_report *r)
{
    int st = added_all ? ab_comparisons_finish(list, c, t, r) : -1;
    ab_comparisons_free(list);
    return st;
}

static int claim_c1(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    ab_comparisons list = {0};
    int ok = 1;
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    for (int i = 0; i < r->n_variants && ok; i++)
        if (ab_is_leaky(r->v[i].activation))
            ok = ab_comparisons_add(&list, r, i, ab_report_find_baseline(r, i, "relu"), AB_M_ACC, +1, why, NULL) != NULL;
    if (close_list(&list, ok, c, &t, r)) return -1;
    finish(c, &t, "leaky variants", "significantly better than relu", "significantly worse",
           "no leaky_relu, rrelu or prelu runs");
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
    ab_tally t = {0};
    ab_comparisons list = {0};
    ab_buf seen = {0};
    int ok = 1;
    double big = large_alpha(r, &seen);
    for (int i = 0; i < r->n_variants && isfinite(big) && ok; i++) {
        if (!is_alpha(&r->v[i], big)) continue;
        int small = -1;
        for (int j = 0; j < r->n_variants; j++)
            if (is_alpha(&r->v[j], 0.01) && ab_report_same(r, i, j, 0, "model.alpha")) small = j;
        ok = ab_comparisons_add(&list, r, i, small, AB_M_ACC, +1,
                                "no leaky_relu alpha=0.01 with the same other settings", NULL) != NULL;
    }
    if (close_list(&list, ok, c, &t, r)) {
        ab_buf_free(&seen);
        return -1;
    }
    char empty[300], what[64];
    snprintf(empty, sizeof empty, "needs leaky_relu runs with alpha = 0.01 and alpha >= 0.15; alphas present: %s",
             seen.len ? ab_buf_str(&seen) : "none");
    snprintf(what, sizeof what, "leaky_relu alpha=%g variants", big);
    finish(c, &t, what, "significantly better than alpha=0.01", "significantly worse", empty);
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

/* The gap two variants are compared on: at the best-validation epoch when
 * every finished run of both has final.best, else at the last epoch. */
static ab_metric gap_metric(const ab_report *r, int a, int b)
{
    const ab_variant *va = &r->v[a], *vb = b >= 0 ? &r->v[b] : va;
    int best = va->n_best == va->n_ok && vb->n_best == vb->n_ok && va->n_best + vb->n_best > 0;
    return best ? AB_M_GAP_BEST : AB_M_GAP_LAST;
}

/* C3 and C4: the gap of act against relu and every matching leaky_relu. */
static int gap_claim(const ab_report *r, ab_claim *c, const char *act, int sign)
{
    ab_tally t = {0};
    ab_comparisons list = {0};
    ab_buf sizes = {0};
    int ok = 1, n_best = 0, n_last = 0;
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    char(*notes)[160] = calloc((size_t)r->n_variants + 1, sizeof *notes);
    if (!notes) return -1;
    for (int i = 0; i < r->n_variants && ok; i++) {
        if (strcmp(r->v[i].activation, act)) continue;
        train_size(notes[i], sizeof notes[i], &r->v[i]);
        ab_buf_add_distinct(&sizes, notes[i], "; ");
        const char *shown = sign > 0 ? notes[i] : NULL;
        int base = ab_report_find_baseline(r, i, "relu");
        ab_comparison *k = ab_comparisons_add(&list, r, i, base, gap_metric(r, i, base), sign, why, shown);
        ok = k != NULL;
        if (k && base >= 0) n_best += k->metric == AB_M_GAP_BEST, n_last += k->metric == AB_M_GAP_LAST;
        for (int j = 0; j < r->n_variants && ok; j++) {
            if (strcmp(r->v[j].activation, "leaky_relu") || !ab_report_same(r, i, j, 1, NULL)) continue;
            k = ab_comparisons_add(&list, r, i, j, gap_metric(r, i, j), sign, NULL, shown);
            ok = k != NULL;
            if (k) n_best += k->metric == AB_M_GAP_BEST, n_last += k->metric == AB_M_GAP_LAST;
        }
    }
    int st = close_list(&list, ok, c, &t, r);
    free(notes);
    if (st) {
        ab_buf_free(&sizes);
        return -1;
    }
    char what[64], empty[64];
    snprintf(what, sizeof what, "%s comparisons", act);
    snprintf(empty, sizeof empty, "no %s runs", act);
    finish(c, &t, what, sign < 0 ? "with a significantly smaller gap" : "with a significantly larger gap",
           sign < 0 ? "significantly larger" : "significantly smaller", empty);
    if (n_best && !n_last) ab_buf_add(&c->summary, "; gap at the best-validation epoch (final.best)");
    else if (n_last && !n_best)
        ab_buf_add(&c->summary, "; gap at the last epoch (%s)",
                   r->any_best       ? "final.best missing in some runs"
                   : has_validation(r) ? "these run files have no final.best"
                                       : "no validation data, so no best epoch");
    else if (n_best)
        ab_buf_add(&c->summary, "; gap at the best-validation epoch in %d comparisons, at the last epoch in %d "
                   "(final.best missing in some runs)", n_best, n_last);
    if (sign > 0 && sizes.len) ab_buf_add(&c->summary, "; training set: %s", ab_buf_str(&sizes));
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
    if (claim_c1(r, &r->claims[0]) || claim_c2(r, &r->claims[1]) || gap_claim(r, &r->claims[2], "rrelu", -1) ||
        gap_claim(r, &r->claims[3], "prelu", +1) || ab_claim_dying(r, &r->claims[4]))
        return -1;
    for (int k = 0; k < AB_N_CLAIMS; k++)
        if (r->claims[k].summary.oom || r->claims[k].lines.oom) return -1;
    return 0;
}
