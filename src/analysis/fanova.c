/* fANOVA of a random forest: each tree's variance split into main effects and pairs. */
#include "analysis/fanova.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

/* One tree as boxes. */
typedef struct boxes {
    int n, cap, d;
    double *value;   /* per leaf */
    double *weight;  /* per leaf: its volume share */
    double *lo, *hi; /* leaf x feature: numeric interval */
    uint64_t *mask;  /* leaf x feature: categorical levels */
    double *frac;    /* leaf x feature: share along the feature */
} boxes;

/* The cells of one feature in one tree: numeric edges (domain bounds and split points). */
typedef struct cells {
    int n;          /* number of cells */
    double *edges;  /* numeric: n + 1 edges */
    double *size;   /* per cell: share of the feature's range */
} cells;

static void grow_boxes(boxes *b)
{
    if (b->n < b->cap)
        return;
    size_t cap = b->cap ? (size_t)b->cap * 2 : 256, cells = cap * (size_t)b->d;
    b->value = xreallocarray(b->value, cap, sizeof(double));
    b->weight = xreallocarray(b->weight, cap, sizeof(double));
    b->lo = xreallocarray(b->lo, cells, sizeof(double));
    b->hi = xreallocarray(b->hi, cells, sizeof(double));
    b->mask = xreallocarray(b->mask, cells, sizeof(uint64_t));
    b->frac = xreallocarray(b->frac, cells, sizeof(double));
    b->cap = (int)cap;
}

static int popcount(uint64_t x)
{
    return __builtin_popcountll(x);
}

/* The full box of every feature: its domain, all levels of a categorical one. */
static void whole_domain(const forest *f, double *lo, double *hi, uint64_t *mask)
{
    for (int j = 0; j < f->d; j++) {
        lo[j] = f->lo[j];
        hi[j] = f->hi[j];
        mask[j] = !f->categorical[j] ? 0 : f->levels[j] == 64 ? ~0ULL
                                                             : (1ULL << f->levels[j]) - 1;
    }
}

static void collect(const forest *f, const forest_tree *t, int node, double *lo, double *hi,
                    uint64_t *mask, const double *cutoffs, boxes *b)
{
    const forest_node *x = &t->nodes[node];
    int d = f->d;
    if (x->feature < 0) {
        grow_boxes(b);
        int l = b->n++;
        double v = x->value, w = 1;
        if (cutoffs)
            v = v < cutoffs[0] ? cutoffs[0] : v > cutoffs[1] ? cutoffs[1] : v;
        for (int j = 0; j < d; j++) {
            double share = f->categorical[j] ? (double)popcount(mask[j]) / f->levels[j]
                                             : (hi[j] - lo[j]) / (f->hi[j] - f->lo[j]);
            b->lo[(size_t)l * d + j] = lo[j];
            b->hi[(size_t)l * d + j] = hi[j];
            b->mask[(size_t)l * d + j] = mask[j];
            b->frac[(size_t)l * d + j] = share;
            w *= share;
        }
        b->value[l] = v;
        b->weight[l] = w;
        return;
    }
    int j = x->feature;
    double old_lo = lo[j], old_hi = hi[j];
    uint64_t old_mask = mask[j];
    if (f->categorical[j])
        mask[j] = old_mask & x->left_set;
    else
        hi[j] = x->threshold < old_hi ? x->threshold : old_hi;
    collect(f, t, x->left, lo, hi, mask, cutoffs, b);
    hi[j] = old_hi;
    mask[j] = old_mask;
    if (f->categorical[j])
        mask[j] = old_mask & ~x->left_set;
    else
        lo[j] = x->threshold > old_lo ? x->threshold : old_lo;
    collect(f, t, x->right, lo, hi, mask, cutoffs, b);
    lo[j] = old_lo;
    mask[j] = old_mask;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void make_cells(const forest *f, const forest_tree *t, int j, cells *c)
{
    if (f->categorical[j]) {
        c->n = f->levels[j];
        c->edges = NULL;
        c->size = xmalloc(sizeof(double) * (size_t)c->n);
        for (int l = 0; l < c->n; l++)
            c->size[l] = 1.0 / c->n;
        return;
    }
    c->edges = xmalloc(sizeof(double) * (size_t)(t->n + 2));
    int n = 0;
    c->edges[n++] = f->lo[j];
    c->edges[n++] = f->hi[j];
    for (int i = 0; i < t->n; i++)
        if (t->nodes[i].feature == j)
            c->edges[n++] = t->nodes[i].threshold;
    qsort(c->edges, (size_t)n, sizeof(double), cmp_double);
    int u = 0;
    for (int i = 0; i < n; i++)
        if (!u || c->edges[i] != c->edges[u - 1])
            c->edges[u++] = c->edges[i];
    c->n = u - 1;
    c->size = xmalloc(sizeof(double) * (size_t)(c->n ? c->n : 1));
    for (int i = 0; i < c->n; i++)
        c->size[i] = (c->edges[i + 1] - c->edges[i]) / (f->hi[j] - f->lo[j]);
}

static int edge_index(const cells *c, double x)
{
    int lo = 0, hi = c->n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (c->edges[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The cell ranges [start, end) a leaf covers along feature j. */
static int ranges(const forest *f, const cells *c, const boxes *b, int l, int j, int *start,
                  int *end)
{
    size_t at = (size_t)l * b->d + j;
    if (!f->categorical[j]) {
        start[0] = edge_index(c, b->lo[at]);
        end[0] = edge_index(c, b->hi[at]);
        return 1;
    }
    int k = 0;
    for (int level = 0; level < c->n; level++)
        if ((b->mask[at] >> level) & 1) {
            start[k] = level;
            end[k++] = level + 1;
        }
    return k;
}

static double main_effect(const forest *f, const boxes *b, const cells *c, int j, double mu,
                          double *acc)
{
    int s[FOREST_MAX_LEVELS], e[FOREST_MAX_LEVELS];
    memset(acc, 0, sizeof(double) * (size_t)(c->n + 1));
    for (int l = 0; l < b->n; l++) {
        double u = b->value[l] * b->weight[l] / b->frac[(size_t)l * b->d + j];
        int k = ranges(f, c, b, l, j, s, e);
        for (int r = 0; r < k; r++) {
            acc[s[r]] += u;
            acc[e[r]] -= u;
        }
    }
    double a = 0, v = 0;
    for (int i = 0; i < c->n; i++) {
        a += acc[i];
        v += c->size[i] * (a - mu) * (a - mu);
    }
    return v;
}

static double pair_effect(const forest *f, const boxes *b, const cells *ci, const cells *cj,
                          int i, int j, double mu, double *grid)
{
    int si[FOREST_MAX_LEVELS], ei[FOREST_MAX_LEVELS], sj[FOREST_MAX_LEVELS], ej[FOREST_MAX_LEVELS];
    int w = cj->n + 1;
    memset(grid, 0, sizeof(double) * (size_t)(ci->n + 1) * (size_t)w);
    for (int l = 0; l < b->n; l++) {
        double u = b->value[l] * b->weight[l] /
                   (b->frac[(size_t)l * b->d + i] * b->frac[(size_t)l * b->d + j]);
        int ki = ranges(f, ci, b, l, i, si, ei), kj = ranges(f, cj, b, l, j, sj, ej);
        for (int p = 0; p < ki; p++) {
            for (int q = 0; q < kj; q++) {
                grid[(size_t)si[p] * w + sj[q]] += u;
                grid[(size_t)si[p] * w + ej[q]] -= u;
                grid[(size_t)ei[p] * w + sj[q]] -= u;
                grid[(size_t)ei[p] * w + ej[q]] += u;
            }
        }
    }
    double v = 0;
    for (int r = 0; r < ci->n; r++) {
        double row = 0;
        for (int c = 0; c < cj->n; c++) {
            row += grid[(size_t)r * w + c];
            double a = row + (r ? grid[(size_t)(r - 1) * w + c] : 0);
            grid[(size_t)r * w + c] = a; /* now the 2-D prefix sum: the marginal */
            v += ci->size[r] * cj->size[c] * (a - mu) * (a - mu);
        }
    }
    return v;
}

static void boxes_free(boxes *b)
{
    free(b->value);
    free(b->weight);
    free(b->lo);
    free(b->hi);
    free(b->mask);
    free(b->frac);
}

/* Shares of tree t's variance: main[d] and pair[d*d]; *varies is 0 when the tree is constant. */
static void tree_shares(const forest *f, const forest_tree *t, const double *cutoffs,
                        double *main, double *pair, int *varies)
{
    int d = f->d;
    boxes b = {.d = d};
    cells *c = xcalloc((size_t)d, sizeof(cells));
    double *lo = xmalloc(sizeof(double) * (size_t)d), *hi = xmalloc(sizeof(double) * (size_t)d);
    uint64_t *mask = xmalloc(sizeof(uint64_t) * (size_t)d);
    double *scratch = NULL;
    *varies = 0;
    whole_domain(f, lo, hi, mask);
    collect(f, t, 0, lo, hi, mask, cutoffs, &b);
    double mu = 0, var = 0;
    for (int l = 0; l < b.n; l++)
        mu += b.weight[l] * b.value[l];
    for (int l = 0; l < b.n; l++)
        var += b.weight[l] * (b.value[l] - mu) * (b.value[l] - mu);
    size_t most = 1;
    for (int j = 0; j < d; j++) {
        make_cells(f, t, j, &c[j]);
        most = (size_t)c[j].n + 1 > most ? (size_t)c[j].n + 1 : most;
    }
    if (var <= 1e-300)
        goto done;
    scratch = xmalloc(sizeof(double) * most * most);
    for (int j = 0; j < d; j++)
        main[j] = main_effect(f, &b, &c[j], j, mu, scratch) / var;
    for (int i = 0; i < d; i++) {
        for (int j = i + 1; j < d; j++) {
            double total = pair_effect(f, &b, &c[i], &c[j], i, j, mu, scratch) / var;
            double own = total - main[i] - main[j];
            pair[(size_t)i * d + j] = own > 0 ? own : 0;
        }
    }
    *varies = 1;
done:
    for (int j = 0; j < d; j++) {
        free(c[j].edges);
        free(c[j].size);
    }
    free(c);
    free(lo);
    free(hi);
    free(mask);
    free(scratch);
    boxes_free(&b);
}

void fanova_result_free(fanova_result *r)
{
    free(r->main_mean);
    free(r->main_std);
    free(r->pair_mean);
    free(r->pair_std);
    memset(r, 0, sizeof(*r));
}

int fanova_decompose(const forest *f, const double *cutoffs, fanova_result *r, hia_error *err)
{
    int d = f->d, n = f->n_trees;
    memset(r, 0, sizeof(*r));
    r->d = d;
    double *main = xcalloc((size_t)n * d, sizeof(double));
    double *pair = xcalloc((size_t)n * d * d, sizeof(double));
    int *varies = xcalloc((size_t)n, sizeof(int));
    r->main_mean = xcalloc((size_t)d, sizeof(double));
    r->main_std = xcalloc((size_t)d, sizeof(double));
    r->pair_mean = xcalloc((size_t)d * d, sizeof(double));
    r->pair_std = xcalloc((size_t)d * d, sizeof(double));
#pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < n; k++)
        tree_shares(f, &f->trees[k], cutoffs, main + (size_t)k * d, pair + (size_t)k * d * d,
                    &varies[k]);
    for (int k = 0; k < n; k++)
        r->trees += varies[k];
    if (!r->trees)
        goto done;
    for (size_t u = 0; u < (size_t)d + (size_t)d * d; u++) {
        const double *src = u < (size_t)d ? main + u : pair + (u - d);
        size_t stride = u < (size_t)d ? (size_t)d : (size_t)d * d;
        double sum = 0, sq = 0;
        for (int k = 0; k < n; k++)
            if (varies[k])
                sum += src[(size_t)k * stride];
        double mean = sum / r->trees;
        for (int k = 0; k < n; k++)
            if (varies[k])
                sq += (src[(size_t)k * stride] - mean) * (src[(size_t)k * stride] - mean);
        double *m = u < (size_t)d ? r->main_mean + u : r->pair_mean + (u - d);
        double *s = u < (size_t)d ? r->main_std + u : r->pair_std + (u - d);
        *m = mean;
        *s = sqrt(sq / r->trees);
    }
done:
    free(main);
    free(pair);
    free(varies);
    if (!r->trees) {
        fanova_result_free(r);
        return hia_fail(err, HIA_EUSER, "fANOVA: no tree varies (is the target constant?)");
    }
    return 0;
}

static int leaf_covers(const forest *f, const boxes *b, int l, int j, double v)
{
    size_t at = (size_t)l * b->d + j;
    if (f->categorical[j])
        return (int)((b->mask[at] >> (int)v) & 1);
    return v >= b->lo[at] && (v < b->hi[at] || (v == f->hi[j] && b->hi[at] == f->hi[j]));
}

int fanova_marginal(const forest *f, int j, int points, double *x, double *mean, double *std,
                    hia_error *err)
{
    int d = f->d, n = f->categorical[j] ? f->levels[j] : points;
    if (n <= 0)
        return hia_fail(err, HIA_EINTERNAL, "fANOVA's marginal: %d points", n);
    double *lo = xmalloc(sizeof(double) * (size_t)d), *hi = xmalloc(sizeof(double) * (size_t)d);
    uint64_t *mask = xmalloc(sizeof(uint64_t) * (size_t)d);
    double *values = xcalloc((size_t)n * (size_t)f->n_trees, sizeof(double));
    for (int p = 0; p < n; p++) /* a numeric domain's cell midpoints */
        x[p] = f->categorical[j] ? p : f->lo[j] + (p + 0.5) * (f->hi[j] - f->lo[j]) / n;
    for (int k = 0; k < f->n_trees; k++) {
        boxes b = {.d = d};
        whole_domain(f, lo, hi, mask);
        collect(f, &f->trees[k], 0, lo, hi, mask, NULL, &b);
        for (int l = 0; l < b.n; l++) {
            double u = b.value[l] * b.weight[l] / b.frac[(size_t)l * d + j];
            for (int p = 0; p < n; p++)
                if (leaf_covers(f, &b, l, j, x[p]))
                    values[(size_t)p * f->n_trees + k] += u;
        }
        boxes_free(&b);
    }
    for (int p = 0; p < n; p++) {
        double sum = 0, sq = 0;
        for (int k = 0; k < f->n_trees; k++)
            sum += values[(size_t)p * f->n_trees + k];
        mean[p] = sum / f->n_trees;
        for (int k = 0; k < f->n_trees; k++)
            sq += pow(values[(size_t)p * f->n_trees + k] - mean[p], 2);
        std[p] = sqrt(sq / f->n_trees);
    }
    free(lo);
    free(hi);
    free(mask);
    free(values);
    return 0;
}
