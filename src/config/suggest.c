/* suggest.c: edit distance and the closest name of a comma-separated list,
 * for the suggestions of unknown keys and enum values. No I/O. */
#include "suggest.h"
#include <stdio.h>
#include <string.h>

#define AB_SUGGEST_MAX 64

int ab_edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > AB_SUGGEST_MAX) la = AB_SUGGEST_MAX;
    if (lb > AB_SUGGEST_MAX) lb = AB_SUGGEST_MAX;
    int row[AB_SUGGEST_MAX + 1];
    for (int j = 0; j <= lb; j++) row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* Next name of "a, b, c" into buf; returns the rest, or NULL at the end. */
static const char *next_name(const char *s, char *buf, size_t size)
{
    while (*s == ' ' || *s == ',') s++;
    if (!*s) return NULL;
    size_t n = strcspn(s, ",");
    while (n && s[n - 1] == ' ') n--;
    snprintf(buf, size, "%.*s", (int)n, s);
    return s + n;
}

void ab_suggest(char *out, unsigned long size, const char *word, const char *names)
{
    char name[AB_SUGGEST_MAX + 1];
    int best = -1;
    int limit = (int)strlen(word) / 3;
    if (limit < 2) limit = 2;
    out[0] = 0;
    for (const char *s = names; (s = next_name(s, name, sizeof name));) {
        int d = ab_edit_distance(word, name);
        if (d <= limit && (best < 0 || d < best)) {
            best = d;
            snprintf(out, size, "%s", name);
        }
    }
}

int ab_name_in_list(const char *word, const char *names)
{
    char name[AB_SUGGEST_MAX + 1];
    for (const char *s = names; (s = next_name(s, name, sizeof name));)
        if (!strcmp(name, word)) return 1;
    return 0;
}
