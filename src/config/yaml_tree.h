/* yaml_tree.h: YAML text (a file or a --set value) parsed with libyaml into
 * a small tree of mappings, sequences and scalars, every node and key with
 * its source and 1-based line and column. Owns: the node pool, syntax
 * errors, duplicate-key and alias rejection, and the "LOC: PATH: message"
 * error format every config error uses. Knows nothing of the schema. */
#ifndef AB_YAML_TREE_H
#define AB_YAML_TREE_H

#include "../core/status.h"

typedef enum { AB_Y_SCALAR, AB_Y_MAP, AB_Y_SEQ } ab_ykind;

/* Where text came from: a file name, or a whole "--set KEY=VALUE". */
typedef struct {
    char *name;
    int is_set;
} ab_ysource;

typedef struct ab_ynode ab_ynode;
struct ab_ynode {
    ab_ykind kind;
    const ab_ysource *src;
    int line, col;       /* 1-based */
    char *text;          /* scalar text ("" for an empty value) */
    int plain;           /* scalar written without quotes (may be a number, bool or null) */
    int n, cap;          /* items (sequence) or pairs (mapping) */
    ab_ynode **items;    /* sequence items, or mapping values */
    ab_ynode **keys;     /* mapping keys (scalars), NULL for sequences */
};

/* Owns every node, string and source made through it. */
typedef struct ab_ypool ab_ypool;

ab_ypool *ab_ypool_new(void);
void ab_ypool_free(ab_ypool *p);

/* Parse a file. *root is NULL when the file holds no document. */
ab_status ab_yaml_parse_file(ab_ypool *p, const char *path, ab_ynode **root, ab_error *err);
/* Parse text; errors and nodes are located at `label` (e.g. "--set a=b").
 * Text holding no document gives a null scalar. */
ab_status ab_yaml_parse_text(ab_ypool *p, const char *label, int is_set, const char *text,
                             ab_ynode **root, ab_error *err);

/* Nodes and strings made outside the parser (for --set). */
char *ab_ypool_strdup(ab_ypool *p, const char *s);
ab_ynode *ab_ynode_new(ab_ypool *p, ab_ykind kind, const ab_ysource *src, int line, int col);
ab_status ab_ynode_put(ab_ypool *p, ab_ynode *map, ab_ynode *key, ab_ynode *value);
ab_ynode *ab_ynode_get(const ab_ynode *map, const char *key);
/* Index of key in map, or -1. */
int ab_ynode_find(const ab_ynode *map, const char *key);
/* A plain scalar that YAML reads as null: "", "~", "null". */
int ab_ynode_is_null(const ab_ynode *n);

/* "FILE:LINE:COL" or "--set KEY=VALUE" into buf. */
void ab_ynode_where(char *buf, unsigned long size, const ab_ynode *at);
/* err = "WHERE: PATH: message" (PATH omitted when NULL or ""). */
ab_status ab_ynode_fail(ab_error *err, const ab_ynode *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
