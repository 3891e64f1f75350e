/* CIFAR-10 and CIFAR-100 binary versions: fixed-size records of label byte(s) and a 32x32
   image as three 1024-byte planes (red, green, blue), already Darknet's layout. */
#include "data/formats/format.h"

#include <stdio.h>

enum { CIFAR_IMAGE = 3 * 32 * 32 };

/* Counts the records of each file from its size; a partial record is a truncated file. */
static int count_records(const format_request *req, int record, long *total, hia_error *err)
{
    *total = 0;
    for (int i = 0; i < req->n_files; i++) {
        long long size = format_file_size(req->files[i], err);
        if (size < 0)
            return -1;
        if (size == 0)
            return hia_fail(err, HIA_EUSER, "%s: empty file (expected %d-byte records)",
                            req->files[i], record);
        if (size % record)
            return hia_fail(err, HIA_EUSER, "%s: truncated or not a %s file: %lld bytes is not "
                            "a whole number of %d-byte records (the last, image %lld, has %lld "
                            "bytes)", req->files[i], record == CIFAR_IMAGE + 1 ? "CIFAR-10" :
                            "CIFAR-100", size, record, size / record, size % record);
        *total += (long)(size / record);
    }
    return 0;
}

static int load(const format_request *req, int label_bytes, int label_at, dataset_images *out,
                hia_error *err)
{
    int record = CIFAR_IMAGE + label_bytes;
    long total, k = 0;
    if (count_records(req, record, &total, err) ||
        format_alloc(out, total, 32, 32, 3, req->files[0], err))
        return -1;
    for (int i = 0; i < req->n_files; i++) {
        const char *path = req->files[i];
        long long size = format_file_size(path, err);
        format_file f = format_open(path, err);
        if (size < 0 || !f)
            return -1;
        for (long long r = 0; r < size / record; r++, k++) {
            unsigned char labels[2];
            char where[80];
            size_t at = (size_t)r * record;
            if (format_read(f, path, labels, (size_t)label_bytes, at, "label", err) ||
                format_read(f, path, out->pixels + (size_t)k * CIFAR_IMAGE, CIFAR_IMAGE,
                            at + label_bytes, "image", err)) {
                format_abandon(f);
                return -1;
            }
            snprintf(where, sizeof(where), "record %lld, byte %zu", r, at + label_at);
            if (format_label(req, out, k, labels[label_at], path, where, err)) {
                format_abandon(f);
                return -1;
            }
        }
        if (format_close_at_end(f, path, (size_t)size, err))
            return -1;
    }
    return 0;
}

int format_load_cifar10(const format_request *req, dataset_images *out, hia_error *err)
{
    return load(req, 1, 0, out, err);
}

/* Each CIFAR-100 record starts with the coarse label, then the fine one. */
int format_load_cifar100(const format_request *req, dataset_images *out, hia_error *err)
{
    return load(req, 2, req->coarse ? 0 : 1, out, err);
}
