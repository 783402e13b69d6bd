/* state.h: a run's training state as bytes, for checkpoints. The core fills
 * and reads memory only: ab_state_out counts (buf NULL) or writes into a
 * buffer the caller sized by counting first; ab_state_in reads with bounds
 * checks and remembers the first short read. Values are in the machine's
 * own byte order (the checkpoint file's header says which). No I/O. */
#ifndef AB_STATE_H
#define AB_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

typedef struct {
    unsigned char *buf; /* NULL: only count */
    size_t len;         /* bytes put so far */
} ab_state_out;

typedef struct {
    const unsigned char *buf;
    size_t len, pos;
    int short_read;     /* 1 once a read asked for more than was left */
} ab_state_in;

void ab_state_put(ab_state_out *o, const void *src, size_t n);
void ab_state_put_u64(ab_state_out *o, uint64_t v);
void ab_state_put_f64(ab_state_out *o, double v);
/* Reads n bytes into dst; 0, or -1 (dst zeroed, short_read set) when fewer are left. */
int ab_state_get(ab_state_in *in, void *dst, size_t n);
uint64_t ab_state_get_u64(ab_state_in *in);
double ab_state_get_f64(ab_state_in *in);
/* Reads a u64 and checks that it equals want; fails with err naming what
 * (e.g. "parameters") and both values. */
ab_status ab_state_expect(ab_state_in *in, uint64_t want, const char *what, ab_error *err);

#endif
