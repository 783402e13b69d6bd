/* report_match.c: the variant-matching rules (report_match.h). Reads the
 * variants of a report; calls nothing else of src/report. */
#include "report_match.h"
#include <math.h>
#include <string.h>
#include "../config/experiment.h"

/* The keys of an activation: a relu run does not have them, so they are
 * not "other settings" when a variant is matched with its baseline. */
static const char *const ACT_PATHS[] = {"model.activation", "model.alpha", "model.rrelu_lower",
                                        "model.rrelu_upper", "model.rrelu_form", "model.prelu_sharing",
                                        "model.prelu_weight_decay", "model.leaky_gain", NULL};

/* Keys that change what is measured, not what is trained: runs that differ
 * only in them have the same other settings. */
static const char *const MEASURE_PATHS[] = {"probe.every_steps", "train.eval_size", NULL};

int ab_path_rank(const char *p)
{
    int act = 0, measure = 0;
    for (const char *const *a = ACT_PATHS; *a; a++) act |= !strcmp(*a, p);
    for (const char *const *m = MEASURE_PATHS; *m; m++) measure |= !strcmp(*m, p);
    return !strcmp(p, "model.activation") ? 0 : act ? 1 : measure ? 3 : 2;
}

int ab_is_leaky(const char *a)
{
    return !strcmp(a, "leaky_relu") || !strcmp(a, "rrelu") || !strcmp(a, "prelu");
}

static int is_alpha_zero(const ab_variant *v)
{
    return !strcmp(v->activation, "leaky_relu") && ab_variant_num(v, "model.alpha") == 0.0;
}

int ab_variant_is(const ab_variant *v, const char *act)
{
    return !strcmp(v->activation, act) || (!strcmp(act, "relu") && is_alpha_zero(v));
}

int ab_variant_leaky(const ab_variant *v)
{
    return ab_is_leaky(v->activation) && !is_alpha_zero(v);
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

static const char *swept_path(const ab_report *r, int k)
{
    return cJSON_GetArrayItem(r->swept, k)->valuestring;
}

int ab_report_same(const ab_report *r, int i, int j, int skip_act, const char *skip_path)
{
    const char *const skip[2] = {skip_path, NULL};
    return ab_report_same_except(r, i, j, skip_act, skip);
}

static int listed(const char *const *paths, const char *p)
{
    for (; paths && *paths; paths++)
        if (!strcmp(*paths, p)) return 1;
    return 0;
}

int ab_report_same_except(const ab_report *r, int i, int j, int skip_act, const char *const *skip_paths)
{
    for (int k = 0; k < r->n_swept; k++) {
        if ((skip_act && r->act_specific[k]) || listed(skip_paths, swept_path(r, k)) ||
            ab_path_rank(swept_path(r, k)) == 3)
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
        if (r->act_specific[k] && strcmp(swept_path(r, k), "model.activation") && a && b && strcmp(a, b))
            return 0;
    }
    return 1;
}

int ab_report_find_baseline(const ab_report *r, int i, const char *act)
{
    int found = -1, n = 0, n_shared = 0, found_shared = -1;
    for (int j = 0; j < r->n_variants; j++) {
        if (j == i || !ab_variant_is(&r->v[j], act) || !ab_report_same(r, i, j, 1, NULL)) continue;
        found = j, n++;
        if (same_shared_act_keys(r, i, j)) found_shared = j, n_shared++;
    }
    if (n == 1) return found;
    return n_shared == 1 ? found_shared : -1;
}
