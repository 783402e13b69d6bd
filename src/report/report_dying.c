/* report_dying.c: claim C5, dying ReLUs. A series is the relu variants
 * that differ only in the learning rate. Runs that share a seed share
 * their initial parameters and batches, so at the top rate each leaky
 * variant is compared with relu seed by seed: a pair is as claimed when
 * the relu run's dead fraction (its largest layer) exceeds AB_DEAD_MIN and
 * AB_DEAD_RATIO times the leaky run's; against the claim when the leaky
 * run diverged where the relu run lost its units (it did not train where
 * relu's units died) or the leaky run lost as many; neither otherwise. A
 * leaky variant supports when at least half its pairs are as claimed and
 * more are as claimed than against, contradicts symmetrically; the series
 * supports when the relu dead fraction rises with the rate and every
 * leaky variant used supports, contradicts when one contradicts. Relu
 * arms need AB_MIN_RUNS finished runs, leaky variants AB_MIN_RUNS pairs:
 * no verdict rests on a single run. The top rate is the largest at which
 * relu and a leaky variant have them. The distinct units that came back
 * to life in layers >= 2 are counted as evidence for the claim's second
 * part (they do not change the verdict). Calls report_fmt and report_match
 * only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "../run/json_num.h"
#include "report_fmt.h"
#include "report_internal.h"
#include "report_match.h"

#define AB_DEAD_MIN 0.1
#define AB_DEAD_RATIO 2.0
#define AB_MIN_RUNS 2
#define LR "train.learning_rate"

/* The largest final dead fraction over the layers of finished run i of
 * v (NaN when it has none). */
static double run_dead_max(const ab_variant *v, int i)
{
    double m = NAN;
    for (int h = 0; h < v->n_layers; h++) {
        double d = v->dead[(size_t)i * v->n_layers + h];
        if (isfinite(d) && !(d <= m)) m = d;
    }
    return m;
}

/* The pairs of a relu and a leaky variant: the seeds where relu has a
 * finished run and the leaky variant a finished or a diverged one. */
typedef struct {
    int n, claimed, against, diverged, neither;
} pairs;

static int row_of(const ab_variant *v, double seed)
{
    for (int i = 0; i < v->n_ok; i++)
        if (v->rows[i].seed == seed) return i;
    return -1;
}

static int diverged_at(const ab_variant *v, double seed)
{
    for (int i = 0; i < v->n_diverged; i++)
        if (v->diverged_seed[i] == seed) return 1;
    return 0;
}

static pairs pair_up(const ab_variant *relu, const ab_variant *leaky)
{
    pairs p = {0};
    for (int i = 0; i < relu->n_ok; i++) {
        double seed = relu->rows[i].seed, dr = run_dead_max(relu, i);
        int j = row_of(leaky, seed), div = j < 0 && diverged_at(leaky, seed);
        double dl = j >= 0 ? run_dead_max(leaky, j) : NAN;
        if (!isfinite(dr) || (!div && !isfinite(dl))) continue;
        p.n++;
        int died = dr > AB_DEAD_MIN;
        if (div) p.diverged++;
        if (died && !div && AB_DEAD_RATIO * dl < dr) p.claimed++;
        else if ((died && div) || (!div && dl > AB_DEAD_MIN)) p.against++;
        else p.neither++;
    }
    return p;
}

static const char *pairs_outcome(const pairs *p)
{
    if (p->n < AB_MIN_RUNS) return "not used";
    if (2 * p->claimed >= p->n && p->claimed > p->against) return "supports";
    if (2 * p->against >= p->n && p->against > p->claimed) return "contradicts";
    return "inconclusive";
}

/* 1 when a leaky variant with the same settings as relu variant j
 * (learning rate included) has at least AB_MIN_RUNS pairs with it. */
static int has_paired_leaky(const ab_report *r, int j)
{
    for (int k = 0; k < r->n_variants; k++)
        if (ab_is_leaky(r->v[k].activation) && ab_report_same(r, j, k, 1, NULL) &&
            pair_up(&r->v[j], &r->v[k]).n >= AB_MIN_RUNS)
            return 1;
    return 0;
}

/* The variants of the series of relu variant i (marked in done); the
 * lowest rate with >= AB_MIN_RUNS finished relu runs, and the top rate:
 * the largest with >= AB_MIN_RUNS finished relu runs and a leaky variant
 * with >= AB_MIN_RUNS pairs (-1 when none). */
static int series_of(const ab_report *r, int i, int *done, int *members, int *low, int *top)
{
    int n = 0;
    *low = *top = -1;
    for (int j = 0; j < r->n_variants; j++) {
        const ab_variant *v = &r->v[j];
        if (done[j] || strcmp(v->activation, "relu") || !ab_report_same(r, i, j, 1, LR)) continue;
        done[j] = 1;
        members[n++] = j;
        double lr = ab_variant_num(v, LR);
        if (v->n_ok < AB_MIN_RUNS || !isfinite(lr)) continue;
        if (*low < 0 || lr < ab_variant_num(&r->v[*low], LR)) *low = j;
        if (has_paired_leaky(r, j) && (*top < 0 || lr > ab_variant_num(&r->v[*top], LR))) *top = j;
    }
    return n;
}

/* Diverged and all runs of the leaky variants matching relu variants of
 * the series above rate lr_top. */
static void diverged_above(const ab_report *r, const int *members, int n, double lr_top, int *div, int *all)
{
    *div = *all = 0;
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

/* A variant's dead-fraction entry; used: whether the verdict uses it. */
static cJSON *variant_dead_json(const ab_variant *v, int used)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", ab_buf_str(&v->label));
    ab_json_add_num(o, "learning_rate", ab_variant_num(v, LR));
    cJSON_AddNumberToObject(o, "n", v->n);
    cJSON_AddNumberToObject(o, "n_finished", v->n_ok);
    cJSON_AddNumberToObject(o, "n_diverged", v->n_diverged);
    ab_json_add_num(o, "dead_fraction_max_layer", ab_variant_dead_max(v));
    cJSON_AddBoolToObject(o, "used", used);
    return o;
}

/* The leaky variants matching relu variant top, each paired with it by
 * seed, listed in list and line; the series outcome counted in t (rise:
 * the relu dead fraction rises from the lowest rate to the top one and
 * exceeds AB_DEAD_MIN there). *leaky is the largest dead fraction (mean
 * over finished runs) of the variants used. */
static const char *leaky_pairs(const ab_report *r, int top, int rise, cJSON *list, ab_buf *line, ab_tally *t,
                               double *leaky)
{
    int used = 0, sup = 0, con = 0;
    *leaky = NAN;
    for (int k = 0; k < r->n_variants; k++) {
        const ab_variant *v = &r->v[k];
        if (!ab_is_leaky(v->activation) || !ab_report_same(r, top, k, 1, NULL)) continue;
        pairs p = pair_up(&r->v[top], v);
        const char *out = pairs_outcome(&p);
        double d = ab_variant_dead_max(v);
        cJSON *o = variant_dead_json(v, p.n >= AB_MIN_RUNS);
        cJSON *pj = cJSON_AddObjectToObject(o, "pairs");
        cJSON_AddNumberToObject(pj, "n", p.n);
        cJSON_AddNumberToObject(pj, "as_claimed", p.claimed);
        cJSON_AddNumberToObject(pj, "against", p.against);
        cJSON_AddNumberToObject(pj, "leaky_diverged", p.diverged);
        cJSON_AddNumberToObject(pj, "neither", p.neither);
        cJSON_AddStringToObject(o, "outcome", out);
        cJSON_AddItemToArray(list, o);
        ab_buf_add(line, "          %s: %.3f (%d of %d finished); %d pairs: %d as claimed, %d against, %d neither; "
                   "the leaky runs diverged in %d -> %s\n", ab_buf_str(&v->label), d, v->n_ok, v->n, p.n, p.claimed, p.against,
                   p.neither, p.diverged, out);
        if (p.n < AB_MIN_RUNS) continue;
        used++;
        sup += !strcmp(out, "supports");
        con += !strcmp(out, "contradicts");
        if (isfinite(d) && !(d <= *leaky)) *leaky = d;
    }
    ab_tally none = {0};
    if (!t) t = &none;
    if (!used) return t->na++, "cannot tell";
    if (con) return t->contradicts++, "contradicts";
    if (rise && sup == used) return t->supports++, "supports";
    return t->inconclusive++, "inconclusive";
}

/* The same pairing at the rates between the lowest and the top one where
 * relu lost more than AB_DEAD_MIN of a layer: shown, not counted. */
static void other_rates(const ab_report *r, const int *members, int n, int low, int top, cJSON *o, ab_buf *lines)
{
    cJSON *list = cJSON_AddArrayToObject(o, "other_rates");
    for (int m = 0; m < n; m++) {
        int j = members[m];
        double lr = ab_variant_num(&r->v[j], LR), d = ab_variant_dead_max(&r->v[j]);
        if (j == low || j == top || !(lr < ab_variant_num(&r->v[top], LR)) || !(d > AB_DEAD_MIN) ||
            r->v[j].n_ok < AB_MIN_RUNS)
            continue;
        cJSON *x = cJSON_CreateObject();
        cJSON_AddItemToArray(list, x);
        ab_json_add_num(x, "learning_rate", lr);
        ab_json_add_num(x, "relu_dead", d);
        ab_buf line = {0};
        double leaky;
        const char *out = leaky_pairs(r, j, 0, cJSON_AddArrayToObject(x, "leaky"), &line, NULL, &leaky);
        cJSON_AddStringToObject(x, "outcome", out);
        ab_buf_add(lines, "        also at lr=%g (relu dead %.3f; shown, not counted): -> %s\n%s", lr, d, out,
                   ab_buf_str(&line));
        if (line.oom) lines->oom = 1;
        ab_buf_free(&line);
    }
}

/* Why a series with relu runs at >= 2 rates cannot be judged. */
static const char *why_not(int low, int top)
{
    if (low < 0) return "no learning rate with >= 2 finished relu runs";
    if (top < 0) return "no learning rate with >= 2 finished relu runs and a leaky variant paired with >= 2 of them";
    return "the only rate with >= 2 finished relu runs and a leaky variant paired with >= 2 of them is the lowest one";
}

/* The settings a series shares, as a label: "relu clip_norm=1" (the
 * learning rate and the measurement keys left out). */
static void series_name(ab_buf *b, const ab_report *r, const ab_variant *v)
{
    ab_buf_add(b, "relu");
    for (int k = 0; k < r->n_swept; k++) {
        const char *path = cJSON_GetArrayItem(r->swept, k)->valuestring;
        if (!v->values[k] || r->act_specific[k] || !strcmp(path, LR) || ab_path_rank(path) == 3) continue;
        ab_buf_add(b, " %s=", r->short_names[k]);
        ab_fmt_setting(b, path, ab_config_get(v->config, path));
    }
}

static void one_series(const ab_report *r, ab_claim *c, ab_tally *t, const int *members, int n, int low, int top)
{
    cJSON *o = cJSON_CreateObject(), *relu = cJSON_AddArrayToObject(o, "relu");
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c->numbers, "series"), o);
    ab_buf name = {0};
    series_name(&name, r, &r->v[members[0]]);
    cJSON_AddStringToObject(o, "settings", ab_buf_str(&name));
    ab_buf_add(&c->lines, "      %s: dead fraction (largest layer mean) by learning rate:", ab_buf_str(&name));
    if (name.oom) c->lines.oom = 1;
    ab_buf_free(&name);
    for (int m = 0; m < n; m++) {
        const ab_variant *v = &r->v[members[m]];
        cJSON_AddItemToArray(relu, variant_dead_json(v, v->n_ok >= AB_MIN_RUNS));
        ab_buf_add(&c->lines, " lr=%g %.3f (%d of %d finished", ab_variant_num(v, LR), ab_variant_dead_max(v), v->n_ok,
                   v->n);
        if (v->n_diverged) ab_buf_add(&c->lines, ", %d diverged", v->n_diverged);
        ab_buf_add(&c->lines, ")");
    }
    ab_buf_add(&c->lines, "\n");
    if (low < 0 || top < 0 || top == low) {
        const char *why = why_not(low, top);
        t->na++;
        cJSON_AddStringToObject(o, "outcome", "cannot tell");
        cJSON_AddStringToObject(o, "reason", why);
        ab_buf_add(&c->lines, "        cannot tell: %s (a relu arm needs >= 2 finished runs, a leaky "
                   "variant >= 2 pairs)\n", why);
        return;
    }
    ab_buf line = {0};
    double d_low = ab_variant_dead_max(&r->v[low]), d_top = ab_variant_dead_max(&r->v[top]);
    double lr_top = ab_variant_num(&r->v[top], LR);
    double d_leaky;
    int rise = d_top > d_low && d_top > AB_DEAD_MIN;
    const char *outcome = leaky_pairs(r, top, rise, cJSON_AddArrayToObject(o, "leaky_at_top_rate"), &line, t, &d_leaky);
    ab_json_add_num(o, "low_rate", ab_variant_num(&r->v[low], LR));
    ab_json_add_num(o, "top_rate", lr_top);
    ab_json_add_num(o, "relu_dead_low_rate", d_low);
    ab_json_add_num(o, "relu_dead_top_rate", d_top);
    ab_json_add_num(o, "leaky_dead_top_rate", d_leaky);
    cJSON_AddStringToObject(o, "outcome", outcome);
    cJSON_AddNullToObject(o, "reason");
    int div, all;
    diverged_above(r, members, n, lr_top, &div, &all);
    cJSON_AddNumberToObject(o, "leaky_runs_above_top_rate", all);
    cJSON_AddNumberToObject(o, "leaky_runs_diverged_above_top_rate", div);
    ab_buf_add(&c->lines, "        at lr=%g, paired by seed with relu (dead %.3f, %.3f at lr=%g): -> %s\n%s", lr_top, d_top,
               d_low, ab_variant_num(&r->v[low], LR), outcome, ab_buf_str(&line));
    other_rates(r, members, n, low, top, o, &c->lines);
    if (all > 0)
        ab_buf_add(&c->lines, "        above lr=%g (too few finished relu runs or pairs to judge) the leaky "
                   "variants diverged in %d of %d runs\n", lr_top, div, all);
    if (line.oom) c->lines.oom = 1;
    ab_buf_free(&line);
}

/* Revived units of finished runs, relu and leaky, in layer 1 and above:
 * distinct units (revived_units_total) when every finished run has them,
 * else revival events. */
static void revivals(const ab_report *r, ab_claim *c)
{
    long ev_up[2] = {0, 0}, ev_first[2] = {0, 0}, d_up[2] = {0, 0}, d_first[2] = {0, 0};
    int runs[2] = {0, 0}, fin[2] = {0, 0}, with[2] = {0, 0};
    for (int i = 0; i < r->n_variants; i++) {
        const ab_variant *v = &r->v[i];
        int k = ab_is_leaky(v->activation) ? 1 : !strcmp(v->activation, "relu") ? 0 : -1;
        if (k < 0) continue;
        ev_up[k] += v->events_upper, ev_first[k] += v->events_first;
        d_up[k] += v->distinct_upper, d_first[k] += v->distinct_first;
        runs[k] += v->runs_revived_upper, fin[k] += v->n_ok, with[k] += v->n_distinct;
    }
    int distinct = with[0] == fin[0] && with[1] == fin[1];
    cJSON *o = cJSON_AddObjectToObject(c->numbers, "revived");
    cJSON_AddStringToObject(o, "counted", distinct ? "distinct_units" : "events");
    const char *names[2] = {"relu", "leaky"};
    for (int k = 0; k < 2; k++) {
        cJSON *g = cJSON_AddObjectToObject(o, names[k]);
        if (with[k] == fin[k]) {
            cJSON_AddNumberToObject(g, "distinct_units_layers_2_up", (double)d_up[k]);
            cJSON_AddNumberToObject(g, "distinct_units_layer_1", (double)d_first[k]);
        } else {
            cJSON_AddNullToObject(g, "distinct_units_layers_2_up");
            cJSON_AddNullToObject(g, "distinct_units_layer_1");
        }
        cJSON_AddNumberToObject(g, "events_layers_2_up", (double)ev_up[k]);
        cJSON_AddNumberToObject(g, "events_layer_1", (double)ev_first[k]);
        cJSON_AddNumberToObject(g, "runs_with_revival_layers_2_up", runs[k]);
        cJSON_AddNumberToObject(g, "finished_runs", fin[k]);
        cJSON_AddNumberToObject(g, "runs_with_distinct_counts", with[k]);
    }
    if (r->max_layers < 2) {
        ab_buf_add(&c->summary, "; revivals need >= 2 hidden layers");
        return;
    }
    if (distinct)
        ab_buf_add(&c->summary, "; distinct units that came back to life (revived_units_total) in layers >= 2: "
                   "relu %ld (in %d of %d runs), leaky %ld (in %d of %d) [layer 1: relu %ld, leaky %ld]",
                   d_up[0], runs[0], fin[0], d_up[1], runs[1], fin[1], d_first[0], d_first[1]);
    else
        ab_buf_add(&c->summary, "; revival events (a unit may revive more than once; these run files do not "
                   "count distinct units) in layers >= 2: relu %ld (in %d of %d runs), leaky %ld (in %d of %d) "
                   "[layer 1: relu %ld, leaky %ld]", ev_up[0], runs[0], fin[0], ev_up[1], runs[1], fin[1],
                   ev_first[0], ev_first[1]);
}

int ab_claim_dying(const ab_report *r, ab_claim *c)
{
    ab_tally t = {0};
    int *done = calloc((size_t)r->n_variants + 1, sizeof *done);
    int *members = calloc((size_t)r->n_variants + 1, sizeof *members);
    if (!done || !members || !cJSON_AddArrayToObject(c->numbers, "series")) {
        free(done);
        free(members);
        return -1;
    }
    cJSON_AddNumberToObject(c->numbers, "dead_min", AB_DEAD_MIN);
    cJSON_AddNumberToObject(c->numbers, "dead_ratio", AB_DEAD_RATIO);
    cJSON_AddNumberToObject(c->numbers, "min_finished_runs", AB_MIN_RUNS);
    for (int i = 0; i < r->n_variants; i++) {
        if (done[i] || strcmp(r->v[i].activation, "relu")) continue;
        int low, top, n = series_of(r, i, done, members, &low, &top);
        if (n >= 2) one_series(r, c, &t, members, n, low, top);
    }
    free(done);
    free(members);
    c->verdict = ab_tally_verdict(&t);
    int m = t.supports + t.contradicts + t.inconclusive;
    if (m + t.na == 0)
        ab_buf_add(&c->summary, "needs relu runs at >= 2 learning rates (same other settings)");
    else
        ab_buf_add(&c->summary, "%d of %d learning-rate series as claimed (at the top rate, paired by seed: relu"
                   " dead > %g and > %gx leaky, a leaky run that diverged counting against; relu dead rising with"
                   " the rate), %d the opposite, %d inconclusive, %d cannot tell (relu arms need >= %d finished runs,"
                   " leaky variants as many pairs)", t.supports, m, AB_DEAD_MIN, AB_DEAD_RATIO, t.contradicts,
                   t.inconclusive, t.na, AB_MIN_RUNS);
    revivals(r, c);
    return c->summary.oom || c->lines.oom ? -1 : 0;
}
