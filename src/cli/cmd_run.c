/* cmd_run.c: 'actbench run CONFIG.yaml ...': parses the arguments and
 * calls the library: the experiment (src/config), the plan of what to run
 * in DIR (src/run/plan.c: shard, resume, the directory's rules), the
 * manifest (src/run/result_dir.c), the worker processes (src/run/pool.c),
 * then DIR/summary.json (src/report/summary.c) unless it is one shard of
 * several. Every check that can fail happens before anything is written. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../config/experiment.h"
#include "../report/summary.h"
#include "../run/plan.h"
#include "../run/result_dir.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench run CONFIG.yaml [--set KEY=VALUE]... [-j N] [-o DIR] [--resume | --force]\n"
    "                    [--dry-run] [--shard K/N] [--quiet]\n"
    "\n"
    "Train every run of an experiment in parallel worker processes. Each run is\n"
    "written to DIR/runs/<run_id>.json, then DIR/summary.json describes all runs\n"
    "of DIR. stdout gets only the summary's path; progress goes to stderr.\n"
    "With --shard, the shards may run at the same time (on several machines\n"
    "sharing DIR); a shard writes no summary: 'actbench summarize DIR' does.\n"
    "\n"
    "options:\n"
    "  --set KEY=VALUE  override a key (VALUE is YAML: --set model.alpha=[0.1,0.2] sweeps)\n"
    "  -j, --jobs N     worker processes (default: the number of cores)\n"
    "  -o, --output DIR result directory (default: results/<name>)\n"
    "  --resume         keep the finished runs of DIR; run only the missing or failed ones,\n"
    "                   each from its checkpoint (train.checkpoint_every) when it has one\n"
    "  --force          run every selected run again, replacing its file in DIR\n"
    "  --dry-run        print the runs that would run (as 'validate' does); run nothing\n"
    "  --shard K/N      run only the runs whose index i (as 'validate' prints it,\n"
    "                   from 1) satisfies (i - 1) mod N = K, 0 <= K < N: Slurm's\n"
    "                   $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT of an array 0..N-1\n"
    "  -q, --quiet      no progress on stderr\n"
    "  -h, --help       show this help\n"
    "\n"
    "A damaged or unreadable run file of a selected run is run again with\n"
    "--resume (stderr names the file and what is wrong).\n"
    "\n"
    "exit codes: 0 every run finished (diverged runs have finished), 1 some run\n"
    "failed, 2 usage, configuration or data error (nothing written), 75 stopped by\n"
    "SIGTERM (checkpoints written: --resume goes on), 130 interrupted (Ctrl-C).\n";

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

/* Prints the plan's notes about DIR on stderr. */
static void print_notes(const ab_plan *p)
{
    for (int i = 0; i < p->n_notes; i++) fprintf(stderr, "actbench run: %s\n", p->notes[i]);
}

static int run_experiment(ab_experiment *e, const run_args *a)
{
    const char *name = ab_experiment_name(e);
    char dir[4096];
    if (a->out) snprintf(dir, sizeof dir, "%s", a->out);
    else snprintf(dir, sizeof dir, "results/%s", name);
    ab_plan_opts po = {.dir = dir, .resume = a->resume, .force = a->force, .dry_run = a->dry_run,
                       .shard_k = a->shard_k, .shard_n = a->shard_n};
    ab_plan p;
    ab_error err = {{0}};
    if (ab_plan_make(&p, e, &po, &err) != AB_OK) {
        fprintf(stderr, "actbench run: %s\n", err.msg);
        return AB_EXIT_USAGE;
    }
    print_notes(&p);
    char shard[64] = "";
    if (a->shard_n) snprintf(shard, sizeof shard, " shard %d/%d (%d runs)", a->shard_k, a->shard_n, p.in_shard);
    int code = AB_EXIT_OK;
    if (a->dry_run) {
        fprintf(stderr, "actbench run: experiment %s%s: %d of %d runs would run (%d already finished in %s)\n",
                name, shard, p.n, p.total, p.finished, dir);
        int *index = calloc((size_t)p.n + 1, sizeof *index);
        for (int j = 0; index && j < p.n; j++) index[j] = p.jobs[j].index - 1;
        if (index) ab_print_run_lines(e, index, p.n);
        free(index);
        goto done;
    }
    if (ab_plan_load_data(&p, e, &err) != AB_OK ||
        ab_result_dir_claim(dir, e, a->config, AB_VERSION, &err) != AB_OK) {
        fprintf(stderr, "actbench run: %s\n", err.msg);
        code = AB_EXIT_USAGE;
        goto done;
    }
    char runs_dir[4200], ckpt_dir[4200];
    snprintf(runs_dir, sizeof runs_dir, "%s/runs", dir);
    snprintf(ckpt_dir, sizeof ckpt_dir, "%s/checkpoints", dir);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    ab_pool_opts pool = {.runs_dir = runs_dir, .ckpt_dir = ckpt_dir, .resume = a->resume, .version = AB_VERSION,
                         .workers = a->jobs > 0 ? a->jobs : (int)(cores > 0 ? cores : 1),
                         .live = isatty(STDERR_FILENO), .quiet = a->quiet};
    if (!a->quiet && p.n == 0)
        fprintf(stderr, "actbench run: experiment %s%s: nothing to run (%d of %d runs already finished in %s)\n",
                name, shard, p.finished, a->shard_n ? p.in_shard : p.total, dir);
    else if (!a->quiet)
        fprintf(stderr, "actbench run: experiment %s%s: %d runs to run with %d workers (%d of %d already finished) into %s\n",
                name, shard, p.n, pool.workers < p.n ? pool.workers : p.n, p.finished,
                a->shard_n ? p.in_shard : p.total, dir);
    ab_pool_result r = ab_pool_run(p.jobs, p.n, &pool);
    if (a->shard_n) {
        /* the other shards may still be running: 'summarize' writes the summary */
        if (!a->quiet)
            fprintf(stderr, "actbench run: shard %d/%d done; 'actbench summarize %s' writes the summary once "
                            "every shard has finished\n", a->shard_k, a->shard_n, dir);
    } else if (ab_summary_write(dir, name, AB_VERSION, &err) != AB_OK) {
        fprintf(stderr, "actbench run: summary: %s\n", err.msg);
    } else {
        printf("%s/summary.json\n", dir);
    }
    if (!a->quiet)
        fprintf(stderr, "actbench run: %d ok, %d diverged, %d failed%s\n", r.ok, r.diverged, r.failed,
                r.interrupted ? ", interrupted" : "");
    code = r.signal == SIGINT ? AB_EXIT_INTERRUPTED : r.interrupted ? AB_EXIT_RESUMABLE
         : r.failed ? AB_EXIT_RUN_FAILED : AB_EXIT_OK;
done:
    ab_plan_free(&p);
    return code;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {0};
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    if (!a.sets) {
        fprintf(stderr, "actbench run: out of memory\n");
        return AB_EXIT_USAGE;
    }
    int code = parse_args(&a, argc, argv);
    if (code >= 0) {
        free(a.sets);
        return code;
    }
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    if (ab_experiment_load(&e, a.config, a.sets, a.n_sets, &err) != AB_OK ||
        ab_experiment_check_shapes(e, &err) != AB_OK) {
        fprintf(stderr, "%s\n", err.msg);
        ab_experiment_free(e);
        free(a.sets);
        return AB_EXIT_USAGE;
    }
    code = run_experiment(e, &a);
    ab_experiment_free(e);
    free(a.sets);
    return code;
}
