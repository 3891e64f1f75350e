/* The database interface: a backend chosen by the store's name, every call dispatched to it. */
#include "store/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "store/db_backend.h"

int db_is_uri(const char *where)
{
    return !strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11);
}

int db_open(const char *where, int create, db **out, hia_error *err)
{
    return (db_is_uri(where) ? &db_postgres_ops : &db_sqlite_ops)->open(where, create, out, err);
}

void db_close(db *d)
{
    if (d)
        d->ops->close(d);
}

const char *db_schema(const db *d)
{
    return d->ops->schema;
}

int db_exec(db *d, const char *sql)
{
    return d->ops->exec(d, sql);
}

int db_begin(db *d, int exclusive)
{
    return d->ops->begin(d, exclusive);
}

void db_rollback(db *d)
{
    d->ops->exec(d, "ROLLBACK");
}

int db_prepare(db *d, const char *sql, db_stmt **st)
{
    return d->ops->prepare(d, sql, st);
}

void db_bind_text(db_stmt *st, int i, const char *v)
{
    st->ops->bind_text(st, i, v);
}

void db_bind_int(db_stmt *st, int i, long long v)
{
    st->ops->bind_int(st, i, v);
}

void db_bind_double(db_stmt *st, int i, double v)
{
    st->ops->bind_double(st, i, v);
}

int db_step(db_stmt *st)
{
    return st->ops->step(st);
}

int db_columns(db_stmt *st)
{
    return st->ops->columns(st);
}

const char *db_column_name(db_stmt *st, int i)
{
    return st->ops->column_name(st, i);
}

const char *db_column_text(db_stmt *st, int i)
{
    return st->ops->column_text(st, i);
}

long long db_column_int(db_stmt *st, int i)
{
    return st->ops->column_int(st, i);
}

double db_column_double(db_stmt *st, int i)
{
    return st->ops->column_double(st, i);
}

long long db_changes(db_stmt *st)
{
    return st->ops->changes(st);
}

void db_finalize(db_stmt *st)
{
    if (st)
        st->ops->finalize(st);
}

const char *db_errmsg(const db *d)
{
    return d->ops->errmsg(d);
}

int db_error_status(const db *d)
{
    return d->ops->error_status(d);
}

int db_no_such_table(const db *d)
{
    return d->ops->no_such_table(d);
}

int db_lost(const db *d)
{
    return d->ops->lost && d->ops->lost(d);
}

int db_reconnect(db *d)
{
    return d->ops->reconnect ? d->ops->reconnect(d) : 0;
}

char *db_dialect(const char *sql, const char *placeholder, const char *now, const char *lock,
                 int *params)
{
    strbuf out = STRBUF_INIT;
    int next = 0, highest = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'') { /* a literal is copied as it is */
            const char *end = strchr(p + 1, '\'');
            size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
            strbuf_add(&out, p, n);
            p += n - 1;
        } else if (*p == '?' && placeholder) {
            char *end;
            long k = isdigit((unsigned char)p[1]) ? strtol(p + 1, &end, 10) : ++next;
            strbuf_addf(&out, placeholder, (int)k);
            if (k > highest)
                highest = (int)k;
            if (isdigit((unsigned char)p[1]))
                p = end - 1;
        } else if (!strncmp(p, "@now", 4)) {
            strbuf_addstr(&out, now);
            p += 3;
        } else if (!strncmp(p, "@lock", 5)) {
            strbuf_addstr(&out, lock);
            p += 4;
        } else {
            strbuf_addch(&out, *p);
        }
    }
    if (!out.buf)
        strbuf_addstr(&out, "");
    if (params)
        *params = highest;
    return out.buf;
}
