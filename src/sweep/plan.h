/* plan: what a sweep will run, in its store before any trial starts. A first run records
   the experiment's settings and plans its trials; a later run checks the settings (refusing
   other ones) and adds nothing that is there already. */
#ifndef HIA_PLAN_H
#define HIA_PLAN_H

#include "base/error.h"
#include "store/store.h"
#include "sweep/config.h"

int plan_sweep(store *db, const config *c, hia_error *err);

#endif
