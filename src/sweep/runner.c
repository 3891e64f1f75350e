/* The sweep: plan, claim, fork a process per trial (sweep/trial.c), record, resume. */
#include "sweep/runner.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "data/datafiles.h"
#include "data/dataset.h"
#include "store/store.h"
#include "sweep/checkpoint.h"
#include "sweep/plan.h"
#include "sweep/split.h"
#include "sweep/trial.h"
#include "train/gpu.h"
#include "train/netgen.h"
#include "train/train.h"

typedef struct child {
    pid_t pid;
    int fd;
    store_claimed claim;
    double started;
    int gpu;              /* -1: the CPU */
    unsigned char *buf;
    size_t len, cap;
} child;

typedef struct runner {
    const config *cfg;
    const runner_options *o;
    store *db;
    char worker[300];
    char host[256];
    char slurm_job[32], slurm_task[32]; /* empty outside Slurm */
    char *models; /* models/<experiment> */
    char *path;   /* the store */
    char store_id[CHECKPOINT_STORE_ID_LEN + 1]; /* its identity, in every checkpoint */
    int jobs;    /* trials at once: -j, else the default split */
    int threads;
    dataset_splits *data; /* per dataset of the config, loaded on first use */
    int *loaded;
    child kids[RUNNER_MAX_JOBS];
    int running;
    int gpus, fixed_gpu;  /* usable GPUs (0: the CPU) and gpu:N's N, else -1 */
    long finished_here;
} runner;

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

char *runner_store_path(const config *c, const char *given)
{
    return given ? xstrdup(given) : xstrfmt("results/%s.sqlite", c->experiment);
}

/* ---- one trial ------------------------------------------------------------------------- */

typedef struct param_collect {
    const space *s;
    space_config *c;
    char assignment[SPACE_MAX_LAYERS * 64 + 128];
    const char *current;
    hia_error *err;
    int failed;
} param_collect;

static int flush_param(param_collect *pc)
{
    if (pc->current && space_set(pc->s, pc->c, pc->assignment, pc->err))
        pc->failed = 1;
    pc->current = NULL;
    return pc->failed;
}

static int collect_param(void *ctx, const store_param *p)
{
    param_collect *pc = ctx;
    size_t used = strlen(pc->assignment);
    if (pc->current && strcmp(pc->current, p->name) == 0) {
        snprintf(pc->assignment + used, sizeof(pc->assignment) - used, ",%s", p->text);
        return 0;
    }
    if (flush_param(pc))
        return -1;
    const space_param *sp = space_find(pc->s, p->name, NULL);
    if (!sp)
        return hia_fail(pc->err, HIA_EINTERNAL, "the store names hyperparameter '%s', which the "
                        "space lacks", p->name);
    pc->current = sp->name;
    snprintf(pc->assignment, sizeof(pc->assignment), "%s=%s", p->name, p->text);
    return 0;
}

static int trial_network(runner *r, long long id, const dataset_splits *data, char **cfg_text,
                         netgen_params *np, uint64_t *hash, hia_error *err)
{
    space_config values;
    param_collect pc = {.s = &r->cfg->space, .c = &values, .err = err};
    space_config_init(&values, &r->cfg->space);
    int rc = store_trial_params(r->db, id, collect_param, &pc, err) || flush_param(&pc) ||
             space_check_complete(&r->cfg->space, &values, err) ||
             netgen_params_read(&r->cfg->space, &values, np, err);
    if (!rc) {
        *hash = space_config_hash(&r->cfg->space, &values);
        netgen_input in = {data->train.width, data->train.height, data->train.channels,
                           data->train.classes};
        rc = netgen_cfg(np, &in, &r->cfg->network, cfg_text, err) != 0;
    }
    space_config_free(&values);
    return rc ? -1 : 0;
}

static int dataset_index(const runner *r, const char *name)
{
    for (int d = 0; d < r->cfg->n_datasets; d++)
        if (strcmp(r->cfg->datasets[d].name, name) == 0)
            return d;
    return -1;
}

static const dataset_splits *trial_data(runner *r, const char *name, hia_error *err)
{
    int d = dataset_index(r, name);
    if (d < 0) {
        hia_fail(err, HIA_EINTERNAL, "the store has a trial on '%s', which the config lacks", name);
        return NULL;
    }
    if (!r->loaded[d]) {
        if (dataset_prepare(&r->cfg->datasets[d], r->cfg->seed, &r->data[d], err))
            return NULL;
        r->loaded[d] = 1;
    }
    return &r->data[d];
}

/* models/<experiment>/<id>; the caller frees it. */
static char *trial_dir(const runner *r, long long id)
{
    return xstrfmt("%s/%lld", r->models, id);
}

/* The GPU of the next trial: gpu:N's N, else the GPU running the fewest trials; -1 on the
   CPU. */
static int pick_gpu(const runner *r)
{
    if (!r->gpus)
        return -1;
    if (r->fixed_gpu >= 0)
        return r->fixed_gpu;
    int best = 0, best_load = RUNNER_MAX_JOBS + 1;
    for (int g = 0; g < r->gpus; g++) {
        int load = 0;
        for (int i = 0; i < r->running; i++)
            load += r->kids[i].gpu == g;
        if (load < best_load) {
            best = g;
            best_load = load;
        }
    }
    return best;
}

static void report(runner *r, const child *k, const char *what);

/* The trial's folder, with its net.cfg written; the caller frees the folder's path. */
static char *trial_files(const runner *r, long long id, const char *cfg_text, hia_error *err)
{
    char *dir = trial_dir(r, id), *path = xstrfmt("%s/net.cfg", dir);
    int rc = io_make_dirs(dir, err) || io_write_file(path, cfg_text, strlen(cfg_text), err);
    free(path);
    if (rc) {
        free(dir);
        return NULL;
    }
    return dir;
}

/* Forks the trial's process and keeps track of it. */
static int fork_trial(runner *r, trial_job *job, hia_error *err)
{
    int fds[2];
    job->gpu = pick_gpu(r);
    /* out of processes, memory or descriptors: a fault of the machine, as for sbatch's fork */
    if (pipe(fds) != 0)
        return hia_fail(err, HIA_EENV, "cannot start trial %lld: pipe: %s", job->claim->id,
                        strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return hia_fail(err, HIA_EENV, "cannot start trial %lld: fork: %s", job->claim->id,
                        strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        trial_process(job, fds[1]);
    }
    close(fds[1]);
    child *k = &r->kids[r->running++];
    *k = (child){.pid = pid, .fd = fds[0], .claim = *job->claim, .started = clock_monotonic(),
                 .gpu = job->gpu};
    return 0;
}

/* Starts a claimed trial's process: 0, or 1 when this trial cannot be built (recorded as
   failed for good: its configuration will never make a valid network), or -1. */
static int start_trial(runner *r, const store_claimed *c, hia_error *err)
{
    char *cfg_text = NULL;
    netgen_params np;
    uint64_t hash = 0;
    const dataset_splits *data = trial_data(r, c->dataset, err);
    if (!data)
        return -1;
    hia_error built = {0}; /* its own: the decision below reads this failure's status only */
    if (trial_network(r, c->id, data, &cfg_text, &np, &hash, &built)) {
        if (built.status != HIA_EUSER) {
            *err = built;
            if (!err->status)
                err->status = HIA_EINTERNAL;
            return -1;
        }
        if (store_fail(r->db, c->id, r->worker, built.msg, 1, err))
            return -1;
        child k = {.claim = *c};
        report(r, &k, built.msg);
        return 1;
    }
    checkpoint_identity id = {.number = c->number, .config_hash = hash, .seed = c->seed,
                              .train = data->train.n, .validation = data->validation.n,
                              .test = data->test.n, .numerics = TRAIN_NUMERICS};
    snprintf(id.store_id, sizeof(id.store_id), "%s", r->store_id);
    snprintf(id.dataset, sizeof(id.dataset), "%s", c->dataset);
    char *dir = trial_files(r, c->id, cfg_text, err);
    trial_job job = {c, data, cfg_text, &np, &id, dir, -1, r->threads,
                     !strcmp(r->cfg->network.init, "darknet")};
    int rc = dir ? fork_trial(r, &job, err) : -1;
    free(dir);
    free(cfg_text);
    return rc;
}

/* ---- the store's connection ------------------------------------------------------------ */

/* Waiting for a store's server that went away, before the sweep gives up. */
#define RUNNER_RECONNECT_SECONDS 600

/* After a store call failed: when the connection to the store's server was lost, says so,
   waits for the server and reconnects, and gives back the claims this worker holds but does
   not know of (a claim whose reply was lost). 1: make the call again; 0: the error stands. */
static int recover(runner *r, hia_error *err)
{
    if (!store_connection_lost(r->db))
        return 0;
    fprintf(r->o->log, "%s%s: lost the connection to the store (%s); waiting for the server\n",
            r->o->live ? "\n" : "", r->worker, err->msg);
    fflush(r->o->log);
    double since = clock_monotonic(), pause = 0.5;
    long long held[RUNNER_MAX_JOBS];
    for (int i = 0; i < r->running; i++)
        held[i] = r->kids[i].claim.id;
    hia_error again = {0};
    while (store_reconnect(r->db, &again) ||
           store_release_others(r->db, r->worker, held, r->running, &again) ||
           store_heartbeat(r->db, r->worker, r->o->lease_seconds, &again)) {
        double waited = clock_monotonic() - since;
        if (stop_signal || waited > RUNNER_RECONNECT_SECONDS) {
            hia_fail(err, HIA_EENV, "%s (no connection for %.0f s)", again.msg, waited);
            return 0;
        }
        struct timespec ts = {(time_t)pause, (long)(fmod(pause, 1) * 1e9)};
        nanosleep(&ts, NULL); /* a stop signal ends it early */
        pause = fmin(pause * 2, 15);
    }
    fprintf(r->o->log, "%s: reconnected to the store after %.1f s\n", r->worker,
            clock_monotonic() - since);
    fflush(r->o->log);
    return 1;
}

static int release(runner *r, long long id, hia_error *err)
{
    int rc;
    do
        rc = store_release(r->db, id, r->worker, err);
    while (rc && recover(r, err));
    return rc;
}

/* ---- ending trials ----------------------------------------------------------------------- */

static void last_log_line(const runner *r, long long id, char *buf, size_t size)
{
    char line[512];
    char *dir = trial_dir(r, id), *path = xstrfmt("%s/log.txt", dir);
    buf[0] = 0;
    FILE *f = fopen(path, "r");
    free(path);
    free(dir);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        if (line[0] != '\n')
            snprintf(buf, size, "%s", line);
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
}

static void remove_tree(const char *dir)
{
    const char *names[] = {"checkpoint", "checkpoint.tmp", "net.cfg", "log.txt"};
    for (int i = 0; i < 4; i++) {
        char *path = xstrfmt("%s/%s", dir, names[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

static void report(runner *r, const child *k, const char *what)
{
    store_counts all;
    hia_error ignore;
    if (store_count(r->db, NULL, &all, &ignore))
        return;
    long ended = all.done + all.failed + all.diverged;
    if (r->o->live) {
        double eta = (all.pending + all.running) * all.trial_seconds / r->jobs;
        fprintf(r->o->log, "\r\033[K%s: %ld of %ld ended (%ld done, %ld failed, %ld diverged), "
                "%ld running, %.0f img/s, ETA %.0fm%02.0fs", r->cfg->experiment, ended,
                all.total, all.done, all.failed, all.diverged, all.running,
                all.images_per_second, floor(eta / 60), fmod(eta, 60));
    } else {
        fprintf(r->o->log, "[%ld/%ld] trial %lld (%s #%ld): %s\n", ended, all.total,
                k->claim.id, k->claim.dataset, k->claim.number, what);
    }
    fflush(r->o->log);
}

/* The result, when it is all that is left of what the trial's process sent (its notes were
   taken as they came): its bytes and their number, else NULL. */
static const unsigned char *result_message(const child *k, size_t *n)
{
    trial_wire_head h;
    if (k->len < sizeof(h) + sizeof(trial_wire_result))
        return NULL;
    memcpy(&h, k->buf, sizeof(h));
    if (h.kind != TRIAL_WIRE_RESULT || h.len != k->len - sizeof(h))
        return NULL;
    *n = h.len;
    return k->buf + sizeof(h);
}

static int finish_ok(runner *r, child *k, const unsigned char *msg, size_t n, hia_error *err)
{
    trial_wire_result w;
    memcpy(&w, msg, sizeof(w));
    if (w.epochs < 0 || n != sizeof(w) + sizeof(train_epoch) * (size_t)w.epochs)
        return hia_fail(err, HIA_EINTERNAL, "trial %lld sent a malformed result", k->claim.id);
    train_epoch *h = xmalloc(sizeof(train_epoch) * (size_t)(w.epochs ? w.epochs : 1));
    memcpy(h, msg + sizeof(w), sizeof(train_epoch) * (size_t)w.epochs); /* aligned */
    store_epoch *epochs = xcalloc((size_t)w.epochs, sizeof(*epochs));
    for (int e = 0; e < w.epochs; e++)
        epochs[e] = (store_epoch){h[e].loss, h[e].val_accuracy, h[e].seconds,
                                  h[e].images_per_second};
    free(h);
    char blas[256];
    snprintf(blas, sizeof(blas), "OpenBLAS %s (%s)", openblas_get_config(),
             openblas_get_corename());
    store_result res = {w.status, w.reason, w.val_accuracy, w.test_accuracy, w.epochs, epochs,
                        w.resumed_from, w.train_seconds, w.eval_seconds, w.images_per_second,
                        clock_monotonic() - k->started, r->threads, blas};
    int rc;
    do
        rc = store_finish(r->db, k->claim.id, r->worker, &res, err);
    while (rc && recover(r, err));
    free(epochs);
    if (rc)
        return -1;
    char what[512];
    if (strcmp(r->cfg->keep, "none") == 0) {
        char *dir = trial_dir(r, k->claim.id);
        remove_tree(dir);
        free(dir);
    }
    snprintf(what, sizeof(what), "%s, val %.4f, test %.4f, %d epochs%s, %.0f img/s, %.1f s",
             w.status, w.val_accuracy, w.test_accuracy, w.epochs,
             w.resumed_from ? " (resumed)" : "", w.images_per_second,
             clock_monotonic() - k->started);
    r->finished_here++;
    report(r, k, what);
    return 0;
}

static int finish_child(runner *r, int i, int status, hia_error *err)
{
    child *k = &r->kids[i];
    char reason[700], last[512];
    int rc;
    size_t n = 0;
    const unsigned char *msg = result_message(k, &n);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && msg) {
        rc = finish_ok(r, k, msg, n, err);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == TRIAL_EXIT_ENV && msg) {
        /* not the trial's fault: it goes back to pending, its retries unspent */
        trial_wire_result w;
        memcpy(&w, msg, sizeof(w));
        w.reason[sizeof(w.reason) - 1] = 0;
        rc = release(r, k->claim.id, err);
        if (!rc)
            rc = hia_fail(err, HIA_EENV, "trial %lld (%s #%ld): %s", k->claim.id,
                          k->claim.dataset, k->claim.number, w.reason);
    } else if (stop_signal || (WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM)) {
        /* a trial's process stopped by SIGTERM was stopped with the job (a scheduler signals
           every process of a job it cancels): the trial is given back, not failed */
        rc = release(r, k->claim.id, err);
    } else {
        last_log_line(r, k->claim.id, last, sizeof(last));
        if (WIFSIGNALED(status))
            snprintf(reason, sizeof(reason), "killed by signal %d (%s)%s%s", WTERMSIG(status),
                     strsignal(WTERMSIG(status)), last[0] ? ": " : "", last);
        else
            snprintf(reason, sizeof(reason), "exit status %d%s%s", WEXITSTATUS(status),
                     last[0] ? ": " : "", last);
        do
            rc = store_fail(r->db, k->claim.id, r->worker, reason, r->o->max_failures, err);
        while (rc && recover(r, err));
        if (!rc)
            report(r, k, reason);
    }
    free(k->buf);
    close(k->fd);
    r->kids[i] = r->kids[--r->running];
    return rc;
}

/* Records the notes at the front of what a trial's process sent, as they come (its result,
   the last message, waits for its end): a trial whose checkpoint was set aside as misfit or
   damaged is named in the store for hia status, and in the sweep's log. */
static int take_notes(runner *r, child *k, hia_error *err)
{
    trial_wire_head h;
    while (k->len >= sizeof(h)) {
        memcpy(&h, k->buf, sizeof(h));
        if (h.kind != TRIAL_WIRE_RESTARTED || k->len - sizeof(h) < h.len)
            return 0;
        char *note = xmalloc((size_t)h.len + 1);
        memcpy(note, k->buf + sizeof(h), h.len);
        note[h.len] = 0;
        char *key = xstrfmt(CHECKPOINT_RESTARTED_KEY "%lld", k->claim.id);
        int rc;
        do
            rc = store_set_meta(r->db, key, note, err);
        while (rc && recover(r, err));
        const char *why = strchr(note, ':');
        if (!rc)
            fprintf(r->o->log, "%strial %lld (%s #%ld): its checkpoint%s; it starts from its "
                    "first epoch\n", r->o->live ? "\n" : "", k->claim.id, k->claim.dataset,
                    k->claim.number, why ? why + 1 : note);
        fflush(r->o->log);
        free(key);
        free(note);
        if (rc)
            return -1;
        k->len -= sizeof(h) + h.len;
        memmove(k->buf, k->buf + sizeof(h) + h.len, k->len);
    }
    return 0;
}

/* Reads what the children sent; reaps those that ended. */
static int service_children(runner *r, int timeout_ms, hia_error *err)
{
    struct pollfd fds[RUNNER_MAX_JOBS];
    for (int i = 0; i < r->running; i++)
        fds[i] = (struct pollfd){.fd = r->kids[i].fd, .events = POLLIN};
    int n = poll(fds, (nfds_t)r->running, timeout_ms);
    if (n < 0 && errno != EINTR)
        return hia_fail(err, HIA_EINTERNAL, "poll: %s", strerror(errno));
    for (int i = r->running - 1; n > 0 && i >= 0; i--) {
        child *k = &r->kids[i];
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (k->len == k->cap) {
            k->cap = k->cap ? k->cap * 2 : 4096;
            k->buf = xrealloc(k->buf, k->cap);
        }
        ssize_t got = read(k->fd, k->buf + k->len, k->cap - k->len);
        if (got > 0) {
            k->len += (size_t)got;
            if (take_notes(r, k, err))
                return -1;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        int status;
        while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (finish_child(r, i, status, err))
            return -1;
    }
    return 0;
}

/* ---- the sweep ---------------------------------------------------------------------------- */

static int pid_alive(long pid)
{
    return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void stop_children(runner *r)
{
    for (int i = 0; i < r->running; i++)
        kill(r->kids[i].pid, SIGTERM);
}

/* After an error: the trials still running are stopped, waited for (so none writes after its
   claim is given back) and given back. */
static void abandon_children(runner *r)
{
    hia_error ignore;
    stop_children(r);
    for (int i = 0; i < r->running; i++) {
        while (waitpid(r->kids[i].pid, NULL, 0) < 0 && errno == EINTR)
            ;
        close(r->kids[i].fd);
        free(r->kids[i].buf);
        store_release(r->db, r->kids[i].claim.id, r->worker, &ignore);
    }
    r->running = 0;
}

/* Claims and starts trials while a slot is free: 0, or 1 when no trial is left to claim. The
   store is asked again at each turn of the sweep, so a trial another worker gave back (or
   whose lease ran out) is taken while this worker still runs trials. */
static int fill_slots(runner *r, hia_error *err)
{
    while (!stop_signal && r->running < r->jobs) {
        store_claimed c;
        int got;
        do
            got = store_claim(r->db, r->worker, r->o->lease_seconds, &c, err);
        while (got < 0 && recover(r, err));
        if (got <= 0)
            return got < 0 ? -1 : 1;
        if (start_trial(r, &c, err) < 0) {
            int lost = recover(r, err); /* gives the claim back once reconnected */
            hia_error ignore;
            store_release(r->db, c.id, r->worker, &ignore);
            if (!lost)
                return -1;
        }
    }
    return 0;
}

static int sweep(runner *r, hia_error *err)
{
    double last_beat = clock_monotonic();
    int exhausted = 0;
    while (!exhausted || r->running) {
        if (stop_signal)
            stop_children(r);
        if ((exhausted = fill_slots(r, err)) < 0)
            return -1;
        if (stop_signal && !r->running)
            break;
        if (service_children(r, 1000, err))
            return -1;
        if (clock_monotonic() - last_beat > r->o->lease_seconds / 4) {
            int rc;
            do
                rc = store_heartbeat(r->db, r->worker, r->o->lease_seconds, err);
            while (rc && recover(r, err));
            if (rc)
                return -1;
            last_beat = clock_monotonic();
        }
    }
    return 0;
}

/* A sweep that ended with trials failed for good did not do all its work. */
static int check_failed(runner *r, hia_error *err)
{
    store_counts all;
    if (store_count(r->db, NULL, &all, err))
        return -1;
    if (!all.failed)
        return 0;
    const char *again = r->o->again ? r->o->again : "hia run CONFIG";
    return hia_fail(err, HIA_EFAILED, "%ld of %ld trials failed for good (`hia export` gives "
                    "each reason; `%s%s` runs them again)", all.failed, all.total, again,
                    strstr(again, " --retry-failed") ? "" : " --retry-failed");
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The Slurm job (an array's job id) and array task this worker runs in, for hia status. */
static void slurm_ids(runner *r)
{
    const char *array = getenv("SLURM_ARRAY_JOB_ID"), *job = getenv("SLURM_JOB_ID");
    const char *task = getenv("SLURM_ARRAY_TASK_ID");
    snprintf(r->slurm_job, sizeof(r->slurm_job), "%s", array ? array : job ? job : "");
    snprintf(r->slurm_task, sizeof(r->slurm_task), "%s", array && task ? task : "");
}

static int register_worker(runner *r, hia_error *err)
{
    store_worker w = {r->worker, r->host, r->slurm_job[0] ? r->slurm_job : NULL,
                      r->slurm_task[0] ? r->slurm_task : NULL, r->jobs, r->threads, 0};
    return store_worker_start(r->db, &w, r->o->lease_seconds, err);
}

static void runner_free(runner *r)
{
    for (int d = 0; r->data && d < r->cfg->n_datasets; d++)
        if (r->loaded[d])
            dataset_splits_free(&r->data[d]);
    free(r->data);
    free(r->loaded);
    free(r->models);
    free(r->path);
    store_close(r->db);
}

/* The store's identity, which every checkpoint records: drawn (128 random bits) by the first
   run that finds none, so stores made before it was recorded get one too. Runs that start
   together (a Slurm array's tasks) may each draw one: the first write stands and each reads
   it back, so none writes checkpoints that another would set aside as foreign. */
static int store_identity(runner *r, hia_error *err)
{
    char *v;
    if (store_meta(r->db, "store_id", &v, err))
        return -1;
    if (!v) {
        unsigned char bits[CHECKPOINT_STORE_ID_LEN / 2];
        char hex[CHECKPOINT_STORE_ID_LEN + 1];
        if (getrandom(bits, sizeof(bits), 0) != (ssize_t)sizeof(bits))
            return hia_fail(err, HIA_EENV, "cannot draw the store's identity: %s",
                            strerror(errno));
        for (size_t i = 0; i < sizeof(bits); i++)
            snprintf(hex + 2 * i, 3, "%02x", bits[i]);
        if (store_meta_first(r->db, "store_id", hex, &v, err))
            return -1;
    }
    snprintf(r->store_id, sizeof(r->store_id), "%s", v);
    free(v);
    return 0;
}

/* Everything a start can refuse, before any folder or store is made or touched: every
   dataset's files there, every dataset loaded and split (its counts within its splits: the
   sweep keeps them all anyway), and the configurations drawn. */
static int check_start(runner *r, const config *c, plan *drawn, hia_error *err)
{
    r->data = xcalloc((size_t)c->n_datasets, sizeof(*r->data));
    r->loaded = xcalloc((size_t)c->n_datasets, sizeof(*r->loaded));
    for (int d = 0; d < c->n_datasets; d++) {
        const config_dataset *cd = &c->datasets[d];
        dataset_desc desc;
        if (dataset_desc_load(cd->name, &desc, err))
            return -1;
        int present = datafiles_present(&desc);
        if (!present)
            hia_fail(err, HIA_EUSER, "%s: dataset '%s': its files are not all in %s (`hia "
                     "datasets check %s` lists them; %s)", cd->where, cd->name, desc.dir,
                     cd->name, desc.n_fetch ? "`hia datasets fetch` gets them"
                     : desc.install ? desc.install : "its descriptor says where they come from");
        dataset_desc_free(&desc);
        if (!present)
            return -1;
    }
    for (int d = 0; d < c->n_datasets; d++)
        if (!trial_data(r, c->datasets[d].name, err))
            return -1;
    return plan_draw(c, drawn, err);
}

static int runner_init(runner *r, const config *c, const runner_options *o, plan *drawn,
                       hia_error *err)
{
    memset(r, 0, sizeof(*r));
    r->cfg = c;
    r->o = o;
    if (o->jobs < 0 || o->jobs > RUNNER_MAX_JOBS)
        return hia_fail(err, HIA_EUSER, "-j %d: expected 1..%d", o->jobs, RUNNER_MAX_JOBS);
    if ((r->gpus = gpu_devices(c->device, &r->fixed_gpu, err)) < 0)
        return hia_wrap(err, "%s", c->path);
    if (check_start(r, c, drawn, err))
        return -1;
    int budget = o->threads ? o->threads : c->threads ? c->threads : train_default_threads();
    r->jobs = o->jobs;
    if (!r->jobs) {
        char why[512];
        r->jobs = split_default_jobs(c, budget, r->gpus, RUNNER_MAX_JOBS, why, sizeof(why), err);
        if (r->jobs < 0)
            return -1;
        fprintf(o->log, "%s\n", why);
    }
    r->threads = budget / r->jobs > 0 ? budget / r->jobs : 1;
    /* HIA_HOST names the worker's host where the host name does not tell workers apart
       (containers, several runs posing as several hosts in a test) */
    const char *host = getenv("HIA_HOST");
    if (host && *host)
        snprintf(r->host, sizeof(r->host), "%s", host);
    else if (gethostname(r->host, sizeof(r->host)) != 0)
        snprintf(r->host, sizeof(r->host), "localhost");
    snprintf(r->worker, sizeof(r->worker), "%s:%ld", r->host, (long)getpid());
    slurm_ids(r);
    r->models = xstrfmt("%s/%s", o->models_dir ? o->models_dir : "models", c->experiment);
    r->path = runner_store_path(c, o->store_path);
    char *slash = store_is_uri(r->path) ? NULL : strrchr(r->path, '/');
    if (slash) { /* an SQLite store's folder */
        *slash = 0;
        int rc = io_make_dirs(r->path, err);
        *slash = '/';
        if (rc)
            return -1;
    }
    if (io_make_dirs(r->models, err) || store_open(r->path, &r->db, err) ||
        plan_sweep(r->db, c, drawn, o->record, err) || store_identity(r, err) ||
        store_reclaim_dead(r->db, r->host, pid_alive, err) || register_worker(r, err))
        return -1;
    long retried = 0;
    if (o->retry_failed && store_retry_failed(r->db, &retried, err))
        return -1;
    if (o->retry_failed)
        fprintf(o->log, "%s: %ld trial(s) failed for good are pending again\n", c->experiment,
                retried);
    return 0;
}

int runner_run(const config *c, const runner_options *o, hia_error *err)
{
    runner r;
    plan drawn = {0};
    int rc = runner_init(&r, c, o, &drawn, err);
    plan_free(&drawn);
    if (!rc) {
        fprintf(o->log, "%s: %ld trials per dataset on %d dataset(s), %d at a time, %d "
                "threads each; worker %s", c->experiment, c->trials, c->n_datasets, r.jobs,
                r.threads, r.worker);
        if (r.slurm_job[0])
            fprintf(o->log, " (Slurm job %s%s%s)", r.slurm_job, r.slurm_task[0] ? " task " : "",
                    r.slurm_task);
        fputc('\n', o->log);
        install_signals();
        rc = sweep(&r, err);
        if (rc)
            abandon_children(&r);
        if (o->live)
            fputc('\n', o->log);
        if (!rc && !stop_signal)
            rc = check_failed(&r, err);
        hia_error ignore; /* else its lease runs out, and it is no longer listed */
        store_worker_stop(r.db, r.worker, &ignore);
    }
    runner_free(&r);
    if (rc)
        return -1;
    return stop_signal;
}
