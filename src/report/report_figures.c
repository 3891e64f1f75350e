/* The report's figures, drawn as SVG. */
#include "report/report_figures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

enum { W = 760 };

static double max2(double a, double b)
{
    return isfinite(b) && b > a ? b : a;
}

static void legend(strbuf *s, double x, double y, const char *const *labels, int n)
{
    for (int i = 0; i < n; i++) {
        svg_rect(s, x, y + 18 * i - 9, 12, 12, svg_colour(i), 0.85);
        svg_text(s, x + 18, y + 18 * i + 1, "start", 12, 0, labels[i]);
    }
}

void figure_importance(const report_data *d, strbuf *s)
{
    const table *t = &d->t;
    int n = t->n_cols, row = 30, top = 50, left = 150;
    double hi = 0.05;
    for (int c = 0; c < n; c++) {
        hi = max2(hi, d->relief.upper[c]);
        hi = max2(hi, d->relief.importance[c]);
        hi = max2(hi, d->fanova.r.main_mean[c] + d->fanova.r.main_std[c]);
    }
    int h = top + n * row + 50;
    svg_scale x = {0, hi * 1.05, left, W - 30, 0};
    svg_begin(s, W, h, "Importance of each hyperparameter: N-RReliefF and fANOVA");
    svg_axis(s, &x, 1, top + n * row, top, top + n * row, "importance (share of the total, 0-1)");
    static const char *const labels[] = {"N-RReliefF (95% bootstrap interval)",
                                         "fANOVA main effect (+/- 1 std across trees)"};
    legend(s, left, 18, labels, 2);
    for (int i = 0; i < n; i++) {
        int c = d->relief.order[i];
        double y = top + i * row;
        svg_text(s, left - 8, y + 19, "end", 12, 0, t->cols[c].name);
        double v[2] = {d->relief.importance[c], d->fanova.r.main_mean[c]};
        double lo[2] = {d->relief.lower[c], v[1] - d->fanova.r.main_std[c]};
        double up[2] = {d->relief.upper[c], v[1] + d->fanova.r.main_std[c]};
        for (int k = 0; k < 2; k++) {
            double by = y + 5 + k * 11;
            svg_rect(s, x.p0, by, svg_map(&x, v[k]) - x.p0, 10, svg_colour(k), 0.85);
            if (isfinite(lo[k]) && isfinite(up[k])) {
                double a = svg_map(&x, lo[k] < 0 ? 0 : lo[k]), b = svg_map(&x, up[k]);
                svg_line(s, a, by + 5, b, by + 5, "#222", 1.2);
                svg_line(s, a, by + 1, a, by + 9, "#222", 1.2);
                svg_line(s, b, by + 1, b, by + 9, "#222", 1.2);
            }
        }
    }
    svg_end(s);
}

void figure_sensitivity(const report_data *d, strbuf *s)
{
    const table *t = &d->t;
    const sensitivity_summary *sens = &d->sensitivity;
    int n = t->n_cols, row = 24, top = 40, left = 150;
    int h = top + n * row + 50;
    svg_scale x = {0.5, n + 0.5, left, W - 30, 0};
    svg_begin(s, W, h, "Sensitivity of the N-RReliefF ranking to its settings");
    svg_rect(s, x.p0, top, svg_map(&x, 3.5) - x.p0, n * row, "#e8e8e8", 1);
    svg_axis(s, &x, 1, top + n * row, top, top + n * row, "rank (shaded: the top three)");
    svg_text(s, left, 22, "start", 12, 0, "line: best to worst rank over the grid; dot: the "
             "rank with the settings used");
    for (int r = 1; r <= n; r++)
        for (int c = 0; c < n; c++) {
            if (sens->used[c] != r)
                continue;
            double y = top + (r - 1) * row + row / 2.0;
            svg_text(s, left - 8, y + 4, "end", 12, 0, t->cols[c].name);
            svg_line(s, svg_map(&x, sens->low[c]) - 4, y, svg_map(&x, sens->high[c]) + 4, y,
                     svg_colour(0), 3);
            svg_circle(s, svg_map(&x, r), y, 5, svg_colour(1), 1);
        }
    svg_end(s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *sorted, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)floor(pos);
    return i + 1 < n ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}

void figure_spread(const report_data *d, strbuf *s, const char **across)
{
    const table *t = &d->t;
    int n = t->n_cols, k = d->n_datasets > 1 ? d->n_datasets : d->stability.subsamples;
    int left = 70, top = 30, plot_h = 260, h = top + plot_h + 120;
    double *v = xcalloc((size_t)k, sizeof(double)), hi = 0.05;
    *across = d->n_datasets > 1 ? "datasets" : "subsamples of the trials (one dataset)";
    for (int c = 0; c < n; c++)
        for (int j = 0; j < k; j++)
            hi = max2(hi, d->n_datasets > 1 ? d->dataset_imp[(size_t)j * n + c]
                                            : d->stability.matrix[(size_t)c * k + j]);
    svg_scale y = {0, hi * 1.05, top + plot_h, top, 0};
    double slot = (double)(W - left - 20) / n;
    char title[160];
    snprintf(title, sizeof(title), "N-RReliefF importance across %s", *across);
    svg_begin(s, W, h, title);
    svg_axis(s, &y, 0, left, left, W - 20, "importance");
    for (int c = 0; c < n; c++) {
        int col = d->relief.order[c];
        for (int j = 0; j < k; j++)
            v[j] = d->n_datasets > 1 ? d->dataset_imp[(size_t)j * n + col]
                                     : d->stability.matrix[(size_t)col * k + j];
        qsort(v, (size_t)k, sizeof(double), cmp_double);
        double cx = left + slot * (c + 0.5), bw = slot * 0.5;
        double q1 = quantile(v, k, 0.25), q2 = quantile(v, k, 0.5), q3 = quantile(v, k, 0.75);
        svg_line(s, cx, svg_map(&y, v[0]), cx, svg_map(&y, v[k - 1]), "#555", 1);
        svg_rect(s, cx - bw / 2, svg_map(&y, q3), bw, svg_map(&y, q1) - svg_map(&y, q3),
                 svg_colour(0), 0.35);
        svg_line(s, cx - bw / 2, svg_map(&y, q2), cx + bw / 2, svg_map(&y, q2), "#123", 2);
        for (int j = 0; j < k; j++)
            svg_circle(s, cx + bw * 0.35 * ((j % 5) - 2) / 2, svg_map(&y, v[j]), 2.5, "#222",
                       0.7);
        svg_text(s, cx, top + plot_h + 14, "end", 11, -40, t->cols[col].name);
    }
    free(v);
    svg_end(s);
}

void figure_layers(const report_data *d, strbuf *s)
{
    const table *t = &d->layers_t;
    int n = t->n_cols, left = 70, top = 40, plot_h = 240, h = top + plot_h + 120;
    double hi = 0.05;
    for (int c = 0; c < n; c++)
        hi = max2(hi, d->layers.upper[c]);
    svg_scale y = {0, hi * 1.05, top + plot_h, top, 0};
    double slot = (double)(W - left - 20) / (n ? n : 1);
    svg_begin(s, W, h, "N-RReliefF importance per layer (per-layer columns)");
    svg_axis(s, &y, 0, left, left, W - 20, "importance");
    static const char *const labels[] = {"filters of layer i", "kernel_size of layer i",
                                         "the other hyperparameters"};
    legend(s, left + 10, 16, labels, 3);
    for (int c = 0; c < n; c++) {
        const char *name = t->cols[c].name;
        int kind = !strncmp(name, "filters_", 8) ? 0 : !strncmp(name, "kernel_size_", 12) ? 1 : 2;
        double x = left + slot * c + slot * 0.15, v = d->layers.importance[c];
        svg_rect(s, x, svg_map(&y, v), slot * 0.7, svg_map(&y, 0) - svg_map(&y, v),
                 svg_colour(kind), kind == 2 ? 0.35 : 0.85);
        if (isfinite(d->layers.lower[c])) {
            double cx = x + slot * 0.35;
            svg_line(s, cx, svg_map(&y, d->layers.lower[c]), cx,
                     svg_map(&y, d->layers.upper[c]), "#222", 1.2);
        }
        svg_text(s, x + slot * 0.35, top + plot_h + 14, "end", 11, -40, name);
    }
    svg_end(s);
}

void figure_marginal(const report_data *d, int c, strbuf *s)
{
    const table_column *col = &d->t.cols[c];
    const marginal *m = &d->fanova.marginals[c];
    int w = 370, h = 270, left = 62, top = 30, bottom = h - 60;
    double lo = INFINITY, hi = -INFINITY;
    char title[200], ylabel[80];
    for (int p = 0; p < m->n; p++) {
        lo = fmin(lo, m->mean[p] - m->std[p]);
        hi = fmax(hi, m->mean[p] + m->std[p]);
    }
    if (!(hi > lo))
        hi = lo + 0.01;
    double pad = (hi - lo) * 0.05;
    snprintf(title, sizeof(title), "fANOVA marginal of %s", col->name);
    snprintf(ylabel, sizeof(ylabel), "predicted %s%s", d->t.target,
             d->n_datasets > 1 ? ", mean over the datasets" : "");
    svg_scale y = {lo - pad, hi + pad, bottom, top, 0};
    svg_begin(s, w, h, title);
    svg_text(s, w / 2.0, 16, "middle", 13, 0, title);
    svg_axis(s, &y, 0, left, left, w - 15, ylabel);
    if (col->categorical) {
        double slot = (double)(w - left - 15) / m->n;
        for (int p = 0; p < m->n; p++) {
            double x = left + slot * (p + 0.2), cx = x + slot * 0.3;
            svg_rect(s, x, svg_map(&y, m->mean[p]), slot * 0.6,
                     svg_map(&y, y.lo) - svg_map(&y, m->mean[p]), svg_colour(1), 0.8);
            svg_line(s, cx, svg_map(&y, m->mean[p] - m->std[p]), cx,
                     svg_map(&y, m->mean[p] + m->std[p]), "#222", 1.2);
            svg_text(s, cx, bottom + 16, "middle", 11, 0, col->levels[p]);
        }
        svg_line(s, left, bottom, w - 15, bottom, "#444", 1);
        svg_text(s, (left + w - 15) / 2.0, bottom + 36, "middle", 12, 0, col->name);
    } else {
        svg_scale x = {m->x[0], m->x[m->n - 1], left, w - 15, col->log};
        svg_axis(s, &x, 1, bottom, top, bottom, col->log ? "" : col->name);
        if (col->log) {
            char label[80];
            snprintf(label, sizeof(label), "%s (log scale)", col->name);
            svg_text(s, (left + w - 15) / 2.0, bottom + 34, "middle", 12, 0, label);
        }
        strbuf_addf(s, "<path fill=\"%s\" fill-opacity=\"0.25\" d=\"", svg_colour(0));
        for (int p = 0; p < m->n; p++)
            strbuf_addf(s, "%s%.1f %.1f", p ? " L" : "M", svg_map(&x, m->x[p]),
                       svg_map(&y, m->mean[p] + m->std[p]));
        for (int p = m->n - 1; p >= 0; p--)
            strbuf_addf(s, " L%.1f %.1f", svg_map(&x, m->x[p]), svg_map(&y, m->mean[p] - m->std[p]));
        strbuf_addf(s, " Z\"/>\n<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" d=\"",
                   svg_colour(0));
        for (int p = 0; p < m->n; p++)
            strbuf_addf(s, "%s%.1f %.1f", p ? " L" : "M", svg_map(&x, m->x[p]),
                       svg_map(&y, m->mean[p]));
        strbuf_addf(s, "\"/>\n");
    }
    svg_end(s);
}

/* White to dark red. */
static void heat(double t, char *buf, size_t size)
{
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    snprintf(buf, size, "rgb(%d,%d,%d)", (int)(255 - 75 * t), (int)(255 - 230 * t),
             (int)(255 - 220 * t));
}

void figure_interactions(const report_data *d, strbuf *s)
{
    const table *t = &d->t;
    int n = t->n_cols, left = 150, top = 40, cell = (W - left - 90) / (n ? n : 1);
    int h = top + n * cell + 130;
    double hi = 1e-9;
    char fill[32], buf[32];
    for (int p = 0; p < d->fanova.n_pairs; p++)
        hi = max2(hi, d->fanova.r.pair_mean[d->fanova.pairs[p]]);
    svg_begin(s, W, h, "fANOVA pairwise interactions (share of variance)");
    svg_text(s, left, 24, "start", 12, 0,
             "share of the variance explained by each pair's interaction (mean across trees)");
    for (int i = 0; i < n; i++) {
        svg_text(s, left - 6, top + i * cell + cell / 2.0 + 4, "end", 11, 0, t->cols[i].name);
        double lx = left + i * cell + cell / 2.0, ly = top + n * cell + 8;
        svg_text(s, lx, ly, "end", 11, -50, t->cols[i].name);
        for (int j = 0; j < n; j++) {
            double x = left + j * cell, y = top + i * cell;
            if (i == j) {
                svg_rect(s, x, y, cell - 1, cell - 1, "#f0f0f0", 1);
                continue;
            }
            double v = d->fanova.r.pair_mean[i < j ? i * n + j : j * n + i];
            heat(v / hi, fill, sizeof(fill));
            svg_rect(s, x, y, cell - 1, cell - 1, fill, 1);
            if (v >= 0.1 * hi && v > 0.001 && j > i) {
                snprintf(buf, sizeof(buf), "%.3f", v);
                svg_text(s, x + cell / 2.0, y + cell / 2.0 + 4, "middle", cell > 40 ? 10 : 8, 0,
                         buf);
            }
        }
    }
    for (int k = 0; k <= 10; k++) { /* colour scale */
        heat(k / 10.0, fill, sizeof(fill));
        svg_rect(s, W - 60, top + (10 - k) * 20, 16, 20, fill, 1);
    }
    snprintf(buf, sizeof(buf), "%.3f", hi);
    svg_text(s, W - 40, top + 12, "start", 10, 0, buf);
    svg_text(s, W - 40, top + 220, "start", 10, 0, "0");
    svg_end(s);
}

void figure_accuracy(const report_data *d, strbuf *s)
{
    int k = d->n_datasets, left = 130, top = 20, row = 46, h = top + k * row + 60;
    svg_scale x = {0, 1, left, W - 30, 0};
    double *v = xcalloc((size_t)d->n_trials, sizeof(double));
    svg_begin(s, W, h, "Test accuracy of the finished trials, per dataset");
    svg_axis(s, &x, 1, top + k * row, top, top + k * row, "test accuracy");
    for (int ds = 0; ds < k; ds++) {
        int n = 0;
        double y = top + ds * row + row / 2.0;
        for (int i = 0; i < d->n_trials; i++) {
            const report_trial *t = &d->trials[i];
            if (t->dataset == ds && isfinite(t->test_accuracy) && strcmp(t->status, "failed")) {
                v[n++] = t->test_accuracy;
                svg_circle(s, svg_map(&x, t->test_accuracy), y + 10 * ((i * 7919 % 11) / 10.0 - 0.5),
                           2.5, svg_colour(ds), 0.6);
            }
        }
        svg_text(s, left - 8, y + 4, "end", 12, 0, d->datasets[ds]);
        if (n == 0)
            continue;
        qsort(v, (size_t)n, sizeof(double), cmp_double);
        double q1 = quantile(v, n, 0.25), q2 = quantile(v, n, 0.5), q3 = quantile(v, n, 0.75);
        svg_line(s, svg_map(&x, v[0]), y, svg_map(&x, v[n - 1]), y, "#555", 1);
        svg_rect(s, svg_map(&x, q1), y - 12, svg_map(&x, q3) - svg_map(&x, q1), 24,
                 svg_colour(ds), 0.25);
        svg_line(s, svg_map(&x, q2), y - 12, svg_map(&x, q2), y + 12, "#123", 2);
    }
    free(v);
    svg_end(s);
}

static int by_finished(const void *a, const void *b)
{
    const report_trial *x = *(const report_trial *const *)a, *y = *(const report_trial *const *)b;
    if (x->finished != y->finished)
        return x->finished < y->finished ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

void figure_progress(const report_data *d, strbuf *s)
{
    int left = 70, top = 40, bottom = 300, h = 350, n = 0;
    const report_trial **f = xcalloc((size_t)d->n_trials, sizeof(*f));
    for (int i = 0; i < d->n_trials; i++)
        if (isfinite(d->trials[i].test_accuracy) && isfinite(d->trials[i].finished))
            f[n++] = &d->trials[i];
    qsort(f, (size_t)n, sizeof(*f), by_finished);
    svg_scale x = {1, n > 1 ? n : 2, left, W - 20, 0}, y = {0, 1, bottom, top, 0};
    svg_begin(s, W, h, "Test accuracy over the sweep, in the order the trials finished");
    svg_axis(s, &x, 1, bottom, top, bottom, "trials finished");
    svg_axis(s, &y, 0, left, left, W - 20, "test accuracy");
    legend(s, left + 10, 18, (const char *const *)d->datasets, d->n_datasets);
    for (int ds = 0; ds < d->n_datasets && f; ds++) {
        double best = -1;
        for (int i = 0; i < n; i++) { /* the best so far, as a step line */
            if (f[i]->dataset != ds || f[i]->test_accuracy <= best)
                continue;
            double nx = svg_map(&x, i + 1);
            if (best < 0)
                strbuf_addf(s, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"M%.1f "
                           "%.1f", svg_colour(ds), nx, svg_map(&y, f[i]->test_accuracy));
            else
                strbuf_addf(s, " L%.1f %.1f L%.1f %.1f", nx, svg_map(&y, best), nx,
                           svg_map(&y, f[i]->test_accuracy));
            best = f[i]->test_accuracy;
        }
        if (best >= 0)
            strbuf_addf(s, " L%.1f %.1f\"/>\n", svg_map(&x, n), svg_map(&y, best));
    }
    for (int i = 0; f && i < n; i++)
        svg_circle(s, svg_map(&x, i + 1), svg_map(&y, f[i]->test_accuracy), 2.5,
                   svg_colour(f[i]->dataset), 0.6);
    free(f);
    svg_end(s);
}
