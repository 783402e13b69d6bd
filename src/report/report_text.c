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

/* Display width of UTF-8 text (the "±"). */
static int width(const char *s)
{
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Row i's cell k (row 0 is the head); the variant's label is not copied
 * into a cell, so that a long one (a CNN's layers) is never cut. */
static const char *text_of(char (*cells)[COLS][CELL], const ab_report *r, int i, int k)
{
    return k == 0 && i > 0 ? ab_buf_str(&r->v[i - 1].label) : cells[i][k];
}

static int print_table(FILE *f, const ab_report *r)
{
    char (*cells)[COLS][CELL] = calloc((size_t)r->n_variants + 1, sizeof *cells);
    if (!cells) return -1;
    char diff_head[CELL];
    snprintf(diff_head, sizeof diff_head, "diff vs %s", r->baseline);
    const char *head[COLS] = {"variant", "finished", "test accuracy", "gap last", "gap best-val", "dead/layer",
                              "div", "fail", diff_head, "95% CI", "p", "test"};
    int w[COLS];
    for (int k = 0; k < COLS; k++) snprintf(cells[0][k], CELL, "%s", head[k]);
    for (int i = 0; i < r->n_variants; i++) row_cells(cells[i + 1], r, i);
    for (int k = 0; k < COLS; k++) {
        w[k] = 0;
        for (int i = 0; i <= r->n_variants; i++)
            if (width(text_of(cells, r, i, k)) > w[k]) w[k] = width(text_of(cells, r, i, k));
    }
    for (int i = 0; i <= r->n_variants; i++) {
        for (int k = 0; k < COLS; k++) {
            if (k == 4 && !r->any_best) continue;
            const char *t = text_of(cells, r, i, k);
            int pad = w[k] - width(t);
            if (k == 0) fprintf(f, "%s%*s", t, pad, "");
            else fprintf(f, "  %*s%s", pad, "", t);
        }
        fputc('\n', f);
    }
    free(cells);
    return 0;
}

int ab_report_print_text(FILE *f, const ab_report *r)
{
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
    if (print_table(f, r)) return -1;
    fprintf(f, "\nclaims (docs/claims.md); p-values Holm-adjusted within each claim; a comparison supports or\n"
               "contradicts only when its Holm p < 0.05:\n");
    for (int k = 0; k < AB_N_CLAIMS; k++) {
        const ab_claim *c = &r->claims[k];
        fprintf(f, "%s %s: %s\n    %s\n%s", c->id, ab_verdict_name(c->verdict), c->claim, ab_buf_str(&c->summary),
                ab_buf_str(&c->lines));
    }
    return 0;
}
