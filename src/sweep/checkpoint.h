/* checkpoint: a trial's resumable state after an epoch: what it was trained on (its
   identity), every layer's weights, biases, batch-norm scales and statistics, the optimizer's
   state, Darknet's generator and counters, and the epoch log. Written to a temporary file,
   fsynced and renamed, so a crash leaves either the previous checkpoint or the new one; a CRC
   guards the contents. A checkpoint resumes only the trial it was written for: one of another
   store, data or trainer, one that no longer fits the network and a damaged one are set aside
   (renamed, never deleted) and the trial starts from its first epoch. */
#ifndef HIA_CHECKPOINT_H
#define HIA_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "train/train.h"

struct network;

/* A store's identity: 128 random bits in hex, recorded in its meta as store_id. */
#define CHECKPOINT_STORE_ID_LEN 32

/* What a checkpoint was trained on. Checkpoints live in models/<experiment>/<trial id>/, a
   path that another store of the same experiment (a store deleted and made again, another
   --store) shares: the identity tells them apart. */
typedef struct checkpoint_identity {
    char store_id[CHECKPOINT_STORE_ID_LEN + 1];
    char dataset[128];
    long number;            /* the configuration's number */
    uint64_t config_hash;   /* space_config_hash of the trial's configuration */
    uint64_t seed;          /* the experiment's seed */
    long train, validation, test; /* the sizes of the trial's splits */
    int numerics;           /* TRAIN_NUMERICS of the trainer */
} checkpoint_identity;

/* The meta key, in the store, of each trial restarted because its own checkpoint no longer
   fitted its network or was damaged: this prefix and the trial's id; the value is
   "misfit: WHY" or "damaged: WHY" (hia status lists them). */
#define CHECKPOINT_RESTARTED_KEY "checkpoint_restarted:"

/* What checkpoint_load found. */
typedef enum checkpoint_found {
    CHECKPOINT_NONE,     /* no checkpoint */
    CHECKPOINT_RESTORED, /* net and the result hold its epochs */
    CHECKPOINT_FOREIGN,  /* written for another store, trial, data or trainer */
    CHECKPOINT_MISFIT,   /* this trial's, but it no longer fits the network (a Darknet change) */
    CHECKPOINT_DAMAGED,  /* a bad header, size or CRC */
} checkpoint_found;

int checkpoint_save(const char *path, const checkpoint_identity *id, struct network *net,
                    const train_result *r, hia_error *err);
/* Reads the checkpoint at path: a checkpoint_found, with the reason for FOREIGN, MISFIT and
   DAMAGED in why; net and r change only when it is RESTORED. -1 when the file is there but
   cannot be read (HIA_EENV: a fault of the machine, never a reason to start over). */
int checkpoint_load(const char *path, const checkpoint_identity *id, struct network *net,
                    train_result *r, int max_epochs, char *why, size_t why_size,
                    hia_error *err);
/* Renames the checkpoint at path to PATH.WORD-<UTC time> (WORD: foreign, misfit, damaged),
   beside it, so no later run resumes it and nothing is lost; the new name in aside. */
int checkpoint_set_aside(const char *path, checkpoint_found found, char *aside, size_t size,
                         hia_error *err);
/* foreign, misfit or damaged. */
const char *checkpoint_found_word(checkpoint_found found);

#endif
