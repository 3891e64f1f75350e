/* db: the SQL connection a results store works through, one file per database: SQLite
   (store/sqlite.c) for a path, PostgreSQL (store/postgres.c) for a postgresql:// or
   postgres:// URI. The store writes its SQL once, in what every backend accepts: ? and ?N
   placeholders, ON CONFLICT upserts, RETURNING, count(*) FILTER, the token @now for the
   database's own clock (leases are timed by the database, never by a worker's clock), @lock
   after a SELECT whose rows a claim takes (FOR UPDATE SKIP LOCKED where rows lock), and the
   schema's column types as @id, @int64, @real and @rowid (store/db_backend.h).
   What differs stays behind this interface: connecting, transactions, error texts and which
   errors are the machine's. */
#ifndef HIA_DB_H
#define HIA_DB_H

#include "base/error.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

/* Whether where names a database server rather than an SQLite file: a PostgreSQL URI, or
   what only a server's address looks like (which db_open refuses: another scheme, a
   keyword/value connection string, a password). */
int db_is_uri(const char *where);
/* where as a message may show it: an SQLite file's path, a URI as given when it holds no
   password, else what can be told without one (host and database); the caller frees it. */
char *db_display(const char *where);
/* Connects to the database at where. A reader's connection never writes (an SQLite file is
   opened read-only, so stores on read-only media can be read); a writer's may create an
   SQLite file, and changes nothing until db_make_writable. Errors name where, and never a
   password. */
int db_open(const char *where, int writer, db **out, hia_error *err);
void db_close(db *d);
/* *n: the tables a new store would sit beside (any table of an SQLite file, which is one
   program's; the store's own table names in PostgreSQL, whose databases are shared). */
int db_tables(db *d, long long *n);
/* Readies a writer's database for the store's writes (SQLite: WAL, fsynced commits, foreign
   keys): called once the database is known to be a store's or empty. */
int db_make_writable(db *d);

/* Statements without parameters or rows, in db.h's spelling; 0 or -1 (the error in
   db_errmsg). */
int db_exec(db *d, const char *sql);
/* Starts a transaction; exclusive: one that no other writer runs beside (a claim is not:
   its @lock rows are its own). */
int db_begin(db *d, int exclusive);
/* Abandons the transaction (an error being reported must be read before: this resets it). */
void db_rollback(db *d);

int db_prepare(db *d, const char *sql, db_stmt **st);
/* Parameters count from 1. Text is copied; NULL text and non-finite numbers bind NULL. */
void db_bind_text(db_stmt *st, int i, const char *v);
void db_bind_int(db_stmt *st, int i, long long v);
void db_bind_double(db_stmt *st, int i, double v);
/* 1: a row; 0: the end of the rows; -1: an error, never taken for the end. */
int db_step(db_stmt *st);
int db_columns(db_stmt *st);
const char *db_column_name(db_stmt *st, int i);
/* NULL for SQL NULL. */
const char *db_column_text(db_stmt *st, int i);
long long db_column_int(db_stmt *st, int i);
/* NaN for SQL NULL. */
double db_column_double(db_stmt *st, int i);
/* Rows the statement's last step inserted, updated or deleted. */
long long db_changes(db_stmt *st);
void db_finalize(db_stmt *st);

/* The last error, and its status: HIA_EENV when it is the machine's (no space, an I/O error, a
   read-only file, a damaged file), HIA_EUSER for a file that is not a database, else
   HIA_EINTERNAL. Both are of the last call that failed: a call that succeeds clears them. */
const char *db_errmsg(const db *d);
int db_error_status(const db *d);
/* Whether the last error was a table that does not exist (a database without the schema). */
int db_no_such_table(const db *d);
/* Whether the connection to the database's server is gone (a server restarted or
   unreachable); an SQLite file's never is. */
int db_lost(const db *d);
/* Connects again with the same parameters; 0 when connected, else -1 (the error in
   db_errmsg). */
int db_reconnect(db *d);

#endif
