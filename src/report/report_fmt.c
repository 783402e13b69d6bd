/* report_fmt.c: growing strings, number and p-value formats, verdict
 * names. A leaf of src/report. */
#include "report_fmt.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

const char *ab_verdict_name(ab_verdict v)
{
    return v == AB_SUPPORTS ? "supports" : v == AB_CONTRADICTS ? "contradicts" : "cannot tell";
}
