/* The results store's database in SQLite: one file, WAL mode, fsynced commits. */
#include "store/db_backend.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"

typedef struct sq_db {
    db base;
    sqlite3 *sql;
} sq_db;

typedef struct sq_stmt {
    db_stmt base;
    sqlite3_stmt *st;
    sq_db *d;
    long long changes;
} sq_stmt;

static const char schema[] =
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
    " worker TEXT, reason TEXT, at REAL, PRIMARY KEY(trial, attempt));"
    /* the sweep's `hia run`s (added within schema version 1: a store without the table is
       one whose workers are not known) */
    "CREATE TABLE IF NOT EXISTS workers("
    " worker TEXT PRIMARY KEY, host TEXT NOT NULL, slurm_job TEXT, slurm_task TEXT,"
    " jobs INTEGER, threads INTEGER, started REAL, lease_until REAL, stopped REAL);";

/* SQLite's clock in Unix seconds, to the millisecond. */
static const char now_sql[] = "((julianday('now') - 2440587.5) * 86400.0)";

static sq_db *DB(const db *d)
{
    return (sq_db *)d;
}

static sq_stmt *ST(db_stmt *st)
{
    return (sq_stmt *)st;
}

/* Switching to WAL needs a moment alone with the file, and SQLite answers "busy" at once
   instead of waiting when another process opens the store at the same time: retry. */
static int exec_when_free(sq_db *d, const char *sql)
{
    for (int tries = 0;; tries++) {
        int rc = sqlite3_exec(d->sql, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 3000)
            return -1;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void sq_close(db *base)
{
    sqlite3_close(DB(base)->sql);
    free(base);
}

static int sq_exec(db *d, const char *sql)
{
    return sqlite3_exec(DB(d)->sql, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static const char *sq_errmsg(const db *d)
{
    return sqlite3_errmsg(DB(d)->sql);
}

/* A full disk, an I/O error or a store that cannot be written are faults of the machine. */
static int sq_error_status(const db *d)
{
    switch (sqlite3_errcode(DB(d)->sql)) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        return HIA_EENV;
    default:
        return HIA_EINTERNAL;
    }
}

static int sq_no_such_table(const db *d)
{
    return !strncmp(sqlite3_errmsg(DB(d)->sql), "no such table", 13);
}

static int sq_open(const char *where, int create, db **out, hia_error *err)
{
    sq_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &db_sqlite_ops;
    *out = NULL;
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(where, &d->sql, flags, NULL) != SQLITE_OK) {
        if (!create && sqlite3_errcode(d->sql) == SQLITE_CANTOPEN)
            hia_fail(err, HIA_EUSER, "%s: no results store there (run `hia run` first)", where);
        else
            hia_fail(err, HIA_EUSER, "%s: cannot open the results store: %s", where,
                     d->sql ? sqlite3_errmsg(d->sql) : "out of memory");
        sq_close(&d->base);
        return -1;
    }
    sqlite3_busy_timeout(d->sql, 30000);
    if (exec_when_free(d, "PRAGMA journal_mode=WAL") ||
        sq_exec(&d->base, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")) {
        if (sqlite3_errcode(d->sql) == SQLITE_NOTADB)
            hia_fail(err, HIA_EUSER, "%s: not a results store (not an SQLite database)", where);
        else
            hia_fail(err, sq_error_status(&d->base), "%s: cannot set up the store: %s", where,
                     sq_errmsg(&d->base));
        sq_close(&d->base);
        return -1;
    }
    *out = &d->base;
    return 0;
}

/* SQLite has one writer at a time: every transaction takes the write lock at its start. */
static int sq_begin(db *d, int exclusive)
{
    (void)exclusive;
    return sq_exec(d, "BEGIN IMMEDIATE");
}

static int sq_prepare(db *d, const char *sql, db_stmt **st)
{
    char *text = db_dialect(sql, NULL, now_sql, "", NULL);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(DB(d)->sql, text, -1, &s, NULL);
    free(text);
    if (rc != SQLITE_OK)
        return -1;
    sq_stmt *q = xcalloc(1, sizeof(*q));
    *q = (sq_stmt){{&db_sqlite_ops}, s, DB(d), 0};
    *st = &q->base;
    return 0;
}

static void sq_bind_text(db_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(ST(st)->st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(ST(st)->st, i);
}

static void sq_bind_int(db_stmt *st, int i, long long v)
{
    sqlite3_bind_int64(ST(st)->st, i, v);
}

static void sq_bind_double(db_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(ST(st)->st, i, v);
    else
        sqlite3_bind_null(ST(st)->st, i);
}

static int sq_step(db_stmt *st)
{
    int rc = sqlite3_step(ST(st)->st);
    ST(st)->changes = sqlite3_changes(ST(st)->d->sql);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int sq_columns(db_stmt *st)
{
    return sqlite3_column_count(ST(st)->st);
}

static const char *sq_column_name(db_stmt *st, int i)
{
    return sqlite3_column_name(ST(st)->st, i);
}

static const char *sq_column_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(ST(st)->st, i);
}

static long long sq_column_int(db_stmt *st, int i)
{
    return sqlite3_column_int64(ST(st)->st, i);
}

static double sq_column_double(db_stmt *st, int i)
{
    if (sqlite3_column_type(ST(st)->st, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(ST(st)->st, i);
}

static long long sq_changes(db_stmt *st)
{
    return ST(st)->changes;
}

static void sq_finalize(db_stmt *st)
{
    sqlite3_finalize(ST(st)->st);
    free(st);
}

const db_ops db_sqlite_ops = {
    .open = sq_open, .close = sq_close, .schema = schema, .exec = sq_exec, .begin = sq_begin,
    .prepare = sq_prepare, .bind_text = sq_bind_text, .bind_int = sq_bind_int,
    .bind_double = sq_bind_double, .step = sq_step, .columns = sq_columns,
    .column_name = sq_column_name, .column_text = sq_column_text, .column_int = sq_column_int,
    .column_double = sq_column_double, .changes = sq_changes, .finalize = sq_finalize,
    .errmsg = sq_errmsg, .error_status = sq_error_status, .no_such_table = sq_no_such_table,
};
