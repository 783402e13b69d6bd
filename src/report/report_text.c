/* report_text.c: the report as plain text: a header, the variant table
 * with aligned columns, then one verdict per claim with its numbers. Calls
 * report_fmt and the comparison accessors of report_compare.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_fmt.h"
#include "report_internal.h"
#include "summary.h"

enum { COLS = 12, CELL = 160 };

/* "0.8812 ± 0.0031", with "*" when some runs of the variant diverged (a
 * mean of the survivors) */
static void mean_sd(char *buf, const ab_sample *s, const ab_variant *v)
{
    char m[32], sd[32];
    const char *mark = v->n_diverged && v->n_ok ? "*" : "";
    ab_fmt_num(m, sizeof m, s->mean, 0);
    ab_fmt_num(sd, sizeof sd, s->sd, 0);
    if (isfinite(s->sd)) snprintf(buf, CELL, "%s ± %s%s", m, sd, mark);
    else snprintf(buf, CELL, "%s%s", m, isfinite(s->mean) ? mark : "");
}

static void dead_cell(char *buf, const ab_variant *v)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int h = 0; h < v->n_layers && k < CELL - 8; h++) {
        if (isfinite(v->dead_mean[h])) k += (size_t)snprintf(buf + k, CELL - k, "%s%.2f", h ? "/" : "", v->dead_mean[h]);
        else k += (size_t)snprintf(buf + k, CELL - k, "%s-", h ? "/" : "");
    }
    if (!v->n_ok || !v->n_layers) snprintf(buf, CELL, "-");
    else if (v->n_diverged && k < CELL - 2) snprintf(buf + k, CELL - k, "*");
}

/* diff, 95% CI, p, test: of the test the comparison with the baseline used */
static void diff_cells(char (*c)[CELL], const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    const ab_comparison *k = &v->vs_baseline;
    const ab_ttest *t = ab_comparison_used(k);
    char lo[32], hi[32];
    if (v->baseline == i || v->baseline < 0) {
        for (int j = 0; j < 4; j++) snprintf(c[j], CELL, "-");
        if (v->baseline == i) snprintf(c[0], CELL, "baseline");
        return;
    }
    ab_fmt_num(c[0], CELL, t->diff, 1);
    ab_fmt_num(lo, sizeof lo, t->ci_low, 1);
    ab_fmt_num(hi, sizeof hi, t->ci_high, 1);
    if (t->ok) snprintf(c[1], CELL, "[%s, %s]", lo, hi);
    else snprintf(c[1], CELL, "n/a");
    ab_fmt_p(c[2], CELL, "p", t->p);
    size_t skip = c[2][1] == '=' ? 2 : 1; /* drop "p=" ("p<0.001" keeps "<") */
    if (t->ok) memmove(c[2], c[2] + skip, strlen(c[2] + skip) + 1);
    else snprintf(c[2], CELL, "-");
    if (k->use_paired) snprintf(c[3], CELL, "paired(%d)", k->n_pairs);
    else snprintf(c[3], CELL, "welch");
}

static void row_cells(char (*c)[CELL], const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    c[0][0] = '\0'; /* the label, of any length: text_of */
    snprintf(c[1], CELL, "%d/%d", v->n_ok, v->n);
    mean_sd(c[2], &v->acc_s, v);
    mean_sd(c[3], &v->gap_s, v);
    mean_sd(c[4], &v->gap_best_s, v);
    dead_cell(c[5], v);
    snprintf(c[6], CELL, "%d", v->n_diverged);
    snprintf(c[7], CELL, "%d", v->n_failed);
    diff_cells(c + 8, r, i);
}

/* Display width of the first n bytes of UTF-8 text (the "±"). */
static int width_n(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n && s[i]; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static int width(const char *s) { return width_n(s, strlen(s)); }

/* Row i's cell k (row 0 is the head); the variant's label is not copied
 * into a cell, so that a long one (a CNN's layers) is never cut. */
static const char *text_of(char (*cells)[COLS][CELL], const ab_report *r, int i, int k)
{
    return k == 0 && i > 0 ? ab_buf_str(&r->v[i - 1].label) : cells[i][k];
}

/* The columns cols[0..n) (column 0, the variant, first) as one table; when
 * that is wider than `limit` (0: no limit), each label gets a line of its
 * own above its row's cells. */
static void print_columns(FILE *f, char (*cells)[COLS][CELL], const ab_report *r, const int *cols, int n,
                          int limit)
{
    int w[COLS] = {0}, total = 0;
    for (int j = 0; j < n; j++) {
        for (int i = 0; i <= r->n_variants; i++)
            if (width(text_of(cells, r, i, cols[j])) > w[j]) w[j] = width(text_of(cells, r, i, cols[j]));
        total += w[j] + (j ? 2 : 0);
    }
    int own_line = limit > 0 && total > limit;
    for (int i = 0; i <= r->n_variants; i++) {
        if (own_line) fprintf(f, "%s\n  ", text_of(cells, r, i, 0));
        for (int j = 0; j < n; j++) {
            const char *t = text_of(cells, r, i, cols[j]);
            int pad = w[j] - width(t);
            if (j == 0 && own_line) continue;
            if (j == 0) fprintf(f, "%s%*s", t, pad, "");
            else fprintf(f, "%*s%*s%s", j == 1 && own_line ? 0 : 2, "", pad, "", t);
        }
        fputc('\n', f);
    }
}

/* A dead/layer cell wider than this shows only its largest layer when the
 * table must fit `limit` columns. */
enum { DEAD_NARROW = 24 };

static void dead_largest(char *buf, const ab_variant *v)
{
    int top = -1;
    for (int h = 0; h < v->n_layers; h++)
        if (isfinite(v->dead_mean[h]) && (top < 0 || v->dead_mean[h] > v->dead_mean[top])) top = h;
    if (top < 0) snprintf(buf, CELL, "-");
    else snprintf(buf, CELL, "max %.2f (%d/%d)%s", v->dead_mean[top], top + 1, v->n_layers, v->n_diverged ? "*" : "");
}

/* The variant table: one table when it fits `limit` columns (0: always),
 * else two: test accuracy with its comparison with the baseline, then the
 * gaps, the dead units and the diverged and failed runs. */
static int print_table(FILE *f, const ab_report *r, int limit)
{
    char (*cells)[COLS][CELL] = calloc((size_t)r->n_variants + 1, sizeof *cells);
    if (!cells) return -1;
    char diff_head[CELL];
    snprintf(diff_head, sizeof diff_head, "diff vs %s", r->baseline);
    const char *head[COLS] = {"variant", "finished", "test accuracy", "gap last", "gap best-val", "dead/layer",
                              "div", "fail", diff_head, "95% CI", "p", "test"};
    for (int k = 0; k < COLS; k++) snprintf(cells[0][k], CELL, "%s", head[k]);
    for (int i = 0; i < r->n_variants; i++) row_cells(cells[i + 1], r, i);
    int all[COLS], n = 0;
    for (int k = 0; k < COLS; k++)
        if (k != 4 || r->any_best) all[n++] = k;
    int total = 0;
    for (int j = 0; j < n; j++) {
        int w = 0;
        for (int i = 0; i <= r->n_variants; i++)
            if (width(text_of(cells, r, i, all[j])) > w) w = width(text_of(cells, r, i, all[j]));
        total += w + (j ? 2 : 0);
    }
    if (limit <= 0 || total <= limit) {
        print_columns(f, cells, r, all, n, limit);
    } else {
        int reduced = 0;
        for (int i = 0; i < r->n_variants; i++)
            if (width(cells[i + 1][5]) > DEAD_NARROW) dead_largest(cells[i + 1][5], &r->v[i]), reduced = 1;
        int first[COLS], second[COLS], a = 0, b = 0;
        /* test accuracy with its comparison; then the gaps and the dead units */
        for (int j = 0; j < n; j++) {
            int k = all[j];
            if (k <= 2 || k >= 8) first[a++] = k;
            if (k == 0 || (k >= 3 && k <= 7)) second[b++] = k;
        }
        print_columns(f, cells, r, first, a, limit);
        fputc('\n', f);
        print_columns(f, cells, r, second, b, limit);
        if (reduced)
            fputs("(max F (L/N): the largest final dead fraction, in hidden layer L of N; --wide shows each layer)\n",
                  f);
    }
    free(cells);
    return 0;
}

/* text with every line longer than limit broken at spaces, each
 * continuation indented 4 more than its line; a word longer than the rest
 * of a line is not cut. */
static void print_wrapped(FILE *f, const char *text, int limit)
{
    for (const char *line = text; *line;) {
        const char *end = line + strcspn(line, "\n"), *s = line;
        int indent = (int)strspn(line, " "), col = 0;
        while (s < end) {
            const char *cut = end;
            if (width_n(s, (size_t)(end - s)) > limit - col) {
                cut = NULL; /* the last space where the piece still fits */
                for (const char *q = s + 1; q < end && width_n(s, (size_t)(q - s)) <= limit - col; q++)
                    if (*q == ' ') cut = q;
                if (!cut) cut = memchr(s + 1, ' ', (size_t)(end - s - 1)); /* one long word */
                if (!cut) cut = end;
            }
            fwrite(s, 1, (size_t)(cut - s), f);
            for (s = cut; s < end && *s == ' ';) s++;
            if (s < end) col = fprintf(f, "\n%*s", indent + 4, "") - 1;
        }
        fputc('\n', f);
        line = *end ? end + 1 : end;
    }
}

int ab_report_print_text(FILE *f, const ab_report *r) { return ab_report_print_text_width(f, r, AB_REPORT_COLUMNS); }

int ab_report_print_text_width(FILE *out, const ab_report *r, int limit)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f) return -1;
    int left_out = cJSON_GetArraySize(r->left_out);
    fprintf(f, "%d runs, %d variants; run files left out: %d%s; differing settings:", cJSON_GetArraySize(r->runs),
            r->n_variants, left_out, left_out ? " (named on stderr)" : "");
    const cJSON *p;
    cJSON_ArrayForEach(p, r->swept) fprintf(f, "%s %s", p == r->swept->child ? "" : ",", p->valuestring);
    fprintf(f, "%s\n", r->n_swept ? "" : " none");
    char sources[2048];
    ab_sources_text(sources, sizeof sources, r->sources);
    int n_sources = cJSON_GetArraySize(r->sources);
    if (n_sources > 1)
        fprintf(f, "the runs come from %d sources (environment.source: code versions mixed):\n    %s\n", n_sources,
                sources);
    else fprintf(f, "source (environment.source): %s\n", sources);
    int partly = 0;
    for (int i = 0; i < r->n_variants; i++) partly |= r->v[i].n_diverged && r->v[i].n_ok;
    fprintf(f, "finished = runs that finished (status ok) / all runs of the variant; mean ± sd over the seeds\n"
               "of finished runs (diverged and failed runs left out%s);\n"
               "gap = train - test accuracy, at the last epoch%s; dead/layer = final dead fraction per hidden layer;\n"
               "diff = test accuracy minus that of the %s variant with the same other settings: the mean of\n"
               "the per-seed differences when they share >= %d seeds (paired t-test), else Welch's t-test;\n"
               "95%% CI and p of that test (n/a: fewer than 2 finished runs, or zero variance).\n\n",
            partly ? "; * marks a mean of the survivors of a variant where some runs diverged" : "",
            r->any_best ? " and at the best-validation epoch (final.best)" : "", r->baseline, AB_MIN_PAIRS);
    if (print_table(f, r, limit)) {
        fclose(f);
        free(text);
        return -1;
    }
    fprintf(f, "\nclaims (docs/claims.md); p-values Holm-adjusted within each claim; a comparison supports or\n"
               "contradicts only when its Holm p < 0.05:\n");
    for (int k = 0; k < AB_N_CLAIMS; k++) {
        const ab_claim *c = &r->claims[k];
        fprintf(f, "%s %s: %s\n    %s\n%s", c->id, ab_verdict_name(c->verdict), c->claim, ab_buf_str(&c->summary),
                ab_buf_str(&c->lines));
    }
    if (fclose(f)) {
        free(text);
        return -1;
    }
    if (limit > 0) print_wrapped(out, text, limit);
    else fputs(text, out);
    free(text);
    return 0;
}
