/* config_load: reading an experiment YAML file (libyaml) into its schema (experiment/config.h),
   every value validated: against hia's limits, the dataset descriptors and the values the
   trainer takes (train/netgen's table), so that a file that loads plans no trial bound to
   fail. Every error names file:line:column and the key. */
#ifndef HIA_CONFIG_LOAD_H
#define HIA_CONFIG_LOAD_H

#include "base/error.h"
#include "experiment/config.h"

/* The limits of an experiment file (besides base/yamldoc's on the file, and the trainer's on
   each hyperparameter's values); README, "Experiment files", lists them all. */
#define CONFIG_MAX_TRIALS 100000L    /* per dataset: drawing them is quadratic (no repeats) */
#define CONFIG_MAX_PLANNED 1000000L  /* trials x datasets: planning them takes minutes */
#define CONFIG_MAX_DATASETS 64
#define CONFIG_MAX_CHOICES 1024      /* of one categorical hyperparameter */
#define CONFIG_MAX_NAME 64           /* the experiment's name */
#define CONFIG_MAX_POOL_EVERY 1000   /* network.pool_every (more than conv_layers: no pooling) */
#define CONFIG_MAX_IMAGES 2147483647L /* a dataset's train, validation, test */

int config_load(config *c, const char *path, hia_error *err);

#endif
