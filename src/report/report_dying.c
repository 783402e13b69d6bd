/* report_dying.c: claim C5, dying ReLUs. A series is the relu variants
 * that differ only in the learning rate; with two rates or more it
 * supports the claim when the relu dead fraction (the largest layer mean)
 * rises with the rate and, at the top rate, exceeds AB_DEAD_MIN and
 * AB_DEAD_RATIO times that of every leaky variant of the same settings.
 * The top rate is the largest at which relu and a leaky variant both have
 * finished runs; leaky runs that diverged above it are counted and shown.
 * The revivals of layers >= 2 are counted as evidence for the claim's
 * second part (they do not change the verdict). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../run/json_num.h"
#include "report_internal.h"

#define AB_DEAD_MIN 0.1
#define AB_DEAD_RATIO 2.0
#define LR "train.learning_rate"

/* 1 when a leaky variant with the same settings as variant j (learning
 * rate included) has finished runs. */
static int has_finished_leaky(const ab_report *r, int j)
{
    for (int k = 0; k < r->n_variants; k++)
        if (ab_is_leaky(r->v[k].activation) && r->v[k].n_ok && ab_report_same(r, j, k, 1, NULL)) return 1;
    return 0;
}

/* The variants of the series of relu variant i (marked in done); the
 * lowest rate with finished relu runs, and the top rate: the largest with
 * finished relu runs and a finished leaky variant (else the largest). */
static int series_of(const ab_report *r, int i, int *done, int *members, int *low, int *top)
{
    int n = 0, top_any = -1;
    *low = *top = -1;
    for (int j = 0; j < r->n_variants; j++) {
        const ab_variant *v = &r->v[j];
        if (done[j] || strcmp(v->activation, "relu") || !ab_report_same(r, i, j, 1, LR)) continue;
        done[j] = 1;
        members[n++] = j;
        double lr = ab_variant_num(v, LR);
        if (!v->n_ok || !isfinite(lr)) continue;
        if (*low < 0 || lr < ab_variant_num(&r->v[*low], LR)) *low = j;
        if (top_any < 0 || lr > ab_variant_num(&r->v[top_any], LR)) top_any = j;
        if (has_finished_leaky(r, j) && (*top < 0 || lr > ab_variant_num(&r->v[*top], LR))) *top = j;
    }
    if (*top < 0) *top = top_any;
    return n;
}

/* Diverged and all runs of the leaky variants matching relu variants of
 * the series above the top rate. */
static void diverged_above(const ab_report *r, const int *members, int n, int top, int *div, int *all)
{
    *div = *all = 0;
    double lr_top = ab_variant_num(&r->v[top], LR);
    for (int m = 0; m < n; m++) {
        if (!(ab_variant_num(&r->v[members[m]], LR) > lr_top)) continue;
        for (int k = 0; k < r->n_variants; k++) {
            const ab_variant *v = &r->v[k];
            if (!ab_is_leaky(v->activation) || !ab_report_same(r, members[m], k, 1, NULL)) continue;
            *div += v->n_diverged;
            *all += v->n;
        }
    }
}

static cJSON *variant_dead_json(const ab_variant *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", v->label);
    ab_json_add_num(o, "learning_rate", ab_variant_num(v, LR));
    cJSON_AddNumberToObject(o, "n_finished", v->n_ok);
    cJSON_AddNumberToObject(o, "n_diverged", v->n_diverged);
    ab_json_add_num(o, "dead_fraction_max_layer", ab_variant_dead_max(v));
    return o;
}

/* The largest dead fraction of the leaky variants matching relu variant top. */
static double leaky_dead(const ab_report *r, int top, cJSON *list, char **line)
{
    double m = NAN;
    for (int k = 0; k < r->n_variants; k++) {
        const ab_variant *v = &r->v[k];
        if (!ab_is_leaky(v->activation) || !v->n_ok || !ab_report_same(r, top, k, 1, NULL)) continue;
        double d = ab_variant_dead_max(v);
        if (isfinite(d) && !(d <= m)) m = d;
        cJSON_AddItemToArray(list, variant_dead_json(v));
        ab_str_append(line, "%s %.3f (n=%d); ", v->label, d, v->n_ok);
    }
    return m;
}

static const char *series_outcome(double low, double top, double leaky, ab_tally *t)
{
    if (!isfinite(leaky) || !isfinite(top)) return t->na++, "n/a";
    if (top > low && top > AB_DEAD_MIN && top > AB_DEAD_RATIO * leaky) return t->supports++, "supports";
    if (leaky > AB_DEAD_MIN && AB_DEAD_RATIO * leaky >= top) return t->contradicts++, "contradicts";
    return t->inconclusive++, "inconclusive";
}

static void one_series(const ab_report *r, ab_claim *c, ab_tally *t, const int *members, int n, int low, int top)
{
    cJSON *o = cJSON_CreateObject(), *relu = cJSON_AddArrayToObject(o, "relu");
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c->numbers, "series"), o);
    ab_str_append(&c->lines, "      relu dead fraction (largest layer mean) by learning rate:");
    for (int m = 0; m < n; m++) {
        const ab_variant *v = &r->v[members[m]];
        cJSON_AddItemToArray(relu, variant_dead_json(v));
        ab_str_append(&c->lines, " lr=%g %.3f (n=%d", ab_variant_num(v, LR), ab_variant_dead_max(v), v->n_ok);
        if (v->n_diverged) ab_str_append(&c->lines, ", %d diverged", v->n_diverged);
        ab_str_append(&c->lines, ")");
    }
    char *line = NULL;
    double d_low = ab_variant_dead_max(&r->v[low]), d_top = ab_variant_dead_max(&r->v[top]);
    double d_leaky = leaky_dead(r, top, cJSON_AddArrayToObject(o, "leaky_at_top_rate"), &line);
    const char *outcome = series_outcome(d_low, d_top, d_leaky, t);
    ab_json_add_num(o, "relu_dead_low_rate", d_low);
    ab_json_add_num(o, "relu_dead_top_rate", d_top);
    ab_json_add_num(o, "leaky_dead_top_rate", d_leaky);
    cJSON_AddStringToObject(o, "outcome", outcome);
    int div, all;
    diverged_above(r, members, n, top, &div, &all);
    cJSON_AddNumberToObject(o, "leaky_runs_above_top_rate", all);
    cJSON_AddNumberToObject(o, "leaky_runs_diverged_above_top_rate", div);
    ab_str_append(&c->lines, "\n        leaky at lr=%g: %s-> %s\n", ab_variant_num(&r->v[top], LR),
                  line ? line : "none ", outcome);
    if (all > 0)
        ab_str_append(&c->lines, "        above lr=%g the leaky variants diverged in %d of %d runs (they do not "
                      "die there: their loss becomes NaN)\n", ab_variant_num(&r->v[top], LR), div, all);
    free(line);
}

/* Revived units of finished runs, relu and leaky, in layer 1 and above. */
static void revivals(const ab_report *r, ab_claim *c)
{
    long up[2] = {0, 0}, first[2] = {0, 0};
    int runs[2] = {0, 0}, fin[2] = {0, 0};
    for (int i = 0; i < r->n_variants; i++) {
        const ab_variant *v = &r->v[i];
        int k = ab_is_leaky(v->activation) ? 1 : !strcmp(v->activation, "relu") ? 0 : -1;
        if (k < 0) continue;
        up[k] += v->revived_upper, first[k] += v->revived_first;
        runs[k] += v->runs_revived_upper, fin[k] += v->n_ok;
    }
    cJSON *o = cJSON_AddObjectToObject(c->numbers, "revived");
    const char *names[2] = {"relu", "leaky"};
    for (int k = 0; k < 2; k++) {
        cJSON *g = cJSON_AddObjectToObject(o, names[k]);
        cJSON_AddNumberToObject(g, "units_layers_2_up", (double)up[k]);
        cJSON_AddNumberToObject(g, "runs_with_revival_layers_2_up", runs[k]);
        cJSON_AddNumberToObject(g, "units_layer_1", (double)first[k]);
        cJSON_AddNumberToObject(g, "finished_runs", fin[k]);
    }
    if (r->max_layers < 2) {
        ab_str_append(&c->summary, "; revivals need >= 2 hidden layers");
        return;
    }
    ab_str_append(&c->summary, "; revived units in layers >= 2: relu %ld (in %d of %d runs), leaky %ld (in %d of %d)"
                  " [layer 1: relu %ld, leaky %ld]", up[0], runs[0], fin[0], up[1], runs[1], fin[1], first[0], first[1]);
}

void ab_claim_dying(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    int *done = calloc((size_t)r->n_variants + 1, sizeof *done);
    int *members = calloc((size_t)r->n_variants + 1, sizeof *members);
    cJSON_AddArrayToObject(c->numbers, "series");
    cJSON_AddNumberToObject(c->numbers, "dead_min", AB_DEAD_MIN);
    cJSON_AddNumberToObject(c->numbers, "dead_ratio", AB_DEAD_RATIO);
    for (int i = 0; i < r->n_variants; i++) {
        if (done[i] || strcmp(r->v[i].activation, "relu")) continue;
        int low, top, n = series_of(r, i, done, members, &low, &top);
        if (low >= 0 && top != low) one_series(r, c, &t, members, n, low, top);
    }
    free(done);
    free(members);
    c->verdict = ab_tally_verdict(&t);
    int m = t.supports + t.contradicts + t.inconclusive;
    if (m + t.na == 0)
        ab_str_append(&c->summary, "needs finished relu runs at >= 2 learning rates (same other settings)");
    else
        ab_str_append(&c->summary, "%d of %d learning-rate series as claimed (relu dead > %g and > %gx leaky at the"
                      " top rate, rising with it), %d the opposite, %d inconclusive, %d without leaky runs",
                      t.supports, m, AB_DEAD_MIN, AB_DEAD_RATIO, t.contradicts, t.inconclusive, t.na);
    revivals(r, c);
}
