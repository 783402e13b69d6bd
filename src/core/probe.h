/* probe.h: measurements of a network's hidden units on a probe set, in
 * evaluation mode: dead units (pre-activation <= 0 on every probe example;
 * for a conv layer the unit is the channel, dead when <= 0 at every position),
 * which died or came back since the previous probe, the fraction of negative
 * pre-activations, and the mean and standard deviation of each hidden
 * layer's outputs. Buffers are allocated by ab_probe_init, never during a
 * measurement. No I/O. */
#ifndef AB_PROBE_H
#define AB_PROBE_H

#include <stdint.h>
#include "network.h"
#include "state.h"

typedef struct {
    int conv;                 /* 1: a conv layer, whose units are its channels */
    int units;                /* units, or channels of a conv layer */
    int dead;                 /* units with z <= 0 on every probe example (at every position) */
    double dead_fraction;
    int died;                 /* alive at the previous probe, dead now */
    int revived;              /* dead at the previous probe, alive now (events) */
    int revived_units_total;  /* distinct units that have revived at least once since ab_probe_init */
    double negative_fraction; /* fraction of z <= 0 over examples x units (x positions) */
    double output_mean, output_std; /* of the layer's activation outputs */
} ab_layer_probe;

typedef struct {
    int n_hidden;
    int measured;             /* 0 until the first measurement */
    unsigned char *alive;     /* concatenated per-unit flags of the last probe */
    unsigned char *prev;      /* per-unit flags of the probe before */
    unsigned char *ever_revived; /* per-unit: revived at some probe since ab_probe_init */
    size_t *offset;           /* offset of hidden layer h in the flag arrays */
    double *sum, *sumsq;      /* per-layer accumulators */
    long *neg;
    ab_layer_probe *layers;   /* results of the last measurement (n_hidden) */
} ab_probe;

ab_status ab_probe_init(ab_probe *p, const ab_net *net, ab_error *err);
void ab_probe_free(ab_probe *p);
/* Runs x(n, n_inputs) through net in evaluation mode, in batches of at most
 * net->max_batch, and fills p->layers. Restores net->training afterwards.
 * The per-unit flags of hidden layer h after the call: p->alive + p->offset[h]. */
void ab_probe_measure(ab_probe *p, ab_net *net, const float *x, int n);
/* The same, and in the same forward passes the evaluation-mode mean loss and
 * accuracy over labels y (n) into *loss and *accuracy. p may be NULL to
 * evaluate only. */
void ab_probe_measure_eval(ab_probe *p, ab_net *net, const float *x, const int32_t *y, int n,
                           double *loss, double *accuracy);

/* What the next measurement compares with (whether one was made, the
 * per-unit flags of the last one, the units that ever came back) as bytes
 * for a checkpoint; _load fails (AB_ERR_FORMAT) on a probe of another shape
 * or bytes that end early. */
void ab_probe_state_save(const ab_probe *p, ab_state_out *o);
ab_status ab_probe_state_load(ab_probe *p, ab_state_in *in, ab_error *err);

/* Evaluation-mode mean loss and accuracy over x(n, n_inputs). */
void ab_net_evaluate(ab_net *net, const float *x, const int32_t *y, int n,
                     double *loss, double *accuracy);

#endif
