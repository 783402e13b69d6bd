/* cmd_run.c: 'actbench run CONFIG.yaml ...': loads the experiment, checks
 * the output directory, loads each distinct data set once, trains the runs
 * in worker processes (src/run/pool.c), then writes DIR/summary.json. Every
 * check that can fail happens before anything is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../config/experiment.h"
#include "../report/summary.h"
#include "../run/pool.h"
#include "../run/run_file.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench run CONFIG.yaml [--set KEY=VALUE]... [-j N] [-o DIR] [--resume | --force]\n"
    "                    [--dry-run] [--shard K/N] [--quiet]\n"
    "\n"
    "Train every run of an experiment in parallel worker processes. Each run is\n"
    "written to DIR/runs/<run_id>.json, then DIR/summary.json describes all runs\n"
    "of DIR. stdout gets only the summary's path; progress goes to stderr.\n"
    "\n"
    "options:\n"
    "  --set KEY=VALUE  override a key (VALUE is YAML: --set model.alpha=[0.1,0.2] sweeps)\n"
    "  -j, --jobs N     worker processes (default: the number of cores)\n"
    "  -o, --output DIR result directory (default: results/<name>)\n"
    "  --resume         keep the finished runs of DIR; run only the missing or failed ones\n"
    "  --force          run every selected run again, replacing its file in DIR\n"
    "  --dry-run        print the runs that would run (as 'validate' does); run nothing\n"
    "  --shard K/N      run only the runs whose index i (as 'validate' prints it)\n"
    "                   satisfies i mod N = K\n"
    "  -q, --quiet      no progress on stderr\n"
    "  -h, --help       show this help\n"
    "\n"
    "exit codes: 0 every run finished (diverged runs have finished), 1 some run\n"
    "failed, 2 usage, configuration or data error (nothing written), 130 interrupted.\n";

typedef struct {
    const char *config, *out;
    char **sets;
    int n_sets, jobs, resume, force, dry_run, quiet, shard_k, shard_n;
} run_args;

#define JOBS_ERROR "-j needs a whole number from 1 to 256, got '%s'"

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "actbench run: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, " (see 'actbench run --help')\n");
    return AB_EXIT_USAGE;
}

static int parse_jobs(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > AB_POOL_MAX_WORKERS) return -1;
    *out = (int)v;
    return 0;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(run_args *a, int argc, char **argv)
{
    int options = 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (options && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
            fputs(USAGE, stdout);
            return AB_EXIT_OK;
        } else if (options && !strcmp(s, "--set")) {
            if (!val) return usage_error("%s needs KEY=VALUE", s);
            a->sets[a->n_sets++] = argv[++i];
        } else if (options && !strncmp(s, "--set=", 6)) {
            a->sets[a->n_sets++] = argv[i] + 6;
        } else if (options && (!strcmp(s, "-j") || !strcmp(s, "--jobs"))) {
            if (!val || parse_jobs(val, &a->jobs)) return usage_error(JOBS_ERROR, val ? val : "");
            i++;
        } else if (options && !strncmp(s, "-j", 2) && s[2]) {
            if (parse_jobs(s + 2, &a->jobs)) return usage_error(JOBS_ERROR, s + 2);
        } else if (options && (!strcmp(s, "-o") || !strcmp(s, "--output"))) {
            if (!val || !val[0]) return usage_error("%s needs a directory", s);
            if (strlen(val) > 3000) return usage_error("%s: the directory name is too long", s);
            a->out = argv[++i];
        } else if (options && !strcmp(s, "--resume")) {
            a->resume = 1;
        } else if (options && !strcmp(s, "--force")) {
            a->force = 1;
        } else if (options && !strcmp(s, "--dry-run")) {
            a->dry_run = 1;
        } else if (options && (!strcmp(s, "-q") || !strcmp(s, "--quiet"))) {
            a->quiet = 1;
        } else if (options && !strcmp(s, "--shard")) {
            char extra;
            if (!val || sscanf(val, "%d/%d%c", &a->shard_k, &a->shard_n, &extra) != 2 || a->shard_n < 1 ||
                a->shard_k < 0 || a->shard_k >= a->shard_n)
                return usage_error("--shard needs K/N with 0 <= K < N, got '%s'", val ? val : "");
            i++;
        } else if (options && !strcmp(s, "--")) {
            options = 0;
        } else if (options && s[0] == '-' && s[1]) {
            return usage_error("unknown option '%s'", s);
        } else if (a->config) {
            return usage_error("one CONFIG.yaml expected, got another: '%s'", s);
        } else {
            a->config = s;
        }
    }
    if (!a->config) return usage_error("%s", "missing CONFIG.yaml");
    if (a->resume && a->force) return usage_error("%s", "--resume and --force exclude each other");
    return -1;
}

static int mkdir_p(const char *path)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* The status recorded in DIR/runs/<id>.json, or NULL when there is none. */
static char *existing_status(const char *dir, const char *run_id)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/runs/%s.json", dir, run_id);
    if (access(path, F_OK) != 0) return NULL;
    cJSON *doc = ab_json_read_file(path, NULL);
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "status"));
    char *out = strdup(s ? s : "unreadable");
    cJSON_Delete(doc);
    return out;
}

/* Refuses a DIR that holds another experiment, or this one's runs without
 * --resume/--force. Returns -1 to go on, or an exit code. */
static int check_output_dir(const char *dir, const char *name, const run_args *a, int *n_existing)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/experiment.json", dir);
    *n_existing = 0;
    if (access(path, F_OK) != 0) {
        snprintf(path, sizeof path, "%s/runs", dir);
        if (access(path, F_OK) == 0) {
            fprintf(stderr, "actbench run: %s holds runs but no experiment.json; refusing to mix results "
                            "(choose another -o DIR)\n", dir);
            return AB_EXIT_USAGE;
        }
        return -1;
    }
    ab_error err;
    cJSON *man = ab_json_read_file(path, &err);
    const char *other = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(man, "experiment"));
    if (!other || strcmp(other, name)) {
        fprintf(stderr, "actbench run: %s holds the runs of experiment '%s', not '%s'; choose another -o DIR\n",
                dir, other ? other : "?", name);
        cJSON_Delete(man);
        return AB_EXIT_USAGE;
    }
    cJSON_Delete(man);
    cJSON *runs = ab_runs_read(dir, &err);
    *n_existing = runs ? cJSON_GetArraySize(runs) : 0;
    cJSON_Delete(runs);
    if (*n_existing > 0 && !a->resume && !a->force && !a->dry_run) {
        fprintf(stderr, "actbench run: %s already holds %d runs of experiment '%s'; use --resume to keep "
                        "them and run only the missing ones, or --force to run them again\n",
                dir, *n_existing, name);
        return AB_EXIT_USAGE;
    }
    return -1;
}

/* Loads each distinct data set of the selected jobs once. */
static int load_data(ab_job *jobs, int n, const ab_experiment *e, ab_dataset *sets, char **keys, int *n_sets)
{
    for (int j = 0; j < n; j++) {
        const cJSON *data = ab_config_get(ab_experiment_run_json(e, jobs[j].index - 1), "data");
        char *key = ab_config_canonical(data, NULL);
        int k = 0;
        while (k < *n_sets && strcmp(keys[k], key)) k++;
        if (k == *n_sets) {
            ab_error err = {{0}};
            if (ab_data_load(&sets[k], &jobs[j].rc->data, &err) != AB_OK) {
                fprintf(stderr, "actbench run: data: %s\n", err.msg);
                free(key);
                return AB_EXIT_USAGE;
            }
            keys[(*n_sets)++] = key;
        } else {
            free(key);
        }
        jobs[j].data = &sets[k];
    }
    return -1;
}

static int write_manifest(const char *dir, const char *name, const char *config)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/runs", dir);
    if (mkdir_p(path) != 0) {
        fprintf(stderr, "actbench run: %s: cannot create: %s\n", path, strerror(errno));
        return AB_EXIT_USAGE;
    }
    cJSON *man = cJSON_CreateObject();
    cJSON_AddStringToObject(man, "experiment", name);
    cJSON_AddStringToObject(man, "config", config);
    cJSON_AddStringToObject(man, "actbench_version", AB_VERSION);
    snprintf(path, sizeof path, "%s/experiment.json", dir);
    ab_error err;
    int bad = ab_json_write_file(path, man, &err) != AB_OK;
    cJSON_Delete(man);
    if (bad) {
        fprintf(stderr, "actbench run: %s\n", err.msg);
        return AB_EXIT_USAGE;
    }
    return -1;
}

static int run_experiment(const ab_experiment *e, const run_args *a)
{
    const char *name = ab_experiment_name(e);
    char dir[4096];
    if (a->out) snprintf(dir, sizeof dir, "%s", a->out);
    else snprintf(dir, sizeof dir, "results/%s", name);
    int n_existing, code = check_output_dir(dir, name, a, &n_existing);
    if (code >= 0) return code;

    int total = ab_experiment_n_runs(e), n = 0, skipped = 0;
    ab_job *jobs = calloc((size_t)total + 1, sizeof *jobs);
    ab_dataset *sets = calloc((size_t)total + 1, sizeof *sets);
    char **keys = calloc((size_t)total + 1, sizeof *keys);
    int n_sets = 0;
    for (int i = 0; i < total; i++) {
        if (a->shard_n && (i + 1) % a->shard_n != a->shard_k) continue;
        const ab_run_config *rc = ab_experiment_run(e, i);
        if (a->resume) {
            char *st = existing_status(dir, rc->run_id);
            int done = st && (!strcmp(st, "ok") || !strcmp(st, "diverged"));
            free(st);
            if (done) {
                skipped++;
                continue;
            }
        }
        jobs[n].index = i + 1;
        jobs[n].rc = rc;
        jobs[n].resolved = ab_experiment_run_json(e, i);
        n++;
    }
    if (a->dry_run) {
        fprintf(stderr, "actbench run: experiment %s: %d of %d runs would run (%d already finished in %s)\n",
                name, n, total, skipped, dir);
        for (int j = 0; j < n; j++) {
            char line[4096];
            ab_experiment_run_line(line, sizeof line, e, jobs[j].index - 1);
            puts(line);
        }
        code = AB_EXIT_OK;
        goto done;
    }
    code = load_data(jobs, n, e, sets, keys, &n_sets);
    if (code >= 0) goto done;
    code = write_manifest(dir, name, a->config);
    if (code >= 0) goto done;

    char runs_dir[8192];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", dir);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    ab_pool_opts po = {.runs_dir = runs_dir, .version = AB_VERSION,
                       .workers = a->jobs > 0 ? a->jobs : (int)(cores > 0 ? cores : 1),
                       .live = isatty(STDERR_FILENO), .quiet = a->quiet};
    if (!a->quiet && n == 0)
        fprintf(stderr, "actbench run: experiment %s: nothing to run (%d of %d runs already finished in %s)\n",
                name, skipped, total, dir);
    else if (!a->quiet)
        fprintf(stderr, "actbench run: experiment %s: %d runs to run with %d workers (%d of %d already finished) into %s\n",
                name, n, po.workers < n ? po.workers : n, skipped, total, dir);
    ab_pool_result r = ab_pool_run(jobs, n, &po);
    ab_error err;
    if (ab_summary_write(dir, name, AB_VERSION, &err) != AB_OK)
        fprintf(stderr, "actbench run: summary: %s\n", err.msg);
    else
        printf("%s/summary.json\n", dir);
    if (!a->quiet)
        fprintf(stderr, "actbench run: %d ok, %d diverged, %d failed%s\n", r.ok, r.diverged, r.failed,
                r.interrupted ? ", interrupted" : "");
    code = r.interrupted ? AB_EXIT_INTERRUPTED : r.failed ? AB_EXIT_RUN_FAILED : AB_EXIT_OK;
done:
    for (int k = 0; k < n_sets; k++) {
        ab_data_free(&sets[k]);
        free(keys[k]);
    }
    free(keys);
    free(sets);
    free(jobs);
    return code;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {0};
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    if (!a.sets) return AB_EXIT_USAGE;
    int code = parse_args(&a, argc, argv);
    if (code >= 0) {
        free(a.sets);
        return code;
    }
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    if (ab_experiment_load(&e, a.config, a.sets, a.n_sets, &err) != AB_OK) {
        fprintf(stderr, "%s\n", err.msg);
        free(a.sets);
        return AB_EXIT_USAGE;
    }
    code = run_experiment(e, &a);
    ab_experiment_free(e);
    free(a.sets);
    return code;
}
