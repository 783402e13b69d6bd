/* cmd_report.c: 'actbench report DIR... [--wide | --csv | --json] [--baseline ACT]':
 * parses the arguments, reads and pools the runs, and prints the report
 * (src/report/report.h) as text, CSV or JSON on stdout; errors on stderr. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../report/report.h"
#include "../report/summary.h"
#include "../run/result_dir.h"
#include "../run/json_alloc.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench report DIR... [--wide | --csv | --json] [--baseline ACTIVATION]\n"
    "\n"
    "Compare the runs of one or more result directories (DIR/runs/*.json; a DIR\n"
    "may also hold result directories, and several DIRs are pooled, a run ID\n"
    "counted once). Runs that differ only in the seed form a variant; each\n"
    "variant is compared on test accuracy with the baseline variant of the same\n"
    "other settings (paired t-test over the seeds both have when they share 3\n"
    "or more, else Welch's t-test; 95% CI), then claims C1-C5 get a verdict:\n"
    "supports, contradicts or cannot tell (p-values Holm-adjusted within each\n"
    "claim). A run file that cannot be read, is not JSON, lacks a field the\n"
    "report needs or belongs to another experiment is named on stderr and left\n"
    "out. A result directory whose manifest (experiment.json) lists runs that\n"
    "have not finished is named on stderr with the 'run --resume' command that\n"
    "finishes them. docs/report.md has the rules.\n"
    "\n"
    "options:\n"
    "  --csv                  print the variant table as CSV\n"
    "  --json                 print variants and claims as JSON\n"
    "  --wide                 the variant table in one piece however wide, no line\n"
    "                         wrapped (by default the text fits 100 columns)\n"
    "  --baseline ACTIVATION  the activation the table compares with (default relu;\n"
    "                         the claims always compare with relu)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit codes: 0 ok; 1 the report is printed but some run files were left\n"
    "out (each named on stderr); 2 usage error, a missing or unreadable\n"
    "directory, no run file the report can use, or out of memory.\n";

/* 'report' printed its report without some run files (named on stderr). */
enum { EXIT_LEFT_OUT = 1 };

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "actbench report: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, " (see 'actbench report --help')\n");
    return AB_EXIT_USAGE;
}

typedef struct {
    char **dirs;
    int n_dirs, csv, json, wide;
    const char *baseline;
} report_args;

/* Returns -1 to go on, or an exit code. */
static int parse_args(report_args *a, int argc, char **argv)
{
    enum { OPT_CSV = 256, OPT_JSON, OPT_BASELINE, OPT_WIDE };
    static const struct option LONG[] = {{"help", no_argument, NULL, 'h'},
                                         {"csv", no_argument, NULL, OPT_CSV},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"wide", no_argument, NULL, OPT_WIDE},
                                         {"baseline", required_argument, NULL, OPT_BASELINE},
                                         {NULL, 0, NULL, 0}};
    int c;
    char name[64];
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, ":h", LONG, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(USAGE, stdout);
            return AB_EXIT_OK;
        case OPT_CSV:
            a->csv = 1;
            break;
        case OPT_JSON:
            a->json = 1;
            break;
        case OPT_WIDE:
            a->wide = 1;
            break;
        case OPT_BASELINE:
            a->baseline = optarg;
            break;
        case ':':
            return usage_error("%s needs an activation name", ab_option_name(name, sizeof name, optopt, argv[optind - 1]));
        default:
            return usage_error("unknown option '%s'", ab_option_name(name, sizeof name, optopt, argv[optind - 1]));
        }
    }
    for (int i = optind; i < argc; i++) a->dirs[a->n_dirs++] = argv[i];
    if (a->csv && a->json) return usage_error("%s", "--csv and --json exclude each other");
    if (!a->n_dirs) return usage_error("%s", "no result directory given");
    if (!a->baseline[0] || strlen(a->baseline) > 60) return usage_error("bad --baseline '%s'", a->baseline);
    return -1;
}

/* A DIR that is a file: report reads result directories, not experiments. */
static int check_dirs(const report_args *a)
{
    for (int i = 0; i < a->n_dirs; i++) {
        struct stat st;
        if (stat(a->dirs[i], &st) == 0 && !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "actbench report: %s is a file, not a result directory: report reads the directory "
                            "that 'actbench run' wrote (its -o DIR, default %s/<name>)%s\n", a->dirs[i],
                    AB_DEFAULT_RUNS_DIR, strstr(a->dirs[i], ".yaml") || strstr(a->dirs[i], ".yml")
                    ? "; to train an experiment file: actbench run FILE" : "");
            return AB_EXIT_USAGE;
        }
    }
    return -1;
}

/* dir's manifest lists runs that have not finished: say how many, and the
 * command that finishes them. */
static void note_unfinished(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/experiment.json", dir);
    if (access(path, F_OK) != 0) return;
    ab_dir_state st;
    ab_error err = {{0}};
    if (ab_dir_scan(dir, NULL, AB_VERSION, &st, &err) != AB_OK) return;
    int left = st.missing + st.failed + st.damaged;
    if (st.expected > 0 && left > 0) {
        cJSON *man = NULL;
        ab_error merr = {{0}};
        const char *config = NULL;
        if (ab_manifest_read(dir, &man, &merr) == AB_OK)
            config = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(man, "config"));
        fprintf(stderr, "actbench report: %s: %d of the %d runs of its experiment have not finished (%d missing, "
                        "%d failed, %d damaged); the report covers the others. To finish them: actbench run %s "
                        "-o %s --resume (with the same --set options)\n",
                dir, left, st.expected, st.missing, st.failed, st.damaged, config ? config : "CONFIG.yaml", dir);
        cJSON_Delete(man);
    }
    ab_dir_state_free(&st);
}

/* note_unfinished for each DIR, or for each result directory in it. */
static void note_unfinished_all(const report_args *a)
{
    for (int i = 0; i < a->n_dirs; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/experiment.json", a->dirs[i]);
        if (access(path, F_OK) == 0) {
            note_unfinished(a->dirs[i]);
            continue;
        }
        DIR *d = opendir(a->dirs[i]);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] == '.') continue;
            char child[4200];
            snprintf(child, sizeof child, "%s/%s", a->dirs[i], de->d_name);
            note_unfinished(child);
        }
        if (d) closedir(d);
    }
}

/* The report in the chosen format, in memory first so that a failure
 * prints nothing half-written; -1 when out of memory. */
static int print_report(const ab_report *r, const report_args *a, unsigned long json_failed)
{
    char *text = NULL;
    size_t len = 0;
    if (a->json) {
        cJSON *doc = ab_report_json(r);
        text = doc && ab_json_alloc_failures() == json_failed ? cJSON_Print(doc) : NULL;
        cJSON_Delete(doc);
        len = text ? strlen(text) : 0;
    } else {
        FILE *f = open_memstream(&text, &len);
        int bad = !f || (a->csv ? ab_report_print_csv(f, r)
                                : ab_report_print_text_width(f, r, a->wide ? 0 : AB_REPORT_COLUMNS));
        if (f && fclose(f)) bad = 1;
        if (bad) {
            free(text);
            text = NULL;
        }
    }
    if (!text || ab_json_alloc_failures() != json_failed) {
        free(text);
        return -1;
    }
    fwrite(text, 1, len, stdout);
    if (a->json) fputc('\n', stdout);
    free(text);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    report_args a = {.dirs = calloc((size_t)argc + 1, sizeof(char *)), .baseline = "relu"};
    if (!a.dirs) {
        fprintf(stderr, "actbench report: out of memory\n");
        return AB_EXIT_USAGE;
    }
    int code = parse_args(&a, argc, argv);
    if (code < 0) code = check_dirs(&a);
    if (code >= 0) {
        free(a.dirs);
        return code;
    }
    unsigned long json_failed = ab_json_alloc_failures(); /* main installed the counting hooks */
    ab_error err = {""};
    ab_run_set set = {0};
    int st = ab_report_read(&set, a.dirs, a.n_dirs, &err);
    if (!st) note_unfinished_all(&a);
    free(a.dirs);
    if (st) {
        fprintf(stderr, "actbench report: %s\n", err.msg);
        return AB_EXIT_USAGE;
    }
    const cJSON *bad;
    cJSON_ArrayForEach(bad, set.left_out)
        fprintf(stderr, "%s: %s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bad, "file")),
                cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bad, "problem")));
    int n_left_out = cJSON_GetArraySize(set.left_out), dups = set.n_duplicates;
    if (n_left_out)
        fprintf(stderr, "actbench report: %d run file(s) left out (named above)\n", n_left_out);
    ab_report *r = ab_report_build(&set, a.baseline, &err);
    if (!r) {
        fprintf(stderr, "actbench report: %s\n",
                n_left_out && !strstr(err.msg, "out of memory") ? "no run file the report can use" : err.msg);
        return AB_EXIT_USAGE;
    }
    if (dups) fprintf(stderr, "actbench report: %d duplicate run(s) (same run ID) counted once\n", dups);
    int has_baseline = 0;
    for (int i = 0; i < r->n_variants; i++) has_baseline |= r->v[i].baseline == i;
    if (!has_baseline) fprintf(stderr, "actbench report: no %s runs: no baseline to compare with\n", a.baseline);
    int printed = ab_json_alloc_failures() != json_failed ? -1 : print_report(r, &a, json_failed);
    ab_report_free(r);
    if (printed) {
        fprintf(stderr, "actbench report: out of memory\n");
        return AB_EXIT_USAGE;
    }
    return n_left_out ? EXIT_LEFT_OUT : AB_EXIT_OK;
}
