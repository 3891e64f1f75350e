/* Darknet's numerics where hia's patches 0017-0020 changed them: every layer's gradient against
   finite differences with dropout after tanh, ELU and logistic (dropout used to work in the
   previous layer's buffers, so that layer's activation gradient read the dropped and scaled
   values) and with batch norm on small maps (its forward and backward passes used other
   variances); the softmax cross-entropy finite at a logit margin of 200, with the gradient p - t;
   tanh, ELU, SELU and logistic finite and right at +-1e4 and around each overflow point. */
#include <math.h>

#include "check.h"
#include "darknet_parse.h"

#define BATCH 4
#define MAX_IN 16

static double cost_at(network *net, unsigned long long rng, const float *x, const float *t)
{
    darknet_set_rng_state(rng);
    memcpy(net->input, x, sizeof(float) * net->batch * net->inputs);
    memcpy(net->truth, t, sizeof(float) * net->batch * net->truths);
    net->train = 1;
    forward_network(net);
    return *net->cost;
}

/* The trainable weights of a layer (convolutional or connected) and their updates. */
static int weights_of(layer *l, float **w, float **u)
{
    *w = l->weights;
    *u = l->weight_updates;
    return l->type == CONVOLUTIONAL ? l->nweights
           : l->type == CONNECTED   ? l->inputs * l->outputs
                                    : 0;
}

/* Every weight's gradient from backward (Darknet keeps minus the gradient of the summed loss)
   against central differences of the loss, with the same dropout masks (the generator's
   state put back before each pass); returns how many weights were checked. */
static int gradient_check(const char *name, const char *cfg, float first_scale)
{
    network *net = parse_text(cfg);
    CHECK(net != NULL);
    if (!net) {
        fprintf(stderr, "%s: %s\n", name, darknet_msg);
        return 0;
    }
    float x[BATCH * MAX_IN], t[BATCH * 3] = {0};
    for (int i = 0; i < net->batch * net->inputs; i++)
        x[i] = 2.0f * sinf(1.7f * (float)i + 0.3f);
    for (int b = 0; b < net->batch; b++)
        t[b * 3 + b % 3] = 1;
    float *w, *u;
    int n = weights_of(&net->layers[0], &w, &u);
    for (int i = 0; i < n; i++)
        w[i] *= first_scale; /* toward saturation, where wrong activation gradients show */
    unsigned long long rng = darknet_rng_state();
    for (int i = 0; i < net->n; i++)
        if ((n = weights_of(&net->layers[i], &w, &u)))
            memset(u, 0, sizeof(float) * (size_t)n);
    cost_at(net, rng, x, t);
    backward_network(net);
    int checked = 0, bad = 0;
    for (int i = 0; i < net->n; i++) {
        n = weights_of(&net->layers[i], &w, &u);
        for (int j = 0; j < n; j++) {
            const float eps = 5e-3f, keep = w[j];
            w[j] = keep + eps;
            double up = cost_at(net, rng, x, t);
            w[j] = keep - eps;
            double down = cost_at(net, rng, x, t);
            w[j] = keep;
            double numeric = (up - down) / (2 * eps), analytic = -u[j];
            checked++;
            if (fabs(numeric - analytic) > 2e-3 + 3e-2 * fabs(numeric) && bad++ < 5)
                fprintf(stderr, "%s: layer %d weight %d: finite differences %g, backward %g\n",
                        name, i, j, numeric, analytic);
        }
    }
    CHECK(bad == 0);
    free_network(net);
    return checked;
}

static void test_gradients(void)
{
    /* dropout after tanh, ELU and logistic */
    CHECK(gradient_check("dropout",
        "[net]\nbatch=4\nwidth=8\nheight=1\nchannels=1\n\n"
        "[connected]\noutput=6\nactivation=tanh\n\n[dropout]\nprobability=0.3\n\n"
        "[connected]\noutput=6\nactivation=elu\n\n[dropout]\nprobability=0.3\n\n"
        "[connected]\noutput=6\nactivation=logistic\n\n[dropout]\nprobability=0.3\n\n"
        "[connected]\noutput=3\nactivation=linear\n\n[softmax]\ngroups=1\n", 3) ==
          8 * 6 + 6 * 6 + 6 * 6 + 6 * 3);
    /* batch norm on small maps (m = 2 images x 2x2 after the pool), where an unbiased
       variance in the forward pass and a biased one in the gradient part by 1/7 */
    CHECK(gradient_check("batch norm",
        "[net]\nbatch=2\nwidth=4\nheight=4\nchannels=1\n\n"
        "[convolutional]\nbatch_normalize=1\nfilters=3\nsize=3\nstride=1\npad=1\n"
        "activation=tanh\n\n[maxpool]\nsize=2\nstride=2\n\n"
        "[convolutional]\nbatch_normalize=1\nfilters=2\nsize=1\nstride=1\npad=0\n"
        "activation=elu\n\n"
        "[connected]\noutput=3\nactivation=linear\n\n[softmax]\ngroups=1\n", 1) ==
          3 * 9 + 2 * 3 + 8 * 3);
}

static void test_stable_loss(void)
{
    network *net = parse_text("[net]\nbatch=1\nwidth=3\nheight=1\nchannels=1\n\n"
                              "[softmax]\ngroups=1\n");
    CHECK(net != NULL);
    if (!net)
        return;
    const float logits[3] = {200, 0, 0};
    const float truths[2][3] = {{0, 1, 0}, {1, 0, 0}};
    const double want[2] = {200, 0}; /* lse - x_t: 200 + log(1 + 2 e^-200) - x_t */
    for (int k = 0; k < 2; k++) {
        memcpy(net->input, logits, sizeof(logits));
        memcpy(net->truth, truths[k], sizeof(truths[k]));
        net->train = 1;
        forward_network(net);
        const layer *l = &net->layers[0];
        CHECK(isfinite(*net->cost));
        CHECK(fabs(*net->cost - want[k]) < 1e-4);
        for (int j = 0; j < 3; j++) /* the gradient is p - t, as before */
            CHECK(fabsf(l->delta[j] - (truths[k][j] - l->output[j])) == 0);
        CHECK(fabsf(l->output[0] - 1) < 1e-6 && l->output[1] < 1e-30);
    }
    free_network(net);
}

static double reference(const char *a, double x)
{
    if (!strcmp(a, "tanh"))
        return tanh(x);
    if (!strcmp(a, "elu"))
        return x >= 0 ? x : expm1(x);
    if (!strcmp(a, "selu"))
        return 1.0507 * (x >= 0 ? x : 1.6732 * expm1(x));
    return 1 / (1 + exp(-x)); /* logistic */
}

static void test_activations(void)
{
    /* +-1e4, and each side of float's exp overflow (88.7), tanh's old 355 and double's 709.8 */
    static const float xs[] = {-1e4f, -710, -709, -356, -354, -89, -88, -20, -1, -1e-3f, 0,
                               1e-3f, 1, 20, 88, 89, 354, 356, 709, 710, 1e4f};
    enum { N = sizeof(xs) / sizeof(xs[0]) };
    const char *acts[] = {"tanh", "elu", "selu", "logistic"};
    for (int a = 0; a < 4; a++) {
        char cfg[256];
        snprintf(cfg, sizeof(cfg), "[net]\nbatch=1\nwidth=1\nheight=1\nchannels=1\n\n"
                 "[connected]\noutput=%d\nactivation=%s\n", N, acts[a]);
        network *net = parse_text(cfg);
        CHECK(net != NULL);
        if (!net)
            continue;
        layer *l = &net->layers[0];
        for (int k = 0; k < N; k++) { /* output k = activation(1 * xs[k]) */
            l->weights[k] = xs[k];
            l->biases[k] = 0;
        }
        net->input[0] = 1;
        net->train = 0;
        forward_network(net);
        for (int k = 0; k < N; k++) {
            double want = reference(acts[a], xs[k]), got = l->output[k];
            int ok = isfinite(got) && fabs(got - want) <= 1e-6 + 2e-6 * fabs(want);
            if (!ok)
                fprintf(stderr, "%s(%g) = %g, expected %g\n", acts[a], xs[k], got, want);
            CHECK(ok);
        }
        free_network(net);
    }
}

int main(void)
{
    darknet_catch_errors();
    test_gradients();
    test_stable_loss();
    test_activations();
    return check_failures ? 1 : 0;
}
