/* The results store's database in SQLite: one file, WAL mode, fsynced commits. */
#include "store/db.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/strbuf.h"

struct db {
    sqlite3 *sql;
};

struct db_stmt {
    sqlite3_stmt *st;
    db *d;
    long long changes;
};

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
    " worker TEXT, reason TEXT, at REAL, PRIMARY KEY(trial, attempt));";

/* SQLite's clock in Unix seconds, to the millisecond. */
static const char now_sql[] = "((julianday('now') - 2440587.5) * 86400.0)";

/* Switching to WAL needs a moment alone with the file, and SQLite answers "busy" at once
   instead of waiting when another process opens the store at the same time: retry. */
static int exec_when_free(db *d, const char *sql)
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

int db_open(const char *where, db **out, hia_error *err)
{
    db *d = xcalloc(1, sizeof(*d));
    *out = NULL;
    if (sqlite3_open_v2(where, &d->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        hia_fail(err, HIA_EUSER, "%s: cannot open the results store: %s", where,
                 d->sql ? sqlite3_errmsg(d->sql) : "out of memory");
        db_close(d);
        return -1;
    }
    sqlite3_busy_timeout(d->sql, 30000);
    if (exec_when_free(d, "PRAGMA journal_mode=WAL") ||
        db_exec(d, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")) {
        if (sqlite3_errcode(d->sql) == SQLITE_NOTADB)
            hia_fail(err, HIA_EUSER, "%s: not a results store (not an SQLite database)", where);
        else
            hia_fail(err, db_error_status(d), "%s: cannot set up the store: %s", where,
                     db_errmsg(d));
        db_close(d);
        return -1;
    }
    *out = d;
    return 0;
}

void db_close(db *d)
{
    if (!d)
        return;
    sqlite3_close(d->sql);
    free(d);
}

const char *db_schema(const db *d)
{
    (void)d;
    return schema;
}

int db_exec(db *d, const char *sql)
{
    return sqlite3_exec(d->sql, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int db_begin(db *d)
{
    return db_exec(d, "BEGIN IMMEDIATE");
}

void db_rollback(db *d)
{
    sqlite3_exec(d->sql, "ROLLBACK", NULL, NULL, NULL);
}

/* The statement's text with @now spelled in SQLite. */
static char *dialect(const char *sql)
{
    strbuf out = STRBUF_INIT;
    for (const char *p = sql; *p;) {
        const char *at = strstr(p, "@now");
        if (!at) {
            strbuf_addstr(&out, p);
            break;
        }
        strbuf_add(&out, p, (size_t)(at - p));
        strbuf_addstr(&out, now_sql);
        p = at + 4;
    }
    return out.buf;
}

int db_prepare(db *d, const char *sql, db_stmt **st)
{
    char *text = dialect(sql);
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(d->sql, text, -1, &s, NULL);
    free(text);
    if (rc != SQLITE_OK)
        return -1;
    *st = xcalloc(1, sizeof(**st));
    **st = (db_stmt){s, d, 0};
    return 0;
}

void db_bind_text(db_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st->st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st->st, i);
}

void db_bind_int(db_stmt *st, int i, long long v)
{
    sqlite3_bind_int64(st->st, i, v);
}

void db_bind_double(db_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st->st, i, v);
    else
        sqlite3_bind_null(st->st, i);
}

int db_step(db_stmt *st)
{
    int rc = sqlite3_step(st->st);
    st->changes = sqlite3_changes(st->d->sql);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int db_columns(db_stmt *st)
{
    return sqlite3_column_count(st->st);
}

const char *db_column_name(db_stmt *st, int i)
{
    return sqlite3_column_name(st->st, i);
}

const char *db_column_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st->st, i);
}

long long db_column_int(db_stmt *st, int i)
{
    return sqlite3_column_int64(st->st, i);
}

double db_column_double(db_stmt *st, int i)
{
    if (sqlite3_column_type(st->st, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(st->st, i);
}

long long db_changes(db_stmt *st)
{
    return st->changes;
}

void db_finalize(db_stmt *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->st);
    free(st);
}

const char *db_errmsg(const db *d)
{
    return sqlite3_errmsg(d->sql);
}

/* A full disk, an I/O error or a store that cannot be written are faults of the machine. */
int db_error_status(const db *d)
{
    switch (sqlite3_errcode(d->sql)) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        return HIA_EENV;
    default:
        return HIA_EINTERNAL;
    }
}
