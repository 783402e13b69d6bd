/* settings.h: an experiment as written, before expansion: the checked
 * values of every key set in the base and in each variant, in the order
 * they were written, each value with the node it came from. Internal to
 * src/config. */
#ifndef AB_SETTINGS_H
#define AB_SETTINGS_H

#include <cjson/cJSON.h>
#include "experiment.h"
#include "run_config.h"
#include "yaml_tree.h"

typedef struct {
    int key;                 /* schema row */
    int n;                   /* 1, or the length of a sweep */
    cJSON **vals;            /* n checked values */
    const ab_ynode **at;     /* where each was written */
} ab_axis;

typedef struct {
    int n, cap;
    ab_axis *axes;           /* in the order the keys were written */
} ab_settings;

typedef struct {
    const ab_ynode *root;    /* the file's top mapping */
    ab_settings base;
    int n_variants;          /* 0: no variants list (or an empty one) */
    ab_settings *variants;
} ab_spec;

/* Check every key and value of root (schema.h) into spec. */
ab_status ab_spec_collect(ab_spec *spec, const ab_ynode *root, ab_error *err);
void ab_spec_free(ab_spec *spec);
/* The axis of schema row key in s, or NULL. */
const ab_axis *ab_settings_find(const ab_settings *s, int key);

/* Apply "--set PATH=VALUE" strings to the tree of root (VALUE read as YAML). */
ab_status ab_overrides_apply(ab_ypool *pool, ab_ynode *root, char *const *sets, int n_sets, ab_error *err);

/* One point of the sweep: per schema row the value chosen (NULL: the
 * default) and where it was written. */
typedef struct {
    const cJSON **val;
    const ab_ynode **at;
    const ab_ynode *root;     /* located errors with no node of their own */
    const char *default_name; /* name when none is set */
} ab_choice;

/* The resolved configuration of one run: applicable keys only, defaults
 * filled, "seed" set; then the rules between keys. */
ab_status ab_resolve(cJSON **out, const ab_choice *c, const cJSON *seed, ab_error *err);

/* The runs of spec, deduplicated, in expansion order (docs/config.md):
 * variants outermost, then the swept keys in the order written (the first
 * written varies slowest), seeds innermost. */
typedef struct {
    int n;
    cJSON **runs;             /* resolved configurations, owned */
    const ab_ynode **layers_at;  /* per run: the model.layers value it took, or NULL */
    const ab_ynode **augment_at; /* per run: the data.augment value it took, or NULL */
} ab_runs;

ab_status ab_sweep_expand(ab_runs *out, const ab_spec *spec, const char *default_name, ab_error *err);
void ab_runs_free(ab_runs *r);

/* The typed layers of a resolved model.layers array (layers.c); AB_ERR_ARG
 * when it is not one. */
ab_status ab_layers_from_json(ab_layer_spec *out, int *n_out, const cJSON *layers);

/* The typed run of a resolved configuration (run_id included). */
ab_status ab_run_fill(ab_run_config *rc, const cJSON *run, ab_error *err);

/* ---- the loaded experiment (experiment.c, shapes.c) ---- */

/* Where the items of a value were written, kept after the YAML tree is
 * gone: "FILE:LINE:COL" (or the "--set ..." text) of each layer of a
 * model.layers value, or of a data.augment value (n = 1). */
typedef struct {
    const ab_ynode *node;    /* while loading only: the value they came from */
    int n;
    char **where;
} ab_origin;

struct ab_experiment {
    char name[128];
    int n_runs;
    cJSON **json;            /* resolved configs, "run_id" first */
    ab_run_config *runs;
    int n_swept;
    char **swept;
    int n_origins;
    ab_origin *origins;
    int *layers_origin;      /* per run: index into origins, -1 when none */
    int *augment_origin;
    int n_shapes;            /* data shapes probed so far (shapes.c) */
    char **shape_keys;       /* canonical data settings of each */
    int (*shapes)[4];        /* c, h, w, classes */
};

/* Keep the origins of runs' layers and augment values in e (shapes.c). */
ab_status ab_origins_keep(ab_experiment *e, const ab_runs *runs);
/* Free the origins and the data-shape cache. */
void ab_origins_free(ab_experiment *e);

#endif
