/* fanova: functional ANOVA of a random forest (Hutter, Hoos, Leyton-Brown 2014). Each tree's
   leaves are boxes of the domain weighted by their share of its volume (numeric features:
   their interval's share of the feature's range; categorical: their levels' share); the
   variance of the tree's prediction splits exactly into main effects and pairwise
   interactions, computed on the grid of the tree's own split points. Importances are the
   mean over trees (those with variance) of each part's share of the tree's variance, with
   their standard deviation across trees. */
#ifndef HIA_FANOVA_H
#define HIA_FANOVA_H

#include "analysis/forest.h"
#include "base/error.h"

typedef struct fanova_result {
    int d;
    int trees;           /* trees with non-zero variance, the ones averaged */
    double *main_mean;   /* d: individual importance of each feature */
    double *main_std;
    double *pair_mean;   /* d x d, [i*d+j] for i < j: the interaction's own share */
    double *pair_std;
} fanova_result;

/* cutoffs: NULL, or {lo, hi} to clamp leaf values first ("improvement over a default"). */
int fanova_decompose(const forest *f, const double *cutoffs, fanova_result *r, hia_error *err);
void fanova_result_free(fanova_result *r);

/* The marginal prediction of feature j (the forest's mean prediction with every other feature
   averaged over its domain), at `points` evenly spaced values of a numeric feature's domain or
   at each level of a categorical one (points is then the number of levels): x gets the values
   (on the feature's scale: log where log), mean and std their marginal across trees. */
int fanova_marginal(const forest *f, int j, int points, double *x, double *mean, double *std,
                    hia_error *err);

#endif
