/* icc: intraclass correlation coefficients (Shrout & Fleiss 1979; McGraw & Wong 1996) of an
   n targets x k raters matrix: the six forms with F, degrees of freedom, p and the 95%
   interval, computed as R's psych::ICC (lmer = FALSE) computes them; and the Koo & Li (2016)
   reading of an interval. */
#ifndef HIA_ICC_H
#define HIA_ICC_H

#include "base/error.h"

typedef struct icc_form {
    const char *type;  /* ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k */
    const char *name;  /* psych's row name */
    double icc, f, df1, df2, p, lower, upper;
} icc_form;

/* x: n rows x k columns, row-major, no missing values; n >= 2, k >= 2. */
int icc_compute(const double *x, int n, int k, icc_form forms[6], hia_error *err);
/* "poor", "moderate", "good" or "excellent", from an interval's lower bound (Koo & Li). */
const char *icc_reading(double lower);

#endif
