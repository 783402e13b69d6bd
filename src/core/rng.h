/* rng.h: explicit pseudo-random generator state (xoshiro256**, seeded with
 * splitmix64). Every random draw in actbench goes through an ab_rng that is
 * seeded from the run's seed and a stream name: never the clock, the process
 * id or rand(). */
#ifndef AB_RNG_H
#define AB_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} ab_rng;

/* Seed from a 64-bit seed and a stream label, so that independent uses of
 * one run seed ("init", "shuffle", "rrelu", ...) get independent streams. */
void ab_rng_seed(ab_rng *r, uint64_t seed, const char *stream);
uint64_t ab_rng_next(ab_rng *r);                 /* 64 random bits */
double ab_rng_uniform(ab_rng *r);                /* U[0, 1), 53 bits */
float ab_rng_uniformf(ab_rng *r, float lo, float hi); /* U[lo, hi) */
double ab_rng_normal(ab_rng *r);                 /* N(0, 1), Box-Muller, no cache */
uint64_t ab_rng_below(ab_rng *r, uint64_t n);    /* uniform in [0, n), unbiased */
void ab_rng_permutation(ab_rng *r, int *out, int n); /* Fisher-Yates of 0..n-1 */
uint64_t ab_hash64(const void *data, unsigned long len, uint64_t h); /* FNV-1a 64 */

#endif
