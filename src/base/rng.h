/* rng: hia's own random numbers. Every draw flows from the experiment seed: a stream is
   derived from (seed, trial key, purpose), so each trial and each use of randomness in it
   is reproducible on its own. splitmix64: one word of state, easy to checkpoint. */
#ifndef HIA_RNG_H
#define HIA_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t state;
} rng;

/* What a stream is for; part of the derivation, so streams never overlap by accident. */
enum rng_purpose {
    RNG_SPACE = 1,   /* sampling a configuration */
    RNG_SUBSET = 2,  /* choosing the dataset subsets and splits */
    RNG_SHUFFLE = 3, /* the order of training images, per epoch */
    RNG_DARKNET = 4, /* Darknet's generator: weights, dropout */
    RNG_BOOTSTRAP = 5, /* resamples of the analysis */
    RNG_SUBSAMPLE = 6, /* subsamples of the stability check */
    RNG_FOREST = 7,    /* fANOVA's random forest: bootstrap rows and features per split */
};

uint64_t rng_derive(uint64_t seed, uint64_t trial, uint64_t purpose, uint64_t index);
/* A trial's key for rng_derive: its configuration's number and its dataset's name, never
   where its row sits in a store, so configuration k on a dataset trains alike in every
   store that plans it with the same seed (a paired study). */
uint64_t rng_trial_key(long number, const char *dataset);
void rng_init(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
double rng_uniform(rng *r);               /* [0, 1) */
uint64_t rng_below(rng *r, uint64_t n);   /* [0, n), unbiased; n > 0 */
void rng_shuffle(rng *r, int *items, int n);

#endif
