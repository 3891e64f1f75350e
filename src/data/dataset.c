/* Images in memory and an experiment's stratified, seeded splits. */
#include "data/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/formats/format.h"
#include "base/alloc.h"
#include "base/rng.h"

void dataset_images_free(dataset_images *d)
{
    for (int i = 0; d->names && i < d->classes; i++)
        free(d->names[i]);
    free(d->names);
    free(d->pixels);
    free(d->labels);
    memset(d, 0, sizeof(*d));
}

int dataset_load_idx(const char *images, const char *labels, int classes, dataset_images *out,
                     hia_error *err)
{
    const char *files[] = {images, labels};
    format_request req = {.files = files, .n_files = 2, .classes = classes};
    memset(out, 0, sizeof(*out));
    out->classes = classes;
    if (format_load_idx(&req, out, err)) {
        dataset_images_free(out);
        return -1;
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

int dataset_load_split(const dataset_desc *desc, const char *split, dataset_images *out,
                       hia_error *err)
{
    int train = !strcmp(split, "train");
    const format_info *fmt = format_find(desc->format);
    format_request req = {
        .files = (const char *const *)(train ? desc->train : desc->test),
        .n_files = train ? desc->n_train : desc->n_test,
        .classes = desc->classes,
        .width = desc->width, .height = desc->height, .channels = desc->channels,
        .class_names = (const char *const *)desc->class_names,
        .coarse = desc->coarse,
        .transpose = desc->transpose,
        .from = train ? 0 : desc->train_fraction,
        .to = train ? desc->train_fraction : 1,
    };
    memset(out, 0, sizeof(*out));
    out->classes = desc->classes;
    if (!fmt)
        return hia_fail(err, HIA_EINTERNAL, "unknown format %s", desc->format);
    if (fmt->load(&req, out, err) || check_shape(desc, out, req.files[0], err)) {
        dataset_images_free(out);
        return -1;
    }
    out->classes = desc->classes;
    return 0;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Orders the n items idx so that every prefix is stratified: each class's items in a seeded
   random order, interleaved so that after t items each class holds within one of its exact
   share t * count / n (the class furthest below its share comes next, the lowest on ties).
   A set of k items is the first k: a smaller set lies inside a larger one drawn alike. */
static void stratified_order(const dataset_images *d, const int *idx, int n, rng *r, int *out)
{
    int c = d->classes;
    long long *count = xcalloc((size_t)c, sizeof(long long));
    long long *taken = xcalloc((size_t)c, sizeof(long long));
    int *start = xcalloc((size_t)c + 1, sizeof(int));
    int *shuffled = xmalloc((size_t)(n ? n : 1) * sizeof(int));
    int *bucket = xmalloc((size_t)(n ? n : 1) * sizeof(int));
    memcpy(shuffled, idx, (size_t)n * sizeof(int));
    rng_shuffle(r, shuffled, n);
    for (int i = 0; i < n; i++)
        count[d->labels[shuffled[i]]]++;
    for (int j = 0; j < c; j++)
        start[j + 1] = start[j] + (int)count[j];
    int *fill = xmalloc((size_t)c * sizeof(int));
    memcpy(fill, start, (size_t)c * sizeof(int));
    for (int i = 0; i < n; i++)
        bucket[fill[d->labels[shuffled[i]]]++] = shuffled[i];
    for (long long t = 1; t <= n; t++) {
        /* shortfall of class j before item t, scaled by n: t * count[j] - taken[j] * n */
        int best = -1;
        long long best_gap = 0;
        for (int j = 0; j < c; j++) {
            if (taken[j] == count[j])
                continue;
            long long gap = t * count[j] - taken[j] * n;
            if (best < 0 || gap > best_gap) {
                best = j;
                best_gap = gap;
            }
        }
        out[t - 1] = bucket[start[best] + taken[best]++];
    }
    free(count);
    free(taken);
    free(start);
    free(fill);
    free(shuffled);
    free(bucket);
}

/* The first k of a stratified order of the n items idx, ascending. */
static void stratified_prefix(const dataset_images *d, const int *idx, int n, int k, rng *r,
                              int *order, int *picked)
{
    stratified_order(d, idx, n, r, order);
    memcpy(picked, order, (size_t)k * sizeof(int));
    qsort(picked, (size_t)k, sizeof(int), cmp_int);
}

static void copy_subset(const dataset_images *src, const int *idx, int n, dataset_images *out)
{
    size_t image = (size_t)src->channels * src->height * src->width;
    *out = *src;
    out->names = NULL;
    out->n = n;
    out->pixels = xmalloc(image * (size_t)(n ? n : 1));
    out->labels = xmalloc(sizeof(uint16_t) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        memcpy(out->pixels + image * (size_t)i, src->pixels + image * (size_t)idx[i], image);
        out->labels[i] = src->labels[idx[i]];
    }
}

/* Keeps the images idx (ascending) of src in place and hands its memory to out: a split of
   the whole training set costs no second copy. */
static void take_subset(dataset_images *src, const int *idx, int n, dataset_images *out)
{
    size_t image = (size_t)src->channels * src->height * src->width;
    for (int i = 0; i < n; i++) {
        if (idx[i] != i)
            memmove(src->pixels + image * (size_t)i, src->pixels + image * (size_t)idx[i],
                    image);
        src->labels[i] = src->labels[idx[i]];
    }
    uint8_t *p = realloc(src->pixels, image * (size_t)(n ? n : 1));
    if (p)
        src->pixels = p;
    *out = *src;
    out->n = n;
    memset(src, 0, sizeof(*src));
}

static int draw_splits(const config_dataset *cd, uint64_t seed, dataset_images *train,
                       dataset_images *test, dataset_splits *out, hia_error *err)
{
    long want = cd->train + cd->validation;
    if (want > train->n)
        return hia_fail(err, HIA_EUSER, "%s: dataset '%s': train + validation = %ld, but the "
                        "training split has %d images", cd->where, cd->name, want, train->n);
    if (cd->test > test->n)
        return hia_fail(err, HIA_EUSER, "%s: dataset '%s': test = %ld, but the test split has %d "
                        "images", cd->where, cd->name, cd->test, test->n);
    int n_test = cd->test ? (int)cd->test : test->n;
    int most = train->n > test->n ? train->n : test->n;
    int *all = xmalloc(sizeof(int) * (size_t)(most ? most : 1));
    int *order = xmalloc(sizeof(int) * (size_t)(most ? most : 1));
    int *val = xmalloc(sizeof(int) * (size_t)(cd->validation ? cd->validation : 1));
    int *tr = xmalloc(sizeof(int) * (size_t)(cd->train ? cd->train : 1));
    int *te = xmalloc(sizeof(int) * (size_t)(n_test ? n_test : 1));
    /* Each set from its own stream and from no other set's size: the validation and test
       images do not depend on the training size, and a smaller training set is the start
       of a larger one's order (a paired study changes the training data alone). */
    rng r;
    for (int i = 0; i < train->n; i++)
        all[i] = i;
    rng_init(&r, rng_derive(seed, 0, RNG_SUBSET, 1));
    stratified_prefix(train, all, train->n, (int)cd->validation, &r, order, val);
    int rest = 0;
    for (int i = (int)cd->validation; i < train->n; i++)
        all[rest++] = order[i];
    qsort(all, (size_t)rest, sizeof(int), cmp_int);
    rng_init(&r, rng_derive(seed, 0, RNG_SUBSET, 2));
    stratified_prefix(train, all, rest, (int)cd->train, &r, order, tr);
    for (int i = 0; i < test->n; i++)
        all[i] = i;
    rng_init(&r, rng_derive(seed, 0, RNG_SUBSET, 3));
    stratified_prefix(test, all, test->n, n_test, &r, order, te);
    copy_subset(train, val, (int)cd->validation, &out->validation);
    take_subset(train, tr, (int)cd->train, &out->train);
    take_subset(test, te, n_test, &out->test);
    free(all);
    free(order);
    free(val);
    free(tr);
    free(te);
    return 0;
}

int dataset_prepare(const config_dataset *cd, uint64_t seed, dataset_splits *out,
                    hia_error *err)
{
    dataset_desc desc;
    dataset_images train = {0}, test = {0};
    memset(out, 0, sizeof(*out));
    if (dataset_desc_load(cd->name, &desc, err))
        return -1;
    int rc = dataset_load_split(&desc, "train", &train, err) ||
             dataset_load_split(&desc, "test", &test, err) ||
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
