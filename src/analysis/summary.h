/* summary: the importance analysis of one table as numbers, computed once for both the
   analyze command's printouts and the report: the N-RReliefF ranking with bootstrap
   intervals, fANOVA's main effects, interactions and marginal curves, the ICC stability
   check across subsamples, and the rank agreement of methods and of datasets. */
#ifndef HIA_SUMMARY_H
#define HIA_SUMMARY_H

#include <stdint.h>

#include "analysis/fanova.h"
#include "analysis/forest.h"
#include "analysis/icc.h"
#include "analysis/relief.h"
#include "analysis/table.h"

typedef struct summary_options {
    relief_options relief;
    forest_options forest;
    int bootstrap;       /* resamples for N-RReliefF's intervals (0: none) */
    int subsamples;      /* the stability check: K subsamples of fraction of the trials */
    double fraction;
    uint64_t seed;
    int has_cutoffs;
    double cutoffs[2];
} summary_options;

/* The analyze command's defaults (k 10, rank weighting sigma 2, 50 resamples, 10 subsamples
   of half the trials, 64 trees). */
summary_options summary_defaults(void);

typedef struct relief_summary {
    double *raw, *importance, *lower, *upper; /* per column; intervals NaN without bootstrap */
    int *order;                               /* columns by importance, highest first */
} relief_summary;

#define SUMMARY_MARGINAL_POINTS 20

typedef struct marginal {
    int n;                                /* points: 20, or a categorical's levels */
    double x[FOREST_MAX_LEVELS];          /* on the column's own scale (not log) */
    double mean[FOREST_MAX_LEVELS], std[FOREST_MAX_LEVELS];
} marginal;

typedef struct fanova_summary {
    fanova_result r;
    int *order;          /* columns by main effect */
    int *pairs;          /* i*d+j (i < j) by interaction, strongest first */
    int n_pairs;
    marginal *marginals; /* per column */
} fanova_summary;

typedef struct stability_summary {
    icc_form forms[6];
    int chosen;          /* index of ICC(2,1) in forms */
    double *matrix;      /* columns x subsamples: each subsample's importances */
    int subsamples;
    double fraction;
} stability_summary;

int summary_relief(const table *t, const summary_options *o, relief_summary *r, hia_error *err);
void relief_summary_free(relief_summary *r);
int summary_fanova(const table *t, const summary_options *o, fanova_summary *f, hia_error *err);
void fanova_summary_free(fanova_summary *f);
int summary_stability(const table *t, const summary_options *o, stability_summary *s,
                      hia_error *err);
void stability_summary_free(stability_summary *s);
/* Spearman's rho and Kendall's tau-b of two importance vectors (NaN when undefined). */
void summary_agreement(const double *a, const double *b, int d, double *rho, double *tau);
/* N-RReliefF importances of each dataset of a store (n x d into imp, allocated). */
int summary_per_dataset(store *s, const char *target, int layers, const summary_options *o,
                        const char *const *datasets, int n, double **imp, int *d,
                        hia_error *err);

#endif
