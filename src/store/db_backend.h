/* db_backend: what a database backend of store/db.h provides (store/sqlite.c,
   store/postgres.c). Each backend's connection and statement begin with the ops they use, so
   db.c dispatches every call through them. */
#ifndef HIA_DB_BACKEND_H
#define HIA_DB_BACKEND_H

#include "store/db.h"

/* How a backend spells what db.h's SQL writes as tokens. */
typedef struct db_spelling {
    const char *placeholder; /* printf format of ?N ("$%d"), or NULL to keep ? and ?N */
    const char *now, *lock;  /* @now and @lock */
    /* the schema's column types: @id (a table's generated key), @int64, @real, and @rowid,
       the plan-order column a table without SQLite's implicit rowid needs (with its comma) */
    const char *id, *int64, *real, *rowid;
} db_spelling;

typedef struct db_ops {
    int (*open)(const char *where, int writer, db **out, hia_error *err);
    void (*close)(db *d);
    const db_spelling *spelling;
    /* a query of one number: the tables a new store would sit beside */
    const char *tables_sql;
    int (*make_writable)(db *d);   /* NULL: nothing to do */
    int (*exec)(db *d, const char *sql);
    int (*begin)(db *d, int exclusive);
    int (*prepare)(db *d, const char *sql, db_stmt **st);
    void (*bind_text)(db_stmt *st, int i, const char *v);
    void (*bind_int)(db_stmt *st, int i, long long v);
    void (*bind_double)(db_stmt *st, int i, double v);
    int (*step)(db_stmt *st);
    int (*columns)(db_stmt *st);
    const char *(*column_name)(db_stmt *st, int i);
    const char *(*column_text)(db_stmt *st, int i);
    long long (*column_int)(db_stmt *st, int i);
    double (*column_double)(db_stmt *st, int i);
    long long (*changes)(db_stmt *st);
    void (*finalize)(db_stmt *st);
    const char *(*errmsg)(const db *d);
    int (*error_status)(const db *d);
    int (*no_such_table)(const db *d);
    int (*lost)(const db *d);      /* NULL: a connection that cannot be lost (a file) */
    int (*reconnect)(db *d);
} db_ops;

struct db {
    const db_ops *ops;
};

struct db_stmt {
    const db_ops *ops;
};

extern const db_ops db_sqlite_ops;
extern const db_ops db_postgres_ops;

/* sql in the backend's spelling (see db_spelling); the caller frees it. *params: the highest
   placeholder number (may be NULL). */
char *db_dialect(const char *sql, const db_spelling *sp, int *params);

/* postgres.c: whether where names a database server rather than a file (a postgresql:// URI,
   or what only a server's address looks like: another scheme's URI, a keyword/value
   connection string, a password), and where as it may be shown. */
int db_pg_names_server(const char *where);
char *db_pg_display(const char *where);

#endif
