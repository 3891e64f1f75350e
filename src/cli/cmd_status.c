/* hia status: trials by state, in all and per dataset, with throughput; the trials restarted
   because their checkpoint no longer fitted or was damaged; the live workers (host, Slurm job
   and task), what each is running, and the ETA across them. */
#include "cli/commands.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/jsonw.h"
#include "base/strbuf.h"
#include "cli/options.h"
#include "cli/store_arg.h"
#include "sweep/checkpoint.h"
#include "train/train.h"

static const command_help help = {
    "hia status [CONFIG|STORE] [--json]",
    "Trials by state (pending, running, done, failed, diverged), in all and per dataset, with\n"
    "throughput; the trials restarted from their first epoch because their checkpoint no\n"
    "longer fitted the network or was damaged; the workers running the sweep (host, Slurm job\n"
    "and task: a shared store has many), the trials each is running, and the ETA across all of\n"
    "them. Without an argument: every store in results/.\n",
    NULL, "CONFIG or STORE", 0, 1};

typedef struct status_ctx {
    store *db;
    jsonw *json;
    hia_error *err;
} status_ctx;

/* The running trials, read once and then listed under their workers. */
typedef struct running_list {
    store_claimed *trials;
    char **workers;
    int n;
} running_list;

static int add_running(void *ctx, const store_claimed *c, const char *worker)
{
    running_list *l = ctx;
    l->trials = xreallocarray(l->trials, (size_t)l->n + 1, sizeof(*l->trials));
    l->workers = xreallocarray(l->workers, (size_t)l->n + 1, sizeof(*l->workers));
    l->trials[l->n] = *c;
    l->workers[l->n++] = xstrdup(worker ? worker : "");
    return 0;
}

typedef struct workers_ctx {
    running_list running;
    jsonw *json;
    int live, slots;
} workers_ctx;

static void print_worker(const workers_ctx *wc, const store_worker *w)
{
    printf("    %s", w->worker);
    if (w->slurm_job)
        printf(" (Slurm job %s%s%s)", w->slurm_job, w->slurm_task ? " task " : "",
               w->slurm_task ? w->slurm_task : "");
    printf(": %d at a time, %d thread(s) each, %ld finished; ", w->jobs, w->threads,
           w->finished);
    int any = 0;
    for (int i = 0; i < wc->running.n; i++) {
        const store_claimed *c = &wc->running.trials[i];
        if (strcmp(wc->running.workers[i], w->worker))
            continue;
        printf("%strial %lld (%s #%ld, attempt %d)", any++ ? ", " : "running ", c->id,
               c->dataset, c->number, c->attempts);
    }
    printf("%s\n", any ? "" : "idle");
}

static void json_worker(const workers_ctx *wc, const store_worker *w)
{
    jsonw *j = wc->json;
    jsonw_begin_object(j, NULL);
    jsonw_string(j, "worker", w->worker);
    jsonw_string(j, "host", w->host);
    jsonw_string(j, "slurm_job", w->slurm_job ? w->slurm_job : "");
    jsonw_string(j, "slurm_task", w->slurm_task ? w->slurm_task : "");
    jsonw_int(j, "jobs", w->jobs);
    jsonw_int(j, "threads", w->threads);
    jsonw_int(j, "finished", w->finished);
    jsonw_begin_array(j, "running");
    for (int i = 0; i < wc->running.n; i++) {
        const store_claimed *c = &wc->running.trials[i];
        if (strcmp(wc->running.workers[i], w->worker))
            continue;
        jsonw_begin_object(j, NULL);
        jsonw_int(j, "id", c->id);
        jsonw_string(j, "dataset", c->dataset);
        jsonw_int(j, "number", c->number);
        jsonw_int(j, "attempt", c->attempts);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    jsonw_end_object(j);
}

static int each_worker(void *ctx, const store_worker *w)
{
    workers_ctx *wc = ctx;
    wc->live++;
    wc->slots += w->jobs;
    if (wc->json)
        json_worker(wc, w);
    else
        print_worker(wc, w);
    return 0;
}

/* The remaining trials at the mean trial time, shared by the trial slots of every live
   worker; NaN when nothing has finished yet or no worker is live. */
static double eta_seconds(const store_counts *c, int slots)
{
    if (slots < 1 || c->trial_seconds <= 0)
        return NAN;
    return (double)(c->pending + c->running) * c->trial_seconds / slots;
}

static int status_workers(store *s, const store_counts *c, jsonw *json, hia_error *err)
{
    workers_ctx wc = {{NULL, NULL, 0}, json, 0, 0};
    if (json)
        jsonw_begin_array(json, "workers");
    else
        printf("  workers:\n");
    int rc = store_running(s, add_running, &wc.running, err) ||
             store_workers(s, each_worker, &wc, err);
    double eta = eta_seconds(c, wc.slots);
    if (json) {
        jsonw_end_array(json);
        jsonw_number(json, "eta_seconds", eta);
    } else if (!rc) {
        if (!wc.live)
            printf("    none live\n");
        printf("  %d live worker(s), %d trial(s) at a time", wc.live, wc.slots);
        if (isfinite(eta) && eta < 3600)
            printf("; ETA %.0fm%02.0fs", floor(eta / 60), floor(fmod(eta, 60)));
        else if (isfinite(eta))
            printf("; ETA %.0fh%02.0fm", floor(eta / 3600), floor(fmod(eta, 3600) / 60));
        putchar('\n');
    }
    for (int i = 0; i < wc.running.n; i++)
        free(wc.running.workers[i]);
    free(wc.running.trials);
    free(wc.running.workers);
    return rc ? -1 : 0;
}

static void print_counts(const store_counts *c, const char *indent, const char *name)
{
    printf("%s%s: %ld of %ld ended: %ld done, %ld failed, %ld diverged; %ld running, %ld "
           "pending", indent, name, c->done + c->diverged + c->failed, c->total, c->done,
           c->failed, c->diverged, c->running, c->pending);
    if (c->images_per_second > 0)
        printf("; %.0f img/s, %.1f s per trial", c->images_per_second, c->trial_seconds);
    putchar('\n');
}

static void json_counts(jsonw *j, const store_counts *c)
{
    jsonw_int(j, "total", c->total);
    jsonw_int(j, "done", c->done);
    jsonw_int(j, "running", c->running);
    jsonw_int(j, "pending", c->pending);
    jsonw_int(j, "failed", c->failed);
    jsonw_int(j, "diverged", c->diverged);
    jsonw_number(j, "images_per_second", c->images_per_second);
    jsonw_number(j, "trial_seconds", c->trial_seconds);
}

static int status_dataset(void *ctx, const char *name)
{
    status_ctx *sc = ctx;
    store_counts c;
    if (store_count(sc->db, name, &c, sc->err))
        return -1;
    if (sc->json) {
        jsonw_begin_object(sc->json, name);
        json_counts(sc->json, &c);
        jsonw_end_object(sc->json);
    } else {
        print_counts(&c, "  ", name);
    }
    return 0;
}

/* The trials restarted from their first epoch because their own checkpoint no longer fitted
   their network (a Darknet change) or was damaged, read from the store's meta. */
typedef struct restarted {
    long long id;
    char *kind; /* misfit | damaged */
    char *why;
} restarted;

typedef struct restarted_list {
    restarted *items;
    int n;
} restarted_list;

static int add_restarted(void *ctx, const char *key, const char *value)
{
    restarted_list *l = ctx;
    size_t kind = strcspn(value, ":");
    l->items = xreallocarray(l->items, (size_t)l->n + 1, sizeof(*l->items));
    restarted *r = &l->items[l->n++];
    r->id = atoll(key + strlen(CHECKPOINT_RESTARTED_KEY));
    r->kind = xstrfmt("%.*s", (int)kind, value);
    r->why = xstrdup(value[kind] ? value + kind + 1 + (value[kind + 1] == ' ') : "");
    return 0;
}

static int by_id(const void *a, const void *b)
{
    long long x = ((const restarted *)a)->id, y = ((const restarted *)b)->id;
    return (x > y) - (x < y);
}

/* "  2 trials restarted from their first epoch: their checkpoints no longer fit the network
   (trials 3, 7)", for each kind with any. */
static void print_restarted(const restarted_list *l)
{
    const char *kinds[] = {"misfit", "damaged"};
    const char *what[][2] = {{"its checkpoint no longer fit the network",
                              "their checkpoints no longer fit the network"},
                             {"its checkpoint was damaged", "their checkpoints were damaged"}};
    for (int k = 0; k < 2; k++) {
        int n = 0;
        for (int i = 0; i < l->n; i++)
            n += strcmp(l->items[i].kind, kinds[k]) == 0;
        if (!n)
            continue;
        printf("  %d trial%s restarted from %s first epoch: %s (trial%s", n, n > 1 ? "s" : "",
               n > 1 ? "their" : "its", what[k][n > 1], n > 1 ? "s" : "");
        const char *sep = " ";
        for (int i = 0; i < l->n; i++)
            if (strcmp(l->items[i].kind, kinds[k]) == 0) {
                printf("%s%lld", sep, l->items[i].id);
                sep = ", ";
            }
        printf("; each trial's log.txt says why)\n");
    }
}

static void json_restarted(jsonw *j, const restarted_list *l)
{
    jsonw_begin_array(j, "restarted");
    for (int i = 0; i < l->n; i++) {
        jsonw_begin_object(j, NULL);
        jsonw_int(j, "id", l->items[i].id);
        jsonw_string(j, "checkpoint", l->items[i].kind);
        jsonw_string(j, "why", l->items[i].why);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
}

static void restarted_free(restarted_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].kind);
        free(l->items[i].why);
    }
    free(l->items);
}

/* The numerics version of the trainer that trained the store (1: made before it was
   recorded). */
static int store_numerics(store *s, int *out, hia_error *err)
{
    char *v;
    if (store_meta(s, "setting:numerics", &v, err))
        return -1;
    *out = v ? atoi(v) : 1;
    free(v);
    return 0;
}

static int status_one(const char *path, int json, hia_error *err)
{
    int numerics = 0;
    store *s = NULL;
    char *where, *name = NULL;
    store_counts c;
    jsonw j;
    status_ctx sc = {NULL, json ? &j : NULL, err};
    restarted_list restarts = {NULL, 0};
    int rc = store_arg_open(path, &s, &where, err);
    if (!rc)
        rc = store_meta(s, "setting:experiment", &name, err) || store_count(s, NULL, &c, err) ||
             store_numerics(s, &numerics, err) ||
             store_meta_each(s, CHECKPOINT_RESTARTED_KEY, add_restarted, &restarts, err);
    if (restarts.n > 1)
        qsort(restarts.items, (size_t)restarts.n, sizeof(*restarts.items), by_id);
    sc.db = s;
    if (!rc && json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "experiment", name ? name : "");
        jsonw_string(&j, "store", where);
        json_counts(&j, &c);
        jsonw_int(&j, "numerics", numerics);
        jsonw_int(&j, "build_numerics", TRAIN_NUMERICS);
        json_restarted(&j, &restarts);
        jsonw_begin_object(&j, "datasets");
        rc = store_datasets(s, status_dataset, &sc, err);
        jsonw_end_object(&j);
        rc = rc || status_workers(s, &c, &j, err);
        jsonw_end_object(&j);
    } else if (!rc) {
        strbuf title = STRBUF_INIT;
        strbuf_addf(&title, "%s (%s)", name ? name : "?", where);
        print_counts(&c, "", title.buf);
        strbuf_free(&title);
        if (numerics != TRAIN_NUMERICS)
            printf("  trained by numerics version %d; this build trains version %d, whose "
                   "numbers differ: retrain into a new store to compare with it\n", numerics,
                   TRAIN_NUMERICS);
        print_restarted(&restarts);
        rc = store_datasets(s, status_dataset, &sc, err) || status_workers(s, &c, NULL, err);
    }
    restarted_free(&restarts);
    free(name);
    free(where);
    store_close(s);
    return rc;
}

int cmd_status(int argc, char **argv, hia_error *err)
{
    int json = 0;
    option opts[] = {OPT_FLAG("--json", &json, "one JSON object per store"), OPT_END()};
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    if (n)
        return status_one(argv[0], json, err);
    glob_t g;
    if (glob("results/*.sqlite", 0, NULL, &g) != 0)
        return hia_fail(err, HIA_EUSER, "no results stores in results/ (run `hia run CONFIG`)");
    for (size_t i = 0; i < g.gl_pathc && !rc; i++)
        rc = status_one(g.gl_pathv[i], json, err);
    globfree(&g);
    return rc;
}
