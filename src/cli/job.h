/* job: one configuration named on the command line (hia train, hia netgen): the experiment,
   its dataset, the values given with --set and the rest drawn with the seed, and the cfg. */
#ifndef HIA_JOB_H
#define HIA_JOB_H

#include <stdint.h>

#include "cli/options.h"
#include "sweep/config_load.h"
#include "experiment/space.h"
#include "train/netgen.h"

typedef struct job_args {
    const char *dataset;
    option_list sets;
    long seed;
    unsigned seed_given; /* 1 when --seed was given */
} job_args;

/* The options that choose a configuration, shared by train and netgen. */
#define JOB_OPTIONS(a)                                                                         \
    OPT_STRING("--dataset", "D", &(a)->dataset, "a dataset of CONFIG (default: the first)"),   \
    OPT_LIST("--set", "k=v", &(a)->sets,                                                       \
             "fix hyperparameter k (repeatable); a per-layer one takes one\n"                  \
             "value for all layers or one per layer (--set filters=32,64)"),                   \
    {.type = OPTION_LONG, .name = "--seed", .arg = "S", .value = &(a)->seed, .min = 0,         \
     .max = 9.2e18, .help = "experiment seed (default: CONFIG's seed)",                        \
     .given = &(a)->seed_given, .bit = 1}

typedef struct job {
    config cfg;
    const config_dataset *dataset;
    uint64_t seed;
    space_config values;
    netgen_params params;
    netgen_input input;
    char *net_cfg;
} job;

int job_prepare(const char *config_path, const job_args *a, job *j, hia_error *err);
void job_free(job *j);

#endif
