/* The analyze command: ranking, stability and fANOVA printed as text or JSON. */
#include "cli/commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/settings.h"
#include "analysis/summary.h"
#include "analysis/table.h"
#include "analysis/tableset.h"
#include "base/alloc.h"
#include "base/jsonw.h"
#include "base/num.h"
#include "base/strbuf.h"
#include "cli/analyze_out.h"
#include "cli/options.h"
#include "store/store.h"

static const command_help help = {
    "hia analyze STORE|TABLE.csv [options]",
    "Ranks the hyperparameters by N-RReliefF importance, with 95% bootstrap intervals, checks\n"
    "the ranking's stability with the ICC across random subsamples of the trials and its\n"
    "sensitivity to N-RReliefF's settings, and cross-checks it with fANOVA (main effects and\n"
    "pairwise interactions of a random forest). A store with several datasets is analysed per\n"
    "dataset, then the mean (or --pooled, or --dataset D).\n"
    "On a CSV matrix (targets x raters, an optional first column of labels), --method icc\n"
    "prints the six ICC forms. Options the store's analysis: block also sets win over it.\n",
    NULL, "STORE or TABLE.csv", 1, 1};

typedef struct analyze_args {
    const char *input, *where, *target, *dataset, *categorical, *log, *exclude;
    int pooled, layers, json, sensitivity;
    unsigned methods;    /* METHOD_* bits */
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
    const char *method;
    int no_bootstrap;
    long seed;
    const char *iterations, *cutoffs;
} analyze_raw;

/* The methods, as bits of analyze_args.methods; all is every one. */
enum { METHOD_RELIEF = 1, METHOD_FANOVA = 2, METHOD_ICC = 4, METHOD_SENSITIVITY = 8 };
static const struct {
    const char *name;
    unsigned bits;
} methods[] = {{"nrrelieff", METHOD_RELIEF}, {"fanova", METHOD_FANOVA}, {"icc", METHOD_ICC},
               {"sensitivity", METHOD_RELIEF | METHOD_SENSITIVITY}, {"all", 15}};

static int parse_methods(const char *list, unsigned *out, hia_error *err)
{
    *out = 0;
    char *copy = xstrdup(list), *save = NULL;
    for (char *m = strtok_r(copy, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof(methods) / sizeof(methods[0]) && strcmp(methods[i].name, m))
            i++;
        if (i == sizeof(methods) / sizeof(methods[0])) {
            hia_fail(err, HIA_EUSER, "--method %s: '%s' is not one of nrrelieff, fanova, icc, "
                     "sensitivity, all", list, m);
            free(copy);
            return -1;
        }
        *out |= methods[i].bits;
    }
    free(copy);
    return *out ? 0 : hia_fail(err, HIA_EUSER, "--method: no method named");
}

static int finish_args(analyze_args *a, const analyze_raw *raw, hia_error *err)
{
    if (parse_methods(raw->method ? raw->method : "all", &a->methods, err))
        return -1;
    if (a->sensitivity)
        a->methods |= METHOD_RELIEF | METHOD_SENSITIVITY;
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
    analyze_raw raw = {0};
    summary_options *o = &args->o;
    option opts[] = {
        OPT_STRING("--method", "M", &raw.method,
                   "nrrelieff, fanova, icc, sensitivity or all (default), or a list\n"
                   "(nrrelieff,fanova)"),
        OPT_STRING("--target", "COL", &args->target,
                   "test_accuracy (stores' default) or val_accuracy; for a CSV,\n"
                   "default a column named accuracy, else the last"),
        OPT_STRING("--dataset", "D", &args->dataset, "only dataset D's trials"),
        OPT_STRING("--where", "EXPR", &args->where,
                   "only the trials whose hyperparameters satisfy EXPR, such as\n"
                   "'optimizer in adam,adagrad and learning_rate >= 1e-3' (=, !=,\n"
                   "<, <=, >, >=, in; joined by and)"),
        OPT_FLAG("--pooled", &args->pooled,
                 "all datasets in one table: each configuration once, its accuracy\n"
                 "the mean of its z-scores (default: each dataset, then the mean)"),
        OPT_FLAG("--layers", &args->layers,
                 "per-layer columns (filters_1, kernel_size_1, ...); by default a\n"
                 "per-layer hyperparameter is its mean over the net's layers"),
        OPT_STRING("--categorical", "a,b", &args->categorical,
                   "CSV columns to treat as categorical (a non-numeric one always is)"),
        OPT_STRING("--log", "a,b", &args->log, "CSV columns on the log scale"),
        OPT_STRING("--exclude", "a,b", &args->exclude, "CSV columns to ignore"),
        OPT_SETTING(OPTION_INT, "--neighbours", "K", &o->relief.neighbours, 1, 1e6,
                    SETTING_NEIGHBOURS, "N-RReliefF's nearest neighbours (default: a fifth\n"
                    "of the trials, within 20-100)"),
        OPT_SETTING_CHOICE("--weighting", "equal|rank", &o->relief.rank_weighting, weightings,
                           SETTING_WEIGHTING, "neighbours weighted equally (default) or by rank"),
        OPT_SETTING(OPTION_DOUBLE, "--sigma", "S", &o->relief.sigma, 1e-9, 1e9, SETTING_SIGMA,
                    "the rank weighting's width (default 2k/7)"),
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
        OPT_FLAG("--sensitivity", &args->sensitivity,
                 "N-RReliefF's ranking over a grid of settings around the one used\n"
                 "(part of --method all)"),
        OPT_FLAG("--json", &args->json, "JSON instead of text"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc;
    args->input = argv[0];
    return finish_args(args, &raw, err) ? -1 : OPTIONS_PARSED;
}

/* Reads the tables; *scope (the caller frees it) says what they hold. */
static int load(analyze_args *a, const where_expr *where, table_set *set, char **scope,
                hia_error *err)
{
    if (str_ends_with(a->input, ".csv")) {
        table_options o = {a->target, a->categorical, a->log, a->exclude};
        *scope = xstrdup(a->input);
        return table_set_from_csv(a->input, &o, where, set, err);
    }
    store *s;
    if (store_open_existing(a->input, &s, err))
        return -1;
    table_store_options o = {a->target ? a->target : "test_accuracy", a->dataset, a->pooled,
                             a->layers, where};
    int rc = settings_apply(s, &a->o, a->given, a->settings, sizeof(a->settings), err) ||
             table_set_from_store(s, &o, set, err);
    store_close(s);
    if (!rc)
        *scope = xstrfmt("%s, %s", a->input, a->dataset ? a->dataset : set->n > 1 ?
                         "all datasets" : set->names[0]);
    return rc;
}

static void print_header(const analyze_args *a, const table_set *set, const char *scope,
                         jsonw *j)
{
    long rows = table_set_rows(set);
    if (j) {
        jsonw_string(j, "input", scope);
        jsonw_string(j, "target", set->tables[0].target);
        jsonw_int(j, "rows", rows);
        jsonw_int(j, "excluded", set->excluded);
        jsonw_string(j, "combination", set->combination);
        if (set->incomplete)
            jsonw_int(j, "incomplete", set->incomplete);
        if (a->where) {
            jsonw_string(j, "where", a->where);
            jsonw_int(j, "filtered", set->filtered);
        }
        if (set->n > 1) {
            jsonw_begin_array(j, "datasets");
            for (int t = 0; t < set->n; t++) {
                jsonw_begin_object(j, NULL);
                jsonw_string(j, "name", set->names[t]);
                jsonw_int(j, "rows", set->tables[t].n_rows);
                jsonw_end_object(j);
            }
            jsonw_end_array(j);
        }
        if (a->settings[0])
            jsonw_string(j, "settings", a->settings);
        return;
    }
    printf("%s: %ld %s, target %s (%ld left out: not finished, failed or no value)\n", scope,
           rows, set->incomplete || !strncmp(set->combination, "pooled", 6) ? "configurations"
                                                                            : "trials",
           set->tables[0].target, set->excluded);
    printf("combination: %s\n", set->combination);
    if (a->where)
        printf("where: %s (%ld trials left out by it)\n", a->where, set->filtered);
    if (a->settings[0])
        printf("settings: %s\n", a->settings);
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
        analyze_out_forms(&j, f);
        jsonw_end_object(&j);
    } else if (!rc) {
        printf("ICC of %s: %d targets x %d raters\n\n", a->input, t.n_rows, t.n_cols);
        analyze_out_forms_text(f);
    }
    table_free(&t);
    return rc;
}

/* The methods the command asked for, in order; each prints as it ends. */
static int analyse(const analyze_args *a, const table_set *set, jsonw *j, hia_error *err)
{
    analyze_view v = {set, &a->o, j};
    relief_summary r = {0};
    fanova_summary f = {0};
    stability_summary st = {0};
    sensitivity_summary sens = {0};
    int rc = 0, relief = a->methods & METHOD_RELIEF, fan = a->methods & METHOD_FANOVA;
    if (relief && !(rc = summary_relief(set, &a->o, &r, err)))
        analyze_out_relief(&v, &r);
    if (!rc && fan && !(rc = summary_fanova(set, &a->o, &f, err)))
        analyze_out_fanova(&v, &f);
    if (!rc && (a->methods & METHOD_ICC) &&
        !(rc = summary_stability(set, &a->o, &st, err)))
        analyze_out_stability(&v, &st);
    if (!rc && (a->methods & METHOD_SENSITIVITY) &&
        !(rc = summary_sensitivity(set, &a->o, &r, &sens, err)))
        analyze_out_sensitivity(&v, &sens);
    if (!rc && relief && (fan || set->n > 1))
        analyze_out_agreement(&v, &r, fan ? f.r.main_mean : NULL);
    relief_summary_free(&r);
    fanova_summary_free(&f);
    stability_summary_free(&st);
    sensitivity_summary_free(&sens);
    return rc;
}

int cmd_analyze(int argc, char **argv, hia_error *err)
{
    analyze_args a;
    int parsed = parse(argc, argv, &a, err);
    if (parsed)
        return parsed < 0 ? -1 : 0;
    if (a.methods == METHOD_ICC && str_ends_with(a.input, ".csv"))
        return matrix_icc(&a, err);
    table_set set;
    where_expr where = {0};
    char *scope = NULL;
    if ((a.where && where_parse(a.where, &where, err)) ||
        load(&a, a.where ? &where : NULL, &set, &scope, err)) {
        where_free(&where);
        free(scope);
        return -1;
    }
    jsonw j;
    if (a.json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
    }
    print_header(&a, &set, scope, a.json ? &j : NULL);
    int rc = analyse(&a, &set, a.json ? &j : NULL, err);
    if (a.json && !rc)
        jsonw_end_object(&j);
    table_set_free(&set);
    where_free(&where);
    free(scope);
    return rc;
}
