/* The database interface: a backend chosen by the store's name, every call dispatched to it. */
#include "store/db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "store/db_backend.h"

int db_is_uri(const char *where)
{
    return db_pg_names_server(where);
}

char *db_display(const char *where)
{
    return db_is_uri(where) ? db_pg_display(where) : xstrdup(where);
}

int db_open(const char *where, int writer, db **out, hia_error *err)
{
    return (db_is_uri(where) ? &db_postgres_ops : &db_sqlite_ops)->open(where, writer, out, err);
}

void db_close(db *d)
{
    if (d)
        d->ops->close(d);
}

int db_tables(db *d, long long *n)
{
    db_stmt *st;
    if (db_prepare(d, d->ops->tables_sql, &st))
        return -1;
    int rc = db_step(st);
    *n = rc == 1 ? db_column_int(st, 0) : 0;
    db_finalize(st);
    return rc == 1 ? 0 : -1;
}

int db_make_writable(db *d)
{
    return d->ops->make_writable ? d->ops->make_writable(d) : 0;
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

/* The token sql starts with, when it is one of the spelling's, and its spelling there. */
static const char *token(const char *p, const db_spelling *sp, size_t *len)
{
    const struct {
        const char *name, *spelled;
    } tokens[] = {{"@now", sp->now}, {"@lock", sp->lock}, {"@id", sp->id},
                  {"@int64", sp->int64}, {"@real", sp->real}, {"@rowid", sp->rowid}};
    for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
        size_t n = strlen(tokens[i].name);
        if (!strncmp(p, tokens[i].name, n) && !isalnum((unsigned char)p[n]) && p[n] != '_') {
            *len = n;
            return tokens[i].spelled;
        }
    }
    return NULL;
}

char *db_dialect(const char *sql, const db_spelling *sp, int *params)
{
    strbuf out = STRBUF_INIT;
    int next = 0, highest = 0;
    for (const char *p = sql; *p; p++) {
        size_t n;
        const char *spelled;
        if (*p == '\'') { /* a literal is copied as it is */
            const char *end = strchr(p + 1, '\'');
            n = end ? (size_t)(end - p) + 1 : strlen(p);
            strbuf_add(&out, p, n);
            p += n - 1;
        } else if (*p == '?' && sp->placeholder) {
            char *end;
            long k = isdigit((unsigned char)p[1]) ? strtol(p + 1, &end, 10) : ++next;
            strbuf_addf(&out, sp->placeholder, (int)k);
            if (k > highest)
                highest = (int)k;
            if (isdigit((unsigned char)p[1]))
                p = end - 1;
        } else if (*p == '@' && (spelled = token(p, sp, &n)) != NULL) {
            strbuf_addstr(&out, spelled);
            p += n - 1;
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
