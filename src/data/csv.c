/* csv.c: loads a CSV file of numeric features and one integer label column,
 * with an optional header, and a separate test file or a test split taken
 * from the end. Fields are separated by commas, trimmed of blanks and of one
 * pair of surrounding double quotes (no commas inside quotes); blank lines
 * are skipped. Messages are "path:line:column: fault" (1-based). */
#include "data_internal.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_MAX_LABEL 65535
#define CSV_MAX_COLUMNS 1000000

typedef struct {
    const char *path;
    char *next;             /* the rest of the file */
    long line;              /* 1-based number of the line last returned */
    int ncols;              /* fields per row */
    char **fields;          /* (ncols) of the current row */
    int label;              /* 0-based index of the label column */
    char **names;           /* (ncols) header fields, or NULL */
} csv_file;

/* The next line that is not blank, cut at its end, or NULL at the end. */
static char *next_line(csv_file *f)
{
    while (*f->next) {
        char *line = f->next;
        char *end = strchr(line, '\n');
        f->next = end ? end + 1 : line + strlen(line);
        if (end) *end = '\0';
        f->line++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[len - 1] = '\0';
        if (line[strspn(line, " \t")]) return line;
    }
    return NULL;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) s[--len] = '\0';
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s[len - 1] = '\0';
        s++;
    }
    return s;
}

static int count_fields(const char *line)
{
    int n = 1;
    for (; *line; line++) n += *line == ',';
    return n;
}

/* Splits line in place into fields; returns how many it has (at most max are
 * stored, so a row with too many is not written past the end). */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *p = line;; n++) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        if (n < max) fields[n] = trim(p);
        if (!comma) return n + 1;
        p = comma + 1;
    }
}

/* The whole field as a finite number. */
static int parse_number(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return *s && !*end && isfinite(*v);
}

/* A label column given as digits is an index; anything else is a name. */
static int column_index(const char *s)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 7) return -1;
    return atoi(s);
}

static ab_status no_such_column(const csv_file *f, const char *name, ab_error *err)
{
    char list[256] = "";
    for (int i = 0; i < f->ncols && strlen(list) < sizeof list - 40; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "",
                 f->names[i]);
    return ab_fail(err, AB_ERR_FORMAT, "%s:%ld: no column named \"%s\" in the header (columns: %s)",
                   f->path, f->line, name, list);
}

/* From the first row: the label column, and whether that row is a header. */
static ab_status read_layout(csv_file *f, const ab_data_spec *spec, ab_error *err)
{
    const char *want = spec->label_column[0] ? spec->label_column : "0";
    int index = column_index(want);
    if (index < 0 && spec->header == 0)
        return ab_fail(err, AB_ERR_ARG, "data.label_column \"%s\" is a column name, but "
                       "data.header is 0 (no header)", want);
    if (index >= f->ncols)
        return ab_fail(err, AB_ERR_FORMAT, "%s:%ld: label column %d (0-based) does not exist: "
                       "rows have %d fields", f->path, f->line, index, f->ncols);
    int header = spec->header;
    if (header < 0) {
        header = index < 0;
        for (int i = 0; i < f->ncols && !header; i++) {
            double v;
            header = i != index && !parse_number(f->fields[i], &v);
        }
    }
    if (header && !(f->names = malloc((size_t)f->ncols * sizeof *f->names)))
        return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory", f->path);
    if (header) memcpy(f->names, f->fields, (size_t)f->ncols * sizeof *f->names);
    for (int i = 0; index < 0 && i < f->ncols; i++)
        if (strcmp(f->names[i], want) == 0) index = i;
    if (index < 0) return no_such_column(f, want, err);
    f->label = index;
    return AB_OK;
}

static ab_status grow(ab_raw_part *part, long *cap, int features, const char *path, ab_error *err)
{
    if (part->n < *cap) return AB_OK;
    long n = *cap ? 2 * *cap : 1024;
    float *x = realloc(part->x, (size_t)n * (size_t)features * sizeof *x);
    if (x) part->x = x;
    int32_t *y = realloc(part->y, (size_t)n * sizeof *y);
    if (y) part->y = y;
    if (!x || !y) return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory for %ld rows", path, n);
    *cap = n;
    return AB_OK;
}

/* Fields of the current row into row n of part. */
static ab_status parse_row(csv_file *f, ab_raw_part *part, int *max_label, ab_error *err)
{
    float *x = part->x + (size_t)part->n * (size_t)(f->ncols - 1);
    for (int i = 0; i < f->ncols; i++) {
        double v;
        const char *s = f->fields[i];
        const char *name = f->names ? f->names[i] : "";
        if (i == f->label) {
            if (!parse_number(s, &v) || v < 0 || v != floor(v) || v > CSV_MAX_LABEL)
                return ab_fail(err, AB_ERR_FORMAT, "%s:%ld:%d: label \"%s\" is not an integer "
                               "from 0 to %d (column \"%s\")", f->path, f->line, i + 1, s,
                               CSV_MAX_LABEL, name);
            part->y[part->n] = (int32_t)v;
            if ((int)v > *max_label) *max_label = (int)v;
        } else {
            if (!parse_number(s, &v))
                return ab_fail(err, AB_ERR_FORMAT, "%s:%ld:%d: \"%s\" is not a number (column "
                               "\"%s\")", f->path, f->line, i + 1, s, name);
            *x++ = (float)v;
        }
    }
    part->n++;
    return AB_OK;
}

/* Every data row; the first row is already split into f->fields. */
static ab_status parse_rows(csv_file *f, ab_raw_part *part, int *max_label, ab_error *err)
{
    long cap = 0;
    ab_status st = AB_OK;
    for (int read = f->names != NULL; st == AB_OK; read = 1) {
        char *line = read ? next_line(f) : NULL;
        if (read && !line) break;
        int n = read ? split_fields(line, f->fields, f->ncols) : f->ncols;
        if (n != f->ncols)
            return ab_fail(err, AB_ERR_FORMAT, "%s:%ld: %d fields, expected %d", f->path, f->line,
                           n, f->ncols);
        st = grow(part, &cap, f->ncols - 1, f->path, err);
        if (st == AB_OK) st = parse_row(f, part, max_label, err);
    }
    if (st == AB_OK && part->n == 0)
        st = ab_fail(err, AB_ERR_FORMAT, "%s: no data rows", f->path);
    return st;
}

/* One CSV file into part; *ncols is set by the first file and checked
 * against by the next. */
static ab_status load_file(ab_raw_part *part, const char *path, const ab_data_spec *spec,
                           int *ncols, int *max_label, ab_error *err)
{
    char *text;
    size_t size;
    ab_status st = ab_file_read_all(path, &text, &size, err);
    if (st != AB_OK) return st;
    csv_file f = {.path = path, .next = text};
    char *line = NULL;
    if (memchr(text, '\0', size))
        st = ab_fail(err, AB_ERR_FORMAT, "%s: contains a NUL byte: not a text file", path);
    else if (!(line = next_line(&f)))
        st = ab_fail(err, AB_ERR_FORMAT, "%s: empty file", path);
    if (st == AB_OK) {
        f.ncols = count_fields(line);
        if (f.ncols < 2 || f.ncols > CSV_MAX_COLUMNS)
            st = ab_fail(err, AB_ERR_FORMAT, "%s:%ld: %d fields: need a label and at least one "
                         "feature", path, f.line, f.ncols);
        else if (*ncols && f.ncols != *ncols)
            st = ab_fail(err, AB_ERR_FORMAT, "%s:%ld: %d fields, the training file has %d", path,
                         f.line, f.ncols, *ncols);
    }
    if (st == AB_OK && !(f.fields = malloc((size_t)f.ncols * sizeof *f.fields)))
        st = ab_fail(err, AB_ERR_NOMEM, "%s: out of memory", path);
    if (st == AB_OK) {
        split_fields(line, f.fields, f.ncols);
        st = read_layout(&f, spec, err);
    }
    if (st == AB_OK) st = parse_rows(&f, part, max_label, err);
    *ncols = f.ncols;
    free(f.names);
    free(f.fields);
    free(text);
    return st;
}

/* Moves the last n_test rows of part into test. */
static ab_status split_off_test(ab_raw_part *train, ab_raw_part *test, long n_test, int features,
                                ab_error *err)
{
    ab_status st = ab_raw_part_alloc(test, n_test, features, 0, err);
    if (st != AB_OK) return st;
    long first = train->n - n_test;
    memcpy(test->x, train->x + (size_t)first * (size_t)features,
           (size_t)n_test * (size_t)features * sizeof *test->x);
    memcpy(test->y, train->y + first, (size_t)n_test * sizeof *test->y);
    train->n = first;
    return AB_OK;
}

ab_status ab_csv_load(ab_raw *raw, const ab_data_spec *spec, ab_error *err)
{
    if (!spec->path[0])
        return ab_fail(err, AB_ERR_ARG, "data.path: the csv data set needs the path of its file");
    int split = !spec->test_path[0];
    if (split && !(spec->test_split >= 0 && spec->test_split < 1))
        return ab_fail(err, AB_ERR_ARG, "data.test_split: %g is not in [0, 1)", spec->test_split);
    int ncols = 0, max_label = 0;
    ab_status st = load_file(&raw->train, spec->path, spec, &ncols, &max_label, err);
    if (st != AB_OK) return st;
    int features = ncols - 1;
    if (split) {
        long n_test = (long)floor(spec->test_split * (double)raw->train.n + 0.5);
        if (n_test >= raw->train.n)
            return ab_fail(err, AB_ERR_ARG, "%s: a test split of %g leaves no training rows "
                           "out of %ld", spec->path, spec->test_split, raw->train.n);
        st = split_off_test(&raw->train, &raw->test, n_test, features, err);
    } else {
        st = load_file(&raw->test, spec->test_path, spec, &ncols, &max_label, err);
    }
    if (st != AB_OK) return st;
    raw->c = features;
    raw->h = raw->w = 1;
    raw->classes = max_label + 1;
    return AB_OK;
}
