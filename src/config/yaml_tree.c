/* yaml_tree.c: libyaml events to an ab_ynode tree with positions. Rejects
 * anchors, aliases, tags other than !!str, complex keys, duplicate keys and
 * more than one document. Formats every config error location. No stdout. */
#include "yaml_tree.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define AB_YAML_MAX_DEPTH 64
#define AB_YAML_MAX_BYTES (16L << 20)

struct ab_ypool {
    void **blocks;
    int n, cap;
};

ab_ypool *ab_ypool_new(void) { return calloc(1, sizeof(ab_ypool)); }

void ab_ypool_free(ab_ypool *p)
{
    if (!p) return;
    for (int i = 0; i < p->n; i++) free(p->blocks[i]);
    free(p->blocks);
    free(p);
}

/* Zeroed memory owned by the pool. */
static void *pool_alloc(ab_ypool *p, size_t size)
{
    if (p->n == p->cap) {
        int cap = p->cap ? 2 * p->cap : 64;
        void **b = realloc(p->blocks, (size_t)cap * sizeof *b);
        if (!b) return NULL;
        p->blocks = b;
        p->cap = cap;
    }
    void *m = calloc(1, size ? size : 1);
    if (m) p->blocks[p->n++] = m;
    return m;
}

static char *pool_strndup(ab_ypool *p, const char *s, size_t n)
{
    char *d = pool_alloc(p, n + 1);
    if (d) memcpy(d, s, n);
    return d;
}

char *ab_ypool_strdup(ab_ypool *p, const char *s) { return pool_strndup(p, s, strlen(s)); }

ab_ynode *ab_ynode_new(ab_ypool *p, ab_ykind kind, const ab_ysource *src, int line, int col)
{
    ab_ynode *n = pool_alloc(p, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->src = src;
    n->line = line;
    n->col = col;
    n->text = "";
    n->plain = 1;
    return n;
}

static ab_status grow(ab_ypool *p, ab_ynode *n)
{
    if (n->n < n->cap) return AB_OK;
    int cap = n->cap ? 2 * n->cap : 8;
    ab_ynode **items = pool_alloc(p, (size_t)cap * sizeof *items);
    ab_ynode **keys = pool_alloc(p, (size_t)cap * sizeof *keys);
    if (!items || !keys) return AB_ERR_NOMEM;
    if (n->n) {
        memcpy(items, n->items, (size_t)n->n * sizeof *items);
        if (n->keys) memcpy(keys, n->keys, (size_t)n->n * sizeof *keys);
    }
    n->items = items;
    n->keys = n->kind == AB_Y_MAP ? keys : NULL;
    n->cap = cap;
    return AB_OK;
}

ab_status ab_ynode_put(ab_ypool *p, ab_ynode *map, ab_ynode *key, ab_ynode *value)
{
    if (grow(p, map) != AB_OK) return AB_ERR_NOMEM;
    if (map->keys) map->keys[map->n] = key;
    map->items[map->n++] = value;
    return AB_OK;
}

int ab_ynode_find(const ab_ynode *map, const char *key)
{
    if (!map || map->kind != AB_Y_MAP) return -1;
    for (int i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i]->text, key)) return i;
    return -1;
}

ab_ynode *ab_ynode_get(const ab_ynode *map, const char *key)
{
    int i = ab_ynode_find(map, key);
    return i < 0 ? NULL : map->items[i];
}

int ab_ynode_is_null(const ab_ynode *n)
{
    return n->kind == AB_Y_SCALAR && n->plain &&
           (!n->text[0] || !strcmp(n->text, "~") || !strcmp(n->text, "null"));
}

void ab_ynode_where(char *buf, unsigned long size, const ab_ynode *at)
{
    if (!at || !at->src) snprintf(buf, size, "(config)");
    else if (at->src->is_set || at->line <= 0) snprintf(buf, size, "%s", at->src->name);
    else snprintf(buf, size, "%s:%d:%d", at->src->name, at->line, at->col);
}

ab_status ab_ynode_fail(ab_error *err, const ab_ynode *at, const char *path, const char *fmt, ...)
{
    char where[1200], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ab_ynode_where(where, sizeof where, at);
    if (path && path[0]) return ab_fail(err, AB_ERR_FORMAT, "%s: %s: %s", where, path, msg);
    return ab_fail(err, AB_ERR_FORMAT, "%s: %s", where, msg);
}

/* ---- the parser ---- */

typedef struct {
    yaml_parser_t parser;
    ab_ypool *pool;
    const ab_ysource *src;
    const char *text;
    size_t len;
    ab_error *err;
    char path[512];
} ctx;

static ab_status at_mark(ctx *c, yaml_mark_t m, const char *fmt, const char *detail)
{
    ab_ynode at = {.src = c->src, .line = (int)m.line + 1, .col = (int)m.column + 1};
    return ab_ynode_fail(c->err, &at, c->path, fmt, detail);
}

static ab_status syntax_error(ctx *c)
{
    yaml_parser_t *y = &c->parser;
    yaml_mark_t m = y->problem_mark;
    if (y->error == YAML_READER_ERROR) { /* only a byte offset is known */
        m.line = m.column = 0;
        for (size_t i = 0; i < y->problem_offset && i < c->len; i++) {
            if (c->text[i] == '\n') m.line++, m.column = 0;
            else m.column++;
        }
    }
    char problem[300];
    snprintf(problem, sizeof problem, "%s%s%s%s", y->problem ? y->problem : "out of memory",
             y->context ? " (" : "", y->context ? y->context : "", y->context ? ")" : "");
    c->path[0] = 0;
    return at_mark(c, m, "YAML syntax error: %s", problem);
}

static ab_status next_event(ctx *c, yaml_event_t *ev)
{
    return yaml_parser_parse(&c->parser, ev) ? AB_OK : syntax_error(c);
}

static ab_status unsupported(ctx *c, yaml_event_t *ev, const char *what)
{
    return at_mark(c, ev->start_mark, "%s are not supported", what);
}

static ab_status parse_node(ctx *c, yaml_event_t *ev, ab_ynode **out, int depth);

static ab_status parse_scalar(ctx *c, yaml_event_t *ev, ab_ynode **out)
{
    const char *tag = (const char *)ev->data.scalar.tag;
    if (ev->data.scalar.anchor) return unsupported(c, ev, "YAML anchors and aliases");
    if (tag && strcmp(tag, YAML_STR_TAG) && strcmp(tag, "!")) return unsupported(c, ev, "YAML tags");
    if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
        return at_mark(c, ev->start_mark, "a value contains a NUL byte%s", "");
    ab_ynode *n = ab_ynode_new(c->pool, AB_Y_SCALAR, c->src, (int)ev->start_mark.line + 1,
                               (int)ev->start_mark.column + 1);
    if (!n) return AB_ERR_NOMEM;
    n->text = pool_strndup(c->pool, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    if (!n->text) return AB_ERR_NOMEM;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag;
    *out = n;
    return AB_OK;
}

static ab_status parse_children(ctx *c, ab_ynode *n, yaml_event_type_t end, int depth)
{
    size_t base = strlen(c->path);
    for (;;) {
        yaml_event_t ev, vev;
        ab_status st = next_event(c, &ev);
        if (st != AB_OK) return st;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return AB_OK;
        }
        ab_ynode *key = NULL, *value = NULL;
        if (n->kind == AB_Y_MAP) {
            if (ev.type != YAML_SCALAR_EVENT) {
                st = ev.type == YAML_ALIAS_EVENT ? unsupported(c, &ev, "YAML anchors and aliases")
                                                 : at_mark(c, ev.start_mark, "keys must be plain names%s", "");
                yaml_event_delete(&ev);
                return st;
            }
            st = parse_scalar(c, &ev, &key);
            yaml_event_delete(&ev);
            if (st != AB_OK) return st;
            snprintf(c->path + base, sizeof c->path - base, "%s%s", base ? "." : "", key->text);
            int prev = ab_ynode_find(n, key->text);
            if (prev >= 0)
                return ab_ynode_fail(c->err, key, c->path, "duplicate key (first at line %d)",
                                     n->keys[prev]->line);
            st = next_event(c, &vev);
            if (st != AB_OK) return st;
            st = parse_node(c, &vev, &value, depth + 1);
            yaml_event_delete(&vev);
        } else {
            snprintf(c->path + base, sizeof c->path - base, "[%d]", n->n);
            st = parse_node(c, &ev, &value, depth + 1);
            yaml_event_delete(&ev);
        }
        if (st != AB_OK) return st;
        c->path[base] = 0;
        if (ab_ynode_put(c->pool, n, key, value) != AB_OK) return AB_ERR_NOMEM;
    }
}

static ab_status parse_node(ctx *c, yaml_event_t *ev, ab_ynode **out, int depth)
{
    if (depth > AB_YAML_MAX_DEPTH) return at_mark(c, ev->start_mark, "nested deeper than %s levels", "64");
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return parse_scalar(c, ev, out);
    case YAML_ALIAS_EVENT:
        return unsupported(c, ev, "YAML anchors and aliases");
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        const yaml_char_t *tag = is_map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
        if (anchor) return unsupported(c, ev, "YAML anchors and aliases");
        if (tag) return unsupported(c, ev, "YAML tags");
        ab_ynode *n = ab_ynode_new(c->pool, is_map ? AB_Y_MAP : AB_Y_SEQ, c->src,
                                   (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1);
        if (!n) return AB_ERR_NOMEM;
        *out = n;
        return parse_children(c, n, is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth);
    }
    default:
        return at_mark(c, ev->start_mark, "unexpected YAML event%s", "");
    }
}

/* STREAM-START [DOCUMENT-START node DOCUMENT-END] STREAM-END */
static ab_status parse_stream(ctx *c, ab_ynode **root)
{
    yaml_event_t ev;
    ab_status st;
    *root = NULL;
    while ((st = next_event(c, &ev)) == AB_OK) {
        yaml_event_type_t t = ev.type;
        if (t == YAML_DOCUMENT_START_EVENT && *root) {
            st = at_mark(c, ev.start_mark, "YAML syntax error: %s", "more than one document");
        } else if (t == YAML_SCALAR_EVENT || t == YAML_SEQUENCE_START_EVENT ||
                   t == YAML_MAPPING_START_EVENT || t == YAML_ALIAS_EVENT) {
            st = parse_node(c, &ev, root, 0);
        }
        yaml_event_delete(&ev);
        if (st != AB_OK || t == YAML_STREAM_END_EVENT) break;
    }
    return st;
}

static ab_status parse_buffer(ab_ypool *p, const ab_ysource *src, const char *text, size_t len,
                              ab_ynode **root, ab_error *err)
{
    ctx c = {.pool = p, .src = src, .text = text, .len = len, .err = err};
    if (!yaml_parser_initialize(&c.parser)) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
    ab_status st = parse_stream(&c, root);
    yaml_parser_delete(&c.parser);
    if (st == AB_ERR_NOMEM) ab_fail(err, st, "%s: out of memory", src->name);
    return st;
}

static const ab_ysource *new_source(ab_ypool *p, const char *name, int is_set)
{
    ab_ysource *s = pool_alloc(p, sizeof *s);
    if (!s || !(s->name = pool_strndup(p, name, strlen(name)))) return NULL;
    s->is_set = is_set;
    return s;
}

ab_status ab_yaml_parse_text(ab_ypool *p, const char *label, int is_set, const char *text,
                             ab_ynode **root, ab_error *err)
{
    const ab_ysource *src = new_source(p, label, is_set);
    if (!src) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    ab_status st = parse_buffer(p, src, text, strlen(text), root, err);
    if (st == AB_OK && !*root && !(*root = ab_ynode_new(p, AB_Y_SCALAR, src, 1, 1)))
        st = ab_fail(err, AB_ERR_NOMEM, "out of memory");
    return st;
}

ab_status ab_yaml_parse_file(ab_ypool *p, const char *path, ab_ynode **root, ab_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return ab_fail(err, AB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode)) return ab_fail(err, AB_ERR_IO, "%s: cannot open: not a regular file", path);
    if (sb.st_size > AB_YAML_MAX_BYTES)
        return ab_fail(err, AB_ERR_IO, "%s: cannot open: larger than 16 MiB", path);
    FILE *f = fopen(path, "rb");
    if (!f) return ab_fail(err, AB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    char *text = pool_alloc(p, (size_t)sb.st_size + 1);
    size_t len = text ? fread(text, 1, (size_t)sb.st_size, f) : 0;
    int bad = !text || ferror(f);
    fclose(f);
    if (bad) return ab_fail(err, AB_ERR_IO, "%s: cannot read: %s", path, text ? strerror(errno) : "out of memory");
    const ab_ysource *src = new_source(p, path, 0);
    if (!src) return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    return parse_buffer(p, src, text, len, root, err);
}
