/* store: settings are recorded then enforced, a first meta value stands, plans are
   idempotent, claims are atomic across processes, results are written once by their holder,
   failures retry then stop.
   Run as `test_store` against SQLite files in a temporary folder, or as `test_store URI`
   against PostgreSQL: URI is a libpq URI with %s where a database's name goes, and each of
   the databases t and f must be there, empty (tests/e2e/pg_unit.sh makes them). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "store/store.h"

static const char *pg_uri; /* the PostgreSQL URI template; NULL: SQLite files in dir */
static char dir[256], path[320];

/* The store called name: the file name.sqlite in dir, or the PostgreSQL database name. */
static void store_path(char *out, size_t size, const char *name)
{
    if (!pg_uri) {
        snprintf(out, size, "%s/%s.sqlite", dir, name);
        return;
    }
    const char *at = strstr(pg_uri, "%s"); /* main made sure it is there */
    snprintf(out, size, "%.*s%s%s", (int)(at - pg_uri), pg_uri, name, at + 2);
}

static void plan(store *s, const char *dataset, int n)
{
    store_trial_plan p[64];
    store_param params[64][2];
    char config[64][32];
    hia_error err;
    for (int k = 0; k < n; k++) {
        snprintf(config[k], sizeof(config[k]), "dropout=0.%d", k);
        params[k][0] = (store_param){"dropout", 0, k / 10.0, config[k] + 8};
        params[k][1] = (store_param){"optimizer", 0, NAN, "adam"};
        p[k] = (store_trial_plan){dataset, k, 1000 + (uint64_t)k, 7, config[k], params[k], 2};
    }
    CHECK(store_plan(s, p, n, &err) == 0);
}

static void test_settings(store *s)
{
    hia_error err;
    store_setting a[] = {{"experiment", "t"}, {"seed", "1"}, {"space.dropout", "0..1"}};
    store_setting b[] = {{"experiment", "t"}, {"seed", "2"}, {"space.lr", "x"}};
    CHECK(store_check_settings(s, a, 3, &err) == 0);
    CHECK(store_check_settings(s, a, 3, &err) == 0);
    CHECK(store_check_settings(s, b, 3, &err) == -1);
    CHECK_MSG(err.msg, "other settings", "seed", "space.lr", "space.dropout");
    CHECK(err.status == HIA_EUSER);
}

/* A first value stands: a later run that drew another reads the first back (two runs that
   start together then agree on the store's identity). */
static void test_meta_first(store *s)
{
    hia_error err;
    char *v;
    CHECK(store_meta_first(s, "first", "a", &v, &err) == 0 && v && strcmp(v, "a") == 0);
    free(v);
    CHECK(store_meta_first(s, "first", "b", &v, &err) == 0 && v && strcmp(v, "a") == 0);
    free(v);
    CHECK(store_meta(s, "first", &v, &err) == 0 && v && strcmp(v, "a") == 0);
    free(v);
}

/* Two processes claim concurrently; every trial is claimed exactly once. */
static void test_concurrent_claims(void)
{
    int fds[2][2];
    for (int w = 0; w < 2; w++) {
        CHECK(pipe(fds[w]) == 0);
        if (fork() == 0) {
            store *s;
            hia_error err;
            char worker[32];
            snprintf(worker, sizeof(worker), "w%d", w);
            if (store_open(path, &s, &err))
                _exit(2);
            store_claimed c;
            int got;
            while ((got = store_claim(s, worker, 60, &c, &err)) == 1)
                if (write(fds[w][1], &c.id, sizeof(c.id)) != sizeof(c.id))
                    _exit(3);
            store_close(s);
            _exit(got == 0 ? 0 : 4);
        }
        close(fds[w][1]);
    }
    int seen[64] = {0}, total = 0;
    for (int w = 0; w < 2; w++) {
        long long id;
        while (read(fds[w][0], &id, sizeof(id)) == sizeof(id)) {
            CHECK(id >= 1 && id <= 40);
            if (id >= 1 && id <= 40)
                seen[id]++;
            total++;
        }
        close(fds[w][0]);
    }
    for (int w = 0; w < 2; w++) {
        int status;
        wait(&status);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    CHECK(total == 40);
    for (int i = 1; i <= 40; i++)
        CHECK(seen[i] == 1);
}

static int count_epochs(void *ctx, int epoch, const store_epoch *e)
{
    int *n = ctx;
    CHECK(epoch == *n + 1 && e->loss == epoch);
    (*n)++;
    return 0;
}

static int always_dead(long pid)
{
    (void)pid;
    return 0;
}

static void test_lifecycle(store *s)
{
    hia_error err;
    store_counts c;
    CHECK(store_count(s, NULL, &c, &err) == 0);
    CHECK(c.total == 40 && c.running == 40 && c.pending == 0);

    store_epoch h[3] = {{1, 0.5, 1, 100}, {2, 0.6, 1, 100}, {3, 0.7, 1, 100}};
    store_result r = {"done", NULL, 0.7, 0.69, 3, h, 1, 3, 1, 100, 5, 2, "blas"};
    CHECK(store_finish(s, 1, "w9", &r, &err) == -1); /* not the holder */
    CHECK_MSG(err.msg, "no longer held");
    char holder[8];
    for (int w = 0; w < 2; w++) {
        snprintf(holder, sizeof(holder), "w%d", w);
        if (store_finish(s, 1, holder, &r, &err) == 0)
            break;
    }
    int n = 0;
    CHECK(store_epochs(s, 1, count_epochs, &n, &err) == 0 && n == 3);
    /* written once: the holder's call made again (its reply lost with a connection) succeeds
       and changes nothing */
    store_result again = r;
    again.images_per_second = 999;
    CHECK(store_finish(s, 1, holder, &again, &err) == 0);
    CHECK(store_count(s, "a", &c, &err) == 0 && c.done == 1 && c.images_per_second == 100);
    CHECK(store_finish(s, 1, "w9", &r, &err) == -1);

    /* hand every other claim back to pending through a dead local worker */
    CHECK(store_reclaim_dead(s, "w0", always_dead, &err) == 0); /* "w0" is no host:pid */
    CHECK(store_count(s, "a", &c, &err) == 0);
    CHECK(c.done == 1 && c.running == 19);
    CHECK(store_count(s, "b", &c, &err) == 0);
    CHECK(c.total == 20 && c.running == 20);
}

static int count_failure(void *ctx, const store_failure *f)
{
    int *n = ctx;
    CHECK(f->attempt == *n + 1 && strcmp(f->reason, "killed by signal 9") == 0);
    (*n)++;
    return 0;
}

static int count_row(void *ctx, const store_row *r)
{
    (void)r;
    ++*(int *)ctx;
    return 0;
}

/* A damaged store: every read either delivers all its rows or fails with the store's name,
   never ends early as if the rows had run out. SQLite only: it overwrites the file's pages. */
static void test_damaged(void)
{
    store *s;
    hia_error err = {0};
    char p3[320], name[8];
    store_path(p3, sizeof(p3), "d");
    CHECK(store_open(p3, &s, &err) == 0);
    for (int d = 0; d < 10; d++) {
        snprintf(name, sizeof(name), "set%d", d);
        plan(s, name, 64);
    }
    store_close(s);
    FILE *f = fopen(p3, "r+b");
    CHECK(f != NULL);
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    CHECK(size > 4 * 4096);
    long from = size / 2 / 4096 * 4096; /* the later half of the pages: trials and params */
    fseek(f, from, SEEK_SET);
    for (long i = from; i < size; i++)
        fputc(0xA5, f);
    CHECK(fclose(f) == 0);
    int opened = store_open(p3, &s, &err) == 0; /* the schema and settings are intact */
    CHECK(opened);
    if (!opened) {
        fprintf(stderr, "damaged store: %s\n", err.msg);
        return;
    }
    int rows = 0;
    int rc = store_each_trial(s, count_row, &rows, &err);
    CHECK(rc == -1 || rows == 640);
    CHECK(rc == -1);
    if (rc)
        CHECK_MSG(err.msg, "d.sqlite", "cannot read");
    store_close(s);
}

static void test_failures(void)
{
    store *s;
    hia_error err;
    char p2[320];
    store_path(p2, sizeof(p2), "f");
    CHECK(store_open(p2, &s, &err) == 0);
    plan(s, "a", 1);
    store_claimed c;
    for (int attempt = 1; attempt <= 3; attempt++) {
        CHECK(store_claim(s, "host:1", 60, &c, &err) == 1);
        CHECK(c.id == 1 && c.attempts == attempt);
        CHECK(store_fail(s, 1, "host:1", "killed by signal 9", 3, &err) == 0);
    }
    CHECK(store_claim(s, "host:1", 60, &c, &err) == 0); /* failed for good */
    store_counts n;
    CHECK(store_count(s, NULL, &n, &err) == 0 && n.failed == 1 && n.pending == 0);

    plan(s, "b", 2);
    CHECK(store_claim(s, "host:1", -1, &c, &err) == 1); /* lease already expired */
    CHECK(store_claim(s, "host:2", 60, &c, &err) == 1 && c.id == 2); /* taken over */
    CHECK(store_release(s, c.id, "host:2", &err) == 0);
    CHECK(store_claim(s, "host:3", 60, &c, &err) == 1 && c.id == 2);
    CHECK(store_reclaim_dead(s, "host", always_dead, &err) == 0);
    CHECK(store_count(s, "b", &n, &err) == 0 && n.pending == 2 && n.running == 0);
    store_close(s);

    /* failed for good, then retried: pending again, every failure kept */
    CHECK(store_open(p2, &s, &err) == 0);
    long retried = -1;
    CHECK(store_retry_failed(s, &retried, &err) == 0 && retried == 1);
    CHECK(store_count(s, "a", &n, &err) == 0 && n.failed == 0 && n.pending == 1);
    CHECK(store_claim(s, "host:1", 60, &c, &err) == 1 && c.id == 1 && c.attempts == 4);
    int failures = 0;
    CHECK(store_failures(s, 1, count_failure, &failures, &err) == 0 && failures == 3);
    store_close(s);
    if (pg_uri)
        return; /* what follows overwrites the SQLite file with text */

    write_text(p2, "not a database at all, just text that is long enough");
    CHECK(store_open(p2, &s, &err) == -1);
    CHECK_MSG(err.msg, "f.sqlite", "not a results store");
}

/* An error is the last failed call's: a success clears it, so a later failure is never taken
   for an earlier one (PostgreSQL's SQLSTATE of a missing table outlived the calls after it). */
static void test_error_cleared(void)
{
    db *d;
    hia_error err;
    CHECK(db_open(path, 1, &d, &err) == 0);
    CHECK(db_exec(d, "SELECT * FROM no_table_of_the_store") == -1);
    CHECK(db_no_such_table(d));
    CHECK(db_exec(d, "SELECT count(*) FROM meta") == 0);
    CHECK(!db_no_such_table(d));
    CHECK(db_exec(d, "SELECT * FROM no_table_of_the_store") == -1);
    CHECK(db_exec(d, "SELECT no_such_function_here()") == -1);
    CHECK(!db_no_such_table(d));
    CHECK_MSG(db_errmsg(d), "no_such_function_here");
    db_close(d);
}

/* The tables of both backends, from the one schema: each column of each table is there. */
static void test_schema(void)
{
    db *d;
    hia_error err;
    static const char *const columns[] = {
        "SELECT key, value FROM meta",
        "SELECT id, dataset, number, config_hash, config, seed, status, reason, worker, "
        "lease_until, attempts, failures, val_accuracy, test_accuracy, epochs_done, "
        "resumed_from, train_seconds, eval_seconds, images_per_second, wall_seconds, started, "
        "finished, hia_version, darknet_patches, blas, threads FROM trials",
        "SELECT rowid, trial, name, layer, number, text FROM params",
        "SELECT trial, epoch, loss, val_accuracy, seconds, images_per_second FROM epochs",
        "SELECT trial, attempt, worker, reason, at FROM failures",
        "SELECT worker, host, slurm_job, slurm_task, jobs, threads, started, lease_until, "
        "stopped FROM workers",
    };
    CHECK(db_open(path, 0, &d, &err) == 0);
    for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]); i++) {
        int ok = db_exec(d, columns[i]) == 0;
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "%s: %s\n", columns[i], db_errmsg(d));
    }
    long long tables;
    /* SQLite counts the indexes too */
    CHECK(db_tables(d, &tables) == 0 && (pg_uri ? tables == 6 : tables >= 6));
    db_close(d);
}

int main(int argc, char **argv)
{
    store *s;
    hia_error err;
    if (argc > 2 || (argc == 2 && (!store_is_uri(argv[1]) || !strstr(argv[1], "%s")))) {
        fprintf(stderr, "usage: test_store [postgresql://...%%s...]\n");
        return 2;
    }
    pg_uri = argc == 2 ? argv[1] : NULL;
    snprintf(dir, sizeof(dir), "/tmp/hia-test-store-XXXXXX");
    if (!pg_uri && !mkdtemp(dir))
        return 2;
    store_path(path, sizeof(path), "t");
    CHECK(store_open(path, &s, &err) == 0);
    test_settings(s);
    test_meta_first(s);
    plan(s, "a", 20);
    plan(s, "b", 20);
    plan(s, "a", 20); /* again: nothing new */
    store_close(s);
    test_concurrent_claims();
    CHECK(store_open(path, &s, &err) == 0);
    test_lifecycle(s);
    store_close(s);
    test_failures();
    test_error_cleared();
    test_schema();
    if (!pg_uri) {
        test_damaged();
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    }
    return CHECK_DONE();
}
