/* A seeded random forest of CART regression trees over an analysis table. */
#include "analysis/forest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/rng.h"

double forest_feature_value(const table *t, int row, int col)
{
    double v = table_at(t, row, col);
    return t->cols[col].log ? log(v) : v;
}

typedef struct item {
    double v, y;
    int row;
} item;

typedef struct builder {
    const forest_options *o;
    int d, n;
    const double *x;   /* n x d features */
    const double *y;
    const int *categorical;
    const int *levels;
    rng r;
    int *features;     /* scratch: feature order */
    int *scratch;      /* scratch: row order */
    item *items;       /* scratch: a feature's values, sorted */
} builder;

static int add_node(forest_tree *t, double value)
{
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 64;
        t->nodes = xreallocarray(t->nodes, (size_t)cap, sizeof(*t->nodes));
        t->cap = cap;
    }
    t->nodes[t->n] = (forest_node){.feature = -1, .value = value, .left = -1, .right = -1};
    return t->n++;
}

typedef struct split {
    int feature;
    double threshold;
    uint64_t left_set;
    double gain;
} split;

static int by_value(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Best threshold of a numeric feature; rows[0..n) are sorted by it. Maximises
   sum_l^2/n_l + sum_r^2/n_r. */
static void best_numeric(builder *b, const int *rows, int n, int f, double total, split *best)
{
    double left = 0;
    int min_leaf = b->o->min_samples_leaf;
    for (int i = 0; i < n - 1; i++) {
        left += b->y[rows[i]];
        double v = b->x[(size_t)rows[i] * b->d + f], next = b->x[(size_t)rows[i + 1] * b->d + f];
        if (v == next || i + 1 < min_leaf || n - i - 1 < min_leaf)
            continue;
        double nl = i + 1, nr = n - nl, right = total - left;
        double gain = left * left / nl + right * right / nr;
        if (gain > best->gain) {
            double mid = v + (next - v) / 2;
            *best = (split){f, mid > v ? mid : next, 0, gain};
        }
    }
}

/* Categorical: levels ordered by their mean target, then the best prefix goes left. */
static void best_categorical(builder *b, const int *rows, int n, int f, double total,
                             split *best)
{
    int k = b->levels[f];
    double sum[FOREST_MAX_LEVELS] = {0}, mean[FOREST_MAX_LEVELS];
    int count[FOREST_MAX_LEVELS] = {0}, order[FOREST_MAX_LEVELS], present = 0;
    for (int i = 0; i < n; i++) {
        int l = (int)b->x[(size_t)rows[i] * b->d + f];
        sum[l] += b->y[rows[i]];
        count[l]++;
    }
    for (int l = 0; l < k; l++) {
        if (!count[l])
            continue;
        mean[l] = sum[l] / count[l];
        int j = present++;
        while (j > 0 && (mean[order[j - 1]] > mean[l] ||
                         (mean[order[j - 1]] == mean[l] && order[j - 1] > l))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = l;
    }
    double left = 0;
    int nl = 0;
    uint64_t set = 0;
    for (int i = 0; i < present - 1; i++) {
        int l = order[i];
        left += sum[l];
        nl += count[l];
        set |= 1ULL << l;
        if (nl < b->o->min_samples_leaf || n - nl < b->o->min_samples_leaf)
            continue;
        double right = total - left;
        double gain = left * left / nl + right * right / (n - nl);
        if (gain > best->gain)
            *best = (split){f, 0, set, gain};
    }
}

static int goes_left(const builder *b, int row, const split *s)
{
    double v = b->x[(size_t)row * b->d + s->feature];
    return b->categorical[s->feature] ? (s->left_set >> (int)v) & 1 : v < s->threshold;
}

/* sorted[f][0..n): the node's rows ordered by feature f (each feature's list holds the same
   rows); after a split each list is partitioned stably, left rows first, so no node sorts. */
static int grow(builder *b, forest_tree *t, int **sorted, int offset, int n, int depth)
{
    const int *rows = sorted[0] + offset;
    double total = 0;
    int constant = 1;
    for (int i = 0; i < n; i++) {
        total += b->y[rows[i]];
        constant &= b->y[rows[i]] == b->y[rows[0]];
    }
    int node = add_node(t, total / n);
    if (constant || n < b->o->min_samples_split || n < 2 * b->o->min_samples_leaf ||
        depth >= b->o->max_depth)
        return node;
    int tries = (int)ceil(b->o->max_features * b->d);
    tries = tries < 1 ? 1 : tries > b->d ? b->d : tries;
    for (int i = 0; i < b->d; i++)
        b->features[i] = i;
    split best = {-1, 0, 0, total * total / n * (1 + 1e-12)};
    for (int i = 0; i < tries; i++) { /* a random subset of the features, in random order */
        int j = i + (int)rng_below(&b->r, (uint64_t)(b->d - i));
        int f = b->features[j];
        b->features[j] = b->features[i];
        b->features[i] = f;
        if (b->categorical[f])
            best_categorical(b, sorted[f] + offset, n, f, total, &best);
        else
            best_numeric(b, sorted[f] + offset, n, f, total, &best);
    }
    if (best.feature < 0)
        return node;
    int nl = 0;
    for (int f = 0; f < b->d; f++) {
        int *list = sorted[f] + offset, nr = 0;
        nl = 0;
        for (int i = 0; i < n; i++) {
            int row = list[i];
            if (goes_left(b, row, &best))
                list[nl++] = row;
            else
                b->scratch[nr++] = row;
        }
        memcpy(list + nl, b->scratch, sizeof(int) * (size_t)nr);
    }
    int left = grow(b, t, sorted, offset, nl, depth + 1);
    int right = grow(b, t, sorted, offset + nl, n - nl, depth + 1);
    forest_node *x = &t->nodes[node];
    x->feature = best.feature;
    x->threshold = best.threshold;
    x->left_set = best.left_set;
    x->left = left;
    x->right = right;
    return node;
}

static int prepare_features(const table *t, forest *f, double **x, hia_error *err)
{
    int n = t->n_rows, d = t->n_cols;
    f->d = d;
    f->categorical = xcalloc((size_t)d, sizeof(int));
    f->levels = xcalloc((size_t)d, sizeof(int));
    f->lo = xcalloc((size_t)d, sizeof(double));
    f->hi = xcalloc((size_t)d, sizeof(double));
    *x = xmalloc(sizeof(double) * (size_t)n * (size_t)d);
    for (int c = 0; c < d; c++) {
        f->categorical[c] = t->cols[c].categorical;
        f->levels[c] = t->cols[c].n_levels;
        if (f->categorical[c] && f->levels[c] > FOREST_MAX_LEVELS)
            return hia_fail(err, HIA_EUSER, "fANOVA: '%s' has %d levels (at most %d)",
                            t->cols[c].name, f->levels[c], FOREST_MAX_LEVELS);
        int whole = 1;
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < n; i++) {
            double v = t->cols[c].categorical ? table_at(t, i, c) : forest_feature_value(t, i, c);
            if (isnan(v))
                return hia_fail(err, HIA_EUSER, "fANOVA: '%s' is missing in row %d (inactive "
                                "per-layer values: analyse without --layers)", t->cols[c].name,
                                i + 1);
            (*x)[(size_t)i * d + c] = v;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            whole &= v == floor(v);
        }
        if (!f->categorical[c]) {
            double pad = whole && !t->cols[c].log ? 0.5 : 0;
            f->lo[c] = lo - pad;
            f->hi[c] = hi + pad;
        }
    }
    return 0;
}

int forest_fit(const table *t, const forest_options *o, forest *f, hia_error *err)
{
    memset(f, 0, sizeof(*f));
    double *x = NULL;
    int n = t->n_rows;
    if (o->trees < 1 || o->max_depth < 1 || o->min_samples_leaf < 1)
        return hia_fail(err, HIA_EUSER, "fANOVA: trees, depth and min leaf must be at least 1");
    int rc = prepare_features(t, f, &x, err);
    f->trees = xcalloc((size_t)o->trees, sizeof(forest_tree));
    if (!rc) {
        f->n_trees = o->trees;
        /* trees in parallel; each tree's randomness comes from its index alone */
#pragma omp parallel
        {
            builder b = {.o = o, .d = t->n_cols, .n = n, .y = t->y, .x = x,
                         .categorical = f->categorical, .levels = f->levels};
            b.features = xmalloc(sizeof(int) * (size_t)b.d);
            b.scratch = xmalloc(sizeof(int) * (size_t)n);
            b.items = xmalloc(sizeof(item) * (size_t)n);
            int **sorted = xcalloc((size_t)b.d, sizeof(int *));
            int *lists = xmalloc(sizeof(int) * (size_t)n * (size_t)b.d);
            for (int c = 0; c < b.d; c++)
                sorted[c] = lists + (size_t)c * n;
#pragma omp for schedule(dynamic, 1)
            for (int k = 0; k < o->trees; k++) {
                rng_init(&b.r, rng_derive(o->seed, (uint64_t)k, RNG_FOREST, 0));
                for (int i = 0; i < n; i++) {
                    int row = o->bootstrap ? (int)rng_below(&b.r, (uint64_t)n) : i;
                    b.items[i] = (item){0, 0, row};
                }
                for (int c = 0; c < b.d; c++) { /* each feature's order, once per tree */
                    for (int i = 0; i < n; i++)
                        b.items[i].v = x[(size_t)b.items[i].row * b.d + c];
                    qsort(b.items, (size_t)n, sizeof(item), by_value);
                    for (int i = 0; i < n; i++)
                        sorted[c][i] = b.items[i].row;
                }
                grow(&b, &f->trees[k], sorted, 0, n, 0);
            }
            free(b.features);
            free(b.scratch);
            free(b.items);
            free(sorted);
            free(lists);
        }
    }
    free(x);
    if (rc)
        forest_free(f);
    return rc;
}

void forest_free(forest *f)
{
    for (int k = 0; k < f->n_trees; k++)
        free(f->trees[k].nodes);
    free(f->trees);
    free(f->categorical);
    free(f->levels);
    free(f->lo);
    free(f->hi);
    memset(f, 0, sizeof(*f));
}
