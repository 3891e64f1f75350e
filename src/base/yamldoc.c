/* Strict YAML accessors whose errors name file:line:column and key. */
#include "base/yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"

int yamldoc_load(yamldoc *d, const char *path, hia_error *err)
{
    memset(d, 0, sizeof(*d));
    FILE *f = fopen(path, "rb");
    if (!f)
        return hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno));
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return hia_fail(err, HIA_EINTERNAL, "%s: cannot initialise the YAML parser", path);
    }
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &d->doc);
    if (!ok) {
        hia_fail(err, HIA_EUSER, "%s:%zu:%zu: invalid YAML: %s", path,
                 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                 parser.problem ? parser.problem : "parse error");
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (!ok)
        return -1;
    d->loaded = 1;
    d->path = xstrdup(path);
    if (!yaml_document_get_root_node(&d->doc)) {
        yamldoc_free(d);
        return hia_fail(err, HIA_EUSER, "%s: the file is empty", path);
    }
    return 0;
}

void yamldoc_free(yamldoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    free(d->path);
    memset(d, 0, sizeof(*d));
}

yaml_node_t *yamldoc_root(yamldoc *d)
{
    return yaml_document_get_root_node(&d->doc);
}

int yamldoc_fail(const yamldoc *d, const yaml_node_t *n, hia_error *err, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return hia_fail(err, HIA_EUSER, "%s:%zu:%zu: %s", d->path, n->start_mark.line + 1,
                    n->start_mark.column + 1, msg);
}

static const char *type_name(yaml_node_type_t t)
{
    switch (t) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    default: return "nothing";
    }
}

int yamldoc_expect(const yamldoc *d, const yaml_node_t *n, yaml_node_type_t type,
                   const char *what, hia_error *err)
{
    if (n->type == type)
        return 0;
    return yamldoc_fail(d, n, err, "'%s' must be %s, not %s", what, type_name(type),
                        type_name(n->type));
}

int yamldoc_map_len(const yaml_node_t *map)
{
    return (int)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

yaml_node_t *yamldoc_map_key(yamldoc *d, const yaml_node_t *map, int i)
{
    return yaml_document_get_node(&d->doc, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *yamldoc_map_value(yamldoc *d, const yaml_node_t *map, int i)
{
    return yaml_document_get_node(&d->doc, map->data.mapping.pairs.start[i].value);
}

int yamldoc_seq_len(const yaml_node_t *seq)
{
    return (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *yamldoc_seq_item(yamldoc *d, const yaml_node_t *seq, int i)
{
    return yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);
}

const char *yamldoc_scalar(const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

yaml_node_t *yamldoc_get(yamldoc *d, yaml_node_t *map, const char *key)
{
    int n = yamldoc_map_len(map);
    for (int i = 0; i < n; i++) {
        const char *k = yamldoc_scalar(yamldoc_map_key(d, map, i));
        if (k && strcmp(k, key) == 0)
            return yamldoc_map_value(d, map, i);
    }
    return NULL;
}

int yamldoc_check_keys(yamldoc *d, yaml_node_t *map, const char *const *known,
                       const char *where, hia_error *err)
{
    int n = yamldoc_map_len(map);
    for (int i = 0; i < n; i++) {
        yaml_node_t *kn = yamldoc_map_key(d, map, i);
        const char *k = yamldoc_scalar(kn);
        if (!k)
            return yamldoc_fail(d, kn, err, "a key in %s must be a plain name", where);
        int found = 0;
        for (const char *const *p = known; *p; p++)
            found |= strcmp(*p, k) == 0;
        for (int j = 0; j < i; j++) {
            const char *prev = yamldoc_scalar(yamldoc_map_key(d, map, j));
            if (prev && strcmp(prev, k) == 0)
                return yamldoc_fail(d, kn, err, "key '%s' appears twice in %s", k, where);
        }
        if (!found) {
            char list[512] = "";
            for (const char *const *p = known; *p; p++) {
                strncat(list, *p, sizeof(list) - strlen(list) - 1);
                if (p[1])
                    strncat(list, ", ", sizeof(list) - strlen(list) - 1);
            }
            return yamldoc_fail(d, kn, err, "unknown key '%s' in %s (known: %s)", k, where, list);
        }
    }
    return 0;
}

int yamldoc_string(const yamldoc *d, const yaml_node_t *n, const char *key, const char **out,
                   hia_error *err)
{
    if (yamldoc_expect(d, n, YAML_SCALAR_NODE, key, err))
        return -1;
    *out = yamldoc_scalar(n);
    return 0;
}

int yamldoc_long(const yamldoc *d, const yaml_node_t *n, const char *key, long *out,
                 hia_error *err)
{
    const char *s;
    if (yamldoc_string(d, n, key, &s, err))
        return -1;
    if (parse_long(s, out))
        return yamldoc_fail(d, n, err, "'%s' must be a whole number, not '%s'", key, s);
    return 0;
}

int yamldoc_double(const yamldoc *d, const yaml_node_t *n, const char *key, double *out,
                   hia_error *err)
{
    const char *s;
    if (yamldoc_string(d, n, key, &s, err))
        return -1;
    if (parse_double(s, out))
        return yamldoc_fail(d, n, err, "'%s' must be a number, not '%s'", key, s);
    return 0;
}

int yamldoc_bool(const yamldoc *d, const yaml_node_t *n, const char *key, int *out,
                 hia_error *err)
{
    const char *s;
    if (yamldoc_string(d, n, key, &s, err))
        return -1;
    if (parse_bool(s, out))
        return yamldoc_fail(d, n, err, "'%s' must be true or false, not '%s'", key, s);
    return 0;
}
