/* SVHN format 2: a MATLAB 5 MAT-file (little-endian, usually zlib-compressed elements) with
   X, uint8 [height, width, channels, n] in column-major order, and y, n labels 1..10 where 10
   stands for the digit 0. Only what SVHN needs of the MAT format is read; every size in the
   file is checked against what contains it. */
#include "data/formats/format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/alloc.h"

enum {
    MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
    MI_SINGLE = 7, MI_DOUBLE = 9, MI_MATRIX = 14, MI_COMPRESSED = 15, MX_UINT8 = 9
};

/* The bytes of one top-level element, read straight from the file or through zlib. */
typedef struct mat_stream {
    FILE *f;
    const char *path;
    int compressed;
    z_stream z;
    unsigned char in[1 << 16];
    unsigned long long file_left; /* bytes of the element still in the file */
    unsigned long long pos;       /* bytes delivered so far, for messages */
    long long at;                 /* file offset of the element */
} mat_stream;

static int mat_read(mat_stream *s, void *buf, size_t n, const char *what, hia_error *err)
{
    if (!s->compressed) {
        if (n > s->file_left)
            return hia_fail(err, HIA_EUSER, "%s: the %s overruns its element (byte %lld of the "
                            "file)", s->path, what, s->at + 8 + (long long)s->pos);
        if (fread(buf, 1, n, s->f) != n)
            return hia_fail(err, HIA_EUSER, "%s: truncated: the file ends inside the %s (element "
                            "at byte %lld)", s->path, what, s->at);
        s->file_left -= n;
        s->pos += n;
        return 0;
    }
    s->z.next_out = buf;
    s->z.avail_out = (uInt)n;
    while (s->z.avail_out > 0) {
        if (s->z.avail_in == 0 && s->file_left > 0) {
            size_t want = s->file_left < sizeof(s->in) ? (size_t)s->file_left : sizeof(s->in);
            size_t got = fread(s->in, 1, want, s->f);
            if (got == 0)
                return hia_fail(err, HIA_EUSER, "%s: truncated: the file ends inside the "
                                "compressed element at byte %lld", s->path, s->at);
            s->file_left -= got;
            s->z.next_in = s->in;
            s->z.avail_in = (uInt)got;
        }
        int rc = inflate(&s->z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END && s->z.avail_out > 0)
            return hia_fail(err, HIA_EUSER, "%s: the %s overruns the compressed element at byte "
                            "%lld", s->path, what, s->at);
        if (rc == Z_BUF_ERROR && s->z.avail_in == 0) {
            if (s->file_left == 0)
                return hia_fail(err, HIA_EUSER, "%s: truncated compressed element at byte %lld",
                                s->path, s->at);
        } else if (rc != Z_OK && rc != Z_STREAM_END) {
            return hia_fail(err, HIA_EUSER, "%s: corrupt compressed element at byte %lld: %s",
                            s->path, s->at, s->z.msg ? s->z.msg : "zlib error");
        }
    }
    s->pos += n;
    return 0;
}

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A sub-element tag, long or small (type and size packed in 4 bytes, data in the next 4). */
typedef struct mat_tag {
    uint32_t type, size;
    int small;
    unsigned char data[4];
} mat_tag;

static int read_tag(mat_stream *s, mat_tag *t, const char *what, hia_error *err)
{
    unsigned char b[8];
    if (mat_read(s, b, 8, what, err))
        return -1;
    uint32_t first = le32(b);
    t->small = (first >> 16) != 0;
    if (t->small) {
        t->type = first & 0xffff;
        t->size = first >> 16;
        if (t->size > 4)
            return hia_fail(err, HIA_EUSER, "%s: the %s claims %u bytes in a 4-byte small "
                            "element", s->path, what, t->size);
        memcpy(t->data, b + 4, 4);
    } else {
        t->type = first;
        t->size = le32(b + 4);
    }
    return 0;
}

static int skip(mat_stream *s, unsigned long long n, const char *what, hia_error *err)
{
    unsigned char buf[4096];
    while (n > 0) {
        size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
        if (mat_read(s, buf, k, what, err))
            return -1;
        n -= k;
    }
    return 0;
}

static unsigned padding(uint32_t size)
{
    return (8 - size % 8) % 8;
}

/* What the two variables SVHN needs hold, as read so far. */
typedef struct svhn_vars {
    dataset_images *out;
    int have_x, have_y;
    long n_labels;
    uint16_t *labels;
} svhn_vars;

static int element_size(uint32_t type)
{
    switch (type) {
    case MI_INT8: case MI_UINT8: return 1;
    case MI_INT16: case MI_UINT16: return 2;
    case MI_INT32: case MI_UINT32: case MI_SINGLE: return 4;
    case MI_DOUBLE: return 8;
    default: return 0;
    }
}

static double element_value(uint32_t type, const unsigned char *b)
{
    uint32_t v = le32(b);
    float fl;
    double d;
    switch (type) {
    case MI_INT8: return (int8_t)b[0];
    case MI_UINT8: return b[0];
    case MI_INT16: return (int16_t)(b[0] | b[1] << 8);
    case MI_UINT16: return b[0] | b[1] << 8;
    case MI_INT32: return (int32_t)v;
    case MI_UINT32: return v;
    case MI_SINGLE: memcpy(&fl, &v, 4); return fl;
    default: {
        uint64_t w = (uint64_t)le32(b + 4) << 32 | v;
        memcpy(&d, &w, 8);
        return d;
    }
    }
}

static int read_x(mat_stream *s, const mat_tag *t, const int32_t *dims, int nd, int cls,
                  svhn_vars *v, hia_error *err)
{
    if (cls != MX_UINT8 || t->type != MI_UINT8 || nd != 4 || dims[0] < 1 || dims[1] < 1 ||
        dims[0] > 4096 || dims[1] > 4096 || (dims[2] != 1 && dims[2] != 3) || dims[3] < 0)
        return hia_fail(err, HIA_EUSER, "%s: X is not uint8 images [height, width, channels, "
                        "n] (%d dimensions, class %d, data type %u)", s->path, nd, cls, t->type);
    int h = dims[0], w = dims[1], c = dims[2];
    size_t image = (size_t)h * w * c;
    if ((unsigned long long)t->size != (unsigned long long)image * (unsigned)dims[3])
        return hia_fail(err, HIA_EUSER, "%s: X holds %u bytes, its dimensions %dx%dx%dx%d need "
                        "%llu", s->path, t->size, h, w, c, dims[3],
                        (unsigned long long)image * (unsigned)dims[3]);
    if (v->have_x)
        return hia_fail(err, HIA_EUSER, "%s: two variables named X", s->path);
    v->have_x = 1;
    uint8_t *tmp = xmalloc(image); /* one image: at most 4096 x 4096 x 3 bytes */
    /* grown as images arrive: a header may claim more than the file holds */
    size_t cap = 0;
    for (int i = 0; i < dims[3]; i++) {
        if ((size_t)i == cap) {
            cap = cap ? 2 * cap : 1024;
            if (cap > (size_t)dims[3])
                cap = (size_t)dims[3];
            /* not xrealloc: the first step (1024 images) comes before any data, sized by the
               header alone */
            uint8_t *p = realloc(v->out->pixels, cap * image);
            if (!p) {
                free(tmp);
                return hia_fail(err, HIA_EINTERNAL, "%s: X claims %d images of %dx%dx%d, more "
                                "than memory allows", s->path, dims[3], w, h, c);
            }
            v->out->pixels = p;
        }
        if (mat_read(s, tmp, image, "X data", err)) {
            free(tmp);
            return -1;
        }
        uint8_t *p = v->out->pixels + image * (size_t)i;
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    p[((size_t)ch * h + y) * w + x] = tmp[((size_t)ch * w + x) * h + y];
    }
    free(tmp);
    v->out->n = dims[3];
    v->out->width = w;
    v->out->height = h;
    v->out->channels = c;
    return skip(s, padding(t->size), "X padding", err);
}

static int read_y(mat_stream *s, const mat_tag *t, const int32_t *dims, int nd,
                  svhn_vars *v, hia_error *err)
{
    int es = element_size(t->type);
    long long n = nd == 2 ? (long long)dims[0] * dims[1] : -1;
    if (v->have_y)
        return hia_fail(err, HIA_EUSER, "%s: two variables named y", s->path);
    if (!es || n < 0 || (dims[0] != 1 && dims[1] != 1) || n > 100000000 ||
        (unsigned long long)t->size != (unsigned long long)n * es)
        return hia_fail(err, HIA_EUSER, "%s: y is not a vector of numeric labels (%d "
                        "dimensions, data type %u, %u bytes)", s->path, nd, t->type, t->size);
    v->have_y = 1;
    size_t cap = 0;
    for (long long i = 0; i < n; i++) {
        unsigned char b[8];
        if ((size_t)i == cap) { /* grown as labels arrive, like X */
            cap = cap ? 2 * cap : 4096;
            v->labels = xreallocarray(v->labels, cap, sizeof(uint16_t));
        }
        if (mat_read(s, b, (size_t)es, "y data", err))
            return -1;
        double d = element_value(t->type, b);
        if (!(d >= 1 && d <= 10) || d != (int)d)
            return hia_fail(err, HIA_EUSER, "%s: label %g of image %lld is not an SVHN label "
                            "(1..10, 10 for the digit 0)", s->path, d, i);
        v->labels[i] = (uint16_t)((int)d % 10);
        v->n_labels = (long)i + 1;
    }
    return skip(s, padding(t->size), "y padding", err);
}

/* A miMATRIX element: flags, dimensions, name, then the real part. */
static int read_matrix(mat_stream *s, svhn_vars *v, hia_error *err)
{
    mat_tag t;
    unsigned char flags[8];
    int32_t dims[8];
    char name[64] = "";
    if (read_tag(s, &t, "array flags", err))
        return -1;
    if (t.type != MI_UINT32 || t.size != 8 || t.small)
        return hia_fail(err, HIA_EUSER, "%s: malformed array flags in the element at byte %lld",
                        s->path, s->at);
    if (mat_read(s, flags, 8, "array flags", err) || read_tag(s, &t, "dimensions", err))
        return -1;
    if (t.type != MI_INT32 || t.size % 4 || t.size < 8 || t.size > 32)
        return hia_fail(err, HIA_EUSER, "%s: malformed dimensions in the element at byte %lld",
                        s->path, s->at);
    int nd = (int)(t.size / 4);
    unsigned char db[32];
    if (t.small)
        memcpy(db, t.data, 4);
    else if (mat_read(s, db, t.size, "dimensions", err) ||
             skip(s, padding(t.size), "dimensions", err))
        return -1;
    for (int i = 0; i < nd; i++)
        dims[i] = (int32_t)le32(db + 4 * i);
    if (read_tag(s, &t, "array name", err))
        return -1;
    if (t.type != MI_INT8 || t.size >= sizeof(name))
        return hia_fail(err, HIA_EUSER, "%s: malformed array name in the element at byte %lld",
                        s->path, s->at);
    if (t.small)
        memcpy(name, t.data, t.size);
    else if (mat_read(s, name, t.size, "array name", err) ||
             skip(s, padding(t.size), "array name", err))
        return -1;
    name[t.size] = 0;
    int cls = flags[0];
    if (strcmp(name, "X") && strcmp(name, "y"))
        return 0; /* another variable: the caller skips the rest of its element */
    if (read_tag(s, &t, name, err))
        return -1;
    if (t.small)
        return hia_fail(err, HIA_EUSER, "%s: %s is too small to be SVHN data", s->path, name);
    return name[0] == 'X' ? read_x(s, &t, dims, nd, cls, v, err)
                          : read_y(s, &t, dims, nd, v, err);
}

/* One top-level element; returns 1 at the end of the file. */
static int read_element(FILE *f, const char *path, long long file_size, svhn_vars *v,
                        hia_error *err)
{
    unsigned char b[8];
    mat_stream *s;
    long long at = ftell(f);
    size_t got = fread(b, 1, 8, f);
    if (got == 0 && feof(f))
        return 1;
    if (got != 8)
        return hia_fail(err, HIA_EUSER, "%s: truncated element tag at byte %lld", path, at);
    uint32_t type = le32(b), size = le32(b + 4);
    if (at + 8 + (long long)size > file_size)
        return hia_fail(err, HIA_EUSER, "%s: truncated: the element at byte %lld claims %u "
                        "bytes, the file ends after %lld", path, at, size, file_size - at - 8);
    s = xcalloc(1, sizeof(*s));
    *s = (mat_stream){.f = f, .path = path, .file_left = size, .at = at};
    int rc = 0;
    if (type == MI_COMPRESSED) {
        s->compressed = 1;
        if (inflateInit(&s->z) != Z_OK) {
            free(s);
            return hia_fail(err, HIA_EINTERNAL, "zlib initialisation failed");
        }
        mat_tag t;
        rc = read_tag(s, &t, "compressed element", err);
        if (!rc && t.type == MI_MATRIX)
            rc = read_matrix(s, v, err);
        inflateEnd(&s->z);
    } else if (type == MI_MATRIX) {
        rc = read_matrix(s, v, err);
    }
    unsigned long long left = s->file_left;
    free(s);
    if (rc)
        return -1;
    if (fseek(f, (long)left, SEEK_CUR) != 0)
        return hia_fail(err, HIA_EUSER, "%s: cannot skip the element at byte %lld", path, at);
    return 0;
}

static int read_header(FILE *f, const char *path, hia_error *err)
{
    unsigned char h[128];
    if (fread(h, 1, 128, f) != 128)
        return hia_fail(err, HIA_EUSER, "%s: truncated: shorter than a MAT-file header", path);
    if (!memcmp(h, "MATLAB 7.3", 10))
        return hia_fail(err, HIA_EUSER, "%s: a MATLAB 7.3 (HDF5) file; SVHN is published as a "
                        "MATLAB 5 MAT-file", path);
    if (memcmp(h, "MATLAB 5.0 MAT-file", 19))
        return hia_fail(err, HIA_EUSER, "%s: not a MATLAB 5 MAT-file (no 'MATLAB 5.0 MAT-file' "
                        "header)", path);
    if (h[126] == 'M' && h[127] == 'I')
        return hia_fail(err, HIA_EUSER, "%s: a big-endian MAT-file; only little-endian ones "
                        "(as published) are read", path);
    if (h[126] != 'I' || h[127] != 'M' || h[124] != 0x00 || h[125] != 0x01)
        return hia_fail(err, HIA_EUSER, "%s: unknown MAT-file version or byte order (bytes "
                        "124..127: %02x %02x %02x %02x)", path, h[124], h[125], h[126], h[127]);
    return 0;
}

int format_load_svhn(const format_request *req, dataset_images *out, hia_error *err)
{
    const char *path = req->files[0];
    svhn_vars v = {.out = out};
    long long size = format_file_size(path, err);
    if (size < 0)
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno));
    int rc = read_header(f, path, err);
    while (rc == 0 && !(v.have_x && v.have_y))
        rc = read_element(f, path, size, &v, err);
    fclose(f);
    if (rc < 0) {
        free(v.labels);
        return -1;
    }
    if (!v.have_x || !v.have_y) {
        free(v.labels);
        return hia_fail(err, HIA_EUSER, "%s: no variable '%s' (SVHN files hold X and y)", path,
                        v.have_x ? "y" : "X");
    }
    if (v.n_labels != out->n) {
        free(v.labels);
        return hia_fail(err, HIA_EUSER, "%s: X holds %d images, y %ld labels", path, out->n,
                        v.n_labels);
    }
    out->labels = xmalloc(sizeof(uint16_t) * (size_t)(out->n ? out->n : 1));
    for (long i = 0; i < v.n_labels; i++)
        if (format_label(req, out, i, v.labels[i], path, "y", err)) {
            free(v.labels);
            return -1;
        }
    free(v.labels);
    return 0;
}
