/* main.c: the actbench command line, a thin dispatcher over the commands. */
#include <stdio.h>
#include <string.h>
#include "../run/json_alloc.h"
#include "../run/source_id.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench COMMAND [ARGS...]\n"
    "\n"
    "Compare ReLU with its leaky variants: train the runs of a YAML experiment\n"
    "and write JSON metrics (accuracy, loss, learning curves, dead units).\n"
    "\n"
    "commands:\n"
    "  run CONFIG.yaml       train every run of an experiment (see 'actbench run --help')\n"
    "  validate CONFIG.yaml  check an experiment and print its runs; trains nothing\n"
    "  report DIR...         compare the results of one or more result directories\n"
    "  summarize DIR         rebuild DIR/summary.json; list the runs missing or failed\n"
    "\n"
    "options:\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version and the source it was built from\n"
    "\n"
    "exit codes: 0 ok, 1 a run failed (summarize: some run missing or failed),\n"
    "2 usage or configuration error, 75 stopped by SIGTERM (resumable), 130 interrupted\n";

int main(int argc, char **argv)
{
    ab_json_alloc_track(); /* an incomplete JSON document is never written */
    if (argc < 2) {
        fputs(USAGE, stderr);
        return AB_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return AB_EXIT_OK;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("actbench %s (source %s)\n", AB_VERSION, ab_source_id());
        return AB_EXIT_OK;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate")) return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "summarize")) return cmd_summarize(argc - 1, argv + 1);
    fprintf(stderr, "actbench: unknown command '%s'; expected one of run, validate, report, summarize "
                    "(see 'actbench --help')\n", cmd);
    return AB_EXIT_USAGE;
}
