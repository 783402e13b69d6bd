/* layers.c: the value of model.layers checked into its resolved JSON: a
 * non-empty list of flow mappings, each with exactly one kind key
 *   {conv: FILTERS, kernel: K, stride: S, padding: valid | same | P}
 *   {pool: max | avg, size: N, stride: S}   {pool: global_avg}
 *   {dropout: RATE}   {dense: UNITS}
 * with defaults filled (stride 1, padding valid = 0, pool stride = size)
 * and `padding: same` resolved to (k - 1) / 2. Shapes (what a layer
 * receives from the one before it) are checked later, against the data
 * (shapes.c). Errors are located at the layer or at its value. No I/O. */
#include <stdio.h>
#include <string.h>
#include "../core/network.h"
#include "experiment.h"
#include "schema.h"
#include "suggest.h"

#define KINDS "conv, pool, dropout, dense"
#define ALL_KEYS "conv, pool, dropout, dense, kernel, stride, padding, size"

/* The keys each kind takes, its own first. */
static const struct {
    const char *kind, *keys, *example;
} KIND[] = {
    {"conv", "conv, kernel, stride, padding", "{conv: 32, kernel: 3}"},
    {"pool", "pool, size, stride", "{pool: max, size: 2}"},
    {"dropout", "dropout", "{dropout: 0.5}"},
    {"dense", "dense", "{dense: 128}"},
};
#define N_KINDS (int)(sizeof KIND / sizeof KIND[0])

static int kind_index(const char *key)
{
    for (int i = 0; i < N_KINDS; i++)
        if (!strcmp(KIND[i].kind, key)) return i;
    return -1;
}

/* An integer of the layer (range ">= 1" or ">= 0") into *v. */
static ab_status int_field(int *v, const ab_ynode *n, const char *path, const char *range, ab_error *err)
{
    ab_key k = {.path = path, .type = AB_K_INT, .range = range};
    cJSON *j = NULL;
    ab_status st = ab_schema_value(&j, &k, n, path, err);
    if (st == AB_OK) *v = (int)j->valuedouble;
    cJSON_Delete(j);
    return st;
}

static ab_status unknown_key(ab_error *err, const ab_ynode *key, const char *path, int kind)
{
    char best[80], hint[120] = "";
    ab_suggest(best, sizeof best, key->text, kind < 0 ? ALL_KEYS : KIND[kind].keys);
    if (best[0]) snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    if (kind < 0)
        return ab_ynode_fail(err, key, path, "unknown key%s (a layer is one of the kinds %s; other keys: "
                             "kernel, stride, padding, size)", hint, KINDS);
    return ab_ynode_fail(err, key, path, "unknown key%s (keys of a %s layer: %s)", hint, KIND[kind].kind,
                         KIND[kind].keys);
}

static ab_status conv_layer(cJSON *o, const ab_ynode *m, const char *display, ab_error *err)
{
    char path[512];
    int filters, kernel, stride = 1, pad = 0;
    snprintf(path, sizeof path, "%s.conv", display);
    ab_status st = int_field(&filters, ab_ynode_get(m, "conv"), path, ">= 1", err);
    if (st != AB_OK) return st;
    const ab_ynode *kn = ab_ynode_get(m, "kernel"), *sn = ab_ynode_get(m, "stride");
    const ab_ynode *pn = ab_ynode_get(m, "padding");
    if (!kn)
        return ab_ynode_fail(err, m, display, "a conv layer needs kernel (its k for a k x k kernel), e.g. "
                             "{conv: %d, kernel: 3}", filters);
    snprintf(path, sizeof path, "%s.kernel", display);
    if ((st = int_field(&kernel, kn, path, ">= 1", err)) != AB_OK) return st;
    snprintf(path, sizeof path, "%s.stride", display);
    if (sn && (st = int_field(&stride, sn, path, ">= 1", err)) != AB_OK) return st;
    snprintf(path, sizeof path, "%s.padding", display);
    if (pn && pn->kind == AB_Y_SCALAR && pn->plain && !strcmp(pn->text, "same")) {
        if (kernel % 2 == 0)
            return ab_ynode_fail(err, pn, path, "same needs an odd kernel, got kernel %d (same pads by "
                                 "(kernel - 1) / 2 on each side; give an integer padding instead)", kernel);
        pad = (kernel - 1) / 2;
    } else if (pn && !(pn->kind == AB_Y_SCALAR && pn->plain && !strcmp(pn->text, "valid"))) {
        ab_key k = {.path = path, .type = AB_K_INT, .range = ">= 0"};
        cJSON *j = NULL;
        st = ab_schema_value(&j, &k, pn, path, err);
        if (st != AB_OK) {
            /* say every accepted form, not only "an integer" */
            cJSON_Delete(j);
            char got[80];
            int numeric = pn->plain && pn->text[0] && strspn(pn->text, "0123456789.eE+-") == strlen(pn->text);
            if (pn->kind == AB_Y_SCALAR && !ab_ynode_is_null(pn))
                snprintf(got, sizeof got, numeric ? "%.60s" : "'%.60s'", pn->text);
            else
                snprintf(got, sizeof got, "%s", pn->kind == AB_Y_SCALAR ? "nothing" : "a list or mapping");
            return ab_ynode_fail(err, pn, path, "expected valid, same or an integer in [0, %d) (smaller than "
                                 "the kernel), got %s", kernel, got);
        }
        pad = (int)j->valuedouble;
        cJSON_Delete(j);
        if (pad >= kernel)
            return ab_ynode_fail(err, pn, path, "expected valid, same or an integer in [0, %d) (smaller than "
                                 "the kernel), got %d", kernel, pad);
    }
    cJSON_AddNumberToObject(o, "conv", filters);
    cJSON_AddNumberToObject(o, "kernel", kernel);
    cJSON_AddNumberToObject(o, "stride", stride);
    cJSON_AddNumberToObject(o, "padding", pad);
    return AB_OK;
}

static ab_status pool_layer(cJSON *o, const ab_ynode *m, const char *display, ab_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s.pool", display);
    ab_key k = {.path = path, .type = AB_K_ENUM, .range = "max, avg, global_avg"};
    cJSON *how = NULL;
    ab_status st = ab_schema_value(&how, &k, ab_ynode_get(m, "pool"), path, err);
    if (st != AB_OK) return st;
    cJSON_AddItemToObject(o, "pool", how);
    const ab_ynode *zn = ab_ynode_get(m, "size"), *sn = ab_ynode_get(m, "stride");
    if (!strcmp(how->valuestring, "global_avg")) {
        const ab_ynode *extra = zn ? zn : sn;
        if (extra)
            return ab_ynode_fail(err, extra, display, "global_avg pooling takes no size or stride (it averages "
                                 "each channel over the whole image): write {pool: global_avg}");
        return AB_OK;
    }
    int size, stride;
    if (!zn)
        return ab_ynode_fail(err, m, display, "%s pooling needs size (its window is size x size), e.g. "
                             "{pool: %s, size: 2}", how->valuestring, how->valuestring);
    snprintf(path, sizeof path, "%s.size", display);
    if ((st = int_field(&size, zn, path, ">= 1", err)) != AB_OK) return st;
    stride = size;
    snprintf(path, sizeof path, "%s.stride", display);
    if (sn && (st = int_field(&stride, sn, path, ">= 1", err)) != AB_OK) return st;
    cJSON_AddNumberToObject(o, "size", size);
    cJSON_AddNumberToObject(o, "stride", stride);
    return AB_OK;
}

/* One item of the list: *out is its resolved object. */
static ab_status layer_value(cJSON **out, const ab_ynode *m, const char *display, ab_error *err)
{
    if (m->kind != AB_Y_MAP) {
        char got[90];
        if (m->kind == AB_Y_SEQ) snprintf(got, sizeof got, "a list");
        else if (ab_ynode_is_null(m)) snprintf(got, sizeof got, "nothing");
        else snprintf(got, sizeof got, "'%.60s'", m->text);
        return ab_ynode_fail(err, m, display, "expected a layer, a mapping with one of the kinds %s, e.g. "
                             "{conv: 32, kernel: 3}, got %s", KINDS, got);
    }
    int kind = -1, kind_at = -1;
    for (int i = 0; i < m->n; i++) {
        int k = kind_index(m->keys[i]->text);
        if (k < 0) continue;
        if (kind >= 0) {
            char path[512];
            snprintf(path, sizeof path, "%s.%s", display, m->keys[i]->text);
            return ab_ynode_fail(err, m->keys[i], path, "a layer has exactly one kind, and this one is "
                                 "already '%s' (column %d); write each layer as its own list item",
                                 KIND[kind].kind, m->keys[kind_at]->col);
        }
        kind = k, kind_at = i;
    }
    for (int i = 0; i < m->n; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s.%s", display, m->keys[i]->text);
        if (kind < 0 && !ab_name_in_list(m->keys[i]->text, ALL_KEYS)) return unknown_key(err, m->keys[i], path, -1);
        if (kind >= 0 && !ab_name_in_list(m->keys[i]->text, KIND[kind].keys))
            return unknown_key(err, m->keys[i], path, kind);
    }
    if (kind < 0)
        return ab_ynode_fail(err, m, display, "no layer kind: expected one of the keys %s, e.g. "
                             "{conv: 32, kernel: 3}", KINDS);
    cJSON *o = cJSON_CreateObject();
    if (!o) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    ab_status st = AB_OK;
    char path[512];
    snprintf(path, sizeof path, "%s.%s", display, KIND[kind].kind);
    if (kind == 0) {
        st = conv_layer(o, m, display, err);
    } else if (kind == 1) {
        st = pool_layer(o, m, display, err);
    } else if (kind == 2) {
        ab_key k = {.path = path, .type = AB_K_FLOAT, .range = "[0, 1)"};
        cJSON *rate = NULL;
        st = ab_schema_value(&rate, &k, ab_ynode_get(m, "dropout"), path, err);
        if (st == AB_OK) cJSON_AddItemToObject(o, "dropout", rate);
    } else {
        int units;
        st = int_field(&units, ab_ynode_get(m, "dense"), path, ">= 1", err);
        if (st == AB_OK) cJSON_AddNumberToObject(o, "dense", units);
    }
    if (st != AB_OK) {
        cJSON_Delete(o);
        return st;
    }
    *out = o;
    return AB_OK;
}

ab_status ab_layers_value(cJSON **out, const ab_ynode *n, const char *display, ab_error *err)
{
    *out = NULL;
    if (n->kind != AB_Y_SEQ || n->n == 0) {
        const char *got = n->kind == AB_Y_SEQ ? "an empty list" : n->kind == AB_Y_MAP ? "a mapping"
                          : ab_ynode_is_null(n) ? "nothing" : "a single value";
        return ab_ynode_fail(err, n, display, "expected a non-empty list of layers, e.g. [{conv: 32, kernel: 3}, "
                             "{pool: max, size: 2}, {dense: 128}], got %s", got);
    }
    if (n->n > AB_MAX_HIDDEN)
        return ab_ynode_fail(err, n, display, "at most %d layers, got %d", AB_MAX_HIDDEN, n->n);
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n->n; i++) {
        char path[320];
        snprintf(path, sizeof path, "%.300s[%d]", display, i);
        cJSON *layer = NULL;
        ab_status st = layer_value(&layer, n->items[i], path, err);
        if (st != AB_OK) {
            cJSON_Delete(arr);
            return st;
        }
        cJSON_AddItemToArray(arr, layer);
    }
    *out = arr;
    return AB_OK;
}

ab_status ab_layers_from_json(ab_layer_spec *out, int *n_out, const cJSON *layers)
{
    int n = 0;
    for (const cJSON *l = layers ? layers->child : NULL; l; l = l->next) {
        if (n >= AB_MAX_HIDDEN) return AB_ERR_ARG;
        ab_layer_spec *s = &out[n++];
        memset(s, 0, sizeof *s);
        const cJSON *conv = cJSON_GetObjectItemCaseSensitive(l, "conv");
        const cJSON *pool = cJSON_GetObjectItemCaseSensitive(l, "pool");
        const cJSON *dropout = cJSON_GetObjectItemCaseSensitive(l, "dropout");
        const cJSON *dense = cJSON_GetObjectItemCaseSensitive(l, "dense");
        const cJSON *kernel = cJSON_GetObjectItemCaseSensitive(l, "kernel");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(l, "size");
        const cJSON *stride = cJSON_GetObjectItemCaseSensitive(l, "stride");
        const cJSON *pad = cJSON_GetObjectItemCaseSensitive(l, "padding");
        if (cJSON_IsNumber(conv)) {
            s->kind = AB_LSPEC_CONV;
            s->units = conv->valueint;
            s->kernel = cJSON_IsNumber(kernel) ? kernel->valueint : 0;
            s->stride = cJSON_IsNumber(stride) ? stride->valueint : 1;
            s->pad = cJSON_IsNumber(pad) ? pad->valueint : 0;
        } else if (cJSON_IsString(pool)) {
            if (!strcmp(pool->valuestring, "global_avg")) {
                s->kind = AB_LSPEC_POOL_GLOBAL_AVG;
                continue;
            }
            s->kind = !strcmp(pool->valuestring, "max") ? AB_LSPEC_POOL_MAX : AB_LSPEC_POOL_AVG;
            s->kernel = cJSON_IsNumber(size) ? size->valueint : 0;
            s->stride = cJSON_IsNumber(stride) ? stride->valueint : s->kernel;
        } else if (cJSON_IsNumber(dropout)) {
            s->kind = AB_LSPEC_DROPOUT;
            s->rate = (float)dropout->valuedouble;
        } else if (cJSON_IsNumber(dense)) {
            s->kind = AB_LSPEC_DENSE;
            s->units = dense->valueint;
        } else {
            return AB_ERR_ARG;
        }
    }
    *n_out = n;
    return AB_OK;
}

int ab_config_probed_layers(const cJSON *resolved)
{
    const cJSON *layers = ab_config_get(resolved, "model.layers"), *hidden = ab_config_get(resolved, "model.hidden");
    if (!cJSON_IsArray(layers)) return cJSON_IsArray(hidden) ? cJSON_GetArraySize(hidden) : -1;
    int n = 0;
    for (const cJSON *l = layers->child; l; l = l->next)
        n += cJSON_HasObjectItem(l, "conv") || cJSON_HasObjectItem(l, "dense");
    return n;
}
