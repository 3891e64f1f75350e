/* A command's STORE argument: a store, or an experiment file's default store. */
#include "cli/store_arg.h"

#include <stdlib.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "sweep/config_load.h"
#include "sweep/runner.h"

int store_arg_open(const char *path, store **s, char **where, hia_error *err)
{
    *where = NULL;
    if (str_ends_with(path, ".yaml") || str_ends_with(path, ".yml")) {
        config c;
        if (config_load(&c, path, err))
            return -1;
        *where = runner_store_path(&c, NULL);
        config_free(&c);
    } else {
        *where = xstrdup(path);
    }
    return store_open_existing(*where, s, err);
}
