/* The analyze command: ranking, stability and fANOVA printed as text or JSON. */
#include "cli/analyze.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/settings.h"
#include "analysis/summary.h"
#include "analysis/table.h"
#include "base/jsonw.h"
#include "base/num.h"
#include "store/store.h"
#include "base/yamldoc.h"

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
    int pooled, layers, json;
    summary_options o;
    unsigned given;      /* SETTING_* bits of the flags given */
    char settings[1024]; /* the analysis settings used and where each came from (a store) */
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
    a->o = summary_defaults();
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
            a->given |= SETTING_NEIGHBOURS;
            rc = number_of(argc, argv, &i, 1, 1e6, &x, err);
            a->o.relief.neighbours = (int)x;
        } else if (!strcmp(s, "--weighting")) {
            a->given |= SETTING_WEIGHTING;
            rc = choice_of(argc, argv, &i, "equal", "rank", &a->o.relief.rank_weighting, err);
        } else if (!strcmp(s, "--sigma")) {
            a->given |= SETTING_SIGMA;
            rc = number_of(argc, argv, &i, 1e-9, 1e9, &a->o.relief.sigma, err);
        } else if (!strcmp(s, "--distance")) {
            rc = choice_of(argc, argv, &i, "manhattan", "euclidean", &a->o.relief.euclidean, err);
        } else if (!strcmp(s, "--ties")) {
            rc = choice_of(argc, argv, &i, "weka", "sorted", &a->o.relief.sorted_ties, err);
        } else if (!strcmp(s, "--iterations")) {
            rc = value_of(argc, argv, &i, &v, err);
            long m = 0;
            if (!rc && strcmp(v, "all") && (parse_long(v, &m) || m < 1))
                rc = hia_fail(err, HIA_EUSER, "--iterations %s: expected all or a count", v);
            a->o.relief.iterations = m;
        } else if (!strcmp(s, "--bootstrap")) {
            rc = number_of(argc, argv, &i, 0, 100000, &x, err);
            a->o.bootstrap = (int)x;
        } else if (!strcmp(s, "--subsamples")) {
            a->given |= SETTING_SUBSAMPLES;
            rc = number_of(argc, argv, &i, 2, 10000, &x, err);
            a->o.subsamples = (int)x;
        } else if (!strcmp(s, "--fraction")) {
            a->given |= SETTING_FRACTION;
            rc = number_of(argc, argv, &i, 1e-9, 1, &a->o.fraction, err);
        } else if (!strcmp(s, "--trees")) {
            a->given |= SETTING_TREES;
            rc = number_of(argc, argv, &i, 1, 100000, &x, err);
            a->o.forest.trees = (int)x;
        } else if (!strcmp(s, "--max-depth")) {
            rc = number_of(argc, argv, &i, 1, 10000, &x, err);
            a->o.forest.max_depth = (int)x;
        } else if (!strcmp(s, "--min-leaf")) {
            rc = number_of(argc, argv, &i, 1, 1e9, &x, err);
            a->o.forest.min_samples_leaf = (int)x;
        } else if (!strcmp(s, "--max-features")) {
            rc = number_of(argc, argv, &i, 1e-9, 1, &a->o.forest.max_features, err);
        } else if (!strcmp(s, "--no-bootstrap")) {
            a->o.forest.bootstrap = 0;
        } else if (!strcmp(s, "--cutoffs")) {
            rc = value_of(argc, argv, &i, &v, err);
            char extra;
            if (!rc && (sscanf(v, "%lf,%lf%c", &a->o.cutoffs[0], &a->o.cutoffs[1], &extra) != 2 ||
                        !(a->o.cutoffs[0] < a->o.cutoffs[1])))
                rc = hia_fail(err, HIA_EUSER, "--cutoffs %s: expected lo,hi with lo < hi", v);
            a->o.has_cutoffs = 1;
        } else if (!strcmp(s, "--seed")) {
            a->given |= SETTING_SEED;
            rc = number_of(argc, argv, &i, 0, 2147483647, &x, err);
            a->o.seed = (uint64_t)x;
            a->o.relief.seed = (int32_t)x;
            a->o.forest.seed = (uint64_t)x;
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

/* ---- output ------------------------------------------------------------------------------- */

static const char *distance_name(const relief_options *o)
{
    return o->euclidean ? "euclidean" : "manhattan";
}

static void print_relief_text(const table *t, const analyze_args *a, const relief_summary *r)
{
    printf("N-RReliefF: k=%d, %s weighting", a->o.relief.neighbours,
           a->o.relief.rank_weighting ? "rank" : "equal");
    if (a->o.relief.rank_weighting)
        printf(" (sigma %g)", a->o.relief.sigma);
    printf(", %s distance, %s ties, %s instances\n", distance_name(&a->o.relief),
           a->o.relief.sorted_ties ? "sorted" : "Weka's",
           a->o.relief.iterations ? "sampled" : "all");
    printf("importance = max(W,0) / sum of max(W,0); interval: 95%% over %d bootstrap "
           "resamples (each trial at most once)\n\n", a->o.bootstrap);
    printf("%4s  %-20s %10s  %-17s %10s\n", "rank", "hyperparameter", "importance",
           a->o.bootstrap ? "95% interval" : "", "raw W");
    for (int i = 0; i < t->n_cols; i++) {
        int j = r->order[i];
        char ci[64] = "";
        if (a->o.bootstrap && isfinite(r->lower[j]))
            snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->lower[j], r->upper[j]);
        printf("%4d  %-20s %10.3f  %-17s %10.5f\n", i + 1, t->cols[j].name, r->importance[j], ci,
               r->raw[j]);
    }
}

static void json_relief(jsonw *j, const table *t, const analyze_args *a, const relief_summary *r)
{
    jsonw_begin_object(j, "nrrelieff");
    jsonw_begin_object(j, "settings");
    jsonw_int(j, "neighbours", a->o.relief.neighbours);
    jsonw_string(j, "weighting", a->o.relief.rank_weighting ? "rank" : "equal");
    jsonw_number(j, "sigma", a->o.relief.sigma);
    jsonw_string(j, "distance", distance_name(&a->o.relief));
    jsonw_string(j, "ties", a->o.relief.sorted_ties ? "sorted" : "weka");
    if (a->o.relief.iterations)
        jsonw_int(j, "iterations", a->o.relief.iterations);
    else
        jsonw_string(j, "iterations", "all");
    jsonw_int(j, "bootstrap", a->o.bootstrap);
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

static int stability(const table *t, const analyze_args *a, jsonw *j, hia_error *err)
{
    stability_summary st;
    if (summary_stability(t, &a->o, &st, err)) {
        stability_summary_free(&st);
        return -1;
    }
    const icc_form *s = &st.forms[st.chosen];
    if (j) {
        jsonw_begin_object(j, "icc");
        jsonw_string(j, "form", s->type);
        jsonw_string(j, "why", "two-way random, absolute agreement, single subsample");
        jsonw_int(j, "subsamples", a->o.subsamples);
        jsonw_number(j, "fraction", a->o.fraction);
        jsonw_number(j, "value", s->icc);
        jsonw_number(j, "lower", s->lower);
        jsonw_number(j, "upper", s->upper);
        jsonw_string(j, "reading", icc_reading(s->lower));
        json_forms(j, st.forms);
        jsonw_end_object(j);
    } else {
        printf("\nstability: ICC(2,1) of the importances across %d subsamples of %.0f%% of the "
               "trials = %.3f [%.3f, %.3f]: %s (Koo & Li, from the interval's lower bound)\n",
               a->o.subsamples, 100 * a->o.fraction, s->icc, s->lower, s->upper,
               icc_reading(s->lower));
    }
    stability_summary_free(&st);
    return 0;
}

#define FANOVA_TOP_PAIRS 10

/* Each hyperparameter's marginal curve (mean and std across trees), on its own scale. */
static void json_marginals(jsonw *j, const table *t, const fanova_summary *f)
{
    jsonw_begin_array(j, "marginals");
    for (int c = 0; c < t->n_cols; c++) {
        const marginal *m = &f->marginals[c];
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", t->cols[c].name);
        jsonw_begin_array(j, "x");
        for (int p = 0; p < m->n; p++) {
            if (t->cols[c].categorical)
                jsonw_string(j, NULL, t->cols[c].levels[p]);
            else
                jsonw_number(j, NULL, m->x[p]);
        }
        jsonw_end_array(j);
        jsonw_begin_array(j, "mean");
        for (int p = 0; p < m->n; p++)
            jsonw_number(j, NULL, m->mean[p]);
        jsonw_end_array(j);
        jsonw_begin_array(j, "std");
        for (int p = 0; p < m->n; p++)
            jsonw_number(j, NULL, m->std[p]);
        jsonw_end_array(j);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
}

static void json_fanova(jsonw *j, const table *t, const analyze_args *a, const fanova_summary *f)
{
    int d = t->n_cols;
    const fanova_result *r = &f->r;
    jsonw_begin_object(j, "fanova");
    jsonw_begin_object(j, "settings");
    jsonw_int(j, "trees", a->o.forest.trees);
    jsonw_int(j, "max_depth", a->o.forest.max_depth);
    jsonw_int(j, "min_samples_leaf", a->o.forest.min_samples_leaf);
    jsonw_number(j, "max_features", a->o.forest.max_features);
    jsonw_bool(j, "bootstrap", a->o.forest.bootstrap);
    jsonw_int(j, "seed", (long long)a->o.forest.seed);
    jsonw_int(j, "trees_with_variance", r->trees);
    jsonw_end_object(j);
    jsonw_begin_array(j, "main");
    for (int i = 0; i < d; i++) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", t->cols[f->order[i]].name);
        jsonw_int(j, "rank", i + 1);
        jsonw_number(j, "importance", r->main_mean[f->order[i]]);
        jsonw_number(j, "std", r->main_std[f->order[i]]);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    jsonw_begin_array(j, "pairs");
    for (int p = 0; p < f->n_pairs; p++) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "a", t->cols[f->pairs[p] / d].name);
        jsonw_string(j, "b", t->cols[f->pairs[p] % d].name);
        jsonw_number(j, "importance", r->pair_mean[f->pairs[p]]);
        jsonw_number(j, "std", r->pair_std[f->pairs[p]]);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    json_marginals(j, t, f);
    jsonw_end_object(j);
}

static void print_fanova(const table *t, const analyze_args *a, const fanova_summary *f)
{
    int d = t->n_cols, top = f->n_pairs < FANOVA_TOP_PAIRS ? f->n_pairs : FANOVA_TOP_PAIRS;
    const fanova_result *r = &f->r;
    printf("\nfANOVA: %d trees (%d vary), depth %d, min leaf %d, %.0f%% of the features per "
           "split%s; share of the variance, mean and std across trees\n\n",
           a->o.forest.trees, r->trees, a->o.forest.max_depth, a->o.forest.min_samples_leaf,
           100 * a->o.forest.max_features, a->o.forest.bootstrap ? ", bootstrap" : "");
    printf("%4s  %-20s %10s %8s\n", "rank", "hyperparameter", "main", "std");
    for (int i = 0; i < d; i++)
        printf("%4d  %-20s %10.3f %8.3f\n", i + 1, t->cols[f->order[i]].name,
               r->main_mean[f->order[i]], r->main_std[f->order[i]]);
    printf("\nstrongest interactions:\n");
    for (int p = 0; p < top; p++)
        printf("      %-20s x %-20s %7.3f %8.3f\n", t->cols[f->pairs[p] / d].name,
               t->cols[f->pairs[p] % d].name, r->pair_mean[f->pairs[p]],
               r->pair_std[f->pairs[p]]);
}

/* fANOVA: the main effects ranked, then the strongest interactions; main[] gets the main
   effects for the agreement with N-RReliefF. */
static int fanova(const table *t, const analyze_args *a, jsonw *j, double *main,
                  hia_error *err)
{
    fanova_summary f;
    int rc = summary_fanova(t, &a->o, &f, err);
    if (!rc) {
        memcpy(main, f.r.main_mean, sizeof(double) * (size_t)t->n_cols);
        if (j)
            json_fanova(j, t, a, &f);
        else
            print_fanova(t, a, &f);
    }
    fanova_summary_free(&f);
    return rc;
}

static int method_agreement(const double *relief, const double *fanova, int d, jsonw *j,
                            hia_error *err)
{
    double rho, tau;
    if (summary_agreement(relief, fanova, d, &rho, &tau, err))
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

static void print_pair(jsonw *j, const char *a, const char *b, double rho, double tau)
{
    if (j) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "a", a);
        jsonw_string(j, "b", b);
        jsonw_number(j, "spearman", rho);
        jsonw_number(j, "kendall", tau);
        jsonw_end_object(j);
    } else if (isnan(rho) || isnan(tau)) {
        printf("  %s ~ %s: undefined (a ranking gives every hyperparameter the same "
               "importance)\n", a, b);
    } else {
        printf("  %s ~ %s: Spearman rho %.3f, Kendall tau %.3f\n", a, b, rho, tau);
    }
}

/* Each dataset's N-RReliefF importances, and the rank agreement of every pair of datasets. */
static int dataset_agreement(const analyze_args *a, const name_list *datasets, jsonw *j,
                             hia_error *err)
{
    store *s;
    int n = datasets->n, d = 0, rc;
    double *imp = NULL;
    if (store_open(a->input, &s, err))
        return -1;
    rc = summary_per_dataset(s, a->target ? a->target : "test_accuracy", a->layers, &a->o,
                             (const char *const *)datasets->names, n, &imp, &d, err);
    store_close(s);
    if (rc) {
        free(imp);
        return hia_wrap(err, "agreement between datasets");
    }
    if (j)
        jsonw_begin_array(j, "datasets");
    else
        printf("\nagreement between datasets (N-RReliefF importances):\n");
    for (int x = 0; x < n && !rc; x++) {
        for (int y = x + 1; y < n && !rc; y++) {
            double rho, tau;
            rc = summary_agreement(imp + (size_t)x * d, imp + (size_t)y * d, d, &rho, &tau, err);
            if (!rc)
                print_pair(j, datasets->names[x], datasets->names[y], rho, tau);
        }
    }
    if (j && !rc)
        jsonw_end_array(j);
    free(imp);
    return rc;
}

static int load(analyze_args *a, table *t, name_list *datasets, char *scope, size_t size,
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
    int rc = settings_apply(s, &a->o, a->given, a->settings, sizeof(a->settings), err) ||
             store_datasets(s, collect_dataset, datasets, err);
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
    relief_summary r = {0};
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
        if (a.settings[0])
            jsonw_string(&j, "settings", a.settings);
    } else {
        printf("%s: %d trials, target %s (%ld left out: not finished, failed or no value)\n",
               scope, t.n_rows, t.target, t.excluded);
        if (a.settings[0])
            printf("settings: %s\n", a.settings);
    }
    int relief = !strcmp(a.method, "all") || !strcmp(a.method, "nrrelieff");
    if (relief)
        rc = summary_relief(&t, &a.o, &r, err);
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
    relief_summary_free(&r);
    table_free(&t);
    return rc;
}
