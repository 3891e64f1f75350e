/* The analyze command's printouts, text and JSON. */
#include "cli/analyze_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FANOVA_TOP_PAIRS 10

/* With several tables: each dataset's value of column c (per: tables x columns). */
static void per_dataset(jsonw *j, const table_set *s, const double *per, int c)
{
    if (s->n < 2)
        return;
    int d = s->tables[0].n_cols;
    jsonw_begin_object(j, "per_dataset");
    for (int t = 0; t < s->n; t++)
        jsonw_number(j, s->names[t], per[(size_t)t * d + c]);
    jsonw_end_object(j);
}

static void dataset_heads(const table_set *s)
{
    for (int t = 0; s->n > 1 && t < s->n; t++)
        printf(" %14.14s", s->names[t]);
    putchar('\n');
}

static void dataset_cells(const table_set *s, const double *per, int c)
{
    int d = s->tables[0].n_cols;
    for (int t = 0; s->n > 1 && t < s->n; t++)
        printf(" %14.3f", per[(size_t)t * d + c]);
    putchar('\n');
}

static const char *distance_name(const relief_options *o)
{
    return o->euclidean ? "euclidean" : "manhattan";
}

/* 0 when no hyperparameter has a positive weight (too few trials, or no effect): the order
   is then the columns' own and no ranking. */
static int ranked(const table *t, const relief_summary *r)
{
    for (int c = 0; c < t->n_cols; c++)
        if (r->importance[c] > 0)
            return 1;
    return 0;
}

static void print_relief_text(const analyze_view *v, const relief_summary *r)
{
    const table *t = &v->set->tables[0];
    char said[512];
    summary_relief_describe(v->set, &v->o->relief, said, sizeof(said));
    printf("N-RReliefF: %s, %s ties, %s instances\n", said,
           v->o->relief.sorted_ties ? "sorted" : "Weka's",
           v->o->relief.iterations ? "sampled" : "all");
    printf("importance = max(W,0) / sum of max(W,0)%s; interval: 95%% over %d bootstrap "
           "resamples (each configuration at most once)\n\n",
           v->set->n > 1 ? ", the mean over the datasets" : "", v->o->bootstrap);
    printf("%4s  %-20s %10s  %-17s %10s", "rank", "hyperparameter", "importance",
           v->o->bootstrap ? "95% interval" : "", "raw W");
    dataset_heads(v->set);
    for (int i = 0; i < t->n_cols; i++) {
        int j = r->order[i];
        char ci[64] = "";
        if (v->o->bootstrap && isfinite(r->lower[j]))
            snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->lower[j], r->upper[j]);
        printf("%4d  %-20s %10.3f  %-17s %10.5f", i + 1, t->cols[j].name, r->importance[j], ci,
               r->raw[j]);
        dataset_cells(v->set, r->per, j);
    }
    if (!ranked(t, r))
        printf("no ranking: no hyperparameter has a positive weight (every raw W <= 0) in %d "
               "trials, so the order above is the columns' own\n", t->n_rows);
}

static void json_relief(const analyze_view *v, const relief_summary *r)
{
    jsonw *j = v->json;
    const table *t = &v->set->tables[0];
    relief_options used = summary_relief_resolved(&v->o->relief, t->n_rows);
    char said[512];
    summary_relief_describe(v->set, &v->o->relief, said, sizeof(said));
    jsonw_begin_object(j, "nrrelieff");
    jsonw_begin_object(j, "settings");
    jsonw_int(j, "neighbours", used.neighbours);
    jsonw_bool(j, "neighbours_auto", v->o->relief.neighbours <= 0);
    jsonw_string(j, "weighting", used.rank_weighting ? "rank" : "equal");
    jsonw_number(j, "sigma", used.sigma);
    jsonw_string(j, "distance", distance_name(&used));
    jsonw_string(j, "ties", used.sorted_ties ? "sorted" : "weka");
    if (used.iterations)
        jsonw_int(j, "iterations", used.iterations);
    else
        jsonw_string(j, "iterations", "all");
    jsonw_int(j, "bootstrap", v->o->bootstrap);
    jsonw_string(j, "described", said);
    jsonw_end_object(j);
    jsonw_string(j, "normalisation", v->set->n > 1 ? "max(W,0)/sum(max(W,0)), mean over the "
                 "datasets" : "max(W,0)/sum(max(W,0))");
    jsonw_bool(j, "ranked", ranked(t, r)); /* false: every weight <= 0, the order is the columns' */
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
        if (v->set->n > 1) {
            jsonw_begin_array(j, "spread");
            jsonw_number(j, NULL, r->low[c]);
            jsonw_number(j, NULL, r->high[c]);
            jsonw_end_array(j);
        }
        per_dataset(j, v->set, r->per, c);
        jsonw_end_object(j);
    }
    jsonw_end_array(j);
    jsonw_end_object(j);
}

void analyze_out_relief(const analyze_view *v, const relief_summary *r)
{
    if (v->json)
        json_relief(v, r);
    else
        print_relief_text(v, r);
}

void analyze_out_forms(jsonw *j, const icc_form *f)
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

void analyze_out_forms_text(const icc_form *f)
{
    printf("%-6s %9s %10s %6s %8s %10s %9s %9s\n", "type", "ICC", "F", "df1", "df2", "p", "lower",
           "upper");
    for (int i = 0; i < 6; i++)
        printf("%-6s %9.4f %10.3f %6.0f %8.2f %10.3g %9.4f %9.4f\n", f[i].type, f[i].icc, f[i].f,
               f[i].df1, f[i].df2, f[i].p, f[i].lower, f[i].upper);
}

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

static void json_fanova(jsonw *j, const table *t, const analyze_view *v, const fanova_summary *f)
{
    int d = t->n_cols;
    const summary_options *o = v->o;
    const fanova_result *r = &f->r;
    jsonw_begin_object(j, "fanova");
    jsonw_begin_object(j, "settings");
    jsonw_int(j, "trees", o->forest.trees);
    jsonw_int(j, "max_depth", o->forest.max_depth);
    jsonw_int(j, "min_samples_leaf", o->forest.min_samples_leaf);
    jsonw_number(j, "max_features", o->forest.max_features);
    jsonw_bool(j, "bootstrap", o->forest.bootstrap);
    jsonw_int(j, "seed", (long long)o->forest.seed);
    jsonw_int(j, "trees_with_variance", r->trees);
    jsonw_end_object(j);
    jsonw_begin_array(j, "main");
    for (int i = 0; i < d; i++) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", t->cols[f->order[i]].name);
        jsonw_int(j, "rank", i + 1);
        jsonw_number(j, "importance", r->main_mean[f->order[i]]);
        jsonw_number(j, "std", r->main_std[f->order[i]]);
        per_dataset(j, v->set, f->per, f->order[i]);
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

static void print_fanova(const table *t, const analyze_view *v, const fanova_summary *f)
{
    const summary_options *o = v->o;
    int d = t->n_cols, top = f->n_pairs < FANOVA_TOP_PAIRS ? f->n_pairs : FANOVA_TOP_PAIRS;
    const fanova_result *r = &f->r;
    printf("\nfANOVA: %d trees (%d vary), depth %d, min leaf %d, %.0f%% of the features per "
           "split%s; share of the variance, mean and std across trees\n\n",
           o->forest.trees, r->trees, o->forest.max_depth, o->forest.min_samples_leaf,
           100 * o->forest.max_features, o->forest.bootstrap ? ", bootstrap" : "");
    printf("%4s  %-20s %10s %8s", "rank", "hyperparameter", v->set->n > 1 ? "mean" : "main",
           "std");
    dataset_heads(v->set);
    for (int i = 0; i < d; i++) {
        printf("%4d  %-20s %10.3f %8.3f", i + 1, t->cols[f->order[i]].name,
               r->main_mean[f->order[i]], r->main_std[f->order[i]]);
        dataset_cells(v->set, f->per, f->order[i]);
    }
    printf("\nstrongest interactions:\n");
    for (int p = 0; p < top; p++)
        printf("      %-20s x %-20s %7.3f %8.3f\n", t->cols[f->pairs[p] / d].name,
               t->cols[f->pairs[p] % d].name, r->pair_mean[f->pairs[p]],
               r->pair_std[f->pairs[p]]);
}


void analyze_out_fanova(const analyze_view *v, const fanova_summary *f)
{
    if (v->json)
        json_fanova(v->json, &v->set->tables[0], v, f);
    else
        print_fanova(&v->set->tables[0], v, f);
}

void analyze_out_stability(const analyze_view *v, const stability_summary *st)
{
    const icc_form *s = &st->forms[st->chosen];
    jsonw *j = v->json;
    const char *what = v->set->n > 1 ? "configurations" : "trials";
    if (j) {
        jsonw_begin_object(j, "icc");
        jsonw_string(j, "form", s->type);
        jsonw_string(j, "why", "two-way random, absolute agreement, single subsample");
        jsonw_int(j, "subsamples", v->o->subsamples);
        jsonw_number(j, "fraction", v->o->fraction);
        jsonw_number(j, "value", s->icc);
        jsonw_number(j, "lower", s->lower);
        jsonw_number(j, "upper", s->upper);
        jsonw_string(j, "reading", icc_reading(s->lower));
        analyze_out_forms(j, st->forms);
        jsonw_end_object(j);
    } else {
        printf("\nstability: ICC(2,1) of the importances across %d subsamples of %.0f%% of the "
               "%s = %.3f [%.3f, %.3f]: %s (Koo & Li, from the interval's lower bound)\n",
               v->o->subsamples, 100 * v->o->fraction, what, s->icc, s->lower, s->upper,
               icc_reading(s->lower));
    }
}

void analyze_out_sensitivity(const analyze_view *v, const sensitivity_summary *s)
{
    const table *t = &v->set->tables[0];
    int d = t->n_cols;
    char said[1024];
    summary_sensitivity_verdict(t, s, said, sizeof(said));
    if (v->json) {
        jsonw *j = v->json;
        jsonw_begin_object(j, "sensitivity");
        jsonw_begin_array(j, "settings");
        for (int i = 0; i < s->n; i++) {
            jsonw_begin_object(j, NULL);
            jsonw_int(j, "neighbours", s->settings[i].neighbours);
            jsonw_string(j, "weighting", s->settings[i].rank_weighting ? "rank" : "equal");
            if (s->settings[i].rank_weighting)
                jsonw_number(j, "sigma", s->settings[i].sigma);
            jsonw_string(j, "distance", distance_name(&s->settings[i]));
            jsonw_begin_array(j, "top3");
            for (int r = 1; r <= 3; r++)
                for (int c = 0; c < d; c++)
                    if (s->rank[(size_t)i * d + c] == r)
                        jsonw_string(j, NULL, t->cols[c].name);
            jsonw_end_array(j);
            jsonw_end_object(j);
        }
        jsonw_end_array(j);
        jsonw_begin_array(j, "hyperparameters");
        for (int r = 1; r <= d; r++)
            for (int c = 0; c < d; c++) {
                if (s->used[c] != r)
                    continue;
                jsonw_begin_object(j, NULL);
                jsonw_string(j, "name", t->cols[c].name);
                jsonw_int(j, "rank", r);
                jsonw_int(j, "best", s->low[c]);
                jsonw_int(j, "worst", s->high[c]);
                jsonw_end_object(j);
            }
        jsonw_end_array(j);
        jsonw_number(j, "top3_share", s->top3_share);
        jsonw_bool(j, "robust", s->robust);
        jsonw_string(j, "verdict", said);
        jsonw_end_object(j);
        return;
    }
    printf("\nsensitivity: the ranking under %d N-RReliefF settings around the one used (k "
           "halved, as used and doubled; equal weights or rank weights with sigma 2k/7; "
           "manhattan or euclidean distance)\n\n%4s  %-20s %12s\n", s->n, "rank",
           "hyperparameter", "rank range");
    for (int r = 1; r <= d; r++)
        for (int c = 0; c < d; c++)
            if (s->used[c] == r)
                printf("%4d  %-20s %9d-%-2d\n", r, t->cols[c].name, s->low[c], s->high[c]);
    printf("%s\n", said);
}

void analyze_out_agreement(const analyze_view *v, const relief_summary *r,
                           const double *fanova_main)
{
    jsonw *j = v->json;
    const table_set *s = v->set;
    int d = s->tables[0].n_cols;
    double rho, tau;
    if (j)
        jsonw_begin_object(j, "agreement");
    if (fanova_main) {
        summary_agreement(r->importance, fanova_main, d, &rho, &tau);
        if (j) {
            jsonw_begin_object(j, "methods");
            jsonw_number(j, "spearman", rho);
            jsonw_number(j, "kendall", tau);
            jsonw_end_object(j);
        } else if (isnan(rho) || isnan(tau)) {
            printf("\nagreement of N-RReliefF and fANOVA: undefined (one ranking gives every "
                   "hyperparameter the same importance)\n");
        } else {
            printf("\nagreement of N-RReliefF and fANOVA (importances%s): Spearman rho %.3f, "
                   "Kendall tau %.3f\n", s->n > 1 ? ", means over the datasets" : "", rho, tau);
        }
    }
    if (s->n > 1) {
        if (j)
            jsonw_begin_array(j, "datasets");
        else
            printf("\nagreement between datasets (N-RReliefF importances):\n");
        for (int x = 0; x < s->n; x++)
            for (int y = x + 1; y < s->n; y++) {
                summary_agreement(r->per + (size_t)x * d, r->per + (size_t)y * d, d, &rho, &tau);
                if (j) {
                    jsonw_begin_object(j, NULL);
                    jsonw_string(j, "a", s->names[x]);
                    jsonw_string(j, "b", s->names[y]);
                    jsonw_number(j, "spearman", rho);
                    jsonw_number(j, "kendall", tau);
                    jsonw_end_object(j);
                } else if (isnan(rho) || isnan(tau)) {
                    printf("  %s ~ %s: undefined (a ranking gives every hyperparameter the same "
                           "importance)\n", s->names[x], s->names[y]);
                } else {
                    printf("  %s ~ %s: Spearman rho %.3f, Kendall tau %.3f\n", s->names[x],
                           s->names[y], rho, tau);
                }
            }
        if (j)
            jsonw_end_array(j);
    }
    if (j)
        jsonw_end_object(j);
}
