/* export: a results store as a table, one row per trial: identity, status and reason,
   accuracies, times, images/s, what reproduces it, and every hyperparameter (per-layer ones
   as name_1, name_2, … empty where the layer does not exist). CSV or JSON. */
#ifndef HIA_EXPORT_H
#define HIA_EXPORT_H

#include <stdio.h>

#include "base/error.h"
#include "store/store.h"

int export_csv(store *s, FILE *out, hia_error *err);
int export_json(store *s, FILE *out, hia_error *err);

#endif
