/* gpu: which GPU a trial trains on. Parses the device setting, finds the usable GPUs (in a
   short-lived child process, so the orchestrator never initialises CUDA before it forks),
   selects the device in a trial's process, and moves a network's trained state between GPU
   and host for checkpoints and batch-norm re-estimation. A build without CUDA has no GPU,
   and says so: `device: gpu` is then an error, never a silent CPU run. */
#ifndef HIA_GPU_H
#define HIA_GPU_H

#include "base/error.h"

struct network;

/* device: cpu | gpu | gpu:N. *fixed gets N for gpu:N, -1 for gpu (any), and the return is 0
   for cpu, else the number of usable GPUs (at least 1, or the error says why not). */
int gpu_devices(const char *device, int *fixed, hia_error *err);
/* In a trial's process: trains on gpu (-1: the CPU). */
int gpu_select(int gpu, hia_error *err);
/* A network trained on the GPU: weights, batch-norm statistics and optimizer state to the
   host (before a checkpoint) and back (after a restore). No-ops on the CPU. */
void gpu_pull_network(struct network *net);
void gpu_push_network(struct network *net);
/* After a forward pass on the GPU: the batch statistics of batch-norm layers to the host;
   then the rolling statistics back. */
void gpu_pull_batch_stats(struct network *net);
void gpu_push_rolling_stats(struct network *net);

#endif
