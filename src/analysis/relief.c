/* RReliefF weights as Weka's ReliefFAttributeEval computes them. */
#include "analysis/relief.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/rng.h"

/* java.util.Random: the 48-bit linear congruential generator, for Weka's sampling. */
typedef struct java_random {
    uint64_t seed;
} java_random;

static void java_seed(java_random *r, int64_t seed)
{
    r->seed = ((uint64_t)seed ^ 0x5DEECE66DULL) & ((1ULL << 48) - 1);
}

static int32_t java_next_int(java_random *r)
{
    r->seed = (r->seed * 0x5DEECE66DULL + 0xBULL) & ((1ULL << 48) - 1);
    return (int32_t)(uint32_t)(r->seed >> 16);
}

/* ---- Weka's Utils.sort(double[]): its quicksort, ties and all ---------------------------- */

static void cond_swap(const double *a, int *idx, int l, int r)
{
    if (a[idx[l]] > a[idx[r]]) {
        int t = idx[l];
        idx[l] = idx[r];
        idx[r] = t;
    }
}

static void swap_idx(int *idx, int l, int r)
{
    int t = idx[l];
    idx[l] = idx[r];
    idx[r] = t;
}

static int partition(const double *a, int *idx, int l, int r, double pivot)
{
    r--;
    for (;;) {
        while (a[idx[++l]] < pivot)
            ;
        while (a[idx[--r]] > pivot)
            ;
        if (l >= r)
            return l;
        swap_idx(idx, l, r);
    }
}

static void weka_quicksort(const double *a, int *idx, int left, int right)
{
    int diff = right - left;
    if (diff <= 0)
        return;
    if (diff == 1) {
        cond_swap(a, idx, left, right);
        return;
    }
    if (diff == 2) {
        cond_swap(a, idx, left, left + 1);
        cond_swap(a, idx, left, right);
        cond_swap(a, idx, left + 1, right);
        return;
    }
    int center = (left + right) / 2;
    cond_swap(a, idx, left, center);
    cond_swap(a, idx, left, right);
    cond_swap(a, idx, center, right);
    swap_idx(idx, center, right - 1);
    int split = partition(a, idx, left, right, a[idx[right - 1]]);
    swap_idx(idx, split, right - 1);
    weka_quicksort(a, idx, left, split - 1);
    weka_quicksort(a, idx, split + 1, right);
}

/* ---- the computation ----------------------------------------------------------------------- */

enum { COL_NUMERIC, COL_CATEGORICAL, COL_MISSING };

/* Column-major values normalised Weka's way, (v - min) / (max - min), 0 for a constant column. */
typedef struct prepared {
    int n, d;
    double *v;    /* d x n */
    double *y;    /* normalised target */
    int *kind;    /* per column */
    int *categorical;
} prepared;

static int weka_eq(double a, double b)
{
    return a - b < 1e-6 && b - a < 1e-6;
}

static void normalise(const double *in, size_t stride, int n, int categorical, double *out)
{
    double lo = NAN, hi = NAN;
    for (int i = 0; i < n; i++) {
        double v = in[(size_t)i * stride];
        if (isnan(v))
            continue;
        if (isnan(lo) || v < lo)
            lo = v;
        if (isnan(hi) || v > hi)
            hi = v;
    }
    for (int i = 0; i < n; i++) {
        double v = in[(size_t)i * stride];
        if (categorical || isnan(v))
            out[i] = v;
        else if (isnan(lo) || weka_eq(hi, lo))
            out[i] = 0;
        else
            out[i] = (v - lo) / (hi - lo);
    }
}

static void prepare(const table *t, prepared *p)
{
    p->n = t->n_rows;
    p->d = t->n_cols;
    p->v = xmalloc(sizeof(double) * (size_t)p->n * (size_t)p->d);
    p->y = xmalloc(sizeof(double) * (size_t)p->n);
    p->kind = xmalloc(sizeof(int) * (size_t)p->d);
    p->categorical = xmalloc(sizeof(int) * (size_t)p->d);
    normalise(t->y, 1, p->n, 0, p->y);
    double *logs = xmalloc(sizeof(double) * (size_t)p->n);
    for (int j = 0; j < p->d; j++) {
        double *col = p->v + (size_t)j * p->n;
        if (t->cols[j].log) { /* a log-scaled hyperparameter differs by its log */
            for (int i = 0; i < p->n; i++)
                logs[i] = log(table_at(t, i, j));
            normalise(logs, 1, p->n, 0, col);
        } else {
            normalise(t->x + j, (size_t)t->n_cols, p->n, t->cols[j].categorical, col);
        }
        int missing = 0;
        for (int i = 0; i < p->n; i++)
            missing |= isnan(col[i]);
        p->categorical[j] = t->cols[j].categorical;
        p->kind[j] = missing ? COL_MISSING : t->cols[j].categorical ? COL_CATEGORICAL : COL_NUMERIC;
    }
    free(logs);
}

static void prepared_free(prepared *p)
{
    free(p->v);
    free(p->y);
    free(p->kind);
    free(p->categorical);
}

static double diff(double a, double b, int categorical)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b) ? 0 : 1;
    return categorical ? (a != b) : fabs(a - b);
}

/* Distances from row z to every row, summed in column order (as Weka sums them). */
static void distances(const prepared *p, int z, int euclidean, double *dist)
{
    int n = p->n;
    memset(dist, 0, sizeof(double) * (size_t)n);
    for (int j = 0; j < p->d; j++) {
        const double *col = p->v + (size_t)j * n;
        double zj = col[z];
        if (p->kind[j] == COL_NUMERIC && !euclidean) {
            for (int i = 0; i < n; i++)
                dist[i] += fabs(col[i] - zj);
        } else if (p->kind[j] == COL_NUMERIC) {
            for (int i = 0; i < n; i++)
                dist[i] += (col[i] - zj) * (col[i] - zj);
        } else if (p->kind[j] == COL_CATEGORICAL) {
            for (int i = 0; i < n; i++)
                dist[i] += col[i] != zj ? 1.0 : 0.0;
        } else {
            for (int i = 0; i < n; i++) {
                double d = diff(col[i], zj, p->categorical[j]);
                dist[i] += euclidean ? d * d : d;
            }
        }
    }
}

/* Weka's k-nearest bookkeeping: a buffer of k; a closer row replaces the first slot that
   holds the current largest distance. Returns how many were stored. */
static int nearest(const double *dist, int n, int z, int k, double *kd, int *ki)
{
    int stored = 0, worst = 0;
    for (int i = 0; i < n; i++) {
        if (i == z)
            continue;
        if (stored < k) {
            kd[stored] = dist[i];
            ki[stored] = i;
            stored++;
        } else if (dist[i] < kd[worst]) {
            kd[worst] = dist[i];
            ki[worst] = i;
        } else {
            continue;
        }
        double ww = -1.0;
        for (int j = 0; j < stored; j++) {
            if (kd[j] > ww) {
                ww = kd[j];
                worst = j;
            }
        }
    }
    return stored;
}

/* Orders neighbour slots by (distance, row): a stable, deterministic rank. */
static void sort_by_distance_then_row(const double *kd, const int *ki, int *order, int n)
{
    for (int i = 1; i < n; i++) {
        int x = order[i], j = i - 1;
        while (j >= 0 && (kd[order[j]] > kd[x] || (kd[order[j]] == kd[x] && ki[order[j]] > ki[x]))) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = x;
    }
}

/* One sampled instance's contributions: out[0] = N_dC, out[1..d] = N_dA, out[d+1..2d] =
   N_dCdA, accumulated in Weka's order. */
static void contribute(const prepared *p, const relief_options *o, const double *rank_weights,
                       int z, double *dist, double *kd, int *ki, int *order, double *out)
{
    int d = p->d;
    memset(out, 0, sizeof(double) * (size_t)(1 + 2 * d));
    distances(p, z, o->euclidean, dist);
    int stored = nearest(dist, p->n, z, o->neighbours, kd, ki);
    double norm = 0;
    for (int j = 0; j < stored; j++) {
        order[j] = j;
        norm += rank_weights[j];
    }
    if (o->rank_weighting && !o->sorted_ties) {
        double *copy = kd + o->neighbours; /* scratch after the k distances */
        for (int j = 0; j < stored; j++)
            copy[j] = isnan(kd[j]) ? DBL_MAX : kd[j];
        weka_quicksort(copy, order, 0, stored - 1);
    } else if (o->rank_weighting) {
        sort_by_distance_then_row(kd, ki, order, stored);
    }
    for (int r = 0; r < stored; r++) {
        int nb = ki[order[r]];
        double w = o->rank_weighting ? rank_weights[r] / norm : 1.0 / (double)stored;
        double dc = diff(p->y[z], p->y[nb], 0);
        out[0] += dc * w;
        for (int j = 0; j < d; j++) {
            double a = diff(p->v[(size_t)j * p->n + z], p->v[(size_t)j * p->n + nb],
                            p->categorical[j]);
            out[1 + d + j] += dc * a * w;
            out[1 + j] += a * w;
        }
    }
}

/* Rows visited: every row in order, or Weka's java.util.Random draws. */
static int *visits(const relief_options *o, int n, long *m)
{
    *m = o->iterations > 0 && o->iterations < n ? o->iterations : n;
    int *z = xmalloc(sizeof(int) * (size_t)*m);
    java_random r;
    java_seed(&r, o->seed);
    for (long i = 0; i < *m; i++) {
        if (*m == n) {
            z[i] = (int)i;
            continue;
        }
        int32_t v = java_next_int(&r) % n;
        z[i] = v < 0 ? -v : v;
    }
    return z;
}

int relief_weights(const table *t, const relief_options *o, double *w, hia_error *err)
{
    prepared p = {0};
    long m;
    int k = o->neighbours, d = t->n_cols, rc = 0;
    if (k < 1)
        return hia_fail(err, HIA_EUSER, "--neighbours must be at least 1");
    if (t->n_rows < 2)
        return hia_fail(err, HIA_EUSER, "N-RReliefF needs at least 2 rows");
    int *z = visits(o, t->n_rows, &m);
    double *contrib = xmalloc(sizeof(double) * (size_t)m * (size_t)(1 + 2 * d));
    double *rank_weights = xmalloc(sizeof(double) * (size_t)k);
    prepare(t, &p);
    for (int r = 0; r < k; r++)
        rank_weights[r] = exp(-((r / o->sigma) * (r / o->sigma)));
#pragma omp parallel
    {
        double *dist = xmalloc(sizeof(double) * (size_t)p.n);
        double *kd = xmalloc(sizeof(double) * (size_t)(2 * k));
        int *ki = xmalloc(sizeof(int) * (size_t)k);
        int *order = xmalloc(sizeof(int) * (size_t)k);
#pragma omp for schedule(dynamic, 16)
        for (long i = 0; i < m; i++)
            contribute(&p, o, rank_weights, z[i], dist, kd, ki, order,
                       contrib + (size_t)i * (1 + 2 * d));
        free(dist);
        free(kd);
        free(ki);
        free(order);
    }
    double ndc = 0;
    double *nda = xcalloc((size_t)d, sizeof(double)), *ndcda = xcalloc((size_t)d, sizeof(double));
    for (long i = 0; i < m; i++) { /* in visiting order, as Weka adds them */
        const double *c = contrib + (size_t)i * (1 + 2 * d);
        ndc += c[0];
        for (int j = 0; j < d; j++) {
            nda[j] += c[1 + j];
            ndcda[j] += c[1 + d + j];
        }
    }
    if (ndc == 0 || ndc == (double)m)
        rc = hia_fail(err, HIA_EUSER, "the target '%s' does not vary between neighbours (every "
                      "value equal?): RReliefF weights are undefined", t->target);
    for (int j = 0; !rc && j < d; j++)
        w[j] = ndcda[j] / ndc - (nda[j] - ndcda[j]) / ((double)m - ndc);
    free(nda);
    free(ndcda);
    prepared_free(&p);
    free(z);
    free(contrib);
    free(rank_weights);
    return rc;
}

void relief_normalise(const double *w, int n, double *importance)
{
    double sum = 0;
    for (int j = 0; j < n; j++)
        sum += w[j] > 0 ? w[j] : 0;
    for (int j = 0; j < n; j++)
        importance[j] = sum > 0 && w[j] > 0 ? w[j] / sum : 0;
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

void relief_bootstrap(const table *t, const relief_options *o, int replicates, uint64_t seed,
                      double *lower, double *upper)
{
    int d = t->n_cols, n = t->n_rows, done = 0;
    double *all = xmalloc(sizeof(double) * (size_t)replicates * (size_t)d);
    double *w = xmalloc(sizeof(double) * (size_t)d);
    double *column = xmalloc(sizeof(double) * (size_t)(replicates ? replicates : 1));
    table b = *t;
    b.x = xmalloc(sizeof(double) * (size_t)n * (size_t)d);
    b.y = xmalloc(sizeof(double) * (size_t)n);
    char *drawn = xmalloc((size_t)n);
    for (int r = 0; r < replicates; r++) {
        rng g;
        rng_init(&g, rng_derive(seed, (uint64_t)r, RNG_BOOTSTRAP, 0));
        memset(drawn, 0, (size_t)n);
        for (int i = 0; i < n; i++)
            drawn[rng_below(&g, (uint64_t)n)] = 1;
        b.n_rows = 0;
        for (int s = 0; s < n; s++) {
            if (!drawn[s])
                continue;
            memcpy(b.x + (size_t)b.n_rows * d, t->x + (size_t)s * d, sizeof(double) * (size_t)d);
            b.y[b.n_rows++] = t->y[s];
        }
        hia_error ignore;
        if (relief_weights(&b, o, w, &ignore))
            continue; /* a resample whose target is constant says nothing */
        relief_normalise(w, d, all + (size_t)done * d);
        done++;
    }
    free(drawn);
    for (int j = 0; j < d; j++) {
        for (int r = 0; r < done; r++)
            column[r] = all[(size_t)r * d + j];
        lower[j] = done ? quantile(column, done, 0.025) : NAN;
        upper[j] = done ? quantile(column, done, 0.975) : NAN;
    }
    free(all);
    free(w);
    free(column);
    free(b.x);
    free(b.y);
}
