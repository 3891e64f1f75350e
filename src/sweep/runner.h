/* runner: the sweep. Plans every trial of an experiment into its results store, then runs N
   at a time, each in its own child process (a crash, abort or OOM kill of one is recorded as
   a failure and retried), with leases and heartbeats, checkpoints after every epoch in
   models/<experiment>/<trial>/, resume after any interruption, progress and a clean stop on
   SIGINT/SIGTERM. */
#ifndef HIA_RUNNER_H
#define HIA_RUNNER_H

#include <stdio.h>

#include "base/error.h"
#include "experiment/config.h"
#include "sweep/plan.h"

/* The most trials at once (-j). */
#define RUNNER_MAX_JOBS 64

typedef struct runner_options {
    int jobs;               /* trials at once; 0: the default split (sweep/split.h) */
    int threads;            /* thread budget shared by them; 0: the config's threads:, else
                               every core this process may use */
    const char *store_path; /* default results/<experiment>.sqlite */
    const char *models_dir; /* default models */
    int max_failures;       /* failed attempts before a trial is failed for good */
    double lease_seconds;   /* a claim not renewed for this long may be taken over */
    FILE *log;              /* progress */
    int live;               /* one live line (a terminal) rather than a line per trial */
    int retry_failed;       /* trials failed for good go back to pending first */
    plan_record record;     /* what the run records besides the settings (plan.h); or NULL */
    const char *again;      /* the command that continues the sweep, for messages; or NULL */
} runner_options;

/* The store of an experiment: given, else results/<experiment>.sqlite; the caller frees it. */
char *runner_store_path(const config *c, const char *given);

/* Runs (or continues) the experiment; 0 when every trial has ended well, the signal's number
   when SIGINT or SIGTERM stopped it (run again to continue), -1 on error: HIA_EENV when the
   machine failed (the trial it hit is pending again), HIA_EFAILED when the sweep ended with
   trials failed for good. */
int runner_run(const config *c, const runner_options *o, hia_error *err);

#endif
