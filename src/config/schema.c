/* schema.c: the table of every experiment key, the one place where keys,
 * types, defaults, ranges, applicability and help are written down (the
 * value checks live in values.c). docs/config.md mirrors this table. */
#include "schema.h"
#include <stdio.h>
#include <string.h>
#include "../core/activations.h"
#include "../core/init.h"
#include "../data/dataset.h"
#include "experiment.h"
#include "suggest.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#define FILES "data.dataset=fashion-mnist|mnist|idx|cifar10|csv"
#define CSV "data.dataset=csv"
#define SYNTH "data.dataset=spirals|blobs|xor"

static const ab_key KEYS[] = {
    {"name", AB_K_NAME, NULL, NULL, NULL, NULL, NULL, NULL, 0,
     "experiment name (default: the file's base name without .yaml)"},
    {"description", AB_K_TEXT, NULL, NULL, NULL, NULL, NULL, NULL, 0, "free text"},
    {"seeds", AB_K_SEEDS, "1", NULL, ">= 0", NULL, NULL, NULL, 0, "run seeds; every run is repeated for each"},

    {"data", AB_K_GROUP, NULL, NULL, NULL, NULL, NULL, NULL, 0, "the data set"},
    {"data.dataset", AB_K_ENUM, "fashion-mnist", NULL, NULL, ab_data_names, NULL, NULL, 0, "data source"},
    {"data.path", AB_K_TEXT, "fashion-mnist:" AB_FASHION_MNIST_DIR, "data.dataset", NULL, NULL, FILES,
     "data.dataset=mnist|idx|cifar10|csv", 0, "directory of the files, or the CSV training file"},
    {"data.test_path", AB_K_TEXT, NULL, NULL, NULL, NULL, CSV, NULL, 0, "CSV test file"},
    {"data.label_column", AB_K_LABEL, "0", NULL, NULL, NULL, CSV, NULL, 0, "CSV label column: name or 0-based index"},
    {"data.header", AB_K_HEADER, "auto", NULL, NULL, NULL, CSV, NULL, 0, "CSV header row"},
    {"data.test_split", AB_K_FLOAT, "0.2", NULL, "(0, 1)", NULL, CSV, NULL, 0,
     "CSV: fraction of rows held out as the test set"},
    {"data.train_limit", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0, "first N training examples, 0 = all"},
    {"data.validation", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0,
     "examples carved from the end of the training data"},
    {"data.subset", AB_K_ENUM, "first", NULL, "first, random", NULL, NULL, NULL, 0,
     "which train_limit examples: the first ones, or drawn per seed"},
    {"data.preprocess", AB_K_ENUM, "fashion-mnist:scale mnist:scale idx:scale cifar10:scale *:none",
     "data.dataset", "scale, standardize, none", NULL, NULL, NULL, 0, "input preprocessing"},
    {"data.n_train", AB_K_LONG, "1000", NULL, ">= 1", NULL, SYNTH, NULL, 0, "synthetic training examples"},
    {"data.n_test", AB_K_LONG, "500", NULL, ">= 1", NULL, SYNTH, NULL, 0, "synthetic test examples"},
    {"data.classes", AB_K_INT, "spirals:" STR(AB_SPIRALS_CLASSES) " blobs:" STR(AB_BLOBS_CLASSES),
     "data.dataset", ">= 2", NULL, "data.dataset=spirals|blobs", NULL, 0, "synthetic classes"},
    {"data.features", AB_K_INT, "2", NULL, ">= 1", NULL, "data.dataset=blobs", NULL, 0, "blobs dimensions"},
    {"data.noise", AB_K_FLOAT,
     "spirals:" STR(AB_SPIRALS_NOISE) " blobs:" STR(AB_BLOBS_NOISE) " xor:" STR(AB_XOR_NOISE), "data.dataset",
     ">= 0", NULL, SYNTH, NULL, 0, "synthetic noise standard deviation"},
    {"data.seed", AB_K_LONG, "1", NULL, ">= 0", NULL, SYNTH, NULL, 0, "synthetic generation seed"},
    {"data.augment", AB_K_MAPPING, NULL, NULL, NULL, NULL, NULL, NULL, 0,
     "training-only augmentation of image data: {flip, crop}"},
    {"data.augment.flip", AB_K_BOOL, "false", NULL, NULL, NULL, NULL, NULL, 1, "random horizontal flip"},
    {"data.augment.crop", AB_K_INT, "0", NULL, ">= 0", NULL, NULL, NULL, 1,
     "zero padding by N pixels, then a random crop back to the image size"},

    {"model", AB_K_GROUP, NULL, NULL, NULL, NULL, NULL, NULL, 0, "the network"},
    {"model.layers", AB_K_LAYERS, NULL, NULL, NULL, NULL, NULL, NULL, 0,
     "the model as a list of layers (conv, pool, dropout, dense); instead of hidden"},
    {"model.hidden", AB_K_WIDTHS, "300, 100", NULL, NULL, NULL, "!model.layers", NULL, 0,
     "hidden layer widths (when model.layers is not given)"},
    {"model.activation", AB_K_ENUM, "relu", NULL, NULL, ab_act_names, NULL, NULL, 0, "hidden activation"},
    {"model.alpha", AB_K_FLOAT, "leaky_relu:0.01 prelu:0.25 elu:1", "model.activation", ">= 0", NULL,
     "model.activation=leaky_relu|prelu|elu", NULL, 0, "leak slope, prelu initial slope, elu alpha"},
    {"model.rrelu_form", AB_K_ENUM, "paper", NULL, NULL, ab_rrelu_form_names, "model.activation=rrelu", NULL, 0,
     "paper: divisor a ~ U(lower, upper), slope 1/a; pytorch: slope ~ U(lower, upper)"},
    {"model.rrelu_lower", AB_K_FLOAT, "paper:3 pytorch:0.125", "model.rrelu_form", ">= 0", NULL,
     "model.activation=rrelu", NULL, 0, "rrelu lower bound (paper: divisor; pytorch: slope)"},
    {"model.rrelu_upper", AB_K_FLOAT, "paper:8 pytorch:0.33333333333333331", "model.rrelu_form", "> 0", NULL,
     "model.activation=rrelu", NULL, 0, "rrelu upper bound (paper: divisor; pytorch: slope)"},
    {"model.prelu_sharing", AB_K_ENUM, "layer", NULL, "layer, unit, channel", NULL, "model.activation=prelu",
     NULL, 0, "one prelu slope per layer or per unit (channel: a synonym of unit, recorded as unit)"},
    {"model.prelu_weight_decay", AB_K_BOOL, "false", NULL, NULL, NULL, "model.activation=prelu", NULL, 0,
     "weight decay applies to the prelu slopes"},
    {"model.init", AB_K_INIT, "he_uniform", NULL, NULL, ab_init_preset_names, NULL, NULL, 0,
     "kernel initialiser: a preset or {scale, mode, distribution}"},
    {"model.init.scale", AB_K_FLOAT, "1", NULL, "> 0", NULL, NULL, NULL, 1, "variance scale"},
    {"model.init.mode", AB_K_ENUM, "fan_in", NULL, "fan_in, fan_out, fan_avg", NULL, NULL, NULL, 1, "fan"},
    {"model.init.distribution", AB_K_ENUM, "truncated_normal", NULL,
     "uniform, truncated_normal, untruncated_normal", NULL, NULL, NULL, 1, "distribution"},
    {"model.leaky_gain", AB_K_BOOL, "false", NULL, NULL, NULL, "model.activation=leaky_relu|prelu|rrelu", NULL,
     0, "divide the init variance scale by 1 + leak^2"},

    {"train", AB_K_GROUP, NULL, NULL, NULL, NULL, NULL, NULL, 0, "training"},
    {"train.optimizer", AB_K_ENUM, "sgd", NULL, "sgd, momentum, nesterov, adam", NULL, NULL, NULL, 0, "optimizer"},
    {"train.learning_rate", AB_K_FLOAT, "0.01", NULL, "> 0", NULL, NULL, NULL, 0, "base learning rate"},
    {"train.momentum", AB_K_FLOAT, "0.9", NULL, "[0, 1)", NULL, "train.optimizer=momentum|nesterov", NULL, 0,
     "momentum"},
    {"train.beta1", AB_K_FLOAT, "0.9", NULL, "[0, 1)", NULL, "train.optimizer=adam", NULL, 0, "adam beta1"},
    {"train.beta2", AB_K_FLOAT, "0.999", NULL, "[0, 1)", NULL, "train.optimizer=adam", NULL, 0, "adam beta2"},
    {"train.epsilon", AB_K_FLOAT, "1e-8", NULL, "> 0", NULL, "train.optimizer=adam", NULL, 0, "adam epsilon"},
    {"train.weight_decay", AB_K_FLOAT, "0", NULL, ">= 0", NULL, NULL, NULL, 0, "L2 weight decay"},
    {"train.schedule", AB_K_ENUM, "constant", NULL, "constant, step, exponential, cosine", NULL, NULL, NULL, 0,
     "learning-rate schedule"},
    {"train.step_size", AB_K_INT, "10", NULL, ">= 1", NULL, "train.schedule=step", NULL, 0,
     "epochs between decays"},
    {"train.gamma", AB_K_FLOAT, "step:0.1 exponential:0.95", "train.schedule", "(0, 1]", NULL,
     "train.schedule=step|exponential", NULL, 0, "decay factor"},
    {"train.min_lr", AB_K_FLOAT, "0", NULL, ">= 0", NULL, "train.schedule=cosine", NULL, 0, "cosine floor"},
    {"train.clip_norm", AB_K_FLOAT, "0", NULL, ">= 0", NULL, NULL, NULL, 0,
     "clip the gradient's global L2 norm to this before each update (0 = off)"},
    {"train.warmup_steps", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0,
     "raise the learning rate linearly from 0 over the first N steps (0 = off)"},
    {"train.batch_size", AB_K_INT, "128", NULL, ">= 1", NULL, NULL, NULL, 0, "examples per step"},
    {"train.epochs", AB_K_INT, "10", NULL, ">= 1", NULL, NULL, NULL, 0, "passes over the training set"},
    {"train.shuffle", AB_K_BOOL, "true", NULL, NULL, NULL, NULL, NULL, 0, "reshuffle every epoch"},
    {"train.blas_threads", AB_K_INT, "1", NULL, ">= 1", NULL, NULL, NULL, 0, "BLAS threads per run"},
    {"train.eval_size", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0,
     "train_loss/train_accuracy of every epoch but the last on the first N training examples, 0 = all"},
    {"train.checkpoint_every", AB_K_INT, "1", NULL, ">= 0", NULL, NULL, NULL, 0,
     "write a checkpoint every N epochs for --resume (0 = off); not part of the run ID"},

    {"probe", AB_K_GROUP, NULL, NULL, NULL, NULL, NULL, NULL, 0, "the examples the probes measure"},
    {"probe.set", AB_K_ENUM, "train", NULL, "train, validation", NULL, NULL, NULL, 0, "probe examples"},
    {"probe.size", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0, "first N examples, 0 = all"},
    {"probe.every_steps", AB_K_LONG, "0", NULL, ">= 0", NULL, NULL, NULL, 0,
     "also measure dead units every N training steps (0 = off)"},

    {"analysis", AB_K_GROUP, NULL, NULL, NULL, NULL, NULL, NULL, 0,
     "the metric each claim's verdict uses, declared before the runs (not a setting of a run)"},
    {"analysis.c1_metric", AB_K_ENUM, "last_epoch", NULL, "last_epoch, best_epoch", NULL, NULL, NULL, 0,
     "C1: test accuracy at the last epoch or at the best-validation epoch (final.best)"},
    {"analysis.c2_metric", AB_K_ENUM, "last_epoch", NULL, "last_epoch, best_epoch", NULL, NULL, NULL, 0,
     "C2: test accuracy at the last epoch or at the best-validation epoch (final.best)"},
    {"analysis.c3_metric", AB_K_ENUM, "best_epoch", NULL, "best_epoch, last_epoch", NULL, NULL, NULL, 0,
     "C3: the train-test gap at the best-validation epoch (final.best) or at the last epoch"},
    {"analysis.c4_metric", AB_K_ENUM, "best_epoch", NULL, "best_epoch, last_epoch", NULL, NULL, NULL, 0,
     "C4: the train-test gap at the best-validation epoch (final.best) or at the last epoch"},

    {"variants", AB_K_VARIANTS, NULL, NULL, NULL, NULL, NULL, NULL, 0, "partial settings, one run set each"},
};

#define N_KEYS ((int)(sizeof KEYS / sizeof KEYS[0]))

/* The keys added after results were committed, with the value that keeps
 * the old meaning (schema.h, ab_schema_legacy): rrelu followed PyTorch
 * before model.rrelu_form existed. */
static const struct {
    const char *path, *value;
} LEGACY[] = {
    {"data.subset", "first"},
    {"model.rrelu_form", "pytorch"},
    {"train.clip_norm", "0"},
    {"train.warmup_steps", "0"},
    {"probe.every_steps", "0"},
    {"train.eval_size", "0"},
};

const char *ab_schema_legacy(const ab_key *k)
{
    for (size_t i = 0; k && i < sizeof LEGACY / sizeof LEGACY[0]; i++)
        if (!strcmp(LEGACY[i].path, k->path)) return LEGACY[i].value;
    return NULL;
}

/* The keys that say how a run is carried out, not what it computes: left
 * out of the run ID whatever their value (schema.h, ab_schema_unhashed). */
static const char *const UNHASHED[] = {"train.checkpoint_every"};

int ab_schema_unhashed(const ab_key *k)
{
    for (size_t i = 0; k && i < sizeof UNHASHED / sizeof UNHASHED[0]; i++)
        if (!strcmp(UNHASHED[i], k->path)) return 1;
    return 0;
}

int ab_schema_count(void) { return N_KEYS; }
const ab_key *ab_schema_key(int i) { return i >= 0 && i < N_KEYS ? &KEYS[i] : NULL; }

int ab_schema_index(const char *path)
{
    for (int i = 0; i < N_KEYS; i++)
        if (!strcmp(KEYS[i].path, path)) return i;
    return -1;
}

const ab_key *ab_schema_find(const char *path) { return ab_schema_key(ab_schema_index(path)); }

/* "hidden, activation, ..." : the keys directly under parent. */
static void children(char *buf, size_t size, const char *parent)
{
    size_t plen = strlen(parent), used = 0;
    buf[0] = 0;
    for (int i = 0; i < N_KEYS; i++) {
        const char *p = KEYS[i].path;
        if (plen && (strncmp(p, parent, plen) || p[plen] != '.')) continue;
        const char *leaf = plen ? p + plen + 1 : p;
        if (strchr(leaf, '.')) continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", leaf);
        if (w < 0 || (size_t)w >= size - used) break;
        used += (size_t)w;
    }
}

/* The full path of the setting whose last segment is word, or failing that
 * is closest to it ("alpha": "model.alpha"), into buf ("" when none is). */
static void full_path(char *buf, size_t size, const char *word)
{
    int best = -1, limit = (int)strlen(word) / 3;
    if (limit < 2) limit = 2;
    buf[0] = 0;
    for (int i = 0; i < N_KEYS; i++) {
        if (KEYS[i].part || KEYS[i].type == AB_K_GROUP) continue;
        const char *dot = strrchr(KEYS[i].path, '.');
        int d = ab_edit_distance(word, dot ? dot + 1 : KEYS[i].path);
        if (d <= limit && (best < 0 || d < best)) {
            best = d;
            snprintf(buf, size, "%s", KEYS[i].path);
        }
    }
}

ab_status ab_schema_unknown(ab_error *err, const ab_ynode *at, const char *display,
                            const char *parent, const char *word)
{
    char known[400], best[80], hint[120] = "";
    children(known, sizeof known, parent);
    ab_suggest(best, sizeof best, word, known);
    if (!best[0]) full_path(best, sizeof best, word);
    if (best[0]) snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    if (!parent[0]) return ab_ynode_fail(err, at, display, "unknown key%s (known top-level keys: %s)", hint, known);
    return ab_ynode_fail(err, at, display, "unknown key%s (known keys of %s: %s)", hint, parent, known);
}

int ab_schema_rule(const char *rule, const cJSON *run)
{
    if (!rule) return 1;
    if (rule[0] == '!') return ab_config_get(run, rule + 1) == NULL;
    const char *eq = strchr(rule, '=');
    char path[64];
    snprintf(path, sizeof path, "%.*s", (int)(eq - rule), rule);
    const cJSON *v = ab_config_get(run, path);
    if (!cJSON_IsString(v)) return 0;
    size_t n = strlen(v->valuestring);
    for (const char *s = eq + 1; *s; s += strcspn(s, "|"), s += *s == '|') {
        if (strcspn(s, "|") == n && !strncmp(s, v->valuestring, n)) return 1;
    }
    return 0;
}
