/* data_internal.h: what the loaders of src/data share and nothing above it
 * sees. Each loader (idx.c, cifar.c, csv.c, synthetic.c) fills an ab_raw with
 * the whole training and test data as read; split.c carves the splits into
 * the dataset's one allocation and preprocess.c rescales it there. */
#ifndef AB_DATA_INTERNAL_H
#define AB_DATA_INTERNAL_H

#include <stdint.h>
#include <zlib.h>
#include "dataset.h"

typedef struct {
    long n;
    uint8_t *pix;           /* (n, features) image bytes, or NULL */
    float *x;               /* (n, features) flat values, or NULL */
    int32_t *y;             /* (n) labels */
} ab_raw_part;

typedef struct {
    int c, h, w;            /* shape; flat data is (features, 1, 1) */
    int classes;
    ab_raw_part train, test;
} ab_raw;

void ab_raw_free(ab_raw *raw);
/* Allocates part->y and part->pix (is_image) or part->x for n rows. */
ab_status ab_raw_part_alloc(ab_raw_part *part, long n, long features, int is_image, ab_error *err);

/* Loaders: fill raw (zeroed by the caller); on failure raw may hold
 * allocations that ab_raw_free releases. */
ab_status ab_idx_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
ab_status ab_cifar_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
ab_status ab_csv_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
ab_status ab_synthetic_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
/* The same, filling only raw's c, h, w and classes (NULL: load whole). */
ab_status ab_idx_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
ab_status ab_cifar_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err);
ab_status ab_synthetic_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err);

/* split.c: validation from the end, train_limit, one allocation. Converts
 * image bytes to float, divided by 255 when scale_images. */
ab_status ab_split_build(ab_dataset *out, const ab_raw *raw, const ab_data_spec *spec,
                         int scale_images, ab_error *err);
/* preprocess.c: min-max (flat data) or standardisation with statistics of
 * the training split, applied to all three splits in place. */
ab_status ab_preprocess_apply(ab_dataset *d, ab_preprocess p, int is_image, ab_error *err);

/* file_io.c: plain or gzip files through zlib (gzopen reads plain files
 * as they are). Messages name the path. */
int ab_file_exists(const char *path);
/* path = dir/name when that exists, else dir/name.gz; AB_ERR_IO if neither. */
ab_status ab_file_find(char *path, size_t size, const char *dir, const char *name, ab_error *err);
ab_status ab_file_open(gzFile *f, const char *path, ab_error *err);
/* Reads exactly n bytes; what says what they are, for the message. */
ab_status ab_file_read(gzFile f, void *buf, size_t n, const char *path, const char *what,
                       ab_error *err);
/* Fails when the file cannot hold need more bytes after offset (a plain
 * file: fewer left; gzip: more than deflate's 1032:1 can expand to), so
 * that a header claiming more data than the file has is refused before
 * anything is allocated for it. */
ab_status ab_file_check_size(gzFile f, const char *path, size_t offset, size_t need, const char *what,
                             ab_error *err);
/* Fails unless the file has no bytes left. */
ab_status ab_file_expect_end(gzFile f, const char *path, ab_error *err);
/* The whole (decompressed) file in a malloc'd buffer with a NUL after it. */
ab_status ab_file_read_all(const char *path, char **buf, size_t *size, ab_error *err);

#endif
