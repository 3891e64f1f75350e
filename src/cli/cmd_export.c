/* hia export: a results store as rows, CSV or JSON. */
#include "cli/commands.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli/options.h"
#include "cli/store_arg.h"
#include "store/export.h"

static const command_help help = {
    "hia export STORE [--format csv|json]",
    "One row per trial: id, dataset, status and reason, accuracies, epochs, times, images/s,\n"
    "seed, what reproduces it, and every hyperparameter (per-layer ones as name_1, name_2, ...).\n",
    NULL, "STORE", 1, 1};

int cmd_export(int argc, char **argv, hia_error *err)
{
    static const char *const formats[] = {"csv", "json", NULL};
    int format = 0;
    option opts[] = {
        OPT_CHOICE("--format", "csv|json", &format, formats, "csv (default) or json"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    store *s = NULL;
    char *where;
    rc = store_arg_open(argv[0], &s, &where, err);
    if (!rc)
        rc = format ? export_json(s, stdout, err) : export_csv(s, stdout, err);
    store_close(s);
    free(where);
    return rc;
}
