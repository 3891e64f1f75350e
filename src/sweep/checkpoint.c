/* A trial's resumable state after each epoch, written atomically. */
#include "sweep/checkpoint.h"

#include <darknet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"

#define MAGIC "HIACKPT1"

/* The trainable state of a layer, in file order; absent buffers are skipped. */
static int layer_buffers(layer *l, float **bufs, size_t *sizes)
{
    size_t nw, nb;
    if (l->type == CONVOLUTIONAL) {
        nw = (size_t)l->nweights;
        nb = (size_t)l->n;
    } else if (l->type == CONNECTED) {
        nw = (size_t)l->inputs * l->outputs;
        nb = (size_t)l->outputs;
    } else {
        return 0;
    }
    float *all[] = {l->weights, l->biases, l->scales, l->rolling_mean, l->rolling_variance,
                    l->m, l->v, l->bias_m, l->bias_v, l->scale_m, l->scale_v};
    size_t n[] = {nw, nb, nb, nb, nb, nw, nw, nb, nb, nb, nb};
    int k = 0;
    for (int i = 0; i < 11; i++) {
        if (all[i]) {
            bufs[k] = all[i];
            sizes[k++] = n[i];
        }
    }
    return k;
}

typedef struct buffer {
    unsigned char *data;
    size_t len, cap;
} buffer;

static void put(buffer *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void serialise(buffer *b, network *net, const train_result *r)
{
    uint64_t rng = darknet_rng_state(), seen = *net->seen;
    int32_t t = *net->t, epochs = r->epochs, layers = net->n;
    put(b, MAGIC, 8);
    put(b, &rng, sizeof(rng));
    put(b, &seen, sizeof(seen));
    put(b, &t, sizeof(t));
    put(b, &layers, sizeof(layers));
    put(b, &epochs, sizeof(epochs));
    put(b, r->history, sizeof(train_epoch) * (size_t)r->epochs);
    for (int i = 0; i < net->n; i++) {
        float *bufs[11];
        size_t sizes[11];
        int k = layer_buffers(&net->layers[i], bufs, sizes);
        for (int j = 0; j < k; j++) {
            uint64_t n = sizes[j];
            put(b, &n, sizeof(n));
            put(b, bufs[j], sizeof(float) * sizes[j]);
        }
    }
    uint32_t crc = (uint32_t)crc32(0L, b->data, (uInt)b->len);
    put(b, &crc, sizeof(crc));
}

static int sync_dir(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int checkpoint_save(const char *path, network *net, const train_result *r, hia_error *err)
{
    buffer b = {0};
    serialise(&b, net, r);
    char *tmp = xstrfmt("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && io_write_all(fd, b.data, b.len) == 0 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    free(b.data);
    int rc = 0;
    if (!ok || rename(tmp, path) != 0 || sync_dir(path) != 0) {
        saved = ok ? errno : saved;
        unlink(tmp);
        rc = hia_fail(err, io_status(saved, HIA_EINTERNAL), "cannot write checkpoint %s: %s",
                      path, strerror(saved));
    }
    free(tmp);
    return rc;
}

typedef struct reader {
    const unsigned char *p;
    size_t left;
} reader;

static int take(reader *r, void *out, size_t n)
{
    if (r->left < n)
        return -1;
    memcpy(out, r->p, n);
    r->p += n;
    r->left -= n;
    return 0;
}

/* Checks that the file matches net before anything is changed. */
static int verify(const unsigned char *data, size_t len, network *net, int max_epochs)
{
    reader r = {data + 28, len - 28}; /* past magic, generator, seen and t */
    int32_t layers, epochs;
    if (take(&r, &layers, 4) || layers != net->n || take(&r, &epochs, 4) || epochs < 0 ||
        epochs > max_epochs || r.left < sizeof(train_epoch) * (size_t)epochs)
        return -1;
    r.p += sizeof(train_epoch) * (size_t)epochs;
    r.left -= sizeof(train_epoch) * (size_t)epochs;
    for (int i = 0; i < net->n; i++) {
        float *bufs[11];
        size_t sizes[11];
        int k = layer_buffers(&net->layers[i], bufs, sizes);
        for (int j = 0; j < k; j++) {
            uint64_t n;
            if (take(&r, &n, sizeof(n)) || n != sizes[j] || r.left < sizeof(float) * n)
                return -1;
            r.p += sizeof(float) * n;
            r.left -= sizeof(float) * n;
        }
    }
    return r.left == 0 ? 0 : -1;
}

static void restore(const unsigned char *data, network *net, train_result *r)
{
    reader rd = {data + 8, SIZE_MAX};
    uint64_t rng, seen;
    int32_t t, layers, epochs;
    take(&rd, &rng, 8);
    take(&rd, &seen, 8);
    take(&rd, &t, 4);
    take(&rd, &layers, 4);
    take(&rd, &epochs, 4);
    darknet_set_rng_state(rng);
    *net->seen = (size_t)seen;
    *net->t = t;
    r->epochs = epochs;
    take(&rd, r->history, sizeof(train_epoch) * (size_t)epochs);
    for (int i = 0; i < net->n; i++) {
        float *bufs[11];
        size_t sizes[11];
        int k = layer_buffers(&net->layers[i], bufs, sizes);
        for (int j = 0; j < k; j++) {
            uint64_t n = 0;
            take(&rd, &n, sizeof(n));
            take(&rd, bufs[j], sizeof(float) * n);
        }
    }
}

int checkpoint_load(const char *path, network *net, train_result *r, int max_epochs,
                    hia_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        return hia_fail(err, HIA_EINTERNAL, "cannot open checkpoint %s: %s", path,
                        strerror(errno));
    }
    unsigned char *data = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            data = xrealloc(data, cap);
        }
        size_t got = fread(data + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int read_error = ferror(f);
    fclose(f);
    uint32_t crc = 0;
    if (len >= 8 + 28 + 4)
        memcpy(&crc, data + len - 4, 4);
    int rc;
    if (read_error || len < 8 + 28 + 4 || memcmp(data, MAGIC, 8) != 0 ||
        crc != (uint32_t)crc32(0L, data, (uInt)(len - 4)))
        rc = hia_fail(err, HIA_EINTERNAL, "checkpoint %s is damaged (bad header or CRC)", path);
    else if (verify(data, len - 4, net, max_epochs))
        rc = hia_fail(err, HIA_EINTERNAL, "checkpoint %s does not match this network", path);
    else {
        restore(data, net, r);
        rc = 1;
    }
    free(data);
    return rc;
}
