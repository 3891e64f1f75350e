/* dataset_dump: writes an experiment's prepared splits (the very images and labels its trials
   train and are evaluated on) as IDX files, so another framework can train on the same data. */
#ifndef HIA_DATASET_DUMP_H
#define HIA_DATASET_DUMP_H

#include "data/dataset.h"
#include "base/error.h"

/* DIR/{train,validation,test}-images-idx3-ubyte (idx4 with a channel axis when images have
   several channels: n, channels, height, width) and -labels-idx1-ubyte. */
int dataset_dump(const dataset_splits *s, const char *dir, hia_error *err);

#endif
