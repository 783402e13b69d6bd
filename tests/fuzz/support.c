/* support.c: the temporary directory and file writing of the fuzz
 * harnesses (fuzz.h). A failure of its own (the harness cannot set up the
 * input; under tests/test_alloc.sh, an allocation made to fail) exits
 * with status 3, which is no finding about the library. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "fuzz.h"

static char dir[256];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag;
    if (ftw->level > 0) remove(path);
    return 0;
}

static void empty_dir(void) { nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS); }

static void remove_dir(void)
{
    empty_dir();
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (!dir[0]) {
        const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(dir, sizeof dir, "%s/actbench-fuzz-XXXXXX", base);
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            _exit(3);
        }
        atexit(remove_dir);
    } else {
        empty_dir();
    }
    return dir;
}

const char *fuzz_write(const char *name, const void *data, size_t n, int gz)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *slash = strrchr(path, '/');
    *slash = 0;
    mkdir(path, 0700);
    *slash = '/';
    if (gz) {
        gzFile f = gzopen(path, "wb1");
        if (!f || (n && gzwrite(f, data, (unsigned)n) != (int)n) || gzclose(f) != Z_OK) {
            perror(path);
            _exit(3);
        }
    } else {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
            perror(path);
            _exit(3);
        }
    }
    return path;
}

int fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, int max)
{
    size_t sep = strlen(FUZZ_SEP);
    int k = 0;
    const uint8_t *p = data, *end = data + size;
    while (k < max) {
        const uint8_t *at = k == max - 1 ? NULL : memmem(p, (size_t)(end - p), FUZZ_SEP, sep);
        parts[k].p = p;
        parts[k].n = at ? (size_t)(at - p) : (size_t)(end - p);
        k++;
        if (!at) break;
        p = at + sep;
    }
    return k;
}
