/* checkpoint.c: the checkpoint file's header, checksum and atomic write
 * (checkpoint.h). The layout, all integers in the writer's byte order:
 *   0  "ACTBCKPT"          magic
 *   8  u32 format          AB_CKPT_FORMAT
 *  12  u32 0x01020304      byte order
 *  16  u32 crc32           of every byte from offset 20 to the end
 *  20  u64 length          of the whole file
 *  28  u32 epoch, u32 epochs, u32 in_epoch
 *  40  u32 n, identity(n); u32 n, run_id(n)
 *      the payload, to the end. */
#include "checkpoint.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "../core/blas.h"
#include "result_dir.h"
#include "source_id.h"

static const char MAGIC[8] = {'A', 'C', 'T', 'B', 'C', 'K', 'P', 'T'};
#define BYTE_ORDER_MARK 0x01020304u
#define FIXED 40

void ab_ckpt_path(char *buf, size_t size, const char *ckpt_dir, const char *run_id)
{
    snprintf(buf, size, "%s/%s.ckpt", ckpt_dir, run_id);
}

void ab_ckpt_tmpname(char *buf, size_t size, const char *ckpt_dir, const char *run_id, long pid)
{
    char host[256] = "host";
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "host");
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == '/') *c = '_';
    snprintf(buf, size, "%s/.%s.ckpt.%s.%ld.tmp", ckpt_dir, run_id, host, pid);
}

void ab_ckpt_identity(char *buf, size_t size, const char *version)
{
    char blas[200];
    ab_blas_describe(blas, sizeof blas);
    snprintf(buf, size, "actbench %s (source %s), %s", version, ab_source_id(), blas);
}

static uint32_t checksum(const unsigned char *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n > 0) { /* crc32 takes a uInt length */
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of a directory, so that a rename in it is on disk. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc == 0 || errno == EINVAL ? 0 : -1; /* some file systems cannot sync a directory */
}

ab_status ab_ckpt_write(const char *ckpt_dir, const ab_ckpt_header *h, const void *payload, size_t len,
                        ab_error *err)
{
    char path[4200], tmp[4200];
    ab_ckpt_path(path, sizeof path, ckpt_dir, h->run_id);
    ab_ckpt_tmpname(tmp, sizeof tmp, ckpt_dir, h->run_id, (long)getpid());
    uint32_t nid = (uint32_t)strnlen(h->identity, sizeof h->identity);
    uint32_t nrun = (uint32_t)strnlen(h->run_id, sizeof h->run_id);
    size_t head = FIXED + 4 + nid + 4 + nrun;
    size_t total = head + len;
    unsigned char *buf = malloc(head);
    if (!buf) return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for the checkpoint", path);
    memcpy(buf, MAGIC, 8);
    put32(buf + 8, AB_CKPT_FORMAT);
    put32(buf + 12, BYTE_ORDER_MARK);
    uint64_t total64 = total;
    memcpy(buf + 20, &total64, 8);
    put32(buf + 28, h->epoch);
    put32(buf + 32, h->epochs);
    put32(buf + 36, h->in_epoch);
    put32(buf + FIXED, nid);
    memcpy(buf + FIXED + 4, h->identity, nid);
    put32(buf + FIXED + 4 + nid, nrun);
    memcpy(buf + FIXED + 8 + nid, h->run_id, nrun);
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, buf + 20, (uInt)(head - 20));
    uint32_t crc = (uint32_t)crc32_combine(c, checksum(payload, len), (z_off_t)len);
    put32(buf + 16, crc);

    if (ab_mkdir_p(ckpt_dir) != 0) {
        int e = errno;
        free(buf);
        return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", ckpt_dir, strerror(e));
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(buf);
        return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", tmp, strerror(e));
    }
    int ok = write_all(fd, buf, head) == 0 && write_all(fd, payload, len) == 0;
    free(buf);
    ok = fsync(fd) == 0 && ok;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0 || sync_dir(ckpt_dir) != 0) {
        int e = errno;
        unlink(tmp);
        return ab_fail(err, AB_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return AB_OK;
}

/* A string field of the header: n bytes at p[at + 4], no NUL among them. */
static int get_string(const unsigned char *p, size_t len, size_t *at, char *out, size_t size)
{
    if (len - *at < 4) return -1;
    uint32_t n = get32(p + *at);
    if (n >= size || len - *at - 4 < n || memchr(p + *at + 4, '\0', n)) return -1;
    memcpy(out, p + *at + 4, n);
    out[n] = '\0';
    *at += 4 + n;
    return 0;
}

ab_status ab_ckpt_parse(const unsigned char *buf, size_t len, ab_ckpt_header *h,
                        const unsigned char **payload, size_t *plen, ab_error *err)
{
    memset(h, 0, sizeof *h);
    if (len < FIXED || memcmp(buf, MAGIC, 8))
        return ab_fail(err, AB_ERR_FORMAT, len < 8 ? "too short to be a checkpoint (%zu bytes)"
                                                   : "not a checkpoint (no ACTBCKPT magic number; %zu bytes)", len);
    h->format = get32(buf + 8);
    if (get32(buf + 12) != BYTE_ORDER_MARK)
        return ab_fail(err, AB_ERR_FORMAT, "written on a machine of another byte order");
    if (h->format != AB_CKPT_FORMAT)
        return ab_fail(err, AB_ERR_FORMAT, "format version %u, this actbench reads %u", h->format, AB_CKPT_FORMAT);
    uint64_t total;
    memcpy(&total, buf + 20, 8);
    if (total != len)
        return ab_fail(err, AB_ERR_FORMAT, "truncated or extended: %zu bytes, its header says %llu", len,
                       (unsigned long long)total);
    uint32_t want = get32(buf + 16), got = checksum(buf + 20, len - 20);
    if (want != got) return ab_fail(err, AB_ERR_FORMAT, "wrong checksum (crc32 %08x, its header says %08x)", got, want);
    h->epoch = get32(buf + 28);
    h->epochs = get32(buf + 32);
    h->in_epoch = get32(buf + 36);
    size_t at = FIXED;
    if (get_string(buf, len, &at, h->identity, sizeof h->identity) != 0 ||
        get_string(buf, len, &at, h->run_id, sizeof h->run_id) != 0)
        return ab_fail(err, AB_ERR_FORMAT, "its header's identity or run ID is malformed");
    if (h->in_epoch > 1 || h->epoch >= h->epochs)
        return ab_fail(err, AB_ERR_FORMAT, "its header says epoch %u of %u%s", h->epoch, h->epochs,
                       h->in_epoch > 1 ? " with a bad in-epoch flag" : "");
    *payload = buf + at;
    *plen = len - at;
    return AB_OK;
}

ab_status ab_ckpt_read(const char *path, unsigned char **buf, ab_ckpt_header *h,
                       const unsigned char **payload, size_t *plen, int *missing, ab_error *err)
{
    *buf = NULL;
    *missing = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *missing = errno == ENOENT;
        return ab_fail(err, AB_ERR_IO, "cannot open: %s", strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ab_fail(err, AB_ERR_IO, "not a regular file");
    }
    size_t len = (size_t)st.st_size, got = 0;
    unsigned char *b = malloc(len ? len : 1);
    if (!b) {
        close(fd);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory reading it (%zu bytes)", len);
    }
    while (got < len) {
        ssize_t r = read(fd, b + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    ab_status s = ab_ckpt_parse(b, got, h, payload, plen, err);
    if (s != AB_OK) {
        free(b);
        return s;
    }
    *buf = b;
    return AB_OK;
}

ab_status ab_ckpt_peek(const char *path, ab_ckpt_header *h)
{
    unsigned char *buf;
    const unsigned char *payload;
    size_t plen;
    int missing;
    ab_status st = ab_ckpt_read(path, &buf, h, &payload, &plen, &missing, NULL);
    free(buf);
    return st;
}

static void *writer_main(void *arg)
{
    ab_ckpt_writer *w = arg;
    sigset_t all; /* the run's signals are for the training thread */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    w->st = ab_ckpt_write(w->dir, &w->h, w->payload, w->len, &w->err);
    return NULL;
}

ab_status ab_ckpt_writer_wait(ab_ckpt_writer *w, ab_error *err)
{
    if (!w->busy) return AB_OK;
    pthread_join(w->thread, NULL);
    w->busy = 0;
    free(w->payload);
    w->payload = NULL;
    if (w->st != AB_OK) ab_fail(err, w->st, "%s", w->err.msg);
    return w->st;
}

ab_status ab_ckpt_writer_start(ab_ckpt_writer *w, const char *ckpt_dir, const ab_ckpt_header *h,
                               unsigned char *payload, size_t len, ab_error *err)
{
    ab_status before = ab_ckpt_writer_wait(w, err);
    snprintf(w->dir, sizeof w->dir, "%s", ckpt_dir);
    w->h = *h;
    w->payload = payload;
    w->len = len;
    w->st = AB_OK;
    memset(&w->err, 0, sizeof w->err);
    /* the thread is born with its creator's name: "ckpt-writer" from its
     * first instant, so that it is never taken for a BLAS thread */
    char name[16] = "";
    pthread_getname_np(pthread_self(), name, sizeof name);
    pthread_setname_np(pthread_self(), "ckpt-writer");
    int made = pthread_create(&w->thread, NULL, writer_main, w) == 0;
    pthread_setname_np(pthread_self(), name);
    if (made) {
        w->busy = 1;
        return before;
    }
    ab_error e = {{0}};
    ab_status now = ab_ckpt_write(ckpt_dir, h, payload, len, &e);
    free(payload);
    w->payload = NULL;
    if (now != AB_OK && before == AB_OK) {
        ab_fail(err, now, "%s", e.msg);
        return now;
    }
    return before;
}
