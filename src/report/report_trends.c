/* report_trends.c: the two tests of a slope over seeds. For each seed, the
 * least-squares slope of a per-seed value against x over the x values of a
 * series; the slopes tested over the seeds (one-sample t, 95% CI).
 *   - the trend over alpha (C2): leaky_relu variants that differ only in
 *     model.alpha (relu, or alpha 0, is alpha 0), the claim's accuracy
 *     against alpha; and the alpha of the largest mean paired with 0.01
 *     (shown: the alpha is chosen by the same runs, so it is not judged);
 *   - the interaction with the training-set size (C4): at each
 *     data.train_limit, d = gap(prelu) - gap(relu) paired by seed, and its
 *     slope against log(size).
 * A seed counts when it has a finite value at every x of its series.
 * Calls stats, report_fmt, report_match and report_compare only. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "../run/json_num.h"
#include "report_fmt.h"
#include "report_internal.h"
#include "report_match.h"

/* The least-squares slope of y against x over n points (NaN when the x
 * are all equal or n < 2). */
static double ls_slope(const double *x, const double *y, int n)
{
    double mx = 0.0, my = 0.0, sxx = 0.0, sxy = 0.0;
    for (int i = 0; i < n; i++) mx += x[i], my += y[i];
    if (n < 2) return NAN;
    mx /= n, my /= n;
    for (int i = 0; i < n; i++) sxx += (x[i] - mx) * (x[i] - mx), sxy += (x[i] - mx) * (y[i] - my);
    return sxx > 0 ? sxy / sxx : NAN;
}

/* The finished run of variant v with seed s, or NULL. */
static const ab_run_row *row_of(const ab_variant *v, double s)
{
    for (int i = 0; i < v->n_ok; i++)
        if (v->rows[i].seed == s) return &v->rows[i];
    return NULL;
}

/* The value of a series point at seed s: the metric of variant a, minus
 * that of variant b when b >= 0; NaN when a run is missing. */
static double point_value(const ab_report *r, int a, int b, ab_metric m, double s)
{
    const ab_run_row *ra = row_of(&r->v[a], s), *rb = b >= 0 ? row_of(&r->v[b], s) : NULL;
    if (!ra || (b >= 0 && !rb)) return NAN;
    return ab_row_metric(ra, m) - (rb ? ab_row_metric(rb, m) : 0.0);
}

/* The slope test of a series of n points (x[k], variants a[k] minus b[k]
 * when b is not NULL) over the seeds of a[0] that have a value at every
 * point; *n_seeds is their number. */
static ab_ttest slope_test(const ab_report *r, const double *x, const int *a, const int *b, int n, ab_metric m,
                           int *n_seeds)
{
    const ab_variant *first = &r->v[a[0]];
    double *slopes = calloc((size_t)first->n_ok + 1, sizeof *slopes), *y = calloc((size_t)n + 1, sizeof *y);
    *n_seeds = 0;
    ab_ttest t = {0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, "out of memory"};
    if (slopes && y) {
        for (int i = 0; i < first->n_ok; i++) {
            int complete = 1;
            for (int k = 0; k < n && complete; k++)
                complete = isfinite(y[k] = point_value(r, a[k], b ? b[k] : -1, m, first->rows[i].seed));
            double s = complete ? ls_slope(x, y, n) : NAN;
            if (isfinite(s)) slopes[(*n_seeds)++] = s;
        }
        t = ab_paired_test(slopes, *n_seeds, 0.95);
    }
    free(slopes);
    free(y);
    return t;
}

/* A new object of the slope s in the claim's array `name`: its metric, the
 * seeds, the test of the slopes, Holm p and outcome. */
static cJSON *slope_json(ab_claim *c, const char *name, const ab_slope *s)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(c->numbers, name);
    if (!list) list = cJSON_AddArrayToObject(c->numbers, name);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(list, o);
    cJSON_AddStringToObject(o, "metric", ab_metric_name(s->metric));
    cJSON_AddNumberToObject(o, "n_seeds", s->n_seeds);
    ab_json_add_num(o, "slope", s->test.diff);
    ab_json_add_num(o, "ci_low", s->test.ci_low);
    ab_json_add_num(o, "ci_high", s->test.ci_high);
    ab_json_add_num(o, "p_value", s->test.p);
    ab_json_add_num(o, "p_holm", s->p_holm);
    cJSON_AddStringToObject(o, "outcome", s->outcome ? s->outcome : "n/a");
    return o;
}

/* "mean slope -0.0240, 95% CI [-0.0400, -0.0080], p=0.020" or why there is no test */
static void slope_text(ab_buf *b, const ab_ttest *t, double p_holm)
{
    char m[32], lo[32], hi[32], p[32], hp[32];
    ab_fmt_num(m, sizeof m, t->diff, 1);
    if (!t->ok) {
        ab_buf_add(b, "mean slope %s, no test (%s)", m, t->why ? t->why : "-");
        return;
    }
    ab_fmt_num(lo, sizeof lo, t->ci_low, 1);
    ab_fmt_num(hi, sizeof hi, t->ci_high, 1);
    ab_fmt_p(p, sizeof p, "p", t->p);
    ab_fmt_p(hp, sizeof hp, "Holm p", p_holm);
    ab_buf_add(b, "mean slope %s, 95%% CI [%s, %s], %s, %s", m, lo, hi, p, hp);
}

/* ", lr=0.1 hidden=[300,100]": the swept values of variant v that are not
 * an activation's, not a measurement's and not in skip */
static void settings_text(ab_buf *b, const ab_report *r, const ab_variant *v, const char *const *skip)
{
    for (int k = 0; k < r->n_swept; k++) {
        const char *path = cJSON_GetArrayItem(r->swept, k)->valuestring;
        int skipped = 0;
        for (const char *const *q = skip; q && *q; q++) skipped |= !strcmp(*q, path);
        if (!v->values[k] || r->act_specific[k] || ab_path_rank(path) == 3 || skipped) continue;
        ab_buf_add(b, ", %s=", r->short_names[k]);
        ab_fmt_setting(b, path, ab_config_get(v->config, path));
    }
}

void ab_slopes_free(ab_slopes *s)
{
    free(s->items);
    *s = (ab_slopes){NULL, 0};
}

static ab_slope *new_slope(ab_slopes *s)
{
    ab_slope *n = realloc(s->items, ((size_t)s->n + 1) * sizeof *n);
    if (!n) return NULL;
    s->items = n;
    memset(&n[s->n], 0, sizeof n[s->n]);
    return &n[s->n++];
}

/* ---- the trend over alpha ---- */

/* The alpha of variant v in an alpha series: 0 for relu, model.alpha for
 * leaky_relu, NaN for the others. */
static double alpha_of(const ab_variant *v)
{
    if (!strcmp(v->activation, "relu")) return 0.0;
    return !strcmp(v->activation, "leaky_relu") ? ab_variant_num(v, "model.alpha") : NAN;
}

/* Sorts the points of a series by x. */
static void sort_points(double *x, int *a, int *b, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double tx = x[j];
            x[j] = x[j - 1], x[j - 1] = tx;
            int ta = a[j];
            a[j] = a[j - 1], a[j - 1] = ta;
            if (b) ta = b[j], b[j] = b[j - 1], b[j - 1] = ta;
        }
}

int ab_alpha_trends(ab_slopes *out, const ab_report *r, ab_metric declared)
{
    int *done = calloc((size_t)r->n_variants + 1, sizeof *done);
    if (!done) return -1;
    for (int i = 0; i < r->n_variants; i++) {
        if (done[i] || !isfinite(alpha_of(&r->v[i]))) continue;
        ab_slope sl = {0};
        for (int j = i; j < r->n_variants && sl.n < AB_MAX_POINTS; j++) {
            double a = alpha_of(&r->v[j]);
            if (done[j] || !isfinite(a) || !ab_report_same(r, i, j, 1, NULL)) continue;
            done[j] = 1;
            int dup = 0;
            for (int k = 0; k < sl.n; k++) dup |= sl.x[k] == a;
            if (dup) continue; /* relu and leaky_relu alpha=0: the first one */
            sl.x[sl.n] = a, sl.a[sl.n] = j, sl.b[sl.n] = -1, sl.n++;
        }
        if (sl.n < 3) continue;
        sort_points(sl.x, sl.a, NULL, sl.n);
        ab_slope *s = new_slope(out);
        if (!s) {
            free(done);
            return -1;
        }
        *s = sl;
        s->sign = +1;
        s->metric = declared;
        for (int k = 0; k < s->n; k++) /* best_epoch falls back when a run lacks final.best */
            if (r->v[s->a[k]].n_best < r->v[s->a[k]].n_ok || !r->v[s->a[k]].n_ok)
                s->metric = ab_metric_is_best(declared) ? AB_M_ACC : declared;
        s->test = slope_test(r, s->x, s->a, NULL, s->n, s->metric, &s->n_seeds);
        s->best = s->small = -1;
        for (int k = 0; k < s->n; k++) {
            double m = ab_comparison_mean(&r->v[s->a[k]], s->metric);
            if (isfinite(m) && (s->best < 0 || m > ab_comparison_mean(&r->v[s->a[s->best]], s->metric))) s->best = k;
            if (fabs(s->x[k] - 0.01) < 1e-12) s->small = k;
        }
        if (s->best >= 0 && s->small >= 0 && s->best != s->small) {
            s->best_vs_small = (ab_comparison){.a = s->a[s->best], .b = s->a[s->small], .metric = s->metric, .sign = +1};
            ab_compare(&s->best_vs_small, r);
        }
    }
    free(done);
    return 0;
}

/* ---- the interaction with the training-set size ---- */

/* What may change with the size in one series: the size itself, and the
 * epochs (the same number of steps at each size needs more epochs on
 * fewer examples). */
static const char *const SIZE_PATHS[] = {"data.train_limit", "train.epochs", NULL};

int ab_size_interactions(ab_slopes *out, const ab_report *r, ab_metric declared)
{
    int *done = calloc((size_t)r->n_variants + 1, sizeof *done);
    if (!done) return -1;
    for (int i = 0; i < r->n_variants; i++) {
        if (done[i] || strcmp(r->v[i].activation, "prelu")) continue;
        ab_slope sl = {0};
        for (int j = i; j < r->n_variants && sl.n < AB_MAX_POINTS; j++) {
            if (done[j] || strcmp(r->v[j].activation, "prelu") || !ab_report_same_except(r, i, j, 0, SIZE_PATHS))
                continue;
            done[j] = 1;
            int base = ab_report_find_baseline(r, j, "relu");
            if (base < 0 || !(r->v[j].n_train > 0)) continue;
            sl.x[sl.n] = log(r->v[j].n_train), sl.a[sl.n] = j, sl.b[sl.n] = base, sl.n++;
        }
        if (sl.n < 2) continue;
        sort_points(sl.x, sl.a, sl.b, sl.n);
        ab_slope *s = new_slope(out);
        if (!s) {
            free(done);
            return -1;
        }
        *s = sl;
        s->sign = -1;
        s->metric = declared;
        for (int k = 0; k < s->n; k++) {
            const ab_variant *p = &r->v[s->a[k]], *q = &r->v[s->b[k]];
            if (p->n_best < p->n_ok || q->n_best < q->n_ok || !p->n_ok)
                s->metric = ab_metric_is_best(declared) ? AB_M_GAP_LAST : declared;
        }
        s->test = slope_test(r, s->x, s->a, s->b, s->n, s->metric, &s->n_seeds);
        s->best = s->small = -1;
        for (int k = 0; k < s->n; k++) {
            s->per_size[k] = (ab_comparison){.a = s->a[k], .b = s->b[k], .metric = s->metric, .sign = +1};
            ab_compare(&s->per_size[k], r);
        }
    }
    free(done);
    return 0;
}

/* ---- outcomes, text and JSON ---- */

void ab_slope_decide(ab_slope *s, double p_holm, ab_tally *t)
{
    s->p_holm = p_holm;
    if (!s->test.ok) s->outcome = "inconclusive", t->inconclusive++;
    else if (!(p_holm < 0.05)) s->outcome = "inconclusive", t->inconclusive++;
    else if (s->test.diff * s->sign > 0) s->outcome = "supports", t->supports++;
    else s->outcome = "contradicts", t->contradicts++;
}

/* "paired over 3 seeds: diff +0.0018," and on the next line "95% CI [...],
 * p=0.028" of a comparison */
static void comparison_text(ab_buf *b, const ab_comparison *c)
{
    const ab_ttest *t = ab_comparison_used(c);
    char d[32];
    ab_buf test = {0};
    ab_fmt_num(d, sizeof d, t->diff, 1);
    ab_test_text(&test, t); /* ", 95% CI ...": on a line of its own, without the ", " */
    if (c->use_paired) ab_buf_add(b, "paired over %d seeds: diff %s,\n          ", c->n_pairs, d);
    else ab_buf_add(b, "Welch: diff %s,\n          ", d);
    ab_buf_add(b, "%s", test.len > 2 ? ab_buf_str(&test) + 2 : "");
    if (test.oom) b->oom = 1;
    ab_buf_free(&test);
}

/* The comparison's members (ab_comparison_add_json) and the numbers of the
 * test its outcome used, added to o. */
static void comparison_json(cJSON *o, const ab_comparison *c)
{
    const ab_ttest *t = ab_comparison_used(c);
    ab_comparison_add_json(o, c);
    ab_json_add_num(o, "diff", t->diff);
    ab_json_add_num(o, "ci_low", t->ci_low);
    ab_json_add_num(o, "ci_high", t->ci_high);
    ab_json_add_num(o, "p_value", t->p);
}

void ab_alpha_trend_write(const ab_slope *s, const ab_report *r, ab_claim *c)
{
    cJSON *o = slope_json(c, "trend_over_alpha", s);
    cJSON_AddItemToObject(o, "alphas", cJSON_CreateDoubleArray(s->x, s->n));
    cJSON *means = cJSON_AddArrayToObject(o, "means");
    ab_buf_add(&c->lines, "      trend over alpha (leaky_relu; relu is alpha=0");
    settings_text(&c->lines, r, &r->v[s->a[0]], NULL);
    ab_buf_add(&c->lines, "), %s:\n        ", ab_metric_text(s->metric));
    for (int k = 0; k < s->n; k++) {
        double m = ab_comparison_mean(&r->v[s->a[k]], s->metric);
        char mt[32];
        ab_fmt_num(mt, sizeof mt, m, 0);
        cJSON_AddItemToArray(means, isfinite(m) ? cJSON_CreateNumber(m) : cJSON_CreateNull());
        ab_buf_add(&c->lines, "%salpha=%g %s", k ? (k % 4 ? ", " : ",\n        ") : "", s->x[k], mt);
    }
    ab_buf_add(&c->lines, "\n        least-squares slope per seed over %d seeds with every alpha:\n        ", s->n_seeds);
    slope_text(&c->lines, &s->test, s->p_holm);
    ab_buf_add(&c->lines, ": %s\n", s->outcome);
    if (s->best < 0) return;
    cJSON *b = cJSON_AddObjectToObject(o, "largest_mean");
    ab_json_add_num(b, "alpha", s->x[s->best]);
    if (s->small < 0 || s->best == s->small) {
        ab_buf_add(&c->lines, "        largest mean at alpha=%g%s\n", s->x[s->best],
                   s->small < 0 ? " (no alpha=0.01 to compare it with)" : "");
        cJSON_AddNullToObject(b, "versus_0_01");
        return;
    }
    const ab_comparison *k = &s->best_vs_small;
    comparison_json(cJSON_AddObjectToObject(b, "versus_0_01"), k);
    ab_buf_add(&c->lines, "        largest mean at alpha=%g; against alpha=0.01 (the alpha is chosen by these\n"
                          "        runs' means: shown, not judged):\n        ", s->x[s->best]);
    comparison_text(&c->lines, k);
    ab_buf_add(&c->lines, "\n");
}

void ab_size_interaction_write(const ab_slope *s, const ab_report *r, ab_claim *c)
{
    cJSON *o = slope_json(c, "interaction_with_size", s);
    cJSON *sizes = cJSON_AddArrayToObject(o, "sizes");
    ab_buf_add(&c->lines, "      interaction with the training-set size (prelu");
    settings_text(&c->lines, r, &r->v[s->a[0]], SIZE_PATHS);
    ab_buf_add(&c->lines, "):\n        d = %s of prelu minus relu, by seed:\n", ab_metric_text(s->metric));
    for (int k = 0; k < s->n; k++) {
        const ab_comparison *pc = &s->per_size[k];
        cJSON *z = cJSON_CreateObject();
        cJSON_AddItemToArray(sizes, z);
        cJSON_AddNumberToObject(z, "train_examples", r->v[s->a[k]].n_train);
        cJSON_AddStringToObject(z, "variant", ab_buf_str(&r->v[s->a[k]].label));
        cJSON_AddStringToObject(z, "versus", ab_buf_str(&r->v[s->b[k]].label));
        comparison_json(z, pc);
        ab_buf_add(&c->lines, "        %ld training examples, ", r->v[s->a[k]].n_train);
        comparison_text(&c->lines, pc);
        ab_buf_add(&c->lines, "\n");
    }
    ab_buf_add(&c->lines, "        slope of d against log(size) per seed over %d seeds with every size\n"
                          "        (C4 predicts < 0: d grows as the data shrink):\n        ", s->n_seeds);
    slope_text(&c->lines, &s->test, s->p_holm);
    ab_buf_add(&c->lines, ": %s\n", s->outcome);
}
