/* The results store's database in SQLite: one file, WAL mode, fsynced commits; a reader's
   connection is read-only, and reads a store on read-only media. */
#include "store/db_backend.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/alloc.h"
#include "base/strbuf.h"

typedef struct sq_db {
    db base;
    sqlite3 *sql;
    char msg[512]; /* an error explained */
} sq_db;

typedef struct sq_stmt {
    db_stmt base;
    sqlite3_stmt *st;
    sq_db *d;
    long long changes;
} sq_stmt;

static const db_spelling spelling = {
    .placeholder = NULL,
    .now = "((julianday('now') - 2440587.5) * 86400.0)", /* Unix seconds, to the millisecond */
    .lock = "", /* a transaction holds the whole file */
    .id = "INTEGER PRIMARY KEY", .int64 = "INTEGER", .real = "REAL",
    .rowid = "", /* every table has its rowid */
};

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
    char *text = db_dialect(sql, &spelling, NULL);
    int rc = sqlite3_exec(DB(d)->sql, text, NULL, NULL, NULL);
    free(text);
    return rc == SQLITE_OK ? 0 : -1;
}

static const char *sq_errmsg(const db *d)
{
    sq_db *q = DB(d);
    if (sqlite3_errcode(q->sql) != SQLITE_CORRUPT)
        return sqlite3_errmsg(q->sql);
    snprintf(q->msg, sizeof(q->msg), "%s (the file is damaged, truncated or overwritten: "
             "restore it from a copy)", sqlite3_errmsg(q->sql));
    return q->msg;
}

/* A full disk, an I/O error, a store that cannot be written and a damaged file (a copy cut
   short, pages overwritten) are faults of the machine; a file that is not a database at all
   is the file given. */
static int sq_error_status(const db *d)
{
    switch (sqlite3_errcode(DB(d)->sql)) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
        return HIA_EENV;
    case SQLITE_NOTADB:
        return HIA_EUSER;
    default:
        return HIA_EINTERNAL;
    }
}

static int sq_no_such_table(const db *d)
{
    return !strncmp(sqlite3_errmsg(DB(d)->sql), "no such table", 13);
}

/* Opens name with flags, waiting for the file's locks as a writer does; 0 or an SQLite
   code. */
static int open_file(sq_db *d, const char *name, int flags)
{
    sqlite3_close(d->sql);
    int rc = sqlite3_open_v2(name, &d->sql, flags, NULL);
    if (rc == SQLITE_OK)
        sqlite3_busy_timeout(d->sql, 30000);
    return rc;
}

/* Whether the write-ahead log beside the file holds anything. */
static int wal_has_content(const char *where)
{
    char *wal = xstrfmt("%s-wal", where);
    struct stat st;
    int content = stat(wal, &st) == 0 && st.st_size > 0;
    free(wal);
    return content;
}

/* The file as an SQLite URI that says it cannot change: no lock taken, no -shm made. */
static char *immutable_uri(const char *where)
{
    strbuf u = STRBUF_INIT;
    strbuf_addstr(&u, where[0] == '/' ? "file://" : "file:");
    for (const char *p = where; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            strbuf_addf(&u, "%%%02X", (unsigned char)*p);
        else
            strbuf_addch(&u, *p);
    }
    strbuf_addstr(&u, "?immutable=1");
    return u.buf;
}

/* A reader's first read. A store in WAL mode needs its -shm file, which SQLite cannot make
   on read-only media: there the file is read as immutable (nothing can change it), unless
   its write-ahead log holds changes that only the -shm file would let SQLite read. */
static int first_read(sq_db *d, const char *where, hia_error *err)
{
    static const char probe[] = "SELECT count(*) FROM sqlite_master";
    int rc = sqlite3_exec(d->sql, probe, NULL, NULL, NULL), code = sqlite3_errcode(d->sql);
    if (rc != SQLITE_OK && (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)) {
        if (wal_has_content(where))
            return hia_fail(err, HIA_EENV, "%s: cannot read the store here: its write-ahead "
                            "log %s-wal holds changes, which SQLite reads only with a %s-shm "
                            "file it cannot make on this read-only medium; copy the store "
                            "with its -wal file to a writable folder and read the copy", where,
                            where, where);
        char *uri = immutable_uri(where);
        rc = open_file(d, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
        free(uri);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(d->sql, probe, NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK)
        return hia_fail(err, sq_error_status(&d->base), "%s: %s: %s", where,
                        sqlite3_errcode(d->sql) == SQLITE_NOTADB ? "not a results store"
                                                                 : "cannot read the store",
                        sq_errmsg(&d->base));
    return 0;
}

static int sq_open(const char *where, int writer, db **out, hia_error *err)
{
    sq_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &db_sqlite_ops;
    *out = NULL;
    int rc = open_file(d, where, writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                      : SQLITE_OPEN_READONLY);
    if (rc != SQLITE_OK) {
        if (!writer && rc == SQLITE_CANTOPEN)
            hia_fail(err, HIA_EUSER, "%s: no results store there (run `hia run` first)", where);
        else
            hia_fail(err, d->sql ? sq_error_status(&d->base) : HIA_EINTERNAL,
                     "%s: cannot open the results store: %s", where,
                     d->sql ? sq_errmsg(&d->base) : "out of memory");
        sq_close(&d->base);
        return -1;
    }
    if (!writer && first_read(d, where, err)) {
        sq_close(&d->base);
        return -1;
    }
    *out = &d->base;
    return 0;
}

/* Changes the file: only once it is known to be a store, or empty. */
static int sq_make_writable(db *base)
{
    sq_db *d = DB(base);
    return exec_when_free(d, "PRAGMA journal_mode=WAL") ||
           sq_exec(base, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;") ? -1 : 0;
}

/* SQLite has one writer at a time: every transaction takes the write lock at its start. */
static int sq_begin(db *d, int exclusive)
{
    (void)exclusive;
    return sq_exec(d, "BEGIN IMMEDIATE");
}

static int sq_prepare(db *d, const char *sql, db_stmt **st)
{
    char *text = db_dialect(sql, &spelling, NULL);
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
    .open = sq_open, .close = sq_close, .spelling = &spelling,
    .tables_sql = "SELECT count(*) FROM sqlite_master", .make_writable = sq_make_writable,
    .exec = sq_exec, .begin = sq_begin,
    .prepare = sq_prepare, .bind_text = sq_bind_text, .bind_int = sq_bind_int,
    .bind_double = sq_bind_double, .step = sq_step, .columns = sq_columns,
    .column_name = sq_column_name, .column_text = sq_column_text, .column_int = sq_column_int,
    .column_double = sq_column_double, .changes = sq_changes, .finalize = sq_finalize,
    .errmsg = sq_errmsg, .error_status = sq_error_status, .no_such_table = sq_no_such_table,
};
