/* The search space: definitions, configurations, values in and out. */
#include "experiment/space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"

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
    s->params = xreallocarray(s->params, (size_t)(s->n + 1), sizeof(*s->params));
    s->params[s->n++] = *p;
    return 0;
}

void space_config_init(space_config *c, const space *s)
{
    c->n = s->n;
    c->values = xcalloc((size_t)s->n, sizeof(*c->values));
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

/* The index of p's numerically largest choice (true counts as 1, false as 0), else 0. */
static int largest_choice(const space_param *p)
{
    int best = 0, b;
    double best_v = -INFINITY, v;
    for (int k = 0; k < p->n_choices; k++) {
        if (parse_double(p->choices[k], &v) != 0)
            v = parse_bool(p->choices[k], &b) == 0 ? b : -INFINITY;
        if (v > best_v) {
            best = k;
            best_v = v;
        }
    }
    return best;
}

void space_config_largest(const space *s, space_config *c)
{
    int count = -1;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->params[i].name, SPACE_LAYER_COUNT))
            count = i;
    int layers = count >= 0 ? (int)s->params[count].high : 1;
    for (int i = 0; i < s->n; i++) {
        const space_param *p = &s->params[i];
        double v = p->type == SPACE_CATEGORICAL ? largest_choice(p) : p->high;
        c->values[i].n = p->per_layer ? layers : 1;
        for (int l = 0; l < c->values[i].n; l++)
            c->values[i].v[l] = v;
    }
}

double space_from_unit(const space_param *p, double u)
{
    if (p->type == SPACE_CATEGORICAL) {
        int k = (int)(u * p->n_choices);
        return k < p->n_choices ? k : p->n_choices - 1;
    }
    if (p->type == SPACE_FLOAT)
        return p->log ? exp(log(p->low) + u * (log(p->high) - log(p->low)))
                      : p->low + u * (p->high - p->low);
    /* ints: each whole number gets an equal share of [0,1), or of the log scale over
       [low, high + 1) when log */
    double v = p->log ? floor(exp(log(p->low) + u * (log(p->high + 1) - log(p->low))))
                      : p->low + floor(u * (p->high - p->low + 1));
    return v > p->high ? p->high : v;
}

int space_dimensions(const space *s)
{
    int li, layers = 1, dims = 0;
    if (space_find(s, SPACE_LAYER_COUNT, &li))
        layers = (int)s->params[li].high;
    for (int i = 0; i < s->n; i++)
        dims += s->params[i].per_layer ? layers : 1;
    return dims;
}

/* Dimension of param i's layer k in a unit point: params in definition order, a per-layer one
   taking one dimension per possible layer, so the number of layers drawn shifts nothing. */
static int dimension_of(const space *s, int i, int k)
{
    int li, layers = 1, dim = 0;
    if (space_find(s, SPACE_LAYER_COUNT, &li))
        layers = (int)s->params[li].high;
    for (int j = 0; j < i; j++)
        dim += s->params[j].per_layer ? layers : 1;
    return dim + k;
}

int space_from_point(const space *s, space_config *c, const double *u, hia_error *err)
{
    int li;
    if (space_find(s, SPACE_LAYER_COUNT, &li) && c->values[li].n == 0) {
        c->values[li].n = 1;
        c->values[li].v[0] = space_from_unit(&s->params[li], u[dimension_of(s, li, 0)]);
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
            v->v[k] = space_from_unit(p, u[dimension_of(s, i, k)]);
    }
    return 0;
}

int space_sample_missing(const space *s, space_config *c, rng *r, hia_error *err)
{
    int dims = space_dimensions(s);
    double *u = xmalloc(sizeof(double) * (size_t)(dims ? dims : 1));
    for (int d = 0; d < dims; d++)
        u[d] = rng_uniform(r);
    int rc = space_from_point(s, c, u, err);
    free(u);
    return rc;
}

/* Fails for a value of p outside its range, which the message describes. */
static int fail_range(const space_param *p, const char *text, const char *problem,
                      hia_error *err)
{
    strbuf range = STRBUF_INIT;
    if (p->type != SPACE_CATEGORICAL) {
        strbuf_addf(&range, "%s %g..%g%s", p->type == SPACE_INT ? "int" : "float", p->low,
                    p->high, p->log ? " (log)" : "");
    } else {
        strbuf_addstr(&range, "one of");
        for (int i = 0; i < p->n_choices; i++)
            strbuf_addf(&range, " %s", p->choices[i]);
    }
    int rc = hia_fail(err, HIA_EUSER, "'%s=%s': %s (%s; defined at %s)", p->name, text, problem,
                      strbuf_str(&range), p->where ? p->where : "?");
    strbuf_free(&range);
    return rc;
}

static int parse_one(const space_param *p, const char *text, double *out, hia_error *err)
{
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
        return fail_range(p, text, "not in the space", err);
    }
    double v;
    long l;
    if (p->type == SPACE_INT ? parse_long(text, &l) : parse_double(text, &v))
        return hia_fail(err, HIA_EUSER, "'%s=%s': expected %s", p->name, text,
                        p->type == SPACE_INT ? "a whole number" : "a number");
    if (p->type == SPACE_INT)
        v = (double)l;
    if (v < p->low || v > p->high)
        return fail_range(p, text, "outside the space", err);
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
        strbuf known = STRBUF_INIT;
        for (int k = 0; k < s->n; k++) {
            strbuf_addstr(&known, s->params[k].name);
            if (k + 1 < s->n)
                strbuf_addstr(&known, ", ");
        }
        int rc = hia_fail(err, HIA_EUSER, "unknown hyperparameter '%s' (the space has: %s)",
                          name, strbuf_str(&known));
        strbuf_free(&known);
        return rc;
    }
    char *values = xstrdup(eq + 1);
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
    if (!(*p)->per_layer) /* one value serves every layer */
        layer = 0;
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

uint64_t space_config_hash(const space *s, const space_config *c)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a over names and the values' bits */
    for (int i = 0; i < s->n; i++) {
        for (const char *p = s->params[i].name; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
        for (int k = 0; k < c->values[i].n; k++) {
            uint64_t bits;
            double v = c->values[i].v[k] == 0 ? 0 : c->values[i].v[k]; /* -0 is 0 */
            memcpy(&bits, &v, sizeof(bits));
            for (int b = 0; b < 8; b++)
                h = (h ^ ((bits >> (8 * b)) & 0xff)) * 0x100000001b3ULL;
        }
        h = (h ^ 0xff) * 0x100000001b3ULL;
    }
    return h;
}
