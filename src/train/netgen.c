/* One configuration -> one checked Darknet cfg. */
#include "train/netgen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

const char *const netgen_names[] = {"conv_layers", "filters", "kernel_size", "activation",
                                    "batch_norm", "dense_units", "dropout", "optimizer",
                                    "learning_rate", "batch_size", "epochs", NULL};

static const char *const activations[] = {"relu", "leaky", "elu", "selu", "tanh", "logistic",
                                          NULL};
static const char *const optimizers[] = {"sgd", "momentum", "adam", "rmsprop", "adagrad",
                                         NULL};

/* Largest network hia builds: more parameters than this is refused, not swapped to death. */
#define NETGEN_MAX_PARAMS 50000000.0

const char *netgen_names_text(void)
{
    return "conv_layers, filters, kernel_size, activation, batch_norm, dense_units, dropout, "
           "optimizer, learning_rate, batch_size, epochs";
}

static int read_whole(const space *s, const space_config *c, const char *name, int layer,
                      int min, int max, int *out, hia_error *err)
{
    double v;
    if (space_get_number(s, c, name, layer, &v, err))
        return -1;
    if (v != floor(v) || v < min || v > max)
        return hia_fail(err, HIA_EUSER, "%s=%g: must be a whole number in %d..%d", name, v, min,
                        max);
    *out = (int)v;
    return 0;
}

static int read_word(const space *s, const space_config *c, const char *name,
                     const char *const *allowed, char *out, size_t size, hia_error *err)
{
    const char *v;
    if (space_get_text(s, c, name, 0, &v, err))
        return -1;
    for (const char *const *a = allowed; *a; a++) {
        if (strcmp(*a, v) == 0) {
            snprintf(out, size, "%s", v);
            return 0;
        }
    }
    char list[256] = "";
    for (const char *const *a = allowed; *a; a++) {
        strncat(list, *a, sizeof(list) - strlen(list) - 1);
        if (a[1])
            strncat(list, ", ", sizeof(list) - strlen(list) - 1);
    }
    return hia_fail(err, HIA_EUSER, "%s=%s: must be one of %s", name, v, list);
}

int netgen_params_read(const space *s, const space_config *c, netgen_params *p, hia_error *err)
{
    double bn;
    memset(p, 0, sizeof(*p));
    if (read_whole(s, c, "conv_layers", 0, 1, SPACE_MAX_LAYERS, &p->conv_layers, err))
        return -1;
    for (int i = 0; i < p->conv_layers; i++) {
        if (read_whole(s, c, "filters", i, 1, 4096, &p->filters[i], err) ||
            read_whole(s, c, "kernel_size", i, 1, 31, &p->kernel_size[i], err))
            return -1;
        if (p->kernel_size[i] % 2 == 0)
            return hia_fail(err, HIA_EUSER, "kernel_size=%d: must be odd (same padding)",
                            p->kernel_size[i]);
    }
    if (read_word(s, c, "activation", activations, p->activation, sizeof(p->activation), err) ||
        read_word(s, c, "optimizer", optimizers, p->optimizer, sizeof(p->optimizer), err) ||
        space_get_number(s, c, "batch_norm", 0, &bn, err) ||
        read_whole(s, c, "dense_units", 0, 1, 65536, &p->dense_units, err) ||
        space_get_number(s, c, "dropout", 0, &p->dropout, err) ||
        space_get_number(s, c, "learning_rate", 0, &p->learning_rate, err) ||
        read_whole(s, c, "batch_size", 0, 1, 65536, &p->batch_size, err) ||
        read_whole(s, c, "epochs", 0, 1, 100000, &p->epochs, err))
        return -1;
    if (bn != 0 && bn != 1)
        return hia_fail(err, HIA_EUSER, "batch_norm=%g: must be true or false", bn);
    p->batch_norm = (int)bn;
    if (!(p->dropout >= 0 && p->dropout < 1))
        return hia_fail(err, HIA_EUSER, "dropout=%g: must lie in [0, 1)", p->dropout);
    if (!(p->learning_rate > 0))
        return hia_fail(err, HIA_EUSER, "learning_rate=%g: must be positive", p->learning_rate);
    return 0;
}

typedef struct text {
    char *buf;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->failed || need < 0) {
        t->failed = 1;
        return;
    }
    if (t->len + (size_t)need + 1 > t->cap) {
        size_t cap = (t->cap + (size_t)need + 1) * 2;
        t->buf = xrealloc(t->buf, cap);
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)need;
}

static void put_net(text *t, const netgen_params *p, const netgen_input *in,
                    const config_network *net)
{
    int momentum = strcmp(p->optimizer, "momentum") == 0;
    put(t, "[net]\nbatch=%d\nsubdivisions=1\nwidth=%d\nheight=%d\nchannels=%d\n", p->batch_size,
        in->width, in->height, in->channels);
    put(t, "optimizer=%s\nlearning_rate=%.9g\nmomentum=%.9g\ndecay=%.9g\n", p->optimizer,
        p->learning_rate, momentum ? net->momentum : 0.0, net->weight_decay);
    if (strcmp(p->optimizer, "adam") == 0)
        put(t, "B1=0.9\nB2=0.999\neps=1e-7\n");
    else if (strcmp(p->optimizer, "rmsprop") == 0)
        put(t, "rho=0.9\neps=1e-7\n");
    else if (strcmp(p->optimizer, "adagrad") == 0)
        put(t, "eps=1e-7\n");
    put(t, "policy=constant\nmax_batches=0\n\n");
}

int netgen_cfg(const netgen_params *p, const netgen_input *in, const config_network *net,
               char **out, hia_error *err)
{
    if (in->width < 1 || in->height < 1 || in->channels < 1 || in->classes < 2)
        return hia_fail(err, HIA_EUSER, "input %dx%dx%d with %d classes: not a classification "
                        "input", in->width, in->height, in->channels, in->classes);
    text t = {0};
    int w = in->width, h = in->height, c = in->channels;
    double params = 0;
    put_net(&t, p, in, net);
    for (int i = 0; i < p->conv_layers; i++) {
        put(&t, "[convolutional]\nbatch_normalize=%d\nfilters=%d\nsize=%d\nstride=1\npad=1\n"
            "activation=%s\n\n", p->batch_norm, p->filters[i], p->kernel_size[i],
            p->activation);
        params += (double)p->kernel_size[i] * p->kernel_size[i] * c * p->filters[i];
        c = p->filters[i];
        if ((i + 1) % net->pool_every == 0 && (w < h ? w : h) >= 4) {
            put(&t, "[maxpool]\nsize=2\nstride=2\npadding=0\n\n");
            w /= 2;
            h /= 2;
        }
    }
    params += (double)w * h * c * p->dense_units + (double)p->dense_units * in->classes;
    put(&t, "[connected]\noutput=%d\nactivation=%s\n\n", p->dense_units, p->activation);
    if (p->dropout > 0)
        put(&t, "[dropout]\nprobability=%.9g\n\n", p->dropout);
    put(&t, "[connected]\noutput=%d\nactivation=linear\n\n[softmax]\ngroups=1\n", in->classes);
    if (t.failed) {
        free(t.buf);
        return hia_fail(err, HIA_EINTERNAL, "cannot format the network's cfg text");
    }
    if (params > NETGEN_MAX_PARAMS) {
        free(t.buf);
        return hia_fail(err, HIA_EUSER, "the network would have %.0f weights (limit %.0f): "
                        "fewer filters or dense_units, or more pooling (network.pool_every)",
                        params, NETGEN_MAX_PARAMS);
    }
    *out = t.buf;
    return 0;
}

/* Per layer, per image: the output and its delta, batch norm's two copies of the output, one
   image's im2col workspace for the next layer; the max-pool's output, delta and indexes; and
   per weight: itself, its gradient, two optimizer moments and the checkpoint's copy. */
double netgen_memory_bytes(const netgen_params *p, const netgen_input *in,
                           const config_network *net)
{
    double per_image = 0, weights = 0, workspace = 0;
    int w = in->width, h = in->height, c = in->channels;
    for (int i = 0; i < p->conv_layers; i++) {
        double map = (double)w * h * p->filters[i], cols = (double)w * h * c * p->kernel_size[i] *
                                                           p->kernel_size[i];
        per_image += map * (p->batch_norm ? 4 : 2);
        workspace = cols > workspace ? cols : workspace;
        weights += (double)p->kernel_size[i] * p->kernel_size[i] * c * p->filters[i];
        c = p->filters[i];
        if ((i + 1) % net->pool_every == 0 && (w < h ? w : h) >= 4) {
            w /= 2;
            h /= 2;
            per_image += 3.0 * w * h * c;
        }
    }
    weights += (double)w * h * c * p->dense_units + (double)p->dense_units * in->classes;
    per_image += 4.0 * (p->dense_units + in->classes) + in->width * in->height * in->channels;
    return 1.25 * sizeof(float) * (per_image * p->batch_size + workspace + 5 * weights) +
           NETGEN_LIBRARY_BYTES;
}
