/* report_read.c: the run documents of the directories given to 'actbench
 * report', pooled. A DIR is a result directory (it has DIR/runs) or holds
 * result directories (results/ with results/<name>/runs). The same run ID
 * met twice (the relu runs of two 'run --set model.alpha=...' directories)
 * is kept once so that no run is counted twice. */
#include "report.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "summary.h"

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

static int seen_id(const cJSON *all, const char *id)
{
    for (const cJSON *r = all->child; r && id; r = r->next) {
        const char *other = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "run_id"));
        if (other && !strcmp(other, id)) return 1;
    }
    return 0;
}

/* Moves the runs of result directory dir into all; 0 or -1 with err. */
static int take_runs(cJSON *all, const char *dir, int *n_duplicates, ab_error *err)
{
    cJSON *runs = ab_runs_read(dir, err);
    if (!runs) return -1;
    while (runs->child) {
        cJSON *r = cJSON_DetachItemViaPointer(runs, runs->child);
        if (seen_id(all, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "run_id")))) {
            cJSON_Delete(r);
            ++*n_duplicates;
        } else {
            cJSON_AddItemToArray(all, r);
        }
    }
    cJSON_Delete(runs);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The runs of every result directory directly inside dir, in name order;
 * returns the number of result directories found, -1 on error. */
static int take_children(cJSON *all, const char *dir, int *n_duplicates, ab_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        ab_fail(err, AB_ERR_IO, "%s: cannot read the directory", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        if (e->d_name[0] == '.' || !has_runs(path)) continue;
        char **nn = realloc(names, (n + 1) * sizeof *names);
        if (!nn) break;
        names = nn;
        names[n++] = strdup(path);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    int status = (int)n;
    for (size_t i = 0; i < n; i++) {
        if (status >= 0 && take_runs(all, names[i], n_duplicates, err) < 0) status = -1;
        free(names[i]);
    }
    free(names);
    return status;
}

cJSON *ab_report_read(char *const *dirs, int n_dirs, int *n_duplicates, ab_error *err)
{
    cJSON *all = cJSON_CreateArray();
    *n_duplicates = 0;
    for (int i = 0; i < n_dirs; i++) {
        const char *dir = dirs[i];
        int before = cJSON_GetArraySize(all), dups = *n_duplicates, found = 1;
        if (!is_dir(dir)) {
            ab_fail(err, AB_ERR_IO, "%s: no such directory", dir), found = -1;
        } else if (has_runs(dir)) {
            found = take_runs(all, dir, n_duplicates, err) == 0 ? 1 : -1;
        } else {
            found = take_children(all, dir, n_duplicates, err);
            if (found == 0)
                ab_fail(err, AB_ERR_IO, "%s: not a result directory (no %s/runs) and holds none", dir, dir);
        }
        if (found > 0 && cJSON_GetArraySize(all) == before && *n_duplicates == dups)
            ab_fail(err, AB_ERR_IO, "%s: no run files (runs/*.json with a config) found", dir), found = 0;
        if (found <= 0) {
            cJSON_Delete(all);
            return NULL;
        }
    }
    return all;
}
