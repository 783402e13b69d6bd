/* result_dir.c: the manifest DIR/experiment.json, the rule for reusing a
 * result directory, and the lock that lets the shards of a job array
 * (on one machine or several sharing the file system) start into the same
 * DIR at the same time. */
#include "result_dir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "json_alloc.h"
#include "run_file.h"

int ab_mkdir_p(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

ab_status ab_manifest_read(const char *dir, cJSON **out, ab_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/experiment.json", dir);
    *out = NULL;
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT) return AB_OK;
    cJSON *man = ab_json_read_file(path, err);
    if (!man) return AB_ERR_FORMAT;
    const char *why = NULL;
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(man, "runs");
    if (!cJSON_IsObject(man)) why = "not a JSON object";
    else if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(man, "experiment"))) why = "no string field 'experiment'";
    else if (runs && !cJSON_IsArray(runs)) why = "'runs' is not an array";
    for (const cJSON *r = runs ? runs->child : NULL; r && !why; r = r->next)
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "run_id"))) why = "an entry of 'runs' has no string 'run_id'";
    if (why) {
        cJSON_Delete(man);
        return ab_fail(err, AB_ERR_FORMAT, "%s: %s", path, why);
    }
    *out = man;
    return AB_OK;
}

ab_status ab_result_dir_check(const char *dir, const char *experiment, ab_error *err)
{
    cJSON *man = NULL;
    ab_error e = {{0}};
    if (ab_manifest_read(dir, &man, &e) != AB_OK)
        return ab_fail(err, AB_ERR_ARG, "%s; refusing to run into %s (choose another -o DIR, or remove the file)",
                       e.msg, dir);
    if (!man) {
        char path[4200];
        snprintf(path, sizeof path, "%s/runs", dir);
        if (access(path, F_OK) == 0)
            return ab_fail(err, AB_ERR_ARG, "%s holds runs but no experiment.json; refusing to mix results "
                                            "(choose another -o DIR)", dir);
        return AB_OK;
    }
    const char *other = cJSON_GetObjectItemCaseSensitive(man, "experiment")->valuestring;
    ab_status st = AB_OK;
    if (strcmp(other, experiment))
        st = ab_fail(err, AB_ERR_ARG, "%s holds the runs of experiment '%.200s', not '%.200s'; choose another -o DIR",
                     dir, other, experiment);
    cJSON_Delete(man);
    return st;
}

void ab_run_settings_text(char *buf, size_t size, const ab_experiment *e, int i)
{
    const cJSON *run = ab_experiment_run_json(e, i);
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; run && k < ab_experiment_n_swept(e) && used < size; k++) {
        char value[256];
        const char *path = ab_experiment_swept(e, k);
        ab_config_value_text(value, sizeof value, ab_config_get(run, path));
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "", path, value);
    }
}

/* Adds the runs of e that man does not list; returns how many, -1 when out of memory. */
static int add_runs(cJSON *man, const ab_experiment *e)
{
    cJSON *runs = cJSON_GetObjectItemCaseSensitive(man, "runs");
    if (!runs) {
        runs = cJSON_AddArrayToObject(man, "runs");
        if (!runs) return -1;
    }
    int added = 0, n = ab_experiment_n_runs(e);
    for (int i = 0; i < n; i++) {
        const char *id = ab_experiment_run(e, i)->run_id;
        int listed = 0;
        for (const cJSON *r = runs->child; r && !listed; r = r->next)
            listed = !strcmp(cJSON_GetObjectItemCaseSensitive(r, "run_id")->valuestring, id);
        if (listed) continue;
        char settings[2048];
        ab_run_settings_text(settings, sizeof settings, e, i);
        cJSON *entry = cJSON_CreateObject();
        if (!entry || !cJSON_AddStringToObject(entry, "run_id", id) ||
            !cJSON_AddStringToObject(entry, "settings", settings)) {
            cJSON_Delete(entry);
            return -1;
        }
        cJSON_AddItemToArray(runs, entry);
        added++;
    }
    return added;
}

static ab_status claim_locked(const char *dir, const ab_experiment *e, const char *config, const char *version,
                              ab_error *err)
{
    const char *name = ab_experiment_name(e);
    ab_status st = ab_result_dir_check(dir, name, err);
    if (st != AB_OK) return st;
    cJSON *man = NULL;
    unsigned long failures = ab_json_alloc_failures();
    if (ab_manifest_read(dir, &man, err) != AB_OK) return AB_ERR_FORMAT;
    int fresh = !man;
    if (fresh) {
        man = cJSON_CreateObject();
        if (!man || !cJSON_AddStringToObject(man, "experiment", name)) {
            cJSON_Delete(man);
            return ab_fail(err, AB_ERR_NOMEM, "%s/experiment.json: out of memory", dir);
        }
    }
    int added = add_runs(man, e);
    if (added < 0) {
        cJSON_Delete(man);
        return ab_fail(err, AB_ERR_NOMEM, "%s/experiment.json: out of memory", dir);
    }
    if (fresh || added > 0) {
        /* the fields in the documented order: experiment, config, actbench_version, runs */
        cJSON_DeleteItemFromObjectCaseSensitive(man, "config");
        cJSON_DeleteItemFromObjectCaseSensitive(man, "actbench_version");
        cJSON *runs = cJSON_DetachItemFromObjectCaseSensitive(man, "runs");
        if (!cJSON_AddStringToObject(man, "config", config) || !cJSON_AddStringToObject(man, "actbench_version", version)) {
            cJSON_Delete(runs);
            cJSON_Delete(man);
            return ab_fail(err, AB_ERR_NOMEM, "%s/experiment.json: out of memory", dir);
        }
        cJSON_AddItemToObject(man, "runs", runs);
        if (ab_json_alloc_failures() != failures) { /* a field or an entry is missing */
            cJSON_Delete(man);
            return ab_fail(err, AB_ERR_NOMEM, "%s/experiment.json: out of memory", dir);
        }
        char path[4200];
        snprintf(path, sizeof path, "%s/experiment.json", dir);
        st = ab_json_write_file(path, man, err);
    }
    cJSON_Delete(man);
    if (st != AB_OK) return st;
    char runs_dir[4200];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", dir);
    if (ab_mkdir_p(runs_dir) != 0) return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", runs_dir, strerror(errno));
    return AB_OK;
}

ab_status ab_result_dir_claim(const char *dir, const ab_experiment *e, const char *config, const char *version,
                              ab_error *err)
{
    if (ab_mkdir_p(dir) != 0) return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", dir, strerror(errno));
    char lock[4200];
    snprintf(lock, sizeof lock, "%s/.lock", dir);
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", lock, strerror(errno));
    int r;
    while ((r = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {}
    if (r != 0 && errno != ENOLCK && errno != EOPNOTSUPP && errno != ENOSYS) {
        int e2 = errno;
        close(fd);
        return ab_fail(err, AB_ERR_IO, "%s: cannot lock: %s", lock, strerror(e2));
    }
    ab_status st = claim_locked(dir, e, config, version, err);
    close(fd); /* releases the lock */
    return st;
}
