/* test_report.c: the statistics of 'actbench report' (Student t quantiles
 * and CDF, the incomplete beta, Welch's test) against values computed with
 * mpmath at 30 digits or by hand (tolerance 1e-9), and the report itself
 * on run documents built here: variant grouping and labels, baseline
 * matching, and each claim's verdict (supports, contradicts, cannot tell). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "../src/report/report.h"
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
    /* n < 2: no CI */
    w = ab_welch_test(sample(c, 1), sample(d, 3), 0.95);
    CHECK(!w.ok && isnan(w.ci_low) && w.diff == -3.0, "n < 2: ok %d diff %g", w.ok, w.diff);
    /* no variance: CI [diff, diff] */
    const double e[] = {0.5, 0.5}, f[] = {0.4, 0.4};
    w = ab_welch_test(sample(e, 2), sample(f, 2), 0.95);
    CHECK(w.ok && fabs(w.ci_low - 0.1) < TOL && fabs(w.ci_high - 0.1) < TOL && w.p == 0.0, "zero variance: [%g, %g] p %g",
          w.ci_low, w.ci_high, w.p);
    const double g[] = {1.0, NAN, 3.0};
    ab_sample s = sample(g, 3);
    CHECK(s.n == 2 && s.mean == 2.0 && fabs(s.sd - sqrt(2.0)) < TOL, "NaN left out: n %d", s.n);
}

/* ---- synthetic run documents ---- */

typedef struct {
    const char *act;
    double alpha, lr;         /* alpha NaN: absent */
    double acc[3], train[3];  /* test and train accuracy of seeds 1..3 */
    double dead2;             /* final dead fraction of layer 2 (layer 1: 0) */
    int revived2;             /* revived units in layer 2, epoch 1 */
    const char *status;       /* of seed 3 (NULL: ok) */
} spec;

static cJSON *run_doc(const spec *s, int seed, int *id)
{
    char rid[32];
    snprintf(rid, sizeof rid, "run%04d", ++*id);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "run_id", rid);
    cJSON_AddStringToObject(doc, "status", seed == 3 && s->status ? s->status : "ok");
    cJSON *cfg = cJSON_AddObjectToObject(doc, "config");
    cJSON_AddStringToObject(cfg, "run_id", rid);
    cJSON_AddNumberToObject(cfg, "seed", seed);
    cJSON *data = cJSON_AddObjectToObject(cfg, "data");
    cJSON_AddNumberToObject(data, "train_limit", 500);
    cJSON *model = cJSON_AddObjectToObject(cfg, "model");
    int hidden[2] = {8, 8};
    cJSON_AddItemToObject(model, "hidden", cJSON_CreateIntArray(hidden, 2));
    cJSON_AddStringToObject(model, "activation", s->act);
    if (isfinite(s->alpha)) cJSON_AddNumberToObject(model, "alpha", s->alpha);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(cfg, "train"), "learning_rate", s->lr);
    cJSON *fin = cJSON_AddObjectToObject(doc, "final");
    cJSON_AddNumberToObject(fin, "test_accuracy", s->acc[seed - 1]);
    cJSON_AddNumberToObject(fin, "train_accuracy", s->train[seed - 1]);
    double dead[2] = {0.0, s->dead2};
    cJSON_AddItemToObject(fin, "dead_fraction", cJSON_CreateDoubleArray(dead, 2));
    cJSON *layers = cJSON_AddArrayToObject(cJSON_AddObjectToObject(cJSON_AddArrayToObject(doc, "epochs"), ""), "layers");
    for (int h = 0; h < 2; h++) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddNumberToObject(l, "layer", h + 1);
        cJSON_AddNumberToObject(l, "revived", h ? s->revived2 : 0);
        cJSON_AddItemToArray(layers, l);
    }
    return doc;
}

static ab_report *build(const spec *specs, int n)
{
    cJSON *runs = cJSON_CreateArray();
    int id = 0;
    for (int i = 0; i < n; i++)
        for (int seed = 1; seed <= 3; seed++) cJSON_AddItemToArray(runs, run_doc(&specs[i], seed, &id));
    ab_error err = {""};
    ab_report *r = ab_report_build(runs, "relu", &err);
    CHECK(r != NULL, "build: %s", err.msg);
    return r;
}

static int find(const ab_report *r, const char *label)
{
    for (int i = 0; i < r->n_variants; i++)
        if (!strcmp(r->v[i].label, label)) return i;
    return -1;
}

#define LO {0.80, 0.81, 0.82}
#define HI {0.90, 0.91, 0.92}
#define MID {0.80, 0.86, 0.90}
#define TRAIN {0.95, 0.95, 0.95}

static void test_grouping(void)
{
    const spec s[] = {
        {"leaky_relu", 0.2, 1.0, HI, TRAIN, 0, 0, "diverged"},
        {"relu", NAN, 1.0, LO, TRAIN, 0, 0, NULL},
        {"relu", NAN, 0.1, LO, TRAIN, 0, 0, "failed"},
        {"leaky_relu", 0.01, 0.1, HI, TRAIN, 0, 0, NULL},
        {"leaky_relu", 0.2, 0.1, HI, TRAIN, 0, 0, NULL},
    };
    ab_report *r = build(s, 5);
    if (!r) return;
    CHECK(r->n_variants == 5 && r->n_swept == 3, "variants %d swept %d", r->n_variants, r->n_swept);
    const char *want[] = {"relu lr=0.1", "relu lr=1", "leaky_relu alpha=0.01 lr=0.1", "leaky_relu alpha=0.2 lr=0.1",
                          "leaky_relu alpha=0.2 lr=1"};
    for (int i = 0; i < 5 && i < r->n_variants; i++)
        CHECK(!strcmp(r->v[i].label, want[i]), "variant %d: '%s', want '%s'", i, r->v[i].label, want[i]);
    int relu01 = find(r, "relu lr=0.1"), relu1 = find(r, "relu lr=1"), big1 = find(r, "leaky_relu alpha=0.2 lr=1");
    int big01 = find(r, "leaky_relu alpha=0.2 lr=0.1");
    CHECK(relu01 >= 0 && r->v[relu01].n == 3 && r->v[relu01].n_failed == 1 && r->v[relu01].n_ok == 2, "%s",
          "relu lr=0.1: 3 runs, 1 failed");
    CHECK(big1 >= 0 && r->v[big1].n_diverged == 1 && r->v[big1].n_failed == 0, "%s", "diverged counted apart");
    CHECK(big1 >= 0 && r->v[big1].baseline == relu1, "baseline of lr=1: %d, want %d", r->v[big1].baseline, relu1);
    CHECK(big01 >= 0 && r->v[big01].baseline == relu01, "baseline of lr=0.1: %d", r->v[big01].baseline);
    CHECK(relu1 >= 0 && r->v[relu1].baseline == relu1, "%s", "relu is its own baseline");
    check_close("diff vs baseline", r->v[big01].vs_baseline.diff, 0.91 - 0.805, TOL);
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
    FILE *f = tmpfile();
    ab_report_print_csv(f, r);
    rewind(f);
    char line[2048];
    int lines = 0, header_ok = 0;
    while (fgets(line, sizeof line, f))
        if (lines++ == 0) header_ok = !strncmp(line, "variant,activation,model.alpha,train.learning_rate,n,", 52);
    fclose(f);
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
    const spec better[] = {{"relu", NAN, 1, LO, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.2, 1, HI, TRAIN, 0, 0, NULL},
                           {"rrelu", NAN, 1, HI, TRAIN, 0, 0, NULL}, {"prelu", 0.25, 1, MID, TRAIN, 0, 0, NULL}};
    const spec worse[] = {{"relu", NAN, 1, HI, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL}};
    const spec mixed[] = {{"relu", NAN, 1, MID, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL},
                          {"rrelu", NAN, 1, HI, TRAIN, 0, 0, NULL}};
    const spec no_relu[] = {{"leaky_relu", 0.01, 1, LO, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.2, 1, HI, TRAIN, 0, 0, NULL}};
    EXPECT(better, 0, AB_SUPPORTS);
    EXPECT(worse, 0, AB_CONTRADICTS);
    EXPECT(mixed, 0, AB_CANNOT_TELL);
    EXPECT(no_relu, 0, AB_CANNOT_TELL);
    EXPECT(no_relu, 1, AB_SUPPORTS);
    const spec big_worse[] = {{"leaky_relu", 0.01, 1, HI, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.18, 1, LO, TRAIN, 0, 0, NULL}};
    const spec no_big[] = {{"leaky_relu", 0.01, 1, LO, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.1, 1, HI, TRAIN, 0, 0, NULL}};
    const spec overlap[] = {{"leaky_relu", 0.01, 1, MID, TRAIN, 0, 0, NULL}, {"leaky_relu", 0.2, 1, LO, TRAIN, 0, 0, NULL}};
    EXPECT(big_worse, 1, AB_CONTRADICTS);
    EXPECT(no_big, 1, AB_CANNOT_TELL);
    EXPECT(overlap, 1, AB_CANNOT_TELL);
}

#define GAP_SMALL {0.91, 0.92, 0.93}
#define GAP_LARGE {0.99, 0.995, 1.0}

static void test_c3_c4(void)
{
    /* test accuracy 0.90..0.92: gap ~0.01 with GAP_SMALL, ~0.09 with GAP_LARGE */
    const spec rr_small[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL}, {"leaky_relu", 0.01, 1, HI, GAP_LARGE, 0, 0, NULL},
                             {"rrelu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL}};
    const spec rr_large[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL}, {"rrelu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL}};
    const spec rr_same[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL}, {"rrelu", NAN, 1, HI, {0.90, 0.94, 0.92}, 0, 0, NULL}};
    EXPECT(rr_small, 2, AB_SUPPORTS);
    EXPECT(rr_large, 2, AB_CONTRADICTS);
    EXPECT(rr_same, 2, AB_CANNOT_TELL);
    const spec pr_large[] = {{"relu", NAN, 1, HI, GAP_SMALL, 0, 0, NULL}, {"prelu", 0.25, 1, HI, GAP_LARGE, 0, 0, NULL}};
    const spec pr_small[] = {{"relu", NAN, 1, HI, GAP_LARGE, 0, 0, NULL}, {"prelu", 0.25, 1, HI, GAP_SMALL, 0, 0, NULL}};
    const spec pr_alone[] = {{"prelu", 0.25, 1, HI, GAP_LARGE, 0, 0, NULL}};
    EXPECT(pr_large, 3, AB_SUPPORTS);
    EXPECT(pr_small, 3, AB_CONTRADICTS);
    EXPECT(pr_alone, 3, AB_CANNOT_TELL);
    ab_report *r = build(pr_large, 2);
    CHECK(r && strstr(r->claims[3].summary, "train_limit=500"), "C4 names the training set: %s",
          r ? r->claims[3].summary : "");
    ab_report_free(r);
}

static void test_c5(void)
{
    const spec dies[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL}, {"relu", NAN, 1, LO, TRAIN, 0.40, 2, NULL},
                         {"leaky_relu", 0.01, 1, HI, TRAIN, 0.03, 1, NULL}};
    const spec both_die[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL}, {"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL},
                             {"prelu", 0.25, 1, HI, TRAIN, 0.35, 0, NULL}};
    const spec one_rate[] = {{"relu", NAN, 1, LO, TRAIN, 0.40, 0, NULL}, {"leaky_relu", 0.01, 1, HI, TRAIN, 0.0, 0, NULL}};
    const spec no_death[] = {{"relu", NAN, 0.01, HI, TRAIN, 0.02, 0, NULL}, {"relu", NAN, 1, HI, TRAIN, 0.03, 0, NULL},
                             {"rrelu", NAN, 1, HI, TRAIN, 0.0, 0, NULL}};
    EXPECT(dies, 4, AB_SUPPORTS);
    EXPECT(both_die, 4, AB_CONTRADICTS);
    EXPECT(one_rate, 4, AB_CANNOT_TELL);
    EXPECT(no_death, 4, AB_CANNOT_TELL);
    ab_report *r = build(dies, 3);
    if (!r) return;
    const cJSON *relu = cJSON_GetObjectItem(cJSON_GetObjectItem(r->claims[4].numbers, "revived"), "relu");
    const cJSON *units = cJSON_GetObjectItem(relu, "units_layers_2_up");
    CHECK(cJSON_IsNumber(units) && units->valuedouble == 6, "relu revived in layer 2: 3 runs x 2 = %g",
          cJSON_IsNumber(units) ? units->valuedouble : -1);
    FILE *f = tmpfile();
    ab_report_print_text(f, r);
    long size = ftell(f);
    fclose(f);
    CHECK(size > 500, "text report: %ld bytes", size);
    ab_report_free(r);
}

int main(void)
{
    test_t_distribution();
    test_welch();
    test_grouping();
    test_c1_c2();
    test_c3_c4();
    test_c5();
    return check_done("test_report");
}
