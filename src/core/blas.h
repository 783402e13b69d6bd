/* blas.h: the one door to matrix products. ab_gemm calls the BLAS backend
 * the build chose (`make`: OpenBLAS's cblas_sgemm; `make BLAS=onednn`:
 * oneDNN's dnnl_sgemm); ab_gemm_naive is the plain triple loop the tests
 * check it against. Row-major: C(M,N) = alpha * op(A)(M,K) * op(B)(K,N) + beta * C. */
#ifndef AB_BLAS_H
#define AB_BLAS_H

void ab_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha,
             const float *A, int lda, const float *B, int ldb, float beta,
             float *C, int ldc);
void ab_gemm_naive(int trans_a, int trans_b, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta,
                   float *C, int ldc);
/* Threads of later ab_gemm calls in this process. With oneDNN it sets the
 * OpenMP thread count: call it in the worker, after fork(), never in a
 * parent that forks (an OpenMP thread pool does not survive fork()). */
void ab_blas_set_threads(int n);
/* The backend's short name: "openblas" or "onednn" (make's BLAS=). */
const char *ab_blas_backend(void);
/* The backend, its version and build into buf: "OpenBLAS 0.3.21 ... (core
 * Haswell)" or "oneDNN 2.6.3 (isa avx512_core_amx, OpenMP)". Starts no
 * thread: safe in a parent that forks. */
void ab_blas_describe(char *buf, int len);
/* 1 when OpenBLAS chose a kernel without AVX2 (its generic Prescott
 * kernels, for a processor it does not know) on a processor that has
 * AVX2: 3-4 times slower than its Haswell kernels. The kernel's name goes
 * into core. Always 0 for oneDNN, which picks its kernels from cpuid. */
int ab_blas_slow_kernels(char *core, int len);
/* 1 when an OpenBLAS kernel named core has no AVX2 (the rule of
 * ab_blas_slow_kernels, apart from the processor). */
int ab_blas_core_lacks_avx2(const char *core);

#endif
