/* blas.c: ab_gemm over the backend chosen at build time (AB_BLAS_ONEDNN:
 * oneDNN's dnnl_sgemm; otherwise OpenBLAS's cblas_sgemm), and a naive
 * reference. Both backends are row-major sgemm with the same arguments. */
#include "blas.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

int ab_blas_core_lacks_avx2(const char *core)
{
    /* OpenBLAS's x86-64 kernels that use AVX2 or AVX-512 */
    static const char *const AVX2[] = {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids", "Excavator"};
    for (size_t i = 0; i < sizeof AVX2 / sizeof AVX2[0]; i++)
        if (!strcasecmp(core, AVX2[i])) return 0;
    return 1;
}

#ifdef AB_BLAS_ONEDNN
#include <dnnl.h>
#include <omp.h>

void ab_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha,
             const float *A, int lda, const float *B, int ldb, float beta,
             float *C, int ldc)
{
    /* fails only on arguments the callers never pass (test_blas covers them) */
    (void)dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb,
                     beta, C, ldc);
}

/* oneDNN's OpenMP runtime takes its thread count from OpenMP; setting it
 * starts no thread (the pool starts at the first parallel gemm). */
void ab_blas_set_threads(int n) { omp_set_num_threads(n); }

const char *ab_blas_backend(void) { return "onednn"; }

int ab_blas_slow_kernels(char *core, int len)
{
    snprintf(core, (size_t)len, "%s", "");
    return 0;
}

static const char *isa_name(dnnl_cpu_isa_t isa)
{
    switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
    }
}

void ab_blas_describe(char *buf, int len)
{
    /* a static version record and a cpuid query: no OpenMP */
    const dnnl_version_t *v = dnnl_version();
    snprintf(buf, (size_t)len, "oneDNN %d.%d.%d (isa %s, OpenMP)", v->major, v->minor, v->patch,
             isa_name(dnnl_get_effective_cpu_isa()));
}

#else
#include <cblas.h>

void ab_gemm(int trans_a, int trans_b, int M, int N, int K, float alpha,
             const float *A, int lda, const float *B, int ldb, float beta,
             float *C, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb,
                beta, C, ldc);
}

void ab_blas_set_threads(int n) { openblas_set_num_threads(n); }

const char *ab_blas_backend(void) { return "openblas"; }

int ab_blas_slow_kernels(char *core, int len)
{
    snprintf(core, (size_t)len, "%s", openblas_get_corename());
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && ab_blas_core_lacks_avx2(core);
}

/* openblas_get_config() starts with "OpenBLAS 0.3.21" */
void ab_blas_describe(char *buf, int len)
{
    snprintf(buf, (size_t)len, "%s (core %s)", openblas_get_config(), openblas_get_corename());
}
#endif

void ab_gemm_naive(int trans_a, int trans_b, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta,
                   float *C, int ldc)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double acc = 0.0;
            for (int k = 0; k < K; k++) {
                float a = trans_a ? A[(long)k * lda + i] : A[(long)i * lda + k];
                float b = trans_b ? B[(long)j * ldb + k] : B[(long)k * ldb + j];
                acc += (double)a * b;
            }
            float *c = &C[(long)i * ldc + j];
            *c = (float)(alpha * acc + (beta == 0.0f ? 0.0 : (double)beta * *c));
        }
}
