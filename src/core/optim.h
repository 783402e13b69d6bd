/* optim.h: optimisers over the network's flat parameter array, and
 * learning-rate schedules. State lives in one allocation made by
 * ab_optim_init; ab_optim_step allocates nothing. No I/O. */
#ifndef AB_OPTIM_H
#define AB_OPTIM_H

#include <stddef.h>
#include "status.h"

typedef enum { AB_OPT_SGD, AB_OPT_MOMENTUM, AB_OPT_NESTEROV, AB_OPT_ADAM, AB_OPT_COUNT } ab_opt_kind;

typedef struct {
    ab_opt_kind kind;
    float momentum;      /* momentum / nesterov (default 0.9) */
    float beta1, beta2;  /* adam (0.9, 0.999) */
    float eps;           /* adam (1e-8) */
    float weight_decay;  /* L2: g += wd * w on decayed parameters (default 0) */
    float clip_norm;     /* > 0: before each update the whole gradient is scaled so that
                            its global L2 norm is at most this (ab_clip_grad_norm); 0 = off */
} ab_optim_spec;

typedef enum { AB_SCHED_CONSTANT, AB_SCHED_STEP, AB_SCHED_EXPONENTIAL, AB_SCHED_COSINE, AB_SCHED_COUNT } ab_sched_kind;

typedef struct {
    ab_sched_kind kind;
    double lr;         /* base learning rate */
    int step_size;     /* step: epochs between decays (default 10) */
    double gamma;      /* step, exponential: factor (default 0.1 / 0.95) */
    double min_lr;     /* cosine: floor (default 0) */
    long warmup_steps; /* > 0: linear warm-up over the first steps (ab_warmup_factor); 0 = off */
} ab_schedule_spec;

/* A contiguous run of parameters and whether weight decay applies to it. */
typedef struct {
    size_t off, n;
    int decay;
} ab_param_block;

typedef struct {
    ab_optim_spec spec;
    size_t n;          /* number of parameters */
    float *m, *v;      /* one allocation: first / second moments */
    long t;            /* steps taken */
    float bc1, bc2;    /* adam's bias corrections 1 - beta^t of step t (1 for the others) */
} ab_optim;

ab_optim_spec ab_optim_default(ab_opt_kind kind);
const char *ab_optim_name(ab_opt_kind k);
int ab_optim_from_name(const char *s, ab_opt_kind *k);
const char *ab_optim_names(void);
ab_status ab_optim_init(ab_optim *o, const ab_optim_spec *spec, size_t n, ab_error *err);
void ab_optim_free(ab_optim *o);
void ab_optim_reset(ab_optim *o);
/* One update of params from grads at learning rate lr.
 *   sgd:       w -= lr * g
 *   momentum:  v = mu v + g;  w -= lr v                   (PyTorch)
 *   nesterov:  v = mu v + g;  w -= lr (g + mu v)          (PyTorch)
 *   adam:      m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 *              w -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 * where g already includes wd * w for blocks with decay. */
void ab_optim_step(ab_optim *o, float *params, const float *grads, const ab_param_block *blocks,
                   int n_blocks, float lr);
/* ab_optim_step, and sq[k] = the sum of the squared gradients of block k
 * (8 float lanes, i mod 8, then in double), read in the same pass as the
 * update: the training step's gradient norms cost no pass of their own. */
void ab_optim_step_sq(ab_optim *o, float *params, const float *grads,
                      const ab_param_block *blocks, int n_blocks, float lr, double *sq);
/* ab_optim_step_sq in parts, so that the training step can update each
 * layer's parameters as soon as its backward has computed their gradients
 * (while they are still in the cache): ab_optim_begin_step once per step,
 * then ab_optim_update_blocks over every block exactly once, in any order
 * and in any number of calls (blocks[k] and sq[k] as in ab_optim_step_sq).
 * The result is the same, bit for bit, as one ab_optim_step_sq. */
void ab_optim_begin_step(ab_optim *o);
void ab_optim_update_blocks(ab_optim *o, float *params, const float *grads,
                            const ab_param_block *blocks, int n_blocks, float lr, double *sq);

/* Clip the global L2 norm of g (n values) to max_norm as PyTorch's
 * clip_grad_norm_: with N = ||g||_2 (summed in double), when
 * c = max_norm / (N + 1e-6) < 1 every g[i] is multiplied by c; otherwise g
 * is untouched. Returns N (NaN or inf when g holds one; g is then left
 * as is: the step diverges as it would without clipping). */
double ab_clip_grad_norm(float *g, size_t n, double max_norm);

ab_schedule_spec ab_schedule_default(ab_sched_kind kind, double lr);
const char *ab_schedule_name(ab_sched_kind k);
int ab_schedule_from_name(const char *s, ab_sched_kind *k);
const char *ab_schedule_names(void);
/* Learning rate for a 0-based epoch out of total_epochs. */
double ab_schedule_lr(const ab_schedule_spec *s, int epoch, int total_epochs);
/* The warm-up factor of training step `step` (1-based, counted over the
 * whole run): min(1, step / warmup_steps), so the rate rises linearly from
 * 0 and step warmup_steps is the first at the full rate; 1 when
 * warmup_steps <= 0. The step's rate is the epoch's rate times this. */
double ab_warmup_factor(long step, long warmup_steps);

#endif
