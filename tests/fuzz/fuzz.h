/* fuzz.h: what the fuzz harnesses of tests/fuzz share. Each fuzz_NAME.c
 * defines LLVMFuzzerTestOneInput, which libFuzzer calls (make fuzz, built
 * with clang -fsanitize=fuzzer,address,undefined) and which replay.c calls
 * on each file of a corpus (make test, built with gcc's sanitizers). An
 * input reaches the library the way a user's file does: written to a file
 * in a private temporary directory, then read through the public API. */
#ifndef AB_FUZZ_H
#define AB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's temporary directory (made on first use, removed at exit),
 * emptied: each input starts from nothing. */
const char *fuzz_dir(void);
/* dir/name (a subdirectory "runs/x.json" is made as needed) holding
 * data[0..n), gzip-compressed when gz. Returns the full path (static). */
const char *fuzz_write(const char *name, const void *data, size_t n, int gz);

/* Splits data at each FUZZ_SEP into at most max parts. */
#define FUZZ_SEP "-8<-"
typedef struct {
    const uint8_t *p;
    size_t n;
} fuzz_part;
int fuzz_split(const uint8_t *data, size_t size, fuzz_part *parts, int max);

#endif
