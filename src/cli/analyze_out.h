/* analyze_out: the analyze command's printouts, as text or JSON, of a table set's summary
   (analysis/summary.h): the N-RReliefF ranking (with each dataset's importances when several
   combine), fANOVA, the stability check, the sensitivity to N-RReliefF's settings, and the
   agreement of the methods and of the datasets. */
#ifndef HIA_ANALYZE_OUT_H
#define HIA_ANALYZE_OUT_H

#include "analysis/summary.h"
#include "analysis/tableset.h"
#include "base/jsonw.h"

typedef struct analyze_view {
    const table_set *set;
    const summary_options *o;
    jsonw *json;  /* NULL: text */
} analyze_view;

void analyze_out_relief(const analyze_view *v, const relief_summary *r);
void analyze_out_fanova(const analyze_view *v, const fanova_summary *f);
void analyze_out_stability(const analyze_view *v, const stability_summary *s);
void analyze_out_sensitivity(const analyze_view *v, const sensitivity_summary *s);
/* The methods' agreement (fanova_main NULL: none) and, with several tables, the datasets'. */
void analyze_out_agreement(const analyze_view *v, const relief_summary *r,
                           const double *fanova_main);
void analyze_out_forms(jsonw *j, const icc_form *f);
void analyze_out_forms_text(const icc_form *f);

#endif
