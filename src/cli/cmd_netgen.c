/* hia netgen: the Darknet cfg of one configuration. */
#include "cli/commands.h"

#include <stdio.h>

#include "cli/job.h"

static const command_help help = {
    "hia netgen CONFIG [--dataset D] [--set key=value]... [--seed S]",
    "Prints the Darknet cfg that hia train would build for the same arguments.\n", NULL,
    "CONFIG", 1, 1};

int cmd_netgen(int argc, char **argv, hia_error *err)
{
    job_args a = {0};
    option opts[] = {JOB_OPTIONS(&a), OPT_END()};
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc) {
        option_list_free(&a.sets);
        return rc < 0 ? -1 : 0;
    }
    job j;
    rc = job_prepare(argv[0], &a, &j, err);
    if (!rc)
        fputs(j.net_cfg, stdout);
    job_free(&j);
    option_list_free(&a.sets);
    return rc;
}
