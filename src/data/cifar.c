/* cifar.c: loads the binary CIFAR-10 batches (data_batch_1..5.bin and
 * test_batch.bin, each plain or gzip-compressed) from a directory. A record
 * is 1 label byte + 3072 pixel bytes (3x32x32, channel-major). */
#include "data_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CIFAR_C 3
#define CIFAR_HW 32
#define CIFAR_PIXELS (CIFAR_C * CIFAR_HW * CIFAR_HW)
#define CIFAR_RECORD (1 + CIFAR_PIXELS)
#define CIFAR_CLASSES 10
#define CIFAR_TRAIN_BATCHES 5

/* Appends the records of one batch file to part. */
static ab_status append_batch(ab_raw_part *part, const char *dir, const char *name, ab_error *err)
{
    char path[1200];
    ab_status st = ab_file_find(path, sizeof path, dir, name, err);
    if (st != AB_OK) return st;
    char *buf;
    size_t size;
    st = ab_file_read_all(path, &buf, &size, err);
    if (st != AB_OK) return st;
    long m = (long)(size / CIFAR_RECORD);
    if (size == 0)
        st = ab_fail(err, AB_ERR_FORMAT, "%s: empty file", path);
    else if (size % CIFAR_RECORD != 0)
        st = ab_fail(err, AB_ERR_FORMAT, "%s: size %zu is not a multiple of %d (1 label byte + "
                     "%d pixel bytes per record)", path, size, CIFAR_RECORD, CIFAR_PIXELS);
    for (long i = 0; st == AB_OK && i < m; i++) {
        int label = (unsigned char)buf[(size_t)i * CIFAR_RECORD];
        if (label >= CIFAR_CLASSES)
            st = ab_fail(err, AB_ERR_FORMAT, "%s: label %d of record %ld is out of range (cifar10 "
                         "has %d classes)", path, label, i + 1, CIFAR_CLASSES);
    }
    uint8_t *pix = NULL;
    int32_t *y = NULL;
    if (st == AB_OK) {
        size_t n = (size_t)(part->n + m);
        pix = realloc(part->pix, n * CIFAR_PIXELS);
        if (pix) part->pix = pix;
        y = realloc(part->y, n * sizeof *y);
        if (y) part->y = y;
        if (!pix || !y)
            st = ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for %zu records", path, n);
    }
    for (long i = 0; st == AB_OK && i < m; i++) {
        const char *rec = buf + (size_t)i * CIFAR_RECORD;
        part->y[part->n + i] = (unsigned char)rec[0];
        memcpy(part->pix + (size_t)(part->n + i) * CIFAR_PIXELS, rec + 1, CIFAR_PIXELS);
    }
    if (st == AB_OK) part->n += m;
    free(buf);
    return st;
}

ab_status ab_cifar_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    if (!spec->path[0])
        return ab_fail(err, AB_ERR_ARG, "data.path: the cifar10 data set needs the directory of "
                       "its binary batches");
    ab_status st = AB_OK;
    char name[64];
    for (int b = 1; st == AB_OK && b <= CIFAR_TRAIN_BATCHES; b++) {
        snprintf(name, sizeof name, "data_batch_%d.bin", b);
        st = append_batch(&raw->train, spec->path, name, err);
    }
    if (st == AB_OK) st = append_batch(&raw->test, spec->path, "test_batch.bin", err);
    if (st != AB_OK) return st;
    raw->c = CIFAR_C;
    raw->h = raw->w = CIFAR_HW;
    raw->classes = CIFAR_CLASSES;
    return AB_OK;
}

ab_status ab_cifar_shape(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    (void)spec, (void)err;
    raw->c = CIFAR_C;
    raw->h = raw->w = CIFAR_HW;
    raw->classes = CIFAR_CLASSES;
    return AB_OK;
}
