/* space: the hyperparameter search space. Definitions (int, float, log-scaled, categorical;
   per-layer ones conditional on conv_layers), configurations (one value per hyperparameter,
   several for per-layer ones), sampling, parsing `key=value` settings, and text formatting. */
#ifndef HIA_SPACE_H
#define HIA_SPACE_H

#include "base/error.h"
#include "base/rng.h"

#define SPACE_MAX_LAYERS 16
/* Per-layer hyperparameters have one value per conv layer; this one says how many. */
#define SPACE_LAYER_COUNT "conv_layers"

typedef enum { SPACE_INT, SPACE_FLOAT, SPACE_CATEGORICAL } space_type;

typedef struct space_param {
    char *name;
    space_type type;
    double low, high;  /* int and float */
    int log;           /* sampled uniformly on the log scale */
    char **choices;    /* categorical */
    int n_choices;
    int per_layer;
    char *where;       /* "file:line:column" of its definition, for messages */
} space_param;

typedef struct space {
    space_param *params;
    int n;
} space;

/* One value per param, or one per layer for per-layer params. Categorical values are
   choice indices. */
typedef struct space_value {
    int n;
    double v[SPACE_MAX_LAYERS];
} space_value;

typedef struct space_config {
    space_value *values; /* indexed like space.params */
    int n;
} space_config;

void space_free(space *s);
/* Adds a param (takes ownership of its strings); checks its definition. */
int space_add(space *s, const space_param *p, hia_error *err);
const space_param *space_find(const space *s, const char *name, int *index);

void space_config_init(space_config *c, const space *s);
void space_config_free(space_config *c);
/* Number of layers of a configuration (value of conv_layers), or -1 when not set yet. */
int space_config_layers(const space *s, const space_config *c);
/* Sets c (from space_config_init) to every value at its largest: the high end of numbers, the
   largest numeric choice (true for booleans), the first of other choices; per-layer values
   for the most layers. What bounds a sweep's memory. */
void space_config_largest(const space *s, space_config *c);

/* A param's value for a point u in [0,1): categorical and int values get equal shares,
   log-scaled ones equal shares of the log scale. */
double space_from_unit(const space_param *p, double u);
/* Dimensions of a unit point: one per plain param, one per possible layer of per-layer ones. */
int space_dimensions(const space *s);
/* Sets params that have no value yet from the unit point u (space_dimensions values). */
int space_from_point(const space *s, space_config *c, const double *u, hia_error *err);
/* Sets params that have no value yet from uniform draws of r. */
int space_sample_missing(const space *s, space_config *c, rng *r, hia_error *err);
/* Applies "key=value" or "key=v1,v2,…" (per layer), checked against the definition. */
int space_set(const space *s, space_config *c, const char *assignment, hia_error *err);
/* Checks that every param has a value and per-layer counts match conv_layers; a single
   value of a per-layer param is repeated for every layer. */
int space_check_complete(const space *s, space_config *c, hia_error *err);

/* Typed reads of one value (a plain param has one value for every layer). Numeric reads of
   categorical params parse the choice text. */
int space_get_number(const space *s, const space_config *c, const char *name, int layer,
                     double *out, hia_error *err);
int space_get_text(const space *s, const space_config *c, const char *name, int layer,
                   const char **out, hia_error *err);

/* Identifies a configuration: equal values give equal hashes. */
uint64_t space_config_hash(const space *s, const space_config *c);

/* "name=value" text of one value, e.g. "filters=32,64" or "learning_rate=0.01". */
int space_format_value(const space *s, const space_config *c, int i, char *buf, int size);

#endif
