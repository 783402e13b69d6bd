/* rng.c: xoshiro256** with splitmix64 seeding, and the draws built on it. */
#include "rng.h"
#include <math.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t ab_hash64(const void *data, unsigned long len, uint64_t h)
{
    const unsigned char *p = data;
    if (h == 0) h = 0xcbf29ce484222325ULL;
    for (unsigned long i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

void ab_rng_seed(ab_rng *r, uint64_t seed, const char *stream)
{
    uint64_t x = seed ^ ab_hash64(stream ? stream : "", stream ? strlen(stream) : 0, 0);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t ab_rng_next(ab_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double ab_rng_uniform(ab_rng *r) { return (double)(ab_rng_next(r) >> 11) * 0x1.0p-53; }

float ab_rng_uniformf(ab_rng *r, float lo, float hi)
{
    /* 24 random bits give every float in [0,1) on a uniform grid */
    float u = (float)(ab_rng_next(r) >> 40) * 0x1.0p-24f;
    return lo + (hi - lo) * u;
}

double ab_rng_normal(ab_rng *r)
{
    double u1 = 1.0 - ab_rng_uniform(r); /* (0, 1] so log is finite */
    double u2 = ab_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

uint64_t ab_rng_below(ab_rng *r, uint64_t n)
{
    if (n == 0) return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = ab_rng_next(r); while (x >= limit);
    return x % n;
}

void ab_rng_permutation(ab_rng *r, int *out, int n)
{
    for (int i = 0; i < n; i++) out[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)ab_rng_below(r, (uint64_t)i + 1);
        int t = out[i]; out[i] = out[j]; out[j] = t;
    }
}
