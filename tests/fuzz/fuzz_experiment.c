/* fuzz_experiment.c: an experiment file through the path of 'actbench
 * validate': YAML parsed, checked and expanded into runs
 * (ab_experiment_load), then every run's summary line and resolved JSON
 * printed (to memory) as validate and validate --json print them. */
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "config/experiment.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_dir();
    const char *path = fuzz_write("exp.yaml", data, size, 0);
    ab_experiment *e = NULL;
    ab_error err = {{0}};
    if (ab_experiment_load(&e, path, NULL, 0, &err) != AB_OK) {
        if (!err.msg[0]) abort(); /* an error must say what is wrong */
        return 0;
    }
    for (int i = 0; i < ab_experiment_n_runs(e); i++) {
        char line[4096];
        ab_experiment_run_line(line, sizeof line, e, i);
        char *text = cJSON_PrintUnformatted(ab_experiment_run_json(e, i));
        free(text);
    }
    ab_experiment_free(e);
    return 0;
}
