/* blas.h: the one door to matrix products. ab_gemm calls cblas_sgemm;
 * ab_gemm_naive is the plain triple loop the tests check it against.
 * Row-major: C(M,N) = alpha * op(A)(M,K) * op(B)(K,N) + beta * C. */
#ifndef AB_BLAS_H
#define AB_BLAS_H

void ab_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha,
             const float *A, int lda, const float *B, int ldb, float beta,
             float *C, int ldc);
void ab_gemm_naive(int trans_a, int trans_b, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta,
                   float *C, int ldc);
void ab_blas_set_threads(int n);
/* "OpenBLAS 0.3.21 ..." into buf. */
void ab_blas_describe(char *buf, int len);

#endif
