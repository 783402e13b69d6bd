/* fuzz_runs.c: a result directory as 'actbench report', 'summarize' and
 * 'run --resume' read it back: the manifest (DIR/experiment.json) and the
 * run files (DIR/runs/NAME.json), through the library's public readers:
 * ab_result_dir_check (the manifest, as run checks DIR), ab_run_file_load
 * (each run file, as --resume and summarize check it), ab_dir_scan (the
 * state and summary document of 'summarize' and the end of 'run') and the
 * report (ab_report_read, ab_report_build, then its text, CSV and JSON).
 * summary.json itself is only written, never read back, so it is not an
 * input. Input: one byte of options, then up to 8 files separated by
 * FUZZ_SEP. Options: bit 0 the baseline is leaky_relu (else relu), bit 1
 * the first file is DIR/experiment.json, bit 2 the run files are expected
 * to belong to experiment "tiny" (else to any). A run file is named by its
 * run_id when it has a plain one (as run writes it), else r<i>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report/report.h"
#include "report/summary.h"
#include "run/result_dir.h"
#include "run/run_file.h"
#include "fuzz.h"

/* The file name run writes for doc: its run_id when that is plain. */
static void run_name(char *name, size_t size, const fuzz_part *p, int i)
{
    snprintf(name, size, "runs/r%d.json", i);
    char *text = malloc(p->n + 1);
    if (!text) return;
    memcpy(text, p->p, p->n);
    text[p->n] = 0;
    cJSON *doc = cJSON_Parse(text);
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(doc, "run_id"));
    if (id && id[0] && strlen(id) <= 64 && strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz_-") == strlen(id))
        snprintf(name, size, "runs/%s.json", id);
    cJSON_Delete(doc);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static FILE *null;
    if (!null && !(null = fopen("/dev/null", "w"))) _exit(3); /* no finding: see support.c */
    unsigned opt = data[0];
    const char *experiment = opt & 4 ? "tiny" : NULL;
    char *dir = (char *)fuzz_dir();
    fuzz_part parts[8];
    int n = fuzz_split(data + 1, size - 1, parts, 8);
    char paths[8][512];
    int n_runs = 0;
    for (int i = 0; i < n; i++) {
        char name[128];
        if (i == 0 && (opt & 2)) snprintf(name, sizeof name, "experiment.json");
        else run_name(name, sizeof name, &parts[i], i);
        const char *path = fuzz_write(name, parts[i].p, parts[i].n, 0);
        if (!(i == 0 && (opt & 2))) snprintf(paths[n_runs++], sizeof paths[0], "%s", path);
    }
    ab_error err = {{0}};
    if (ab_result_dir_check(dir, experiment ? experiment : "tiny", &err) != AB_OK && !err.msg[0]) abort();
    for (int i = 0; i < n_runs; i++) {
        cJSON *doc = NULL;
        memset(&err, 0, sizeof err);
        ab_run_kind k = ab_run_file_load(paths[i], experiment, &doc, &err);
        if ((k == AB_RUN_DAMAGED || k == AB_RUN_FOREIGN) && !err.msg[0]) abort();
        cJSON_Delete(doc);
    }
    ab_dir_state st;
    memset(&err, 0, sizeof err);
    if (ab_dir_scan(dir, experiment, "0", &st, &err) == AB_OK) {
        char *text = cJSON_Print(st.summary);
        free(text);
        ab_dir_state_free(&st);
    } else if (!err.msg[0]) {
        abort();
    }
    ab_run_set set = {0};
    memset(&err, 0, sizeof err);
    if (ab_report_read(&set, &dir, 1, &err) != 0) {
        if (!err.msg[0]) abort();
        ab_run_set_free(&set);
        return 0;
    }
    ab_report *r = ab_report_build(&set, opt & 1 ? "leaky_relu" : "relu", &err);
    if (!r && !err.msg[0]) abort();
    if (r) {
        ab_report_print_text(null, r);
        ab_report_print_csv(null, r);
        cJSON *doc = ab_report_json(r);
        char *text = cJSON_Print(doc);
        free(text);
        cJSON_Delete(doc);
        ab_report_free(r);
    }
    ab_run_set_free(&set);
    return 0;
}
