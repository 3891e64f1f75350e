/* relief: RReliefF attribute weights for a numeric target (Robnik-Sikonja & Kononenko 1997),
   computed as Weka 3.6's ReliefFAttributeEval computes them (values normalised first, Manhattan
   distance, its k-nearest bookkeeping and tie rule, its rank weights and sort, java.util.Random
   for sampled instances), plus N-RReliefF's normalised importances.
   Columns marked log are normalised on the log scale (Weka sees raw values).
   Missing values (inactive per-layer hyperparameters): both missing differ by 0, one missing
   by 1. */
#ifndef HIA_RELIEF_H
#define HIA_RELIEF_H

#include <stdint.h>

#include "analysis/table.h"
#include "base/error.h"

typedef struct relief_options {
    int neighbours;     /* k */
    int rank_weighting; /* exp(-(rank/sigma)^2), else equal 1/k */
    double sigma;
    int euclidean;      /* else Manhattan (Weka) */
    int sorted_ties;    /* neighbours ranked by (distance, row); else Weka's quicksort order */
    long iterations;    /* instances sampled; 0 or >= rows: every row once, in order */
    int32_t seed;       /* java.util.Random seed of the sampling (Weka's -D) */
} relief_options;

/* Raw RReliefF weights W (one per column, in [-1, 1]). */
int relief_weights(const table *t, const relief_options *o, double *w, hia_error *err);
/* Raw weights under n settings at once (w: n x columns), for the sensitivity grid: each
   instance's distances are computed once (settings[0]'s distance, iterations and seed for
   all) and its nearest rows found once, tied ones ranked by row (as with sorted ties); each
   setting takes its first k with its own weighting. */
int relief_weights_grid(const table *t, const relief_options *settings, int n, double *w,
                        hia_error *err);
/* Importances: max(W, 0) / sum of max(W, 0); all zero when no weight is positive. */
void relief_normalise(const double *w, int n, double *importance);

#endif
