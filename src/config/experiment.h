/* experiment.h: an experiment: a YAML file, its --set overrides and its
 * sweeps expanded into fully resolved runs, each as JSON and as the typed
 * ab_run_config the runner consumes. A library layer: prints nothing and
 * never exits; errors are one line "FILE:LINE:COL: KEY.PATH: message" in
 * err->msg. docs/config.md describes the format, sweeps and run IDs. */
#ifndef AB_EXPERIMENT_H
#define AB_EXPERIMENT_H

#include <cjson/cJSON.h>
#include "../core/model_shape.h"
#include "../core/status.h"
#include "run_config.h"

/* Runs an experiment may expand to before deduplication. */
#define AB_MAX_RUNS 100000

typedef struct ab_experiment ab_experiment;

/* Loads, validates, applies sets (n_sets strings "path=value", the value
 * read as YAML), expands. On error returns non-OK, *out is NULL and
 * err->msg holds the full one-line message. */
ab_status ab_experiment_load(ab_experiment **out, const char *path, char *const *sets, int n_sets,
                             ab_error *err);
void ab_experiment_free(ab_experiment *e);

const char *ab_experiment_name(const ab_experiment *e);
int ab_experiment_n_runs(const ab_experiment *e);
/* Run i in expansion order (0-based); NULL when out of range. */
const ab_run_config *ab_experiment_run(const ab_experiment *e, int i);
/* The resolved configuration of run i, "run_id" first. */
const cJSON *ab_experiment_run_json(const ab_experiment *e, int i);
/* The dot paths whose resolved value differs between runs (the seed as
 * "seed"), in schema order with "seed" last; for summary tables. */
int ab_experiment_n_swept(const ab_experiment *e);
const char *ab_experiment_swept(const ab_experiment *e, int k);

/* The summary line of run i: "INDEX RUN_ID path=value ..." with the
 * 1-based index and every swept path ("-" where it does not apply),
 * truncated to size. For 'actbench validate' and 'actbench run'. */
void ab_experiment_run_line(char *buf, unsigned long size, const ab_experiment *e, int i);

/* The layers of run i on its data (shapes.c): the input shape of one
 * example into *in, then every layer's output shape (C x H x W) and
 * parameter count into out (AB_MAX_HIDDEN + 1 entries), the implicit output
 * dense layer last; *n_out entries, *total parameters. The data's shape
 * comes from its headers (ab_data_shape), read once per distinct data
 * setting. A layer that does not fit what it receives, or augmentation of
 * data without an image shape, is a config error located where it was
 * written ("FILE:LINE:COL: model.layers[2]: ..."); a data set that cannot
 * be read is "data: ...". */
ab_status ab_experiment_shapes(ab_experiment *e, int i, ab_layer_shape *in, ab_layer_shape *out, int *n_out,
                               size_t *total, ab_error *err);
/* ab_experiment_shapes of every run: the first error. */
ab_status ab_experiment_check_shapes(ab_experiment *e, ab_error *err);
/* The layers of run i as text: one line per layer "    LAYER  CxHxW  PARAMETERS",
 * input first, then "    parameters: N", each ending in a newline. */
ab_status ab_experiment_shape_text(ab_experiment *e, int i, char *buf, unsigned long size, ab_error *err);

/* How many layers of a resolved config's network are probed for dead units
 * (those an activation follows): the entries of model.hidden, or the conv
 * and dense entries of model.layers; -1 when it has neither list. */
int ab_config_probed_layers(const cJSON *resolved);

/* 1 for the paths that may be absent from a run they apply to, where being
 * absent is a value of its own when telling runs apart (swept paths):
 * model.hidden and model.layers (one of the two spells the network) and
 * data.augment (absent: no augmentation). */
int ab_config_absent_is_value(const char *dot_path);

/* The value of a dot path ("model.alpha", "seed") in a resolved config
 * (NULL when absent). */
const cJSON *ab_config_get(const cJSON *resolved, const char *dot_path);

/* The canonical text of a JSON value: object keys sorted, no spaces,
 * integral numbers below 1e17 as integers, other numbers as the shortest
 * "%.*g" that reads back to the same double.
 * Keys named in skip (NULL-terminated, top level only) are left out.
 * Returns malloc'd text (NULL when out of memory). */
char *ab_config_canonical(const cJSON *v, const char *const *skip);
/* The run ID of a resolved config: 16 lowercase hex digits of the FNV-1a
 * hash of its canonical text without name, description and run_id.
 * Returns 0, or -1 when memory ran out (out is then "" : no wrong ID). */
int ab_config_run_id(char out[17], const cJSON *resolved);
/* A value as it is shown in one line: strings bare, others canonical,
 * "-" when v is NULL. */
void ab_config_value_text(char *buf, unsigned long size, const cJSON *v);

#endif
