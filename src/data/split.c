/* split.c: carves the training, validation and test splits out of the data
 * a loader read, into the dataset's one allocation: validation is the last
 * spec->validation training examples (so train_limit never changes it),
 * training the first train_limit of the rest (all of the rest with
 * data.subset random: subset.c draws per run). Image bytes become floats
 * here. Does not read files or compute statistics. */
#include "data_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_ALIGN 64

/* count rows of src from row first into dst (n, features), as floats:
 * image bytes through table. */
static void copy_rows(float *dst, const ab_raw_part *src, long first, long count, long features,
                      const float *table)
{
    size_t offset = (size_t)first * (size_t)features, n = (size_t)count * (size_t)features;
    if (src->x) {
        memcpy(dst, src->x + offset, n * sizeof *dst);
        return;
    }
    const uint8_t *pix = src->pix + offset;
    for (size_t i = 0; i < n; i++) dst[i] = table[pix[i]];
}

static ab_status check_counts(const ab_data_spec *spec, long n, ab_error *err)
{
    if (spec->validation < 0)
        return ab_fail(err, AB_ERR_ARG, "data.validation: %ld is negative", spec->validation);
    if (spec->train_limit < 0)
        return ab_fail(err, AB_ERR_ARG, "data.train_limit: %ld is negative", spec->train_limit);
    if (spec->validation >= n)
        return ab_fail(err, AB_ERR_ARG, "data.validation: %ld examples, but the %s training data "
                       "has %ld (at least one must stay for training)", spec->validation,
                       spec->dataset, n);
    return AB_OK;
}

ab_status ab_split_build(ab_dataset *out, const ab_raw *raw, const ab_data_spec *spec,
                         int scale_images, ab_error *err)
{
    long n = raw->train.n, n_val = spec->validation;
    ab_status st = check_counts(spec, n, err);
    if (st != AB_OK) return st;
    long n_train = n - n_val;
    /* subset random: every example stays; each run draws its own (subset.c) */
    if (spec->train_limit > 0 && spec->train_limit < n_train && !spec->subset_random)
        n_train = spec->train_limit;
    long n_test = raw->test.n, features = (long)raw->c * raw->h * raw->w;
    size_t rows = (size_t)(n_train + n_val + n_test);
    size_t size = rows * (size_t)features * sizeof(float) + rows * sizeof(int32_t);
    /* then the byte-to-float table, and for image data the training
     * split's bytes */
    int bytes = raw->train.pix != NULL;
    size_t table_off = (size + MEM_ALIGN - 1) / MEM_ALIGN * MEM_ALIGN;
    size_t bytes_off = table_off + 256 * sizeof(float);
    size = bytes_off + (bytes ? (size_t)n_train * (size_t)features : 0);
    size = (size + MEM_ALIGN - 1) / MEM_ALIGN * MEM_ALIGN;
    char *mem = ab_data_alloc(size);
    if (!mem)
        return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for %zu bytes of data",
                       spec->dataset, size);
    /* layout: x_train | x_val | x_test | y_train | y_val | y_test | table | bytes of x_train */
    ab_split *splits[3] = {&out->train, &out->val, &out->test};
    long counts[3] = {n_train, n_val, n_test};
    float *x = (float *)mem;
    int32_t *y = (int32_t *)(x + rows * (size_t)features);
    for (int s = 0; s < 3; s++) {
        splits[s]->n = counts[s];
        splits[s]->x = x;
        splits[s]->y = y;
        x += (size_t)counts[s] * (size_t)features;
        y += counts[s];
    }
    float *table = (float *)(mem + table_off);
    for (int b = 0; b < 256; b++) table[b] = scale_images ? (float)b / 255.0f : (float)b;
    copy_rows(out->train.x, &raw->train, 0, n_train, features, table);
    if (bytes) {
        memcpy(mem + bytes_off, raw->train.pix, (size_t)n_train * (size_t)features);
        out->train.x8 = (const uint8_t *)(mem + bytes_off);
        out->train.x8_table = table;
    }
    memcpy(out->train.y, raw->train.y, (size_t)n_train * sizeof(int32_t));
    copy_rows(out->val.x, &raw->train, n - n_val, n_val, features, table);
    memcpy(out->val.y, raw->train.y + (n - n_val), (size_t)n_val * sizeof(int32_t));
    copy_rows(out->test.x, &raw->test, 0, n_test, features, table);
    memcpy(out->test.y, raw->test.y, (size_t)n_test * sizeof(int32_t));
    snprintf(out->name, sizeof out->name, "%s", spec->dataset);
    out->features = (int)features;
    out->c = raw->c;
    out->h = raw->h;
    out->w = raw->w;
    out->classes = raw->classes;
    out->mem = mem;
    out->mem_size = size;
    return AB_OK;
}
