/* kernels.h: the kernels of each table of simd.c, inside src/core/simd
 * only. AB_SIMD_X86: the build has the x86-64 intrinsics files (GCC or
 * clang on x86-64, unless AB_NO_CLONES). */
#ifndef AB_SIMD_KERNELS_H
#define AB_SIMD_KERNELS_H

#include <stdint.h>

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(AB_NO_CLONES)
#define AB_SIMD_X86 1
#endif

/* portable.c */
void ab_copy_rows_portable(float *dst, long dstep, const float *src, long sstep, int rows, int n);
void ab_bytes_to_floats_portable(float *dst, const uint8_t *src, const float *table, int F);
void ab_act_pool_plane_portable(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                                int relu, float s);
void ab_act_pool_back_plane_portable(float *dzp, const float *dyp, const int32_t *ap,
                                     const float *yp, int H, int W, int oh, int ow, int relu,
                                     float s);

#ifdef AB_SIMD_X86
/* x86_sse2.c */
void ab_act_pool_plane_sse2(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                            int relu, float s);
void ab_act_pool_back_plane_sse2(float *dzp, const float *dyp, const int32_t *ap, const float *yp,
                                 int H, int W, int oh, int ow, int relu, float s);
/* x86_avx512.c */
void ab_copy_rows_avx512(float *dst, long dstep, const float *src, long sstep, int rows, int n);
void ab_bytes_to_floats_avx512(float *dst, const uint8_t *src, const float *table, int F);
void ab_act_pool_plane_avx512(float *yp, int32_t *ap, const float *zp, int W, int oh, int ow,
                              int relu, float s);
#endif

#endif
