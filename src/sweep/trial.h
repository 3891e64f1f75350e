/* trial: a trial's own process, forked by the sweep (sweep/runner.h) so that a crash, an abort
   or an OOM kill ends the trial alone. It trains the trial, resuming it from its checkpoint
   when that checkpoint is its own and fits its network (any other is set aside:
   sweep/checkpoint.h), checkpoints after every epoch, logs to the trial's log.txt, and reports
   to the sweep through a pipe, in the messages below. */
#ifndef HIA_TRIAL_H
#define HIA_TRIAL_H

#include <stdint.h>

#include "base/error.h"
#include "data/dataset.h"
#include "store/store.h"
#include "sweep/checkpoint.h"
#include "train/netgen.h"

/* The exit status of a trial's process stopped by a fault of the machine (its message sent). */
#define TRIAL_EXIT_ENV 75

/* What a trial's process sends on its pipe: messages, each a trial_wire_head and len bytes. */
typedef struct trial_wire_head {
    uint32_t kind, len;
} trial_wire_head;

enum {
    TRIAL_WIRE_RESULT = 1,    /* a trial_wire_result, then the epoch log: the last message */
    TRIAL_WIRE_RESTARTED = 2, /* its checkpoint was set aside: CHECKPOINT_RESTARTED_KEY's value */
};

/* How a trial's process ended well, or how the machine failed it (status "environment"). */
typedef struct trial_wire_result {
    char status[16];
    char reason[sizeof(((hia_error *)0)->msg)];
    double val_accuracy, test_accuracy, train_seconds, eval_seconds, images_per_second;
    int epochs, resumed_from;
} trial_wire_result;

typedef struct trial_job {
    const store_claimed *claim;
    const dataset_splits *data;
    const char *cfg_text;
    const netgen_params *np;
    const checkpoint_identity *identity;
    const char *dir;  /* models/<experiment>/<id>: its net.cfg, log.txt and checkpoint */
    int gpu;          /* -1: the CPU */
    int threads;
    int darknet_init; /* network.init: darknet */
} trial_job;

/* Runs the trial in this (forked) process, reporting through fd; never returns: exit status 0
   with its result sent, TRIAL_EXIT_ENV with a fault of the machine sent, else a failure (its
   log's last line says why). */
_Noreturn void trial_process(const trial_job *job, int fd);

#endif
