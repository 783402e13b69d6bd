/* overrides.c: "--set PATH=VALUE" applied to the parsed experiment tree
 * before it is checked. VALUE is read as YAML, so a list sweeps and a
 * mapping sets a composite value; setting a group (e.g. model={...})
 * merges key by key, and setting a field of a composite value
 * (model.init.scale, data.augment.crop) changes that field of the file's
 * value (a preset becomes its mapping, no augment an empty one); setting model.layers drops model.hidden and the
 * other way round. An unknown PATH is an unknown-key error. No I/O. */
#include <stdio.h>
#include <string.h>
#include "../core/init.h"
#include "schema.h"
#include "settings.h"

/* Every segment of path must be a key of the schema, below a group. */
static ab_status check_path(const char *path, const ab_ynode *at, ab_error *err)
{
    char prefix[256] = "";
    for (const char *s = path;;) {
        size_t n = strcspn(s, ".");
        char parent[256], word[128];
        snprintf(parent, sizeof parent, "%s", prefix);
        snprintf(word, sizeof word, "%.*s", (int)n, s);
        size_t used = strlen(prefix);
        snprintf(prefix + used, sizeof prefix - used, "%s%s", used ? "." : "", word);
        const ab_key *up = parent[0] ? ab_schema_find(parent) : NULL;
        int composite = up && (up->type == AB_K_INIT || up->type == AB_K_MAPPING);
        if (up && up->type != AB_K_GROUP && !composite)
            return ab_ynode_fail(err, at, prefix, "%s takes one whole value; set %s instead", parent, parent);
        const ab_key *k = ab_schema_find(prefix);
        if (!word[0] || !k || k->part != composite) return ab_schema_unknown(err, at, prefix, parent, word);
        if (!s[n]) return AB_OK;
        s += n + 1;
    }
}

/* model.hidden and model.layers are two spellings of the network: setting
 * one drops the other from the same mapping. */
static void drop_other_network(ab_ynode *map, const char *path)
{
    const char *other = !strcmp(path, "model.layers") ? "hidden" : !strcmp(path, "model.hidden") ? "layers" : NULL;
    int i = other ? ab_ynode_find(map, other) : -1;
    if (i < 0) return;
    memmove(&map->keys[i], &map->keys[i + 1], (size_t)(map->n - i - 1) * sizeof *map->keys);
    memmove(&map->items[i], &map->items[i + 1], (size_t)(map->n - i - 1) * sizeof *map->items);
    map->n--;
}

static ab_status merge(ab_ypool *pool, ab_ynode *dst, const char *path, const ab_ynode *key, ab_ynode *value)
{
    drop_other_network(dst, path);
    int i = ab_ynode_find(dst, key->text);
    const ab_key *k = ab_schema_find(path);
    if (i < 0) return ab_ynode_put(pool, dst, (ab_ynode *)key, value);
    ab_ynode *old = dst->items[i];
    if (!k || k->type != AB_K_GROUP || old->kind != AB_Y_MAP || value->kind != AB_Y_MAP) {
        dst->items[i] = value;
        return AB_OK;
    }
    for (int j = 0; j < value->n; j++) {
        char sub[300];
        snprintf(sub, sizeof sub, "%s.%s", path, value->keys[j]->text);
        ab_status st = merge(pool, old, sub, value->keys[j], value->items[j]);
        if (st != AB_OK) return st;
    }
    return AB_OK;
}

/* A scalar node holding text, located at src. */
static ab_ynode *scalar(ab_ypool *pool, const ab_ysource *src, int line, int col, const char *text)
{
    ab_ynode *n = ab_ynode_new(pool, AB_Y_SCALAR, src, line, col);
    if (n && !(n->text = ab_ypool_strdup(pool, text))) n = NULL;
    return n;
}

/* The composite node v as a new mapping that can take one field: a copy of
 * a mapping, an initialiser preset spelled out as {scale, mode,
 * distribution} (v NULL or null: the preset def), or, for a mapping without
 * presets (data.augment: presets 0), {} when v is NULL or null. Sets *m to
 * NULL when v is none of these (an unknown preset or another kind of value:
 * the check reports it where it is). */
static ab_status as_mapping(ab_ypool *pool, const ab_ynode *v, const char *def, int presets,
                            const ab_ysource *src, ab_ynode **m)
{
    *m = NULL;
    ab_init_spec spec;
    const char *preset = !v || ab_ynode_is_null(v) ? def : v->kind == AB_Y_SCALAR ? v->text : NULL;
    int is_preset = presets && preset && ab_init_preset(preset, &spec) == 0;
    int empty = !presets && (!v || ab_ynode_is_null(v));
    if (empty) return (*m = ab_ynode_new(pool, AB_Y_MAP, v ? v->src : src, v ? v->line : 0, v ? v->col : 0))
                          ? AB_OK : AB_ERR_NOMEM;
    if (!(v && v->kind == AB_Y_MAP) && !is_preset) return AB_OK;
    ab_ynode *map = ab_ynode_new(pool, AB_Y_MAP, v ? v->src : src, v ? v->line : 0, v ? v->col : 0);
    if (!map) return AB_ERR_NOMEM;
    if (v && v->kind == AB_Y_MAP) {
        for (int i = 0; i < v->n; i++)
            if (ab_ynode_put(pool, map, v->keys[i], v->items[i]) != AB_OK) return AB_ERR_NOMEM;
    } else {
        char scale[32];
        snprintf(scale, sizeof scale, "%.9g", (double)spec.scale);
        const char *fields[3][2] = {{"scale", scale},
                                    {"mode", ab_fan_mode_name(spec.mode)},
                                    {"distribution", ab_dist_name(spec.dist)}};
        for (int i = 0; i < 3; i++) {
            ab_ynode *key = scalar(pool, map->src, map->line, map->col, fields[i][0]);
            ab_ynode *val = scalar(pool, map->src, map->line, map->col, fields[i][1]);
            if (!key || !val || ab_ynode_put(pool, map, key, val) != AB_OK) return AB_ERR_NOMEM;
        }
    }
    *m = map;
    return AB_OK;
}

/* --set COMPOSITE.FIELD=VALUE (path names the composite, key its last
 * segment in dst): every initialiser (or augment mapping) of the file's
 * value (one, or each of a sweep) gets field = VALUE; a list VALUE sweeps,
 * so the composite becomes the list of every initialiser with every value. */
static ab_status set_field(ab_ypool *pool, ab_ynode *dst, const char *path, ab_ynode *key,
                           const char *field, ab_ynode *value, ab_error *err)
{
    const ab_key *k = ab_schema_find(path);
    int i = ab_ynode_find(dst, key->text);
    ab_ynode *old = i >= 0 ? dst->items[i] : NULL;
    int old_seq = old && old->kind == AB_Y_SEQ, value_seq = value->kind == AB_Y_SEQ;
    int n_old = old_seq ? old->n : 1, n_val = value_seq ? value->n : 1;
    ab_ynode *seq = NULL, *one = NULL;
    if ((old_seq || value_seq) && !(seq = ab_ynode_new(pool, AB_Y_SEQ, value->src, 0, 0)))
        return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    for (int a = 0; a < n_old; a++)
        for (int b = 0; b < n_val; b++) {
            ab_ynode *item = old_seq ? old->items[a] : old, *map;
            if (as_mapping(pool, item, k ? k->def : NULL, k && k->type == AB_K_INIT, value->src, &map) != AB_OK)
                return ab_fail(err, AB_ERR_NOMEM, "out of memory");
            if (map) {
                ab_ynode *v = value_seq ? value->items[b] : value, *name = scalar(pool, value->src, 0, 0, field);
                int j = ab_ynode_find(map, field);
                if (!name) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
                if (j >= 0) map->items[j] = v;
                else if (ab_ynode_put(pool, map, name, v) != AB_OK) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
                item = map;
            }
            if (!item) continue; /* no default to start from: leave the key unset */
            if (!seq) one = item;
            else if (ab_ynode_put(pool, seq, NULL, item) != AB_OK) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        }
    ab_ynode *result = seq ? seq : one;
    if (!result) return AB_OK;
    if (i >= 0) dst->items[i] = result;
    else if (ab_ynode_put(pool, dst, key, result) != AB_OK) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    return AB_OK;
}

static ab_status apply_one(ab_ypool *pool, ab_ynode *root, const char *set, ab_error *err)
{
    char label[600], path[256];
    snprintf(label, sizeof label, "--set %s", set);
    const char *eq = strchr(set, '=');
    ab_ynode *value = NULL;
    ab_status st = ab_yaml_parse_text(pool, label, 1, eq ? eq + 1 : "", &value, err);
    if (st != AB_OK) return st;
    if (!eq || eq == set || (size_t)(eq - set) >= sizeof path)
        return ab_ynode_fail(err, value, NULL, "expected --set KEY.PATH=VALUE, e.g. --set model.alpha=0.2");
    snprintf(path, sizeof path, "%.*s", (int)(eq - set), set);
    if ((st = check_path(path, value, err)) != AB_OK) return st;
    const ab_key *target = ab_schema_find(path);
    char *field = NULL;
    if (target && target->part) { /* model.init.scale: walk to model.init, then set the field */
        field = strrchr(path, '.');
        *field++ = 0;
    }
    ab_ynode *cur = root;
    for (char *s = path;;) {
        size_t n = strcspn(s, ".");
        int last = !s[n];
        s[n] = 0;
        ab_ynode *key = ab_ynode_new(pool, AB_Y_SCALAR, value->src, 0, 0);
        if (!key || !(key->text = ab_ypool_strdup(pool, s))) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        if (last) return field ? set_field(pool, cur, path, key, field, value, err) : merge(pool, cur, path, key, value);
        ab_ynode *child = ab_ynode_get(cur, s);
        if (!child) {
            if (!(child = ab_ynode_new(pool, AB_Y_MAP, value->src, 0, 0)) ||
                ab_ynode_put(pool, cur, key, child) != AB_OK)
                return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        }
        if (child->kind != AB_Y_MAP) return AB_OK; /* the file's own value is reported when checked */
        cur = child;
        s[n] = '.';
        s += n + 1;
    }
}

ab_status ab_overrides_apply(ab_ypool *pool, ab_ynode *root, char *const *sets, int n_sets, ab_error *err)
{
    for (int i = 0; i < n_sets; i++) {
        ab_status st = apply_one(pool, root, sets[i], err);
        if (st != AB_OK) return st;
    }
    return AB_OK;
}
