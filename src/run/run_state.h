/* run_state.h: what a run in progress holds beyond its trainer (the probes'
 * memory, the best epoch and its parameters, the run file's epochs and
 * steps so far, the time spent) and its conversion to and from the bytes of
 * a checkpoint's payload (checkpoint.h has the file around them). Used by
 * train_run.c; prints nothing. */
#ifndef AB_RUN_STATE_H
#define AB_RUN_STATE_H

#include <cjson/cJSON.h>
#include "../core/probe.h"
#include "../core/trainer.h"

typedef struct {
    ab_trainer *t;
    ab_probe *probe;          /* the epochs' probe */
    ab_probe *step_probe;     /* probe.every_steps' probe; NULL when off */
    float *best_params;       /* (t->net.n_params) of the best validation epoch; NULL without validation */
    cJSON *epochs, *steps;    /* the run file's arrays so far; steps NULL when off */
    int epoch;                /* epochs completed (0: the initialisation was measured) */
    int best_epoch;           /* -1: none yet */
    double best_val, best_train;
    long trained_examples;
    double train_seconds, step_seconds, elapsed; /* timings: what the run file's seconds add up */
} ab_run_state;

/* The payload of s: *buf (caller frees), *len bytes. */
ab_status ab_run_state_save(const ab_run_state *s, unsigned char **buf, size_t *len, ab_error *err);
/* Reads a payload into s, whose epoch the caller set to the checkpoint
 * header's (the payload must say the same): the trainer's and probes' state, the best epoch,
 * the counters, and new arrays *epochs and *steps (caller owns them; steps
 * NULL when s->steps is NULL) holding the entries of epochs 0..s->epoch.
 * On AB_ERR_FORMAT/NOMEM the trainer and probes may be partly overwritten:
 * the caller starts them again. */
ab_status ab_run_state_load(ab_run_state *s, const unsigned char *p, size_t len, cJSON **epochs,
                            cJSON **steps, ab_error *err);

#endif
