/* report_fmt.h: the formatting helpers of the report files, a leaf: it
 * calls nothing else of src/report. Growing strings (ab_buf), numbers and
 * p-values as the text shows them, the names of verdicts. */
#ifndef AB_REPORT_FMT_H
#define AB_REPORT_FMT_H

#include <stddef.h>
#include "report.h"

/* Appends printf-style text to b; on a failed allocation b keeps its text
 * and b->oom is set (later appends do nothing). */
void ab_buf_add(ab_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* b's text ("" when empty) */
const char *ab_buf_str(const ab_buf *b);
void ab_buf_free(ab_buf *b);
/* Appends item to the sep-separated list in b unless it is there already. */
void ab_buf_add_distinct(ab_buf *b, const char *item, const char *sep);
/* "0.1234", or "-" for NaN; "%+.4f" with sign. */
void ab_fmt_num(char *buf, size_t size, double x, int sign);
/* "p=0.012", "p<0.001", "p=n/a" (prefix "p" may be another word: "Holm p") */
void ab_fmt_p(char *buf, size_t size, const char *prefix, double p);

#endif
