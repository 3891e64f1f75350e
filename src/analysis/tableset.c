/* The tables of one analysis: per dataset, pooled, one dataset or a CSV file. */
#include "analysis/tableset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

typedef struct name_list {
    char **names;
    int n;
} name_list;

static int collect(void *ctx, const char *name)
{
    name_list *l = ctx;
    l->names = xreallocarray(l->names, (size_t)l->n + 1, sizeof(char *));
    l->names[l->n++] = xstrdup(name);
    return 0;
}

static void one_table(table_set *set, const char *name)
{
    set->n = 1;
    set->tables = xcalloc(1, sizeof(table));
    set->names = xcalloc(1, sizeof(char *));
    set->names[0] = xstrdup(name);
}

static int per_dataset(store *s, const table_store_options *o, name_list *l, table_set *set,
                       hia_error *err)
{
    set->n = l->n;
    set->tables = xcalloc((size_t)l->n, sizeof(table)); /* zeroed: freeing one unread is safe */
    set->names = l->names;
    l->names = NULL;
    l->n = 0;
    for (int k = 0; k < set->n; k++) {
        table_store_options to = *o;
        to.dataset = set->names[k];
        to.pooled = 0;
        if (table_from_store(s, &to, &set->tables[k], err))
            return hia_wrap(err, "dataset %s", set->names[k]);
        set->excluded += set->tables[k].excluded;
        set->filtered += set->tables[k].filtered;
        if (set->tables[k].n_cols != set->tables[0].n_cols)
            return hia_fail(err, HIA_EINTERNAL, "dataset %s has %d columns, %s %d",
                            set->names[k], set->tables[k].n_cols, set->names[0],
                            set->tables[0].n_cols);
    }
    set->combination = xstrfmt("per dataset, then the mean over the %d datasets (van Rijn & "
                               "Hutter 2018)", set->n);
    return 0;
}

int table_set_from_store(store *s, const table_store_options *o, table_set *set,
                         hia_error *err)
{
    name_list l = {0};
    memset(set, 0, sizeof(*set));
    int rc = store_datasets(s, collect, &l, err);
    if (!rc && !o->dataset && !o->pooled && l.n > 1) {
        rc = per_dataset(s, o, &l, set, err);
    } else if (!rc) {
        table_store_options to = *o;
        to.pooled = o->pooled && !o->dataset && l.n > 1;
        const char *only = o->dataset ? o->dataset : l.n == 1 ? l.names[0] : "all datasets";
        one_table(set, to.pooled ? "pooled" : only);
        rc = table_from_store(s, &to, &set->tables[0], err);
        if (!rc) {
            set->excluded = set->tables[0].excluded;
            set->incomplete = set->tables[0].incomplete;
            set->filtered = set->tables[0].filtered;
            set->combination =
                to.pooled ? xstrfmt("pooled: each configuration once, its accuracy the mean "
                                    "z-score over the %d datasets (%ld configurations not "
                                    "finished on every dataset left out)", l.n, set->incomplete)
                          : xstrfmt("one dataset, %s", only);
        }
    }
    for (int i = 0; i < l.n; i++)
        free(l.names[i]);
    free(l.names);
    if (rc)
        table_set_free(set);
    return rc;
}

typedef struct csv_row {
    const table *t;
    int row;
} csv_row;

/* The --where lookup on a table's own columns. */
static int csv_value(void *ctx, const char *column, double *number, const char **text)
{
    const csv_row *r = ctx;
    for (int c = 0; c < r->t->n_cols; c++) {
        if (strcmp(r->t->cols[c].name, column) != 0)
            continue;
        double v = table_at(r->t, r->row, c);
        *number = r->t->cols[c].categorical ? NAN : v;
        *text = r->t->cols[c].categorical && !isnan(v) ? r->t->cols[c].levels[(int)v] : NULL;
        return 1;
    }
    return 0;
}

/* Keeps t's rows that satisfy w, counting the others in filtered. */
static int filter(table *t, const where_expr *w, hia_error *err)
{
    int kept = 0, d = t->n_cols;
    if (!t->config) { /* rows keep their numbers: the configurations they were */
        t->config = xmalloc(sizeof(long) * (size_t)(t->n_rows ? t->n_rows : 1));
        for (int i = 0; i < t->n_rows; i++)
            t->config[i] = i;
    }
    for (int i = 0; i < t->n_rows; i++) {
        csv_row r = {t, i};
        int m = where_match(w, csv_value, &r, err);
        if (m < 0)
            return -1;
        if (!m) {
            t->filtered++;
            continue;
        }
        memmove(t->x + (size_t)kept * d, t->x + (size_t)i * d, sizeof(double) * (size_t)d);
        t->y[kept] = t->y[i];
        t->config[kept++] = t->config[i];
    }
    t->n_rows = kept;
    if (kept < 2)
        return hia_fail(err, HIA_EUSER, "--where '%s' keeps %d row%s: the analysis needs at "
                        "least 2", w->text, kept, kept == 1 ? "" : "s");
    return 0;
}

int table_set_from_csv(const char *path, const table_options *o, const where_expr *where,
                       table_set *set, hia_error *err)
{
    memset(set, 0, sizeof(*set));
    one_table(set, "table");
    if (table_read_csv(path, o, &set->tables[0], err) ||
        (where && filter(&set->tables[0], where, err))) {
        table_set_free(set);
        return -1;
    }
    set->excluded = set->tables[0].excluded;
    set->filtered = set->tables[0].filtered;
    set->combination = xstrdup("one table");
    return 0;
}

void table_set_free(table_set *set)
{
    for (int k = 0; k < set->n; k++) {
        table_free(&set->tables[k]);
        free(set->names[k]);
    }
    free(set->tables);
    free(set->names);
    free(set->combination);
    memset(set, 0, sizeof(*set));
}

long table_set_rows(const table_set *set)
{
    long n = 0;
    for (int k = 0; k < set->n; k++)
        n += set->tables[k].n_rows;
    return n;
}
