/* store_arg: the STORE argument of status and export: a results store, or an experiment file
   standing for its default store. */
#ifndef HIA_STORE_ARG_H
#define HIA_STORE_ARG_H

#include "base/error.h"
#include "store/store.h"

/* Opens the store path names; *where (the caller frees it) is the store's path. */
int store_arg_open(const char *path, store **s, char **where, hia_error *err);

#endif
