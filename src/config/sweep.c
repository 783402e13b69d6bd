/* sweep.c: the cartesian product of an experiment's swept values, per
 * variant, times its seeds; every point resolved (resolve.c) and
 * identical resolved runs dropped, the first kept. Order: variants
 * outermost, then the base's keys in the order written with a variant's
 * own keys replacing the base's in place (new ones appended), the last
 * key varying fastest, seeds innermost. No I/O. */
#include <stdlib.h>
#include <string.h>
#include "../core/rng.h"
#include "experiment.h"
#include "schema.h"
#include "settings.h"

typedef struct {
    char **text;              /* canonical text of each kept run */
    int *slot;                /* open addressing: index into text, -1 empty */
    size_t mask;
} dedup;

/* 1 when text is new (and then remembered as run n), 0 when seen. */
static int dedup_add(dedup *d, char *text, int n)
{
    size_t h = (size_t)ab_hash64(text, strlen(text), 0) & d->mask;
    for (; d->slot[h] >= 0; h = (h + 1) & d->mask)
        if (!strcmp(d->text[d->slot[h]], text)) return 0;
    d->slot[h] = n;
    d->text[n] = text;
    return 1;
}

/* The same setting: one key, or model.hidden and model.layers (two
 * spellings of the network, so a variant's layers replace the base's
 * hidden and the other way round). */
static int same_slot(int a, int b)
{
    static int hidden = -2, layers = -2;
    if (hidden == -2) hidden = ab_schema_index("model.hidden"), layers = ab_schema_index("model.layers");
    return a == b || ((a == hidden || a == layers) && (b == hidden || b == layers));
}

/* The axes of one variant: the base's, with the variant's replacing them. */
static int merge_axes(const ab_axis **out, const ab_settings *base, const ab_settings *variant, int seeds_key)
{
    int m = 0;
    for (int i = 0; i < base->n; i++)
        if (base->axes[i].key != seeds_key) out[m++] = &base->axes[i];
    for (int i = 0; variant && i < variant->n; i++) {
        int j = 0;
        while (j < m && !same_slot(out[j]->key, variant->axes[i].key)) j++;
        out[j] = &variant->axes[i];
        if (j == m) m++;
    }
    return m;
}

typedef struct {
    const ab_spec *spec;
    ab_choice choice;
    const cJSON *seeds;
    ab_runs *out;
    dedup seen;
    int layers_key, augment_key;
} expander;

static ab_status add_point(expander *x, const ab_axis **axes, const int *idx, int m, ab_error *err)
{
    int rows = ab_schema_count();
    memset(x->choice.val, 0, (size_t)rows * sizeof *x->choice.val);
    memset(x->choice.at, 0, (size_t)rows * sizeof *x->choice.at);
    for (int a = 0; a < m; a++) {
        x->choice.val[axes[a]->key] = axes[a]->vals[idx[a]];
        x->choice.at[axes[a]->key] = axes[a]->at[idx[a]];
    }
    static const char *const SKIP[] = {"name", "description", "analysis", NULL};
    for (const cJSON *seed = x->seeds->child; seed; seed = seed->next) {
        cJSON *run;
        ab_status st = ab_resolve(&run, &x->choice, seed, err);
        if (st != AB_OK) return st;
        char *text = ab_config_canonical(run, SKIP);
        if (!text) {
            cJSON_Delete(run);
            return ab_fail(err, AB_ERR_NOMEM, "out of memory");
        }
        if (dedup_add(&x->seen, text, x->out->n)) {
            x->out->layers_at[x->out->n] = x->choice.at[x->layers_key];
            x->out->augment_at[x->out->n] = x->choice.at[x->augment_key];
            x->out->runs[x->out->n++] = run;
        } else {
            free(text);
            cJSON_Delete(run);
        }
    }
    return AB_OK;
}

/* Every point of one variant's grid, the last axis fastest. */
static ab_status expand_variant(expander *x, const ab_settings *variant, int seeds_key, ab_error *err)
{
    const ab_settings *base = &x->spec->base;
    int cap = base->n + (variant ? variant->n : 0) + 1;
    const ab_axis **axes = calloc((size_t)cap, sizeof *axes);
    int *idx = calloc((size_t)cap, sizeof *idx);
    ab_status st = axes && idx ? AB_OK : ab_fail(err, AB_ERR_NOMEM, "out of memory");
    int m = st == AB_OK ? merge_axes(axes, base, variant, seeds_key) : 0;
    while (st == AB_OK) {
        st = add_point(x, axes, idx, m, err);
        int j = m - 1;
        while (j >= 0 && ++idx[j] == axes[j]->n) idx[j--] = 0;
        if (j < 0) break;
    }
    free(axes);
    free(idx);
    return st;
}

/* Runs before deduplication, for the AB_MAX_RUNS limit and the sizes of
 * the run and dedup tables; -1 when out of memory (an undercount would
 * overflow those tables). */
static double count_points(const ab_spec *spec, int seeds_key, int n_seeds)
{
    double total = 0;
    int nv = spec->n_variants ? spec->n_variants : 1;
    const ab_axis **axes = calloc((size_t)(spec->base.n + 1), sizeof *axes);
    if (!axes) return -1;
    for (int v = 0; v < nv; v++) {
        const ab_settings *var = spec->n_variants ? &spec->variants[v] : NULL;
        const ab_axis **all = realloc(axes, (size_t)(spec->base.n + (var ? var->n : 0) + 1) * sizeof *axes);
        if (!all) {
            total = -1;
            break;
        }
        axes = all;
        int m = merge_axes(axes, &spec->base, var, seeds_key);
        double points = n_seeds;
        for (int a = 0; a < m; a++) points *= axes[a]->n;
        total += points;
    }
    free(axes);
    return total;
}

ab_status ab_sweep_expand(ab_runs *out, const ab_spec *spec, const char *default_name, ab_error *err)
{
    int seeds_key = ab_schema_index("seeds"), rows = ab_schema_count();
    const ab_axis *sa = ab_settings_find(&spec->base, seeds_key);
    cJSON *default_seeds = sa ? NULL : ab_schema_default(ab_schema_key(seeds_key), NULL);
    expander x = {.spec = spec, .out = out, .seeds = sa ? sa->vals[0] : default_seeds,
                  .layers_key = ab_schema_index("model.layers"), .augment_key = ab_schema_index("data.augment")};
    memset(out, 0, sizeof *out);
    double total = x.seeds ? count_points(spec, seeds_key, cJSON_GetArraySize(x.seeds)) : 0;
    if (total < 0) {
        cJSON_Delete(default_seeds);
        return ab_fail(err, AB_ERR_NOMEM, "out of memory");
    }
    if (total > AB_MAX_RUNS) {
        cJSON_Delete(default_seeds);
        return ab_ynode_fail(err, spec->root, NULL, "the experiment expands to %.0f runs, more than %d",
                             total, AB_MAX_RUNS);
    }
    size_t slots = 4;
    while (slots < 2 * (size_t)total + 2) slots *= 2;
    x.choice.val = calloc((size_t)rows, sizeof *x.choice.val);
    x.choice.at = calloc((size_t)rows, sizeof *x.choice.at);
    x.choice.root = spec->root;
    x.choice.default_name = default_name;
    x.seen.text = calloc((size_t)total + 1, sizeof *x.seen.text);
    x.seen.slot = malloc(slots * sizeof *x.seen.slot);
    x.seen.mask = slots - 1;
    out->runs = calloc((size_t)total + 1, sizeof *out->runs);
    out->layers_at = calloc((size_t)total + 1, sizeof *out->layers_at);
    out->augment_at = calloc((size_t)total + 1, sizeof *out->augment_at);
    ab_status st = AB_OK;
    if (!x.seeds || !x.choice.val || !x.choice.at || !x.seen.text || !x.seen.slot || !out->runs ||
        !out->layers_at || !out->augment_at)
        st = ab_fail(err, AB_ERR_NOMEM, "out of memory");
    else
        memset(x.seen.slot, 0xff, slots * sizeof *x.seen.slot);
    int nv = spec->n_variants ? spec->n_variants : 1;
    for (int v = 0; st == AB_OK && v < nv; v++)
        st = expand_variant(&x, spec->n_variants ? &spec->variants[v] : NULL, seeds_key, err);
    for (int i = 0; x.seen.text && i < out->n; i++) free(x.seen.text[i]);
    free(x.seen.text);
    free(x.seen.slot);
    free(x.choice.val);
    free(x.choice.at);
    cJSON_Delete(default_seeds);
    if (st != AB_OK) ab_runs_free(out);
    return st;
}

void ab_runs_free(ab_runs *r)
{
    for (int i = 0; i < r->n; i++) cJSON_Delete(r->runs[i]);
    free(r->runs);
    free(r->layers_at);
    free(r->augment_at);
    memset(r, 0, sizeof *r);
}
