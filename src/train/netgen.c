/* One configuration -> one checked Darknet cfg. */
#include "train/netgen.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"

const char *const netgen_names[] = {"conv_layers", "filters", "kernel_size", "activation",
                                    "batch_norm", "dense_units", "dropout", "optimizer",
                                    "learning_rate", "batch_size", "epochs", NULL};

static const char *const activations[] = {"relu", "leaky", "elu", "selu", "tanh", "logistic",
                                          NULL};
static const char *const optimizers[] = {"sgd", "momentum", "adam", "rmsprop", "adagrad",
                                         NULL};

/* What the trainer takes, in netgen_names' order: the one table the experiment file's loader
   checks every value of the space against, and every trial is checked against here. */
static const netgen_limit limits[] = {
    {"conv_layers", NETGEN_WHOLE, 1, SPACE_MAX_LAYERS, 0, 0, 0, 0, NULL},
    {"filters", NETGEN_WHOLE, 1, 4096, 0, 0, 0, 1, NULL},
    {"kernel_size", NETGEN_WHOLE, 1, 31, 0, 0, 1, 1, NULL},
    {"activation", NETGEN_WORD, 0, 0, 0, 0, 0, 0, activations},
    {"batch_norm", NETGEN_BOOL, 0, 1, 0, 0, 0, 0, NULL},
    {"dense_units", NETGEN_WHOLE, 1, 65536, 0, 0, 0, 0, NULL},
    {"dropout", NETGEN_REAL, 0, 1, 0, 1, 0, 0, NULL},
    {"optimizer", NETGEN_WORD, 0, 0, 0, 0, 0, 0, optimizers},
    {"learning_rate", NETGEN_REAL, 0, INFINITY, 1, 0, 0, 0, NULL},
    {"batch_size", NETGEN_WHOLE, 1, 65536, 0, 0, 0, 0, NULL},
    {"epochs", NETGEN_WHOLE, 1, 100000, 0, 0, 0, 0, NULL},
};

/* Largest network hia builds: more parameters than this is refused, not swapped to death. */
#define NETGEN_MAX_PARAMS 50000000.0

const char *netgen_names_text(void)
{
    return "conv_layers, filters, kernel_size, activation, batch_norm, dense_units, dropout, "
           "optimizer, learning_rate, batch_size, epochs";
}

const netgen_limit *netgen_limit_find(const char *name)
{
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
        if (!strcmp(limits[i].name, name))
            return &limits[i];
    return NULL;
}

int netgen_check_number(const netgen_limit *l, double v)
{
    switch (l->kind) {
    case NETGEN_WHOLE:
        return v == floor(v) && v >= l->min && v <= l->max && (!l->odd || fmod(v, 2) == 1) ? 0
                                                                                         : -1;
    case NETGEN_REAL:
        return (l->min_open ? v > l->min : v >= l->min) &&
                       (l->max_open ? v < l->max : v <= l->max) ? 0 : -1;
    case NETGEN_BOOL:
        return v == 0 || v == 1 ? 0 : -1;
    case NETGEN_WORD:
        break;
    }
    return -1;
}

int netgen_check_text(const netgen_limit *l, const char *text)
{
    double v;
    int b;
    if (l->kind == NETGEN_WORD) {
        for (const char *const *w = l->words; *w; w++)
            if (!strcmp(*w, text))
                return 0;
        return -1;
    }
    if (l->kind == NETGEN_BOOL && parse_bool(text, &b) == 0)
        return 0;
    return parse_double(text, &v) == 0 ? netgen_check_number(l, v) : -1;
}

void netgen_rule(const netgen_limit *l, strbuf *sb)
{
    switch (l->kind) {
    case NETGEN_WHOLE:
        strbuf_addf(sb, "%sa whole number in %.0f..%.0f", l->odd ? "odd (same padding), " : "",
                    l->min, l->max);
        return;
    case NETGEN_REAL:
        if (isinf(l->max))
            strbuf_addf(sb, "a number %s %g", l->min_open ? "above" : "of at least", l->min);
        else
            strbuf_addf(sb, "a number in %c%g, %g%c", l->min_open ? '(' : '[', l->min, l->max,
                        l->max_open ? ')' : ']');
        return;
    case NETGEN_BOOL:
        strbuf_addstr(sb, "true or false");
        return;
    case NETGEN_WORD:
        strbuf_addstr(sb, "one of");
        for (const char *const *w = l->words; *w; w++)
            strbuf_addf(sb, "%s %s", w == l->words ? "" : ",", *w);
        return;
    }
}

/* Fails for the value text of the hyperparameter l: "epochs=0: must be a whole number in
   1..100000". */
static int refuse(const netgen_limit *l, const char *text, hia_error *err)
{
    strbuf rule = STRBUF_INIT;
    netgen_rule(l, &rule);
    hia_fail(err, HIA_EUSER, "%s=%s: must be %s", l->name, text, strbuf_str(&rule));
    strbuf_free(&rule);
    return -1;
}

/* Reads a number of a complete configuration, checked against the trainer's limits. */
static int read_number(const space *s, const space_config *c, const char *name, int layer,
                       double *out, hia_error *err)
{
    const netgen_limit *l = netgen_limit_find(name);
    if (space_get_number(s, c, name, layer, out, err))
        return -1;
    if (netgen_check_number(l, *out) == 0)
        return 0;
    char text[64];
    snprintf(text, sizeof(text), "%g", *out);
    return refuse(l, text, err);
}

static int read_whole(const space *s, const space_config *c, const char *name, int layer,
                      int *out, hia_error *err)
{
    double v;
    if (read_number(s, c, name, layer, &v, err))
        return -1;
    *out = (int)v;
    return 0;
}

static int read_word(const space *s, const space_config *c, const char *name, char *out,
                     size_t size, hia_error *err)
{
    const netgen_limit *l = netgen_limit_find(name);
    const char *v;
    if (space_get_text(s, c, name, 0, &v, err))
        return -1;
    if (netgen_check_text(l, v))
        return refuse(l, v, err);
    snprintf(out, size, "%s", v);
    return 0;
}

int netgen_params_read(const space *s, const space_config *c, netgen_params *p, hia_error *err)
{
    double bn;
    memset(p, 0, sizeof(*p));
    if (read_whole(s, c, "conv_layers", 0, &p->conv_layers, err))
        return -1;
    for (int i = 0; i < p->conv_layers; i++)
        if (read_whole(s, c, "filters", i, &p->filters[i], err) ||
            read_whole(s, c, "kernel_size", i, &p->kernel_size[i], err))
            return -1;
    if (read_word(s, c, "activation", p->activation, sizeof(p->activation), err) ||
        read_word(s, c, "optimizer", p->optimizer, sizeof(p->optimizer), err) ||
        read_number(s, c, "batch_norm", 0, &bn, err) ||
        read_whole(s, c, "dense_units", 0, &p->dense_units, err) ||
        read_number(s, c, "dropout", 0, &p->dropout, err) ||
        read_number(s, c, "learning_rate", 0, &p->learning_rate, err) ||
        read_whole(s, c, "batch_size", 0, &p->batch_size, err) ||
        read_whole(s, c, "epochs", 0, &p->epochs, err))
        return -1;
    p->batch_norm = (int)bn;
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
