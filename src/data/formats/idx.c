/* IDX (LeCun's MNIST format): big-endian magic 00 00 08 D and D sizes, then unsigned bytes. */
#include "data/formats/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Opens an IDX file, checks its magic (unsigned bytes, dims dimensions) and reads the sizes. */
static format_file idx_open(const char *path, int dims, uint32_t *sizes, hia_error *err)
{
    unsigned char head[16];
    format_file f = format_open(path, err);
    if (!f)
        return NULL;
    if (format_read(f, path, head, 4, 0, "IDX magic number", err))
        goto fail;
    if (head[0] || head[1] || head[2] != 0x08 || head[3] != dims) {
        hia_fail(err, HIA_EUSER, "%s: not an IDX file of %d-dimensional unsigned bytes (magic "
                 "%02x %02x %02x %02x, expected 00 00 08 %02x)", path, dims, head[0], head[1],
                 head[2], head[3], dims);
        goto fail;
    }
    if (format_read(f, path, head + 4, 4 * (size_t)dims, 4, "IDX sizes", err))
        goto fail;
    for (int i = 0; i < dims; i++)
        sizes[i] = be32(head + 4 + 4 * i);
    return f;
fail:
    format_abandon(f);
    return NULL;
}

/* Column-major images (EMNIST) become row-major, one image at a time. */
static void transpose(uint8_t *p, int h, int w, uint8_t *tmp)
{
    memcpy(tmp, p, (size_t)h * w);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            p[y * w + x] = tmp[x * h + y];
}

static int load_images(const format_request *req, const char *path, dataset_images *out,
                       hia_error *err)
{
    uint32_t sz[3];
    format_file f = idx_open(path, 3, sz, err);
    if (!f)
        return -1;
    if (sz[0] == 0 || sz[1] == 0 || sz[2] == 0 || sz[1] > 4096 || sz[2] > 4096 ||
        sz[0] > 100000000u) {
        format_abandon(f);
        return hia_fail(err, HIA_EUSER, "%s: implausible IDX sizes %u x %u x %u", path, sz[0],
                        sz[1], sz[2]);
    }
    int h = (int)sz[1], w = (int)sz[2];
    if (req->transpose) { /* stored transposed: the file's rows are the image's columns */
        h = (int)sz[2];
        w = (int)sz[1];
    }
    size_t bytes = (size_t)sz[0] * sz[1] * sz[2];
    if (format_read_alloc(f, path, &out->pixels, bytes, 16, "pixel data", err)) {
        format_abandon(f);
        return -1;
    }
    out->n = (int)sz[0];
    out->width = w;
    out->height = h;
    out->channels = 1;
    /* sz[0] images of at least a byte have been read: the labels fit what the file holds */
    out->labels = xmalloc(sizeof(uint16_t) * sz[0]);
    if (req->transpose) {
        uint8_t *tmp = xmalloc((size_t)h * w);
        for (uint32_t i = 0; i < sz[0]; i++)
            transpose(out->pixels + (size_t)i * h * w, h, w, tmp);
        free(tmp);
    }
    return format_close_at_end(f, path, 16 + bytes, err);
}

static int load_labels(const format_request *req, const char *path, dataset_images *out,
                       hia_error *err)
{
    uint32_t n;
    format_file f = idx_open(path, 1, &n, err);
    if (!f)
        return -1;
    uint8_t *raw = NULL;
    int rc = -1;
    if ((int)n != out->n || n > 100000000u) {
        hia_fail(err, HIA_EUSER, "%s: %u labels for %d images", path, n, out->n);
        goto done;
    }
    raw = xmalloc(n ? n : 1); /* n is the count of images already read */
    if (format_read(f, path, raw, n, 8, "labels", err))
        goto done;
    for (uint32_t i = 0; i < n; i++) {
        char where[32];
        snprintf(where, sizeof(where), "byte %u", 8 + i);
        if (format_label(req, out, i, raw[i], path, where, err))
            goto done;
    }
    rc = 0;
done:
    free(raw);
    if (rc) {
        format_abandon(f);
        return -1;
    }
    return format_close_at_end(f, path, 8 + (size_t)n, err);
}

int format_load_idx(const format_request *req, dataset_images *out, hia_error *err)
{
    return load_images(req, req->files[0], out, err) ||
                   load_labels(req, req->files[1], out, err)
               ? -1
               : 0;
}
