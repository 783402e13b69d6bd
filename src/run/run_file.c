/* run_file.c: atomic JSON files (temporary file, fsync, rename), the
 * failed-run document, and reading a run file back with a check of its
 * fields. */
#include "run_file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "train_run.h"

void ab_run_file_tmpname(char *buf, size_t size, const char *runs_dir, const char *run_id, long pid)
{
    snprintf(buf, size, "%s/.%s.json.%ld.tmp", runs_dir, run_id, pid);
}

static ab_status write_atomic(const char *path, const char *tmp, const cJSON *doc, ab_error *err)
{
    char *text = cJSON_Print(doc);
    if (!text) return ab_fail(err, AB_ERR_NOMEM, "%s: out of memory printing JSON", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(text);
        return ab_fail(err, AB_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    }
    size_t len = strlen(text);
    int ok = fwrite(text, 1, len, f) == len && fputc('\n', f) != EOF;
    free(text);
    ok = fflush(f) == 0 && ok;
    ok = fsync(fileno(f)) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return ab_fail(err, AB_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    return AB_OK;
}

ab_status ab_run_file_write(const char *runs_dir, const char *run_id, const cJSON *doc, ab_error *err)
{
    char path[4096], tmp[4096];
    snprintf(path, sizeof path, "%s/%s.json", runs_dir, run_id);
    ab_run_file_tmpname(tmp, sizeof tmp, runs_dir, run_id, (long)getpid());
    return write_atomic(path, tmp, doc, err);
}

ab_status ab_json_write_file(const char *path, const cJSON *doc, ab_error *err)
{
    char tmp[4096], host[256] = "host";
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "host");
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == '/') *c = '_';
    snprintf(tmp, sizeof tmp, "%s.%s.%ld.tmp", path, host, (long)getpid());
    return write_atomic(path, tmp, doc, err);
}

cJSON *ab_run_failed_doc(const char *run_id, const cJSON *resolved, const char *version,
                         int blas_threads, const char *why)
{
    cJSON *doc = ab_run_doc_new(run_id, resolved, version, blas_threads, "failed", why);
    if (!doc) return NULL;
    cJSON_AddArrayToObject(doc, "epochs");
    cJSON_AddNullToObject(doc, "steps");
    cJSON_AddNullToObject(doc, "final");
    return doc;
}

const char *const AB_FINAL_METRICS[] = {
    "test_accuracy", "test_loss", "train_accuracy", "train_loss", "train_test_gap", "val_accuracy",
    "val_loss", "best_epoch", "epochs_completed", "seconds", "examples_per_second", NULL};

/* 1 when text[0..len) is not JSON because it ends with brackets still
 * open (a file cut short), 0 otherwise. */
static int cut_short(const char *text, size_t len)
{
    long depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth < 0) return 0;
        }
    }
    return depth > 0 || in_str;
}

/* The whole of a regular file into a NUL-terminated buffer; NULL with err. */
static char *slurp(const char *path, size_t *len_out, ab_error *err)
{
    /* O_NONBLOCK: a FIFO named like a run file must not hang the reader */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        ab_fail(err, AB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ab_fail(err, AB_ERR_IO, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t got = 0;
    while (buf && (got = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    int read_errno = got < 0 ? errno : 0;
    close(fd);
    if (!buf) {
        ab_fail(err, AB_ERR_NOMEM, "%s: out of memory reading it", path);
        return NULL;
    }
    if (read_errno) {
        free(buf);
        ab_fail(err, AB_ERR_IO, "%s: cannot read: %s", path, strerror(read_errno));
        return NULL;
    }
    buf[len] = '\0';
    *len_out = len;
    return buf;
}

cJSON *ab_json_read_file(const char *path, ab_error *err)
{
    size_t len = 0;
    char *buf = slurp(path, &len, err);
    if (!buf) return NULL;
    size_t blank = 0;
    while (blank < len && strchr(" \t\r\n", buf[blank])) blank++;
    if (blank == len) {
        free(buf);
        ab_fail(err, AB_ERR_FORMAT, "%s: empty file", path);
        return NULL;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(buf, &end, 1);
    if (!doc) {
        size_t at = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : len;
        if (!memchr(buf, '\0', len) && cut_short(buf, len))
            ab_fail(err, AB_ERR_FORMAT, "%s: truncated JSON: the file ends (byte %zu) inside the document", path, len);
        else
            ab_fail(err, AB_ERR_FORMAT, "%s: not valid JSON (at byte %zu of %zu)", path, at, len);
    }
    free(buf);
    return doc;
}

static const char *json_type(const cJSON *v)
{
    return !v ? "missing" : cJSON_IsNull(v) ? "null" : cJSON_IsBool(v) ? "a boolean" : cJSON_IsNumber(v) ? "a number"
         : cJSON_IsString(v) ? "a string" : cJSON_IsArray(v) ? "an array" : "an object";
}

/* 0 when the document has the fields of a run file, else 1 with err. */
static int check_fields(const cJSON *doc, const char *id, ab_error *err, const char **status)
{
    if (!cJSON_IsObject(doc)) return ab_fail(err, AB_ERR_FORMAT, "not a run file: the JSON is %s, not an object", json_type(doc)), 1;
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(doc, "run_id");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "status");
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(doc, "config");
    const cJSON *ep = cJSON_GetObjectItemCaseSensitive(doc, "epochs");
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(doc, "final");
    if (!cJSON_IsString(rid)) return ab_fail(err, AB_ERR_FORMAT, "run_id is %s, expected a string", json_type(rid)), 1;
    if (strcmp(rid->valuestring, id))
        return ab_fail(err, AB_ERR_FORMAT, "run_id '%.40s' is not the file's name '%.40s'", rid->valuestring, id), 1;
    if (!cJSON_IsString(st)) return ab_fail(err, AB_ERR_FORMAT, "status is %s, expected a string", json_type(st)), 1;
    *status = st->valuestring;
    int failed = !strcmp(st->valuestring, "failed");
    if (!failed && strcmp(st->valuestring, "ok") && strcmp(st->valuestring, "diverged"))
        return ab_fail(err, AB_ERR_FORMAT, "status '%.40s' is not ok, diverged or failed", st->valuestring), 1;
    if (!cJSON_IsObject(cfg)) return ab_fail(err, AB_ERR_FORMAT, "config is %s, expected an object", json_type(cfg)), 1;
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(cfg, "name")))
        return ab_fail(err, AB_ERR_FORMAT, "config.name is %s, expected a string",
                       json_type(cJSON_GetObjectItemCaseSensitive(cfg, "name"))), 1;
    if (!cJSON_IsArray(ep)) return ab_fail(err, AB_ERR_FORMAT, "epochs is %s, expected an array", json_type(ep)), 1;
    if (!cJSON_IsObject(fin) && !(failed && cJSON_IsNull(fin)))
        return ab_fail(err, AB_ERR_FORMAT, "final is %s, expected an object%s", json_type(fin),
                       failed ? " or null" : ""), 1;
    if (failed) return 0;
    for (int m = 0; AB_FINAL_METRICS[m]; m++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(fin, AB_FINAL_METRICS[m]);
        if (!cJSON_IsNumber(v) && !cJSON_IsNull(v))
            return ab_fail(err, AB_ERR_FORMAT, "final.%s is %s, expected a number or null", AB_FINAL_METRICS[m],
                           json_type(v)), 1;
    }
    const cJSON *dead = cJSON_GetObjectItemCaseSensitive(fin, "dead_fraction");
    if (!cJSON_IsArray(dead))
        return ab_fail(err, AB_ERR_FORMAT, "final.dead_fraction is %s, expected an array", json_type(dead)), 1;
    for (const cJSON *v = dead->child; v; v = v->next)
        if (!cJSON_IsNumber(v) && !cJSON_IsNull(v))
            return ab_fail(err, AB_ERR_FORMAT, "final.dead_fraction holds %s, expected numbers or null", json_type(v)), 1;
    return 0;
}

ab_run_kind ab_run_file_load(const char *path, const char *experiment, cJSON **doc, ab_error *err)
{
    *doc = NULL;
    ab_error e = {{0}};
    cJSON *d = ab_json_read_file(path, &e);
    if (!d) {
        /* the message without the leading "PATH: " */
        size_t n = strlen(path);
        const char *what = !strncmp(e.msg, path, n) && !strncmp(e.msg + n, ": ", 2) ? e.msg + n + 2 : e.msg;
        ab_fail(err, AB_ERR_FORMAT, "%s", what);
        return AB_RUN_DAMAGED;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char id[256];
    size_t len = strlen(base);
    snprintf(id, sizeof id, "%.*s", (int)(len > 5 && !strcmp(base + len - 5, ".json") ? len - 5 : len), base);
    const char *status = NULL;
    if (check_fields(d, id, err, &status)) {
        cJSON_Delete(d);
        return AB_RUN_DAMAGED;
    }
    *doc = d;
    const char *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "config"), "name")->valuestring;
    if (experiment && strcmp(name, experiment)) {
        ab_fail(err, AB_ERR_FORMAT, "a run of experiment '%.100s', not '%.100s'", name, experiment);
        return AB_RUN_FOREIGN;
    }
    return !strcmp(status, "failed") ? AB_RUN_FAILED : AB_RUN_FINISHED;
}
