/* The SQLite results store: schema, plans, claims, leases, results. */
#include "store/store.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/clock.h"

struct store {
    sqlite3 *db;
    char *path;
};

static const char *schema =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS trials("
    " id INTEGER PRIMARY KEY,"
    " dataset TEXT NOT NULL, number INTEGER NOT NULL,"
    " config_hash TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK(status IN ('pending','running','done','failed','diverged')),"
    " reason TEXT, worker TEXT, lease_until REAL,"
    " attempts INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,"
    " val_accuracy REAL, test_accuracy REAL, epochs_done INTEGER, resumed_from INTEGER,"
    " train_seconds REAL, eval_seconds REAL, images_per_second REAL, wall_seconds REAL,"
    " started REAL, finished REAL,"
    " hia_version TEXT, darknet_patches INTEGER, blas TEXT, threads INTEGER,"
    " UNIQUE(dataset, number), UNIQUE(dataset, config_hash));"
    "CREATE TABLE IF NOT EXISTS params("
    " trial INTEGER NOT NULL REFERENCES trials(id), name TEXT NOT NULL, layer INTEGER NOT NULL,"
    " number REAL, text TEXT NOT NULL, PRIMARY KEY(trial, name, layer));"
    "CREATE TABLE IF NOT EXISTS epochs("
    " trial INTEGER NOT NULL REFERENCES trials(id), epoch INTEGER NOT NULL,"
    " loss REAL, val_accuracy REAL, seconds REAL, images_per_second REAL,"
    " PRIMARY KEY(trial, epoch));"
    /* every failed attempt, kept when a trial is retried */
    "CREATE TABLE IF NOT EXISTS failures("
    " trial INTEGER NOT NULL REFERENCES trials(id), attempt INTEGER NOT NULL,"
    " worker TEXT, reason TEXT, at REAL, PRIMARY KEY(trial, attempt));";

/* A full disk, an I/O error or a store that cannot be written are faults of the machine. */
static int db_status(store *s)
{
    switch (sqlite3_errcode(s->db)) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        return HIA_EENV;
    default:
        return HIA_EINTERNAL;
    }
}

static int db_fail(store *s, hia_error *err, const char *what)
{
    return hia_fail(err, db_status(s), "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(store *s, const char *sql, hia_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        hia_fail(err, db_status(s), "%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Switching to WAL needs a moment alone with the file, and SQLite answers "busy" at once
   instead of waiting when another process opens the store at the same time: retry. */
static int exec_when_free(store *s, const char *sql, hia_error *err)
{
    for (int tries = 0;; tries++) {
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 3000)
            return db_fail(s, err, "cannot set up the store");
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static int prepare(store *s, const char *sql, sqlite3_stmt **st, hia_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_fail(s, err, "cannot prepare a query");
    return 0;
}

/* Steps a statement that returns no rows, then finalizes it. */
static int run(store *s, sqlite3_stmt *st, hia_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, err, "write failed");
}

/* Steps a query: 1 while it has rows; 0 at its end, or on an error, which it reports in *rc
   (a read must never take an error for the end of its rows). */
static int next_row(store *s, sqlite3_stmt *st, int *rc, hia_error *err)
{
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        return 1;
    if (step != SQLITE_DONE && !*rc)
        *rc = db_fail(s, err, "cannot read");
    return 0;
}

static int rollback(store *s, hia_error *err)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    (void)err;
    return -1;
}

static int check_version(store *s, hia_error *err)
{
    char *v;
    if (store_meta(s, "schema_version", &v, err))
        return -1;
    if (!v) {
        sqlite3_stmt *st;
        if (prepare(s, "INSERT INTO meta(key, value) VALUES('schema_version', ?)", &st, err))
            return -1;
        sqlite3_bind_int(st, 1, STORE_SCHEMA_VERSION);
        return run(s, st, err);
    }
    int version = atoi(v);
    free(v);
    if (version != STORE_SCHEMA_VERSION)
        return hia_fail(err, HIA_EUSER, "%s: results store of schema version %d; this hia reads "
                        "version %d", s->path, version, STORE_SCHEMA_VERSION);
    return 0;
}

int store_open(const char *path, store **out, hia_error *err)
{
    store *s = xcalloc(1, sizeof(*s));
    *out = NULL;
    s->path = xstrdup(path);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        hia_fail(err, HIA_EUSER, "%s: cannot open the results store: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 30000);
    if (exec_when_free(s, "PRAGMA journal_mode=WAL", err) ||
        exec(s, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", err) ||
        exec(s, "BEGIN IMMEDIATE", err) || exec(s, schema, err) || check_version(s, err) ||
        exec(s, "COMMIT", err)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        if (strstr(err->msg, "file is not a database"))
            hia_fail(err, HIA_EUSER, "%s: not a results store (not an SQLite database)", path);
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

void store_close(store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int store_meta(store *s, const char *key, char **value, hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    *value = NULL;
    if (prepare(s, "SELECT value FROM meta WHERE key = ?", &st, err))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (next_row(s, st, &rc, err))
        *value = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

int store_set_meta(store *s, const char *key, const char *value, hia_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, err))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return run(s, st, err);
}

static int append(char *buf, size_t size, const char *key)
{
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%s", used ? ", " : "", key);
    return 0;
}

int store_check_settings(store *s, const store_setting *settings, int n, hia_error *err)
{
    char changed[1536] = "";
    char key[512];
    int fresh;
    char *marker;
    if (store_meta(s, "setting:experiment", &marker, err))
        return -1;
    fresh = marker == NULL;
    free(marker);
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "setting:%s", settings[i].key);
        char *old;
        if (store_meta(s, key, &old, err))
            return rollback(s, err);
        if (!fresh && (!old || strcmp(old, settings[i].value) != 0))
            append(changed, sizeof(changed), settings[i].key);
        free(old);
        if (fresh) {
            sqlite3_stmt *st;
            if (prepare(s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &st, err))
                return rollback(s, err);
            sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, settings[i].value, -1, SQLITE_STATIC);
            if (run(s, st, err))
                return rollback(s, err);
        }
    }
    if (!fresh) { /* settings the store has and the config no longer names */
        sqlite3_stmt *st;
        if (prepare(s, "SELECT substr(key, 9) FROM meta WHERE key LIKE 'setting:%'", &st, err))
            return rollback(s, err);
        int rc = 0;
        while (!rc && next_row(s, st, &rc, err)) {
            const char *k = (const char *)sqlite3_column_text(st, 0);
            int found = 0;
            for (int i = 0; i < n && !found; i++)
                found = strcmp(settings[i].key, k) == 0;
            if (!found)
                append(changed, sizeof(changed), k);
        }
        sqlite3_finalize(st);
        if (rc)
            return rollback(s, err);
    }
    if (changed[0]) {
        rollback(s, err);
        return hia_fail(err, HIA_EUSER, "%s was made with other settings; changed: %s (use a new "
                        "experiment name, or --store PATH for a new store)", s->path, changed);
    }
    return exec(s, "COMMIT", err);
}

static int plan_one(store *s, const store_trial_plan *p, hia_error *err)
{
    sqlite3_stmt *st;
    char hash[17];
    snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)p->hash);
    if (prepare(s, "INSERT OR IGNORE INTO trials(dataset, number, config_hash, config, seed) "
                   "VALUES(?, ?, ?, ?, ?)", &st, err))
        return -1;
    sqlite3_bind_text(st, 1, p->dataset, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, p->number);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, p->config, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)p->seed);
    if (run(s, st, err))
        return -1;
    if (sqlite3_changes(s->db) == 0)
        return 0; /* planned before */
    sqlite3_int64 id = sqlite3_last_insert_rowid(s->db);
    for (int i = 0; i < p->n_params; i++) {
        const store_param *q = &p->params[i];
        if (prepare(s, "INSERT INTO params(trial, name, layer, number, text) VALUES(?,?,?,?,?)",
                    &st, err))
            return -1;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, q->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, q->layer);
        if (isnan(q->number))
            sqlite3_bind_null(st, 4);
        else
            sqlite3_bind_double(st, 4, q->number);
        sqlite3_bind_text(st, 5, q->text, -1, SQLITE_STATIC);
        if (run(s, st, err))
            return -1;
    }
    return 0;
}

int store_plan(store *s, const store_trial_plan *plans, int n, hia_error *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    for (int i = 0; i < n; i++)
        if (plan_one(s, &plans[i], err))
            return rollback(s, err);
    return exec(s, "COMMIT", err);
}

int store_reclaim_dead(store *s, const char *host, int (*alive)(long pid), hia_error *err)
{
    sqlite3_stmt *st;
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "%s:", host);
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    if (prepare(s, "SELECT id, worker FROM trials WHERE status = 'running'", &st, err))
        return rollback(s, err);
    long long *dead = NULL;
    size_t n = 0;
    int rc = 0;
    while (!rc && next_row(s, st, &rc, err)) {
        const char *w = (const char *)sqlite3_column_text(st, 1);
        if (w && strncmp(w, prefix, strlen(prefix)) == 0 && !alive(atol(w + strlen(prefix)))) {
            dead = xreallocarray(dead, n + 1, sizeof(*dead));
            dead[n++] = sqlite3_column_int64(st, 0);
        }
    }
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = prepare(s, "UPDATE trials SET status = 'pending', worker = NULL, lease_until = NULL "
                        "WHERE id = ?", &st, err);
        if (!rc) {
            sqlite3_bind_int64(st, 1, dead[i]);
            rc = run(s, st, err);
        }
    }
    free(dead);
    return rc ? rollback(s, err) : exec(s, "COMMIT", err);
}

int store_claim(store *s, const char *worker, double lease_seconds, store_claimed *c,
                hia_error *err)
{
    sqlite3_stmt *st;
    double t = clock_wall();
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    if (prepare(s, "SELECT id, dataset, number, seed, attempts FROM trials WHERE status = "
                   "'pending' OR (status = 'running' AND lease_until < ?) ORDER BY id LIMIT 1",
                &st, err))
        return rollback(s, err);
    sqlite3_bind_double(st, 1, t);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(s, err, "claim failed"), rollback(s, err);
        return exec(s, "COMMIT", err) ? -1 : 0;
    }
    c->id = sqlite3_column_int64(st, 0);
    snprintf(c->dataset, sizeof(c->dataset), "%s", (const char *)sqlite3_column_text(st, 1));
    c->number = (long)sqlite3_column_int64(st, 2);
    c->seed = (uint64_t)sqlite3_column_int64(st, 3);
    c->attempts = sqlite3_column_int(st, 4) + 1;
    sqlite3_finalize(st);
    if (prepare(s, "UPDATE trials SET status = 'running', worker = ?, lease_until = ?, "
                   "attempts = attempts + 1, started = coalesce(started, ?) WHERE id = ?",
                &st, err))
        return rollback(s, err);
    sqlite3_bind_text(st, 1, worker, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, t + lease_seconds);
    sqlite3_bind_double(st, 3, t);
    sqlite3_bind_int64(st, 4, c->id);
    if (run(s, st, err))
        return rollback(s, err);
    return exec(s, "COMMIT", err) ? -1 : 1;
}

int store_heartbeat(store *s, const char *worker, double lease_seconds, hia_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, "UPDATE trials SET lease_until = ? WHERE status = 'running' AND worker = ?",
                &st, err))
        return -1;
    sqlite3_bind_double(st, 1, clock_wall() + lease_seconds);
    sqlite3_bind_text(st, 2, worker, -1, SQLITE_STATIC);
    return run(s, st, err);
}

static int write_epochs(store *s, long long id, const store_result *r, hia_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, "DELETE FROM epochs WHERE trial = ?", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (run(s, st, err))
        return -1;
    for (int e = 0; e < r->epochs; e++) {
        if (prepare(s, "INSERT INTO epochs(trial, epoch, loss, val_accuracy, seconds, "
                       "images_per_second) VALUES(?,?,?,?,?,?)", &st, err))
            return -1;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, e + 1);
        sqlite3_bind_double(st, 3, r->history[e].loss);
        sqlite3_bind_double(st, 4, r->history[e].val_accuracy);
        sqlite3_bind_double(st, 5, r->history[e].seconds);
        sqlite3_bind_double(st, 6, r->history[e].images_per_second);
        if (run(s, st, err))
            return -1;
    }
    return 0;
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

int store_finish(store *s, long long id, const char *worker, const store_result *r,
                 hia_error *err)
{
    sqlite3_stmt *st;
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    if (prepare(s, "UPDATE trials SET status = ?, reason = ?, val_accuracy = ?, "
                   "test_accuracy = ?, epochs_done = ?, resumed_from = ?, train_seconds = ?, "
                   "eval_seconds = ?, images_per_second = ?, wall_seconds = ?, finished = ?, "
                   "hia_version = ?, darknet_patches = ?, blas = ?, threads = ?, "
                   "lease_until = NULL WHERE id = ? AND worker = ? AND status = 'running'",
                &st, err))
        return rollback(s, err);
    sqlite3_bind_text(st, 1, r->status, -1, SQLITE_STATIC);
    if (r->reason && r->reason[0])
        sqlite3_bind_text(st, 2, r->reason, -1, SQLITE_STATIC);
    bind_real(st, 3, r->val_accuracy);
    bind_real(st, 4, r->test_accuracy);
    sqlite3_bind_int(st, 5, r->epochs);
    sqlite3_bind_int(st, 6, r->resumed_from);
    bind_real(st, 7, r->train_seconds);
    bind_real(st, 8, r->eval_seconds);
    bind_real(st, 9, r->images_per_second);
    bind_real(st, 10, r->wall_seconds);
    sqlite3_bind_double(st, 11, clock_wall());
    sqlite3_bind_text(st, 12, HIA_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 13, HIA_DARKNET_PATCHES);
    sqlite3_bind_text(st, 14, r->blas ? r->blas : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 15, r->threads);
    sqlite3_bind_int64(st, 16, id);
    sqlite3_bind_text(st, 17, worker, -1, SQLITE_STATIC);
    if (run(s, st, err))
        return rollback(s, err);
    if (sqlite3_changes(s->db) != 1) {
        rollback(s, err);
        return hia_fail(err, HIA_EINTERNAL, "trial %lld is no longer held by %s (its lease "
                        "expired and another worker took it)", id, worker);
    }
    if (write_epochs(s, id, r, err))
        return rollback(s, err);
    return exec(s, "COMMIT", err);
}

static int set_state(store *s, const char *sql, long long id, const char *worker,
                     const char *reason, int max_failures, hia_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, sql, &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, worker, -1, SQLITE_STATIC);
    if (reason) {
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, max_failures);
        sqlite3_bind_double(st, 5, clock_wall());
    }
    return run(s, st, err);
}

int store_fail(store *s, long long id, const char *worker, const char *reason, int max_failures,
               hia_error *err)
{
    if (exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    if (set_state(s, "INSERT OR REPLACE INTO failures(trial, attempt, worker, reason, at) "
                     "SELECT id, attempts, ?2, ?3, ?5 FROM trials WHERE id = ?1 AND worker = ?2 "
                     "AND status = 'running'",
                  id, worker, reason, max_failures, err) ||
        set_state(s, "UPDATE trials SET failures = failures + 1, reason = ?3, "
                     "status = CASE WHEN failures + 1 >= ?4 THEN 'failed' ELSE 'pending' END, "
                     "worker = NULL, lease_until = NULL, finished = CASE WHEN failures + 1 >= "
                     "?4 THEN ?5 END "
                     "WHERE id = ?1 AND worker = ?2 AND status = 'running'",
                  id, worker, reason, max_failures, err))
        return rollback(s, err);
    return exec(s, "COMMIT", err);
}

int store_retry_failed(store *s, long *n, hia_error *err)
{
    sqlite3_stmt *st;
    if (prepare(s, "UPDATE trials SET status = 'pending', failures = 0, finished = NULL "
                   "WHERE status = 'failed'", &st, err) ||
        run(s, st, err))
        return -1;
    *n = sqlite3_changes(s->db);
    return 0;
}

int store_release(store *s, long long id, const char *worker, hia_error *err)
{
    return set_state(s, "UPDATE trials SET status = 'pending', worker = NULL, lease_until = NULL "
                        "WHERE id = ?1 AND worker = ?2 AND status = 'running'",
                     id, worker, NULL, 0, err);
}

int store_trial_params(store *s, long long id,
                       int (*each)(void *ctx, const store_param *p), void *ctx, hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT name, layer, number, text FROM params WHERE trial = ? "
                   "ORDER BY rowid", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (!rc && next_row(s, st, &rc, err)) {
        store_param p = {(const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
                         sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN
                                                                    : sqlite3_column_double(st, 2),
                         (const char *)sqlite3_column_text(st, 3)};
        rc = each(ctx, &p);
    }
    sqlite3_finalize(st);
    return rc;
}

int store_count(store *s, const char *dataset, store_counts *c, hia_error *err)
{
    sqlite3_stmt *st;
    memset(c, 0, sizeof(*c));
    if (prepare(s, "SELECT count(*), "
                   "count(*) FILTER (WHERE status = 'pending'),"
                   "count(*) FILTER (WHERE status = 'running'),"
                   "count(*) FILTER (WHERE status = 'done'),"
                   "count(*) FILTER (WHERE status = 'failed'),"
                   "count(*) FILTER (WHERE status = 'diverged'),"
                   "avg(images_per_second) FILTER (WHERE status IN ('done', 'diverged')),"
                   "avg(wall_seconds) FILTER (WHERE status IN ('done', 'diverged')) "
                   "FROM trials WHERE ?1 IS NULL OR dataset = ?1", &st, err))
        return -1;
    if (dataset)
        sqlite3_bind_text(st, 1, dataset, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_fail(s, err, "count failed");
    }
    long *fields[] = {&c->total, &c->pending, &c->running, &c->done, &c->failed, &c->diverged};
    for (int i = 0; i < 6; i++)
        *fields[i] = (long)sqlite3_column_int64(st, i);
    c->images_per_second = sqlite3_column_double(st, 6);
    c->trial_seconds = sqlite3_column_double(st, 7);
    sqlite3_finalize(st);
    return 0;
}

int store_datasets(store *s, int (*each)(void *ctx, const char *name), void *ctx,
                   hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT dataset FROM trials GROUP BY dataset ORDER BY min(id)", &st, err))
        return -1;
    while (!rc && next_row(s, st, &rc, err))
        rc = each(ctx, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

int store_each_trial(store *s, int (*each)(void *ctx, const store_row *r), void *ctx,
                     hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT id, dataset, number, status, reason, val_accuracy, test_accuracy, "
                   "epochs_done, resumed_from, train_seconds, eval_seconds, images_per_second, "
                   "wall_seconds, attempts, failures, seed, config_hash, worker, started, "
                   "finished, hia_version, darknet_patches, blas, threads "
                   "FROM trials ORDER BY id", &st, err))
        return -1;
    int n = sqlite3_column_count(st);
    const char *names[64], *values[64];
    for (int i = 0; i < n; i++)
        names[i] = sqlite3_column_name(st, i);
    while (!rc && next_row(s, st, &rc, err)) {
        for (int i = 0; i < n; i++)
            values[i] = (const char *)sqlite3_column_text(st, i);
        store_row r = {n, names, values};
        rc = each(ctx, &r);
    }
    sqlite3_finalize(st);
    return rc;
}

int store_epochs(store *s, long long id, int (*each)(void *ctx, int epoch, const store_epoch *e),
                 void *ctx, hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT epoch, loss, val_accuracy, seconds, images_per_second FROM epochs "
                   "WHERE trial = ? ORDER BY epoch", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (!rc && next_row(s, st, &rc, err)) {
        store_epoch e = {sqlite3_column_double(st, 1), sqlite3_column_double(st, 2),
                         sqlite3_column_double(st, 3), sqlite3_column_double(st, 4)};
        rc = each(ctx, sqlite3_column_int(st, 0), &e);
    }
    sqlite3_finalize(st);
    return rc;
}

int store_failures(store *s, long long id, int (*each)(void *ctx, const store_failure *f),
                   void *ctx, hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT attempt, worker, reason, at FROM failures WHERE trial = ? "
                   "ORDER BY attempt", &st, err))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while (!rc && next_row(s, st, &rc, err)) {
        store_failure f = {sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1),
                           (const char *)sqlite3_column_text(st, 2),
                           sqlite3_column_double(st, 3)};
        rc = each(ctx, &f);
    }
    sqlite3_finalize(st);
    return rc;
}

int store_param_columns(store *s, int (*each)(void *ctx, const char *name, int layer), void *ctx,
                        hia_error *err)
{
    sqlite3_stmt *st;
    int rc = 0;
    if (prepare(s, "SELECT p.name, p.layer FROM params p JOIN (SELECT name, min(rowid) AS "
                   "first FROM params GROUP BY name) f USING (name) GROUP BY p.name, p.layer "
                   "ORDER BY f.first, p.layer", &st, err))
        return -1;
    while (!rc && next_row(s, st, &rc, err))
        rc = each(ctx, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
    sqlite3_finalize(st);
    return rc;
}
