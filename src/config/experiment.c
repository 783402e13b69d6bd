/* experiment.c: the public face of the config module: load a YAML file,
 * apply --set overrides, check, expand, and keep each run as resolved JSON
 * (run_id first) and as a typed ab_run_config, plus the swept paths.
 * Prints nothing and never exits. */
#include "experiment.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "schema.h"
#include "settings.h"


/* The file's base name without .yaml/.yml, other characters as '_'. */
static void default_name(char *out, size_t size, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".yaml")) n -= 5;
    else if (n > 4 && !strcmp(base + n - 4, ".yml")) n -= 4;
    if (n > 100) n = 100;
    snprintf(out, size, "%.*s", (int)n, base);
    for (char *c = out; *c; c++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", *c)) *c = '_';
    if (!out[0]) snprintf(out, size, "experiment");
}

/* A copy of run with "run_id" as its first key. */
static cJSON *with_id(cJSON *run, const char *id)
{
    cJSON *out = cJSON_CreateObject();
    if (!out || !cJSON_AddStringToObject(out, "run_id", id)) {
        cJSON_Delete(out);
        return NULL;
    }
    while (run->child) {
        cJSON *c = cJSON_DetachItemViaPointer(run, run->child);
        if (!cJSON_AddItemToObject(out, c->string, c)) { /* out of memory: no run without a key */
            cJSON_Delete(c);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

int ab_config_absent_is_value(const char *dot_path)
{
    return !strcmp(dot_path, "model.hidden") || !strcmp(dot_path, "model.layers") ||
           !strcmp(dot_path, "data.augment");
}

/* 1 when path takes two or more values among the runs it applies to; for
 * a key that may be absent where it applies (ab_config_absent_is_value),
 * being absent from some runs is one more value. */
static int differs(const ab_experiment *e, const char *path)
{
    char *first = NULL;
    int diff = 0, absent = 0;
    int optional = ab_config_absent_is_value(path);
    for (int i = 0; !diff && i < e->n_runs; i++) {
        const cJSON *v = ab_config_get(e->json[i], path);
        absent |= !v;
        if (!v) continue;
        if (optional && absent) diff = 1;
        char *t = ab_config_canonical(v, NULL);
        if (!first) first = t, t = NULL;
        else diff = !t || strcmp(first, t);
        free(t);
    }
    if (optional && absent && first) diff = 1;
    free(first);
    return diff;
}

static ab_status find_swept(ab_experiment *e)
{
    e->swept = calloc((size_t)ab_schema_count() + 1, sizeof *e->swept);
    if (!e->swept) return AB_ERR_NOMEM;
    for (int i = 0; i <= ab_schema_count(); i++) {
        const ab_key *k = ab_schema_key(i);
        const char *path = !k ? "seed" : k->path;
        if (k && (k->part || k->type == AB_K_GROUP || k->type == AB_K_VARIANTS || k->type == AB_K_SEEDS))
            continue;
        if (!differs(e, path)) continue;
        if (!(e->swept[e->n_swept] = strdup(path))) return AB_ERR_NOMEM;
        e->n_swept++;
    }
    return AB_OK;
}

/* Parse, override, check and expand into e. */
static ab_status build(ab_experiment *e, ab_ypool *pool, const char *path, char *const *sets, int n_sets,
                       ab_error *err)
{
    ab_ynode *root = NULL;
    ab_spec spec = {0};
    ab_runs runs = {0};
    char name[128];
    ab_status st = ab_yaml_parse_file(pool, path, &root, err);
    if (st != AB_OK) return st;
    if (!root || ab_ynode_is_null(root))
        return ab_fail(err, AB_ERR_FORMAT, "%s:1:1: the file is empty; expected a mapping of settings", path);
    if (root->kind != AB_Y_MAP)
        return ab_ynode_fail(err, root, NULL, "expected a mapping of settings (name, data, model, train, ...)");
    default_name(name, sizeof name, path);
    if ((st = ab_overrides_apply(pool, root, sets, n_sets, err)) == AB_OK &&
        (st = ab_spec_collect(&spec, root, err)) == AB_OK)
        st = ab_sweep_expand(&runs, &spec, name, err);
    ab_spec_free(&spec);
    if (st != AB_OK) return st;
    e->json = calloc((size_t)runs.n + 1, sizeof *e->json);
    e->runs = calloc((size_t)runs.n + 1, sizeof *e->runs);
    if (!e->json || !e->runs) st = AB_ERR_NOMEM;
    for (int i = 0; st == AB_OK && i < runs.n; i++) {
        ab_run_config *rc = &e->runs[i];
        if ((st = ab_run_fill(rc, runs.runs[i], err)) != AB_OK) break;
        if (!(e->json[i] = with_id(runs.runs[i], rc->run_id))) st = AB_ERR_NOMEM;
        else e->n_runs++;
    }
    if (st == AB_OK) st = ab_origins_keep(e, &runs);
    ab_runs_free(&runs);
    if (st == AB_OK) {
        snprintf(e->name, sizeof e->name, "%s", e->runs[0].name);
        st = find_swept(e);
    }
    if (st == AB_ERR_NOMEM) ab_fail(err, st, "%s: out of memory", path);
    return st;
}

ab_status ab_experiment_load(ab_experiment **out, const char *path, char *const *sets, int n_sets,
                             ab_error *err)
{
    *out = NULL;
    ab_experiment *e = calloc(1, sizeof *e);
    ab_ypool *pool = ab_ypool_new();
    ab_status st = e && pool ? build(e, pool, path, sets, n_sets, err) : ab_fail(err, AB_ERR_NOMEM, "out of memory");
    ab_ypool_free(pool);
    if (st != AB_OK) ab_experiment_free(e);
    else *out = e;
    return st;
}

void ab_experiment_free(ab_experiment *e)
{
    if (!e) return;
    for (int i = 0; i < e->n_runs; i++) cJSON_Delete(e->json[i]);
    for (int i = 0; i < e->n_swept; i++) free(e->swept[i]);
    free(e->json);
    free(e->runs);
    free(e->swept);
    ab_origins_free(e);
    free(e);
}

const char *ab_experiment_name(const ab_experiment *e) { return e->name; }
int ab_experiment_n_runs(const ab_experiment *e) { return e->n_runs; }
int ab_experiment_n_swept(const ab_experiment *e) { return e->n_swept; }

const ab_run_config *ab_experiment_run(const ab_experiment *e, int i)
{
    return i >= 0 && i < e->n_runs ? &e->runs[i] : NULL;
}

const cJSON *ab_experiment_run_json(const ab_experiment *e, int i)
{
    return i >= 0 && i < e->n_runs ? e->json[i] : NULL;
}

void ab_experiment_run_line(char *buf, unsigned long size, const ab_experiment *e, int i)
{
    const cJSON *run = ab_experiment_run_json(e, i);
    size_t used = (size_t)snprintf(buf, size, "%d %s", i + 1, run ? e->runs[i].run_id : "?");
    for (int k = 0; run && k < e->n_swept && used < size; k++) {
        char value[256];
        ab_config_value_text(value, sizeof value, ab_config_get(run, e->swept[k]));
        used += (size_t)snprintf(buf + used, size - used, " %s=%s", e->swept[k], value);
    }
}

const char *ab_experiment_swept(const ab_experiment *e, int k)
{
    return k >= 0 && k < e->n_swept ? e->swept[k] : NULL;
}
