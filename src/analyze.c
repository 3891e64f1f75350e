#include "analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/agreement.h"
#include "analysis/fanova.h"
#include "analysis/icc.h"
#include "analysis/relief.h"
#include "analysis/table.h"
#include "jsonw.h"
#include "rng.h"
#include "store.h"
#include "yamldoc.h"

const char analyze_usage[] =
    "usage: hia analyze STORE|TABLE.csv [options]\n"
    "\n"
    "Ranks the hyperparameters by N-RReliefF importance, with 95% bootstrap intervals, checks\n"
    "the ranking's stability with the ICC across random subsamples of the trials, and\n"
    "cross-checks it with fANOVA (main effects and pairwise interactions of a random forest).\n"
    "On a CSV matrix (targets x raters, an optional first column of labels), --method icc\n"
    "prints the six ICC forms.\n"
    "\n"
    "  --method M          nrrelieff | fanova | icc | all (default all)\n"
    "  --target COL        test_accuracy (stores' default) | val_accuracy; for a CSV, default a\n"
    "                      column named accuracy, else the last\n"
    "  --dataset D         only dataset D's trials; --pooled: all datasets, each dataset's\n"
    "                      accuracy as a z-score (default: pooled when a store has several)\n"
    "  --layers            per-layer columns (filters_1, kernel_size_1, ...); by default a\n"
    "                      per-layer hyperparameter is its mean over the net's layers\n"
    "  --categorical a,b   CSV columns to treat as categorical (a non-numeric one always is)\n"
    "  --log a,b           CSV columns on the log scale   --exclude a,b  CSV columns to ignore\n"
    "  --neighbours K      (10)   --weighting equal|rank (rank)   --sigma S (2)\n"
    "  --distance manhattan|euclidean (manhattan)   --ties weka|sorted (weka)\n"
    "  --iterations all|M  instances sampled with Weka's generator (all)\n"
    "  --bootstrap B       resamples for the intervals (50; 0: none)\n"
    "  --subsamples K      (10)   --fraction F (0.5): the stability check\n"
    "  --trees T (64)   --max-depth D (64)   --min-leaf L (1)   --max-features F (1.0)\n"
    "  --no-bootstrap     fANOVA's forest on all rows   --cutoffs lo,hi  clamp leaf values\n"
    "  --seed S            resamples and subsamples (1); --json  JSON instead of text\n";

typedef struct analyze_args {
    const char *input, *method, *target, *dataset, *categorical, *log, *exclude;
    int pooled, layers, json, bootstrap, subsamples, has_cutoffs;
    double fraction, cutoffs[2];
    uint64_t seed;
    relief_options relief;
    forest_options forest;
} analyze_args;

static int value_of(int argc, char **argv, int *i, const char **out, hia_error *err)
{
    if (*i + 1 >= argc)
        return hia_fail(err, HIA_EUSER, "%s needs a value", argv[*i]);
    *out = argv[++*i];
    return 0;
}

static int number_of(int argc, char **argv, int *i, double min, double max, double *out,
                     hia_error *err)
{
    const char *v = NULL;
    if (value_of(argc, argv, i, &v, err))
        return -1;
    if (parse_double(v, out) || *out < min || *out > max)
        return hia_fail(err, HIA_EUSER, "%s %s: expected a number in [%g, %g]", argv[*i - 1], v,
                        min, max);
    return 0;
}

static int choice_of(int argc, char **argv, int *i, const char *a, const char *b, int *is_b,
                     hia_error *err)
{
    const char *v = NULL;
    if (value_of(argc, argv, i, &v, err))
        return -1;
    if (strcmp(v, a) && strcmp(v, b))
        return hia_fail(err, HIA_EUSER, "%s %s: expected %s or %s", argv[*i - 1], v, a, b);
    *is_b = strcmp(v, b) == 0;
    return 0;
}

static int parse(int argc, char **argv, analyze_args *a, hia_error *err)
{
    memset(a, 0, sizeof(*a));
    a->method = "all";
    a->bootstrap = 50;
    a->subsamples = 10;
    a->fraction = 0.5;
    a->seed = 1;
    a->relief = (relief_options){.neighbours = 10, .rank_weighting = 1, .sigma = 2};
    a->forest = (forest_options){.trees = 64, .max_depth = 64, .min_samples_split = 2,
                                 .min_samples_leaf = 1, .max_features = 1, .bootstrap = 1,
                                 .seed = 1};
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i], *v = NULL;
        double x;
        int rc = 0;
        if (!strcmp(s, "--method")) {
            rc = value_of(argc, argv, &i, &a->method, err);
            if (!rc && strcmp(a->method, "nrrelieff") && strcmp(a->method, "icc") &&
                strcmp(a->method, "fanova") && strcmp(a->method, "all"))
                rc = hia_fail(err, HIA_EUSER, "--method %s: expected nrrelieff, fanova, icc or "
                              "all", a->method);
        } else if (!strcmp(s, "--target")) {
            rc = value_of(argc, argv, &i, &a->target, err);
        } else if (!strcmp(s, "--dataset")) {
            rc = value_of(argc, argv, &i, &a->dataset, err);
        } else if (!strcmp(s, "--categorical")) {
            rc = value_of(argc, argv, &i, &a->categorical, err);
        } else if (!strcmp(s, "--log")) {
            rc = value_of(argc, argv, &i, &a->log, err);
        } else if (!strcmp(s, "--exclude")) {
            rc = value_of(argc, argv, &i, &a->exclude, err);
        } else if (!strcmp(s, "--pooled")) {
            a->pooled = 1;
        } else if (!strcmp(s, "--layers")) {
            a->layers = 1;
        } else if (!strcmp(s, "--json")) {
            a->json = 1;
        } else if (!strcmp(s, "--neighbours")) {
            rc = number_of(argc, argv, &i, 1, 1e6, &x, err);
            a->relief.neighbours = (int)x;
        } else if (!strcmp(s, "--weighting")) {
            rc = choice_of(argc, argv, &i, "equal", "rank", &a->relief.rank_weighting, err);
        } else if (!strcmp(s, "--sigma")) {
            rc = number_of(argc, argv, &i, 1e-9, 1e9, &a->relief.sigma, err);
        } else if (!strcmp(s, "--distance")) {
            rc = choice_of(argc, argv, &i, "manhattan", "euclidean", &a->relief.euclidean, err);
        } else if (!strcmp(s, "--ties")) {
            rc = choice_of(argc, argv, &i, "weka", "sorted", &a->relief.sorted_ties, err);
        } else if (!strcmp(s, "--iterations")) {
            rc = value_of(argc, argv, &i, &v, err);
            long m = 0;
            if (!rc && strcmp(v, "all") && (parse_long(v, &m) || m < 1))
                rc = hia_fail(err, HIA_EUSER, "--iterations %s: expected all or a count", v);
            a->relief.iterations = m;
        } else if (!strcmp(s, "--bootstrap")) {
            rc = number_of(argc, argv, &i, 0, 100000, &x, err);
            a->bootstrap = (int)x;
        } else if (!strcmp(s, "--subsamples")) {
            rc = number_of(argc, argv, &i, 2, 10000, &x, err);
            a->subsamples = (int)x;
        } else if (!strcmp(s, "--fraction")) {
            rc = number_of(argc, argv, &i, 1e-9, 1, &a->fraction, err);
        } else if (!strcmp(s, "--trees")) {
            rc = number_of(argc, argv, &i, 1, 100000, &x, err);
            a->forest.trees = (int)x;
        } else if (!strcmp(s, "--max-depth")) {
            rc = number_of(argc, argv, &i, 1, 10000, &x, err);
            a->forest.max_depth = (int)x;
        } else if (!strcmp(s, "--min-leaf")) {
            rc = number_of(argc, argv, &i, 1, 1e9, &x, err);
            a->forest.min_samples_leaf = (int)x;
        } else if (!strcmp(s, "--max-features")) {
            rc = number_of(argc, argv, &i, 1e-9, 1, &a->forest.max_features, err);
        } else if (!strcmp(s, "--no-bootstrap")) {
            a->forest.bootstrap = 0;
        } else if (!strcmp(s, "--cutoffs")) {
            rc = value_of(argc, argv, &i, &v, err);
            char extra;
            if (!rc && (sscanf(v, "%lf,%lf%c", &a->cutoffs[0], &a->cutoffs[1], &extra) != 2 ||
                        !(a->cutoffs[0] < a->cutoffs[1])))
                rc = hia_fail(err, HIA_EUSER, "--cutoffs %s: expected lo,hi with lo < hi", v);
            a->has_cutoffs = 1;
        } else if (!strcmp(s, "--seed")) {
            rc = number_of(argc, argv, &i, 0, 2147483647, &x, err);
            a->seed = (uint64_t)x;
            a->relief.seed = (int32_t)x;
            a->forest.seed = (uint64_t)x;
        } else if (s[0] == '-') {
            rc = hia_fail(err, HIA_EUSER, "unknown option %s (see --help)", s);
        } else if (!a->input) {
            a->input = s;
        } else {
            rc = hia_fail(err, HIA_EUSER, "unexpected argument '%s' (see --help)", s);
        }
        if (rc)
            return -1;
    }
    if (!a->input)
        return hia_fail(err, HIA_EUSER, "missing STORE or TABLE.csv (see --help)");
    if (a->pooled && a->dataset)
        return hia_fail(err, HIA_EUSER, "--dataset and --pooled exclude each other");
    return 0;
}

static int is_csv(const char *path)
{
    size_t n = strlen(path);
    return n > 4 && !strcmp(path + n - 4, ".csv");
}

/* ---- the stability check ------------------------------------------------------------------ */

/* N-RReliefF importances on `subsamples` random subsets (without replacement) of the rows; the
   matrix is hyperparameters x subsamples. */
static int subsample_importances(const table *t, const analyze_args *a, double *m,
                                 hia_error *err)
{
    int d = t->n_cols, n = t->n_rows, k = a->subsamples;
    int size = (int)floor(a->fraction * n);
    if (size < 2)
        return hia_fail(err, HIA_EUSER, "--fraction %g of %d trials leaves fewer than 2 per "
                        "subsample", a->fraction, n);
    table s = *t;
    int *rows = malloc(sizeof(int) * (size_t)n);
    double *w = malloc(sizeof(double) * (size_t)d), *imp = malloc(sizeof(double) * (size_t)d);
    s.x = malloc(sizeof(double) * (size_t)size * (size_t)d);
    s.y = malloc(sizeof(double) * (size_t)size);
    s.n_rows = size;
    int rc = rows && w && imp && s.x && s.y ? 0 : hia_fail(err, HIA_EINTERNAL, "out of memory");
    for (int r = 0; !rc && r < k; r++) {
        rng g;
        rng_init(&g, rng_derive(a->seed, (uint64_t)r, RNG_SUBSAMPLE, 0));
        for (int i = 0; i < n; i++)
            rows[i] = i;
        rng_shuffle(&g, rows, n);
        for (int i = 0; i < size; i++) {
            memcpy(s.x + (size_t)i * d, t->x + (size_t)rows[i] * d, sizeof(double) * (size_t)d);
            s.y[i] = t->y[rows[i]];
        }
        if (relief_weights(&s, &a->relief, w, err)) {
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

/* ---- output ------------------------------------------------------------------------------- */

typedef struct ranking {
    double *raw, *importance, *lower, *upper;
    int *order;
} ranking;

static const double *rank_key;

static int by_importance(const void *x, const void *y)
{
    int i = *(const int *)x, j = *(const int *)y;
    if (rank_key[i] != rank_key[j])
        return rank_key[i] > rank_key[j] ? -1 : 1;
    return (i > j) - (i < j);
}

static const char *distance_name(const relief_options *o)
{
    return o->euclidean ? "euclidean" : "manhattan";
}

static void print_relief_text(const table *t, const analyze_args *a, const ranking *r)
{
    printf("N-RReliefF: k=%d, %s weighting", a->relief.neighbours,
           a->relief.rank_weighting ? "rank" : "equal");
    if (a->relief.rank_weighting)
        printf(" (sigma %g)", a->relief.sigma);
    printf(", %s distance, %s ties, %s instances\n", distance_name(&a->relief),
           a->relief.sorted_ties ? "sorted" : "Weka's",
           a->relief.iterations ? "sampled" : "all");
    printf("importance = max(W,0) / sum of max(W,0); interval: 95%% over %d bootstrap "
           "resamples (each trial at most once)\n\n", a->bootstrap);
    printf("%4s  %-20s %10s  %-17s %10s\n", "rank", "hyperparameter", "importance",
           a->bootstrap ? "95% interval" : "", "raw W");
    for (int i = 0; i < t->n_cols; i++) {
        int j = r->order[i];
        char ci[64] = "";
        if (a->bootstrap && isfinite(r->lower[j]))
            snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->lower[j], r->upper[j]);
        printf("%4d  %-20s %10.3f  %-17s %10.5f\n", i + 1, t->cols[j].name, r->importance[j], ci,
               r->raw[j]);
    }
}

static void json_relief(jsonw *j, const table *t, const analyze_args *a, const ranking *r)
{
    jsonw_begin_object(j, "nrrelieff");
    jsonw_begin_object(j, "settings");
    jsonw_int(j, "neighbours", a->relief.neighbours);
    jsonw_string(j, "weighting", a->relief.rank_weighting ? "rank" : "equal");
    jsonw_number(j, "sigma", a->relief.sigma);
    jsonw_string(j, "distance", distance_name(&a->relief));
    jsonw_string(j, "ties", a->relief.sorted_ties ? "sorted" : "weka");
    if (a->relief.iterations)
        jsonw_int(j, "iterations", a->relief.iterations);
    else
        jsonw_string(j, "iterations", "all");
    jsonw_int(j, "bootstrap", a->bootstrap);
    jsonw_end_object(j);
    jsonw_string(j, "normalisation", "max(W,0)/sum(max(W,0))");
    jsonw_begin_array(j, "hyperparameters");
    for (int i = 0; i < t->n_cols; i++) {
        int c = r->order[i];
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", t->cols[c].name);
        jsonw_int(j, "rank", i + 1);
        jsonw_number(j, "raw", r->raw[c]);
        jsonw_number(j, "importance", r->importance[c]);
        jsonw_begin_array(j, "ci");
        jsonw_number(j, NULL, r->lower[c]);
        jsonw_number(j, NULL, r->upper[c]);
        jsonw_end_array(j);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    jsonw_end_object(j);
}

static void json_forms(jsonw *j, const icc_form *f)
{
    jsonw_begin_array(j, "forms");
    for (int i = 0; i < 6; i++) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "type", f[i].type);
        jsonw_number(j, "icc", f[i].icc);
        jsonw_number(j, "f", f[i].f);
        jsonw_number(j, "df1", f[i].df1);
        jsonw_number(j, "df2", f[i].df2);
        jsonw_number(j, "p", f[i].p);
        jsonw_number(j, "lower", f[i].lower);
        jsonw_number(j, "upper", f[i].upper);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
}

static void print_forms(const icc_form *f)
{
    printf("%-6s %9s %10s %6s %8s %10s %9s %9s\n", "type", "ICC", "F", "df1", "df2", "p", "lower",
           "upper");
    for (int i = 0; i < 6; i++)
        printf("%-6s %9.4f %10.3f %6.0f %8.2f %10.3g %9.4f %9.4f\n", f[i].type, f[i].icc, f[i].f,
               f[i].df1, f[i].df2, f[i].p, f[i].lower, f[i].upper);
}

/* ICC(2,1): a single subsample's importances agreeing in absolute value with another's, the
   raters (subsamples) a random draw: the strictest form that fits the question. */
#define STABILITY_FORM 1

static int stability(const table *t, const analyze_args *a, jsonw *j, hia_error *err)
{
    double *m = malloc(sizeof(double) * (size_t)t->n_cols * (size_t)a->subsamples);
    icc_form f[6];
    int rc = m ? subsample_importances(t, a, m, err)
               : hia_fail(err, HIA_EINTERNAL, "out of memory");
    if (!rc)
        rc = icc_compute(m, t->n_cols, a->subsamples, f, err);
    free(m);
    if (rc)
        return hia_wrap(err, "stability check");
    const icc_form *s = &f[STABILITY_FORM];
    if (j) {
        jsonw_begin_object(j, "icc");
        jsonw_string(j, "form", s->type);
        jsonw_string(j, "why", "two-way random, absolute agreement, single subsample");
        jsonw_int(j, "subsamples", a->subsamples);
        jsonw_number(j, "fraction", a->fraction);
        jsonw_number(j, "value", s->icc);
        jsonw_number(j, "lower", s->lower);
        jsonw_number(j, "upper", s->upper);
        jsonw_string(j, "reading", icc_reading(s->lower));
        json_forms(j, f);
        jsonw_end_object(j);
    } else {
        printf("\nstability: ICC(2,1) of the importances across %d subsamples of %.0f%% of the "
               "trials = %.3f [%.3f, %.3f]: %s (Koo & Li, from the interval's lower bound)\n",
               a->subsamples, 100 * a->fraction, s->icc, s->lower, s->upper,
               icc_reading(s->lower));
    }
    return 0;
}

static const double *pair_key;

static int by_pair(const void *x, const void *y)
{
    int i = *(const int *)x, j = *(const int *)y;
    if (pair_key[i] != pair_key[j])
        return pair_key[i] > pair_key[j] ? -1 : 1;
    return (i > j) - (i < j);
}

#define FANOVA_TOP_PAIRS 10
#define MARGINAL_POINTS 20

/* Each hyperparameter's marginal curve (mean and std across trees), on its own scale. */
static int json_marginals(jsonw *j, const table *t, const forest *f, hia_error *err)
{
    double x[FOREST_MAX_LEVELS], mean[FOREST_MAX_LEVELS], std[FOREST_MAX_LEVELS];
    jsonw_begin_array(j, "marginals");
    for (int c = 0; c < t->n_cols; c++) {
        if (fanova_marginal(f, c, MARGINAL_POINTS, x, mean, std, err))
            return -1;
        int n = t->cols[c].categorical ? t->cols[c].n_levels : MARGINAL_POINTS;
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", t->cols[c].name);
        jsonw_begin_array(j, "x");
        for (int p = 0; p < n; p++) {
            if (t->cols[c].categorical)
                jsonw_string(j, NULL, t->cols[c].levels[p]);
            else
                jsonw_number(j, NULL, t->cols[c].log ? exp(x[p]) : x[p]);
        }
        jsonw_end_array(j);
        jsonw_begin_array(j, "mean");
        for (int p = 0; p < n; p++)
            jsonw_number(j, NULL, mean[p]);
        jsonw_end_array(j);
        jsonw_begin_array(j, "std");
        for (int p = 0; p < n; p++)
            jsonw_number(j, NULL, std[p]);
        jsonw_end_array(j);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    return 0;
}

/* fANOVA: the main effects ranked, then the strongest interactions; main[] gets the main
   effects for the agreement with N-RReliefF. */
static int fanova(const table *t, const analyze_args *a, jsonw *j, double *main,
                  hia_error *err)
{
    forest f;
    fanova_result r;
    int d = t->n_cols;
    if (forest_fit(t, &a->forest, &f, err))
        return -1;
    int rc = fanova_decompose(&f, a->has_cutoffs ? a->cutoffs : NULL, &r, err);
    if (rc) {
        forest_free(&f);
        return -1;
    }
    int *order = malloc(sizeof(int) * (size_t)d), *pairs = malloc(sizeof(int) * (size_t)d * d);
    if (!order || !pairs) {
        free(order);
        free(pairs);
        fanova_result_free(&r);
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    }
    int np = 0;
    for (int i = 0; i < d; i++) {
        order[i] = i;
        main[i] = r.main_mean[i];
        for (int k = i + 1; k < d; k++)
            pairs[np++] = i * d + k;
    }
    rank_key = r.main_mean;
    qsort(order, (size_t)d, sizeof(int), by_importance);
    pair_key = r.pair_mean;
    qsort(pairs, (size_t)np, sizeof(int), by_pair);
    int top = np < FANOVA_TOP_PAIRS ? np : FANOVA_TOP_PAIRS;
    if (j) {
        jsonw_begin_object(j, "fanova");
        jsonw_begin_object(j, "settings");
        jsonw_int(j, "trees", a->forest.trees);
        jsonw_int(j, "max_depth", a->forest.max_depth);
        jsonw_int(j, "min_samples_leaf", a->forest.min_samples_leaf);
        jsonw_number(j, "max_features", a->forest.max_features);
        jsonw_bool(j, "bootstrap", a->forest.bootstrap);
        jsonw_int(j, "seed", (long long)a->forest.seed);
        jsonw_int(j, "trees_with_variance", r.trees);
        jsonw_end_object(j);
        jsonw_begin_array(j, "main");
        for (int i = 0; i < d; i++) {
            jsonw_begin_object(j, NULL);
            jsonw_string(j, "name", t->cols[order[i]].name);
            jsonw_int(j, "rank", i + 1);
            jsonw_number(j, "importance", r.main_mean[order[i]]);
            jsonw_number(j, "std", r.main_std[order[i]]);
            jsonw_end_object(j);
        }
        jsonw_end_array(j);
        jsonw_begin_array(j, "pairs");
        for (int p = 0; p < np; p++) {
            jsonw_begin_object(j, NULL);
            jsonw_string(j, "a", t->cols[pairs[p] / d].name);
            jsonw_string(j, "b", t->cols[pairs[p] % d].name);
            jsonw_number(j, "importance", r.pair_mean[pairs[p]]);
            jsonw_number(j, "std", r.pair_std[pairs[p]]);
            jsonw_end_object(j);
        }
        jsonw_end_array(j);
        rc = json_marginals(j, t, &f, err);
        jsonw_end_object(j);
    } else {
        printf("\nfANOVA: %d trees (%d vary), depth %d, min leaf %d, %.0f%% of the features per "
               "split%s; share of the variance, mean and std across trees\n\n",
               a->forest.trees, r.trees, a->forest.max_depth, a->forest.min_samples_leaf,
               100 * a->forest.max_features, a->forest.bootstrap ? ", bootstrap" : "");
        printf("%4s  %-20s %10s %8s\n", "rank", "hyperparameter", "main", "std");
        for (int i = 0; i < d; i++)
            printf("%4d  %-20s %10.3f %8.3f\n", i + 1, t->cols[order[i]].name,
                   r.main_mean[order[i]], r.main_std[order[i]]);
        printf("\nstrongest interactions:\n");
        for (int p = 0; p < top; p++)
            printf("      %-20s x %-20s %7.3f %8.3f\n", t->cols[pairs[p] / d].name,
                   t->cols[pairs[p] % d].name, r.pair_mean[pairs[p]], r.pair_std[pairs[p]]);
    }
    free(order);
    free(pairs);
    fanova_result_free(&r);
    forest_free(&f);
    return rc;
}

static int method_agreement(const double *relief, const double *fanova, int d, jsonw *j,
                            hia_error *err)
{
    double rho, tau = agreement_kendall(relief, fanova, d);
    if (agreement_spearman(relief, fanova, d, &rho, err))
        return -1;
    if (j) {
        jsonw_begin_object(j, "methods");
        jsonw_number(j, "spearman", rho);
        jsonw_number(j, "kendall", tau);
        jsonw_end_object(j);
    } else if (isnan(rho) || isnan(tau)) {
        printf("\nagreement of N-RReliefF and fANOVA: undefined (one ranking gives every "
               "hyperparameter the same importance)\n");
    } else {
        printf("\nagreement of N-RReliefF and fANOVA (importances): Spearman rho %.3f, Kendall "
               "tau %.3f\n", rho, tau);
    }
    return 0;
}

static int rank_relief(const table *t, const analyze_args *a, ranking *r, hia_error *err)
{
    int d = t->n_cols;
    r->raw = calloc((size_t)d, sizeof(double));
    r->importance = calloc((size_t)d, sizeof(double));
    r->lower = calloc((size_t)d, sizeof(double));
    r->upper = calloc((size_t)d, sizeof(double));
    r->order = calloc((size_t)d, sizeof(int));
    if (!r->raw || !r->importance || !r->lower || !r->upper || !r->order)
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    if (relief_weights(t, &a->relief, r->raw, err))
        return -1;
    relief_normalise(r->raw, d, r->importance);
    for (int j = 0; j < d; j++)
        r->lower[j] = r->upper[j] = NAN;
    if (a->bootstrap &&
        relief_bootstrap(t, &a->relief, a->bootstrap, a->seed, r->lower, r->upper, err))
        return -1;
    for (int j = 0; j < d; j++)
        r->order[j] = j;
    rank_key = r->importance;
    qsort(r->order, (size_t)d, sizeof(int), by_importance);
    return 0;
}

static void ranking_free(ranking *r)
{
    free(r->raw);
    free(r->importance);
    free(r->lower);
    free(r->upper);
    free(r->order);
}

typedef struct name_list {
    char *names[64];
    int n;
} name_list;

static int collect_dataset(void *ctx, const char *name)
{
    name_list *l = ctx;
    if (l->n < 64 && !(l->names[l->n++] = strdup(name)))
        return -1;
    return 0;
}

static void name_list_free(name_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    l->n = 0;
}

/* Each dataset's N-RReliefF importances, and the rank agreement of every pair of datasets. */
static int dataset_agreement(const analyze_args *a, const name_list *datasets, jsonw *j,
                             hia_error *err)
{
    store *s;
    int n = datasets->n, d = 0, rc = 0;
    double *imp = NULL;
    if (store_open(a->input, &s, err))
        return -1;
    for (int k = 0; k < n && !rc; k++) {
        table t;
        table_store_options o = {a->target ? a->target : "test_accuracy", datasets->names[k], 0,
                                 a->layers};
        rc = table_from_store(s, &o, &t, err);
        if (rc) {
            hia_wrap(err, "agreement between datasets");
            break;
        }
        if (!imp) {
            d = t.n_cols;
            imp = calloc((size_t)n * (size_t)d, sizeof(double));
        }
        double *w = malloc(sizeof(double) * (size_t)d);
        if (!imp || !w || t.n_cols != d)
            rc = hia_fail(err, HIA_EINTERNAL, "out of memory");
        else if (!(rc = relief_weights(&t, &a->relief, w, err)))
            relief_normalise(w, d, imp + (size_t)k * d);
        free(w);
        table_free(&t);
    }
    store_close(s);
    if (j && !rc)
        jsonw_begin_array(j, "datasets");
    else if (!rc)
        printf("\nagreement between datasets (N-RReliefF importances):\n");
    for (int x = 0; x < n && !rc; x++) {
        for (int y = x + 1; y < n && !rc; y++) {
            double rho, tau = agreement_kendall(imp + (size_t)x * d, imp + (size_t)y * d, d);
            rc = agreement_spearman(imp + (size_t)x * d, imp + (size_t)y * d, d, &rho, err);
            if (rc)
                break;
            if (j) {
                jsonw_begin_object(j, NULL);
                jsonw_string(j, "a", datasets->names[x]);
                jsonw_string(j, "b", datasets->names[y]);
                jsonw_number(j, "spearman", rho);
                jsonw_number(j, "kendall", tau);
                jsonw_end_object(j);
            } else if (isnan(rho) || isnan(tau)) {
                printf("  %s ~ %s: undefined (a ranking gives every hyperparameter the same "
                       "importance)\n", datasets->names[x], datasets->names[y]);
            } else {
                printf("  %s ~ %s: Spearman rho %.3f, Kendall tau %.3f\n", datasets->names[x],
                       datasets->names[y], rho, tau);
            }
        }
    }
    if (j && !rc)
        jsonw_end_array(j);
    free(imp);
    return rc;
}

static int load(const analyze_args *a, table *t, name_list *datasets, char *scope, size_t size,
                hia_error *err)
{
    if (is_csv(a->input)) {
        table_options o = {a->target, a->categorical, a->log, a->exclude};
        snprintf(scope, size, "%s", a->input);
        return table_read_csv(a->input, &o, t, err);
    }
    store *s;
    if (store_open(a->input, &s, err))
        return -1;
    int rc = store_datasets(s, collect_dataset, datasets, err);
    table_store_options o = {a->target ? a->target : "test_accuracy", a->dataset,
                             a->pooled || (!a->dataset && datasets->n > 1), a->layers};
    if (!rc)
        rc = table_from_store(s, &o, t, err);
    snprintf(scope, size, "%s, %s", a->input,
             a->dataset ? a->dataset : o.pooled ? "all datasets pooled (z-scores)" : "all trials");
    store_close(s);
    return rc;
}

static int matrix_icc(const analyze_args *a, hia_error *err)
{
    table t;
    icc_form f[6];
    if (table_read_matrix(a->input, &t, err))
        return -1;
    int rc = icc_compute(t.x, t.n_rows, t.n_cols, f, err);
    if (!rc && a->json) {
        jsonw j;
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "input", a->input);
        jsonw_int(&j, "targets", t.n_rows);
        jsonw_int(&j, "raters", t.n_cols);
        json_forms(&j, f);
        jsonw_end_object(&j);
    } else if (!rc) {
        printf("ICC of %s: %d targets x %d raters\n\n", a->input, t.n_rows, t.n_cols);
        print_forms(f);
    }
    table_free(&t);
    return rc;
}

int analyze_command(int argc, char **argv, hia_error *err)
{
    analyze_args a;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(analyze_usage, stdout);
            return 0;
        }
    }
    if (parse(argc, argv, &a, err))
        return -1;
    if (!strcmp(a.method, "icc") && is_csv(a.input))
        return matrix_icc(&a, err);
    table t;
    char scope[4200];
    ranking r = {0};
    name_list datasets = {0};
    if (load(&a, &t, &datasets, scope, sizeof(scope), err)) {
        name_list_free(&datasets);
        return -1;
    }
    jsonw j;
    int rc = 0;
    if (a.json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "input", scope);
        jsonw_string(&j, "target", t.target);
        jsonw_int(&j, "rows", t.n_rows);
        jsonw_int(&j, "excluded", t.excluded);
    } else {
        printf("%s: %d trials, target %s (%ld left out: not finished, failed or no value)\n",
               scope, t.n_rows, t.target, t.excluded);
    }
    int relief = !strcmp(a.method, "all") || !strcmp(a.method, "nrrelieff");
    if (relief)
        rc = rank_relief(&t, &a, &r, err);
    if (!rc && relief) {
        if (a.json)
            json_relief(&j, &t, &a, &r);
        else
            print_relief_text(&t, &a, &r);
    }
    int all = !strcmp(a.method, "all");
    double *main = calloc((size_t)t.n_cols, sizeof(double));
    if (!main)
        rc = hia_fail(err, HIA_EINTERNAL, "out of memory");
    if (!rc && (all || !strcmp(a.method, "fanova")))
        rc = fanova(&t, &a, a.json ? &j : NULL, main, err);
    if (!rc && (all || !strcmp(a.method, "icc")))
        rc = stability(&t, &a, a.json ? &j : NULL, err);
    int by_dataset = !a.dataset && datasets.n > 1 && strcmp(a.method, "icc") &&
                     strcmp(a.method, "fanova");
    if (!rc && (all || by_dataset)) {
        if (a.json)
            jsonw_begin_object(&j, "agreement");
        if (all)
            rc = method_agreement(r.importance, main, t.n_cols, a.json ? &j : NULL, err);
        if (!rc && by_dataset)
            rc = dataset_agreement(&a, &datasets, a.json ? &j : NULL, err);
        if (a.json)
            jsonw_end_object(&j);
    }
    free(main);
    if (a.json && !rc)
        jsonw_end_object(&j);
    name_list_free(&datasets);
    ranking_free(&r);
    table_free(&t);
    return rc;
}
