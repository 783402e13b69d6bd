/* summary.c: the summary table of a result directory and its groups over
 * seeds. Reads only run files; knows nothing of how they were made. */
#include "summary.h"
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "../run/json_num.h"
#include "../run/run_file.h"

const char *const AB_SUMMARY_METRICS[] = {
    "test_accuracy", "test_loss", "train_accuracy", "train_loss", "train_test_gap", "val_accuracy",
    "val_loss", "best_epoch", "epochs_completed", "seconds", "examples_per_second", NULL};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

cJSON *ab_runs_read(const char *dir, ab_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/runs", dir);
    DIR *d = opendir(path);
    if (!d) {
        ab_fail(err, AB_ERR_IO, "%s: cannot read the runs directory", path);
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!nn) break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/runs/%s", dir, names[i]);
        cJSON *doc = ab_json_read_file(path, NULL);
        if (doc && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "config")))
            cJSON_AddItemToArray(arr, doc);
        else
            cJSON_Delete(doc);
        free(names[i]);
    }
    free(names);
    return arr;
}

static int skip_key(const char *k)
{
    return !strcmp(k, "run_id") || !strcmp(k, "name") || !strcmp(k, "description");
}

/* Adds the dot paths of every leaf of cfg to paths (once each). */
static void collect_paths(cJSON *paths, const cJSON *cfg, const char *prefix)
{
    for (const cJSON *c = cfg->child; c; c = c->next) {
        if (!prefix[0] && skip_key(c->string)) continue;
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", c->string);
        if (cJSON_IsObject(c) && strcmp(path, "model.init")) { /* an init mapping is one value */
            collect_paths(paths, c, path);
            continue;
        }
        int seen = 0;
        for (const cJSON *p = paths->child; p && !seen; p = p->next) seen = !strcmp(p->valuestring, path);
        if (!seen) cJSON_AddItemToArray(paths, cJSON_CreateString(path));
    }
}

cJSON *ab_runs_swept(const cJSON *runs)
{
    cJSON *all = cJSON_CreateArray(), *swept = cJSON_CreateArray();
    for (const cJSON *r = runs->child; r; r = r->next)
        collect_paths(all, cJSON_GetObjectItemCaseSensitive(r, "config"), "");
    for (const cJSON *p = all->child; p; p = p->next) {
        if (!strcmp(p->valuestring, "seed")) continue;
        /* swept: two runs that have the key hold different values (a key
         * that does not apply to some runs, as alpha for relu, is absent there) */
        char *first = NULL;
        int differs = 0;
        for (const cJSON *r = runs->child; r && !differs; r = r->next) {
            const cJSON *v = ab_config_get(cJSON_GetObjectItemCaseSensitive(r, "config"), p->valuestring);
            if (!v) continue;
            char *text = ab_config_canonical(v, NULL);
            if (!first) first = text;
            else {
                differs = strcmp(first, text) != 0;
                free(text);
            }
        }
        free(first);
        if (differs) cJSON_AddItemToArray(swept, cJSON_CreateString(p->valuestring));
    }
    cJSON_AddItemToArray(swept, cJSON_CreateString("seed"));
    cJSON_Delete(all);
    return swept;
}

static const cJSON *final_of(const cJSON *run, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(run, "final"), key);
}

static cJSON *make_row(const cJSON *run, const cJSON *swept)
{
    cJSON *row = cJSON_CreateObject();
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(run, "config");
    cJSON_AddItemToObject(row, "run_id", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(run, "run_id"), 1));
    for (const cJSON *p = swept->child; p; p = p->next) {
        const cJSON *v = ab_config_get(cfg, p->valuestring);
        cJSON_AddItemToObject(row, p->valuestring, v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    cJSON_AddItemToObject(row, "status", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(run, "status"), 1));
    const cJSON *de = cJSON_GetObjectItemCaseSensitive(run, "diverged_epoch");
    cJSON_AddItemToObject(row, "diverged_epoch", de ? cJSON_Duplicate(de, 1) : cJSON_CreateNull());
    for (int m = 0; AB_SUMMARY_METRICS[m]; m++) {
        const cJSON *v = final_of(run, AB_SUMMARY_METRICS[m]);
        cJSON_AddItemToObject(row, AB_SUMMARY_METRICS[m], cJSON_IsNumber(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    /* one column per hidden layer, null for a run without final metrics
     * (failed), so that every row and group of a depth has the same keys */
    const cJSON *dead = final_of(run, "dead_fraction");
    int layers = cJSON_GetArraySize(ab_config_get(cfg, "model.hidden"));
    if (cJSON_IsArray(dead) && cJSON_GetArraySize(dead) > layers) layers = cJSON_GetArraySize(dead);
    for (int h = 0; h < layers; h++) {
        const cJSON *v = cJSON_IsArray(dead) ? cJSON_GetArrayItem(dead, h) : NULL;
        char key[64];
        snprintf(key, sizeof key, "dead_fraction.layer%d", h + 1);
        ab_json_add_num(row, key, cJSON_IsNumber(v) ? v->valuedouble : NAN);
    }
    return row;
}

/* The canonical text of a row's swept values without the seed: its group. */
static char *group_key(const cJSON *row, const cJSON *swept)
{
    cJSON *k = cJSON_CreateObject();
    for (const cJSON *p = swept->child; p; p = p->next)
        if (strcmp(p->valuestring, "seed"))
            cJSON_AddItemToObject(k, p->valuestring, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(row, p->valuestring), 1));
    char *text = ab_config_canonical(k, NULL);
    cJSON_Delete(k);
    return text;
}

/* mean, std (n - 1) and n of metric over the rows whose group is g. */
static void add_stats(cJSON *g, const char *metric, const cJSON *rows, char *const *keys, const char *key)
{
    double sum = 0.0, sumsq = 0.0;
    int n = 0, i = 0;
    for (const cJSON *r = rows->child; r; r = r->next, i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, metric);
        if (strcmp(keys[i], key) || !cJSON_IsNumber(v)) continue;
        sum += v->valuedouble;
        n++;
    }
    double mean = n ? sum / n : NAN;
    i = 0;
    for (const cJSON *r = rows->child; r; r = r->next, i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, metric);
        if (!strcmp(keys[i], key) && cJSON_IsNumber(v)) sumsq += (v->valuedouble - mean) * (v->valuedouble - mean);
    }
    char name[128];
    snprintf(name, sizeof name, "%s_mean", metric);
    ab_json_add_num(g, name, mean);
    snprintf(name, sizeof name, "%s_std", metric);
    ab_json_add_num(g, name, n > 1 ? sqrt(sumsq / (n - 1)) : NAN);
    snprintf(name, sizeof name, "%s_n", metric);
    cJSON_AddNumberToObject(g, name, n);
}

static cJSON *make_groups(const cJSON *rows, const cJSON *swept)
{
    int n_rows = cJSON_GetArraySize(rows);
    char **keys = calloc((size_t)n_rows + 1, sizeof *keys);
    int i = 0;
    for (const cJSON *r = rows->child; r; r = r->next) keys[i++] = group_key(r, swept);
    cJSON *groups = cJSON_CreateArray();
    i = 0;
    for (const cJSON *r = rows->child; r; r = r->next, i++) {
        int first = 1;
        for (int j = 0; j < i && first; j++) first = strcmp(keys[j], keys[i]) != 0;
        if (!first) continue;
        cJSON *g = cJSON_CreateObject();
        for (const cJSON *p = swept->child; p; p = p->next)
            if (strcmp(p->valuestring, "seed"))
                cJSON_AddItemToObject(g, p->valuestring, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(r, p->valuestring), 1));
        int n = 0, ok = 0, div = 0, failed = 0, j = 0;
        for (const cJSON *q = rows->child; q; q = q->next, j++) {
            if (strcmp(keys[j], keys[i])) continue;
            const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "status"));
            n++;
            ok += st && !strcmp(st, "ok");
            div += st && !strcmp(st, "diverged");
            failed += !st || !strcmp(st, "failed");
        }
        cJSON_AddNumberToObject(g, "n", n);
        cJSON_AddNumberToObject(g, "n_ok", ok);
        cJSON_AddNumberToObject(g, "n_diverged", div);
        cJSON_AddNumberToObject(g, "n_failed", failed);
        for (int m = 0; AB_SUMMARY_METRICS[m]; m++) add_stats(g, AB_SUMMARY_METRICS[m], rows, keys, keys[i]);
        for (int h = 1;; h++) {
            char metric[64];
            snprintf(metric, sizeof metric, "dead_fraction.layer%d", h);
            if (!cJSON_GetObjectItemCaseSensitive(r, metric)) break;
            add_stats(g, metric, rows, keys, keys[i]);
        }
        cJSON_AddItemToArray(groups, g);
    }
    for (i = 0; i < n_rows; i++) free(keys[i]);
    free(keys);
    return groups;
}

cJSON *ab_summary_build(const char *dir, const char *experiment, const char *version, ab_error *err)
{
    cJSON *runs = ab_runs_read(dir, err);
    if (!runs) return NULL;
    cJSON *swept = ab_runs_swept(runs);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "schema_version", 1);
    cJSON_AddStringToObject(doc, "experiment", experiment);
    cJSON_AddStringToObject(doc, "actbench_version", version);
    cJSON_AddItemToObject(doc, "swept", swept);
    cJSON *rows = cJSON_AddArrayToObject(doc, "runs");
    for (const cJSON *r = runs->child; r; r = r->next) cJSON_AddItemToArray(rows, make_row(r, swept));
    cJSON_AddItemToObject(doc, "groups", make_groups(rows, swept));
    cJSON_Delete(runs);
    return doc;
}

ab_status ab_summary_write(const char *dir, const char *experiment, const char *version, ab_error *err)
{
    cJSON *doc = ab_summary_build(dir, experiment, version, err);
    if (!doc) return AB_ERR_IO;
    char path[4096];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    ab_status st = ab_json_write_file(path, doc, err);
    cJSON_Delete(doc);
    return st;
}
