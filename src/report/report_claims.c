/* report_claims.c: the verdicts on claims C1-C4 of REFERENCE.md from
 * Welch comparisons of matched variants (C5 is in report_dying.c). Each
 * claim's summary counts its comparisons; its lines give the numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

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
        ab_str_append(&c->summary, "%s", empty);
        return;
    }
    ab_str_append(&c->summary, "%d of %d %s %s; %d %s; %d inconclusive (95%% CI spans 0)", t->supports, m, what,
                  better, t->contradicts, worse, t->inconclusive);
    if (t->na) ab_str_append(&c->summary, "; %d without a CI (n < 2 or no match)", t->na);
}

/* Appends item to the sep-separated *list unless it is there already. */
static void add_distinct(char **list, const char *item, const char *sep)
{
    size_t n = strlen(item), k = strlen(sep);
    for (const char *p = *list; p; p = strstr(p, sep) ? strstr(p, sep) + k : NULL)
        if (!strncmp(p, item, n) && (p[n] == '\0' || !strncmp(p + n, sep, k))) return;
    ab_str_append(list, "%s%s", *list ? sep : "", item);
}

static int has_activation(const ab_report *r, const char *act)
{
    for (int i = 0; i < r->n_variants; i++)
        if (!strcmp(r->v[i].activation, act)) return 1;
    return 0;
}

static void claim_c1(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    for (int i = 0; i < r->n_variants; i++)
        if (ab_is_leaky(r->v[i].activation))
            ab_claim_compare(c, &t, r, i, ab_report_find_baseline(r, i, "relu"), 0, +1, why, NULL);
    finish(c, &t, "leaky variants", "significantly better than relu", "significantly worse",
           "no leaky_relu, rrelu or prelu runs");
}

static int is_alpha(const ab_variant *v, double a)
{
    return !strcmp(v->activation, "leaky_relu") && fabs(ab_variant_num(v, "model.alpha") - a) < 1e-12;
}

/* 0.2 when present, else the largest alpha >= 0.15 of leaky_relu; NaN when none. */
static double large_alpha(const ab_report *r, char **seen)
{
    double big = NAN;
    int has_02 = 0;
    for (int i = 0; i < r->n_variants; i++) {
        const ab_variant *v = &r->v[i];
        double a = ab_variant_num(v, "model.alpha");
        if (strcmp(v->activation, "leaky_relu") || !isfinite(a)) continue;
        char text[40];
        snprintf(text, sizeof text, "%g", a);
        add_distinct(seen, text, ", ");
        has_02 |= is_alpha(v, 0.2);
        if (a >= 0.15 && !(a <= big)) big = a;
    }
    return has_02 ? 0.2 : big;
}

static void claim_c2(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    char *seen = NULL;
    double big = large_alpha(r, &seen);
    for (int i = 0; i < r->n_variants && isfinite(big); i++) {
        if (!is_alpha(&r->v[i], big)) continue;
        int small = -1;
        for (int j = 0; j < r->n_variants; j++)
            if (is_alpha(&r->v[j], 0.01) && ab_report_same(r, i, j, 0, "model.alpha")) small = j;
        ab_claim_compare(c, &t, r, i, small, 0, +1, "no leaky_relu alpha=0.01 with the same other settings", NULL);
    }
    char empty[300];
    snprintf(empty, sizeof empty, "needs leaky_relu runs with alpha = 0.01 and alpha >= 0.15; alphas present: %s",
             seen ? seen : "none");
    char what[64];
    snprintf(what, sizeof what, "leaky_relu alpha=%g variants", big);
    finish(c, &t, what, "significantly better than alpha=0.01", "significantly worse", empty);
    free(seen);
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

/* C3 and C4: the gap of act against relu and every matching leaky_relu. */
static void gap_claim(const ab_report *r, ab_claim *c, const char *act, int sign)
{
    ab_tally t = {0};
    const char *why = has_activation(r, "relu") ? "no relu variant with the same other settings" : "no relu runs";
    char note[160], *sizes = NULL;
    for (int i = 0; i < r->n_variants; i++) {
        if (strcmp(r->v[i].activation, act)) continue;
        train_size(note, sizeof note, &r->v[i]);
        add_distinct(&sizes, note, "; ");
        const char *shown = sign > 0 ? note : NULL;
        ab_claim_compare(c, &t, r, i, ab_report_find_baseline(r, i, "relu"), 1, sign, why, shown);
        for (int j = 0; j < r->n_variants; j++)
            if (!strcmp(r->v[j].activation, "leaky_relu") && ab_report_same(r, i, j, 1, NULL))
                ab_claim_compare(c, &t, r, i, j, 1, sign, NULL, shown);
    }
    char what[64], empty[64];
    snprintf(what, sizeof what, "%s comparisons", act);
    snprintf(empty, sizeof empty, "no %s runs", act);
    finish(c, &t, what, sign < 0 ? "with a significantly smaller gap" : "with a significantly larger gap",
           sign < 0 ? "significantly larger" : "significantly smaller", empty);
    if (sign > 0 && sizes) ab_str_append(&c->summary, "; training set: %s", sizes);
    free(sizes);
}

void ab_report_claims(ab_report *r)
{
    for (int k = 0; k < AB_N_CLAIMS; k++) {
        ab_claim *c = &r->claims[k];
        c->id = CLAIMS[k][0];
        c->claim = CLAIMS[k][1];
        c->numbers = cJSON_CreateObject();
        ab_str_append(&c->lines, "%s", "");
    }
    claim_c1(r, &r->claims[0]);
    claim_c2(r, &r->claims[1]);
    gap_claim(r, &r->claims[2], "rrelu", -1);
    gap_claim(r, &r->claims[3], "prelu", +1);
    ab_claim_dying(r, &r->claims[4]);
}
