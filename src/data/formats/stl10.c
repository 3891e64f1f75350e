/* STL-10 binary version: X holds 96x96x3 images, each channel stored column by column
   (MATLAB order); y holds one label byte per image, 1..10. */
#include "data/formats/format.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"

enum { STL_SIDE = 96, STL_PLANE = STL_SIDE * STL_SIDE, STL_IMAGE = 3 * STL_PLANE };

static int load_labels(const format_request *req, const char *path, dataset_images *out,
                       hia_error *err)
{
    long long size = format_file_size(path, err);
    if (size < 0)
        return -1;
    if (size != out->n)
        return hia_fail(err, HIA_EUSER, "%s: %lld labels for %d images", path, size, out->n);
    unsigned char *raw = xmalloc((size_t)(size ? size : 1));
    format_file f = format_open(path, err);
    int rc = f ? format_read(f, path, raw, (size_t)size, 0, "labels", err) : -1;
    for (long long i = 0; rc == 0 && i < size; i++) {
        char where[32];
        snprintf(where, sizeof(where), "byte %lld", i);
        if (raw[i] == 0)
            rc = hia_fail(err, HIA_EUSER, "%s: label 0 of image %lld (byte %lld): STL-10 "
                          "labels run from 1 to 10", path, i, i);
        else
            rc = format_label(req, out, (long)i, raw[i] - 1, path, where, err);
    }
    free(raw);
    if (!f)
        return -1;
    if (rc) {
        format_abandon(f);
        return -1;
    }
    return format_close_at_end(f, path, (size_t)size, err);
}

int format_load_stl10(const format_request *req, dataset_images *out, hia_error *err)
{
    const char *path = req->files[0];
    long long size = format_file_size(path, err);
    if (size < 0)
        return -1;
    if (size == 0 || size % STL_IMAGE)
        return hia_fail(err, HIA_EUSER, "%s: truncated or not an STL-10 image file: %lld bytes "
                        "is not a whole number of %d-byte images", path, size, STL_IMAGE);
    if (format_alloc(out, (long)(size / STL_IMAGE), STL_SIDE, STL_SIDE, 3, path, err))
        return -1;
    format_file f = format_open(path, err);
    if (!f)
        return -1;
    uint8_t *tmp = xmalloc(STL_IMAGE);
    for (int i = 0; i < out->n; i++) {
        if (format_read(f, path, tmp, STL_IMAGE, (size_t)i * STL_IMAGE, "image", err)) {
            free(tmp);
            format_abandon(f);
            return -1;
        }
        uint8_t *p = out->pixels + (size_t)i * STL_IMAGE;
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < STL_SIDE; y++)
                for (int x = 0; x < STL_SIDE; x++)
                    p[c * STL_PLANE + y * STL_SIDE + x] = tmp[c * STL_PLANE + x * STL_SIDE + y];
    }
    free(tmp);
    if (format_close_at_end(f, path, (size_t)size, err))
        return -1;
    return load_labels(req, req->files[1], out, err);
}
