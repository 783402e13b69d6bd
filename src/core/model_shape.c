/* model_shape.c: shape inference and checks of a model's layer list (see
 * model_shape.h). Conv and pool output sizes follow PyTorch's floor mode:
 * out = (in + 2 pad - k) / stride + 1. No I/O. */
#include "model_shape.h"
#include <stdio.h>
#include <string.h>

int ab_model_layer_list(const ab_model_spec *spec, ab_layer_spec *out)
{
    if (spec->n_layers > 0) {
        int n = spec->n_layers < AB_MAX_HIDDEN ? spec->n_layers : AB_MAX_HIDDEN;
        memcpy(out, spec->layers, (size_t)n * sizeof *out);
        return n;
    }
    int n = spec->n_hidden < AB_MAX_HIDDEN ? spec->n_hidden : AB_MAX_HIDDEN;
    for (int i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].kind = AB_LSPEC_DENSE;
        out[i].units = spec->hidden[i];
    }
    return n < 0 ? 0 : n;
}

void ab_layer_spec_describe(const ab_layer_spec *l, char *buf, size_t cap)
{
    switch (l->kind) {
    case AB_LSPEC_DENSE:
        snprintf(buf, cap, "dense %d", l->units);
        return;
    case AB_LSPEC_CONV:
        snprintf(buf, cap, "conv %d %dx%d stride %d pad %d", l->units, l->kernel, l->kernel,
                 l->stride, l->pad);
        return;
    case AB_LSPEC_POOL_MAX:
    case AB_LSPEC_POOL_AVG:
        snprintf(buf, cap, "pool %s %d stride %d", l->kind == AB_LSPEC_POOL_MAX ? "max" : "avg",
                 l->kernel, l->stride);
        return;
    case AB_LSPEC_POOL_GLOBAL_AVG:
        snprintf(buf, cap, "pool global_avg");
        return;
    case AB_LSPEC_DROPOUT:
        snprintf(buf, cap, "dropout %g", (double)l->rate);
        return;
    }
    snprintf(buf, cap, "layer of unknown kind %d", (int)l->kind);
}

static size_t prelu_params(const ab_model_spec *spec, int units)
{
    if (spec->act.kind != AB_ACT_PRELU) return 0;
    return spec->act.prelu_per_unit ? (size_t)units : 1;
}

/* A window of k with stride s over in (+2 pad): fails when it does not fit. */
static ab_status window_out(int in, int k, int s, int pad, int *out)
{
    if (in + 2 * pad < k) return AB_ERR_ARG;
    *out = (in + 2 * pad - k) / s + 1;
    return AB_OK;
}

static ab_status check_layer(const ab_model_spec *spec, const ab_layer_spec *l,
                             const ab_layer_shape *in, ab_layer_shape *o, ab_error *err)
{
    char what[96];
    ab_layer_spec_describe(l, what, sizeof what);
    *o = *in;
    o->n_params = 0;
    switch (l->kind) {
    case AB_LSPEC_DENSE:
        if (l->units < 1)
            return ab_fail(err, AB_ERR_ARG, "dense: width must be >= 1, got %d", l->units);
        o->c = l->units, o->h = o->w = 1, o->image = 0;
        o->n_params = (size_t)in->c * in->h * in->w * l->units + l->units + prelu_params(spec, l->units);
        return AB_OK;
    case AB_LSPEC_CONV:
        if (!in->image)
            return ab_fail(err, AB_ERR_ARG, "%s received a flat input of %d features; a convolution needs an image (C x H x W), so it must come before any dense layer, on image data",
                           what, in->c * in->h * in->w);
        if (l->units < 1) return ab_fail(err, AB_ERR_ARG, "conv: filters must be >= 1, got %d", l->units);
        if (l->kernel < 1) return ab_fail(err, AB_ERR_ARG, "conv: kernel must be >= 1, got %d", l->kernel);
        if (l->stride < 1) return ab_fail(err, AB_ERR_ARG, "conv: stride must be >= 1, got %d", l->stride);
        if (l->pad < 0 || l->pad >= l->kernel)
            return ab_fail(err, AB_ERR_ARG, "conv: padding must be >= 0 and smaller than the kernel (%d), got %d",
                           l->kernel, l->pad);
        if (window_out(in->h, l->kernel, l->stride, l->pad, &o->h) != AB_OK ||
            window_out(in->w, l->kernel, l->stride, l->pad, &o->w) != AB_OK)
            return ab_fail(err, AB_ERR_ARG, "%s received %dx%dx%d: the %dx%d kernel does not fit in the %dx%d input padded by %d; expected an input of at least %dx%d",
                           what, in->c, in->h, in->w, l->kernel, l->kernel, in->h, in->w, l->pad,
                           l->kernel - 2 * l->pad, l->kernel - 2 * l->pad);
        o->c = l->units;
        o->n_params = (size_t)l->units * in->c * l->kernel * l->kernel + l->units + prelu_params(spec, l->units);
        return AB_OK;
    case AB_LSPEC_POOL_MAX:
    case AB_LSPEC_POOL_AVG:
        if (!in->image)
            return ab_fail(err, AB_ERR_ARG, "%s received a flat input of %d features; pooling needs an image (C x H x W), so it must come before any dense layer, on image data",
                           what, in->c * in->h * in->w);
        if (l->kernel < 1) return ab_fail(err, AB_ERR_ARG, "pool: size must be >= 1, got %d", l->kernel);
        if (l->stride < 1) return ab_fail(err, AB_ERR_ARG, "pool: stride must be >= 1, got %d", l->stride);
        if (window_out(in->h, l->kernel, l->stride, 0, &o->h) != AB_OK ||
            window_out(in->w, l->kernel, l->stride, 0, &o->w) != AB_OK)
            return ab_fail(err, AB_ERR_ARG, "%s received %dx%dx%d: the %dx%d window is larger than the image; expected an input of at least %dx%d",
                           what, in->c, in->h, in->w, l->kernel, l->kernel, l->kernel, l->kernel);
        return AB_OK;
    case AB_LSPEC_POOL_GLOBAL_AVG:
        if (!in->image)
            return ab_fail(err, AB_ERR_ARG, "%s received a flat input of %d features; global average pooling needs an image (C x H x W)",
                           what, in->c * in->h * in->w);
        o->h = o->w = 1;
        return AB_OK;
    case AB_LSPEC_DROPOUT:
        if (!(l->rate >= 0.0f && l->rate < 1.0f))
            return ab_fail(err, AB_ERR_ARG, "dropout: rate must be in [0, 1), got %g", (double)l->rate);
        return AB_OK;
    }
    return ab_fail(err, AB_ERR_ARG, "unknown layer kind %d", (int)l->kind);
}

ab_status ab_model_shapes(const ab_model_spec *spec, ab_layer_shape *out, int *n_out,
                          size_t *total_params, int *bad, ab_error *err)
{
    ab_layer_spec list[AB_MAX_HIDDEN];
    int n = ab_model_layer_list(spec, list);
    *bad = -1;
    *n_out = 0;
    *total_params = 0;
    if (spec->n_layers < 0 || spec->n_layers > AB_MAX_HIDDEN)
        return ab_fail(err, AB_ERR_ARG, "layers: need 0 to %d, got %d", AB_MAX_HIDDEN, spec->n_layers);
    ab_layer_shape cur = {spec->in_c, spec->in_h, spec->in_w, spec->in_h * spec->in_w > 1, 0};
    if (cur.c < 1 || cur.h < 1 || cur.w < 1)
        return ab_fail(err, AB_ERR_ARG, "input shape must be at least 1x1x1, got %dx%dx%d", cur.c, cur.h, cur.w);
    for (int i = 0; i < n; i++) {
        ab_status st = check_layer(spec, &list[i], &cur, &out[i], err);
        if (st != AB_OK) {
            *bad = i;
            return st;
        }
        cur = out[i];
        *total_params += cur.n_params;
    }
    ab_layer_shape *o = &out[n];
    o->c = spec->n_classes, o->h = o->w = 1, o->image = 0;
    o->n_params = (size_t)cur.c * cur.h * cur.w * spec->n_classes + spec->n_classes;
    *total_params += o->n_params;
    *n_out = n + 1;
    return AB_OK;
}
