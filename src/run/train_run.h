/* train_run.h: trains one resolved run on a loaded data set and builds its
 * run document (docs/results.md): the resolved configuration, the status,
 * per-epoch learning curves with dead-unit and activation measurements of
 * every hidden layer (epoch 0 at initialisation), and the final metrics.
 * Runs in a worker process; prints nothing. */
#ifndef AB_TRAIN_RUN_H
#define AB_TRAIN_RUN_H

#include <cjson/cJSON.h>
#include <signal.h>
#include "../config/run_config.h"
#include "../data/dataset.h"

#define AB_SCHEMA_VERSION 1

/* Called after each epoch (0 = initialisation) with the run's progress. */
typedef void (*ab_progress_fn)(void *ctx, int epoch, int epochs, double train_loss);

/* How a run is carried out (all optional: zeroed, a run from start to end
 * without checkpoints). */
typedef struct {
    ab_progress_fn progress;  /* after each epoch, and with the epoch a resumed run starts after */
    void (*note)(void *ctx, const char *msg); /* what the run noticed: a checkpoint ignored or not written */
    void *ctx;
    const char *ckpt_dir;     /* DIR/checkpoints: write the run's checkpoint there (checkpoint.h)
                               * every train.checkpoint_every epochs and when stopped; NULL: never */
    int resume;               /* go on from the run's checkpoint in ckpt_dir when it is sound */
    const volatile sig_atomic_t *stop; /* non-zero: after the current step, checkpoint and return */
    int stopped;              /* set when the run returned because of stop */
    int checkpointed;         /* set when it then wrote its checkpoint (err says why not otherwise) */
} ab_run_ctl;

/* Trains rc on d. Returns the run document (caller frees with cJSON_Delete),
 * or NULL with err filled when the run could not start (bad sizes, memory),
 * or NULL when it was stopped (ctl->stopped; ctl->checkpointed, or err
 * says why no checkpoint was written). A NaN or infinite loss is a finished run with status
 * "diverged". A resumed run's document is the one the run would have
 * written without the interruption, its timings aside. */
cJSON *ab_train_run(const ab_run_config *rc, const cJSON *resolved, const ab_dataset *d,
                    const char *version, ab_run_ctl *ctl, ab_error *err);

/* The head of a run document, the same for finished and failed runs:
 * schema_version, actbench_version, run_id, status, diverged_epoch (null),
 * error (null when error is NULL), config, environment. */
cJSON *ab_run_doc_new(const char *run_id, const cJSON *resolved, const char *version,
                      int blas_threads, const char *status, const char *error);

/* The "environment" object: cores, blas, blas_threads, source. */
cJSON *ab_environment_json(int blas_threads);

#endif
