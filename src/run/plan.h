/* plan.h: what one 'actbench run' invocation runs: the runs of its shard,
 * less those already finished in DIR with --resume, with the output
 * directory's rules applied before anything is written, and each distinct
 * data set loaded once for the workers. Prints nothing: what it noticed
 * about the files of DIR (a damaged run file run again, a file of another
 * experiment left alone) is in notes, one line each. */
#ifndef AB_PLAN_H
#define AB_PLAN_H

#include "../config/experiment.h"
#include "../core/status.h"
#include "pool.h"

typedef struct {
    const char *dir;          /* the result directory */
    int resume, force;
    int shard_k, shard_n;     /* run i (0-based) belongs to shard i mod shard_n; shard_n 0: no sharding */
} ab_plan_opts;

typedef struct {
    ab_job *jobs;             /* the runs to run, in experiment order */
    int n;
    int total;                /* runs of the experiment */
    int in_shard;             /* runs of this shard (total without --shard) */
    int finished;             /* runs of the shard already finished in DIR, kept (--resume) */
    char **notes;             /* what was noticed in DIR, one line each */
    int n_notes;
    ab_dataset *sets;         /* each distinct data set of the jobs, once (ab_plan_load_data) */
    char **set_keys;
    int n_sets;
} ab_plan;

/* Whether run i (0-based) of an experiment belongs to shard k of n. */
int ab_shard_has(int i, int k, int n);

/* Fills p for e. Refuses (AB_ERR_ARG, message in err) a DIR that holds
 * another experiment, or this experiment's runs of the shard without
 * resume or force (a dry run is refused the same way: it predicts the run). With resume, a finished run (ok, diverged) is
 * kept; a failed, damaged or foreign file of a selected run is run again
 * (a note says so for damaged and foreign ones). Run files in DIR that
 * belong to neither e nor the manifest are checked and each damaged or
 * foreign one gets a note. Reads only. */
ab_status ab_plan_make(ab_plan *p, const ab_experiment *e, const ab_plan_opts *o, ab_error *err);
/* Loads each distinct data set of the jobs once and points the jobs at them. */
ab_status ab_plan_load_data(ab_plan *p, const ab_experiment *e, ab_error *err);
void ab_plan_free(ab_plan *p);

#endif
