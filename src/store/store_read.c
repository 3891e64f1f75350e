/* The results store's reads behind status, export and analysis: workers, running trials,
   counts, datasets, trials, epoch logs, failures and the parameter columns. */
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/store.h"
#include "store/store_sql.h"

int store_workers(store *s, int (*each)(void *ctx, const store_worker *w), void *ctx,
                  hia_error *err)
{
    db_stmt *st;
    int rc = 0, failed = 0; /* failed: the read's own error, never the callback's */
    if (store_sql_prepare(s,
                          "SELECT w.worker, host, slurm_job, slurm_task, jobs, threads, "
                          "(SELECT count(*) FROM trials t WHERE t.worker = w.worker AND "
                          "t.status IN ('done', 'diverged')) FROM workers w "
                          "WHERE stopped IS NULL AND lease_until > @now ORDER BY started",
                          &st, err))
        return db_no_such_table(s->db) ? 0 : -1;
    while (!rc && store_sql_next_row(s, st, &failed, err)) {
        store_worker w = {db_column_text(st, 0), db_column_text(st, 1), db_column_text(st, 2),
                          db_column_text(st, 3), (int)db_column_int(st, 4),
                          (int)db_column_int(st, 5), (long)db_column_int(st, 6)};
        rc = each(ctx, &w);
    }
    db_finalize(st);
    /* a store from before the workers table: no worker is known */
    if (failed && db_no_such_table(s->db))
        return 0;
    return rc || failed ? -1 : 0;
}

int store_running(store *s, int (*each)(void *ctx, const store_claimed *c, const char *worker),
                  void *ctx, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(s,
                          "SELECT id, dataset, number, seed, attempts, worker FROM trials "
                          "WHERE status = 'running' ORDER BY id",
                          &st, err))
        return -1;
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        store_claimed c = {db_column_int(st, 0), "", (long)db_column_int(st, 2),
                           (uint64_t)db_column_int(st, 3), (int)db_column_int(st, 4)};
        snprintf(c.dataset, sizeof(c.dataset), "%s", db_column_text(st, 1));
        rc = each(ctx, &c, db_column_text(st, 5));
    }
    db_finalize(st);
    return rc;
}

int store_trial_params(store *s, long long id,
                       int (*each)(void *ctx, const store_param *p), void *ctx, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(s,
                          "SELECT name, layer, number, text FROM params WHERE trial = ? "
                          "ORDER BY rowid",
                          &st, err))
        return -1;
    db_bind_int(st, 1, id);
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        store_param p = {db_column_text(st, 0), db_column_int(st, 1),
                         db_column_double(st, 2),
                         db_column_text(st, 3)};
        rc = each(ctx, &p);
    }
    db_finalize(st);
    return rc;
}

int store_count(store *s, const char *dataset, store_counts *c, hia_error *err)
{
    db_stmt *st;
    memset(c, 0, sizeof(*c));
    if (store_sql_prepare(
            s,
            "SELECT count(*), "
            "count(*) FILTER (WHERE status = 'pending'),"
            "count(*) FILTER (WHERE status = 'running'),"
            "count(*) FILTER (WHERE status = 'done'),"
            "count(*) FILTER (WHERE status = 'failed'),"
            "count(*) FILTER (WHERE status = 'diverged'),"
            "coalesce(avg(images_per_second) FILTER (WHERE status IN ('done', "
            "'diverged')), 0),"
            "coalesce(avg(wall_seconds) FILTER (WHERE status IN ('done', 'diverged')), 0) "
            "FROM trials WHERE CAST(?1 AS TEXT) IS NULL OR dataset = ?1",
            &st, err))
        return -1;
    db_bind_text(st, 1, dataset);
    int rc = 0;
    if (!store_sql_next_row(s, st, &rc, err)) {
        db_finalize(st);
        return rc ? rc : hia_fail(err, HIA_EINTERNAL, "%s: the count returned no row", s->path);
    }
    long *fields[] = {&c->total, &c->pending, &c->running, &c->done, &c->failed, &c->diverged};
    for (int i = 0; i < 6; i++)
        *fields[i] = (long)db_column_int(st, i);
    c->images_per_second = db_column_double(st, 6);
    c->trial_seconds = db_column_double(st, 7);
    db_finalize(st);
    return 0;
}

int store_datasets(store *s, int (*each)(void *ctx, const char *name), void *ctx,
                   hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(s, "SELECT dataset FROM trials GROUP BY dataset ORDER BY min(id)", &st,
                          err))
        return -1;
    while (!rc && store_sql_next_row(s, st, &rc, err))
        rc = each(ctx, db_column_text(st, 0));
    db_finalize(st);
    return rc;
}

int store_each_trial(store *s, int (*each)(void *ctx, const store_row *r), void *ctx,
                     hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(
            s,
            "SELECT id, dataset, number, status, reason, val_accuracy, test_accuracy, "
            "epochs_done, resumed_from, train_seconds, eval_seconds, images_per_second, "
            "wall_seconds, attempts, failures, seed, config_hash, worker, started, "
            "finished, hia_version, darknet_patches, blas, threads "
            "FROM trials ORDER BY id",
            &st, err))
        return -1;
    int n = db_columns(st);
    const char *names[64], *values[64];
    for (int i = 0; i < n; i++)
        names[i] = db_column_name(st, i);
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        for (int i = 0; i < n; i++)
            values[i] = db_column_text(st, i);
        store_row r = {n, names, values};
        rc = each(ctx, &r);
    }
    db_finalize(st);
    return rc;
}

int store_epochs(store *s, long long id, int (*each)(void *ctx, int epoch, const store_epoch *e),
                 void *ctx, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(
            s,
            "SELECT epoch, loss, val_accuracy, seconds, images_per_second FROM epochs "
            "WHERE trial = ? ORDER BY epoch",
            &st, err))
        return -1;
    db_bind_int(st, 1, id);
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        store_epoch e = {db_column_double(st, 1), db_column_double(st, 2),
                         db_column_double(st, 3), db_column_double(st, 4)};
        rc = each(ctx, db_column_int(st, 0), &e);
    }
    db_finalize(st);
    return rc;
}

int store_failures(store *s, long long id, int (*each)(void *ctx, const store_failure *f),
                   void *ctx, hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(s,
                          "SELECT attempt, worker, reason, at FROM failures WHERE trial = ? "
                          "ORDER BY attempt",
                          &st, err))
        return -1;
    db_bind_int(st, 1, id);
    while (!rc && store_sql_next_row(s, st, &rc, err)) {
        store_failure f = {db_column_int(st, 0), db_column_text(st, 1),
                           db_column_text(st, 2),
                           db_column_double(st, 3)};
        rc = each(ctx, &f);
    }
    db_finalize(st);
    return rc;
}

int store_param_columns(store *s, int (*each)(void *ctx, const char *name, int layer), void *ctx,
                        hia_error *err)
{
    db_stmt *st;
    int rc = 0;
    if (store_sql_prepare(
            s,
            "SELECT p.name, p.layer FROM params p JOIN (SELECT name, min(rowid) AS "
            "first FROM params GROUP BY name) f USING (name) GROUP BY p.name, p.layer, f.first "
            "ORDER BY f.first, p.layer",
            &st, err))
        return -1;
    while (!rc && store_sql_next_row(s, st, &rc, err))
        rc = each(ctx, db_column_text(st, 0), db_column_int(st, 1));
    db_finalize(st);
    return rc;
}
