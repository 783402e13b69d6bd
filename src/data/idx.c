/* idx.c: loads the IDX files of MNIST-style sets (fashion-mnist, mnist, idx),
 * or only their image shape and labels (ab_idx_shape, for validate):
 * train/t10k images and labels, each plain or gzip-compressed. Checks magic
 * numbers, counts, shapes and labels; does not split or rescale. */
#include "data_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDX_UBYTE 0x08
#define IDX_MAX_FEATURES (1L << 24)
#define MNIST_CLASSES 10

typedef struct {
    int ndim;
    long dims[4];
} idx_header;

/* Magic 0x000008NN (unsigned bytes, NN dimensions) and the dimensions.
 * Labels have one dimension; images three, or two to four when !strict. */
static ab_status read_header(gzFile f, const char *path, int labels, int strict, idx_header *h,
                             ab_error *err)
{
    unsigned char b[16];
    ab_status st = ab_file_read(f, b, 4, path, "the IDX header", err);
    if (st != AB_OK) return st;
    unsigned magic = (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
    int ndim = b[3];
    int ok = b[0] == 0 && b[1] == 0 && b[2] == IDX_UBYTE &&
             (labels ? ndim == 1 : strict ? ndim == 3 : ndim >= 2 && ndim <= 4);
    if (!ok) {
        const char *want = labels ? "0x00000801 (IDX labels)"
                           : strict ? "0x00000803 (IDX images)"
                                    : "0x00000802, 0x00000803 or 0x00000804 (IDX images of bytes)";
        return ab_fail(err, AB_ERR_FORMAT, "%s: bad magic number 0x%08x, expected %s", path, magic,
                       want);
    }
    st = ab_file_read(f, b, 4 * (size_t)ndim, path, "the IDX header", err);
    if (st != AB_OK) return st;
    h->ndim = ndim;
    for (int i = 0; i < ndim; i++) {
        const unsigned char *d = b + 4 * i;
        h->dims[i] = (long)((unsigned long)d[0] << 24 | (unsigned long)d[1] << 16 |
                            (unsigned long)d[2] << 8 | d[3]);
        if (h->dims[i] == 0)
            return ab_fail(err, AB_ERR_FORMAT, "%s: dimension %d of the IDX header is 0", path,
                           i + 1);
    }
    return AB_OK;
}

/* The (c, h, w) of one image from an image header. */
static ab_status image_shape(const idx_header *h, const char *path, int shape[3], ab_error *err)
{
    shape[0] = h->ndim == 4 ? (int)h->dims[1] : h->ndim == 2 ? (int)h->dims[1] : 1;
    shape[1] = h->ndim >= 3 ? (int)h->dims[h->ndim - 2] : 1;
    shape[2] = h->ndim >= 3 ? (int)h->dims[h->ndim - 1] : 1;
    long features = 1;
    for (int i = 1; i < h->ndim && features <= IDX_MAX_FEATURES; i++) features *= h->dims[i];
    if (features > IDX_MAX_FEATURES)
        return ab_fail(err, AB_ERR_FORMAT, "%s: %ld values per image, at most %ld supported", path,
                       features, IDX_MAX_FEATURES);
    return AB_OK;
}

static ab_status read_images(ab_raw_part *part, int shape[3], const char *path, int strict,
                             ab_error *err)
{
    gzFile f;
    ab_status st = ab_file_open(&f, path, err);
    if (st != AB_OK) return st;
    idx_header h;
    st = read_header(f, path, 0, strict, &h, err);
    if (st == AB_OK) st = image_shape(&h, path, shape, err);
    /* the shape is known (and its product small) only when the header passed */
    long features = st == AB_OK ? (long)shape[0] * shape[1] * shape[2] : 0;
    if (st == AB_OK)
        st = ab_file_check_size(f, path, 4 + 4 * (size_t)h.ndim, (size_t)h.dims[0] * (size_t)features,
                                "the pixel data", err);
    if (st == AB_OK) st = ab_raw_part_alloc(part, h.dims[0], features, 1, err);
    if (st == AB_OK)
        st = ab_file_read(f, part->pix, (size_t)part->n * (size_t)features, path, "the pixel data",
                          err);
    if (st == AB_OK) st = ab_file_expect_end(f, path, err);
    gzclose(f);
    return st;
}

/* Labels into part->y (allocated by read_images); max_label grows. */
static ab_status read_labels(ab_raw_part *part, const char *path, const char *images_path,
                             const char *set, int strict, int *max_label, ab_error *err)
{
    gzFile f;
    ab_status st = ab_file_open(&f, path, err);
    if (st != AB_OK) return st;
    idx_header h;
    st = read_header(f, path, 1, strict, &h, err);
    if (st == AB_OK && h.dims[0] != part->n)
        st = ab_fail(err, AB_ERR_FORMAT, "%s: %ld labels, but %s has %ld images", path, h.dims[0],
                     images_path, part->n);
    uint8_t *bytes = NULL;
    if (st == AB_OK && !(bytes = malloc((size_t)part->n)))
        st = ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for %ld labels", path, part->n);
    if (st == AB_OK) st = ab_file_read(f, bytes, (size_t)part->n, path, "the labels", err);
    if (st == AB_OK) st = ab_file_expect_end(f, path, err);
    gzclose(f);
    for (long i = 0; st == AB_OK && i < part->n; i++) {
        int label = bytes[i];
        if (strict && label >= MNIST_CLASSES)
            st = ab_fail(err, AB_ERR_FORMAT, "%s: label %d of example %ld is out of range (%s has "
                         "%d classes)", path, label, i + 1, set, MNIST_CLASSES);
        part->y[i] = label;
        if (label > *max_label) *max_label = label;
    }
    free(bytes);
    return st;
}

/* The image header of path (no pixel read) and its count into part->n. */
static ab_status read_shape(ab_raw_part *part, int shape[3], const char *path, int strict, ab_error *err)
{
    gzFile f;
    ab_status st = ab_file_open(&f, path, err);
    if (st != AB_OK) return st;
    idx_header h;
    st = read_header(f, path, 0, strict, &h, err);
    gzclose(f);
    if (st == AB_OK) st = image_shape(&h, path, shape, err);
    if (st == AB_OK) part->n = h.dims[0];
    return st;
}

/* One set (train or t10k): images and labels, or (!pixels) only the image
 * shape and, unless strict, the labels for max_label. */
static ab_status load_pair(ab_raw_part *part, int shape[3], const char *dir, const char *prefix,
                           const char *set, int strict, int pixels, int *max_label, ab_error *err)
{
    char images[1200], labels[1200], name[64];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    ab_status st = ab_file_find(images, sizeof images, dir, name, err);
    if (st != AB_OK) return st;
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    st = ab_file_find(labels, sizeof labels, dir, name, err);
    if (st == AB_OK && pixels) st = read_images(part, shape, images, strict, err);
    if (st == AB_OK && !pixels) {
        st = read_shape(part, shape, images, strict, err);
        if (st != AB_OK || strict) return st;
        if (!(part->y = malloc((size_t)part->n * sizeof *part->y)))
            return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for %ld labels", labels, part->n);
    }
    if (st == AB_OK) st = read_labels(part, labels, images, set, strict, max_label, err);
    return st;
}

/* Both sets (pixels) or their shapes and labels only. */
static ab_status idx_read(ab_raw *raw, const ab_data_spec *spec, int pixels, ab_error *err)
{
    int fashion = strcmp(spec->dataset, "fashion-mnist") == 0;
    int strict = fashion || strcmp(spec->dataset, "mnist") == 0;
    const char *dir = spec->path[0] ? spec->path : fashion ? AB_FASHION_MNIST_DIR : NULL;
    if (!dir)
        return ab_fail(err, AB_ERR_ARG, "data.path: the %s data set needs the directory of its "
                       "IDX files", spec->dataset);
    int train_shape[3], test_shape[3], max_label = 0;
    ab_status st = load_pair(&raw->train, train_shape, dir, "train", spec->dataset, strict, pixels,
                             &max_label, err);
    if (st == AB_OK)
        st = load_pair(&raw->test, test_shape, dir, "t10k", spec->dataset, strict, pixels, &max_label,
                       err);
    if (st == AB_OK && memcmp(train_shape, test_shape, sizeof train_shape) != 0)
        st = ab_fail(err, AB_ERR_FORMAT, "%s: test images are %dx%dx%d, training images %dx%dx%d",
                     dir, test_shape[0], test_shape[1], test_shape[2], train_shape[0],
                     train_shape[1], train_shape[2]);
    if (st != AB_OK) return st;
    raw->c = train_shape[0];
    raw->h = train_shape[1];
    raw->w = train_shape[2];
    raw->classes = strict ? MNIST_CLASSES : max_label + 1;
    return AB_OK;
}

ab_status ab_idx_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    return idx_read(raw, spec, 1, err);
}

ab_status ab_idx_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    return idx_read(raw, spec, 0, err);
}
