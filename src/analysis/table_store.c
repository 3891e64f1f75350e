/* A results store -> the analysis table: one row per finished trial (or, pooled, per
   configuration finished on every dataset), each with its configuration's number. */
#include "analysis/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"

typedef struct store_build {
    table *t;
    const table_store_options *o;
    store *db;
    hia_error *err;
    char **params;     /* per column: the hyperparameter */
    int *layers;       /* per column: its layer (0: plain, or the mean of a per-layer one) */
    char **texts;      /* per column of the current trial: text of layer 1 (categorical) */
    double *sum;       /* per column of the current trial */
    int *count;
    char **datasets;   /* per row */
    long *numbers;     /* per row: the configuration's number */
    int cap;
    store_param *trial; /* the current trial's values, for the --where condition */
    int n_trial, trial_cap;
    char **known;      /* every (hyperparameter, layer) the store has, as export names it */
    int n_known;
    int target;        /* column of the target in the trials export */
} store_build;

static int add_store_column(void *ctx, const char *name, int layer)
{
    store_build *b = ctx;
    table *t = b->t;
    b->known = xreallocarray(b->known, (size_t)b->n_known + 1, sizeof(char *));
    b->known[b->n_known++] = layer ? xstrfmt("%s_%d", name, layer) : xstrdup(name);
    if (!b->o->layers && layer > 1)
        return 0; /* folded into the column of layer 1 */
    t->cols = xrealloc(t->cols, sizeof(*t->cols) * (size_t)(t->n_cols + 1));
    b->params = xrealloc(b->params, sizeof(char *) * (size_t)(t->n_cols + 1));
    b->layers = xrealloc(b->layers, sizeof(int) * (size_t)(t->n_cols + 1));
    table_column *c = &t->cols[t->n_cols];
    memset(c, 0, sizeof(*c));
    char label[160];
    if (b->o->layers && layer)
        snprintf(label, sizeof(label), "%s_%d", name, layer);
    else
        snprintf(label, sizeof(label), "%s", name);
    char key[200];
    snprintf(key, sizeof(key), "setting:space.%s", name);
    char *definition; /* e.g. "float 0.0001..0.1 log" */
    if (store_meta(b->db, key, &definition, b->err))
        return -1;
    c->name = xstrdup(label);
    c->log = definition && strstr(definition, " log") != NULL;
    free(definition);
    b->params[t->n_cols] = xstrdup(name);
    b->layers[t->n_cols] = b->o->layers ? layer : 0;
    t->n_cols++;
    return 0;
}

static int take_store_param(void *ctx, const store_param *p)
{
    store_build *b = ctx;
    if (b->n_trial == b->trial_cap) {
        b->trial_cap = b->trial_cap ? 2 * b->trial_cap : 32;
        b->trial = xreallocarray(b->trial, (size_t)b->trial_cap, sizeof(store_param));
    }
    b->trial[b->n_trial++] = (store_param){xstrdup(p->name), p->layer, p->number,
                                           xstrdup(p->text)};
    for (int c = 0; c < b->t->n_cols; c++) {
        if (strcmp(b->params[c], p->name) != 0)
            continue;
        if (b->layers[c] && b->layers[c] != p->layer)
            continue;
        if (isnan(p->number) || b->t->cols[c].categorical) {
            b->t->cols[c].categorical = 1;
            if (p->layer <= 1 && !b->texts[c])
                b->texts[c] = xstrdup(p->text);
        }
        b->sum[c] += p->number;
        b->count[c]++;
    }
    return 0;
}

static void trial_values_free(store_build *b)
{
    for (int i = 0; i < b->n_trial; i++) {
        free((char *)b->trial[i].name);
        free((char *)b->trial[i].text);
    }
    b->n_trial = 0;
}

/* The --where lookup: a plain hyperparameter, a layer's (filters_2) or a per-layer one's
   mean over the network's layers (filters); missing where the layer does not exist. */
static int trial_value(void *ctx, const char *column, double *number, const char **text)
{
    store_build *b = ctx;
    int known = 0, n = 0;
    double sum = 0;
    for (int i = 0; i < b->n_known && !known; i++)
        known = strcmp(b->known[i], column) == 0;
    *number = NAN;
    *text = NULL;
    for (int i = 0; i < b->n_trial; i++) {
        const store_param *p = &b->trial[i];
        char label[200];
        snprintf(label, sizeof(label), p->layer ? "%s_%d" : "%s", p->name, p->layer);
        if (strcmp(label, column) == 0) {
            *number = p->number;
            *text = p->text;
            return 1;
        }
        if (p->layer && strcmp(p->name, column) == 0) { /* a per-layer one by its plain name */
            known = 1;
            sum += p->number;
            n++;
            if (p->layer == 1)
                *text = p->text;
        }
    }
    if (n) {
        *number = sum / n; /* choices that are not numbers: layer 1's, as the table takes it */
        if (!isnan(*number))
            *text = NULL;
    }
    return known;
}

static const char *row_value(const store_row *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->names[i], name) == 0)
            return r->values[i];
    return NULL;
}

static int take_trial(void *ctx, const store_row *r)
{
    store_build *b = ctx;
    table *t = b->t;
    const char *dataset = row_value(r, "dataset");
    const char *status = row_value(r, "status");
    const char *target = row_value(r, b->o->target);
    const char *number = row_value(r, "number");
    double y;
    long k;
    if (b->o->dataset && strcmp(dataset, b->o->dataset) != 0)
        return 0;
    if (!status || (strcmp(status, "done") && strcmp(status, "diverged")) || !target ||
        parse_double(target, &y) || !number || parse_long(number, &k)) {
        t->excluded++;
        return 0;
    }
    if (t->n_rows == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        t->x = xrealloc(t->x, sizeof(double) * (size_t)b->cap * (size_t)t->n_cols);
        t->y = xrealloc(t->y, sizeof(double) * (size_t)b->cap);
        b->datasets = xrealloc(b->datasets, sizeof(char *) * (size_t)b->cap);
        b->numbers = xrealloc(b->numbers, sizeof(long) * (size_t)b->cap);
    }
    for (int c = 0; c < t->n_cols; c++) {
        free(b->texts[c]);
        b->texts[c] = NULL;
        b->sum[c] = 0;
        b->count[c] = 0;
    }
    trial_values_free(b);
    if (store_trial_params(b->db, atoll(r->values[0]), take_store_param, b, b->err))
        return -1;
    if (b->o->where) {
        int m = where_match(b->o->where, trial_value, b, b->err);
        if (m < 0)
            return -1;
        if (m == 0) {
            t->filtered++;
            return 0;
        }
    }
    int row = t->n_rows++;
    t->y[row] = y;
    b->datasets[row] = xstrdup(dataset);
    b->numbers[row] = k;
    for (int c = 0; c < t->n_cols; c++) {
        double v = NAN;
        if (t->cols[c].categorical && b->texts[c])
            v = table_level(&t->cols[c], b->texts[c]);
        else if (b->count[c])
            v = b->sum[c] / b->count[c];
        t->x[(size_t)row * t->n_cols + c] = v;
    }
    return 0;
}

/* Each dataset's target as (y - mean) / sd, so that datasets of different difficulty pool;
   datasets[i] becomes that dataset's index. */
static int z_scores(table *t, char **datasets, int *which, int *n_datasets, hia_error *err)
{
    *n_datasets = 0;
    for (int i = 0; i < t->n_rows; i++)
        which[i] = -1;
    for (int i = 0; i < t->n_rows; i++) {
        if (which[i] >= 0)
            continue;
        double sum = 0, sq = 0;
        int n = 0;
        for (int j = i; j < t->n_rows; j++)
            if (which[j] < 0 && strcmp(datasets[j], datasets[i]) == 0) {
                which[j] = *n_datasets;
                sum += t->y[j];
                n++;
            }
        double mean = sum / n;
        for (int j = i; j < t->n_rows; j++)
            if (which[j] == *n_datasets)
                sq += (t->y[j] - mean) * (t->y[j] - mean);
        double sd = n > 1 ? sqrt(sq / (n - 1)) : 0;
        if (!(sd > 0))
            return hia_fail(err, HIA_EUSER, "--pooled: the accuracies of dataset '%s' do not vary "
                            "(%d trials)", datasets[i], n);
        for (int j = i; j < t->n_rows; j++)
            if (which[j] == *n_datasets)
                t->y[j] = (t->y[j] - mean) / sd;
        (*n_datasets)++;
    }
    return 0;
}

static const long *sort_numbers;

static int by_number(const void *x, const void *y)
{
    long a = sort_numbers[*(const int *)x], b = sort_numbers[*(const int *)y];
    return (a > b) - (a < b);
}

/* One row per configuration finished on every dataset, its target the mean of its z-scores
   (so no configuration is ever its own neighbour); the others are counted in incomplete. */
static int pool(table *t, char **datasets, const long *numbers, hia_error *err)
{
    int n = t->n_rows, d = t->n_cols, n_datasets, kept = 0;
    int *which = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    int *order = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
    int rc = z_scores(t, datasets, which, &n_datasets, err);
    for (int i = 0; i < n; i++)
        order[i] = i;
    sort_numbers = numbers;
    qsort(order, (size_t)n, sizeof(int), by_number);
    double *x = xmalloc(sizeof(double) * (size_t)(n ? n : 1) * (size_t)d);
    double *y = xmalloc(sizeof(double) * (size_t)(n ? n : 1));
    t->config = xmalloc(sizeof(long) * (size_t)(n ? n : 1));
    for (int i = 0; !rc && i < n;) {
        int j = i;
        double sum = 0;
        while (j < n && numbers[order[j]] == numbers[order[i]])
            sum += t->y[order[j++]];
        if (j - i == n_datasets) { /* a trial per dataset: the store plans each once */
            memcpy(x + (size_t)kept * d, t->x + (size_t)order[i] * d, sizeof(double) * (size_t)d);
            y[kept] = sum / n_datasets;
            t->config[kept++] = numbers[order[i]];
        } else {
            t->incomplete++;
        }
        i = j;
    }
    free(t->x);
    free(t->y);
    t->x = x;
    t->y = y;
    t->n_rows = kept;
    free(which);
    free(order);
    return rc;
}

int table_from_store(store *s, const table_store_options *o, table *t, hia_error *err)
{
    store_build b = {.t = t, .o = o, .db = s, .err = err};
    memset(t, 0, sizeof(*t));
    if (strcmp(o->target, "test_accuracy") && strcmp(o->target, "val_accuracy"))
        return hia_fail(err, HIA_EUSER, "--target %s: a store's target is test_accuracy or "
                        "val_accuracy", o->target);
    t->target = xstrdup(o->target);
    int rc = store_param_columns(s, add_store_column, &b, err);
    if (!rc) {
        b.texts = xcalloc((size_t)(t->n_cols + 1), sizeof(char *));
        b.sum = xcalloc((size_t)(t->n_cols + 1), sizeof(double));
        b.count = xcalloc((size_t)(t->n_cols + 1), sizeof(int));
        rc = store_each_trial(s, take_trial, &b, err);
    }
    if (!rc && o->pooled) {
        rc = pool(t, b.datasets, b.numbers, err);
    } else if (!rc) {
        t->config = b.numbers;
        b.numbers = NULL;
    }
    if (!rc && t->n_rows < 2)
        rc = hia_fail(err, HIA_EUSER, "%d finished trial%s%s%s (%ld others not finished or "
                      "failed): the analysis needs at least 2", t->n_rows, t->n_rows == 1 ? "" : "s",
                      o->dataset ? " of dataset " : "", o->dataset ? o->dataset : "", t->excluded);
    for (int c = 0; c < t->n_cols; c++) {
        free(b.params[c]);
        if (b.texts)
            free(b.texts[c]);
    }
    for (int i = 0; b.datasets && i < t->n_rows; i++)
        free(b.datasets[i]);
    free(b.datasets);
    free(b.numbers);
    trial_values_free(&b);
    free(b.trial);
    for (int i = 0; i < b.n_known; i++)
        free(b.known[i]);
    free(b.known);
    free(b.params);
    free(b.layers);
    free(b.texts);
    free(b.sum);
    free(b.count);
    if (rc)
        table_free(t);
    return rc;
}
