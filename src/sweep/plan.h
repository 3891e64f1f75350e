/* plan: what a sweep will run, in its store before any trial starts. The configurations are
   drawn first, before any store is made or touched (a space too small for its trials fails
   there); then a first run records the experiment's settings and plans its trials, and a
   later run checks the settings (refusing other ones) and adds nothing that is there already. */
#ifndef HIA_PLAN_H
#define HIA_PLAN_H

#include "base/error.h"
#include "store/store.h"
#include "experiment/config.h"

/* Configurations planned per transaction: the memory of their texts stays small whatever the
   number of trials. */
#define PLAN_CHUNK 1024

/* What a run records besides the settings that decide the sweep, once they are checked: the
   experiment's analysis: block, which the stage that owns it (analysis/) writes. */
typedef int (*plan_record)(store *db, const config *c, hia_error *err);

/* The experiment's configurations, drawn by its sampler. */
typedef struct plan {
    space_config *configs;
    long n;
} plan;

/* Draws the c->trials configurations (the same for every dataset). */
int plan_draw(const config *c, plan *p, hia_error *err);
/* Checks (or records) the settings, calls record when not NULL, then inserts the trials of p
   that are not planned yet, configuration-major, PLAN_CHUNK configurations per transaction
   (a plan cut short is completed by the next run). */
int plan_sweep(store *db, const config *c, const plan *p, plan_record record, hia_error *err);
void plan_free(plan *p);

#endif
