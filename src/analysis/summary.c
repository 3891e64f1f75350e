/* A table set's importance analysis as numbers, shared by analyze and report. */
#include "analysis/summary.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/agreement.h"
#include "base/alloc.h"
#include "base/rng.h"

summary_options summary_defaults(void)
{
    return (summary_options){
        .relief = {.neighbours = 0, .rank_weighting = 0, .sigma = 0},
        .forest = {.trees = 64, .max_depth = 64, .min_samples_split = 2, .min_samples_leaf = 1,
                   .max_features = 1, .bootstrap = 1, .seed = 1},
        .bootstrap = 50,
        .subsamples = 10,
        .fraction = 0.5,
        .seed = 1,
    };
}

relief_options summary_relief_resolved(const relief_options *o, int rows)
{
    relief_options r = *o;
    if (r.neighbours <= 0) {
        int k = rows / SUMMARY_K_SHARE;
        r.neighbours = k < SUMMARY_K_MIN ? SUMMARY_K_MIN : k > SUMMARY_K_MAX ? SUMMARY_K_MAX : k;
    }
    if (!(r.sigma > 0))
        r.sigma = r.neighbours * 2.0 / 7.0;
    return r;
}

void summary_relief_describe(const table_set *set, const relief_options *o, char *buf,
                             size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "k ");
    for (int t = 0; t < set->n && used < size; t++) {
        relief_options r = summary_relief_resolved(o, set->tables[t].n_rows);
        used += (size_t)snprintf(buf + used, size - used, "%s%d", t ? "/" : "", r.neighbours);
    }
    if (used < size && o->neighbours <= 0)
        used += (size_t)snprintf(buf + used, size - used, " (auto: the trials / %d, within "
                                 "%d-%d%s)", SUMMARY_K_SHARE, SUMMARY_K_MIN, SUMMARY_K_MAX,
                                 set->n > 1 ? ", per dataset" : "");
    /* a trial's neighbours are the other trials: say when there are fewer than k */
    int fewest = INT_MAX;
    for (int t = 0; t < set->n; t++)
        fewest = set->tables[t].n_rows < fewest ? set->tables[t].n_rows : fewest;
    if (used < size && set->n && fewest - 1 < summary_relief_resolved(o, fewest).neighbours)
        used += (size_t)snprintf(buf + used, size - used, " (only %d other trials: every trial "
                                 "is each one's neighbour)", fewest - 1);
    relief_options first = summary_relief_resolved(o, set->n ? set->tables[0].n_rows : 0);
    if (used < size && o->rank_weighting)
        used += (size_t)snprintf(buf + used, size - used, ", rank weighting (sigma %g%s)",
                                 first.sigma, o->sigma > 0 ? "" : ": 2k/7");
    else if (used < size)
        used += (size_t)snprintf(buf + used, size - used, ", equal weights");
    if (used < size)
        snprintf(buf + used, size - used, ", %s distance", o->euclidean ? "euclidean" : "manhattan");
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

/* ---- configurations: what resamples and subsamples draw --------------------------------- */

typedef struct configs {
    int n;        /* distinct configurations over the tables */
    int **index;  /* per table, per row: its configuration's place among the n */
} configs;

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void configs_of(const table_set *s, configs *c)
{
    long total = table_set_rows(s);
    long *all = xmalloc(sizeof(long) * (size_t)(total ? total : 1));
    long k = 0;
    for (int t = 0; t < s->n; t++)
        for (int i = 0; i < s->tables[t].n_rows; i++)
            all[k++] = table_config(&s->tables[t], i);
    qsort(all, (size_t)total, sizeof(long), cmp_long);
    c->n = 0;
    for (long i = 0; i < total; i++)
        if (i == 0 || all[i] != all[i - 1])
            all[c->n++] = all[i];
    c->index = xcalloc((size_t)s->n, sizeof(int *));
    for (int t = 0; t < s->n; t++) {
        const table *tab = &s->tables[t];
        c->index[t] = xmalloc(sizeof(int) * (size_t)(tab->n_rows ? tab->n_rows : 1));
        for (int i = 0; i < tab->n_rows; i++) {
            long number = table_config(tab, i);
            long *at = bsearch(&number, all, (size_t)c->n, sizeof(long), cmp_long);
            c->index[t][i] = (int)(at - all);
        }
    }
    free(all);
}

static void configs_free(configs *c, int tables)
{
    for (int t = 0; t < tables; t++)
        free(c->index[t]);
    free(c->index);
}

/* The rows of t whose configuration is kept, in t's order. */
static void kept_rows(const table *t, const int *index, const char *keep, table *out)
{
    int d = t->n_cols;
    *out = *t;
    out->x = xmalloc(sizeof(double) * (size_t)(t->n_rows ? t->n_rows : 1) * (size_t)d);
    out->y = xmalloc(sizeof(double) * (size_t)(t->n_rows ? t->n_rows : 1));
    out->config = NULL;
    out->n_rows = 0;
    for (int i = 0; i < t->n_rows; i++) {
        if (!keep[index[i]])
            continue;
        memcpy(out->x + (size_t)out->n_rows * d, t->x + (size_t)i * d, sizeof(double) * (size_t)d);
        out->y[out->n_rows++] = t->y[i];
    }
}

/* N-RReliefF on each table (its rows whose configuration is kept; keep NULL: all) with
   opts[t]: the mean importance into mean, each table's into per and the mean raw weight into
   raw (both may be NULL). */
static int set_importance(const table_set *s, const relief_options *opts, const configs *c,
                          const char *keep, double *mean, double *per, double *raw,
                          hia_error *err)
{
    int d = s->tables[0].n_cols, rc = 0;
    double *w = xmalloc(sizeof(double) * (size_t)d), *imp = xmalloc(sizeof(double) * (size_t)d);
    memset(mean, 0, sizeof(double) * (size_t)d);
    if (raw)
        memset(raw, 0, sizeof(double) * (size_t)d);
    for (int t = 0; t < s->n && !rc; t++) {
        table sub;
        const table *use = &s->tables[t];
        if (keep) {
            kept_rows(use, c->index[t], keep, &sub);
            use = &sub;
        }
        rc = relief_weights(use, &opts[t], w, err);
        if (keep) {
            free(sub.x);
            free(sub.y);
        }
        if (rc && s->n > 1)
            hia_wrap(err, "dataset %s", s->names[t]);
        if (rc)
            break;
        relief_normalise(w, d, imp);
        for (int j = 0; j < d; j++) {
            mean[j] += imp[j] / s->n;
            if (raw)
                raw[j] += w[j] / s->n;
            if (per)
                per[(size_t)t * d + j] = imp[j];
        }
    }
    free(w);
    free(imp);
    return rc;
}

static relief_options *resolved(const table_set *s, const relief_options *o)
{
    relief_options *r = xmalloc(sizeof(*r) * (size_t)s->n);
    for (int t = 0; t < s->n; t++)
        r[t] = summary_relief_resolved(o, s->tables[t].n_rows);
    return r;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear interpolation between order statistics (R's type 7). */
static double quantile(double *v, int n, double q)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    return lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* 95% intervals over resamples of the configurations: a configuration drawn several times
   is kept once (copies would be each other's nearest neighbours), on every dataset. */
static void bootstrap(const table_set *s, const relief_options *opts, const configs *c,
                      int replicates, uint64_t seed, double *lower, double *upper)
{
    int d = s->tables[0].n_cols, done = 0;
    double *all = xmalloc(sizeof(double) * (size_t)(replicates ? replicates : 1) * (size_t)d);
    double *column = xmalloc(sizeof(double) * (size_t)(replicates ? replicates : 1));
    char *drawn = xmalloc((size_t)(c->n ? c->n : 1));
    for (int r = 0; r < replicates; r++) {
        rng g;
        rng_init(&g, rng_derive(seed, (uint64_t)r, RNG_BOOTSTRAP, 0));
        memset(drawn, 0, (size_t)c->n);
        for (int i = 0; i < c->n; i++)
            drawn[rng_below(&g, (uint64_t)c->n)] = 1;
        hia_error ignore;
        if (set_importance(s, opts, c, drawn, all + (size_t)done * d, NULL, NULL, &ignore))
            continue; /* a resample whose target is constant says nothing */
        done++;
    }
    for (int j = 0; j < d; j++) {
        for (int r = 0; r < done; r++)
            column[r] = all[(size_t)r * d + j];
        lower[j] = done ? quantile(column, done, 0.025) : NAN;
        upper[j] = done ? quantile(column, done, 0.975) : NAN;
    }
    free(all);
    free(column);
    free(drawn);
}

int summary_relief(const table_set *s, const summary_options *o, relief_summary *r,
                   hia_error *err)
{
    int d = s->tables[0].n_cols;
    r->raw = xcalloc((size_t)d, sizeof(double));
    r->importance = xcalloc((size_t)d, sizeof(double));
    r->lower = xcalloc((size_t)d, sizeof(double));
    r->upper = xcalloc((size_t)d, sizeof(double));
    r->per = xcalloc((size_t)s->n * (size_t)d, sizeof(double));
    r->low = xcalloc((size_t)d, sizeof(double));
    r->high = xcalloc((size_t)d, sizeof(double));
    r->order = xcalloc((size_t)d, sizeof(int));
    relief_options *opts = resolved(s, &o->relief);
    configs c;
    configs_of(s, &c);
    int rc = set_importance(s, opts, &c, NULL, r->importance, r->per, r->raw, err);
    for (int j = 0; j < d; j++) {
        r->lower[j] = r->upper[j] = NAN;
        r->low[j] = r->high[j] = r->per[j];
        for (int t = 1; t < s->n; t++) {
            double v = r->per[(size_t)t * d + j];
            r->low[j] = v < r->low[j] ? v : r->low[j];
            r->high[j] = v > r->high[j] ? v : r->high[j];
        }
        r->order[j] = j;
    }
    if (!rc && o->bootstrap)
        bootstrap(s, opts, &c, o->bootstrap, o->seed, r->lower, r->upper);
    order_by(r->order, d, r->importance);
    configs_free(&c, s->n);
    free(opts);
    return rc;
}

void relief_summary_free(relief_summary *r)
{
    free(r->raw);
    free(r->importance);
    free(r->lower);
    free(r->upper);
    free(r->per);
    free(r->low);
    free(r->high);
    free(r->order);
    memset(r, 0, sizeof(*r));
}

/* ---- fANOVA ------------------------------------------------------------------------------ */

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

/* One table's decomposition and marginals. */
static int table_fanova(const table *t, const summary_options *o, fanova_result *r,
                        marginal *m, hia_error *err)
{
    forest f;
    if (forest_fit(t, &o->forest, &f, err))
        return -1;
    int rc = fanova_decompose(&f, o->has_cutoffs ? o->cutoffs : NULL, r, err);
    if (!rc)
        rc = marginals(t, &f, m, err);
    forest_free(&f);
    return rc;
}

/* Adds one table's result into the mean over n tables. */
static void add_fanova(fanova_summary *s, const fanova_result *r, const marginal *m, int n,
                       int first)
{
    int d = r->d;
    if (first) {
        s->r.trees = r->trees;
        for (int c = 0; c < d; c++) {
            s->marginals[c] = m[c];
            for (int p = 0; p < m[c].n; p++)
                s->marginals[c].mean[p] = s->marginals[c].std[p] = 0;
        }
    }
    s->r.trees = r->trees < s->r.trees ? r->trees : s->r.trees;
    for (int i = 0; i < d; i++) {
        s->r.main_mean[i] += r->main_mean[i] / n;
        s->r.main_std[i] += r->main_std[i] / n;
        for (int k = 0; k < d; k++) {
            s->r.pair_mean[i * d + k] += r->pair_mean[i * d + k] / n;
            s->r.pair_std[i * d + k] += r->pair_std[i * d + k] / n;
        }
        for (int p = 0; p < m[i].n && p < s->marginals[i].n; p++) {
            s->marginals[i].mean[p] += m[i].mean[p] / n;
            s->marginals[i].std[p] += m[i].std[p] / n;
        }
    }
}

int summary_fanova(const table_set *set, const summary_options *o, fanova_summary *s,
                   hia_error *err)
{
    int d = set->tables[0].n_cols, rc = 0;
    memset(s, 0, sizeof(*s));
    s->r.d = d;
    s->r.main_mean = xcalloc((size_t)d, sizeof(double));
    s->r.main_std = xcalloc((size_t)d, sizeof(double));
    s->r.pair_mean = xcalloc((size_t)d * (size_t)d, sizeof(double));
    s->r.pair_std = xcalloc((size_t)d * (size_t)d, sizeof(double));
    s->per = xcalloc((size_t)set->n * (size_t)d, sizeof(double));
    s->order = xmalloc(sizeof(int) * (size_t)d);
    s->pairs = xmalloc(sizeof(int) * (size_t)d * (size_t)d);
    s->marginals = xcalloc((size_t)d, sizeof(marginal));
    marginal *m = xcalloc((size_t)d, sizeof(marginal));
    for (int t = 0; t < set->n && !rc; t++) {
        fanova_result r;
        memset(&r, 0, sizeof(r));
        rc = table_fanova(&set->tables[t], o, &r, m, err);
        if (rc && set->n > 1)
            hia_wrap(err, "dataset %s", set->names[t]);
        if (!rc) {
            add_fanova(s, &r, m, set->n, t == 0);
            memcpy(s->per + (size_t)t * d, r.main_mean, sizeof(double) * (size_t)d);
        }
        if (r.main_mean)
            fanova_result_free(&r);
    }
    free(m);
    for (int i = 0; i < d; i++) {
        s->order[i] = i;
        for (int k = i + 1; k < d; k++)
            s->pairs[s->n_pairs++] = i * d + k;
    }
    order_by(s->order, d, s->r.main_mean);
    order_by(s->pairs, s->n_pairs, s->r.pair_mean);
    return rc;
}

void fanova_summary_free(fanova_summary *s)
{
    if (s->r.main_mean)
        fanova_result_free(&s->r);
    free(s->per);
    free(s->order);
    free(s->pairs);
    free(s->marginals);
    memset(s, 0, sizeof(*s));
}

/* ---- stability --------------------------------------------------------------------------- */

/* The importances on `subsamples` random subsets (without replacement) of the
   configurations; the matrix is columns x subsamples. */
static int subsample_importances(const table_set *s, const summary_options *o, double *m,
                                 hia_error *err)
{
    int d = s->tables[0].n_cols, k = o->subsamples;
    configs c;
    configs_of(s, &c);
    int size = (int)floor(o->fraction * c.n);
    relief_options *opts = resolved(s, &o->relief);
    int *order = xmalloc(sizeof(int) * (size_t)(c.n ? c.n : 1));
    char *keep = xmalloc((size_t)(c.n ? c.n : 1));
    double *imp = xmalloc(sizeof(double) * (size_t)d);
    int rc = 0;
    if (size < 2)
        rc = hia_fail(err, HIA_EUSER, "--fraction %g of %d configurations leaves fewer than 2 "
                      "per subsample", o->fraction, c.n);
    for (int r = 0; !rc && r < k; r++) {
        rng g;
        rng_init(&g, rng_derive(o->seed, (uint64_t)r, RNG_SUBSAMPLE, 0));
        for (int i = 0; i < c.n; i++)
            order[i] = i;
        rng_shuffle(&g, order, c.n);
        memset(keep, 0, (size_t)c.n);
        for (int i = 0; i < size; i++)
            keep[order[i]] = 1;
        if (set_importance(s, opts, &c, keep, imp, NULL, NULL, err)) {
            rc = hia_wrap(err, "subsample %d", r + 1);
            break;
        }
        for (int j = 0; j < d; j++)
            m[(size_t)j * k + r] = imp[j];
    }
    configs_free(&c, s->n);
    free(opts);
    free(order);
    free(keep);
    free(imp);
    return rc;
}

/* ICC(2,1): a single subsample's importances agreeing in absolute value with another's, the
   raters (subsamples) a random draw: the strictest form that fits the question. */
#define STABILITY_FORM 1

int summary_stability(const table_set *t, const summary_options *o, stability_summary *s,
                      hia_error *err)
{
    int d = t->tables[0].n_cols;
    memset(s, 0, sizeof(*s));
    s->chosen = STABILITY_FORM;
    s->subsamples = o->subsamples;
    s->fraction = o->fraction;
    s->matrix = xmalloc(sizeof(double) * (size_t)d * (size_t)o->subsamples);
    int rc = subsample_importances(t, o, s->matrix, err);
    if (!rc)
        rc = icc_compute(s->matrix, d, o->subsamples, s->forms, err);
    return rc ? hia_wrap(err, "stability check") : 0;
}

void stability_summary_free(stability_summary *s)
{
    free(s->matrix);
    memset(s, 0, sizeof(*s));
}

/* ---- sensitivity ------------------------------------------------------------------------- */

/* Setting i of the grid for a table whose setting in use is base. */
static relief_options grid_setting(const relief_options *base, int i)
{
    static const double scale[] = {0.5, 1, 2};
    relief_options r = *base;
    int k = (int)lround(base->neighbours * scale[i % 3]);
    r.neighbours = k < 10 ? 10 : k; /* fewer is blind to a two-valued effect (bench/planted) */
    r.rank_weighting = (i / 3) % 2;
    r.sigma = r.neighbours * 2.0 / 7.0;
    r.euclidean = i / 6;
    r.sorted_ties = 1; /* as relief_weights_grid ranks them */
    return r;
}

static void ranks_of(const double *importance, int d, int *rank)
{
    int *order = xmalloc(sizeof(int) * (size_t)d);
    for (int j = 0; j < d; j++)
        order[j] = j;
    order_by(order, d, importance);
    for (int p = 0; p < d; p++)
        rank[order[p]] = p + 1;
    free(order);
}

/* The mean importances under the grid's settings of one distance (half of them): each
   table's settings share its distances and neighbours (relief_weights_grid). */
#define GRID_HALF (SENSITIVITY_SETTINGS / 2)
static int grid_importance(const table_set *s, const relief_options *base, int euclidean,
                           double *mean, hia_error *err)
{
    int d = s->tables[0].n_cols, rc = 0;
    relief_options opts[GRID_HALF];
    double *w = xmalloc(sizeof(double) * GRID_HALF * (size_t)d);
    double *imp = xmalloc(sizeof(double) * (size_t)d);
    memset(mean, 0, sizeof(double) * GRID_HALF * (size_t)d);
    for (int t = 0; t < s->n && !rc; t++) {
        for (int i = 0; i < GRID_HALF; i++)
            opts[i] = grid_setting(&base[t], euclidean * GRID_HALF + i);
        if ((rc = relief_weights_grid(&s->tables[t], opts, GRID_HALF, w, err)) && s->n > 1)
            hia_wrap(err, "dataset %s", s->names[t]);
        for (int i = 0; !rc && i < GRID_HALF; i++) {
            relief_normalise(w + (size_t)i * d, d, imp);
            for (int j = 0; j < d; j++)
                mean[(size_t)i * d + j] += imp[j] / s->n;
        }
    }
    free(w);
    free(imp);
    return rc;
}

int summary_sensitivity(const table_set *s, const summary_options *o,
                        const relief_summary *used, sensitivity_summary *out, hia_error *err)
{
    int d = s->tables[0].n_cols, rc = 0, agree = 0;
    memset(out, 0, sizeof(*out));
    out->n = SENSITIVITY_SETTINGS;
    out->rank = xmalloc(sizeof(int) * (size_t)out->n * (size_t)d);
    out->low = xmalloc(sizeof(int) * (size_t)d);
    out->high = xmalloc(sizeof(int) * (size_t)d);
    out->used = xmalloc(sizeof(int) * (size_t)d);
    ranks_of(used->importance, d, out->used);
    relief_options *base = resolved(s, &o->relief);
    double *imp = xmalloc(sizeof(double) * (size_t)out->n * (size_t)d);
    for (int e = 0; e < 2 && !rc; e++)
        rc = grid_importance(s, base, e, imp + (size_t)e * GRID_HALF * d, err);
    for (int j = 0; j < d; j++) {
        out->low[j] = d;
        out->high[j] = 1;
    }
    for (int i = 0; i < out->n && !rc; i++) {
        int *rank = out->rank + (size_t)i * d, same = 1;
        out->settings[i] = grid_setting(&base[0], i);
        ranks_of(imp + (size_t)i * d, d, rank);
        for (int j = 0; j < d; j++) {
            out->low[j] = rank[j] < out->low[j] ? rank[j] : out->low[j];
            out->high[j] = rank[j] > out->high[j] ? rank[j] : out->high[j];
            same &= (rank[j] <= 3) == (out->used[j] <= 3);
        }
        agree += same;
    }
    out->top3_share = (double)agree / out->n;
    out->robust = agree == out->n;
    free(base);
    free(imp);
    return rc ? hia_wrap(err, "sensitivity") : 0;
}

void summary_sensitivity_verdict(const table *t, const sensitivity_summary *s, char *buf,
                                 size_t size)
{
    if (s->robust) {
        snprintf(buf, size, "robust: the same top three under all %d settings", s->n);
        return;
    }
    size_t used = (size_t)snprintf(buf, size, "not robust: the top three hold under %.0f%% of "
                                   "the %d settings; ranks that move:", 100 * s->top3_share, s->n);
    int first = 1;
    for (int r = 1; r <= t->n_cols; r++)
        for (int c = 0; c < t->n_cols && used < size; c++) {
            if (s->used[c] != r || !(s->low[c] <= 3 && s->high[c] > 3))
                continue; /* only those in the top three under some settings, out under others */
            used += (size_t)snprintf(buf + used, size - used, "%s %s %d-%d", first ? "" : ",",
                                     t->cols[c].name, s->low[c], s->high[c]);
            first = 0;
        }
}

void sensitivity_summary_free(sensitivity_summary *s)
{
    free(s->rank);
    free(s->low);
    free(s->high);
    free(s->used);
    memset(s, 0, sizeof(*s));
}

void summary_agreement(const double *a, const double *b, int d, double *rho, double *tau)
{
    *rho = agreement_spearman(a, b, d);
    *tau = agreement_kendall(a, b, d);
}
