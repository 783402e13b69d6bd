/* status.h: the status codes and error buffer every core function uses.
 * Owns: ab_status, ab_error, ab_fail(). Does no I/O. */
#ifndef AB_STATUS_H
#define AB_STATUS_H

#include <stdarg.h>

typedef enum {
    AB_OK = 0,
    AB_ERR_ARG,      /* an argument or specification is invalid */
    AB_ERR_NOMEM,    /* an allocation failed */
    AB_ERR_NUMERIC,  /* a NaN or infinity appeared */
    AB_ERR_IO,       /* used by the layers above the core */
    AB_ERR_FORMAT    /* used by the layers above the core */
} ab_status;

typedef struct {
    char msg[512];
} ab_error;

/* Fill err (when not NULL) with a printf-style message and return code. */
ab_status ab_fail(ab_error *err, ab_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
