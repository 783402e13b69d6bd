/* summary.c: the summary table of a result directory and its groups over
 * seeds, and what the directory lacks compared with its manifest. Reads
 * only the manifest and the run files; knows nothing of how they were
 * made. */
#include "summary.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../config/experiment.h"
#include "../run/checkpoint.h"
#include "../run/json_num.h"
#include "../run/json_alloc.h"
#include "../run/result_dir.h"
#include "../run/run_file.h"

const char *const *const AB_SUMMARY_METRICS = AB_FINAL_METRICS;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keys of a resolved config that are not settings of a summary: the run
 * ID (a column of its own), the free-text description and the declared
 * analysis (how the report judges the runs). The name is a
 * setting (it tells the rows of several experiments apart) but never swept. */
static int skip_key(const char *k, int settings)
{
    return !strcmp(k, "run_id") || !strcmp(k, "description") || !strcmp(k, "analysis") ||
           (!settings && !strcmp(k, "name"));
}

/* Adds the dot paths of every leaf of cfg to paths (once each). A path
 * seen for the first time goes right after the path before it in cfg, so
 * that a key some runs lack (model.alpha of relu) keeps its place in the
 * configuration's order. *at is the index after the last path placed. */
static void collect_paths_at(cJSON *paths, const cJSON *cfg, const char *prefix, int settings, int *at)
{
    for (const cJSON *c = cJSON_IsObject(cfg) ? cfg->child : NULL; c; c = c->next) {
        if (!prefix[0] && skip_key(c->string, settings)) continue;
        char path[512];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", c->string);
        if (cJSON_IsObject(c) && strcmp(path, "model.init") && strcmp(path, "data.augment")) {
            /* an init or augment mapping is one value */
            collect_paths_at(paths, c, path, settings, at);
            continue;
        }
        int idx = 0, found = -1;
        for (const cJSON *p = paths->child; p && found < 0; p = p->next, idx++)
            if (!strcmp(p->valuestring, path)) found = idx;
        if (found >= 0) {
            *at = found + 1;
            continue;
        }
        cJSON *item = cJSON_CreateString(path);
        if (!item) continue;
        cJSON *after = cJSON_GetArrayItem(paths, *at);
        if (!after) {
            cJSON_AddItemToArray(paths, item);
        } else { /* linked by hand: Debian's cJSON 1.7.15 refuses cJSON_InsertItemInArray */
            item->next = after;
            item->prev = after->prev; /* the first item's prev is the last item */
            if (after == paths->child) paths->child = item;
            else after->prev->next = item;
            after->prev = item;
        }
        (*at)++;
    }
}

static void collect_paths(cJSON *paths, const cJSON *cfg, const char *prefix, int settings)
{
    int at = 0;
    collect_paths_at(paths, cfg, prefix, settings, &at);
}

cJSON *ab_runs_swept(const cJSON *runs)
{
    cJSON *all = cJSON_CreateArray(), *swept = cJSON_CreateArray();
    if (!all || !swept) {
        cJSON_Delete(all);
        cJSON_Delete(swept);
        return NULL;
    }
    for (const cJSON *r = runs->child; r; r = r->next)
        collect_paths(all, cJSON_GetObjectItemCaseSensitive(r, "config"), "", 0);
    for (const cJSON *p = all->child; p; p = p->next) {
        if (!strcmp(p->valuestring, "seed")) continue;
        /* swept: two runs that have the key hold different values (a key
         * that does not apply to some runs, as alpha for relu, is absent
         * there), or, for model.hidden, model.layers and data.augment, one
         * run has the key and another has not */
        char *first = NULL;
        int differs = 0, absent = 0, absent_counts = ab_config_absent_is_value(p->valuestring);
        for (const cJSON *r = runs->child; r && !differs; r = r->next) {
            const cJSON *v = ab_config_get(cJSON_GetObjectItemCaseSensitive(r, "config"), p->valuestring);
            absent |= !v;
            if (absent_counts && absent && first) differs = 1;
            if (!v) continue;
            char *text = ab_config_canonical(v, NULL);
            if (!first) first = text;
            else {
                differs = !text || strcmp(first, text) != 0;
                free(text);
            }
        }
        if (absent_counts && absent && first) differs = 1;
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

static cJSON *dup_or_null(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

static cJSON *make_row(const cJSON *run, const cJSON *settings)
{
    cJSON *row = cJSON_CreateObject();
    if (!row) return NULL;
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(run, "config");
    cJSON_AddItemToObject(row, "run_id", dup_or_null(cJSON_GetObjectItemCaseSensitive(run, "run_id")));
    for (const cJSON *p = settings->child; p; p = p->next)
        cJSON_AddItemToObject(row, p->valuestring, dup_or_null(ab_config_get(cfg, p->valuestring)));
    cJSON_AddItemToObject(row, "status", dup_or_null(cJSON_GetObjectItemCaseSensitive(run, "status")));
    const cJSON *de = cJSON_GetObjectItemCaseSensitive(run, "diverged_epoch");
    cJSON_AddItemToObject(row, "diverged_epoch", cJSON_IsNumber(de) ? cJSON_Duplicate(de, 1) : cJSON_CreateNull());
    for (int m = 0; AB_SUMMARY_METRICS[m]; m++) {
        const cJSON *v = final_of(run, AB_SUMMARY_METRICS[m]);
        cJSON_AddItemToObject(row, AB_SUMMARY_METRICS[m], cJSON_IsNumber(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    /* one column per probed layer (hidden, or conv and dense), null for a
     * run without final metrics (failed), so that every row and group of a
     * depth has the same keys */
    const cJSON *dead = final_of(run, "dead_fraction");
    int layers = ab_config_probed_layers(cfg);
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
    if (!k) return NULL;
    for (const cJSON *p = swept->child; p; p = p->next)
        if (strcmp(p->valuestring, "seed"))
            cJSON_AddItemToObject(k, p->valuestring, dup_or_null(cJSON_GetObjectItemCaseSensitive(row, p->valuestring)));
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

/* Groups of the rows that differ only in the seed; every setting but the
 * seed is the same within a group, and the group carries it. */
static cJSON *make_groups(const cJSON *rows, const cJSON *swept, const cJSON *settings)
{
    int n_rows = cJSON_GetArraySize(rows);
    char **keys = calloc((size_t)n_rows + 1, sizeof *keys);
    cJSON *groups = cJSON_CreateArray();
    int i = 0, ok = keys && groups;
    for (const cJSON *r = rows->child; r && ok; r = r->next) ok = (keys[i++] = group_key(r, swept)) != NULL;
    i = 0;
    for (const cJSON *r = rows->child; r && ok; r = r->next, i++) {
        int first = 1;
        for (int j = 0; j < i && first; j++) first = strcmp(keys[j], keys[i]) != 0;
        if (!first) continue;
        cJSON *g = cJSON_CreateObject();
        if (!(ok = g != NULL)) break;
        for (const cJSON *p = settings->child; p; p = p->next)
            if (strcmp(p->valuestring, "seed"))
                cJSON_AddItemToObject(g, p->valuestring, dup_or_null(cJSON_GetObjectItemCaseSensitive(r, p->valuestring)));
        int n = 0, n_ok = 0, div = 0, failed = 0, j = 0;
        for (const cJSON *q = rows->child; q; q = q->next, j++) {
            if (strcmp(keys[j], keys[i])) continue;
            const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(q, "status"));
            n++;
            n_ok += st && !strcmp(st, "ok");
            div += st && !strcmp(st, "diverged");
            failed += !st || !strcmp(st, "failed");
        }
        cJSON_AddNumberToObject(g, "n", n);
        cJSON_AddNumberToObject(g, "n_ok", n_ok);
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
    for (i = 0; keys && i < n_rows; i++) free(keys[i]);
    free(keys);
    if (!ok) {
        cJSON_Delete(groups);
        return NULL;
    }
    return groups;
}

cJSON *ab_runs_sources(const cJSON *runs)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *r = runs->child; r && out; r = r->next) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(r, "environment");
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(env, "source"));
        if (!src) src = "";
        cJSON *s = out->child;
        while (s && strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "source")), src)) s = s->next;
        if (s) {
            cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(s, "runs"),
                                 cJSON_GetObjectItemCaseSensitive(s, "runs")->valuedouble + 1);
            continue;
        }
        s = cJSON_CreateObject();
        if (!s || !cJSON_AddStringToObject(s, "source", src) || !cJSON_AddNumberToObject(s, "runs", 1) ||
            !cJSON_AddItemToArray(out, s)) {
            cJSON_Delete(s);
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

void ab_sources_text(char *buf, size_t size, const cJSON *sources)
{
    size_t k = 0;
    buf[0] = '\0';
    for (const cJSON *s = sources->child; s && k < size; s = s->next) {
        const char *src = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "source"));
        int n = (int)cJSON_GetObjectItemCaseSensitive(s, "runs")->valuedouble;
        int w = snprintf(buf + k, size - k, "%s%s (%d run%s)", k ? ", " : "", src && src[0] ? src : "not recorded", n,
                         n == 1 ? "" : "s");
        if (w < 0) break;
        k += (size_t)w;
    }
}

/* The summary document of the run documents runs (a cJSON array). */
static cJSON *build_summary(const cJSON *runs, const char *experiment, const char *version)
{
    cJSON *swept = ab_runs_swept(runs), *settings = cJSON_CreateArray(), *doc = cJSON_CreateObject();
    if (!swept || !settings || !doc) {
        cJSON_Delete(swept);
        cJSON_Delete(settings);
        cJSON_Delete(doc);
        return NULL;
    }
    for (const cJSON *r = runs->child; r; r = r->next)
        collect_paths(settings, cJSON_GetObjectItemCaseSensitive(r, "config"), "", 1);
    cJSON_AddNumberToObject(doc, "schema_version", 1);
    cJSON_AddStringToObject(doc, "experiment", experiment);
    cJSON_AddStringToObject(doc, "actbench_version", version);
    cJSON_AddItemToObject(doc, "swept", swept);
    cJSON_AddItemToObject(doc, "settings", settings);
    cJSON *rows = cJSON_AddArrayToObject(doc, "runs");
    int ok = rows != NULL;
    for (const cJSON *r = runs->child; r && ok; r = r->next) {
        cJSON *row = make_row(r, settings);
        ok = row != NULL;
        cJSON_AddItemToArray(rows, row);
    }
    cJSON *groups = ok ? make_groups(rows, swept, settings) : NULL;
    if (!groups) {
        cJSON_Delete(doc);
        return NULL;
    }
    cJSON_AddItemToObject(doc, "groups", groups);
    cJSON *sources = ab_runs_sources(runs);
    if (!sources || !cJSON_AddItemToObject(doc, "sources", sources)) {
        cJSON_Delete(sources);
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* The sorted names of the *.json files of DIR/runs (not hidden ones).
 * NULL with err when it cannot be read; an absent runs/ is empty. */
static char **list_runs(const char *dir, size_t *n_out, ab_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/runs", dir);
    *n_out = 0;
    char **names = calloc(1, sizeof *names);
    if (!names) return ab_fail(err, AB_ERR_NOMEM, "out of memory"), NULL;
    DIR *d = opendir(path);
    if (!d) {
        if (errno == ENOENT) return names;
        ab_fail(err, AB_ERR_IO, "%s: cannot read the runs directory: %s", path, strerror(errno));
        free(names);
        return NULL;
    }
    size_t n = 0, cap = 1;
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
        if (n + 1 >= cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!(ok = nn != NULL)) break;
            names = nn;
        }
        ok = (names[n++] = strdup(e->d_name)) != NULL;
    }
    closedir(d);
    if (!ok) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        ab_fail(err, AB_ERR_NOMEM, "%s: out of memory listing it", path);
        return NULL;
    }
    qsort(names, n, sizeof *names, cmp_str);
    names[n] = NULL;
    *n_out = n;
    return names;
}

static int add_unfinished(ab_dir_state *s, const char *state, const char *run_id, const char *settings, const char *why)
{
    cJSON *u = cJSON_CreateObject();
    if (!u) return -1;
    cJSON_AddItemToArray(s->unfinished, u);
    if (!cJSON_AddStringToObject(u, "state", state) || !cJSON_AddStringToObject(u, "run_id", run_id) ||
        !cJSON_AddStringToObject(u, "settings", settings ? settings : "") ||
        !(why ? cJSON_AddStringToObject(u, "why", why) : cJSON_AddNullToObject(u, "why")))
        return -1;
    return 0;
}

/* "epoch 12/40, checkpointed" when DIR/checkpoints holds a sound checkpoint
 * of run_id (what --resume would go on from), else "". */
static void checkpointed(char *buf, size_t size, const char *dir, const char *run_id)
{
    char ckpt_dir[4200], path[4400];
    ab_ckpt_header h;
    snprintf(ckpt_dir, sizeof ckpt_dir, "%s/checkpoints", dir);
    ab_ckpt_path(path, sizeof path, ckpt_dir, run_id);
    buf[0] = '\0';
    if (ab_ckpt_peek(path, &h) == AB_OK && !strcmp(h.run_id, run_id))
        snprintf(buf, size, "epoch %u/%u, checkpointed", h.epoch, h.epochs);
}

static int add_problem(ab_dir_state *s, const char *path, const char *what)
{
    char line[5000];
    snprintf(line, sizeof line, "%s: %s; left out of the summary", path, what);
    cJSON *str = cJSON_CreateString(line);
    if (!str) return -1;
    cJSON_AddItemToArray(s->problems, str);
    return 0;
}

/* The entry of the manifest for run_id, or NULL. */
static const cJSON *manifest_entry(const cJSON *man, const char *run_id)
{
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(man, "runs");
    for (const cJSON *r = runs ? runs->child : NULL; r; r = r->next)
        if (!strcmp(cJSON_GetObjectItemCaseSensitive(r, "run_id")->valuestring, run_id)) return r;
    return NULL;
}

/* The state the scan gave each file, by run ID, for the manifest pass. */
typedef struct {
    char *id;
    int state; /* 0 finished, 1 failed, 2 damaged */
    const char *why;
} seen_file;

ab_status ab_dir_scan(const char *dir, const char *experiment, const char *version, ab_dir_state *s, ab_error *err)
{
    memset(s, 0, sizeof *s);
    cJSON *man = NULL;
    ab_error e = {{0}};
    if (ab_manifest_read(dir, &man, &e) != AB_OK) return ab_fail(err, AB_ERR_ARG, "%s", e.msg);
    if (!man) {
        struct stat st;
        if (stat(dir, &st) != 0) return ab_fail(err, AB_ERR_ARG, "%s: %s", dir, strerror(errno));
        return ab_fail(err, AB_ERR_ARG, "%s: no experiment.json: not a result directory of 'actbench run'", dir);
    }
    if (!experiment) experiment = cJSON_GetObjectItemCaseSensitive(man, "experiment")->valuestring;
    const cJSON *listed = cJSON_GetObjectItemCaseSensitive(man, "runs");
    s->expected = listed ? cJSON_GetArraySize(listed) : -1;
    size_t n = 0;
    char **names = list_runs(dir, &n, err);
    if (!names) {
        cJSON_Delete(man);
        return AB_ERR_IO;
    }
    cJSON *runs = cJSON_CreateArray();
    seen_file *seen = calloc(n + 1, sizeof *seen);
    cJSON *whys = cJSON_CreateArray(); /* keeps the why strings of damaged files alive */
    s->unfinished = cJSON_CreateArray();
    s->problems = cJSON_CreateArray();
    ab_status st = runs && seen && whys && s->unfinished && s->problems ? AB_OK : AB_ERR_NOMEM;
    size_t n_seen = 0;
    for (size_t i = 0; i < n && st == AB_OK; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/runs/%s", dir, names[i]);
        cJSON *doc = NULL;
        ab_error why = {{0}};
        ab_run_kind k = ab_run_file_load(path, experiment, &doc, &why);
        seen_file *f = &seen[n_seen++];
        f->id = names[i];
        f->id[strlen(f->id) - 5] = '\0'; /* the run ID: the name without .json */
        if (k == AB_RUN_FINISHED || k == AB_RUN_FAILED) {
            const char *status = cJSON_GetObjectItemCaseSensitive(doc, "status")->valuestring;
            s->ok += !strcmp(status, "ok");
            s->diverged += !strcmp(status, "diverged");
            f->state = k == AB_RUN_FAILED;
            if (k == AB_RUN_FAILED) {
                f->why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "error"));
                s->failed++;
            }
            cJSON_AddItemToArray(runs, doc); /* keeps f->why alive */
            s->rows++;
            continue;
        }
        cJSON_Delete(doc);
        cJSON *w = cJSON_CreateString(why.msg);
        if (!w || add_problem(s, path, why.msg)) {
            cJSON_Delete(w);
            st = AB_ERR_NOMEM;
            break;
        }
        cJSON_AddItemToArray(whys, w);
        f->state = 2;
        f->why = w->valuestring;
        if (manifest_entry(man, f->id)) s->damaged++;
    }
    /* the manifest's runs, in its order: missing, failed or damaged */
    for (const cJSON *r = listed ? listed->child : NULL; r && st == AB_OK; r = r->next) {
        const char *id = cJSON_GetObjectItemCaseSensitive(r, "run_id")->valuestring;
        const char *settings = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "settings"));
        const seen_file *f = NULL;
        for (size_t i = 0; i < n_seen && !f; i++)
            if (!strcmp(seen[i].id, id)) f = &seen[i];
        int bad = 0;
        char ckpt[128], why[700];
        if (!f || f->state == 1) checkpointed(ckpt, sizeof ckpt, dir, id);
        if (!f) {
            s->missing++;
            bad = add_unfinished(s, "missing", id, settings, ckpt[0] ? ckpt : NULL);
        } else if (f->state == 1) {
            snprintf(why, sizeof why, "%.500s%s%s", f->why ? f->why : "no error recorded", ckpt[0] ? "; " : "", ckpt);
            bad = add_unfinished(s, "failed", id, settings, why);
        } else if (f->state == 2) {
            bad = add_unfinished(s, "damaged", id, settings, f->why);
        }
        if (bad) st = AB_ERR_NOMEM;
    }
    unsigned long failures = ab_json_alloc_failures();
    if (st == AB_OK && !(s->summary = build_summary(runs, experiment, version))) st = AB_ERR_NOMEM;
    if (st == AB_OK && ab_json_alloc_failures() != failures) st = AB_ERR_NOMEM; /* a field is missing */
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(seen);
    cJSON_Delete(whys);
    cJSON_Delete(runs);
    cJSON_Delete(man);
    if (st != AB_OK) {
        ab_dir_state_free(s);
        return ab_fail(err, st, "%s: out of memory building the summary", dir);
    }
    return AB_OK;
}

void ab_dir_state_free(ab_dir_state *s)
{
    cJSON_Delete(s->summary);
    cJSON_Delete(s->unfinished);
    cJSON_Delete(s->problems);
    memset(s, 0, sizeof *s);
}

ab_status ab_dir_state_write(const char *dir, const ab_dir_state *s, ab_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    return ab_json_write_file(path, s->summary, err);
}

ab_status ab_summary_write(const char *dir, const char *experiment, const char *version, ab_error *err)
{
    ab_dir_state s;
    ab_status st = ab_dir_scan(dir, experiment, version, &s, err);
    if (st != AB_OK) return st;
    st = ab_dir_state_write(dir, &s, err);
    ab_dir_state_free(&s);
    return st;
}
