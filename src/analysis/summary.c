/* One table's importance analysis as numbers, shared by analyze and report. */
#include "analysis/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/agreement.h"
#include "base/alloc.h"
#include "base/rng.h"

summary_options summary_defaults(void)
{
    return (summary_options){
        .relief = {.neighbours = 10, .rank_weighting = 1, .sigma = 2},
        .forest = {.trees = 64, .max_depth = 64, .min_samples_split = 2, .min_samples_leaf = 1,
                   .max_features = 1, .bootstrap = 1, .seed = 1},
        .bootstrap = 50,
        .subsamples = 10,
        .fraction = 0.5,
        .seed = 1,
    };
}

static const double *sort_key;

static int by_key(const void *x, const void *y)
{
    int i = *(const int *)x, j = *(const int *)y;
    if (sort_key[i] != sort_key[j])
        return sort_key[i] > sort_key[j] ? -1 : 1;
    return (i > j) - (i < j);
}

/* idx sorted by key, highest first (ties by index). */
static void order_by(int *idx, int n, const double *key)
{
    sort_key = key;
    qsort(idx, (size_t)n, sizeof(int), by_key);
}

int summary_relief(const table *t, const summary_options *o, relief_summary *r, hia_error *err)
{
    int d = t->n_cols;
    r->raw = xcalloc((size_t)d, sizeof(double));
    r->importance = xcalloc((size_t)d, sizeof(double));
    r->lower = xcalloc((size_t)d, sizeof(double));
    r->upper = xcalloc((size_t)d, sizeof(double));
    r->order = xcalloc((size_t)d, sizeof(int));
    if (relief_weights(t, &o->relief, r->raw, err))
        return -1;
    relief_normalise(r->raw, d, r->importance);
    for (int j = 0; j < d; j++)
        r->lower[j] = r->upper[j] = NAN;
    if (o->bootstrap)
        relief_bootstrap(t, &o->relief, o->bootstrap, o->seed, r->lower, r->upper);
    for (int j = 0; j < d; j++)
        r->order[j] = j;
    order_by(r->order, d, r->importance);
    return 0;
}

void relief_summary_free(relief_summary *r)
{
    free(r->raw);
    free(r->importance);
    free(r->lower);
    free(r->upper);
    free(r->order);
    memset(r, 0, sizeof(*r));
}

static int marginals(const table *t, const forest *f, marginal *m, hia_error *err)
{
    for (int c = 0; c < t->n_cols; c++) {
        if (fanova_marginal(f, c, SUMMARY_MARGINAL_POINTS, m[c].x, m[c].mean, m[c].std, err))
            return -1;
        m[c].n = t->cols[c].categorical ? t->cols[c].n_levels : SUMMARY_MARGINAL_POINTS;
        for (int p = 0; t->cols[c].log && !t->cols[c].categorical && p < m[c].n; p++)
            m[c].x[p] = exp(m[c].x[p]);
    }
    return 0;
}

int summary_fanova(const table *t, const summary_options *o, fanova_summary *s, hia_error *err)
{
    forest f;
    int d = t->n_cols;
    memset(s, 0, sizeof(*s));
    if (forest_fit(t, &o->forest, &f, err))
        return -1;
    int rc = fanova_decompose(&f, o->has_cutoffs ? o->cutoffs : NULL, &s->r, err);
    s->order = xmalloc(sizeof(int) * (size_t)d);
    s->pairs = xmalloc(sizeof(int) * (size_t)d * (size_t)d);
    s->marginals = xcalloc((size_t)d, sizeof(marginal));
    if (!rc) {
        for (int i = 0; i < d; i++) {
            s->order[i] = i;
            for (int k = i + 1; k < d; k++)
                s->pairs[s->n_pairs++] = i * d + k;
        }
        order_by(s->order, d, s->r.main_mean);
        order_by(s->pairs, s->n_pairs, s->r.pair_mean);
        rc = marginals(t, &f, s->marginals, err);
    }
    forest_free(&f);
    return rc;
}

void fanova_summary_free(fanova_summary *s)
{
    if (s->r.main_mean)
        fanova_result_free(&s->r);
    free(s->order);
    free(s->pairs);
    free(s->marginals);
    memset(s, 0, sizeof(*s));
}

/* N-RReliefF importances on `subsamples` random subsets (without replacement) of the rows;
   the matrix is columns x subsamples. */
static int subsample_importances(const table *t, const summary_options *o, double *m,
                                 hia_error *err)
{
    int d = t->n_cols, n = t->n_rows, k = o->subsamples;
    int size = (int)floor(o->fraction * n);
    if (size < 2)
        return hia_fail(err, HIA_EUSER, "--fraction %g of %d trials leaves fewer than 2 per "
                        "subsample", o->fraction, n);
    table s = *t;
    int *rows = xmalloc(sizeof(int) * (size_t)n);
    double *w = xmalloc(sizeof(double) * (size_t)d), *imp = xmalloc(sizeof(double) * (size_t)d);
    s.x = xmalloc(sizeof(double) * (size_t)size * (size_t)d);
    s.y = xmalloc(sizeof(double) * (size_t)size);
    s.n_rows = size;
    int rc = 0;
    for (int r = 0; !rc && r < k; r++) {
        rng g;
        rng_init(&g, rng_derive(o->seed, (uint64_t)r, RNG_SUBSAMPLE, 0));
        for (int i = 0; i < n; i++)
            rows[i] = i;
        rng_shuffle(&g, rows, n);
        for (int i = 0; i < size; i++) {
            memcpy(s.x + (size_t)i * d, t->x + (size_t)rows[i] * d, sizeof(double) * (size_t)d);
            s.y[i] = t->y[rows[i]];
        }
        if (relief_weights(&s, &o->relief, w, err)) {
            rc = hia_wrap(err, "stability check, subsample %d", r + 1);
            break;
        }
        relief_normalise(w, d, imp);
        for (int j = 0; j < d; j++)
            m[(size_t)j * k + r] = imp[j];
    }
    free(rows);
    free(w);
    free(imp);
    free(s.x);
    free(s.y);
    return rc;
}

/* ICC(2,1): a single subsample's importances agreeing in absolute value with another's, the
   raters (subsamples) a random draw: the strictest form that fits the question. */
#define STABILITY_FORM 1

int summary_stability(const table *t, const summary_options *o, stability_summary *s,
                      hia_error *err)
{
    memset(s, 0, sizeof(*s));
    s->chosen = STABILITY_FORM;
    s->subsamples = o->subsamples;
    s->fraction = o->fraction;
    s->matrix = xmalloc(sizeof(double) * (size_t)t->n_cols * (size_t)o->subsamples);
    int rc = subsample_importances(t, o, s->matrix, err);
    if (!rc)
        rc = icc_compute(s->matrix, t->n_cols, o->subsamples, s->forms, err);
    return rc ? hia_wrap(err, "stability check") : 0;
}

void stability_summary_free(stability_summary *s)
{
    free(s->matrix);
    memset(s, 0, sizeof(*s));
}

void summary_agreement(const double *a, const double *b, int d, double *rho, double *tau)
{
    *rho = agreement_spearman(a, b, d);
    *tau = agreement_kendall(a, b, d);
}

int summary_per_dataset(store *s, const char *target, int layers, const summary_options *o,
                        const char *const *datasets, int n, double **imp, int *d,
                        hia_error *err)
{
    int rc = 0;
    *imp = NULL;
    *d = 0;
    for (int k = 0; k < n && !rc; k++) {
        table t;
        table_store_options to = {target, datasets[k], 0, layers};
        if ((rc = table_from_store(s, &to, &t, err)))
            break;
        if (!*imp) {
            *d = t.n_cols;
            *imp = xcalloc((size_t)n * (size_t)*d, sizeof(double));
        }
        double *w = xmalloc(sizeof(double) * (size_t)*d);
        if (t.n_cols != *d)
            rc = hia_fail(err, HIA_EINTERNAL, "%d columns, not %d as in the first dataset",
                          t.n_cols, *d);
        else if (!(rc = relief_weights(&t, &o->relief, w, err)))
            relief_normalise(w, *d, *imp + (size_t)k * *d);
        if (rc)
            hia_wrap(err, "dataset %s", datasets[k]);
        free(w);
        table_free(&t);
    }
    return rc;
}
