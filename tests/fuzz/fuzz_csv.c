/* fuzz_csv.c: CSV data files through ab_data_load. Input: one byte of
 * options, then the training file and, when given after FUZZ_SEP, the test
 * file. Options: bits 0-1 header (auto, no, yes, auto), bits 2-3 the label
 * column ("0", "1", "label", "y"), bit 4 validation 1, bit 5 standardize
 * (else the default, none), bit 6 min-max scale, bit 7 test_split 0.5. */
#include <stdio.h>
#include "data/dataset.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const LABELS[] = {"0", "1", "label", "y"};
    static const int HEADER[] = {-1, 0, 1, -1};
    unsigned opt = data[0];
    fuzz_dir();
    fuzz_part parts[2];
    int n = fuzz_split(data + 1, size - 1, parts, 2);
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    snprintf(spec.dataset, sizeof spec.dataset, "csv");
    snprintf(spec.path, sizeof spec.path, "%s", fuzz_write("train.csv", parts[0].p, parts[0].n, 0));
    if (n > 1) snprintf(spec.test_path, sizeof spec.test_path, "%s", fuzz_write("test.csv", parts[1].p, parts[1].n, 0));
    spec.header = HEADER[opt & 3];
    snprintf(spec.label_column, sizeof spec.label_column, "%s", LABELS[(opt >> 2) & 3]);
    spec.validation = (opt >> 4) & 1;
    spec.preprocess = (opt & 32) ? AB_PRE_STANDARDIZE : (opt & 64) ? AB_PRE_SCALE : AB_PRE_DEFAULT;
    spec.test_split = (opt & 128) ? 0.5 : 0.2;
    ab_dataset d;
    ab_error err = {{0}};
    if (ab_data_load(&d, &spec, &err) == AB_OK) ab_data_free(&d);
    else if (!err.msg[0]) __builtin_trap();
    return 0;
}
