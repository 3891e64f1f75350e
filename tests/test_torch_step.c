/* hia's Darknet against PyTorch on one small network (tests/reference/torch_step: net.cfg,
   and steps.txt recorded by record.py): the same weights (from the formulas of record.py) and
   the same batch give the same mean loss, the same gradient of every parameter, and the same
   parameters after two steps of each optimizer. A disagreement names the first layer where the
   two part. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "darknet_parse.h"

#define MAX_VALUES 4096

static double value(const char *kind, int layer, int i)
{
    if (!strcmp(kind, "weights"))
        return 0.4 * sin(0.7 * i + 1.3 * layer);
    if (!strcmp(kind, "biases"))
        return 0.05 * cos(i + layer);
    return 1 + 0.1 * sin(i + 2 * layer);
}

/* A parameter of a layer as Darknet stores it: its values and (minus the summed) gradient. */
static int param(layer *l, const char *kind, float **v, float **g)
{
    int nw = l->type == CONVOLUTIONAL ? l->nweights : l->inputs * l->outputs;
    int nb = l->type == CONVOLUTIONAL ? l->n : l->outputs;
    if (!strcmp(kind, "weights")) {
        *v = l->weights;
        *g = l->weight_updates;
        return nw;
    }
    if (!strcmp(kind, "biases")) {
        *v = l->biases;
        *g = l->bias_updates;
        return nb;
    }
    *v = l->scales;
    *g = l->scale_updates;
    return nb;
}

/* Calls f on every parameter (weights, biases, and batch-norm scales) of every layer. */
static void each_param(network *net, void (*f)(int layer, const char *kind, float *v, float *g,
                                               int n))
{
    const char *kinds[] = {"weights", "biases", "scales"};
    for (int i = 0; i < net->n; i++) {
        layer *l = &net->layers[i];
        if (l->type != CONVOLUTIONAL && l->type != CONNECTED)
            continue;
        for (int k = 0; k < (l->batch_normalize ? 3 : 2); k++) {
            float *v, *g;
            int n = param(l, kinds[k], &v, &g);
            f(i, kinds[k], v, g, n);
        }
    }
}

static void set_formula(int layer, const char *kind, float *v, float *g, int n)
{
    (void)g;
    for (int j = 0; j < n; j++)
        v[j] = (float)value(kind, layer, j);
}

static void zero_update(int layer, const char *kind, float *v, float *g, int n)
{
    (void)layer, (void)kind, (void)v;
    memset(g, 0, sizeof(float) * (size_t)n);
}

static void set_batch(network *net)
{
    for (int i = 0; i < net->batch * net->inputs; i++)
        net->input[i] = (float)(0.5 + 0.5 * sin(1.3 * i));
    memset(net->truth, 0, sizeof(float) * net->batch * net->truths);
    for (int b = 0; b < net->batch; b++)
        net->truth[b * net->truths + b % net->truths] = 1;
}

/* One recorded line "WHAT LAYER KIND v1 v2 ..." against Darknet's values (scaled by sign);
   returns whether they agree. */
static int compare(const char *what, const char *line, network *net, int first_bad)
{
    char kind[16];
    int layer, used;
    if (sscanf(line, "%*s %d %15s%n", &layer, kind, &used) != 2 || layer >= net->n)
        return 0;
    float *v, *g;
    int n = param(&net->layers[layer], kind, &v, &g);
    const char *p = line + used;
    double worst = 0, scale = 0;
    for (int j = 0; j < n; j++) {
        char *end;
        double want = strtod(p, &end), got;
        if (end == p)
            return 0; /* fewer values recorded than the layer has */
        p = end;
        got = !strcmp(what, "gradient") ? -g[j] / net->batch : v[j];
        worst = fmax(worst, fabs(got - want));
        scale = fmax(scale, fabs(want));
    }
    int ok = worst <= 1e-5 + 1e-4 * scale;
    if (!ok && first_bad)
        fprintf(stderr, "%s of layer %d's %s parts from PyTorch: off by %g (values up to %g)\n",
                what, layer, kind, worst, scale);
    return ok;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

/* net.cfg with the optimizer's keys, as hia's netgen writes them (record.py uses the same). */
static network *make_net(const char *cfg, const char *optimizer, double rate)
{
    char *text = malloc(strlen(cfg) + 256);
    const char *after = strstr(cfg, "[net]\n") + 6;
    const char *keys = !strcmp(optimizer, "adam")      ? "B1=0.9\nB2=0.999\neps=1e-7\n"
                       : !strcmp(optimizer, "rmsprop") ? "rho=0.9\neps=1e-7\n"
                       : !strcmp(optimizer, "adagrad") ? "eps=1e-7\n"
                                                       : "";
    sprintf(text, "[net]\noptimizer=%s\nlearning_rate=%g\n%s%s", optimizer, rate, keys, after);
    network *net = parse_text(text);
    free(text);
    return net;
}

int main(int argc, char **argv)
{
    char path[4096];
    CHECK(argc == 2);
    if (argc != 2)
        return 1;
    snprintf(path, sizeof(path), "%s/net.cfg", argv[1]);
    char *cfg = read_all(path);
    snprintf(path, sizeof(path), "%s/steps.txt", argv[1]);
    char *steps = read_all(path);
    CHECK(cfg && steps);
    if (!cfg || !steps)
        return 1;
    darknet_catch_errors();
    network *net = NULL;
    int optimizers = 0, compared = 0, first_bad = 1;
    for (char *line = strtok(steps, "\n"); line; line = strtok(NULL, "\n")) {
        static char name[32];
        double rate, loss;
        if (sscanf(line, "optimizer %31s %lf", name, &rate) == 2) {
            if (net)
                free_network(net);
            net = make_net(cfg, name, rate);
            CHECK(net != NULL);
            if (!net) {
                fprintf(stderr, "%s: %s\n", name, darknet_msg);
                break;
            }
            optimizers++;
            each_param(net, set_formula);
            set_batch(net);
            each_param(net, zero_update);
            net->train = 1;
            forward_network(net);
            backward_network(net);
        } else if (net && sscanf(line, "loss %lf", &loss) == 1) {
            double got = *net->cost / net->batch;
            if (fabs(got - loss) > 1e-5 * fabs(loss))
                fprintf(stderr, "%s: loss %.9g, PyTorch %.9g\n", name, got, loss);
            CHECK(fabs(got - loss) <= 1e-5 * fabs(loss));
        } else if (net && !strncmp(line, "gradient ", 9)) {
            int ok = compare("gradient", line, net, first_bad);
            first_bad &= ok;
            CHECK(ok);
            compared++;
        } else if (net && !strncmp(line, "after ", 6)) {
            if (strstr(line, "after 0 weights")) { /* the two steps, once per optimizer */
                each_param(net, zero_update);
                set_batch(net);
                train_network_datum(net);
                set_batch(net);
                train_network_datum(net);
            }
            int ok = compare("after two steps", line, net, first_bad);
            if (!ok)
                fprintf(stderr, "  (optimizer %s)\n", name);
            first_bad &= ok;
            CHECK(ok);
            compared++;
        }
    }
    CHECK(optimizers == 5 && compared == 5 * 14);
    if (net)
        free_network(net);
    free(cfg);
    free(steps);
    return check_failures ? 1 : 0;
}
