/* dataset: images in memory and the splits an experiment trains on. Loads a described
   dataset through its format's loader (formats/), then draws deterministic, stratified
   train, validation and test sets. Pixels stay uint8 in memory, channel-major per image
   (Darknet's layout), and become floats in [0,1] one image at a time. */
#ifndef HIA_DATASET_H
#define HIA_DATASET_H

#include <stdint.h>

#include "experiment/config.h"
#include "data/descriptor.h"
#include "base/error.h"

typedef struct dataset_images {
    int n, width, height, channels, classes;
    uint8_t *pixels;  /* n * channels * height * width */
    uint16_t *labels; /* n, each < classes */
    char **names;     /* classes names when the files carry them (image folders), else NULL */
} dataset_images;

typedef struct dataset_splits {
    dataset_images train, validation, test;
} dataset_splits;

/* Loads one official split ("train" or "test") of a described dataset, shape checked. */
int dataset_load_split(const dataset_desc *desc, const char *split, dataset_images *out,
                       hia_error *err);
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
