/* The tables of one analysis: per dataset, pooled, one dataset or a CSV file. */
#include "analysis/tableset.h"

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

int table_set_from_csv(const char *path, const table_options *o, table_set *set,
                       hia_error *err)
{
    memset(set, 0, sizeof(*set));
    one_table(set, "table");
    if (table_read_csv(path, o, &set->tables[0], err)) {
        table_set_free(set);
        return -1;
    }
    set->excluded = set->tables[0].excluded;
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
