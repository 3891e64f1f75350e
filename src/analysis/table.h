/* table: what the importance analysis reads: one row per finished trial, one column per
   hyperparameter (numeric, possibly log-scaled, or categorical; missing where a per-layer
   hyperparameter is inactive) and the target (an accuracy), each row with its
   configuration's number. Built from any CSV file (table.c: checked, no number that is not
   finite, no column without a value, within the limits below) or a results store
   (table_store.c). */
#ifndef HIA_TABLE_H
#define HIA_TABLE_H

#include "analysis/where.h"
#include "base/error.h"
#include "store/store.h"

/* The largest CSV table read. The analysis's time grows with the square of the rows (N-RReliefF
   looks for every row's nearest neighbours) and its memory and time with the square of the
   columns (fANOVA's pairs: 30 rows of 10,000 columns once asked for 51 GB), so a table past
   these is refused with a message, never left to run for hours or to abort for want of
   memory. Measured on 2 cores shared with other work: a paper-sized sweep, 3,000 trials of 40
   columns, 22 s; the largest shapes admitted, 10,000 rows of 12 columns 48 s and 990 rows of
   250 columns 80 s. */
#define TABLE_MAX_COLUMNS 256
#define TABLE_MAX_ROWS 10000
#define TABLE_MAX_CELLS 250000
#define TABLE_MAX_BYTES (64 << 20)

typedef struct table_column {
    char *name;
    int categorical;  /* values are level indices 0..n_levels-1 */
    int log;          /* analysed on the log scale where the method cares (fANOVA) */
    char **levels;
    int n_levels;
} table_column;

typedef struct table {
    int n_rows, n_cols;
    table_column *cols;
    double *x;         /* n_rows x n_cols, row-major; NaN = missing (inactive) */
    double *y;         /* the target */
    long *config;      /* per row, its configuration's number; NULL: the row's index */
    char *target;
    long excluded;     /* rows left out for want of a numeric target (failed trials) */
    long incomplete;   /* pooled: configurations left out, not finished on every dataset */
    long filtered;     /* rows left out by the --where condition */
} table;

typedef struct table_options {
    const char *target;       /* NULL: a column named accuracy, else the last */
    const char *categorical;  /* comma-separated names forced categorical */
    const char *log;          /* comma-separated names on the log scale */
    const char *exclude;      /* comma-separated names that are not hyperparameters */
} table_options;

typedef struct table_store_options {
    const char *target;   /* test_accuracy (default) or val_accuracy */
    const char *dataset;  /* only this dataset's trials; NULL: all */
    int pooled;           /* one row per configuration finished on every dataset, its target
                             the mean over the datasets of each one's z-score */
    int layers;           /* per-layer columns (filters_1, filters_2, ...); else one column
                             per hyperparameter, per-layer ones as their mean over the layers */
    const where_expr *where; /* only the trials that satisfy it; NULL: all */
} table_store_options;

/* A CSV table: a header row, then one row per trial (see README, hia analyze). Empty, ? and
   NA cells are missing; nan, inf or 1e400 in a numeric column or the target is refused
   (file:line and the column named); a column that is missing in every row kept is refused;
   a UTF-8 byte order mark is dropped; a NUL byte is refused. */
int table_read_csv(const char *path, const table_options *o, table *t, hia_error *err);
/* The finished trials (done or diverged, with a finite target) of a results store. */
int table_from_store(store *s, const table_store_options *o, table *t, hia_error *err);
/* A numeric matrix (targets x raters) for ICC: every column numeric, but a first column of
   labels, which is skipped; t->y is unused. */
int table_read_matrix(const char *path, table *t, hia_error *err);
void table_free(table *t);
double table_at(const table *t, int row, int col);
/* Row i's configuration number. */
long table_config(const table *t, int row);
/* The level index of text s in categorical column c, added when new. */
int table_level(table_column *c, const char *s);

#endif
