/* cmd_validate.c: 'actbench validate CONFIG.yaml [--set K=V]... [--json]':
 * loads an experiment through the config module, prints its runs (or their
 * resolved configurations as JSON) and trains nothing. Errors go to stderr
 * as one line, exit status 2. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench validate CONFIG.yaml [--set KEY=VALUE]... [--json]\n"
    "\n"
    "Check an experiment and print its runs; trains nothing. Prints\n"
    "'experiment NAME: N runs', then one line per run: its 1-based index, its\n"
    "run ID and the value of every key that differs between runs. Under a run\n"
    "whose network differs from the run before it: every layer's output shape\n"
    "(C x H x W) and parameter count on the data's input shape (read from the\n"
    "data's headers; a layer that does not fit is an error at its line).\n"
    "\n"
    "options:\n"
    "  --set KEY=VALUE  override a key, e.g. --set model.alpha=0.2; VALUE is YAML,\n"
    "                   so --set model.alpha=[0.1,0.2] sweeps (repeatable)\n"
    "  --json           print the resolved configuration of every run as a JSON array\n"
    "  -h, --help       show this help\n"
    "\n"
    "Keys, defaults, sweeps and run IDs: docs/config.md.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("actbench validate: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'actbench validate --help')\n", stderr);
    return AB_EXIT_USAGE;
}

static void print_runs(ab_experiment *e)
{
    int n = ab_experiment_n_runs(e);
    printf("experiment %s: %d runs\n", ab_experiment_name(e), n);
    ab_print_run_lines(e, NULL, n);
}

static int print_json(const ab_experiment *e)
{
    cJSON *all = cJSON_CreateArray();
    for (int i = 0; all && i < ab_experiment_n_runs(e); i++) {
        cJSON *run = cJSON_Duplicate(ab_experiment_run_json(e, i), 1);
        if (!run || !cJSON_AddItemToArray(all, run)) { /* never a list short of a run */
            cJSON_Delete(run);
            cJSON_Delete(all);
            all = NULL;
        }
    }
    char *text = all ? cJSON_Print(all) : NULL;
    cJSON_Delete(all);
    if (!text) {
        fputs("actbench validate: out of memory\n", stderr);
        return AB_EXIT_USAGE;
    }
    puts(text);
    free(text);
    return AB_EXIT_OK;
}

int cmd_validate(int argc, char **argv)
{
    const char *config = NULL;
    int json = 0, n_sets = 0;
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (!sets) {
        fputs("actbench validate: out of memory\n", stderr);
        return AB_EXIT_USAGE;
    }
    enum { OPT_SET = 256, OPT_JSON };
    static const struct option LONG[] = {{"help", no_argument, NULL, 'h'},
                                         {"set", required_argument, NULL, OPT_SET},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {NULL, 0, NULL, 0}};
    int code = -1, c;
    char name[64];
    opterr = 0;
    optind = 0;
    while (code < 0 && (c = getopt_long(argc, argv, ":h", LONG, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            code = AB_EXIT_OK;
        } else if (c == OPT_JSON) {
            json = 1;
        } else if (c == OPT_SET) {
            sets[n_sets++] = optarg;
        } else if (c == ':') {
            code = usage_error("%s needs KEY=VALUE", ab_option_name(name, sizeof name, optopt, argv[optind - 1]));
        } else {
            code = usage_error("unknown option '%s'", ab_option_name(name, sizeof name, optopt, argv[optind - 1]));
        }
    }
    for (int i = optind; code < 0 && i < argc; i++) {
        if (config) code = usage_error("one CONFIG.yaml expected, got another: '%s'", argv[i]);
        else config = argv[i];
    }
    if (code < 0 && !config) code = usage_error("%s", "missing CONFIG.yaml");
    if (code >= 0) {
        free(sets);
        return code;
    }
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    if (ab_experiment_load(&e, config, sets, n_sets, &err) != AB_OK ||
        ab_experiment_check_shapes(e, &err) != AB_OK) {
        fprintf(stderr, "%s\n", err.msg);
        ab_experiment_free(e);
        free(sets);
        return AB_EXIT_USAGE;
    }
    if (json) code = print_json(e);
    else {
        print_runs(e);
        code = AB_EXIT_OK;
    }
    ab_experiment_free(e);
    free(sets);
    return code;
}
