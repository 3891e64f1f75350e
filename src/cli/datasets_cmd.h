/* datasets_cmd: the `hia datasets list|check|fetch|inspect` command: what datasets are
   described and present, whether their files are intact, getting them, and what any dataset
   file or folder holds. */
#ifndef HIA_DATASETS_CMD_H
#define HIA_DATASETS_CMD_H

#include "base/error.h"

extern const char datasets_usage[];

/* argv: the arguments after `datasets`. */
int datasets_command(int argc, char **argv, hia_error *err);

#endif
