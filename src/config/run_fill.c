/* run_fill.c: the typed ab_run_config of a resolved configuration. Keys a
 * run does not use keep the engine's defaults; model.n_inputs and
 * n_classes stay 0 (the runner fills them from the data). No I/O. */
#include <stdio.h>
#include <string.h>
#include "../core/activations.h"
#include "../core/init.h"
#include "../core/optim.h"
#include "experiment.h"
#include "settings.h"

static double num(const cJSON *run, const char *path, double fallback)
{
    const cJSON *v = ab_config_get(run, path);
    return cJSON_IsNumber(v) ? v->valuedouble : fallback;
}

static const char *str(const cJSON *run, const char *path, const char *fallback)
{
    const cJSON *v = ab_config_get(run, path);
    return cJSON_IsString(v) ? v->valuestring : fallback;
}

static int flag(const cJSON *run, const char *path, int fallback)
{
    const cJSON *v = ab_config_get(run, path);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : fallback;
}

static void fill_data(ab_data_spec *d, const cJSON *run)
{
    const cJSON *label = ab_config_get(run, "data.label_column");
    const cJSON *header = ab_config_get(run, "data.header");
    memset(d, 0, sizeof *d);
    snprintf(d->dataset, sizeof d->dataset, "%s", str(run, "data.dataset", ""));
    snprintf(d->path, sizeof d->path, "%s", str(run, "data.path", ""));
    snprintf(d->test_path, sizeof d->test_path, "%s", str(run, "data.test_path", ""));
    if (cJSON_IsString(label)) snprintf(d->label_column, sizeof d->label_column, "%s", label->valuestring);
    else snprintf(d->label_column, sizeof d->label_column, "%.0f", num(run, "data.label_column", 0));
    d->header = cJSON_IsBool(header) ? cJSON_IsTrue(header) : -1;
    d->test_split = num(run, "data.test_split", 0.2);
    d->train_limit = (long)num(run, "data.train_limit", 0);
    d->validation = (long)num(run, "data.validation", 0);
    d->subset_random = !strcmp(str(run, "data.subset", "first"), "random");
    if (ab_preprocess_from_name(str(run, "data.preprocess", ""), &d->preprocess) != 0)
        d->preprocess = AB_PRE_DEFAULT;
    d->n_train = (long)num(run, "data.n_train", 1000);
    d->n_test = (long)num(run, "data.n_test", 500);
    d->classes = (int)num(run, "data.classes", 0);
    d->features = (int)num(run, "data.features", 2);
    d->noise = num(run, "data.noise", -1.0);
    d->seed = (uint64_t)num(run, "data.seed", 1);
    d->augment_flip = flag(run, "data.augment.flip", 0);
    d->augment_crop = (int)num(run, "data.augment.crop", 0);
}

static ab_status fill_model(ab_model_spec *m, const cJSON *run, ab_error *err)
{
    const cJSON *hidden = ab_config_get(run, "model.hidden");
    const cJSON *init = ab_config_get(run, "model.init");
    ab_act_kind kind;
    memset(m, 0, sizeof *m);
    if (ab_act_from_name(str(run, "model.activation", ""), &kind) != 0)
        return ab_fail(err, AB_ERR_ARG, "model.activation: unknown activation");
    m->act = ab_act_default(kind);
    m->act.alpha = (float)num(run, "model.alpha", m->act.alpha);
    if (ab_rrelu_form_from_name(str(run, "model.rrelu_form", "paper"), &m->act.rrelu_form) != 0)
        return ab_fail(err, AB_ERR_ARG, "model.rrelu_form: unknown form");
    ab_rrelu_form_bounds(m->act.rrelu_form, &m->act.rrelu_lower, &m->act.rrelu_upper);
    m->act.rrelu_lower = (float)num(run, "model.rrelu_lower", m->act.rrelu_lower);
    m->act.rrelu_upper = (float)num(run, "model.rrelu_upper", m->act.rrelu_upper);
    m->act.prelu_per_unit = !strcmp(str(run, "model.prelu_sharing", "layer"), "unit");
    m->act.prelu_decay = flag(run, "model.prelu_weight_decay", 0);
    for (const cJSON *w = hidden ? hidden->child : NULL; w && m->n_hidden < AB_MAX_HIDDEN; w = w->next)
        m->hidden[m->n_hidden++] = (int)w->valuedouble;
    const cJSON *layers = ab_config_get(run, "model.layers");
    if (layers && ab_layers_from_json(m->layers, &m->n_layers, layers) != AB_OK)
        return ab_fail(err, AB_ERR_ARG, "model.layers: not a resolved list of layers");
    if (cJSON_IsString(init)) {
        if (ab_init_preset(init->valuestring, &m->init) != 0)
            return ab_fail(err, AB_ERR_ARG, "model.init: unknown preset '%s'", init->valuestring);
    } else {
        m->init.scale = (float)num(init, "scale", 1.0);
        if (ab_fan_mode_from_name(str(init, "mode", ""), &m->init.mode) != 0 ||
            ab_dist_from_name(str(init, "distribution", ""), &m->init.dist) != 0)
            return ab_fail(err, AB_ERR_ARG, "model.init: unknown mode or distribution");
    }
    m->init.leaky_gain = flag(run, "model.leaky_gain", 0);
    return AB_OK;
}

static ab_status fill_train(ab_run_config *rc, const cJSON *run, ab_error *err)
{
    ab_optim_spec *o = &rc->optim;
    ab_schedule_spec *s = &rc->schedule;
    if (ab_optim_from_name(str(run, "train.optimizer", ""), &o->kind) != 0 ||
        ab_schedule_from_name(str(run, "train.schedule", ""), &s->kind) != 0)
        return ab_fail(err, AB_ERR_ARG, "train: unknown optimizer or schedule");
    o->momentum = (float)num(run, "train.momentum", 0.9);
    o->beta1 = (float)num(run, "train.beta1", 0.9);
    o->beta2 = (float)num(run, "train.beta2", 0.999);
    o->eps = (float)num(run, "train.epsilon", 1e-8);
    o->weight_decay = (float)num(run, "train.weight_decay", 0);
    o->clip_norm = (float)num(run, "train.clip_norm", 0);
    s->lr = num(run, "train.learning_rate", 0.01);
    s->step_size = (int)num(run, "train.step_size", 10);
    s->gamma = num(run, "train.gamma", s->kind == AB_SCHED_STEP ? 0.1 : 0.95);
    s->min_lr = num(run, "train.min_lr", 0);
    s->warmup_steps = (long)num(run, "train.warmup_steps", 0);
    rc->batch_size = (int)num(run, "train.batch_size", 128);
    rc->epochs = (int)num(run, "train.epochs", 10);
    rc->shuffle = flag(run, "train.shuffle", 1);
    rc->blas_threads = (int)num(run, "train.blas_threads", 1);
    rc->eval_size = (long)num(run, "train.eval_size", 0);
    rc->checkpoint_every = (int)num(run, "train.checkpoint_every", 1);
    return AB_OK;
}

ab_status ab_run_fill(ab_run_config *rc, const cJSON *run, ab_error *err)
{
    memset(rc, 0, sizeof *rc);
    snprintf(rc->name, sizeof rc->name, "%s", str(run, "name", ""));
    fill_data(&rc->data, run);
    ab_status st = fill_model(&rc->model, run, err);
    if (st == AB_OK) st = fill_train(rc, run, err);
    rc->probe.source = !strcmp(str(run, "probe.set", "train"), "validation") ? AB_PROBE_VALIDATION : AB_PROBE_TRAIN;
    rc->probe.size = (long)num(run, "probe.size", 0);
    rc->probe.every_steps = (long)num(run, "probe.every_steps", 0);
    rc->seed = (uint64_t)num(run, "seed", 1);
    if (ab_config_run_id(rc->run_id, run) != 0 && st == AB_OK) st = ab_fail(err, AB_ERR_NOMEM, "out of memory");
    return st;
}
