/* checkpoint + train: a trial stopped after an epoch and resumed from its checkpoint ends
   exactly as the same trial run without a stop (weights, optimizer state, generator, epoch
   log). A checkpoint of another trial, store, data or trainer (foreign), one that no longer
   fits the network (misfit), a damaged one and one of an earlier format are told apart
   without touching the network; one that cannot be read is a fault of the machine; a
   checkpoint set aside is renamed, never overwritten. */
#include <darknet.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "sweep/checkpoint.h"
#include "train/netgen.h"
#include "train/train.h"

/* A checkpoint's path and identity, and what the last load found. */
typedef struct ckpt_ctx {
    char path[300];
    checkpoint_identity id;
    int found;
    char why[1024];
} ckpt_ctx;
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
    const ckpt_ctx *c = ctx;
    if (checkpoint_save(c->path, &c->id, net, r, err))
        return -1;
    return r->epochs == 1 ? hia_fail(err, HIA_EUSER, "stopped") : 0;
}

static int restore(void *ctx, struct network *net, train_result *r, int max_epochs,
                   hia_error *err)
{
    ckpt_ctx *c = ctx;
    c->why[0] = 0;
    c->found = checkpoint_load(c->path, &c->id, net, r, max_epochs, c->why, sizeof(c->why), err);
    return c->found < 0 ? -1 : 0;
}

/* Loads the checkpoint into the network and stops: what it found is in the context, and the
   network's first weight is checked unchanged unless it was restored. */
static int probe(void *ctx, struct network *net, train_result *r, int max_epochs,
                 hia_error *err)
{
    ckpt_ctx *c = ctx;
    float w = net->layers[0].weights[0];
    if (restore(ctx, net, r, max_epochs, err))
        return -1;
    if (c->found != CHECKPOINT_RESTORED && (net->layers[0].weights[0] != w || r->epochs))
        return hia_fail(err, HIA_EINTERNAL, "a refused checkpoint changed the network");
    return hia_fail(err, HIA_EUSER, "probed");
}

/* What a probe of the checkpoint finds for cfg (with the context's identity). */
static int found_by(const char *cfg, const netgen_params *p, const dataset_splits *data,
                    ckpt_ctx *c, hia_error *err);

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
    ckpt_ctx ck = {.id = {.store_id = "0123abcd0123abcd0123abcd0123abcd", .dataset = "toy",
                          .number = 3, .config_hash = 0x1234, .seed = 5, .train = 200,
                          .validation = 40, .test = 40, .numerics = 2}};
    snprintf(ck.path, sizeof(ck.path), "/tmp/hia-test-resume-%ld", (long)getpid());

    train_result whole, first, rest;
    CHECK(train(cfg, &p, &data, NULL, &whole, &err) == 0);
    train_hooks stop = {restore, stop_after_first, &ck};
    CHECK(train(cfg, &p, &data, &stop, &first, &err) == -1);
    CHECK_MSG(err.msg, "stopped");
    CHECK(ck.found == CHECKPOINT_NONE);
    train_result_free(&first);
    train_hooks resume = {restore, stop_after_first, &ck};
    CHECK(train(cfg, &p, &data, &resume, &rest, &err) == 0);
    CHECK(ck.found == CHECKPOINT_RESTORED);
    CHECK(rest.resumed_from == 1 && rest.epochs == 3 && whole.epochs == 3);
    CHECK(whole.test_accuracy > 0.5); /* it learns */
    CHECK(rest.val_accuracy == whole.val_accuracy);
    CHECK(rest.test_accuracy == whole.test_accuracy);
    for (int e = 0; e < 3; e++) {
        CHECK(rest.history[e].loss == whole.history[e].loss);
        CHECK(rest.history[e].val_accuracy == whole.history[e].val_accuracy);
    }

    /* this trial's checkpoint on a network it no longer fits (as after a Darknet change) */
    netgen_params q = p;
    q.dense_units = 17;
    char *other = NULL;
    CHECK(netgen_cfg(&q, &in, &arch, &other, &err) == 0);
    CHECK(found_by(other, &q, &data, &ck, &err) == CHECKPOINT_MISFIT);
    CHECK_MSG(ck.why, "no longer fits the network", "layer 3's buffer 1 holds 1024 values, the network's 1088");
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_RESTORED);

    /* another store, trial, data or trainer: foreign, every difference named */
    ckpt_ctx mine = ck;
    snprintf(ck.id.store_id, sizeof(ck.id.store_id), "%s", "ffeeddccbbaa99887766554433221100");
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_FOREIGN);
    CHECK_MSG(ck.why, "is not this trial's: it was trained for another store (store id "
              "0123abcd..., this store's ffeeddcc...)");
    ck = mine;
    ck.id.train = 500;
    ck.id.numerics = 99;
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_FOREIGN);
    CHECK_MSG(ck.why, "trained on 200/40/40 training/validation/test images, this trial on "
              "500/40/40", "trained by numerics version 2, this build trains version 99");
    CHECK(!strstr(ck.why, "another store"));
    ck = mine;
    ck.id.config_hash ^= 1;
    ck.id.seed = 6;
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_FOREIGN);
    CHECK_MSG(ck.why, "its configuration differs", "it has seed 5, this trial 6");
    ck = mine;
    ck.id.number = 4;
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_FOREIGN);
    CHECK_MSG(ck.why, "it is configuration 3 on toy, this trial configuration 4 on toy");
    ck = mine;

    /* a damaged one */
    FILE *f = fopen(ck.path, "r+b");
    CHECK(f && fseek(f, 300, SEEK_SET) == 0 && fputc(0x5a, f) != EOF && fclose(f) == 0);
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_DAMAGED);
    CHECK_MSG(ck.why, "is damaged");
    /* one of the format before identities: foreign */
    CHECK(write_text(ck.path, "HIACKPT1 and the rest of an old checkpoint") == 0);
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_FOREIGN);
    CHECK_MSG(ck.why, "written by an earlier hia");

    /* set aside: renamed beside it, twice in a second without overwriting */
    char aside[2][4096];
    CHECK(checkpoint_set_aside(ck.path, CHECKPOINT_MISFIT, aside[0], sizeof(aside[0]), &err) == 0);
    CHECK(write_text(ck.path, "again") == 0);
    CHECK(checkpoint_set_aside(ck.path, CHECKPOINT_MISFIT, aside[1], sizeof(aside[1]), &err) == 0);
    CHECK(access(ck.path, F_OK) != 0 && access(aside[0], F_OK) == 0 && access(aside[1], F_OK) == 0);
    CHECK(strcmp(aside[0], aside[1]) != 0);
    CHECK_MSG(aside[0], ".misfit-20");
    CHECK(found_by(cfg, &p, &data, &ck, &err) == CHECKPOINT_NONE);
    unlink(aside[0]);
    unlink(aside[1]);

    /* a checkpoint that cannot be read: a fault of the machine, not a fresh start */
    CHECK(mkdir(ck.path, 0700) == 0);
    CHECK(found_by(cfg, &p, &data, &ck, &err) == -1);
    CHECK(err.status == HIA_EENV);
    CHECK_MSG(err.msg, "cannot read checkpoint", ck.path, "Is a directory");
    CHECK(rmdir(ck.path) == 0);
    CHECK(symlink("/proc/self/mem", ck.path) == 0); /* reading it at offset 0 fails with EIO */
    CHECK(found_by(cfg, &p, &data, &ck, &err) == -1);
    CHECK(err.status == HIA_EENV);
    CHECK_MSG(err.msg, "Input/output error");

    unlink(ck.path);
    free(cfg);
    free(other);
    train_result_free(&whole);
    train_result_free(&rest);
    dataset_splits_free(&data);
    return CHECK_DONE();
}

static int found_by(const char *cfg, const netgen_params *p, const dataset_splits *data,
                    ckpt_ctx *c, hia_error *err)
{
    train_hooks hooks = {probe, NULL, c};
    train_result r;
    int rc = train(cfg, p, data, &hooks, &r, err);
    train_result_free(&r);
    if (rc == 0 || (c->found >= 0 && !strstr(err->msg, "probed")))
        return -2; /* the probe did not stop it, or a refused checkpoint changed the network */
    return c->found;
}
