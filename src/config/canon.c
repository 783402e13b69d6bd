/* canon.c: the canonical JSON text of a resolved configuration (sorted
 * keys, integers as integers, other numbers as the shortest round-trip
 * "%.*g"), the run ID hashed from it (legacy values of later keys left
 * out: schema.h), dot-path look-up and the one-line
 * value text. No I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/rng.h"
#include "experiment.h"
#include "schema.h"

typedef struct {
    char *s;
    size_t n, cap;
    int oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void number_text(char *buf, size_t size, double v)
{
    if (v == 0) v = 0; /* -0 reads as 0 */
    if (v > -1e17 && v < 1e17 && v == (double)(long long)v) { /* range first: the cast of a larger v is undefined */
        snprintf(buf, size, "%lld", (long long)v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static void string_text(sbuf *b, const char *s)
{
    puts_(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, esc[2] = 0;
            puts_(b, esc);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            puts_(b, esc);
        } else {
            put(b, s, 1);
        }
    }
    puts_(b, "\"");
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static int skipped(const char *key, const char *const *skip)
{
    for (; skip && *skip; skip++)
        if (!strcmp(*skip, key)) return 1;
    return 0;
}

static void canon(sbuf *b, const cJSON *v, const char *const *skip)
{
    char num[40];
    if (cJSON_IsNumber(v)) {
        number_text(num, sizeof num, v->valuedouble);
        puts_(b, num);
    } else if (cJSON_IsString(v)) {
        string_text(b, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        puts_(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsArray(v)) {
        puts_(b, "[");
        for (const cJSON *c = v->child; c; c = c->next) {
            canon(b, c, NULL);
            if (c->next) puts_(b, ",");
        }
        puts_(b, "]");
    } else if (cJSON_IsObject(v)) {
        int n = cJSON_GetArraySize(v), k = 0;
        const cJSON **kids = malloc((size_t)(n ? n : 1) * sizeof *kids);
        if (!kids) {
            b->oom = 1;
            return;
        }
        for (const cJSON *c = v->child; c; c = c->next)
            if (!skipped(c->string, skip)) kids[k++] = c;
        qsort(kids, (size_t)k, sizeof *kids, by_key);
        puts_(b, "{");
        for (int i = 0; i < k; i++) {
            string_text(b, kids[i]->string);
            puts_(b, ":");
            canon(b, kids[i], NULL);
            if (i + 1 < k) puts_(b, ",");
        }
        puts_(b, "}");
        free(kids);
    } else {
        puts_(b, "null");
    }
}

char *ab_config_canonical(const cJSON *v, const char *const *skip)
{
    sbuf b = {0};
    canon(&b, v, skip);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* 1 when v holds k's legacy value (schema.h): same canonical text; 0
 * when not; -1 when memory ran out. */
static int holds_legacy(const ab_key *k, const cJSON *v)
{
    ab_key as_legacy = *k;
    as_legacy.def = ab_schema_legacy(k);
    as_legacy.by = NULL;
    cJSON *legacy = ab_schema_default(&as_legacy, NULL);
    char *a = ab_config_canonical(v, NULL), *b = legacy ? ab_config_canonical(legacy, NULL) : NULL;
    int same = a && b ? !strcmp(a, b) : -1;
    free(a);
    free(b);
    cJSON_Delete(legacy);
    return same;
}

/* The hash leaves out name, description, run_id, analysis (how the report
 * judges the runs, not how they train), every key added after results
 * were committed while it holds its legacy value, so that a run whose
 * meaning did not change keeps its ID, and the keys that do not change
 * what a run computes (ab_schema_unhashed). */
int ab_config_run_id(char out[17], const cJSON *resolved)
{
    static const char *const SKIP[] = {"name", "description", "run_id", "analysis", NULL};
    cJSON *hashed = cJSON_Duplicate(resolved, 1);
    int oom = !hashed;
    for (int i = 0; !oom && i < ab_schema_count(); i++) {
        const ab_key *k = ab_schema_key(i);
        const cJSON *v = ab_schema_legacy(k) || ab_schema_unhashed(k) ? ab_config_get(hashed, k->path) : NULL;
        int leave_out = !v ? 0 : ab_schema_unhashed(k) ? 1 : holds_legacy(k, v);
        oom = leave_out < 0;
        if (leave_out <= 0) continue;
        const char *dot = strrchr(k->path, '.');
        char group[64];
        snprintf(group, sizeof group, "%.*s", dot ? (int)(dot - k->path) : 0, k->path);
        cJSON *parent = dot ? (cJSON *)ab_config_get(hashed, group) : hashed;
        cJSON_DeleteItemFromObjectCaseSensitive(parent, dot ? dot + 1 : k->path);
    }
    char *text = !oom ? ab_config_canonical(hashed, SKIP) : NULL;
    uint64_t h = text ? ab_hash64(text, strlen(text), 0) : 0;
    if (text) snprintf(out, 17, "%016llx", (unsigned long long)h);
    else out[0] = 0;
    free(text);
    cJSON_Delete(hashed);
    return text ? 0 : -1;
}

void ab_config_value_text(char *buf, unsigned long size, const cJSON *v)
{
    if (!v) snprintf(buf, size, "-");
    else if (cJSON_IsString(v)) snprintf(buf, size, "%s", v->valuestring);
    else {
        char *t = ab_config_canonical(v, NULL);
        snprintf(buf, size, "%s", t ? t : "?");
        free(t);
    }
}

const cJSON *ab_config_get(const cJSON *resolved, const char *dot_path)
{
    const cJSON *v = resolved;
    char part[128];
    for (const char *s = dot_path; v && *s;) {
        size_t n = strcspn(s, ".");
        if (n >= sizeof part) return NULL;
        memcpy(part, s, n);
        part[n] = 0;
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, part) : NULL;
        s += n + (s[n] == '.');
    }
    return v;
}
