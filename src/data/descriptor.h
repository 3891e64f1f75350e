/* descriptor: a dataset descriptor, datasets/NAME.yaml: what the dataset is (format, shape,
   class names), where its files are (path, official train and test split), how to check them
   (size and sha256 per file) and how to get them (fetch: URL, checksum, unpacking). */
#ifndef HIA_DESCRIPTOR_H
#define HIA_DESCRIPTOR_H

#include "base/error.h"

typedef struct dataset_file {
    char *name;       /* relative to the dataset's folder */
    long long size;   /* -1: not recorded */
    char sha256[65];  /* "": not recorded */
} dataset_file;

typedef struct dataset_fetch {
    char *url;
    dataset_file file;   /* where the download goes, with its size and checksum */
    char *unpack;        /* none | tar | zip */
    char **members;      /* the archive members to extract (patterns); none: all */
    int n_members;
} dataset_fetch;

typedef struct dataset_desc {
    char *name, *description, *format, *source, *install;
    char *dir;                       /* the folder of the files */
    int width, height, channels, classes;
    char **class_names;
    char **train, **test;            /* the split's files, as paths */
    int n_train, n_test;
    int coarse;                      /* cifar100: label: coarse */
    int transpose;                   /* idx: images stored column by column */
    double train_fraction;           /* mnist-json: the first part of each class is train */
    dataset_file *files;
    int n_files;
    dataset_fetch *fetch;
    int n_fetch;
} dataset_desc;

/* Folder of descriptors: $HIA_DATASETS, else the source tree's datasets/. */
const char *dataset_dir(void);
/* 1 when a descriptor NAME.yaml exists, else 0. */
int dataset_exists(const char *name);
/* The names of all descriptors, sorted (caller frees each and the array). */
int dataset_names(char ***names, int *n, hia_error *err);
int dataset_desc_load(const char *name, dataset_desc *d, hia_error *err);
void dataset_desc_free(dataset_desc *d);

#endif
