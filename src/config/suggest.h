/* suggest.h: "did you mean ...?" for unknown keys and values: the closest
 * name by edit distance in a comma-separated list. No I/O. */
#ifndef AB_SUGGEST_H
#define AB_SUGGEST_H

/* Levenshtein distance between a and b (capped at 64 characters each). */
int ab_edit_distance(const char *a, const char *b);
/* Copies into out the name of `names` ("a, b, c") closest to word, or ""
 * when none is close (distance above a third of the length, at least 2). */
void ab_suggest(char *out, unsigned long size, const char *word, const char *names);
/* 1 when word is one of `names` ("a, b, c"). */
int ab_name_in_list(const char *word, const char *names);

#endif
