/* hia's generator (SplitMix64) and the derivation of its streams. */
#include "base/rng.h"

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rng_derive(uint64_t seed, uint64_t trial, uint64_t purpose, uint64_t index)
{
    uint64_t h = mix(seed + 0x9E3779B97F4A7C15ULL);
    h = mix(h ^ (trial + 0x632BE59BD9B4E019ULL));
    h = mix(h ^ (purpose + 0x8CB92BA72F3D8DD7ULL));
    return mix(h ^ (index + 0xD6E8FEB86659FD93ULL));
}

uint64_t rng_trial_key(long number, const char *dataset)
{
    uint64_t h = 0xCBF29CE484222325ULL; /* FNV-1a of the name */
    for (const unsigned char *p = (const unsigned char *)dataset; *p; p++)
        h = (h ^ *p) * 0x100000001B3ULL;
    return mix(mix(h) ^ ((uint64_t)number + 0x9E3779B97F4A7C15ULL));
}

void rng_init(rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t rng_next(rng *r)
{
    return mix(r->state += 0x9E3779B97F4A7C15ULL);
}

double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t rng_below(rng *r, uint64_t n)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = rng_next(r);
    } while (x >= limit);
    return x % n;
}

void rng_shuffle(rng *r, int *items, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint64_t)i + 1);
        int t = items[i];
        items[i] = items[j];
        items[j] = t;
    }
}
