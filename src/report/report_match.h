/* report_match.h: the variant-matching rules of the report, a leaf over
 * the report's types: which swept paths belong to an activation, which
 * activations are leaky, when two variants have the same other settings,
 * which variant is the baseline of another, and a variant's numbers. */
#ifndef AB_REPORT_MATCH_H
#define AB_REPORT_MATCH_H

#include "report.h"

/* 0 for model.activation, 1 for the other keys of an activation
 * (model.alpha, model.rrelu_*, ...), 3 for the keys that change only what
 * is measured (probe.every_steps: ab_report_same ignores them), 2 for
 * every other path. */
int ab_path_rank(const char *path);
/* leaky_relu, rrelu, prelu */
int ab_is_leaky(const char *activation);
/* 1 when variant v is of activation act: its model.activation, or for
 * "relu" also leaky_relu with alpha 0, which is the same function. */
int ab_variant_is(const ab_variant *v, const char *act);
/* 1 for a leaky variant (leaky_relu, rrelu, prelu) that is not relu:
 * leaky_relu with alpha 0 is not leaky. */
int ab_variant_leaky(const ab_variant *v);
/* The largest layer mean of a variant's final dead fractions (NaN when none). */
double ab_variant_dead_max(const ab_variant *v);
/* A number of a variant's resolved config (NaN when absent). */
double ab_variant_num(const ab_variant *v, const char *path);
/* ab_report_same with a NULL-terminated list of paths to skip. */
int ab_report_same_except(const ab_report *r, int i, int j, int skip_act, const char *const *skip_paths);
/* ab_report_same and ab_report_find_baseline (report.h) are defined here. */

#endif
