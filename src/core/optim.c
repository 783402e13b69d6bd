/* optim.c: sgd, momentum, nesterov and adam over flat parameter blocks, with
 * coupled L2 weight decay (as PyTorch's weight_decay). State is one
 * allocation made once by ab_optim_init. */
#include "optim.h"
#include "simd/vector_clones.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const OPT_NAMES[AB_OPT_COUNT] = {"sgd", "momentum", "nesterov", "adam"};

const char *ab_optim_name(ab_opt_kind k) { return (unsigned)k < AB_OPT_COUNT ? OPT_NAMES[k] : "?"; }
const char *ab_optim_names(void) { return "sgd, momentum, nesterov, adam"; }

int ab_optim_from_name(const char *s, ab_opt_kind *k)
{
    int i = ab_name_index(OPT_NAMES, AB_OPT_COUNT, s);
    if (i >= 0) *k = (ab_opt_kind)i;
    return i < 0 ? -1 : 0;
}

ab_optim_spec ab_optim_default(ab_opt_kind kind)
{
    ab_optim_spec s = {.kind = kind, .momentum = 0.9f, .beta1 = 0.9f, .beta2 = 0.999f,
                       .eps = 1e-8f, .weight_decay = 0.0f, .clip_norm = 0.0f};
    return s;
}

ab_status ab_optim_init(ab_optim *o, const ab_optim_spec *spec, size_t n, ab_error *err)
{
    memset(o, 0, sizeof *o);
    if ((unsigned)spec->kind >= AB_OPT_COUNT)
        return ab_fail(err, AB_ERR_ARG, "unknown optimizer; expected one of %s", ab_optim_names());
    if (!(spec->weight_decay >= 0.0f))
        return ab_fail(err, AB_ERR_ARG, "weight decay must be >= 0, got %g", spec->weight_decay);
    if (!(spec->clip_norm >= 0.0f && isfinite(spec->clip_norm)))
        return ab_fail(err, AB_ERR_ARG, "clip norm must be a finite number >= 0, got %g", spec->clip_norm);
    o->spec = *spec;
    o->n = n;
    size_t slots = spec->kind == AB_OPT_ADAM ? 2 : spec->kind == AB_OPT_SGD ? 0 : 1;
    if (slots) {
        float *mem = calloc(slots * n, sizeof *mem);
        if (!mem) return ab_fail(err, AB_ERR_NOMEM, "out of memory for optimizer state");
        o->m = mem;
        o->v = slots == 2 ? mem + n : NULL;
    }
    return AB_OK;
}

void ab_optim_free(ab_optim *o)
{
    free(o->m);
    memset(o, 0, sizeof *o);
}

void ab_optim_reset(ab_optim *o)
{
    size_t slots = o->spec.kind == AB_OPT_ADAM ? 2 : o->spec.kind == AB_OPT_SGD ? 0 : 1;
    if (o->m) memset(o->m, 0, slots * o->n * sizeof *o->m);
    o->t = 0;
}

/* Runs STMT, the update of element k, for every k in [0, n). The first n8
 * (a multiple of 8; 0 when no squares are wanted) also add g[k]^2 into
 * lane k mod 8 of acc in the same pass, each lane in increasing k: the
 * squares' chain of dependent additions then overlaps the update's loads
 * and stores instead of running as a pass of its own. */
#define FOR_EACH_SQ(STMT)                                                                          \
    do {                                                                                           \
        float a_[8] = {0};                                                                         \
        for (size_t j = 0; j < n8; j += 8)                                                         \
            for (int q = 0; q < 8; q++) {                                                          \
                size_t k = j + q;                                                                  \
                a_[q] += g[k] * g[k];                                                              \
                STMT;                                                                              \
            }                                                                                      \
        for (size_t k = n8; k < n; k++) STMT;                                                      \
        if (n8)                                                                                    \
            for (int q = 0; q < 8; q++) acc[q] = a_[q];                                            \
    } while (0)

/* The update of n parameters w from their gradients g (and moments m, v);
 * with n8 > 0, acc[q] = the sum of g[k]^2 over the k < n8 with k mod 8 = q. */
AB_VECTOR_CLONES static void update(const ab_optim_spec *s, float *restrict w,
                                    const float *restrict g, float *restrict m, float *restrict v,
                                    size_t n, float wd, float lr, float bc1, float bc2,
                                    float *restrict acc, size_t n8)
{
    switch (s->kind) {
    case AB_OPT_SGD:
        if (wd == 0.0f)
            FOR_EACH_SQ(w[k] -= lr * g[k]);
        else
            FOR_EACH_SQ(w[k] -= lr * (g[k] + wd * w[k]));
        break;
    case AB_OPT_MOMENTUM:
        FOR_EACH_SQ({
            m[k] = s->momentum * m[k] + (g[k] + wd * w[k]);
            w[k] -= lr * m[k];
        });
        break;
    case AB_OPT_NESTEROV:
        FOR_EACH_SQ({
            float gk = g[k] + wd * w[k];
            m[k] = s->momentum * m[k] + gk;
            w[k] -= lr * (gk + s->momentum * m[k]);
        });
        break;
    case AB_OPT_ADAM:
    default:
        FOR_EACH_SQ({
            float gk = g[k] + wd * w[k];
            m[k] = s->beta1 * m[k] + (1.0f - s->beta1) * gk;
            v[k] = s->beta2 * v[k] + (1.0f - s->beta2) * gk * gk;
            w[k] -= lr * (m[k] / bc1) / (sqrtf(v[k] / bc2) + s->eps);
        });
        break;
    }
}

void ab_optim_step(ab_optim *o, float *params, const float *grads, const ab_param_block *blocks,
                   int n_blocks, float lr)
{
    ab_optim_step_sq(o, params, grads, blocks, n_blocks, lr, NULL);
}

void ab_optim_begin_step(ab_optim *o)
{
    const ab_optim_spec *s = &o->spec;
    o->t++;
    o->bc1 = o->bc2 = 1.0f;
    if (s->kind == AB_OPT_ADAM) {
        o->bc1 = (float)(1.0 - pow(s->beta1, (double)o->t));
        o->bc2 = (float)(1.0 - pow(s->beta2, (double)o->t));
    }
}

void ab_optim_update_blocks(ab_optim *o, float *params, const float *grads,
                            const ab_param_block *blocks, int n_blocks, float lr, double *sq)
{
    const ab_optim_spec *s = &o->spec;
    for (int k = 0; k < n_blocks; k++) {
        size_t off = blocks[k].off, n = blocks[k].n;
        float wd = blocks[k].decay ? s->weight_decay : 0.0f;
        float *w = params + off, *m = o->m ? o->m + off : NULL, *v = o->v ? o->v + off : NULL;
        const float *g = grads + off;
        /* 8 float lanes over the multiple-of-8 part, then the rest in double */
        float acc[8] = {0};
        size_t n8 = sq ? n - n % 8 : 0;
        update(s, w, g, m, v, n, wd, lr, o->bc1, o->bc2, acc, n8);
        if (!sq) continue;
        double total = 0.0;
        for (int q = 0; q < 8; q++) total += acc[q];
        for (size_t i = n8; i < n; i++) total += (double)g[i] * g[i];
        sq[k] = total;
    }
}

void ab_optim_step_sq(ab_optim *o, float *params, const float *grads,
                      const ab_param_block *blocks, int n_blocks, float lr, double *sq)
{
    ab_optim_begin_step(o);
    ab_optim_update_blocks(o, params, grads, blocks, n_blocks, lr, sq);
}

double ab_clip_grad_norm(float *g, size_t n, double max_norm)
{
    double sq = 0.0;
    for (size_t i = 0; i < n; i++) sq += (double)g[i] * g[i];
    double norm = sqrt(sq);
    double c = max_norm / (norm + 1e-6);
    if (isfinite(norm) && c < 1.0) {
        float cf = (float)c;
        for (size_t i = 0; i < n; i++) g[i] *= cf;
    }
    return norm;
}
