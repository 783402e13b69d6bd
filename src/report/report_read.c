/* report_read.c: the run files of the directories given to 'actbench
 * report', read, checked and pooled. A DIR is a result directory (it has
 * DIR/runs) or holds result directories (results/ with results/<name>/runs).
 * Every file of DIR/runs is read except those whose name starts with '.'
 * (the temporary files of a run being written); a file that is not a run
 * file the report can use is left out with what is wrong, never silently.
 * The same run ID met twice (the relu runs of two 'run --set
 * model.alpha=...' directories) is kept once so that no run is counted
 * twice. */
#include "report.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include "../config/experiment.h"
#include "../run/result_dir.h"
#include "../run/run_file.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_runs(const char *dir)
{
    char path[4096 + 8];
    snprintf(path, sizeof path, "%s/runs", dir);
    return is_dir(path);
}

/* ---- the checks of one run document ---- */

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* -1 with "PATH: missing" or "PATH: not a TYPE" unless o[key] is of type
 * (null allowed with may_null; absent allowed with may_absent). */
enum { T_NUM, T_STR, T_OBJ, T_ARR };
static int want(const cJSON *o, const char *key, const char *path, int type, int may_null, int may_absent, char *why,
                size_t size)
{
    static const char *const NAMES[] = {"a number", "a string", "an object", "an array"};
    const cJSON *x = get(o, key);
    if (!x) {
        if (may_absent) return 0;
        snprintf(why, size, "%s: missing", path);
        return -1;
    }
    if (may_null && cJSON_IsNull(x)) return 0;
    int ok = type == T_NUM ? cJSON_IsNumber(x) : type == T_STR ? cJSON_IsString(x)
           : type == T_OBJ ? cJSON_IsObject(x) : cJSON_IsArray(x);
    if (ok) return 0;
    snprintf(why, size, "%s: not %s%s", path, NAMES[type], may_null ? " or null" : "");
    return -1;
}

/* -1 with "PATH: X is not ..." when o[key] is a number outside [lo, hi]
 * (or, with count, not a whole number): damaged values never reach the
 * statistics or a cast. */
static int want_in(const cJSON *o, const char *key, const char *path, double lo, double hi, int count, char *why,
                   size_t size)
{
    const cJSON *x = get(o, key);
    if (!cJSON_IsNumber(x)) return 0;
    double v = x->valuedouble;
    if (v >= lo && v <= hi && (!count || v == floor(v))) return 0;
    if (count) snprintf(why, size, "%s: %g is not a count (a whole number from %g to %g)", path, v, lo, hi);
    else snprintf(why, size, "%s: %g is not in [%g, %g]", path, v, lo, hi);
    return -1;
}

#define AB_MAX_COUNT 1e9

static int check_layers(const cJSON *epochs, char *why, size_t size)
{
    int e = 0;
    for (const cJSON *ep = epochs->child; ep; ep = ep->next, e++) {
        char path[96];
        snprintf(path, sizeof path, "epochs[%d]", e);
        if (!cJSON_IsObject(ep)) return snprintf(why, size, "%s: not an object", path), -1;
        snprintf(path, sizeof path, "epochs[%d].layers", e);
        if (want(ep, "layers", path, T_ARR, 0, 0, why, size)) return -1;
        int h = 0;
        for (const cJSON *l = get(ep, "layers")->child; l; l = l->next, h++) {
            snprintf(path, sizeof path, "epochs[%d].layers[%d]", e, h);
            if (!cJSON_IsObject(l)) return snprintf(why, size, "%s: not an object", path), -1;
            snprintf(path, sizeof path, "epochs[%d].layers[%d].revived", e, h);
            if (want(l, "revived", path, T_NUM, 1, 0, why, size) ||
                want_in(l, "revived", path, 0, AB_MAX_COUNT, 1, why, size))
                return -1;
            snprintf(path, sizeof path, "epochs[%d].layers[%d].revived_units_total", e, h);
            if (want(l, "revived_units_total", path, T_NUM, 1, 1, why, size) ||
                want_in(l, "revived_units_total", path, 0, AB_MAX_COUNT, 1, why, size))
                return -1;
        }
    }
    return 0;
}

static int check_final(const cJSON *fin, int n_hidden, char *why, size_t size)
{
    if (want(fin, "test_accuracy", "final.test_accuracy", T_NUM, 0, 0, why, size) ||
        want(fin, "train_accuracy", "final.train_accuracy", T_NUM, 0, 0, why, size) ||
        want(fin, "dead_fraction", "final.dead_fraction", T_ARR, 0, 0, why, size) ||
        want(fin, "best", "final.best", T_OBJ, 1, 1, why, size) ||
        want_in(fin, "test_accuracy", "final.test_accuracy", 0, 1, 0, why, size) ||
        want_in(fin, "train_accuracy", "final.train_accuracy", 0, 1, 0, why, size))
        return -1;
    const cJSON *dead = get(fin, "dead_fraction"), *x;
    if (cJSON_GetArraySize(dead) != n_hidden)
        return snprintf(why, size, "final.dead_fraction: %d entries for %d hidden layers", cJSON_GetArraySize(dead),
                        n_hidden), -1;
    cJSON_ArrayForEach(x, dead) if ((!cJSON_IsNumber(x) && !cJSON_IsNull(x)) ||
                                    (cJSON_IsNumber(x) && !(x->valuedouble >= 0 && x->valuedouble <= 1)))
        return snprintf(why, size, "final.dead_fraction: an entry is not a fraction (a number in [0, 1]) or null"), -1;
    const cJSON *best = get(fin, "best");
    if (cJSON_IsObject(best) &&
        (want(best, "epoch", "final.best.epoch", T_NUM, 0, 0, why, size) ||
         want(best, "train_accuracy", "final.best.train_accuracy", T_NUM, 0, 0, why, size) ||
         want(best, "test_accuracy", "final.best.test_accuracy", T_NUM, 0, 0, why, size) ||
         want_in(best, "train_accuracy", "final.best.train_accuracy", 0, 1, 0, why, size) ||
         want_in(best, "test_accuracy", "final.best.test_accuracy", 0, 1, 0, why, size)))
        return -1;
    return 0;
}

int ab_report_check_run(const cJSON *doc, char *why, size_t size)
{
    if (!cJSON_IsObject(doc)) return snprintf(why, size, "not a JSON object"), -1;
    if (want(doc, "run_id", "run_id", T_STR, 0, 0, why, size) || want(doc, "status", "status", T_STR, 0, 0, why, size) ||
        want(doc, "config", "config", T_OBJ, 0, 0, why, size))
        return -1;
    const char *st = get(doc, "status")->valuestring;
    int ok = !strcmp(st, "ok"), diverged = !strcmp(st, "diverged");
    if (!ok && !diverged && strcmp(st, "failed"))
        return snprintf(why, size, "status: '%.40s', not ok, diverged or failed", st), -1;
    const cJSON *cfg = get(doc, "config"), *model = get(cfg, "model"), *x;
    if (want(cfg, "seed", "config.seed", T_NUM, 0, 0, why, size) ||
        want(cfg, "model", "config.model", T_OBJ, 0, 0, why, size) ||
        want(model, "activation", "config.model.activation", T_STR, 0, 0, why, size))
        return -1;
    /* the network: model.layers (a CNN), else model.hidden */
    if (get(model, "layers") ? want(model, "layers", "config.model.layers", T_ARR, 0, 0, why, size)
                             : want(model, "hidden", "config.model.hidden", T_ARR, 0, 0, why, size))
        return -1;
    int probed = ab_config_probed_layers(cfg);
    cJSON_ArrayForEach(x, get(model, "hidden")) if (!cJSON_IsNumber(x))
        return snprintf(why, size, "config.model.hidden: an entry is not a number"), -1;
    cJSON_ArrayForEach(x, get(model, "layers")) if (!cJSON_IsObject(x))
        return snprintf(why, size, "config.model.layers: an entry is not an object"), -1;
    if (!ok && !diverged) return 0; /* a failed run: only counted */
    if (want(doc, "epochs", "epochs", T_ARR, 0, 0, why, size) || check_layers(get(doc, "epochs"), why, size) ||
        want(doc, "final", "final", T_OBJ, 0, 0, why, size))
        return -1;
    return ok ? check_final(get(doc, "final"), probed, why, size) : 0;
}

/* ---- reading ---- */

/* Appends {"file", "problem"} to set->left_out. */
static void leave_out(ab_run_set *set, const char *file, const char *problem)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return;
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "problem", problem);
    cJSON_AddItemToArray(set->left_out, o);
}

/* The run document of file path, or NULL with what is wrong: the checks
 * of every run file read back (ab_run_file_load: readable, JSON, run_id the
 * file name, status, of this experiment), then those of the report. */
static cJSON *read_run(const char *path, const char *experiment, char *why, size_t size)
{
    cJSON *doc = NULL;
    ab_error err = {""};
    ab_run_kind kind = ab_run_file_load(path, experiment, &doc, &err);
    if (kind == AB_RUN_DAMAGED || kind == AB_RUN_FOREIGN) {
        snprintf(why, size, "%s", err.msg);
        cJSON_Delete(doc);
        return NULL;
    }
    if (ab_report_check_run(doc, why, size)) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

static int seen_id(const cJSON *all, const char *id)
{
    for (const cJSON *r = all->child; r; r = r->next)
        if (!strcmp(get(r, "run_id")->valuestring, id)) return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in directory dir, sorted, without those starting with '.';
 * with only_result_dirs, only the children that are result directories.
 * -1 with err when dir cannot be listed. */
static int list_dir(const char *dir, int only_result_dirs, char ***out, ab_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ab_fail(err, AB_ERR_IO, "%s: cannot read the directory: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    int n = 0, cap = 0, oom = 0;
    struct dirent *e;
    while ((e = readdir(d)) && !oom) {
        char path[4096];
        if (e->d_name[0] == '.') continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        if (only_result_dirs && !has_runs(path)) continue;
        if (n == cap) {
            char **nn = realloc(names, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!nn) {
                oom = 1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(only_result_dirs ? path : e->d_name))) oom = 1;
        else n++;
    }
    closedir(d);
    if (oom) {
        for (int i = 0; i < n; i++) free(names[i]);
        free(names);
        ab_fail(err, AB_ERR_NOMEM, "%s: out of memory listing the directory", dir);
        return -1;
    }
    if (n) qsort(names, (size_t)n, sizeof *names, cmp_str);
    *out = names;
    return n;
}

static void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* The experiment DIR/experiment.json names (malloc'd); NULL when there is
 * none or it cannot be read (the runs' experiment is then not checked). */
static char *experiment_of(const char *dir)
{
    cJSON *m = NULL;
    ab_error err = {""};
    if (ab_manifest_read(dir, &m, &err) != AB_OK || !m) return NULL;
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "experiment"));
    char *out = name ? strdup(name) : NULL;
    cJSON_Delete(m);
    return out;
}

/* Reads the run files of result directory dir into set; the number of
 * files found (read or left out), -1 with err. */
static int take_runs(ab_run_set *set, const char *dir, ab_error *err)
{
    char runs_dir[4096 + 8];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", dir);
    char **names = NULL;
    int n = list_dir(runs_dir, 0, &names, err);
    if (n < 0) return -1;
    char *experiment = experiment_of(dir);
    for (int i = 0; i < n; i++) {
        char path[8192], why[300];
        snprintf(path, sizeof path, "%s/%s", runs_dir, names[i]);
        size_t len = strlen(names[i]);
        if (len < 6 || strcmp(names[i] + len - 5, ".json")) {
            leave_out(set, path, "not a run file (the name does not end in .json)");
            continue;
        }
        cJSON *doc = read_run(path, experiment, why, sizeof why);
        if (!doc) {
            leave_out(set, path, why);
        } else if (seen_id(set->runs, get(doc, "run_id")->valuestring)) {
            cJSON_Delete(doc);
            set->n_duplicates++;
        } else if (!cJSON_AddItemToArray(set->runs, doc)) {
            cJSON_Delete(doc);
            free(experiment);
            free_names(names, n);
            ab_fail(err, AB_ERR_NOMEM, "out of memory reading %s", path);
            return -1;
        }
    }
    free(experiment);
    free_names(names, n);
    return n;
}

void ab_run_set_free(ab_run_set *set)
{
    cJSON_Delete(set->runs);
    cJSON_Delete(set->left_out);
    set->runs = set->left_out = NULL;
    set->n_duplicates = 0;
}

/* Reads one DIR; the number of run files met, -1 with err. */
static int take_dir(ab_run_set *set, const char *dir, ab_error *err)
{
    if (!is_dir(dir)) return ab_fail(err, AB_ERR_IO, "%s: no such directory", dir), -1;
    if (has_runs(dir)) return take_runs(set, dir, err);
    char **children = NULL;
    int n = list_dir(dir, 1, &children, err), files = 0;
    if (n < 0) return -1;
    if (n == 0) return ab_fail(err, AB_ERR_IO, "%s: not a result directory (no %s/runs) and holds none", dir, dir), -1;
    for (int i = 0; i < n && files >= 0; i++) {
        int k = take_runs(set, children[i], err);
        files = k < 0 ? -1 : files + k;
    }
    free_names(children, n);
    return files;
}

int ab_report_read(ab_run_set *set, char *const *dirs, int n_dirs, ab_error *err)
{
    set->runs = cJSON_CreateArray();
    set->left_out = cJSON_CreateArray();
    set->n_duplicates = 0;
    if (!set->runs || !set->left_out) {
        ab_run_set_free(set);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory"), -1;
    }
    for (int i = 0; i < n_dirs; i++) {
        int files = take_dir(set, dirs[i], err);
        if (files == 0) ab_fail(err, AB_ERR_IO, "%s: no run files (runs/*.json)", dirs[i]);
        if (files <= 0) {
            ab_run_set_free(set);
            return -1;
        }
    }
    return 0;
}
