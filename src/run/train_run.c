/* train_run.c: one run from start to its JSON document. Per epoch: train
 * (training mode), then one evaluation-mode pass over the training examples
 * (with train.eval_size, over the first N of them at every epoch but the
 * last) that gives train_loss/train_accuracy and, in the same forward
 * passes, the dead-unit probe (when the probe set is the training data); validation is
 * evaluated the same way; with probe.every_steps, the dead units every N
 * steps too. The parameters of the best validation epoch are kept (one
 * copy, made at init) for final.best. With data.subset random the run's
 * training examples are drawn here. The engine does the numerics; this
 * file decides what is measured and how it is named. */
#include "train_run.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../core/blas.h"
#include "../core/probe.h"
#include "../core/trainer.h"
#include "checkpoint.h"
#include "json_num.h"
#include "run_state.h"
#include "source_id.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

cJSON *ab_run_doc_new(const char *run_id, const cJSON *resolved, const char *version,
                      int blas_threads, const char *status, const char *error)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "schema_version", AB_SCHEMA_VERSION);
    cJSON_AddStringToObject(doc, "actbench_version", version);
    cJSON_AddStringToObject(doc, "run_id", run_id);
    cJSON_AddStringToObject(doc, "status", status);
    cJSON_AddNullToObject(doc, "diverged_epoch");
    if (error) cJSON_AddStringToObject(doc, "error", error);
    else cJSON_AddNullToObject(doc, "error");
    cJSON_AddItemToObject(doc, "config", cJSON_Duplicate(resolved, 1));
    cJSON_AddItemToObject(doc, "environment", ab_environment_json(blas_threads));
    return doc;
}

cJSON *ab_environment_json(int blas_threads)
{
    cJSON *env = cJSON_CreateObject();
    char blas[256];
    ab_blas_describe(blas, sizeof blas);
    cJSON_AddNumberToObject(env, "cores", (double)sysconf(_SC_NPROCESSORS_ONLN));
    cJSON_AddStringToObject(env, "blas", blas);
    cJSON_AddNumberToObject(env, "blas_threads", blas_threads);
    cJSON_AddStringToObject(env, "source", ab_source_id());
    return env;
}

/* What one evaluation at the end of an epoch measured. */
typedef struct {
    double train_loss, train_accuracy, val_loss, val_accuracy;
    long train_measured;      /* the training examples behind train_loss/train_accuracy */
} eval_result;

/* Evaluation-mode mean loss and accuracy over x(n), y(n); the first
 * probe_n examples go through the probe in the same forward passes. NaN
 * when n is 0. */
static void eval_set(ab_net *net, ab_probe *probe, const float *x, const int32_t *y, long n,
                     long probe_n, int F, double *loss, double *accuracy)
{
    double l1 = 0.0, a1 = 0.0, l2 = 0.0, a2 = 0.0;
    if (probe_n > 0) ab_probe_measure_eval(probe, net, x, y, (int)probe_n, &l1, &a1);
    if (n > probe_n)
        ab_net_evaluate(net, x + (size_t)probe_n * F, y + probe_n, (int)(n - probe_n), &l2, &a2);
    *loss = n > 0 ? (l1 * probe_n + l2 * (n - probe_n)) / n : NAN;
    *accuracy = n > 0 ? (a1 * probe_n + a2 * (n - probe_n)) / n : NAN;
}

/* The probe set: the first probe.size examples (all when 0) of the
 * training or validation examples; returns how many. */
static long probe_examples(const ab_run_config *rc, const ab_dataset *d, long n_train, const float **x)
{
    int on_val = rc->probe.source == AB_PROBE_VALIDATION;
    long n_set = on_val ? d->val.n : n_train;
    if (x) *x = on_val ? d->val.x : d->train.x;
    return rc->probe.size > 0 && rc->probe.size < n_set ? rc->probe.size : n_set;
}

/* How many training examples an epoch's train metrics measure: the first
 * train.eval_size of them (all when 0) at every epoch but the last, every
 * one at the last. The config makes a probe on training data fit in them. */
static long train_measured(const ab_run_config *rc, long n_train, int epoch)
{
    return rc->eval_size > 0 && rc->eval_size < n_train && epoch < rc->epochs ? rc->eval_size : n_train;
}

/* Evaluation-mode loss/accuracy of the first n_measure training examples
 * and of the validation examples, and the probe on the probe set, in the
 * same forward passes. probe may be NULL (no probe measurement). */
static eval_result evaluate(ab_net *net, ab_probe *probe, const ab_run_config *rc,
                            const ab_dataset *d, long n_train, long n_measure)
{
    eval_result r;
    int on_val = rc->probe.source == AB_PROBE_VALIDATION;
    long probe_n = probe_examples(rc, d, n_train, NULL);
    if (!on_val && probe_n > n_measure) probe_n = n_measure; /* the config forbids it; never read past */
    r.train_measured = n_measure;
    eval_set(net, probe, d->train.x, d->train.y, n_measure, on_val ? 0 : probe_n, d->features,
             &r.train_loss, &r.train_accuracy);
    eval_set(net, probe, d->val.x, d->val.y, d->val.n, on_val ? probe_n : 0, d->features,
             &r.val_loss, &r.val_accuracy);
    return r;
}

static int params_finite(const ab_net *net)
{
    for (size_t i = 0; i < net->n_params; i++)
        if (!isfinite(net->params[i])) return 0;
    return 1;
}

/* The per-layer measurements of one epoch; when the network holds non-finite
 * values (the epoch where the run diverged) the probe's figures mean
 * nothing and are written as null. */
static cJSON *layers_json(ab_trainer *t, const ab_probe *probe, int epoch, int diverged)
{
    cJSON *arr = cJSON_CreateArray();
    for (int h = 0; h < t->net.n_hidden; h++) {
        const ab_layer_probe *lp = &probe->layers[h];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "layer", h + 1);
        cJSON_AddStringToObject(o, "kind", ab_net_hidden_is_conv(&t->net, h) ? "conv" : "dense");
        cJSON_AddNumberToObject(o, "units", lp->units);
        double bad = diverged ? NAN : 0.0; /* NaN + x = NaN: written as null */
        ab_json_add_num(o, "dead", bad + lp->dead);
        ab_json_add_num(o, "dead_fraction", bad + lp->dead_fraction);
        ab_json_add_num(o, "died", bad + lp->died);
        ab_json_add_num(o, "revived", bad + lp->revived);
        ab_json_add_num(o, "revived_units_total", bad + lp->revived_units_total);
        ab_json_add_num(o, "negative_fraction", bad + lp->negative_fraction);
        ab_json_add_num(o, "output_mean", bad + lp->output_mean);
        ab_json_add_num(o, "output_std", bad + lp->output_std);
        ab_json_add_num(o, "grad_norm", epoch > 0 ? ab_trainer_grad_norm(t, h) : NAN);
        int na = 0;
        const float *alpha = ab_net_prelu_alpha(&t->net, h, &na);
        double mean = NAN, mn = NAN, mx = NAN;
        if (alpha && na > 0) {
            double s = 0.0;
            mn = mx = alpha[0];
            for (int k = 0; k < na; k++) {
                s += alpha[k];
                if (alpha[k] < mn) mn = alpha[k];
                if (alpha[k] > mx) mx = alpha[k];
            }
            mean = s / na;
        }
        ab_json_add_num(o, "alpha_mean", mean);
        ab_json_add_num(o, "alpha_min", mn);
        ab_json_add_num(o, "alpha_max", mx);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

/* probe.every_steps: the dead units every N training steps, on the probe
 * set, in evaluation mode, with a probe of its own (died and revived
 * compare with the previous step measurement). */
typedef struct {
    ab_probe probe;
    const float *x;           /* the probe set: its first n examples */
    long n;
    int epoch;                /* the epoch being trained (1-based) */
    cJSON *steps;             /* the run file's "steps" array */
    double seconds;           /* wall time of the step measurements */
} step_probe;

static cJSON *step_json(step_probe *sp, ab_net *net, long step, double lr, double running_loss)
{
    double t0 = now();
    ab_probe_measure(&sp->probe, net, sp->x, (int)sp->n);
    double bad = params_finite(net) ? 0.0 : NAN; /* figures of non-finite weights mean nothing */
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "step", (double)step);
    cJSON_AddNumberToObject(e, "epoch", sp->epoch);
    ab_json_add_num(e, "learning_rate", lr);
    ab_json_add_num(e, "running_loss", running_loss);
    cJSON *layers = cJSON_AddArrayToObject(e, "layers");
    for (int h = 0; h < sp->probe.n_hidden; h++) {
        const ab_layer_probe *lp = &sp->probe.layers[h];
        cJSON *o = cJSON_CreateObject();
        ab_json_add_num(o, "dead", bad + lp->dead);
        ab_json_add_num(o, "died", bad + lp->died);
        ab_json_add_num(o, "revived", bad + lp->revived);
        cJSON_AddItemToArray(layers, o);
    }
    sp->seconds += now() - t0;
    return e;
}

static void on_step(void *ctx, ab_trainer *t, long step, double lr, double running_loss)
{
    step_probe *sp = ctx;
    cJSON_AddItemToArray(sp->steps, step_json(sp, &t->net, step, lr, running_loss));
}

static cJSON *epoch_json(int epoch, const eval_result *ev, double running_loss, double lr,
                         double seconds, double eval_seconds, cJSON *layers)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "epoch", epoch);
    ab_json_add_num(e, "train_loss", ev->train_loss);
    ab_json_add_num(e, "train_accuracy", ev->train_accuracy);
    cJSON_AddNumberToObject(e, "train_measured", (double)ev->train_measured);
    ab_json_add_num(e, "train_loss_running", running_loss);
    ab_json_add_num(e, "val_loss", ev->val_loss);
    ab_json_add_num(e, "val_accuracy", ev->val_accuracy);
    ab_json_add_num(e, "learning_rate", lr);
    ab_json_add_num(e, "seconds", seconds);
    ab_json_add_num(e, "eval_seconds", eval_seconds);
    cJSON_AddItemToObject(e, "layers", layers);
    return e;
}

/* The trainer, the probes and the best epoch's copy of one run, as at its
 * start (engine_close frees them). */
static ab_status engine_open(ab_trainer *t, ab_probe *probe, step_probe *sp, float **best,
                             const ab_run_config *rc, const ab_model_spec *model, const ab_dataset *d,
                             ab_error *err)
{
    long n_train = d->train.n;
    memset(probe, 0, sizeof *probe);
    memset(&sp->probe, 0, sizeof sp->probe);
    *best = NULL;
    if (ab_trainer_init(t, model, &rc->optim, rc->batch_size, n_train, rc->seed, err) != AB_OK) return AB_ERR_ARG;
    if (ab_trainer_set_augment(t, rc->data.augment_flip, rc->data.augment_crop, err) != AB_OK) {
        ab_trainer_free(t);
        return AB_ERR_ARG;
    }
    ab_trainer_set_bytes(t, d->train.x, d->train.x8, d->train.x8_table);
    if (d->val.n > 0) *best = malloc(t->net.n_params * sizeof **best);
    if (ab_probe_init(probe, &t->net, err) != AB_OK ||
        (rc->probe.every_steps > 0 && ab_probe_init(&sp->probe, &t->net, err) != AB_OK) ||
        (d->val.n > 0 && !*best)) {
        if (d->val.n > 0 && !*best) ab_fail(err, AB_ERR_NOMEM, "out of memory for the best parameters");
        ab_probe_free(probe);
        ab_probe_free(&sp->probe);
        free(*best);
        ab_trainer_free(t);
        return AB_ERR_NOMEM;
    }
    t->warmup_steps = rc->schedule.warmup_steps;
    if (rc->probe.every_steps > 0) {
        t->every_steps = rc->probe.every_steps;
        t->on_step = on_step;
        t->on_step_ctx = sp;
    }
    return AB_OK;
}

static void engine_close(ab_trainer *t, ab_probe *probe, step_probe *sp, float *best)
{
    ab_probe_free(probe);
    ab_probe_free(&sp->probe);
    free(best);
    ab_trainer_free(t);
}

static void note(ab_run_ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(ab_run_ctl *ctl, const char *fmt, ...)
{
    if (!ctl || !ctl->note) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctl->note(ctl->ctx, msg);
}

/* The checkpoint of s (epochs completed, and whether an epoch is in
 * progress): its header and payload. */
static ab_status snapshot(const ab_run_config *rc, const char *version, ab_run_state *s, double t_start,
                          ab_ckpt_header *h, unsigned char **payload, size_t *len, ab_error *err)
{
    memset(h, 0, sizeof *h);
    h->format = AB_CKPT_FORMAT;
    h->epoch = (uint32_t)s->epoch;
    h->epochs = (uint32_t)rc->epochs;
    h->in_epoch = (uint32_t)s->t->ep.active;
    ab_ckpt_identity(h->identity, sizeof h->identity, version);
    snprintf(h->run_id, sizeof h->run_id, "%s", rc->run_id);
    s->elapsed = now() - t_start;
    return ab_run_state_save(s, payload, len, err);
}

/* Reads the run's checkpoint into s (its trainer and probes) and the
 * document's arrays. 1 when the run goes on from it; 0 when there is none
 * or it cannot be used: what is wrong goes to ctl->note, and s's engine may
 * be partly overwritten (the caller starts it again). */
static int load_checkpoint(ab_run_ctl *ctl, const ab_run_config *rc, const char *version, ab_run_state *s,
                           cJSON *doc)
{
    char path[4200], identity[256];
    ab_ckpt_path(path, sizeof path, ctl->ckpt_dir, rc->run_id);
    ab_ckpt_identity(identity, sizeof identity, version);
    unsigned char *buf;
    ab_ckpt_header h;
    const unsigned char *payload;
    size_t plen;
    int missing;
    ab_error e = {{0}};
    if (ab_ckpt_read(path, &buf, &h, &payload, &plen, &missing, &e) != AB_OK) {
        if (!missing) note(ctl, "checkpoint %s: %s; ignored, the run starts from epoch 0", path, e.msg);
        return 0;
    }
    int ok = 0;
    cJSON *epochs = NULL, *steps = NULL;
    if (strcmp(h.run_id, rc->run_id))
        ab_fail(&e, AB_ERR_FORMAT, "a checkpoint of run %s", h.run_id);
    else if (strcmp(h.identity, identity))
        ab_fail(&e, AB_ERR_FORMAT, "written by another build (%s), this is %s", h.identity, identity);
    else if (h.epochs != (uint32_t)rc->epochs)
        ab_fail(&e, AB_ERR_FORMAT, "a checkpoint of a run of %u epochs, this one has %d", h.epochs, rc->epochs);
    else {
        s->epoch = (int)h.epoch;
        ok = ab_run_state_load(s, payload, plen, &epochs, &steps, &e) == AB_OK &&
             s->t->ep.active == (int)h.in_epoch;
        if (ok) {
            cJSON_ReplaceItemInObject(doc, "epochs", epochs);
            s->epochs = epochs;
            if (steps) cJSON_ReplaceItemInObject(doc, "steps", steps);
            s->steps = steps;
        } else if (!e.msg[0]) {
            ab_fail(&e, AB_ERR_FORMAT, "its header and its state disagree on the epoch in progress");
            cJSON_Delete(epochs);
            cJSON_Delete(steps);
        }
    }
    free(buf);
    if (!ok) note(ctl, "checkpoint %s: %s; ignored, the run starts from epoch 0", path, e.msg);
    return ok;
}

cJSON *ab_train_run(const ab_run_config *rc, const cJSON *resolved, const ab_dataset *d,
                    const char *version, ab_run_ctl *ctl, ab_error *err)
{
    double t_start = now();
    ab_model_spec model = rc->model;
    model.n_inputs = d->features;
    model.in_c = d->c, model.in_h = d->h, model.in_w = d->w;
    model.n_classes = d->classes;
    /* data.subset random: this run's own train_limit examples (only those
     * rows are copied; validation and test are shared) */
    ab_dataset local = *d;
    void *subset_mem = NULL;
    if (rc->data.subset_random &&
        ab_subset_draw(&local.train, &subset_mem, &d->train, d->features, rc->data.train_limit, rc->seed,
                       err) != AB_OK)
        return NULL;
    d = &local;
    long n_train = d->train.n;
    if (n_train < 1) {
        free(subset_mem);
        ab_fail(err, AB_ERR_ARG, "no training examples");
        return NULL;
    }
    ab_blas_set_threads(rc->blas_threads > 0 ? rc->blas_threads : 1);
    ab_trainer t;
    ab_probe probe;
    step_probe sp;
    memset(&sp, 0, sizeof sp);
    float *best_params = NULL; /* the parameters of the best validation epoch */
    if (engine_open(&t, &probe, &sp, &best_params, rc, &model, d, err) != AB_OK) {
        free(subset_mem);
        return NULL;
    }
    sp.n = probe_examples(rc, d, n_train, &sp.x);

    cJSON *doc = ab_run_doc_new(rc->run_id, resolved, version, rc->blas_threads, "ok", NULL);
    cJSON *epochs = cJSON_AddArrayToObject(doc, "epochs");
    if (rc->probe.every_steps > 0) {
        sp.steps = cJSON_AddArrayToObject(doc, "steps");
        /* step 0: at initialisation, at the rate of the first step */
        double lr0 = ab_schedule_lr(&rc->schedule, 0, rc->epochs) * ab_warmup_factor(1, t.warmup_steps);
        cJSON_AddItemToArray(sp.steps, step_json(&sp, &t.net, 0, (float)lr0, NAN));
    } else {
        cJSON_AddNullToObject(doc, "steps");
    }
    ab_run_state rs = {.t = &t, .probe = &probe, .step_probe = sp.steps ? &sp.probe : NULL,
                       .best_params = best_params, .epochs = epochs, .steps = sp.steps, .epoch = -1,
                       .best_epoch = -1, .best_val = -1.0, .best_train = NAN};
    int checkpoints = ctl && ctl->ckpt_dir && rc->checkpoint_every > 0;
    int first_epoch = 0;
    ab_run_state fresh = rs;
    if (checkpoints && ctl->resume) {
        if (load_checkpoint(ctl, rc, version, &rs, doc)) {
            epochs = rs.epochs;
            sp.steps = rs.steps;
            first_epoch = rs.epoch + 1;
            t_start -= rs.elapsed;
            sp.seconds = rs.step_seconds;
            note(ctl, "resumed from its checkpoint (epoch %d/%d%s)", rs.epoch, rc->epochs,
                 t.ep.active ? " and part of the next" : "");
            if (ctl->progress) ctl->progress(ctl->ctx, rs.epoch, rc->epochs, NAN);
        } else {
            /* a checkpoint that could not be used may have been read in part: start afresh */
            engine_close(&t, &probe, &sp, best_params);
            if (engine_open(&t, &probe, &sp, &best_params, rc, &model, d, err) != AB_OK) {
                cJSON_Delete(doc);
                free(subset_mem);
                return NULL;
            }
            rs = fresh;
            rs.best_params = best_params;
        }
    }
    const volatile sig_atomic_t *stop = ctl ? ctl->stop : NULL;
    t.stop = stop;

    ab_ckpt_writer writer;
    memset(&writer, 0, sizeof writer);
    int diverged = 0, last_epoch = rs.epoch, stopped = 0;
    eval_result ev = {NAN, NAN, NAN, NAN, 0};
    for (int epoch = first_epoch; epoch <= rc->epochs; epoch++) {
        double lr = ab_schedule_lr(&rc->schedule, epoch > 0 ? epoch - 1 : 0, rc->epochs);
        double running = NAN, seconds = 0.0;
        double step_seconds = 0.0;
        if (epoch > 0) {
            if (stop && *stop && !t.ep.active) {
                stopped = 1; /* between epochs */
                break;
            }
            double t0 = now(), s0 = sp.seconds;
            sp.epoch = epoch;
            if (!t.ep.active) ab_trainer_epoch_start(&t, n_train, (float)lr, rc->shuffle);
            ab_epoch_result er = ab_trainer_epoch_run(&t, d->train.x, d->train.y);
            step_seconds = sp.seconds - s0;
            seconds = now() - t0 - step_seconds;
            rs.train_seconds += seconds;
            if (er.stopped) {
                stopped = 1; /* after a step, the epoch in progress */
                break;
            }
            rs.trained_examples += er.examples;
            running = er.loss;
            diverged = er.diverged || !params_finite(&t.net);
        }
        double t1 = now();
        ev = evaluate(&t.net, &probe, rc, d, n_train, train_measured(rc, n_train, epoch));
        double eval_seconds = now() - t1 + step_seconds;
        if (!isfinite(ev.train_loss)) diverged = 1;
        cJSON_AddItemToArray(epochs, epoch_json(epoch, &ev, running, lr, seconds, eval_seconds,
                                                layers_json(&t, &probe, epoch, diverged)));
        last_epoch = rs.epoch = epoch;
        if (isfinite(ev.val_accuracy) && ev.val_accuracy > rs.best_val) {
            rs.best_val = ev.val_accuracy;
            rs.best_epoch = epoch;
            rs.best_train = ev.train_accuracy;
            memcpy(best_params, t.net.params, t.net.n_params * sizeof *best_params);
        }
        if (ctl && ctl->progress) ctl->progress(ctl->ctx, epoch, rc->epochs, ev.train_loss);
        if (diverged) break;
        if (checkpoints && epoch > 0 && epoch < rc->epochs && epoch % rc->checkpoint_every == 0) {
            /* written by a thread of its own while the next epoch trains */
            ab_error e = {{0}};
            ab_ckpt_header h;
            unsigned char *payload;
            size_t len;
            rs.step_seconds = sp.seconds;
            if (snapshot(rc, version, &rs, t_start, &h, &payload, &len, &e) != AB_OK ||
                ab_ckpt_writer_start(&writer, ctl->ckpt_dir, &h, payload, len, &e) != AB_OK)
                note(ctl, "%s", e.msg);
        }
    }
    ab_error werr = {{0}};
    if (ab_ckpt_writer_wait(&writer, &werr) != AB_OK) note(ctl, "%s", werr.msg);
    if (stopped) {
        /* SIGTERM: the state after the last step, for --resume */
        ab_ckpt_header h;
        unsigned char *payload = NULL;
        size_t len;
        rs.step_seconds = sp.seconds;
        if (!checkpoints)
            ab_fail(err, AB_ERR_ARG, "stopped in epoch %d of %d; checkpoints are off", rs.epoch + 1, rc->epochs);
        else if (snapshot(rc, version, &rs, t_start, &h, &payload, &len, err) == AB_OK &&
                 ab_ckpt_write(ctl->ckpt_dir, &h, payload, len, err) == AB_OK)
            ctl->checkpointed = 1;
        free(payload);
        ctl->stopped = 1;
        cJSON_Delete(doc);
        engine_close(&t, &probe, &sp, best_params);
        free(subset_mem);
        return NULL;
    }
    int best_epoch = rs.best_epoch;
    double best_val = rs.best_val, best_train = rs.best_train, train_seconds = rs.train_seconds;
    long trained_examples = rs.trained_examples;

    cJSON *fin = cJSON_AddObjectToObject(doc, "final");
    double test_loss = NAN, test_acc = NAN;
    if (diverged) {
        cJSON_ReplaceItemInObject(doc, "status", cJSON_CreateString("diverged"));
        cJSON_ReplaceItemInObject(doc, "diverged_epoch", cJSON_CreateNumber(last_epoch));
    } else if (d->test.n > 0) {
        ab_net_evaluate(&t.net, d->test.x, d->test.y, (int)d->test.n, &test_loss, &test_acc);
    }
    ab_json_add_num(fin, "test_loss", test_loss);
    ab_json_add_num(fin, "test_accuracy", test_acc);
    ab_json_add_num(fin, "train_loss", diverged ? NAN : ev.train_loss);
    ab_json_add_num(fin, "train_accuracy", diverged ? NAN : ev.train_accuracy);
    ab_json_add_num(fin, "train_test_gap", diverged ? NAN : ev.train_accuracy - test_acc);
    ab_json_add_num(fin, "val_loss", diverged ? NAN : ev.val_loss);
    ab_json_add_num(fin, "val_accuracy", diverged ? NAN : ev.val_accuracy);
    if (best_epoch >= 0) cJSON_AddNumberToObject(fin, "best_epoch", best_epoch);
    else cJSON_AddNullToObject(fin, "best_epoch");
    if (best_epoch >= 0) ab_json_add_num(fin, "best_val_accuracy", best_val);
    else cJSON_AddNullToObject(fin, "best_val_accuracy");
    if (best_epoch >= 0 && !diverged) {
        /* the test set through the parameters of the best validation epoch */
        double best_test_loss = NAN, best_test_acc = NAN;
        memcpy(t.net.params, best_params, t.net.n_params * sizeof *best_params);
        if (train_measured(rc, n_train, best_epoch) < n_train) {
            /* train.eval_size measured that epoch on a sample: now every training
             * example, in the batches of a full measurement (the probe's split) */
            long probe_n = rc->probe.source == AB_PROBE_VALIDATION ? 0 : probe_examples(rc, d, n_train, NULL);
            double loss;
            eval_set(&t.net, NULL, d->train.x, d->train.y, n_train, probe_n, d->features, &loss, &best_train);
        }
        if (d->test.n > 0)
            ab_net_evaluate(&t.net, d->test.x, d->test.y, (int)d->test.n, &best_test_loss, &best_test_acc);
        cJSON *best = cJSON_AddObjectToObject(fin, "best");
        cJSON_AddNumberToObject(best, "epoch", best_epoch);
        ab_json_add_num(best, "train_accuracy", best_train);
        ab_json_add_num(best, "val_accuracy", best_val);
        ab_json_add_num(best, "test_accuracy", best_test_acc);
        ab_json_add_num(best, "test_loss", best_test_loss);
    } else {
        cJSON_AddNullToObject(fin, "best");
    }
    cJSON_AddNumberToObject(fin, "epochs_completed", !diverged ? last_epoch : last_epoch > 0 ? last_epoch - 1 : 0);
    cJSON *dead = cJSON_AddArrayToObject(fin, "dead_fraction");
    for (int h = 0; h < t.net.n_hidden; h++)
        cJSON_AddItemToArray(dead, diverged ? cJSON_CreateNull() : cJSON_CreateNumber(probe.layers[h].dead_fraction));
    ab_json_add_num(fin, "seconds", now() - t_start);
    ab_json_add_num(fin, "train_seconds", train_seconds);
    ab_json_add_num(fin, "examples_per_second",
                    train_seconds > 0 ? trained_examples / train_seconds : NAN);

    engine_close(&t, &probe, &sp, best_params);
    free(subset_mem);
    return doc;
}
