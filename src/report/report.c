/* report.c: building and freeing a report, the variant matching rules
 * (which paths belong to the activation, which variant is the baseline of
 * which) and the small helpers the report files share. */
#include "report.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "report_internal.h"
#include "summary.h"

/* The keys of an activation: a relu run does not have them, so they are
 * not "other settings" when a variant is matched with its baseline. */
static const char *const ACT_PATHS[] = {"model.activation", "model.alpha", "model.rrelu_lower",
                                        "model.rrelu_upper", "model.prelu_sharing",
                                        "model.prelu_weight_decay", "model.leaky_gain", NULL};

void ab_str_append(char **s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int add = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t len = *s ? strlen(*s) : 0;
    char *t = realloc(*s, len + (size_t)(add > 0 ? add : 0) + 1);
    if (!t) return;
    t[len] = '\0';
    va_start(ap, fmt);
    if (add > 0) vsnprintf(t + len, (size_t)add + 1, fmt, ap);
    va_end(ap);
    *s = t;
}

int ab_is_leaky(const char *a)
{
    return !strcmp(a, "leaky_relu") || !strcmp(a, "rrelu") || !strcmp(a, "prelu");
}

double ab_variant_dead_max(const ab_variant *v)
{
    double m = NAN;
    for (int h = 0; h < v->n_layers; h++)
        if (isfinite(v->dead_mean[h]) && !(v->dead_mean[h] <= m)) m = v->dead_mean[h];
    return m;
}

double ab_variant_num(const ab_variant *v, const char *path)
{
    const cJSON *x = ab_config_get(v->config, path);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

void ab_fmt_num(char *buf, size_t size, double x, int sign)
{
    if (!isfinite(x)) snprintf(buf, size, "-");
    else snprintf(buf, size, sign ? "%+.4f" : "%.4f", x);
}

void ab_fmt_p(char *buf, size_t size, double p)
{
    if (!isfinite(p)) snprintf(buf, size, "p=n/a");
    else if (p < 0.001) snprintf(buf, size, "p<0.001");
    else snprintf(buf, size, "p=%.3f", p);
}

const char *ab_verdict_name(ab_verdict v)
{
    return v == AB_SUPPORTS ? "supports" : v == AB_CONTRADICTS ? "contradicts" : "cannot tell";
}

int ab_report_same(const ab_report *r, int i, int j, int skip_act, const char *skip_path)
{
    for (int k = 0; k < r->n_swept; k++) {
        if ((skip_act && r->act_specific[k]) ||
            (skip_path && !strcmp(cJSON_GetArrayItem(r->swept, k)->valuestring, skip_path)))
            continue;
        const char *a = r->v[i].values[k], *b = r->v[j].values[k];
        if (!a != !b || (a && strcmp(a, b))) return 0;
    }
    return 1;
}

/* 1 when i and j agree on every activation key that both have. */
static int same_shared_act_keys(const ab_report *r, int i, int j)
{
    for (int k = 0; k < r->n_swept; k++) {
        const char *a = r->v[i].values[k], *b = r->v[j].values[k];
        if (r->act_specific[k] && strcmp(cJSON_GetArrayItem(r->swept, k)->valuestring, "model.activation") &&
            a && b && strcmp(a, b))
            return 0;
    }
    return 1;
}

int ab_report_find_baseline(const ab_report *r, int i, const char *act)
{
    int found = -1, n = 0, n_shared = 0, found_shared = -1;
    for (int j = 0; j < r->n_variants; j++) {
        if (j == i || strcmp(r->v[j].activation, act) || !ab_report_same(r, i, j, 1, NULL)) continue;
        found = j, n++;
        if (same_shared_act_keys(r, i, j)) found_shared = j, n_shared++;
    }
    if (n == 1) return found;
    return n_shared == 1 ? found_shared : -1;
}

static int path_rank(const char *p)
{
    int act = 0;
    for (const char *const *a = ACT_PATHS; *a; a++) act |= !strcmp(*a, p);
    return !strcmp(p, "model.activation") ? 0 : act ? 1 : 2;
}

/* The swept paths in a stable order: model.activation, the other keys of
 * the activation, then the rest, each group by name. */
static cJSON *order_paths(const cJSON *swept)
{
    int n = cJSON_GetArraySize(swept), k = 0;
    const char **p = calloc((size_t)n + 1, sizeof *p);
    const cJSON *x;
    cJSON_ArrayForEach(x, swept) if (strcmp(x->valuestring, "seed")) p[k++] = x->valuestring;
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0; j--) {
            int d = path_rank(p[j - 1]) - path_rank(p[j]);
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
 * or the whole path when two paths end alike. */
static void name_paths(ab_report *r)
{
    for (int k = 0; k < r->n_swept; k++) {
        const char *p = cJSON_GetArrayItem(r->swept, k)->valuestring, *last = last_part(p);
        int clash = 0;
        for (int j = 0; j < r->n_swept; j++)
            clash |= j != k && !strcmp(last_part(cJSON_GetArrayItem(r->swept, j)->valuestring), last);
        r->short_names[k] = strdup(clash ? p : strcmp(last, "learning_rate") ? last : "lr");
        r->act_specific[k] = path_rank(p) < 2;
    }
}

ab_report *ab_report_build(cJSON *runs, const char *baseline, ab_error *err)
{
    if (!runs || !cJSON_GetArraySize(runs)) {
        cJSON_Delete(runs);
        ab_fail(err, AB_ERR_ARG, "no runs to report");
        return NULL;
    }
    ab_report *r = calloc(1, sizeof *r);
    r->runs = runs;
    cJSON *swept = ab_runs_swept(runs);
    r->swept = order_paths(swept);
    cJSON_Delete(swept);
    r->n_swept = cJSON_GetArraySize(r->swept);
    r->short_names = calloc((size_t)r->n_swept + 1, sizeof *r->short_names);
    r->act_specific = calloc((size_t)r->n_swept + 1, sizeof *r->act_specific);
    snprintf(r->baseline, sizeof r->baseline, "%s", baseline ? baseline : "relu");
    name_paths(r);
    ab_report_group(r);
    for (int i = 0; i < r->n_variants; i++) {
        ab_variant *v = &r->v[i];
        int self = !strcmp(v->activation, r->baseline);
        v->baseline = self ? i : ab_report_find_baseline(r, i, r->baseline);
        v->vs_baseline = (ab_welch){0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        if (v->baseline >= 0 && !self) v->vs_baseline = ab_welch_test(v->acc_s, r->v[v->baseline].acc_s, 0.95);
    }
    ab_report_claims(r);
    return r;
}

void ab_report_free(ab_report *r)
{
    if (!r) return;
    for (int c = 0; c < AB_N_CLAIMS; c++) {
        free(r->claims[c].summary);
        free(r->claims[c].lines);
        cJSON_Delete(r->claims[c].numbers);
    }
    ab_report_free_variants(r);
    for (int k = 0; k < r->n_swept; k++) free(r->short_names[k]);
    free(r->short_names);
    free(r->act_specific);
    cJSON_Delete(r->swept);
    cJSON_Delete(r->runs);
    free(r);
}
