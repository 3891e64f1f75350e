/* Which GPU a trial trains on, found in a short-lived child. */
#include "train/gpu.h"

#include <darknet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/num.h"
#include "base/yamldoc.h"

#if HIA_GPU
#include <cuda_runtime.h>

/* cudaGetDeviceCount in a child: a count >= 0, or -1 with the CUDA message in msg. */
static int probe(char *msg, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(msg, size, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int n = 0;
        cudaError_t e = cudaGetDeviceCount(&n);
        char out[300];
        int len = snprintf(out, sizeof(out), "%d %s", e == cudaSuccess ? n : -1,
                           e == cudaSuccess ? "" : cudaGetErrorString(e));
        ssize_t w = write(fds[1], out, (size_t)len);
        _exit(w == len ? 0 : 1);
    }
    close(fds[1]);
    char in[300] = "";
    ssize_t got = pid > 0 ? read(fds[0], in, sizeof(in) - 1) : -1;
    close(fds[0]);
    if (pid > 0)
        waitpid(pid, NULL, 0);
    if (got <= 0) {
        snprintf(msg, size, "the CUDA probe process failed");
        return -1;
    }
    in[got] = 0;
    int n = atoi(in);
    char *space = strchr(in, ' ');
    snprintf(msg, size, "%s", space ? space + 1 : "");
    return n;
}
#endif

int gpu_devices(const char *device, int *fixed, hia_error *err)
{
    long n = -1;
    *fixed = -1;
    if (!strcmp(device, "cpu"))
        return 0;
    if (strncmp(device, "gpu", 3) || (device[3] && (device[3] != ':' ||
                                                    parse_long(device + 4, &n) || n < 0)))
        return hia_fail(err, HIA_EUSER, "device '%s': expected cpu, gpu or gpu:N", device);
    *fixed = (int)n;
#if HIA_GPU
    char msg[300];
    int count = probe(msg, sizeof(msg));
    if (count <= 0)
        return hia_fail(err, HIA_EUSER, "device '%s': no usable GPU on this machine (%s)",
                        device, count < 0 ? msg : "CUDA sees no device");
    if (n >= count)
        return hia_fail(err, HIA_EUSER, "device '%s': this machine has %d GPU%s (0..%d)", device,
                        count, count == 1 ? "" : "s", count - 1);
    return count;
#else
    return hia_fail(err, HIA_EUSER, "device '%s': this build of hia has no GPU support "
                    "(rebuild with `meson setup -Dcuda=enabled` where nvcc is installed)",
                    device);
#endif
}

int gpu_select(int gpu, hia_error *err)
{
#if HIA_GPU
    gpu_index = gpu; /* Darknet allocates device buffers while parsing when >= 0 */
    if (gpu < 0)
        return 0;
    cudaError_t e = cudaSetDevice(gpu);
    if (e != cudaSuccess)
        return hia_fail(err, HIA_EUSER, "GPU %d: %s", gpu, cudaGetErrorString(e));
    return 0;
#else
    return gpu < 0 ? 0 : hia_fail(err, HIA_EUSER, "this build of hia has no GPU support");
#endif
}

#if HIA_GPU
static int trainable(const layer *l)
{
    return l->type == CONVOLUTIONAL || l->type == CONNECTED;
}

typedef struct twin {
    float *host, *dev;
    int len;
} twin;

/* The arrays of a trainable layer that exist on both sides (a NULL one was never allocated:
   no batch norm, or an optimizer without state). */
static int twins(const layer *l, twin *t)
{
    int nw = l->type == CONVOLUTIONAL ? l->nweights : l->inputs * l->outputs;
    int nb = l->type == CONVOLUTIONAL ? l->n : l->outputs;
    twin all[] = {{l->weights, l->weights_gpu, nw}, {l->biases, l->biases_gpu, nb},
                  {l->scales, l->scales_gpu, nb}, {l->rolling_mean, l->rolling_mean_gpu, nb},
                  {l->rolling_variance, l->rolling_variance_gpu, nb}, {l->m, l->m_gpu, nw},
                  {l->v, l->v_gpu, nw}, {l->bias_m, l->bias_m_gpu, nb},
                  {l->bias_v, l->bias_v_gpu, nb}, {l->scale_m, l->scale_m_gpu, nb},
                  {l->scale_v, l->scale_v_gpu, nb}};
    int k = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i].host && all[i].dev)
            t[k++] = all[i];
    return k;
}

static void move(const twin *t, int to_host)
{
    if (to_host)
        cuda_pull_array(t->dev, t->host, (size_t)t->len);
    else
        cuda_push_array(t->dev, t->host, (size_t)t->len);
}

static void move_network(network *net, int to_host)
{
    for (int i = 0; net->gpu_index >= 0 && i < net->n; i++) {
        twin t[11];
        int k = trainable(&net->layers[i]) ? twins(&net->layers[i], t) : 0;
        for (int j = 0; j < k; j++)
            move(&t[j], to_host);
    }
}

void gpu_pull_network(network *net)
{
    move_network(net, 1);
}

void gpu_push_network(network *net)
{
    move_network(net, 0);
}

/* Batch-norm statistics: the batch's to the host, or the rolling ones to the device. */
static void move_bn(network *net, int batch_to_host)
{
    for (int i = 0; net->gpu_index >= 0 && i < net->n; i++) {
        layer *l = &net->layers[i];
        int n = l->type == CONVOLUTIONAL ? l->out_c : l->outputs;
        if (!trainable(l) || !l->batch_normalize)
            continue;
        twin a = batch_to_host ? (twin){l->mean, l->mean_gpu, n}
                               : (twin){l->rolling_mean, l->rolling_mean_gpu, n};
        twin b = batch_to_host ? (twin){l->variance, l->variance_gpu, n}
                               : (twin){l->rolling_variance, l->rolling_variance_gpu, n};
        move(&a, batch_to_host);
        move(&b, batch_to_host);
    }
}

void gpu_pull_batch_stats(network *net)
{
    move_bn(net, 1);
}

void gpu_push_rolling_stats(network *net)
{
    move_bn(net, 0);
}
#else
void gpu_pull_network(network *net)
{
    (void)net;
}

void gpu_push_network(network *net)
{
    (void)net;
}

void gpu_pull_batch_stats(network *net)
{
    (void)net;
}

void gpu_push_rolling_stats(network *net)
{
    (void)net;
}
#endif
