/* db_backend: what a database backend of store/db.h provides (store/sqlite.c,
   store/postgres.c). Each backend's connection and statement begin with the ops they use, so
   db.c dispatches every call through them. */
#ifndef HIA_DB_BACKEND_H
#define HIA_DB_BACKEND_H

#include "store/db.h"

typedef struct db_ops {
    int (*open)(const char *where, int create, db **out, hia_error *err);
    void (*close)(db *d);
    const char *schema;
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

/* sql with ? and ?N as the backend's placeholders (fmt: "$%d", or NULL to keep them) and the
   tokens @now and @lock spelled as the backend spells them; the caller frees it. *params: the
   highest placeholder number (may be NULL). */
char *db_dialect(const char *sql, const char *placeholder, const char *now, const char *lock,
                 int *params);

#endif
