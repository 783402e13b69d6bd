/* pool.h: runs jobs in forked worker processes, at most `workers` at once.
 * Each job trains one run and writes DIR/runs/<run_id>.json itself; a
 * worker that crashes, is killed, or exits non-zero is recorded by the
 * parent as a failed run. SIGINT/SIGTERM stop every worker (SIGTERM: each
 * finishes its current step and writes its checkpoint, when checkpoints are
 * on), remove their temporary files and return with interrupted set (a
 * worker stopped by SIGTERM or SIGINT on its own or just before the parent
 * gets its own, as when Slurm cancels the job, is interrupted too, not
 * failed). Workers get SIGTERM when the parent dies (PR_SET_PDEATHSIG), so
 * they never outlive it. Progress goes to stderr (a live display on a
 * terminal, one line per finished run otherwise). */
#ifndef AB_POOL_H
#define AB_POOL_H

#include <cjson/cJSON.h>
#include "../config/run_config.h"
#include "../data/dataset.h"

#define AB_POOL_MAX_WORKERS 256

typedef enum { AB_JOB_PENDING, AB_JOB_RUNNING, AB_JOB_OK, AB_JOB_DIVERGED, AB_JOB_FAILED } ab_job_state;

typedef struct {
    int index;                 /* the run's index in the experiment (as validate prints) */
    char label[160];           /* what tells the run apart, for progress: "model.activation=prelu seed=2" */
    const ab_run_config *rc;
    const cJSON *resolved;
    const ab_dataset *data;
    ab_job_state state;
    double seconds;
    double test_accuracy;
} ab_job;

typedef struct {
    const char *runs_dir;
    const char *ckpt_dir;      /* DIR/checkpoints; NULL: no checkpoints */
    int resume;                /* runs go on from their checkpoints (--resume) */
    const char *version;
    int workers;
    int live;                  /* 1: redraw a live display on stderr (a terminal) */
    int quiet;                 /* 1: no progress at all */
} ab_pool_opts;

typedef struct {
    int ok, diverged, failed;
    int interrupted;           /* runs interrupted (stopped, or killed with this process); >= 1 after a signal */
    int signal;                /* the signal that stopped the pool (SIGINT, SIGTERM), 0 when none */
} ab_pool_result;

ab_pool_result ab_pool_run(ab_job *jobs, int n, const ab_pool_opts *o);

#endif
