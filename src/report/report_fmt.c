/* report_fmt.c: growing strings, number and p-value formats, the compact
 * label of a layer list, verdict names. A leaf of src/report. */
#include "report_fmt.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"

void ab_buf_add(ab_buf *b, const char *fmt, ...)
{
    if (b->oom) return;
    va_list ap;
    va_start(ap, fmt);
    int add = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (add < 0) return;
    char *t = realloc(b->s, b->len + (size_t)add + 1);
    if (!t) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(t + b->len, (size_t)add + 1, fmt, ap);
    va_end(ap);
    b->s = t;
    b->len += (size_t)add;
}

const char *ab_buf_str(const ab_buf *b)
{
    return b->s ? b->s : "";
}

void ab_buf_free(ab_buf *b)
{
    free(b->s);
    *b = (ab_buf){NULL, 0, 0};
}

void ab_buf_add_distinct(ab_buf *b, const char *item, const char *sep)
{
    size_t n = strlen(item), k = strlen(sep);
    for (const char *p = b->s; p; p = strstr(p, sep) ? strstr(p, sep) + k : NULL)
        if (!strncmp(p, item, n) && (p[n] == '\0' || !strncmp(p + n, sep, k))) return;
    ab_buf_add(b, "%s%s", b->len ? sep : "", item);
}

void ab_fmt_num(char *buf, size_t size, double x, int sign)
{
    if (!isfinite(x)) snprintf(buf, size, "-");
    else snprintf(buf, size, sign ? "%+.4f" : "%.4f", x);
}

void ab_fmt_p(char *buf, size_t size, const char *prefix, double p)
{
    if (!isfinite(p)) snprintf(buf, size, "%s=n/a", prefix);
    else if (p < 0.001) snprintf(buf, size, "%s<0.001", prefix);
    else snprintf(buf, size, "%s=%.3f", prefix, p);
}

/* The integer field key of o, or -1 when it is not a whole number >= 0. */
static long field(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble < 1e9 && x->valuedouble == floor(x->valuedouble)
               ? (long)x->valuedouble
               : -1;
}

/* One layer of a resolved list; 0, or -1 when it is not one. */
static int fmt_layer(ab_buf *b, const cJSON *l)
{
    const cJSON *pool = cJSON_GetObjectItemCaseSensitive(l, "pool");
    const cJSON *rate = cJSON_GetObjectItemCaseSensitive(l, "dropout");
    long size = field(l, "size"), stride = field(l, "stride"), pad = field(l, "padding");
    if (field(l, "conv") >= 0 && field(l, "kernel") >= 0) {
        ab_buf_add(b, "conv%ldk%ld", field(l, "conv"), field(l, "kernel"));
        if (stride >= 0 && stride != 1) ab_buf_add(b, "s%ld", stride);
        if (pad > 0) ab_buf_add(b, "p%ld", pad);
    } else if (cJSON_IsString(pool) && !strcmp(pool->valuestring, "global_avg")) {
        ab_buf_add(b, "gap");
    } else if (cJSON_IsString(pool) && size >= 0 &&
               (!strcmp(pool->valuestring, "max") || !strcmp(pool->valuestring, "avg"))) {
        ab_buf_add(b, "%s%ld", pool->valuestring, size);
        if (stride >= 0 && stride != size) ab_buf_add(b, "s%ld", stride);
    } else if (cJSON_IsNumber(rate)) {
        char *t = ab_config_canonical(rate, NULL); /* the shortest text that reads back the same */
        if (!t) b->oom = 1;
        else ab_buf_add(b, "drop%s", t);
        free(t);
    } else if (field(l, "dense") >= 0) {
        ab_buf_add(b, "dense%ld", field(l, "dense"));
    } else {
        return -1;
    }
    return 0;
}

void ab_fmt_layers(ab_buf *b, const cJSON *layers)
{
    int i = 0;
    const cJSON *l;
    cJSON_ArrayForEach(l, layers)
    {
        if (i++) ab_buf_add(b, "-");
        if (cJSON_IsObject(l) && fmt_layer(b, l) == 0) continue;
        char *t = ab_config_canonical(l, NULL);
        if (!t) b->oom = 1;
        else ab_buf_add(b, "%s", t);
        free(t);
    }
}

void ab_fmt_setting(ab_buf *b, const char *path, const cJSON *v)
{
    if (!v) {
        ab_buf_add(b, "-");
    } else if (cJSON_IsArray(v) && !strcmp(path, "model.layers")) {
        ab_fmt_layers(b, v);
    } else if (cJSON_IsString(v)) {
        ab_buf_add(b, "%s", v->valuestring);
    } else {
        char *t = ab_config_canonical(v, NULL);
        if (!t) b->oom = 1;
        else ab_buf_add(b, "%s", t);
        free(t);
    }
}

const char *ab_verdict_name(ab_verdict v)
{
    return v == AB_SUPPORTS ? "supports" : v == AB_CONTRADICTS ? "contradicts" : "cannot tell";
}
