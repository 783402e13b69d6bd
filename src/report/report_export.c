/* report_export.c: the report as JSON ({"variants": [...], "claims": [...]})
 * and the variant table as CSV. The CSV is written from the same variant
 * objects, so both carry the same fields under the same names. */
#include <math.h>
#include <string.h>
#include "../config/experiment.h"
#include "../run/json_num.h"
#include "report_internal.h"

/* One row: every variant has every key, in the same order (null when absent). */
static cJSON *variant_json(const ab_report *r, int i)
{
    const ab_variant *v = &r->v[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "variant", v->label);
    cJSON_AddStringToObject(o, "activation", v->activation);
    for (int k = 0; k < r->n_swept; k++) {
        const char *path = cJSON_GetArrayItem(r->swept, k)->valuestring;
        if (!strcmp(path, "model.activation")) continue;
        const cJSON *x = ab_config_get(v->config, path);
        cJSON_AddItemToObject(o, path, x ? cJSON_Duplicate(x, 1) : cJSON_CreateNull());
    }
    cJSON_AddNumberToObject(o, "n", v->n);
    cJSON_AddNumberToObject(o, "n_finished", v->n_ok);
    ab_json_add_num(o, "test_accuracy_mean", v->acc_s.mean);
    ab_json_add_num(o, "test_accuracy_sd", v->acc_s.sd);
    ab_json_add_num(o, "gap_mean", v->gap_s.mean);
    ab_json_add_num(o, "gap_sd", v->gap_s.sd);
    for (int h = 0; h < r->max_layers; h++) {
        char key[64];
        snprintf(key, sizeof key, "dead_fraction_layer%d_mean", h + 1);
        ab_json_add_num(o, key, h < v->n_layers ? v->dead_mean[h] : NAN);
    }
    cJSON_AddNumberToObject(o, "diverged", v->n_diverged);
    cJSON_AddNumberToObject(o, "failed", v->n_failed);
    if (v->baseline >= 0) cJSON_AddStringToObject(o, "baseline", r->v[v->baseline].label);
    else cJSON_AddNullToObject(o, "baseline");
    char key[96];
    snprintf(key, sizeof key, "diff_vs_%s", r->baseline);
    ab_json_add_num(o, key, v->vs_baseline.diff);
    ab_json_add_num(o, "diff_ci_low", v->vs_baseline.ci_low);
    ab_json_add_num(o, "diff_ci_high", v->vs_baseline.ci_high);
    ab_json_add_num(o, "diff_df", v->vs_baseline.df);
    ab_json_add_num(o, "p_value", v->vs_baseline.p);
    return o;
}

static cJSON *claim_json(const ab_claim *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", c->id);
    cJSON_AddStringToObject(o, "claim", c->claim);
    cJSON_AddStringToObject(o, "verdict", ab_verdict_name(c->verdict));
    cJSON_AddStringToObject(o, "detail", c->summary ? c->summary : "");
    for (const cJSON *x = c->numbers->child; x; x = x->next)
        cJSON_AddItemToObject(o, x->string, cJSON_Duplicate(x, 1));
    return o;
}

cJSON *ab_report_json(const ab_report *r)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "runs", cJSON_GetArraySize(r->runs));
    cJSON_AddStringToObject(doc, "baseline", r->baseline);
    cJSON_AddItemToObject(doc, "swept", cJSON_Duplicate(r->swept, 1));
    cJSON *vs = cJSON_AddArrayToObject(doc, "variants");
    for (int i = 0; i < r->n_variants; i++) cJSON_AddItemToArray(vs, variant_json(r, i));
    cJSON *cs = cJSON_AddArrayToObject(doc, "claims");
    for (int k = 0; k < AB_N_CLAIMS; k++) cJSON_AddItemToArray(cs, claim_json(&r->claims[k]));
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
    char buf[512];
    if (cJSON_IsNull(x)) return;
    if (cJSON_IsNumber(x)) snprintf(buf, sizeof buf, "%.10g", x->valuedouble);
    else ab_config_value_text(buf, sizeof buf, x);
    csv_field(f, buf);
}

void ab_report_print_csv(FILE *f, const ab_report *r)
{
    for (int i = 0; i < r->n_variants; i++) {
        cJSON *o = variant_json(r, i);
        for (const cJSON *x = o->child; i == 0 && x; x = x->next) {
            csv_field(f, x->string);
            fputc(x->next ? ',' : '\n', f);
        }
        for (const cJSON *x = o->child; x; x = x->next) {
            csv_value(f, x);
            fputc(x->next ? ',' : '\n', f);
        }
        cJSON_Delete(o);
    }
}
