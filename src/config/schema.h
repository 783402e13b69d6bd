/* schema.h: the one table of every experiment key (dot path, type, default,
 * range or allowed values, applicability rule, help), and the checks that
 * turn one YAML value into its JSON value or a located error. Knows nothing
 * of sweeps or runs. No I/O. */
#ifndef AB_SCHEMA_H
#define AB_SCHEMA_H

#include <cjson/cJSON.h>
#include "yaml_tree.h"

typedef enum {
    AB_K_GROUP,    /* a mapping of keys (data, model, train, probe) */
    AB_K_VARIANTS, /* a list of partial settings */
    AB_K_SEEDS,    /* an integer >= 0 or a list of them: the seeds of every run */
    AB_K_NAME,     /* [A-Za-z0-9._-]+ */
    AB_K_TEXT,     /* any text */
    AB_K_INT,      /* an integer that fits an int */
    AB_K_LONG,     /* an integer up to 2^53 */
    AB_K_FLOAT,    /* a finite number */
    AB_K_BOOL,     /* true | false */
    AB_K_ENUM,     /* one of the allowed names */
    AB_K_LABEL,    /* a CSV column: a name, or a 0-based index */
    AB_K_HEADER,   /* true | false | auto */
    AB_K_WIDTHS,   /* a non-empty list of layer widths */
    AB_K_LAYERS,   /* a non-empty list of layer mappings ({conv: 32, kernel: 3}, ...) */
    AB_K_INIT,     /* a preset name or {scale, mode, distribution} */
    AB_K_MAPPING   /* a mapping of its part rows (data.augment: {flip, crop}) */
} ab_ktype;

typedef struct {
    const char *path;           /* dot path, e.g. "model.alpha" */
    ab_ktype type;
    const char *def;            /* default as text, or "v:x v:y *:z" chosen by the value at `by` */
    const char *by;             /* the path whose value picks the default (NULL: one default) */
    const char *range;          /* numbers: "> 0", ">= 1", "[0, 1)"; enums: "a, b, c" */
    const char *(*names)(void); /* enums whose names belong to another module */
    const char *when;           /* applies only when "PATH=v1|v2", or "!PATH": when PATH is absent (NULL: always) */
    const char *need;           /* required when "PATH=v1|v2" */
    int part;                   /* a field of a composite value (model.init.*, data.augment.*), not a setting */
    const char *help;
} ab_key;

int ab_schema_count(void);
const ab_key *ab_schema_key(int i);
/* Index of path among the rows, or -1. */
int ab_schema_index(const char *path);
const ab_key *ab_schema_find(const char *path);

/* Unknown key `word` under parent ("" for the top level): the located error
 * with the closest known key and the list of known keys. */
ab_status ab_schema_unknown(ab_error *err, const ab_ynode *at, const char *display,
                            const char *parent, const char *word);

/* Keys added after results were committed have a legacy value: the value
 * that means what runs did before the key existed. While a run holds it,
 * the key is left out of the run ID (canon.c), so those runs keep their
 * IDs. NULL for the other keys. */
const char *ab_schema_legacy(const ab_key *k);
/* 1 for a key that changes how a run is carried out, not what it computes
 * (train.checkpoint_every): it is left out of the run ID whatever its
 * value, so that changing it keeps the run and its checkpoint. */
int ab_schema_unhashed(const ab_key *k);

/* 1 when node is a list of values of k (a sweep) rather than one value. */
int ab_schema_is_sweep(const ab_key *k, const ab_ynode *node);
/* Check one value of k; *out receives its JSON value. display is the path
 * named in errors (e.g. "variants[0].model.alpha"). */
ab_status ab_schema_value(cJSON **out, const ab_key *k, const ab_ynode *node, const char *display,
                          ab_error *err);
/* model.layers (layers.c): a non-empty list of layer mappings into a JSON
 * array of resolved layer objects; errors at "display[i]" (or its keys). */
ab_status ab_layers_value(cJSON **out, const ab_ynode *n, const char *display, ab_error *err);
/* The default of k given the run resolved so far (NULL when it has none). */
cJSON *ab_schema_default(const ab_key *k, const cJSON *run);
/* 1 when k has a default for run (so a NULL from ab_schema_default means
 * that memory ran out). */
int ab_schema_has_default(const ab_key *k, const cJSON *run);
/* "PATH=v1|v2" (or "!PATH") holds for run (a NULL rule always holds). */
int ab_schema_rule(const char *rule, const cJSON *run);

#endif
