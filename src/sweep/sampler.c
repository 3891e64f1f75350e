/* Configurations from random, Sobol or grid designs over the unit cube. */
#include "sweep/sampler.h"

#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/rng.h"

/* Tries before an experiment is declared larger than its space. */
#define SAMPLER_MAX_REDRAWS 1000

/* The whole design: n points of dims coordinates each, row by row. */
static int design(const char *kind, uint64_t seed, long n, int dims, double *u, hia_error *err)
{
    if (strcmp(kind, "random") == 0) {
        for (long k = 0; k < n; k++) {
            rng r;
            rng_init(&r, rng_derive(seed, (uint64_t)k, RNG_SPACE, 0));
            for (int d = 0; d < dims; d++)
                u[k * dims + d] = rng_uniform(&r);
        }
        return 0;
    }
    rng r;
    rng_init(&r, rng_derive(seed, 0, RNG_SPACE, 1));
    if (strcmp(kind, "sobol") == 0) {
        if (dims > 40)
            return hia_fail(err, HIA_EUSER, "sampler sobol handles up to 40 dimensions; the "
                            "space has %d", dims);
        gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dims);
        double shift[40], x[40];
        if (!q) /* only when GSL's error handler is off: it aborts by default */
            return hia_fail(err, HIA_EINTERNAL, "sampler sobol: GSL made no %d-dimensional "
                            "generator", dims);
        for (int d = 0; d < dims; d++)
            shift[d] = rng_uniform(&r);
        for (long k = 0; k < n; k++) {
            gsl_qrng_get(q, x);
            for (int d = 0; d < dims; d++) {
                double v = x[d] + shift[d];
                u[k * dims + d] = v >= 1 ? v - 1 : v;
            }
        }
        gsl_qrng_free(q);
        return 0;
    }
    if (strcmp(kind, "lhs") == 0) {
        int *perm = xmalloc(sizeof(int) * (size_t)n);
        for (int d = 0; d < dims; d++) {
            for (long k = 0; k < n; k++)
                perm[k] = (int)k;
            rng_shuffle(&r, perm, (int)n);
            for (long k = 0; k < n; k++)
                u[k * dims + d] = (perm[k] + rng_uniform(&r)) / (double)n;
        }
        free(perm);
        return 0;
    }
    return hia_fail(err, HIA_EUSER, "unknown sampler '%s' (random, sobol, lhs)", kind);
}

static int seen_before(const uint64_t *hashes, long n, uint64_t h)
{
    for (long i = 0; i < n; i++)
        if (hashes[i] == h)
            return 1;
    return 0;
}

int sampler_plan(const space *s, const char *kind, uint64_t seed, long n, space_config *out,
                 hia_error *err)
{
    int dims = space_dimensions(s);
    double *u = xmalloc(sizeof(double) * (size_t)(n * (dims ? dims : 1)));
    uint64_t *hashes = xmalloc(sizeof(uint64_t) * (size_t)n);
    int rc = -1;
    long made = 0;
    if (design(kind, seed, n, dims, u, err))
        goto done;
    for (long k = 0; k < n; k++, made++) {
        double *point = u + k * dims;
        for (int attempt = 1;; attempt++) {
            space_config_init(&out[k], s);
            if (space_from_point(s, &out[k], point, err)) {
                space_config_free(&out[k]);
                goto done;
            }
            hashes[k] = space_config_hash(s, &out[k]);
            if (!seen_before(hashes, k, hashes[k]))
                break;
            space_config_free(&out[k]);
            if (attempt > SAMPLER_MAX_REDRAWS) {
                hia_fail(err, HIA_EUSER, "the space has fewer than %ld distinct configurations "
                         "(%d redraws found no new one for trial %ld)", n, SAMPLER_MAX_REDRAWS, k);
                goto done;
            }
            rng r;
            rng_init(&r, rng_derive(seed, (uint64_t)k, RNG_SPACE, (uint64_t)attempt));
            for (int d = 0; d < dims; d++)
                point[d] = rng_uniform(&r);
        }
    }
    rc = 0;
done:
    if (rc)
        for (long k = 0; k < made; k++)
            space_config_free(&out[k]);
    free(u);
    free(hashes);
    return rc;
}
