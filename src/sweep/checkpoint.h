/* checkpoint: a trial's resumable state after an epoch: every layer's weights, biases,
   batch-norm scales and statistics, the optimizer's state, Darknet's generator and counters,
   and the epoch log. Written to a temporary file, fsynced and renamed, so a crash leaves
   either the previous checkpoint or the new one; a CRC guards the contents. */
#ifndef HIA_CHECKPOINT_H
#define HIA_CHECKPOINT_H

#include "base/error.h"
#include "train/train.h"

struct network;

int checkpoint_save(const char *path, struct network *net, const train_result *r,
                    hia_error *err);
/* Restores net and r (epochs, history) from path: 1 when restored, 0 when there is no file,
   -1 on a damaged or mismatched file (net and r are then untouched). */
int checkpoint_load(const char *path, struct network *net, train_result *r, int max_epochs,
                    hia_error *err);

#endif
