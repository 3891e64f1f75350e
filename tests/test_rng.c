/* rng: derived streams are reproducible and distinct; shuffles are permutations. */
#include <stdlib.h>

#include "check.h"
#include "base/rng.h"

int main(void)
{
    rng a, b, c;
    rng_init(&a, rng_derive(42, 3, RNG_SHUFFLE, 1));
    rng_init(&b, rng_derive(42, 3, RNG_SHUFFLE, 1));
    rng_init(&c, rng_derive(42, 3, RNG_SHUFFLE, 2));
    int same = 1, differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);
        same &= x == y;
        differ += x != z;
    }
    CHECK(same);
    CHECK(differ == 100);
    CHECK(rng_derive(1, 0, RNG_SPACE, 0) != rng_derive(1, 1, RNG_SPACE, 0));
    CHECK(rng_derive(1, 0, RNG_SPACE, 0) != rng_derive(1, 0, RNG_DARKNET, 0));
    CHECK(rng_derive(1, 0, RNG_SPACE, 0) != rng_derive(2, 0, RNG_SPACE, 0));

    int counts[7] = {0};
    for (int i = 0; i < 70000; i++)
        counts[rng_below(&a, 7)]++;
    for (int k = 0; k < 7; k++)
        CHECK(counts[k] > 9500 && counts[k] < 10500);
    double lo = 1, hi = 0;
    for (int i = 0; i < 10000; i++) {
        double u = rng_uniform(&a);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    CHECK(lo >= 0 && lo < 0.001 && hi < 1 && hi > 0.999);

    int items[100], seen[100] = {0}, moved = 0;
    for (int i = 0; i < 100; i++)
        items[i] = i;
    rng_shuffle(&a, items, 100);
    for (int i = 0; i < 100; i++) {
        seen[items[i]]++;
        moved += items[i] != i;
    }
    for (int i = 0; i < 100; i++)
        CHECK(seen[i] == 1);
    CHECK(moved > 80);
    return CHECK_DONE();
}
