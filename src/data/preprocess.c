/* preprocess.c: rescales a loaded dataset in place, per feature, with
 * statistics of the training split only (after validation is carved out and
 * train_limit applied), the same transform on all three splits:
 *   scale (flat data): x' = (x - min) / (max - min)   (max == min: x - min)
 *   standardize:       x' = (x - mean) / std          (constant: x - mean)
 * std is the population standard deviation. Images are already divided by
 * 255 (split.c), so scale does nothing more to them. */
#include "data_internal.h"
#include <math.h>
#include <stdlib.h>

/* shift and divisor of each feature: min and range. */
static void minmax_stats(double *shift, double *div, const ab_split *s, int features)
{
    for (int j = 0; j < features; j++) shift[j] = div[j] = s->x[j];  /* div holds max */
    for (long i = 1; i < s->n; i++) {
        const float *x = s->x + (size_t)i * (size_t)features;
        for (int j = 0; j < features; j++) {
            if (x[j] < shift[j]) shift[j] = x[j];
            if (x[j] > div[j]) div[j] = x[j];
        }
    }
    for (int j = 0; j < features; j++) div[j] = div[j] > shift[j] ? div[j] - shift[j] : 1.0;
}

/* shift and divisor of each feature: mean and standard deviation (1 for a
 * feature that is constant, told exactly by comparing with the first row). */
static void standard_stats(double *shift, double *div, double *differs, const ab_split *s,
                           int features)
{
    for (int j = 0; j < features; j++) shift[j] = div[j] = differs[j] = 0.0;
    for (long i = 0; i < s->n; i++) {
        const float *x = s->x + (size_t)i * (size_t)features;
        for (int j = 0; j < features; j++) shift[j] += x[j];
    }
    for (int j = 0; j < features; j++) shift[j] /= (double)s->n;
    for (long i = 0; i < s->n; i++) {
        const float *x = s->x + (size_t)i * (size_t)features;
        for (int j = 0; j < features; j++) {
            double d = x[j] - shift[j];
            div[j] += d * d;
            differs[j] += x[j] != s->x[j];
        }
    }
    for (int j = 0; j < features; j++) div[j] = differs[j] ? sqrt(div[j] / (double)s->n) : 1.0;
}

/* x' = (x - shift) / div, per feature, over one split. */
static void apply_stats(ab_split *s, const double *shift, const double *div, int features)
{
    for (long i = 0; i < s->n; i++) {
        float *x = s->x + (size_t)i * (size_t)features;
        for (int j = 0; j < features; j++) x[j] = (float)((x[j] - shift[j]) / div[j]);
    }
    s->x8 = NULL; /* the bytes no longer give these values */
    s->x8_table = NULL;
}

ab_status ab_preprocess_apply(ab_dataset *d, ab_preprocess p, int is_image, ab_error *err)
{
    if (p == AB_PRE_NONE || p == AB_PRE_DEFAULT || (p == AB_PRE_SCALE && is_image)) return AB_OK;
    int f = d->features;
    double *stats = malloc(3 * (size_t)f * sizeof *stats);
    if (!stats) return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for statistics", d->name);
    double *shift = stats, *div = stats + f, *work = stats + 2 * (size_t)f;
    if (p == AB_PRE_SCALE)
        minmax_stats(shift, div, &d->train, f);
    else
        standard_stats(shift, div, work, &d->train, f);
    apply_stats(&d->train, shift, div, f);
    apply_stats(&d->val, shift, div, f);
    apply_stats(&d->test, shift, div, f);
    free(stats);
    return AB_OK;
}
