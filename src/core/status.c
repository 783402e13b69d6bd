/* status.c: formats error messages into an ab_error. No I/O. */
#include "status.h"
#include <stdio.h>

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
