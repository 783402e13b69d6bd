/* probe.c: dead units and activation statistics of the hidden layers
 * (every dense and conv layer with an activation; a conv layer's unit is its
 * channel, dead when its pre-activation is <= 0 at every position of every
 * probe example) on a probe set, measured in evaluation mode; and evaluation of loss and
 * accuracy. Per-unit flags are kept between measurements so that units that
 * died or came back can be counted, and which units ever came back. */
#include "probe.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

ab_status ab_probe_init(ab_probe *p, const ab_net *net, ab_error *err)
{
    memset(p, 0, sizeof *p);
    int H = net->n_hidden;
    size_t units = 0;
    for (int h = 0; h < H; h++) units += (size_t)ab_net_hidden_units(net, h);
    p->n_hidden = H;
    p->alive = calloc(units + 1, 1);
    p->prev = calloc(units + 1, 1);
    p->ever_revived = calloc(units + 1, 1);
    p->offset = calloc((size_t)H + 1, sizeof *p->offset);
    p->sum = calloc((size_t)H + 1, sizeof *p->sum);
    p->sumsq = calloc((size_t)H + 1, sizeof *p->sumsq);
    p->neg = calloc((size_t)H + 1, sizeof *p->neg);
    p->layers = calloc((size_t)H + 1, sizeof *p->layers);
    if (!p->alive || !p->prev || !p->ever_revived || !p->offset || !p->sum || !p->sumsq || !p->neg || !p->layers) {
        ab_probe_free(p);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for the dead-unit probe");
    }
    size_t off = 0;
    for (int h = 0; h <= H; h++) {
        p->offset[h] = off;
        if (h < H) off += (size_t)ab_net_hidden_units(net, h);
    }
    return AB_OK;
}

void ab_probe_free(ab_probe *p)
{
    free(p->alive);
    free(p->prev);
    free(p->ever_revived);
    free(p->offset);
    free(p->sum);
    free(p->sumsq);
    free(p->neg);
    free(p->layers);
    memset(p, 0, sizeof *p);
}

void ab_probe_measure(ab_probe *p, ab_net *net, const float *x, int n)
{
    ab_probe_measure_eval(p, net, x, NULL, n, NULL, NULL);
}

/* Adds batch statistics of every hidden layer of the last forward pass.
 * A layer's buffers are (B, units, positions): positions is 1 for a dense
 * layer and height x width for a conv layer, whose unit is the channel. */
static void accumulate(ab_probe *p, const ab_net *net, int B)
{
    for (int h = 0; h < p->n_hidden; h++) {
        int a = ab_net_hidden_act_layer(net, h);
        int units = ab_net_hidden_units(net, h), hw = ab_net_hidden_positions(net, h);
        size_t row = (size_t)units * hw;
        const float *z = net->acts[a], *y = net->acts[a + 1];
        unsigned char *alive = p->alive + p->offset[h];
        long neg = 0;
        double sum = 0.0, sumsq = 0.0;
        for (int b = 0; b < B; b++) {
            const float *zr = z + (size_t)b * row, *yr = y + (size_t)b * row;
            float s = 0.0f, ss = 0.0f; /* an example in float, the total in double */
            if (hw == 1) {
                for (int j = 0; j < units; j++) {
                    int pos = zr[j] > 0.0f;
                    alive[j] |= (unsigned char)pos;
                    neg += !pos;
                    s += yr[j];
                    ss += yr[j] * yr[j];
                }
            } else {
                for (int j = 0; j < units; j++) {
                    const float *zc = zr + (size_t)j * hw, *yc = yr + (size_t)j * hw;
                    int npos = 0;
                    for (int q = 0; q < hw; q++) {
                        npos += zc[q] > 0.0f;
                        s += yc[q];
                        ss += yc[q] * yc[q];
                    }
                    alive[j] |= (unsigned char)(npos > 0);
                    neg += hw - npos;
                }
            }
            sum += s;
            sumsq += ss;
        }
        p->neg[h] += neg;
        p->sum[h] += sum;
        p->sumsq[h] += sumsq;
    }
}

/* Turns the accumulators into p->layers, comparing with the previous flags. */
static void finish(ab_probe *p, const ab_net *net, int n)
{
    for (int h = 0; h < p->n_hidden; h++) {
        int units = ab_net_hidden_units(net, h);
        const unsigned char *now = p->alive + p->offset[h], *before = p->prev + p->offset[h];
        unsigned char *ever = p->ever_revived + p->offset[h];
        ab_layer_probe *r = &p->layers[h];
        memset(r, 0, sizeof *r);
        r->units = units;
        for (int j = 0; j < units; j++) {
            r->dead += !now[j];
            if (p->measured) {
                int back = !before[j] && now[j];
                r->died += before[j] && !now[j];
                r->revived += back;
                ever[j] |= (unsigned char)back;
            }
            r->revived_units_total += ever[j];
        }
        r->conv = ab_net_hidden_is_conv(net, h);
        double count = (double)n * units * ab_net_hidden_positions(net, h);
        r->dead_fraction = (double)r->dead / units;
        r->negative_fraction = count > 0 ? p->neg[h] / count : 0.0;
        r->output_mean = count > 0 ? p->sum[h] / count : 0.0;
        double var = count > 0 ? p->sumsq[h] / count - r->output_mean * r->output_mean : 0.0;
        r->output_std = sqrt(var > 0.0 ? var : 0.0);
    }
    p->measured = 1;
}

void ab_probe_measure_eval(ab_probe *p, ab_net *net, const float *x, const int32_t *y, int n,
                           double *loss, double *accuracy)
{
    int H = p ? p->n_hidden : 0;
    if (p) {
        size_t total_units = p->offset[H];
        memcpy(p->prev, p->alive, total_units);
        memset(p->alive, 0, total_units);
        for (int h = 0; h < H; h++) p->sum[h] = p->sumsq[h] = 0.0, p->neg[h] = 0;
    }
    int was_training = net->training;
    net->training = 0;
    double total = 0.0;
    long hits = 0;
    for (int start = 0; start < n; start += net->max_batch) {
        int B = n - start < net->max_batch ? n - start : net->max_batch;
        const float *xb = x + (size_t)start * net->spec.n_inputs;
        if (p) { /* the probe reads every hidden layer's activations */
            ab_net_forward(net, xb, B);
            accumulate(p, net, B);
        } else {
            ab_net_infer(net, xb, B);
        }
        if (y) {
            int correct = 0;
            total += ab_net_loss(net, y + start, B, &correct) * B;
            hits += correct;
        }
    }
    net->training = was_training;
    if (p) finish(p, net, n);
    if (loss) *loss = n > 0 && y ? total / n : NAN;
    if (accuracy) *accuracy = n > 0 && y ? (double)hits / n : NAN;
}

void ab_net_evaluate(ab_net *net, const float *x, const int32_t *y, int n,
                     double *loss, double *accuracy)
{
    ab_probe_measure_eval(NULL, net, x, y, n, loss, accuracy);
}

void ab_probe_state_save(const ab_probe *p, ab_state_out *o)
{
    size_t units = p->offset[p->n_hidden];
    ab_state_put_u64(o, (uint64_t)p->n_hidden);
    ab_state_put_u64(o, units);
    ab_state_put_u64(o, (uint64_t)p->measured);
    ab_state_put(o, p->alive, units);
    ab_state_put(o, p->ever_revived, units);
}

ab_status ab_probe_state_load(ab_probe *p, ab_state_in *in, ab_error *err)
{
    size_t units = p->offset[p->n_hidden];
    if (ab_state_expect(in, (uint64_t)p->n_hidden, "probed layers", err) != AB_OK ||
        ab_state_expect(in, units, "probed units", err) != AB_OK)
        return AB_ERR_FORMAT;
    uint64_t measured = ab_state_get_u64(in);
    ab_state_get(in, p->alive, units);
    ab_state_get(in, p->ever_revived, units);
    if (in->short_read) return ab_fail(err, AB_ERR_FORMAT, "the probe's state ends early");
    if (measured > 1) return ab_fail(err, AB_ERR_FORMAT, "the probe's state is marked %llu", (unsigned long long)measured);
    for (size_t j = 0; j < units; j++)
        if (p->alive[j] > 1 || p->ever_revived[j] > 1)
            return ab_fail(err, AB_ERR_FORMAT, "the probe's unit flags hold values other than 0 and 1");
    p->measured = (int)measured;
    return AB_OK;
}
