/* run_state.c: a run in progress as a checkpoint's payload (run_state.h).
 * The payload, in order: the epochs completed, the best epoch (index,
 * validation and training accuracy), the counters and timings, the
 * trainer's state (trainer.h), the epochs' probe, the steps' probe (when
 * on), the best epoch's parameters (when there is validation data), and
 * the run file's epochs and steps arrays as JSON text (cJSON prints every
 * number so that it reads back as the same double). */
#include "run_state.h"
#include <stdlib.h>
#include <string.h>
#include "../core/state.h"

/* Everything but the JSON texts, into o (counting when o->buf is NULL). */
static void put_state(const ab_run_state *s, ab_state_out *o)
{
    ab_state_put_u64(o, (uint64_t)s->epoch);
    ab_state_put_u64(o, (uint64_t)(int64_t)s->best_epoch);
    ab_state_put_f64(o, s->best_val);
    ab_state_put_f64(o, s->best_train);
    ab_state_put_u64(o, (uint64_t)s->trained_examples);
    ab_state_put_f64(o, s->train_seconds);
    ab_state_put_f64(o, s->step_seconds);
    ab_state_put_f64(o, s->elapsed);
    ab_trainer_state_save(s->t, o);
    ab_probe_state_save(s->probe, o);
    ab_state_put_u64(o, s->step_probe != NULL);
    if (s->step_probe) ab_probe_state_save(s->step_probe, o);
    ab_state_put_u64(o, s->best_params != NULL);
    if (s->best_params) ab_state_put(o, s->best_params, s->t->net.n_params * sizeof *s->best_params);
}

static void put_text(ab_state_out *o, const char *text)
{
    size_t n = text ? strlen(text) : 0;
    ab_state_put_u64(o, n);
    ab_state_put(o, text, n);
}

ab_status ab_run_state_save(const ab_run_state *s, unsigned char **buf, size_t *len, ab_error *err)
{
    *buf = NULL;
    *len = 0;
    char *epochs = cJSON_PrintUnformatted(s->epochs);
    char *steps = s->steps ? cJSON_PrintUnformatted(s->steps) : NULL;
    if (!epochs || (s->steps && !steps)) {
        free(epochs);
        free(steps);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for the checkpoint's curves");
    }
    ab_state_out o = {NULL, 0};
    put_state(s, &o);
    put_text(&o, epochs);
    put_text(&o, steps);
    o.buf = malloc(o.len ? o.len : 1);
    if (!o.buf) {
        free(epochs);
        free(steps);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory for a checkpoint of %zu bytes", o.len);
    }
    o.len = 0; /* the same puts again, now into the buffer */
    put_state(s, &o);
    put_text(&o, epochs);
    put_text(&o, steps);
    free(epochs);
    free(steps);
    *buf = o.buf;
    *len = o.len;
    return AB_OK;
}

/* A JSON array of n objects, each with "epoch" (for the epochs array:
 * 0..n-1 in order) or "step"; NULL with err otherwise. */
static cJSON *get_array(ab_state_in *in, const char *what, long want, ab_error *err)
{
    uint64_t n = ab_state_get_u64(in);
    if (in->short_read || n > in->len - in->pos) {
        ab_fail(err, AB_ERR_FORMAT, "the payload ends inside its %s", what);
        return NULL;
    }
    cJSON *a = cJSON_ParseWithLength((const char *)in->buf + in->pos, (size_t)n);
    in->pos += (size_t)n;
    if (!cJSON_IsArray(a)) {
        cJSON_Delete(a);
        ab_fail(err, AB_ERR_FORMAT, "its %s are not a JSON array", what);
        return NULL;
    }
    long k = 0;
    for (const cJSON *e = a->child; e; e = e->next, k++) {
        const cJSON *num = cJSON_GetObjectItemCaseSensitive(e, want >= 0 ? "epoch" : "step");
        if (!cJSON_IsObject(e) || !cJSON_IsNumber(num) || (want >= 0 && num->valuedouble != (double)k)) {
            cJSON_Delete(a);
            ab_fail(err, AB_ERR_FORMAT, "its %s hold a malformed entry (%ld)", what, k);
            return NULL;
        }
    }
    if (want >= 0 && k != want) {
        cJSON_Delete(a);
        ab_fail(err, AB_ERR_FORMAT, "its %s hold %ld entries, expected %ld", what, k, want);
        return NULL;
    }
    return a;
}

ab_status ab_run_state_load(ab_run_state *s, const unsigned char *p, size_t len, cJSON **epochs,
                            cJSON **steps, ab_error *err)
{
    *epochs = *steps = NULL;
    ab_state_in in = {p, len, 0, 0};
    uint64_t epoch = ab_state_get_u64(&in);
    int64_t best_epoch = (int64_t)ab_state_get_u64(&in);
    s->best_val = ab_state_get_f64(&in);
    s->best_train = ab_state_get_f64(&in);
    s->trained_examples = (long)ab_state_get_u64(&in);
    s->train_seconds = ab_state_get_f64(&in);
    s->step_seconds = ab_state_get_f64(&in);
    s->elapsed = ab_state_get_f64(&in);
    if (in.short_read) return ab_fail(err, AB_ERR_FORMAT, "the payload ends in its first fields");
    if (epoch != (uint64_t)s->epoch)
        return ab_fail(err, AB_ERR_FORMAT, "its payload is of epoch %llu, its header of epoch %d",
                       (unsigned long long)epoch, s->epoch);
    if (best_epoch < -1 || best_epoch > (int64_t)epoch)
        return ab_fail(err, AB_ERR_FORMAT, "its best epoch %lld is out of range", (long long)best_epoch);
    s->epoch = (int)epoch;
    s->best_epoch = (int)best_epoch;
    if (ab_trainer_state_load(s->t, &in, err) != AB_OK || ab_probe_state_load(s->probe, &in, err) != AB_OK)
        return AB_ERR_FORMAT;
    if (ab_state_expect(&in, s->step_probe != NULL, "step probe flag", err) != AB_OK ||
        (s->step_probe && ab_probe_state_load(s->step_probe, &in, err) != AB_OK))
        return AB_ERR_FORMAT;
    if (ab_state_expect(&in, s->best_params != NULL, "best-parameters flag", err) != AB_OK) return AB_ERR_FORMAT;
    if (s->best_params) ab_state_get(&in, s->best_params, s->t->net.n_params * sizeof *s->best_params);
    if (in.short_read) return ab_fail(err, AB_ERR_FORMAT, "the payload ends in the best epoch's parameters");
    cJSON *e = get_array(&in, "epochs", (long)epoch + 1, err);
    if (!e) return AB_ERR_FORMAT;
    cJSON *st = NULL;
    if (s->steps) {
        st = get_array(&in, "steps", -1, err);
        if (!st) {
            cJSON_Delete(e);
            return AB_ERR_FORMAT;
        }
    } else if (ab_state_expect(&in, 0, "steps text", err) != AB_OK) {
        cJSON_Delete(e);
        return AB_ERR_FORMAT;
    }
    if (in.pos != in.len) {
        cJSON_Delete(e);
        cJSON_Delete(st);
        return ab_fail(err, AB_ERR_FORMAT, "%zu bytes after the end of its payload", in.len - in.pos);
    }
    *epochs = e;
    *steps = st;
    return AB_OK;
}
