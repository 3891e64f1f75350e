/* report: the `hia report STORE [-o DIR]` command: report.html (self-contained, figures
   inline as SVG), report.md (the same content, figures linked) and the figures as .svg files,
   from a results store, finished or mid-sweep. */
#ifndef HIA_REPORT_H
#define HIA_REPORT_H

#include "base/error.h"

extern const char report_usage[];

/* argv: the arguments after `report`. */
int report_command(int argc, char **argv, hia_error *err);

#endif
