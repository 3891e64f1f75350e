/* dataset: IDX files (raw and gzip) load exactly; every damaged file gets a message naming the
   file and the problem; subsets are stratified, disjoint and reproducible. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "data/dataset.h"

static char dir[256];

static void path_of(char *buf, const char *name)
{
    snprintf(buf, 512, "%s/%s", dir, name);
}

static void put_be32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

/* An IDX image file of n images h x w (pixel = image index * 7 + offset), or a label file. */
static size_t make_images(unsigned char *buf, int n, int h, int w)
{
    buf[0] = buf[1] = 0;
    buf[2] = 8;
    buf[3] = 3;
    put_be32(buf + 4, (uint32_t)n);
    put_be32(buf + 8, (uint32_t)h);
    put_be32(buf + 12, (uint32_t)w);
    for (int i = 0; i < n * h * w; i++)
        buf[16 + i] = (unsigned char)((i / (h * w)) * 7 + i % (h * w));
    return 16 + (size_t)n * h * w;
}

static size_t make_labels(unsigned char *buf, int n, int classes)
{
    buf[0] = buf[1] = 0;
    buf[2] = 8;
    buf[3] = 1;
    put_be32(buf + 4, (uint32_t)n);
    for (int i = 0; i < n; i++)
        buf[8 + i] = (unsigned char)(i % classes);
    return 8 + (size_t)n;
}

static void write_file(const char *name, const unsigned char *data, size_t n, int gz)
{
    char path[512];
    path_of(path, name);
    if (gz) {
        gzFile f = gzopen(path, "wb");
        CHECK(f && gzwrite(f, data, (unsigned)n) == (int)n && gzclose(f) == Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
    }
}

static int load(const char *images, const char *labels, int classes, dataset_images *d,
                hia_error *err)
{
    char pi[512], pl[512];
    path_of(pi, images);
    path_of(pl, labels);
    return dataset_load_idx(pi, pl, classes, d, err);
}

static void expect_fail(const char *images, const char *labels, int classes, const char *file,
                        const char *what)
{
    dataset_images d;
    hia_error err = {0};
    CHECK(load(images, labels, classes, &d, &err) == -1);
    CHECK(err.status == HIA_EUSER);
    CHECK_MSG(err.msg, file, what);
}

static void test_idx(void)
{
    static unsigned char img[16 + 5 * 6], lab[8 + 5], buf[256];
    size_t ni = make_images(img, 5, 2, 3), nl = make_labels(lab, 5, 3);
    write_file("img", img, ni, 0);
    write_file("lab", lab, nl, 0);
    write_file("img.gz", img, ni, 1);
    write_file("lab.gz", lab, nl, 1);
    for (int gz = 0; gz < 2; gz++) {
        dataset_images d;
        hia_error err = {0};
        CHECK(load(gz ? "img.gz" : "img", gz ? "lab.gz" : "lab", 3, &d, &err) == 0);
        CHECK(d.n == 5 && d.height == 2 && d.width == 3 && d.channels == 1);
        CHECK(memcmp(d.pixels, img + 16, 30) == 0);
        for (int i = 0; i < 5; i++)
            CHECK(d.labels[i] == i % 3);
        float f[6];
        dataset_image_float(&d, 1, f);
        CHECK(fabsf(f[0] - 7 / 255.0f) < 1e-7f && fabsf(f[5] - 12 / 255.0f) < 1e-7f);
        dataset_images_free(&d);
    }
    expect_fail("lab", "lab", 3, "/lab", "not an IDX file of 3-dimensional");
    write_file("short", img, ni - 4, 0);
    expect_fail("short", "lab", 3, "/short", "truncated");
    write_file("long", img, ni, 0);
    memcpy(buf, img, ni);
    buf[ni] = 1;
    write_file("long", buf, ni + 1, 0);
    expect_fail("long", "lab", 3, "/long", "unexpected data after byte 46");
    make_labels(buf, 4, 3);
    write_file("lab4", buf, 12, 0);
    expect_fail("img", "lab4", 3, "/lab4", "4 labels for 5 images");
    memcpy(buf, lab, nl);
    buf[8 + 2] = 7;
    write_file("labbad", buf, nl, 0);
    expect_fail("img", "labbad", 3, "/labbad", "label 7 of image 2 (byte 10) is out of range");
    write_file("empty", buf, 0, 0);
    expect_fail("empty", "lab", 3, "/empty", "truncated");
    expect_fail("missing", "lab", 3, "/missing", "cannot open");

    /* a gzip whose CRC does not match its data */
    char path[512];
    path_of(path, "img.gz");
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 8);
    buf[n - 8] ^= 0xff;
    write_file("crc.gz", buf, n, 0);
    expect_fail("crc.gz", "lab", 3, "/crc.gz", "corrupt");
}

static void write_descriptor(void)
{
    static unsigned char img[16 + 200 * 4], lab[8 + 200];
    char text[1024], path[512];
    /* 200 images 2x2, 4 classes, 50 each; pixel 0 and 1 encode the index */
    make_images(img, 200, 2, 2);
    for (int i = 0; i < 200; i++) {
        img[16 + 4 * i] = (unsigned char)(i / 256);
        img[16 + 4 * i + 1] = (unsigned char)(i % 256);
    }
    make_labels(lab, 200, 4);
    write_file("train-img", img, sizeof(img), 0);
    write_file("train-lab", lab, sizeof(lab), 0);
    make_images(img, 40, 2, 2);
    write_file("test-img", img, 16 + 40 * 4, 0);
    make_labels(lab, 40, 4);
    write_file("test-lab", lab, 8 + 40, 0);
    snprintf(text, sizeof(text),
             "name: tiny\nformat: idx\npath: %s\nshape: {width: 2, height: 2, channels: 1}\n"
             "classes: [a, b, c, d]\ntrain: {images: train-img, labels: train-lab}\n"
             "test: {images: test-img, labels: test-lab}\n", dir);
    path_of(path, "tiny.yaml");
    CHECK(write_text(path, text) == 0);
}

static int image_id(const dataset_images *d, int i)
{
    return d->pixels[4 * i] * 256 + d->pixels[4 * i + 1];
}

static void test_subsets(void)
{
    write_descriptor();
    config_dataset cd = {.name = "tiny", .train = 40, .validation = 20, .test = 8, .where = "t"};
    dataset_splits a, b, c;
    hia_error err = {0};
    if (dataset_prepare(&cd, 11, &a, &err)) {
        fprintf(stderr, "dataset_prepare: %s\n", err.msg);
        check_failures++;
        return;
    }
    CHECK(dataset_prepare(&cd, 11, &b, &err) == 0);
    CHECK(dataset_prepare(&cd, 12, &c, &err) == 0);
    CHECK(a.train.n == 40 && a.validation.n == 20 && a.test.n == 8);
    int per_class[3][4] = {{0}};
    char used[200] = {0};
    for (int i = 0; i < a.train.n; i++) {
        per_class[0][a.train.labels[i]]++;
        used[image_id(&a.train, i)]++;
        CHECK(a.train.labels[i] == image_id(&a.train, i) % 4);
    }
    for (int i = 0; i < a.validation.n; i++) {
        per_class[1][a.validation.labels[i]]++;
        used[image_id(&a.validation, i)]++;
    }
    for (int i = 0; i < a.test.n; i++)
        per_class[2][a.test.labels[i]]++;
    for (int k = 0; k < 4; k++)
        CHECK(per_class[0][k] == 10 && per_class[1][k] == 5 && per_class[2][k] == 2);
    for (int i = 0; i < 200; i++)
        CHECK(used[i] <= 1); /* train and validation are disjoint */
    CHECK(memcmp(a.train.pixels, b.train.pixels, 160) == 0);
    CHECK(memcmp(a.train.pixels, c.train.pixels, 160) != 0);
    dataset_splits_free(&b);
    dataset_splits_free(&c);

    /* Paired: with more training images the validation and test sets stay the same, and the
       smaller training set lies inside the larger one, itself stratified. */
    config_dataset big = cd;
    big.train = 120;
    CHECK(dataset_prepare(&big, 11, &b, &err) == 0);
    CHECK(b.validation.n == 20 && b.test.n == 8 && b.train.n == 120);
    CHECK(memcmp(a.validation.pixels, b.validation.pixels, 20 * 4) == 0);
    CHECK(memcmp(a.test.pixels, b.test.pixels, 8 * 4) == 0);
    char in_big[200] = {0};
    int big_class[4] = {0};
    for (int i = 0; i < b.train.n; i++) {
        in_big[image_id(&b.train, i)] = 1;
        big_class[b.train.labels[i]]++;
    }
    int inside = 0;
    for (int i = 0; i < a.train.n; i++)
        inside += in_big[image_id(&a.train, i)];
    CHECK(inside == a.train.n);
    for (int k = 0; k < 4; k++)
        CHECK(big_class[k] == 30);
    dataset_splits_free(&b);
    /* the test set depends on neither the training nor the validation size */
    big.validation = 40;
    CHECK(dataset_prepare(&big, 11, &b, &err) == 0);
    CHECK(memcmp(a.test.pixels, b.test.pixels, 8 * 4) == 0);
    dataset_splits_free(&b);
    dataset_splits_free(&a);

    cd.train = 190;
    CHECK(dataset_prepare(&cd, 11, &a, &err) == -1);
    CHECK_MSG(err.msg, "train + validation = 210", "has 200 images");
    cd.train = 40;
    cd.test = 0;
    CHECK(dataset_prepare(&cd, 11, &a, &err) == 0);
    CHECK(a.test.n == 40);
    dataset_splits_free(&a);
}

/* A descriptor with one line changed must fail naming the file, line and what is wrong. */
static void expect_desc_fail(const char *name, const char *body, const char *what)
{
    char path[512], text[1024];
    dataset_desc d;
    hia_error err = {0};
    snprintf(text, sizeof(text), "name: %s\npath: %s\nshape: {width: 2, height: 2, channels: 1}\n"
             "classes: [a, b]\n%s", name, dir, body);
    snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
    CHECK(write_text(path, text) == 0);
    CHECK(dataset_desc_load(name, &d, &err) == -1);
    CHECK_MSG(err.msg, path, what);
}

static void test_descriptors(void)
{
    expect_desc_fail("d1", "format: png\ntrain: x\ntest: y\n", "format 'png' is not known");
    expect_desc_fail("d2", "format: idx\ntrain: [a, b, c]\ntest: {images: a, labels: b}\n",
                     ":6:8: 'train': format idx takes images and labels IDX files");
    expect_desc_fail("d3", "format: svhn\ntrain: {images: a, labels: b}\ntest: t.mat\n",
                     "format svhn takes one SVHN format-2 .mat file, not images and labels");
    expect_desc_fail("d4", "format: idx\nlabel: coarse\ntrain: {images: a, labels: b}\n"
                     "test: {images: a, labels: b}\n", ":6:8: 'label' is for format cifar100");
    expect_desc_fail("d5", "format: mnist-json\ntrain: d\ntest: d\n",
                     "needs 'train_fraction'");
    expect_desc_fail("d6", "format: cifar10\ntrain: [a]\ntest: [b]\n"
                     "files: [{name: a, sha256: abc}]\n", "64 lower-case hex digits");
    expect_desc_fail("d7", "format: cifar10\ntrain: [a]\ntest: [b]\n"
                     "fetch: [{url: 'file:///x', name: a, size: 3}]\n", "'fetch' needs 'sha256'");
    expect_desc_fail("d8", "format: cifar10\ntrain: [a]\ntest: [b]\n"
                     "files: [{name: ../../etc/passwd}]\n", "a path inside the dataset's folder");
}

/* The whole of Fashion-MNIST, drawn into splits, stays under 100 MB resident. */
static void test_memory(void)
{
    struct rusage ru;
    dataset_splits s;
    hia_error err = {0};
    char *old = getenv("HIA_DATASETS") ? strdup(getenv("HIA_DATASETS")) : NULL;
    unsetenv("HIA_DATASETS");
    config_dataset cd = {.name = "fashion-mnist", .train = 50000, .validation = 10000,
                         .where = "t"};
    if (dataset_prepare(&cd, 3, &s, &err)) {
        fprintf(stderr, "fashion-mnist: %s\n", err.msg);
        check_failures++;
    } else {
        CHECK(s.train.n == 50000 && s.validation.n == 10000 && s.test.n == 10000);
        CHECK(getrusage(RUSAGE_SELF, &ru) == 0);
        fprintf(stderr, "fashion-mnist resident: peak %ld kB\n", ru.ru_maxrss);
        CHECK(ru.ru_maxrss < 100 * 1024);
        dataset_splits_free(&s);
    }
    if (old)
        setenv("HIA_DATASETS", old, 1);
    free(old);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hia-test-dataset-XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    setenv("HIA_DATASETS", dir, 1);
    test_idx();
    test_subsets();
    test_descriptors();
    test_memory();
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return CHECK_DONE();
}
