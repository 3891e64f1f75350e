/* The report command: report.html, report.md and the SVG figures. */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "report/report_data.h"
#include "report/report_doc.h"
#include "report/report_figures.h"

/* Wang, Nabney, Golbabaee (2024), N-RReliefF weights of their top five. */
static const struct {
    const char *name;
    double weight;
} published[] = {{"conv_layers", 0.385}, {"learning_rate", 0.228}, {"dropout", 0.131},
                 {"optimizer", 0.042}, {"epochs", 0.042}};

static const char *fmt(char *buf, size_t size, const char *f, double v)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, f, v);
    return buf;
}

static void cpu_model(char *buf, size_t size)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    snprintf(buf, size, "unknown CPU");
    while (f && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            snprintf(buf, size, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = 0;
            break;
        }
    }
    if (f)
        fclose(f);
}

static void section_status(report_doc *doc, const report_data *d)
{
    const store_counts *c = &d->total;
    long open = c->pending + c->running;
    char when[64];
    time_t now = time(NULL);
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
    char *store = store_display(d->store_path);
    doc_para(doc, "Results store %s, written %s by hia %s.", store, when, HIA_VERSION);
    free(store);
    if (open)
        doc_para(doc, "Sweep in progress: %ld of %ld trials finished (%ld pending, %ld running, "
                 "%ld failed). Everything below covers the %d trials finished so far.",
                 c->done + c->diverged, c->total, c->pending, c->running, c->failed,
                 d->finished);
    else
        doc_para(doc, "Sweep complete: %ld trials, %ld done, %ld diverged, %ld failed.",
                 c->total, c->done, c->diverged, c->failed);
}

static void section_summary(report_doc *doc, const report_data *d)
{
    char a[128], b[512];
    double wall = 0, ips = 0;
    int n = 0;
    for (int i = 0; i < d->n_trials; i++)
        if (isfinite(d->trials[i].wall_seconds) && isfinite(d->trials[i].test_accuracy)) {
            wall += d->trials[i].wall_seconds;
            ips += d->trials[i].images_per_second;
            n++;
        }
    doc_heading(doc, 2, "The sweep");
    doc_table(doc, 6, "dataset", "trials", "done", "diverged", "failed", "pending or running");
    for (int i = 0; i < d->n_datasets; i++) {
        const store_counts *c = &d->per_dataset[i];
        char t[5][32];
        snprintf(t[0], 32, "%ld", c->total);
        snprintf(t[1], 32, "%ld", c->done);
        snprintf(t[2], 32, "%ld", c->diverged);
        snprintf(t[3], 32, "%ld", c->failed);
        snprintf(t[4], 32, "%ld", c->pending + c->running);
        doc_row(doc, 6, d->datasets[i], t[0], t[1], t[2], t[3], t[4]);
    }
    doc_table_end(doc);
    doc_table(doc, 2, "", "");
    snprintf(b, sizeof(b), "%.0f s (%.1f h) of trial time", wall, wall / 3600);
    doc_row(doc, 2, "total time", b);
    doc_row(doc, 2, "per trial (mean)", fmt(a, sizeof(a), "%.1f s", n ? wall / n : NAN));
    doc_row(doc, 2, "training speed (mean)", fmt(a, sizeof(a), "%.0f images/s", n ? ips / n : NAN));
    cpu_model(a, sizeof(a));
    snprintf(b, sizeof(b), "trials ran on %s; this report was written on %s, %ld cores",
             d->workers[0] ? d->workers : "?", a, sysconf(_SC_NPROCESSORS_ONLN));
    doc_row(doc, 2, "hardware", b);
    doc_row(doc, 2, "BLAS", d->blas[0] ? d->blas : "?");
    snprintf(b, sizeof(b), "hia %s, Darknet (Debian source) with %d hia patches",
             d->hia_version[0] ? d->hia_version : "?", d->darknet_patches);
    doc_row(doc, 2, "versions", b);
    doc_table_end(doc);
    int failed = 0;
    for (int i = 0; i < d->n_trials; i++)
        failed += !strcmp(d->trials[i].status, "failed") || !strcmp(d->trials[i].status, "diverged");
    if (!failed)
        return;
    doc_para(doc, "Trials that failed or diverged, with the reason recorded:");
    doc_table(doc, 4, "trial", "dataset", "status", "reason");
    for (int i = 0; i < d->n_trials; i++) {
        const report_trial *t = &d->trials[i];
        if (strcmp(t->status, "failed") && strcmp(t->status, "diverged"))
            continue;
        snprintf(a, sizeof(a), "%lld", t->id);
        doc_row(doc, 4, a, d->datasets[t->dataset], t->status, t->reason);
    }
    doc_table_end(doc);
}

static void section_ranking(report_doc *doc, const report_data *d)
{
    const table *t = &d->t;
    strbuf s = STRBUF_INIT;
    doc_heading(doc, 2, "Which hyperparameters matter");
    doc_para(doc, "N-RReliefF (%s) on the %d finished trials; datasets combined: %s; "
             "normalised importance = max(W,0) / sum of max(W,0); intervals: 95%% over %d "
             "bootstrap resamples of the configurations. fANOVA: share of the variance of a "
             "%d-tree random forest's prediction explained by each hyperparameter alone (mean "
             "and std across trees).", d->relief_said, t->n_rows, d->set.combination,
             d->options.bootstrap, d->options.forest.trees);
    doc_para(doc, "Analysis settings: %s.", d->settings);
    figure_importance(d, &s);
    char caption[160];
    snprintf(caption, sizeof(caption), "Importance of the %d hyperparameters: N-RReliefF (blue, "
             "95%% bootstrap interval) and fANOVA (orange, +/- 1 std across trees).", t->n_cols);
    doc_figure(doc, "importance", &s, caption);
    doc_table(doc, 6, "rank", "hyperparameter", "N-RReliefF raw W", "normalised",
              "95% interval", "fANOVA main (std)");
    for (int i = 0; i < t->n_cols; i++) {
        int c = d->relief.order[i];
        char r[16], w[32], n[32], ci[64], f[64];
        snprintf(r, sizeof(r), "%d", i + 1);
        fmt(w, sizeof(w), "%.5f", d->relief.raw[c]);
        fmt(n, sizeof(n), "%.3f", d->relief.importance[c]);
        if (isfinite(d->relief.lower[c]))
            snprintf(ci, sizeof(ci), "[%.3f, %.3f]", d->relief.lower[c], d->relief.upper[c]);
        else
            snprintf(ci, sizeof(ci), "-");
        snprintf(f, sizeof(f), "%.3f (%.3f)", d->fanova.r.main_mean[c], d->fanova.r.main_std[c]);
        doc_row(doc, 6, r, t->cols[c].name, w, n, ci, f);
    }
    doc_table_end(doc);
    int ranked = 0;
    for (int c = 0; c < t->n_cols; c++)
        ranked |= d->relief.importance[c] > 0;
    if (!ranked)
        doc_para(doc, "No ranking: no hyperparameter has a positive N-RReliefF weight (every raw "
                 "W <= 0) in %d trials, so the order above is the columns' own.", t->n_rows);
    char verdict[1024];
    summary_sensitivity_verdict(t, &d->sensitivity, verdict, sizeof(verdict));
    doc_heading(doc, 3, "How much the ranking owes to N-RReliefF's settings");
    doc_para(doc, "The ranking under %d N-RReliefF settings around the one used (k halved, as "
             "used and doubled; equal weights or rank weights with sigma 2k/7; Manhattan or "
             "Euclidean distance). Sensitivity: %s.", d->sensitivity.n, verdict);
    figure_sensitivity(d, &s);
    doc_figure(doc, "sensitivity", &s, "Each hyperparameter's rank over the sensitivity grid "
               "(line: best to worst) and with the settings used (dot).");
}

static void section_published(report_doc *doc, const report_data *d)
{
    doc_heading(doc, 2, "Beside the published study");
    doc_para(doc, "Wang, Nabney and Golbabaee (2024), N-RReliefF: their top five with their "
             "normalised weights, and this sweep's top five.");
    doc_table(doc, 5, "rank", "published", "weight", "this sweep", "weight");
    for (int i = 0; i < 5; i++) {
        char r[8], pw[16], w[16];
        const char *mine = "-";
        snprintf(r, sizeof(r), "%d", i + 1);
        snprintf(pw, sizeof(pw), "%.3f", published[i].weight);
        snprintf(w, sizeof(w), "-");
        if (i < d->t.n_cols) {
            mine = d->t.cols[d->relief.order[i]].name;
            snprintf(w, sizeof(w), "%.3f", d->relief.importance[d->relief.order[i]]);
        }
        doc_row(doc, 5, r, published[i].name, pw, mine, w);
    }
    doc_table_end(doc);
}

static void section_stability(report_doc *doc, const report_data *d)
{
    const stability_summary *st = &d->stability;
    const icc_form *f = &st->forms[st->chosen];
    char v[32], ci[64];
    doc_heading(doc, 2, "How sure: the ranking's stability (ICC)");
    doc_para(doc, "N-RReliefF on %d random subsamples of %.0f%% of the trials; the ICC of the "
             "importances across subsamples (hyperparameters as targets, subsamples as raters). "
             "ICC(2,1), two-way random, absolute agreement, single rater, read from its 95%% "
             "interval's lower bound (Koo & Li 2016).", st->subsamples, 100 * st->fraction);
    doc_table(doc, 4, "form", "ICC", "95% interval", "reading (Koo & Li)");
    static const char *const shrout_fleiss[6] = {"ICC1 = ICC(1,1)", "ICC2 = ICC(2,1)",
                                                 "ICC3 = ICC(3,1)", "ICC1k = ICC(1,k)",
                                                 "ICC2k = ICC(2,k)", "ICC3k = ICC(3,k)"};
    for (int i = 0; i < 6; i++) {
        const icc_form *g = &st->forms[i];
        snprintf(v, sizeof(v), "%.3f", g->icc);
        snprintf(ci, sizeof(ci), "[%.3f, %.3f]", g->lower, g->upper);
        doc_row(doc, 4, shrout_fleiss[i], v, ci, i == st->chosen ? icc_reading(g->lower) : "");
    }
    doc_table_end(doc);
    doc_para(doc, "Stability: ICC(2,1) = %.3f [%.3f, %.3f], %s.", f->icc, f->lower, f->upper,
             icc_reading(f->lower));
}

static void section_agreement(report_doc *doc, const report_data *d)
{
    char r[32], k[32];
    strbuf s = STRBUF_INIT;
    const char *across;
    doc_heading(doc, 2, "Agreement between methods and datasets");
    doc_table(doc, 4, "between", "and", "Spearman rho", "Kendall tau-b");
    doc_row(doc, 4, "N-RReliefF", "fANOVA", fmt(r, sizeof(r), "%.3f", d->methods_rho),
            fmt(k, sizeof(k), "%.3f", d->methods_tau));
    int n = d->t.n_cols;
    for (int x = 0; d->dataset_imp && x < d->n_datasets; x++)
        for (int y = x + 1; y < d->n_datasets; y++) {
            double rho, tau;
            summary_agreement(d->dataset_imp + (size_t)x * n, d->dataset_imp + (size_t)y * n, n,
                              &rho, &tau);
            doc_row(doc, 4, d->datasets[x], d->datasets[y], fmt(r, sizeof(r), "%.3f", rho),
                    fmt(k, sizeof(k), "%.3f", tau));
        }
    doc_table_end(doc);
    figure_spread(d, &s, &across);
    char caption[256];
    snprintf(caption, sizeof(caption), "Importance of each hyperparameter across %s (box: "
             "quartiles, line: median, whiskers: range, dots: each).", across);
    doc_figure(doc, "spread", &s, caption);
}

static void section_details(report_doc *doc, const report_data *d)
{
    strbuf s = STRBUF_INIT;
    char name[128], caption[256];
    doc_heading(doc, 2, "Layer by layer");
    figure_layers(d, &s);
    doc_figure(doc, "layers", &s, "N-RReliefF importance with each layer's filters and kernel "
               "size as their own columns (a layer a network lacks counts as missing).");
    doc_heading(doc, 2, "How accuracy depends on the top hyperparameters (fANOVA marginals)");
    for (int i = 0; i < 4 && i < d->t.n_cols; i++) {
        int c = d->fanova.order[i];
        figure_marginal(d, c, &s);
        snprintf(name, sizeof(name), "marginal-%s", d->t.cols[c].name);
        snprintf(caption, sizeof(caption), "Marginal of %s (fANOVA rank %d): the forest's mean "
                 "prediction with every other hyperparameter averaged out, +/- 1 std across "
                 "trees.", d->t.cols[c].name, i + 1);
        doc_figure(doc, name, &s, caption);
    }
    doc_heading(doc, 2, "Interactions");
    figure_interactions(d, &s);
    doc_figure(doc, "interactions", &s, "fANOVA pairwise interactions: each pair's own share "
               "of the variance.");
    doc_table(doc, 3, "pair", "share of variance", "std");
    for (int p = 0; p < 5 && p < d->fanova.n_pairs; p++) {
        int k = d->fanova.pairs[p], n = d->t.n_cols;
        char pair[160], v[32], sd[32];
        snprintf(pair, sizeof(pair), "%s x %s", d->t.cols[k / n].name, d->t.cols[k % n].name);
        snprintf(v, sizeof(v), "%.4f", d->fanova.r.pair_mean[k]);
        snprintf(sd, sizeof(sd), "%.4f", d->fanova.r.pair_std[k]);
        doc_row(doc, 3, pair, v, sd);
    }
    doc_table_end(doc);
}

static void section_accuracy(report_doc *doc, const report_data *d)
{
    strbuf s = STRBUF_INIT;
    doc_heading(doc, 2, "Accuracy");
    figure_accuracy(d, &s);
    doc_figure(doc, "accuracy", &s, "Test accuracy of every finished trial, per dataset (box: "
               "quartiles and median).");
    figure_progress(d, &s);
    doc_figure(doc, "progress", &s, "Test accuracy in the order the trials finished; the line "
               "is each dataset's best so far.");
}

static int write_report(const report_data *d, const char *dir, hia_error *err)
{
    report_doc doc;
    char title[256];
    snprintf(title, sizeof(title), "hia report: %s", d->experiment ? d->experiment : "sweep");
    if (io_make_dirs(dir, err))
        return -1;
    doc_begin(&doc, dir, title, err);
    section_status(&doc, d);
    if (d->relief.order) {
        section_ranking(&doc, d);
        section_published(&doc, d);
        section_stability(&doc, d);
        section_agreement(&doc, d);
        section_details(&doc, d);
    } else {
        doc_para(&doc, "The importance analysis needs at least 6 finished trials; this store "
                 "has %d so far.", d->t.n_rows);
    }
    section_accuracy(&doc, d);
    section_summary(&doc, d);
    int rc = doc_finish(&doc);
    doc_free(&doc);
    return rc;
}

/* results/<experiment>, the experiment's name as one folder's whatever the store holds: a '/'
   or a control character as '_', and '_' before a leading '.' (never "..", never hidden). */
static char *default_dir(const char *experiment)
{
    char *dir = xstrfmt("results/%s%s", experiment && experiment[0] == '.' ? "_" : "",
                        experiment && *experiment ? experiment : "report");
    for (char *p = dir + 8; *p; p++)
        if (*p == '/' || (unsigned char)*p < 0x20 || *p == 0x7F)
            *p = '_';
    return dir;
}

int report_write(const char *store_path, const char *dir, char **written, hia_error *err)
{
    *written = NULL;
    report_data d;
    int rc = report_data_load(store_path, &d, err);
    if (!rc) {
        *written = dir ? xstrdup(dir) : default_dir(d.experiment);
        rc = write_report(&d, *written, err);
    }
    report_data_free(&d);
    return rc;
}
