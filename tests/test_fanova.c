/* forest + fanova: on functions whose decomposition is known, the main effects and the
   interaction come out as they should; shares never sum past 1; seeded forests repeat. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/fanova.h"
#include "check.h"
#include "base/rng.h"

/* n rows of d uniform features in [-1, 1] (column 2 categorical with 3 levels when cat). */
static void make(table *t, int n, int d, int cat, double (*fn)(const double *), uint64_t seed)
{
    rng r;
    rng_init(&r, seed);
    memset(t, 0, sizeof(*t));
    t->n_rows = n;
    t->n_cols = d;
    t->cols = calloc((size_t)d, sizeof(table_column));
    t->x = malloc(sizeof(double) * (size_t)n * d);
    t->y = malloc(sizeof(double) * (size_t)n);
    t->target = strdup("y");
    for (int c = 0; c < d; c++) {
        t->cols[c].name = strdup("x");
        if (cat && c == 2) {
            t->cols[c].categorical = 1;
            t->cols[c].n_levels = 3;
            t->cols[c].levels = calloc(3, sizeof(char *));
            for (int l = 0; l < 3; l++)
                t->cols[c].levels[l] = strdup("l");
        }
    }
    for (int i = 0; i < n; i++) {
        double *row = t->x + (size_t)i * d;
        for (int c = 0; c < d; c++)
            row[c] = cat && c == 2 ? (double)rng_below(&r, 3) : 2 * rng_uniform(&r) - 1;
        t->y[i] = fn(row);
    }
}

static double only_first(const double *x) { return x[0]; }
static double sum_two(const double *x) { return x[0] + x[1]; }
static double product(const double *x) { return x[0] * x[1]; }
static double level(const double *x) { return x[2] == 1 ? 1.0 : 0.0; }

static void decompose(double (*fn)(const double *), int cat, fanova_result *r)
{
    table t;
    forest f;
    hia_error err;
    forest_options o = {.trees = 16, .max_depth = 64, .min_samples_split = 2,
                        .min_samples_leaf = 1, .max_features = 1, .bootstrap = 1, .seed = 3};
    make(&t, 400, 3, cat, fn, 9);
    CHECK(forest_fit(&t, &o, &f, &err) == 0);
    CHECK(fanova_decompose(&f, NULL, r, &err) == 0);
    double total = 0;
    for (int i = 0; i < 3; i++) {
        total += r->main_mean[i];
        for (int j = i + 1; j < 3; j++)
            total += r->pair_mean[i * 3 + j];
    }
    CHECK(total <= 1 + 1e-9);
    forest_free(&f);
    table_free(&t);
}

int main(void)
{
    fanova_result r;
    decompose(only_first, 0, &r);
    CHECK(r.main_mean[0] > 0.95 && r.main_mean[1] < 0.02 && r.main_mean[2] < 0.02);
    CHECK(r.pair_mean[0 * 3 + 1] < 0.02);
    fanova_result_free(&r);

    /* the marginal of f = x0 follows x0; x1's is flat */
    {
        table t;
        forest f;
        hia_error err;
        forest_options o = {.trees = 16, .max_depth = 64, .min_samples_split = 2,
                            .min_samples_leaf = 1, .max_features = 1, .bootstrap = 1, .seed = 3};
        double x[10], mean[10], std[10];
        make(&t, 400, 3, 0, only_first, 9);
        CHECK(forest_fit(&t, &o, &f, &err) == 0);
        CHECK(fanova_marginal(&f, 0, 10, x, mean, std, &err) == 0);
        for (int p = 0; p < 10; p++)
            CHECK(fabs(mean[p] - x[p]) < 0.1 && std[p] < 0.1);
        CHECK(x[0] < -0.8 && x[9] > 0.8);
        CHECK(fanova_marginal(&f, 1, 10, x, mean, std, &err) == 0);
        for (int p = 1; p < 10; p++)
            CHECK(fabs(mean[p] - mean[0]) < 0.05);
        forest_free(&f);
        table_free(&t);
    }

    decompose(sum_two, 0, &r);
    CHECK(fabs(r.main_mean[0] - 0.5) < 0.08 && fabs(r.main_mean[1] - 0.5) < 0.08);
    CHECK(r.main_mean[2] < 0.03);
    fanova_result_free(&r);

    decompose(product, 0, &r);
    CHECK(r.main_mean[0] < 0.1 && r.main_mean[1] < 0.1);
    CHECK(r.pair_mean[0 * 3 + 1] > 0.75);
    fanova_result_free(&r);

    decompose(level, 1, &r);
    CHECK(r.main_mean[2] > 0.95 && r.main_mean[0] < 0.02);
    CHECK(r.main_std[2] < 0.05);
    fanova_result_free(&r);

    /* the same seed, the same forest; constant targets are refused */
    table t;
    forest a, b;
    hia_error err;
    forest_options o = {.trees = 4, .max_depth = 64, .min_samples_split = 2,
                        .min_samples_leaf = 1, .max_features = 0.5, .bootstrap = 1, .seed = 5};
    make(&t, 100, 3, 0, sum_two, 2);
    CHECK(forest_fit(&t, &o, &a, &err) == 0 && forest_fit(&t, &o, &b, &err) == 0);
    CHECK(a.trees[3].n == b.trees[3].n &&
          memcmp(a.trees[3].nodes, b.trees[3].nodes, sizeof(forest_node) * (size_t)a.trees[3].n) == 0);
    forest_free(&a);
    forest_free(&b);
    for (int i = 0; i < t.n_rows; i++)
        t.y[i] = 0.5;
    CHECK(forest_fit(&t, &o, &a, &err) == 0);
    CHECK(fanova_decompose(&a, NULL, &r, &err) == -1);
    CHECK_MSG(err.msg, "no tree varies");
    forest_free(&a);
    table_free(&t);
    return CHECK_DONE();
}
