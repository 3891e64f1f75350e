/* A trial's resumable state after each epoch, written atomically, with what it was trained
   on. */
#include "sweep/checkpoint.h"

#include <darknet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"

#define MAGIC "HIACKPT2"
/* The format before checkpoints recorded what they were trained on. */
#define MAGIC_V1 "HIACKPT1"
/* The identity as written: store id, dataset, number, hash, seed, three sizes, numerics. */
#define IDENTITY_SIZE (CHECKPOINT_STORE_ID_LEN + 128 + 8 * 6 + 4)
/* Magic, identity, then the generator, seen and t, before the layer count. */
#define HEADER_SIZE (8 + IDENTITY_SIZE + 8 + 8 + 4)

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

static void put_identity(buffer *b, const checkpoint_identity *id)
{
    char store_id[CHECKPOINT_STORE_ID_LEN] = {0}, dataset[128] = {0};
    memcpy(store_id, id->store_id, strnlen(id->store_id, sizeof(store_id)));
    memcpy(dataset, id->dataset, strnlen(id->dataset, sizeof(dataset) - 1));
    int64_t number = id->number, train = id->train, validation = id->validation,
            test = id->test;
    int32_t numerics = id->numerics;
    put(b, store_id, sizeof(store_id));
    put(b, dataset, sizeof(dataset));
    put(b, &number, 8);
    put(b, &id->config_hash, 8);
    put(b, &id->seed, 8);
    put(b, &train, 8);
    put(b, &validation, 8);
    put(b, &test, 8);
    put(b, &numerics, 4);
}

static void serialise(buffer *b, const checkpoint_identity *id, network *net,
                      const train_result *r)
{
    uint64_t rng = darknet_rng_state(), seen = *net->seen;
    int32_t t = *net->t, epochs = r->epochs, layers = net->n;
    put(b, MAGIC, 8);
    put_identity(b, id);
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

int checkpoint_save(const char *path, const checkpoint_identity *id, network *net,
                    const train_result *r, hia_error *err)
{
    buffer b = {0};
    serialise(&b, id, net, r);
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

/* Whether the identity at data is id's; else why not, every difference named. */
static int same_identity(const unsigned char *data, const checkpoint_identity *id, char *why,
                         size_t size)
{
    reader r = {data, IDENTITY_SIZE};
    char store_id[CHECKPOINT_STORE_ID_LEN + 1] = {0}, dataset[129] = {0};
    int64_t number, train, validation, test;
    uint64_t hash, seed;
    int32_t numerics;
    take(&r, store_id, CHECKPOINT_STORE_ID_LEN);
    take(&r, dataset, 128);
    take(&r, &number, 8);
    take(&r, &hash, 8);
    take(&r, &seed, 8);
    take(&r, &train, 8);
    take(&r, &validation, 8);
    take(&r, &test, 8);
    take(&r, &numerics, 4);
    strbuf s = STRBUF_INIT;
    if (strcmp(store_id, id->store_id))
        strbuf_addf(&s, "; it was trained for another store (store id %.8s..., this store's "
                    "%.8s...)", store_id, id->store_id);
    if (strcmp(dataset, id->dataset) || number != id->number)
        strbuf_addf(&s, "; it is configuration %lld on %s, this trial configuration %ld on %s",
                    (long long)number, dataset, id->number, id->dataset);
    else if (hash != id->config_hash)
        strbuf_addf(&s, "; its configuration differs (hash %016llx, this trial's %016llx)",
                    (unsigned long long)hash, (unsigned long long)id->config_hash);
    if (seed != id->seed)
        strbuf_addf(&s, "; it has seed %llu, this trial %llu", (unsigned long long)seed,
                    (unsigned long long)id->seed);
    if (train != id->train || validation != id->validation || test != id->test)
        strbuf_addf(&s, "; it was trained on %lld/%lld/%lld training/validation/test images, "
                    "this trial on %ld/%ld/%ld", (long long)train, (long long)validation,
                    (long long)test, id->train, id->validation, id->test);
    if (numerics != id->numerics)
        strbuf_addf(&s, "; it was trained by numerics version %d, this build trains version %d",
                    numerics, id->numerics);
    int same = s.len == 0;
    if (!same)
        snprintf(why, size, "is not this trial's: %s", strbuf_str(&s) + 2);
    strbuf_free(&s);
    return same;
}

/* Checks that the file (past its header) fits net before anything is changed; else says
   where it does not. */
static int fits(const unsigned char *data, size_t len, network *net, int max_epochs, char *why,
                size_t size)
{
    reader r = {data + HEADER_SIZE, len - HEADER_SIZE};
    int32_t layers = 0, epochs = 0;
    if (take(&r, &layers, 4) || layers != net->n) {
        snprintf(why, size, "no longer fits the network: it has %d layers, the network %d",
                 layers, net->n);
        return 0;
    }
    if (take(&r, &epochs, 4) || epochs < 0 || epochs > max_epochs ||
        r.left < sizeof(train_epoch) * (size_t)epochs) {
        snprintf(why, size, "no longer fits the network: it holds %d epochs of %d", epochs,
                 max_epochs);
        return 0;
    }
    r.p += sizeof(train_epoch) * (size_t)epochs;
    r.left -= sizeof(train_epoch) * (size_t)epochs;
    for (int i = 0; i < net->n; i++) {
        float *bufs[11];
        size_t sizes[11];
        int k = layer_buffers(&net->layers[i], bufs, sizes);
        for (int j = 0; j < k; j++) {
            uint64_t n = 0;
            if (take(&r, &n, sizeof(n)) || n != sizes[j] || r.left < sizeof(float) * n) {
                snprintf(why, size, "no longer fits the network: layer %d's buffer %d holds "
                         "%llu values, the network's %zu", i + 1, j + 1, (unsigned long long)n,
                         sizes[j]);
                return 0;
            }
            r.p += sizeof(float) * n;
            r.left -= sizeof(float) * n;
        }
    }
    if (r.left) {
        snprintf(why, size, "no longer fits the network: %zu bytes more than it needs", r.left);
        return 0;
    }
    return 1;
}

static void restore(const unsigned char *data, network *net, train_result *r)
{
    reader rd = {data + 8 + IDENTITY_SIZE, SIZE_MAX};
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

/* The whole file at path in *data: 0, 1 when there is none, -1 when it cannot be read. */
static int read_all(const char *path, unsigned char **data, size_t *len, hia_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 1;
        return hia_fail(err, HIA_EENV, "cannot read checkpoint %s: %s", path, strerror(errno));
    }
    size_t cap = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            *data = xrealloc(*data, cap);
        }
        size_t got = fread(*data + *len, 1, cap - *len, f);
        *len += got;
        if (got == 0)
            break;
    }
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (!e)
        return 0;
    free(*data);
    *data = NULL;
    /* the file is there and hia's own: a failed read is the machine's, never a reason to
       train the trial again from its first epoch */
    return hia_fail(err, HIA_EENV, "cannot read checkpoint %s: %s", path, strerror(e));
}

int checkpoint_load(const char *path, const checkpoint_identity *id, network *net,
                    train_result *r, int max_epochs, char *why, size_t why_size,
                    hia_error *err)
{
    unsigned char *data;
    size_t len;
    int got = read_all(path, &data, &len, err);
    if (got)
        return got < 0 ? -1 : CHECKPOINT_NONE;
    uint32_t crc = 0;
    if (len >= HEADER_SIZE + 4)
        memcpy(&crc, data + len - 4, 4);
    int rc;
    if (len >= 8 && memcmp(data, MAGIC_V1, 8) == 0) {
        snprintf(why, why_size, "was written by an earlier hia, which did not record what it "
                 "was trained on");
        rc = CHECKPOINT_FOREIGN;
    } else if (len < HEADER_SIZE + 4 || memcmp(data, MAGIC, 8) != 0 ||
               crc != (uint32_t)crc32(0L, data, (uInt)(len - 4))) {
        snprintf(why, why_size, "is damaged (bad header or CRC)");
        rc = CHECKPOINT_DAMAGED;
    } else if (!same_identity(data + 8, id, why, why_size)) {
        rc = CHECKPOINT_FOREIGN;
    } else if (!fits(data, len - 4, net, max_epochs, why, why_size)) {
        rc = CHECKPOINT_MISFIT;
    } else {
        restore(data, net, r);
        rc = CHECKPOINT_RESTORED;
    }
    free(data);
    return rc;
}

const char *checkpoint_found_word(checkpoint_found found)
{
    return found == CHECKPOINT_FOREIGN ? "foreign"
           : found == CHECKPOINT_MISFIT ? "misfit"
                                        : "damaged";
}

int checkpoint_set_aside(const char *path, checkpoint_found found, char *aside, size_t size,
                         hia_error *err)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
    /* a second set-aside within the same second gets a count, never overwrites */
    for (int n = 1;; n++) {
        if (n == 1)
            snprintf(aside, size, "%s.%s-%s", path, checkpoint_found_word(found), stamp);
        else
            snprintf(aside, size, "%s.%s-%s-%d", path, checkpoint_found_word(found), stamp, n);
        if (access(aside, F_OK) != 0)
            break;
    }
    if (rename(path, aside) != 0 || sync_dir(path) != 0)
        return hia_fail(err, HIA_EENV, "cannot set checkpoint %s aside as %s: %s", path, aside,
                        strerror(errno));
    return 0;
}
