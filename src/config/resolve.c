/* resolve.c: one run's resolved configuration from a point of the sweep:
 * the keys that apply (schema `when` rules) with their values or defaults,
 * the required keys, and the rules between keys (rrelu bounds by form,
 * validation sizes, data.subset, probe set). data.validation is carved
 * from the end of the training data before data.train_limit takes the
 * first examples of the rest, so the two are independent. Knows nothing of how points are enumerated. No I/O. */
#include <stdio.h>
#include <string.h>
#include "experiment.h"
#include "schema.h"
#include "settings.h"

static ab_status put_path(cJSON *run, const char *path, cJSON *v)
{
    const char *dot = strchr(path, '.');
    cJSON *dst = run;
    if (dot) {
        char group[32];
        snprintf(group, sizeof group, "%.*s", (int)(dot - path), path);
        dst = cJSON_GetObjectItemCaseSensitive(run, group);
        if (!dst) dst = cJSON_AddObjectToObject(run, group);
    }
    if (!dst || !cJSON_AddItemToObject(dst, dot ? dot + 1 : path, v)) {
        cJSON_Delete(v);
        return AB_ERR_NOMEM;
    }
    return AB_OK;
}

static double num(const cJSON *run, const char *path)
{
    const cJSON *v = ab_config_get(run, path);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

/* Where the value of the first of two paths that was written came from;
 * a value given by --set first, since the conflict is the argument's. */
static const ab_ynode *where(const ab_choice *c, const char *a, const char *b)
{
    const ab_ynode *n = c->at[ab_schema_index(a)], *m = b ? c->at[ab_schema_index(b)] : NULL;
    if (m && m->src && m->src->is_set && !(n && n->src && n->src->is_set)) return m;
    if (!n) n = m;
    return n ? n : c->root;
}

/* rrelu's bounds by form: paper (divisors) 1 <= lower < upper; pytorch
 * (slopes) 0 <= lower < upper <= 1. */
static ab_status check_rrelu(const cJSON *run, const ab_choice *c, ab_error *err)
{
    const cJSON *lower = ab_config_get(run, "model.rrelu_lower");
    if (!lower) return AB_OK;
    double lo = lower->valuedouble, hi = num(run, "model.rrelu_upper");
    int paper = ab_schema_rule("model.rrelu_form=paper", run);
    const char *form = paper ? "in the paper form (a divisor a ~ U(lower, upper), slope 1/a)"
                             : "in the pytorch form (a slope ~ U(lower, upper))";
    if (paper && lo < 1.0)
        return ab_ynode_fail(err, where(c, "model.rrelu_lower", "model.rrelu_form"), "model.rrelu_lower",
                             "must be >= 1 %s, got %g (for slopes in [0, 1] set model.rrelu_form: pytorch)",
                             form, lo);
    if (!paper && hi > 1.0)
        return ab_ynode_fail(err, where(c, "model.rrelu_upper", "model.rrelu_form"), "model.rrelu_upper",
                             "must be <= 1 %s, got %g (for divisors set model.rrelu_form: paper)", form, hi);
    if (!(lo < hi))
        return ab_ynode_fail(err, where(c, "model.rrelu_lower", "model.rrelu_upper"), "model.rrelu_lower",
                             "must be < model.rrelu_upper (%g >= %g)", lo, hi);
    return AB_OK;
}

static ab_status check_rules(const cJSON *run, const ab_choice *c, ab_error *err)
{
    double validation = num(run, "data.validation"), limit = num(run, "data.train_limit");
    ab_status st = check_rrelu(run, c, err);
    if (st != AB_OK) return st;
    if (ab_schema_rule("data.subset=random", run) && limit <= 0)
        return ab_ynode_fail(err, where(c, "data.subset", NULL), "data.subset",
                             "random draws data.train_limit examples per seed: set data.train_limit > 0");
    if (ab_config_get(run, "data.n_train") && validation >= num(run, "data.n_train"))
        return ab_ynode_fail(err, where(c, "data.validation", "data.n_train"), "data.validation",
                             "must be less than data.n_train (%.0f >= %.0f)", validation, num(run, "data.n_train"));
    if (ab_schema_rule("probe.set=validation", run) && validation <= 0)
        return ab_ynode_fail(err, where(c, "probe.set", NULL), "probe.set",
                             "validation requires data.validation > 0");
    /* train.eval_size: the probe on training examples is measured in the
     * same forward passes as the train metrics, so it must fit in the
     * sample (else the sample would save nothing) */
    double eval_size = num(run, "train.eval_size"), probe_size = num(run, "probe.size");
    if (eval_size > 0 && ab_schema_rule("probe.set=train", run) && (probe_size <= 0 || probe_size > eval_size))
        return ab_ynode_fail(err, where(c, "train.eval_size", NULL), "train.eval_size",
                             "the probe (probe.set train, probe.size %.0f%s) is measured in the same forward "
                             "passes as the train metrics and must fit in their sample of %.0f: set "
                             "probe.size <= %.0f or probe.set: validation",
                             probe_size, probe_size <= 0 ? " = every training example" : "", eval_size, eval_size);
    const cJSON *min_lr = ab_config_get(run, "train.min_lr");
    if (min_lr && min_lr->valuedouble > num(run, "train.learning_rate"))
        return ab_ynode_fail(err, where(c, "train.min_lr", "train.learning_rate"), "train.min_lr",
                             "must be <= train.learning_rate (%g > %g)", min_lr->valuedouble,
                             num(run, "train.learning_rate"));
    return AB_OK;
}

/* The rule "PATH=a|b" as "PATH is VALUE" for the required-key message. */
static ab_status missing(const ab_key *k, const cJSON *run, const ab_choice *c, ab_error *err)
{
    char path[64];
    snprintf(path, sizeof path, "%.*s", (int)strcspn(k->need, "="), k->need);
    const cJSON *v = ab_config_get(run, path);
    return ab_ynode_fail(err, where(c, path, NULL), k->path, "required when %s is %s", path,
                         cJSON_IsString(v) ? v->valuestring : "?");
}

/* Every field false or 0. */
static int all_off(const cJSON *v)
{
    for (const cJSON *c = v->child; c; c = c->next)
        if (cJSON_IsTrue(c) || (cJSON_IsNumber(c) && c->valuedouble != 0)) return 0;
    return 1;
}

ab_status ab_resolve(cJSON **out, const ab_choice *c, const cJSON *seed, ab_error *err)
{
    cJSON *run = cJSON_CreateObject();
    ab_status st = run ? AB_OK : AB_ERR_NOMEM;
    for (int i = 0; st == AB_OK && i < ab_schema_count(); i++) {
        const ab_key *k = ab_schema_key(i);
        if (k->part || k->type == AB_K_GROUP || k->type == AB_K_VARIANTS || !ab_schema_rule(k->when, run))
            continue;
        cJSON *v;
        if (k->type == AB_K_SEEDS) v = cJSON_Duplicate(seed, 1);
        else if (c->val[i]) v = cJSON_Duplicate(c->val[i], 1);
        else if (k->type == AB_K_NAME) v = cJSON_CreateString(c->default_name);
        else v = ab_schema_default(k, run);
        if (v && k->type == AB_K_MAPPING && all_off(v)) {
            cJSON_Delete(v); /* data.augment: {flip: false, crop: 0} is no augmentation, as when absent */
            continue;
        }
        if (v) st = put_path(run, k->type == AB_K_SEEDS ? "seed" : k->path, v);
        else if (k->type == AB_K_SEEDS || c->val[i] || k->type == AB_K_NAME || ab_schema_has_default(k, run))
            st = AB_ERR_NOMEM; /* a value that exists could not be copied: never a run without it */
        else if (k->need && ab_schema_rule(k->need, run)) st = missing(k, run, c, err);
    }
    if (st == AB_OK) st = check_rules(run, c, err);
    if (st == AB_ERR_NOMEM) ab_fail(err, st, "out of memory");
    if (st != AB_OK) {
        cJSON_Delete(run);
        run = NULL;
    }
    *out = run;
    return st;
}
