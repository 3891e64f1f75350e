/* A trial's process: trains, resumes or sets its checkpoint aside, checkpoints, reports. */
#include "sweep/trial.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/rng.h"
#include "base/strbuf.h"
#include "train/train.h"

/* What a trial's hooks need: its checkpoint's path and identity, its number of epochs, and
   the pipe to its runner. */
typedef struct trial_ctx {
    const char *checkpoint;
    const checkpoint_identity *identity;
    int epochs;
    int fd;
} trial_ctx;

/* One message to the runner; 0, or -1 with errno set. */
static int send_message(int fd, uint32_t kind, const void *p, size_t n, const void *more,
                        size_t more_n)
{
    trial_wire_head h = {kind, (uint32_t)(n + more_n)};
    return io_write_all(fd, &h, sizeof(h)) || io_write_all(fd, p, n) ||
                   (more_n && io_write_all(fd, more, more_n))
               ? -1
               : 0;
}

/* Resumes the trial from its checkpoint when the checkpoint is this trial's and fits its
   network; any other is set aside (the trial then starts from its first epoch), the trial's
   log says why, and a misfit or damaged one is reported to the runner for hia status. A
   checkpoint that cannot be read fails the trial as a fault of the machine. */
static int restore_checkpoint(void *ctx, struct network *net, train_result *res, int max_epochs,
                              hia_error *err)
{
    const trial_ctx *t = ctx;
    char why[1024], aside[4096];
    int found = checkpoint_load(t->checkpoint, t->identity, net, res, max_epochs, why,
                                sizeof(why), err);
    if (found < 0)
        return -1;
    if (found == CHECKPOINT_RESTORED)
        fprintf(stderr, "hia: resumed after epoch %d from %s\n", res->epochs, t->checkpoint);
    if (found == CHECKPOINT_NONE || found == CHECKPOINT_RESTORED)
        return 0;
    if (checkpoint_set_aside(t->checkpoint, found, aside, sizeof(aside), err))
        return -1;
    fprintf(stderr, "hia: checkpoint %s %s; set aside as %s: the trial starts from its first "
            "epoch\n", t->checkpoint, why, aside);
    fflush(stderr);
    if (found == CHECKPOINT_FOREIGN) /* another store's affair, not this trial's */
        return 0;
    char *note = xstrfmt("%s: %s", checkpoint_found_word(found), why);
    int rc = send_message(t->fd, TRIAL_WIRE_RESTARTED, note, strlen(note), NULL, 0);
    free(note);
    if (rc)
        return hia_fail(err, HIA_EINTERNAL, "cannot report to the runner: %s", strerror(errno));
    return 0;
}

/* A test point, inert unless HIA_PAUSE_IN_TRIAL=PREFIX is set: after a checkpoint, with epochs
   still to train, a trial stops itself (SIGSTOP) if it removes the file PREFIX.<its runner's
   pid> (one trial of that runner), or while PREFIX.all exists (every trial, of any runner).
   Tests then act on trials known to be inside their run without racing them. */
static void pause_if_asked(const trial_ctx *t, const train_result *res)
{
    const char *prefix = getenv("HIA_PAUSE_IN_TRIAL");
    if (!prefix || res->epochs >= t->epochs)
        return;
    char *mine = xstrfmt("%s.%ld", prefix, (long)getppid());
    char *all = xstrfmt("%s.all", prefix);
    int stop = unlink(mine) == 0 || access(all, F_OK) == 0;
    free(mine);
    free(all);
    if (stop) {
        fprintf(stderr, "hia: paused after epoch %d (HIA_PAUSE_IN_TRIAL)\n", res->epochs);
        fflush(stderr);
        raise(SIGSTOP);
    }
}

static int save_checkpoint(void *ctx, struct network *net, const train_result *res,
                           hia_error *err)
{
    const trial_ctx *t = ctx;
    if (checkpoint_save(t->checkpoint, t->identity, net, res, err))
        return -1;
    pause_if_asked(t, res);
    return 0;
}

_Noreturn void trial_process(const trial_job *job, int fd)
{
    const store_claimed *c = job->claim;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    char *path = xstrfmt("%s/log.txt", job->dir);
    int log = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
        dup2(log, STDERR_FILENO);
        close(log);
    }
    fprintf(stderr, "hia: trial %lld (%s #%ld), attempt %d\n", c->id, c->dataset, c->number,
            c->attempts);
    free(path);
    path = xstrfmt("%s/checkpoint", job->dir); /* the process ends in _exit: never freed */
    trial_ctx ctx = {path, job->identity, job->np->epochs, fd};
    train_hooks hooks = {restore_checkpoint, save_checkpoint, &ctx};
    train_options o = {.seed = c->seed, .trial = rng_trial_key(c->number, c->dataset),
                       .threads = job->threads, .use_gpu = job->gpu >= 0, .gpu = job->gpu,
                       .progress = stderr, .hooks = &hooks, .darknet_init = job->darknet_init};
    train_result res;
    hia_error err = {0};
    trial_wire_result w = {0};
    if (train_run(job->cfg_text, job->np, job->data, &o, &res, &err)) {
        fprintf(stderr, "hia: %s\n", err.msg);
        fflush(stderr);
        if (err.status != HIA_EENV)
            _exit(3);
        /* the log may sit on the full disk itself: the message goes back on the pipe */
        snprintf(w.status, sizeof(w.status), "environment");
        snprintf(w.reason, sizeof(w.reason), "%s", err.msg);
        _exit(send_message(fd, TRIAL_WIRE_RESULT, &w, sizeof(w), NULL, 0) == 0 ? TRIAL_EXIT_ENV : 3);
    }
    snprintf(w.status, sizeof(w.status), "%s", res.status);
    snprintf(w.reason, sizeof(w.reason), "%s", res.reason);
    w.val_accuracy = res.val_accuracy;
    w.test_accuracy = res.test_accuracy;
    w.train_seconds = res.train_seconds;
    w.eval_seconds = res.eval_seconds;
    w.images_per_second = res.images_per_second;
    w.epochs = res.epochs;
    w.resumed_from = res.resumed_from;
    int ok = send_message(fd, TRIAL_WIRE_RESULT, &w, sizeof(w), res.history,
                          sizeof(train_epoch) * (size_t)res.epochs) == 0;
    fflush(stderr);
    _exit(ok ? 0 : 4);
}

