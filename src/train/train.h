/* train: one trial. Seeds Darknet from (experiment seed, trial key), builds the network from
   its cfg, runs hia's own epoch loop over data held in memory (a fresh shuffle each epoch,
   every image once per epoch), re-estimates batch-norm statistics, evaluates top-1 accuracy,
   and stops a run that has diverged: its weights or outputs are no longer finite (any other
   run trains all its epochs). Darknet errors come back as failures. */
#ifndef HIA_TRAIN_H
#define HIA_TRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "data/dataset.h"
#include "base/error.h"
#include "train/netgen.h"

/* Evaluation normalises with the batch-norm statistics of the last this many images of each
   epoch, gathered while they train: Darknet's rolling averages (decay 0.99) start at 0 and
   lag badly in short trainings. */
#define TRAIN_BN_IMAGES 1024

/* The trainer's numerics version: every change that alters a trained number (a Darknet patch
   that changes arithmetic, the data splits, the seeds, the evaluation) bumps it; one that
   changes no number leaves it. Each store records the version that trained it (the setting
   `numerics`; absent before version 2), a sweep is never resumed by another, and a study
   trained by another is stale (tests/e2e/studies.sh). tests/e2e/train_numerics.sh keeps it
   honest: a reference training recorded at this version must still come out the same. */
#define TRAIN_NUMERICS 2

/* The most OpenBLAS and OpenMP threads a trial or a sweep's budget takes (threads:, --threads,
   --cpus-per-task): far more than a node has, far less than what crashes libgomp. */
#define TRAIN_MAX_THREADS 4096

struct network;
struct train_result;

/* Where a trial's state goes between epochs (checkpoints); all optional. */
typedef struct train_hooks {
    /* After the network is built: may restore earlier epochs into net and r; returns -1 on
       failure, else 0. */
    int (*restore)(void *ctx, struct network *net, struct train_result *r, int max_epochs,
                   hia_error *err);
    /* After each completed epoch (its evaluation included). */
    int (*after_epoch)(void *ctx, struct network *net, const struct train_result *r,
                       hia_error *err);
    void *ctx;
} train_hooks;

typedef struct train_options {
    uint64_t seed;   /* experiment seed */
    uint64_t trial;  /* the trial's key: rng_trial_key(configuration number, dataset) */
    int threads;     /* OpenBLAS and OpenMP threads */
    int use_gpu;     /* 0 (the default): train on the CPU */
    int gpu;         /* with use_gpu: the GPU to train on */
    FILE *progress;  /* one line per epoch, or NULL */
    int darknet_init; /* keep Darknet's initial weights (network.init: darknet) */
    const train_hooks *hooks;
} train_options;

typedef struct train_epoch {
    double loss;          /* mean training loss (cross-entropy) */
    double val_accuracy;
    double seconds;       /* training time of the epoch, evaluation excluded */
    double images_per_second;
} train_epoch;

typedef struct train_result {
    char status[16];      /* done | diverged */
    char reason[256];     /* why it diverged */
    int epochs;           /* epochs completed */
    int resumed_from;     /* epochs restored from a checkpoint */
    train_epoch *history; /* one per completed epoch */
    double val_accuracy, test_accuracy;
    double train_seconds, eval_seconds, images_per_second;
} train_result;

int train_run(const char *cfg_text, const netgen_params *p, const dataset_splits *data,
              const train_options *o, train_result *r, hia_error *err);
void train_result_free(train_result *r);

/* The cores this process may use. */
int train_default_threads(void);

#endif
