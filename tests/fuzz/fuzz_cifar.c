/* fuzz_cifar.c: CIFAR-10 binary batches, plain or gzip-compressed, through
 * ab_data_load. Input: one byte of options, then up to six files
 * (data_batch_1..5.bin, test_batch.bin) separated by FUZZ_SEP; files past
 * the last part given repeat it. Options: bit 0 gzip the files, bit 1
 * name them .gz, bits 2-3 validation examples, bit 4 standardize, bit 5
 * leave test_batch.bin out. */
#include <stdio.h>
#include "data/dataset.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned opt = data[0];
    const char *dir = fuzz_dir();
    fuzz_part parts[6];
    int n = fuzz_split(data + 1, size - 1, parts, 6);
    for (int i = 0; i < 6; i++) {
        char name[64];
        if (i < 5) snprintf(name, sizeof name, "data_batch_%d.bin%s", i + 1, opt & 2 ? ".gz" : "");
        else if (opt & 32) break;
        else snprintf(name, sizeof name, "test_batch.bin%s", opt & 2 ? ".gz" : "");
        const fuzz_part *p = &parts[i < n ? i : n - 1];
        fuzz_write(name, p->p, p->n, opt & 1);
    }
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    snprintf(spec.dataset, sizeof spec.dataset, "cifar10");
    snprintf(spec.path, sizeof spec.path, "%s", dir);
    spec.validation = (opt >> 2) & 3;
    spec.preprocess = (opt & 16) ? AB_PRE_STANDARDIZE : AB_PRE_DEFAULT;
    ab_dataset d;
    ab_error err = {{0}};
    if (ab_data_load(&d, &spec, &err) == AB_OK) ab_data_free(&d);
    else if (!err.msg[0]) __builtin_trap();
    return 0;
}
