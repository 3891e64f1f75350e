/* layers: Darknet's optimised CPU layers (hia's patches; convolutions through oneDNN) against
   straightforward reference implementations in double precision: forward outputs and one
   backward pass's gradients (weights, biases, batch-norm scales, the input) of convolutions
   (odd sizes, strides 1 and 2, kernels 1 to 7, deep ones on small images, with and without
   batch norm, on 1 to 3 threads), max-pools (odd sizes, ties), dense layers and softmax, for
   every activation hia generates. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "darknet_parse.h"

static const char *const activations[] = {"relu", "leaky", "elu", "selu", "tanh", "logistic",
                                          "linear"};

static double act(double x, const char *a)
{
    if (!strcmp(a, "relu")) return x > 0 ? x : 0;
    if (!strcmp(a, "leaky")) return x > 0 ? x : 0.1 * x;
    if (!strcmp(a, "elu")) return x >= 0 ? x : exp(x) - 1;
    if (!strcmp(a, "selu")) return x >= 0 ? 1.0507 * x : 1.0507 * 1.6732 * (exp(x) - 1);
    if (!strcmp(a, "tanh")) return tanh(x);
    if (!strcmp(a, "logistic")) return 1 / (1 + exp(-x));
    return x;
}

/* The derivative as a function of the activation's output y (Darknet's convention). */
static double act_grad(double y, const char *a)
{
    if (!strcmp(a, "relu")) return y > 0;
    if (!strcmp(a, "leaky")) return y > 0 ? 1 : 0.1;
    if (!strcmp(a, "elu")) return y >= 0 ? 1 : y + 1;
    if (!strcmp(a, "selu")) return y >= 0 ? 1.0507 : y + 1.0507 * 1.6732;
    if (!strcmp(a, "tanh")) return 1 - y * y;
    if (!strcmp(a, "logistic")) return (1 - y) * y;
    return 1;
}

static unsigned long long seed = 42;

static float uniform(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((seed >> 40) / (double)(1ULL << 24)) * 2 - 1;
}

static void randomise(float *x, int n)
{
    for (int i = 0; i < n; i++)
        x[i] = uniform();
}

/* Weights away from 0: a filter with tiny weights gives a near-constant channel, where batch
   norm divides by a tiny deviation and float rounding, not a bug, decides the result. */
static void randomise_weights(float *x, int n)
{
    randomise(x, n);
    for (int i = 0; i < n; i++)
        x[i] = copysignf(0.2f + 0.8f * fabsf(x[i]), x[i]);
}

static int mismatches;

/* got ~ want within a relative 1e-4 of the largest |want|, plus 1e-6. */
static void compare(const char *what, const char *where, const float *got, const double *want,
                    int n)
{
    double scale = 0, worst = 0;
    int at = -1;
    for (int i = 0; i < n; i++)
        scale = fmax(scale, fabs(want[i]));
    for (int i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]);
        if (!(d <= worst)) {
            worst = d;
            at = i;
        }
    }
    if (!(worst <= 1e-4 * scale + 1e-6)) {
        fprintf(stderr, "%s, %s: element %d is %.7g, the reference %.7g (scale %.3g)\n", where,
                what, at, at >= 0 ? got[at] : 0.0, at >= 0 ? want[at] : 0.0, scale);
        mismatches++;
        check_failures++;
    }
}

/* the network of a case's cfg, or NULL with the failure counted and Darknet's message shown */
static network *parse_case(const char *cfg, const char *where)
{
    network *net = parse_text(cfg);
    if (!net) {
        fprintf(stderr, "%s: %s\n", where, darknet_msg);
        check_failures++;
    }
    return net;
}

/* give the network back its own buffers (the tests lend it theirs) and free it */
static void release(network *net, float *input, float *truth)
{
    net->input = input;
    net->truth = truth;
    net->delta = NULL;
    free_network(net);
}

/* random starting values in a gradient buffer, added to what it must end up holding */
static void prefill(float *buf, double *want, int n)
{
    randomise(buf, n);
    for (int i = 0; i < n; i++)
        want[i] += buf[i];
}

typedef struct conv_case {
    int c, h, w, filters, size, stride;
} conv_case;

/* threads: the OpenMP threads when Darknet sizes the layer's workspace, then when it runs */
static void test_conv(const conv_case *k, const char *a, int bn, int B, int threads_parse,
                      int threads_run)
{
    char cfg[512], where[200];
    snprintf(cfg, sizeof(cfg), "[net]\nbatch=%d\nheight=%d\nwidth=%d\nchannels=%d\n\n"
             "[convolutional]\nfilters=%d\nsize=%d\nstride=%d\npad=1\nbatch_normalize=%d\n"
             "activation=%s\n", B, k->h, k->w, k->c, k->filters, k->size, k->stride, bn, a);
    snprintf(where, sizeof(where),
             "conv %dx%dx%d, %d filters %dx%d stride %d, %s%s, batch %d, threads %d then %d",
             k->w, k->h, k->c, k->filters, k->size, k->size, k->stride, a,
             bn ? ", batch norm" : "", B, threads_parse, threads_run);
    omp_set_num_threads(threads_parse);
    network *net = parse_case(cfg, where);
    omp_set_num_threads(threads_run);
    if (!net)
        return;
    layer *l = &net->layers[0];
    float *own_input = net->input, *own_truth = net->truth;
    int p = k->size / 2, oh = l->out_h, ow = l->out_w, F = k->filters, C = k->c, S = k->size;
    int in_n = B * C * k->h * k->w, out_n = l->outputs * B, m = B * oh * ow;
    float *x = malloc(sizeof(float) * in_n), *dx = calloc(in_n, sizeof(float));
    float *g = malloc(sizeof(float) * out_n);
    double *z = calloc(out_n, sizeof(double)), *y = calloc(out_n, sizeof(double));
    double *dz = calloc(out_n, sizeof(double)), *dw = calloc(l->nweights, sizeof(double));
    double *db = calloc(F, sizeof(double)), *ds = calloc(F, sizeof(double));
    double *dxr = calloc(in_n, sizeof(double)), *xn = calloc(out_n, sizeof(double));
    double *mean = calloc(F, sizeof(double)), *var = calloc(F, sizeof(double));
    randomise(x, in_n);
    randomise_weights(l->weights, l->nweights);
    randomise(l->biases, F);
    if (bn)
        randomise(l->scales, F);
    randomise(g, out_n);
#define IN(b, c, r, q) x[(((b) * C + (c)) * k->h + (r)) * k->w + (q)]
#define W(f, c, u, v) l->weights[(((f) * C + (c)) * S + (u)) * S + (v)]
#define OUT(b, f, r, q) (((b) * F + (f)) * oh + (r)) * ow + (q)
    for (int b = 0; b < B; b++)
        for (int f = 0; f < F; f++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++) {
                    double s = 0;
                    for (int c = 0; c < C; c++)
                        for (int u = 0; u < S; u++)
                            for (int v = 0; v < S; v++) {
                                int ir = r * k->stride - p + u, iq = q * k->stride - p + v;
                                if (ir >= 0 && ir < k->h && iq >= 0 && iq < k->w)
                                    s += W(f, c, u, v) * IN(b, c, ir, iq);
                            }
                    z[OUT(b, f, r, q)] = s;
                }
    for (int f = 0; f < F; f++) { /* batch norm in training: the biased variance (patch 20) */
        for (int b = 0; b < B && bn; b++)
            for (int i = 0; i < oh * ow; i++)
                mean[f] += z[OUT(b, f, 0, 0) + i] / m;
        for (int b = 0; b < B && bn; b++)
            for (int i = 0; i < oh * ow; i++)
                var[f] += pow(z[OUT(b, f, 0, 0) + i] - mean[f], 2) / m;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < oh * ow; i++) {
                int o = OUT(b, f, 0, 0) + i;
                xn[o] = bn ? (z[o] - mean[f]) / sqrt(var[f] + 1e-5) : z[o];
                y[o] = act((bn ? l->scales[f] : 1) * xn[o] + l->biases[f], a);
            }
    }
    net->input = x;
    net->train = 1;
    l->forward(*l, *net);
    compare("forward output", where, l->output, y, out_n);

    /* backward: g arrives as the layer's delta */
    for (int o = 0; o < out_n; o++)
        dz[o] = g[o] * act_grad(l->output[o], a);
    for (int f = 0; f < F; f++) {
        double sum_d = 0, sum_dx = 0;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < oh * ow; i++) {
                int o = OUT(b, f, 0, 0) + i;
                db[f] += dz[o];
                ds[f] += dz[o] * xn[o];
            }
        if (!bn)
            continue;
        double sd = sqrt(var[f] + 1e-5);
        for (int b = 0; b < B; b++)
            for (int i = 0; i < oh * ow; i++) {
                int o = OUT(b, f, 0, 0) + i;
                dz[o] *= l->scales[f];
                sum_d += dz[o];
                sum_dx += dz[o] * (z[o] - mean[f]);
            }
        double mean_d = -sum_d / sd, var_d = -0.5 * sum_dx * pow(var[f] + 1e-5, -1.5);
        for (int b = 0; b < B; b++) /* the gradient of the biased form */
            for (int i = 0; i < oh * ow; i++) {
                int o = OUT(b, f, 0, 0) + i;
                dz[o] = dz[o] / sd + var_d * 2 * (z[o] - mean[f]) / m + mean_d / m;
            }
    }
    for (int b = 0; b < B; b++)
        for (int f = 0; f < F; f++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++)
                    for (int c = 0; c < C; c++)
                        for (int u = 0; u < S; u++)
                            for (int v = 0; v < S; v++) {
                                int ir = r * k->stride - p + u, iq = q * k->stride - p + v;
                                if (ir < 0 || ir >= k->h || iq < 0 || iq >= k->w)
                                    continue;
                                double d = dz[OUT(b, f, r, q)];
                                dw[(((f * C + c) * S + u) * S + v)] += d * IN(b, c, ir, iq);
                                dxr[(((b * C + c) * k->h) + ir) * k->w + iq] += d * W(f, c, u, v);
                            }
    /* Darknet adds gradients to what its buffers hold: start them away from 0 */
    memcpy(l->delta, g, sizeof(float) * out_n);
    prefill(l->weight_updates, dw, l->nweights);
    prefill(l->bias_updates, db, F);
    if (bn)
        prefill(l->scale_updates, ds, F);
    prefill(dx, dxr, in_n);
    net->delta = dx;
    l->backward(*l, *net);
    compare("weight gradient", where, l->weight_updates, dw, l->nweights);
    compare("bias gradient", where, l->bias_updates, db, F);
    if (bn)
        compare("scale gradient", where, l->scale_updates, ds, F);
    compare("input gradient", where, dx, dxr, in_n);
#undef IN
#undef W
#undef OUT
    free(x), free(dx), free(g), free(z), free(y), free(dz), free(dw), free(db), free(ds);
    free(dxr), free(xn), free(mean), free(var);
    release(net, own_input, own_truth);
}

static void test_maxpool(int c, int h, int w)
{
    enum { B = 2 };
    char cfg[256], where[96];
    snprintf(cfg, sizeof(cfg), "[net]\nbatch=%d\nheight=%d\nwidth=%d\nchannels=%d\n\n"
             "[maxpool]\nsize=2\nstride=2\n", B, h, w, c);
    snprintf(where, sizeof(where), "max-pool 2x2/2 of %dx%dx%d", w, h, c);
    network *net = parse_case(cfg, where);
    if (!net)
        return;
    layer *l = &net->layers[0];
    float *own_input = net->input, *own_truth = net->truth;
    int oh = (h + 1) / 2, ow = (w + 1) / 2, in_n = B * c * h * w, out_n = B * c * oh * ow;
    CHECK(l->out_h == oh && l->out_w == ow);
    float *x = malloc(sizeof(float) * in_n), *dx = calloc(in_n, sizeof(float));
    double *y = malloc(sizeof(double) * out_n), *dxr = calloc(in_n, sizeof(double));
    for (int i = 0; i < in_n; i++)
        x[i] = (float)(int)(uniform() * 3); /* few values: ties */
    int *arg = malloc(sizeof(int) * out_n);
    for (int b = 0; b < B; b++)
        for (int k = 0; k < c; k++)
            for (int r = 0; r < oh; r++)
                for (int q = 0; q < ow; q++) {
                    int o = ((b * c + k) * oh + r) * ow + q, best = -1;
                    for (int u = 0; u < 2; u++)
                        for (int v = 0; v < 2; v++) { /* the first of the largest */
                            int ir = 2 * r + u, iq = 2 * q + v;
                            int i = ((b * c + k) * h + ir) * w + iq;
                            if (ir < h && iq < w && (best < 0 || x[i] > x[best]))
                                best = i;
                        }
                    y[o] = x[best];
                    arg[o] = best;
                }
    float *g = malloc(sizeof(float) * out_n);
    randomise(g, out_n);
    for (int o = 0; o < out_n; o++)
        dxr[arg[o]] += g[o];
    net->input = x;
    net->train = 0; /* inference: the same output, no indexes needed */
    l->forward(*l, *net);
    compare("inference output", where, l->output, y, out_n);
    net->train = 1; /* training: the winners recorded for the backward pass */
    l->forward(*l, *net);
    compare("forward output", where, l->output, y, out_n);
    for (int o = 0; o < out_n; o++)
        CHECK(l->indexes[o] == arg[o]);
    memcpy(l->delta, g, sizeof(float) * out_n);
    net->delta = dx;
    l->backward(*l, *net);
    compare("input gradient", where, dx, dxr, in_n);
    free(x), free(dx), free(y), free(dxr), free(arg), free(g);
    release(net, own_input, own_truth);
}

static void test_connected(const char *a, int bn)
{
    enum { B = 5, IN = 13, OUT = 7 };
    char cfg[256], where[96];
    snprintf(cfg, sizeof(cfg), "[net]\nbatch=%d\nheight=1\nwidth=%d\nchannels=1\n\n"
             "[connected]\noutput=%d\nbatch_normalize=%d\nactivation=%s\n", B, IN, OUT, bn, a);
    snprintf(where, sizeof(where), "dense %d -> %d, %s%s", IN, OUT, a, bn ? ", batch norm" : "");
    network *net = parse_case(cfg, where);
    if (!net)
        return;
    layer *l = &net->layers[0];
    float *own_input = net->input, *own_truth = net->truth;
    float x[B * IN], dx[B * IN] = {0}, g[B * OUT];
    double z[B * OUT], y[B * OUT], xn[B * OUT], dz[B * OUT], dw[OUT * IN] = {0}, db[OUT] = {0};
    double ds[OUT] = {0}, dxr[B * IN] = {0};
    randomise(x, B * IN);
    randomise_weights(l->weights, IN * OUT);
    randomise(l->biases, OUT);
    if (bn)
        randomise(l->scales, OUT);
    randomise(g, B * OUT);
    for (int b = 0; b < B; b++)
        for (int o = 0; o < OUT; o++) {
            double s = 0;
            for (int i = 0; i < IN; i++)
                s += l->weights[o * IN + i] * x[b * IN + i];
            z[b * OUT + o] = s;
        }
    for (int o = 0; o < OUT; o++) {
        double mean = 0, var = 0;
        for (int b = 0; b < B && bn; b++)
            mean += z[b * OUT + o] / B;
        for (int b = 0; b < B && bn; b++)
            var += pow(z[b * OUT + o] - mean, 2) / B;
        for (int b = 0; b < B; b++) {
            int k = b * OUT + o;
            xn[k] = bn ? (z[k] - mean) / sqrt(var + 1e-5) : z[k];
            y[k] = act((bn ? l->scales[o] : 1) * xn[k] + l->biases[o], a);
        }
        for (int b = 0; b < B; b++) {
            int k = b * OUT + o;
            dz[k] = 0; /* filled after the forward pass */
        }
        (void)var;
    }
    net->input = x;
    net->train = 1;
    l->forward(*l, *net);
    compare("forward output", where, l->output, y, B * OUT);
    for (int k = 0; k < B * OUT; k++)
        dz[k] = g[k] * act_grad(l->output[k], a);
    for (int o = 0; o < OUT; o++) {
        double mean = 0, var = 0, sum_d = 0, sum_dx = 0;
        for (int b = 0; b < B; b++) {
            db[o] += dz[b * OUT + o];
            ds[o] += dz[b * OUT + o] * xn[b * OUT + o];
        }
        if (!bn)
            continue;
        for (int b = 0; b < B; b++)
            mean += z[b * OUT + o] / B;
        for (int b = 0; b < B; b++)
            var += pow(z[b * OUT + o] - mean, 2) / B;
        double sd = sqrt(var + 1e-5);
        for (int b = 0; b < B; b++) {
            int k = b * OUT + o;
            dz[k] *= l->scales[o];
            sum_d += dz[k];
            sum_dx += dz[k] * (z[k] - mean);
        }
        double mean_d = -sum_d / sd, var_d = -0.5 * sum_dx * pow(var + 1e-5, -1.5);
        for (int b = 0; b < B; b++) {
            int k = b * OUT + o;
            dz[k] = dz[k] / sd + var_d * 2 * (z[k] - mean) / B + mean_d / B;
        }
    }
    for (int b = 0; b < B; b++)
        for (int o = 0; o < OUT; o++)
            for (int i = 0; i < IN; i++) {
                dw[o * IN + i] += dz[b * OUT + o] * x[b * IN + i];
                dxr[b * IN + i] += dz[b * OUT + o] * l->weights[o * IN + i];
            }
    memcpy(l->delta, g, sizeof(g));
    memset(l->weight_updates, 0, sizeof(float) * IN * OUT);
    memset(l->bias_updates, 0, sizeof(float) * OUT);
    if (bn)
        memset(l->scale_updates, 0, sizeof(float) * OUT);
    net->delta = dx;
    l->backward(*l, *net);
    compare("weight gradient", where, l->weight_updates, dw, IN * OUT);
    compare("bias gradient", where, l->bias_updates, db, OUT);
    if (bn)
        compare("scale gradient", where, l->scale_updates, ds, OUT);
    compare("input gradient", where, dx, dxr, B * IN);
    release(net, own_input, own_truth);
}

static void test_softmax(void)
{
    enum { B = 3, N = 10 };
    network *net = parse_case("[net]\nbatch=3\nheight=1\nwidth=10\nchannels=1\n\n[softmax]\n",
                              "softmax");
    if (!net)
        return;
    layer *l = &net->layers[0];
    float *own_input = net->input, *own_truth = net->truth;
    float x[B * N], truth[B * N] = {0};
    double y[B * N], d[B * N];
    randomise(x, B * N);
    for (int b = 0; b < B; b++) {
        double mx = -INFINITY, s = 0;
        truth[b * N + (b * 3) % N] = 1;
        for (int i = 0; i < N; i++)
            mx = fmax(mx, x[b * N + i]);
        for (int i = 0; i < N; i++)
            s += exp(x[b * N + i] - mx);
        for (int i = 0; i < N; i++) {
            y[b * N + i] = exp(x[b * N + i] - mx) / s;
            d[b * N + i] = truth[b * N + i] - y[b * N + i];
        }
    }
    net->input = x;
    net->truth = truth;
    net->train = 1;
    l->forward(*l, *net);
    compare("forward output", "softmax", l->output, y, B * N);
    compare("delta (truth - output)", "softmax", l->delta, d, B * N);
    release(net, own_input, own_truth);
}

int main(void)
{
    static const conv_case convs[] = {{1, 5, 7, 3, 3, 1}, {3, 9, 6, 4, 5, 2}, {2, 8, 8, 5, 1, 1},
                                      {2, 11, 9, 3, 7, 1}, {4, 6, 7, 8, 3, 2}, {3, 28, 28, 4, 3, 1},
                                      {24, 9, 9, 3, 7, 1}, {22, 11, 9, 4, 7, 2}};
    darknet_catch_errors();
    darknet_seed(3);
    /* the batch split over one thread, unevenly over three, and threads changed between
       making the layer and running it (oneDNN's primitives depend on the thread count) */
    static const int runs[][3] = {{2, 2, 2}, {3, 1, 1}, {5, 3, 3}, {4, 1, 3}};
    for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++)
        for (size_t k = 0; k < sizeof(convs) / sizeof(convs[0]); k++)
            for (size_t a = 0; a < sizeof(activations) / sizeof(activations[0]); a++)
                for (int bn = 0; bn < 2; bn++)
                    test_conv(&convs[k], activations[a], bn, runs[r][0], runs[r][1], runs[r][2]);
    omp_set_num_threads(2);
    test_maxpool(3, 5, 7);
    test_maxpool(2, 6, 6);
    test_maxpool(1, 3, 3);
    test_maxpool(4, 28, 27);
    for (size_t a = 0; a < sizeof(activations) / sizeof(activations[0]); a++)
        for (int bn = 0; bn < 2; bn++)
            test_connected(activations[a], bn);
    test_softmax();
    if (mismatches)
        fprintf(stderr, "%d comparisons failed\n", mismatches);
    return CHECK_DONE();
}
