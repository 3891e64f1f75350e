/* Image folders: ROOT/<class>/<image>, PNG, JPEG or BMP decoded by stb_image, converted to
   the requested channels (1 grey, 3 RGB) and resized (stb_image_resize) to the descriptor's
   size. Classes are the sub-folders, in the descriptor's order or sorted by name; images are
   taken in name order, so a folder always loads the same way. */
#include "data/formats/format.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <stb_image.h>
#include <stb_image_resize.h>

#include "base/alloc.h"
#include "base/strbuf.h"

typedef struct name_list {
    char **items;
    int n, cap;
} name_list;

static void names_free(name_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof(*l));
}

static void names_add(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 16;
        l->items = xrealloc(l->items, sizeof(char *) * (size_t)cap);
        l->cap = cap;
    }
    l->items[l->n++] = xstrdup(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_image(const char *name)
{
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".bmp"};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(ext) / sizeof(ext[0]); i++)
        if (!strcasecmp(dot, ext[i]))
            return 1;
    return 0;
}

/* Appends the entries of dir, sorted (hidden ones left out): sub-folders when want_dirs, else
   image files. */
static int list_dir(const char *dir, int want_dirs, name_list *out, hia_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int first = out->n;
    if (!d)
        return hia_fail(err, HIA_EUSER, "%s: cannot open folder: %s", dir, strerror(errno));
    while ((e = readdir(d))) {
        struct stat st;
        if (e->d_name[0] == '.')
            continue;
        char *path = xstrfmt("%s/%s", dir, e->d_name);
        int found = stat(path, &st) == 0;
        free(path);
        if (!found)
            continue; /* a dangling link is no image */
        if (want_dirs ? S_ISDIR(st.st_mode) : (S_ISREG(st.st_mode) && is_image(e->d_name)))
            names_add(out, e->d_name);
    }
    closedir(d);
    qsort(out->items + first, (size_t)(out->n - first), sizeof(char *), cmp_str);
    return 0;
}

/* The class folders: the descriptor's names (each must exist, nothing else may), or all. */
static int find_classes(const format_request *req, name_list *classes, hia_error *err)
{
    const char *root = req->files[0];
    if (list_dir(root, 1, classes, err))
        return -1;
    if (classes->n == 0)
        return hia_fail(err, HIA_EUSER, "%s: no class sub-folders (an image folder holds one "
                        "sub-folder of images per class)", root);
    if (!req->class_names)
        return 0;
    for (int i = 0; i < classes->n; i++) {
        int known = 0;
        for (int k = 0; k < req->classes && !known; k++)
            known = !strcmp(classes->items[i], req->class_names[k]);
        if (!known)
            return hia_fail(err, HIA_EUSER, "%s/%s: a folder that is not one of the %d classes",
                            root, classes->items[i], req->classes);
    }
    names_free(classes);
    for (int k = 0; k < req->classes; k++) {
        struct stat st;
        char *path = xstrfmt("%s/%s", root, req->class_names[k]);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            hia_fail(err, HIA_EUSER, "%s: missing: the folder of class '%s'", path,
                     req->class_names[k]);
            free(path);
            return -1;
        }
        free(path);
        names_add(classes, req->class_names[k]);
    }
    return 0;
}

/* Decodes one image into out's slot i (channel-major), resized when a size was asked for. */
static int load_image(const format_request *req, const char *path, dataset_images *out, long i,
                      hia_error *err)
{
    size_t len;
    int w, h, comp;
    unsigned char *file = format_read_file(path, &len, err);
    if (!file)
        return -1;
    unsigned char *px = len > (size_t)1 << 30 ? NULL
                        : stbi_load_from_memory(file, (int)len, &w, &h, &comp, out->channels);
    free(file);
    if (!px)
        return hia_fail(err, HIA_EUSER, "%s: cannot decode the image: %s", path,
                        stbi_failure_reason());
    int ow = out->width, oh = out->height, c = out->channels;
    unsigned char *src = px;
    if (w != ow || h != oh) {
        if (!req->width) {
            stbi_image_free(px);
            return hia_fail(err, HIA_EUSER, "%s: %dx%d, but the first image is %dx%d (a "
                            "descriptor's shape resizes them all)", path, w, h, ow, oh);
        }
        src = xmalloc((size_t)ow * oh * c);
        if (!stbir_resize_uint8(px, w, h, 0, src, ow, oh, 0, c)) {
            free(src);
            stbi_image_free(px);
            return hia_fail(err, HIA_EINTERNAL, "%s: resizing failed", path);
        }
    }
    uint8_t *dst = out->pixels + (size_t)i * ow * oh * c;
    for (int ch = 0; ch < c; ch++)
        for (int p = 0; p < ow * oh; p++)
            dst[(size_t)ch * ow * oh + p] = src[(size_t)p * c + ch];
    if (src != px)
        free(src);
    stbi_image_free(px);
    return 0;
}

/* The size and channels images load with: the request's, or the first image's own. */
static int first_shape(const format_request *req, const char *path, int *w, int *h, int *c,
                       hia_error *err)
{
    *w = req->width;
    *h = req->height;
    *c = req->channels;
    if (*w && *c)
        return 0;
    size_t len;
    int comp;
    unsigned char *file = format_read_file(path, &len, err);
    if (!file)
        return -1;
    int ok = stbi_info_from_memory(file, (int)len, w, h, &comp);
    free(file);
    if (!ok)
        return hia_fail(err, HIA_EUSER, "%s: cannot decode the image: %s", path,
                        stbi_failure_reason());
    if (!*c)
        *c = comp <= 2 ? 1 : 3;
    if (req->width) {
        *w = req->width;
        *h = req->height;
    }
    return 0;
}

static int load_all(const format_request *req, name_list *classes, name_list *files,
                    int *first_of, dataset_images *out, hia_error *err)
{
    const char *root = req->files[0];
    int rc;
    for (int k = 0; k < classes->n; k++) {
        char *dir = xstrfmt("%s/%s", root, classes->items[k]);
        first_of[k] = files->n;
        rc = list_dir(dir, 0, files, err);
        if (!rc && files->n == first_of[k])
            rc = hia_fail(err, HIA_EUSER, "%s: empty class folder (no .png, .jpg, .jpeg or "
                          ".bmp images)", dir);
        free(dir);
        if (rc)
            return -1;
    }
    first_of[classes->n] = files->n;
    int w, h, c;
    char *path = xstrfmt("%s/%s/%s", root, classes->items[0], files->items[0]);
    rc = first_shape(req, path, &w, &h, &c, err);
    free(path);
    if (rc || format_alloc(out, files->n, w, h, c, root, err))
        return -1;
    out->classes = classes->n;
    for (int k = 0; k < classes->n; k++)
        for (int i = first_of[k]; i < first_of[k + 1]; i++) {
            path = xstrfmt("%s/%s/%s", root, classes->items[k], files->items[i]);
            rc = load_image(req, path, out, i, err);
            free(path);
            if (rc)
                return -1;
            out->labels[i] = (uint16_t)k;
        }
    return 0;
}

int format_load_imagefolder(const format_request *req, dataset_images *out, hia_error *err)
{
    name_list classes = {0}, files = {0};
    int *first_of = NULL;
    int rc = find_classes(req, &classes, err);
    if (!rc && classes.n > 65535)
        rc = hia_fail(err, HIA_EUSER, "%s: %d class folders (at most 65535)", req->files[0],
                      classes.n);
    if (!rc) {
        first_of = xmalloc(sizeof(int) * (size_t)(classes.n + 1));
        rc = load_all(req, &classes, &files, first_of, out, err);
    }
    if (!rc) { /* the class names travel with the images */
        out->names = classes.items;
        classes.items = NULL;
        classes.n = 0;
    }
    free(first_of);
    names_free(&classes);
    names_free(&files);
    return rc;
}
