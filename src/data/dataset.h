/* dataset.h: the data sets actbench trains on, loaded into memory once
 * before worker processes start (they share it copy-on-write). Sources:
 * fashion-mnist (the Debian package's IDX files), mnist/idx (IDX files from
 * a directory), cifar10 (binary batches), csv, and the synthetic spirals,
 * blobs and xor. Errors name the file (and CSV row) and what is wrong. */
#ifndef AB_DATASET_H
#define AB_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include "../core/status.h"

#define AB_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* Synthetic sets (spec->classes 0 and spec->noise < 0 select these):
 *  spirals: K arms, AB_SPIRALS_TURNS turns each, radius 0..1, arms 2*pi/K
 *           apart, N(0, noise^2) added to each coordinate;
 *  blobs:   K centres uniform in [-1, 1)^features, N(0, noise^2) around them;
 *  xor:     uniform in [-1, 1)^2, class 1 where the coordinates' signs
 *           differ, then N(0, noise^2) added (labels from the clean point).
 * Labels cycle 0, 1, ..., K-1, so any prefix is balanced. */
#define AB_SPIRALS_CLASSES 2
#define AB_SPIRALS_TURNS 1.0
#define AB_SPIRALS_NOISE 0.05
#define AB_BLOBS_CLASSES 3
#define AB_BLOBS_NOISE 0.2
#define AB_XOR_NOISE 0.05

/* Preprocessing, per feature, statistics from the training split only (after
 * validation is carved out and train_limit applied):
 *  scale:       images x / 255 into [0, 1]; flat data (csv, synthetic)
 *               min-max (x - min) / (max - min), a constant feature x - min;
 *  standardize: (x - mean) / std, population std, a constant feature x - mean
 *               (images are divided by 255 first);
 *  none:        values as read (image bytes 0..255). */
typedef enum { AB_PRE_DEFAULT, AB_PRE_SCALE, AB_PRE_STANDARDIZE, AB_PRE_NONE } ab_preprocess;

typedef struct {
    char dataset[32];       /* fashion-mnist | mnist | idx | cifar10 | csv | spirals | blobs | xor */
    char path[1024];        /* directory (idx, mnist, cifar10, fashion-mnist), or the CSV training file */
    char test_path[1024];   /* csv: separate test file ("" = use test_split) */
    char label_column[128]; /* csv: column name, or 0-based index as text (default "0") */
    int header;             /* csv: -1 detect, 0 no header, 1 header */
    double test_split;      /* csv without test file: fraction of rows held out at the end (default 0.2) */
    long train_limit;       /* first N training examples (subset first); 0 = all */
    int subset_random;      /* data.subset: 0 first (the first train_limit examples), 1 random
                             * (the loaded training split keeps every example that is not
                             * validation; each run draws its train_limit with ab_subset_draw) */
    long validation;        /* examples carved from the end of the training data; 0 = none */
    int augment_flip;       /* data.augment.flip: random horizontal flip (training only, images) */
    int augment_crop;       /* data.augment.crop: pad by this many zeros, random crop back (0 = off) */
    ab_preprocess preprocess; /* DEFAULT: scale for images and none otherwise; statistics
                               * (csv min-max, standardize) come from the training split only */
    /* synthetic sets */
    long n_train, n_test;   /* examples (defaults 1000 / 500) */
    int classes;            /* spirals, blobs (default 2 / 3); xor is 2; 0 = the set's default */
    int features;           /* blobs dimensions (default 2); spirals and xor are 2-D */
    double noise;           /* noise standard deviation; negative (-1) = the set's default */
    uint64_t seed;          /* generation seed of synthetic sets (not the run seed) */
} ab_data_spec;

typedef struct {
    long n;                 /* examples */
    float *x;               /* (n, features), row-major */
    int32_t *y;             /* (n), in [0, classes) */
    /* The training split of image data that is not standardised also
     * holds its pixels as bytes: x[i] == x8_table[x8[i]] exactly, for
     * every i (the trainer gathers its batches from the bytes, a quarter
     * of the memory traffic). NULL in every other split and data set. */
    const uint8_t *x8;      /* (n, features) */
    const float *x8_table;  /* (256) */
} ab_split;

typedef struct {
    char name[64];          /* the data.dataset value */
    int features;           /* c * h * w */
    int c, h, w;            /* image shape, or (features, 1, 1) for flat data */
    int classes;
    ab_split train, val, test;
    void *mem;              /* owned storage */
    size_t mem_size;
} ab_dataset;

/* data.subset random: k of pool's examples drawn without replacement from
 * the "subset" stream of the run seed, kept in their order in pool, copied
 * into out (one allocation, *mem, freed with free). Only the k rows are
 * copied. When k <= 0 or k >= pool->n, out is pool itself and *mem NULL. */
ab_status ab_subset_draw(ab_split *out, void **mem, const ab_split *pool, int features, long k,
                         uint64_t seed, ab_error *err);

/* size bytes for a data set's examples, aligned to 64 bytes; from 2 MiB up
 * rounded up to whole 2 MiB pages and advised to the kernel as transparent
 * huge pages (madvise; only advice, where the kernel has them), so that the
 * training's gather of scattered rows (trainer.c) takes far fewer TLB
 * misses. Freed with free(); NULL when out of memory. */
void *ab_data_alloc(size_t size);

/* Fill spec with defaults: fashion-mnist, header -1 (detect), test_split 0.2,
 * label_column "0", n_train 1000, n_test 500, classes 0, features 2,
 * noise -1, seed 1, preprocess DEFAULT. */
void ab_data_spec_default(ab_data_spec *spec);
/* Load, split and preprocess. On failure returns non-OK with err naming
 * the file and the fault; out is left empty (nothing to free). */
ab_status ab_data_load(ab_dataset *out, const ab_data_spec *spec, ab_error *err);
void ab_data_free(ab_dataset *d);
/* The shape of one example (c, h, w; flat data is (features, 1, 1)) and the
 * number of classes, as ab_data_load would give them, without loading the
 * examples where that is possible: the IDX images header (and for idx the
 * label files), cifar10's fixed 3x32x32, a synthetic set's parameters; a
 * csv file is read whole. The c, h, w, classes of out are set, nothing
 * else; errors as ab_data_load's. */
ab_status ab_data_shape(ab_dataset *out, const ab_data_spec *spec, ab_error *err);
/* "fashion-mnist, mnist, idx, cifar10, csv, spirals, blobs, xor" */
const char *ab_data_names(void);
int ab_data_is_known(const char *name);
/* "scale", "standardize", "none", and "default" for AB_PRE_DEFAULT. */
const char *ab_preprocess_name(ab_preprocess p);
/* Accepts the four names above; returns 0 (p untouched) for anything else. */
int ab_preprocess_from_name(const char *s, ab_preprocess *p);
/* What DEFAULT means for a data set: scale for fashion-mnist, mnist, idx and
 * cifar10, none for csv and the synthetic sets; other values unchanged. */
ab_preprocess ab_preprocess_resolve(const char *dataset, ab_preprocess p);

#endif
