/* where: a condition on a trial's hyperparameters (`hia analyze --where`), such as
   `optimizer in adam,adagrad and learning_rate >= 1e-3`: terms joined by `and`, each a
   column, an operator (=, !=, <, <=, >, >=, in) and a value (in: a comma-separated list).
   A value compares as a number when both sides are numbers, else as text (=, != and in
   only). A missing value (a layer the network does not have) satisfies no term. */
#ifndef HIA_WHERE_H
#define HIA_WHERE_H

#include "base/error.h"

typedef struct where_term where_term;

typedef struct where_expr {
    char *text;         /* as given, for the outputs */
    where_term *terms;
    int n;
} where_expr;

int where_parse(const char *text, where_expr *w, hia_error *err);
void where_free(where_expr *w);

/* A trial's value of a column: 1 with *number (NaN: missing, or not a number) and *text
   (NULL: missing), 0 when there is no such column. */
typedef int (*where_lookup)(void *ctx, const char *column, double *number, const char **text);

/* 1 when the trial satisfies every term, 0 when not, -1 for a term the trial cannot answer
   (an unknown column, a text compared by order), with err naming the column. */
int where_match(const where_expr *w, where_lookup lookup, void *ctx, hia_error *err);

#endif
