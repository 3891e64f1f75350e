#include "space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamldoc.h"

static void param_free(space_param *p)
{
    free(p->name);
    free(p->where);
    for (int i = 0; i < p->n_choices; i++)
        free(p->choices[i]);
    free(p->choices);
}

void space_free(space *s)
{
    for (int i = 0; i < s->n; i++)
        param_free(&s->params[i]);
    free(s->params);
    s->params = NULL;
    s->n = 0;
}

const space_param *space_find(const space *s, const char *name, int *index)
{
    for (int i = 0; i < s->n; i++) {
        if (strcmp(s->params[i].name, name) == 0) {
            if (index)
                *index = i;
            return &s->params[i];
        }
    }
    return NULL;
}

static int check_param(const space *s, const space_param *p, hia_error *err)
{
    const char *w = p->where ? p->where : "space";
    if (space_find(s, p->name, NULL))
        return hia_fail(err, HIA_EUSER, "%s: hyperparameter '%s' is defined twice", w, p->name);
    if (p->type == SPACE_CATEGORICAL) {
        if (p->n_choices < 1)
            return hia_fail(err, HIA_EUSER, "%s: '%s': choices must not be empty", w, p->name);
        for (int i = 0; i < p->n_choices; i++)
            for (int j = 0; j < i; j++)
                if (strcmp(p->choices[i], p->choices[j]) == 0)
                    return hia_fail(err, HIA_EUSER, "%s: '%s': choice '%s' appears twice", w,
                                    p->name, p->choices[i]);
        if (p->log)
            return hia_fail(err, HIA_EUSER, "%s: '%s': log applies to int and float only", w,
                            p->name);
    } else {
        if (p->low > p->high)
            return hia_fail(err, HIA_EUSER, "%s: '%s': low (%g) is above high (%g)", w, p->name,
                            p->low, p->high);
        if (p->log && p->low <= 0)
            return hia_fail(err, HIA_EUSER, "%s: '%s': log needs low > 0 (low is %g)", w,
                            p->name, p->low);
        if (p->type == SPACE_INT && (p->low != floor(p->low) || p->high != floor(p->high)))
            return hia_fail(err, HIA_EUSER, "%s: '%s': an int's low and high must be whole", w,
                            p->name);
    }
    if (strcmp(p->name, SPACE_LAYER_COUNT) == 0) {
        if (p->per_layer)
            return hia_fail(err, HIA_EUSER, "%s: '%s' cannot be per_layer", w, p->name);
        if (p->type != SPACE_INT)
            return hia_fail(err, HIA_EUSER, "%s: '%s' must be of type int", w, p->name);
        if (p->low < 1 || p->high > SPACE_MAX_LAYERS)
            return hia_fail(err, HIA_EUSER, "%s: '%s' must lie within 1..%d", w, p->name,
                            SPACE_MAX_LAYERS);
    }
    return 0;
}

int space_add(space *s, const space_param *p, hia_error *err)
{
    if (check_param(s, p, err))
        return -1;
    space_param *grown = realloc(s->params, (size_t)(s->n + 1) * sizeof(*grown));
    if (!grown)
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    s->params = grown;
    s->params[s->n++] = *p;
    return 0;
}

int space_config_init(space_config *c, const space *s)
{
    c->n = s->n;
    c->values = calloc((size_t)(s->n ? s->n : 1), sizeof(*c->values));
    return c->values ? 0 : -1;
}

void space_config_free(space_config *c)
{
    free(c->values);
    c->values = NULL;
    c->n = 0;
}

int space_config_layers(const space *s, const space_config *c)
{
    int i;
    if (!space_find(s, SPACE_LAYER_COUNT, &i) || c->values[i].n == 0)
        return -1;
    return (int)c->values[i].v[0];
}

static double sample_one(const space_param *p, rng *r)
{
    if (p->type == SPACE_CATEGORICAL)
        return (double)rng_below(r, (uint64_t)p->n_choices);
    double u = rng_uniform(r);
    if (p->type == SPACE_FLOAT)
        return p->log ? exp(log(p->low) + u * (log(p->high) - log(p->low)))
                      : p->low + u * (p->high - p->low);
    if (!p->log)
        return p->low + (double)rng_below(r, (uint64_t)(p->high - p->low) + 1);
    /* log-uniform over [low, high + 1), floored: each integer gets its log-width share */
    double v = floor(exp(log(p->low) + u * (log(p->high + 1) - log(p->low))));
    return v > p->high ? p->high : v;
}

int space_sample_missing(const space *s, space_config *c, rng *r, hia_error *err)
{
    int li;
    if (space_find(s, SPACE_LAYER_COUNT, &li) && c->values[li].n == 0) {
        c->values[li].n = 1;
        c->values[li].v[0] = sample_one(&s->params[li], r);
    }
    int layers = space_config_layers(s, c);
    for (int i = 0; i < s->n; i++) {
        const space_param *p = &s->params[i];
        space_value *v = &c->values[i];
        if (v->n)
            continue;
        if (p->per_layer && layers < 0)
            return hia_fail(err, HIA_EUSER, "'%s' is per_layer but the space has no '%s'",
                            p->name, SPACE_LAYER_COUNT);
        v->n = p->per_layer ? layers : 1;
        for (int k = 0; k < v->n; k++)
            v->v[k] = sample_one(p, r);
    }
    return 0;
}

static int describe(const space_param *p, char *buf, size_t size)
{
    if (p->type != SPACE_CATEGORICAL)
        return snprintf(buf, size, "%s %g..%g%s", p->type == SPACE_INT ? "int" : "float",
                        p->low, p->high, p->log ? " (log)" : "");
    size_t used = (size_t)snprintf(buf, size, "one of");
    for (int i = 0; i < p->n_choices && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, " %s", p->choices[i]);
    return (int)used;
}

static int parse_one(const space_param *p, const char *text, double *out, hia_error *err)
{
    char range[512];
    describe(p, range, sizeof(range));
    if (p->type == SPACE_CATEGORICAL) {
        double want;
        int numeric = parse_double(text, &want) == 0;
        for (int i = 0; i < p->n_choices; i++) {
            double have;
            if (strcmp(p->choices[i], text) == 0 ||
                (numeric && parse_double(p->choices[i], &have) == 0 && have == want)) {
                *out = i;
                return 0;
            }
        }
        return hia_fail(err, HIA_EUSER, "'%s=%s': not in the space (%s; defined at %s)",
                        p->name, text, range, p->where ? p->where : "?");
    }
    double v;
    long l;
    if (p->type == SPACE_INT ? parse_long(text, &l) : parse_double(text, &v))
        return hia_fail(err, HIA_EUSER, "'%s=%s': expected %s", p->name, text,
                        p->type == SPACE_INT ? "a whole number" : "a number");
    if (p->type == SPACE_INT)
        v = (double)l;
    if (v < p->low || v > p->high)
        return hia_fail(err, HIA_EUSER, "'%s=%s': outside the space (%s; defined at %s)",
                        p->name, text, range, p->where ? p->where : "?");
    *out = v;
    return 0;
}

int space_set(const space *s, space_config *c, const char *assignment, hia_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return hia_fail(err, HIA_EUSER, "'%s': expected key=value", assignment);
    char name[128];
    size_t len = (size_t)(eq - assignment);
    if (len >= sizeof(name))
        return hia_fail(err, HIA_EUSER, "'%s': key too long", assignment);
    memcpy(name, assignment, len);
    name[len] = 0;
    int i;
    const space_param *p = space_find(s, name, &i);
    if (!p) {
        char known[1024] = "";
        for (int k = 0; k < s->n; k++) {
            strncat(known, s->params[k].name, sizeof(known) - strlen(known) - 1);
            if (k + 1 < s->n)
                strncat(known, ", ", sizeof(known) - strlen(known) - 1);
        }
        return hia_fail(err, HIA_EUSER, "unknown hyperparameter '%s' (the space has: %s)", name,
                        known);
    }
    char *values = strdup(eq + 1);
    if (!values)
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    space_value v = {0};
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(values, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (v.n == (p->per_layer ? SPACE_MAX_LAYERS : 1)) {
            rc = hia_fail(err, HIA_EUSER, "'%s': too many values%s", assignment,
                          p->per_layer ? "" : " (it is not per_layer)");
            break;
        }
        if ((rc = parse_one(p, tok, &v.v[v.n], err)))
            break;
        v.n++;
    }
    free(values);
    if (rc)
        return -1;
    if (v.n == 0)
        return hia_fail(err, HIA_EUSER, "'%s': no value given", assignment);
    c->values[i] = v;
    return 0;
}

int space_check_complete(const space *s, space_config *c, hia_error *err)
{
    int layers = space_config_layers(s, c);
    for (int i = 0; i < s->n; i++) {
        const space_param *p = &s->params[i];
        space_value *v = &c->values[i];
        if (v->n == 0)
            return hia_fail(err, HIA_EUSER, "'%s' has no value", p->name);
        if (!p->per_layer)
            continue;
        if (v->n == 1 && layers > 1) {
            for (int k = 1; k < layers; k++)
                v->v[k] = v->v[0];
            v->n = layers;
        }
        if (v->n != layers)
            return hia_fail(err, HIA_EUSER, "'%s' has %d values but %s is %d", p->name, v->n,
                            SPACE_LAYER_COUNT, layers);
    }
    return 0;
}

static int lookup(const space *s, const space_config *c, const char *name, int layer,
                  const space_param **p, double *raw, hia_error *err)
{
    int i;
    *p = space_find(s, name, &i);
    if (!*p)
        return hia_fail(err, HIA_EUSER, "the space defines no '%s'", name);
    if (layer >= c->values[i].n)
        return hia_fail(err, HIA_EINTERNAL, "'%s' has no value for layer %d", name, layer + 1);
    *raw = c->values[i].v[layer];
    return 0;
}

int space_get_number(const space *s, const space_config *c, const char *name, int layer,
                     double *out, hia_error *err)
{
    const space_param *p;
    double raw = 0;
    if (lookup(s, c, name, layer, &p, &raw, err))
        return -1;
    if (p->type != SPACE_CATEGORICAL) {
        *out = raw;
        return 0;
    }
    const char *text = p->choices[(int)raw];
    int b;
    if (parse_double(text, out) == 0)
        return 0;
    if (parse_bool(text, &b) == 0) {
        *out = b;
        return 0;
    }
    return hia_fail(err, HIA_EUSER, "%s: '%s': choice '%s' is not a number",
                    p->where ? p->where : "space", name, text);
}

int space_get_text(const space *s, const space_config *c, const char *name, int layer,
                   const char **out, hia_error *err)
{
    const space_param *p;
    double raw = 0;
    if (lookup(s, c, name, layer, &p, &raw, err))
        return -1;
    if (p->type != SPACE_CATEGORICAL)
        return hia_fail(err, HIA_EUSER, "%s: '%s' must be categorical",
                        p->where ? p->where : "space", name);
    *out = p->choices[(int)raw];
    return 0;
}

int space_format_value(const space *s, const space_config *c, int i, char *buf, int size)
{
    const space_param *p = &s->params[i];
    const space_value *v = &c->values[i];
    int used = snprintf(buf, (size_t)size, "%s=", p->name);
    for (int k = 0; k < v->n && used < size; k++) {
        const char *sep = k ? "," : "";
        if (p->type == SPACE_CATEGORICAL)
            used += snprintf(buf + used, (size_t)(size - used), "%s%s", sep,
                             p->choices[(int)v->v[k]]);
        else if (p->type == SPACE_INT)
            used += snprintf(buf + used, (size_t)(size - used), "%s%.0f", sep, v->v[k]);
        else
            used += snprintf(buf + used, (size_t)(size - used), "%s%.9g", sep, v->v[k]);
    }
    return used;
}
