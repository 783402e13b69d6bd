/* fuzz_idx.c: IDX files (mnist, idx, fashion-mnist from data.path),
 * plain or gzip-compressed, through ab_data_load: read, split and
 * preprocessed. Input: one byte of options, then the four files
 * train-images, train-labels, t10k-images and t10k-labels separated by
 * FUZZ_SEP (a missing one is a missing file). Options: bits 0-1 the data
 * set (idx, mnist, fashion-mnist, idx), bit 2 gzip the files, bit 3 name
 * them .gz, bits 4-5 validation examples, bit 6 train_limit 1, bit 7
 * standardize. */
#include <stdio.h>
#include <string.h>
#include "data/dataset.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const SETS[] = {"idx", "mnist", "fashion-mnist", "idx"};
    static const char *const FILES[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    unsigned opt = data[0];
    const char *dir = fuzz_dir();
    fuzz_part parts[4];
    int n = fuzz_split(data + 1, size - 1, parts, 4);
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s%s", FILES[i], opt & 8 ? ".gz" : "");
        fuzz_write(name, parts[i].p, parts[i].n, (opt & 4) != 0);
    }
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    snprintf(spec.dataset, sizeof spec.dataset, "%s", SETS[opt & 3]);
    snprintf(spec.path, sizeof spec.path, "%s", dir);
    spec.validation = (opt >> 4) & 3;
    spec.train_limit = (opt & 64) ? 1 : 0;
    spec.preprocess = (opt & 128) ? AB_PRE_STANDARDIZE : AB_PRE_DEFAULT;
    ab_dataset d;
    ab_error err = {{0}};
    if (ab_data_load(&d, &spec, &err) == AB_OK) ab_data_free(&d);
    else if (!err.msg[0]) __builtin_trap();
    return 0;
}
