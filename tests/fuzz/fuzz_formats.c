/* A fuzz target for every loader (libFuzzer): the input becomes the format's file(s) and
   the loader must either load it consistently or fail with a user error that names the
   file; anything else aborts. The format comes from $HIA_FUZZ_FORMAT (fuzzing) or from
   fuzz_replay's command line (the corpus as regression tests). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/formats/format.h"

static const char *fuzz_format;
static char root[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_select(const char *target);
void fuzz_cleanup(void);

/* fuzz_replay's choice of format (fuzzing: $HIA_FUZZ_FORMAT). */
void fuzz_select(const char *target)
{
    fuzz_format = target;
}

void fuzz_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (root[0] && system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", root);
}

static void put(const char *name, const uint8_t *data, size_t size)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!fuzz_format)
        fuzz_format = getenv("HIA_FUZZ_FORMAT");
    if (!fuzz_format || !format_find(fuzz_format)) {
        fprintf(stderr, "set HIA_FUZZ_FORMAT to one of: %s\n", format_names());
        exit(2);
    }
    snprintf(root, sizeof(root), "/tmp/hia-fuzz-XXXXXX");
    if (!mkdtemp(root))
        abort();
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/a", root);
    mkdir(sub, 0700);
    snprintf(sub, sizeof(sub), "%s/b", root);
    mkdir(sub, 0700);
    return 0;
}

/* Two-file formats: the first two bytes give the first file's length. */
static void split(const uint8_t *data, size_t size, const char *first, const char *second)
{
    size_t n = size >= 2 ? (size_t)(data[0] | data[1] << 8) : 0;
    data += size >= 2 ? 2 : size;
    size -= size >= 2 ? 2 : size;
    if (n > size)
        n = size;
    put(first, data, n);
    put(second, data + n, size - n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const format_info *fmt = format_find(fuzz_format);
    char a[128], b[128];
    const char *files[2] = {a, b};
    format_request req = {.files = files, .n_files = fmt->min_files};
    if (!strcmp(fmt->name, "idx") || !strcmp(fmt->name, "stl10")) {
        split(data, size, "f1", "f2");
        snprintf(a, sizeof(a), "%s/f1", root);
        snprintf(b, sizeof(b), "%s/f2", root);
    } else if (!strcmp(fmt->name, "imagefolder")) {
        put("a/x.png", data, size);
        put("b/y.bmp", data, size);
        snprintf(a, sizeof(a), "%s", root);
    } else if (!strcmp(fmt->name, "mnist-json")) {
        for (int d = 0; d < 10; d++) {
            char name[16];
            snprintf(name, sizeof(name), "%d.json", d);
            put(name, data, size);
        }
        snprintf(a, sizeof(a), "%s", root);
        req.to = 0.5 + (size % 3) * 0.25;
    } else {
        put("f1", data, size);
        snprintf(a, sizeof(a), "%s/f1", root);
        req.coarse = size & 1;
        req.classes = size & 2 ? 10 : 0;
    }
    req.transpose = size & 4;
    dataset_images d = {0};
    hia_error err = {0};
    if (fmt->load(&req, &d, &err) == 0) {
        size_t image = (size_t)d.width * d.height * d.channels;
        unsigned sum = 0;
        for (size_t i = 0; i < image * (size_t)d.n; i++)
            sum += d.pixels[i];
        for (int i = 0; i < d.n; i++)
            if (d.labels[i] >= (d.classes ? d.classes : 65536))
                abort();
        if (d.n < 0 || (d.n > 0 && image == 0) || sum == 0xdeadbeef)
            abort();
    } else if (err.status != HIA_EINTERNAL && (err.status != HIA_EUSER || !strstr(err.msg, root))) {
        fprintf(stderr, "bad error (status %d): %s\n", err.status, err.msg);
        abort();
    }
    dataset_images_free(&d);
    return 0;
}
