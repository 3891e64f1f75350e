/* What the report shows, gathered from a results store. */
#include "report/report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/settings.h"
#include "base/alloc.h"

typedef struct gather {
    report_data *d;
    int cap;
} gather;

static int add_dataset(void *ctx, const char *name)
{
    report_data *d = ctx;
    d->datasets = xrealloc(d->datasets, sizeof(char *) * (size_t)(d->n_datasets + 1));
    d->datasets[d->n_datasets++] = xstrdup(name);
    return 0;
}

static const char *field(const store_row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->names[i], name))
            return r->values[i];
    return NULL;
}

static double number(const store_row *r, const char *name)
{
    const char *v = field(r, name);
    return v ? atof(v) : NAN;
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* The host of a worker "host:pid", added to the list once. */
static void add_worker(report_data *d, const char *worker)
{
    char host[128];
    copy(host, sizeof(host), worker);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = 0;
    if (!host[0] || strstr(d->workers, host))
        return;
    size_t len = strlen(d->workers);
    snprintf(d->workers + len, sizeof(d->workers) - len, "%s%s", len ? ", " : "", host);
}

static int add_trial(void *ctx, const store_row *r)
{
    gather *g = ctx;
    report_data *d = g->d;
    if (d->n_trials == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        d->trials = xrealloc(d->trials, sizeof(report_trial) * (size_t)g->cap);
    }
    report_trial *t = &d->trials[d->n_trials++];
    memset(t, 0, sizeof(*t));
    t->id = atoll(field(r, "id") ? field(r, "id") : "0");
    const char *ds = field(r, "dataset");
    for (int i = 0; ds && i < d->n_datasets; i++)
        if (!strcmp(d->datasets[i], ds))
            t->dataset = i;
    copy(t->status, sizeof(t->status), field(r, "status"));
    copy(t->reason, sizeof(t->reason), field(r, "reason"));
    t->test_accuracy = number(r, "test_accuracy");
    t->val_accuracy = number(r, "val_accuracy");
    t->wall_seconds = number(r, "wall_seconds");
    t->images_per_second = number(r, "images_per_second");
    t->finished = number(r, "finished");
    t->threads = (int)number(r, "threads");
    if ((!strcmp(t->status, "done") || !strcmp(t->status, "diverged")) &&
        isfinite(t->test_accuracy)) {
        d->finished++;
        if (field(r, "hia_version"))
            copy(d->hia_version, sizeof(d->hia_version), field(r, "hia_version"));
        if (field(r, "blas"))
            copy(d->blas, sizeof(d->blas), field(r, "blas"));
        if (field(r, "darknet_patches"))
            d->darknet_patches = atoi(field(r, "darknet_patches"));
        add_worker(d, field(r, "worker"));
    }
    return 0;
}

static int sweep(store *s, report_data *d, hia_error *err)
{
    gather g = {d, 0};
    if (store_datasets(s, add_dataset, d, err) || store_count(s, NULL, &d->total, err))
        return -1;
    d->per_dataset = xcalloc((size_t)(d->n_datasets ? d->n_datasets : 1), sizeof(store_counts));
    for (int i = 0; i < d->n_datasets; i++)
        if (store_count(s, d->datasets[i], &d->per_dataset[i], err))
            return -1;
    return store_each_trial(s, add_trial, &g, err);
}

/* Below this many finished trials the importance analysis is not attempted. */
#define MIN_ANALYSED 6

/* A view of a set's columns: its first table's, with every table's rows counted. */
static table view_of(const table_set *set)
{
    table t = set->tables[0];
    t.n_rows = (int)table_set_rows(set);
    return t;
}

static int analyse(store *s, report_data *d, hia_error *err)
{
    table_store_options o = {"test_accuracy", NULL, 0, 0, NULL};
    table_store_options lo = {"test_accuracy", NULL, 0, 1, NULL};
    if (table_set_from_store(s, &o, &d->set, err))
        return -1;
    d->t = view_of(&d->set);
    if (d->t.n_rows < MIN_ANALYSED)
        return 0;
    summary_relief_describe(&d->set, &d->options.relief, d->relief_said,
                            sizeof(d->relief_said));
    if (summary_relief(&d->set, &d->options, &d->relief, err) ||
        summary_fanova(&d->set, &d->options, &d->fanova, err) ||
        summary_stability(&d->set, &d->options, &d->stability, err) ||
        summary_sensitivity(&d->set, &d->options, &d->relief, &d->sensitivity, err))
        return -1;
    summary_agreement(d->relief.importance, d->fanova.r.main_mean, d->t.n_cols, &d->methods_rho,
                      &d->methods_tau);
    if (d->set.n > 1)
        d->dataset_imp = d->relief.per;
    if (table_set_from_store(s, &lo, &d->layers_set, err))
        return -1;
    d->layers_t = view_of(&d->layers_set);
    if (summary_relief(&d->layers_set, &d->options, &d->layers, err))
        return -1;
    d->has_layers = 1;
    return 0;
}

int report_data_load(const char *store_path, report_data *d, hia_error *err)
{
    store *s;
    memset(d, 0, sizeof(*d));
    d->store_path = store_path;
    d->options = summary_defaults();
    if (store_open_existing(store_path, &s, err))
        return -1;
    int rc = store_meta(s, "setting:experiment", &d->experiment, err) ||
             settings_apply(s, &d->options, 0, d->settings, sizeof(d->settings), err) ||
             sweep(s, d, err);
    if (!rc && d->finished == 0)
        rc = hia_fail(err, HIA_EUSER, "%s: no finished trials yet (%ld planned, %ld pending, "
                      "%ld failed): nothing to report", store_path, d->total.total,
                      d->total.pending, d->total.failed);
    if (!rc)
        rc = analyse(s, d, err);
    store_close(s);
    return rc;
}

void report_data_free(report_data *d)
{
    free(d->experiment);
    for (int i = 0; i < d->n_datasets; i++)
        free(d->datasets[i]);
    free(d->datasets);
    free(d->per_dataset);
    free(d->trials);
    table_set_free(&d->set);
    relief_summary_free(&d->relief);
    fanova_summary_free(&d->fanova);
    stability_summary_free(&d->stability);
    sensitivity_summary_free(&d->sensitivity);
    table_set_free(&d->layers_set);
    relief_summary_free(&d->layers);
    memset(d, 0, sizeof(*d));
}
