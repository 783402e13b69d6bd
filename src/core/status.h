/* status.h: the status codes and error buffer every core function uses,
 * and the name-table lookup. Owns: ab_status, ab_error, ab_fail(),
 * ab_name_index(). Does no I/O. */
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

/* The index of s in names[0..n), or -1 (also when s is NULL): the lookup
 * behind every *_from_name of the name tables. */
int ab_name_index(const char *const *names, int n, const char *s);

/* Fill err (when not NULL) with a printf-style message and return code. */
ab_status ab_fail(ab_error *err, ab_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
