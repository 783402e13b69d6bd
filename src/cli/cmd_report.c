/* cmd_report.c: 'actbench report DIR... [--csv | --json] [--baseline ACT]':
 * parses the arguments, reads and pools the runs, and prints the report
 * (src/report/report.h) as text, CSV or JSON on stdout; errors on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../report/report.h"
#include "../run/json_alloc.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench report DIR... [--csv | --json] [--baseline ACTIVATION]\n"
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
    "out. docs/report.md has the rules.\n"
    "\n"
    "options:\n"
    "  --csv                  print the variant table as CSV\n"
    "  --json                 print variants and claims as JSON\n"
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
    int n_dirs, csv, json;
    const char *baseline;
} report_args;

/* Returns -1 to go on, or an exit code. */
static int parse_args(report_args *a, int argc, char **argv)
{
    int options = 1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (options && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
            fputs(USAGE, stdout);
            return AB_EXIT_OK;
        } else if (options && !strcmp(s, "--csv")) {
            a->csv = 1;
        } else if (options && !strcmp(s, "--json")) {
            a->json = 1;
        } else if (options && !strcmp(s, "--baseline")) {
            if (i + 1 >= argc) return usage_error("%s needs an activation name", s);
            a->baseline = argv[++i];
        } else if (options && !strncmp(s, "--baseline=", 11)) {
            a->baseline = s + 11;
        } else if (options && !strcmp(s, "--")) {
            options = 0;
        } else if (options && s[0] == '-' && s[1]) {
            return usage_error("unknown option '%s'", s);
        } else {
            a->dirs[a->n_dirs++] = argv[i];
        }
    }
    if (a->csv && a->json) return usage_error("%s", "--csv and --json exclude each other");
    if (!a->n_dirs) return usage_error("%s", "no result directory given");
    if (!a->baseline[0] || strlen(a->baseline) > 60) return usage_error("bad --baseline '%s'", a->baseline);
    return -1;
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
        int bad = !f || (a->csv ? ab_report_print_csv(f, r) : ab_report_print_text(f, r));
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
    report_args a = {calloc((size_t)argc + 1, sizeof(char *)), 0, 0, 0, "relu"};
    if (!a.dirs) {
        fprintf(stderr, "actbench report: out of memory\n");
        return AB_EXIT_USAGE;
    }
    int code = parse_args(&a, argc, argv);
    if (code >= 0) {
        free(a.dirs);
        return code;
    }
    unsigned long json_failed = ab_json_alloc_failures(); /* main installed the counting hooks */
    ab_error err = {""};
    ab_run_set set = {0};
    int st = ab_report_read(&set, a.dirs, a.n_dirs, &err);
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
