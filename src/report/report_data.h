/* report_data: everything the report shows, gathered from a results store: the sweep's
   trials and counts, and the analysis (src/analysis/summary.h) of its finished trials,
   pooled, per dataset and per layer. */
#ifndef HIA_REPORT_DATA_H
#define HIA_REPORT_DATA_H

#include "analysis/summary.h"
#include "store/store.h"

typedef struct report_trial {
    long long id;
    int dataset;          /* index into datasets */
    char status[16];      /* pending | running | done | failed | diverged */
    char reason[200];
    double test_accuracy, val_accuracy, wall_seconds, images_per_second, finished;
    int threads;
} report_trial;

typedef struct report_data {
    const char *store_path;
    char *experiment;
    char **datasets;
    int n_datasets;
    store_counts total;
    store_counts *per_dataset;
    report_trial *trials;
    int n_trials, finished;   /* finished: done or diverged with an accuracy */
    char hia_version[32], blas[64], workers[256];
    int darknet_patches;
    summary_options options;
    char settings[1024];      /* the analysis settings used, each with where it came from */
    table_set set;            /* per dataset when several (analysis/tableset.h) */
    table t;                  /* the columns and target of set's tables; n_rows: all their
                                 rows (a view: its arrays are set's) */
    char relief_said[512];    /* N-RReliefF's settings in words */
    relief_summary relief;
    fanova_summary fanova;
    stability_summary stability;
    sensitivity_summary sensitivity;
    double methods_rho, methods_tau;
    const double *dataset_imp; /* n_datasets x t.n_cols (relief.per), when several datasets */
    table_set layers_set;     /* per-layer columns */
    table layers_t;           /* a view of layers_set's columns */
    relief_summary layers;
    int has_layers;
} report_data;

/* Refuses a store with no finished trial. */
int report_data_load(const char *store_path, report_data *d, hia_error *err);
void report_data_free(report_data *d);

#endif
