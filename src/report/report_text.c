/* report_text.c: the report as plain text: a header, the variant table
 * with aligned columns, then one verdict per claim with its numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

enum { COLS = 10, CELL = 160 };

static void mean_sd(char *buf, const ab_sample *s)
{
    char m[32], sd[32];
    ab_fmt_num(m, sizeof m, s->mean, 0);
    ab_fmt_num(sd, sizeof sd, s->sd, 0);
    if (isfinite(s->sd)) snprintf(buf, CELL, "%s ± %s", m, sd);
    else snprintf(buf, CELL, "%s", m);
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
}

static void diff_cells(char (*c)[CELL], const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    const ab_welch *w = &v->vs_baseline;
    char lo[32], hi[32];
    if (v->baseline == i) {
        snprintf(c[0], CELL, "baseline");
        snprintf(c[1], CELL, "-");
        snprintf(c[2], CELL, "-");
        return;
    }
    ab_fmt_num(c[0], CELL, w->diff, 1);
    ab_fmt_num(lo, sizeof lo, w->ci_low, 1);
    ab_fmt_num(hi, sizeof hi, w->ci_high, 1);
    if (w->ok) snprintf(c[1], CELL, "[%s, %s]", lo, hi);
    else snprintf(c[1], CELL, v->baseline < 0 ? "-" : "n/a");
    ab_fmt_p(c[2], CELL, w->p);
    if (w->ok) memmove(c[2], c[2] + 2, strlen(c[2] + 2) + 1); /* drop "p=" */
    else snprintf(c[2], CELL, "-");
}

static void row_cells(char (*c)[CELL], const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    snprintf(c[0], CELL, "%s", v->label);
    snprintf(c[1], CELL, "%d", v->n);
    mean_sd(c[2], &v->acc_s);
    mean_sd(c[3], &v->gap_s);
    dead_cell(c[4], v);
    snprintf(c[5], CELL, "%d", v->n_diverged);
    snprintf(c[6], CELL, "%d", v->n_failed);
    diff_cells(c + 7, r, i);
}

/* Display width of UTF-8 text (the "±"). */
static int width(const char *s)
{
    int w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_table(FILE *f, const ab_report *r)
{
    char (*cells)[COLS][CELL] = calloc((size_t)r->n_variants + 1, sizeof *cells);
    char diff_head[CELL];
    snprintf(diff_head, sizeof diff_head, "diff vs %s", r->baseline);
    const char *head[COLS] = {"variant", "n", "test accuracy", "train-test gap", "dead/layer",
                              "div", "fail", diff_head, "95% CI", "p"};
    int w[COLS];
    for (int k = 0; k < COLS; k++) snprintf(cells[0][k], CELL, "%s", head[k]);
    for (int i = 0; i < r->n_variants; i++) row_cells(cells[i + 1], r, i);
    for (int k = 0; k < COLS; k++) {
        w[k] = 0;
        for (int i = 0; i <= r->n_variants; i++)
            if (width(cells[i][k]) > w[k]) w[k] = width(cells[i][k]);
    }
    for (int i = 0; i <= r->n_variants; i++) {
        for (int k = 0; k < COLS; k++) {
            int pad = w[k] - width(cells[i][k]);
            if (k == 0) fprintf(f, "%s%*s", cells[i][k], pad, "");
            else fprintf(f, "  %*s%s", pad, "", cells[i][k]);
        }
        fputc('\n', f);
    }
    free(cells);
}

void ab_report_print_text(FILE *f, const ab_report *r)
{
    fprintf(f, "%d runs, %d variants; differing settings:", cJSON_GetArraySize(r->runs), r->n_variants);
    const cJSON *p;
    cJSON_ArrayForEach(p, r->swept) fprintf(f, "%s %s", p == r->swept->child ? "" : ",", p->valuestring);
    fprintf(f, "%s\n", r->n_swept ? "" : " none");
    fprintf(f, "mean ± sd over the seeds of finished runs (diverged and failed runs left out);\n"
               "gap = train - test accuracy; dead/layer = final dead fraction per hidden layer;\n"
               "diff = test accuracy minus that of the %s variant with the same other settings,\n"
               "95%% CI and p by Welch's t-test.\n\n", r->baseline);
    print_table(f, r);
    fprintf(f, "\nclaims (REFERENCE.md):\n");
    for (int k = 0; k < AB_N_CLAIMS; k++) {
        const ab_claim *c = &r->claims[k];
        fprintf(f, "%s %s: %s\n    %s\n%s", c->id, ab_verdict_name(c->verdict), c->claim,
                c->summary ? c->summary : "", c->lines ? c->lines : "");
    }
}
