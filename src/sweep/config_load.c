/* Reading and validating an experiment YAML file. */
#include "sweep/config_load.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"
#include "base/yamldoc.h"
#include "data/dataset.h"
#include "train/netgen.h"
#include "train/train.h"

static char *where(const yamldoc *d, const yaml_node_t *n)
{
    return xstrfmt("%s:%zu:%zu", d->path, n->start_mark.line + 1, n->start_mark.column + 1);
}

/* Reads an optional whole number in min..max. */
static int get_whole(yamldoc *d, yaml_node_t *map, const char *key, long min, long max,
                     long *out, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(d, map, key);
    if (!n)
        return 0;
    if (yamldoc_long(d, n, key, out, err))
        return -1;
    if (*out < min)
        return yamldoc_fail(d, n, err, "'%s' must be at least %ld, not %ld", key, min, *out);
    if (*out > max)
        return yamldoc_fail(d, n, err, "'%s' must be at most %ld, not %ld", key, max, *out);
    return 0;
}

/* Reads an optional number in [min, max], or (min, max] when min_open. */
static int get_number(yamldoc *d, yaml_node_t *map, const char *key, double min, int min_open,
                      double max, double *out, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(d, map, key);
    if (!n)
        return 0;
    if (yamldoc_double(d, n, key, out, err))
        return -1;
    if (min_open ? *out <= min : *out < min)
        return yamldoc_fail(d, n, err, "'%s' must be %s %g, not %g", key,
                            min_open ? "above" : "at least", min, *out);
    if (*out > max)
        return yamldoc_fail(d, n, err, "'%s' must be at most %g, not %g", key, max, *out);
    return 0;
}

static int get_text(yamldoc *d, yaml_node_t *map, const char *key, const char *const *allowed,
                    char **out, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(d, map, key);
    const char *s;
    if (!n)
        return 0;
    if (yamldoc_string(d, n, key, &s, err))
        return -1;
    if (allowed) {
        int ok = 0;
        char list[256] = "";
        for (const char *const *a = allowed; *a; a++) {
            ok |= strcmp(*a, s) == 0;
            strncat(list, *a, sizeof(list) - strlen(list) - 1);
            if (a[1])
                strncat(list, ", ", sizeof(list) - strlen(list) - 1);
        }
        if (!ok)
            return yamldoc_fail(d, n, err, "'%s' must be one of %s, not '%s'", key, list, s);
    }
    free(*out);
    *out = xstrdup(s);
    return 0;
}

static int parse_dataset(yamldoc *d, yaml_node_t *n, config_dataset *ds, hia_error *err)
{
    static const char *const keys[] = {"name", "train", "validation", "test", NULL};
    if (yamldoc_expect(d, n, YAML_MAPPING_NODE, "datasets entry", err) ||
        yamldoc_check_keys(d, n, keys, "a datasets entry", err))
        return -1;
    ds->where = where(d, n);
    yaml_node_t *name = yamldoc_get(d, n, "name");
    if (!name)
        return yamldoc_fail(d, n, err, "a datasets entry needs 'name'");
    if (get_text(d, n, "name", NULL, &ds->name, err))
        return -1;
    if (dataset_exists(ds->name) != 1)
        return yamldoc_fail(d, name, err, "unknown dataset '%s' (no descriptor %s/%s.yaml)",
                            ds->name, dataset_dir(), ds->name);
    ds->train = 0;
    ds->validation = 0;
    ds->test = 0;
    if (get_whole(d, n, "train", 1, CONFIG_MAX_IMAGES, &ds->train, err) ||
        get_whole(d, n, "validation", 1, CONFIG_MAX_IMAGES, &ds->validation, err) ||
        get_whole(d, n, "test", 0, CONFIG_MAX_IMAGES, &ds->test, err))
        return -1;
    if (!ds->train || !ds->validation)
        return yamldoc_fail(d, n, err, "dataset '%s' needs 'train' and 'validation' counts",
                            ds->name);
    return 0;
}

static int parse_datasets(config *c, yamldoc *d, yaml_node_t *list, hia_error *err)
{
    if (yamldoc_expect(d, list, YAML_SEQUENCE_NODE, "datasets", err))
        return -1;
    int n = yamldoc_seq_len(list);
    if (n == 0)
        return yamldoc_fail(d, list, err, "'datasets' must list at least one dataset");
    if (n > CONFIG_MAX_DATASETS)
        return yamldoc_fail(d, list, err, "'datasets' lists %d datasets, more than %d", n,
                            CONFIG_MAX_DATASETS);
    c->datasets = xcalloc((size_t)n, sizeof(*c->datasets));
    for (int i = 0; i < n; i++) {
        c->n_datasets = i + 1;
        yaml_node_t *item = yamldoc_seq_item(d, list, i);
        if (parse_dataset(d, item, &c->datasets[i], err))
            return -1;
        for (int j = 0; j < i; j++)
            if (strcmp(c->datasets[j].name, c->datasets[i].name) == 0)
                return yamldoc_fail(d, item, err, "dataset '%s' is listed twice",
                                    c->datasets[i].name);
    }
    return 0;
}

static int parse_choices(yamldoc *d, yaml_node_t *list, space_param *p, hia_error *err)
{
    if (yamldoc_expect(d, list, YAML_SEQUENCE_NODE, "choices", err))
        return -1;
    int n = yamldoc_seq_len(list);
    if (n > CONFIG_MAX_CHOICES)
        return yamldoc_fail(d, list, err, "'%s' has %d choices, more than %d", p->name, n,
                            CONFIG_MAX_CHOICES);
    p->choices = xcalloc((size_t)(n ? n : 1), sizeof(char *));
    for (int i = 0; i < n; i++) {
        const char *s;
        if (yamldoc_string(d, yamldoc_seq_item(d, list, i), "choices", &s, err))
            return -1;
        p->choices[i] = xstrdup(s);
        p->n_choices = i + 1;
    }
    return 0;
}

static int parse_range(yamldoc *d, yaml_node_t *def, space_param *p, hia_error *err)
{
    yaml_node_t *low = yamldoc_get(d, def, "low");
    yaml_node_t *high = yamldoc_get(d, def, "high");
    if (!low || !high)
        return yamldoc_fail(d, def, err, "'%s': an %s needs 'low' and 'high'", p->name,
                            p->type == SPACE_INT ? "int" : "float");
    if (yamldoc_get(d, def, "choices"))
        return yamldoc_fail(d, yamldoc_get(d, def, "choices"), err,
                            "'%s': 'choices' belongs to categorical hyperparameters", p->name);
    if (p->type == SPACE_INT) {
        long lo, hi;
        if (yamldoc_long(d, low, "low", &lo, err) || yamldoc_long(d, high, "high", &hi, err))
            return -1;
        p->low = (double)lo;
        p->high = (double)hi;
    } else if (yamldoc_double(d, low, "low", &p->low, err) ||
               yamldoc_double(d, high, "high", &p->high, err)) {
        return -1;
    }
    return 0;
}

/* One space entry: a mapping {type, low, high, log, choices, per_layer}, or a single value
   that fixes the hyperparameter (a categorical with one choice). */
static int parse_param(yamldoc *d, yaml_node_t *def, space_param *p, hia_error *err)
{
    static const char *const keys[] = {"type", "low", "high", "log", "choices", "per_layer",
                                       NULL};
    if (def->type == YAML_SCALAR_NODE) {
        p->type = SPACE_CATEGORICAL;
        p->choices = xcalloc(1, sizeof(char *));
        p->choices[0] = xstrdup(yamldoc_scalar(def));
        p->n_choices = 1;
        return 0;
    }
    if (yamldoc_expect(d, def, YAML_MAPPING_NODE, p->name, err) ||
        yamldoc_check_keys(d, def, keys, p->name, err))
        return -1;
    yaml_node_t *type = yamldoc_get(d, def, "type");
    const char *t;
    if (!type)
        return yamldoc_fail(d, def, err, "'%s' needs 'type' (int, float or categorical)",
                            p->name);
    if (yamldoc_string(d, type, "type", &t, err))
        return -1;
    if (strcmp(t, "int") == 0)
        p->type = SPACE_INT;
    else if (strcmp(t, "float") == 0)
        p->type = SPACE_FLOAT;
    else if (strcmp(t, "categorical") == 0)
        p->type = SPACE_CATEGORICAL;
    else
        return yamldoc_fail(d, type, err, "'%s': type must be int, float or categorical, not '%s'",
                            p->name, t);
    yaml_node_t *n;
    if ((n = yamldoc_get(d, def, "log")) && yamldoc_bool(d, n, "log", &p->log, err))
        return -1;
    if ((n = yamldoc_get(d, def, "per_layer")) &&
        yamldoc_bool(d, n, "per_layer", &p->per_layer, err))
        return -1;
    if (p->type != SPACE_CATEGORICAL)
        return parse_range(d, def, p, err);
    if (p->log)
        return yamldoc_fail(d, yamldoc_get(d, def, "log"), err,
                            "'%s': log applies to int and float only", p->name);
    if (yamldoc_get(d, def, "low") || yamldoc_get(d, def, "high"))
        return yamldoc_fail(d, def, err, "'%s': low and high belong to int and float", p->name);
    if (!(n = yamldoc_get(d, def, "choices")))
        return yamldoc_fail(d, def, err, "'%s': a categorical needs 'choices'", p->name);
    return parse_choices(d, n, p, err);
}

/* Fails for value text, the part (low, high, choice, value) of p's definition at node n, that
   the trainer does not take. */
static int refuse_value(yamldoc *d, yaml_node_t *n, const netgen_limit *l, const char *part,
                        const char *text, hia_error *err)
{
    strbuf rule = STRBUF_INIT;
    netgen_rule(l, &rule);
    yamldoc_fail(d, n, err, "'%s' %s %s: must be %s", l->name, part, text, strbuf_str(&rule));
    strbuf_free(&rule);
    return -1;
}

/* Every value the space can draw for p (defined at def) against what the trainer takes, so
   that no trial is planned to fail (train/netgen's table of limits). */
static int check_limits(yamldoc *d, yaml_node_t *def, const space_param *p, hia_error *err)
{
    const netgen_limit *l = netgen_limit_find(p->name);
    if (p->per_layer && !l->per_layer)
        return yamldoc_fail(d, yamldoc_get(d, def, "per_layer"), err, "'%s' cannot be "
                            "per_layer: one value serves the whole network (filters and "
                            "kernel_size take one per layer)", p->name);
    if (p->type == SPACE_CATEGORICAL) {
        yaml_node_t *list = def->type == YAML_SCALAR_NODE ? NULL : yamldoc_get(d, def, "choices");
        for (int i = 0; i < p->n_choices; i++)
            if (netgen_check_text(l, p->choices[i]))
                return refuse_value(d, list ? yamldoc_seq_item(d, list, i) : def, l,
                                    list ? "choice" : "value", p->choices[i], err);
        return 0;
    }
    yaml_node_t *type = yamldoc_get(d, def, "type");
    if (l->kind == NETGEN_WORD)
        return yamldoc_fail(d, type, err, "'%s' takes words: make it categorical", p->name);
    if (p->type == SPACE_FLOAT && l->kind != NETGEN_REAL && p->low != p->high)
        return yamldoc_fail(d, type, err, "'%s' takes %s, which a float range does not "
                            "draw: make it int or categorical", p->name,
                            l->kind == NETGEN_BOOL ? "true or false" : "whole numbers");
    const char *part[] = {"low", "high"};
    double v[] = {p->low, p->high};
    for (int i = 0; i < 2; i++) {
        yaml_node_t *n = yamldoc_get(d, def, part[i]);
        if (netgen_check_number(l, v[i]))
            return refuse_value(d, n, l, part[i], yamldoc_scalar(n), err);
    }
    if (l->odd && p->low < p->high)
        return yamldoc_fail(d, def, err, "'%s': an int range draws even sizes too, and the "
                            "trainer takes odd ones only: list them (choices: [3, 5])", p->name);
    return 0;
}

static int parse_space(config *c, yamldoc *d, yaml_node_t *map, hia_error *err)
{
    if (yamldoc_expect(d, map, YAML_MAPPING_NODE, "space", err) ||
        yamldoc_check_keys(d, map, netgen_names, "space", err))
        return -1;
    int n = yamldoc_map_len(map);
    for (int i = 0; i < n; i++) {
        yaml_node_t *key = yamldoc_map_key(d, map, i);
        space_param p = {0};
        p.name = xstrdup(yamldoc_scalar(key));
        p.where = where(d, key);
        yaml_node_t *def = yamldoc_map_value(d, map, i);
        if (parse_param(d, def, &p, err) || check_limits(d, def, &p, err) ||
            space_add(&c->space, &p, err)) {
            free(p.name);
            free(p.where);
            for (int k = 0; k < p.n_choices; k++)
                free(p.choices[k]);
            free(p.choices);
            return -1;
        }
    }
    for (const char *const *name = netgen_names; *name; name++)
        if (!space_find(&c->space, *name, NULL))
            return yamldoc_fail(d, map, err, "the space defines no '%s' (hia needs all of: %s)",
                                *name, netgen_names_text());
    return 0;
}

static int parse_network(config *c, yamldoc *d, yaml_node_t *map, hia_error *err)
{
    static const char *const keys[] = {"pool_every", "momentum", "weight_decay", "init", NULL};
    static const char *const inits[] = {"pytorch", "darknet", NULL};
    if (yamldoc_expect(d, map, YAML_MAPPING_NODE, "network", err) ||
        yamldoc_check_keys(d, map, keys, "network", err))
        return -1;
    long every = c->network.pool_every;
    yaml_node_t *n;
    if (get_whole(d, map, "pool_every", 1, CONFIG_MAX_POOL_EVERY, &every, err))
        return -1;
    c->network.pool_every = (int)every;
    if ((n = yamldoc_get(d, map, "momentum")) &&
        yamldoc_double(d, n, "momentum", &c->network.momentum, err))
        return -1;
    if (n && (c->network.momentum < 0 || c->network.momentum >= 1))
        return yamldoc_fail(d, n, err, "'momentum' must lie in [0, 1)");
    if (get_number(d, map, "weight_decay", 0, 0, 1, &c->network.weight_decay, err))
        return -1;
    return get_text(d, map, "init", inits, &c->network.init, err);
}

static int parse_analysis(config *c, yamldoc *d, yaml_node_t *map, hia_error *err)
{
    static const char *const keys[] = {"nrrelieff", "icc", "fanova", NULL};
    static const char *const relief_keys[] = {"neighbours", "weighting", "sigma", NULL};
    static const char *const icc_keys[] = {"subsamples", "fraction", NULL};
    static const char *const fanova_keys[] = {"trees", "seed", NULL};
    static const char *const weightings[] = {"equal", "rank", NULL};
    config_analysis *a = &c->analysis;
    yaml_node_t *m;
    long v;
    if (yamldoc_expect(d, map, YAML_MAPPING_NODE, "analysis", err) ||
        yamldoc_check_keys(d, map, keys, "analysis", err))
        return -1;
    if ((m = yamldoc_get(d, map, "nrrelieff"))) {
        if (yamldoc_expect(d, m, YAML_MAPPING_NODE, "nrrelieff", err) ||
            yamldoc_check_keys(d, m, relief_keys, "analysis.nrrelieff", err))
            return -1;
        v = a->neighbours;
        if (get_whole(d, m, "neighbours", 1, 1000000, &v, err) ||
            get_text(d, m, "weighting", weightings, &a->weighting, err) ||
            get_number(d, m, "sigma", 0, 1, 1e9, &a->sigma, err))
            return -1;
        a->neighbours = (int)v;
    }
    if ((m = yamldoc_get(d, map, "icc"))) {
        if (yamldoc_expect(d, m, YAML_MAPPING_NODE, "icc", err) ||
            yamldoc_check_keys(d, m, icc_keys, "analysis.icc", err))
            return -1;
        v = a->icc_subsamples;
        if (get_whole(d, m, "subsamples", 2, 10000, &v, err) ||
            get_number(d, m, "fraction", 0, 1, 1, &a->icc_fraction, err))
            return -1;
        a->icc_subsamples = (int)v;
    }
    if ((m = yamldoc_get(d, map, "fanova"))) {
        if (yamldoc_expect(d, m, YAML_MAPPING_NODE, "fanova", err) ||
            yamldoc_check_keys(d, m, fanova_keys, "analysis.fanova", err))
            return -1;
        v = a->fanova_trees;
        if (get_whole(d, m, "trees", 1, 100000, &v, err) ||
            get_whole(d, m, "seed", 0, 2147483647, &a->fanova_seed, err))
            return -1;
        a->fanova_trees = (int)v;
    }
    return 0;
}

static int parse_device(config *c, yamldoc *d, yaml_node_t *root, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(d, root, "device");
    if (!n)
        return 0;
    if (get_text(d, root, "device", NULL, &c->device, err))
        return -1;
    long gpu;
    if (strcmp(c->device, "cpu") == 0 || strcmp(c->device, "gpu") == 0 ||
        (strncmp(c->device, "gpu:", 4) == 0 && parse_long(c->device + 4, &gpu) == 0 && gpu >= 0))
        return 0;
    return yamldoc_fail(d, n, err, "'device' must be cpu, gpu or gpu:N, not '%s'", c->device);
}

static void set_defaults(config *c)
{
    c->sampler = xstrdup("random");
    c->device = xstrdup("cpu");
    c->keep = xstrdup("none");
    c->network.pool_every = 1;
    c->network.momentum = 0.9;
    c->network.weight_decay = 0;
    c->network.init = xstrdup("pytorch");
    c->analysis.fanova_seed = -1; /* the other analysis keys: 0, not given */
}

/* The experiment's name names its files (results/<experiment>.sqlite, models/<experiment>/):
   1 to CONFIG_MAX_NAME letters, digits, '_', '-' and '.', not starting with '.'. */
static int check_name(yamldoc *d, yaml_node_t *n, const char *name, hia_error *err)
{
    static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789_-.";
    size_t len = strlen(name);
    if (!len)
        return yamldoc_fail(d, n, err, "'experiment' must not be empty: it names the store "
                            "(results/<experiment>.sqlite)");
    if (len > CONFIG_MAX_NAME)
        return yamldoc_fail(d, n, err, "'experiment' is %zu characters long, more than %d",
                            len, CONFIG_MAX_NAME);
    if (strspn(name, allowed) != len || name[0] == '.')
        return yamldoc_fail(d, n, err, "'experiment' names files: use letters, digits, '_', "
                            "'-' and '.' (not first)");
    return 0;
}

static int parse_root(config *c, yamldoc *d, hia_error *err)
{
    static const char *const keys[] = {"experiment", "seed", "trials", "sampler", "datasets",
                                       "device", "threads", "keep", "models", "space",
                                       "network", "analysis", NULL};
    static const char *const samplers[] = {"random", "sobol", "lhs", NULL};
    static const char *const keeps[] = {"none", "final", NULL};
    yaml_node_t *root = yamldoc_root(d);
    if (yamldoc_expect(d, root, YAML_MAPPING_NODE, "the experiment", err) ||
        yamldoc_check_keys(d, root, keys, "the experiment", err))
        return -1;
    static const char *const required[] = {"experiment", "trials", "datasets", "space", NULL};
    for (const char *const *k = required; *k; k++)
        if (!yamldoc_get(d, root, *k))
            return yamldoc_fail(d, root, err, "the experiment needs '%s'", *k);
    long seed = 0, threads = 0;
    yaml_node_t *n;
    if (get_text(d, root, "experiment", NULL, &c->experiment, err) ||
        check_name(d, yamldoc_get(d, root, "experiment"), c->experiment, err) ||
        get_whole(d, root, "seed", 0, LONG_MAX, &seed, err) ||
        get_whole(d, root, "trials", 1, CONFIG_MAX_TRIALS, &c->trials, err) ||
        get_whole(d, root, "threads", 0, TRAIN_MAX_THREADS, &threads, err) ||
        get_text(d, root, "sampler", samplers, &c->sampler, err) ||
        get_text(d, root, "keep", keeps, &c->keep, err) ||
        get_text(d, root, "models", NULL, &c->models, err) ||
        parse_device(c, d, root, err))
        return -1;
    if (c->models && !*c->models)
        return yamldoc_fail(d, yamldoc_get(d, root, "models"), err,
                            "'models' must name a folder, not be empty");
    c->seed = (uint64_t)seed;
    c->threads = (int)threads;
    if (parse_datasets(c, d, yamldoc_get(d, root, "datasets"), err) ||
        parse_space(c, d, yamldoc_get(d, root, "space"), err))
        return -1;
    if (c->trials * c->n_datasets > CONFIG_MAX_PLANNED)
        return yamldoc_fail(d, yamldoc_get(d, root, "trials"), err, "%ld trials on %d datasets "
                            "make %ld to plan, more than %ld", c->trials, c->n_datasets,
                            c->trials * c->n_datasets, CONFIG_MAX_PLANNED);
    if ((n = yamldoc_get(d, root, "network")) && parse_network(c, d, n, err))
        return -1;
    if ((n = yamldoc_get(d, root, "analysis")) && parse_analysis(c, d, n, err))
        return -1;
    return 0;
}

int config_load(config *c, const char *path, hia_error *err)
{
    memset(c, 0, sizeof(*c));
    yamldoc d;
    set_defaults(c);
    c->path = xstrdup(path);
    if (yamldoc_load(&d, path, err)) {
        config_free(c);
        return -1;
    }
    int rc = parse_root(c, &d, err);
    yamldoc_free(&d);
    if (rc)
        config_free(c);
    return rc;
}
