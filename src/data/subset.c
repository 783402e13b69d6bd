/* subset.c: data.subset random: the training examples of one run, drawn
 * from the loaded training split (everything that is not validation) with
 * the run seed's own "subset" stream, so validation and test stay fixed
 * while the training sample varies with the seed. Copies only the drawn
 * rows. No I/O. */
#include <stdlib.h>
#include <string.h>
#include "../core/rng.h"
#include "dataset.h"

static int by_index(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

ab_status ab_subset_draw(ab_split *out, void **mem, const ab_split *pool, int features, long k,
                         uint64_t seed, ab_error *err)
{
    *mem = NULL;
    *out = *pool;
    if (k <= 0 || k >= pool->n) return AB_OK;
    long n = pool->n;
    long *idx = malloc((size_t)n * sizeof *idx);
    size_t row = (size_t)features * sizeof(float);
    size_t bytes = pool->x8 ? (size_t)k * (size_t)features : 0; /* the rows' bytes too */
    char *buf = ab_data_alloc((size_t)k * (row + sizeof(int32_t)) + bytes);
    if (!idx || !buf) {
        free(idx);
        free(buf);
        return ab_fail(err, AB_ERR_NOMEM, "data.subset: out of memory for %ld examples", k);
    }
    /* the first k steps of a Fisher-Yates shuffle: a uniform k-subset */
    ab_rng rng;
    ab_rng_seed(&rng, seed, "subset");
    for (long i = 0; i < n; i++) idx[i] = i;
    for (long i = 0; i < k; i++) {
        long j = i + (long)ab_rng_below(&rng, (uint64_t)(n - i));
        long t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    qsort(idx, (size_t)k, sizeof *idx, by_index);
    float *x = (float *)buf;
    int32_t *y = (int32_t *)(buf + (size_t)k * row);
    uint8_t *x8 = bytes ? (uint8_t *)(y + k) : NULL;
    for (long i = 0; i < k; i++) {
        memcpy(x + (size_t)i * features, pool->x + (size_t)idx[i] * features, row);
        y[i] = pool->y[idx[i]];
        if (x8)
            memcpy(x8 + (size_t)i * features, pool->x8 + (size_t)idx[i] * features, (size_t)features);
    }
    free(idx);
    out->n = k;
    out->x = x;
    out->y = y;
    out->x8 = x8; /* x8_table: the pool's */
    *mem = buf;
    return AB_OK;
}
