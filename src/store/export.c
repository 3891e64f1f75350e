/* A results store as CSV or JSON rows, one per trial. */
#include "store/export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/jsonw.h"

typedef struct column {
    char name[80];
    char param[64];
    int layer;
} column;

typedef struct table {
    column *cols;
    int n, cap;
    char **values; /* current trial's hyperparameter texts, per column */
    double *numbers;
    store *db;
    FILE *out;
    jsonw json;
    int rows;
    hia_error *err;
} table;

static int add_column(void *ctx, const char *name, int layer)
{
    table *t = ctx;
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        t->cols = xreallocarray(t->cols, (size_t)cap, sizeof(*t->cols));
        t->cap = cap;
    }
    column *c = &t->cols[t->n++];
    snprintf(c->param, sizeof(c->param), "%s", name);
    c->layer = layer;
    if (layer)
        snprintf(c->name, sizeof(c->name), "%s_%d", name, layer);
    else
        snprintf(c->name, sizeof(c->name), "%s", name);
    return 0;
}

static int take_param(void *ctx, const store_param *p)
{
    table *t = ctx;
    for (int i = 0; i < t->n; i++) {
        if (t->cols[i].layer == p->layer && strcmp(t->cols[i].param, p->name) == 0) {
            free(t->values[i]);
            t->values[i] = xstrdup(p->text);
            t->numbers[i] = p->number;
            return 0;
        }
    }
    return 0;
}

static int load_params(table *t, long long id)
{
    for (int i = 0; i < t->n; i++) {
        free(t->values[i]);
        t->values[i] = NULL;
        t->numbers[i] = NAN;
    }
    return store_trial_params(t->db, id, take_param, t, t->err);
}

static void csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int csv_row(void *ctx, const store_row *r)
{
    table *t = ctx;
    if (t->rows++ == 0) {
        for (int i = 0; i < r->n; i++)
            fprintf(t->out, "%s%s", i ? "," : "", r->names[i]);
        for (int i = 0; i < t->n; i++)
            fprintf(t->out, ",%s", t->cols[i].name);
        fputc('\n', t->out);
    }
    if (load_params(t, atoll(r->values[0])))
        return -1;
    for (int i = 0; i < r->n; i++) {
        if (i)
            fputc(',', t->out);
        csv_field(t->out, r->values[i]);
    }
    for (int i = 0; i < t->n; i++) {
        fputc(',', t->out);
        csv_field(t->out, t->values[i]);
    }
    fputc('\n', t->out);
    return 0;
}

static int json_epoch(void *ctx, int epoch, const store_epoch *e)
{
    jsonw *j = ctx;
    jsonw_begin_object(j, NULL);
    jsonw_int(j, "epoch", epoch);
    jsonw_number(j, "loss", e->loss);
    jsonw_number(j, "val_accuracy", e->val_accuracy);
    jsonw_number(j, "seconds", e->seconds);
    jsonw_number(j, "images_per_second", e->images_per_second);
    jsonw_end_object(j);
    return 0;
}

static int json_failure(void *ctx, const store_failure *f)
{
    jsonw *j = ctx;
    jsonw_begin_object(j, NULL);
    jsonw_int(j, "attempt", f->attempt);
    jsonw_string(j, "reason", f->reason ? f->reason : "");
    jsonw_string(j, "worker", f->worker ? f->worker : "");
    jsonw_number(j, "at", f->at);
    jsonw_end_object(j);
    return 0;
}

/* Columns of the trials table that hold numbers. */
static int numeric_column(const char *name)
{
    static const char *const text[] = {"dataset", "status", "reason", "config_hash", "worker",
                                       "hia_version", "blas", NULL};
    for (const char *const *p = text; *p; p++)
        if (strcmp(*p, name) == 0)
            return 0;
    return 1;
}

static void json_value(jsonw *j, const char *key, const char *text, double number)
{
    if (!text)
        jsonw_string(j, key, NULL);
    else if (!isnan(number))
        jsonw_number(j, key, number);
    else
        jsonw_string(j, key, text);
}

static int json_row(void *ctx, const store_row *r)
{
    table *t = ctx;
    jsonw *j = &t->json;
    long long id = atoll(r->values[0]);
    if (load_params(t, id))
        return -1;
    jsonw_begin_object(j, NULL);
    for (int i = 0; i < r->n; i++)
        json_value(j, r->names[i], r->values[i],
                   r->values[i] && numeric_column(r->names[i]) ? atof(r->values[i]) : NAN);
    jsonw_begin_object(j, "params");
    for (int i = 0; i < t->n; i++) {
        if (t->cols[i].layer > 1)
            continue;
        if (!t->cols[i].layer) {
            json_value(j, t->cols[i].name, t->values[i], t->numbers[i]);
            continue;
        }
        jsonw_begin_array(j, t->cols[i].param);
        for (int k = i; k < t->n && strcmp(t->cols[k].param, t->cols[i].param) == 0; k++)
            if (t->values[k])
                json_value(j, NULL, t->values[k], t->numbers[k]);
        jsonw_end_array(j);
    }
    jsonw_end_object(j);
    jsonw_begin_array(j, "history");
    int rc = store_epochs(t->db, id, json_epoch, j, t->err);
    jsonw_end_array(j);
    jsonw_begin_array(j, "failure_history");
    if (!rc)
        rc = store_failures(t->db, id, json_failure, j, t->err);
    jsonw_end_array(j);
    jsonw_end_object(j);
    return rc;
}

static int with_table(store *s, FILE *out, int json, hia_error *err)
{
    table t = {.db = s, .out = out, .err = err};
    int rc = store_param_columns(s, add_column, &t, err);
    if (!rc) {
        t.values = xcalloc((size_t)(t.n ? t.n : 1), sizeof(char *));
        t.numbers = xcalloc((size_t)(t.n ? t.n : 1), sizeof(double));
    }
    if (!rc && json) {
        jsonw_init(&t.json, out);
        jsonw_begin_array(&t.json, NULL);
        rc = store_each_trial(s, json_row, &t, err);
        jsonw_end_array(&t.json);
        fputc('\n', out);
    } else if (!rc) {
        rc = store_each_trial(s, csv_row, &t, err);
    }
    for (int i = 0; t.values && i < t.n; i++)
        free(t.values[i]);
    free(t.values);
    free(t.numbers);
    free(t.cols);
    if (!rc && fflush(out) != 0)
        return hia_fail(err, HIA_EUSER, "cannot write the export");
    return rc;
}

int export_csv(store *s, FILE *out, hia_error *err)
{
    return with_table(s, out, 0, err);
}

int export_json(store *s, FILE *out, hia_error *err)
{
    return with_table(s, out, 1, err);
}
