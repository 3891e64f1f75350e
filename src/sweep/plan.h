/* plan: what a sweep will run, in its store before any trial starts. A first run records
   the experiment's settings and plans its trials; a later run checks the settings (refusing
   other ones) and adds nothing that is there already. */
#ifndef HIA_PLAN_H
#define HIA_PLAN_H

#include "base/error.h"
#include "store/store.h"
#include "experiment/config.h"

/* What a run records besides the settings that decide the sweep, once they are checked: the
   experiment's analysis: block, which the stage that owns it (analysis/) writes. */
typedef int (*plan_record)(store *db, const config *c, hia_error *err);

/* Checks (or records) the settings, calls record when not NULL, then plans the trials. */
int plan_sweep(store *db, const config *c, plan_record record, hia_error *err);

#endif
