/* checkpoint + train: a trial stopped after an epoch and resumed from its checkpoint ends
   exactly as the same trial run without a stop (weights, optimizer state, generator, epoch
   log); damaged or mismatched checkpoints are refused without touching the network. */
#include <darknet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sweep/checkpoint.h"
#include "train/netgen.h"
#include "train/train.h"

static char ckpt[300];

/* Four classes of 8x8 images: a bright quadrant per class, plus noise. */
static void make_images(dataset_images *d, int n, unsigned seed)
{
    memset(d, 0, sizeof(*d));
    d->n = n;
    d->width = d->height = 8;
    d->channels = 1;
    d->classes = 4;
    d->pixels = malloc((size_t)n * 64);
    d->labels = malloc(sizeof(uint16_t) * (size_t)n);
    srand(seed);
    for (int i = 0; i < n; i++) {
        int c = i % 4;
        d->labels[i] = (uint16_t)c;
        for (int p = 0; p < 64; p++) {
            int quadrant = (p / 8 >= 4) * 2 + (p % 8 >= 4);
            d->pixels[i * 64 + p] = (uint8_t)((quadrant == c ? 150 : 40) + rand() % 60);
        }
    }
}

static int stop_after_first(void *ctx, struct network *net, const train_result *r,
                            hia_error *err)
{
    if (checkpoint_save(ctx, net, r, err))
        return -1;
    return r->epochs == 1 ? hia_fail(err, HIA_EUSER, "stopped") : 0;
}

static int restore(void *ctx, struct network *net, train_result *r, int max_epochs,
                   hia_error *err)
{
    return checkpoint_load(ctx, net, r, max_epochs, err) < 0 ? -1 : 0;
}

static int train(const char *cfg, const netgen_params *p, const dataset_splits *data,
                 const train_hooks *hooks, train_result *r, hia_error *err)
{
    train_options o = {.seed = 5, .trial = 9, .threads = 1, .hooks = hooks};
    return train_run(cfg, p, data, &o, r, err);
}

int main(void)
{
    dataset_splits data;
    make_images(&data.train, 200, 1);
    make_images(&data.validation, 40, 2);
    make_images(&data.test, 40, 3);
    netgen_params p = {.conv_layers = 1, .filters = {4}, .kernel_size = {3}, .activation = "relu",
                       .batch_norm = 1, .dense_units = 16, .dropout = 0.2, .optimizer = "adam",
                       .learning_rate = 0.01, .batch_size = 16, .epochs = 3};
    netgen_input in = {8, 8, 1, 4};
    config_network arch = {.pool_every = 1, .momentum = 0.9};
    char *cfg = NULL;
    hia_error err = {0};
    CHECK(netgen_cfg(&p, &in, &arch, &cfg, &err) == 0);
    snprintf(ckpt, sizeof(ckpt), "/tmp/hia-test-resume-%ld", (long)getpid());

    train_result whole, first, rest;
    CHECK(train(cfg, &p, &data, NULL, &whole, &err) == 0);
    train_hooks stop = {restore, stop_after_first, ckpt};
    CHECK(train(cfg, &p, &data, &stop, &first, &err) == -1);
    CHECK_MSG(err.msg, "stopped");
    train_result_free(&first);
    train_hooks resume = {restore, stop_after_first, ckpt};
    CHECK(train(cfg, &p, &data, &resume, &rest, &err) == 0);
    CHECK(rest.resumed_from == 1 && rest.epochs == 3 && whole.epochs == 3);
    CHECK(whole.test_accuracy > 0.5); /* it learns */
    CHECK(rest.val_accuracy == whole.val_accuracy);
    CHECK(rest.test_accuracy == whole.test_accuracy);
    for (int e = 0; e < 3; e++) {
        CHECK(rest.history[e].loss == whole.history[e].loss);
        CHECK(rest.history[e].val_accuracy == whole.history[e].val_accuracy);
    }

    /* a checkpoint of another network, and a damaged one, are refused */
    netgen_params q = p;
    q.dense_units = 17;
    char *other = NULL;
    CHECK(netgen_cfg(&q, &in, &arch, &other, &err) == 0);
    train_result r2;
    CHECK(train(other, &q, &data, &resume, &r2, &err) == -1);
    CHECK_MSG(err.msg, "does not match this network");
    train_result_free(&r2);
    FILE *f = fopen(ckpt, "r+b");
    CHECK(f && fseek(f, 100, SEEK_SET) == 0 && fputc(0x5a, f) != EOF && fclose(f) == 0);
    CHECK(train(cfg, &p, &data, &resume, &r2, &err) == -1);
    CHECK_MSG(err.msg, "damaged");
    train_result_free(&r2);

    unlink(ckpt);
    free(cfg);
    free(other);
    train_result_free(&whole);
    train_result_free(&rest);
    dataset_splits_free(&data);
    return CHECK_DONE();
}
