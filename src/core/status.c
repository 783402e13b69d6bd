/* status.c: formats error messages into an ab_error. No I/O. */
#include "status.h"
#include <stdio.h>
#include <string.h>

int ab_name_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp(s, names[i])) return i;
    return -1;
}

ab_status ab_fail(ab_error *err, ab_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
