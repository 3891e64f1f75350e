/* forest: a seeded random forest of regression trees (CART, squared error) on an analysis
   table: numeric features split at midpoints between observed values, categorical ones
   natively (a subset of levels goes left: the best of the splits that order the levels by
   their mean target, which is optimal for squared error). What fANOVA decomposes. */
#ifndef HIA_FOREST_H
#define HIA_FOREST_H

#include <stdint.h>

#include "analysis/table.h"
#include "base/error.h"

#define FOREST_MAX_LEVELS 64

typedef struct forest_node {
    int feature;        /* -1: a leaf */
    double threshold;   /* numeric: value < threshold goes left */
    uint64_t left_set;  /* categorical: levels going left */
    int left, right;
    double value;       /* mean target of the node's rows */
} forest_node;

typedef struct forest_tree {
    forest_node *nodes; /* nodes[0] is the root */
    int n, cap;
} forest_tree;

typedef struct forest_options {
    int trees;            /* 64 */
    int max_depth;        /* 64 */
    int min_samples_split;/* 2 */
    int min_samples_leaf; /* 1 */
    double max_features;  /* fraction of the features tried at each split: 1.0 */
    int bootstrap;        /* 1 */
    uint64_t seed;
} forest_options;

typedef struct forest {
    forest_tree *trees;
    int n_trees;
    int d;
    int *categorical;     /* per feature */
    int *levels;          /* per categorical feature */
    double *lo, *hi;      /* the domain of each numeric feature (its scale: log where log) */
} forest;

/* Features are the table's columns, log-scaled ones on the log scale; the domain of a numeric
   feature is its observed range, widened by 0.5 on each side when every value is whole. */
int forest_fit(const table *t, const forest_options *o, forest *f, hia_error *err);
void forest_free(forest *f);
double forest_feature_value(const table *t, int row, int col);

#endif
