/* test_dense.c: finite-difference gradient checks of the dense layer
 * (W, b, x; backward adds into dW and db, backward_set sets them), of softmax cross-entropy w.r.t.
 * the logits, and of a whole network (5-4-3 hidden, 3 classes) through
 * ab_net_forward + ab_net_loss + ab_net_backward for every activation,
 * PReLU alphas included. Central differences with step 1e-3 in float32;
 * relative error |a-b| / max(1e-3, |a|+|b|). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/layer.h"
#include "../src/core/loss.h"
#include "../src/core/network.h"
#include "support/check.h"
#include "support/gradcheck.h"

#define EPS 1e-3f
#define TOL 1e-2
#define NET_EPS 1e-2f /* whole network: a larger step, above the float32 noise of the loss */

/* ---- dense layer, L = sum w * y ---- */

enum { DB = 5, DIN = 4, DOUT = 3 };

typedef struct {
    float *x, *W, *b, *y, *w;
} dense_case;

static double dense_loss(void *ctx)
{
    dense_case *c = ctx;
    ab_dense_forward(c->y, c->x, c->W, c->b, DB, DIN, DOUT);
    return gc_dot(c->w, c->y, DB * DOUT);
}

static void check_dense(void)
{
    ab_rng r;
    ab_rng_seed(&r, 31, "dense");
    dense_case c;
    c.x = gc_floats(DB * DIN);
    c.W = gc_floats(DOUT * DIN);
    c.b = gc_floats(DOUT);
    c.y = gc_floats(DB * DOUT);
    c.w = gc_floats(DB * DOUT);
    gc_fill_uniform(c.x, DB * DIN, &r, -1, 1);
    gc_fill_uniform(c.W, DOUT * DIN, &r, -1, 1);
    gc_fill_uniform(c.b, DOUT, &r, -1, 1);
    gc_fill_uniform(c.w, DB * DOUT, &r, -1, 1);

    /* forward vs a direct double loop */
    dense_loss(&c);
    double worst = 0.0;
    for (int i = 0; i < DB; i++)
        for (int o = 0; o < DOUT; o++) {
            double want = c.b[o];
            for (int k = 0; k < DIN; k++) want += (double)c.x[i * DIN + k] * c.W[o * DIN + k];
            double d = fabs(c.y[i * DOUT + o] - want);
            if (d > worst) worst = d;
        }
    check_error("dense forward vs direct loop (absolute)", worst, 1e-6);

    float *dW = gc_floats(DOUT * DIN), *db = gc_floats(DOUT), *dx = gc_floats(DB * DIN);
    float *num = gc_floats(DOUT * DIN);
    ab_dense_backward(dx, dW, db, c.w, c.x, c.W, DB, DIN, DOUT);
    gc_numeric_grad(num, c.W, DOUT * DIN, EPS, dense_loss, &c);
    check_error("dense dL/dW vs finite differences", check_max_rel_err(dW, num, DOUT * DIN), TOL);
    gc_numeric_grad(num, c.b, DOUT, EPS, dense_loss, &c);
    check_error("dense dL/db vs finite differences", check_max_rel_err(db, num, DOUT), TOL);
    float *numx = gc_floats(DB * DIN);
    gc_numeric_grad(numx, c.x, DB * DIN, EPS, dense_loss, &c);
    check_error("dense dL/dx vs finite differences", check_max_rel_err(dx, numx, DB * DIN), TOL);

    /* a second backward adds into dW and db (doubling them), and sets dx */
    float *dW2 = gc_floats(DOUT * DIN), *db2 = gc_floats(DOUT), *dx2 = gc_floats(DB * DIN);
    memcpy(dW2, dW, sizeof(float) * DOUT * DIN);
    memcpy(db2, db, sizeof(float) * DOUT);
    memcpy(dx2, dx, sizeof(float) * DB * DIN);
    ab_dense_backward(dx2, dW2, db2, c.w, c.x, c.W, DB, DIN, DOUT);
    for (int i = 0; i < DOUT * DIN; i++) dW[i] *= 2.0f;
    for (int i = 0; i < DOUT; i++) db[i] *= 2.0f;
    check_error("dense backward twice: dW doubles", check_max_rel_err(dW, dW2, DOUT * DIN), 1e-6);
    check_error("dense backward twice: db doubles", check_max_rel_err(db, db2, DOUT), 1e-6);
    check_error("dense backward twice: dx is set, not added",
                check_max_rel_err(dx, dx2, DB * DIN), 1e-6);
    /* dx may be NULL (first layer): dW and db still accumulate (now 3x once) */
    ab_dense_backward(NULL, dW2, db2, c.w, c.x, c.W, DB, DIN, DOUT);
    for (int i = 0; i < DOUT * DIN; i++) dW[i] *= 1.5f;
    for (int i = 0; i < DOUT; i++) db[i] *= 1.5f;
    check_error("dense backward with dx NULL: dW triples", check_max_rel_err(dW, dW2, DOUT * DIN), 1e-6);
    check_error("dense backward with dx NULL: db triples", check_max_rel_err(db, db2, DOUT), 1e-6);
    /* ab_dense_backward_set: over NaN-filled dW and db it gives what
     * ab_dense_backward adds into zeros, bit for bit */
    float *dW3 = gc_floats(DOUT * DIN), *db3 = gc_floats(DOUT);
    memset(dW2, 0, sizeof(float) * DOUT * DIN);
    memset(db2, 0, sizeof(float) * DOUT);
    for (int i = 0; i < DOUT * DIN; i++) dW3[i] = NAN;
    for (int i = 0; i < DOUT; i++) db3[i] = NAN;
    ab_dense_backward(dx, dW2, db2, c.w, c.x, c.W, DB, DIN, DOUT);
    ab_dense_backward_set(dx2, dW3, db3, c.w, c.x, c.W, DB, DIN, DOUT);
    CHECK(memcmp(dW2, dW3, sizeof(float) * DOUT * DIN) == 0 && memcmp(db2, db3, sizeof(float) * DOUT) == 0 &&
              memcmp(dx, dx2, sizeof(float) * DB * DIN) == 0,
          "dense backward_set over NaN = backward added into zeros, bit for bit");
    free(dW3); free(db3);
    free(c.x); free(c.W); free(c.b); free(c.y); free(c.w);
    free(dW); free(db); free(dx); free(num); free(numx); free(dW2); free(db2); free(dx2);
}

/* ---- softmax cross-entropy ---- */

enum { XB = 4, XC = 5 };

typedef struct {
    float *logits, *probs;
    const int32_t *labels;
} xent_case;

static double xent_loss(void *ctx)
{
    xent_case *c = ctx;
    return ab_xent_forward(c->probs, c->logits, c->labels, XB, XC, NULL);
}

static void check_xent(void)
{
    ab_rng r;
    ab_rng_seed(&r, 41, "xent");
    static const int32_t labels[XB] = {0, 3, 4, 3};
    xent_case c = {gc_floats(XB * XC), gc_floats(XB * XC), labels};
    gc_fill_uniform(c.logits, XB * XC, &r, -2, 2);
    int correct = -1;
    double loss = ab_xent_forward(c.probs, c.logits, labels, XB, XC, &correct);

    /* loss, probs and the argmax count vs a direct double computation */
    double want = 0.0, worst = 0.0;
    int want_correct = 0;
    for (int i = 0; i < XB; i++) {
        const float *l = c.logits + i * XC;
        double mx = l[0], z = 0.0;
        int arg = 0;
        for (int k = 1; k < XC; k++)
            if (l[k] > mx) mx = l[k], arg = k;
        for (int k = 0; k < XC; k++) z += exp(l[k] - mx);
        for (int k = 0; k < XC; k++) {
            double d = fabs(c.probs[i * XC + k] - exp(l[k] - mx) / z);
            if (d > worst) worst = d;
        }
        want -= (l[labels[i]] - mx - log(z)) / XB;
        want_correct += arg == labels[i];
    }
    check_error("softmax probs vs direct computation (absolute)", worst, 1e-6);
    check_close("cross-entropy mean loss vs direct computation", loss, want, 1e-6);
    CHECK(correct == want_correct, "correct %d, want %d", correct, want_correct);

    float *dl = gc_floats(XB * XC), *num = gc_floats(XB * XC);
    ab_xent_backward(dl, c.probs, labels, XB, XC, 1.0f / XB);
    gc_numeric_grad(num, c.logits, XB * XC, EPS, xent_loss, &c);
    check_error("cross-entropy dL/dlogits (scale 1/B) vs finite differences",
                check_max_rel_err(dl, num, XB * XC), TOL);

    /* huge logits stay finite */
    for (int i = 0; i < XB * XC; i++) c.logits[i] = (i % XC) * 1000.0f;
    loss = ab_xent_forward(c.probs, c.logits, labels, XB, XC, NULL);
    CHECK(isfinite(loss), "loss with logits up to 4000 is finite (%g)", loss);
    /* labels 0, 3, 4, 3: losses 4000, 1000, 0, 1000 -> mean 1500 */
    check_close("cross-entropy with logits 0..4000", loss, 1500.0, 1e-3);
    free(c.logits); free(c.probs); free(dl); free(num);
}

/* ---- the whole network ---- */

enum { NB = 4, NIN = 5, NCLS = 3 };

typedef struct {
    ab_net *net;
    const float *x;
    const int32_t *y;
    ab_rng rrelu0;  /* the rrelu generator state every forward starts from */
} net_case;

static double net_loss(void *ctx)
{
    net_case *c = ctx;
    int correct;
    c->net->rrelu_rng = c->rrelu0;
    ab_net_forward(c->net, c->x, NB);
    return ab_net_loss(c->net, c->y, NB, &correct);
}

static void check_net(const char *name, ab_act_spec act, int training)
{
    static const int hidden[2] = {4, 3};
    static const int32_t y[NB] = {0, 2, 1, 2};
    ab_model_spec spec = gc_model(NIN, hidden, 2, NCLS, act);
    ab_net net;
    gc_build(&net, &spec, NB, 51, 52);
    net.training = training;
    ab_rng r;
    ab_rng_seed(&r, 53, "net-x");
    float x[NB * NIN];
    gc_fill_uniform(x, NB * NIN, &r, -1.5f, 1.5f);
    /* biases start at 0: give them values so every term is exercised */
    for (int l = 0; l < net.n_layers; l++) {
        ab_layer *L = &net.layers[l];
        if (L->kind != AB_LAYER_DENSE) continue;
        gc_fill_uniform(net.params + L->param_off + (size_t)L->in_size * L->out_size,
                        L->out_size, &r, -0.3f, 0.3f);
    }
    net_case c = {&net, x, y, net.rrelu_rng};

    ab_net_zero_grads(&net);
    net_loss(&c);
    ab_net_backward(&net, x, y, NB);
    float *num = gc_floats((long)net.n_params);
    gc_numeric_grad(num, net.params, (long)net.n_params, NET_EPS, net_loss, &c);
    char label[128];
    snprintf(label, sizeof label, "network 5-4-3-3 %s: all %zu parameter gradients", name,
             net.n_params);
    check_error(label, check_max_rel_err(net.grads, num, (long)net.n_params), TOL);

    /* backward adds into net->grads */
    float *g1 = gc_floats((long)net.n_params);
    memcpy(g1, net.grads, net.n_params * sizeof *g1);
    net_loss(&c);
    ab_net_backward(&net, x, y, NB);
    for (size_t i = 0; i < net.n_params; i++) g1[i] *= 2.0f;
    snprintf(label, sizeof label, "network %s: backward twice doubles net->grads", name);
    check_error(label, check_max_rel_err(g1, net.grads, (long)net.n_params), 1e-6);

    /* a training step (at lr 0) over NaN gradients: the gradients of zero +
     * forward + backward, bit for bit (its dense layers set theirs), and
     * each hidden layer's sum of squared weight gradients */
    ab_net_zero_grads(&net);
    net_loss(&c);
    ab_net_backward(&net, x, y, NB);
    memcpy(g1, net.grads, net.n_params * sizeof *g1);
    for (size_t i = 0; i < net.n_params; i++) net.grads[i] = NAN;
    ab_optim opt;
    ab_optim_spec os = ab_optim_default(AB_OPT_SGD);
    ab_error err = {{0}};
    ab_optim_init(&opt, &os, net.n_params, &err);
    net.rrelu_rng = c.rrelu0;
    int correct;
    ab_net_train_step(&net, &opt, 0.0f, x, y, NB, &correct);
    snprintf(label, sizeof label, "network %s: a training step's gradients are backward's", name);
    CHECK(memcmp(g1, net.grads, net.n_params * sizeof *g1) == 0, "%s", label);
    double worst = 0.0;
    for (int h = 0; h < net.n_hidden; h++) {
        size_t nw;
        const float *gw = ab_net_hidden_weight_grads(&net, h, &nw);
        double want = 0.0;
        for (size_t i = 0; i < nw; i++) want += (double)gw[i] * gw[i];
        worst = fmax(worst, fabs(ab_net_hidden_weight_grad_sq(&net, h) - want) / fmax(want, 1e-30));
    }
    snprintf(label, sizeof label, "network %s: the step's squared weight-gradient sums (relative)", name);
    check_error(label, worst, 1e-6);
    ab_optim_free(&opt);
    free(num);
    free(g1);
    ab_net_free(&net);
}

int main(void)
{
    check_dense();
    check_xent();
    gc_each_act_variant(check_net); /* rrelu training: slopes replayed */
    return check_done("test_dense");
}
