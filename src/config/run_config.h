/* run_config.h: one fully resolved run of an experiment, as the runner and
 * the engine consume it. Produced by the config module (experiment.h) from
 * a YAML experiment, its --set overrides and its sweep expansion. */
#ifndef AB_RUN_CONFIG_H
#define AB_RUN_CONFIG_H

#include <stdint.h>
#include "../core/network.h"
#include "../core/optim.h"
#include "../data/dataset.h"

typedef enum { AB_PROBE_TRAIN, AB_PROBE_VALIDATION } ab_probe_source;

typedef struct {
    ab_probe_source source;  /* probe.set: train (default) | validation */
    long size;               /* probe.size: first N examples of that set; 0 = all */
    long every_steps;        /* probe.every_steps: also probe every N training steps; 0 = off */
} ab_probe_spec;

typedef struct {
    char name[128];          /* experiment name */
    ab_data_spec data;
    ab_model_spec model;     /* n_inputs / n_classes are filled from the data at run time */
    ab_optim_spec optim;
    ab_schedule_spec schedule; /* schedule.lr is train.learning_rate */
    int batch_size;
    int epochs;
    int shuffle;             /* train.shuffle: reshuffle every epoch (default 1) */
    ab_probe_spec probe;
    uint64_t seed;
    int blas_threads;        /* train.blas_threads (default 1) */
    long eval_size;          /* train.eval_size: train metrics of epochs before the last on
                              * the first N training examples; 0 = all */
    int checkpoint_every;    /* train.checkpoint_every: checkpoint every N epochs; 0 = never */
    char run_id[17];         /* 16 hex digits of the hash of the resolved config */
} ab_run_config;

#endif
