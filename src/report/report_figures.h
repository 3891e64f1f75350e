/* report_figures: the report's figures, drawn from report_data as SVG (src/svg.h). */
#ifndef HIA_REPORT_FIGURES_H
#define HIA_REPORT_FIGURES_H

#include "report/report_data.h"
#include "report/svg.h"

/* N-RReliefF (95% interval) and fANOVA (± 1 std across trees), side by side. */
void figure_importance(const report_data *d, strbuf *s);
/* Box plots of each hyperparameter's importance across datasets (or, with one dataset,
   across the stability check's subsamples); *across names what the boxes range over. */
void figure_spread(const report_data *d, strbuf *s, const char **across);
/* Each hyperparameter's rank range over the sensitivity grid, with its rank as used. */
void figure_sensitivity(const report_data *d, strbuf *s);
/* N-RReliefF importance of each layer's filters and kernel size. */
void figure_layers(const report_data *d, strbuf *s);
/* fANOVA marginal of column c: mean ± 1 std across trees; bars for categorical columns. */
void figure_marginal(const report_data *d, int c, strbuf *s);
/* Heat map of the pairwise interactions (share of variance). */
void figure_interactions(const report_data *d, strbuf *s);
/* Test accuracy of the finished trials, per dataset. */
void figure_accuracy(const report_data *d, strbuf *s);
/* Test accuracy in the order the trials finished, with each dataset's best so far. */
void figure_progress(const report_data *d, strbuf *s);

#endif
