/* cmd_summarize.c: 'actbench summarize DIR': rebuilds DIR/summary.json from
 * DIR/runs (src/report/summary.c) and lists the runs of the experiment's
 * manifest that are missing, failed or damaged: what the shards of a job
 * array left, once they have all ended. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../report/summary.h"
#include "commands.h"
#include "exit_codes.h"

static const char USAGE[] =
    "usage: actbench summarize DIR [-q]\n"
    "\n"
    "Rebuild DIR/summary.json from the run files of DIR/runs and compare them\n"
    "with the runs DIR/experiment.json lists (every run that any 'actbench run'\n"
    "or shard into DIR set out to run). stdout gets one line per run that has\n"
    "not finished, tab-separated:\n"
    "  missing  RUN_ID  SETTINGS  [epoch E/N, checkpointed]\n"
    "  failed   RUN_ID  SETTINGS  ERROR[; epoch E/N, checkpointed]\n"
    "  damaged  RUN_ID  SETTINGS  WHAT IS WRONG WITH ITS FILE\n"
    "stderr names every file of runs/ left out of the summary (damaged, or a\n"
    "run of another experiment), says when the runs come from more than one\n"
    "source (environment.source: code versions mixed) and ends with the\n"
    "counts. 'actbench run CONFIG -o DIR --resume' (or scripts/slurm/submit.sh\n"
    "again) runs what is missing, failed or damaged, each from its checkpoint\n"
    "(DIR/checkpoints) when it has one: 'epoch E/N, checkpointed' says how far\n"
    "that got.\n"
    "\n"
    "options:\n"
    "  -q, --quiet   no closing counts on stderr\n"
    "  -h, --help    show this help\n"
    "\n"
    "exit codes: 0 every run of the manifest has finished (ok or diverged) and\n"
    "every file of runs/ was read; 1 some run is missing, failed or damaged, or\n"
    "a file of runs/ was left out (summary.json is written all the same);\n"
    "2 usage error, or DIR is not a result directory (no readable\n"
    "experiment.json, runs/ unreadable, summary.json cannot be written).\n";

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "actbench summarize: ");
    fprintf(stderr, msg, arg);
    fprintf(stderr, " (see 'actbench summarize --help')\n");
    return AB_EXIT_USAGE;
}

int cmd_summarize(int argc, char **argv)
{
    static const struct option LONG[] = {{"help", no_argument, NULL, 'h'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int quiet = 0, c;
    char name[64];
    opterr = 0;
    optind = 0;
    while ((c = getopt_long(argc, argv, "hq", LONG, NULL)) != -1) {
        if (c == 'h') {
            fputs(USAGE, stdout);
            return AB_EXIT_OK;
        } else if (c == 'q') {
            quiet = 1;
        } else {
            return usage_error("unknown option '%s'", ab_option_name(name, sizeof name, optopt, argv[optind - 1]));
        }
    }
    for (int i = optind; i < argc; i++) {
        const char *s = argv[i];
        if (dir) return usage_error("one DIR expected, got another: '%s'", s);
        if (!s[0] || strlen(s) > 3000) return usage_error("bad directory name '%.100s'", s);
        dir = s;
    }
    if (!dir) return usage_error("%s", "missing DIR");
    ab_dir_state st;
    ab_error err = {{0}};
    if (ab_dir_scan(dir, NULL, AB_VERSION, &st, &err) != AB_OK) {
        fprintf(stderr, "actbench summarize: %s\n", err.msg);
        return AB_EXIT_USAGE;
    }
    for (const cJSON *p = st.problems->child; p; p = p->next) fprintf(stderr, "actbench summarize: %s\n", p->valuestring);
    const cJSON *sources = cJSON_GetObjectItemCaseSensitive(st.summary, "sources");
    if (cJSON_GetArraySize(sources) > 1) {
        char text[2048];
        ab_sources_text(text, sizeof text, sources);
        fprintf(stderr, "actbench summarize: %s: its runs come from %d sources (environment.source): %s\n", dir,
                cJSON_GetArraySize(sources), text);
    }
    for (const cJSON *u = st.unfinished->child; u; u = u->next) {
        const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "why"));
        printf("%s\t%s\t%s%s%s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "state")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "run_id")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(u, "settings")), why ? "\t" : "", why ? why : "");
    }
    int code = AB_EXIT_OK;
    if (ab_dir_state_write(dir, &st, &err) != AB_OK) {
        fprintf(stderr, "actbench summarize: %s\n", err.msg);
        code = AB_EXIT_USAGE;
    }
    int n_problems = cJSON_GetArraySize(st.problems);
    if (code == AB_EXIT_OK && (st.missing || st.failed || st.damaged || n_problems)) code = AB_EXIT_RUN_FAILED;
    if (!quiet) {
        char expected[64] = "the manifest lists no runs (an older actbench wrote it)";
        if (st.expected >= 0) snprintf(expected, sizeof expected, "%d runs expected", st.expected);
        fprintf(stderr, "actbench summarize: %s: %s: %d ok, %d diverged, %d failed, %d missing, %d damaged; "
                        "%d file%s left out; %s/summary.json has %d rows%s\n",
                dir, expected, st.ok, st.diverged, st.failed, st.missing, st.damaged, n_problems, n_problems == 1 ? "" : "s", dir, st.rows,
                code == AB_EXIT_USAGE ? " (not written)" : "");
    }
    ab_dir_state_free(&st);
    return code;
}
