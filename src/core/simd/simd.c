/* simd.c: the tables of processor-specific kernels (simd.h) and the choice
 * among them, made once, on the first call of ab_simd(). */
#include "simd.h"
#include "kernels.h"

static const ab_simd_kernels portable = {
    "portable", ab_copy_rows_portable, ab_bytes_to_floats_portable, ab_act_pool_plane_portable,
    ab_act_pool_back_plane_portable,
};

#ifdef AB_SIMD_X86
static const ab_simd_kernels sse2 = {
    "sse2", ab_copy_rows_portable, ab_bytes_to_floats_portable, ab_act_pool_plane_sse2,
    ab_act_pool_back_plane_sse2,
};

static const ab_simd_kernels avx512 = {
    "avx512f", ab_copy_rows_avx512, ab_bytes_to_floats_avx512, ab_act_pool_plane_avx512,
    ab_act_pool_back_plane_sse2,
};
#endif

int ab_simd_tables(const ab_simd_kernels **out, int cap)
{
    int n = 0;
    if (n < cap) out[n++] = &portable;
#ifdef AB_SIMD_X86
    if (n < cap) out[n++] = &sse2; /* every x86-64 processor has SSE2 */
    if (n < cap && __builtin_cpu_supports("avx512f")) out[n++] = &avx512;
#endif
    return n;
}

static const ab_simd_kernels *chosen;

const ab_simd_kernels *ab_simd(void)
{
    if (!chosen) { /* the last table is the widest the processor runs */
        const ab_simd_kernels *t[3];
        chosen = t[ab_simd_tables(t, 3) - 1];
    }
    return chosen;
}

void ab_simd_use(const ab_simd_kernels *k) { chosen = k; }
