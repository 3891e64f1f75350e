/* yamldoc: a YAML file loaded into a libyaml document, with typed, strict accessors whose
   errors name file:line:column and the key. Used by config and dataset descriptors. A file is
   refused before its tree is built when it is larger than YAMLDOC_MAX_BYTES, nests lists and
   mappings deeper than YAMLDOC_MAX_DEPTH, holds a second document, or a NUL byte in a value. */
#ifndef HIA_YAMLDOC_H
#define HIA_YAMLDOC_H

#include <yaml.h>

#include "base/error.h"

#define YAMLDOC_MAX_BYTES (1024 * 1024)
#define YAMLDOC_MAX_DEPTH 32

typedef struct yamldoc {
    char *path;
    yaml_document_t doc;
    int loaded;
} yamldoc;

int yamldoc_load(yamldoc *d, const char *path, hia_error *err);
void yamldoc_free(yamldoc *d);
yaml_node_t *yamldoc_root(yamldoc *d);

/* Fails with "path:line:col: <message>" pointing at node n. */
int yamldoc_fail(const yamldoc *d, const yaml_node_t *n, hia_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int yamldoc_expect(const yamldoc *d, const yaml_node_t *n, yaml_node_type_t type,
                   const char *what, hia_error *err);
/* The value of key in mapping map, or NULL. */
yaml_node_t *yamldoc_get(yamldoc *d, yaml_node_t *map, const char *key);
/* Refuses any key of map not in the NULL-terminated list known. */
int yamldoc_check_keys(yamldoc *d, yaml_node_t *map, const char *const *known,
                       const char *where, hia_error *err);

/* Scalar conversions of node n, named `key` in messages. */
const char *yamldoc_scalar(const yaml_node_t *n);
int yamldoc_string(const yamldoc *d, const yaml_node_t *n, const char *key, const char **out,
                   hia_error *err);
int yamldoc_long(const yamldoc *d, const yaml_node_t *n, const char *key, long *out,
                 hia_error *err);
int yamldoc_double(const yamldoc *d, const yaml_node_t *n, const char *key, double *out,
                   hia_error *err);
int yamldoc_bool(const yamldoc *d, const yaml_node_t *n, const char *key, int *out,
                 hia_error *err);

/* Sequence items and mapping pairs, for iteration. */
int yamldoc_seq_len(const yaml_node_t *seq);
yaml_node_t *yamldoc_seq_item(yamldoc *d, const yaml_node_t *seq, int i);
int yamldoc_map_len(const yaml_node_t *map);
yaml_node_t *yamldoc_map_key(yamldoc *d, const yaml_node_t *map, int i);
yaml_node_t *yamldoc_map_value(yamldoc *d, const yaml_node_t *map, int i);

#endif
