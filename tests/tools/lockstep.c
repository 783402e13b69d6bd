/* lockstep.c: the engine's half of a lock-step comparison with PyTorch
 * (scripts/torch_lockstep.py runs the other half). Builds the
 * 784-300-100-10 network of quick.yaml with the given activation (seed 1,
 * he_uniform), writes its initial parameters to DIR/init.bin, trains STEPS
 * batches of 128 of Fashion-MNIST in file order (no shuffling) with SGD and
 * momentum 0.9 at learning rate 0.01, then writes DIR/final.bin and prints
 * the mean training loss and the test loss and accuracy.
 * Parameters are float32, per layer: W (out x in, row-major), b, then the
 * PReLU alpha after each hidden layer's b.
 * usage: lockstep ACTIVATION STEPS DIR */
#include <stdio.h>
#include <stdlib.h>
#include "../../src/core/probe.h"
#include "../../src/core/trainer.h"
#include "../../src/data/dataset.h"

static int dump(const char *dir, const char *name, const ab_net *net)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(net->params, sizeof(float), net->n_params, f) != net->n_params) {
        fprintf(stderr, "lockstep: %s: cannot write\n", path);
        if (f) fclose(f);
        return -1;
    }
    return fclose(f);
}

int main(int argc, char **argv)
{
    ab_act_kind kind;
    if (argc != 4 || ab_act_from_name(argv[1], &kind) != 0 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: lockstep ACTIVATION STEPS DIR (activation: %s)\n", ab_act_names());
        return 2;
    }
    long steps = atol(argv[2]);
    ab_data_spec spec;
    ab_data_spec_default(&spec);
    spec.validation = 5000;
    ab_dataset d;
    ab_error err;
    if (ab_data_load(&d, &spec, &err) != AB_OK) {
        fprintf(stderr, "lockstep: %s\n", err.msg);
        return 1;
    }
    ab_model_spec m = {.n_inputs = d.features, .in_c = d.c, .in_h = d.h, .in_w = d.w,
                       .n_classes = d.classes, .n_hidden = 2, .hidden = {300, 100},
                       .act = ab_act_default(kind)};
    ab_init_preset("he_uniform", &m.init);
    ab_optim_spec o = ab_optim_default(AB_OPT_MOMENTUM);
    ab_trainer t;
    if (ab_trainer_init(&t, &m, &o, 128, d.train.n, 1, &err) != AB_OK) {
        fprintf(stderr, "lockstep: %s\n", err.msg);
        return 1;
    }
    long n = steps * 128 < d.train.n ? steps * 128 : d.train.n;
    int rc = dump(argv[3], "init.bin", &t.net) == 0 ? 0 : 1;
    ab_epoch_result r = ab_trainer_epoch(&t, d.train.x, d.train.y, n, 0.01f, 0);
    double loss, acc;
    ab_net_evaluate(&t.net, d.test.x, d.test.y, (int)d.test.n, &loss, &acc);
    printf("actbench: %ld steps, mean training loss %.6f, test loss %.6f, test accuracy %.4f\n", r.steps,
           r.loss, loss, acc);
    if (dump(argv[3], "final.bin", &t.net) != 0) rc = 1;
    ab_trainer_free(&t);
    ab_data_free(&d);
    return rc;
}
