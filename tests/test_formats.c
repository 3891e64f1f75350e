/* formats: each loader reads a fixture written here in the published layout and gets every
   pixel and label right (transpositions included); each kind of damaged input gets a user
   error naming the file and what is wrong. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <stb_image_write.h>

#include "check.h"
#include "data/formats/format.h"
#include "mat_fixture.h"

static char dir[256];

static const char *path_of(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
    return buf[k];
}

static void write_bytes(const char *name, const void *data, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    CHECK(f && fwrite(data, 1, n, f) == n && fclose(f) == 0);
}

static int load1(const char *format, const char *a, const char *b, int classes,
                 dataset_images *d, hia_error *err)
{
    const char *files[] = {a ? path_of(a) : NULL, b ? path_of(b) : NULL};
    const format_info *fmt = format_find(format);
    format_request req = {.files = files, .n_files = b ? 2 : 1, .classes = classes};
    memset(d, 0, sizeof(*d));
    int rc = fmt->load(&req, d, err);
    if (rc)
        dataset_images_free(d);
    return rc;
}

static void expect_fail(const char *format, const char *a, const char *b, int classes,
                        const char *file, const char *what)
{
    dataset_images d;
    hia_error err = {0};
    CHECK(load1(format, a, b, classes, &d, &err) == -1);
    CHECK(err.status == HIA_EUSER);
    CHECK_MSG(err.msg, file, what);
}

/* CIFAR: two batches of records; pixel values encode (record, byte). */
static void test_cifar(void)
{
    enum { REC10 = 3073, REC100 = 3074 };
    static unsigned char b1[3 * REC100], b2[2 * REC100];
    for (int r = 0; r < 3; r++) {
        b1[r * REC10] = (unsigned char)(r + 1);
        for (int i = 0; i < 3072; i++)
            b1[r * REC10 + 1 + i] = (unsigned char)(r * 31 + i);
    }
    write_bytes("c10_a.bin", b1, 3 * REC10);
    write_bytes("c10_b.bin", b1, 1 * REC10);
    const char *files[] = {path_of("c10_a.bin"), path_of("c10_b.bin")};
    format_request req = {.files = files, .n_files = 2, .classes = 10};
    dataset_images d = {0};
    hia_error err = {0};
    CHECK(format_load_cifar10(&req, &d, &err) == 0);
    CHECK(d.n == 4 && d.width == 32 && d.height == 32 && d.channels == 3);
    CHECK(d.labels[0] == 1 && d.labels[2] == 3 && d.labels[3] == 1);
    CHECK(d.pixels[2 * 3072 + 5] == (unsigned char)(2 * 31 + 5));
    CHECK(d.pixels[3 * 3072 + 3071] == (unsigned char)3071);
    dataset_images_free(&d);

    for (int r = 0; r < 2; r++) {
        b2[r * REC100] = (unsigned char)(7 + r);     /* coarse */
        b2[r * REC100 + 1] = (unsigned char)(70 + r); /* fine */
        memset(b2 + r * REC100 + 2, r + 9, 3072);
    }
    write_bytes("c100.bin", b2, 2 * REC100);
    const char *f100[] = {path_of("c100.bin")};
    format_request fine = {.files = f100, .n_files = 1, .classes = 100};
    format_request coarse = {.files = f100, .n_files = 1, .classes = 20, .coarse = 1};
    CHECK(format_load_cifar100(&fine, &d, &err) == 0);
    CHECK(d.n == 2 && d.labels[0] == 70 && d.labels[1] == 71 && d.pixels[3072] == 10);
    dataset_images_free(&d);
    CHECK(format_load_cifar100(&coarse, &d, &err) == 0);
    CHECK(d.labels[0] == 7 && d.labels[1] == 8);
    dataset_images_free(&d);

    write_bytes("c10_short.bin", b1, 2 * REC10 - 100);
    expect_fail("cifar10", "c10_short.bin", NULL, 10, "c10_short.bin",
                "not a whole number of 3073-byte records (the last, image 1, has 2973 bytes)");
    b1[REC10] = 12;
    write_bytes("c10_label.bin", b1, 2 * REC10);
    expect_fail("cifar10", "c10_label.bin", NULL, 10, "c10_label.bin",
                "label 12 of image 1 (record 1, byte 3073) is out of range");
    write_bytes("c10_empty.bin", b1, 0);
    expect_fail("cifar10", "c10_empty.bin", NULL, 10, "c10_empty.bin", "empty file");
    expect_fail("cifar10", "nothing.bin", NULL, 10, "nothing.bin", "cannot open");
}

/* STL-10: each channel column-major; the loader must transpose. */
static void test_stl10(void)
{
    enum { S = 96, PLANE = S * S, IMAGE = 3 * PLANE };
    unsigned char *x = malloc(2 * IMAGE), y[2] = {3, 10};
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < 3; c++)
            for (int col = 0; col < S; col++)
                for (int row = 0; row < S; row++) /* value encodes (row, column) */
                    x[i * IMAGE + c * PLANE + col * S + row] =
                        (unsigned char)(row * 2 + col * 3 + c + i);
    write_bytes("train_X.bin", x, 2 * IMAGE);
    write_bytes("train_y.bin", y, 2);
    dataset_images d;
    hia_error err = {0};
    CHECK(load1("stl10", "train_X.bin", "train_y.bin", 10, &d, &err) == 0);
    CHECK(d.n == 2 && d.width == 96 && d.channels == 3);
    CHECK(d.labels[0] == 2 && d.labels[1] == 9);
    int row = 5, col = 17, c = 2, i = 1;
    CHECK(d.pixels[i * IMAGE + c * PLANE + row * S + col] ==
          (unsigned char)(row * 2 + col * 3 + c + i));
    dataset_images_free(&d);
    write_bytes("short_y.bin", y, 1);
    expect_fail("stl10", "train_X.bin", "short_y.bin", 10, "short_y.bin", "1 labels for 2 images");
    y[1] = 0;
    write_bytes("zero_y.bin", y, 2);
    expect_fail("stl10", "train_X.bin", "zero_y.bin", 10, "zero_y.bin", "label 0 of image 1");
    write_bytes("short_X.bin", x, IMAGE + 7);
    expect_fail("stl10", "short_X.bin", "train_y.bin", 10, "short_X.bin", "not a whole number");
    free(x);
}

/* SVHN: X [h, w, 3, n] column-major uint8, y as doubles 1..10; one file compressed. */
static void test_svhn(void)
{
    enum { H = 3, W = 5, C = 3, N = 4, IMG = H * W * C };
    static unsigned char file[1 << 17], raw[1 << 16], packed[1 << 16];
    unsigned char x[IMG * N];
    double y[N] = {10, 1, 5, 10};
    for (int i = 0; i < N; i++)
        for (int c = 0; c < C; c++)
            for (int col = 0; col < W; col++)
                for (int row = 0; row < H; row++)
                    x[i * IMG + c * H * W + col * H + row] = (unsigned char)(row * 10 + col +
                                                                             c * 50 + i);
    int32_t xd[4] = {H, W, C, N}, yd[2] = {N, 1};
    size_t k = mat_header(file);
    size_t nx = mat_matrix(raw, "X", 9, xd, 4, 2, x, sizeof(x));
    uLongf plen = sizeof(packed);
    CHECK(compress(packed, &plen, raw, nx) == Z_OK);
    k += mat_element(file + k, 15, packed, (uint32_t)plen) - (8 - plen % 8) % 8;
    k += mat_matrix(file + k, "y", 6, yd, 2, 9, y, sizeof(y));
    write_bytes("svhn.mat", file, k);
    dataset_images d;
    hia_error err = {0};
    if (load1("svhn", "svhn.mat", NULL, 10, &d, &err)) {
        fprintf(stderr, "svhn: %s\n", err.msg);
        check_failures++;
        return;
    }
    CHECK(d.n == N && d.width == W && d.height == H && d.channels == 3);
    CHECK(d.labels[0] == 0 && d.labels[1] == 1 && d.labels[2] == 5 && d.labels[3] == 0);
    int row = 2, col = 3, c = 1, i = 2;
    CHECK(d.pixels[i * IMG + c * H * W + row * W + col] ==
          (unsigned char)(row * 10 + col + c * 50 + i));
    dataset_images_free(&d);

    write_bytes("svhn_short.mat", file, k - 20);
    expect_fail("svhn", "svhn_short.mat", NULL, 10, "svhn_short.mat", "truncated");
    file[128 + 8 + plen - 1] ^= 0x55; /* the zlib stream's checksum */
    write_bytes("svhn_bad.mat", file, k);
    expect_fail("svhn", "svhn_bad.mat", NULL, 10, "svhn_bad.mat",
                "corrupt compressed element at byte 128: incorrect data check");
    write_bytes("svhn_head.mat", "MATLAB 7.3 MAT-file", 19);
    expect_fail("svhn", "svhn_head.mat", NULL, 10, "svhn_head.mat", "shorter than a MAT-file");
    file[0] = 'X';
    write_bytes("svhn_magic.mat", file, k);
    expect_fail("svhn", "svhn_magic.mat", NULL, 10, "svhn_magic.mat", "not a MATLAB 5 MAT-file");

    /* uncompressed, a label that is no SVHN label, and a count mismatch */
    y[1] = 11;
    k = mat_header(file);
    k += mat_matrix(file + k, "X", 9, xd, 4, 2, x, sizeof(x));
    size_t before_y = k;
    k += mat_matrix(file + k, "y", 6, yd, 2, 9, y, sizeof(y));
    write_bytes("svhn_label.mat", file, k);
    expect_fail("svhn", "svhn_label.mat", NULL, 10, "svhn_label.mat", "label 11 of image 1");
    y[1] = 1;
    yd[0] = 3;
    k = before_y + mat_matrix(file + before_y, "y", 6, yd, 2, 9, y + 1, 3 * sizeof(double));
    write_bytes("svhn_count.mat", file, k);
    expect_fail("svhn", "svhn_count.mat", NULL, 10, "svhn_count.mat", "4 images, y 3 labels");
    write_bytes("svhn_noy.mat", file, before_y);
    expect_fail("svhn", "svhn_noy.mat", NULL, 10, "svhn_noy.mat", "no variable 'y'");
}

static void make_dir(const char *name)
{
    CHECK(mkdir(path_of(name), 0777) == 0);
}

static void write_png(const char *name, int w, int h, int comp, unsigned char base)
{
    unsigned char px[64 * 64 * 3];
    for (int i = 0; i < w * h * comp; i++)
        px[i] = (unsigned char)(base + i);
    CHECK(stbi_write_png(path_of(name), w, h, comp, px, w * comp) != 0);
}

static void test_imagefolder(void)
{
    make_dir("imgs");
    make_dir("imgs/b_cat");
    make_dir("imgs/a_dog");
    write_png("imgs/a_dog/1.png", 4, 3, 3, 10);
    write_png("imgs/a_dog/2.png", 4, 3, 3, 20);
    write_png("imgs/b_cat/x.png", 4, 3, 3, 30);
    write_bytes("imgs/b_cat/notes.txt", "not an image", 12);
    dataset_images d;
    hia_error err = {0};
    CHECK(load1("imagefolder", "imgs", NULL, 0, &d, &err) == 0);
    CHECK(d.n == 3 && d.width == 4 && d.height == 3 && d.channels == 3 && d.classes == 2);
    CHECK(d.names && !strcmp(d.names[0], "a_dog") && !strcmp(d.names[1], "b_cat"));
    CHECK(d.labels[0] == 0 && d.labels[1] == 0 && d.labels[2] == 1);
    /* channel-major: pixel (y=1, x=2) of channel 1 of image 2 was at (1*4+2)*3+1 in the PNG */
    CHECK(d.pixels[2 * 36 + 1 * 12 + 1 * 4 + 2] == (unsigned char)(30 + (1 * 4 + 2) * 3 + 1));
    dataset_images_free(&d);

    /* the descriptor's classes in its order, resized and converted to grey */
    const char *classes[] = {"b_cat", "a_dog"};
    const char *files[] = {path_of("imgs")};
    format_request req = {.files = files, .n_files = 1, .classes = 2, .width = 8, .height = 8,
                          .channels = 1, .class_names = classes};
    if (format_load_imagefolder(&req, &d, &err) != 0) {
        fprintf(stderr, "imagefolder: %s\n", err.msg);
        check_failures++;
        return;
    }
    CHECK(d.n == 3 && d.width == 8 && d.height == 8 && d.channels == 1);
    CHECK(d.labels[0] == 0 && d.labels[1] == 1 && d.labels[2] == 1);
    dataset_images_free(&d);
    const char *wrong[] = {"b_cat", "horse"};
    req.class_names = wrong;
    CHECK(format_load_imagefolder(&req, &d, &err) == -1);
    CHECK_MSG(err.msg, "imgs/a_dog", "not one of the 2 classes");

    write_png("imgs/b_cat/big.png", 6, 3, 3, 0);
    expect_fail("imagefolder", "imgs", NULL, 0, "imgs/b_cat/big.png",
                "6x3, but the first image is 4x3");
    write_bytes("imgs/b_cat/big.png", "", 0);
    expect_fail("imagefolder", "imgs", NULL, 0, "imgs/b_cat/big.png", "empty file");
    write_bytes("imgs/b_cat/big.png", "\x89PNG garbage", 12);
    expect_fail("imagefolder", "imgs", NULL, 0, "imgs/b_cat/big.png", "cannot decode");
    CHECK(unlink(path_of("imgs/b_cat/big.png")) == 0);
    make_dir("imgs/c_empty");
    expect_fail("imagefolder", "imgs", NULL, 0, "imgs/c_empty", "empty class folder");
    make_dir("flat");
    write_png("flat/1.png", 4, 3, 3, 0);
    expect_fail("imagefolder", "flat", NULL, 0, "flat", "no class sub-folders");
}

static void write_digits(const char *folder, int per_class, const char *damage)
{
    char name[64], *text = malloc(64 * 784 * 8 + 64);
    make_dir(folder);
    for (int dgt = 0; dgt < 10; dgt++) {
        size_t k = (size_t)sprintf(text, "{ \"data\": [");
        for (int i = 0; i < per_class * 784; i++)
            k += (size_t)sprintf(text + k, "%s%g", i ? "," : "", (i % 784 == 0) ? (dgt + 10 * (i / 784)) / 255.0 : 0.5);
        k += (size_t)sprintf(text + k, "]}\n");
        if (damage && dgt == 3)
            k = (size_t)sprintf(text, "%s", damage);
        snprintf(name, sizeof(name), "%s/%d.json", folder, dgt);
        write_bytes(name, text, k);
    }
    free(text);
}

static void test_mnist_json(void)
{
    write_digits("digits", 5, NULL);
    const char *files[] = {path_of("digits")};
    format_request train = {.files = files, .n_files = 1, .classes = 10, .from = 0, .to = 0.8};
    format_request test = {.files = files, .n_files = 1, .classes = 10, .from = 0.8, .to = 1};
    dataset_images d = {0};
    hia_error err = {0};
    CHECK(format_load_mnist_json(&train, &d, &err) == 0);
    CHECK(d.n == 40 && d.width == 28 && d.channels == 1);
    CHECK(d.labels[0] == 0 && d.labels[4] == 1 && d.labels[39] == 9);
    CHECK(d.pixels[4 * 784] == 1 && d.pixels[5 * 784] == 11 && d.pixels[1] == 128);
    dataset_images_free(&d);
    CHECK(format_load_mnist_json(&test, &d, &err) == 0);
    CHECK(d.n == 10 && d.labels[3] == 3 && d.pixels[3 * 784] == 43); /* 5th image of digit 3 */
    dataset_images_free(&d);
    write_digits("digits_bad", 1, "{\"data\": [0, 1.5]}");
    expect_fail("mnist-json", "digits_bad", NULL, 10, "digits_bad/3.json",
                "expected a pixel value in [0,1], found '1.5'");
    write_digits("digits_cut", 1, "{\"data\": [0, 0.5, 1]}");
    expect_fail("mnist-json", "digits_cut", NULL, 10, "digits_cut/3.json",
                "3 values are not a whole number of 28x28 images");
    write_digits("digits_trunc", 1, "{\"data\": [0, 0.5,");
    expect_fail("mnist-json", "digits_trunc", NULL, 10, "digits_trunc/3.json",
                "byte 17: expected a pixel value in [0,1], found the end of the file");
}

static void test_idx_transposed(void)
{
    unsigned char img[16 + 2 * 6] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2};
    unsigned char lab[8 + 2] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 0};
    for (int i = 0; i < 12; i++)
        img[16 + i] = (unsigned char)i;
    write_bytes("t-img", img, sizeof(img));
    write_bytes("t-lab", lab, sizeof(lab));
    const char *files[] = {path_of("t-img"), path_of("t-lab")};
    format_request req = {.files = files, .n_files = 2, .classes = 2, .transpose = 1};
    dataset_images d = {0};
    hia_error err = {0};
    CHECK(format_load_idx(&req, &d, &err) == 0);
    /* stored 3 rows x 2 columns, column by column: the image is 2 high, 3 wide */
    CHECK(d.height == 2 && d.width == 3);
    static const unsigned char want[6] = {0, 2, 4, 1, 3, 5};
    CHECK(memcmp(d.pixels, want, 6) == 0);
    CHECK(d.pixels[6] == 6 && d.pixels[7] == 8);
    dataset_images_free(&d);
}

int main(void)
{
    snprintf(dir, sizeof(dir), "/tmp/hia-formats-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    test_cifar();
    test_stl10();
    test_svhn();
    test_imagefolder();
    test_mnist_json();
    test_idx_transposed();
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return CHECK_DONE();
}
