/* dataset: dataset descriptors (datasets/NAME.yaml), loaders (IDX, raw or gzip), and the
   deterministic, stratified subsets and splits an experiment trains on. Pixels stay uint8 in
   memory, channel-major per image (Darknet's layout), and become floats in [0,1] one batch
   at a time. */
#ifndef HIA_DATASET_H
#define HIA_DATASET_H

#include <stdint.h>

#include "config.h"
#include "error.h"

typedef struct dataset_images {
    int n, width, height, channels, classes;
    uint8_t *pixels;  /* n * channels * height * width */
    uint16_t *labels; /* n, each < classes */
} dataset_images;

typedef struct dataset_desc {
    char *name;
    char *format;     /* idx */
    char *dir;        /* where the files are */
    char *train_images, *train_labels, *test_images, *test_labels;
    int width, height, channels, classes;
} dataset_desc;

typedef struct dataset_splits {
    dataset_images train, validation, test;
} dataset_splits;

/* Folder of descriptors: $HIA_DATASETS, else the source tree's datasets/. */
const char *dataset_dir(void);
/* 1 when a descriptor NAME.yaml exists, else 0. */
int dataset_exists(const char *name);
int dataset_desc_load(const char *name, dataset_desc *d, hia_error *err);
void dataset_desc_free(dataset_desc *d);

/* Reads an IDX image file and its label file (each raw or gzip); labels must be < classes. */
int dataset_load_idx(const char *images, const char *labels, int classes, dataset_images *out,
                     hia_error *err);
void dataset_images_free(dataset_images *d);

/* Loads the dataset named by cd and draws its train, validation and test sets: stratified by
   class, from the experiment seed alone, so every trial of an experiment sees the same data. */
int dataset_prepare(const config_dataset *cd, uint64_t seed, dataset_splits *out,
                    hia_error *err);
void dataset_splits_free(dataset_splits *s);

/* Image idx of d as floats in [0,1] into out (channels*height*width values). */
void dataset_image_float(const dataset_images *d, int idx, float *out);

#endif
