/* sampler: random, Sobol and Latin-hypercube designs are reproducible, spread as they should,
   and never repeat a configuration. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sweep/sampler.h"
#include "space_fixture.h"

static void free_plan(space_config *c, long n)
{
    for (long k = 0; k < n; k++)
        space_config_free(&c[k]);
}

static void test_kind(const char *kind)
{
    space s = {0};
    fixture_add(&s, "conv_layers", SPACE_INT, 1, 3, 0, NULL, 0);
    fixture_add(&s, "filters", SPACE_CATEGORICAL, 0, 0, 0, "8,16", 1);
    fixture_add(&s, "dropout", SPACE_FLOAT, 0, 1, 0, NULL, 0);
    enum { N = 64 };
    space_config a[N], b[N], c[N];
    hia_error err;
    CHECK(sampler_plan(&s, kind, 1, N, a, &err) == 0);
    CHECK(sampler_plan(&s, kind, 1, N, b, &err) == 0);
    CHECK(sampler_plan(&s, kind, 2, N, c, &err) == 0);
    int same = 1, differ = 0, strata[16] = {0}, layers[4] = {0};
    for (int k = 0; k < N; k++) {
        same &= space_config_hash(&s, &a[k]) == space_config_hash(&s, &b[k]);
        differ += space_config_hash(&s, &a[k]) != space_config_hash(&s, &c[k]);
        for (int j = 0; j < k; j++)
            CHECK(space_config_hash(&s, &a[k]) != space_config_hash(&s, &a[j]));
        CHECK(space_check_complete(&s, &a[k], &err) == 0);
        strata[(int)(a[k].values[2].v[0] * 16)]++;
        layers[(int)a[k].values[0].v[0]]++;
    }
    CHECK(same);
    CHECK(differ > N / 2);
    int lo = N, hi = 0;
    for (int i = 0; i < 16; i++) {
        lo = strata[i] < lo ? strata[i] : lo;
        hi = strata[i] > hi ? strata[i] : hi;
    }
    if (strcmp(kind, "random") != 0) /* designs fill every sixteenth evenly */
        CHECK(lo >= 3 && hi <= 5);
    if (strcmp(kind, "lhs") == 0)
        CHECK(lo == 4 && hi == 4);
    for (int l = 1; l <= 3; l++)
        CHECK(layers[l] >= (strcmp(kind, "random") ? 20 : 10));
    free_plan(a, N);
    free_plan(b, N);
    free_plan(c, N);
    space_free(&s);
}

static void test_small_space(void)
{
    space s = {0};
    fixture_add(&s, "optimizer", SPACE_CATEGORICAL, 0, 0, 0, "sgd,adam", 0);
    fixture_add(&s, "batch_norm", SPACE_CATEGORICAL, 0, 0, 0, "true,false", 0);
    space_config c[5];
    hia_error err;
    CHECK(sampler_plan(&s, "random", 3, 4, c, &err) == 0);
    free_plan(c, 4);
    CHECK(sampler_plan(&s, "lhs", 3, 5, c, &err) == -1);
    CHECK_MSG(err.msg, "fewer than 5 distinct configurations");
    CHECK(sampler_plan(&s, "grid", 3, 2, c, &err) == -1);
    CHECK_MSG(err.msg, "unknown sampler 'grid'");
    space_free(&s);
}

int main(void)
{
    test_kind("random");
    test_kind("sobol");
    test_kind("lhs");
    test_small_space();
    return CHECK_DONE();
}
