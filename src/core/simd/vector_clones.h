/* vector_clones.h: AB_VECTOR_CLONES, put on the functions whose
 * elementwise loops run in every training step (optimiser updates,
 * activations, bias broadcast and bias gradient; the zeroing of im2col and
 * the portable row copies of portable.c). GCC compiles such a
 * function once per instruction set listed and the loader picks the widest
 * the processor has, so that a portable binary (no -march) still runs
 * those loops 8 or 16 floats at a time. Every clone computes the same bits:
 * each element gets the same IEEE operations in the same order, only more
 * elements per instruction (no FMA contraction: the Makefile passes
 * -ffp-contract=off; no reassociation of sums: no -ffast-math). Elsewhere
 * than GCC on x86-64 (clang's fuzz build) it is nothing. */
#ifndef AB_VECTOR_CLONES_H
#define AB_VECTOR_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(AB_NO_CLONES)
#define AB_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define AB_VECTOR_CLONES
#endif

#endif
