/* dense_layer.c: the fully connected layer, forward and backward through
 * ab_gemm. W is (out, in) like PyTorch's Linear, batch-major buffers. */
#include "layer.h"
#include "blas.h"
#include "simd/vector_clones.h"

/* y(B,out) = b(out) in every row */
AB_VECTOR_CLONES static void broadcast_rows(float *restrict y, const float *restrict b, int B, int out)
{
    for (int i = 0; i < B; i++) {
        float *yr = y + (long)i * out;
        for (int j = 0; j < out; j++) yr[j] = b[j];
    }
}

/* db(out) = the sum over the rows of dy(B,out), in row order, added to db
 * (set when beta is 0) */
AB_VECTOR_CLONES static void sum_rows(float *restrict db, const float *restrict dy, int B, int out,
                                      float beta)
{
    if (beta == 0.0f)
        for (int j = 0; j < out; j++) db[j] = 0.0f;
    for (int i = 0; i < B; i++) {
        const float *dyr = dy + (long)i * out;
        for (int j = 0; j < out; j++) db[j] += dyr[j];
    }
}

void ab_dense_forward(float *y, const float *x, const float *W, const float *b,
                      int B, int in, int out)
{
    /* y(B,out) = b broadcast, then y += x(B,in) W(out,in)^T */
    broadcast_rows(y, b, B, out);
    ab_gemm(0, 1, B, out, in, 1.0f, x, in, W, in, 1.0f, y, out);
}

/* dW = beta dW + dy^T x, db likewise, dx = dy W (set) */
static void backward(float *dx, float *dW, float *db, const float *dy, const float *x,
                     const float *W, int B, int in, int out, float beta)
{
    /* dW(out,in) = beta dW + dy(B,out)^T x(B,in) */
    ab_gemm(1, 0, out, in, B, 1.0f, dy, out, x, in, beta, dW, in);
    /* db(out) = beta db + the sum over the batch of dy */
    sum_rows(db, dy, B, out, beta);
    /* dx(B,in) = dy(B,out) W(out,in) */
    if (dx) ab_gemm(0, 0, B, in, out, 1.0f, dy, out, W, in, 0.0f, dx, in);
}

void ab_dense_backward(float *dx, float *dW, float *db, const float *dy,
                       const float *x, const float *W, int B, int in, int out)
{
    backward(dx, dW, db, dy, x, W, B, in, out, 1.0f);
}

void ab_dense_backward_set(float *dx, float *dW, float *db, const float *dy,
                           const float *x, const float *W, int B, int in, int out)
{
    backward(dx, dW, db, dy, x, W, B, in, out, 0.0f);
}
