/* failmalloc.c: an LD_PRELOAD library that makes one allocation fail, to
 * check that every allocation failure ends in a message and a clean exit,
 * never a NULL dereference (tests/test_alloc.sh). FAILMALLOC_N=k makes the
 * k-th call of malloc, calloc, realloc (with a size) or aligned_alloc in
 * the process return NULL; FAILMALLOC_COUNT=1 prints "failmalloc: N
 * allocations" to stderr at exit. glibc's own strdup, fopen and printf
 * allocate through these, so they fail too. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

static long calls, fail_at = -1;
static int count, ready;

static void report(void)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "failmalloc: %ld allocations\n", calls);
    if (write(2, buf, (size_t)n) < 0) return;
}

static void setup(void)
{
    ready = 1;
    const char *n = getenv("FAILMALLOC_N"), *c = getenv("FAILMALLOC_COUNT");
    if (n) fail_at = atol(n);
    if (c && *c == '1') {
        count = 1;
        atexit(report);
    }
}

static int fails(void)
{
    if (!ready) setup();
    if (++calls != fail_at) return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size) { return fails() ? NULL : __libc_malloc(size); }
void *calloc(size_t n, size_t size) { return fails() ? NULL : __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { return size && fails() ? NULL : __libc_realloc(p, size); }
void *aligned_alloc(size_t align, size_t size) { return fails() ? NULL : __libc_memalign(align, size); }
