/* shapes.c: what each run's network looks like on its data, checked before
 * anything runs: the input shape of one example (from the data's headers,
 * ab_data_shape, once per distinct data setting), every layer's output
 * shape and parameter count (ab_model_shapes), and the located config
 * errors of a layer that does not fit what it receives or of augmentation
 * on data without an image shape. Keeps where each layer was written, since
 * the YAML tree is gone once the experiment is loaded. Prints nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "experiment.h"
#include "settings.h"

/* The origin of node (a model.layers or data.augment value), made once. */
static int origin_of(ab_experiment *e, const ab_ynode *node, ab_status *st)
{
    if (!node || *st != AB_OK) return -1;
    for (int k = 0; k < e->n_origins; k++)
        if (e->origins[k].node == node) return k;
    ab_origin *all = realloc(e->origins, (size_t)(e->n_origins + 1) * sizeof *all);
    if (!all) {
        *st = AB_ERR_NOMEM;
        return -1;
    }
    e->origins = all;
    ab_origin *o = &all[e->n_origins];
    o->node = node;
    o->n = node->kind == AB_Y_SEQ ? node->n : 1;
    o->where = calloc((size_t)o->n, sizeof *o->where);
    e->n_origins++; /* owned from here on */
    for (int j = 0; o->where && j < o->n; j++) {
        char buf[1300];
        ab_ynode_where(buf, sizeof buf, node->kind == AB_Y_SEQ ? node->items[j] : node);
        if (!(o->where[j] = strdup(buf))) o->n = j;
    }
    if (!o->where || (node->kind == AB_Y_SEQ && o->n < node->n)) *st = AB_ERR_NOMEM;
    return e->n_origins - 1;
}

ab_status ab_origins_keep(ab_experiment *e, const ab_runs *runs)
{
    ab_status st = AB_OK;
    e->layers_origin = calloc((size_t)runs->n + 1, sizeof *e->layers_origin);
    e->augment_origin = calloc((size_t)runs->n + 1, sizeof *e->augment_origin);
    if (!e->layers_origin || !e->augment_origin) return AB_ERR_NOMEM;
    for (int i = 0; i < runs->n; i++) {
        e->layers_origin[i] = origin_of(e, runs->layers_at[i], &st);
        e->augment_origin[i] = origin_of(e, runs->augment_at[i], &st);
    }
    for (int k = 0; k < e->n_origins; k++) e->origins[k].node = NULL; /* the tree goes */
    return st;
}

void ab_origins_free(ab_experiment *e)
{
    for (int k = 0; k < e->n_origins; k++) {
        for (int j = 0; j < e->origins[k].n; j++) free(e->origins[k].where[j]);
        free(e->origins[k].where);
    }
    for (int k = 0; k < e->n_shapes; k++) free(e->shape_keys[k]);
    free(e->origins);
    free(e->layers_origin);
    free(e->augment_origin);
    free(e->shape_keys);
    free(e->shapes);
}

/* c, h, w and classes of run i's data, probed once per distinct setting. */
static ab_status data_shape(ab_experiment *e, int i, int shape[4], ab_error *err)
{
    char *key = ab_config_canonical(ab_config_get(e->json[i], "data"), NULL);
    if (!key) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    for (int k = 0; k < e->n_shapes; k++) {
        if (strcmp(e->shape_keys[k], key)) continue;
        memcpy(shape, e->shapes[k], sizeof e->shapes[k]);
        free(key);
        return AB_OK;
    }
    ab_dataset d;
    ab_error derr = {{0}};
    ab_status st = ab_data_shape(&d, &e->runs[i].data, &derr);
    if (st != AB_OK) {
        free(key);
        return ab_fail(err, st, "data: %s", derr.msg);
    }
    char **keys = realloc(e->shape_keys, (size_t)(e->n_shapes + 1) * sizeof *keys);
    if (keys) e->shape_keys = keys;
    int (*shapes)[4] = realloc(e->shapes, (size_t)(e->n_shapes + 1) * sizeof *shapes);
    if (shapes) e->shapes = shapes;
    if (!keys || !shapes) {
        free(key);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    }
    shape[0] = d.c, shape[1] = d.h, shape[2] = d.w, shape[3] = d.classes;
    memcpy(e->shapes[e->n_shapes], shape, sizeof e->shapes[0]);
    e->shape_keys[e->n_shapes++] = key;
    return AB_OK;
}

static const char *where_of(const ab_experiment *e, int origin, int item)
{
    if (origin < 0 || item < 0 || item >= e->origins[origin].n) return "(config)";
    return e->origins[origin].where[item];
}

ab_status ab_experiment_shapes(ab_experiment *e, int i, ab_layer_shape *in, ab_layer_shape *out, int *n_out,
                               size_t *total, ab_error *err)
{
    int shape[4];
    ab_status st = data_shape(e, i, shape, err);
    if (st != AB_OK) return st;
    const ab_run_config *rc = &e->runs[i];
    ab_model_spec *m = malloc(sizeof *m);
    if (!m) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    *m = rc->model;
    m->in_c = shape[0], m->in_h = shape[1], m->in_w = shape[2];
    m->n_inputs = shape[0] * shape[1] * shape[2];
    m->n_classes = shape[3];
    *in = (ab_layer_shape){shape[0], shape[1], shape[2], shape[1] * shape[2] > 1, 0};
    if ((rc->data.augment_flip || rc->data.augment_crop) && !in->image) {
        int features = m->n_inputs;
        free(m);
        return ab_fail(err, AB_ERR_FORMAT, "%s: data.augment: flip and crop need images, but data.dataset %s "
                       "gives flat examples of %d features (fashion-mnist, mnist and cifar10 have images; idx "
                       "when its files hold 3- or 4-dimensional images)",
                       where_of(e, e->augment_origin[i], 0), rc->data.dataset, features);
    }
    int bad = -1;
    ab_error merr = {{0}};
    st = ab_model_shapes(m, out, n_out, total, &bad, &merr);
    int listed = m->n_layers > 0;
    free(m);
    if (st == AB_OK) return AB_OK;
    if (bad >= 0 && listed)
        return ab_fail(err, AB_ERR_FORMAT, "%s: model.layers[%d]: %s", where_of(e, e->layers_origin[i], bad),
                       bad, merr.msg);
    if (bad >= 0) return ab_fail(err, AB_ERR_FORMAT, "model.hidden[%d]: %s", bad, merr.msg);
    return ab_fail(err, AB_ERR_FORMAT, "model: %s", merr.msg);
}

ab_status ab_experiment_check_shapes(ab_experiment *e, ab_error *err)
{
    ab_layer_shape *out = malloc((AB_MAX_HIDDEN + 1) * sizeof *out), in;
    if (!out) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    ab_status st = AB_OK;
    int n;
    size_t total;
    for (int i = 0; st == AB_OK && i < e->n_runs; i++) st = ab_experiment_shapes(e, i, &in, out, &n, &total, err);
    free(out);
    return st;
}

ab_status ab_experiment_shape_text(ab_experiment *e, int i, char *buf, unsigned long size, ab_error *err)
{
    ab_layer_shape *out = malloc((AB_MAX_HIDDEN + 1) * sizeof *out), in;
    ab_layer_spec *list = malloc(AB_MAX_HIDDEN * sizeof *list);
    int n = 0;
    size_t total = 0, used = 0;
    ab_status st = out && list ? ab_experiment_shapes(e, i, &in, out, &n, &total, err)
                               : ab_fail(err, AB_ERR_NOMEM, "out of memory");
    if (st == AB_OK) {
        ab_model_layer_list(&e->runs[i].model, list);
        char what[96], dims[48];
        snprintf(dims, sizeof dims, "%dx%dx%d", in.c, in.h, in.w);
        used += (size_t)snprintf(buf + used, size - used, "    %-34s %-14s %s\n    %-34s %s\n", "layer",
                                 "output CxHxW", "parameters", "input", dims);
        for (int j = 0; j < n && used < size; j++) {
            if (j < n - 1) ab_layer_spec_describe(&list[j], what, sizeof what);
            else snprintf(what, sizeof what, "output dense %d", out[j].c);
            snprintf(dims, sizeof dims, "%dx%dx%d", out[j].c, out[j].h, out[j].w);
            used += (size_t)snprintf(buf + used, size - used, "    %-34s %-14s %10zu\n", what, dims, out[j].n_params);
        }
        if (used < size) snprintf(buf + used, size - used, "    %-34s %-14s %10zu\n", "total", "", total);
    }
    free(out);
    free(list);
    return st;
}
