#include "gpu.h"

#include <darknet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "yamldoc.h"

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

/* Every device array of a trainable layer with its host twin and length. */
static int arrays(const layer *l, float **host, float **dev, int *len)
{
    int nw = l->type == CONVOLUTIONAL ? l->nweights : l->inputs * l->outputs;
    int nb = l->type == CONVOLUTIONAL ? l->n : l->outputs;
    float *h[] = {l->weights, l->biases, l->scales, l->rolling_mean, l->rolling_variance,
                  l->m, l->v, l->bias_m, l->bias_v, l->scale_m, l->scale_v};
    float *d[] = {l->weights_gpu, l->biases_gpu, l->scales_gpu, l->rolling_mean_gpu,
                  l->rolling_variance_gpu, l->m_gpu, l->v_gpu, l->bias_m_gpu, l->bias_v_gpu,
                  l->scale_m_gpu, l->scale_v_gpu};
    int k = 0;
    for (int i = 0; i < 11; i++) {
        if (!h[i] || !d[i] || (i >= 2 && i <= 4 && !l->batch_normalize) ||
            (i >= 9 && !l->batch_normalize))
            continue;
        host[k] = h[i];
        dev[k] = d[i];
        len[k++] = i == 0 || i == 5 || i == 6 ? nw : nb;
    }
    return k;
}

static void move_network(network *net, int to_host)
{
    if (net->gpu_index < 0)
        return;
    for (int i = 0; i < net->n; i++) {
        float *h[11], *d[11];
        int len[11], k = trainable(&net->layers[i]) ? arrays(&net->layers[i], h, d, len) : 0;
        for (int j = 0; j < k; j++) {
            if (to_host)
                cuda_pull_array(d[j], h[j], (size_t)len[j]);
            else
                cuda_push_array(d[j], h[j], (size_t)len[j]);
        }
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

void gpu_pull_batch_stats(network *net)
{
    for (int i = 0; net->gpu_index >= 0 && i < net->n; i++) {
        layer *l = &net->layers[i];
        int n = l->type == CONVOLUTIONAL ? l->out_c : l->outputs;
        if (trainable(l) && l->batch_normalize) {
            cuda_pull_array(l->mean_gpu, l->mean, (size_t)n);
            cuda_pull_array(l->variance_gpu, l->variance, (size_t)n);
        }
    }
}

void gpu_push_rolling_stats(network *net)
{
    for (int i = 0; net->gpu_index >= 0 && i < net->n; i++) {
        layer *l = &net->layers[i];
        int n = l->type == CONVOLUTIONAL ? l->out_c : l->outputs;
        if (trainable(l) && l->batch_normalize) {
            cuda_push_array(l->rolling_mean_gpu, l->rolling_mean, (size_t)n);
            cuda_push_array(l->rolling_variance_gpu, l->rolling_variance, (size_t)n);
        }
    }
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
