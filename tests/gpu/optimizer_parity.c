/* optimizer_parity: on a machine with a GPU, each optimizer's first two updates of a small
   network (conv with batch norm, dense, softmax) on the same batch from the same seed, once on
   the CPU and once on the GPU; prints the largest difference of any trained parameter and
   fails above a relative 1e-4. Built only in CUDA builds; run by tests/gpu/run. */
#include <darknet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "train/gpu.h"

enum { BATCH = 4, SIDE = 8, CLASSES = 10, UPDATES = 2 };

static const char *const optimizers[] = {"sgd", "momentum", "adam", "rmsprop", "adagrad"};

static network *build(const char *optimizer, int gpu)
{
    char path[] = "/tmp/hia-parity-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return NULL;
    fprintf(f, "[net]\nbatch=%d\nsubdivisions=1\nwidth=%d\nheight=%d\nchannels=1\n"
            "learning_rate=0.01\nmomentum=0.9\ndecay=0.0005\noptimizer=%s\n\n"
            "[convolutional]\nfilters=8\nsize=3\nstride=1\npad=1\nbatch_normalize=1\n"
            "activation=relu\n\n[connected]\noutput=%d\nactivation=linear\n\n[softmax]\n",
            BATCH, SIDE, SIDE, optimizer, CLASSES);
    fclose(f);
    hia_error err = {0};
    darknet_seed(12345);
    if (gpu_select(gpu, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        unlink(path);
        return NULL;
    }
    network *net = parse_network_cfg(path);
    unlink(path);
    return net;
}

static void batch(network *net)
{
    for (int i = 0; i < BATCH * SIDE * SIDE; i++)
        net->input[i] = (float)((i * 37) % 101) / 100.0f;
    memset(net->truth, 0, sizeof(float) * BATCH * CLASSES);
    for (int b = 0; b < BATCH; b++)
        net->truth[b * CLASSES + (b * 3) % CLASSES] = 1;
}

/* The trained parameters of layer i, in a fixed order, appended to out. */
static int params(network *net, float *out)
{
    int k = 0;
    gpu_pull_network(net);
    for (int i = 0; i < net->n; i++) {
        layer *l = &net->layers[i];
        int nw = l->type == CONVOLUTIONAL ? l->nweights : l->inputs * l->outputs;
        int nb = l->type == CONVOLUTIONAL ? l->n : l->outputs;
        if (l->type != CONVOLUTIONAL && l->type != CONNECTED)
            continue;
        memcpy(out + k, l->weights, sizeof(float) * (size_t)nw);
        k += nw;
        memcpy(out + k, l->biases, sizeof(float) * (size_t)nb);
        k += nb;
        if (l->batch_normalize) {
            memcpy(out + k, l->scales, sizeof(float) * (size_t)nb);
            k += nb;
        }
    }
    return k;
}

int main(void)
{
    static float cpu[1 << 16], gpu[1 << 16];
    int failed = 0, fixed;
    hia_error err = {0};
    if (gpu_devices("gpu", &fixed, &err) < 0) {
        fprintf(stderr, "optimizer_parity: %s\n", err.msg);
        return 77;
    }
    for (size_t o = 0; o < sizeof(optimizers) / sizeof(optimizers[0]); o++) {
        network *a = build(optimizers[o], -1), *b = build(optimizers[o], 0);
        if (!a || !b)
            return 2;
        for (int s = 0; s < UPDATES; s++) {
            batch(a);
            batch(b);
            train_network_datum(a);
            train_network_datum(b);
        }
        int n = params(a, cpu), m = params(b, gpu);
        double worst = 0, scale = 1e-12;
        for (int i = 0; i < n && n == m; i++) {
            worst = fmax(worst, fabs((double)cpu[i] - gpu[i]));
            scale = fmax(scale, fabs((double)cpu[i]));
        }
        int ok = n == m && worst <= 1e-4 * scale;
        printf("%-9s %d parameters, %d updates: largest CPU-GPU difference %.3g (%.3g of the "
               "largest parameter) %s\n", optimizers[o], n, UPDATES, worst, worst / scale,
               ok ? "ok" : "FAIL");
        failed += !ok;
    }
    return failed ? 1 : 0;
}
