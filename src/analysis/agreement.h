/* agreement: rank agreement of two importance vectors, between methods or between datasets:
   Spearman's rho (average ranks for ties, GSL) and Kendall's tau-b, as R's cor() gives them. */
#ifndef HIA_AGREEMENT_H
#define HIA_AGREEMENT_H

#include "base/error.h"

/* NaN when a vector is constant (no ranking to agree with). */
double agreement_spearman(const double *a, const double *b, int n);
double agreement_kendall(const double *a, const double *b, int n);

#endif
