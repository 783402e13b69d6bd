/* pool.c: the worker processes. One fork per run, at most o->workers at
 * once; the data set was loaded before, so workers share it copy-on-write.
 * Workers report epochs through a pipe; the parent reaps them, records
 * failures, draws progress and handles SIGINT/SIGTERM. */
#include "pool.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "checkpoint.h"
#include "json_alloc.h"
#include "run_file.h"
#include "train_run.h"

#define MAX_WORKERS AB_POOL_MAX_WORKERS
#define EXIT_NO_START 3  /* the worker could not start its run; it wrote a failed file */
#define EXIT_STOPPED 5   /* the worker stopped on SIGTERM, after its checkpoint when checkpoints are on */

static volatile sig_atomic_t g_stop;        /* in the parent: the signal that stops the pool */
static volatile sig_atomic_t g_worker_stop; /* in a worker: SIGTERM (or its parent's death) arrived */

static void on_signal(int sig) { g_stop = sig; }
static void on_worker_signal(int sig) { g_worker_stop = sig; }

typedef struct {
    pid_t pid;
    int fd;                    /* progress pipe, read end */
    ab_job *job;
    int epoch, epochs;
    double started;
    char buf[256];
    size_t len;
} slot;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- in the worker ---- */

static void report_epoch(void *ctx, int epoch, int epochs, double loss)
{
    int fd = *(int *)ctx;
    char line[96];
    int n = snprintf(line, sizeof line, "%d %d %.6g\n", epoch, epochs, loss);
    if (write(fd, line, (size_t)n) < 0) { /* the parent is gone: keep training */ }
}

static void worker_note(void *ctx, const char *msg)
{
    const ab_job *job = ctx;
    fprintf(stderr, "actbench: run %d (%s): %s\n", job->index, job->rc->run_id, msg);
}

typedef struct {
    int fd;
    ab_job *job;
} worker_ctx;

static void worker_progress(void *ctx, int epoch, int epochs, double loss)
{
    report_epoch(&((worker_ctx *)ctx)->fd, epoch, epochs, loss);
}

static void worker_note_ctx(void *ctx, const char *msg) { worker_note(((worker_ctx *)ctx)->job, msg); }

static void worker_main(ab_job *job, const ab_pool_opts *o, int fd)
{
    ab_error err = {{0}};
    unsigned long failures = ab_json_alloc_failures();
    worker_ctx wc = {fd, job};
    ab_run_ctl ctl = {.progress = worker_progress, .note = worker_note_ctx, .ctx = &wc,
                      .ckpt_dir = o->ckpt_dir, .resume = o->resume, .stop = &g_worker_stop};
    cJSON *doc = ab_train_run(job->rc, job->resolved, job->data, o->version, &ctl, &err);
    if (ctl.stopped) {
        if (!ctl.checkpointed) worker_note(job, err.msg);
        _exit(EXIT_STOPPED);
    }
    int code = 0;
    if (doc && ab_json_alloc_failures() != failures) { /* some field is missing */
        cJSON_Delete(doc);
        doc = NULL;
        ab_fail(&err, AB_ERR_NOMEM, "out of memory building the run document");
    }
    if (!doc) {
        failures = ab_json_alloc_failures();
        doc = ab_run_failed_doc(job->rc->run_id, job->resolved, o->version, job->rc->blas_threads, err.msg);
        if (doc && ab_json_alloc_failures() != failures) {
            cJSON_Delete(doc);
            doc = NULL;
        }
        code = EXIT_NO_START;
    }
    if (!doc) {
        fprintf(stderr, "actbench: worker: run %s: %s; out of memory for its failed-run file too\n",
                job->rc->run_id, err.msg);
        _exit(4);
    }
    if (ab_run_file_write(o->runs_dir, job->rc->run_id, doc, &err) != AB_OK) {
        fprintf(stderr, "actbench: worker: %s\n", err.msg);
        code = 4;
    } else if (code == 0 && o->ckpt_dir) {
        /* the run is finished: its checkpoint has served */
        char path[4200];
        ab_ckpt_path(path, sizeof path, o->ckpt_dir, job->rc->run_id);
        unlink(path);
    }
    cJSON_Delete(doc);
    _exit(code);
}

/* ---- in the parent ---- */

static void describe_status(char *buf, size_t size, int status)
{
    if (WIFSIGNALED(status))
        snprintf(buf, size, "worker killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WEXITSTATUS(status) == EXIT_NO_START)
        snprintf(buf, size, "the run could not start");
    else
        snprintf(buf, size, "worker exited with status %d", WEXITSTATUS(status));
}

/* Reads the status the worker wrote into its run file. */
static ab_job_state read_outcome(const ab_pool_opts *o, ab_job *job)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", o->runs_dir, job->rc->run_id);
    cJSON *doc = ab_json_read_file(path, NULL);
    ab_job_state st = AB_JOB_FAILED;
    if (doc) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "status");
        if (cJSON_IsString(s) && !strcmp(s->valuestring, "ok")) st = AB_JOB_OK;
        if (cJSON_IsString(s) && !strcmp(s->valuestring, "diverged")) st = AB_JOB_DIVERGED;
        const cJSON *fin = cJSON_GetObjectItemCaseSensitive(doc, "final");
        const cJSON *acc = cJSON_GetObjectItemCaseSensitive(fin, "test_accuracy");
        job->test_accuracy = cJSON_IsNumber(acc) ? acc->valuedouble : -1.0;
        cJSON_Delete(doc);
    }
    return st;
}

static void record_failure(const ab_pool_opts *o, ab_job *job, const char *why)
{
    ab_error err;
    unsigned long failures = ab_json_alloc_failures();
    cJSON *doc = ab_run_failed_doc(job->rc->run_id, job->resolved, o->version, job->rc->blas_threads, why);
    if (!doc || ab_json_alloc_failures() != failures)
        fprintf(stderr, "actbench: run %s failed (%s); out of memory writing its file\n", job->rc->run_id, why);
    else if (ab_run_file_write(o->runs_dir, job->rc->run_id, doc, &err) != AB_OK)
        fprintf(stderr, "actbench: %s\n", err.msg);
    cJSON_Delete(doc);
}

/* The temporary files a worker killed while writing leaves: its run file's
 * and its checkpoint's. */
static void remove_tmp(const ab_pool_opts *o, const slot *s)
{
    char tmp[4200];
    ab_run_file_tmpname(tmp, sizeof tmp, o->runs_dir, s->job->rc->run_id, (long)s->pid);
    unlink(tmp);
    if (o->ckpt_dir) {
        ab_ckpt_tmpname(tmp, sizeof tmp, o->ckpt_dir, s->job->rc->run_id, (long)s->pid);
        unlink(tmp);
    }
}

static const char *state_name(ab_job_state s)
{
    return s == AB_JOB_OK ? "ok" : s == AB_JOB_DIVERGED ? "diverged" : "failed";
}

static void fmt_time(char *buf, size_t size, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, size, "%02ld:%02ld", t / 60, t % 60);
}

typedef struct {
    int total, done, drawn_lines;
    double start, busy_seconds;
} progress;

static void draw_live(progress *p, const slot *slots, int nslots, const ab_pool_result *r)
{
    char el[32], eta[32] = "--:--";
    double elapsed = now() - p->start;
    fmt_time(el, sizeof el, elapsed);
    if (p->done > 0) {
        double per_run = p->busy_seconds / p->done;
        int active = nslots > 0 ? nslots : 1;
        fmt_time(eta, sizeof eta, per_run * (p->total - p->done) / active);
    }
    if (p->drawn_lines > 0) fprintf(stderr, "\033[%dA", p->drawn_lines);
    fprintf(stderr, "\033[Kruns %d/%d done (%d diverged, %d failed)  elapsed %s  eta %s\n", p->done,
            p->total, r->diverged, r->failed, el, eta);
    int lines = 1;
    for (int i = 0; i < nslots; i++) {
        if (!slots[i].pid) continue;
        fprintf(stderr, "\033[K  worker %d: run %d (%s) epoch %d/%d\n", i + 1, slots[i].job->index,
                slots[i].job->label[0] ? slots[i].job->label : slots[i].job->rc->run_id, slots[i].epoch,
                slots[i].epochs);
        lines++;
    }
    for (int i = lines; i < p->drawn_lines; i++) fprintf(stderr, "\033[K\n");
    if (p->drawn_lines > lines) fprintf(stderr, "\033[%dA", p->drawn_lines - lines);
    p->drawn_lines = lines;
    fflush(stderr);
}

static void read_progress(slot *s)
{
    ssize_t got = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
    if (got <= 0) return;
    s->len += (size_t)got;
    s->buf[s->len] = '\0';
    char *line = s->buf, *nl;
    while ((nl = strchr(line, '\n'))) {
        *nl = '\0';
        sscanf(line, "%d %d", &s->epoch, &s->epochs);
        line = nl + 1;
    }
    s->len = strlen(line);
    memmove(s->buf, line, s->len + 1);
}

static int start_job(slot *s, ab_job *job, const ab_pool_opts *o, int nslots, slot *all)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    fflush(stderr);
    pid_t parent = getpid();
    /* SIGTERM held back until the worker has its own handler */
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old);
    pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* SIGTERM (also sent when the parent dies) stops the run after its
         * current step, with a checkpoint; without checkpoints it ends the
         * worker at once */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = job->rc->checkpoint_every > 0 && o->ckpt_dir ? on_worker_signal : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGPIPE, SIG_IGN);
        g_worker_stop = 0;
        /* a worker never outlives the parent: its death sends SIGTERM, and
         * a parent already gone before this line is seen by getppid */
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) _exit(EXIT_STOPPED);
        sigprocmask(SIG_SETMASK, &old, NULL);
        setpgid(0, 0); /* a terminal's Ctrl-C reaches the parent only */
        close(fds[0]);
        for (int i = 0; i < nslots; i++)
            if (all[i].pid) close(all[i].fd);
        worker_main(job, o, fds[1]);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    setpgid(pid, pid);
    close(fds[1]);
    memset(s, 0, sizeof *s);
    s->pid = pid;
    s->fd = fds[0];
    s->job = job;
    s->epochs = job->rc->epochs;
    s->epoch = -1;
    s->started = now();
    job->state = AB_JOB_RUNNING;
    return 0;
}

static void finish_slot(slot *s, int status, const ab_pool_opts *o, ab_pool_result *r, progress *p)
{
    ab_job *job = s->job;
    close(s->fd);
    job->seconds = now() - s->started;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        job->state = read_outcome(o, job);
    } else {
        char why[256];
        describe_status(why, sizeof why, status);
        remove_tmp(o, s);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NO_START)) record_failure(o, job, why);
        job->state = AB_JOB_FAILED;
    }
    if (job->state == AB_JOB_OK) r->ok++;
    else if (job->state == AB_JOB_DIVERGED) r->diverged++;
    else r->failed++;
    p->done++;
    p->busy_seconds += job->seconds;
    if (!o->quiet && !o->live) {
        if (job->state == AB_JOB_OK)
            fprintf(stderr, "run %d (%s): ok, test_accuracy %.4f (%.1f s; %d of %d done)\n", job->index,
                    job->label[0] ? job->label : job->rc->run_id, job->test_accuracy, job->seconds, p->done,
                    p->total);
        else
            fprintf(stderr, "run %d (%s): %s (%.1f s; %d of %d done)\n", job->index,
                    job->label[0] ? job->label : job->rc->run_id, state_name(job->state), job->seconds, p->done,
                    p->total);
    }
    s->pid = 0;
}

/* A worker killed by SIGTERM or SIGINT was most likely stopped together
 * with this process: a scheduler cancelling a job (scancel) or a terminal's
 * process group signals every process at once. Give this process's own
 * signal a moment (up to 1 s) to arrive before calling the run failed; when
 * it does, the run was interrupted, not failed, and leaves no file. */
static int stopped_with_us(int status)
{
    if (!WIFSIGNALED(status) || (WTERMSIG(status) != SIGTERM && WTERMSIG(status) != SIGINT)) return 0;
    for (int i = 0; i < 20 && !g_stop; i++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return g_stop != 0;
}

/* Forgets an interrupted worker: no run file, no temporary file; says
 * where a worker that stopped with a checkpoint got to. */
static void drop_slot(const ab_pool_opts *o, slot *s, int status, ab_pool_result *r)
{
    remove_tmp(o, s);
    close(s->fd);
    s->job->state = AB_JOB_PENDING;
    s->pid = 0;
    r->interrupted++;
    if (o->quiet || !o->ckpt_dir || !WIFEXITED(status) || WEXITSTATUS(status) != EXIT_STOPPED) return;
    char path[4200];
    ab_ckpt_path(path, sizeof path, o->ckpt_dir, s->job->rc->run_id);
    ab_ckpt_header h;
    if (ab_ckpt_peek(path, &h) == AB_OK && !strcmp(h.run_id, s->job->rc->run_id))
        fprintf(stderr, "run %d (%s): epoch %u/%u, checkpointed\n", s->job->index, s->job->rc->run_id, h.epoch,
                h.epochs);
    else
        fprintf(stderr, "run %d (%s): stopped, no checkpoint\n", s->job->index, s->job->rc->run_id);
}

static int stopped_worker(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == EXIT_STOPPED; }

ab_pool_result ab_pool_run(ab_job *jobs, int n, const ab_pool_opts *o)
{
    ab_pool_result r = {0};
    int nslots = o->workers < 1 ? 1 : o->workers > MAX_WORKERS ? MAX_WORKERS : o->workers;
    if (nslots > n) nslots = n > 0 ? n : 1;
    slot slots[MAX_WORKERS];
    memset(slots, 0, sizeof slots);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    g_stop = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    progress p = {.total = n, .start = now()};
    int next = 0, running = 0;
    double last_draw = 0.0;
    while ((next < n || running > 0)) {
        while (!g_stop && next < n && running < nslots) {
            int k = 0;
            while (slots[k].pid) k++;
            if (start_job(&slots[k], &jobs[next], o, nslots, slots) != 0) {
                record_failure(o, &jobs[next], "could not start a worker process");
                jobs[next].state = AB_JOB_FAILED;
                r.failed++;
                p.done++;
            } else {
                running++;
            }
            next++;
        }
        if (g_stop) break;
        struct pollfd pfd[MAX_WORKERS];
        int map[MAX_WORKERS], np = 0;
        for (int i = 0; i < nslots; i++)
            if (slots[i].pid) pfd[np].fd = slots[i].fd, pfd[np].events = POLLIN, map[np++] = i;
        int rc = poll(pfd, (nfds_t)np, 200);
        if (rc > 0)
            for (int k = 0; k < np; k++)
                if (pfd[k].revents & POLLIN) read_progress(&slots[map[k]]);
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int i = 0; i < nslots; i++) {
                if (slots[i].pid != pid) continue;
                if (stopped_worker(status) || stopped_with_us(status)) drop_slot(o, &slots[i], status, &r);
                else finish_slot(&slots[i], status, o, &r, &p);
                running--;
            }
        }
        if (o->live && !o->quiet && (now() - last_draw > 0.25 || rc == 0)) {
            draw_live(&p, slots, nslots, &r);
            last_draw = now();
        }
    }
    if (g_stop) {
        /* stop every worker (each checkpoints after its current step), wait
         * for it, and leave no partial file behind */
        for (int i = 0; i < nslots; i++)
            if (slots[i].pid) kill(-slots[i].pid, SIGTERM);
        for (int i = 0; i < nslots; i++) {
            if (!slots[i].pid) continue;
            int status;
            while (waitpid(slots[i].pid, &status, 0) < 0 && errno == EINTR) {}
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                finish_slot(&slots[i], status, o, &r, &p); /* it finished just in time */
            } else {
                drop_slot(o, &slots[i], status, &r);
            }
        }
        r.signal = g_stop;
        if (!r.interrupted) r.interrupted = 1;
    }
    if (o->ckpt_dir) rmdir(o->ckpt_dir); /* when no checkpoint is left in it */
    if (o->live && !o->quiet) draw_live(&p, slots, nslots, &r);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return r;
}
