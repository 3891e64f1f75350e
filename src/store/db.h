/* db: the SQL connection a results store works through, one file per database: SQLite
   (store/sqlite.c) for a path, PostgreSQL (store/postgres.c) for a postgresql:// or
   postgres:// URI. The store writes its SQL once, in what every backend accepts: ? and ?N
   placeholders, ON CONFLICT upserts, RETURNING, count(*) FILTER, the token @now for the
   database's own clock (leases are timed by the database, never by a worker's clock) and
   @lock after a SELECT whose rows a claim takes (FOR UPDATE SKIP LOCKED where rows lock).
   What differs stays behind this interface: connecting, the schema's column types,
   transactions, error texts and which errors are the machine's. */
#ifndef HIA_DB_H
#define HIA_DB_H

#include "base/error.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

/* Whether where names a PostgreSQL database rather than an SQLite file. */
int db_is_uri(const char *where);
/* Connects to the database at where (create: an SQLite file is created if need be); errors
   name where, and never a password. */
int db_open(const char *where, int create, db **out, hia_error *err);
void db_close(db *d);
/* The store's tables, in this database's column types. */
const char *db_schema(const db *d);

/* Statements without parameters or rows; 0 or -1 (the error in db_errmsg). */
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
   read-only file), else HIA_EINTERNAL. */
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
