/* json_alloc.h: cJSON's allocations, counted. A cJSON builder returns NULL
 * when an allocation fails, and adding NULL to an object is silently
 * ignored, so a document built while memory runs out can lack fields with
 * no error anywhere. With the hooks installed, a writer compares the count
 * of failures before and after building a document and refuses to write an
 * incomplete one. Without them (a program that never installs them) the
 * count stays 0. */
#ifndef AB_JSON_ALLOC_H
#define AB_JSON_ALLOC_H

/* Installs counting hooks into cJSON (malloc and free underneath). Call
 * once, before any cJSON object exists (main does). */
void ab_json_alloc_track(void);
/* cJSON allocations that failed since the hooks were installed. */
unsigned long ab_json_alloc_failures(void);

#endif
