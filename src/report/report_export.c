/* report_export.c: the report as JSON ({"variants": [...], "claims": [...]})
 * and the variant table as CSV. The CSV is written from the same variant
 * objects, so both carry the same fields under the same names (the paired
 * test's object as paired.* columns). Calls report_fmt and the comparison
 * accessors of report_compare.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "../run/json_num.h"
#include "report_fmt.h"
#include "report_internal.h"

/* One row: every variant has every key, in the same order (null when absent). */
static cJSON *variant_json(const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "variant", ab_buf_str(&v->label));
    cJSON_AddStringToObject(o, "activation", v->activation);
    for (int k = 0; k < r->n_swept; k++) {
        const char *path = cJSON_GetArrayItem(r->swept, k)->valuestring;
        if (!strcmp(path, "model.activation")) continue;
        const cJSON *x = ab_config_get(v->config, path);
        cJSON_AddItemToObject(o, path, x ? cJSON_Duplicate(x, 1) : cJSON_CreateNull());
        if (!strcmp(path, "model.layers")) { /* the list as the variant's label shows it */
            ab_buf label = {NULL, 0, 0};
            if (x) ab_fmt_layers(&label, x);
            cJSON_AddItemToObject(o, "layers_label", x ? cJSON_CreateString(ab_buf_str(&label)) : cJSON_CreateNull());
            int oom = label.oom;
            ab_buf_free(&label);
            if (oom) {
                cJSON_Delete(o);
                return NULL;
            }
        }
    }
    cJSON_AddNumberToObject(o, "n", v->n);
    cJSON_AddNumberToObject(o, "n_finished", v->n_ok);
    cJSON_AddNumberToObject(o, "n_diverged", v->n_diverged);
    cJSON_AddNumberToObject(o, "n_failed", v->n_failed);
    ab_json_add_num(o, "test_accuracy_mean", v->acc_s.mean);
    ab_json_add_num(o, "test_accuracy_sd", v->acc_s.sd);
    ab_json_add_num(o, "gap_mean", v->gap_s.mean);
    ab_json_add_num(o, "gap_sd", v->gap_s.sd);
    ab_json_add_num(o, "gap_best_mean", v->gap_best_s.mean);
    ab_json_add_num(o, "gap_best_sd", v->gap_best_s.sd);
    cJSON_AddNumberToObject(o, "n_best", v->n_best);
    for (int h = 0; h < r->max_layers; h++) {
        char key[64];
        snprintf(key, sizeof key, "dead_fraction_layer%d_mean", h + 1);
        ab_json_add_num(o, key, h < v->n_layers ? v->dead_mean[h] : NAN);
    }
    if (v->baseline >= 0) cJSON_AddStringToObject(o, "baseline", ab_buf_str(&r->v[v->baseline].label));
    else cJSON_AddNullToObject(o, "baseline");
    const ab_comparison *c = &v->vs_baseline;
    char key[96];
    snprintf(key, sizeof key, "diff_vs_%s", r->baseline);
    ab_json_add_num(o, key, c->welch.diff);
    ab_json_add_num(o, "diff_ci_low", c->welch.ci_low);
    ab_json_add_num(o, "diff_ci_high", c->welch.ci_high);
    ab_json_add_num(o, "diff_df", c->welch.df);
    ab_json_add_num(o, "p_value", c->welch.p);
    ab_comparison_add_json(o, c);
    cJSON_DeleteItemFromObjectCaseSensitive(o, "p_holm"); /* one comparison: nothing to adjust */
    return o;
}

static cJSON *claim_json(const ab_claim *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    cJSON_AddStringToObject(o, "id", c->id);
    cJSON_AddStringToObject(o, "claim", c->claim);
    cJSON_AddStringToObject(o, "verdict", ab_verdict_name(c->verdict));
    cJSON_AddStringToObject(o, "detail", ab_buf_str(&c->summary));
    for (const cJSON *x = c->numbers->child; x; x = x->next)
        cJSON_AddItemToObject(o, x->string, cJSON_Duplicate(x, 1));
    return o;
}

/* Adds item to array; 0, or -1 (item freed) when either is NULL. */
static int add(cJSON *array, cJSON *item)
{
    if (array && item && cJSON_AddItemToArray(array, item)) return 0;
    cJSON_Delete(item);
    return -1;
}

cJSON *ab_report_json(const ab_report *r)
{
    cJSON *doc = cJSON_CreateObject();
    if (!doc) return NULL;
    int bad = 0;
    cJSON_AddNumberToObject(doc, "runs", cJSON_GetArraySize(r->runs));
    cJSON_AddNumberToObject(doc, "left_out", cJSON_GetArraySize(r->left_out));
    bad |= !cJSON_AddItemToObject(doc, "left_out_files", cJSON_Duplicate(r->left_out, 1));
    cJSON_AddStringToObject(doc, "baseline", r->baseline);
    bad |= !cJSON_AddItemToObject(doc, "sources", cJSON_Duplicate(r->sources, 1));
    bad |= !cJSON_AddItemToObject(doc, "swept", cJSON_Duplicate(r->swept, 1));
    cJSON *vs = cJSON_AddArrayToObject(doc, "variants");
    for (int i = 0; i < r->n_variants; i++) bad |= add(vs, variant_json(r, i));
    cJSON *cs = cJSON_AddArrayToObject(doc, "claims");
    for (int k = 0; k < AB_N_CLAIMS; k++) bad |= add(cs, claim_json(&r->claims[k]));
    if (bad) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_value(FILE *f, const cJSON *x)
{
    char buf[64];
    if (!x || cJSON_IsNull(x)) return;
    if (cJSON_IsNumber(x)) {
        snprintf(buf, sizeof buf, "%.10g", x->valuedouble);
        csv_field(f, buf);
    } else if (cJSON_IsString(x)) {
        csv_field(f, x->valuestring);
    } else { /* a list or mapping (model.layers) whole, however long */
        char *t = ab_config_canonical(x, NULL);
        csv_field(f, t ? t : "?");
        free(t);
    }
}

/* The paired test's members, as CSV columns "paired.n_pairs" ... (empty
 * when there is no paired test). */
static const char *const PAIRED_KEYS[] = {"n_pairs", "diff", "ci_low", "ci_high", "p_value", NULL};

static void csv_row(FILE *f, const cJSON *o, int header)
{
    for (const cJSON *x = o->child; x; x = x->next) {
        if (!strcmp(x->string, "paired")) {
            for (int k = 0; PAIRED_KEYS[k]; k++) {
                char name[64];
                snprintf(name, sizeof name, "paired.%s", PAIRED_KEYS[k]);
                if (header) csv_field(f, name);
                else csv_value(f, cJSON_GetObjectItemCaseSensitive(x, PAIRED_KEYS[k]));
                if (PAIRED_KEYS[k + 1]) fputc(',', f);
            }
        } else if (header) {
            csv_field(f, x->string);
        } else {
            csv_value(f, x);
        }
        fputc(x->next ? ',' : '\n', f);
    }
}

int ab_report_print_csv(FILE *f, const ab_report *r)
{
    for (int i = 0; i < r->n_variants; i++) {
        cJSON *o = variant_json(r, i);
        if (!o) return -1;
        if (i == 0) csv_row(f, o, 1);
        csv_row(f, o, 0);
        cJSON_Delete(o);
    }
    return 0;
}
