/* Strict YAML accessors whose errors name file:line:column and key. */
#include "base/yamldoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/num.h"
#include "base/strbuf.h"

/* The file's bytes (at most YAMLDOC_MAX_BYTES; more is refused before it is parsed) in a
   buffer the caller frees. */
static unsigned char *read_limited(const char *path, size_t *len, hia_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    unsigned char *buf = xmalloc(YAMLDOC_MAX_BYTES + 1);
    *len = fread(buf, 1, YAMLDOC_MAX_BYTES + 1, f);
    int bad = ferror(f), e = errno;
    fclose(f);
    if (bad)
        hia_fail(err, io_status(e, HIA_EUSER), "%s: cannot read: %s", path, strerror(e));
    else if (*len > YAMLDOC_MAX_BYTES)
        hia_fail(err, HIA_EUSER, "%s: larger than %d bytes (1 MiB), the most hia reads of a "
                 "YAML file", path, YAMLDOC_MAX_BYTES);
    else
        return buf;
    free(buf);
    return NULL;
}

static int parse_error(const char *path, const yaml_parser_t *p, hia_error *err)
{
    return hia_fail(err, p->error == YAML_MEMORY_ERROR ? HIA_EINTERNAL : HIA_EUSER,
                    "%s:%zu:%zu: invalid YAML: %s", path, p->problem_mark.line + 1,
                    p->problem_mark.column + 1, p->problem ? p->problem : "parse error");
}

/* Reads the events of text before any tree is built: refuses nesting deeper than
   YAMLDOC_MAX_DEPTH as soon as it is met (libyaml's scanner and the tree would spend time and
   memory on each level), a second document (one file holds one), and a NUL byte in a value or
   key (hia reads them as C strings: the text after it would be lost). *empty: no document. */
static int check_events(const char *path, const unsigned char *text, size_t len, int *empty,
                        hia_error *err)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int depth = 0, documents = 0, rc = 0, done = 0;
    if (!yaml_parser_initialize(&p))
        return hia_fail(err, HIA_EINTERNAL, "%s: cannot initialise the YAML parser", path);
    yaml_parser_set_input_string(&p, text, len);
    while (!rc && !done) {
        if (!yaml_parser_parse(&p, &ev)) {
            rc = parse_error(path, &p, err);
            break;
        }
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                rc = hia_fail(err, HIA_EUSER, "%s:%zu:%zu: a second YAML document: the file must "
                              "hold one", path, line, col);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > YAMLDOC_MAX_DEPTH)
                rc = hia_fail(err, HIA_EUSER, "%s:%zu:%zu: nested deeper than %d lists and "
                              "mappings", path, line, col, YAMLDOC_MAX_DEPTH);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_SCALAR_EVENT:
            if (strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length)
                rc = hia_fail(err, HIA_EUSER, "%s:%zu:%zu: a NUL byte in '%.40s…'", path, line, col,
                              (const char *)ev.data.scalar.value);
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    *empty = documents == 0;
    return rc;
}

int yamldoc_load(yamldoc *d, const char *path, hia_error *err)
{
    memset(d, 0, sizeof(*d));
    size_t len;
    int empty = 0;
    unsigned char *text = read_limited(path, &len, err);
    if (!text)
        return -1;
    if (check_events(path, text, len, &empty, err) ||
        (empty && hia_fail(err, HIA_EUSER, "%s: the file is empty", path))) {
        free(text);
        return -1;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        free(text);
        return hia_fail(err, HIA_EINTERNAL, "%s: cannot initialise the YAML parser", path);
    }
    yaml_parser_set_input_string(&parser, text, len);
    int ok = yaml_parser_load(&parser, &d->doc);
    if (!ok)
        parse_error(path, &parser, err);
    yaml_parser_delete(&parser);
    free(text);
    if (!ok)
        return -1;
    d->loaded = 1;
    d->path = xstrdup(path);
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
    strbuf msg = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    hia_fail(err, HIA_EUSER, "%s:%zu:%zu: %s", d->path, n->start_mark.line + 1,
             n->start_mark.column + 1, strbuf_str(&msg));
    strbuf_free(&msg);
    return -1;
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
