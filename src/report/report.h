/* report: a study's report from its results store, finished or mid-sweep: report.html
   (self-contained, figures inline as SVG), report.md (the same content, figures linked) and
   the figures as .svg files. */
#ifndef HIA_REPORT_H
#define HIA_REPORT_H

#include "base/error.h"

/* Writes the report of the store at store_path into dir (NULL: results/<experiment>);
   *written (the caller frees it) is the folder written. */
int report_write(const char *store_path, const char *dir, char **written, hia_error *err);

#endif
