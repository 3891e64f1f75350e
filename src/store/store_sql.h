/* store_sql: the store's own plumbing, shared by store/store.c and store/store_read.c and
   by nothing outside store/: the store's handle and the helpers that turn a database error
   into the store's message. */
#ifndef HIA_STORE_SQL_H
#define HIA_STORE_SQL_H

#include "base/error.h"
#include "store/db.h"
#include "store/store.h"

struct store {
    db *db;
    char *path; /* as messages show it: never a password */
};

/* Reports the database's last error as "PATH: WHAT: message"; returns -1. */
int store_sql_fail(store *s, hia_error *err, const char *what);
int store_sql_prepare(store *s, const char *sql, db_stmt **st, hia_error *err);
/* Steps a query: 1 while it has rows; 0 at its end, or on an error, which it reports in *rc
   (a read must never take an error for the end of its rows). */
int store_sql_next_row(store *s, db_stmt *st, int *rc, hia_error *err);

#endif
