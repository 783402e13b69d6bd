/* file_io.c: reads plain or gzip-compressed files through zlib for the data
 * loaders (gzopen reads a plain file as it is). Owns no data; every message
 * starts with the path. */
#include "data_internal.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GZ_BUFFER (1u << 20)   /* zlib's input buffer: large reads, few syscalls */
#define GZ_CHUNK (1u << 30)    /* gzread takes an unsigned int length */
#define GZ_MAX_RATIO 1032      /* deflate expands a byte to at most this many */

int ab_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

ab_status ab_file_find(char *path, size_t size, const char *dir, const char *name, ab_error *err)
{
    snprintf(path, size, "%s/%s", dir, name);
    if (ab_file_exists(path)) return AB_OK;
    snprintf(path, size, "%s/%s.gz", dir, name);
    if (ab_file_exists(path)) return AB_OK;
    return ab_fail(err, AB_ERR_IO, "%s/%s: no such file (nor %s.gz)", dir, name, name);
}

ab_status ab_file_open(gzFile *f, const char *path, ab_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return ab_fail(err, AB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ab_fail(err, AB_ERR_IO, "%s: not a regular file", path);
    errno = 0;
    *f = gzopen(path, "rb");
    if (!*f)
        return ab_fail(err, errno ? AB_ERR_IO : AB_ERR_NOMEM, "%s: cannot open: %s", path,
                       errno ? strerror(errno) : "out of memory");
    gzbuffer(*f, GZ_BUFFER);
    return AB_OK;
}

/* The fault behind a short or failed read: zlib's message, or truncation. */
static ab_status read_fault(gzFile f, size_t got, size_t want, const char *path, const char *what,
                            ab_error *err)
{
    int code = Z_OK;
    const char *msg = gzerror(f, &code);
    if (code == Z_ERRNO)
        return ab_fail(err, AB_ERR_IO, "%s: read error: %s", path, strerror(errno));
    if (code != Z_OK && code != Z_BUF_ERROR)
        return ab_fail(err, AB_ERR_FORMAT, "%s: corrupt gzip data (%s) in %s", path, msg, what);
    if (got >= want)
        return ab_fail(err, AB_ERR_FORMAT, "%s: truncated gzip data (%s)", path, msg);
    return ab_fail(err, AB_ERR_FORMAT, "%s: truncated: %s needs %zu bytes, only %zu left", path,
                   what, want, got);
}

ab_status ab_file_read(gzFile f, void *buf, size_t n, const char *path, const char *what,
                       ab_error *err)
{
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < GZ_CHUNK ? n - done : GZ_CHUNK;
        int got = gzread(f, (char *)buf + done, (unsigned)want);
        if (got < 0) return read_fault(f, done, n, path, what, err);
        done += (size_t)got;
        if ((size_t)got < want) return read_fault(f, done, n, path, what, err);
    }
    return AB_OK;
}

ab_status ab_file_check_size(gzFile f, const char *path, size_t offset, size_t need, const char *what,
                             ab_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return AB_OK; /* the read says what is wrong */
    size_t size = (size_t)st.st_size;
    if (gzdirect(f)) {
        size_t left = size > offset ? size - offset : 0;
        if (need > left)
            return ab_fail(err, AB_ERR_FORMAT, "%s: truncated: %s needs %zu bytes, only %zu left", path, what,
                           need, left);
    } else if (need / GZ_MAX_RATIO > size) {
        return ab_fail(err, AB_ERR_FORMAT, "%s: truncated: %s needs %zu bytes, more than a %zu-byte gzip file "
                       "can hold", path, what, need, size);
    }
    return AB_OK;
}

ab_status ab_file_expect_end(gzFile f, const char *path, ab_error *err)
{
    char extra;
    int got = gzread(f, &extra, 1);
    if (got < 0) return read_fault(f, 0, 0, path, "the end of the file", err);
    if (got > 0) return ab_fail(err, AB_ERR_FORMAT, "%s: unexpected bytes after the data", path);
    return AB_OK;
}

ab_status ab_file_read_all(const char *path, char **buf, size_t *size, ab_error *err)
{
    *buf = NULL;
    *size = 0;
    gzFile f;
    ab_status st = ab_file_open(&f, path, err);
    if (st != AB_OK) return st;
    struct stat info;
    size_t cap = stat(path, &info) == 0 && info.st_size > 0 ? (size_t)info.st_size + 1 : 4096;
    size_t len = 0;
    char *data = NULL;
    for (;;) {
        if (!data || len + 1 >= cap) {
            if (data) cap *= 2;
            char *grown = realloc(data, cap);
            if (!grown) {
                st = ab_fail(err, AB_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, cap);
                break;
            }
            data = grown;
        }
        size_t want = cap - 1 - len < GZ_CHUNK ? cap - 1 - len : GZ_CHUNK;
        int got = gzread(f, data + len, (unsigned)want);
        if (got < 0) {
            st = read_fault(f, len, len, path, "the file", err);
            break;
        }
        len += (size_t)got;
        if ((size_t)got < want) {
            int code = Z_OK;
            gzerror(f, &code);
            if (code != Z_OK) st = read_fault(f, len, len, path, "the file", err);
            break;
        }
    }
    gzclose(f);
    if (st != AB_OK) {
        free(data);
        return st;
    }
    data[len] = '\0';
    *buf = data;
    *size = len;
    return AB_OK;
}
