/* RReliefF weights as Weka's ReliefFAttributeEval computes them. */
#include "analysis/relief.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

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

/* Max-heaps of indices into key[], for the nearest rows: the root is the worst kept, the
   one with the largest key; on equal keys the lower index is worse (later_worse 0: Weka's
   first slot) or the higher (later_worse 1: the later row). */
static int worse(const double *key, int a, int b, int later_worse)
{
    return key[a] > key[b] || (key[a] == key[b] && (later_worse ? a > b : a < b));
}

/* Places x at heap[at] and sifts it down. */
static void sift_down(const double *key, int *heap, int size, int at, int x, int later_worse)
{
    for (;;) {
        int c = 2 * at + 1;
        if (c >= size)
            break;
        if (c + 1 < size && worse(key, heap[c + 1], heap[c], later_worse))
            c++;
        if (!worse(key, heap[c], x, later_worse))
            break;
        heap[at] = heap[c];
        at = c;
    }
    heap[at] = x;
}

/* Adds x as heap[size] and sifts it up. */
static void sift_up(const double *key, int *heap, int size, int x, int later_worse)
{
    int at = size;
    while (at > 0 && worse(key, x, heap[(at - 1) / 2], later_worse)) {
        heap[at] = heap[(at - 1) / 2];
        at = (at - 1) / 2;
    }
    heap[at] = x;
}

/* Weka's k-nearest bookkeeping: a buffer of k slots; a closer row replaces the first slot
   that holds the current largest distance. That slot is kept at the root of a heap of the
   slots, so each row costs O(log k), not Weka's rescan of the k slots; the slots end exactly
   as Weka's. heap: k ints of scratch. Returns how many were stored. */
static int nearest(const double *dist, int n, int z, int k, double *kd, int *ki, int *heap)
{
    int stored = 0;
    for (int i = 0; i < n; i++) {
        if (i == z)
            continue;
        if (stored < k) {
            kd[stored] = dist[i];
            ki[stored] = i;
            sift_up(kd, heap, stored, stored, 0);
            stored++;
        } else if (dist[i] < kd[heap[0]]) {
            kd[heap[0]] = dist[i];
            ki[heap[0]] = i;
            sift_down(kd, heap, stored, 0, heap[0], 0);
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
                       int z, double *dist, double *kd, int *ki, int *order, int *heap,
                       double *out)
{
    int d = p->d;
    memset(out, 0, sizeof(double) * (size_t)(1 + 2 * d));
    distances(p, z, o->euclidean, dist);
    int stored = nearest(dist, p->n, z, o->neighbours, kd, ki, heap);
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

/* W from the m instances' contributions (1 + 2d each, see contribute), summed in visiting
   order as Weka adds them. */
static int weights_from(const double *contrib, long m, int d, const char *target, double *w,
                        hia_error *err)
{
    double ndc = 0;
    double *nda = xcalloc((size_t)d, sizeof(double)), *ndcda = xcalloc((size_t)d, sizeof(double));
    for (long i = 0; i < m; i++) {
        const double *c = contrib + (size_t)i * (1 + 2 * d);
        ndc += c[0];
        for (int j = 0; j < d; j++) {
            nda[j] += c[1 + j];
            ndcda[j] += c[1 + d + j];
        }
    }
    int rc = 0;
    if (ndc == 0 || ndc == (double)m)
        rc = hia_fail(err, HIA_EUSER, "the target '%s' does not vary between neighbours (every "
                      "value equal?): RReliefF weights are undefined", target);
    for (int j = 0; !rc && j < d; j++)
        w[j] = ndcda[j] / ndc - (nda[j] - ndcda[j]) / ((double)m - ndc);
    free(nda);
    free(ndcda);
    return rc;
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
        int *heap = xmalloc(sizeof(int) * (size_t)k);
#pragma omp for schedule(dynamic, 16)
        for (long i = 0; i < m; i++)
            contribute(&p, o, rank_weights, z[i], dist, kd, ki, order, heap,
                       contrib + (size_t)i * (1 + 2 * d));
        free(dist);
        free(kd);
        free(ki);
        free(order);
        free(heap);
    }
    rc = weights_from(contrib, m, d, t->target, w, err);
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

/* ---- several settings at once (the sensitivity grid) -------------------------------------- */

/* The kmax rows nearest z, by (distance, row), ascending, into ki; returns how many. A
   max-heap of kmax keeps the nearest seen so far; a heap sort orders them. */
static int nearest_sorted(const double *dist, int n, int z, int kmax, int *ki)
{
    int size = 0;
    for (int i = 0; i < n; i++) {
        if (i == z)
            continue;
        if (size < kmax)
            sift_up(dist, ki, size++, i, 1);
        else if (worse(dist, ki[0], i, 1))
            sift_down(dist, ki, size, 0, i, 1);
    }
    for (int end = size - 1; end > 0; end--) {
        int top = ki[0];
        sift_down(dist, ki, end, 0, ki[end], 1);
        ki[end] = top;
    }
    return size;
}

int relief_weights_grid(const table *t, const relief_options *settings, int n, double *w,
                        hia_error *err)
{
    prepared p = {0};
    long m;
    int d = t->n_cols, kmax = 0, rc = 0;
    size_t per = (size_t)(1 + 2 * d);
    for (int s = 0; s < n; s++) {
        if (settings[s].neighbours < 1)
            return hia_fail(err, HIA_EUSER, "--neighbours must be at least 1");
        kmax = settings[s].neighbours > kmax ? settings[s].neighbours : kmax;
    }
    if (t->n_rows < 2)
        return hia_fail(err, HIA_EUSER, "N-RReliefF needs at least 2 rows");
    int *z = visits(&settings[0], t->n_rows, &m);
    double *contrib = xmalloc(sizeof(double) * (size_t)n * (size_t)m * per);
    double *weights = xmalloc(sizeof(double) * (size_t)n * (size_t)kmax);
    prepare(t, &p);
    for (int s = 0; s < n; s++)
        for (int r = 0; r < kmax; r++)
            weights[(size_t)s * kmax + r] =
                settings[s].rank_weighting
                    ? exp(-((r / settings[s].sigma) * (r / settings[s].sigma))) : 1.0;
#pragma omp parallel
    {
        double *dist = xmalloc(sizeof(double) * (size_t)p.n);
        int *ki = xmalloc(sizeof(int) * (size_t)kmax);
#pragma omp for schedule(dynamic, 16)
        for (long i = 0; i < m; i++) {
            distances(&p, z[i], settings[0].euclidean, dist);
            int stored = nearest_sorted(dist, p.n, z[i], kmax, ki);
            for (int s = 0; s < n; s++) {
                double *out = contrib + ((size_t)s * m + i) * per;
                const double *rw = weights + (size_t)s * kmax;
                int k = settings[s].neighbours < stored ? settings[s].neighbours : stored;
                double norm = 0;
                memset(out, 0, sizeof(double) * per);
                for (int r = 0; r < k; r++)
                    norm += rw[r];
                for (int r = 0; r < k; r++) {
                    int nb = ki[r];
                    double wr = rw[r] / norm, dc = diff(p.y[z[i]], p.y[nb], 0);
                    out[0] += dc * wr;
                    for (int j = 0; j < d; j++) {
                        double a = diff(p.v[(size_t)j * p.n + z[i]], p.v[(size_t)j * p.n + nb],
                                        p.categorical[j]);
                        out[1 + d + j] += dc * a * wr;
                        out[1 + j] += a * wr;
                    }
                }
            }
        }
        free(dist);
        free(ki);
    }
    for (int s = 0; s < n && !rc; s++)
        rc = weights_from(contrib + (size_t)s * m * per, m, d, t->target, w + (size_t)s * d,
                          err);
    prepared_free(&p);
    free(z);
    free(contrib);
    free(weights);
    return rc;
}
