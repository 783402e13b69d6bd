/* state.c: the byte buffers of a saved training state (state.h). */
#include "state.h"
#include <string.h>

void ab_state_put(ab_state_out *o, const void *src, size_t n)
{
    if (o->buf && n) memcpy(o->buf + o->len, src, n);
    o->len += n;
}

void ab_state_put_u64(ab_state_out *o, uint64_t v) { ab_state_put(o, &v, sizeof v); }
void ab_state_put_f64(ab_state_out *o, double v) { ab_state_put(o, &v, sizeof v); }

int ab_state_get(ab_state_in *in, void *dst, size_t n)
{
    if (in->short_read || n > in->len - in->pos) {
        in->short_read = 1;
        if (n) memset(dst, 0, n);
        return -1;
    }
    if (n) memcpy(dst, in->buf + in->pos, n);
    in->pos += n;
    return 0;
}

uint64_t ab_state_get_u64(ab_state_in *in)
{
    uint64_t v;
    ab_state_get(in, &v, sizeof v);
    return v;
}

double ab_state_get_f64(ab_state_in *in)
{
    double v;
    ab_state_get(in, &v, sizeof v);
    return v;
}

ab_status ab_state_expect(ab_state_in *in, uint64_t want, const char *what, ab_error *err)
{
    uint64_t got = ab_state_get_u64(in);
    if (in->short_read) return ab_fail(err, AB_ERR_FORMAT, "the state ends before its %s", what);
    if (got != want)
        return ab_fail(err, AB_ERR_FORMAT, "%s: %llu in the state, %llu in this run", what,
                       (unsigned long long)got, (unsigned long long)want);
    return AB_OK;
}
