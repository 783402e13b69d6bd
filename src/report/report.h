/* report.h: 'actbench report': run files of one or more result directories
 * pooled, grouped into variants (the settings that differ between runs,
 * the seed excluded), each compared with the baseline activation of the
 * same other settings by Welch's t-test, and a verdict on each claim
 * C1-C5 of REFERENCE.md. A library layer: it writes only to the FILE* it
 * is given and never exits. docs/report.md describes the rules. */
#ifndef AB_REPORT_H
#define AB_REPORT_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "../core/status.h"
#include "stats.h"

/* One variant: the runs that share every swept value but the seed. */
typedef struct {
    char *label;            /* "leaky_relu alpha=0.2 lr=1" */
    char **values;          /* (n_swept) canonical value text, NULL when absent */
    const char *activation; /* model.activation ("?" when absent) */
    const cJSON *config;    /* resolved config of its first run */
    int n, n_ok, n_diverged, n_failed; /* runs; ok = finished */
    double *acc, *gap;      /* (n_ok) test accuracy, train - test accuracy */
    int n_layers;
    double *dead;           /* (n_ok, n_layers) final dead fraction */
    double *dead_mean;      /* (n_layers) over finished runs */
    ab_sample acc_s, gap_s;
    long revived_first, revived_upper; /* summed over epochs of finished runs: layer 1, layers >= 2 */
    int runs_revived_upper;            /* finished runs with a revival in a layer >= 2 */
    int baseline;           /* index of the matching baseline variant, -1 when none */
    ab_welch vs_baseline;   /* test accuracy minus the baseline's */
} ab_variant;

typedef enum { AB_CANNOT_TELL, AB_SUPPORTS, AB_CONTRADICTS } ab_verdict;

typedef struct {
    const char *id, *claim; /* "C1", its one-line statement */
    ab_verdict verdict;
    char *summary;          /* one line: counts and the reason */
    char *lines;            /* the numbers, one comparison per line ("" when none) */
    cJSON *numbers;         /* the same numbers as JSON members of the claim */
} ab_claim;

#define AB_N_CLAIMS 5

typedef struct {
    cJSON *runs;            /* the run documents (owned) */
    cJSON *swept;           /* dot paths that differ between runs, seed excluded */
    int n_swept;
    char **short_names;     /* (n_swept) names used in variant labels */
    int *act_specific;      /* (n_swept) 1 for paths that belong to the activation */
    ab_variant *v;
    int n_variants, max_layers;
    char baseline[64];
    ab_claim claims[AB_N_CLAIMS];
} ab_report;

/* The run documents of every DIR, pooled; a DIR is a result directory
 * (DIR/runs) or a directory of result directories. A run ID seen before is
 * skipped and counted in *n_duplicates. NULL with err when a DIR is
 * missing or holds no run. */
cJSON *ab_report_read(char *const *dirs, int n_dirs, int *n_duplicates, ab_error *err);
/* Builds the report; takes runs over (freed by ab_report_free, also on error). */
ab_report *ab_report_build(cJSON *runs, const char *baseline, ab_error *err);
void ab_report_free(ab_report *r);

/* The index of the variant with activation act and the same settings as
 * variant i but for the activation's own keys; -1 when none or ambiguous. */
int ab_report_find_baseline(const ab_report *r, int i, const char *act);
/* 1 when variants i and j hold equal values for every swept path except
 * skip_path and, with skip_act, the activation's own keys. */
int ab_report_same(const ab_report *r, int i, int j, int skip_act, const char *skip_path);
const char *ab_verdict_name(ab_verdict v);

void ab_report_print_text(FILE *f, const ab_report *r);
void ab_report_print_csv(FILE *f, const ab_report *r);
/* {"runs", "baseline", "swept", "variants": [...], "claims": [...]}; NaN as null. */
cJSON *ab_report_json(const ab_report *r);

#endif
