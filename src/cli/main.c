/* main: the hia command line. One table of every command, one dispatch path; prints the
   error a command returns and is the only place that exits. Exit status: 0 success, 1 user
   error, 2 internal, 3 a fault of the machine (disk full, I/O error), 4 a sweep that ended
   with trials failed for good, 130/143 a sweep stopped by SIGINT/SIGTERM. */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "cli/commands.h"
#include "train/cpu.h"

/* Every command: adding one is a row here and its cli/cmd_NAME.c. */
static const struct command {
    const char *name, *synopsis, *summary;
    int (*run)(int argc, char **argv, hia_error *err);
} commands[] = {
    {"run", "run CONFIG", "start, or continue, the experiment in CONFIG", cmd_run},
    {"slurm", "slurm CONFIG", "the sweep as a Slurm job array sharing one PostgreSQL store",
     cmd_slurm},
    {"status", "status [CONFIG|STORE]", "trials by state, per dataset, throughput, ETA",
     cmd_status},
    {"export", "export STORE", "one row per trial, as CSV or JSON", cmd_export},
    {"analyze", "analyze STORE|CSV", "rank the hyperparameters, check the ranking's stability",
     cmd_analyze},
    {"report", "report STORE", "write the study's report (HTML and Markdown, SVG figures)",
     cmd_report},
    {"train", "train CONFIG", "train and evaluate one configuration (no results store)",
     cmd_train},
    {"netgen", "netgen CONFIG", "print the Darknet cfg of one configuration", cmd_netgen},
    {"datasets", "datasets ACTION", "list, check, fetch, inspect datasets; write splits",
     cmd_datasets},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fputs("usage: hia <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-22s %s\n", commands[i].synopsis, commands[i].summary);
    fputs("\n"
          "hia <command> --help shows a command's options; hia --version its version;\n"
          "hia --list-commands and hia <command> --list-options name them (shell completion).\n"
          "Exit status: 0 success, 1 a user error, 2 an internal failure, 3 a fault of the\n"
          "machine (no space left, an I/O error: fix it and run again), 4 a sweep that ended\n"
          "with trials failed for good, 130 and 143 a sweep stopped by SIGINT and SIGTERM.\n",
          out);
}

int main(int argc, char **argv)
{
    hia_error err = {0};
    cpu_fix_blas_kernels(argv);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? HIA_EUSER : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hia %s (Darknet with %d hia patches)\n", HIA_VERSION, HIA_DARKNET_PATCHES);
        return 0;
    }
    if (!strcmp(argv[1], "--list-commands")) {
        for (size_t i = 0; i < N_COMMANDS; i++)
            puts(commands[i].name);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name))
            continue;
        if (!commands[i].run(argc - 2, argv + 2, &err))
            return 0;
        fprintf(stderr, "hia %s: %s\n", argv[1], err.msg);
        return err.status ? err.status : HIA_EINTERNAL;
    }
    fprintf(stderr, "hia: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return HIA_EUSER;
}
