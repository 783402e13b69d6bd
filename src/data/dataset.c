/* dataset.c: the public face of src/data: spec defaults, the names of data
 * sets and preprocessing, and ab_data_load, which picks the loader, builds
 * the splits and preprocesses. Does no printing and never exits. */
#include "data_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef ab_status (*loader_fn)(ab_raw *raw, const ab_data_spec *spec, ab_error *err);

static const struct {
    const char *name;
    loader_fn load;
    loader_fn shape;      /* c, h, w, classes only (NULL: load) */
    int is_image;
} SOURCES[] = {
    {"fashion-mnist", ab_idx_load, ab_idx_shape, 1},
    {"mnist", ab_idx_load, ab_idx_shape, 1},
    {"idx", ab_idx_load, ab_idx_shape, 1},
    {"cifar10", ab_cifar_load, ab_cifar_shape, 1},
    {"csv", ab_csv_load, NULL, 0},
    {"spirals", ab_synthetic_load, ab_synthetic_shape, 0},
    {"blobs", ab_synthetic_load, ab_synthetic_shape, 0},
    {"xor", ab_synthetic_load, ab_synthetic_shape, 0},
};
#define N_SOURCES (int)(sizeof SOURCES / sizeof SOURCES[0])

static const char *const PRE_NAMES[] = {"default", "scale", "standardize", "none"};

void ab_data_spec_default(ab_data_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    snprintf(spec->dataset, sizeof spec->dataset, "fashion-mnist");
    snprintf(spec->label_column, sizeof spec->label_column, "0");
    spec->header = -1;
    spec->test_split = 0.2;
    spec->preprocess = AB_PRE_DEFAULT;
    spec->n_train = 1000;
    spec->n_test = 500;
    spec->classes = 0;
    spec->features = 2;
    spec->noise = -1.0;
    spec->seed = 1;
}

const char *ab_data_names(void)
{
    return "fashion-mnist, mnist, idx, cifar10, csv, spirals, blobs, xor";
}

static int source_index(const char *name)
{
    for (int i = 0; name && i < N_SOURCES; i++)
        if (strcmp(SOURCES[i].name, name) == 0) return i;
    return -1;
}

int ab_data_is_known(const char *name) { return source_index(name) >= 0; }

const char *ab_preprocess_name(ab_preprocess p)
{
    return (unsigned)p < sizeof PRE_NAMES / sizeof PRE_NAMES[0] ? PRE_NAMES[p] : "?";
}

int ab_preprocess_from_name(const char *s, ab_preprocess *p)
{
    int i = ab_name_index(PRE_NAMES, (int)(sizeof PRE_NAMES / sizeof PRE_NAMES[0]), s);
    if (i >= 0) *p = (ab_preprocess)i;
    return i >= 0;
}

ab_preprocess ab_preprocess_resolve(const char *dataset, ab_preprocess p)
{
    if (p != AB_PRE_DEFAULT) return p;
    int i = source_index(dataset);
    return i >= 0 && SOURCES[i].is_image ? AB_PRE_SCALE : AB_PRE_NONE;
}

ab_status ab_raw_part_alloc(ab_raw_part *part, long n, long features, int is_image, ab_error *err)
{
    size_t rows = n > 0 ? (size_t)n : 1, values = rows * (size_t)features;
    part->n = n;
    part->y = malloc(rows * sizeof *part->y);
    if (is_image)
        part->pix = malloc(values);
    else
        part->x = malloc(values * sizeof *part->x);
    if (!part->y || !(is_image ? (void *)part->pix : (void *)part->x))
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for %ld examples of %ld values", n,
                       features);
    return AB_OK;
}

static void raw_part_free(ab_raw_part *part)
{
    free(part->pix);
    free(part->x);
    free(part->y);
    memset(part, 0, sizeof *part);
}

void ab_raw_free(ab_raw *raw)
{
    raw_part_free(&raw->train);
    raw_part_free(&raw->test);
}

ab_status ab_data_load(ab_dataset *out, const ab_data_spec *spec, ab_error *err)
{
    memset(out, 0, sizeof *out);
    int i = source_index(spec->dataset);
    if (i < 0)
        return ab_fail(err, AB_ERR_ARG, "data.dataset: unknown data set \"%s\" (known: %s)",
                       spec->dataset, ab_data_names());
    ab_preprocess pre = ab_preprocess_resolve(spec->dataset, spec->preprocess);
    if ((unsigned)pre > AB_PRE_NONE)
        return ab_fail(err, AB_ERR_ARG, "data.preprocess: unknown value %d", (int)pre);
    int is_image = SOURCES[i].is_image;
    ab_raw raw;
    memset(&raw, 0, sizeof raw);
    ab_status st = SOURCES[i].load(&raw, spec, err);
    if (st == AB_OK) st = ab_split_build(out, &raw, spec, is_image && pre != AB_PRE_NONE, err);
    ab_raw_free(&raw);
    if (st == AB_OK) st = ab_preprocess_apply(out, pre, is_image, err);
    if (st != AB_OK) ab_data_free(out);
    return st;
}

ab_status ab_data_shape(ab_dataset *out, const ab_data_spec *spec, ab_error *err)
{
    memset(out, 0, sizeof *out);
    int i = source_index(spec->dataset);
    if (i < 0)
        return ab_fail(err, AB_ERR_ARG, "data.dataset: unknown data set \"%s\" (known: %s)",
                       spec->dataset, ab_data_names());
    ab_raw raw;
    memset(&raw, 0, sizeof raw);
    ab_status st = (SOURCES[i].shape ? SOURCES[i].shape : SOURCES[i].load)(&raw, spec, err);
    ab_raw_free(&raw);
    if (st != AB_OK) return st;
    snprintf(out->name, sizeof out->name, "%s", spec->dataset);
    out->c = raw.c, out->h = raw.h, out->w = raw.w;
    out->features = raw.c * raw.h * raw.w;
    out->classes = raw.classes;
    return AB_OK;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *ab_data_alloc(size_t size)
{
    if (size < HUGE_PAGE) return aligned_alloc(64, size ? (size + 63) / 64 * 64 : 64);
    size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size);
    if (p) (void)madvise(p, size, MADV_HUGEPAGE); /* advice: without THP, small pages */
    return p;
}

void ab_data_free(ab_dataset *d)
{
    if (!d) return;
    free(d->mem);
    memset(d, 0, sizeof *d);
}
