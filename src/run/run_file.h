/* run_file.h: the files of a result directory: DIR/runs/<run_id>.json,
 * written through a temporary file and a rename so that a reader never sees
 * half a file, and the failed-run document the parent writes when a worker
 * dies. */
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
/* Reads a JSON file; NULL with err when missing or not JSON. */
cJSON *ab_json_read_file(const char *path, ab_error *err);
/* Writes any JSON document atomically (tmp + rename). */
ab_status ab_json_write_file(const char *path, const cJSON *doc, ab_error *err);

#endif
