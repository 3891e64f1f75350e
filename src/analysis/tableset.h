/* tableset: the tables one analysis combines, and how. A results store with several datasets
   gives one table per dataset (the default: each dataset's importances, then their mean and
   spread, as van Rijn & Hutter 2018 combine fANOVA across datasets); one dataset, a pooled
   store (each configuration once) or a CSV file gives one table. Every row carries its
   configuration's number, so resamples and subsamples draw configurations, not trials. */
#ifndef HIA_TABLESET_H
#define HIA_TABLESET_H

#include "analysis/table.h"
#include "base/error.h"
#include "store/store.h"

typedef struct table_set {
    int n;              /* tables, with the same columns */
    table *tables;
    char **names;       /* per table: its dataset; "table" for a CSV file */
    char *combination;  /* how they combine, in words: every output names it */
    long excluded;      /* trials left out: not finished, failed or without a value */
    long incomplete;    /* pooled: configurations not finished on every dataset */
    long filtered;      /* trials left out by the --where condition */
} table_set;

/* A store's finished trials as o asks: one dataset (o->dataset, or the store's only one),
   pooled (o->pooled), else one table per dataset; o->where keeps the trials that satisfy it,
   before the datasets combine. */
int table_set_from_store(store *s, const table_store_options *o, table_set *set,
                         hia_error *err);
/* where: only the rows that satisfy it (NULL: all). */
int table_set_from_csv(const char *path, const table_options *o, const where_expr *where,
                       table_set *set, hia_error *err);
void table_set_free(table_set *set);
/* Trials in all the tables. */
long table_set_rows(const table_set *set);

#endif
