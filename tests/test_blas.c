/* test_blas.c: ab_gemm (the build's backend: OpenBLAS, or oneDNN with
 * `make BLAS=onednn`; make test runs this binary for both) against
 * ab_gemm_naive (a double-precision triple loop) for all four transpose
 * combinations, non-square shapes (the MLP's among them), alpha and beta
 * other than 0 and 1, and leading dimensions wider than the matrices. The
 * padding beyond each row of C must be left untouched. The same product
 * must come out bit-identical again, and wherever its operands sit in
 * memory (the runs of a sweep must not depend on the heap's layout). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/blas.h"
#include "support/check.h"
#include "support/gradcheck.h"

/* largest |blas - naive| / (|alpha| |op(A)| |op(B)| + |beta| |C|), the
 * bound of float rounding in any summation order: n u (n up to K + 2, u =
 * 6e-8) at worst, far less in practice; a wrong element is of order 1 */
#define TOL 1e-6
#define PAD 3    /* extra columns in every leading dimension */

static double gemm_case(int ta, int tb, int M, int N, int K, float alpha, float beta, ab_rng *r)
{
    /* stored shapes: A is (M,K) or (K,M) when transposed, B is (K,N) or (N,K) */
    int a_rows = ta ? K : M, a_cols = ta ? M : K;
    int b_rows = tb ? N : K, b_cols = tb ? K : N;
    int lda = a_cols + PAD, ldb = b_cols + PAD, ldc = N + PAD;
    float *A = gc_floats((long)a_rows * lda), *B = gc_floats((long)b_rows * ldb);
    float *C1 = gc_floats((long)M * ldc), *C2 = gc_floats((long)M * ldc);
    float *Aa = gc_floats((long)a_rows * lda), *Ba = gc_floats((long)b_rows * ldb);
    float *scale = gc_floats((long)M * ldc);
    gc_fill_uniform(A, (long)a_rows * lda, r, -1, 1);
    gc_fill_uniform(B, (long)b_rows * ldb, r, -1, 1);
    gc_fill_uniform(C1, (long)M * ldc, r, -1, 1);
    memcpy(C2, C1, sizeof(float) * (size_t)M * ldc);
    for (long i = 0; i < (long)a_rows * lda; i++) Aa[i] = fabsf(A[i]);
    for (long i = 0; i < (long)b_rows * ldb; i++) Ba[i] = fabsf(B[i]);
    for (long i = 0; i < (long)M * ldc; i++) scale[i] = fabsf(C1[i]);
    ab_gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C1, ldc);
    ab_gemm_naive(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C2, ldc);
    ab_gemm_naive(ta, tb, M, N, K, fabsf(alpha), Aa, lda, Ba, ldb, fabsf(beta), scale, ldc);
    double worst = 0.0;
    int pad_ok = 1;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < ldc; j++) {
            float a = C1[(long)i * ldc + j], b = C2[(long)i * ldc + j];
            if (j >= N) {
                if (a != b) pad_ok = 0; /* both must keep the original value */
                continue;
            }
            double d = fabs((double)a - b) / ((double)scale[(long)i * ldc + j] + 1e-30);
            if (isnan(d)) d = INFINITY;
            if (d > worst) worst = d;
        }
    CHECK(pad_ok, "gemm ta=%d tb=%d leaves the padding columns of C alone", ta, tb);
    free(A); free(B); free(C1); free(C2); free(Aa); free(Ba); free(scale);
    return worst;
}

/* The naive loop itself, on a 2x3 by 3x2 product worked out by hand. */
static void check_naive_by_hand(void)
{
    const float A[6] = {1, 2, 3, 4, 5, 6};   /* (2,3) */
    const float B[6] = {7, 8, 9, 10, 11, 12}; /* (3,2) */
    float C[4] = {1, 1, 1, 1};
    /* A B = [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]]
     *     = [[58, 64], [139, 154]]; 0.5 A B + 2 C = [[31, 34], [71.5, 79]] */
    ab_gemm_naive(0, 0, 2, 2, 3, 0.5f, A, 3, B, 2, 2.0f, C, 2);
    const float want[4] = {31, 34, 71.5f, 79};
    check_error("ab_gemm_naive vs hand-worked 2x3 * 3x2", gc_max_abs_diff(C, want, 4), 0.0);
    float C2[4] = {1, 1, 1, 1};
    ab_gemm(0, 0, 2, 2, 3, 0.5f, A, 3, B, 2, 2.0f, C2, 2);
    check_error("ab_gemm vs hand-worked 2x3 * 3x2", gc_max_abs_diff(C2, want, 4), 1e-5);
}

/* C = A B^T for the dense forward shape (B,out,in), computed from copies of
 * A, B and C shifted by 0..15 floats: every result must equal the first. */
static void check_alignment_independence(int M, int N, int K, ab_rng *r)
{
    enum { SHIFTS = 16 };
    float *A = gc_floats((long)M * K + SHIFTS), *B = gc_floats((long)N * K + SHIFTS);
    float *C0 = gc_floats((long)M * N + SHIFTS), *C = gc_floats((long)M * N + SHIFTS);
    float *want = gc_floats((long)M * N);
    gc_fill_uniform(A, (long)M * K, r, -1, 1);
    gc_fill_uniform(B, (long)N * K, r, -1, 1);
    gc_fill_uniform(C0, (long)M * N, r, -1, 1);
    memcpy(want, C0, sizeof(float) * (size_t)M * N);
    ab_gemm(0, 1, M, N, K, 1.0f, A, K, B, K, 1.0f, want, N);
    int same = 1, shift_bad = -1;
    for (int s = 0; s < SHIFTS && same; s++) {
        memmove(A + s, A + (s ? s - 1 : 0), sizeof(float) * (size_t)M * K);
        memmove(B + s, B + (s ? s - 1 : 0), sizeof(float) * (size_t)N * K);
        memcpy(C + s, C0, sizeof(float) * (size_t)M * N);
        ab_gemm(0, 1, M, N, K, 1.0f, A + s, K, B + s, K, 1.0f, C + s, N);
        if (memcmp(C + s, want, sizeof(float) * (size_t)M * N) != 0) same = 0, shift_bad = s;
    }
    CHECK(same, "gemm %dx%dx%d: bit-identical at every offset (differs at a shift of %d floats)", M, N,
          K, shift_bad);
    free(A); free(B); free(C0); free(C); free(want);
}

int main(void)
{
    /* small and odd shapes, then the 784-300-100-10 MLP's forward (B,out,in)
     * at batch 32 and a partial last batch of 96 */
    static const int shapes[][3] = {{1, 1, 1},     {3, 5, 7},    {17, 4, 9},    {8, 33, 2},
                                    {64, 50, 70},  {32, 300, 784}, {96, 100, 300}, {32, 10, 100}};
    static const float ab[][2] = {{1.0f, 0.0f}, {0.7f, -1.3f}, {-2.0f, 1.0f}};
    ab_rng r;
    ab_rng_seed(&r, 61, "blas");
    check_naive_by_hand();
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            double worst = 0.0;
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                for (size_t k = 0; k < sizeof ab / sizeof ab[0]; k++) {
                    double e = gemm_case(ta, tb, shapes[s][0], shapes[s][1], shapes[s][2],
                                         ab[k][0], ab[k][1], &r);
                    if (e > worst) worst = e;
                }
            char label[96];
            snprintf(label, sizeof label, "ab_gemm vs naive, trans_a=%d trans_b=%d (relative)", ta,
                     tb);
            check_error(label, worst, TOL);
        }
    /* beta = 0 must ignore C even when it holds NaN */
    float A[4] = {1, 2, 3, 4}, B[4] = {1, 0, 0, 1}, C[4] = {NAN, NAN, NAN, NAN};
    ab_gemm(0, 0, 2, 2, 2, 1.0f, A, 2, B, 2, 0.0f, C, 2);
    check_error("ab_gemm beta=0 overwrites a NaN C", gc_max_abs_diff(C, A, 4), 0.0);
    /* the training step's shapes, the same product twice and at any offset */
    check_alignment_independence(128, 300, 784, &r);
    check_alignment_independence(96, 100, 300, &r);
    check_alignment_independence(5, 10, 100, &r);
    /* the description names the backend and a version "X.Y" */
    char desc[256];
    ab_blas_describe(desc, sizeof desc);
    const char *name = strcmp(ab_blas_backend(), "onednn") == 0 ? "oneDNN " : "OpenBLAS ";
    int major = -1, minor = -1;
    CHECK(strncmp(desc, name, strlen(name)) == 0 &&
              sscanf(desc + strlen(name), "%d.%d", &major, &minor) == 2 && major >= 0 && minor >= 0,
          "ab_blas_describe of backend %s: \"%s\" (want \"%sX.Y ...\")", ab_blas_backend(), desc, name);
    /* the slow-kernel warning's rule: OpenBLAS's generic kernels lack AVX2,
     * its Haswell, Zen and SkylakeX kernels do not */
    CHECK(ab_blas_core_lacks_avx2("Prescott"), "Prescott counted as an AVX2 kernel");
    CHECK(ab_blas_core_lacks_avx2("Sandybridge"), "Sandybridge counted as an AVX2 kernel");
    CHECK(!ab_blas_core_lacks_avx2("Haswell") && !ab_blas_core_lacks_avx2("SkylakeX") &&
              !ab_blas_core_lacks_avx2("Zen") && !ab_blas_core_lacks_avx2("HASWELL"),
          "an AVX2 kernel counted as generic");
    char core[64] = "unset";
    int slow = ab_blas_slow_kernels(core, sizeof core);
    if (!strcmp(ab_blas_backend(), "onednn")) CHECK(!slow && !core[0], "oneDNN reported slow kernels '%s'", core);
    else CHECK(core[0] && strcmp(core, "unset") && slow == (__builtin_cpu_supports("avx2") && ab_blas_core_lacks_avx2(core)),
               "ab_blas_slow_kernels: %d for core '%s'", slow, core);
    return check_done("test_blas");
}
