/* The experiment's analysis: block: parsed, recorded in the store, applied. */
#include "analysis/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/num.h"
#include "base/yamldoc.h"

/* The block's keys, in the order they are described. */
static const struct {
    const char *key;
    unsigned bit;
} keys[] = {
    {"neighbours", SETTING_NEIGHBOURS}, {"weighting", SETTING_WEIGHTING},
    {"sigma", SETTING_SIGMA},           {"subsamples", SETTING_SUBSAMPLES},
    {"fraction", SETTING_FRACTION},     {"trees", SETTING_TREES},
    {"seed", SETTING_SEED},
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

int settings_record(store *s, const config_analysis *a, hia_error *err)
{
    char v[N_KEYS][64];
    int given[N_KEYS] = {a->neighbours > 0, a->weighting != NULL, a->sigma > 0,
                         a->icc_subsamples > 0, a->icc_fraction > 0, a->fanova_trees > 0,
                         a->fanova_seed >= 0};
    snprintf(v[0], 64, "%d", a->neighbours);
    snprintf(v[1], 64, "%s", a->weighting ? a->weighting : "");
    snprintf(v[2], 64, "%.17g", a->sigma);
    snprintf(v[3], 64, "%d", a->icc_subsamples);
    snprintf(v[4], 64, "%.17g", a->icc_fraction);
    snprintf(v[5], 64, "%d", a->fanova_trees);
    snprintf(v[6], 64, "%ld", a->fanova_seed);
    /* only what the file names: a key it leaves out (or drops) takes the analysis's default,
       which may change with hia's evidence, never an old default frozen in the store */
    for (size_t i = 0; i < N_KEYS; i++) {
        char key[64];
        snprintf(key, sizeof(key), "analysis:%s", keys[i].key);
        if (given[i] ? store_set_meta(s, key, v[i], err) : store_delete_meta(s, key, err))
            return -1;
    }
    return 0;
}

/* Sets one option from its recorded text. */
static int apply_one(size_t i, const char *text, summary_options *o, hia_error *err)
{
    double x;
    if (i == 1) {
        if (strcmp(text, "rank") && strcmp(text, "equal"))
            return hia_fail(err, HIA_EUSER, "the store's analysis:weighting is '%s'", text);
        o->relief.rank_weighting = strcmp(text, "rank") == 0;
        return 0;
    }
    if (parse_double(text, &x))
        return hia_fail(err, HIA_EUSER, "the store's analysis:%s is '%s', not a number",
                        keys[i].key, text);
    switch (keys[i].bit) {
    case SETTING_NEIGHBOURS: o->relief.neighbours = (int)x; break;
    case SETTING_SIGMA: o->relief.sigma = x; break;
    case SETTING_SUBSAMPLES: o->subsamples = (int)x; break;
    case SETTING_FRACTION: o->fraction = x; break;
    case SETTING_TREES: o->forest.trees = (int)x; break;
    default: o->forest.seed = (uint64_t)x; break; /* fanova's seed */
    }
    return 0;
}

static void describe(const summary_options *o, size_t i, char *buf, size_t size)
{
    switch (keys[i].bit) {
    case SETTING_NEIGHBOURS:
        if (o->relief.neighbours > 0)
            snprintf(buf, size, "%d", o->relief.neighbours);
        else
            snprintf(buf, size, "auto");
        break;
    case SETTING_WEIGHTING: snprintf(buf, size, "%s", o->relief.rank_weighting ? "rank" : "equal"); break;
    case SETTING_SIGMA:
        if (o->relief.sigma > 0)
            snprintf(buf, size, "%g", o->relief.sigma);
        else
            snprintf(buf, size, "2k/7");
        break;
    case SETTING_SUBSAMPLES: snprintf(buf, size, "%d", o->subsamples); break;
    case SETTING_FRACTION: snprintf(buf, size, "%g", o->fraction); break;
    case SETTING_TREES: snprintf(buf, size, "%d", o->forest.trees); break;
    default: snprintf(buf, size, "%llu", (unsigned long long)o->forest.seed); break;
    }
}

int settings_apply(store *s, summary_options *o, unsigned given, char *said, size_t size,
                   hia_error *err)
{
    const char *source[N_KEYS];
    size_t used = 0;
    said[0] = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        char key[64];
        snprintf(key, sizeof(key), "analysis:%s", keys[i].key);
        char *text;
        if (store_meta(s, key, &text, err))
            return -1;
        source[i] = given & keys[i].bit ? "command line" : text ? "experiment" : "default";
        int rc = text && !(given & keys[i].bit) ? apply_one(i, text, o, err) : 0;
        free(text);
        if (rc)
            return -1;
    }
    for (size_t i = 0; i < N_KEYS && used < size; i++) {
        char value[64];
        describe(o, i, value, sizeof(value));
        used += (size_t)snprintf(said + used, size - used, "%s%s %s (%s)", i ? ", " : "",
                                 keys[i].key, value, source[i]);
    }
    return 0;
}
