/* dense_layer.c: the fully connected layer, forward and backward through
 * ab_gemm. W is (out, in) like PyTorch's Linear, batch-major buffers. */
#include "layer.h"
#include "blas.h"

void ab_dense_forward(float *y, const float *x, const float *W, const float *b,
                      int B, int in, int out)
{
    /* y(B,out) = b broadcast, then y += x(B,in) W(out,in)^T */
    for (int i = 0; i < B; i++) {
        float *yr = y + (long)i * out;
        for (int j = 0; j < out; j++) yr[j] = b[j];
    }
    ab_gemm(0, 1, B, out, in, 1.0f, x, in, W, in, 1.0f, y, out);
}

/* dW = beta dW + dy^T x, db likewise, dx = dy W (set) */
static void backward(float *dx, float *dW, float *db, const float *dy, const float *x,
                     const float *W, int B, int in, int out, float beta)
{
    /* dW(out,in) = beta dW + dy(B,out)^T x(B,in) */
    ab_gemm(1, 0, out, in, B, 1.0f, dy, out, x, in, beta, dW, in);
    /* db(out) = beta db + the sum over the batch of dy */
    if (beta == 0.0f)
        for (int j = 0; j < out; j++) db[j] = 0.0f;
    for (int i = 0; i < B; i++) {
        const float *dyr = dy + (long)i * out;
        for (int j = 0; j < out; j++) db[j] += dyr[j];
    }
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
