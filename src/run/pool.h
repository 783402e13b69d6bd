/* pool.h: runs jobs in forked worker processes, at most `workers` at once.
 * Each job trains one run and writes DIR/runs/<run_id>.json itself; a
 * worker that crashes, is killed, or exits non-zero is recorded by the
 * parent as a failed run. SIGINT/SIGTERM stop every worker, remove their
 * temporary files and return with interrupted set (a worker killed by
 * SIGTERM or SIGINT just before the parent gets its own, as when Slurm
 * cancels the job, is interrupted too, not failed). Progress goes to stderr
 * (a live display on a terminal, one line per finished run otherwise). */
#ifndef AB_POOL_H
#define AB_POOL_H

#include <cjson/cJSON.h>
#include "../config/run_config.h"
#include "../data/dataset.h"

#define AB_POOL_MAX_WORKERS 256

typedef enum { AB_JOB_PENDING, AB_JOB_RUNNING, AB_JOB_OK, AB_JOB_DIVERGED, AB_JOB_FAILED } ab_job_state;

typedef struct {
    int index;                 /* the run's index in the experiment (as validate prints) */
    const ab_run_config *rc;
    const cJSON *resolved;
    const ab_dataset *data;
    ab_job_state state;
    double seconds;
    double test_accuracy;
} ab_job;

typedef struct {
    const char *runs_dir;
    const char *version;
    int workers;
    int live;                  /* 1: redraw a live display on stderr (a terminal) */
    int quiet;                 /* 1: no progress at all */
} ab_pool_opts;

typedef struct {
    int ok, diverged, failed, interrupted;
} ab_pool_result;

ab_pool_result ab_pool_run(ab_job *jobs, int n, const ab_pool_opts *o);

#endif
