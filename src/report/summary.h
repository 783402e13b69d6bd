/* summary.h: DIR/summary.json from the run files of DIR/runs: a flat
 * table with one row per run (run ID, every resolved setting by its dot
 * path, status, final metrics) and groups over seeds (mean, standard
 * deviation and n of each final metric); and the state of DIR against its
 * manifest (which runs are missing, failed or damaged) for
 * 'actbench summarize'. docs/results.md documents the file. */
#ifndef AB_SUMMARY_H
#define AB_SUMMARY_H

#include <cjson/cJSON.h>
#include "../core/status.h"

/* What DIR holds compared with its manifest. */
typedef struct {
    cJSON *summary;     /* the summary document */
    int expected;       /* runs the manifest lists; -1 when it lists none (written by an older actbench) */
    int ok, diverged, failed, missing, damaged;
    int rows;           /* rows of the summary */
    cJSON *unfinished;  /* the manifest's runs that have not finished, in manifest order: objects
                           {state: missing | failed | damaged, run_id, settings, why (null for missing;
                           a missing or failed run with a checkpoint: "epoch 12/40, checkpointed")} */
    cJSON *problems;    /* strings "PATH: what is wrong; left out of the summary" for the files of
                           runs/ that are damaged or of another experiment */
} ab_dir_state;

/* Reads DIR/experiment.json and every file of DIR/runs, checks each (a
 * damaged file or another experiment's run is left out of the summary and
 * named in problems) and builds the summary. experiment: the name the run
 * files must carry (NULL: the manifest's). Fails (AB_ERR_ARG / _IO, err)
 * when DIR has no readable manifest or runs/ cannot be read. */
ab_status ab_dir_scan(const char *dir, const char *experiment, const char *version, ab_dir_state *s, ab_error *err);
void ab_dir_state_free(ab_dir_state *s);
/* Writes s->summary as DIR/summary.json atomically. */
ab_status ab_dir_state_write(const char *dir, const ab_dir_state *s, ab_error *err);
/* ab_dir_scan then ab_dir_state_write: what 'actbench run' does at its end. */
ab_status ab_summary_write(const char *dir, const char *experiment, const char *version, ab_error *err);

/* The dot paths of a resolved config whose values differ between the
 * configs in runs (plus "seed"), in the order they first appear. */
cJSON *ab_runs_swept(const cJSON *runs);
/* The sources the runs were built from (environment.source; "" for run
 * files without it, written before it was recorded) with how many runs
 * each: an array of {"source", "runs"} in the order they first appear.
 * NULL when out of memory. */
cJSON *ab_runs_sources(const cJSON *runs);
/* "abc123 (40 runs), not recorded (12 runs)" of ab_runs_sources into buf */
void ab_sources_text(char *buf, size_t size, const cJSON *sources);
/* The final metrics a summary row carries, in order (AB_FINAL_METRICS). */
extern const char *const *const AB_SUMMARY_METRICS;

#endif
