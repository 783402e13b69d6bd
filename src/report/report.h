/* report.h: 'actbench report': run files of one or more result directories
 * pooled (damaged or foreign files named and left out), grouped into
 * variants (the settings that differ between runs, the seed excluded),
 * each compared with the baseline activation of the same other settings
 * (paired by seed when they share 3 seeds or more, else Welch's t-test),
 * and a verdict on each claim C1-C5 of docs/claims.md. A library layer: it
 * writes only to the FILE* it is given and never exits. docs/report.md
 * describes the rules.
 *
 * The files, each depending only on those before it:
 *   stats.c            t distribution, Welch, paired t, Holm (pure)
 *   report_fmt.c       growing strings, number formats, verdict names
 *   report_match.c     the variant-matching rules (activation keys, baselines)
 *   report_read.c      reading and checking the run files of the DIRs
 *   report_variants.c  grouping runs into variants and their statistics
 *   report_compare.c   one comparison: paired/Welch, Holm, outcome, its line
 *   report_trends.c    slopes over seeds: the trend over alpha, the size interaction
 *   report_dying.c     claim C5
 *   report_claims.c    claims C1-C4, and judging all five
 *   report_text.c, report_export.c   text, CSV and JSON
 *   report.c           building a report (variants, baselines), then judging */
#ifndef AB_REPORT_H
#define AB_REPORT_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "../core/status.h"
#include "stats.h"

/* A growing string; once an allocation failed (oom) it stays as it was. */
typedef struct {
    char *s;
    size_t len;
    int oom;
} ab_buf;

/* One finished run of a variant (status ok). The best-epoch fields are NaN
 * when the run file has no final.best (no validation data). */
typedef struct {
    double seed;
    double acc, train, gap;                /* final test and train accuracy, train - test */
    double acc_best, train_best, gap_best; /* the same at the best-validation epoch */
} ab_run_row;

/* What a comparison measures: test accuracy or the train-test gap, each at
 * the last epoch or at the best-validation epoch (final.best). */
typedef enum { AB_M_ACC, AB_M_ACC_BEST, AB_M_GAP_LAST, AB_M_GAP_BEST } ab_metric;

/* One comparison of variant a with variant b on a metric: Welch's test
 * always, the paired test over the seeds both have when there are >= 3. */
typedef struct {
    int a, b;            /* variant indices; b < 0: no partner (why says so) */
    ab_metric metric;
    int sign;            /* +1: the claim says a > b; -1: a < b */
    const char *why;     /* b < 0: why there is no partner */
    const char *note;    /* shown beside it, or NULL */
    ab_sample sa, sb;    /* the metric over the finished runs of a and b */
    ab_ttest welch;
    int n_pairs;         /* seeds where a and b both have a finite value */
    ab_ttest paired;     /* meaningful when n_pairs >= AB_MIN_PAIRS */
    int use_paired;      /* n_pairs >= AB_MIN_PAIRS: the outcome rests on the paired test */
    double train_diff;   /* gap metrics: the training-accuracy difference at the same epoch, same test */
    ab_metric other_metric; /* the same quantity at the other epoch: shown, never the outcome */
    ab_ttest other;      /* its test: paired when it has >= AB_MIN_PAIRS pairs, else Welch */
    int other_pairs;     /* its pairs (-1: Welch) */
    double p_holm;       /* the used test's p, Holm-adjusted within the claim (NaN: none) */
    const char *outcome; /* supports, contradicts, inconclusive, n/a */
    const char *reason;  /* why inconclusive or n/a, or NULL */
} ab_comparison;

#define AB_MIN_PAIRS 3

/* One variant: the runs that share every swept value but the seed. */
typedef struct {
    ab_buf label;           /* "leaky_relu alpha=0.2 lr=1" */
    char **values;          /* (n_swept) canonical value text, NULL when absent */
    const char *activation; /* model.activation ("?" when absent) */
    const cJSON *config;    /* resolved config of its first run */
    int n, n_ok, n_diverged, n_failed; /* runs; ok = finished */
    int n_best;             /* finished runs with final.best */
    ab_run_row *rows;       /* (n_ok) */
    int n_layers;
    double *dead;           /* (n_ok, n_layers) final dead fraction */
    double *dead_mean;      /* (n_layers) over finished runs */
    double *diverged_seed;  /* (n_diverged) the seeds of the diverged runs */
    ab_sample acc_s, gap_s, gap_best_s;
    /* revivals of finished runs, layer 1 and layers >= 2: events (sum of
     * epochs[].layers[].revived) and distinct units (revived_units_total
     * at the last epoch), the latter over the n_distinct runs that have it */
    long events_first, events_upper, distinct_first, distinct_upper;
    int n_distinct;
    int runs_revived_upper; /* finished runs with a revival in a layer >= 2 */
    long n_train;           /* training examples of its first finished run (the last epoch's
                               train_measured; else data.train_limit or data.n_train; 0: unknown) */
    int baseline;           /* index of the matching baseline variant, -1 when none */
    ab_comparison vs_baseline; /* test accuracy minus the baseline's */
} ab_variant;

typedef enum { AB_CANNOT_TELL, AB_SUPPORTS, AB_CONTRADICTS } ab_verdict;

typedef struct {
    const char *id, *claim; /* "C1", its one-line statement */
    ab_verdict verdict;
    ab_buf summary;         /* one line: counts and the reason */
    ab_buf lines;           /* the numbers, one comparison per line */
    cJSON *numbers;         /* the same numbers as JSON members of the claim */
} ab_claim;

#define AB_N_CLAIMS 5

/* The run documents of the DIRs and the files left out. */
typedef struct {
    cJSON *runs;     /* array of run documents that passed the checks */
    cJSON *left_out; /* array of {"file", "problem"} */
    int n_duplicates;
} ab_run_set;

typedef struct {
    cJSON *runs;            /* the run documents (owned) */
    cJSON *left_out;        /* the files left out, {"file", "problem"} (owned) */
    cJSON *sources;         /* the sources the runs were built from, {"source", "runs"} (ab_runs_sources) */
    cJSON *swept;           /* dot paths that differ between runs, seed excluded */
    int n_swept;
    char **short_names;     /* (n_swept) names used in variant labels */
    int *act_specific;      /* (n_swept) 1 for paths that belong to the activation */
    ab_variant *v;
    int n_variants, max_layers, any_best;
    char baseline[64];
    ab_metric declared[4];  /* the metric of C1-C4 (analysis.c1_metric ... of the run files) */
    int analysis_mixed;     /* the run files declare different metrics: the first one's are used */
    ab_claim claims[AB_N_CLAIMS];
} ab_report;

/* Reads the run files of every DIR into set (pooled); a DIR is a result
 * directory (DIR/runs) or a directory of result directories. A file that
 * cannot be read, is not JSON, lacks a field the report needs or belongs
 * to another experiment than DIR/experiment.json names is put in
 * set->left_out with what is wrong. A run ID seen before is counted in
 * set->n_duplicates. -1 with err when a DIR is missing, cannot be listed
 * or holds no run file at all (set is then empty); 0 otherwise. */
int ab_report_read(ab_run_set *set, char *const *dirs, int n_dirs, ab_error *err);
void ab_run_set_free(ab_run_set *set);
/* 0 when doc has every field the report reads, with the right type; else
 * -1 and what is wrong in why. */
int ab_report_check_run(const cJSON *doc, char *why, size_t size);
/* Builds the report and judges the claims; takes set's documents over
 * (freed by ab_report_free, also on error; set is left empty). NULL with
 * err when no run is left or memory runs out. */
ab_report *ab_report_build(ab_run_set *set, const char *baseline, ab_error *err);
void ab_report_free(ab_report *r);

/* The index of the variant with activation act and the same settings as
 * variant i but for the activation's own keys; -1 when none or ambiguous. */
int ab_report_find_baseline(const ab_report *r, int i, const char *act);
/* 1 when variants i and j hold equal values for every swept path except
 * skip_path, the keys that change only what is measured
 * (probe.every_steps) and, with skip_act, the activation's own keys. */
int ab_report_same(const ab_report *r, int i, int j, int skip_act, const char *skip_path);
const char *ab_verdict_name(ab_verdict v);

/* The report as text, the variant table as CSV; -1 when out of memory. */
int ab_report_print_text(FILE *f, const ab_report *r);
/* The text at most limit columns wide (0: no limit, one table however wide):
 * the variant table split in two (test accuracy and its comparison with the
 * baseline; the gaps and dead units) when it does not fit, a long dead/layer cell reduced to its
 * largest layer, and longer lines wrapped at spaces. ab_report_print_text
 * uses AB_REPORT_COLUMNS. */
#define AB_REPORT_COLUMNS 100
int ab_report_print_text_width(FILE *f, const ab_report *r, int limit);
int ab_report_print_csv(FILE *f, const ab_report *r);
/* {"runs", "left_out", "baseline", "swept", "variants": [...], "claims": [...]};
 * NaN as null. NULL when memory runs out. */
cJSON *ab_report_json(const ab_report *r);

#endif
