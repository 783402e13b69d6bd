/* test_report.c: the statistics of 'actbench report' (Student t quantiles
 * and CDF, the incomplete beta, Welch's and the paired test, Holm) against
 * values computed with mpmath at 30 digits or by hand (tolerance 1e-9),
 * every degenerate case (n < 2, zero variance: no CI, no p), and the report
 * itself on run documents built here: variant grouping and labels,
 * baseline matching, paired or Welch, Holm within a claim, the
 * best-epoch gap, divergence, distinct revived units, the checks of a run
 * document, and each claim's verdict (supports, contradicts, cannot tell). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/report/report.h"
#include "../src/report/report_fmt.h"
#include "support/check.h"

#define TOL 1e-9

static void test_t_distribution(void)
{
    static const double DF[] = {1, 2, 3, 10, 2.5, 30, 7.3};
    static const double Q975[] = {12.7062047361747, 4.30265272974946, 3.18244630528371, 2.22813885198627,
                                  3.57465484200368, 2.04227245630124, 2.3450667365477};
    double worst = 0.0;
    for (int i = 0; i < 7; i++) {
        worst = fmax(worst, fabs(ab_t_quantile(0.975, DF[i]) - Q975[i]));
        worst = fmax(worst, fabs(ab_t_quantile(0.025, DF[i]) + Q975[i]));
        worst = fmax(worst, fabs(ab_t_cdf(Q975[i], DF[i]) - 0.975));
    }
    check_error("t quantile 0.975 (df 1, 2, 3, 10, 2.5, 30, 7.3) and its CDF", worst, TOL);
    check_close("t quantile 0.95, df 5", ab_t_quantile(0.95, 5), 2.01504837333302, TOL);
    check_close("t CDF(2, df 4)", ab_t_cdf(2.0, 4), 0.941941738241592, TOL);
    check_close("t CDF(0, df 3)", ab_t_cdf(0.0, 3), 0.5, TOL);
    /* I_0.5(2, 3) = sum_{j=2..4} C(4,j) / 16 = 11/16 */
    check_close("I_0.5(2, 3)", ab_beta_inc(2, 3, 0.5), 11.0 / 16.0, TOL);
    CHECK(isnan(ab_t_quantile(1.0, 3)) && isnan(ab_t_quantile(0.5, 0)), "%s", "out of range gives NaN");
}

static ab_sample sample(const double *x, int n)
{
    return ab_sample_of(x, n);
}

static void test_welch(void)
{
    /* a: mean 0.9275, var 2.625e-4; b: mean 0.88, var 4e-4 */
    const double a[] = {0.91, 0.93, 0.92, 0.95}, b[] = {0.88, 0.90, 0.86};
    ab_ttest w = ab_welch_test(sample(a, 4), sample(b, 3), 0.95);
    CHECK(w.ok, "%s", "welch ok");
    check_close("welch diff", w.diff, 0.0475, TOL);
    check_close("welch se", w.se, 0.0143614066163451, TOL);
    check_close("welch df", w.df, 3.99009363550006, TOL);
    check_close("welch CI low", w.ci_low, 0.00758727051522991, TOL);
    check_close("welch CI high", w.ci_high, 0.0874127294847701, TOL);
    check_close("welch p", w.p, 0.0298347612248434, TOL);
    /* 1..5: var 2.5; 2,4,6: var 4. df = (0.5 + 4/3)^2 / (0.5^2/4 + (4/3)^2/2) = 3.3611/0.95139 */
    const double c[] = {1, 2, 3, 4, 5}, d[] = {2, 4, 6};
    w = ab_welch_test(sample(c, 5), sample(d, 3), 0.95);
    check_close("welch df (hand)", ab_welch_df(2.5, 5, 4.0, 3), (121.0 / 36.0) / (1.0 / 16.0 + 8.0 / 9.0), TOL);
    check_close("welch df 2", w.df, 3.53284671532847, TOL);
    check_close("welch CI low 2", w.ci_low, -4.96372552218627, TOL);
    check_close("welch CI high 2", w.ci_high, 2.96372552218627, TOL);
    check_close("welch p 2", w.p, 0.506214171652848, TOL);
    /* n < 2: no CI, no p */
    w = ab_welch_test(sample(c, 1), sample(d, 3), 0.95);
    CHECK(!w.ok && isnan(w.ci_low) && isnan(w.p) && w.diff == -3.0 && w.why, "n < 2: ok %d diff %g", w.ok, w.diff);
    /* no variance in either group: no CI and no p (never p = 0) */
    const double e[] = {0.5, 0.5}, f[] = {0.4, 0.4};
    w = ab_welch_test(sample(e, 2), sample(f, 2), 0.95);
    CHECK(!w.ok && isnan(w.ci_low) && isnan(w.ci_high) && isnan(w.p) && fabs(w.diff - 0.1) < TOL &&
              w.why && strstr(w.why, "zero variance"),
          "zero variance: ok %d [%g, %g] p %g", w.ok, w.ci_low, w.ci_high, w.p);
    /* variance in one group only: a test (df = n - 1 of the other) */
    const double g1[] = {0.5, 0.6, 0.7};
    w = ab_welch_test(sample(g1, 3), sample(f, 2), 0.95);
    CHECK(w.ok && fabs(w.df - 2.0) < TOL && w.p > 0.0, "one group without variance: ok %d df %g p %g", w.ok, w.df, w.p);
    const double g[] = {1.0, NAN, 3.0};
    (void)g1;
    ab_sample s = sample(g, 3);
    CHECK(s.n == 2 && s.mean == 2.0 && fabs(s.sd - sqrt(2.0)) < TOL, "NaN left out: n %d", s.n);
}

static void test_paired(void)
{
    /* d = 0.01, 0.02, 0.03, 0.05: mean 0.0275, se 0.00853912563829967, t 3.22047024073016, df 3 (mpmath) */
    const double d[] = {0.01, 0.02, 0.03, 0.05};
    ab_ttest t = ab_paired_test(d, 4, 0.95);
    CHECK(t.ok && t.df == 3.0, "paired ok %d df %g", t.ok, t.df);
    check_close("paired diff", t.diff, 0.0275, TOL);
    check_close("paired se", t.se, 0.0085391256382996653, TOL);
    check_close("paired t", t.t, 3.2204702407301595, TOL);
    check_close("paired p", t.p, 0.0485668565598010387, TOL);
    check_close("paired CI low", t.ci_low, 0.000324691162039831765, TOL);
    check_close("paired CI high", t.ci_high, 0.0546753088379601682, TOL);
    /* equal differences: zero variance, no CI, no p (also when rounding makes them differ in the last bit) */
    const double same[] = {0.91 - 0.81, 0.92 - 0.82, 0.90 - 0.80};
    t = ab_paired_test(same, 3, 0.95);
    CHECK(!t.ok && isnan(t.p) && isnan(t.ci_low) && fabs(t.diff - 0.1) < TOL && t.why && strstr(t.why, "zero variance"),
          "paired, equal differences: ok %d p %g why %s", t.ok, t.p, t.why ? t.why : "-");
    const double zero[] = {0, 0, 0};
    t = ab_paired_test(zero, 3, 0.95);
    CHECK(!t.ok && isnan(t.p) && t.diff == 0.0, "paired, all zero: ok %d p %g", t.ok, t.p);
    t = ab_paired_test(d, 1, 0.95);
    CHECK(!t.ok && isnan(t.p) && t.diff == 0.01 && t.why, "paired, one pair: ok %d", t.ok);
    const double with_nan[] = {0.01, NAN, 0.02, 0.03, 0.05};
    t = ab_paired_test(with_nan, 5, 0.95);
    check_close("paired NaN left out", t.p, 0.0485668565598010387, TOL);
}

static void test_holm(void)
{
    /* sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 0.02, 0.03, 0.06, max(0.04, 0.06) */
    const double p[] = {0.01, 0.04, 0.03, NAN, 0.005};
    double adj[5];
    ab_holm(adj, p, 5);
    double worst = fmax(fmax(fabs(adj[0] - 0.03), fabs(adj[1] - 0.06)), fmax(fabs(adj[2] - 0.06), fabs(adj[4] - 0.02)));
    check_error("Holm adjusted p (4 finite of 5)", worst, TOL);
    CHECK(isnan(adj[3]), "%s", "Holm: NaN stays NaN");
    const double big[] = {0.6, 0.5};
    ab_holm(adj, big, 2);
    CHECK(adj[0] == 1.0 && adj[1] == 1.0, "Holm capped at 1: %g %g", adj[0], adj[1]);
    const double tie[] = {0.02, 0.02};
    ab_holm(adj, tie, 2);
    CHECK(adj[0] == 0.04 && adj[1] == 0.04, "Holm ties: %g %g", adj[0], adj[1]);
    const double one[] = {0.03};
    ab_holm(adj, one, 1);
    CHECK(adj[0] == 0.03, "Holm of one p: %g", adj[0]);
}

/* ---- synthetic run documents ---- */

typedef struct {
    const char *act;
    double alpha, lr;         /* alpha NaN: absent */
    double acc[3], train[3];  /* test and train accuracy of seeds 1..3 */
    double dead2;             /* final dead fraction of layer 2 (layer 1: 0) */
    int revived2;             /* revived units in layer 2, epoch 1 */
    const char *status;       /* of the last n_bad seeds (NULL: all ok) */
    int n_bad;                /* 0 with a status: 1 */
    int seed0;                /* seeds seed0 + 1 .. seed0 + 3 */
    int has_best;             /* final.best: best_acc, best_train */
    double best_acc[3], best_train[3];
    int distinct2;            /* revived_units_total of layer 2 (-1: absent, as in older run files) */
    int every_steps;          /* probe.every_steps */
    const char *layers;       /* model.layers as JSON, with 2 probed layers (NULL: hidden [8, 8]) */
    int eval_size;            /* train.eval_size */
    int has_dead_seed;        /* dead2 per seed from dead_seed instead */
    double dead_seed[3];
    double train_limit;       /* data.train_limit (0: 500) */
    const char *c1_metric;    /* analysis.c1_metric (NULL: no analysis, as in older run files) */
} spec;

/* run k (1..3) of spec s */
static cJSON *run_doc(const spec *s, int k, int *id)
{
    char rid[32];
    snprintf(rid, sizeof rid, "run%04d", ++*id);
    cJSON *doc = cJSON_CreateObject();
    int n_bad = s->status ? (s->n_bad ? s->n_bad : 1) : 0, seed = s->seed0 + k;
    cJSON_AddStringToObject(doc, "run_id", rid);
    cJSON_AddStringToObject(doc, "status", k > 3 - n_bad ? s->status : "ok");
    cJSON *cfg = cJSON_AddObjectToObject(doc, "config");
    cJSON_AddStringToObject(cfg, "run_id", rid);
    cJSON_AddNumberToObject(cfg, "seed", seed);
    cJSON *data = cJSON_AddObjectToObject(cfg, "data");
    cJSON_AddNumberToObject(data, "train_limit", s->train_limit > 0 ? s->train_limit : 500);
    cJSON *model = cJSON_AddObjectToObject(cfg, "model");
    int hidden[2] = {8, 8};
    if (s->layers) cJSON_AddItemToObject(model, "layers", cJSON_Parse(s->layers));
    else cJSON_AddItemToObject(model, "hidden", cJSON_CreateIntArray(hidden, 2));
    cJSON_AddStringToObject(model, "activation", s->act);
    if (isfinite(s->alpha)) cJSON_AddNumberToObject(model, "alpha", s->alpha);
    cJSON *train = cJSON_AddObjectToObject(cfg, "train");
    cJSON_AddNumberToObject(train, "learning_rate", s->lr);
    cJSON_AddNumberToObject(train, "eval_size", s->eval_size);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(cfg, "probe"), "every_steps", s->every_steps);
    if (s->c1_metric) cJSON_AddStringToObject(cJSON_AddObjectToObject(cfg, "analysis"), "c1_metric", s->c1_metric);
    cJSON *fin = cJSON_AddObjectToObject(doc, "final");
    cJSON_AddNumberToObject(fin, "test_accuracy", s->acc[k - 1]);
    cJSON_AddNumberToObject(fin, "train_accuracy", s->train[k - 1]);
    if (s->has_best) {
        cJSON *best = cJSON_AddObjectToObject(fin, "best");
        cJSON_AddNumberToObject(best, "epoch", 1);
        cJSON_AddNumberToObject(best, "train_accuracy", s->best_train[k - 1]);
        cJSON_AddNumberToObject(best, "val_accuracy", s->best_acc[k - 1]);
        cJSON_AddNumberToObject(best, "test_accuracy", s->best_acc[k - 1]);
        cJSON_AddNumberToObject(best, "test_loss", 0.5);
    } else {
        cJSON_AddNullToObject(fin, "best");
    }
    double dead[2] = {0.0, s->has_dead_seed ? s->dead_seed[k - 1] : s->dead2};
    cJSON_AddItemToObject(fin, "dead_fraction", cJSON_CreateDoubleArray(dead, 2));
    cJSON *layers = cJSON_AddArrayToObject(cJSON_AddObjectToObject(cJSON_AddArrayToObject(doc, "epochs"), ""), "layers");
    for (int h = 0; h < 2; h++) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "layer", h + 1);
        cJSON_AddNumberToObject(l, "revived", h ? s->revived2 : 0);
        if (s->distinct2 >= 0) cJSON_AddNumberToObject(l, "revived_units_total", h ? s->distinct2 : 0);
        cJSON_AddItemToArray(layers, l);
    }
    return doc;
}

static ab_report *build(const spec *specs, int n)
{
    ab_run_set set = {cJSON_CreateArray(), cJSON_CreateArray(), 0};
    int id = 0;
    for (int i = 0; i < n; i++)
        for (int k = 1; k <= 3; k++) {
            cJSON *doc = run_doc(&specs[i], k, &id);
            char why[200];
            CHECK(ab_report_check_run(doc, why, sizeof why) == 0, "built run passes the checks: %s", why);
            cJSON_AddItemToArray(set.runs, doc);
        }
    ab_error err = {""};
    ab_report *r = ab_report_build(&set, "relu", &err);
    CHECK(r != NULL, "build: %s", err.msg);
    return r;
}

/* The report printed by print (ab_report_print_csv or _text) into a
 * temporary file, rewound for reading; the caller closes it. */
static FILE *printed(int (*print)(FILE *, const ab_report *), const ab_report *r)
{
    FILE *f = tmpfile();
    if (f) {
        print(f, r);
        rewind(f);
    }
    return f;
}

static int print_wide(FILE *f, const ab_report *r) { return ab_report_print_text_width(f, r, 0); }

static int find(const ab_report *r, const char *label)
{
    for (int i = 0; i < r->n_variants; i++)
        if (!strcmp(ab_buf_str(&r->v[i].label), label)) return i;
    return -1;
}

#define LO {0.80, 0.81, 0.82}
#define HI {0.90, 0.92, 0.91}
#define MID {0.80, 0.86, 0.90}
#define TRAIN {0.95, 0.95, 0.95}

static void test_grouping(void)
{
    const spec s[] = {
        {"leaky_relu", 0.2, 1.0, HI, TRAIN, 0, 0, "diverged", .seed0 = 0},
        {"relu", NAN, 1.0, LO, TRAIN, 0, 0, NULL, .seed0 = 0},
        {"relu", NAN, 0.1, LO, TRAIN, 0, 0, "failed", .seed0 = 0},
        {"leaky_relu", 0.01, 0.1, HI, TRAIN, 0, 0, NULL, .seed0 = 0},
        {"leaky_relu", 0.2, 0.1, HI, TRAIN, 0, 0, NULL, .seed0 = 0},
    };
    ab_report *r = build(s, 5);
    if (!r) return;
    CHECK(r->n_variants == 5 && r->n_swept == 3, "variants %d swept %d", r->n_variants, r->n_swept);
    const char *want[] = {"relu lr=0.1", "relu lr=1", "leaky_relu alpha=0.01 lr=0.1", "leaky_relu alpha=0.2 lr=0.1",
                          "leaky_relu alpha=0.2 lr=1"};
    for (int i = 0; i < 5 && i < r->n_variants; i++)
        CHECK(!strcmp(ab_buf_str(&r->v[i].label), want[i]), "variant %d: '%s', want '%s'", i, ab_buf_str(&r->v[i].label), want[i]);
    int relu01 = find(r, "relu lr=0.1"), relu1 = find(r, "relu lr=1"), big1 = find(r, "leaky_relu alpha=0.2 lr=1");
    int big01 = find(r, "leaky_relu alpha=0.2 lr=0.1");
    CHECK(relu01 >= 0 && r->v[relu01].n == 3 && r->v[relu01].n_failed == 1 && r->v[relu01].n_ok == 2, "%s",
          "relu lr=0.1: 3 runs, 1 failed");
    CHECK(big1 >= 0 && r->v[big1].n_diverged == 1 && r->v[big1].n_failed == 0, "%s", "diverged counted apart");
    CHECK(big1 >= 0 && r->v[big1].baseline == relu1, "baseline of lr=1: %d, want %d", r->v[big1].baseline, relu1);
    CHECK(big01 >= 0 && r->v[big01].baseline == relu01, "baseline of lr=0.1: %d", r->v[big01].baseline);
    CHECK(relu1 >= 0 && r->v[relu1].baseline == relu1, "%s", "relu is its own baseline");
    check_close("diff vs baseline (2 shared seeds: Welch)", r->v[big01].vs_baseline.welch.diff, 0.91 - 0.805, TOL);
    CHECK(!r->v[big01].vs_baseline.use_paired && r->v[big01].vs_baseline.n_pairs == 2, "Welch with %d pairs",
          r->v[big01].vs_baseline.n_pairs);
    check_close("gap mean", r->v[relu1].gap_s.mean, 0.95 - 0.81, TOL);
    CHECK(ab_report_find_baseline(r, big1, "rrelu") == -1, "%s", "no rrelu baseline");
    CHECK(ab_report_same(r, big1, big01, 1, "train.learning_rate") && !ab_report_same(r, big1, big01, 1, NULL),
          "%s", "same settings but the learning rate");
    cJSON *doc = ab_report_json(r);
    cJSON *v0 = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "variants"), 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "variants")) == 5 && cJSON_IsNull(cJSON_GetObjectItem(v0, "p_value")) &&
              cJSON_GetArraySize(cJSON_GetObjectItem(doc, "claims")) == 5,
          "%s", "JSON: 5 variants, NaN as null, 5 claims");
    cJSON_Delete(doc);
    FILE *f = printed(ab_report_print_csv, r);
    char line[2048];
    int lines = 0, header_ok = 0;
    while (f && fgets(line, sizeof line, f))
        if (lines++ == 0) header_ok = !strncmp(line, "variant,activation,model.alpha,train.learning_rate,n,", 52);
    if (f) fclose(f);
    CHECK(lines == 6 && header_ok, "CSV: %d lines, header ok %d", lines, header_ok);
    ab_report_free(r);
}

static ab_verdict verdict(const spec *s, int n, int claim)
{
    ab_report *r = build(s, n);
    if (!r) return AB_CANNOT_TELL;
    ab_verdict v = r->claims[claim].verdict;
    ab_report_free(r);
    return v;
}

#define EXPECT(s, claim, want)                                                                       \
    do {                                                                                             \
        ab_verdict got_ = verdict(s, (int)(sizeof s / sizeof s[0]), claim);                          \
        CHECK(got_ == want, "C%d on %s: %s, want %s", claim + 1, #s, ab_verdict_name(got_), ab_verdict_name(want)); \
    } while (0)

static void test_c1_c2(void)
{
    const spec better[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.2, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0},
                           {"rrelu", NAN, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}, {"prelu", 0.25, 1, MID, TRAIN, 0, 0, NULL, .seed0 = 0}};
    const spec worse[] = {{"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}};
    const spec mixed[] = {{"relu", NAN, 1, MID, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0},
                          {"rrelu", NAN, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    const spec no_relu[] = {{"leaky_relu", 0.01, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.2, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    EXPECT(better, 0, AB_SUPPORTS);
    EXPECT(worse, 0, AB_CONTRADICTS);
    EXPECT(mixed, 0, AB_CANNOT_TELL);
    EXPECT(no_relu, 0, AB_CANNOT_TELL);
    EXPECT(no_relu, 1, AB_SUPPORTS);
    const spec big_worse[] = {{"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.18, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}};
    const spec no_big[] = {{"leaky_relu", 0.01, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.1, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    const spec overlap[] = {{"leaky_relu", 0.01, 1, MID, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}};
    EXPECT(big_worse, 1, AB_CONTRADICTS);
    EXPECT(no_big, 1, AB_CANNOT_TELL);
    EXPECT(overlap, 1, AB_CANNOT_TELL);
}

#define GAP_SMALL {0.91, 0.92, 0.93}
#define GAP_LARGE {0.99, 0.995, 1.0}

static void test_c3_c4(void)
{
    /* test accuracy 0.90..0.92: gap ~0.01 with GAP_SMALL, ~0.09 with GAP_LARGE */
    const spec rr_small[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0},
                             {"rrelu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}};
    const spec rr_large[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}, {"rrelu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0}};
    const spec rr_same[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}, {"rrelu", NAN, 1, HI, {0.90, 0.94, 0.92}, 0, 0, NULL, .seed0 = 0}};
    EXPECT(rr_small, 2, AB_SUPPORTS);
    EXPECT(rr_large, 2, AB_CONTRADICTS);
    EXPECT(rr_same, 2, AB_CANNOT_TELL);
    const spec pr_large[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}, {"prelu", 0.25, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0}};
    const spec pr_small[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0}, {"prelu", 0.25, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}};
    const spec pr_alone[] = {{"prelu", 0.25, 1, HI, GAP_LARGE, 0, 0, NULL, .seed0 = 0}};
    EXPECT(pr_large, 3, AB_SUPPORTS);
    EXPECT(pr_small, 3, AB_CONTRADICTS);
    EXPECT(pr_alone, 3, AB_CANNOT_TELL);
    ab_report *r = build(pr_large, 2);
    CHECK(r && strstr(ab_buf_str(&r->claims[3].summary), "train_limit=500"), "C4 names the training set: %s",
          r ? ab_buf_str(&r->claims[3].summary) : "");
    ab_report_free(r);
}

/* relu's dead fraction at a large rate, by seed: the paired differences
 * with a leaky variant vary, so they can be tested */
#define RELU_DEAD {0.40, 0.45, 0.50}

static void test_c5(void)
{
    const spec dies[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                         {"relu", NAN, 1, LO, TRAIN, 0, 2, NULL, .has_dead_seed = 1, .dead_seed = RELU_DEAD},
                         {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 1, NULL, .seed0 = 0}};
    const spec both_die[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0}, {"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL, .seed0 = 0},
                             {"prelu", 0.25, 1, HI, TRAIN, 0.35, 0, NULL, .seed0 = 0}};
    const spec one_rate[] = {{"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, HI, TRAIN, 0.0, 0, NULL, .seed0 = 0}};
    const spec no_death[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0}, {"relu", NAN, 1, HI, TRAIN, 0.03, 0, NULL, .seed0 = 0},
                             {"rrelu", NAN, 1, HI, TRAIN, 0.0, 0, NULL, .seed0 = 0}};
    EXPECT(dies, 4, AB_SUPPORTS);
    EXPECT(both_die, 4, AB_CONTRADICTS);
    EXPECT(one_rate, 4, AB_CANNOT_TELL);
    EXPECT(no_death, 4, AB_CANNOT_TELL);
    ab_report *r = build(dies, 3);
    if (!r) return;
    const cJSON *relu = cJSON_GetObjectItem(cJSON_GetObjectItem(r->claims[4].numbers, "revived"), "relu");
    const cJSON *units = cJSON_GetObjectItem(relu, "events_layers_2_up");
    CHECK(cJSON_IsNumber(units) && units->valuedouble == 6, "relu revival events in layer 2: 3 runs x 2 = %g",
          cJSON_IsNumber(units) ? units->valuedouble : -1);
    FILE *f = tmpfile();
    ab_report_print_text(f, r);
    long size = ftell(f);
    fclose(f);
    CHECK(size > 500, "text report: %ld bytes", size);
    ab_report_free(r);
}

/* The JSON of claim k's comparison i. */
static cJSON *claim_comparison(const ab_report *r, int k, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[k].numbers, "comparisons"), i);
}

static const char *str_of(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));
    return s ? s : "(none)";
}

static double num_of(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

#define FLAT_LO {0.80, 0.80, 0.80}
#define FLAT_HI {0.90, 0.90, 0.90}

static void test_degenerate(void)
{
    /* the same accuracies: differences all 0 (zero variance of the paired differences) */
    const spec same[] = {{"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    ab_report *r = build(same, 2);
    if (!r) return;
    cJSON *c = claim_comparison(r, 0, 0), *paired = cJSON_GetObjectItem(c, "paired");
    CHECK(!strcmp(str_of(c, "test"), "paired") && cJSON_IsObject(paired) && num_of(paired, "n_pairs") == 3 &&
              cJSON_IsNull(cJSON_GetObjectItem(paired, "p_value")) && cJSON_IsNull(cJSON_GetObjectItem(paired, "ci_low")) &&
              cJSON_IsNull(cJSON_GetObjectItem(c, "p_holm")) && !strcmp(str_of(c, "outcome"), "inconclusive") &&
              strstr(str_of(c, "reason"), "zero variance of the paired differences"),
          "equal runs: test %s, outcome %s, reason %s", str_of(c, "test"), str_of(c, "outcome"), str_of(c, "reason"));
    CHECK(r->claims[0].verdict == AB_CANNOT_TELL, "%s", "equal runs: cannot tell");
    ab_report_free(r);
    /* no variance in either group and a constant difference: never p = 0 */
    const spec flat[] = {{"relu", NAN, 1, FLAT_LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, FLAT_HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    r = build(flat, 2);
    if (!r) return;
    c = claim_comparison(r, 0, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(c, "p_value")) && cJSON_IsNull(cJSON_GetObjectItem(c, "ci_low")) &&
              cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "paired"), "p_value")) &&
              !strcmp(str_of(c, "outcome"), "inconclusive") && r->claims[0].verdict == AB_CANNOT_TELL,
          "zero variance: p %g, outcome %s", num_of(c, "p_value"), str_of(c, "outcome"));
    CHECK(!r->v[1].vs_baseline.welch.ok && isnan(r->v[1].vs_baseline.welch.p) &&
              !strcmp(r->v[1].vs_baseline.outcome, "inconclusive"),
          "variant table: no p from zero variance (p %g)", r->v[1].vs_baseline.welch.p);
    ab_report_free(r);
    /* one finished run in a group (two diverged): n < 2 */
    const spec one[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0},
                        {"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, "diverged", .n_bad = 2}};
    r = build(one, 2);
    if (!r) return;
    c = claim_comparison(r, 0, 0);
    CHECK(!strcmp(str_of(c, "test"), "welch") && cJSON_IsNull(cJSON_GetObjectItem(c, "paired")) &&
              cJSON_IsNull(cJSON_GetObjectItem(c, "p_value")) && !strcmp(str_of(c, "outcome"), "inconclusive") &&
              strstr(str_of(c, "reason"), "fewer than 2") && num_of(c, "n_diverged") == 2,
          "n = 1: test %s outcome %s reason %s", str_of(c, "test"), str_of(c, "outcome"), str_of(c, "reason"));
    CHECK(r->claims[0].verdict == AB_CANNOT_TELL, "%s", "n = 1: cannot tell");
    cJSON *doc = ab_report_json(r);
    cJSON *leaky = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "variants"), 1);
    CHECK(num_of(leaky, "n_diverged") == 2 && num_of(leaky, "n_finished") == 1 && num_of(leaky, "n") == 3,
          "variant JSON: n_diverged %g", num_of(leaky, "n_diverged"));
    CHECK(num_of(doc, "left_out") == 0 && cJSON_IsArray(cJSON_GetObjectItem(doc, "left_out_files")), "%s",
          "JSON: left_out 0");
    cJSON_Delete(doc);
    char text[8192] = "";
    FILE *f = tmpfile();
    ab_report_print_text(f, r);
    rewind(f);
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    CHECK(strstr(text, "0.9000*") && strstr(text, "1/3") && strstr(text, "survivors"),
          "text marks the mean of survivors and shows finished/total:\n%s", text);
    ab_report_free(r);
}

static void test_paired_or_welch_and_holm(void)
{
    /* leaky seeds 3..5 share one seed with relu 1..3: Welch */
    const spec apart[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 2}};
    ab_report *r = build(apart, 2);
    if (!r) return;
    cJSON *c = claim_comparison(r, 0, 0);
    CHECK(!strcmp(str_of(c, "test"), "welch") && cJSON_IsNull(cJSON_GetObjectItem(c, "paired")) &&
              isfinite(num_of(c, "p_value")) && num_of(c, "p_holm") == num_of(c, "p_value") &&
              r->claims[0].verdict == AB_SUPPORTS,
          "1 shared seed: test %s, p %g, Holm p %g", str_of(c, "test"), num_of(c, "p_value"), num_of(c, "p_holm"));
    ab_report_free(r);
    /* differences 0.01, 0.02, 0.015: paired p = 0.0350 (t 5.196, df 2); alone it supports C1 ... */
    const spec alone[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"rrelu", NAN, 1, {0.81, 0.83, 0.835}, TRAIN, 0, 0, NULL, .seed0 = 0}};
    r = build(alone, 2);
    if (!r) return;
    c = claim_comparison(r, 0, 0);
    double p = num_of(cJSON_GetObjectItem(c, "paired"), "p_value");
    CHECK(!strcmp(str_of(c, "test"), "paired") && p > 0.03 && p < 0.04 && num_of(c, "p_holm") == p &&
              r->claims[0].verdict == AB_SUPPORTS,
          "one comparison: paired p %g supports", p);
    ab_report_free(r);
    /* ... but three such comparisons in one claim: Holm p = 3p > 0.05, cannot tell */
    const spec three[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.01, 1, {0.81, 0.83, 0.835}, TRAIN, 0, 0, NULL, .seed0 = 0},
                          {"rrelu", NAN, 1, {0.81, 0.83, 0.835}, TRAIN, 0, 0, NULL, .seed0 = 0},
                          {"prelu", 0.25, 1, {0.81, 0.83, 0.835}, TRAIN, 0, 0, NULL, .seed0 = 0}};
    r = build(three, 4);
    if (!r) return;
    double worst = 0.0;
    for (int i = 0; i < 3; i++) {
        c = claim_comparison(r, 0, i);
        worst = fmax(worst, fabs(num_of(c, "p_holm") - 3.0 * num_of(cJSON_GetObjectItem(c, "paired"), "p_value")));
        CHECK(!strcmp(str_of(c, "outcome"), "inconclusive"), "Holm: comparison %d %s", i, str_of(c, "outcome"));
    }
    check_error("Holm p = 3 p for three equal p-values", worst, TOL);
    CHECK(r->claims[0].verdict == AB_CANNOT_TELL, "%s", "Holm: three p = 0.035 cannot tell");
    ab_report_free(r);
}

#define BEST_ACC {0.88, 0.89, 0.90}

static void test_best_gap(void)
{
    /* at the last epoch rrelu's gap is smaller; at the best-validation epoch it is not */
    const spec s[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL, .has_best = 1, .best_acc = BEST_ACC,
                       .best_train = {0.95, 0.97, 0.96}},
                      {"rrelu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .has_best = 1, .best_acc = BEST_ACC,
                       .best_train = {0.96, 0.96, 0.97}}};
    ab_report *r = build(s, 2);
    if (!r) return;
    cJSON *c = claim_comparison(r, 2, 0), *last = cJSON_GetObjectItem(c, "secondary");
    CHECK(!strcmp(str_of(c, "metric"), "train_test_gap_best_epoch") && !strcmp(str_of(c, "outcome"), "inconclusive") &&
              !strcmp(str_of(last, "metric"), "train_test_gap") && num_of(last, "p_value") < 0.01 &&
              num_of(last, "diff") < 0,
          "best-epoch gap: metric %s outcome %s, last-epoch p %g", str_of(c, "metric"), str_of(c, "outcome"),
          num_of(last, "p_value"));
    check_close("train accuracy difference at the best epoch", num_of(c, "train_accuracy_diff"), 0.01 / 3, TOL);
    CHECK(r->claims[2].verdict == AB_CANNOT_TELL &&
              strstr(ab_buf_str(&r->claims[2].summary), "verdict on gap (best-val epoch) (analysis.c3_metric"),
          "C3 says which gap: %s", ab_buf_str(&r->claims[2].summary));
    CHECK(r->any_best && r->v[0].n_best == 3, "%s", "n_best");
    ab_report_free(r);
    /* final.best in one variant only: the last-epoch gap, and it says why */
    const spec mixed[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL, .has_best = 1, .best_acc = BEST_ACC,
                           .best_train = {0.95, 0.97, 0.96}},
                          {"rrelu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL, .seed0 = 0}};
    r = build(mixed, 2);
    if (!r) return;
    c = claim_comparison(r, 2, 0);
    CHECK(!strcmp(str_of(c, "metric"), "train_test_gap") && r->claims[2].verdict == AB_SUPPORTS &&
              strstr(ab_buf_str(&r->claims[2].summary), "on the last epoch in 1 of 1 comparisons (final.best missing"),
          "mixed: metric %s, %s", str_of(c, "metric"), ab_buf_str(&r->claims[2].summary));
    check_close("train accuracy difference at the last epoch", num_of(c, "train_accuracy_diff"),
                (0.91 + 0.92 + 0.93 - 0.99 - 0.995 - 1.0) / 3, TOL);
    ab_report_free(r);
}

/* The claim's metric read from the run files: C1 on the test accuracy at
 * the best-validation epoch when analysis.c1_metric says so, the last
 * epoch beside it (and the reverse by default). */
static void test_declared_metric(void)
{
    /* at the last epoch leaky_relu is better, at the best-validation epoch relu is */
    const spec best[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .has_best = 1, .best_acc = {0.90, 0.92, 0.91},
                          .best_train = TRAIN, .c1_metric = "best_epoch"},
                         {"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL, .has_best = 1, .best_acc = {0.80, 0.81, 0.83},
                          .best_train = TRAIN, .c1_metric = "best_epoch"}};
    ab_report *r = build(best, 2);
    if (!r) return;
    cJSON *c = claim_comparison(r, 0, 0), *other = cJSON_GetObjectItem(c, "secondary");
    CHECK(r->claims[0].verdict == AB_CONTRADICTS && !strcmp(str_of(c, "metric"), "test_accuracy_best_epoch") &&
              !strcmp(str_of(other, "metric"), "test_accuracy") && num_of(other, "diff") > 0.09 &&
              strstr(ab_buf_str(&r->claims[0].summary), "(analysis.c1_metric: best_epoch)") &&
              strstr(ab_buf_str(&r->claims[0].lines), "at the last epoch (not judged): diff +0.1"),
          "C1 on the best epoch: %s, metric %s, secondary %s %g: %s", ab_verdict_name(r->claims[0].verdict),
          str_of(c, "metric"), str_of(other, "metric"), num_of(other, "diff"), ab_buf_str(&r->claims[0].lines));
    ab_report_free(r);
    /* the same runs without analysis (older run files): the last epoch, the best one beside it */
    spec last[2] = {best[0], best[1]};
    last[0].c1_metric = last[1].c1_metric = NULL;
    r = build(last, 2);
    if (!r) return;
    c = claim_comparison(r, 0, 0), other = cJSON_GetObjectItem(c, "secondary");
    CHECK(r->claims[0].verdict == AB_SUPPORTS && !strcmp(str_of(c, "metric"), "test_accuracy") &&
              !strcmp(str_of(other, "metric"), "test_accuracy_best_epoch") && num_of(other, "diff") < -0.09,
          "C1 by default: %s, metric %s, secondary %g", ab_verdict_name(r->claims[0].verdict), str_of(c, "metric"),
          num_of(other, "diff"));
    ab_report_free(r);
    /* best_epoch declared, no final.best: the last epoch, and the summary says so */
    spec nobest[2] = {best[0], best[1]};
    nobest[0].has_best = nobest[1].has_best = 0;
    r = build(nobest, 2);
    if (!r) return;
    CHECK(r->claims[0].verdict == AB_SUPPORTS && !strcmp(str_of(claim_comparison(r, 0, 0), "metric"), "test_accuracy") &&
              strstr(ab_buf_str(&r->claims[0].summary), "on the last epoch in 1 of 1 comparisons"),
          "declared best_epoch without final.best: %s", ab_buf_str(&r->claims[0].summary));
    ab_report_free(r);
}

/* The trend over alpha (C2): per-seed least-squares slopes tested over the
 * seeds; relu is alpha 0, and leaky_relu alpha=0 is the baseline when
 * there is no relu. */
static void test_alpha_trend(void)
{
    /* per seed, y against x = (0, 0.1, 0.3): slopes 0.2, 0.228571..., 0.171428... (by hand), mean 0.2 */
    const spec rising[] = {{"relu", NAN, 1, {0.80, 0.81, 0.82}, TRAIN, 0, 0, NULL, .seed0 = 0},
                           {"leaky_relu", 0.1, 1, {0.82, 0.84, 0.83}, TRAIN, 0, 0, NULL, .seed0 = 0},
                           {"leaky_relu", 0.3, 1, {0.86, 0.88, 0.87}, TRAIN, 0, 0, NULL, .seed0 = 0}};
    ab_report *r = build(rising, 3);
    if (!r) return;
    cJSON *tr = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[1].numbers, "trend_over_alpha"), 0);
    double slopes[3] = {0.2, 0.016 / 0.07, 0.012 / 0.07};
    ab_ttest t = ab_paired_test(slopes, 3, 0.95);
    check_close("trend over alpha: mean slope", num_of(tr, "slope"), 0.2, TOL);
    check_close("trend over alpha: p of the slopes", num_of(tr, "p_value"), t.p, TOL);
    CHECK(r->claims[1].verdict == AB_SUPPORTS && num_of(tr, "n_seeds") == 3 && !strcmp(str_of(tr, "outcome"), "supports") &&
              cJSON_GetArraySize(cJSON_GetObjectItem(tr, "alphas")) == 3 &&
              strstr(ab_buf_str(&r->claims[1].lines), "no alpha=0.01 to compare it with"),
          "C2 from the trend: %s, %g seeds, outcome %s", ab_verdict_name(r->claims[1].verdict), num_of(tr, "n_seeds"),
          str_of(tr, "outcome"));
    ab_report_free(r);
    /* falling, with alpha 0.01 and leaky_relu alpha=0 instead of relu: the trend contradicts; the largest mean
     * (alpha 0) is paired with 0.01 and shown; alpha 0 is every variant's baseline and not a leaky variant */
    const spec falling[] = {{"leaky_relu", 0.0, 1, {0.86, 0.88, 0.87}, TRAIN, 0, 0, NULL, .seed0 = 0},
                            {"leaky_relu", 0.01, 1, {0.855, 0.874, 0.866}, TRAIN, 0, 0, NULL, .seed0 = 0},
                            {"leaky_relu", 0.3, 1, {0.80, 0.81, 0.82}, TRAIN, 0, 0, NULL, .seed0 = 0}};
    r = build(falling, 3);
    if (!r) return;
    tr = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[1].numbers, "trend_over_alpha"), 0);
    cJSON *big = cJSON_GetObjectItem(tr, "largest_mean"), *vs = cJSON_GetObjectItem(big, "versus_0_01");
    int a0 = find(r, "leaky_relu alpha=0"), a3 = find(r, "leaky_relu alpha=0.3");
    CHECK(r->claims[1].verdict == AB_CONTRADICTS && num_of(tr, "slope") < 0 && num_of(big, "alpha") == 0 &&
              fabs(num_of(vs, "diff") - 0.005) < 1e-9 && a0 >= 0 && a3 >= 0 && r->v[a0].baseline == a0 &&
              r->v[a3].baseline == a0 && cJSON_GetArraySize(cJSON_GetObjectItem(r->claims[0].numbers, "comparisons")) == 2,
          "falling trend: %s, slope %g, largest mean at %g, vs 0.01 %g; baselines %d %d", ab_verdict_name(r->claims[1].verdict),
          num_of(tr, "slope"), num_of(big, "alpha"), num_of(vs, "diff"), a0 >= 0 ? r->v[a0].baseline : -9,
          a3 >= 0 ? r->v[a3].baseline : -9);
    ab_report_free(r);
    /* two alphas are no trend */
    const spec two[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .seed0 = 0}, {"leaky_relu", 0.1, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0}};
    r = build(two, 2);
    if (!r) return;
    CHECK(!cJSON_GetObjectItem(r->claims[1].numbers, "trend_over_alpha"), "%s", "two alphas: no trend");
    ab_report_free(r);
}

/* The interaction of C4 with the training-set size: d = gap(prelu) -
 * gap(relu) by seed at each data.train_limit, its slope against log(size). */
static void test_size_interaction(void)
{
    /* relu's gaps 0.05, 0.03, 0.04 at every size; prelu's d = 0.04/0.03/0.045, 0.02/0.015/0.025, 0.005/0.002/0.008 */
    const spec s[] = {{"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .train_limit = 1000},
                      {"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .train_limit = 5000},
                      {"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .train_limit = 20000},
                      {"prelu", 0.25, 1, HI, {0.99, 0.98, 0.995}, 0, 0, NULL, .train_limit = 1000},
                      {"prelu", 0.25, 1, HI, {0.97, 0.965, 0.975}, 0, 0, NULL, .train_limit = 5000},
                      {"prelu", 0.25, 1, HI, {0.955, 0.952, 0.958}, 0, 0, NULL, .train_limit = 20000}};
    ab_report *r = build(s, 6);
    if (!r) return;
    cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[3].numbers, "interaction_with_size"), 0);
    /* the slopes by hand: x = log(1000, 5000, 20000), d by seed */
    const double d[3][3] = {{0.04, 0.02, 0.005}, {0.03, 0.015, 0.002}, {0.045, 0.025, 0.008}};
    double x[3] = {log(1000.0), log(5000.0), log(20000.0)}, mx = (x[0] + x[1] + x[2]) / 3, slopes[3];
    for (int k = 0; k < 3; k++) {
        double my = (d[k][0] + d[k][1] + d[k][2]) / 3, sxy = 0, sxx = 0;
        for (int i = 0; i < 3; i++) sxy += (x[i] - mx) * (d[k][i] - my), sxx += (x[i] - mx) * (x[i] - mx);
        slopes[k] = sxy / sxx;
    }
    ab_ttest t = ab_paired_test(slopes, 3, 0.95);
    check_close("interaction: mean slope of d against log(size)", num_of(in, "slope"), t.diff, 1e-9);
    check_close("interaction: its p", num_of(in, "p_value"), t.p, 1e-9);
    cJSON *sizes = cJSON_GetObjectItem(in, "sizes");
    CHECK(r->claims[3].verdict == AB_SUPPORTS && !strcmp(str_of(in, "outcome"), "supports") && num_of(in, "n_seeds") == 3 &&
              cJSON_GetArraySize(sizes) == 3 && num_of(cJSON_GetArrayItem(sizes, 0), "train_examples") == 1000 &&
              fabs(num_of(cJSON_GetArrayItem(sizes, 0), "diff") - 0.115 / 3) < 1e-9 &&
              strstr(ab_buf_str(&r->claims[3].lines), "slope of d against log(size)"),
          "C4 interaction: %s, outcome %s, %g seeds, %d sizes", ab_verdict_name(r->claims[3].verdict), str_of(in, "outcome"),
          num_of(in, "n_seeds"), cJSON_GetArraySize(sizes));
    ab_report_free(r);
}

/* A CNN's network in the report: model.layers as a compact label in the
 * text's variant names, in CSV and JSON (beside the list itself, kept);
 * train.eval_size, which changes only what is measured, is no difference
 * of settings when a variant looks for its baseline. */
#define NET_A "[{\"conv\":16,\"kernel\":3,\"stride\":1,\"padding\":0},{\"pool\":\"max\",\"size\":2,\"stride\":2}," \
              "{\"dense\":64}]"
#define NET_B "[{\"conv\":8,\"kernel\":5,\"stride\":2,\"padding\":2},{\"pool\":\"avg\",\"size\":3,\"stride\":2}," \
              "{\"dropout\":0.25},{\"conv\":10,\"kernel\":1,\"stride\":1,\"padding\":0},{\"pool\":\"global_avg\"}]"
static void test_layer_labels(void)
{
    const spec s[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .layers = NET_A},
                      {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .layers = NET_B},
                      {"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL, .layers = NET_A, .eval_size = 500},
                      {"relu", NAN, 1, MID, TRAIN, 0, 0, NULL, .seed0 = 0}};
    ab_report *r = build(s, 4);
    if (!r) return;
    const char *a = "relu layers=conv16k3-max2-dense64 eval_size=0";
    const char *b = "relu layers=conv8k5s2p2-avg3s2-drop0.25-conv10k1-gap eval_size=0";
    const char *leaky = "leaky_relu layers=conv16k3-max2-dense64 eval_size=500";
    int ia = find(r, a), ib = find(r, b), il = find(r, leaky), im = find(r, "relu hidden=[8,8] eval_size=0");
    CHECK(r->n_variants == 4 && ia >= 0 && ib >= 0 && il >= 0 && im >= 0, "labels: %s | %s | %s | %s",
          ab_buf_str(&r->v[0].label), ab_buf_str(&r->v[1].label), ab_buf_str(&r->v[2].label),
          r->n_variants > 3 ? ab_buf_str(&r->v[3].label) : "");
    CHECK(il >= 0 && r->v[il].baseline == ia, "the leaky CNN's baseline is the relu CNN of the same layers (%d, want %d)",
          il >= 0 ? r->v[il].baseline : -2, ia);
    cJSON *doc = ab_report_json(r);
    const cJSON *vs = cJSON_GetObjectItem(doc, "variants"), *v;
    int n_list = 0, n_label = 0, n_null = 0;
    cJSON_ArrayForEach(v, vs)
    {
        const cJSON *list = cJSON_GetObjectItem(v, "model.layers"), *label = cJSON_GetObjectItem(v, "layers_label");
        const char *name = str_of(v, "variant");
        n_list += cJSON_IsArray(list);
        n_null += cJSON_IsNull(list) && cJSON_IsNull(label);
        n_label += cJSON_IsString(label) && strstr(name, label->valuestring) != NULL;
    }
    CHECK(n_list == 3 && n_label == 3 && n_null == 1,
          "JSON: model.layers kept as a list (%d of 3), layers_label in the variant name (%d of 3), both null for the "
          "MLP (%d)", n_list, n_label, n_null);
    cJSON_Delete(doc);
    FILE *f = printed(ab_report_print_csv, r);
    char line[4096];
    int header = 0, rows = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strstr(line, "variant,activation,")) header = strstr(line, ",model.layers,layers_label,") != NULL;
        else rows += strstr(line, ",conv8k5s2p2-avg3s2-drop0.25-conv10k1-gap,") != NULL &&
                     strstr(line, "\"[{\"\"conv\"\":8,\"\"kernel\"\":5,\"\"padding\"\":2,\"\"stride\"\":2},") != NULL;
    }
    if (f) fclose(f);
    CHECK(header && rows == 1, "CSV: the model.layers and layers_label columns (%d), the list and its label (%d row)",
          header, rows);
    f = printed(print_wide, r);
    int text_rows = 0;
    while (f && fgets(line, sizeof line, f)) text_rows += !strncmp(line, b, strlen(b)) && !strchr(line, '{');
    if (f) fclose(f);
    CHECK(text_rows == 1, "text --wide: the variant row with the label and no JSON (%d)", text_rows);
    /* fitted to 100 columns: the label heads a row of each of the two tables */
    f = printed(ab_report_print_text, r);
    text_rows = 0;
    int widest = 0;
    while (f && fgets(line, sizeof line, f)) {
        text_rows += !strncmp(line, b, strlen(b)) && !strchr(line, '{');
        int w = 0;
        for (const char *s = line; *s && *s != '\n'; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
        if (w > widest) widest = w;
    }
    if (f) fclose(f);
    CHECK(text_rows == 2 && widest <= AB_REPORT_COLUMNS,
          "text: the label in both tables (%d), every line within %d columns (widest %d)", text_rows,
          AB_REPORT_COLUMNS, widest);
    ab_report_free(r);
    /* an entry that is not a layer is written as its JSON, never dropped */
    ab_buf lb = {NULL, 0, 0};
    cJSON *odd = cJSON_Parse("[{\"dense\":4},{\"conv\":2},7]");
    ab_fmt_layers(&lb, odd);
    CHECK(!strcmp(ab_buf_str(&lb), "dense4-{\"conv\":2}-7"), "odd entries: %s", ab_buf_str(&lb));
    cJSON_Delete(odd);
    ab_buf_free(&lb);
}

static void test_c5_min_runs(void)
{
    /* leaky_relu at the top rate: 1 of 3 finished, 2 diverged where relu lost its units: a diverged run is its
     * own outcome, never a unit dying, and one finite pair is too few to judge */
    const spec single[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0}, {"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL, .seed0 = 0},
                           {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, "diverged", .n_bad = 2}};
    ab_report *r = build(single, 3);
    if (!r) return;
    cJSON *series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    cJSON *div = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "diverged"), 1);
    CHECK(r->claims[4].verdict == AB_CANNOT_TELL && !strcmp(str_of(series, "outcome"), "cannot tell") &&
              !strcmp(str_of(div, "activation"), "leaky_relu") && num_of(div, "diverged") == 2 &&
              num_of(div, "runs") == 3 && strstr(ab_buf_str(&r->claims[4].summary), "leaky_relu 2 of 3"),
          "C5, leaky diverged in 2 of 3 seeds: %s, series %s, %s", ab_verdict_name(r->claims[4].verdict),
          str_of(series, "outcome"), ab_buf_str(&r->claims[4].summary));
    ab_report_free(r);
    /* the same with relu dying by seed and two finite leaky runs: judged on them, the diverged one apart */
    const spec two_finite[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                               {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .has_dead_seed = 1, .dead_seed = RELU_DEAD},
                               {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, "diverged", .n_bad = 1}};
    r = build(two_finite, 3);
    if (!r) return;
    series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    cJSON *lk = cJSON_GetArrayItem(cJSON_GetObjectItem(series, "leaky_at_top_rate"), 0), *pj = cJSON_GetObjectItem(lk, "pairs");
    cJSON *dd = cJSON_GetObjectItem(lk, "dead_diff");
    CHECK(r->claims[4].verdict == AB_SUPPORTS && num_of(pj, "n") == 2 && num_of(pj, "as_claimed") == 2 &&
              num_of(pj, "leaky_diverged") == 1 && fabs(num_of(dd, "diff") - 0.395) < 1e-9 &&
              num_of(dd, "p_holm") < 0.05 && !strcmp(str_of(lk, "outcome"), "supports"),
          "C5 on the finite pairs: %s (%g pairs, %g as claimed, %g diverged, diff %g, Holm p %g)",
          ab_verdict_name(r->claims[4].verdict), num_of(pj, "n"), num_of(pj, "as_claimed"),
          num_of(pj, "leaky_diverged"), num_of(dd, "diff"), num_of(dd, "p_holm"));
    ab_report_free(r);
    /* every pair as claimed, but the differences are all equal: no variance, no test, no support */
    const spec flat[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0}, {"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL, .seed0 = 0},
                         {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, NULL, .seed0 = 0}};
    EXPECT(flat, 4, AB_CANNOT_TELL);
    /* one seed shared with relu: one pair, no verdict rests on it */
    const spec one_pair[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0}, {"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL, .seed0 = 0},
                             {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, NULL, .seed0 = 2}};
    r = build(one_pair, 3);
    if (!r) return;
    series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    CHECK(r->claims[4].verdict == AB_CANNOT_TELL && !strcmp(str_of(series, "outcome"), "cannot tell") &&
              strstr(str_of(series, "reason"), "paired with >= 2"),
          "C5, one pair: %s (%s)", ab_verdict_name(r->claims[4].verdict), str_of(series, "reason"));
    ab_report_free(r);
    /* the means say relu 0.35 > 2 x leaky 0.03, but relu died in one seed only, where leaky diverged: paired on
     * the finite runs, neither */
    const spec means[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                          {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .has_dead_seed = 1, .dead_seed = {0.05, 0.05, 0.95}},
                          {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, "diverged", .seed0 = 0}};
    r = build(means, 3);
    if (!r) return;
    series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    pj = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(series, "leaky_at_top_rate"), 0), "pairs");
    CHECK(r->claims[4].verdict == AB_CANNOT_TELL && !strcmp(str_of(series, "outcome"), "inconclusive") &&
              num_of(pj, "as_claimed") == 0 && num_of(pj, "against") == 0 && num_of(pj, "neither") == 2 &&
              num_of(pj, "leaky_diverged") == 1,
          "C5 paired, not by means: %s, series %s (%g as claimed, %g against, %g neither, %g diverged)",
          ab_verdict_name(r->claims[4].verdict), str_of(series, "outcome"), num_of(pj, "as_claimed"),
          num_of(pj, "against"), num_of(pj, "neither"), num_of(pj, "leaky_diverged"));
    ab_report_free(r);
    /* a middle rate where relu lost its units: paired the same way, shown in other_rates, not counted */
    const spec middle[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                           {"relu", NAN, 0.5, LO, TRAIN, 0.30, 0, NULL, .seed0 = 0},
                           {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .has_dead_seed = 1, .dead_seed = RELU_DEAD},
                           {"leaky_relu", 0.01, 0.5, HI, TRAIN, 0.20, 0, NULL, .seed0 = 0},
                           {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, NULL, .seed0 = 0}};
    r = build(middle, 5);
    if (!r) return;
    series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    cJSON *mid = cJSON_GetArrayItem(cJSON_GetObjectItem(series, "other_rates"), 0);
    pj = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(mid, "leaky"), 0), "pairs");
    CHECK(r->claims[4].verdict == AB_SUPPORTS && cJSON_GetArraySize(cJSON_GetObjectItem(series, "other_rates")) == 1 &&
              num_of(mid, "learning_rate") == 0.5 && !strcmp(str_of(mid, "outcome"), "contradicts") &&
              num_of(pj, "against") == 3 && strstr(ab_buf_str(&r->claims[4].lines), "also at lr=0.5"),
          "C5 other rates: verdict %s from lr=1; lr=%g shown: %s, %g against", ab_verdict_name(r->claims[4].verdict),
          num_of(mid, "learning_rate"), str_of(mid, "outcome"), num_of(pj, "against"));
    ab_report_free(r);
    /* the large rate probed every 10 steps: a measurement, the same series */
    const spec probed[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                           {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .every_steps = 10, .has_dead_seed = 1,
                            .dead_seed = RELU_DEAD},
                           {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, NULL, .every_steps = 10}};
    r = build(probed, 3);
    if (!r) return;
    series = cJSON_GetArrayItem(cJSON_GetObjectItem(r->claims[4].numbers, "series"), 0);
    CHECK(r->claims[4].verdict == AB_SUPPORTS && cJSON_GetArraySize(cJSON_GetObjectItem(series, "relu")) == 2,
          "C5 with probe.every_steps at the large rate: %s, %d relu rates", ab_verdict_name(r->claims[4].verdict),
          cJSON_GetArraySize(cJSON_GetObjectItem(series, "relu")));
    CHECK(r->v[2].baseline == 1, "baseline across probe.every_steps: %d", r->v[2].baseline);
    ab_report_free(r);
    /* two finished leaky runs: a verdict */
    const spec two[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL, .seed0 = 0},
                        {"relu", NAN, 1, LO, TRAIN, 0, 0, NULL, .has_dead_seed = 1, .dead_seed = RELU_DEAD},
                        {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 0, "diverged", .seed0 = 0}};
    EXPECT(two, 4, AB_SUPPORTS);
    /* distinct revived units: 1 per run in layer 2 (revived_units_total), 2 events */
    const spec distinct[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 2, NULL, .distinct2 = 1},
                             {"relu", NAN, 1, LO, TRAIN, 0.40, 2, NULL, .distinct2 = 1}};
    r = build(distinct, 2);
    if (!r) return;
    cJSON *rv = cJSON_GetObjectItem(r->claims[4].numbers, "revived"), *relu = cJSON_GetObjectItem(rv, "relu");
    CHECK(!strcmp(str_of(rv, "counted"), "distinct_units") && num_of(relu, "distinct_units_layers_2_up") == 6 &&
              num_of(relu, "events_layers_2_up") == 12 && strstr(ab_buf_str(&r->claims[4].summary), "distinct units"),
          "distinct revived units: %g (events %g): %s", num_of(relu, "distinct_units_layers_2_up"),
          num_of(relu, "events_layers_2_up"), ab_buf_str(&r->claims[4].summary));
    ab_report_free(r);
    /* older run files without revived_units_total: events, and it says so */
    const spec old[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 2, NULL, .distinct2 = -1},
                        {"relu", NAN, 1, LO, TRAIN, 0.40, 2, NULL, .distinct2 = -1}};
    r = build(old, 2);
    if (!r) return;
    rv = cJSON_GetObjectItem(r->claims[4].numbers, "revived");
    CHECK(!strcmp(str_of(rv, "counted"), "events") &&
              cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(rv, "relu"), "distinct_units_layers_2_up")) &&
              strstr(ab_buf_str(&r->claims[4].summary), "revival events"),
          "no distinct counts: %s", ab_buf_str(&r->claims[4].summary));
    ab_report_free(r);
}

/* The check of a run document after edit(doc): want names the problem (NULL: passes). */
static void check_damage(const char *name, void (*edit)(cJSON *), const char *want)
{
    const spec s = {"relu", NAN, 1, HI, TRAIN, 0, 0, NULL, .seed0 = 0};
    int id = 0;
    cJSON *doc = run_doc(&s, 1, &id);
    edit(doc);
    char why[300] = "";
    int st = ab_report_check_run(doc, why, sizeof why);
    if (want) CHECK(st == -1 && strstr(why, want), "%s: '%s', want '%s'", name, why, want);
    else CHECK(st == 0, "%s passes: %s", name, why);
    cJSON_Delete(doc);
}

static cJSON *fin_of(cJSON *doc)
{
    return cJSON_GetObjectItem(doc, "final");
}
static void no_test_acc(cJSON *d) { cJSON_DeleteItemFromObject(fin_of(d), "test_accuracy"); }
static void status_number(cJSON *d) { cJSON_ReplaceItemInObject(d, "status", cJSON_CreateNumber(1)); }
static void status_unknown(cJSON *d) { cJSON_ReplaceItemInObject(d, "status", cJSON_CreateString("done")); }
static void hidden_string(cJSON *d)
{
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "config"), "model"), "hidden",
                              cJSON_CreateString("8,8"));
}
static void revived_string(cJSON *d)
{
    cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "epochs"), 0), "layers"), 1);
    cJSON_ReplaceItemInObject(l, "revived", cJSON_CreateString("2"));
}
static void best_number(cJSON *d) { cJSON_ReplaceItemInObject(fin_of(d), "best", cJSON_CreateNumber(3)); }
static void best_no_test(cJSON *d)
{
    cJSON *best = cJSON_CreateObject();
    cJSON_AddNumberToObject(best, "epoch", 2);
    cJSON_AddNumberToObject(best, "train_accuracy", 0.9);
    cJSON_ReplaceItemInObject(fin_of(d), "best", best);
}
static void dead_short(cJSON *d) { cJSON_DeleteItemFromArray(cJSON_GetObjectItem(fin_of(d), "dead_fraction"), 1); }
static void no_config(cJSON *d) { cJSON_DeleteItemFromObject(d, "config"); }
static void no_final(cJSON *d) { cJSON_DeleteItemFromObject(d, "final"); }
static void failed_run(cJSON *d)
{
    cJSON_ReplaceItemInObject(d, "status", cJSON_CreateString("failed"));
    cJSON_ReplaceItemInObject(d, "final", cJSON_CreateNull());
    cJSON_ReplaceItemInObject(d, "epochs", cJSON_CreateArray());
}
static void acc_big(cJSON *d) { cJSON_ReplaceItemInObject(fin_of(d), "test_accuracy", cJSON_CreateNumber(1e300)); }
static void revived_negative(cJSON *d)
{
    cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "epochs"), 0), "layers"), 1);
    cJSON_ReplaceItemInObject(l, "revived_units_total", cJSON_CreateNumber(-2));
}
static void revived_huge(cJSON *d)
{
    cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "epochs"), 0), "layers"), 0);
    cJSON_ReplaceItemInObject(l, "revived", cJSON_CreateNumber(1e300));
}
static void dead_above_one(cJSON *d)
{
    cJSON_ReplaceItemInArray(cJSON_GetObjectItem(fin_of(d), "dead_fraction"), 0, cJSON_CreateNumber(1.5));
}
static void no_best(cJSON *d) { cJSON_DeleteItemFromObject(fin_of(d), "best"); }
static void nothing(cJSON *d) { (void)d; }
/* a CNN's network: model.layers instead of model.hidden, probed layers = its
 * conv and dense entries (2 here, as the run's 2 layers; 1 when dense goes) */
static void cnn_layers(cJSON *d)
{
    cJSON *model = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "config"), "model");
    cJSON_DeleteItemFromObject(model, "hidden");
    cJSON_AddItemToObject(model, "layers", cJSON_Parse("[{\"conv\":4,\"kernel\":3,\"stride\":1,\"padding\":0},"
                                                       "{\"pool\":\"max\",\"size\":2,\"stride\":2},{\"dense\":8}]"));
}
static void cnn_one_probed(cJSON *d)
{
    cnn_layers(d);
    cJSON *layers = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "config"), "model"), "layers");
    cJSON_DeleteItemFromArray(layers, 2);
}

static void test_check_run(void)
{
    check_damage("a good run", nothing, NULL);
    check_damage("a run without final.best (older run file)", no_best, NULL);
    check_damage("a failed run (final null)", failed_run, NULL);
    check_damage("no final.test_accuracy", no_test_acc, "final.test_accuracy: missing");
    check_damage("status a number", status_number, "status: not a string");
    check_damage("status unknown", status_unknown, "status: 'done'");
    check_damage("hidden a string", hidden_string, "config.model.hidden: not an array");
    check_damage("a CNN (model.layers, no model.hidden)", cnn_layers, NULL);
    check_damage("a CNN with one probed layer for two dead fractions", cnn_one_probed,
                 "final.dead_fraction: 2 entries for 1 hidden layers");
    check_damage("revived a string", revived_string, "epochs[0].layers[1].revived: not a number or null");
    check_damage("best a number", best_number, "final.best: not an object or null");
    check_damage("best without test_accuracy", best_no_test, "final.best.test_accuracy: missing");
    check_damage("dead_fraction too short", dead_short, "final.dead_fraction: 1 entries for 2 hidden layers");
    check_damage("no config", no_config, "config: missing");
    check_damage("test accuracy 1e300", acc_big, "final.test_accuracy: 1e+300 is not in [0, 1]");
    check_damage("revived_units_total -2", revived_negative, "epochs[0].layers[1].revived_units_total: -2 is not a count");
    check_damage("revived 1e300", revived_huge, "epochs[0].layers[0].revived: 1e+300 is not a count");
    check_damage("dead fraction 1.5", dead_above_one, "final.dead_fraction: an entry is not a fraction");
    check_damage("no final", no_final, "final: missing");
    char why[100];
    cJSON *arr = cJSON_CreateArray();
    CHECK(ab_report_check_run(arr, why, sizeof why) == -1 && strstr(why, "not a JSON object"), "array: %s", why);
    cJSON_Delete(arr);
    /* a set with no run: an error, never a crash */
    ab_run_set set = {cJSON_CreateArray(), cJSON_CreateArray(), 0};
    ab_error err = {""};
    CHECK(ab_report_build(&set, "relu", &err) == NULL && strstr(err.msg, "no runs") && !set.runs, "empty: %s", err.msg);
}

int main(void)
{
    test_t_distribution();
    test_welch();
    test_grouping();
    test_c1_c2();
    test_c3_c4();
    test_c5();
    test_paired();
    test_holm();
    test_degenerate();
    test_paired_or_welch_and_holm();
    test_best_gap();
    test_c5_min_runs();
    test_declared_metric();
    test_alpha_trend();
    test_size_interaction();
    test_layer_labels();
    test_check_run();
    return check_done("test_report");
}
