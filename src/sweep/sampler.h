/* sampler: the configurations of an experiment. Trial k's values come from point k of a
   design over the space's unit cube: seeded random, Sobol (GSL, with a seeded random shift)
   or Latin hypercube. A configuration equal to an earlier one (same hash) is replaced by a
   fresh random draw, so an experiment never trains the same configuration twice. */
#ifndef HIA_SAMPLER_H
#define HIA_SAMPLER_H

#include <stdint.h>

#include "base/error.h"
#include "experiment/space.h"

/* Fills out[0..n) (each initialised here, freed by the caller with space_config_free). */
int sampler_plan(const space *s, const char *kind, uint64_t seed, long n, space_config *out,
                 hia_error *err);

#endif
