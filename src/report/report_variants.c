/* report_variants.c: runs grouped into variants (equal values of every
 * swept path, the seed excluded), each variant's label, its finished runs
 * (final and best-epoch accuracies, by seed) and their statistics, its
 * revivals, and the order of the table: baseline activation first, then
 * relu, leaky_relu, rrelu, prelu, the others, each by its values. Calls
 * only stats, report_fmt and the config helpers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "report_fmt.h"
#include "report_internal.h"

static const char *const ACT_ORDER[] = {"relu", "leaky_relu", "rrelu", "prelu", "elu", "selu",
                                        "sigmoid", "tanh", "linear", NULL};

static int act_rank(const ab_report *r, const char *act)
{
    if (!strcmp(act, r->baseline)) return -1;
    int k = 0;
    while (ACT_ORDER[k] && strcmp(ACT_ORDER[k], act)) k++;
    return k;
}

static const cJSON *value_of(const ab_report *r, const ab_variant *v, int k)
{
    return ab_config_get(v->config, cJSON_GetArrayItem(r->swept, k)->valuestring);
}

/* <0, 0, >0 as variant a sorts before, with or after b */
static int variant_cmp(const ab_report *r, const ab_variant *a, const ab_variant *b)
{
    int d = act_rank(r, a->activation) - act_rank(r, b->activation);
    if (d) return d;
    if ((d = strcmp(a->activation, b->activation))) return d;
    for (int k = 0; k < r->n_swept; k++) {
        if (!a->values[k] || !b->values[k]) d = !!a->values[k] - !!b->values[k];
        else {
            const cJSON *x = value_of(r, a, k), *y = value_of(r, b, k);
            if (cJSON_IsNumber(x) && cJSON_IsNumber(y)) d = (x->valuedouble > y->valuedouble) - (x->valuedouble < y->valuedouble);
            else d = strcmp(a->values[k], b->values[k]);
        }
        if (d) return d;
    }
    return 0;
}

static void sort_variants(ab_report *r)
{
    for (int i = 1; i < r->n_variants; i++) {
        ab_variant t = r->v[i];
        int j = i;
        for (; j > 0 && variant_cmp(r, &r->v[j - 1], &t) > 0; j--) r->v[j] = r->v[j - 1];
        r->v[j] = t;
    }
}

static void free_values(char **vals, int n)
{
    for (int k = 0; k < n; k++) free(vals[k]);
    free(vals);
}

/* The variant of run values vals (added when new); its index. */
static int variant_of(ab_report *r, char **vals, const cJSON *cfg)
{
    for (int i = 0; i < r->n_variants; i++) {
        int same = 1;
        for (int k = 0; k < r->n_swept && same; k++) {
            const char *a = r->v[i].values[k], *b = vals[k];
            same = (!a && !b) || (a && b && !strcmp(a, b));
        }
        if (same) return i;
    }
    ab_variant *v = &r->v[r->n_variants];
    memset(v, 0, sizeof *v);
    v->values = vals;
    v->config = cfg;
    v->activation = cJSON_GetStringValue(ab_config_get(cfg, "model.activation"));
    if (!v->activation) v->activation = "?";
    v->n_layers = ab_config_probed_layers(cfg) > 0 ? ab_config_probed_layers(cfg) : 0;
    return r->n_variants++;
}

static void make_label(const ab_report *r, ab_variant *v)
{
    ab_buf_add(&v->label, "%s", v->activation);
    for (int k = 0; k < r->n_swept; k++) {
        const char *path = cJSON_GetArrayItem(r->swept, k)->valuestring;
        if (!v->values[k] || !strcmp(path, "model.activation")) continue;
        ab_buf_add(&v->label, " %s=", r->short_names[k]);
        ab_fmt_setting(&v->label, path, value_of(r, v, k));
    }
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* Revivals over the epochs of a finished run, layer 1 and layers >= 2:
 * events (the per-epoch "revived") and distinct units (the largest
 * "revived_units_total", a running count; absent in older run files). */
static void count_revived(ab_variant *v, const cJSON *run)
{
    long events[2] = {0, 0};
    double distinct[2] = {0, 0};
    int has_distinct = 1, n_layers = 0;
    const cJSON *e, *l;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(run, "epochs"))
    {
        int h = 0;
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(e, "layers"))
        {
            int k = h++ > 0;
            double n = num_of(l, "revived"), d = num_of(l, "revived_units_total");
            /* counts; a damaged file's 1e300 must not reach the casts to long */
            if (isfinite(n) && fabs(n) < 1e15) events[k] += (long)n;
            if (!cJSON_GetObjectItemCaseSensitive(l, "revived_units_total")) has_distinct = 0;
            else if (isfinite(d) && fabs(d) < 1e15 && d > distinct[k]) distinct[k] = d;
        }
        if (h > n_layers) n_layers = h;
    }
    v->events_first += events[0];
    v->events_upper += events[1];
    if (has_distinct && n_layers) {
        v->n_distinct++;
        v->distinct_first += (long)distinct[0];
        v->distinct_upper += (long)distinct[1];
    }
    v->runs_revived_upper += has_distinct && n_layers ? distinct[1] > 0 : events[1] > 0;
}

/* The training examples of a run: its last epoch's train_measured (every
 * training example at the last epoch), else data.train_limit, else
 * data.n_train (synthetic data); 0 when none is known. */
static long train_examples(const cJSON *run)
{
    const cJSON *epochs = cJSON_GetObjectItemCaseSensitive(run, "epochs");
    double n = num_of(cJSON_GetArrayItem(epochs, cJSON_GetArraySize(epochs) - 1), "train_measured");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, "config"), "data");
    if (!(n > 0)) n = num_of(data, "train_limit");
    if (!(n > 0)) n = num_of(data, "n_train");
    return n > 0 && n < 1e15 ? (long)n : 0;
}

static void add_run(ab_variant *v, const cJSON *run)
{
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(run, "status"));
    v->n++;
    if (st && !strcmp(st, "diverged"))
        v->diverged_seed[v->n_diverged++] = num_of(cJSON_GetObjectItemCaseSensitive(run, "config"), "seed");
    if (!st || strcmp(st, "ok")) {
        v->n_failed += !st || strcmp(st, "diverged");
        return;
    }
    int i = v->n_ok++;
    if (!v->n_train) v->n_train = train_examples(run);
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(run, "final");
    const cJSON *best = cJSON_GetObjectItemCaseSensitive(fin, "best");
    ab_run_row *row = &v->rows[i];
    row->seed = num_of(cJSON_GetObjectItemCaseSensitive(run, "config"), "seed");
    row->acc = num_of(fin, "test_accuracy");
    row->train = num_of(fin, "train_accuracy");
    row->gap = row->train - row->acc;
    row->acc_best = num_of(best, "test_accuracy");
    row->train_best = num_of(best, "train_accuracy");
    row->gap_best = row->train_best - row->acc_best;
    v->n_best += isfinite(row->gap_best);
    const cJSON *dead = cJSON_GetObjectItemCaseSensitive(fin, "dead_fraction");
    for (int h = 0; h < v->n_layers; h++) {
        const cJSON *x = cJSON_GetArrayItem(dead, h);
        v->dead[(size_t)i * v->n_layers + h] = cJSON_IsNumber(x) ? x->valuedouble : NAN;
    }
    count_revived(v, run);
}

/* The statistics of a variant over its finished runs; -1 when out of memory. */
static int finish_stats(ab_variant *v)
{
    double *col = calloc((size_t)v->n_ok + (size_t)v->n_layers + 1, sizeof *col);
    v->dead_mean = calloc((size_t)v->n_layers + 1, sizeof *v->dead_mean);
    if (!col || !v->dead_mean) {
        free(col);
        return -1;
    }
    for (int i = 0; i < v->n_ok; i++) col[i] = v->rows[i].acc;
    v->acc_s = ab_sample_of(col, v->n_ok);
    for (int i = 0; i < v->n_ok; i++) col[i] = v->rows[i].gap;
    v->gap_s = ab_sample_of(col, v->n_ok);
    for (int i = 0; i < v->n_ok; i++) col[i] = v->rows[i].gap_best;
    v->gap_best_s = ab_sample_of(col, v->n_ok);
    for (int h = 0; h < v->n_layers; h++) {
        for (int i = 0; i < v->n_ok; i++) col[i] = v->dead[(size_t)i * v->n_layers + h];
        v->dead_mean[h] = ab_sample_of(col, v->n_ok).mean;
    }
    free(col);
    return 0;
}

/* The canonical text of each swept value of run (NULL when absent); NULL
 * when out of memory. */
static char **run_values(const ab_report *r, const cJSON *run)
{
    char **vals = calloc((size_t)r->n_swept + 1, sizeof *vals);
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(run, "config");
    for (int k = 0; k < r->n_swept && vals; k++) {
        const cJSON *x = ab_config_get(cfg, cJSON_GetArrayItem(r->swept, k)->valuestring);
        if (x && !(vals[k] = ab_config_canonical(x, NULL))) {
            free_values(vals, k);
            vals = NULL;
        }
    }
    return vals;
}

int ab_report_group(ab_report *r)
{
    int n_runs = cJSON_GetArraySize(r->runs), i = 0;
    int *which = calloc((size_t)n_runs + 1, sizeof *which);
    r->v = calloc((size_t)n_runs + 1, sizeof *r->v);
    if (!which || !r->v) {
        free(which);
        return -1;
    }
    const cJSON *run;
    cJSON_ArrayForEach(run, r->runs)
    {
        char **vals = run_values(r, run);
        if (!vals) {
            free(which);
            return -1;
        }
        int before = r->n_variants;
        which[i++] = variant_of(r, vals, cJSON_GetObjectItemCaseSensitive(run, "config"));
        if (r->n_variants == before) free_values(vals, r->n_swept);
    }
    for (i = 0; i < n_runs; i++) r->v[which[i]].n++;
    for (int j = 0; j < r->n_variants; j++) {
        ab_variant *v = &r->v[j];
        v->rows = calloc((size_t)v->n + 1, sizeof *v->rows);
        v->dead = calloc((size_t)v->n * (size_t)v->n_layers + 1, sizeof *v->dead);
        v->diverged_seed = calloc((size_t)v->n + 1, sizeof *v->diverged_seed);
        if (!v->rows || !v->dead || !v->diverged_seed) {
            free(which);
            return -1;
        }
        v->n = 0;
        if (v->n_layers > r->max_layers) r->max_layers = v->n_layers;
    }
    i = 0;
    cJSON_ArrayForEach(run, r->runs) add_run(&r->v[which[i++]], run);
    free(which);
    for (int j = 0; j < r->n_variants; j++) {
        if (finish_stats(&r->v[j])) return -1;
        make_label(r, &r->v[j]);
        if (r->v[j].label.oom) return -1;
        r->any_best |= r->v[j].n_best > 0;
    }
    sort_variants(r);
    return 0;
}

void ab_report_free_variants(ab_report *r)
{
    for (int j = 0; j < r->n_variants; j++) {
        ab_variant *v = &r->v[j];
        free_values(v->values, r->n_swept);
        ab_buf_free(&v->label);
        free(v->rows);
        free(v->dead);
        free(v->dead_mean);
        free(v->diverged_seed);
    }
    free(r->v);
}
