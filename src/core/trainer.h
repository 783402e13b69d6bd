/* trainer.h: one run's training state (network, optimiser, shuffling,
 * batch buffers, per-layer gradient norms) and the epoch loop over it.
 * Everything is allocated by ab_trainer_init; an epoch allocates nothing.
 * An epoch can stop after any step (the caller's stop flag) and go on
 * later, also from a saved state (ab_trainer_state_save/_load: all the
 * state that decides the rest of the run, as bytes for a checkpoint).
 * Random streams come from the run seed: "init" (weights), "shuffle"
 * (example order), "rrelu" (slopes), "dropout" (masks), "augment" (flips
 * and crops of the training images). No I/O. */
#ifndef AB_TRAINER_H
#define AB_TRAINER_H

#include <signal.h>
#include <stdint.h>
#include "network.h"
#include "optim.h"
#include "state.h"

typedef struct {
    double loss;       /* mean training-mode loss over the epoch's batches */
    double accuracy;   /* training-mode accuracy over the epoch's batches */
    long examples;
    long steps;
    int diverged;      /* 1 when a batch loss was NaN or infinite (the epoch stopped there) */
    int stopped;       /* 1 when the stop flag ended the call before the epoch's end */
} ab_epoch_result;

/* The epoch in progress, from ab_trainer_epoch_start to its last step. */
typedef struct {
    int active;
    int shuffle;
    long n;            /* examples of the epoch */
    long next;         /* the first example of the next batch */
    float lr;
    double loss_sum;   /* sum over the batches so far of loss x batch size */
    long hits;
    ab_epoch_result r; /* examples and steps so far */
} ab_epoch_pos;

struct ab_trainer;
/* Called after every `every_steps`-th training step of the run (counted
 * over all epochs) with the step (1-based), the rate it used and the mean
 * training-mode loss of the steps since the previous call. It may run
 * evaluation-mode passes through t->net (they draw no random numbers, so
 * training goes on exactly as without them). */
typedef void (*ab_step_fn)(void *ctx, struct ab_trainer *t, long step, double lr, double running_loss);

typedef struct ab_trainer {
    ab_net net;
    ab_optim opt;
    int batch;
    long n_train;
    int *perm;         /* (n_train) example order of the current epoch */
    float *xb;         /* (batch, n_inputs) gathered batch */
    int32_t *yb;       /* (batch) */
    double *grad_sq;   /* (n_hidden) sum over the epoch's steps of |dW_h|^2 */
    long epoch_steps;
    ab_rng shuffle_rng;
    int augment_flip;  /* random horizontal flips of the training images */
    int augment_crop;  /* zero padding by this many pixels and a random crop back */
    float *aug_scratch; /* (n_inputs) */
    ab_rng augment_rng;
    long steps;        /* training steps completed over the run */
    /* Set by the caller after ab_trainer_init (all 0 = off): */
    long warmup_steps; /* linear warm-up of the rate over the run's first steps (ab_warmup_factor) */
    long every_steps;  /* > 0: call on_step after every every_steps-th step */
    ab_step_fn on_step;
    void *on_step_ctx;
    double since_loss; /* sum of the batch losses since the last on_step call */
    long since_steps;
    ab_epoch_pos ep;
    /* Set by the caller (NULL = never stop): when *stop is non-zero after a
     * step, ab_trainer_epoch_run returns with the epoch still in progress. */
    const volatile sig_atomic_t *stop;
    const float *bytes_of; /* ab_trainer_set_bytes: the examples x8 stands for */
    const uint8_t *x8;
    const float *x8_table;
} ab_trainer;

ab_status ab_trainer_init(ab_trainer *t, const ab_model_spec *model, const ab_optim_spec *opt,
                          int batch, long n_train, uint64_t seed, ab_error *err);
void ab_trainer_free(ab_trainer *t);
/* Augment every training batch from now on (augment.h): flip, and crop
 * by up to crop pixels; needs an image input (height x width > 1) and
 * 0 <= crop < min(height, width). */
ab_status ab_trainer_set_augment(ab_trainer *t, int flip, int crop, ab_error *err);
/* From now on, an epoch over the examples x gathers its shuffled batches
 * from x8 (the same examples as bytes, x[i] == table[x8[i]] for every i)
 * instead of from x: a quarter of the memory traffic, the same floats.
 * Epochs over any other x are unaffected; x8 NULL turns it off. */
void ab_trainer_set_bytes(ab_trainer *t, const float *x, const uint8_t *x8, const float *table);
/* One pass over x(n, n_inputs), y(n) in batches at learning rate lr (times
 * the warm-up factor of each step while the run is in its warm-up), in a
 * fresh random order when shuffle is set. */
ab_epoch_result ab_trainer_epoch(ab_trainer *t, const float *x, const int32_t *y, long n,
                                 float lr, int shuffle);
/* ab_trainer_epoch in two parts: _start draws the epoch's order; _run
 * trains its remaining batches, until the end of the epoch (t->ep.active
 * is then 0 and the result is the whole epoch's) or until *t->stop is set
 * after a step (result.stopped; a later _run, with the same x and y, goes
 * on from the next batch exactly as if it had not stopped). */
void ab_trainer_epoch_start(ab_trainer *t, long n, float lr, int shuffle);
ab_epoch_result ab_trainer_epoch_run(ab_trainer *t, const float *x, const int32_t *y);
/* Root mean square over the last epoch's steps of the L2 norm of hidden
 * layer h's weight gradient (0 before any step). */
double ab_trainer_grad_norm(const ab_trainer *t, int h);

/* The training state as bytes: parameters, optimiser state (moments, step
 * count), every random stream (shuffle, augment, rrelu, dropout), the step
 * counters, the gradient norms and the epoch in progress (with its order).
 * _load checks that the state is of a trainer of the same shape (sizes,
 * optimiser) and fails (AB_ERR_FORMAT, t unchanged or partly loaded: start
 * it again) when it is not or the bytes end early. */
void ab_trainer_state_save(const ab_trainer *t, ab_state_out *o);
ab_status ab_trainer_state_load(ab_trainer *t, ab_state_in *in, ab_error *err);

#endif
