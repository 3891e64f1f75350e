/* One trial: Darknet seeded, hia's epoch loop, evaluation, divergence. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "train/train.h"

#include <cblas.h>
#include <darknet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/clock.h"
#include "base/io.h"
#include "base/rng.h"
#include "base/strbuf.h"
#include "train/gpu.h"

/* Darknet reports fatal errors through a handler; hia's jumps back to train_run. */
static jmp_buf darknet_fail;
static char darknet_msg[1024];
static int saved_stderr = -1;

static void on_darknet_error(const char *msg)
{
    snprintf(darknet_msg, sizeof(darknet_msg), "%s", msg);
    longjmp(darknet_fail, 1);
}

/* Darknet prints a line per layer while parsing; hia's output stays readable without it. */
static void mute_stderr(void)
{
    int null = open("/dev/null", O_WRONLY);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    if (null >= 0 && saved_stderr >= 0)
        dup2(null, STDERR_FILENO);
    if (null >= 0)
        close(null);
}

static void unmute_stderr(void)
{
    if (saved_stderr < 0)
        return;
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    saved_stderr = -1;
}

/* The cores this process may run on (a cpuset, taskset or a scheduler's binding), else every
   core online. */
int train_default_threads(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

void train_result_free(train_result *r)
{
    free(r->history);
    memset(r, 0, sizeof(*r));
}

/* Writes text to a new temporary file; returns its path, for the caller to free, or NULL. */
static char *write_cfg(const char *text, hia_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char *path = xstrfmt("%s/hia-net-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        hia_fail(err, io_status(errno, HIA_EINTERNAL), "cannot create a temporary file "
                 "in %s: %s", tmp && *tmp ? tmp : "/tmp", strerror(errno));
        free(path);
        return NULL;
    }
    int bad = io_write_all(fd, text, strlen(text)) != 0, e = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(path);
        hia_fail(err, io_status(e, HIA_EINTERNAL), "cannot write %s: %s", path, strerror(e));
        free(path);
        return NULL;
    }
    return path;
}

/* Fills net->input and net->truth with images order[0..k) of d. */
static void fill_batch(network *net, const dataset_images *d, const int *order, int k)
{
    int inputs = net->inputs;
    for (int i = 0; i < k; i++)
        dataset_image_float(d, order[i], net->input + (size_t)i * inputs);
    memset(net->truth, 0, sizeof(float) * (size_t)net->truths * (size_t)k);
    for (int i = 0; i < k; i++)
        net->truth[(size_t)i * net->truths + d->labels[order[i]]] = 1;
}

/* The class a network predicts for one image; one whose outputs are not all finite predicts
   nothing in particular, and is taken to make the constant guess. */
static int predicted_class(const float *out, int classes, int constant)
{
    int best = 0;
    for (int j = 0; j < classes; j++) {
        if (!isfinite(out[j]))
            return constant;
        if (out[j] > out[best])
            best = j;
    }
    return best;
}

/* The most frequent class of the training split (the lowest on ties): the constant guess. */
static int majority_class(const dataset_images *train)
{
    int best = 0;
    long *count = xcalloc((size_t)train->classes, sizeof(long));
    for (int i = 0; i < train->n; i++)
        count[train->labels[i]]++;
    for (int k = 1; k < train->classes; k++)
        if (count[k] > count[best])
            best = k;
    free(count);
    return best;
}

/* Top-1 accuracy; an image whose outputs are not finite gets the constant guess. */
static double accuracy(network *net, const dataset_images *d, int constant)
{
    int batch = net->batch, correct = 0;
    int *order = xmalloc(sizeof(int) * (size_t)batch);
    float *in = xcalloc((size_t)batch * (size_t)net->inputs, sizeof(float));
    for (int start = 0; start < d->n; start += batch) {
        int k = d->n - start < batch ? d->n - start : batch;
        for (int i = 0; i < k; i++)
            order[i] = start + i;
        for (int i = 0; i < k; i++)
            dataset_image_float(d, order[i], in + (size_t)i * net->inputs);
        memset(in + (size_t)k * net->inputs, 0, sizeof(float) * (size_t)(batch - k) * net->inputs);
        float *out = network_predict(net, in);
        for (int i = 0; i < k; i++)
            correct += predicted_class(out + (size_t)i * net->outputs, net->outputs,
                                       constant) == d->labels[start + i];
    }
    free(order);
    free(in);
    return d->n ? (double)correct / d->n : NAN;
}

static int has_batchnorm(const layer *l)
{
    return (l->type == CONVOLUTIONAL || l->type == CONNECTED) && l->batch_normalize;
}

static int bn_size(const layer *l)
{
    return l->type == CONVOLUTIONAL ? l->out_c : l->outputs;
}

/* Batch-norm statistics for evaluation, gathered while an epoch trains its last
   TRAIN_BN_IMAGES images (no second pass over the data): the mean of each batch-norm layer's
   batch statistics, weighted by batch size. sums is NULL when the network has no batch norm. */
typedef struct bn_stats {
    float **sums; /* per layer: the means' sums, then the variances' */
    double images;
} bn_stats;

static void bn_stats_init(bn_stats *s, const network *net)
{
    s->sums = NULL;
    s->images = 0;
    for (int i = 0; i < net->n; i++) {
        const layer *l = &net->layers[i];
        if (!has_batchnorm(l))
            continue;
        if (!s->sums)
            s->sums = xcalloc((size_t)net->n, sizeof(float *));
        s->sums[i] = xcalloc(2 * (size_t)bn_size(l), sizeof(float));
    }
}

/* Adds the batch statistics of the batch of k images just trained. */
static void bn_stats_add(bn_stats *s, network *net, int k)
{
    if (!s->sums)
        return;
    gpu_pull_batch_stats(net);
    for (int i = 0; i < net->n; i++) {
        layer *l = &net->layers[i];
        for (int j = 0; s->sums[i] && j < bn_size(l); j++) {
            s->sums[i][j] += (float)k * l->mean[j];
            s->sums[i][bn_size(l) + j] += (float)k * l->variance[j];
        }
    }
    s->images += k;
}

/* Makes the gathered statistics the ones evaluation normalises with, and starts over. */
static void bn_stats_apply(bn_stats *s, network *net)
{
    if (!s->sums || s->images == 0)
        return;
    for (int i = 0; i < net->n; i++) {
        layer *l = &net->layers[i];
        for (int j = 0; s->sums[i] && j < bn_size(l); j++) {
            l->rolling_mean[j] = s->sums[i][j] / (float)s->images;
            l->rolling_variance[j] = s->sums[i][bn_size(l) + j] / (float)s->images;
            s->sums[i][j] = s->sums[i][bn_size(l) + j] = 0;
        }
    }
    s->images = 0;
    gpu_push_rolling_stats(net);
}

static void bn_stats_free(bn_stats *s, const network *net)
{
    for (int i = 0; s->sums && i < net->n; i++)
        free(s->sums[i]);
    free(s->sums);
}

/* One epoch over every training image in a fresh order, gathering the batch-norm statistics
   of its last TRAIN_BN_IMAGES images into bn; returns the mean loss, or NAN with *bad set to
   the batch whose loss was not finite. */
static double run_epoch(network *net, const dataset_images *train, const train_options *o,
                        int epoch, int *order, bn_stats *bn, int *bad)
{
    rng r;
    int batch = net->batch;
    double total = 0;
    rng_init(&r, rng_derive(o->seed, o->trial, RNG_SHUFFLE, (uint64_t)epoch));
    for (int i = 0; i < train->n; i++)
        order[i] = i;
    rng_shuffle(&r, order, train->n);
    for (int start = 0, b = 0; start < train->n; start += batch, b++) {
        int k = train->n - start < batch ? train->n - start : batch;
        if (k != batch)
            set_batch_network(net, k);
        fill_batch(net, train, order + start, k);
        double loss = train_network_datum(net) / k;
        if (start + k > train->n - TRAIN_BN_IMAGES)
            bn_stats_add(bn, net, k);
        if (k != batch)
            set_batch_network(net, batch);
        if (!isfinite(loss)) {
            *bad = b + 1;
            return NAN;
        }
        total += loss * k;
    }
    bn_stats_apply(bn, net);
    return total / train->n;
}

static void set_threads(int threads)
{
    openblas_set_num_threads(threads);
    omp_set_num_threads(threads);
}

/* PyTorch's default initialisation (Conv2d and Linear: kaiming_uniform with a = sqrt(5),
   that is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases from the same range; batch norm's
   scale 1 and shift 0), drawn from Darknet's seeded generator. Darknet's own (He-normal
   convolutions, wider dense layers, zero biases) learns differently where the learning rate is
   small: a standard trainer's accuracies are the ones to record. */
static void init_like_pytorch(network *net)
{
    for (int i = 0; i < net->n; i++) {
        layer *l = &net->layers[i];
        int conv = l->type == CONVOLUTIONAL;
        if (!conv && l->type != CONNECTED)
            continue;
        int fan_in = conv ? l->c / l->groups * l->size * l->size : l->inputs;
        int nw = conv ? l->nweights : l->inputs * l->outputs, nb = conv ? l->n : l->outputs;
        float bound = 1 / sqrtf((float)fan_in);
        for (int j = 0; j < nw; j++)
            l->weights[j] = rand_uniform(-bound, bound);
        for (int j = 0; j < nb; j++) {
            l->biases[j] = l->batch_normalize ? 0 : rand_uniform(-bound, bound);
            if (l->batch_normalize)
                l->scales[j] = 1;
        }
    }
}

static int check_net(const network *net, const dataset_images *d, hia_error *err)
{
    int inputs = d->channels * d->height * d->width;
    if (net->inputs != inputs || net->outputs != d->classes)
        return hia_fail(err, HIA_EINTERNAL, "the network takes %d inputs and gives %d outputs; "
                        "the data has %d values per image and %d classes", net->inputs,
                        net->outputs, inputs, d->classes);
    return 0;
}

/* The first layer whose weights, biases or batch-norm scales are not all finite, or -1. */
static int nonfinite_layer(const network *net)
{
    for (int i = 0; i < net->n; i++) {
        const layer *l = &net->layers[i];
        size_t nw = l->type == CONVOLUTIONAL ? (size_t)l->nweights
                    : l->type == CONNECTED   ? (size_t)l->inputs * l->outputs
                                             : 0;
        size_t nb = l->type == CONVOLUTIONAL ? (size_t)l->n : (size_t)l->outputs;
        for (size_t j = 0; nw && j < nw; j++)
            if (!isfinite(l->weights[j]))
                return i;
        for (size_t j = 0; nw && j < nb; j++)
            if (!isfinite(l->biases[j]) || (l->scales && !isfinite(l->scales[j])))
                return i;
    }
    return -1;
}

static void diverge(train_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void diverge(train_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    snprintf(r->status, sizeof(r->status), "diverged");
    vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
    va_end(ap);
}

static int train_epochs(network *net, const netgen_params *p, const dataset_splits *data,
                        const train_options *o, train_result *r, hia_error *err)
{
    int *order = xmalloc(sizeof(int) * (size_t)data->train.n);
    r->history = xcalloc((size_t)p->epochs, sizeof(train_epoch));
    const train_hooks *hooks = o->hooks;
    int constant = majority_class(&data->train), diverged = 0;
    bn_stats bn;
    bn_stats_init(&bn, net);
    snprintf(r->status, sizeof(r->status), "done");
    if (hooks && hooks->restore && hooks->restore(hooks->ctx, net, r, p->epochs, err)) {
        free(order);
        bn_stats_free(&bn, net);
        return -1;
    }
    gpu_push_network(net);
    r->resumed_from = r->epochs;
    for (int e = 0; e < r->epochs; e++)
        r->train_seconds += r->history[e].seconds;
    for (int e = r->epochs; e < p->epochs; e++) {
        int bad = 0;
        double t0 = clock_monotonic();
        double loss = run_epoch(net, &data->train, o, e, order, &bn, &bad);
        double t1 = clock_monotonic();
        r->train_seconds += t1 - t0;
        if (bad) { /* the loss is finite whenever the outputs are: the network has broken */
            gpu_pull_network(net);
            int l = nonfinite_layer(net);
            if (l >= 0)
                diverge(r, "the weights of layer %d are not finite in epoch %d, batch %d", l + 1,
                        e + 1, bad);
            else
                diverge(r, "the network's outputs are not finite in epoch %d, batch %d", e + 1,
                        bad);
            diverged = 1;
            break;
        }
        train_epoch *h = &r->history[e];
        h->loss = loss;
        h->seconds = t1 - t0;
        h->images_per_second = data->train.n / (t1 - t0);
        h->val_accuracy = accuracy(net, &data->validation, constant);
        r->eval_seconds += clock_monotonic() - t1;
        r->epochs = e + 1;
        if (o->progress) {
            fprintf(o->progress, "epoch %3d/%d  loss %.4f  val_acc %.4f  %6.0f img/s  %.1f s\n",
                    e + 1, p->epochs, loss, h->val_accuracy, h->images_per_second, h->seconds);
            fflush(o->progress);
        }
        gpu_pull_network(net); /* the check and the checkpoint read the host's copy */
        int l = nonfinite_layer(net); /* after the epoch's last update */
        if (l >= 0) {
            diverge(r, "the weights of layer %d are not finite after epoch %d", l + 1, e + 1);
            diverged = 1;
            break;
        }
        if (hooks && hooks->after_epoch) {
            if (hooks->after_epoch(hooks->ctx, net, r, err)) {
                free(order);
                bn_stats_free(&bn, net);
                return -1;
            }
        }
    }
    free(order);
    bn_stats_free(&bn, net);
    double t2 = clock_monotonic();
    /* the network the trial ends with: a diverged one is measured as it is, not as it was */
    r->val_accuracy = r->epochs && !diverged ? r->history[r->epochs - 1].val_accuracy
                                             : accuracy(net, &data->validation, constant);
    r->test_accuracy = accuracy(net, &data->test, constant);
    r->eval_seconds += clock_monotonic() - t2;
    r->images_per_second = r->train_seconds > 0
                               ? (double)data->train.n * r->epochs / r->train_seconds : 0;
    return 0;
}

int train_run(const char *cfg_text, const netgen_params *p, const dataset_splits *data,
              const train_options *o, train_result *r, hia_error *err)
{
    network *volatile net = NULL;
    memset(r, 0, sizeof(*r));
    char *path = write_cfg(cfg_text, err);
    if (!path)
        return -1;
    set_threads(o->threads);
    darknet_set_error_handler(on_darknet_error);
    if (setjmp(darknet_fail)) {
        /* Darknet's state is unknown now: the network is not freed (one trial per process). */
        unmute_stderr();
        unlink(path);
        free(path);
        darknet_set_error_handler(NULL);
        return hia_fail(err, HIA_EINTERNAL, "darknet: %s", darknet_msg);
    }
    darknet_seed(rng_derive(o->seed, o->trial, RNG_DARKNET, 0));
    if (gpu_select(o->use_gpu ? o->gpu : -1, err)) {
        unlink(path);
        free(path);
        darknet_set_error_handler(NULL);
        return -1;
    }
    mute_stderr();
    net = parse_network_cfg(path);
    unmute_stderr();
    unlink(path);
    int rc = check_net(net, &data->train, err);
    if (!rc && !o->darknet_init)
        init_like_pytorch(net);
    rc = rc || train_epochs(net, p, data, o, r, err);
    free_network(net);
    darknet_set_error_handler(NULL);
    free(path); /* not sooner: a Darknet error jumps back to where it is freed too */
    return rc ? -1 : 0;
}
