/* run_file.c: atomic JSON files (temporary file, fsync, rename) and the
 * failed-run document. */
#include "run_file.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    return write_atomic(path, tmp, doc, err);
}

cJSON *ab_run_failed_doc(const char *run_id, const cJSON *resolved, const char *version,
                         int blas_threads, const char *why)
{
    cJSON *doc = ab_run_doc_new(run_id, resolved, version, blas_threads, "failed", why);
    cJSON_AddArrayToObject(doc, "epochs");
    cJSON_AddNullToObject(doc, "final");
    return doc;
}

cJSON *ab_json_read_file(const char *path, ab_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ab_fail(err, AB_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        ab_fail(err, AB_ERR_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    buf[len] = '\0';
    cJSON *doc = cJSON_Parse(buf);
    free(buf);
    if (!doc) ab_fail(err, AB_ERR_FORMAT, "%s: not valid JSON", path);
    return doc;
}
