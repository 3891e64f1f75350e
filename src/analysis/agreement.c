/* Spearman and Kendall rank agreement of two importance vectors. */
#include "analysis/agreement.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

#include "base/alloc.h"

static int constant(const double *v, int n)
{
    for (int i = 1; i < n; i++)
        if (v[i] != v[0])
            return 0;
    return 1;
}

double agreement_spearman(const double *a, const double *b, int n)
{
    if (n < 2 || constant(a, n) || constant(b, n))
        return NAN;
    double *work = xmalloc(sizeof(double) * 2 * (size_t)n);
    double rho = gsl_stats_spearman(a, 1, b, 1, (size_t)n, work);
    free(work);
    return rho;
}

double agreement_kendall(const double *a, const double *b, int n)
{
    double concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            double da = a[i] - a[j], db = b[i] - b[j];
            if (da == 0)
                ties_a++;
            if (db == 0)
                ties_b++;
            if (da != 0 && db != 0) {
                if ((da > 0) == (db > 0))
                    concordant++;
                else
                    discordant++;
            }
        }
    }
    double pairs = (double)n * (n - 1) / 2;
    double denom = sqrt((pairs - ties_a) * (pairs - ties_b));
    return denom > 0 ? (concordant - discordant) / denom : NAN;
}
