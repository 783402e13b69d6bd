/* summary.h: DIR/summary.json from every run file in DIR/runs: a flat
 * table with one row per run (run ID, every swept parameter by its dot
 * path, seed, status, final metrics) and groups over seeds (mean, standard
 * deviation and n of each final metric). docs/results.md documents it. */
#ifndef AB_SUMMARY_H
#define AB_SUMMARY_H

#include <cjson/cJSON.h>
#include "../core/status.h"

/* Reads the run files of DIR/runs; returns the summary document or NULL with err. */
cJSON *ab_summary_build(const char *dir, const char *experiment, const char *version, ab_error *err);
/* Builds and writes DIR/summary.json atomically. */
ab_status ab_summary_write(const char *dir, const char *experiment, const char *version, ab_error *err);
/* Reads every run document of DIR/runs (sorted by file name) into a cJSON
 * array; NULL with err when the directory cannot be read. */
cJSON *ab_runs_read(const char *dir, ab_error *err);
/* The dot paths of a resolved config whose values differ between the
 * configs in runs (plus "seed"), in the order they first appear. */
cJSON *ab_runs_swept(const cJSON *runs);
/* The final metrics a summary row carries, in order. */
extern const char *const AB_SUMMARY_METRICS[];

#endif
