/* check_schema.c: checks result files against the field tables of
 * docs/results.md. Usage: check_schema RESULTS.md FILE...
 * A file named summary.json is checked as "summary", experiment.json as
 * "experiment", any other as a run file ("run"). Every object must hold
 * exactly the documented fields (none missing, none undocumented), of the
 * documented type, null only where the table does not say "never"; the
 * text must be JSON without NaN/Infinity. Nested objects and arrays are
 * checked when a table NAME.field or NAME.field[] exists. Field families:
 * <setting> (the summary's settings paths; without seed in groups), <metric>
 * (each row of the summary.metrics table) and <K> (1, 2, ... L with the
 * same L for every family of the object). A run file's probed layers are
 * also checked for consistency: every epoch lists the same layers, each of
 * kind "dense" or "conv" with the same kind and units at every epoch, dead
 * at most units, and final.dead_fraction has one entry per layer. Prints
 * one line per problem; exits 1 when there is any. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#define MAX_TABLES 32
#define MAX_FIELDS 64
#define MAX_PATTERNS 512

typedef struct {
    char name[96];
    char type[64];   /* integer, number, number or null, string, boolean, object, any, "array of T" */
    int nullable;
} field;

typedef struct {
    char name[96];
    field fields[MAX_FIELDS];
    int n;
} table;

static table g_tables[MAX_TABLES];
static int g_n_tables, g_errors;
static const char *g_file;

static void problem(const char *path, const char *fmt, const char *a, const char *b)
{
    printf("%s: %s: ", g_file, path[0] ? path : "(top)");
    printf(fmt, a, b);
    putchar('\n');
    g_errors++;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

/* Splits a table row into cells (a "\|" does not split). Returns the count. */
static int split_row(char *line, char **cells, int max)
{
    int n = 0;
    char *p = strchr(line, '|');
    if (!p) return 0;
    p++;
    while (*p && n < max) {
        char *start = p;
        while (*p && !(*p == '|' && p[-1] != '\\')) p++;
        if (!*p) break;
        *p++ = '\0';
        cells[n++] = trim(start);
    }
    return n;
}

static int read_tables(const char *doc)
{
    FILE *f = fopen(doc, "r");
    if (!f) {
        printf("%s: cannot open\n", doc);
        return -1;
    }
    char line[4096];
    table *t = NULL;
    int null_col = -1, row = 0;
    while (fgets(line, sizeof line, f)) {
        char name[96];
        if (sscanf(line, "<!-- schema: %95s -->", name) == 1) {
            if (g_n_tables == MAX_TABLES) break;
            t = &g_tables[g_n_tables++];
            snprintf(t->name, sizeof t->name, "%s", name);
            row = 0;
            null_col = -1;
            continue;
        }
        if (!t) continue;
        char *s = trim(line);
        if (s[0] != '|') {
            if (row > 0) t = NULL; /* the table ended */
            continue;
        }
        char *cells[16];
        int nc = split_row(s, cells, 16);
        if (row++ == 0) { /* header: find the "null when" column */
            for (int c = 0; c < nc; c++)
                if (!strncmp(cells[c], "null", 4)) null_col = c;
            continue;
        }
        if (nc < 2 || !strncmp(cells[0], "---", 3)) continue;
        char *b1 = strchr(cells[0], '`'), *b2 = b1 ? strchr(b1 + 1, '`') : NULL;
        if (!b1 || !b2 || t->n == MAX_FIELDS) continue;
        field *fd = &t->fields[t->n++];
        snprintf(fd->name, sizeof fd->name, "%.*s", (int)(b2 - b1 - 1), b1 + 1);
        snprintf(fd->type, sizeof fd->type, "%s", cells[1]);
        fd->nullable = !(null_col >= 0 && null_col < nc && !strncmp(cells[null_col], "never", 5));
    }
    fclose(f);
    if (g_n_tables == 0) {
        printf("%s: no <!-- schema: NAME --> tables found\n", doc);
        return -1;
    }
    return 0;
}

static const table *find_table(const char *name)
{
    for (int i = 0; i < g_n_tables; i++)
        if (!strcmp(g_tables[i].name, name)) return &g_tables[i];
    return NULL;
}

static int type_ok(const char *type, const cJSON *v)
{
    if (!strncmp(type, "any", 3)) return 1;
    if (!strncmp(type, "integer", 7))
        return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 9.1e15;
    if (!strncmp(type, "number or null", 14)) return cJSON_IsNumber(v) || cJSON_IsNull(v);
    if (!strncmp(type, "number", 6)) return cJSON_IsNumber(v);
    if (!strncmp(type, "string", 6)) return cJSON_IsString(v);
    if (!strncmp(type, "boolean", 7)) return cJSON_IsBool(v);
    if (!strncmp(type, "object", 6)) return cJSON_IsObject(v);
    if (!strncmp(type, "array of ", 9)) {
        if (!cJSON_IsArray(v)) return 0;
        for (const cJSON *e = v->child; e; e = e->next)
            if (!type_ok(type + 9, e)) return 0;
        return 1;
    }
    return -1; /* unknown type word in the table */
}

/* A field name after expanding the families other than <K>. */
typedef struct {
    char name[160];
    const field *fd;
    int seen;
    char ks[64];     /* for <K> patterns: which K (1..63) were seen */
} pattern;

static void add_pattern(pattern *p, int *n, const char *name, const field *fd)
{
    if (*n == MAX_PATTERNS) return;
    memset(&p[*n], 0, sizeof p[*n]);
    snprintf(p[*n].name, sizeof p[*n].name, "%s", name);
    p[*n].fd = fd;
    (*n)++;
}

/* Replaces the first "<word>" of name by value into out. */
static void substitute(char *out, size_t size, const char *name, const char *word, const char *value)
{
    const char *at = strstr(name, word);
    snprintf(out, size, "%.*s%s%s", (int)(at - name), name, value, at + strlen(word));
}

static int expand(pattern *p, const table *t, const cJSON *settings, int skip_seed)
{
    int n = 0;
    const table *metrics = find_table("summary.metrics");
    for (int i = 0; i < t->n; i++) {
        const field *fd = &t->fields[i];
        char buf[160];
        if (strstr(fd->name, "<setting>")) {
            for (const cJSON *s = settings ? settings->child : NULL; s; s = s->next) {
                if (!cJSON_IsString(s) || (skip_seed && !strcmp(s->valuestring, "seed"))) continue;
                substitute(buf, sizeof buf, fd->name, "<setting>", s->valuestring);
                add_pattern(p, &n, buf, fd);
            }
        } else if (strstr(fd->name, "<metric>") && metrics) {
            for (int m = 0; m < metrics->n; m++) {
                substitute(buf, sizeof buf, fd->name, "<metric>", metrics->fields[m].name);
                /* a row's metric keeps the metric's own type */
                add_pattern(p, &n, buf, !strcmp(fd->name, "<metric>") ? &metrics->fields[m] : fd);
            }
        } else {
            add_pattern(p, &n, fd->name, fd);
        }
    }
    return n;
}

/* K when key matches the <K> pattern name, else 0. */
static int match_k(const char *pat, const char *key)
{
    const char *at = strstr(pat, "<K>");
    if (!at) return 0;
    size_t pre = (size_t)(at - pat), post = strlen(at + 3);
    size_t len = strlen(key);
    if (len <= pre + post || strncmp(key, pat, pre) || strcmp(key + len - post, at + 3)) return 0;
    int k = 0;
    for (size_t i = pre; i < len - post; i++) {
        if (!isdigit((unsigned char)key[i]) || (i == pre && key[i] == '0') || k > 1000) return 0;
        k = k * 10 + (key[i] - '0');
    }
    return k;
}

static void check_object(const char *tname, const cJSON *obj, const char *path, const cJSON *settings);

static void check_value(const char *tname, const field *fd, const cJSON *v, const char *path, const cJSON *settings)
{
    if (cJSON_IsNull(v)) {
        if (!fd->nullable) problem(path, "is null; the table says never%s%s", "", "");
        return;
    }
    int ok = type_ok(fd->type, v);
    if (ok < 0) problem(path, "the table gives an unknown type '%s'%s", fd->type, "");
    else if (!ok) problem(path, "expected %s%s", fd->type, "");
    char sub[256];
    snprintf(sub, sizeof sub, "%s.%s", tname, fd->name);
    if (cJSON_IsObject(v) && find_table(sub)) check_object(sub, v, path, settings);
    snprintf(sub, sizeof sub, "%s.%s[]", tname, fd->name);
    if (cJSON_IsArray(v) && find_table(sub)) {
        int i = 0;
        for (const cJSON *e = v->child; e; e = e->next, i++) {
            char ep[1024];
            snprintf(ep, sizeof ep, "%.900s[%d]", path, i);
            if (!cJSON_IsObject(e)) problem(ep, "expected an object%s%s", "", "");
            else check_object(sub, e, ep, settings);
        }
    }
}

static void check_object(const char *tname, const cJSON *obj, const char *path, const cJSON *settings)
{
    const table *t = find_table(tname);
    if (!t) {
        problem(path, "no table '%s' in the documentation%s", tname, "");
        return;
    }
    pattern *p = calloc(MAX_PATTERNS, sizeof *p);
    int n = expand(p, t, settings, strcmp(tname, "summary.runs[]") != 0);
    for (const cJSON *c = obj->child; c; c = c->next) {
        char fp[1024];
        snprintf(fp, sizeof fp, "%.900s%s%.100s", path, path[0] ? "." : "", c->string);
        int found = -1;
        for (int i = 0; i < n && found < 0; i++) {
            int k = match_k(p[i].name, c->string);
            if (k > 0 && k < 64) p[i].ks[k] = 1, found = i;
            else if (!strcmp(p[i].name, c->string)) p[i].seen++, found = i;
        }
        if (found < 0) problem(fp, "field not documented in table '%s'%s", tname, "");
        else check_value(tname, p[found].fd, c, fp, settings);
    }
    int L = 0, any_k = 0;
    for (int i = 0; i < n; i++) {
        if (!strstr(p[i].name, "<K>")) {
            char fp[1024];
            snprintf(fp, sizeof fp, "%.900s%s%.100s", path, path[0] ? "." : "", p[i].name);
            if (!p[i].seen) problem(fp, "documented field missing (table '%s')%s", tname, "");
            continue;
        }
        any_k = 1;
        for (int k = 1; k < 64; k++)
            if (p[i].ks[k] && k > L) L = k;
    }
    if (any_k && L == 0) problem(path, "no field of a <K> family (table '%s')%s", tname, "");
    for (int i = 0; i < n; i++) {
        if (!strstr(p[i].name, "<K>")) continue;
        for (int k = 1; k <= L; k++)
            if (!p[i].ks[k]) {
                char kk[16];
                snprintf(kk, sizeof kk, "%d", k);
                problem(path, "field %s missing for K = %s", p[i].name, kk);
            }
    }
    free(p);
}

/* Any bare word outside strings other than true/false/null (NaN, Infinity). */
static void check_text(const char *text)
{
    int in_str = 0;
    for (const char *s = text; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1]) s++;
            else if (*s == '"') in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if (isalpha((unsigned char)*s) && !(s > text && (isdigit((unsigned char)s[-1]) || s[-1] == '.'))) {
            char word[32];
            int n = 0;
            while (isalpha((unsigned char)s[n]) && n < 31) word[n] = s[n], n++;
            word[n] = '\0';
            if (strcmp(word, "true") && strcmp(word, "false") && strcmp(word, "null"))
                problem("", "non-JSON token '%s' in the text%s", word, "");
            s += n - 1;
        }
    }
}

/* The probed layers of a run file (epochs[].layers[]) agree across epochs. */
static void check_run_layers(const cJSON *doc)
{
    const cJSON *epochs = cJSON_GetObjectItemCaseSensitive(doc, "epochs");
    const cJSON *first = NULL;
    int e = 0;
    for (const cJSON *ep = epochs ? epochs->child : NULL; ep; ep = ep->next, e++) {
        const cJSON *layers = cJSON_GetObjectItemCaseSensitive(ep, "layers");
        if (!cJSON_IsArray(layers)) continue;
        if (!first) first = layers;
        char path[128], n1[16], n2[16];
        snprintf(path, sizeof path, "epochs[%d].layers", e);
        snprintf(n1, sizeof n1, "%d", cJSON_GetArraySize(layers));
        snprintf(n2, sizeof n2, "%d", cJSON_GetArraySize(first));
        if (cJSON_GetArraySize(layers) != cJSON_GetArraySize(first))
            problem(path, "%s layers, the first epoch has %s", n1, n2);
        int h = 0;
        for (const cJSON *l = layers->child; l; l = l->next, h++) {
            const cJSON *f = cJSON_GetArrayItem(first, h);
            const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(l, "kind"));
            const cJSON *units = cJSON_GetObjectItemCaseSensitive(l, "units");
            const cJSON *dead = cJSON_GetObjectItemCaseSensitive(l, "dead");
            snprintf(path, sizeof path, "epochs[%d].layers[%d]", e, h);
            if (!kind || (strcmp(kind, "dense") && strcmp(kind, "conv")))
                problem(path, "kind is '%s', not dense or conv%s", kind ? kind : "(none)", "");
            if (f && (!kind || !cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind")) ||
                      strcmp(kind, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(f, "kind"))) ||
                      !cJSON_Compare(units, cJSON_GetObjectItemCaseSensitive(f, "units"), 1)))
                problem(path, "kind or units differ from the first epoch's layer%s%s", "", "");
            if (cJSON_IsNumber(dead) && cJSON_IsNumber(units) &&
                (dead->valuedouble < 0 || dead->valuedouble > units->valuedouble))
                problem(path, "dead is not between 0 and units%s%s", "", "");
        }
    }
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(doc, "final");
    const cJSON *df = cJSON_GetObjectItemCaseSensitive(fin, "dead_fraction");
    if (first && cJSON_IsArray(df) && cJSON_GetArraySize(df) != cJSON_GetArraySize(first)) {
        char n1[16], n2[16];
        snprintf(n1, sizeof n1, "%d", cJSON_GetArraySize(df));
        snprintf(n2, sizeof n2, "%d", cJSON_GetArraySize(first));
        problem("final.dead_fraction", "%s entries for %s probed layers", n1, n2);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) len = 0;
    if (buf) buf[len] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: check_schema RESULTS.md FILE...\n");
        return 2;
    }
    if (read_tables(argv[1]) != 0) return 1;
    for (int i = 2; i < argc; i++) {
        g_file = argv[i];
        char *text = slurp(argv[i]);
        if (!text) {
            problem("", "cannot read%s%s", "", "");
            continue;
        }
        check_text(text);
        cJSON *doc = cJSON_Parse(text);
        free(text);
        if (!cJSON_IsObject(doc)) {
            problem("", "not a JSON object%s%s", "", "");
            cJSON_Delete(doc);
            continue;
        }
        const char *base = strrchr(argv[i], '/');
        base = base ? base + 1 : argv[i];
        const char *kind = !strcmp(base, "summary.json") ? "summary" : !strcmp(base, "experiment.json") ? "experiment" : "run";
        check_object(kind, doc, "", cJSON_GetObjectItemCaseSensitive(doc, "settings"));
        if (!strcmp(kind, "run")) check_run_layers(doc);
        cJSON_Delete(doc);
    }
    printf("check_schema: %d files, %d problems\n", argc - 2, g_errors);
    return g_errors ? 1 : 0;
}
