/* report_doc: one document written twice as it is built, as HTML (figures inline) and as
   Markdown (figures as linked .svg files in the same folder), so both say the same. */
#ifndef HIA_REPORT_DOC_H
#define HIA_REPORT_DOC_H

#include "base/error.h"
#include "report/svg.h"

typedef struct report_doc {
    strbuf html, md;
    const char *dir;     /* where the figure files go */
    int figures;
    char **slugs;        /* each figure's file name (without .svg) and id (after fig-) */
    hia_error *err;
    int failed;
} report_doc;

void doc_begin(report_doc *d, const char *dir, const char *title, hia_error *err);
void doc_heading(report_doc *d, int level, const char *text);
void doc_para(report_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A table: doc_table(d, n, header...) then doc_row(d, cell...) n cells each, doc_table_end. */
void doc_table(report_doc *d, int n, ...);
void doc_row(report_doc *d, int n, ...);
void doc_table_end(report_doc *d);
/* Writes the figure to DIR as a .svg file named after name, made safe and unique (a name can
   hold anything: it may come from a hyperparameter's), and puts it in both documents. */
void doc_figure(report_doc *d, const char *name, strbuf *figure, const char *caption);
/* Writes DIR/report.html and DIR/report.md. */
int doc_finish(report_doc *d);
void doc_free(report_doc *d);

#endif
