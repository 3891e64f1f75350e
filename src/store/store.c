/* The results store: opening, settings, plans, claims, leases and results; SQL over
   store/db.h. Its reads are in store/store_read.c. */
#include "store/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "store/db.h"
#include "store/schema.h"
#include "store/store_sql.h"

int store_sql_fail(store *s, hia_error *err, const char *what)
{
    return hia_fail(err, db_error_status(s->db), "%s: %s: %s", s->path, what,
                    db_errmsg(s->db));
}

static int exec(store *s, const char *sql, hia_error *err)
{
    return db_exec(s->db, sql) ? store_sql_fail(s, err, "write failed") : 0;
}

/* exclusive: no other writer beside it (see db_begin). */
static int begin(store *s, int exclusive, hia_error *err)
{
    return db_begin(s->db, exclusive) ? store_sql_fail(s, err, "cannot start a transaction") : 0;
}

static int commit(store *s, hia_error *err)
{
    return db_exec(s->db, "COMMIT") ? store_sql_fail(s, err, "commit failed") : 0;
}

int store_sql_prepare(store *s, const char *sql, db_stmt **st, hia_error *err)
{
    return db_prepare(s->db, sql, st) ? store_sql_fail(s, err, "cannot prepare a query") : 0;
}

/* Steps a statement that returns no rows, then finalizes it; *changes: the rows it changed. */
static int run_counted(store *s, db_stmt *st, long long *changes, hia_error *err)
{
    int rc = db_step(st);
    int fail = rc < 0   ? store_sql_fail(s, err, "write failed")
               : rc > 0 ? hia_fail(err, HIA_EINTERNAL, "%s: a write returned rows", s->path)
                        : 0;
    *changes = db_changes(st);
    db_finalize(st);
    return fail;
}

static int run(store *s, db_stmt *st, hia_error *err)
{
    long long changes;
    return run_counted(s, st, &changes, err);
}

int store_sql_next_row(store *s, db_stmt *st, int *rc, hia_error *err)
{
    int step = db_step(st);
    if (step == 1)
        return 1;
    if (step < 0 && !*rc)
        *rc = store_sql_fail(s, err, "cannot read");
    return 0;
}

/* Abandons the transaction; -1, for `return rollback(s)` after an error was reported. */
static int rollback(store *s)
{
    db_rollback(s->db);
    return -1;
}

/* What the database is: a store of this hia's schema version (1); an empty one, where a
   writer makes a store (0); else it is refused (-1) before anything is written to it. */
static int identify(store *s, int writer, hia_error *err)
{
    char *v;
    if (store_meta(s, "schema_version", &v, err)) {
        long long tables;
        if (db_error_status(s->db) == HIA_EUSER) /* not a database */
            return hia_fail(err, HIA_EUSER, "%s: not a results store: %s", s->path,
                            db_errmsg(s->db));
        if (!db_no_such_table(s->db))
            return -1;
        if (db_tables(s->db, &tables))
            return store_sql_fail(s, err, "cannot read");
        if (tables > 0)
            return hia_fail(err, HIA_EUSER, "%s: not a hia results store (its tables are "
                            "another program's); left as it is", s->path);
        if (!writer)
            return hia_fail(err, HIA_EUSER, "%s: no hia results store there (no tables: "
                            "`hia run` makes them)", s->path);
        return 0;
    }
    if (!v)
        return hia_fail(err, HIA_EUSER, "%s: not a hia results store (its meta table has no "
                        "schema_version); left as it is", s->path);
    int version = atoi(v);
    free(v);
    if (version != STORE_SCHEMA_VERSION)
        return hia_fail(err, HIA_EUSER, "%s: results store of schema version %d; this hia reads "
                        "version %d", s->path, version, STORE_SCHEMA_VERSION);
    return 1;
}

/* The tables and the schema's version, in one transaction (another writer may be making the
   same store at the same time: both run this, one after the other). */
static int create_tables(store *s, hia_error *err)
{
    db_stmt *st;
    if (begin(s, 1, err))
        return -1;
    if (exec(s, store_schema, err) ||
        store_sql_prepare(s,
                          "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                          "ON CONFLICT(key) DO NOTHING",
                          &st, err))
        return rollback(s);
    db_bind_int(st, 1, STORE_SCHEMA_VERSION);
    if (run(s, st, err))
        return rollback(s);
    return commit(s, err);
}

static int open_store(const char *path, int writer, store **out, hia_error *err)
{
    *out = NULL;
    db *d;
    if (db_open(path, writer, &d, err))
        return -1;
    store *s = xcalloc(1, sizeof(*s));
    *s = (store){d, db_display(path)};
    int kind = identify(s, writer, err);
    int rc = kind < 0;
    if (!rc && writer && db_make_writable(d))
        rc = store_sql_fail(s, err, "cannot set up the store");
    if (!rc && kind == 0)
        rc = create_tables(s, err);
    if (rc) {
        store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

int store_open(const char *path, store **out, hia_error *err)
{
    return open_store(path, 1, out, err);
}

int store_open_existing(const char *path, store **out, hia_error *err)
{
    return open_store(path, 0, out, err);
}

int store_is_uri(const char *path)
{
    return db_is_uri(path);
}

char *store_display(const char *path)
{
    return db_display(path);
}

void store_close(store *s)
{
    if (!s)
        return;
    db_close(s->db);
    free(s->path);
    free(s);
}

static const char upsert_meta[] =
    "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2";

int store_meta(store *s, const char *key, char **value, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    *value = NULL;
    if (store_sql_prepare(s, "SELECT value FROM meta WHERE key = ?", &st, err))
        return -1;
    db_bind_text(st, 1, key);
    if (store_sql_next_row(s, st, &rc, err))
        *value = xstrdup(db_column_text(st, 0));
    db_finalize(st);
    return rc;
}

int store_meta_each(store *s, const char *prefix,
                    int (*each)(void *ctx, const char *key, const char *value), void *ctx,
                    hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(
            s, "SELECT key, value FROM meta WHERE substr(key, 1, ?2) = ?1 ORDER BY key", &st, err))
        return -1;
    db_bind_text(st, 1, prefix);
    db_bind_int(st, 2, (long long)strlen(prefix));
    while (!rc && store_sql_next_row(s, st, &rc, err))
        rc = each(ctx, db_column_text(st, 0), db_column_text(st, 1));
    db_finalize(st);
    return rc ? -1 : 0;
}

int store_set_meta(store *s, const char *key, const char *value, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, upsert_meta, &st, err))
        return -1;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    return run(s, st, err);
}

int store_meta_first(store *s, const char *key, const char *value, char **held,
                     hia_error *err)
{
    db_stmt *st;
    *held = NULL;
    if (store_sql_prepare(s, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                             "ON CONFLICT(key) DO NOTHING", &st, err))
        return -1;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    if (run(s, st, err) || store_meta(s, key, held, err))
        return -1;
    return *held ? 0 : hia_fail(err, HIA_EINTERNAL, "%s: meta key %s vanished", s->path, key);
}

static int list_has(const char *list, const char *key)
{
    size_t n = strlen(key);
    for (const char *p = list; (p = strstr(p, key)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == 0))
            return 1;
    return 0;
}

int store_delete_meta(store *s, const char *key, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, "DELETE FROM meta WHERE key = ?", &st, err))
        return -1;
    db_bind_text(st, 1, key);
    return run(s, st, err);
}

static void append(strbuf *list, const char *key)
{
    strbuf_addf(list, "%s%s", list->len ? ", " : "", key);
}

/* Each setting against the store's (fresh: recorded); the keys that differ go to changed. */
static int compare_settings(store *s, const store_setting *settings, int n, int fresh,
                            strbuf *changed, hia_error *err)
{
    for (int i = 0; i < n; i++) {
        char *key = xstrfmt("setting:%s", settings[i].key), *old = NULL;
        int rc = store_meta(s, key, &old, err);
        if (!rc && !fresh && (!old || strcmp(old, settings[i].value) != 0))
            append(changed, settings[i].key);
        db_stmt *st;
        if (!rc && fresh && !(rc = store_sql_prepare(s, upsert_meta, &st, err))) {
            db_bind_text(st, 1, key);
            db_bind_text(st, 2, settings[i].value);
            rc = run(s, st, err);
        }
        free(old);
        free(key);
        if (rc)
            return -1;
    }
    return 0;
}

/* The settings the store has and the experiment no longer names go to changed. */
static int dropped_settings(store *s, const store_setting *settings, int n, strbuf *changed,
                            hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, "SELECT substr(key, 9) FROM meta WHERE key LIKE 'setting:%'", &st,
                          err))
        return -1;
    int rc = 0;
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        const char *k = db_column_text(st, 0);
        int found = 0;
        for (int i = 0; i < n && !found; i++)
            found = strcmp(settings[i].key, k) == 0;
        if (!found)
            append(changed, k);
    }
    db_finalize(st);
    return rc;
}

int store_check_settings(store *s, const store_setting *settings, int n, hia_error *err)
{
    char *marker;
    if (store_meta(s, "setting:experiment", &marker, err))
        return -1;
    int fresh = marker == NULL;
    free(marker);
    if (begin(s, 1, err))
        return -1;
    strbuf changed = STRBUF_INIT;
    int rc = compare_settings(s, settings, n, fresh, &changed, err);
    if (!rc && !fresh)
        rc = dropped_settings(s, settings, n, &changed, err);
    if (!rc && changed.len)
        rc = hia_fail(err, HIA_EUSER, "%s was made with other settings; changed: %s (use a new "
                      "experiment name, or --store PATH for a new store)%s", s->path,
                      changed.buf, list_has(changed.buf, "numerics")
                          ? "; numerics: its trials were trained by a trainer whose numbers "
                            "differ from this build's, and one study never mixes the two"
                          : "");
    strbuf_free(&changed);
    return rc ? rollback(s) : commit(s, err);
}

static int plan_one(store *s, const store_trial_plan *p, hia_error *err)
{
    db_stmt *st;
    char hash[17];
    snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)p->hash);
    if (store_sql_prepare(s,
                          "INSERT INTO trials(dataset, number, config_hash, config, seed) "
                          "VALUES(?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                          &st, err))
        return -1;
    db_bind_text(st, 1, p->dataset);
    db_bind_int(st, 2, p->number);
    db_bind_text(st, 3, hash);
    db_bind_text(st, 4, p->config);
    db_bind_int(st, 5, (long long)p->seed);
    int rc = 0, inserted = store_sql_next_row(s, st, &rc, err);
    long long id = inserted ? db_column_int(st, 0) : 0;
    db_finalize(st);
    if (!inserted)
        return rc; /* planned before, or an error */
    for (int i = 0; i < p->n_params; i++) {
        const store_param *q = &p->params[i];
        if (store_sql_prepare(
                s, "INSERT INTO params(trial, name, layer, number, text) VALUES(?,?,?,?,?)", &st,
                err))
            return -1;
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, q->name);
        db_bind_int(st, 3, q->layer);
        db_bind_double(st, 4, q->number);
        db_bind_text(st, 5, q->text);
        if (run(s, st, err))
            return -1;
    }
    return 0;
}

int store_plan(store *s, const store_trial_plan *plans, int n, hia_error *err)
{
    if (begin(s, 1, err))
        return -1;
    for (int i = 0; i < n; i++)
        if (plan_one(s, &plans[i], err))
            return rollback(s);
    return commit(s, err);
}

int store_reclaim_dead(store *s, const char *host, int (*alive)(long pid), hia_error *err)
{
    db_stmt *st;
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "%s:", host);
    if (begin(s, 1, err))
        return -1;
    if (store_sql_prepare(s, "SELECT id, worker FROM trials WHERE status = 'running'", &st, err))
        return rollback(s);
    long long *dead = NULL;
    size_t n = 0;
    int rc = 0;
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        const char *w = db_column_text(st, 1);
        if (w && strncmp(w, prefix, strlen(prefix)) == 0 && !alive(atol(w + strlen(prefix)))) {
            dead = xreallocarray(dead, n + 1, sizeof(*dead));
            dead[n++] = db_column_int(st, 0);
        }
    }
    db_finalize(st);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = store_sql_prepare(
            s,
            "UPDATE trials SET status = 'pending', worker = NULL, lease_until = NULL "
            "WHERE id = ?",
            &st, err);
        if (!rc) {
            db_bind_int(st, 1, dead[i]);
            rc = run(s, st, err);
        }
    }
    free(dead);
    return rc ? rollback(s) : commit(s, err);
}

int store_claim(store *s, const char *worker, double lease_seconds, store_claimed *c,
                hia_error *err)
{
    db_stmt *st;
    if (begin(s, 0, err))
        return -1;
    if (store_sql_prepare(s,
                          "SELECT id, dataset, number, seed, attempts FROM trials WHERE status = "
                          "'pending' OR (status = 'running' AND lease_until < @now) ORDER BY id "
                          "LIMIT 1 @lock",
                          &st, err))
        return rollback(s);
    int rc = 0;
    if (!store_sql_next_row(s, st, &rc, err)) {
        db_finalize(st);
        if (rc)
            return rollback(s);
        return commit(s, err) ? -1 : 0;
    }
    c->id = db_column_int(st, 0);
    snprintf(c->dataset, sizeof(c->dataset), "%s", db_column_text(st, 1));
    c->number = (long)db_column_int(st, 2);
    c->seed = (uint64_t)db_column_int(st, 3);
    c->attempts = db_column_int(st, 4) + 1;
    db_finalize(st);
    if (store_sql_prepare(
            s,
            "UPDATE trials SET status = 'running', worker = ?1, lease_until = @now + ?2, "
            "attempts = attempts + 1, started = coalesce(started, @now) WHERE id = ?3",
            &st, err))
        return rollback(s);
    db_bind_text(st, 1, worker);
    db_bind_double(st, 2, lease_seconds);
    db_bind_int(st, 3, c->id);
    if (run(s, st, err))
        return rollback(s);
    return commit(s, err) ? -1 : 1;
}

/* Sets lease_until = @now + ?1 in the rows of sql that match worker ?2. */
static int extend(store *s, const char *sql, const char *worker, double lease_seconds,
                  hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, sql, &st, err))
        return -1;
    db_bind_double(st, 1, lease_seconds);
    db_bind_text(st, 2, worker);
    return run(s, st, err);
}

int store_heartbeat(store *s, const char *worker, double lease_seconds, hia_error *err)
{
    return extend(s, "UPDATE trials SET lease_until = @now + ?1 WHERE status = 'running' AND "
                     "worker = ?2", worker, lease_seconds, err) ||
           extend(s, "UPDATE workers SET lease_until = @now + ?1 WHERE worker = ?2", worker,
                  lease_seconds, err);
}

static int write_epochs(store *s, long long id, const store_result *r, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, "DELETE FROM epochs WHERE trial = ?", &st, err))
        return -1;
    db_bind_int(st, 1, id);
    if (run(s, st, err))
        return -1;
    for (int e = 0; e < r->epochs; e++) {
        if (store_sql_prepare(s,
                              "INSERT INTO epochs(trial, epoch, loss, val_accuracy, seconds, "
                              "images_per_second) VALUES(?,?,?,?,?,?)",
                              &st, err))
            return -1;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, e + 1);
        db_bind_double(st, 3, r->history[e].loss);
        db_bind_double(st, 4, r->history[e].val_accuracy);
        db_bind_double(st, 5, r->history[e].seconds);
        db_bind_double(st, 6, r->history[e].images_per_second);
        if (run(s, st, err))
            return -1;
    }
    return 0;
}

/* A trial store_finish found not running for worker: already written by worker (its commit's
   reply was lost with the connection, and the call is made again) is success. */
static int finished_by(store *s, long long id, const char *worker, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(s,
                          "SELECT count(*) FROM trials WHERE id = ? AND worker = ? AND "
                          "status IN ('done', 'diverged')",
                          &st, err))
        return -1;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, worker);
    int found = store_sql_next_row(s, st, &rc, err) && db_column_int(st, 0) == 1;
    db_finalize(st);
    if (rc || found)
        return rc;
    return hia_fail(err, HIA_EINTERNAL, "trial %lld is no longer held by %s (its lease "
                    "expired and another worker took it)", id, worker);
}

int store_finish(store *s, long long id, const char *worker, const store_result *r,
                 hia_error *err)
{
    db_stmt *st;
    if (begin(s, 1, err))
        return -1;
    if (store_sql_prepare(
            s,
            "UPDATE trials SET status = ?, reason = ?, val_accuracy = ?, "
            "test_accuracy = ?, epochs_done = ?, resumed_from = ?, train_seconds = ?, "
            "eval_seconds = ?, images_per_second = ?, wall_seconds = ?, finished = @now, "
            "hia_version = ?, darknet_patches = ?, blas = ?, threads = ?, "
            "lease_until = NULL WHERE id = ? AND worker = ? AND status = 'running'",
            &st, err))
        return rollback(s);
    db_bind_text(st, 1, r->status);
    if (r->reason && r->reason[0])
        db_bind_text(st, 2, r->reason);
    db_bind_double(st, 3, r->val_accuracy);
    db_bind_double(st, 4, r->test_accuracy);
    db_bind_int(st, 5, r->epochs);
    db_bind_int(st, 6, r->resumed_from);
    db_bind_double(st, 7, r->train_seconds);
    db_bind_double(st, 8, r->eval_seconds);
    db_bind_double(st, 9, r->images_per_second);
    db_bind_double(st, 10, r->wall_seconds);
    db_bind_text(st, 11, HIA_VERSION);
    db_bind_int(st, 12, HIA_DARKNET_PATCHES);
    db_bind_text(st, 13, r->blas ? r->blas : "");
    db_bind_int(st, 14, r->threads);
    db_bind_int(st, 15, id);
    db_bind_text(st, 16, worker);
    long long changed;
    if (run_counted(s, st, &changed, err))
        return rollback(s);
    if (changed != 1) {
        rollback(s);
        return finished_by(s, id, worker, err);
    }
    if (write_epochs(s, id, r, err))
        return rollback(s);
    return commit(s, err);
}

static int set_state(store *s, const char *sql, long long id, const char *worker,
                     const char *reason, int max_failures, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(s, sql, &st, err))
        return -1;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, worker);
    if (reason) {
        db_bind_text(st, 3, reason);
        db_bind_int(st, 4, max_failures);
    }
    return run(s, st, err);
}

int store_fail(store *s, long long id, const char *worker, const char *reason, int max_failures,
               hia_error *err)
{
    if (begin(s, 1, err))
        return -1;
    if (set_state(s, "INSERT INTO failures(trial, attempt, worker, reason, at) "
                     "SELECT id, attempts, ?2, ?3, @now FROM trials WHERE id = ?1 AND "
                     "worker = ?2 AND status = 'running' ON CONFLICT(trial, attempt) DO UPDATE "
                     "SET worker = excluded.worker, reason = excluded.reason, at = excluded.at",
                  id, worker, reason, max_failures, err) ||
        set_state(s, "UPDATE trials SET failures = failures + 1, reason = ?3, "
                     "status = CASE WHEN failures + 1 >= ?4 THEN 'failed' ELSE 'pending' END, "
                     "worker = NULL, lease_until = NULL, finished = CASE WHEN failures + 1 >= "
                     "?4 THEN @now END "
                     "WHERE id = ?1 AND worker = ?2 AND status = 'running'",
                  id, worker, reason, max_failures, err))
        return rollback(s);
    return commit(s, err);
}

int store_retry_failed(store *s, long *n, hia_error *err)
{
    db_stmt *st;
    long long changed;
    if (store_sql_prepare(s,
                          "UPDATE trials SET status = 'pending', failures = 0, finished = NULL "
                          "WHERE status = 'failed'",
                          &st, err) ||
        run_counted(s, st, &changed, err))
        return -1;
    *n = (long)changed;
    return 0;
}

int store_release(store *s, long long id, const char *worker, hia_error *err)
{
    return set_state(s, "UPDATE trials SET status = 'pending', worker = NULL, lease_until = NULL "
                        "WHERE id = ?1 AND worker = ?2 AND status = 'running'",
                     id, worker, NULL, 0, err);
}

int store_release_others(store *s, const char *worker, const long long *held, int n,
                         hia_error *err)
{
    db_stmt *st;
    long long *ids = NULL;
    size_t found = 0;
    int rc = 0;
    if (store_sql_prepare(s, "SELECT id FROM trials WHERE status = 'running' AND worker = ?", &st,
                          err))
        return -1;
    db_bind_text(st, 1, worker);
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        long long id = db_column_int(st, 0);
        int known = 0;
        for (int i = 0; i < n; i++)
            known |= held[i] == id;
        if (!known) {
            ids = xreallocarray(ids, found + 1, sizeof(*ids));
            ids[found++] = id;
        }
    }
    db_finalize(st);
    for (size_t i = 0; !rc && i < found; i++)
        rc = store_release(s, ids[i], worker, err);
    free(ids);
    return rc;
}

int store_connection_lost(const store *s)
{
    return db_lost(s->db);
}

int store_reconnect(store *s, hia_error *err)
{
    return db_reconnect(s->db) ? store_sql_fail(s, err, "cannot reconnect") : 0;
}

int store_worker_start(store *s, const store_worker *w, double lease_seconds, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(
            s,
            "INSERT INTO workers(worker, host, slurm_job, slurm_task, jobs, threads, "
            "started, lease_until) VALUES(?1, ?2, ?3, ?4, ?5, ?6, @now, @now + ?7) "
            "ON CONFLICT(worker) DO UPDATE SET host = excluded.host, "
            "slurm_job = excluded.slurm_job, slurm_task = excluded.slurm_task, "
            "jobs = excluded.jobs, threads = excluded.threads, started = excluded.started, "
            "lease_until = excluded.lease_until, stopped = NULL",
            &st, err))
        return -1;
    db_bind_text(st, 1, w->worker);
    db_bind_text(st, 2, w->host);
    db_bind_text(st, 3, w->slurm_job);
    db_bind_text(st, 4, w->slurm_task);
    db_bind_int(st, 5, w->jobs);
    db_bind_int(st, 6, w->threads);
    db_bind_double(st, 7, lease_seconds);
    return run(s, st, err);
}

int store_worker_stop(store *s, const char *worker, hia_error *err)
{
    db_stmt *st;
    if (store_sql_prepare(
            s, "UPDATE workers SET stopped = @now, lease_until = NULL WHERE worker = ?", &st, err))
        return -1;
    db_bind_text(st, 1, worker);
    return run(s, st, err);
}
