/* Darknet as patched by hia: each CPU optimizer follows its textbook update exactly, errors
   reach the handler instead of exiting, and the generator is seeded and restorable. */
#include <darknet.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "darknet_parse.h"

enum { B = 2, IN = 3, OUT = 2 };

/* The reference: a 3 -> 2 linear layer with softmax cross-entropy, mean over the batch. */
static void mean_gradient(const double *w, const double *b, const float *x, const float *t,
                          int batch, double *gw, double *gb)
{
    memset(gw, 0, sizeof(double) * OUT * IN);
    memset(gb, 0, sizeof(double) * OUT);
    for (int s = 0; s < batch; s++) {
        double z[OUT], p[OUT], sum = 0;
        for (int o = 0; o < OUT; o++) {
            z[o] = b[o];
            for (int i = 0; i < IN; i++)
                z[o] += w[o * IN + i] * x[s * IN + i];
        }
        double m = z[0] > z[1] ? z[0] : z[1];
        for (int o = 0; o < OUT; o++)
            sum += p[o] = exp(z[o] - m);
        for (int o = 0; o < OUT; o++) {
            double d = p[o] / sum - t[s * OUT + o];
            gb[o] += d / batch;
            for (int i = 0; i < IN; i++)
                gw[o * IN + i] += d * x[s * IN + i] / batch;
        }
    }
}

typedef struct state {
    double m[OUT * IN + OUT], v[OUT * IN + OUT];
} state;

static void reference_step(const char *opt, double lr, int t, double *p, const double *g,
                           state *st, int n)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(opt, "sgd")) {
            p[i] -= lr * g[i];
        } else if (!strcmp(opt, "momentum")) { /* heavy ball: v = 0.9 v + g; p -= lr v */
            st->m[i] = 0.9 * st->m[i] + g[i];
            p[i] -= lr * st->m[i];
        } else if (!strcmp(opt, "adam")) {
            st->m[i] = 0.9 * st->m[i] + 0.1 * g[i];
            st->v[i] = 0.999 * st->v[i] + 0.001 * g[i] * g[i];
            double mh = st->m[i] / (1 - pow(0.9, t)), vh = st->v[i] / (1 - pow(0.999, t));
            p[i] -= lr * mh / (sqrt(vh) + 1e-7);
        } else if (!strcmp(opt, "rmsprop")) {
            st->v[i] = 0.9 * st->v[i] + 0.1 * g[i] * g[i];
            p[i] -= lr * g[i] / (sqrt(st->v[i]) + 1e-7);
        } else { /* adagrad */
            st->v[i] += g[i] * g[i];
            p[i] -= lr * g[i] / (sqrt(st->v[i]) + 1e-7);
        }
    }
}

static void test_optimizer(const char *opt, const char *extra)
{
    char cfg[512];
    snprintf(cfg, sizeof(cfg),
             "[net]\nbatch=%d\nwidth=%d\nheight=1\nchannels=1\noptimizer=%s\nlearning_rate=0.05\n"
             "momentum=%s\ndecay=0\npolicy=constant\nmax_batches=0\n%s\n"
             "[connected]\noutput=%d\nactivation=linear\n\n[softmax]\ngroups=1\n",
             B, IN, opt, strcmp(opt, "momentum") ? "0" : "0.9", extra, OUT);
    network *net = parse_text(cfg);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s: %s\n", opt, darknet_msg);
        return;
    }
    layer *l = &net->layers[0];
    double w[OUT * IN], b[OUT], gw[OUT * IN], gb[OUT];
    state sw, sb;
    memset(&sw, 0, sizeof(sw));
    memset(&sb, 0, sizeof(sb));
    for (int i = 0; i < OUT * IN; i++)
        w[i] = l->weights[i] = 0.1f * (float)(i - 2);
    for (int o = 0; o < OUT; o++)
        b[o] = l->biases[o] = 0.05f * (float)o;
    float x[B * IN] = {0.5f, -1.0f, 2.0f, 1.5f, 0.25f, -0.5f};
    float t[B * OUT] = {1, 0, 0, 1};
    /* the last step has a smaller batch, as an epoch's last batch may */
    for (int step = 1; step <= 4; step++) {
        int batch = step < 4 ? B : 1;
        set_batch_network(net, batch);
        memcpy(net->input, x, sizeof(x));
        memcpy(net->truth, t, sizeof(t));
        mean_gradient(w, b, x, t, batch, gw, gb);
        train_network_datum(net);
        reference_step(opt, 0.05, step, w, gw, &sw, OUT * IN);
        reference_step(opt, 0.05, step, b, gb, &sb, OUT);
        double worst = 0;
        for (int i = 0; i < OUT * IN; i++)
            worst = fmax(worst, fabs(w[i] - l->weights[i]));
        for (int o = 0; o < OUT; o++)
            worst = fmax(worst, fabs(b[o] - l->biases[o]));
        if (worst > 2e-6)
            fprintf(stderr, "%s step %d: off by %g\n", opt, step, worst);
        CHECK(worst <= 2e-6);
    }
    free_network(net);
}

static void test_errors(void)
{
    static const char *const cases[][2] = {
        {"optimiser=adam\n[connected]\noutput=2\nactivation=linear\n", "unknown key 'optimiser = adam'"},
        {"[connected]\noutput=2\nactivation=swish\n", "unknown activation 'swish'"},
        {"optimizer=adamw\n[connected]\noutput=2\nactivation=linear\n", "unknown optimizer 'adamw'"},
        {"[convolutional]\nfilters=2\nsize=3\nactivation=relu\ncolour=1\n", "unknown key 'colour = 1'"},
        {"[pooling]\nsize=2\n", "unknown section [pooling]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char cfg[512];
        snprintf(cfg, sizeof(cfg), "[net]\nbatch=1\nwidth=4\nheight=4\nchannels=1\n%s", cases[i][0]);
        CHECK(parse_text(cfg) == NULL);
        CHECK_MSG(darknet_msg, cases[i][1]);
    }
    darknet_msg[0] = 0;
    if (!setjmp(darknet_jump))
        parse_network_cfg("/nonexistent/net.cfg");
    CHECK_MSG(darknet_msg, "cannot open file /nonexistent/net.cfg");
}

static void test_rng(void)
{
    float a[10], b[10], c[10];
    darknet_seed(5);
    for (int i = 0; i < 10; i++)
        rand_uniform(0, 1);
    unsigned long long saved = darknet_rng_state();
    for (int i = 0; i < 10; i++)
        a[i] = rand_uniform(0, 1);
    darknet_set_rng_state(saved);
    for (int i = 0; i < 10; i++)
        b[i] = rand_uniform(0, 1);
    darknet_seed(6);
    for (int i = 0; i < 10; i++)
        c[i] = rand_uniform(0, 1);
    CHECK(memcmp(a, b, sizeof(a)) == 0);
    CHECK(memcmp(a, c, sizeof(a)) != 0);

    const char *cfg = "[net]\nbatch=1\nwidth=4\nheight=4\nchannels=1\n"
                      "[convolutional]\nfilters=2\nsize=3\npad=1\nactivation=relu\n";
    darknet_seed(9);
    network *n1 = parse_text(cfg);
    darknet_seed(9);
    network *n2 = parse_text(cfg);
    darknet_seed(10);
    network *n3 = parse_text(cfg);
    CHECK(n1 && n2 && n3);
    if (n1 && n2 && n3) {
        size_t bytes = sizeof(float) * (size_t)n1->layers[0].nweights;
        CHECK(memcmp(n1->layers[0].weights, n2->layers[0].weights, bytes) == 0);
        CHECK(memcmp(n1->layers[0].weights, n3->layers[0].weights, bytes) != 0);
    }
    free_network(n1);
    free_network(n2);
    free_network(n3);
}

/* A diverged net feeds NaN to max-pooling: backward must stay inside its buffers. */
static void test_maxpool_nan(void)
{
    network *net = parse_text("[net]\nbatch=1\nwidth=4\nheight=4\nchannels=1\n"
                              "[maxpool]\nsize=2\nstride=2\npadding=0\n");
    CHECK(net != NULL);
    if (!net)
        return;
    for (int i = 0; i < 16; i++)
        net->input[i] = i == 5 ? 1.0f : NAN;
    net->train = 1;
    forward_network(net);
    layer *l = &net->layers[0];
    for (int i = 0; i < 4; i++)
        CHECK(l->indexes[i] >= 0 && l->indexes[i] < 16);
    CHECK(isnan(l->output[0]) && isnan(l->output[3]));
    free_network(net);
}

int main(void)
{
    darknet_catch_errors();
    test_optimizer("sgd", "");
    test_optimizer("momentum", "");
    test_optimizer("adam", "B1=0.9\nB2=0.999\neps=1e-7");
    test_optimizer("rmsprop", "rho=0.9\neps=1e-7");
    test_optimizer("adagrad", "eps=1e-7");
    test_errors();
    test_rng();
    test_maxpool_nan();
    return CHECK_DONE();
}
