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

/* Picks k of the n items idx, keeping each class's share (largest remainders get the
   leftover places, lowest class first on ties); picked and rest come out sorted. */
static void stratified_pick(const dataset_images *d, const int *idx, int n, int k, rng *r,
                            int *picked, int *rest)
{
    int c = d->classes;
    int *count = xcalloc((size_t)c, sizeof(int));
    int *take = xcalloc((size_t)c, sizeof(int));
    double *frac = xcalloc((size_t)c, sizeof(double));
    int *order = xmalloc((size_t)(n ? n : 1) * sizeof(int));
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
    int *all = xmalloc(sizeof(int) * (size_t)(train->n > test->n ? train->n : test->n));
    int *sel = xmalloc(sizeof(int) * (size_t)want);
    int *val = xmalloc(sizeof(int) * (size_t)cd->validation);
    int *tr = xmalloc(sizeof(int) * (size_t)cd->train);
    int *te = xmalloc(sizeof(int) * (size_t)n_test);
    rng r;
    for (int i = 0; i < train->n; i++)
        all[i] = i;
    rng_init(&r, rng_derive(seed, 0, RNG_SUBSET, 0));
    stratified_pick(train, all, train->n, (int)want, &r, sel, NULL);
    stratified_pick(train, sel, (int)want, (int)cd->validation, &r, val, tr);
    for (int i = 0; i < test->n; i++)
        all[i] = i;
    stratified_pick(test, all, test->n, n_test, &r, te, NULL);
    copy_subset(train, val, (int)cd->validation, &out->validation);
    take_subset(train, tr, (int)cd->train, &out->train);
    take_subset(test, te, n_test, &out->test);
    free(all);
    free(sel);
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
