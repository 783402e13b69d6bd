/* test_config.c: the config module: sweeps expand to the right count and
 * order, non-applicable keys do not multiply runs, variants, --set
 * overrides and sweeps, stable run IDs, resolved defaults, canonical
 * numbers, the typed run config and located errors; model.layers,
 * data.augment, prelu_sharing channel, layer shapes on the data, and the
 * run IDs of every committed run file. Writes its YAML into
 * a temporary directory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include "../src/config/experiment.h"
#include "support/check.h"

static char dir[] = "/tmp/test_config_XXXXXX";
static char path[256];

/* Write text to dir/name.yaml and load it with the given sets. */
static ab_experiment *load(const char *name, const char *text, char *const *sets, int n_sets, ab_error *err)
{
    snprintf(path, sizeof path, "%s/%s.yaml", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    fputs(text, f);
    fclose(f);
    ab_experiment *e = NULL;
    memset(err, 0, sizeof *err);
    ab_experiment_load(&e, path, sets, n_sets, err);
    return e;
}

static const char *sval(const ab_experiment *e, int run, const char *key)
{
    const cJSON *v = ab_config_get(ab_experiment_run_json(e, run), key);
    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static double nval(const ab_experiment *e, int run, const char *key)
{
    const cJSON *v = ab_config_get(ab_experiment_run_json(e, run), key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void test_non_applicable(void)
{
    ab_error err;
    ab_experiment *e = load("leaky", "seeds: [1, 2]\nmodel:\n  activation: [relu, leaky_relu]\n"
                                     "  alpha: [0.01, 0.2]\n", NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (!e) return;
    CHECK(ab_experiment_n_runs(e) == 6, "relu x alpha x seeds: %d runs, want 6", ab_experiment_n_runs(e));
    /* order: activation, then alpha, seeds innermost */
    static const char *const ACT[] = {"relu", "relu", "leaky_relu", "leaky_relu", "leaky_relu", "leaky_relu"};
    static const double ALPHA[] = {NAN, NAN, 0.01, 0.01, 0.2, 0.2};
    for (int i = 0; i < 6 && i < ab_experiment_n_runs(e); i++) {
        CHECK(!strcmp(sval(e, i, "model.activation"), ACT[i]), "run %d activation %s", i,
              sval(e, i, "model.activation"));
        CHECK(isnan(ALPHA[i]) ? !ab_config_get(ab_experiment_run_json(e, i), "model.alpha")
                              : nval(e, i, "model.alpha") == ALPHA[i], "run %d alpha %g", i,
              nval(e, i, "model.alpha"));
        CHECK(nval(e, i, "seed") == 1 + i % 2, "run %d seed %g", i, nval(e, i, "seed"));
        CHECK(ab_experiment_run(e, i)->seed == (uint64_t)(1 + i % 2), "typed seed of run %d", i);
    }
    CHECK(ab_experiment_n_swept(e) == 3, "swept paths: %d", ab_experiment_n_swept(e));
    CHECK(ab_experiment_n_swept(e) == 3 && !strcmp(ab_experiment_swept(e, 0), "model.activation") &&
          !strcmp(ab_experiment_swept(e, 1), "model.alpha") && !strcmp(ab_experiment_swept(e, 2), "seed"),
          "swept order");
    char line[512];
    ab_experiment_run_line(line, sizeof line, e, 2);
    CHECK(strstr(line, "3 ") == line && strstr(line, " model.activation=leaky_relu model.alpha=0.01 seed=1"),
          "run line: %s", line);
    CHECK(!strcmp(ab_experiment_name(e), "leaky"), "default name is the file's base name: %s",
          ab_experiment_name(e));
    const ab_run_config *rc = ab_experiment_run(e, 4);
    CHECK(rc && rc->model.act.kind == AB_ACT_LEAKY_RELU && fabsf(rc->model.act.alpha - 0.2f) < 1e-7f,
          "typed leaky_relu alpha 0.2");
    ab_experiment_free(e);
}

static void test_grid_order_and_sets(void)
{
    ab_error err;
    char *sets[] = {"train.learning_rate=[0.1, 0.01]", "model.hidden=[[10], [20, 20]]", "seeds=[7]"};
    ab_experiment *e = load("grid", "model:\n  hidden: [5]\n  activation: elu\n", sets, 3, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (!e) return;
    CHECK(ab_experiment_n_runs(e) == 4, "2 x 2 grid: %d runs", ab_experiment_n_runs(e));
    /* hidden was written first (in the file), learning_rate appended by --set: hidden slowest */
    CHECK(ab_experiment_run(e, 1)->model.n_hidden == 1 && ab_experiment_run(e, 2)->model.n_hidden == 2,
          "hidden varies slowest");
    CHECK(nval(e, 0, "train.learning_rate") == 0.1 && nval(e, 1, "train.learning_rate") == 0.01,
          "learning rate varies fastest");
    CHECK(nval(e, 0, "seed") == 7 && nval(e, 0, "model.alpha") == 1.0, "seed 7, elu alpha default 1");
    ab_experiment_free(e);
}

static void test_variants(void)
{
    ab_error err;
    ab_experiment *e = load("variants",
                            "model:\n  activation: [relu, tanh]\n  alpha: 0.3\n"
                            "variants:\n  - {}\n  - {model: {activation: leaky_relu, alpha: [0.1, 0.2]}}\n"
                            "  - {model: {activation: relu}}\n",
                            NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (!e) return;
    /* variant 0: relu, tanh; variant 1: leaky 0.1, 0.2 (the variant's activation replaces the
       base sweep); variant 2: relu again, dropped as a duplicate */
    CHECK(ab_experiment_n_runs(e) == 4, "variants: %d runs, want 4", ab_experiment_n_runs(e));
    CHECK(!strcmp(sval(e, 1, "model.activation"), "tanh") && nval(e, 3, "model.alpha") == 0.2,
          "variant order");
    ab_experiment_free(e);
}

static void test_run_ids(void)
{
    ab_error err;
    ab_experiment *a = load("ida", "train: {learning_rate: 0.1, epochs: 3}\nmodel: {hidden: [300, 100]}\n",
                            NULL, 0, &err);
    ab_experiment *b = load("idb", "name: other\ndescription: same runs\nmodel:\n  hidden: [300, 100]\n"
                            "  alpha: 0.5\ntrain:\n  epochs: 3\n  learning_rate: 1e-1\n  momentum: 0.3\n",
                            NULL, 0, &err);
    char *seed2[] = {"seeds=2"};
    ab_experiment *c = load("idc", "train: {learning_rate: 0.1, epochs: 3}\n", seed2, 1, &err);
    CHECK(a && b && c, "load: %s", err.msg);
    if (a && b && c) {
        const char *ia = ab_experiment_run(a, 0)->run_id, *ib = ab_experiment_run(b, 0)->run_id;
        CHECK(!strcmp(ia, ib), "same run written differently: %s vs %s", ia, ib);
        CHECK(strcmp(ia, ab_experiment_run(c, 0)->run_id) != 0, "another seed, another ID");
        CHECK(strlen(ia) == 16 && strspn(ia, "0123456789abcdef") == 16, "16 hex digits: %s", ia);
        CHECK(!strcmp(sval(a, 0, "run_id"), ia), "run_id in the JSON");
    }
    ab_experiment_free(a);
    ab_experiment_free(b);
    ab_experiment_free(c);
}

/* Keys added after results were committed leave run IDs alone while they
 * hold their legacy value (data.subset first, model.rrelu_form pytorch,
 * clip_norm, warmup_steps, every_steps, eval_size 0); any other value changes the ID.
 * The IDs below are those of committed results (results/quick): relu seed
 * 1, and rrelu seed 1 from before model.rrelu_form existed. */
static void test_legacy_ids(void)
{
    static const char *base = "data: {dataset: fashion-mnist, validation: 5000}\n"
                              "model: {hidden: [300, 100], init: he_uniform}\n"
                              "train: {optimizer: momentum, momentum: 0.9, learning_rate: 0.01, batch_size: 128, epochs: 10}\n"
                              "seeds: 1\n";
    char *relu_sets[] = {"model.activation=relu", "data.subset=first", "train.clip_norm=0",
                         "train.warmup_steps=0", "probe.every_steps=0", "train.eval_size=0"};
    char *rrelu_torch[] = {"model.activation=rrelu", "model.rrelu_form=pytorch"};
    char *rrelu_paper[] = {"model.activation=rrelu"};
    char *clipped[] = {"model.activation=relu", "train.clip_norm=1"};
    char *sampled[] = {"model.activation=relu", "train.eval_size=5000", "probe.size=5000"};
    char *unsampled[] = {"model.activation=relu", "probe.size=5000"};
    ab_error err;
    ab_experiment *a = load("lega", base, relu_sets, 6, &err);
    ab_experiment *b = load("legb", base, rrelu_torch, 2, &err);
    ab_experiment *c = load("legc", base, rrelu_paper, 1, &err);
    ab_experiment *d = load("legd", base, clipped, 2, &err);
    ab_experiment *e = load("lege", base, sampled, 3, &err);
    ab_experiment *f = load("legf", base, unsampled, 2, &err);
    CHECK(a && b && c && d && e && f, "load: %s", err.msg);
    if (a && b && c && d && e && f) {
        CHECK(!strcmp(ab_experiment_run(a, 0)->run_id, "2381b5349bd567bc"), "relu, new keys at legacy values: %s",
              ab_experiment_run(a, 0)->run_id);
        CHECK(!strcmp(sval(a, 0, "data.subset"), "first") && nval(a, 0, "train.clip_norm") == 0,
              "%s", "legacy values are still recorded in the resolved configuration");
        CHECK(!strcmp(ab_experiment_run(b, 0)->run_id, "205826255687b9e0"), "rrelu pytorch form: %s",
              ab_experiment_run(b, 0)->run_id);
        CHECK(strcmp(ab_experiment_run(c, 0)->run_id, ab_experiment_run(b, 0)->run_id) != 0,
              "%s", "rrelu paper form: another ID");
        CHECK(!strcmp(sval(c, 0, "model.rrelu_form"), "paper") && nval(c, 0, "model.rrelu_lower") == 3 &&
                  nval(c, 0, "model.rrelu_upper") == 8,
              "%s", "rrelu resolves to the paper form, bounds 3 and 8");
        CHECK(nval(b, 0, "model.rrelu_lower") == 0.125 && fabs(nval(b, 0, "model.rrelu_upper") - 1.0 / 3) < 1e-16,
              "%s", "pytorch form bounds 1/8 and 1/3");
        CHECK(strcmp(ab_experiment_run(d, 0)->run_id, ab_experiment_run(a, 0)->run_id) != 0,
              "%s", "clip_norm set: another ID");
        CHECK(nval(a, 0, "train.eval_size") == 0 && ab_experiment_run(a, 0)->eval_size == 0 &&
                  ab_experiment_run(e, 0)->eval_size == 5000,
              "%s", "train.eval_size recorded (0 by default) and typed");
        CHECK(strcmp(ab_experiment_run(e, 0)->run_id, ab_experiment_run(f, 0)->run_id) != 0,
              "%s", "eval_size set: another ID");
        const ab_run_config *rc = ab_experiment_run(c, 0);
        CHECK(rc->model.act.rrelu_form == AB_RRELU_PAPER && rc->model.act.rrelu_lower == 3.0f &&
                  ab_experiment_run(b, 0)->model.act.rrelu_form == AB_RRELU_PYTORCH &&
                  ab_experiment_run(d, 0)->optim.clip_norm == 1.0f,
              "%s", "typed run config: rrelu form, clip_norm");
    }
    ab_experiment_free(a);
    ab_experiment_free(b);
    ab_experiment_free(c);
    ab_experiment_free(d);
    ab_experiment_free(e);
    ab_experiment_free(f);
}

static void test_defaults_and_canonical(void)
{
    ab_error err;
    ab_experiment *e = load("defaults", "data: {dataset: spirals}\ntrain: {optimizer: adam, schedule: step}\n",
                            NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (!e) return;
    const cJSON *r = ab_experiment_run_json(e, 0);
    CHECK(nval(e, 0, "data.n_train") == 1000 && nval(e, 0, "data.classes") == 2, "synthetic defaults");
    CHECK(!strcmp(sval(e, 0, "data.preprocess"), "none"), "preprocess none for synthetic");
    CHECK(!ab_config_get(r, "data.path") && !ab_config_get(r, "data.header"), "no file keys for spirals");
    CHECK(nval(e, 0, "train.beta2") == 0.999 && nval(e, 0, "train.gamma") == 0.1, "adam, step defaults");
    CHECK(!ab_config_get(r, "train.momentum") && !ab_config_get(r, "model.alpha"), "non-applicable keys absent");
    CHECK(!strcmp(sval(e, 0, "model.init"), "he_uniform"), "init default");
    const ab_run_config *rc = ab_experiment_run(e, 0);
    CHECK(rc->batch_size == 128 && rc->epochs == 10 && rc->shuffle == 1 && rc->model.n_hidden == 2 &&
          rc->model.hidden[0] == 300 && rc->model.n_inputs == 0 && rc->optim.kind == AB_OPT_ADAM &&
          rc->schedule.kind == AB_SCHED_STEP && fabs(rc->schedule.lr - 0.01) < 1e-12,
          "typed defaults");
    cJSON *num = cJSON_CreateObject();
    cJSON_AddNumberToObject(num, "b", 0.1);
    cJSON_AddNumberToObject(num, "a", 128);
    cJSON_AddNumberToObject(num, "c", 1e-8);
    char *text = ab_config_canonical(num, NULL);
    CHECK(text && !strcmp(text, "{\"a\":128,\"b\":0.1,\"c\":1e-08}"), "canonical: %s", text);
    free(text);
    cJSON_Delete(num);
    ab_experiment_free(e);
}

static void expect_error(const char *name, const char *yaml, char *set, const char *want);

/* The init of run i as "scale mode distribution" (a preset: its name). */
static const char *init_text(const ab_experiment *e, int i, char *buf, size_t size)
{
    const cJSON *v = ab_config_get(ab_experiment_run_json(e, i), "model.init");
    if (cJSON_IsString(v)) snprintf(buf, size, "%s", v->valuestring);
    else snprintf(buf, size, "%g %s %s", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(v, "scale")),
                  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "mode")),
                  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "distribution")));
    return buf;
}

/* --set model.init.FIELD=V: one field of the file's initialiser (a preset
 * spelled out first, each one of a sweep, a list V sweeps). */
static void expect_inits(const char *name, const char *yaml, char *set1, char *set2, int n,
                         const char *const *want)
{
    ab_error err;
    char *sets[] = {set1, set2}, buf[128];
    ab_experiment *e = load(name, yaml, sets, set2 ? 2 : 1, &err);
    CHECK(e != NULL, "%s: %s", name, err.msg);
    if (!e) return;
    CHECK(ab_experiment_n_runs(e) == n, "%s: %d runs, want %d", name, ab_experiment_n_runs(e), n);
    for (int i = 0; i < n && i < ab_experiment_n_runs(e); i++)
        CHECK(!strcmp(init_text(e, i, buf, sizeof buf), want[i]), "%s: run %d init '%s', want '%s'", name, i,
              buf, want[i]);
    ab_experiment_free(e);
}

static void test_init_field_sets(void)
{
    static const char *const he3[] = {"3 fan_in uniform"}; /* he_uniform, the default, with scale 3 */
    expect_inits("i1", "seeds: 1\n", "model.init.scale=3", NULL, 1, he3);
    expect_inits("i2", "model: {init: he_uniform}\n", "model.init.scale=3", NULL, 1, he3);
    static const char *const map[] = {"2 fan_avg uniform"};
    expect_inits("i3", "model: {init: {scale: 2, mode: fan_avg}}\n", "model.init.distribution=uniform", NULL, 1,
                 map);
    static const char *const sweep[] = {"3 fan_in truncated_normal", "3 fan_avg uniform"};
    expect_inits("i4", "model: {init: [he_normal, glorot_uniform]}\n", "model.init.scale=3", NULL, 2, sweep);
    static const char *const list[] = {"1 fan_avg uniform", "2 fan_avg uniform"};
    expect_inits("i5", "model: {init: glorot_uniform}\n", "model.init.scale=[1, 2]", NULL, 2, list);
    static const char *const later[] = {"4 fan_in truncated_normal"};
    expect_inits("i6", "seeds: 1\n", "model.init=lecun_normal", "model.init.scale=4", 1, later);
    static const char *const whole[] = {"lecun_normal"};
    expect_inits("i7", "seeds: 1\n", "model.init.scale=4", "model.init=lecun_normal", 1, whole);
    expect_error("i8", "seeds: 1\n", "model.init.scale=0",
                 "--set model.init.scale=0: model.init.scale: expected a number > 0, got 0");
    expect_error("i9", "seeds: 1\n", "model.init.sclae=2",
                 "--set model.init.sclae=2: model.init.sclae: unknown key; did you mean 'scale'?");
    expect_error("i10", "model: {init: he_unifrom}\n", "model.init.scale=2",
                 "i10.yaml:1:15: model.init: expected one of");
    expect_error("i11", "seeds: 1\n", "model.init.scale.x=2", "model.init.scale takes one whole value");
}

static void expect_error(const char *name, const char *yaml, char *set, const char *want)
{
    ab_error err;
    char *sets[] = {set};
    ab_experiment *e = load(name, yaml, sets, set ? 1 : 0, &err);
    CHECK(!e && strstr(err.msg, want), "%s: got '%s', want '%s'", name, err.msg, want);
    ab_experiment_free(e);
}

static void test_errors(void)
{
    expect_error("e1", "model:\n  activaton: relu\n", NULL,
                 "e1.yaml:2:3: model.activaton: unknown key; did you mean 'activation'?");
    expect_error("e2", "train:\n  learning_rate: fast\n", NULL,
                 "e2.yaml:2:18: train.learning_rate: expected a number > 0, got 'fast'");
    expect_error("e3", "model: {alpha: 1}\n", "model.alpha=-1",
                 "--set model.alpha=-1: model.alpha: expected a number >= 0, got -1");
    expect_error("e4", "model: {activation: rrelu, rrelu_lower: 0.9}\n", NULL,
                 "e4.yaml:1:41: model.rrelu_lower: must be >= 1 in the paper form");
    expect_error("e4b", "model:\n  activation: rrelu\n  rrelu_form: pytorch\n  rrelu_upper: 3\n", NULL,
                 "e4b.yaml:4:16: model.rrelu_upper: must be <= 1 in the pytorch form");
    expect_error("e4c", "model: {activation: rrelu, rrelu_lower: 8, rrelu_upper: 3}\n", NULL,
                 "e4c.yaml:1:41: model.rrelu_lower: must be < model.rrelu_upper (8 >= 3)");
    expect_error("e4d", "model: {activation: rrelu, rrelu_form: pytorch, rrelu_lower: 0.2, rrelu_upper: 0.2}\n",
                 NULL, "model.rrelu_lower: must be < model.rrelu_upper (0.2 >= 0.2)");
    expect_error("e4e", "model: {activation: rrelu, rrelu_form: keras}\n", NULL,
                 "e4e.yaml:1:40: model.rrelu_form: expected one of paper, pytorch");
    expect_error("e4f", "data: {subset: random}\n", NULL,
                 "e4f.yaml:1:16: data.subset: random draws data.train_limit examples per seed");
    expect_error("e4g", "train: {clip_norm: -1}\n", NULL, "train.clip_norm: expected a number >= 0, got -1");
    expect_error("e4h", "probe: {every_steps: 2.5}\n", NULL, "probe.every_steps: expected an integer >= 0");
    expect_error("e5", "a: 1\n", NULL, "e5.yaml:1:1: a: unknown key");
    expect_error("e6", "model: [1, 2\n", NULL, "YAML syntax error");
    expect_error("e7", "seeds: 1\nseeds: 2\n", NULL, "e7.yaml:2:1: seeds: duplicate key");
    expect_error("e8", "", NULL, "e8.yaml:1:1: the file is empty");
    expect_error("e9", "model: {hidden: [[1], 2]}\n", NULL, "model.hidden: expected a non-empty list");
    expect_error("e10", "train: {epochs: [1, 0]}\n", NULL, "e10.yaml:1:21: train.epochs: expected an integer >= 1");
    expect_error("e11", "x: &a 1\n", NULL, "anchors and aliases are not supported");
    expect_error("e12", "seeds: [1]\n", "model.alpah=1", "did you mean 'alpha'");
    expect_error("e13", "model:\n  layers: [{conv: 3, kernel: 3}]\n  hidden: [10]\n", NULL,
                 "e13.yaml:3:11: model.hidden: give either model.hidden (an MLP's widths) or model.layers");
    expect_error("e14", "variants:\n  - model: {hidden: [1], layers: [{dense: 1}]}\n", NULL,
                 "e14.yaml:2:34: variants[0].model.layers: give either");
    expect_error("e15", "model: {layers: [{dense: 1, dropout: 0.1}]}\n", NULL,
                 "e15.yaml:1:29: model.layers[0].dropout: a layer has exactly one kind, and this one is already 'dense'");
    expect_error("e16", "model: {layers: [[{dense: 1}], []]}\n", NULL,
                 "e16.yaml:1:32: model.layers: expected a non-empty list of layers");
    expect_error("e17", "data: {augment: {crop: 1.5}}\n", NULL, "e17.yaml:1:24: data.augment.crop: expected an integer >= 0, got 1.5");
    expect_error("e18", "seeds: 1\n", "data.augment.crop=-1",
                 "--set data.augment.crop=-1: data.augment.crop: expected an integer >= 0, got -1");
    expect_error("e19", "seeds: 1\n", "data.augment.rotate=2", "data.augment.rotate: unknown key");
}

/* model.layers: defaults filled, same padding resolved, typed specs; hidden
 * gone; a variant's layers replace the base's hidden; --set replaces too. */
static void test_layers(void)
{
    ab_error err;
    ab_experiment *e = load("layers",
                            "model:\n  layers:\n    - {conv: 32, kernel: 5, padding: same}\n"
                            "    - {pool: max, size: 2}\n    - {conv: 8, kernel: 3, stride: 2, padding: 1}\n"
                            "    - {pool: avg, size: 3, stride: 1}\n    - {pool: global_avg}\n"
                            "    - {dropout: 0.25}\n    - {dense: 64}\n",
                            NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (!e) return;
    const cJSON *r = ab_experiment_run_json(e, 0);
    CHECK(!ab_config_get(r, "model.hidden"), "no model.hidden beside model.layers");
    char *text = ab_config_canonical(ab_config_get(r, "model.layers"), NULL);
    const char *want = "[{\"conv\":32,\"kernel\":5,\"padding\":2,\"stride\":1},{\"pool\":\"max\",\"size\":2,\"stride\":2},"
                       "{\"conv\":8,\"kernel\":3,\"padding\":1,\"stride\":2},{\"pool\":\"avg\",\"size\":3,\"stride\":1},"
                       "{\"pool\":\"global_avg\"},{\"dropout\":0.25},{\"dense\":64}]";
    CHECK(text && !strcmp(text, want), "resolved layers: %s", text);
    free(text);
    const ab_model_spec *m = &ab_experiment_run(e, 0)->model;
    CHECK(m->n_layers == 7 && m->n_hidden == 0, "typed: %d layers, %d hidden", m->n_layers, m->n_hidden);
    if (m->n_layers == 7) {
        const ab_layer_spec *l = m->layers;
        CHECK(l[0].kind == AB_LSPEC_CONV && l[0].units == 32 && l[0].kernel == 5 && l[0].stride == 1 && l[0].pad == 2,
              "conv 32 5x5 same");
        CHECK(l[1].kind == AB_LSPEC_POOL_MAX && l[1].kernel == 2 && l[1].stride == 2, "max pool 2, stride = size");
        CHECK(l[2].kind == AB_LSPEC_CONV && l[2].stride == 2 && l[2].pad == 1, "conv stride 2 pad 1");
        CHECK(l[3].kind == AB_LSPEC_POOL_AVG && l[3].kernel == 3 && l[3].stride == 1, "avg pool 3 stride 1");
        CHECK(l[4].kind == AB_LSPEC_POOL_GLOBAL_AVG, "global average pool");
        CHECK(l[5].kind == AB_LSPEC_DROPOUT && l[5].rate == 0.25f, "dropout 0.25");
        CHECK(l[6].kind == AB_LSPEC_DENSE && l[6].units == 64, "dense 64");
    }
    ab_experiment_free(e);

    e = load("arch", "model: {hidden: [100]}\nseeds: [1, 2]\nvariants:\n  - {}\n"
             "  - {model: {layers: [{dense: 100}]}}\n  - {model: {layers: [{conv: 4, kernel: 3}]}}\n", NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (e) {
        /* hidden [100] and layers [{dense: 100}] are the same network written two ways,
           but they are different settings: 6 runs */
        CHECK(ab_experiment_n_runs(e) == 6, "three architectures x 2 seeds: %d runs", ab_experiment_n_runs(e));
        CHECK(ab_experiment_run(e, 0)->model.n_layers == 0 && ab_experiment_run(e, 4)->model.n_layers == 1 &&
              ab_experiment_run(e, 4)->model.layers[0].kind == AB_LSPEC_CONV,
              "variant layers replace the base's hidden");
        CHECK(!ab_config_get(ab_experiment_run_json(e, 4), "model.hidden"), "no hidden in a layers run");
        int swept_layers = 0, swept_hidden = 0;
        for (int k = 0; k < ab_experiment_n_swept(e); k++) {
            swept_layers |= !strcmp(ab_experiment_swept(e, k), "model.layers");
            swept_hidden |= !strcmp(ab_experiment_swept(e, k), "model.hidden");
        }
        CHECK(swept_layers && swept_hidden, "layers and hidden are swept paths");
    }
    ab_experiment_free(e);

    char *set[] = {"model.layers=[{conv: 2, kernel: 3}, {dense: 10}]"};
    e = load("setlayers", "model:\n  hidden: [300, 100]\n  activation: relu\n", set, 1, &err);
    CHECK(e && ab_experiment_run(e, 0)->model.n_layers == 2 && !ab_config_get(ab_experiment_run_json(e, 0), "model.hidden"),
          "--set model.layers replaces the file's hidden: %s", e ? "" : err.msg);
    ab_experiment_free(e);
    char *back[] = {"model.layers=[{dense: 3}]", "model.hidden=[7]"};
    e = load("sethidden", "model: {activation: relu}\n", back, 2, &err);
    CHECK(e && ab_experiment_run(e, 0)->model.n_layers == 0 && ab_experiment_run(e, 0)->model.hidden[0] == 7,
          "a later --set model.hidden replaces an earlier --set model.layers: %s", e ? "" : err.msg);
    ab_experiment_free(e);
}

/* data.augment and prelu_sharing channel: typed values, and run IDs that do
 * not change when augmentation is absent or off, or channel is spelt unit. */
static void test_augment_and_channel(void)
{
    ab_error err;
    ab_experiment *plain = load("plain", "model: {activation: prelu, prelu_sharing: unit}\n", NULL, 0, &err);
    ab_experiment *off = load("off", "model: {activation: prelu, prelu_sharing: channel}\n"
                              "data: {augment: {flip: false, crop: 0}}\n", NULL, 0, &err);
    ab_experiment *on = load("on", "model: {activation: prelu, prelu_sharing: unit}\n"
                             "data: {augment: {flip: true, crop: 4}}\n", NULL, 0, &err);
    CHECK(plain && off && on, "load: %s", err.msg);
    if (plain && off && on) {
        CHECK(!strcmp(ab_experiment_run(plain, 0)->run_id, ab_experiment_run(off, 0)->run_id),
              "augmentation off and channel = unit: the same run ID (%s, %s)", ab_experiment_run(plain, 0)->run_id,
              ab_experiment_run(off, 0)->run_id);
        CHECK(strcmp(ab_experiment_run(plain, 0)->run_id, ab_experiment_run(on, 0)->run_id) != 0,
              "augmentation on: another run ID");
        CHECK(!strcmp(sval(off, 0, "model.prelu_sharing"), "unit") && ab_experiment_run(off, 0)->model.act.prelu_per_unit,
              "channel is recorded as unit");
        CHECK(!ab_config_get(ab_experiment_run_json(off, 0), "data.augment"), "augmentation off is not recorded");
        const ab_data_spec *d = &ab_experiment_run(on, 0)->data;
        CHECK(d->augment_flip == 1 && d->augment_crop == 4, "typed augment: flip %d crop %d", d->augment_flip,
              d->augment_crop);
        CHECK(ab_experiment_run(plain, 0)->data.augment_flip == 0 && ab_experiment_run(plain, 0)->data.augment_crop == 0,
              "no augmentation by default");
    }
    char *crop[] = {"data.augment.crop=[0, 3]"};
    ab_experiment *set = load("setcrop", "data:\n  augment: {flip: true}\n", crop, 1, &err);
    CHECK(set && ab_experiment_n_runs(set) == 2 && ab_experiment_run(set, 0)->data.augment_flip &&
          ab_experiment_run(set, 0)->data.augment_crop == 0 && ab_experiment_run(set, 1)->data.augment_crop == 3 &&
          ab_experiment_run(set, 1)->data.augment_flip,
          "--set data.augment.crop=[0, 3] keeps flip and sweeps crop: %s", set ? "" : err.msg);
    ab_experiment_free(set);
    char *flip[] = {"data.augment.flip=true"};
    set = load("setflip", "seeds: 1\n", flip, 1, &err);
    CHECK(set && ab_experiment_run(set, 0)->data.augment_flip && ab_experiment_run(set, 0)->data.augment_crop == 0,
          "--set data.augment.flip=true without an augment in the file: %s", set ? "" : err.msg);
    ab_experiment_free(set);
    ab_experiment_free(plain);
    ab_experiment_free(off);
    ab_experiment_free(on);
}

/* A config that loads (shapes are checked after) but whose layer shapes fail with a message containing want. */
static void shape_error(const char *name, const char *yaml, char **set, int nset, const char *want)
{
    ab_error err;
    ab_experiment *e = load(name, yaml, set, nset, &err);
    CHECK(e != NULL, "%s: load: %s", name, err.msg);
    if (e) {
        ab_status st = ab_experiment_check_shapes(e, &err);
        CHECK(st != AB_OK && strstr(err.msg, want), "%s: want '%s', got: %s", name, want, err.msg);
    }
    ab_experiment_free(e);
}

/* Layer shapes on the data's shape, and the located shape errors. */
static void test_shapes(void)
{
    ab_error err;
    ab_experiment *e = load("shapes", "model:\n  activation: prelu\n  prelu_sharing: channel\n  layers:\n"
                            "    - {conv: 6, kernel: 5, padding: same}\n    - {pool: max, size: 2}\n"
                            "    - {conv: 16, kernel: 5}\n    - {pool: avg, size: 2}\n    - {dense: 120}\n",
                            NULL, 0, &err);
    CHECK(e != NULL, "load: %s", err.msg);
    if (e) {
        ab_layer_shape in, out[AB_MAX_HIDDEN + 1];
        int n = 0;
        size_t total = 0;
        ab_status st = ab_experiment_shapes(e, 0, &in, out, &n, &total, &err);
        CHECK(st == AB_OK, "shapes: %s", err.msg);
        /* fashion-mnist 1x28x28 -> 6x28x28 -> 6x14x14 -> 16x10x10 -> 16x5x5 -> 120 -> 10 */
        CHECK(st == AB_OK && in.c == 1 && in.h == 28 && in.w == 28 && n == 6, "input %dx%dx%d, %d entries", in.c,
              in.h, in.w, n);
        if (st == AB_OK && n == 6) {
            CHECK(out[0].c == 6 && out[0].h == 28 && out[1].h == 14 && out[2].c == 16 && out[2].h == 10 &&
                  out[3].h == 5 && out[3].w == 5 && out[4].c == 120 && out[4].h == 1 && out[5].c == 10,
                  "layer shapes");
            /* by hand, PReLU per channel adds one alpha per filter or unit */
            size_t want[6] = {6 * 25 + 6 + 6, 0, 16 * 6 * 25 + 16 + 16, 0, 400 * 120 + 120 + 120, 120 * 10 + 10};
            size_t sum = 0;
            for (int j = 0; j < 6; j++) {
                CHECK(out[j].n_params == want[j], "layer %d: %zu parameters, want %zu", j, out[j].n_params, want[j]);
                sum += want[j];
            }
            CHECK(total == sum, "total %zu, want %zu", total, sum);
        }
        CHECK(ab_experiment_check_shapes(e, &err) == AB_OK, "check: %s", err.msg);
    }
    ab_experiment_free(e);

    shape_error("badshape", "data: {dataset: xor}\nmodel:\n  layers:\n    - {dense: 8}\n    - {pool: max, size: 2}\n",
                NULL, 0, "badshape.yaml:5:7: model.layers[1]: pool max 2 stride 2 received a flat input of 8 features");
    char *set[] = {"model.layers=[{conv: 2, kernel: 3, stride: 9}, {conv: 2, kernel: 5}]"};
    shape_error("badset", "seeds: 1\n", set, 1,
                "--set model.layers=[{conv: 2, kernel: 3, stride: 9}, {conv: 2, kernel: 5}]: "
                "model.layers[1]: conv 2 5x5 stride 1 pad 0 received 2x3x3");
    e = load("badpath", "data: {dataset: idx, path: /nonexistent/actbench}\nmodel: {layers: [{dense: 3}]}\n", NULL, 0, &err);
    CHECK(e && ab_experiment_check_shapes(e, &err) != AB_OK && !strncmp(err.msg, "data: ", 6),
          "unreadable data: %s", err.msg);
    ab_experiment_free(e);
}

/* Every committed run file (results/NAME/runs/ID.json) keeps its run ID:
 * its recorded configuration, read back as an experiment (seed as seeds;
 * rrelu runs from before model.rrelu_form existed used the pytorch form, as
 * docs/config.md says), resolves to a run with the same ID. A change that
 * records a new key for old runs, renames a value or changes the canonical
 * text would orphan the committed results. */
static void test_committed_run_ids(void)
{
    DIR *top = opendir("results");
    CHECK(top != NULL, "results/ (run from the repository)");
    if (!top) return;
    int files = 0, same = 0;
    struct dirent *e1;
    while ((e1 = readdir(top))) {
        if (e1->d_name[0] == '.') continue;
        char runs[512];
        snprintf(runs, sizeof runs, "results/%s/runs", e1->d_name);
        DIR *d = opendir(runs);
        struct dirent *e2;
        while (d && (e2 = readdir(d))) {
            size_t len = strlen(e2->d_name);
            if (len < 6 || strcmp(e2->d_name + len - 5, ".json")) continue;
            char file[1024];
            ab_error err = {{0}};
            snprintf(file, sizeof file, "%s/%s", runs, e2->d_name);
            FILE *f = fopen(file, "rb");
            long size = f && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
            char *text = size > 0 ? calloc((size_t)size + 1, 1) : NULL;
            if (text && (fseek(f, 0, SEEK_SET) != 0 || fread(text, 1, (size_t)size, f) != (size_t)size)) {
                free(text);
                text = NULL;
            }
            if (f) fclose(f);
            CHECK(text != NULL, "%s: cannot read", file);
            cJSON *doc = text ? cJSON_Parse(text) : NULL;
            free(text);
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "run_id");
            cJSON *cfg = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "config"), 1);
            files++;
            if (!cJSON_IsString(id) || !cJSON_IsObject(cfg)) {
                CHECK(0, "%s: no run_id or config", file);
                cJSON_Delete(doc);
                cJSON_Delete(cfg);
                continue;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(cfg, "run_id");
            cJSON *seed = cJSON_DetachItemFromObjectCaseSensitive(cfg, "seed");
            if (seed) cJSON_AddItemToObject(cfg, "seeds", seed);
            cJSON *model = cJSON_GetObjectItemCaseSensitive(cfg, "model");
            const char *act = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(model, "activation"));
            if (act && !strcmp(act, "rrelu") && !cJSON_HasObjectItem(model, "rrelu_form"))
                cJSON_AddStringToObject(model, "rrelu_form", "pytorch");
            char *yaml = cJSON_PrintUnformatted(cfg);
            ab_experiment *ex = yaml ? load("committed", yaml, NULL, 0, &err) : NULL;
            free(yaml);
            int ok = ex && ab_experiment_n_runs(ex) == 1 && !strcmp(ab_experiment_run(ex, 0)->run_id, id->valuestring);
            if (!ok)
                CHECK(0, "%s: its configuration now gives %s (%s)", file,
                      ex && ab_experiment_n_runs(ex) ? ab_experiment_run(ex, 0)->run_id : "no run", ex ? "" : err.msg);
            same += ok;
            ab_experiment_free(ex);
            cJSON_Delete(cfg);
            cJSON_Delete(doc);
        }
        if (d) closedir(d);
    }
    closedir(top);
    CHECK(files > 0 && same == files, "committed run files that keep their run ID: %d of %d", same, files);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_non_applicable();
    test_grid_order_and_sets();
    test_variants();
    test_run_ids();
    test_legacy_ids();
    test_defaults_and_canonical();
    test_errors();
    test_init_field_sets();
    test_layers();
    test_augment_and_channel();
    test_shapes();
    test_committed_run_ids();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return check_done("test_config");
}
