/* sgemm_rate THREADS: OpenBLAS's single-precision matrix product rate (GFLOP/s) on large
   square matrices (2048), best of five, with hia's choice of kernels (src/train/cpu.c): the
   reference for the throughput benchmark. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "train/cpu.h"

int main(int argc, char **argv)
{
    cpu_fix_blas_kernels(argv);
    int n = 2048, threads = argc > 1 ? atoi(argv[1]) : 1;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
          *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c)
        return 1;
    for (int i = 0; i < n * n; i++) {
        a[i] = (float)(i % 7) / 7;
        b[i] = (float)(i % 5) / 5;
    }
    openblas_set_num_threads(threads);
    double best = 0;
    for (int r = 0; r < 5; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
        double g = 2.0 * n * n * n / s / 1e9;
        best = g > best ? g : best;
    }
    printf("%.1f\n", best);
    free(a);
    free(b);
    free(c);
    return 0;
}
