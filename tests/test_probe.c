/* test_probe.c: the dead-unit probe on a hand-built 2-3-2-2 network whose
 * weights decide which units have z <= 0 on every probe example: dead
 * counts and fractions, units that died or came back (one of them revived
 * only by a change in the layer below), the negative fraction and the mean
 * and standard deviation (population) of each layer's outputs, against a
 * direct double computation; for relu, leaky_relu and rrelu (evaluation
 * slope); revival events against distinct revived units. Also
 * ab_net_evaluate against ab_net_forward + ab_net_loss. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/core/probe.h"
#include "support/check.h"
#include "support/gradcheck.h"

enum { NX = 6, IN = 2, H0 = 3, H1 = 2, CLS = 2 };
#define STAT_TOL 1e-6 /* statistics vs the direct computation, absolute */

/* Probe examples, all coordinates positive, some with x0 > x1, some not. */
static const float X[NX * IN] = {0.5f, 1.0f, 1.5f, 0.7f, 0.9f, 0.9f,
                                 1.2f, 0.6f, 0.8f, 1.4f, 1.0f, 0.55f};

/* The weights of the three dense layers. */
typedef struct {
    float W0[H0 * IN], b0[H0];
    float W1[H1 * H0], b1[H1];
    float W2[CLS * H1], b2[CLS];
} hand_params;

static void set_dense(ab_net *net, int layer, const float *W, const float *b)
{
    const ab_layer *l = &net->layers[layer];
    size_t nw = (size_t)l->out_size * l->in_size;
    memcpy(net->params + l->param_off, W, nw * sizeof *W);
    memcpy(net->params + l->param_off + nw, b, (size_t)l->out_size * sizeof *b);
}

static void set_params(ab_net *net, const hand_params *p)
{
    set_dense(net, 0, p->W0, p->b0);
    set_dense(net, 2, p->W1, p->b1);
    set_dense(net, 4, p->W2, p->b2);
}

/* The probe's numbers for one layer, computed directly in double. */
typedef struct {
    int dead;
    unsigned char alive[H0];
    double neg, mean, std;
} layer_want;

static double act(const ab_act_spec *a, double z)
{
    if (z > 0) return z;
    if (a->kind == AB_ACT_RELU) return 0.0;
    if (a->kind == AB_ACT_RRELU) return ab_act_rrelu_eval_slope(a) * z; /* paper: 2/(3+8) */
    return a->alpha * z;
}

/* Forward of one layer over all examples: out(NX, n_out) = act(in W^T + b). */
static void direct_layer(double *out, layer_want *w, const double *in, int n_in, const float *W,
                         const float *b, int n_out, const ab_act_spec *a)
{
    long neg = 0;
    double sum = 0.0, sumsq = 0.0;
    memset(w, 0, sizeof *w);
    for (int i = 0; i < NX; i++)
        for (int j = 0; j < n_out; j++) {
            double z = b[j];
            for (int k = 0; k < n_in; k++) z += in[i * n_in + k] * W[j * n_in + k];
            double y = act(a, z);
            out[i * n_out + j] = y;
            if (z > 0) w->alive[j] = 1;
            else neg++;
            sum += y;
            sumsq += y * y;
        }
    for (int j = 0; j < n_out; j++) w->dead += !w->alive[j];
    double cnt = (double)NX * n_out;
    w->neg = neg / cnt;
    w->mean = sum / cnt;
    w->std = sqrt(sumsq / cnt - w->mean * w->mean);
}

static void check_layer(const char *what, const ab_probe *p, int h, const layer_want *w,
                        int units, int died, int revived)
{
    const ab_layer_probe *r = &p->layers[h];
    CHECK(r->units == units, "%s layer %d: units %d", what, h, r->units);
    CHECK(r->dead == w->dead, "%s layer %d: dead %d, want %d", what, h, r->dead, w->dead);
    CHECK(fabs(r->dead_fraction - (double)w->dead / units) < 1e-12,
          "%s layer %d: dead fraction %g", what, h, r->dead_fraction);
    CHECK(r->died == died && r->revived == revived, "%s layer %d: died %d revived %d, want %d %d",
          what, h, r->died, r->revived, died, revived);
    CHECK(memcmp(p->alive + p->offset[h], w->alive, (size_t)units) == 0,
          "%s layer %d: per-unit alive flags", what, h);
    char label[128];
    double err = fmax(fabs(r->negative_fraction - w->neg),
                      fmax(fabs(r->output_mean - w->mean), fabs(r->output_std - w->std)));
    snprintf(label, sizeof label, "%s layer %d: negative fraction, output mean, std", what, h);
    check_error(label, err, STAT_TOL);
}

static void direct_probe(layer_want *w0, layer_want *w1, const hand_params *p,
                         const ab_act_spec *a)
{
    double x[NX * IN], y0[NX * H0], y1[NX * H1];
    for (int i = 0; i < NX * IN; i++) x[i] = X[i];
    direct_layer(y0, w0, x, IN, p->W0, p->b0, H0, a);
    direct_layer(y1, w1, y0, H0, p->W1, p->b1, H1, a);
}

static void check_probe(ab_act_spec a)
{
    static const int hidden[2] = {H0, H1};
    ab_model_spec spec = gc_model(IN, hidden, 2, CLS, a);
    ab_net net;
    gc_build(&net, &spec, 4, 121, 122); /* max_batch 4 < 6: two batches */
    /* layer 0: unit 0 sees x0 + x1 > 0 (alive), unit 1 -(x0 + x1) (dead),
     *          unit 2 x0 - x1 (both signs);
     * layer 1: unit 0 = y1 - 0.5 where y1 is dead unit 1's output (dead for
     *          relu, y1 <= 0 for the leaky kinds), unit 1 = y0 + y2 + 0.1 > 0 */
    hand_params p = {
        .W0 = {1, 1, -1, -1, 1, -1}, .b0 = {0, 0, 0},
        .W1 = {0, 1, 0, 1, 0, 1}, .b1 = {-0.5f, 0.1f},
        .W2 = {1, -1, -1, 1}, .b2 = {0, 0},
    };
    set_params(&net, &p);
    ab_probe pr;
    ab_error err = {{0}};
    if (ab_probe_init(&pr, &net, &err) != AB_OK) {
        CHECK(0, "ab_probe_init: %s", err.msg);
        ab_net_free(&net);
        return;
    }
    char what[64];
    snprintf(what, sizeof what, "%s, first probe", ab_act_name(a.kind));
    net.training = 1;
    ab_probe_measure(&pr, &net, X, NX);
    CHECK(net.training == 1, "%s: training mode restored", what);
    CHECK(pr.n_hidden == 2 && pr.measured, "%s: n_hidden %d measured %d", what, pr.n_hidden,
          pr.measured);
    layer_want w0, w1;
    direct_probe(&w0, &w1, &p, &a);
    CHECK(w0.dead == 1 && w1.dead == 1, "the hand-built net has one dead unit per layer");
    check_layer(what, &pr, 0, &w0, H0, 0, 0);
    check_layer(what, &pr, 1, &w1, H1, 0, 0);

    /* layer 0: unit 0 now dies, unit 1 comes back (2 (x0 + x1) >= 2); so
     * layer 1 unit 0 = y1 - 0.5 >= 1.5 comes back with its weights unchanged */
    static const float W0b[H0 * IN] = {-1, -1, 2, 2, 1, -1};
    memcpy(p.W0, W0b, sizeof W0b);
    set_params(&net, &p);
    snprintf(what, sizeof what, "%s, second probe", ab_act_name(a.kind));
    net.training = 0;
    ab_probe_measure(&pr, &net, X, NX);
    CHECK(net.training == 0, "%s: evaluation mode restored", what);
    direct_probe(&w0, &w1, &p, &a);
    CHECK(w0.dead == 1 && w1.dead == 0, "the changed net: one dead unit in layer 0, none in 1");
    check_layer(what, &pr, 0, &w0, H0, 1, 1);
    check_layer(what, &pr, 1, &w1, H1, 0, 1);

    /* a third probe of the same net: nothing died or came back */
    snprintf(what, sizeof what, "%s, third probe", ab_act_name(a.kind));
    ab_probe_measure(&pr, &net, X, NX);
    check_layer(what, &pr, 0, &w0, H0, 0, 0);
    check_layer(what, &pr, 1, &w1, H1, 0, 0);
    ab_probe_free(&pr);
    ab_net_free(&net);
}

/* revived_units_total counts distinct units, revived counts events: layer
 * 0 unit 0 dies and comes back twice, unit 1 once, unit 2 never. Units are
 * switched off and on through their bias (all probe inputs are positive and
 * at most 1.5, so a bias of -10 with weights (1, 1) kills a unit). */
static void check_revived_total(void)
{
    static const int hidden[2] = {H0, H1};
    ab_model_spec spec = gc_model(IN, hidden, 2, CLS, ab_act_default(AB_ACT_RELU));
    ab_net net;
    gc_build(&net, &spec, 4, 141, 142);
    hand_params p = {
        .W0 = {1, 1, 1, 1, 1, 1}, .b0 = {0, 0, 0},
        .W1 = {1, 1, 1, 1, 1, 1}, .b1 = {0, 0},
        .W2 = {1, -1, -1, 1}, .b2 = {0, 0},
    };
    /* bias of units 0 and 1 at probes 1..6: 0 alive, -10 dead */
    static const float b0[6][2] = {{0, 0}, {-10, -10}, {0, 0}, {-10, 0}, {0, 0}, {0, 0}};
    static const int want_revived[6] = {0, 0, 2, 0, 1, 0}, want_total[6] = {0, 0, 2, 2, 2, 2};
    ab_probe pr;
    ab_error err = {{0}};
    if (ab_probe_init(&pr, &net, &err) != AB_OK) {
        CHECK(0, "ab_probe_init: %s", err.msg);
        ab_net_free(&net);
        return;
    }
    int events = 0;
    for (int k = 0; k < 6; k++) {
        p.b0[0] = b0[k][0];
        p.b0[1] = b0[k][1];
        set_params(&net, &p);
        ab_probe_measure(&pr, &net, X, NX);
        events += pr.layers[0].revived;
        CHECK(pr.layers[0].revived == want_revived[k] && pr.layers[0].revived_units_total == want_total[k],
              "probe %d: revived %d (want %d), revived_units_total %d (want %d)", k + 1, pr.layers[0].revived,
              want_revived[k], pr.layers[0].revived_units_total, want_total[k]);
        CHECK(pr.layers[1].revived_units_total == 0, "probe %d: layer 1 never revived", k + 1);
    }
    CHECK(events == 3, "3 revival events over the run, 2 distinct units (%d events)", events);
    ab_probe_free(&pr);
    ab_net_free(&net);
}

/* ab_net_evaluate (batches of max_batch, evaluation mode) vs ab_net_forward
 * + ab_net_loss chunk by chunk with training = 0. */
static void check_evaluate(ab_act_kind kind)
{
    enum { EN = 10, EB = 4 };
    static const int hidden[1] = {5};
    ab_model_spec spec = gc_model(IN, hidden, 1, 3, ab_act_default(kind));
    ab_net net;
    gc_build(&net, &spec, EB, 131, 132);
    ab_rng r;
    ab_rng_seed(&r, 133, "evaluate");
    float x[EN * IN];
    int32_t y[EN];
    gc_fill_uniform(x, EN * IN, &r, -2, 2);
    for (int i = 0; i < EN; i++) y[i] = (int32_t)ab_rng_below(&r, 3);
    net.training = 1;
    double loss, acc;
    ab_net_evaluate(&net, x, y, EN, &loss, &acc);
    CHECK(net.training == 1, "ab_net_evaluate restores training mode");
    net.training = 0;
    double want_loss = 0.0;
    int hits = 0;
    for (int s = 0; s < EN; s += EB) {
        int B = EN - s < EB ? EN - s : EB, correct = 0;
        ab_net_forward(&net, x + s * IN, B);
        want_loss += ab_net_loss(&net, y + s, B, &correct) * B / EN;
        hits += correct;
    }
    char label[96];
    snprintf(label, sizeof label, "ab_net_evaluate (%s) loss and accuracy vs forward + loss",
             ab_act_name(kind));
    check_error(label, fmax(fabs(loss - want_loss), fabs(acc - (double)hits / EN)), 1e-9);
    ab_net_free(&net);
}

int main(void)
{
    check_probe(ab_act_default(AB_ACT_RELU));
    ab_act_spec leaky = ab_act_default(AB_ACT_LEAKY_RELU);
    leaky.alpha = 0.1f;
    check_probe(leaky);
    check_probe(ab_act_default(AB_ACT_RRELU));
    check_revived_total();
    check_evaluate(AB_ACT_RELU);
    check_evaluate(AB_ACT_RRELU);
    return check_done("test_probe");
}
