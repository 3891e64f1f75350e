#include "dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "rng.h"
#include "yamldoc.h"

const char *dataset_dir(void)
{
    const char *env = getenv("HIA_DATASETS");
    return env && *env ? env : HIA_DATASETS_DIR;
}

static void descriptor_path(const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s.yaml", dataset_dir(), name);
}

int dataset_exists(const char *name)
{
    char path[4096];
    if (!*name || strchr(name, '/'))
        return 0;
    descriptor_path(name, path, sizeof(path));
    return access(path, R_OK) == 0;
}

void dataset_desc_free(dataset_desc *d)
{
    free(d->name);
    free(d->format);
    free(d->dir);
    free(d->train_images);
    free(d->train_labels);
    free(d->test_images);
    free(d->test_labels);
    memset(d, 0, sizeof(*d));
}

/* A file named in the descriptor, relative to its `path`. */
static int get_file(yamldoc *y, yaml_node_t *map, const char *split, const char *key,
                    const char *dir, char **out, hia_error *err)
{
    yaml_node_t *s = yamldoc_get(y, map, split);
    static const char *const keys[] = {"images", "labels", NULL};
    const char *name;
    if (!s)
        return yamldoc_fail(y, map, err, "the descriptor needs '%s'", split);
    if (yamldoc_expect(y, s, YAML_MAPPING_NODE, split, err) ||
        yamldoc_check_keys(y, s, keys, split, err))
        return -1;
    yaml_node_t *n = yamldoc_get(y, s, key);
    if (!n)
        return yamldoc_fail(y, s, err, "'%s' needs '%s'", split, key);
    if (yamldoc_string(y, n, key, &name, err))
        return -1;
    size_t len = strlen(dir) + strlen(name) + 2;
    if (!(*out = malloc(len)))
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    snprintf(*out, len, "%s%s%s", name[0] == '/' ? "" : dir, name[0] == '/' ? "" : "/", name);
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
        if (v < 1 || v > 4096)
            return yamldoc_fail(y, n, err, "'%s' must lie in 1..4096", keys[i]);
        *fields[i] = (int)v;
    }
    return 0;
}

static int parse_desc(yamldoc *y, const char *name, dataset_desc *d, hia_error *err)
{
    static const char *const keys[] = {"name", "format", "path", "shape", "classes", "train",
                                       "test", "description", NULL};
    yaml_node_t *root = yamldoc_root(y);
    yaml_node_t *n;
    const char *s;
    if (yamldoc_expect(y, root, YAML_MAPPING_NODE, "the descriptor", err) ||
        yamldoc_check_keys(y, root, keys, "the descriptor", err))
        return -1;
    if (!(n = yamldoc_get(y, root, "name")) || yamldoc_string(y, n, "name", &s, err))
        return n ? -1 : yamldoc_fail(y, root, err, "the descriptor needs 'name'");
    if (strcmp(s, name) != 0)
        return yamldoc_fail(y, n, err, "name '%s' does not match the file name '%s'", s, name);
    if (!(n = yamldoc_get(y, root, "format")) || yamldoc_string(y, n, "format", &s, err))
        return n ? -1 : yamldoc_fail(y, root, err, "the descriptor needs 'format'");
    if (strcmp(s, "idx") != 0)
        return yamldoc_fail(y, n, err, "format '%s' is not supported (known: idx)", s);
    d->format = strdup(s);
    if (!(n = yamldoc_get(y, root, "path")) || yamldoc_string(y, n, "path", &s, err))
        return n ? -1 : yamldoc_fail(y, root, err, "the descriptor needs 'path'");
    if (s[0] == '/') {
        d->dir = strdup(s);
    } else { /* relative to the descriptor's folder */
        size_t len = strlen(dataset_dir()) + strlen(s) + 2;
        if ((d->dir = malloc(len)))
            snprintf(d->dir, len, "%s/%s", dataset_dir(), s);
    }
    if (!(n = yamldoc_get(y, root, "classes")))
        return yamldoc_fail(y, root, err, "the descriptor needs 'classes' (the class names)");
    if (yamldoc_expect(y, n, YAML_SEQUENCE_NODE, "classes", err))
        return -1;
    d->classes = yamldoc_seq_len(n);
    if (d->classes < 2 || d->classes > 65535)
        return yamldoc_fail(y, n, err, "'classes' must name 2..65535 classes");
    if (!d->format || !d->dir)
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    return get_shape(y, root, d, err) ||
           get_file(y, root, "train", "images", d->dir, &d->train_images, err) ||
           get_file(y, root, "train", "labels", d->dir, &d->train_labels, err) ||
           get_file(y, root, "test", "images", d->dir, &d->test_images, err) ||
           get_file(y, root, "test", "labels", d->dir, &d->test_labels, err);
}

int dataset_desc_load(const char *name, dataset_desc *d, hia_error *err)
{
    char path[4096];
    yamldoc y;
    memset(d, 0, sizeof(*d));
    if (!dataset_exists(name))
        return hia_fail(err, HIA_EUSER, "unknown dataset '%s' (no descriptor in %s)", name,
                        dataset_dir());
    descriptor_path(name, path, sizeof(path));
    if (yamldoc_load(&y, path, err))
        return -1;
    d->name = strdup(name);
    int rc = d->name ? parse_desc(&y, name, d, err) : hia_fail(err, HIA_EINTERNAL, "out of memory");
    yamldoc_free(&y);
    if (rc)
        dataset_desc_free(d);
    return rc;
}

void dataset_images_free(dataset_images *d)
{
    free(d->pixels);
    free(d->labels);
    memset(d, 0, sizeof(*d));
}

/* Reads exactly n bytes; a short read is a truncated file, a gzip error is reported as such. */
static int read_exact(gzFile f, const char *path, void *buf, size_t n, size_t offset,
                      const char *what, hia_error *err)
{
    size_t done = 0;
    while (done < n) {
        unsigned chunk = n - done > (1u << 30) ? (1u << 30) : (unsigned)(n - done);
        int got = gzread(f, (char *)buf + done, chunk);
        if (got < 0) {
            int code;
            const char *msg = gzerror(f, &code);
            return hia_fail(err, HIA_EUSER, "%s: corrupt data near byte %zu of the %s: %s", path,
                            offset + done, what, msg);
        }
        if (got == 0)
            return hia_fail(err, HIA_EUSER, "%s: truncated: the %s needs %zu bytes from offset "
                            "%zu, the file ends after %zu", path, what, n, offset, done);
        done += (size_t)got;
    }
    return 0;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Opens an IDX file, checks its magic (unsigned bytes, dims dimensions) and reads the sizes. */
static gzFile idx_open(const char *path, int dims, uint32_t *sizes, hia_error *err)
{
    unsigned char head[16];
    gzFile f = gzopen(path, "rb");
    if (!f) {
        hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
        return NULL;
    }
    if (read_exact(f, path, head, 4, 0, "IDX magic number", err))
        goto fail;
    if (head[0] || head[1] || head[2] != 0x08 || head[3] != dims) {
        hia_fail(err, HIA_EUSER, "%s: not an IDX file of %d-dimensional unsigned bytes (magic "
                 "%02x %02x %02x %02x, expected 00 00 08 %02x)", path, dims, head[0], head[1],
                 head[2], head[3], dims);
        goto fail;
    }
    if (read_exact(f, path, head + 4, 4 * (size_t)dims, 4, "IDX sizes", err))
        goto fail;
    for (int i = 0; i < dims; i++)
        sizes[i] = be32(head + 4 + 4 * i);
    return f;
fail:
    gzclose(f);
    return NULL;
}

/* After the data, the file must end: trailing bytes mean a mismatched or damaged file. */
static int idx_close(gzFile f, const char *path, size_t offset, hia_error *err)
{
    char extra;
    int got = gzread(f, &extra, 1);
    int code;
    const char *msg = gzerror(f, &code);
    gzclose(f);
    if (got < 0)
        return hia_fail(err, HIA_EUSER, "%s: corrupt data at its end: %s", path, msg);
    if (got > 0)
        return hia_fail(err, HIA_EUSER, "%s: unexpected data after byte %zu", path, offset);
    return 0;
}

static int load_idx_images(const char *path, dataset_images *out, hia_error *err)
{
    uint32_t sz[3];
    gzFile f = idx_open(path, 3, sz, err);
    if (!f)
        return -1;
    if (sz[0] == 0 || sz[1] == 0 || sz[2] == 0 || sz[1] > 4096 || sz[2] > 4096 ||
        sz[0] > 100000000u) {
        gzclose(f);
        return hia_fail(err, HIA_EUSER, "%s: implausible IDX sizes %u x %u x %u", path, sz[0],
                        sz[1], sz[2]);
    }
    size_t bytes = (size_t)sz[0] * sz[1] * sz[2];
    out->n = (int)sz[0];
    out->height = (int)sz[1];
    out->width = (int)sz[2];
    out->channels = 1;
    out->pixels = malloc(bytes);
    if (!out->pixels) {
        gzclose(f);
        return hia_fail(err, HIA_EINTERNAL, "out of memory for %zu bytes of %s", bytes, path);
    }
    if (read_exact(f, path, out->pixels, bytes, 16, "pixel data", err)) {
        gzclose(f);
        return -1;
    }
    return idx_close(f, path, 16 + bytes, err);
}

static int load_idx_labels(const char *path, dataset_images *out, hia_error *err)
{
    uint32_t n;
    gzFile f = idx_open(path, 1, &n, err);
    if (!f)
        return -1;
    if ((int)n != out->n || n > 100000000u) {
        gzclose(f);
        return hia_fail(err, HIA_EUSER, "%s: %u labels for %d images", path, n, out->n);
    }
    uint8_t *raw = malloc(n ? n : 1);
    out->labels = malloc((n ? n : 1) * sizeof(uint16_t));
    if (!raw || !out->labels) {
        free(raw);
        gzclose(f);
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    }
    if (read_exact(f, path, raw, n, 8, "labels", err)) {
        free(raw);
        gzclose(f);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (raw[i] >= out->classes) {
            hia_fail(err, HIA_EUSER, "%s: label %u of item %u (byte %u) is out of range "
                     "(%d classes)", path, raw[i], i, 8 + i, out->classes);
            free(raw);
            gzclose(f);
            return -1;
        }
        out->labels[i] = raw[i];
    }
    free(raw);
    return idx_close(f, path, 8 + (size_t)n, err);
}

int dataset_load_idx(const char *images, const char *labels, int classes, dataset_images *out,
                     hia_error *err)
{
    memset(out, 0, sizeof(*out));
    out->classes = classes;
    if (load_idx_images(images, out, err) || load_idx_labels(labels, out, err)) {
        dataset_images_free(out);
        return -1;
    }
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Picks k of the n items idx, keeping each class's share (largest remainders get the
   leftover places, lowest class first on ties); picked and rest come out sorted. */
static int stratified_pick(const dataset_images *d, const int *idx, int n, int k, rng *r,
                           int *picked, int *rest)
{
    int c = d->classes;
    int *count = calloc((size_t)c, sizeof(int));
    int *take = calloc((size_t)c, sizeof(int));
    double *frac = calloc((size_t)c, sizeof(double));
    int *order = malloc((size_t)(n ? n : 1) * sizeof(int));
    if (!count || !take || !frac || !order) {
        free(count);
        free(take);
        free(frac);
        free(order);
        return -1;
    }
    for (int i = 0; i < n; i++)
        count[d->labels[idx[i]]]++;
    int given = 0;
    for (int j = 0; j < c; j++) {
        double share = (double)k * count[j] / n;
        take[j] = (int)share;
        frac[j] = share - take[j];
        given += take[j];
    }
    while (given < k) {
        int best = -1;
        for (int j = 0; j < c; j++)
            if (take[j] < count[j] && (best < 0 || frac[j] > frac[best]))
                best = j;
        take[best]++;
        frac[best] = -1;
        given++;
    }
    memcpy(order, idx, (size_t)n * sizeof(int));
    rng_shuffle(r, order, n);
    int np = 0, nr = 0;
    for (int i = 0; i < n; i++) {
        int label = d->labels[order[i]];
        if (take[label] > 0) {
            take[label]--;
            picked[np++] = order[i];
        } else if (rest) {
            rest[nr++] = order[i];
        }
    }
    qsort(picked, (size_t)np, sizeof(int), cmp_int);
    if (rest)
        qsort(rest, (size_t)nr, sizeof(int), cmp_int);
    free(count);
    free(take);
    free(frac);
    free(order);
    return 0;
}

static int copy_subset(const dataset_images *src, const int *idx, int n, dataset_images *out)
{
    size_t image = (size_t)src->channels * src->height * src->width;
    *out = *src;
    out->n = n;
    out->pixels = malloc(image * (size_t)(n ? n : 1));
    out->labels = malloc(sizeof(uint16_t) * (size_t)(n ? n : 1));
    if (!out->pixels || !out->labels)
        return -1;
    for (int i = 0; i < n; i++) {
        memcpy(out->pixels + image * (size_t)i, src->pixels + image * (size_t)idx[i], image);
        out->labels[i] = src->labels[idx[i]];
    }
    return 0;
}

static int check_shape(const dataset_desc *desc, const dataset_images *d, const char *path,
                       hia_error *err)
{
    if (d->width == desc->width && d->height == desc->height && d->channels == desc->channels)
        return 0;
    return hia_fail(err, HIA_EUSER, "%s: images are %dx%dx%d, the descriptor of '%s' says "
                    "%dx%dx%d", path, d->width, d->height, d->channels, desc->name, desc->width,
                    desc->height, desc->channels);
}

static int draw_splits(const config_dataset *cd, uint64_t seed, const dataset_images *train,
                       const dataset_images *test, dataset_splits *out, hia_error *err)
{
    long want = cd->train + cd->validation;
    if (want > train->n)
        return hia_fail(err, HIA_EUSER, "%s: dataset '%s': train + validation = %ld, but the "
                        "training split has %d images", cd->where, cd->name, want, train->n);
    if (cd->test > test->n)
        return hia_fail(err, HIA_EUSER, "%s: dataset '%s': test = %ld, but the test split has %d "
                        "images", cd->where, cd->name, cd->test, test->n);
    int n_test = cd->test ? (int)cd->test : test->n;
    int *all = malloc(sizeof(int) * (size_t)(train->n > test->n ? train->n : test->n));
    int *sel = malloc(sizeof(int) * (size_t)want);
    int *val = malloc(sizeof(int) * (size_t)cd->validation);
    int *tr = malloc(sizeof(int) * (size_t)cd->train);
    int *te = malloc(sizeof(int) * (size_t)n_test);
    int rc = -1;
    rng r;
    if (!all || !sel || !val || !tr || !te)
        goto done;
    for (int i = 0; i < train->n; i++)
        all[i] = i;
    rng_init(&r, rng_derive(seed, 0, RNG_SUBSET, 0));
    if (stratified_pick(train, all, train->n, (int)want, &r, sel, NULL) ||
        stratified_pick(train, sel, (int)want, (int)cd->validation, &r, val, tr))
        goto done;
    for (int i = 0; i < test->n; i++)
        all[i] = i;
    if (stratified_pick(test, all, test->n, n_test, &r, te, NULL))
        goto done;
    if (copy_subset(train, tr, (int)cd->train, &out->train) ||
        copy_subset(train, val, (int)cd->validation, &out->validation) ||
        copy_subset(test, te, n_test, &out->test))
        goto done;
    rc = 0;
done:
    free(all);
    free(sel);
    free(val);
    free(tr);
    free(te);
    return rc ? hia_fail(err, HIA_EINTERNAL, "out of memory drawing the splits of %s", cd->name)
              : 0;
}

int dataset_prepare(const config_dataset *cd, uint64_t seed, dataset_splits *out,
                    hia_error *err)
{
    dataset_desc desc;
    dataset_images train = {0}, test = {0};
    memset(out, 0, sizeof(*out));
    if (dataset_desc_load(cd->name, &desc, err))
        return -1;
    int rc = dataset_load_idx(desc.train_images, desc.train_labels, desc.classes, &train, err) ||
             check_shape(&desc, &train, desc.train_images, err) ||
             dataset_load_idx(desc.test_images, desc.test_labels, desc.classes, &test, err) ||
             check_shape(&desc, &test, desc.test_images, err) ||
             draw_splits(cd, seed, &train, &test, out, err);
    dataset_images_free(&train);
    dataset_images_free(&test);
    dataset_desc_free(&desc);
    if (rc) {
        dataset_splits_free(out);
        return -1;
    }
    return 0;
}

void dataset_splits_free(dataset_splits *s)
{
    dataset_images_free(&s->train);
    dataset_images_free(&s->validation);
    dataset_images_free(&s->test);
}

void dataset_image_float(const dataset_images *d, int idx, float *out)
{
    size_t image = (size_t)d->channels * d->height * d->width;
    const uint8_t *p = d->pixels + image * (size_t)idx;
    for (size_t i = 0; i < image; i++)
        out[i] = p[i] * (1.0f / 255.0f);
}
