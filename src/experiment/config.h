/* config: the experiment's schema, what an experiment file holds once read (its datasets,
   network, search space, analysis settings), as the stages that use it read it: data/ and
   train/ below the sweep, which is why it lives in a stage of its own. Also the experiment's
   canonical settings for the results store. sweep/config_load reads a file into it. A config
   owns its strings and the search space. */
#ifndef HIA_EXPERIMENT_CONFIG_H
#define HIA_EXPERIMENT_CONFIG_H

#include <stdint.h>

#include "base/error.h"
#include "experiment/space.h"

typedef struct config_dataset {
    char *name;
    long train;       /* images drawn from the official training split */
    long validation;  /* carved from the training split, disjoint from train */
    long test;        /* from the official test split; 0 = all of it */
    char *where;
} config_dataset;

/* Fixed architecture settings: not sampled, the same for every trial. */
typedef struct config_network {
    int pool_every;      /* a 2x2 max-pool after every pool_every-th conv layer */
    double momentum;     /* for optimizer=momentum */
    double weight_decay;
    char *init;          /* how weights start: pytorch (PyTorch's defaults) | darknet */
} config_network;

/* The analysis: block; a key the file leaves out is 0 (NULL, -1 for the seed): the
   analysis's own default applies. */
typedef struct config_analysis {
    int neighbours;
    char *weighting;  /* equal | rank */
    double sigma;
    int icc_subsamples;
    double icc_fraction;
    int fanova_trees;
    long fanova_seed;
} config_analysis;

typedef struct config {
    char *path;
    char *experiment;
    uint64_t seed;
    long trials;
    char *sampler;    /* random | sobol | lhs */
    config_dataset *datasets;
    int n_datasets;
    char *device;     /* cpu | gpu | gpu:N */
    char *keep;       /* what stays in models/ after a trial: none | final */
    char *models;     /* the folder of models/<experiment>/ (NULL: models), e.g. shared */
    int threads;      /* 0 = all cores */
    space space;
    config_network network;
    config_analysis analysis;
} config;

/* A setting of the experiment as key and canonical text, for the results store. */
typedef struct config_setting {
    char key[64];
    char value[1024];
} config_setting;

/* Everything that decides the experiment's results, as *n settings (the caller frees them). */
config_setting *config_settings(const config *c, int *n);
void config_free(config *c);
const config_dataset *config_find_dataset(const config *c, const char *name);

#endif
