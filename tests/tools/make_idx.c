/* make_idx.c: writes a small synthetic image data set as IDX files (the
 * 'idx' data set of actbench) for the command-line tests.
 * usage: make_idx DIR N_TRAIN N_TEST C H W
 * DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte: images of bytes with
 * 3 dimensions (n, H, W) when C is 1, 4 (n, C, H, W) when C > 1, and 2
 * (n, W) when C and H are 0 (flat examples). Three classes, cycling 0, 1, 2:
 * a bright horizontal bar, a vertical bar, or a bright square, at a place
 * and over a noise floor drawn from a fixed generator, so every call with
 * the same arguments writes the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t state = 12345;
static uint32_t next(void)
{
    state = state * 1664525u + 1013904223u;
    return state >> 8;
}

static int put_header(FILE *f, int ndim, const int *dims)
{
    unsigned char b[4] = {0, 0, 8, (unsigned char)ndim};
    if (fwrite(b, 1, 4, f) != 4) return -1;
    for (int i = 0; i < ndim; i++) {
        unsigned d = (unsigned)dims[i];
        unsigned char be[4] = {(unsigned char)(d >> 24), (unsigned char)(d >> 16), (unsigned char)(d >> 8),
                               (unsigned char)d};
        if (fwrite(be, 1, 4, f) != 4) return -1;
    }
    return 0;
}

static int write_set(const char *dir, const char *prefix, int n, int c, int h, int w)
{
    char path[4096];
    int flat = c == 0 && h == 0;
    int cc = flat ? 1 : c, hh = flat ? 1 : h;
    int dims[4] = {n, 0, 0, 0}, ndim;
    if (flat) ndim = 2, dims[1] = w;
    else if (c == 1) ndim = 3, dims[1] = h, dims[2] = w;
    else ndim = 4, dims[1] = c, dims[2] = h, dims[3] = w;
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, prefix);
    FILE *fi = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, prefix);
    FILE *fl = fopen(path, "wb");
    int one[1] = {n};
    int bad = !fi || !fl || put_header(fi, ndim, dims) || put_header(fl, 1, one);
    unsigned char *img = malloc((size_t)cc * hh * w);
    for (int i = 0; !bad && img && i < n; i++) {
        unsigned char label = (unsigned char)(i % 3);
        int r = (int)(next() % (unsigned)hh), col = (int)(next() % (unsigned)w);
        for (int k = 0; k < cc; k++)
            for (int y = 0; y < hh; y++)
                for (int x = 0; x < w; x++) {
                    int on = label == 0 ? y == r : label == 1 ? x == col
                                                              : abs(y - r) <= 1 && abs(x - col) <= 1;
                    img[((size_t)k * hh + y) * w + x] = (unsigned char)(on ? 200 + next() % 56 : next() % 60);
                }
        bad = fwrite(img, 1, (size_t)cc * hh * w, fi) != (size_t)cc * hh * w || fwrite(&label, 1, 1, fl) != 1;
    }
    free(img);
    if (fi && fclose(fi)) bad = 1;
    if (fl && fclose(fl)) bad = 1;
    return bad || !img ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fputs("usage: make_idx DIR N_TRAIN N_TEST C H W\n", stderr);
        return 2;
    }
    int n_train = atoi(argv[2]), n_test = atoi(argv[3]), c = atoi(argv[4]), h = atoi(argv[5]), w = atoi(argv[6]);
    if (n_train < 1 || n_test < 1 || w < 1 || c < 0 || h < 0 || (c == 0) != (h == 0)) {
        fputs("make_idx: need N_TRAIN, N_TEST, W >= 1 and C, H both >= 1 or both 0\n", stderr);
        return 2;
    }
    if (write_set(argv[1], "train", n_train, c, h, w) || write_set(argv[1], "t10k", n_test, c, h, w)) {
        perror("make_idx");
        return 1;
    }
    return 0;
}
