/* make_seeds DIR: writes a small valid input of every format into DIR/<format>/, in the
   layout fuzz_formats.c expects, as the fuzzers' starting corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <stb_image_write.h>

#include "../mat_fixture.h"

static const char *out;

static void put_mode(const char *format, const char *name, const void *data, size_t n,
                     const char *mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", out, format);
    mkdir(path, 0777);
    snprintf(path, sizeof(path), "%s/%s/%s", out, format, name);
    FILE *f = fopen(path, mode);
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void put(const char *format, const char *name, const void *data, size_t n)
{
    put_mode(format, name, data, n, "wb");
}

/* Two files behind a 2-byte length of the first. */
static size_t pair(uint8_t *buf, const void *a, size_t na, const void *b, size_t nb)
{
    buf[0] = (uint8_t)na;
    buf[1] = (uint8_t)(na >> 8);
    memcpy(buf + 2, a, na);
    memcpy(buf + 2 + na, b, nb);
    return 2 + na + nb;
}

static void idx_seeds(void)
{
    uint8_t img[16 + 3 * 4 * 5] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5};
    uint8_t lab[8 + 3] = {0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2}, buf[256];
    for (int i = 16; i < (int)sizeof(img); i++)
        img[i] = (uint8_t)(i * 7);
    put("idx", "raw", buf, pair(buf, img, sizeof(img), lab, sizeof(lab)));
    uint8_t gz[256];
    uLongf n = sizeof(gz);
    z_stream z = {0};
    deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY); /* gzip wrapper */
    z.next_in = img;
    z.avail_in = sizeof(img);
    z.next_out = gz;
    z.avail_out = (uInt)n;
    deflate(&z, Z_FINISH);
    n = z.total_out;
    deflateEnd(&z);
    put("idx", "gzip", buf, pair(buf, gz, n, lab, sizeof(lab)));
}

static void cifar_seeds(void)
{
    static uint8_t rec[2 * 3074];
    for (size_t i = 0; i < sizeof(rec); i++)
        rec[i] = (uint8_t)(i * 13);
    rec[0] = 3;
    rec[3073] = 1;
    put("cifar10", "two", rec, 2 * 3073);
    rec[1] = 4;
    put("cifar100", "two", rec, 2 * 3074);
}

static void stl10_seed(void)
{
    static uint8_t x[27648], buf[2 + 27648 + 1];
    for (size_t i = 0; i < sizeof(x); i++)
        x[i] = (uint8_t)(i * 3);
    uint8_t y = 4;
    put("stl10", "one", buf, pair(buf, x, sizeof(x), &y, 1));
}

static void svhn_seeds(void)
{
    uint8_t file[8192], raw[4096], packed[4096], x[2 * 3 * 2 * 3];
    int32_t xd[4] = {2, 3, 3, 2}, yd[2] = {2, 1};
    double y[2] = {10, 3};
    for (size_t i = 0; i < sizeof(x); i++)
        x[i] = (uint8_t)(i * 9);
    size_t k = mat_header(file);
    k += mat_matrix(file + k, "X", 9, xd, 4, 2, x, sizeof(x));
    k += mat_matrix(file + k, "y", 6, yd, 2, 9, y, sizeof(y));
    put("svhn", "plain", file, k);
    size_t nx = mat_matrix(raw, "X", 9, xd, 4, 2, x, sizeof(x));
    uLongf np = sizeof(packed);
    compress(packed, &np, raw, nx);
    k = 128 + mat_element(file + 128, 15, packed, (uint32_t)np) - (8 - np % 8) % 8;
    k += mat_matrix(file + k, "y", 6, yd, 2, 2, (uint8_t[]){10, 3}, 2);
    put("svhn", "compressed", file, k);
}

/* stb writes an image in pieces. */
static void write_cb(void *ctx, void *data, int size)
{
    put_mode("imagefolder", (const char *)ctx, data, (size_t)size, "ab");
}

static void image_seeds(void)
{
    uint8_t px[4 * 3 * 3];
    for (size_t i = 0; i < sizeof(px); i++)
        px[i] = (uint8_t)(i * 21);
    stbi_write_png_to_func(write_cb, "png", 4, 3, 3, px, 12);
    stbi_write_bmp_to_func(write_cb, "bmp", 4, 3, 3, px);
    stbi_write_jpg_to_func(write_cb, "jpg", 4, 3, 3, px, 90);
    stbi_write_png_to_func(write_cb, "grey.png", 6, 2, 1, px, 6);
}

static void json_seed(void)
{
    char text[784 * 8 + 32];
    size_t k = (size_t)sprintf(text, "{\"data\": [");
    for (int i = 0; i < 784; i++)
        k += (size_t)sprintf(text + k, "%s%.3f", i ? "," : "", (i % 17) / 16.0);
    k += (size_t)sprintf(text + k, "]}\n");
    put("mnist-json", "one", text, k);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    out = argv[1];
    mkdir(out, 0777);
    idx_seeds();
    cifar_seeds();
    stl10_seed();
    svhn_seeds();
    image_seeds();
    json_seed();
    return 0;
}
