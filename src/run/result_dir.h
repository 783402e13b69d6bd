/* result_dir.h: a result directory DIR as invocations of 'actbench run'
 * and the shards of a job array share it: DIR/experiment.json, the
 * manifest (which experiment owns DIR and which runs it expects), the rule
 * for reusing a DIR, and the lock under which the manifest changes.
 * docs/results.md describes the files. Prints nothing, never exits. */
#ifndef AB_RESULT_DIR_H
#define AB_RESULT_DIR_H

#include <cjson/cJSON.h>
#include "../config/experiment.h"
#include "../core/status.h"

/* The manifest DIR/experiment.json: *out is NULL (and AB_OK) when DIR has
 * none; an unreadable or malformed manifest is an error naming the file
 * (AB_ERR_FORMAT). A sound manifest is an object with a string
 * "experiment" and, when present, "runs" an array of objects each with a
 * string "run_id". */
ab_status ab_manifest_read(const char *dir, cJSON **out, ab_error *err);

/* Refuses a DIR that holds another experiment's manifest, a damaged
 * manifest, or runs/ without a manifest (AB_ERR_ARG with the message).
 * Reads only. */
ab_status ab_result_dir_check(const char *dir, const char *experiment, ab_error *err);

/* Makes DIR ready for the runs of e: under an exclusive lock of
 * DIR/.lock (flock; where the file system has no locks, the atomic
 * rename alone keeps the manifest whole), creates DIR/runs, checks DIR
 * again as ab_result_dir_check does, and adds to the manifest the runs of
 * e it does not list yet (all of them, not only one shard's). The manifest
 * is rewritten (atomically) only when it changes. config is the
 * CONFIG.yaml path as given. */
ab_status ab_result_dir_claim(const char *dir, const ab_experiment *e, const char *config,
                              const char *version, ab_error *err);

/* The settings of run i of e as one line: "path=value ..." for every
 * swept path, the seed included (validate's line without index and ID). */
void ab_run_settings_text(char *buf, size_t size, const ab_experiment *e, int i);

/* mkdir -p; 0 or -1 with errno. */
int ab_mkdir_p(const char *path);

#endif
