/* report.c: building a report (the swept paths and their labels, the
 * variants, each variant's baseline and its comparison with it), then
 * handing it to the judge of the claims (report_claims.c); freeing it.
 * The top of src/report: nothing in it is called by the other files. */
#include "report.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_fmt.h"
#include "report_internal.h"
#include "report_match.h"
#include "summary.h"

/* The swept paths in a stable order: model.activation, the other keys of
 * the activation, then the rest, each group by name. NULL when out of memory. */
static cJSON *order_paths(const cJSON *swept)
{
    int n = cJSON_GetArraySize(swept), k = 0;
    const char **p = calloc((size_t)n + 1, sizeof *p);
    if (!p) return NULL;
    const cJSON *x;
    cJSON_ArrayForEach(x, swept) if (strcmp(x->valuestring, "seed")) p[k++] = x->valuestring;
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0; j--) {
            int d = ab_path_rank(p[j - 1]) - ab_path_rank(p[j]);
            if (d < 0 || (d == 0 && strcmp(p[j - 1], p[j]) <= 0)) break;
            const char *t = p[j];
            p[j] = p[j - 1], p[j - 1] = t;
        }
    cJSON *out = cJSON_CreateStringArray(p, k);
    free(p);
    return out;
}

static const char *last_part(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : path;
}

/* Labels for swept paths: the last part ("alpha"; learning_rate as "lr"),
 * or the whole path when two paths end alike. -1 when out of memory. */
static int name_paths(ab_report *r)
{
    for (int k = 0; k < r->n_swept; k++) {
        const char *p = cJSON_GetArrayItem(r->swept, k)->valuestring, *last = last_part(p);
        int clash = 0;
        for (int j = 0; j < r->n_swept; j++)
            clash |= j != k && !strcmp(last_part(cJSON_GetArrayItem(r->swept, j)->valuestring), last);
        if (!(r->short_names[k] = strdup(clash ? p : strcmp(last, "learning_rate") ? last : "lr"))) return -1;
        r->act_specific[k] = ab_path_rank(p) < 2;
    }
    return 0;
}

/* The metrics C1-C4 declare (analysis.c1_metric ... of the first run file
 * that has them; the defaults of docs/config.md for run files written
 * before the keys existed); analysis_mixed when run files disagree. */
static void read_analysis(ab_report *r)
{
    static const char *const KEYS[4] = {"c1_metric", "c2_metric", "c3_metric", "c4_metric"};
    r->declared[0] = r->declared[1] = AB_M_ACC;
    r->declared[2] = r->declared[3] = AB_M_GAP_BEST;
    const cJSON *first = NULL, *run;
    cJSON_ArrayForEach(run, r->runs)
    {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, "config"), "analysis");
        if (!cJSON_IsObject(a)) continue;
        if (!first) first = a;
        else if (!cJSON_Compare(first, a, 1)) r->analysis_mixed = 1;
    }
    for (int k = 0; k < 4 && first; k++) {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(first, KEYS[k]));
        int best = m && !strcmp(m, "best_epoch"), last = m && !strcmp(m, "last_epoch");
        if (best) r->declared[k] = k < 2 ? AB_M_ACC_BEST : AB_M_GAP_BEST;
        if (last) r->declared[k] = k < 2 ? AB_M_ACC : AB_M_GAP_LAST;
    }
}

/* The variants, their baselines and the comparison with them; -1 when out
 * of memory. */
static int build(ab_report *r)
{
    if (!(r->sources = ab_runs_sources(r->runs))) return -1;
    read_analysis(r);
    cJSON *swept = ab_runs_swept(r->runs);
    r->swept = swept ? order_paths(swept) : NULL;
    cJSON_Delete(swept);
    if (!r->swept) return -1;
    r->n_swept = cJSON_GetArraySize(r->swept);
    r->short_names = calloc((size_t)r->n_swept + 1, sizeof *r->short_names);
    r->act_specific = calloc((size_t)r->n_swept + 1, sizeof *r->act_specific);
    if (!r->short_names || !r->act_specific || name_paths(r) || ab_report_group(r)) return -1;
    for (int i = 0; i < r->n_variants; i++) {
        ab_variant *v = &r->v[i];
        int self = ab_variant_is(v, r->baseline);
        v->baseline = self ? i : ab_report_find_baseline(r, i, r->baseline);
        ab_comparison *c = &v->vs_baseline;
        *c = (ab_comparison){.a = i, .b = self ? -1 : v->baseline, .metric = AB_M_ACC, .sign = +1,
                             .why = self ? "the baseline itself" : "no baseline variant with the same other settings"};
        ab_compare(c, r);
        const ab_ttest *t = ab_comparison_used(c);
        c->p_holm = c->b >= 0 && t->ok ? t->p : NAN; /* one comparison: nothing to adjust */
        ab_comparison_decide(c);
    }
    return 0;
}

ab_report *ab_report_build(ab_run_set *set, const char *baseline, ab_error *err)
{
    ab_report *r = calloc(1, sizeof *r);
    if (!r) {
        ab_run_set_free(set);
        ab_fail(err, AB_ERR_NOMEM, "out of memory building the report");
        return NULL;
    }
    r->runs = set->runs, r->left_out = set->left_out;
    set->runs = set->left_out = NULL;
    if (!cJSON_GetArraySize(r->runs)) {
        ab_fail(err, AB_ERR_ARG, "no runs to report");
        ab_report_free(r);
        return NULL;
    }
    snprintf(r->baseline, sizeof r->baseline, "%s", baseline ? baseline : "relu");
    if (build(r) || ab_report_judge(r)) {
        ab_fail(err, AB_ERR_NOMEM, "out of memory building the report");
        ab_report_free(r);
        return NULL;
    }
    return r;
}

void ab_report_free(ab_report *r)
{
    if (!r) return;
    for (int c = 0; c < AB_N_CLAIMS; c++) {
        ab_buf_free(&r->claims[c].summary);
        ab_buf_free(&r->claims[c].lines);
        cJSON_Delete(r->claims[c].numbers);
    }
    ab_report_free_variants(r);
    for (int k = 0; k < r->n_swept && r->short_names; k++) free(r->short_names[k]);
    free(r->short_names);
    free(r->act_specific);
    cJSON_Delete(r->swept);
    cJSON_Delete(r->sources);
    cJSON_Delete(r->runs);
    cJSON_Delete(r->left_out);
    free(r);
}
