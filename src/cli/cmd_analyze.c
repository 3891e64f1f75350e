/* The analyze command: ranking, stability and fANOVA printed as text or JSON. */
#include "cli/commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/settings.h"
#include "analysis/summary.h"
#include "analysis/table.h"
#include "base/alloc.h"
#include "base/jsonw.h"
#include "base/num.h"
#include "base/strbuf.h"
#include "cli/options.h"
#include "store/store.h"

static const command_help help = {
    "hia analyze STORE|TABLE.csv [options]",
    "Ranks the hyperparameters by N-RReliefF importance, with 95% bootstrap intervals, checks\n"
    "the ranking's stability with the ICC across random subsamples of the trials, and\n"
    "cross-checks it with fANOVA (main effects and pairwise interactions of a random forest).\n"
    "On a CSV matrix (targets x raters, an optional first column of labels), --method icc\n"
    "prints the six ICC forms. Options the store's analysis: block also sets win over it.\n",
    NULL, "STORE or TABLE.csv", 1, 1};

typedef struct analyze_args {
    const char *input, *method, *target, *dataset, *categorical, *log, *exclude;
    int pooled, layers, json;
    summary_options o;
    unsigned given;      /* SETTING_* bits of the flags given */
    char settings[1024]; /* the analysis settings used and where each came from (a store) */
} analyze_args;

/* An option the experiment's analysis: block may also set: its bit records that the command
   line set it (and so wins). */
#define OPT_SETTING(t, n, a, v, lo, hi, bit_, h)                                               \
    {.type = t, .name = n, .arg = a, .value = v, .min = lo, .max = hi, .help = h,              \
     .given = &args->given, .bit = bit_}
#define OPT_SETTING_CHOICE(n, a, v, c, bit_, h)                                                \
    {.type = OPTION_CHOICE, .name = n, .arg = a, .value = v, .choices = c, .help = h,          \
     .given = &args->given, .bit = bit_}

/* The values that take more than a range check. */
typedef struct analyze_raw {
    int method, no_bootstrap;
    long seed;
    const char *iterations, *cutoffs;
} analyze_raw;

static const char *const methods[] = {"nrrelieff", "fanova", "icc", "all", NULL};

static int finish_args(analyze_args *a, const analyze_raw *raw, hia_error *err)
{
    a->method = methods[raw->method];
    if (raw->no_bootstrap)
        a->o.forest.bootstrap = 0;
    if (a->given & SETTING_SEED) {
        a->o.seed = (uint64_t)raw->seed;
        a->o.relief.seed = (int32_t)raw->seed;
        a->o.forest.seed = (uint64_t)raw->seed;
    }
    long m = 0;
    if (raw->iterations && strcmp(raw->iterations, "all") &&
        (parse_long(raw->iterations, &m) || m < 1))
        return hia_fail(err, HIA_EUSER, "--iterations %s: expected all or a count",
                        raw->iterations);
    a->o.relief.iterations = m;
    char extra;
    if (raw->cutoffs &&
        (sscanf(raw->cutoffs, "%lf,%lf%c", &a->o.cutoffs[0], &a->o.cutoffs[1], &extra) != 2 ||
         !(a->o.cutoffs[0] < a->o.cutoffs[1])))
        return hia_fail(err, HIA_EUSER, "--cutoffs %s: expected lo,hi with lo < hi",
                        raw->cutoffs);
    a->o.has_cutoffs = raw->cutoffs != NULL;
    if (a->pooled && a->dataset)
        return hia_fail(err, HIA_EUSER, "--dataset and --pooled exclude each other");
    return 0;
}

/* OPTIONS_PARSED, OPTIONS_HELP or -1, as parse_options. */
static int parse(int argc, char **argv, analyze_args *args, hia_error *err)
{
    static const char *const weightings[] = {"equal", "rank", NULL};
    static const char *const distances[] = {"manhattan", "euclidean", NULL};
    static const char *const ties[] = {"weka", "sorted", NULL};
    memset(args, 0, sizeof(*args));
    args->o = summary_defaults();
    analyze_raw raw = {.method = 3};
    summary_options *o = &args->o;
    option opts[] = {
        OPT_CHOICE("--method", "M", &raw.method, methods,
                   "nrrelieff, fanova, icc or all (default all)"),
        OPT_STRING("--target", "COL", &args->target,
                   "test_accuracy (stores' default) or val_accuracy; for a CSV,\n"
                   "default a column named accuracy, else the last"),
        OPT_STRING("--dataset", "D", &args->dataset, "only dataset D's trials"),
        OPT_FLAG("--pooled", &args->pooled,
                 "all datasets, each dataset's accuracy as a z-score (default:\n"
                 "pooled when a store has several)"),
        OPT_FLAG("--layers", &args->layers,
                 "per-layer columns (filters_1, kernel_size_1, ...); by default a\n"
                 "per-layer hyperparameter is its mean over the net's layers"),
        OPT_STRING("--categorical", "a,b", &args->categorical,
                   "CSV columns to treat as categorical (a non-numeric one always is)"),
        OPT_STRING("--log", "a,b", &args->log, "CSV columns on the log scale"),
        OPT_STRING("--exclude", "a,b", &args->exclude, "CSV columns to ignore"),
        OPT_SETTING(OPTION_INT, "--neighbours", "K", &o->relief.neighbours, 1, 1e6,
                    SETTING_NEIGHBOURS, "N-RReliefF's nearest neighbours (10)"),
        OPT_SETTING_CHOICE("--weighting", "equal|rank", &o->relief.rank_weighting, weightings,
                           SETTING_WEIGHTING, "neighbours weighted by rank (default) or equally"),
        OPT_SETTING(OPTION_DOUBLE, "--sigma", "S", &o->relief.sigma, 1e-9, 1e9, SETTING_SIGMA,
                    "the rank weighting's width (2)"),
        OPT_CHOICE("--distance", "manhattan|euclidean", &o->relief.euclidean, distances,
                   "N-RReliefF's distance between trials (manhattan)"),
        OPT_CHOICE("--ties", "weka|sorted", &o->relief.sorted_ties, ties,
                   "neighbours at equal distance in Weka's order or sorted (weka)"),
        OPT_STRING("--iterations", "all|M", &raw.iterations,
                   "instances sampled with Weka's generator (all)"),
        OPT_INT("--bootstrap", "B", &o->bootstrap, 0, 100000,
                "resamples for the intervals (50; 0: none)"),
        OPT_SETTING(OPTION_INT, "--subsamples", "K", &o->subsamples, 2, 10000,
                    SETTING_SUBSAMPLES, "the stability check's subsamples (10)"),
        OPT_SETTING(OPTION_DOUBLE, "--fraction", "F", &o->fraction, 1e-9, 1, SETTING_FRACTION,
                    "the share of the trials in each subsample (0.5)"),
        OPT_SETTING(OPTION_INT, "--trees", "T", &o->forest.trees, 1, 100000, SETTING_TREES,
                    "fANOVA's forest: trees (64)"),
        OPT_INT("--max-depth", "D", &o->forest.max_depth, 1, 10000, "a tree's depth (64)"),
        OPT_INT("--min-leaf", "L", &o->forest.min_samples_leaf, 1, 1e9,
                "the fewest rows in a leaf (1)"),
        OPT_DOUBLE("--max-features", "F", &o->forest.max_features, 1e-9, 1,
                   "the share of features tried at each split (1.0)"),
        OPT_FLAG("--no-bootstrap", &raw.no_bootstrap, "fANOVA's forest on all rows"),
        OPT_STRING("--cutoffs", "lo,hi", &raw.cutoffs, "clamp the leaf values"),
        OPT_SETTING(OPTION_LONG, "--seed", "S", &raw.seed, 0, 2147483647, SETTING_SEED,
                    "resamples and subsamples (1)"),
        OPT_FLAG("--json", &args->json, "JSON instead of text"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc;
    args->input = argv[0];
    return finish_args(args, &raw, err) ? -1 : OPTIONS_PARSED;
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

static void method_agreement(const double *relief, const double *fanova, int d, jsonw *j)
{
    double rho, tau;
    summary_agreement(relief, fanova, d, &rho, &tau);
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
}

typedef struct name_list {
    char **names;
    int n;
} name_list;

static int collect_dataset(void *ctx, const char *name)
{
    name_list *l = ctx;
    l->names = xreallocarray(l->names, (size_t)l->n + 1, sizeof(char *));
    l->names[l->n++] = xstrdup(name);
    return 0;
}

static void name_list_free(name_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    l->names = NULL;
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
    if (store_open_existing(a->input, &s, err))
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
            summary_agreement(imp + (size_t)x * d, imp + (size_t)y * d, d, &rho, &tau);
            print_pair(j, datasets->names[x], datasets->names[y], rho, tau);
        }
    }
    if (j && !rc)
        jsonw_end_array(j);
    free(imp);
    return rc;
}

/* Reads the table; *scope (the caller frees it) says what it holds. */
static int load(analyze_args *a, table *t, name_list *datasets, char **scope, hia_error *err)
{
    if (str_ends_with(a->input, ".csv")) {
        table_options o = {a->target, a->categorical, a->log, a->exclude};
        *scope = xstrdup(a->input);
        return table_read_csv(a->input, &o, t, err);
    }
    store *s;
    if (store_open_existing(a->input, &s, err))
        return -1;
    int rc = settings_apply(s, &a->o, a->given, a->settings, sizeof(a->settings), err) ||
             store_datasets(s, collect_dataset, datasets, err);
    table_store_options o = {a->target ? a->target : "test_accuracy", a->dataset,
                             a->pooled || (!a->dataset && datasets->n > 1), a->layers};
    if (!rc)
        rc = table_from_store(s, &o, t, err);
    *scope = xstrfmt("%s, %s", a->input,
                     a->dataset ? a->dataset
                     : o.pooled ? "all datasets pooled (z-scores)" : "all trials");
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

int cmd_analyze(int argc, char **argv, hia_error *err)
{
    analyze_args a;
    int parsed = parse(argc, argv, &a, err);
    if (parsed)
        return parsed < 0 ? -1 : 0;
    if (!strcmp(a.method, "icc") && str_ends_with(a.input, ".csv"))
        return matrix_icc(&a, err);
    table t;
    char *scope = NULL;
    relief_summary r = {0};
    name_list datasets = {0};
    if (load(&a, &t, &datasets, &scope, err)) {
        name_list_free(&datasets);
        free(scope);
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
    double *main = xcalloc((size_t)t.n_cols, sizeof(double));
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
            method_agreement(r.importance, main, t.n_cols, a.json ? &j : NULL);
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
    free(scope);
    return rc;
}
