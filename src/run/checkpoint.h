/* checkpoint.h: the checkpoint file of one unfinished run,
 * DIR/checkpoints/<run_id>.ckpt (docs/results.md): a header (magic number,
 * format version, byte order, checksum, the epochs done, the code's
 * identity and the run ID) and the run's state as bytes (train_run.c fills
 * it, the core serialises its parts). Written atomically: a temporary
 * file, fsync, rename, fsync of the directory, so a reader sees the old
 * checkpoint or the new one, never half of one. Prints nothing. */
#ifndef AB_CHECKPOINT_H
#define AB_CHECKPOINT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "../core/status.h"

#define AB_CKPT_FORMAT 1

typedef struct {
    uint32_t format;       /* AB_CKPT_FORMAT when written by this code */
    uint32_t epoch;        /* epochs completed */
    uint32_t epochs;       /* epochs of the run */
    uint32_t in_epoch;     /* 1: saved after a step of epoch + 1 (a stop), 0: at the end of an epoch */
    char identity[256];    /* the code that wrote it: actbench version, source, BLAS build */
    char run_id[64];
} ab_ckpt_header;

/* DIR/checkpoints/<run_id>.ckpt, and the temporary name a process pid on
 * this host uses while writing it (to clean up after a killed worker). */
void ab_ckpt_path(char *buf, size_t size, const char *ckpt_dir, const char *run_id);
void ab_ckpt_tmpname(char *buf, size_t size, const char *ckpt_dir, const char *run_id, long pid);
/* The identity of this build: "actbench VERSION (source SOURCE_ID), BLAS
 * DESCRIPTION" (source_id.h; the BLAS as the run file's environment.blas):
 * a checkpoint is used only by the build that wrote it. */
void ab_ckpt_identity(char *buf, size_t size, const char *version);

/* Writes h and payload(len) to ckpt_dir/<h->run_id>.ckpt atomically,
 * creating ckpt_dir when missing. */
ab_status ab_ckpt_write(const char *ckpt_dir, const ab_ckpt_header *h, const void *payload, size_t len,
                        ab_error *err);
/* Checks the bytes of a checkpoint file: magic, format, byte order,
 * length, checksum, and the header's fields; fills h and points *payload
 * (plen bytes) inside buf. AB_ERR_FORMAT with what is wrong otherwise. */
ab_status ab_ckpt_parse(const unsigned char *buf, size_t len, ab_ckpt_header *h,
                        const unsigned char **payload, size_t *plen, ab_error *err);
/* Reads path into *buf (caller frees) and parses it as ab_ckpt_parse.
 * AB_ERR_IO when the file cannot be read (ENOENT: *missing set to 1). */
ab_status ab_ckpt_read(const char *path, unsigned char **buf, ab_ckpt_header *h,
                       const unsigned char **payload, size_t *plen, int *missing, ab_error *err);

/* A checkpoint written by a thread of its own while training goes on: the
 * run pays for the snapshot of its state (the payload) only, not for the
 * disk (the fsyncs). One write at a time; the thread is named
 * "ckpt-writer". */
typedef struct {
    pthread_t thread;
    int busy;                 /* a write is in progress */
    char dir[4096];
    ab_ckpt_header h;
    unsigned char *payload;   /* owned while busy, freed when written */
    size_t len;
    ab_status st;
    ab_error err;
} ab_ckpt_writer;

/* Waits for the write in progress, if any; returns its status (err filled
 * when it failed). AB_OK when none was in progress. */
ab_status ab_ckpt_writer_wait(ab_ckpt_writer *w, ab_error *err);
/* Starts writing payload (taken over: freed once written) as ab_ckpt_write
 * does, after waiting for the previous write (whose status it returns,
 * err filled when it failed). Without a thread it writes at once. */
ab_status ab_ckpt_writer_start(ab_ckpt_writer *w, const char *ckpt_dir, const ab_ckpt_header *h,
                               unsigned char *payload, size_t len, ab_error *err);

/* The header of a checkpoint file, its checksum checked (for the progress
 * lines and 'actbench summarize'). */
ab_status ab_ckpt_peek(const char *path, ab_ckpt_header *h);

#endif
