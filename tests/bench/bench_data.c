/* bench_data.c: times loading a data set (default: all of Fashion-MNIST
 * from the Debian package's .gz files), best of a few runs. Build by hand:
 *   make build/libactbench.a && cc -std=c11 -D_GNU_SOURCE -O2 -o build/bench_data \
 *     tests/bench/bench_data.c build/libactbench.a \
 *     $(pkg-config --libs openblas yaml-0.1 libcjson zlib) -lm
 * Usage: build/bench_data [dataset [path]] */
#include <stdio.h>
#include <time.h>
#include "../../src/data/dataset.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    if (argc > 1) snprintf(spec.dataset, sizeof spec.dataset, "%s", argv[1]);
    if (argc > 2) snprintf(spec.path, sizeof spec.path, "%s", argv[2]);
    double best = 1e30;
    for (int run = 0; run < 5; run++) {
        ab_dataset d;
        ab_error err;
        double t0 = now();
        ab_status st = ab_data_load(&d, &spec, &err);
        double t = now() - t0;
        if (st != AB_OK) {
            fprintf(stderr, "bench_data: %s\n", err.msg);
            return 1;
        }
        if (t < best) best = t;
        printf("%s: %ld train, %ld val, %ld test, %d features, %d classes, %zu bytes: %.3f s\n",
               d.name, d.train.n, d.val.n, d.test.n, d.features, d.classes, d.mem_size, t);
        ab_data_free(&d);
    }
    printf("best %.3f s\n", best);
    return 0;
}
