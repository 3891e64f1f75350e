/* fanova: given the very trees Optuna 3.1's FanovaImportanceEvaluator fitted (scikit-learn's
   arrays, recorded by tests/reference/optuna_trees.py with the search-space bounds it used),
   hia's decomposition gives Optuna's per-parameter importances, mean and std over the trees,
   to 1e-9. On the same table, hia's own forest ranks the parameters as Optuna does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/fanova.h"
#include "check.h"

/* Ranks of importances: rank[j] = place of feature j, 0 the most important. */
static void ranks(const double *v, int d, int *rank)
{
    for (int j = 0; j < d; j++) {
        rank[j] = 0;
        for (int k = 0; k < d; k++)
            rank[j] += v[k] > v[j];
    }
}

static void own_forest_ranking(const char *table_path, const double *optuna, int d)
{
    table t;
    forest f;
    fanova_result r;
    hia_error err;
    table_options to = {0};
    forest_options o = {.trees = 64, .max_depth = 64, .min_samples_split = 2,
                        .min_samples_leaf = 1, .max_features = 1, .bootstrap = 1, .seed = 1};
    CHECK(table_read_csv(table_path, &to, &t, &err) == 0);
    CHECK(t.n_cols == d);
    CHECK(forest_fit(&t, &o, &f, &err) == 0);
    CHECK(fanova_decompose(&f, NULL, &r, &err) == 0);
    int a[16], b[16];
    ranks(r.main_mean, d, a);
    ranks(optuna, d, b);
    for (int j = 0; j < d; j++) {
        if (a[j] != b[j]) {
            fprintf(stderr, "%s: %s ranks %d in hia, %d in Optuna\n", table_path, t.cols[j].name,
                    a[j] + 1, b[j] + 1);
            check_failures++;
        }
    }
    fanova_result_free(&r);
    forest_free(&f);
    table_free(&t);
}

static void compare(const char *path)
{
    FILE *in = fopen(path, "r");
    CHECK(in != NULL);
    if (!in)
        return;
    forest f;
    memset(&f, 0, sizeof(f));
    double want_mean[16], want_std[16];
    int d = 0, bounds = 0, importances = 0, nodes;
    char word[32];
    CHECK(fscanf(in, "%31s %d", word, &d) == 2 && d > 0 && d <= 16);
    f.d = d;
    f.categorical = calloc((size_t)d, sizeof(int));
    f.levels = calloc((size_t)d, sizeof(int));
    f.lo = calloc((size_t)d, sizeof(double));
    f.hi = calloc((size_t)d, sizeof(double));
    while (fscanf(in, "%31s", word) == 1) {
        if (!strcmp(word, "bounds")) {
            CHECK(fscanf(in, "%lf %lf", &f.lo[bounds], &f.hi[bounds]) == 2);
            bounds++;
        } else if (!strcmp(word, "importance")) {
            CHECK(fscanf(in, "%lf %lf", &want_mean[importances], &want_std[importances]) == 2);
            importances++;
        } else if (!strcmp(word, "tree")) {
            CHECK(fscanf(in, "%d", &nodes) == 1);
            f.trees = realloc(f.trees, sizeof(forest_tree) * (size_t)(f.n_trees + 1));
            forest_tree *t = &f.trees[f.n_trees++];
            t->n = t->cap = nodes;
            t->nodes = calloc((size_t)nodes, sizeof(forest_node));
            for (int i = 0; i < nodes; i++) {
                forest_node *x = &t->nodes[i];
                CHECK(fscanf(in, "%d %lf %d %d %lf", &x->feature, &x->threshold, &x->left,
                             &x->right, &x->value) == 5);
                if (x->feature < 0) /* scikit-learn's leaves say -2 */
                    x->feature = -1;
            }
        }
    }
    fclose(in);
    CHECK(bounds == d && importances == d && f.n_trees > 0);
    fanova_result r;
    hia_error err;
    CHECK(fanova_decompose(&f, NULL, &r, &err) == 0);
    for (int j = 0; j < d && j < importances; j++) {
        if (fabs(r.main_mean[j] - want_mean[j]) > 1e-9 || fabs(r.main_std[j] - want_std[j]) > 1e-9) {
            fprintf(stderr, "%s feature %d: hia %.17g (std %.17g), Optuna %.17g (std %.17g)\n",
                    path, j, r.main_mean[j], r.main_std[j], want_mean[j], want_std[j]);
            check_failures++;
        }
    }
    fanova_result_free(&r);
    forest_free(&f);
    char table_path[700];
    snprintf(table_path, sizeof(table_path), "%s", path);
    char *name = strstr(table_path, "trees-");
    if (name) {
        memcpy(name, "table-", 6);
        strcpy(strstr(name, ".txt"), ".csv");
        own_forest_ranking(table_path, want_mean, d);
    }
}

int main(int argc, char **argv)
{
    char path[600];
    if (argc < 2)
        return 2;
    for (int k = 1; k <= 2; k++) {
        snprintf(path, sizeof(path), "%s/trees-%d.txt", argv[1], k);
        compare(path);
    }
    return CHECK_DONE();
}
