/* commands: every hia command, one function and one file each (cli/cmd_NAME.c). argv holds
   the arguments after the command's name. main.c's table lists them with their summaries. */
#ifndef HIA_COMMANDS_H
#define HIA_COMMANDS_H

#include "base/error.h"

int cmd_run(int argc, char **argv, hia_error *err);
int cmd_slurm(int argc, char **argv, hia_error *err);
int cmd_status(int argc, char **argv, hia_error *err);
int cmd_export(int argc, char **argv, hia_error *err);
int cmd_analyze(int argc, char **argv, hia_error *err);
int cmd_report(int argc, char **argv, hia_error *err);
int cmd_train(int argc, char **argv, hia_error *err);
int cmd_netgen(int argc, char **argv, hia_error *err);
int cmd_datasets(int argc, char **argv, hia_error *err);

#endif
