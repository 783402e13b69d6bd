/* cmd_run.c: 'actbench run CONFIG.yaml ...': parses the arguments and
 * calls the library: the experiment (src/config), the plan of what to run
 * in DIR (src/run/plan.c: shard, resume, the directory's rules), the
 * manifest (src/run/result_dir.c), the worker processes (src/run/pool.c),
 * then DIR/summary.json (src/report/summary.c) unless it is one shard of
 * several. Every check that can fail happens before anything is written. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../config/experiment.h"
#include "../core/blas.h"
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
    "  -o, --output DIR result directory (default: runs/<name>; results/ holds the\n"
    "                   committed results, which only scripts/reproduce.sh writes)\n"
    "  --resume         keep the finished runs of DIR; run only the missing or failed ones,\n"
    "                   each from its checkpoint (train.checkpoint_every) when it has one\n"
    "  --force          run every selected run again, replacing its file in DIR\n"
    "  --dry-run        print the runs that would run (as 'validate' does), or refuse\n"
    "                   as the run would (same message and exit code); run nothing\n"
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
    "SIGTERM (checkpoints written: --resume goes on), 130 interrupted (Ctrl-C); after\n"
    "75 or 130 stderr says how many runs remain and the --resume command that runs them.\n";

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

/* Returns -1 to go on, or an exit code. Options follow getopt_long:
 * -j2, -j 2, --jobs=2, --jobs 2, -qj2, --output=DIR, --set=K=V. */
static int parse_args(run_args *a, int argc, char **argv)
{
    enum { OPT_SET = 256, OPT_RESUME, OPT_FORCE, OPT_DRY_RUN, OPT_SHARD };
    static const struct option LONG[] = {
        {"help", no_argument, NULL, 'h'},         {"set", required_argument, NULL, OPT_SET},
        {"jobs", required_argument, NULL, 'j'},   {"output", required_argument, NULL, 'o'},
        {"resume", no_argument, NULL, OPT_RESUME}, {"force", no_argument, NULL, OPT_FORCE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN}, {"shard", required_argument, NULL, OPT_SHARD},
        {"quiet", no_argument, NULL, 'q'},        {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":hj:o:q", LONG, NULL)) != -1) {
        const char *opt = argv[optind - 1];
        char name[64];
        switch (c) {
        case 'h':
            fputs(USAGE, stdout);
            return AB_EXIT_OK;
        case OPT_SET:
            a->sets[a->n_sets++] = optarg;
            break;
        case 'j':
            if (parse_jobs(optarg, &a->jobs)) return usage_error(JOBS_ERROR, optarg);
            break;
        case 'o':
            if (!optarg[0]) return usage_error("%s needs a directory", "-o");
            if (strlen(optarg) > 3000) return usage_error("%s: the directory name is too long", "-o");
            a->out = optarg;
            break;
        case OPT_RESUME:
            a->resume = 1;
            break;
        case OPT_FORCE:
            a->force = 1;
            break;
        case OPT_DRY_RUN:
            a->dry_run = 1;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case OPT_SHARD: {
            char extra;
            if (sscanf(optarg, "%d/%d%c", &a->shard_k, &a->shard_n, &extra) != 2 || a->shard_n < 1 ||
                a->shard_k < 0 || a->shard_k >= a->shard_n)
                return usage_error("--shard needs K/N with 0 <= K < N, got '%s'", optarg);
            break;
        }
        case ':':
            return usage_error(optopt == 'j' ? "%s needs a whole number from 1 to 256"
                               : optopt == 'o' ? "%s needs a directory"
                               : optopt == OPT_SET ? "%s needs KEY=VALUE" : "%s needs a value",
                               ab_option_name(name, sizeof name, optopt, opt));
        default:
            return usage_error("unknown option '%s'", ab_option_name(name, sizeof name, optopt, opt));
        }
    }
    for (int i = optind; i < argc; i++) {
        if (a->config) return usage_error("one CONFIG.yaml expected, got another: '%s'", argv[i]);
        a->config = argv[i];
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

/* After an interrupt: how many runs remain and the command that runs them. */
static void print_resume(const run_args *a, const char *dir, int left, int of)
{
    fprintf(stderr, "actbench run: interrupted: %d of %d runs remain; to finish them:\n  actbench run ", left, of);
    ab_print_shell_word(stderr, a->config);
    for (int i = 0; i < a->n_sets; i++) {
        fputs(" --set ", stderr);
        ab_print_shell_word(stderr, a->sets[i]);
    }
    if (a->shard_n) fprintf(stderr, " --shard %d/%d", a->shard_k, a->shard_n);
    fputs(" -o ", stderr);
    ab_print_shell_word(stderr, dir);
    fputs(" --resume\n", stderr);
}

static int run_experiment(ab_experiment *e, const run_args *a)
{
    const char *name = ab_experiment_name(e);
    char dir[4096];
    if (a->out) snprintf(dir, sizeof dir, "%s", a->out);
    else snprintf(dir, sizeof dir, "%s/%s", AB_DEFAULT_RUNS_DIR, name);
    ab_plan_opts po = {.dir = dir, .resume = a->resume, .force = a->force,
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
    /* a dry run loads the data too: it fails where the run would */
    if (ab_plan_load_data(&p, e, &err) != AB_OK ||
        (!a->dry_run && ab_result_dir_claim(dir, e, a->config, AB_VERSION, &err) != AB_OK)) {
        fprintf(stderr, "actbench run: %s\n", err.msg);
        code = AB_EXIT_USAGE;
        goto done;
    }
    if (a->dry_run) {
        fprintf(stderr, "actbench run: experiment %s%s: %d of %d runs would run (%d already finished in %s)\n",
                name, shard, p.n, a->shard_n ? p.in_shard : p.total, p.finished, dir);
        int *index = calloc((size_t)p.n + 1, sizeof *index);
        for (int j = 0; index && j < p.n; j++) index[j] = p.jobs[j].index - 1;
        if (index) ab_print_run_lines(e, index, p.n);
        free(index);
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
    char core[64];
    if (p.n > 0 && ab_blas_slow_kernels(core, sizeof core))
        fprintf(stderr, "actbench run: warning: OpenBLAS runs its generic %s kernels on this processor, which has "
                        "AVX2 (it does not know the processor): training is 3-4 times slower, and the numbers differ "
                        "in the last digits from runs with its AVX2 kernels. Set OPENBLAS_CORETYPE=Haswell in the "
                        "environment, or build with make BLAS=onednn\n", core);
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
    if (r.interrupted) print_resume(a, dir, p.n - r.ok - r.diverged, a->shard_n ? p.in_shard : p.total);
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
