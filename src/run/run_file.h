/* run_file.h: the files of a result directory: DIR/runs/<run_id>.json,
 * written through a temporary file and a rename so that a reader never sees
 * half a file, the failed-run document the parent writes when a worker
 * dies, and reading a run file back with a check of what it holds (for
 * --resume and 'actbench summarize'). */
#ifndef AB_RUN_FILE_H
#define AB_RUN_FILE_H

#include <cjson/cJSON.h>
#include "../core/status.h"

/* Writes doc as DIR/runs/<run_id>.json via DIR/runs/.<run_id>.json.<pid>.tmp. */
ab_status ab_run_file_write(const char *runs_dir, const char *run_id, const cJSON *doc, ab_error *err);
/* The temporary name a process pid uses for run_id (to clean up after it). */
void ab_run_file_tmpname(char *buf, size_t size, const char *runs_dir, const char *run_id, long pid);
/* A document for a run that did not finish: status "failed" and why. */
cJSON *ab_run_failed_doc(const char *run_id, const cJSON *resolved, const char *version,
                         int blas_threads, const char *why);
/* Reads a JSON file; NULL with err ("PATH: what is wrong") when it cannot
 * be opened, is not a regular file, is empty, is truncated or is not JSON. */
cJSON *ab_json_read_file(const char *path, ab_error *err);
/* Writes any JSON document atomically (tmp + rename; the temporary name
 * holds the host name and the process id, so that processes on several
 * machines sharing the directory never write the same temporary file). */
ab_status ab_json_write_file(const char *path, const cJSON *doc, ab_error *err);

/* The fields of a finished run's "final" that must be a number or null:
 * the metrics a summary row carries (src/report/summary.c), in order. */
extern const char *const AB_FINAL_METRICS[];

/* What a run file read back holds. */
typedef enum {
    AB_RUN_FINISHED,  /* status ok or diverged, with its final metrics */
    AB_RUN_FAILED,    /* status failed: the run did not finish */
    AB_RUN_DAMAGED,   /* unreadable, not JSON, truncated, missing or mistyped fields */
    AB_RUN_FOREIGN    /* a sound run file of another experiment than the one expected */
} ab_run_kind;

/* Reads DIR/runs/<run_id>.json (path) and checks it: a JSON object whose
 * run_id is the file's name, status ok/diverged/failed, config an object
 * whose name is experiment (NULL: any), epochs an array, final an object
 * (null for a failed run) whose AB_FINAL_METRICS are numbers or null and
 * whose dead_fraction is an array of them. *doc gets the document (NULL when damaged;
 * caller frees). For DAMAGED and FOREIGN, err says what is wrong, without
 * the path. */
ab_run_kind ab_run_file_load(const char *path, const char *experiment, cJSON **doc, ab_error *err);

#endif
