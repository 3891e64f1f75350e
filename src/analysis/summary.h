/* summary: the importance analysis of a table set (analysis/tableset.h) as numbers, computed
   once for both the analyze command's printouts and the report: the N-RReliefF ranking with
   bootstrap intervals, fANOVA's main effects, interactions and marginal curves, the ICC
   stability check across subsamples, the sensitivity of the ranking to N-RReliefF's own
   settings, and the rank agreement of methods and of datasets. With several tables (one per
   dataset) each method runs on each table and the importances are their mean; resamples and
   subsamples draw configurations, so each holds a configuration on every dataset or on
   none. */
#ifndef HIA_SUMMARY_H
#define HIA_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/fanova.h"
#include "analysis/forest.h"
#include "analysis/icc.h"
#include "analysis/relief.h"
#include "analysis/table.h"
#include "analysis/tableset.h"

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

/* The analyze command's defaults (k scaled with the trials, equal weights, 50 resamples, 10
   subsamples of half the trials, 64 trees); README "Why these defaults" and bench/planted
   give the evidence. */
summary_options summary_defaults(void);

/* N-RReliefF's neighbours when not given: a fifth of the table's trials, within 20-100. */
#define SUMMARY_K_SHARE 5
#define SUMMARY_K_MIN 20
#define SUMMARY_K_MAX 100
/* o with the settings left to the table resolved: k (0: scaled with rows) and sigma (0: 2k/7,
   the ratio of RReliefF's authors' k 70 and sigma 20). */
relief_options summary_relief_resolved(const relief_options *o, int rows);
/* The settings used, in words ("k 100 (auto: trials/5 within 20-100), equal weights, ..."). */
void summary_relief_describe(const table_set *set, const relief_options *o, char *buf,
                             size_t size);

typedef struct relief_summary {
    double *raw, *importance, *lower, *upper; /* per column: the mean over the tables;
                                                 intervals NaN without bootstrap */
    double *per;                              /* tables x columns: each table's importances */
    double *low, *high;                       /* per column: the least and most across tables */
    int *order;                               /* columns by importance, highest first */
} relief_summary;

#define SUMMARY_MARGINAL_POINTS 20

typedef struct marginal {
    int n;                                /* points: 20, or a categorical's levels */
    double x[FOREST_MAX_LEVELS];          /* on the column's own scale (not log) */
    double mean[FOREST_MAX_LEVELS], std[FOREST_MAX_LEVELS];
} marginal;

typedef struct fanova_summary {
    fanova_result r;     /* the mean over the tables (trees: the fewest that vary) */
    double *per;         /* tables x columns: each table's main effects */
    int *order;          /* columns by main effect */
    int *pairs;          /* i*d+j (i < j) by interaction, strongest first */
    int n_pairs;
    marginal *marginals; /* per column: the mean over the tables of their marginals */
} fanova_summary;

typedef struct stability_summary {
    icc_form forms[6];
    int chosen;          /* index of ICC(2,1) in forms */
    double *matrix;      /* columns x subsamples: each subsample's importances */
    int subsamples;
    double fraction;
} stability_summary;

/* The sensitivity of the N-RReliefF ranking to its own settings: the grid around the
   setting used (k halved, as used and doubled; equal weights or rank weights with sigma
   2k/7; Manhattan or Euclidean distance), every setting of which bench/planted shows sees
   the planted effects (rank weighting with a narrow sigma, which sees 2 or 3 neighbours, is
   not among them). */
#define SENSITIVITY_SETTINGS 12
typedef struct sensitivity_summary {
    int n;                                     /* settings */
    relief_options settings[SENSITIVITY_SETTINGS]; /* k of the first table */
    int *rank;          /* settings x columns: each hyperparameter's rank (1 = first) */
    int *low, *high;    /* per column: its best and worst rank over the grid */
    int *used;          /* per column: its rank with the setting used */
    double top3_share;  /* settings whose top three are the used setting's top three */
    int robust;         /* every setting has the same top three */
} sensitivity_summary;

int summary_relief(const table_set *s, const summary_options *o, relief_summary *r,
                   hia_error *err);
void relief_summary_free(relief_summary *r);
int summary_fanova(const table_set *s, const summary_options *o, fanova_summary *f,
                   hia_error *err);
void fanova_summary_free(fanova_summary *f);
int summary_stability(const table_set *s, const summary_options *o, stability_summary *st,
                      hia_error *err);
void stability_summary_free(stability_summary *s);
int summary_sensitivity(const table_set *s, const summary_options *o,
                        const relief_summary *used, sensitivity_summary *out, hia_error *err);
void sensitivity_summary_free(sensitivity_summary *s);
/* "robust: ..." only when every setting keeps the top three, else "not robust: ..." naming
   the hyperparameters that enter or leave it, with their rank ranges. */
void summary_sensitivity_verdict(const table *t, const sensitivity_summary *s, char *buf,
                                 size_t size);
/* Spearman's rho and Kendall's tau-b of two importance vectors (NaN when undefined). */
void summary_agreement(const double *a, const double *b, int d, double *rho, double *tau);

#endif
