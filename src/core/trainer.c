/* trainer.c: the epoch loop: shuffle, gather batches, train steps (with
 * the learning-rate warm-up and the per-step callback), and the per-layer
 * weight-gradient norms. */
#include "trainer.h"
#include <math.h>
#include "augment.h"
#include "simd/simd.h"
#include <stdlib.h>
#include <string.h>

ab_status ab_trainer_init(ab_trainer *t, const ab_model_spec *model, const ab_optim_spec *opt,
                          int batch, long n_train, uint64_t seed, ab_error *err)
{
    memset(t, 0, sizeof *t);
    if (batch < 1) return ab_fail(err, AB_ERR_ARG, "batch size must be >= 1, got %d", batch);
    if (n_train < 1) return ab_fail(err, AB_ERR_ARG, "no training examples");
    ab_rng init_rng;
    ab_rng_seed(&init_rng, seed, "init");
    ab_status st = ab_net_build(&t->net, model, batch, &init_rng, seed, err);
    if (st != AB_OK) return st;
    st = ab_optim_init(&t->opt, opt, t->net.n_params, err);
    if (st != AB_OK) {
        ab_net_free(&t->net);
        return st;
    }
    t->batch = batch;
    t->n_train = n_train;
    t->perm = malloc((size_t)n_train * sizeof *t->perm);
    t->xb = malloc((size_t)batch * model->n_inputs * sizeof *t->xb);
    t->yb = malloc((size_t)batch * sizeof *t->yb);
    t->grad_sq = calloc((size_t)t->net.n_hidden + 1, sizeof *t->grad_sq);
    if (!t->perm || !t->xb || !t->yb || !t->grad_sq) {
        ab_trainer_free(t);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for %ld training examples", n_train);
    }
    for (long i = 0; i < n_train; i++) t->perm[i] = (int)i;
    ab_rng_seed(&t->shuffle_rng, seed, "shuffle");
    ab_rng_seed(&t->augment_rng, seed, "augment");
    return AB_OK;
}

ab_status ab_trainer_set_augment(ab_trainer *t, int flip, int crop, ab_error *err)
{
    const ab_model_spec *m = &t->net.spec;
    if (!flip && crop == 0) {
        t->augment_flip = t->augment_crop = 0;
        return AB_OK;
    }
    if (m->in_h * m->in_w <= 1)
        return ab_fail(err, AB_ERR_ARG, "augmentation needs images, the input is %d flat features", m->n_inputs);
    int side = m->in_h < m->in_w ? m->in_h : m->in_w;
    if (crop < 0 || crop >= side)
        return ab_fail(err, AB_ERR_ARG, "augment crop must be in [0, %d) for %dx%d images, got %d",
                       side, m->in_h, m->in_w, crop);
    if (!t->aug_scratch) t->aug_scratch = malloc((size_t)m->n_inputs * sizeof *t->aug_scratch);
    if (!t->aug_scratch) return ab_fail(err, AB_ERR_NOMEM, "out of memory for augmentation");
    t->augment_flip = flip != 0;
    t->augment_crop = crop;
    return AB_OK;
}

void ab_trainer_free(ab_trainer *t)
{
    ab_net_free(&t->net);
    ab_optim_free(&t->opt);
    free(t->perm);
    free(t->xb);
    free(t->yb);
    free(t->grad_sq);
    free(t->aug_scratch);
    memset(t, 0, sizeof *t);
}

/* Rows ahead of the one being copied whose cache lines are prefetched. */
#ifndef GATHER_AHEAD
#define GATHER_AHEAD 4
#endif

void ab_trainer_set_bytes(ab_trainer *t, const float *x, const uint8_t *x8, const float *table)
{
    t->bytes_of = x8 && table ? x : NULL;
    t->x8 = t->bytes_of ? x8 : NULL;
    t->x8_table = t->bytes_of ? table : NULL;
}

/* xb(B,F), yb(B) = the examples idx[0..B) of x, y; from their bytes x8
 * through table when x8 is set (x[i] == table[x8[i]]: a quarter of the
 * cache lines). The rows lie scattered over the whole data set, far
 * beyond the caches: copied one by one, each row would wait on memory
 * before the hardware prefetcher caught on, so the rows GATHER_AHEAD ahead
 * are requested while a row is copied. */
static void gather(float *restrict xb, int32_t *restrict yb, const float *x, const uint8_t *x8,
                   const float *table, const int32_t *y, const int *idx, int B, int F)
{
    const ab_simd_kernels *simd = ab_simd();
    size_t row = x8 ? (size_t)F : (size_t)F * sizeof *x;
    const char *base = x8 ? (const char *)x8 : (const char *)x;
    for (int i = 0; i < B + GATHER_AHEAD; i++) {
        if (i < B) {
            const char *p = base + (size_t)idx[i] * row;
            for (size_t o = 0; o < row; o += 64) __builtin_prefetch(p + o);
        }
        int k = i - GATHER_AHEAD;
        if (k >= 0) {
            if (x8)
                simd->bytes_to_floats(xb + (size_t)k * F, x8 + (size_t)idx[k] * F, table, F);
            else
                memcpy(xb + (size_t)k * F, x + (size_t)idx[k] * F, row);
            yb[k] = y[idx[k]];
        }
    }
}

void ab_trainer_epoch_start(ab_trainer *t, long n, float lr, int shuffle)
{
    if (n > t->n_train) n = t->n_train;
    if (shuffle) ab_rng_permutation(&t->shuffle_rng, t->perm, (int)n);
    for (int h = 0; h < t->net.n_hidden; h++) t->grad_sq[h] = 0.0;
    t->epoch_steps = 0;
    memset(&t->ep, 0, sizeof t->ep);
    t->ep.active = 1;
    t->ep.shuffle = shuffle;
    t->ep.n = n;
    t->ep.lr = lr;
}

ab_epoch_result ab_trainer_epoch_run(ab_trainer *t, const float *x, const int32_t *y)
{
    ab_epoch_pos *ep = &t->ep;
    int F = t->net.spec.n_inputs, H = t->net.n_hidden;
    long n = ep->n;
    float lr = ep->lr;
    int shuffle = ep->shuffle;
    ab_epoch_result *r = &ep->r;
    t->net.training = 1;
    int augment = t->augment_flip || t->augment_crop > 0;
    const ab_model_spec *m = &t->net.spec;
    while (ep->active && ep->next < n) {
        long start = ep->next;
        int B = (int)(n - start < t->batch ? n - start : t->batch);
        const float *xb = x + (size_t)start * F;
        const int32_t *yb = y + start;
        if (shuffle) {
            int bytes = x == t->bytes_of;
            gather(t->xb, t->yb, x, bytes ? t->x8 : NULL, t->x8_table, y, t->perm + start, B, F);
            xb = t->xb;
            yb = t->yb;
        }
        if (augment) {
            if (xb != t->xb) memcpy(t->xb, xb, (size_t)B * F * sizeof *x);
            ab_augment_batch(t->xb, t->aug_scratch, B, m->in_c, m->in_h, m->in_w, t->augment_flip,
                             t->augment_crop, &t->augment_rng);
            xb = t->xb;
        }
        int correct = 0;
        float step_lr = lr;
        if (t->steps < t->warmup_steps)
            step_lr = (float)((double)lr * ab_warmup_factor(t->steps + 1, t->warmup_steps));
        double loss = ab_net_train_step(&t->net, &t->opt, step_lr, xb, yb, B, &correct);
        ep->next = start + B;
        if (!isfinite(loss)) {
            r->diverged = 1;
            ep->loss_sum += loss * B;
            r->examples += B;
            break;
        }
        ep->loss_sum += loss * B;
        ep->hits += correct;
        r->examples += B;
        r->steps++;
        t->epoch_steps++;
        t->steps++;
        for (int h = 0; h < H; h++) t->grad_sq[h] += ab_net_hidden_weight_grad_sq(&t->net, h);
        t->since_loss += loss;
        t->since_steps++;
        if (t->on_step && t->every_steps > 0 && t->steps % t->every_steps == 0) {
            t->on_step(t->on_step_ctx, t, t->steps, step_lr, t->since_loss / (double)t->since_steps);
            t->since_loss = 0.0;
            t->since_steps = 0;
        }
        if (t->stop && *t->stop && ep->next < n) {
            ab_epoch_result partial = *r;
            partial.stopped = 1;
            return partial;
        }
    }
    ab_epoch_result done = *r;
    done.loss = done.examples ? ep->loss_sum / done.examples : NAN;
    done.accuracy = done.examples ? (double)ep->hits / done.examples : NAN;
    ep->active = 0;
    return done;
}

ab_epoch_result ab_trainer_epoch(ab_trainer *t, const float *x, const int32_t *y, long n,
                                 float lr, int shuffle)
{
    ab_trainer_epoch_start(t, n, lr, shuffle);
    return ab_trainer_epoch_run(t, x, y);
}

double ab_trainer_grad_norm(const ab_trainer *t, int h)
{
    return t->epoch_steps ? sqrt(t->grad_sq[h] / t->epoch_steps) : 0.0;
}

/* Every random stream and counter below decides the rest of the run; the
 * sizes first, so that a state of another network is refused before any
 * of it is read into this one. */
void ab_trainer_state_save(const ab_trainer *t, ab_state_out *o)
{
    const ab_net *net = &t->net;
    const ab_optim *opt = &t->opt;
    size_t slots = opt->v ? 2 : opt->m ? 1 : 0;
    ab_state_put_u64(o, net->n_params);
    ab_state_put_u64(o, (uint64_t)net->n_hidden);
    ab_state_put_u64(o, (uint64_t)t->n_train);
    ab_state_put_u64(o, (uint64_t)t->batch);
    ab_state_put_u64(o, (uint64_t)opt->spec.kind);
    ab_state_put_u64(o, slots);
    ab_state_put(o, net->params, net->n_params * sizeof *net->params);
    ab_state_put(o, opt->m, slots * opt->n * sizeof *opt->m);
    ab_state_put_u64(o, (uint64_t)opt->t);
    ab_state_put(o, &opt->bc1, sizeof opt->bc1);
    ab_state_put(o, &opt->bc2, sizeof opt->bc2);
    ab_state_put(o, &t->shuffle_rng, sizeof t->shuffle_rng);
    ab_state_put(o, &t->augment_rng, sizeof t->augment_rng);
    ab_state_put(o, &net->rrelu_rng, sizeof net->rrelu_rng);
    ab_state_put(o, &net->dropout_rng, sizeof net->dropout_rng);
    ab_state_put_u64(o, (uint64_t)t->steps);
    ab_state_put_f64(o, t->since_loss);
    ab_state_put_u64(o, (uint64_t)t->since_steps);
    ab_state_put_u64(o, (uint64_t)t->epoch_steps);
    ab_state_put(o, t->grad_sq, (size_t)net->n_hidden * sizeof *t->grad_sq);
    const ab_epoch_pos *ep = &t->ep;
    ab_state_put_u64(o, (uint64_t)ep->active);
    if (!ep->active) return;
    ab_state_put_u64(o, (uint64_t)ep->shuffle);
    ab_state_put_u64(o, (uint64_t)ep->n);
    ab_state_put_u64(o, (uint64_t)ep->next);
    ab_state_put(o, &ep->lr, sizeof ep->lr);
    ab_state_put_f64(o, ep->loss_sum);
    ab_state_put_u64(o, (uint64_t)ep->hits);
    ab_state_put_u64(o, (uint64_t)ep->r.examples);
    ab_state_put_u64(o, (uint64_t)ep->r.steps);
    if (ep->shuffle) ab_state_put(o, t->perm, (size_t)ep->n * sizeof *t->perm);
}

ab_status ab_trainer_state_load(ab_trainer *t, ab_state_in *in, ab_error *err)
{
    ab_net *net = &t->net;
    ab_optim *opt = &t->opt;
    size_t slots = opt->v ? 2 : opt->m ? 1 : 0;
    if (ab_state_expect(in, net->n_params, "parameters", err) != AB_OK ||
        ab_state_expect(in, (uint64_t)net->n_hidden, "hidden layers", err) != AB_OK ||
        ab_state_expect(in, (uint64_t)t->n_train, "training examples", err) != AB_OK ||
        ab_state_expect(in, (uint64_t)t->batch, "batch size", err) != AB_OK ||
        ab_state_expect(in, (uint64_t)opt->spec.kind, "optimiser", err) != AB_OK ||
        ab_state_expect(in, slots, "optimiser moments", err) != AB_OK)
        return AB_ERR_FORMAT;
    ab_state_get(in, net->params, net->n_params * sizeof *net->params);
    ab_state_get(in, opt->m, slots * opt->n * sizeof *opt->m);
    opt->t = (long)ab_state_get_u64(in);
    ab_state_get(in, &opt->bc1, sizeof opt->bc1);
    ab_state_get(in, &opt->bc2, sizeof opt->bc2);
    ab_state_get(in, &t->shuffle_rng, sizeof t->shuffle_rng);
    ab_state_get(in, &t->augment_rng, sizeof t->augment_rng);
    ab_state_get(in, &net->rrelu_rng, sizeof net->rrelu_rng);
    ab_state_get(in, &net->dropout_rng, sizeof net->dropout_rng);
    t->steps = (long)ab_state_get_u64(in);
    t->since_loss = ab_state_get_f64(in);
    t->since_steps = (long)ab_state_get_u64(in);
    t->epoch_steps = (long)ab_state_get_u64(in);
    ab_state_get(in, t->grad_sq, (size_t)net->n_hidden * sizeof *t->grad_sq);
    ab_epoch_pos *ep = &t->ep;
    memset(ep, 0, sizeof *ep);
    uint64_t active = ab_state_get_u64(in);
    if (active > 1) return ab_fail(err, AB_ERR_FORMAT, "the epoch in progress is marked %llu", (unsigned long long)active);
    if (active) {
        uint64_t shuffle = ab_state_get_u64(in), n = ab_state_get_u64(in), next = ab_state_get_u64(in);
        ab_state_get(in, &ep->lr, sizeof ep->lr);
        ep->loss_sum = ab_state_get_f64(in);
        ep->hits = (long)ab_state_get_u64(in);
        ep->r.examples = (long)ab_state_get_u64(in);
        ep->r.steps = (long)ab_state_get_u64(in);
        if (in->short_read) return ab_fail(err, AB_ERR_FORMAT, "the state ends inside the epoch in progress");
        if (shuffle > 1 || n < 1 || n > (uint64_t)t->n_train || next > n || ep->r.examples < 0 ||
            (uint64_t)ep->r.examples != next || ep->r.steps < 0 || ep->hits < 0 || ep->hits > ep->r.examples)
            return ab_fail(err, AB_ERR_FORMAT, "the epoch in progress is inconsistent (%llu of %llu examples)",
                           (unsigned long long)next, (unsigned long long)n);
        ep->shuffle = (int)shuffle;
        ep->n = (long)n;
        ep->next = (long)next;
        if (shuffle) {
            ab_state_get(in, t->perm, (size_t)n * sizeof *t->perm);
            /* a permutation of 0..n-1: every index in range, none twice */
            unsigned char *seen = in->short_read ? NULL : calloc((size_t)n, 1);
            if (!in->short_read && !seen) return ab_fail(err, AB_ERR_NOMEM, "out of memory checking the epoch's order");
            for (size_t i = 0; seen && i < (size_t)n; i++) {
                int k = t->perm[i];
                if (k < 0 || (uint64_t)k >= n || seen[k]) {
                    free(seen);
                    return ab_fail(err, AB_ERR_FORMAT, "the epoch's order is not a permutation (%d at %zu)", k, i);
                }
                seen[k] = 1;
            }
            free(seen);
        } else {
            for (long i = 0; i < t->n_train; i++) t->perm[i] = (int)i;
        }
        ep->active = 1;
    }
    if (in->short_read) return ab_fail(err, AB_ERR_FORMAT, "the state ends early");
    if (t->steps < 0 || t->since_steps < 0 || t->epoch_steps < 0 || opt->t < 0)
        return ab_fail(err, AB_ERR_FORMAT, "a step count is negative");
    return AB_OK;
}
