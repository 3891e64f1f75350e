/* analyze: the `hia analyze` command. Reads a results store or a CSV table, runs N-RReliefF
   (with bootstrap intervals) and the ICC stability check across subsamples, or the six ICC
   forms of a CSV matrix, and prints a ranked table or JSON. */
#ifndef HIA_ANALYZE_H
#define HIA_ANALYZE_H

#include "base/error.h"

extern const char analyze_usage[];

/* argv: the arguments after `analyze`. */
int analyze_command(int argc, char **argv, hia_error *err);

#endif
