/* The default split of a sweep: trials side by side, one thread each. On configurations
   drawn from configs/paper.yaml's space, two 1-thread trials side by side finish sooner than
   one 2-thread trial at a time (bench/study_sweep: OpenBLAS and oneDNN scale poorly on these
   small networks), so every thread of the budget gets its own trial while memory lasts. */
#include "sweep/split.h"

#include <stdio.h>
#include <string.h>

#include "data/descriptor.h"
#include "train/netgen.h"

#define GIB (1024.0 * 1024 * 1024)

/* MemAvailable of /proc/meminfo in bytes, or -1 when it cannot be read. */
static double available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    char line[256];
    double kib = -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    fclose(f);
    return kib < 0 ? -1 : kib * 1024;
}

/* The largest input of the experiment's datasets, by values per image, with its classes. */
static int largest_input(const config *c, netgen_input *in, hia_error *err)
{
    memset(in, 0, sizeof(*in));
    for (int d = 0; d < c->n_datasets; d++) {
        dataset_desc desc;
        if (dataset_desc_load(c->datasets[d].name, &desc, err))
            return -1;
        if ((long)desc.width * desc.height * desc.channels >
            (long)in->width * in->height * in->channels)
            *in = (netgen_input){desc.width, desc.height, desc.channels, desc.classes};
        if (desc.classes > in->classes)
            in->classes = desc.classes;
        dataset_desc_free(&desc);
    }
    return 0;
}

/* The numbers that size a network, read from a configuration without netgen's checks: a
   space's largest values need not make a valid network (an even kernel_size), yet bound it. */
static int sizes(const space *s, const space_config *c, netgen_params *p, hia_error *err)
{
    double v;
    memset(p, 0, sizeof(*p));
    if (space_get_number(s, c, "conv_layers", 0, &v, err))
        return -1;
    p->conv_layers = v < SPACE_MAX_LAYERS ? (int)v : SPACE_MAX_LAYERS;
    for (int l = 0; l < p->conv_layers; l++) {
        if (space_get_number(s, c, "filters", l, &v, err))
            return -1;
        p->filters[l] = (int)v;
        if (space_get_number(s, c, "kernel_size", l, &v, err))
            return -1;
        p->kernel_size[l] = (int)v;
    }
    const char *names[] = {"batch_norm", "dense_units", "batch_size"};
    int *fields[] = {&p->batch_norm, &p->dense_units, &p->batch_size};
    for (int i = 0; i < 3; i++) {
        if (space_get_number(s, c, names[i], 0, &v, err))
            return -1;
        *fields[i] = (int)v;
    }
    return 0;
}

/* An upper bound on one trial's memory: the space's largest configuration. */
static int largest_trial_bytes(const config *c, double *bytes, hia_error *err)
{
    netgen_input in;
    netgen_params p;
    space_config largest;
    space_config_init(&largest, &c->space);
    space_config_largest(&c->space, &largest);
    int rc = largest_input(c, &in, err) || sizes(&c->space, &largest, &p, err);
    space_config_free(&largest);
    if (rc)
        return hia_wrap(err, "%s: the largest configuration", c->path);
    *bytes = netgen_memory_bytes(&p, &in, &c->network);
    return 0;
}

int split_default_jobs(const config *c, int threads, int gpus, int max_jobs, char *why,
                       size_t whysz, hia_error *err)
{
    if (gpus > 0) {
        snprintf(why, whysz, "-j not given: one trial at a time on the GPU");
        return 1;
    }
    double trial, memory = available_memory();
    if (largest_trial_bytes(c, &trial, err))
        return -1;
    int jobs = threads < max_jobs ? threads : max_jobs;
    int fit = memory < 0 ? jobs : (int)(memory / trial);
    if (fit < 1)
        fit = 1;
    if (fit < jobs)
        jobs = fit;
    if (memory < 0)
        snprintf(why, whysz, "-j not given: %d trial(s) at a time, one per thread of %d (side "
                 "by side beats one trial on every thread); /proc/meminfo unreadable, so memory "
                 "is not checked", jobs, threads);
    else
        snprintf(why, whysz, "-j not given: %d trial(s) at a time, one per thread of %d (side "
                 "by side beats one trial on every thread), within memory: %.1f GiB available "
                 "holds %d of the largest configuration (up to %.2f GiB each)", jobs, threads,
                 memory / GIB, fit, trial / GIB);
    return jobs;
}
