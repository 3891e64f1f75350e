/* space: parsing settings, ranges, per-layer values, sampling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "space_fixture.h"

static space make_space(void)
{
    space s = {0};
    fixture_add(&s, "conv_layers", SPACE_INT, 1, 4, 0, NULL, 0);
    fixture_add(&s, "filters", SPACE_CATEGORICAL, 0, 0, 0, "8,16,32", 1);
    fixture_add(&s, "learning_rate", SPACE_FLOAT, 1e-4, 1e-1, 1, NULL, 0);
    fixture_add(&s, "optimizer", SPACE_CATEGORICAL, 0, 0, 0, "sgd,adam", 0);
    fixture_add(&s, "dense_units", SPACE_INT, 16, 512, 1, NULL, 0);
    return s;
}

static void test_set_and_errors(void)
{
    space s = make_space();
    space_config c;
    hia_error err;
    double v;
    space_config_init(&c, &s);
    CHECK(space_set(&s, &c, "conv_layers=3", &err) == 0);
    CHECK(space_set(&s, &c, "filters=8,32,16", &err) == 0);
    CHECK(space_set(&s, &c, "learning_rate=0.01", &err) == 0);
    CHECK(space_set(&s, &c, "optimizer=adam", &err) == 0);
    CHECK(space_set(&s, &c, "dense_units=64", &err) == 0);
    CHECK(space_check_complete(&s, &c, &err) == 0);
    CHECK(space_get_number(&s, &c, "filters", 1, &v, &err) == 0 && v == 32);
    CHECK(space_get_number(&s, &c, "learning_rate", 0, &v, &err) == 0 && v == 0.01);

    CHECK(space_set(&s, &c, "filters=8.0", &err) == 0); /* numeric choices compare as numbers */
    CHECK(space_check_complete(&s, &c, &err) == 0);      /* one value repeats for all layers */
    CHECK(c.values[1].n == 3 && c.values[1].v[2] == 0);

    CHECK(space_set(&s, &c, "nope=1", &err) == -1);
    CHECK_MSG(err.msg, "unknown hyperparameter 'nope'", "conv_layers");
    CHECK(space_set(&s, &c, "conv_layers=9", &err) == -1);
    CHECK_MSG(err.msg, "conv_layers=9", "outside the space", "test.yaml:1:1");
    CHECK(space_set(&s, &c, "conv_layers=2.5", &err) == -1);
    CHECK_MSG(err.msg, "conv_layers=2.5", "whole number");
    CHECK(space_set(&s, &c, "optimizer=adamw", &err) == -1);
    CHECK_MSG(err.msg, "optimizer=adamw", "sgd adam");
    CHECK(space_set(&s, &c, "learning_rate=abc", &err) == -1);
    CHECK_MSG(err.msg, "learning_rate=abc", "a number");
    CHECK(space_set(&s, &c, "optimizer=sgd,adam", &err) == -1);
    CHECK_MSG(err.msg, "not per_layer");
    CHECK(space_set(&s, &c, "learning_rate", &err) == -1);
    CHECK_MSG(err.msg, "key=value");

    CHECK(space_set(&s, &c, "filters=8,16", &err) == 0);
    CHECK(space_check_complete(&s, &c, &err) == -1);
    CHECK_MSG(err.msg, "'filters' has 2 values but conv_layers is 3");
    space_config_free(&c);
    space_free(&s);
}

static void test_definition_errors(void)
{
    space s = make_space();
    hia_error err;
    space_param p = {.name = "x", .type = SPACE_FLOAT, .low = 2, .high = 1, .where = "f:3:4"};
    CHECK(space_add(&s, &p, &err) == -1);
    CHECK_MSG(err.msg, "f:3:4", "'x'", "low (2) is above high (1)");
    p = (space_param){.name = "x", .type = SPACE_FLOAT, .low = 0, .high = 1, .log = 1, .where = "f:3:4"};
    CHECK(space_add(&s, &p, &err) == -1);
    CHECK_MSG(err.msg, "log needs low > 0");
    p = (space_param){.name = "x", .type = SPACE_CATEGORICAL, .where = "f:3:4"};
    CHECK(space_add(&s, &p, &err) == -1);
    CHECK_MSG(err.msg, "choices must not be empty");
    p = (space_param){.name = "optimizer", .type = SPACE_INT, .low = 0, .high = 1, .where = "f:3:4"};
    CHECK(space_add(&s, &p, &err) == -1);
    CHECK_MSG(err.msg, "defined twice");
    space_free(&s);
}

static void test_sampling(void)
{
    space s = make_space();
    hia_error err;
    int hits_low_decade = 0, seen_layers[5] = {0};
    for (int t = 0; t < 2000; t++) {
        space_config a, b;
        rng r1, r2;
        space_config_init(&a, &s);
        space_config_init(&b, &s);
        rng_init(&r1, rng_derive(7, (uint64_t)t, RNG_SPACE, 0));
        rng_init(&r2, rng_derive(7, (uint64_t)t, RNG_SPACE, 0));
        CHECK(space_sample_missing(&s, &a, &r1, &err) == 0);
        CHECK(space_sample_missing(&s, &b, &r2, &err) == 0);
        CHECK(space_check_complete(&s, &a, &err) == 0);
        int layers = space_config_layers(&s, &a);
        CHECK(layers >= 1 && layers <= 4);
        seen_layers[layers]++;
        CHECK(a.values[1].n == layers);
        double lr = a.values[2].v[0];
        CHECK(lr >= 1e-4 && lr <= 1e-1);
        hits_low_decade += lr < 1e-3;
        double du = a.values[4].v[0];
        CHECK(du >= 16 && du <= 512 && du == floor(du));
        for (int i = 0; i < s.n; i++)
            CHECK(memcmp(&a.values[i], &b.values[i], sizeof(space_value)) == 0);
        space_config_free(&a);
        space_config_free(&b);
    }
    /* log-uniform: a third of the draws fall in the lowest of three decades */
    CHECK(hits_low_decade > 560 && hits_low_decade < 780);
    for (int l = 1; l <= 4; l++)
        CHECK(seen_layers[l] > 400);
    space_free(&s);
}

/* The largest configuration: the most layers, the largest numeric choice wherever it is
   listed, the high end of ranges, true for booleans, the first of other choices. */
static void test_largest(void)
{
    space s = {0};
    fixture_add(&s, "conv_layers", SPACE_INT, 1, 4, 0, NULL, 0);
    fixture_add(&s, "filters", SPACE_CATEGORICAL, 0, 0, 0, "16,64,32", 1);
    fixture_add(&s, "batch_norm", SPACE_CATEGORICAL, 0, 0, 0, "true,false", 0);
    fixture_add(&s, "optimizer", SPACE_CATEGORICAL, 0, 0, 0, "sgd,adam", 0);
    fixture_add(&s, "dense_units", SPACE_INT, 16, 512, 1, NULL, 0);
    space_config c;
    hia_error err;
    double v;
    space_config_init(&c, &s);
    space_config_largest(&s, &c);
    CHECK(space_check_complete(&s, &c, &err) == 0);
    CHECK(space_config_layers(&s, &c) == 4);
    for (int l = 0; l < 4; l++)
        CHECK(space_get_number(&s, &c, "filters", l, &v, &err) == 0 && v == 64);
    CHECK(space_get_number(&s, &c, "batch_norm", 0, &v, &err) == 0 && v == 1);
    CHECK(space_get_number(&s, &c, "dense_units", 0, &v, &err) == 0 && v == 512);
    const char *text;
    CHECK(space_get_text(&s, &c, "optimizer", 0, &text, &err) == 0 && !strcmp(text, "sgd"));
    space_config_free(&c);
    space_free(&s);
}

int main(void)
{
    test_largest();
    test_set_and_errors();
    test_definition_errors();
    test_sampling();
    return CHECK_DONE();
}
