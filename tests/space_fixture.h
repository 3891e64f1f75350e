/* space_fixture: builds search spaces inside tests: fixture_add adds one hyperparameter, its
   choices given as "a,b,c" (NULL for int and float ones). */
#ifndef HIA_TEST_SPACE_FIXTURE_H
#define HIA_TEST_SPACE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "experiment/space.h"

static inline void fixture_add(space *s, const char *name, space_type type, double low,
                               double high, int log, const char *choices, int per_layer)
{
    space_param p = {.name = strdup(name), .type = type, .low = low, .high = high, .log = log,
                     .per_layer = per_layer, .where = strdup("test.yaml:1:1")};
    hia_error err;
    if (choices) {
        char *copy = strdup(choices), *save = NULL;
        p.choices = calloc(16, sizeof(char *));
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
            p.choices[p.n_choices++] = strdup(t);
        free(copy);
    }
    CHECK(space_add(s, &p, &err) == 0);
}

#endif
