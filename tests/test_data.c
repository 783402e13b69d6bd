/* test_data.c: the file loaders of src/data (IDX plain and gzip, CIFAR-10
 * binary, CSV) on small files written to a temporary directory, every bad
 * input they must refuse (status, file name and fault in the message, the
 * dataset left empty), and the real Fashion-MNIST when it is installed.
 * Synthetic sets, splits and preprocessing: test_data_synth.c. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "support/check.h"
#include "../src/data/dataset.h"

static char dir[64];

static const char *in_dir(const char *name)
{
    static char path[4][256];
    static int next;
    next = (next + 1) % 4;
    snprintf(path[next], sizeof path[next], "%s/%s", dir, name);
    return path[next];
}

/* Writes len bytes to dir/name, gzip-compressed when gz. */
static void write_file(const char *name, const void *data, size_t len, int gz)
{
    const char *path = in_dir(name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        if (!f || gzwrite(f, data, (unsigned)len) != (int)len) printf("cannot write %s\n", path);
        if (f) gzclose(f);
        return;
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) printf("cannot write %s\n", path);
    if (f) fclose(f);
}

static void write_text(const char *name, const char *text)
{
    write_file(name, text, strlen(text), 0);
}

static void remove_file(const char *name) { remove(in_dir(name)); }

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void put_be32(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* pixel j of image i in the IDX and CIFAR fixtures */
static unsigned char pixel(long i, long j) { return (unsigned char)((i * 7 + j * 3) % 256); }

/* An IDX image file of n h x w images and a label file of n_labels labels
 * (label of i: i % label_mod), named prefix-images-idx3-ubyte[.gz]. */
static void write_idx(const char *prefix, long n, int h, int w, long n_labels, int label_mod,
                      int gz)
{
    size_t size = 16 + (size_t)(n * h * w);
    unsigned char *b = malloc(size > 8 + (size_t)n_labels ? size : 8 + (size_t)n_labels);
    char name[128];
    put_be32(b, 0x803);
    put_be32(b + 4, (unsigned)n);
    put_be32(b + 8, (unsigned)h);
    put_be32(b + 12, (unsigned)w);
    for (long i = 0; i < n; i++)
        for (long j = 0; j < h * w; j++) b[16 + i * h * w + j] = pixel(i, j);
    snprintf(name, sizeof name, "%s-images-idx3-ubyte%s", prefix, gz ? ".gz" : "");
    write_file(name, b, size, gz);
    put_be32(b, 0x801);
    put_be32(b + 4, (unsigned)n_labels);
    for (long i = 0; i < n_labels; i++) b[8 + i] = (unsigned char)(i % label_mod);
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte%s", prefix, gz ? ".gz" : "");
    write_file(name, b, 8 + (size_t)n_labels, gz);
    free(b);
}

static void remove_idx(void)
{
    const char *names[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    char gz[64];
    for (int i = 0; i < 4; i++) {
        remove_file(names[i]);
        snprintf(gz, sizeof gz, "%s.gz", names[i]);
        remove_file(gz);
    }
}

static void spec_for(ab_data_spec *spec, const char *dataset, const char *path)
{
    ab_data_spec_default(spec);
    snprintf(spec->dataset, sizeof spec->dataset, "%s", dataset);
    snprintf(spec->path, sizeof spec->path, "%s", path);
}

/* Loading fails with status want and a message holding both strings. */
static void expect_fail(const ab_data_spec *spec, ab_status want, const char *has1,
                        const char *has2, int line)
{
    ab_dataset d;
    ab_error err = {""};
    ab_status st = ab_data_load(&d, spec, &err);
    CHECK(st == want, "line %d: status %d, want %d (%s)", line, st, want, err.msg);
    CHECK(strstr(err.msg, has1) != NULL, "line %d: message \"%s\" lacks \"%s\"", line, err.msg,
          has1);
    CHECK(!has2 || strstr(err.msg, has2), "line %d: message \"%s\" lacks \"%s\"", line, err.msg,
          has2 ? has2 : "");
    CHECK(d.mem == NULL && d.train.n == 0 && d.train.x == NULL, "line %d: dataset not empty", line);
    ab_data_free(&d);
}
#define EXPECT_FAIL(spec, want, has1, has2) expect_fail(spec, want, has1, has2, __LINE__)

static int load_ok(ab_dataset *d, const ab_data_spec *spec, int line)
{
    ab_error err = {""};
    ab_status st = ab_data_load(d, spec, &err);
    CHECK(st == AB_OK, "line %d: load failed: %s", line, err.msg);
    return st == AB_OK;
}
#define LOAD_OK(d, spec) load_ok(d, spec, __LINE__)

static void test_names(void)
{
    ab_data_spec s;
    ab_data_spec_default(&s);
    CHECK(strcmp(s.dataset, "fashion-mnist") == 0 && s.header == -1 && s.test_split == 0.2 &&
          strcmp(s.label_column, "0") == 0 && s.n_train == 1000 && s.n_test == 500 &&
          s.classes == 0 && s.features == 2 && s.noise < 0 && s.seed == 1 &&
          s.preprocess == AB_PRE_DEFAULT, "defaults");
    const char *known[] = {"fashion-mnist", "mnist", "idx", "cifar10", "csv", "spirals", "blobs",
                           "xor"};
    for (int i = 0; i < 8; i++) {
        CHECK(ab_data_is_known(known[i]), "%s known", known[i]);
        CHECK(strstr(ab_data_names(), known[i]) != NULL, "%s listed", known[i]);
    }
    CHECK(!ab_data_is_known("imagenet") && !ab_data_is_known(""), "unknown names");
    for (int p = AB_PRE_DEFAULT; p <= AB_PRE_NONE; p++) {
        ab_preprocess back = AB_PRE_NONE + 1;
        CHECK(ab_preprocess_from_name(ab_preprocess_name(p), &back) && back == (ab_preprocess)p,
              "preprocess %d round trip", p);
    }
    ab_preprocess p = AB_PRE_SCALE;
    CHECK(!ab_preprocess_from_name("normalize", &p) && p == AB_PRE_SCALE, "unknown preprocess");
    CHECK(ab_preprocess_resolve("cifar10", AB_PRE_DEFAULT) == AB_PRE_SCALE &&
          ab_preprocess_resolve("csv", AB_PRE_DEFAULT) == AB_PRE_NONE &&
          ab_preprocess_resolve("csv", AB_PRE_STANDARDIZE) == AB_PRE_STANDARDIZE, "resolve");
    ab_dataset zero;
    memset(&zero, 0, sizeof zero);
    ab_data_free(&zero);
    ab_data_free(NULL);
    s.dataset[0] = 'X';
    EXPECT_FAIL(&s, AB_ERR_ARG, "Xashion-mnist", "known: fashion-mnist");
}

/* Every value of a loaded IDX fixture, divided by scale. */
static void check_idx_values(const ab_dataset *d, float scale, const char *what)
{
    int bad = 0;
    for (long i = 0; i < d->train.n; i++) {
        bad += d->train.y[i] != i % 12;
        for (long j = 0; j < d->features; j++)
            bad += d->train.x[i * d->features + j] != (float)pixel(i, j) / scale;
    }
    for (long i = 0; i < d->test.n; i++)
        bad += d->test.x[i * d->features + 5] != (float)pixel(i, 5) / scale;
    CHECK(bad == 0, "%s: %d wrong values", what, bad);
}

/* Whether split s holds its pixels as bytes that give its floats exactly. */
static int bytes_match(const ab_split *s, int features)
{
    if (!s->x8 || !s->x8_table) return 0;
    for (long i = 0; i < s->n * features; i++)
        if (s->x[i] != s->x8_table[s->x8[i]]) return 0;
    return 1;
}

/* Image data keeps the training split's bytes (the trainer gathers from
 * them) for scale and none, with the floats exactly table[byte]; not the
 * validation and test splits; standardize drops them (the floats change);
 * a random subset copies the drawn rows' bytes with their floats. */
static void test_idx_bytes(void)
{
    ab_data_spec spec;
    ab_dataset d;
    write_idx("train", 20, 4, 3, 20, 12, 0);
    write_idx("t10k", 6, 4, 3, 6, 12, 0);
    spec_for(&spec, "idx", dir);
    spec.validation = 4;
    const ab_preprocess pre[3] = {AB_PRE_DEFAULT, AB_PRE_NONE, AB_PRE_STANDARDIZE};
    for (int k = 0; k < 3; k++) {
        spec.preprocess = pre[k];
        if (!LOAD_OK(&d, &spec)) continue;
        const char *name = ab_preprocess_name(pre[k]);
        if (pre[k] == AB_PRE_STANDARDIZE)
            CHECK(!d.train.x8 && !d.train.x8_table, "idx %s: no bytes (the floats are not bytes any more)", name);
        else
            CHECK(d.train.n == 16 && bytes_match(&d.train, d.features),
                  "idx %s: the training split's bytes give its floats exactly", name);
        CHECK(!d.val.x8 && !d.test.x8, "idx %s: validation and test hold no bytes", name);
        if (pre[k] == AB_PRE_DEFAULT) {
            ab_split sub;
            void *mem = NULL;
            ab_error err = {""};
            CHECK(ab_subset_draw(&sub, &mem, &d.train, d.features, 7, 3, &err) == AB_OK && mem,
                  "subset draw: %s", err.msg);
            if (mem) {
                CHECK(sub.n == 7 && sub.x8 && sub.x8 != d.train.x8 && bytes_match(&sub, d.features),
                      "%s", "a random subset has its rows' bytes, giving its floats exactly");
                int rows_ok = 1;
                for (long i = 0; i < sub.n; i++) {
                    long j = 0;
                    while (j < d.train.n && memcmp(d.train.x8 + j * d.features, sub.x8 + i * d.features,
                                                   (size_t)d.features))
                        j++;
                    rows_ok &= j < d.train.n && d.train.y[j] == sub.y[i];
                }
                CHECK(rows_ok, "%s", "every subset byte row is a pool row with its label");
            }
            free(mem);
        }
        ab_data_free(&d);
    }
    remove_idx();
}

static void test_idx(void)
{
    ab_data_spec spec;
    ab_dataset d;
    for (int gz = 0; gz <= 1; gz++) {
        write_idx("train", 20, 4, 3, 20, 12, gz);
        write_idx("t10k", 6, 4, 3, 6, 12, gz);
        spec_for(&spec, "idx", dir);
        if (LOAD_OK(&d, &spec)) {
            CHECK(d.train.n == 20 && d.val.n == 0 && d.test.n == 6, "idx counts (gz %d)", gz);
            CHECK(d.features == 12 && d.c == 1 && d.h == 4 && d.w == 3, "idx shape");
            CHECK(d.classes == 12, "idx classes = max label + 1: %d", d.classes);
            CHECK(strcmp(d.name, "idx") == 0, "name %s", d.name);
            check_idx_values(&d, 255.0f, gz ? "idx gz scaled" : "idx scaled");
        }
        ab_data_free(&d);
        spec.preprocess = AB_PRE_NONE;
        if (LOAD_OK(&d, &spec)) check_idx_values(&d, 1.0f, "idx raw");
        ab_data_free(&d);
        snprintf(spec.dataset, sizeof spec.dataset, "mnist");
        EXPECT_FAIL(&spec, AB_ERR_FORMAT, "train-labels-idx1-ubyte", "label 10 of example 11 is "
                    "out of range");
        remove_idx();
    }
    /* plain preferred over .gz when both exist: the .gz here is broken */
    write_idx("train", 20, 4, 3, 20, 10, 0);
    write_idx("t10k", 6, 4, 3, 6, 10, 0);
    write_text("train-images-idx3-ubyte.gz", "not gzip");
    spec_for(&spec, "mnist", dir);
    if (LOAD_OK(&d, &spec)) CHECK(d.classes == 10 && d.train.n == 20, "mnist has 10 classes");
    ab_data_free(&d);
    remove_idx();
}

/* Cuts dir/name to keep bytes. */
static void truncate_file(const char *name, long keep)
{
    if (truncate(in_dir(name), keep) != 0) printf("cannot truncate %s\n", name);
}

static void test_idx_errors(void)
{
    ab_data_spec spec;
    spec_for(&spec, "mnist", dir);
    EXPECT_FAIL(&spec, AB_ERR_IO, "train-images-idx3-ubyte", "no such file");
    spec.path[0] = '\0';
    EXPECT_FAIL(&spec, AB_ERR_ARG, "data.path", "mnist");
    spec_for(&spec, "mnist", dir);

    write_idx("train", 20, 4, 3, 20, 10, 1);
    write_idx("t10k", 6, 4, 3, 5, 10, 1);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-labels-idx1-ubyte.gz: 5 labels",
                "t10k-images-idx3-ubyte.gz has 6 images");
    remove_file("t10k-labels-idx1-ubyte.gz");
    EXPECT_FAIL(&spec, AB_ERR_IO, "t10k-labels-idx1-ubyte", "no such file");

    /* a label file where the images should be */
    write_idx("t10k", 6, 4, 3, 6, 10, 0);
    remove_file("t10k-images-idx3-ubyte");
    unsigned char labels[14] = {0, 0, 8, 1, 0, 0, 0, 6};
    write_file("t10k-images-idx3-ubyte", labels, sizeof labels, 0);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-images-idx3-ubyte: bad magic number 0x00000801",
                "expected 0x00000803 (IDX images)");
    write_idx("t10k", 6, 4, 3, 6, 10, 0);
    write_file("t10k-labels-idx1-ubyte", (unsigned char[]){0, 0, 8, 3, 0, 0, 0, 6}, 8, 0);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-labels-idx1-ubyte: bad magic number 0x00000803",
                "expected 0x00000801 (IDX labels)");

    write_idx("t10k", 6, 4, 3, 6, 10, 0);
    truncate_file("t10k-images-idx3-ubyte", 16 + 5 * 12 + 7);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-images-idx3-ubyte: truncated", "72 bytes");
    truncate_file("t10k-images-idx3-ubyte", 10);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-images-idx3-ubyte: truncated", "header");
    write_idx("t10k", 6, 4, 3, 6, 10, 0);
    FILE *f = fopen(in_dir("t10k-labels-idx1-ubyte"), "ab");
    if (f) fputc(1, f), fclose(f);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "t10k-labels-idx1-ubyte", "unexpected bytes after");

    /* a gzip file cut short: images, then a tiny one cut in its header */
    remove_idx();
    write_idx("train", 2000, 4, 3, 2000, 10, 1);
    write_idx("t10k", 6, 4, 3, 6, 10, 1);
    truncate_file("train-images-idx3-ubyte.gz", 400);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "train-images-idx3-ubyte.gz", "truncated");
    write_idx("train", 2000, 4, 3, 2000, 10, 1);
    truncate_file("train-labels-idx1-ubyte.gz", 30);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "train-labels-idx1-ubyte.gz", "truncated");
    write_text("train-labels-idx1-ubyte.gz", "\x1f\x8b garbage that is not deflate data");
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "train-labels-idx1-ubyte.gz", "gzip");

    write_idx("train", 20, 4, 3, 20, 10, 1);
    write_idx("t10k", 6, 2, 3, 6, 10, 1);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "test images are 1x2x3", "training images 1x4x3");
    remove_idx();
}

enum { CIFAR_RECORD = 3073 };

/* A CIFAR batch of n records, label of record i: (first + i) % label_mod. */
static void write_cifar(const char *name, long n, long first, int label_mod)
{
    unsigned char *b = malloc((size_t)n * CIFAR_RECORD + 1);
    for (long i = 0; i < n; i++) {
        b[i * CIFAR_RECORD] = (unsigned char)((first + i) % label_mod);
        for (long j = 0; j < 3072; j++) b[i * CIFAR_RECORD + 1 + j] = pixel(first + i, j);
    }
    write_file(name, b, (size_t)n * CIFAR_RECORD, 0);
    free(b);
}

static void write_cifar_set(void)
{
    char name[64];
    for (int i = 1; i <= 5; i++) {
        snprintf(name, sizeof name, "data_batch_%d.bin", i);
        write_cifar(name, 3, 3 * (i - 1), 10);
    }
    write_cifar("test_batch.bin", 2, 100, 10);
}

static void test_cifar(void)
{
    write_cifar_set();
    ab_data_spec spec;
    ab_dataset d;
    spec_for(&spec, "cifar10", dir);
    spec.validation = 4;
    if (LOAD_OK(&d, &spec)) {
        CHECK(d.train.n == 11 && d.val.n == 4 && d.test.n == 2, "cifar counts");
        CHECK(d.c == 3 && d.h == 32 && d.w == 32 && d.features == 3072 && d.classes == 10,
              "cifar shape");
        int bad = 0;
        for (long i = 0; i < 11; i++) {
            bad += d.train.y[i] != i % 10;
            for (long j = 0; j < 3072; j += 97)
                bad += d.train.x[i * 3072 + j] != pixel(i, j) / 255.0f;
        }
        for (long i = 0; i < 4; i++) bad += d.val.y[i] != (11 + i) % 10;
        bad += d.val.x[3 * 3072 + 3071] != pixel(14, 3071) / 255.0f;
        bad += d.test.y[1] != 101 % 10 || d.test.x[3072 + 5] != pixel(101, 5) / 255.0f;
        CHECK(bad == 0, "cifar values: %d wrong", bad);
    }
    ab_data_free(&d);
    spec.validation = 0;

    write_cifar("data_batch_3.bin", 3, 10, 11);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "data_batch_3.bin: label 10 of record 1", "out of range");
    write_cifar_set();
    truncate_file("data_batch_2.bin", 2 * CIFAR_RECORD + 5);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "data_batch_2.bin: size 6151", "not a multiple of 3073");
    write_cifar_set();
    truncate_file("data_batch_4.bin", 0);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "data_batch_4.bin", "empty");
    write_cifar_set();
    remove_file("test_batch.bin");
    EXPECT_FAIL(&spec, AB_ERR_IO, "test_batch.bin", "no such file");
    spec.path[0] = '\0';
    EXPECT_FAIL(&spec, AB_ERR_ARG, "data.path", "cifar10");
    char name[64];
    for (int i = 1; i <= 5; i++) {
        snprintf(name, sizeof name, "data_batch_%d.bin", i);
        remove_file(name);
    }
}

static void csv_spec(ab_data_spec *spec, const char *train, const char *test)
{
    spec_for(spec, "csv", in_dir(train));
    if (test) snprintf(spec->test_path, sizeof spec->test_path, "%s", in_dir(test));
}

static void test_csv(void)
{
    ab_data_spec spec;
    ab_dataset d;
    /* header, label by name in the middle, CRLF, quotes, blanks, a blank line */
    write_text("a.csv", "x1, \"kind\" ,x2\r\n1.5,2,-3\r\n\r\n 4 ,0,5e-1\r\n7,1,8\r\n");
    write_text("a_test.csv", "x1,kind,x2\n10,4,11\n");
    csv_spec(&spec, "a.csv", "a_test.csv");
    snprintf(spec.label_column, sizeof spec.label_column, "kind");
    if (LOAD_OK(&d, &spec)) {
        CHECK(d.train.n == 3 && d.test.n == 1 && d.features == 2 && d.c == 2 && d.h == 1 &&
              d.w == 1, "csv shape");
        CHECK(d.classes == 5, "classes from the test labels too: %d", d.classes);
        CHECK(d.train.x[0] == 1.5f && d.train.x[1] == -3.0f && d.train.x[2] == 4.0f &&
              d.train.x[3] == 0.5f && d.train.y[0] == 2 && d.train.y[1] == 0 &&
              d.test.x[1] == 11.0f && d.test.y[0] == 4, "csv values (no preprocessing)");
    }
    ab_data_free(&d);
    /* the same by index; header detected */
    snprintf(spec.label_column, sizeof spec.label_column, "1");
    if (LOAD_OK(&d, &spec)) CHECK(d.train.n == 3 && d.train.y[2] == 1, "label by index");
    ab_data_free(&d);

    /* no header, label column 0 by default, split: 10 rows, 0.2 -> 2 test rows from the end */
    char text[512] = "";
    for (int i = 0; i < 10; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d,%d\n", i % 3, i, 10 * i);
    write_text("b.csv", text);
    csv_spec(&spec, "b.csv", NULL);
    if (LOAD_OK(&d, &spec)) {
        CHECK(d.train.n == 8 && d.test.n == 2 && d.features == 2 && d.classes == 3, "csv split");
        CHECK(d.test.x[0] == 8.0f && d.test.x[3] == 90.0f && d.test.y[1] == 0 &&
              d.train.x[14] == 7.0f, "test rows are the last ones");
    }
    ab_data_free(&d);
    spec.header = 1;  /* the first row is taken as a header: 9 rows, round(1.8) = 2 test */
    if (LOAD_OK(&d, &spec)) CHECK(d.train.n == 7 && d.test.n == 2, "header forced");
    ab_data_free(&d);
    spec.header = 0;
    spec.test_split = 0.5;
    spec.validation = 2;
    spec.preprocess = AB_PRE_SCALE;  /* min-max from the 3 training rows: x in [0, 2] */
    if (LOAD_OK(&d, &spec)) {
        CHECK(d.train.n == 3 && d.val.n == 2 && d.test.n == 5, "split and validation");
        CHECK(d.train.x[0] == 0.0f && d.train.x[4] == 1.0f && d.val.x[0] == 1.5f &&
              d.test.x[0] == 2.5f && d.test.x[3] == 3.0f, "min-max from training rows only");
    }
    ab_data_free(&d);
}

/* A bad training file and what its message says after the path. */
static const struct {
    const char *text, *where, *fault;
} BAD_CSV[] = {
    {"label,f1,f2\n1,2,3\n0,5\n", ":3: 2 fields, expected 3", ""},
    {"label,f1,f2\n1,2,3\n0,5,abc\n", ":3:3: \"abc\" is not a number", "column \"f2\""},
    {"1,2,3\n0,5,6,7\n", ":2: 4 fields, expected 3", ""},
    {"1,2,3\n1.5,5,6\n", ":2:1: label \"1.5\"", "not an integer"},
    {"1,2,3\n-1,5,6\n", ":2:1: label \"-1\"", "not an integer"},
    {"1,2,3\n1e9,5,6\n", ":2:1: label \"1e9\"", "from 0 to 65535"},
    {"1,2,3\n0,nan,6\n", ":2:2: \"nan\" is not a number", ""},
    {"1,2,3\n0,,6\n", ":2:2: \"\" is not a number", ""},
    {"\n  \n", ": empty file", ""},
    {"a,b,c\n", ": no data rows", ""},
    {"5\n6\n", ":1: 1 fields: need a label and at least one feature", ""},
};

static void test_csv_errors(void)
{
    ab_data_spec spec;
    char where[300];
    csv_spec(&spec, "c.csv", NULL);
    for (size_t i = 0; i < sizeof BAD_CSV / sizeof BAD_CSV[0]; i++) {
        write_text("c.csv", BAD_CSV[i].text);
        snprintf(where, sizeof where, "%s%s", in_dir("c.csv"), BAD_CSV[i].where);
        EXPECT_FAIL(&spec, AB_ERR_FORMAT, where, BAD_CSV[i].fault);
    }
    write_text("c.csv", "a,b,c\n");
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "c.csv: no data rows", NULL);
    write_text("c.csv", "a,b,c\n1,2,3\n");
    snprintf(spec.label_column, sizeof spec.label_column, "species");
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "c.csv:1: no column named \"species\"",
                "(columns: \"a\", \"b\", \"c\")");
    snprintf(spec.label_column, sizeof spec.label_column, "5");
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "c.csv:1: label column 5", "3 fields");
    snprintf(spec.label_column, sizeof spec.label_column, "0");
    write_text("c.csv", "1,2,3\n0,5,6\n");
    write_text("c_test.csv", "1,2\n");
    csv_spec(&spec, "c.csv", "c_test.csv");
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "c_test.csv:1: 2 fields, the training file has 3", NULL);
    csv_spec(&spec, "c.csv", "missing.csv");
    EXPECT_FAIL(&spec, AB_ERR_IO, "missing.csv", "No such file");
    csv_spec(&spec, "c.csv", NULL);
    spec.test_split = 0.9;  /* 2 rows: nothing left to train on */
    EXPECT_FAIL(&spec, AB_ERR_ARG, "c.csv", "test split");
    spec.test_split = 1.5;
    EXPECT_FAIL(&spec, AB_ERR_ARG, "data.test_split", "1.5");
    spec.test_split = 0.2;
    write_file("c.csv", "1,2\0,3\n", 7, 0);
    EXPECT_FAIL(&spec, AB_ERR_FORMAT, "c.csv", "NUL");
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void test_fashion_mnist(void)
{
    if (access(AB_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0) {
        printf("skip: %s is not installed\n", AB_FASHION_MNIST_DIR);
        return;
    }
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    ab_dataset d;
    double t0 = seconds();
    if (!LOAD_OK(&d, &spec)) return;
    printf("fashion-mnist loaded in %.3f s (not checked)\n", seconds() - t0);
    CHECK(d.train.n == 60000 && d.val.n == 0 && d.test.n == 10000, "fashion-mnist counts");
    CHECK(d.features == 784 && d.c == 1 && d.h == 28 && d.w == 28 && d.classes == 10,
          "fashion-mnist shape");
    long outside = 0, counts[10] = {0};
    float hi = 0.0f;
    for (long i = 0; i < (d.train.n + d.test.n) * 784L; i++) {
        float v = i < d.train.n * 784L ? d.train.x[i] : d.test.x[i - d.train.n * 784L];
        outside += !(v >= 0.0f && v <= 1.0f);
        if (v > hi) hi = v;
    }
    for (long i = 0; i < d.train.n; i++) counts[d.train.y[i]]++;
    CHECK(outside == 0 && hi == 1.0f, "values in [0, 1]: %ld outside, largest %g", outside, hi);
    CHECK(counts[0] == 6000 && counts[9] == 6000, "6000 training images per class");
    ab_data_free(&d);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/ab_test_data_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_names();
    test_idx();
    test_idx_bytes();
    test_idx_errors();
    test_cifar();
    test_csv();
    test_csv_errors();
    test_fashion_mnist();
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    return check_done("test_data");
}
