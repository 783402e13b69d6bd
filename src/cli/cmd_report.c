/* cmd_report.c: 'actbench report DIR... [--csv | --json] [--baseline ACT]':
 * parses the arguments, reads and pools the runs, and prints the report
 * (src/report/report.h) as text, CSV or JSON on stdout; errors on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../report/report.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench report DIR... [--csv | --json] [--baseline ACTIVATION]\n"
    "\n"
    "Compare the runs of one or more result directories (DIR/runs/*.json; a DIR\n"
    "may also hold result directories, and several DIRs are pooled, a run ID\n"
    "counted once). Runs that differ only in the seed form a variant; each\n"
    "variant is compared on test accuracy with the baseline variant of the same\n"
    "other settings (Welch's t-test, 95% CI), then claims C1-C5 get a verdict:\n"
    "supports, contradicts or cannot tell. docs/report.md has the rules.\n"
    "\n"
    "options:\n"
    "  --csv                  print the variant table as CSV\n"
    "  --json                 print variants and claims as JSON\n"
    "  --baseline ACTIVATION  the activation the table compares with (default relu;\n"
    "                         the claims always compare with relu)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit codes: 0 ok, 2 usage error, missing directory or no runs.\n";

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

int cmd_report(int argc, char **argv)
{
    report_args a = {calloc((size_t)argc + 1, sizeof(char *)), 0, 0, 0, "relu"};
    int code = parse_args(&a, argc, argv);
    if (code >= 0) {
        free(a.dirs);
        return code;
    }
    ab_error err = {""};
    int dups = 0;
    cJSON *runs = ab_report_read(a.dirs, a.n_dirs, &dups, &err);
    free(a.dirs);
    ab_report *r = runs ? ab_report_build(runs, a.baseline, &err) : NULL;
    if (!r) {
        fprintf(stderr, "actbench report: %s\n", err.msg);
        return AB_EXIT_USAGE;
    }
    if (dups) fprintf(stderr, "actbench report: %d duplicate run(s) (same run ID) counted once\n", dups);
    int has_baseline = 0;
    for (int i = 0; i < r->n_variants; i++) has_baseline |= r->v[i].baseline == i;
    if (!has_baseline) fprintf(stderr, "actbench report: no %s runs: no baseline to compare with\n", a.baseline);
    if (a.json) {
        cJSON *doc = ab_report_json(r);
        char *text = cJSON_Print(doc);
        if (text) printf("%s\n", text);
        free(text);
        cJSON_Delete(doc);
    } else if (a.csv) {
        ab_report_print_csv(stdout, r);
    } else {
        ab_report_print_text(stdout, r);
    }
    ab_report_free(r);
    return AB_EXIT_OK;
}
