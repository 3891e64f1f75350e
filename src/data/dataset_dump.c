/* An experiment's splits written as IDX files. */
#include "data/dataset_dump.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One IDX file of unsigned bytes: the magic (0, 0, 8, dims), each dimension, the data. */
static int write_idx(const char *path, const uint32_t *dims, int n_dims, const uint8_t *data,
                     size_t size, hia_error *err)
{
    size_t head = 4 + 4 * (size_t)n_dims;
    unsigned char *buf = xmalloc(head + size);
    buf[0] = buf[1] = 0;
    buf[2] = 8;
    buf[3] = (unsigned char)n_dims;
    for (int i = 0; i < n_dims; i++)
        put_be32(buf + 4 + 4 * i, dims[i]);
    memcpy(buf + head, data, size);
    int rc = io_write_file(path, buf, head + size, err);
    free(buf);
    return rc;
}

static int dump_split(const dataset_images *d, const char *dir, const char *name,
                      hia_error *err)
{
    int colour = d->channels > 1;
    uint32_t dims[4] = {(uint32_t)d->n, (uint32_t)d->channels, (uint32_t)d->height,
                        (uint32_t)d->width};
    uint32_t grey[3] = {(uint32_t)d->n, (uint32_t)d->height, (uint32_t)d->width};
    size_t pixels = (size_t)d->n * d->channels * d->height * d->width;
    uint8_t *labels = xmalloc((size_t)(d->n ? d->n : 1));
    for (int i = 0; i < d->n; i++) {
        if (d->labels[i] > 255) {
            free(labels);
            return hia_fail(err, HIA_EUSER, "%s: label %d does not fit IDX's unsigned byte",
                            name, d->labels[i]);
        }
        labels[i] = (uint8_t)d->labels[i];
    }
    char *path = xstrfmt("%s/%s-images-idx%d-ubyte", dir, name, colour ? 4 : 3);
    int rc = write_idx(path, colour ? dims : grey, colour ? 4 : 3, d->pixels, pixels, err);
    free(path);
    path = xstrfmt("%s/%s-labels-idx1-ubyte", dir, name);
    uint32_t n = (uint32_t)d->n;
    if (!rc)
        rc = write_idx(path, &n, 1, labels, (size_t)d->n, err);
    free(path);
    free(labels);
    return rc;
}

int dataset_dump(const dataset_splits *s, const char *dir, hia_error *err)
{
    return io_make_dirs(dir, err) || dump_split(&s->train, dir, "train", err) ||
           dump_split(&s->validation, dir, "validation", err) ||
           dump_split(&s->test, dir, "test", err) ? -1 : 0;
}
