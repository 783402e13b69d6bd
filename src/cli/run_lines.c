/* run_lines.c: the run list that 'validate' and 'run --dry-run' print:
 * one line per run ("INDEX RUN_ID key=value ..."), and under a run whose
 * network (its layers' shapes and parameter counts) differs from the one
 * printed before it, that table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../config/experiment.h"
#include "commands.h"

void ab_print_run_lines(ab_experiment *e, const int *index, int n)
{
    enum { TABLE = 64 * 1024 };
    char *table = malloc(TABLE), *last = calloc(1, TABLE);
    for (int j = 0; j < n; j++) {
        int i = index ? index[j] : j;
        char line[4096];
        ab_experiment_run_line(line, sizeof line, e, i);
        puts(line);
        ab_error err = {{0}};
        if (!table || !last || ab_experiment_shape_text(e, i, table, TABLE, &err) != AB_OK) continue;
        if (strcmp(table, last)) fputs(table, stdout);
        memcpy(last, table, TABLE);
    }
    free(table);
    free(last);
}
