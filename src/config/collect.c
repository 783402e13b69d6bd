/* collect.c: walks the YAML tree of an experiment against the schema:
 * unknown keys, groups that are not mappings, variants, sweeps (a list
 * where one value is expected) and every value's check, into ab_spec.
 * Does not resolve defaults or expand anything. No I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "schema.h"
#include "settings.h"

static ab_status add_axis(ab_settings *s, int key, const ab_ynode *node, const char *display, ab_error *err)
{
    const ab_key *k = ab_schema_key(key);
    int sweep = ab_schema_is_sweep(k, node);
    int n = sweep ? node->n : 1;
    if (sweep && !strncmp(k->path, "analysis.", 9))
        return ab_ynode_fail(err, node, display, "one value, not a list: the analysis is declared once for the "
                             "whole experiment");
    if (sweep && n == 0) return ab_ynode_fail(err, node, display, "an empty list; a sweep needs at least one value");
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        ab_axis *a = realloc(s->axes, (size_t)cap * sizeof *a);
        if (!a) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        s->axes = a;
        s->cap = cap;
    }
    ab_axis *a = &s->axes[s->n];
    a->key = key;
    a->n = 0;
    a->vals = calloc((size_t)n, sizeof *a->vals);
    a->at = calloc((size_t)n, sizeof *a->at);
    s->n++; /* owned from here on, even when a value fails */
    if (!a->vals || !a->at) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        const ab_ynode *item = sweep ? node->items[i] : node;
        ab_status st = ab_schema_value(&a->vals[i], k, item, display, err);
        if (st != AB_OK) return st;
        if (!a->vals[i]) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        a->at[i] = item;
        a->n++;
    }
    return AB_OK;
}

static ab_status collect_map(ab_spec *spec, ab_settings *s, const ab_ynode *map, const char *group,
                             const char *prefix, ab_error *err);

static ab_status collect_variants(ab_spec *spec, const ab_ynode *list, ab_error *err)
{
    if (list->kind != AB_Y_SEQ)
        return ab_ynode_fail(err, list, "variants", "expected a list of mappings of settings");
    spec->variants = calloc((size_t)(list->n ? list->n : 1), sizeof *spec->variants);
    if (!spec->variants) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    spec->n_variants = list->n;
    for (int i = 0; i < list->n; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "variants[%d].", i);
        if (list->items[i]->kind != AB_Y_MAP) {
            prefix[strlen(prefix) - 1] = 0;
            return ab_ynode_fail(err, list->items[i], prefix, "expected a mapping of settings, e.g. "
                                                               "{model: {activation: leaky_relu}}");
        }
        ab_status st = collect_map(spec, &spec->variants[i], list->items[i], "", prefix, err);
        if (st != AB_OK) return st;
    }
    return AB_OK;
}

/* The keys of one mapping: group is its schema path ("" at the top),
 * prefix what errors put before it ("variants[0]." inside a variant). */
static ab_status collect_map(ab_spec *spec, ab_settings *s, const ab_ynode *map, const char *group,
                             const char *prefix, ab_error *err)
{
    int in_variant = s != &spec->base;
    for (int i = 0; i < map->n; i++) {
        const ab_ynode *key = map->keys[i], *value = map->items[i];
        char path[256], display[300];
        snprintf(path, sizeof path, "%s%s%s", group, group[0] ? "." : "", key->text);
        snprintf(display, sizeof display, "%s%s", prefix, path);
        int idx = ab_schema_index(path);
        const ab_key *k = ab_schema_key(idx);
        if (!k || k->part) return ab_schema_unknown(err, key, display, group, key->text);
        ab_status st;
        if (in_variant && (k->type == AB_K_NAME || k->type == AB_K_TEXT || k->type == AB_K_SEEDS ||
                           k->type == AB_K_VARIANTS) && !group[0])
            return ab_ynode_fail(err, key, display, "not allowed in a variant (%s)",
                                 k->type == AB_K_SEEDS ? "seeds multiply every run" : "it names the experiment");
        if (in_variant && !strcmp(path, "analysis"))
            return ab_ynode_fail(err, key, display, "not allowed in a variant (the analysis is declared once for "
                                 "the whole experiment)");
        if (k->type == AB_K_GROUP) {
            if (value->kind != AB_Y_MAP)
                return ab_ynode_fail(err, value, display, "expected a mapping of %s keys, got %s", path,
                                     value->kind == AB_Y_SEQ ? "a list" : "a single value");
            st = collect_map(spec, s, value, path, prefix, err);
        } else if (k->type == AB_K_VARIANTS) {
            st = collect_variants(spec, value, err);
        } else {
            st = add_axis(s, idx, value, display, err);
        }
        if (st != AB_OK) return st;
    }
    return AB_OK;
}

/* model.hidden and model.layers are two spellings of the network: one
 * mapping may give one of them (a variant's replaces the base's). */
static ab_status one_network(const ab_settings *s, const char *prefix, ab_error *err)
{
    const ab_axis *h = ab_settings_find(s, ab_schema_index("model.hidden"));
    const ab_axis *l = ab_settings_find(s, ab_schema_index("model.layers"));
    if (!h || !l) return AB_OK;
    const ab_ynode *hn = h->at[0], *ln = l->at[0];
    int h_later = hn->line > ln->line || (hn->line == ln->line && hn->col > ln->col);
    const ab_axis *later = h_later ? h : l, *first = h_later ? l : h;
    char display[64];
    snprintf(display, sizeof display, "%s%s", prefix, ab_schema_key(later->key)->path);
    return ab_ynode_fail(err, later->at[0], display, "give either model.hidden (an MLP's widths) or model.layers "
                         "(a list of layers), not both (%s is at line %d)", ab_schema_key(first->key)->path,
                         first->at[0]->line);
}

ab_status ab_spec_collect(ab_spec *spec, const ab_ynode *root, ab_error *err)
{
    memset(spec, 0, sizeof *spec);
    spec->root = root;
    ab_status st = collect_map(spec, &spec->base, root, "", "", err);
    if (st == AB_OK) st = one_network(&spec->base, "", err);
    for (int i = 0; st == AB_OK && i < spec->n_variants; i++) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "variants[%d].", i);
        st = one_network(&spec->variants[i], prefix, err);
    }
    return st;
}

static void settings_free(ab_settings *s)
{
    for (int i = 0; i < s->n; i++) {
        for (int j = 0; j < s->axes[i].n; j++) cJSON_Delete(s->axes[i].vals[j]);
        free(s->axes[i].vals);
        free(s->axes[i].at);
    }
    free(s->axes);
}

void ab_spec_free(ab_spec *spec)
{
    settings_free(&spec->base);
    for (int i = 0; i < spec->n_variants; i++) settings_free(&spec->variants[i]);
    free(spec->variants);
    memset(spec, 0, sizeof *spec);
}

const ab_axis *ab_settings_find(const ab_settings *s, int key)
{
    for (int i = 0; i < s->n; i++)
        if (s->axes[i].key == key) return &s->axes[i];
    return NULL;
}
