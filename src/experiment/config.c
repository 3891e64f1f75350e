/* The experiment's schema: its settings, freed, looked up, and written as canonical text. */
#include "experiment/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

void config_free(config *c)
{
    free(c->path);
    free(c->experiment);
    free(c->sampler);
    free(c->device);
    free(c->keep);
    free(c->models);
    free(c->network.init);
    for (int i = 0; i < c->n_datasets; i++) {
        free(c->datasets[i].name);
        free(c->datasets[i].where);
    }
    free(c->datasets);
    free(c->analysis.weighting);
    space_free(&c->space);
    memset(c, 0, sizeof(*c));
}

const config_dataset *config_find_dataset(const config *c, const char *name)
{
    for (int i = 0; i < c->n_datasets; i++)
        if (strcmp(c->datasets[i].name, name) == 0)
            return &c->datasets[i];
    return NULL;
}

static void param_text(const space_param *p, char *buf, size_t size)
{
    size_t used;
    if (p->type == SPACE_CATEGORICAL) {
        used = (size_t)snprintf(buf, size, "categorical%s [", p->per_layer ? " per_layer" : "");
        for (int i = 0; i < p->n_choices && used < size; i++)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
                                     p->choices[i]);
        if (used < size)
            snprintf(buf + used, size - used, "]");
        return;
    }
    snprintf(buf, size, "%s %.17g..%.17g%s%s", p->type == SPACE_INT ? "int" : "float", p->low,
             p->high, p->log ? " log" : "", p->per_layer ? " per_layer" : "");
}

config_setting *config_settings(const config *c, int *n)
{
    int cap = 18 + c->n_datasets + c->space.n;
    config_setting *s = xcalloc((size_t)cap, sizeof(*s));
    int k = 0;
#define SET(name, ...)                                                                       \
    do {                                                                                     \
        snprintf(s[k].key, sizeof(s[k].key), "%s", name);                                    \
        snprintf(s[k].value, sizeof(s[k].value), __VA_ARGS__);                               \
        k++;                                                                                 \
    } while (0)
    SET("experiment", "%s", c->experiment);
    SET("seed", "%llu", (unsigned long long)c->seed);
    SET("trials", "%ld", c->trials);
    SET("sampler", "%s", c->sampler);
    SET("device", "%s", c->device);
    SET("threads", "%d", c->threads);
    SET("network.pool_every", "%d", c->network.pool_every);
    SET("network.momentum", "%.17g", c->network.momentum);
    SET("network.weight_decay", "%.17g", c->network.weight_decay);
    SET("network.init", "%s", c->network.init);
    for (int i = 0; i < c->n_datasets; i++) {
        char key[64];
        snprintf(key, sizeof(key), "datasets.%s", c->datasets[i].name);
        SET(key, "#%d train %ld validation %ld test %ld", i, c->datasets[i].train,
            c->datasets[i].validation, c->datasets[i].test);
    }
    size_t used = 0;
    snprintf(s[k].key, sizeof(s[k].key), "space");
    for (int i = 0; i < c->space.n && used < sizeof(s[k].value); i++) /* the order draws */
        used += (size_t)snprintf(s[k].value + used, sizeof(s[k].value) - used, "%s%s",
                                 i ? " " : "", c->space.params[i].name);
    k++;
    for (int i = 0; i < c->space.n; i++) {
        char key[64];
        snprintf(key, sizeof(key), "space.%s", c->space.params[i].name);
        snprintf(s[k].key, sizeof(s[k].key), "%s", key);
        param_text(&c->space.params[i], s[k].value, sizeof(s[k].value));
        k++;
    }
#undef SET
    *n = k;
    return s;
}
