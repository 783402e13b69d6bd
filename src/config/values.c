/* values.c: one YAML value checked against its schema row: strict numbers
 * (whole-string strtoll/strtod), YAML bools true/false only, names, enums
 * with suggestions, layer widths, seeds and initialiser mappings; and the
 * defaults of the table as JSON. No I/O. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/network.h"
#include "experiment.h"
#include "schema.h"
#include "suggest.h"

#define AB_MAX_EXACT 9007199254740992.0 /* 2^53: integers JSON keeps exactly */

/* ---- scalars ---- */

static int is_scalar(const ab_ynode *n) { return n->kind == AB_Y_SCALAR && !ab_ynode_is_null(n); }

static int parse_int(const ab_ynode *n, long long *v)
{
    if (!is_scalar(n) || !n->plain) return 0;
    const char *s = n->text;
    if (!isdigit((unsigned char)s[s[0] == '-' || s[0] == '+']))
        return 0;
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return !*end && errno == 0;
}

static int parse_float(const ab_ynode *n, double *v)
{
    if (!is_scalar(n) || !n->plain) return 0;
    const char *s = n->text;
    if (strspn(s, "0123456789.eE+-") != strlen(s) || !strpbrk(s, "0123456789")) return 0;
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return !*end && errno != ERANGE && isfinite(*v);
}

static int parse_bool(const ab_ynode *n, int *v)
{
    if (!is_scalar(n) || !n->plain) return 0;
    if (!strcmp(n->text, "true")) *v = 1;
    else if (!strcmp(n->text, "false")) *v = 0;
    else return 0;
    return 1;
}

/* The "got ..." part of a message. */
static void got(char *buf, size_t size, const ab_ynode *n)
{
    double d;
    if (n->kind == AB_Y_MAP) snprintf(buf, size, "a mapping");
    else if (n->kind == AB_Y_SEQ) snprintf(buf, size, n->n ? "a list" : "an empty list");
    else if (ab_ynode_is_null(n)) snprintf(buf, size, "nothing");
    else if (parse_float(n, &d)) snprintf(buf, size, "%s", n->text);
    else snprintf(buf, size, "'%.60s%s'", n->text, strlen(n->text) > 60 ? "..." : "");
}

/* A quoted scalar that would be a number or a boolean without its quotes. */
static int quoted_value(const ab_ynode *n)
{
    if (!is_scalar(n) || n->plain) return 0;
    ab_ynode bare = *n;
    bare.plain = 1;
    double d;
    int b;
    return parse_float(&bare, &d) || parse_bool(&bare, &b);
}

static ab_status expected(ab_error *err, const ab_ynode *n, const char *display, const char *what)
{
    char g[100];
    got(g, sizeof g, n);
    if (quoted_value(n))
        return ab_ynode_fail(err, n, display, "expected %s, got the quoted string %s: remove the quotes", what, g);
    return ab_ynode_fail(err, n, display, "expected %s, got %s", what, g);
}

/* Range text "> 0", ">= 1", "[0, 1)", "(0, 1]" holds for v. */
static int in_range(const char *range, double v)
{
    double lo, hi;
    char open, close;
    if (!range) return 1;
    if (range[0] == '>') return range[1] == '=' ? v >= strtod(range + 2, NULL) : v > strtod(range + 1, NULL);
    if (sscanf(range, "%c%lf, %lf%c", &open, &lo, &hi, &close) != 4) return 1;
    return (open == '[' ? v >= lo : v > lo) && (close == ']' ? v <= hi : v < hi);
}

static void describe_number(char *buf, size_t size, const ab_key *k)
{
    const char *kind = k->type == AB_K_FLOAT ? "a number" : "an integer";
    if (!k->range) snprintf(buf, size, "%s", kind);
    else snprintf(buf, size, "%s %s%s", kind, k->range[0] == '>' ? "" : "in ", k->range);
}

static ab_status number_value(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                              ab_error *err)
{
    char what[80];
    describe_number(what, sizeof what, k);
    double v;
    if (k->type == AB_K_FLOAT) {
        if (!parse_float(n, &v) || !in_range(k->range, v)) return expected(err, n, display, what);
    } else {
        long long i;
        if (!parse_int(n, &i) || !in_range(k->range, (double)i)) return expected(err, n, display, what);
        double cap = k->type == AB_K_INT ? (double)INT_MAX : AB_MAX_EXACT;
        if ((double)i > cap) {
            snprintf(what + strlen(what), sizeof what - strlen(what), " and at most %.0f", cap);
            return expected(err, n, display, what);
        }
        v = (double)i;
    }
    *out = cJSON_CreateNumber(v);
    return AB_OK;
}

static ab_status enum_value(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                            ab_error *err)
{
    const char *names = k->names ? k->names() : k->range;
    if (is_scalar(n) && ab_name_in_list(n->text, names)) {
        *out = cJSON_CreateString(n->text);
        return AB_OK;
    }
    char g[100], best[80] = "", hint[120] = "";
    got(g, sizeof g, n);
    if (is_scalar(n)) ab_suggest(best, sizeof best, n->text, names);
    if (best[0]) snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    return ab_ynode_fail(err, n, display, "expected one of %s, got %s%s", names, g, hint);
}

static ab_status text_value(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                            ab_error *err)
{
    if (k->type == AB_K_NAME) {
        size_t len = is_scalar(n) ? strlen(n->text) : 0;
        if (!len || len > 100 || strspn(n->text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                 "0123456789._-") != len)
            return expected(err, n, display, "a name of 1 to 100 letters, digits, '.', '_' or '-'");
    } else if (!is_scalar(n) || strlen(n->text) > 1000) {
        return expected(err, n, display, "a string of at most 1000 characters");
    }
    *out = cJSON_CreateString(n->text);
    return AB_OK;
}

/* ---- composites ---- */

/* Each item of a list as an integer of row k; *out is a JSON array. */
static ab_status int_list(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                          const char *what, int max_items, ab_error *err)
{
    if (n->kind != AB_Y_SEQ || n->n == 0) return expected(err, n, display, what);
    if (n->n > max_items) return ab_ynode_fail(err, n, display, "at most %d items, got %d", max_items, n->n);
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n->n; i++) {
        cJSON *v = NULL;
        ab_status st = number_value(&v, k, n->items[i], display, err);
        if (st != AB_OK) {
            cJSON_Delete(arr);
            return st;
        }
        cJSON_AddItemToArray(arr, v);
    }
    *out = arr;
    return AB_OK;
}

/* A mapping of the part rows under k (model.init.*, data.augment.*), each
 * checked, the missing ones at their defaults, in schema order. */
static ab_status parts_value(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                             ab_error *err)
{
    char path[300], field[100];
    size_t plen = strlen(k->path);
    for (int i = 0; i < n->n; i++) {
        snprintf(path, sizeof path, "%s.%s", display, n->keys[i]->text);
        snprintf(field, sizeof field, "%s.%s", k->path, n->keys[i]->text);
        const ab_key *f = ab_schema_find(field);
        if (!f || !f->part)
            return ab_schema_unknown(err, n->keys[i], path, k->path, n->keys[i]->text);
    }
    cJSON *obj = cJSON_CreateObject();
    for (int r = 0; obj && r < ab_schema_count(); r++) {
        const ab_key *f = ab_schema_key(r);
        if (!f->part || strncmp(f->path, k->path, plen) || f->path[plen] != '.') continue;
        const char *leaf = f->path + plen + 1;
        const ab_ynode *v = ab_ynode_get(n, leaf);
        cJSON *item = NULL;
        snprintf(path, sizeof path, "%s.%s", display, leaf);
        ab_status st = !v ? ((item = ab_schema_default(f, NULL)) ? AB_OK : AB_ERR_NOMEM)
                          : ab_schema_value(&item, f, v, path, err);
        if (st != AB_OK) {
            cJSON_Delete(obj);
            return st;
        }
        cJSON_AddItemToObject(obj, leaf, item);
    }
    *out = obj;
    return obj ? AB_OK : AB_ERR_NOMEM;
}

int ab_schema_is_sweep(const ab_key *k, const ab_ynode *node)
{
    if (node->kind != AB_Y_SEQ) return 0;
    switch (k->type) {
    case AB_K_NAME: case AB_K_TEXT: case AB_K_SEEDS: case AB_K_GROUP: case AB_K_VARIANTS:
        return 0;
    case AB_K_WIDTHS: case AB_K_LAYERS:
        return node->n > 0 && node->items[0]->kind == AB_Y_SEQ;
    default:
        return 1;
    }
}

ab_status ab_schema_value(cJSON **out, const ab_key *k, const ab_ynode *n, const char *display,
                          ab_error *err)
{
    long long i;
    int b;
    *out = NULL;
    switch (k->type) {
    case AB_K_INT: case AB_K_LONG: case AB_K_FLOAT:
        return number_value(out, k, n, display, err);
    case AB_K_ENUM: {
        ab_status st = enum_value(out, k, n, display, err);
        /* a conv layer's unit is its channel: one name, one run ID */
        if (st == AB_OK && !strcmp(k->path, "model.prelu_sharing") && !strcmp((*out)->valuestring, "channel"))
            cJSON_SetValuestring(*out, "unit");
        return st;
    }
    case AB_K_NAME: case AB_K_TEXT:
        return text_value(out, k, n, display, err);
    case AB_K_INIT:
        return n->kind == AB_Y_MAP ? parts_value(out, k, n, display, err) : enum_value(out, k, n, display, err);
    case AB_K_MAPPING:
        if (n->kind != AB_Y_MAP) {
            char what[200];
            snprintf(what, sizeof what, "a mapping (%s)", k->help);
            return expected(err, n, display, what);
        }
        return parts_value(out, k, n, display, err);
    case AB_K_LAYERS:
        return ab_layers_value(out, n, display, err);
    case AB_K_BOOL:
        if (!parse_bool(n, &b)) return expected(err, n, display, "true or false");
        *out = cJSON_CreateBool(b);
        return AB_OK;
    case AB_K_HEADER:
        if (parse_bool(n, &b)) *out = cJSON_CreateBool(b);
        else if (is_scalar(n) && !strcmp(n->text, "auto")) *out = cJSON_CreateString("auto");
        else return expected(err, n, display, "true, false or auto");
        return AB_OK;
    case AB_K_LABEL:
        if (parse_int(n, &i) && i >= 0 && i <= INT_MAX) *out = cJSON_CreateNumber((double)i);
        else if (is_scalar(n) && strlen(n->text) < 128 && !(n->plain && n->text[0] == '-'))
            *out = cJSON_CreateString(n->text);
        else return expected(err, n, display, "a column name or a 0-based column index");
        return AB_OK;
    case AB_K_WIDTHS: {
        ab_key w = {.path = k->path, .type = AB_K_INT, .range = ">= 1"};
        return int_list(out, &w, n, display, "a non-empty list of layer widths (integers >= 1)",
                        AB_MAX_HIDDEN, err);
    }
    case AB_K_SEEDS: {
        ab_key s = {.path = k->path, .type = AB_K_LONG, .range = ">= 0"};
        if (n->kind != AB_Y_SEQ) {
            cJSON *v = NULL;
            ab_status st = number_value(&v, &s, n, display, err);
            if (st == AB_OK) cJSON_AddItemToArray(*out = cJSON_CreateArray(), v);
            return st;
        }
        return int_list(out, &s, n, display, "an integer >= 0 or a non-empty list of them", 100000, err);
    }
    default:
        return expected(err, n, display, "a mapping");
    }
}

/* ---- defaults ---- */

/* The default text of k for run: "v:x" entries keyed by the value at k->by. */
static const char *default_text(const ab_key *k, const cJSON *run, char *buf, size_t size)
{
    if (!k->def || !k->by) return k->def;
    const cJSON *sel = ab_config_get(run, k->by);
    const char *want = cJSON_IsString(sel) ? sel->valuestring : "";
    for (const char *s = k->def; *s;) {
        size_t len = strcspn(s, " ");
        const char *colon = memchr(s, ':', len);
        size_t klen = colon ? (size_t)(colon - s) : 0;
        int hit = klen && ((klen == strlen(want) && !strncmp(s, want, klen)) || (klen == 1 && *s == '*'));
        if (hit) {
            snprintf(buf, size, "%.*s", (int)(len - (size_t)(colon - s) - 1), colon + 1);
            return buf;
        }
        s += len;
        s += strspn(s, " ");
    }
    return NULL;
}

int ab_schema_has_default(const ab_key *k, const cJSON *run)
{
    char buf[1100];
    return default_text(k, run, buf, sizeof buf) != NULL;
}

cJSON *ab_schema_default(const ab_key *k, const cJSON *run)
{
    char buf[1100];
    const char *t = default_text(k, run, buf, sizeof buf);
    if (!t) return NULL;
    switch (k->type) {
    case AB_K_INT: case AB_K_LONG: case AB_K_FLOAT: case AB_K_LABEL:
        return cJSON_CreateNumber(strtod(t, NULL));
    case AB_K_BOOL:
        return cJSON_CreateBool(!strcmp(t, "true"));
    case AB_K_WIDTHS: case AB_K_SEEDS: {
        cJSON *arr = cJSON_CreateArray();
        for (char *end; arr && *t; t = end + strspn(end, ", ")) {
            cJSON *item = cJSON_CreateNumber(strtod(t, &end));
            if (!item || !cJSON_AddItemToArray(arr, item)) { /* out of memory: no half list */
                cJSON_Delete(item);
                cJSON_Delete(arr);
                arr = NULL;
            }
        }
        return arr;
    }
    default:
        return cJSON_CreateString(t);
    }
}
