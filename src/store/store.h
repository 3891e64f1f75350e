/* store: the results store of one experiment (schema versioned), written once over the
   database interface of store/db.h (SQLite: store/sqlite.c; PostgreSQL: store/postgres.c),
   its tables defined once for both. It holds the experiment's settings, the planned trials
   with their configurations, atomic claims with leases and heartbeats timed by the
   database's clock, each finished trial written in one transaction with its epoch log, and
   the reads behind status and export. */
#ifndef HIA_STORE_H
#define HIA_STORE_H

#include <stdint.h>

#include "base/error.h"

#define STORE_SCHEMA_VERSION 1

typedef struct store store;

typedef struct store_setting {
    const char *key;
    const char *value;
} store_setting;

/* One hyperparameter value of a trial: number (int, float or the choice's number) and text. */
typedef struct store_param {
    const char *name;
    int layer;        /* 0 for plain params, 1.. for per-layer ones */
    double number;    /* NaN for non-numeric choices */
    const char *text;
} store_param;

typedef struct store_trial_plan {
    const char *dataset;
    long number;      /* k-th configuration of the dataset */
    uint64_t hash;
    uint64_t seed;
    const char *config; /* "name=value ..." */
    const store_param *params;
    int n_params;
} store_trial_plan;

typedef struct store_epoch {
    double loss, val_accuracy, seconds, images_per_second;
} store_epoch;

typedef struct store_result {
    const char *status;  /* done | diverged */
    const char *reason;
    double val_accuracy, test_accuracy;
    int epochs;
    const store_epoch *history;
    int resumed_from;    /* epochs restored from a checkpoint */
    double train_seconds, eval_seconds, images_per_second, wall_seconds;
    int threads;
    const char *blas;
} store_result;

typedef struct store_claimed {
    long long id;
    char dataset[128];
    long number;
    uint64_t seed;
    int attempts;
} store_claimed;

typedef struct store_counts {
    long total, pending, running, done, failed, diverged;
    double images_per_second; /* mean over finished trials */
    double trial_seconds;     /* mean wall time of a finished trial */
} store_counts;

/* path: an SQLite file, or a PostgreSQL database as a libpq URI (postgresql://...). Whether
   path names a database server rather than a file (what only looks like a server's address,
   such as a keyword/value connection string, is refused by the opens). */
int store_is_uri(const char *path);
/* path as a message may show it: never a password (see db_display); the caller frees it. */
char *store_display(const char *path);
/* Opens the store, making it (its file, its tables) if it is not there yet. A database that
   holds something else is refused before anything is written to it. */
int store_open(const char *path, store **out, hia_error *err);
/* Opens a store that must be there already, for reading only (status, export, analyze,
   report): nothing is written, an SQLite file is opened read-only (read-only media work). */
int store_open_existing(const char *path, store **out, hia_error *err);
void store_close(store *s);

/* The first run records the settings; a later run with other settings is refused with the
   list of keys that changed. */
int store_check_settings(store *s, const store_setting *settings, int n, hia_error *err);
/* Inserts the planned trials that are not there yet, in one transaction. */
int store_plan(store *s, const store_trial_plan *plans, int n, hia_error *err);

/* Returns a trial of worker's local host whose worker process is gone to pending. The callback
   says whether a pid of this host is alive. */
int store_reclaim_dead(store *s, const char *host, int (*alive)(long pid), hia_error *err);
/* Atomically takes the first pending trial (or one whose lease expired); 0 when none, 1 when
   one was claimed. */
int store_claim(store *s, const char *worker, double lease_seconds, store_claimed *c,
                hia_error *err);
/* Extends the leases of worker's trials and of the worker itself. */
int store_heartbeat(store *s, const char *worker, double lease_seconds, hia_error *err);
/* Writes a finished trial and its epoch log in one transaction; refuses if the trial is no
   longer held by worker. */
int store_finish(store *s, long long id, const char *worker, const store_result *r,
                 hia_error *err);
/* A trial whose process failed: back to pending, or failed for good after max_failures; the
   failure is added to the trial's history. */
int store_fail(store *s, long long id, const char *worker, const char *reason, int max_failures,
               hia_error *err);
/* Trials failed for good go back to pending with their failure count reset; their reason and
   every earlier failure (the failures table) stay. *n: how many. */
int store_retry_failed(store *s, long *n, hia_error *err);
/* Gives a claimed trial back (clean stop). */
int store_release(store *s, long long id, const char *worker, hia_error *err);
/* Gives back every trial worker holds but held[0..n) (a claim whose reply was lost with the
   connection). */
int store_release_others(store *s, const char *worker, const long long *held, int n,
                         hia_error *err);

/* Whether the last error was the connection to the store's server going away (PostgreSQL;
   never an SQLite file's). */
int store_connection_lost(const store *s);
/* Connects again; -1 while the server cannot be reached. */
int store_reconnect(store *s, hia_error *err);

/* A worker (one `hia run`) of a sweep, which may be shared by many hosts. */
typedef struct store_worker {
    const char *worker;     /* host:pid, as the trials it holds name it */
    const char *host;
    const char *slurm_job;  /* its Slurm job (an array's job id) and array task, or NULL */
    const char *slurm_task;
    int jobs, threads;      /* trials at a time, threads per trial */
    long finished;          /* read: trials it finished */
} store_worker;
/* Records a worker starting; it is live while its lease runs (store_heartbeat extends it). */
int store_worker_start(store *s, const store_worker *w, double lease_seconds, hia_error *err);
/* Records a worker's end. */
int store_worker_stop(store *s, const char *worker, hia_error *err);
/* The live workers, in the order they started. */
int store_workers(store *s, int (*each)(void *ctx, const store_worker *w), void *ctx,
                  hia_error *err);
/* The trials running now, in id order: each with its worker. */
int store_running(store *s, int (*each)(void *ctx, const store_claimed *c, const char *worker),
                  void *ctx, hia_error *err);

/* Configuration of a trial: params in order, via the callback. */
int store_trial_params(store *s, long long id,
                       int (*each)(void *ctx, const store_param *p), void *ctx, hia_error *err);
/* Counts per dataset (dataset NULL: all). */
int store_count(store *s, const char *dataset, store_counts *c, hia_error *err);
/* Names of the datasets in the store, in plan order, via the callback. */
int store_datasets(store *s, int (*each)(void *ctx, const char *name), void *ctx,
                   hia_error *err);
/* Sets a meta key that no later run checks (such as the analysis: block). */
int store_set_meta(store *s, const char *key, const char *value, hia_error *err);
/* Sets a meta key unless it has a value already, then reads it back into *held (the caller
   frees it): the first writer's value stands, so runs that start together agree on it. */
int store_meta_first(store *s, const char *key, const char *value, char **held,
                     hia_error *err);
/* Removes a meta value (absent already: nothing to do). */
int store_delete_meta(store *s, const char *key, hia_error *err);
/* A meta value (a run's setting: "setting:KEY"), in *value (NULL when absent; the caller
   frees it); -1 when the store cannot be read. */
int store_meta(store *s, const char *key, char **value, hia_error *err);
/* Every meta key that starts with prefix, with its value, in key order. */
int store_meta_each(store *s, const char *prefix,
                    int (*each)(void *ctx, const char *key, const char *value), void *ctx,
                    hia_error *err);

/* Every trial in id order, as column name/value text pairs (NULL values for SQL NULL). */
typedef struct store_row {
    int n;
    const char *const *names;
    const char *const *values;
} store_row;
int store_each_trial(store *s, int (*each)(void *ctx, const store_row *r), void *ctx,
                     hia_error *err);
/* The failed attempts of a trial, oldest first. */
typedef struct store_failure {
    int attempt;
    const char *worker, *reason;
    double at;            /* Unix seconds */
} store_failure;
int store_failures(store *s, long long id, int (*each)(void *ctx, const store_failure *f),
                   void *ctx, hia_error *err);
/* The hyperparameter columns of the store: each (name, layer) once, in plan order. */
int store_param_columns(store *s, int (*each)(void *ctx, const char *name, int layer), void *ctx,
                        hia_error *err);
/* Epoch log of a trial. */
int store_epochs(store *s, long long id, int (*each)(void *ctx, int epoch, const store_epoch *e),
                 void *ctx, hia_error *err);

#endif
