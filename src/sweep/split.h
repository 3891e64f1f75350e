/* split: how a sweep shares the machine when -j is not given: how many trials at once, and
   why (printed at the start of `hia run`). */
#ifndef HIA_SPLIT_H
#define HIA_SPLIT_H

#include <stddef.h>

#include "base/error.h"
#include "experiment/config.h"

/* Trials at once for a thread budget of threads on the CPU (gpus 0) or on gpus GPUs: one
   thread per trial, as many as the budget has threads and memory holds of the experiment's
   largest configuration, at most max_jobs; on GPUs, one trial at a time. why (size whysz)
   says how it was chosen. */
int split_default_jobs(const config *c, int threads, int gpus, int max_jobs, char *why,
                       size_t whysz, hia_error *err);

#endif
