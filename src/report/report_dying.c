/* report_dying.c: claim C5, dying ReLUs. A series is the relu variants
 * that differ only in the learning rate. Runs that share a seed share
 * their initial parameters and batches, so at the top rate each leaky
 * variant is compared with relu seed by seed, on the runs that stayed
 * finite: a run that diverged is an outcome of its own, counted and shown
 * per arm, never a unit dying. A pair (both runs finished) is as claimed
 * when the relu run's dead fraction (its largest layer) exceeds
 * AB_DEAD_MIN and AB_DEAD_RATIO times the leaky run's; against the claim
 * when the leaky run lost more than AB_DEAD_MIN and at least half as much;
 * neither otherwise. The per-seed differences (relu minus leaky) are
 * tested (paired t), Holm-adjusted over the leaky variants used in the
 * claim. A leaky variant supports when at least half its pairs are as
 * claimed, more are as claimed than against, and the difference is
 * positive with Holm p < 0.05; contradicts when at least half are against,
 * more are against than as claimed, and at least AB_MIN_RUNS are. The series supports when the relu
 * dead fraction rises with the rate and every leaky variant used
 * supports, contradicts when one contradicts. Relu arms need AB_MIN_RUNS
 * finished runs, leaky variants AB_MIN_RUNS finite pairs: no verdict rests
 * on a single run. The top rate is the largest at which relu and a leaky
 * variant have them. The distinct units that came back to life in layers
 * >= 2 are counted as evidence for the claim's second part (they do not
 * change the verdict). Calls stats, report_fmt and report_match only. */
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

/* The pairs of a relu and a leaky variant: the seeds where both have a
 * finished run with a dead fraction; leaky_diverged counts the seeds
 * where relu finished and the leaky run diverged (not a pair). test: the
 * paired t-test of the relu minus leaky dead fractions. */
typedef struct {
    int n, claimed, against, neither, leaky_diverged;
    ab_ttest test;
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
    double *d = calloc((size_t)relu->n_ok + 1, sizeof *d);
    for (int i = 0; i < relu->n_ok; i++) {
        double seed = relu->rows[i].seed, dr = run_dead_max(relu, i);
        int j = row_of(leaky, seed);
        if (j < 0) {
            p.leaky_diverged += isfinite(dr) && diverged_at(leaky, seed);
            continue;
        }
        double dl = run_dead_max(leaky, j);
        if (!isfinite(dr) || !isfinite(dl)) continue;
        if (d) d[p.n] = dr - dl;
        p.n++;
        if (dr > AB_DEAD_MIN && AB_DEAD_RATIO * dl < dr) p.claimed++;
        else if (dl > AB_DEAD_MIN) p.against++;
        else p.neither++;
    }
    p.test = d ? ab_paired_test(d, p.n, 0.95) : (ab_ttest){0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, "out of memory"};
    free(d);
    return p;
}

/* The outcome of a leaky variant's pairs; p_holm: its test's adjusted p. */
static const char *pairs_outcome(const pairs *p, double p_holm)
{
    if (p->n < AB_MIN_RUNS) return "not used";
    if (2 * p->claimed >= p->n && p->claimed > p->against && p->test.ok && p_holm < 0.05 && p->test.diff > 0)
        return "supports";
    if (2 * p->against >= p->n && p->against > p->claimed && p->against >= AB_MIN_RUNS) return "contradicts";
    return "inconclusive";
}

/* The p-values of the leaky variants used at the top rates, in the order
 * the series meet them: gathered in a first pass, Holm-adjusted, then read
 * back in the second pass that writes the claim. */
typedef struct {
    double *p, *adj;
    int n, cap, next, writing;
} holm_list;

/* In the first pass, adds p and returns NaN; in the second, the next
 * adjusted p. */
static double holm_take(holm_list *h, double p)
{
    if (h->writing) return h->next < h->n ? h->adj[h->next++] : NAN;
    if (h->n == h->cap) {
        int cap = h->cap ? 2 * h->cap : 16;
        double *np = realloc(h->p, (size_t)cap * sizeof *np);
        if (!np) return NAN;
        h->p = np, h->cap = cap;
    }
    h->p[h->n++] = p;
    return NAN;
}

/* 1 when a leaky variant with the same settings as relu variant j
 * (learning rate included) has at least AB_MIN_RUNS pairs with it. */
static int has_paired_leaky(const ab_report *r, int j)
{
    for (int k = 0; k < r->n_variants; k++)
        if (ab_variant_leaky(&r->v[k]) && ab_report_same(r, j, k, 1, NULL) &&
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
        if (done[j] || !ab_variant_is(v, "relu") || !ab_report_same(r, i, j, 1, LR)) continue;
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
            if (!ab_variant_leaky(v) || !ab_report_same(r, members[m], k, 1, NULL)) continue;
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
 * exceeds AB_DEAD_MIN there). holm: the claim's adjusted p-values (NULL:
 * shown, not counted; the p is not adjusted). *leaky is the largest dead
 * fraction (mean over finished runs) of the variants used. */
static const char *leaky_pairs(const ab_report *r, int top, int rise, cJSON *list, ab_buf *line, ab_tally *t,
                               holm_list *holm, double *leaky)
{
    int used = 0, sup = 0, con = 0;
    *leaky = NAN;
    for (int k = 0; k < r->n_variants; k++) {
        const ab_variant *v = &r->v[k];
        if (!ab_variant_leaky(v) || !ab_report_same(r, top, k, 1, NULL)) continue;
        pairs p = pair_up(&r->v[top], v);
        double adj = p.n >= AB_MIN_RUNS && p.test.ok ? (holm ? holm_take(holm, p.test.p) : p.test.p) : NAN;
        const char *out = pairs_outcome(&p, adj);
        double d = ab_variant_dead_max(v);
        cJSON *o = variant_dead_json(v, p.n >= AB_MIN_RUNS);
        cJSON *pj = cJSON_AddObjectToObject(o, "pairs");
        cJSON_AddNumberToObject(pj, "n", p.n);
        cJSON_AddNumberToObject(pj, "as_claimed", p.claimed);
        cJSON_AddNumberToObject(pj, "against", p.against);
        cJSON_AddNumberToObject(pj, "neither", p.neither);
        cJSON_AddNumberToObject(pj, "leaky_diverged", p.leaky_diverged);
        cJSON *tj = cJSON_AddObjectToObject(o, "dead_diff");
        ab_json_add_num(tj, "diff", p.test.diff);
        ab_json_add_num(tj, "ci_low", p.test.ci_low);
        ab_json_add_num(tj, "ci_high", p.test.ci_high);
        ab_json_add_num(tj, "p_value", p.test.p);
        ab_json_add_num(tj, "p_holm", holm ? adj : NAN);
        cJSON_AddStringToObject(o, "outcome", out);
        cJSON_AddItemToArray(list, o);
        char dd[32], hp[32], dv[32];
        ab_fmt_num(dd, sizeof dd, p.test.diff, 1);
        ab_fmt_num(dv, sizeof dv, d, 0);
        ab_buf_add(line, "          %s -> %s\n", ab_buf_str(&v->label), out);
        ab_buf_add(line, "            dead %s; %d runs: %d finished, %d diverged (not counted as dying)\n", dv, v->n,
                   v->n_ok, v->n_diverged);
        ab_buf_add(line, "            %d finite pairs: %d as claimed, %d against, %d neither\n", p.n, p.claimed,
                   p.against, p.neither);
        ab_buf_add(line, "            relu - leaky dead %s", dd);
        ab_test_text(line, &p.test);
        if (holm && p.test.ok) {
            ab_fmt_p(hp, sizeof hp, "Holm p", adj);
            ab_buf_add(line, ", %s", hp);
        }
        ab_buf_add(line, "\n");
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
        const char *out = leaky_pairs(r, j, 0, cJSON_AddArrayToObject(x, "leaky"), &line, NULL, NULL, &leaky);
        cJSON_AddStringToObject(x, "outcome", out);
        ab_buf_add(lines, "        also at lr=%g (relu dead %.3f; shown, not counted, p not adjusted): -> %s\n%s", lr, d,
                   out, ab_buf_str(&line));
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

static void one_series(const ab_report *r, ab_claim *c, ab_tally *t, holm_list *holm, const int *members, int n,
                       int low, int top)
{
    cJSON *o = cJSON_CreateObject(), *relu = cJSON_AddArrayToObject(o, "relu");
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c->numbers, "series"), o);
    ab_buf name = {0};
    series_name(&name, r, &r->v[members[0]]);
    cJSON_AddStringToObject(o, "settings", ab_buf_str(&name));
    ab_buf_add(&c->lines, "      %s: dead fraction (largest layer, mean over finished runs) by rate:\n",
               ab_buf_str(&name));
    if (name.oom) c->lines.oom = 1;
    ab_buf_free(&name);
    for (int m = 0; m < n; m++) {
        const ab_variant *v = &r->v[members[m]];
        cJSON_AddItemToArray(relu, variant_dead_json(v, v->n_ok >= AB_MIN_RUNS));
        ab_buf_add(&c->lines, "        lr=%g: relu dead %.3f; %d runs: %d finished, %d diverged\n", ab_variant_num(v, LR),
                   ab_variant_dead_max(v), v->n, v->n_ok, v->n_diverged);
    }
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
    const char *outcome =
        leaky_pairs(r, top, rise, cJSON_AddArrayToObject(o, "leaky_at_top_rate"), &line, t, holm, &d_leaky);
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
    ab_buf_add(&c->lines, "        top rate lr=%g, paired by seed with relu (dead %.3f; %.3f at lr=%g): -> %s\n%s",
               lr_top, d_top, d_low, ab_variant_num(&r->v[low], LR), outcome, ab_buf_str(&line));
    other_rates(r, members, n, low, top, o, &c->lines);
    if (all > 0)
        ab_buf_add(&c->lines, "        above lr=%g (too few finished relu runs or finite pairs to judge) the\n"
                   "        leaky variants diverged in %d of %d runs\n", lr_top, div, all);
    if (line.oom) c->lines.oom = 1;
    ab_buf_free(&line);
}

/* The runs that diverged, per activation: an outcome of their own,
 * reported beside the dead fractions and never counted as units dying. */
static void diverged_per_arm(const ab_report *r, ab_claim *c)
{
    static const char *const ACTS[] = {"relu", "leaky_relu", "rrelu", "prelu", NULL};
    cJSON *list = cJSON_AddArrayToObject(c->numbers, "diverged");
    int any = 0;
    for (int k = 0; ACTS[k]; k++) {
        int runs = 0, div = 0;
        for (int i = 0; i < r->n_variants; i++)
            if (!strcmp(r->v[i].activation, ACTS[k])) runs += r->v[i].n, div += r->v[i].n_diverged;
        if (!runs) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(list, o);
        cJSON_AddStringToObject(o, "activation", ACTS[k]);
        cJSON_AddNumberToObject(o, "runs", runs);
        cJSON_AddNumberToObject(o, "diverged", div);
        ab_buf_add(&c->summary, "%s %s %d of %d", any++ ? "," : "; runs that diverged (their own outcome, not dying):",
                   ACTS[k], div, runs);
    }
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
        int k = ab_variant_leaky(v) ? 1 : ab_variant_is(v, "relu") ? 0 : -1;
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
    /* pass 0 gathers the p-values of the leaky variants used (into a
     * scratch claim), pass 1 writes the claim with them Holm-adjusted */
    holm_list holm = {0};
    ab_claim scratch = {0};
    for (int pass = 0; pass < 2; pass++) {
        ab_claim *into = pass ? c : &scratch;
        if (!pass && !(scratch.numbers = cJSON_CreateObject())) break;
        if (!pass) cJSON_AddArrayToObject(scratch.numbers, "series");
        if (pass) {
            holm.adj = calloc((size_t)holm.n + 1, sizeof *holm.adj);
            if (holm.adj) ab_holm(holm.adj, holm.p, holm.n);
            holm.writing = 1;
        }
        t = (ab_tally){0};
        memset(done, 0, ((size_t)r->n_variants + 1) * sizeof *done);
        for (int i = 0; i < r->n_variants; i++) {
            if (done[i] || !ab_variant_is(&r->v[i], "relu")) continue;
            int low, top, n = series_of(r, i, done, members, &low, &top);
            if (n >= 2) one_series(r, into, &t, &holm, members, n, low, top);
        }
    }
    int oom = !scratch.numbers || (holm.n && !holm.adj);
    cJSON_Delete(scratch.numbers);
    ab_buf_free(&scratch.lines);
    ab_buf_free(&scratch.summary);
    free(holm.p);
    free(holm.adj);
    free(done);
    free(members);
    if (oom) return -1;
    c->verdict = ab_tally_verdict(&t);
    int m = t.supports + t.contradicts + t.inconclusive;
    if (m + t.na == 0)
        ab_buf_add(&c->summary, "needs relu runs at >= 2 learning rates (same other settings)");
    else
        ab_buf_add(&c->summary, "%d of %d learning-rate series as claimed (at the top rate, paired by seed over the"
                   " runs that stayed finite: relu dead > %g and > %gx leaky in most pairs, and relu minus leaky dead"
                   " above 0 with Holm p < 0.05; relu dead rising with the rate), %d the opposite, %d inconclusive,"
                   " %d cannot tell (relu arms need >= %d finished runs, leaky variants as many finite pairs)",
                   t.supports, m, AB_DEAD_MIN, AB_DEAD_RATIO, t.contradicts, t.inconclusive, t.na, AB_MIN_RUNS);
    diverged_per_arm(r, c);
    revivals(r, c);
    return c->summary.oom || c->lines.oom ? -1 : 0;
}
