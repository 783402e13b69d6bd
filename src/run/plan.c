/* plan.c: the runs one invocation of 'actbench run' runs (shard, resume,
 * the output directory's rules) and the data sets they need. */
#include "plan.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "result_dir.h"
#include "run_file.h"

int ab_shard_has(int i, int k, int n)
{
    return n <= 0 || i % n == k;
}

static ab_status note(ab_plan *p, ab_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static ab_status note(ab_plan *p, ab_error *err, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char **nn = realloc(p->notes, (size_t)(p->n_notes + 1) * sizeof *nn);
    char *copy = strdup(line);
    if (!nn || !copy) {
        free(copy);
        if (nn) p->notes = nn;
        return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    }
    p->notes = nn;
    p->notes[p->n_notes++] = copy;
    return AB_OK;
}

static int path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Notes for the run files of DIR/runs that are neither runs of e nor listed
 * in the manifest man: damaged, or of another experiment. */
static ab_status check_strays(ab_plan *p, const ab_experiment *e, const cJSON *man, const char *dir, ab_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/runs", dir);
    DIR *d = opendir(path);
    if (!d) return AB_OK;
    int n = ab_experiment_n_runs(e);
    char **ids = malloc(((size_t)n + 1) * sizeof *ids);
    if (!ids) {
        closedir(d);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) ids[i] = (char *)ab_experiment_run(e, i)->run_id;
    qsort(ids, (size_t)n, sizeof *ids, cmp_str);
    const cJSON *listed = cJSON_GetObjectItemCaseSensitive(man, "runs");
    ab_status st = AB_OK;
    struct dirent *de;
    while (st == AB_OK && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json")) continue;
        char id[256];
        snprintf(id, sizeof id, "%.*s", (int)(len - 5), de->d_name);
        char *key = id;
        if (bsearch(&key, ids, (size_t)n, sizeof *ids, cmp_str)) continue;
        int in_manifest = 0;
        for (const cJSON *r = listed ? listed->child : NULL; r && !in_manifest; r = r->next)
            in_manifest = !strcmp(cJSON_GetObjectItemCaseSensitive(r, "run_id")->valuestring, id);
        if (in_manifest) continue;
        snprintf(path, sizeof path, "%s/runs/%s", dir, de->d_name);
        cJSON *doc = NULL;
        ab_error why = {{0}};
        ab_run_kind k = ab_run_file_load(path, ab_experiment_name(e), &doc, &why);
        cJSON_Delete(doc);
        if (k == AB_RUN_DAMAGED || k == AB_RUN_FOREIGN)
            st = note(p, err, "%s: %s; not a run of this experiment, left alone ('actbench summarize' reports it)",
                      path, why.msg);
    }
    closedir(d);
    free(ids);
    return st;
}

/* The run's settings that differ between runs, those that do not apply to
 * it ("model.alpha=-" for relu) left out. */
static void run_label(char *buf, size_t size, const ab_experiment *e, int i)
{
    char all[2048], *save = NULL;
    size_t used = 0;
    ab_run_settings_text(all, sizeof all, e, i);
    buf[0] = '\0';
    for (char *w = strtok_r(all, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t n = strlen(w);
        if (n >= 2 && !strcmp(w + n - 2, "=-")) continue;
        if (used + n + 2 >= size) break;
        used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " " : "", w);
    }
}

ab_status ab_plan_make(ab_plan *p, const ab_experiment *e, const ab_plan_opts *o, ab_error *err)
{
    memset(p, 0, sizeof *p);
    const char *name = ab_experiment_name(e);
    ab_status st = ab_result_dir_check(o->dir, name, err);
    if (st != AB_OK) return st;
    cJSON *man = NULL;
    if (ab_manifest_read(o->dir, &man, err) != AB_OK) return AB_ERR_FORMAT;
    p->total = ab_experiment_n_runs(e);
    p->jobs = calloc((size_t)p->total + 1, sizeof *p->jobs);
    if (!p->jobs) {
        cJSON_Delete(man);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for %d runs", p->total);
    }
    int existing = 0;
    for (int i = 0; i < p->total && st == AB_OK; i++) {
        if (!ab_shard_has(i, o->shard_k, o->shard_n)) continue;
        p->in_shard++;
        const ab_run_config *rc = ab_experiment_run(e, i);
        char path[4200];
        snprintf(path, sizeof path, "%s/runs/%s.json", o->dir, rc->run_id);
        int has_file = path_exists(path);
        existing += has_file;
        if (has_file && o->resume) {
            cJSON *doc = NULL;
            ab_error why = {{0}};
            ab_run_kind k = ab_run_file_load(path, name, &doc, &why);
            cJSON_Delete(doc);
            if (k == AB_RUN_FINISHED) {
                p->finished++;
                continue;
            }
            if (k == AB_RUN_DAMAGED || k == AB_RUN_FOREIGN) st = note(p, err, "%s: %s; running it again", path, why.msg);
        }
        p->jobs[p->n].index = i + 1;
        run_label(p->jobs[p->n].label, sizeof p->jobs[p->n].label, e, i);
        p->jobs[p->n].rc = rc;
        p->jobs[p->n].resolved = ab_experiment_run_json(e, i);
        p->n++;
    }
    if (st == AB_OK && existing > 0 && !o->resume && !o->force)
        st = ab_fail(err, AB_ERR_ARG, "%s already holds %d run%s of experiment '%s'%s; use --resume to keep them and "
                                      "run only the missing ones, or --force to run them again",
                     o->dir, existing, existing == 1 ? "" : "s", name, o->shard_n ? " in this shard" : "");
    if (st == AB_OK) st = check_strays(p, e, man, o->dir, err);
    cJSON_Delete(man);
    if (st != AB_OK) ab_plan_free(p);
    return st;
}

ab_status ab_plan_load_data(ab_plan *p, const ab_experiment *e, ab_error *err)
{
    p->sets = calloc((size_t)p->n + 1, sizeof *p->sets);
    p->set_keys = calloc((size_t)p->n + 1, sizeof *p->set_keys);
    if (!p->sets || !p->set_keys) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    for (int j = 0; j < p->n; j++) {
        const cJSON *data = ab_config_get(ab_experiment_run_json(e, p->jobs[j].index - 1), "data");
        char *key = ab_config_canonical(data, NULL);
        if (!key) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        int k = 0;
        while (k < p->n_sets && strcmp(p->set_keys[k], key)) k++;
        if (k == p->n_sets) {
            ab_error derr = {{0}};
            if (ab_data_load(&p->sets[k], &p->jobs[j].rc->data, &derr) != AB_OK) {
                free(key);
                return ab_fail(err, AB_ERR_ARG, "data: %s", derr.msg);
            }
            p->set_keys[p->n_sets++] = key;
        } else {
            free(key);
        }
        p->jobs[j].data = &p->sets[k];
    }
    return AB_OK;
}

void ab_plan_free(ab_plan *p)
{
    for (int k = 0; k < p->n_sets; k++) {
        ab_data_free(&p->sets[k]);
        free(p->set_keys[k]);
    }
    for (int i = 0; i < p->n_notes; i++) free(p->notes[i]);
    free(p->notes);
    free(p->set_keys);
    free(p->sets);
    free(p->jobs);
    memset(p, 0, sizeof *p);
}
