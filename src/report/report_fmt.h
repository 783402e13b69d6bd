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
/* A resolved model.layers list as one compact label (docs/report.md):
 * conv16k3-max2-conv32k3p1-max2-drop0.5-dense64. conv<filters>k<kernel>,
 * then s<stride> unless 1 and p<padding> unless 0; max<size> and avg<size>,
 * then s<stride> unless it equals the size; gap (global average pooling);
 * drop<rate>; dense<units>; layers joined by "-". An entry it cannot read
 * is written as its JSON. Appended to b. */
void ab_fmt_layers(ab_buf *b, const cJSON *layers);
/* A swept value as a label shows it: model.layers by ab_fmt_layers, a
 * string as itself, anything else as canonical JSON; "-" when absent. */
void ab_fmt_setting(ab_buf *b, const char *path, const cJSON *v);

#endif
