/* settings: the experiment's analysis: block, as analyze and report use it. hia run records
   the block in the store (meta keys analysis:*, rewritten by every run: they never change the
   sweep), analyze and report read it back, and a flag given on the command line wins over it.
   Each use says which settings it took and where from. */
#ifndef HIA_ANALYSIS_SETTINGS_H
#define HIA_ANALYSIS_SETTINGS_H

#include <stddef.h>

#include "analysis/summary.h"
#include "experiment/config.h"
#include "base/error.h"
#include "store/store.h"

/* The settings a command line gave (bits of `given`). */
enum {
    SETTING_NEIGHBOURS = 1,
    SETTING_WEIGHTING = 2,
    SETTING_SIGMA = 4,
    SETTING_SUBSAMPLES = 8,
    SETTING_FRACTION = 16,
    SETTING_TREES = 32,
    SETTING_SEED = 64
};

int settings_record(store *s, const config_analysis *a, hia_error *err);
/* Applies the store's analysis: block to o, except the settings in given; describes the
   settings used in said ("neighbours 10 (experiment), ..."). */
int settings_apply(store *s, summary_options *o, unsigned given, char *said, size_t size,
                   hia_error *err);

#endif
