/* config_load: reading an experiment YAML file (libyaml) into its schema (experiment/config.h),
   every value validated: against hia's limits, the dataset descriptors and the values the
   trainer takes (train/netgen's table), so that a file that loads plans no trial bound to
   fail. Every error names file:line:column and the key. */
#ifndef HIA_CONFIG_LOAD_H
#define HIA_CONFIG_LOAD_H

#include "base/error.h"
#include "experiment/config.h"

int config_load(config *c, const char *path, hia_error *err);

#endif
