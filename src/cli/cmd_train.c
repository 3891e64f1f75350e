/* hia train: one configuration trained and evaluated, outside any store. */
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/rng.h"
#include "cli/job.h"
#include "data/dataset.h"
#include "train/gpu.h"
#include "train/train.h"

static const command_help help = {
    "hia train CONFIG [--dataset D] [--set key=value]... [--seed S] [--number K]\n"
    "          [--threads N] [--device D] [--json]",
    "Trains one configuration of CONFIG's search space on one of its datasets and reports\n"
    "validation and test accuracy. Hyperparameters not given with --set are drawn from the\n"
    "space with the seed.\n",
    NULL, "CONFIG", 1, 1};

static void print_values(FILE *out, const job *j)
{
    char buf[512];
    for (int i = 0; i < j->cfg.space.n; i++) {
        space_format_value(&j->cfg.space, &j->values, i, buf, sizeof(buf));
        fprintf(out, "%s%s", i ? " " : "", buf);
    }
    fputc('\n', out);
}

static void json_history(jsonw *w, const train_result *r)
{
    jsonw_begin_array(w, "history");
    for (int e = 0; e < r->epochs; e++) {
        jsonw_begin_object(w, NULL);
        jsonw_int(w, "epoch", e + 1);
        jsonw_number(w, "loss", r->history[e].loss);
        jsonw_number(w, "val_accuracy", r->history[e].val_accuracy);
        jsonw_number(w, "seconds", r->history[e].seconds);
        jsonw_number(w, "images_per_second", r->history[e].images_per_second);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static void print_json(const job *j, const train_result *r, int threads)
{
    jsonw w;
    char buf[512];
    jsonw_init(&w, stdout);
    jsonw_begin_object(&w, NULL);
    jsonw_string(&w, "status", r->status);
    if (r->reason[0])
        jsonw_string(&w, "reason", r->reason);
    jsonw_number(&w, "val_accuracy", r->val_accuracy);
    jsonw_number(&w, "test_accuracy", r->test_accuracy);
    jsonw_int(&w, "epochs", r->epochs);
    jsonw_number(&w, "train_seconds", r->train_seconds);
    jsonw_number(&w, "eval_seconds", r->eval_seconds);
    jsonw_number(&w, "images_per_second", r->images_per_second);
    jsonw_string(&w, "dataset", j->dataset->name);
    jsonw_int(&w, "seed", (long long)j->seed);
    jsonw_int(&w, "threads", threads);
    jsonw_begin_object(&w, "config");
    for (int i = 0; i < j->cfg.space.n; i++) {
        space_format_value(&j->cfg.space, &j->values, i, buf, sizeof(buf));
        char *eq = strchr(buf, '=');
        *eq = 0;
        jsonw_string(&w, buf, eq + 1);
    }
    jsonw_end_object(&w);
    json_history(&w, r);
    jsonw_string(&w, "hia_version", HIA_VERSION);
    jsonw_int(&w, "darknet_patches", HIA_DARKNET_PATCHES);
    jsonw_int(&w, "numerics", TRAIN_NUMERICS);
    jsonw_end_object(&w);
}

typedef struct train_args {
    job_args job;
    long number;
    int threads, json;
    const char *device;
} train_args;

static int train_job(const job *j, const train_args *a, hia_error *err)
{
    dataset_splits data = {0};
    train_result r = {0};
    int gpu = -1, count = gpu_devices(a->device ? a->device : j->cfg.device, &gpu, err);
    if (count < 0 || dataset_prepare(j->dataset, j->seed, &data, err))
        return -1;
    if (count && gpu < 0)
        gpu = 0;
    int threads = a->threads ? a->threads : j->cfg.threads ? j->cfg.threads
                                                           : train_default_threads();
    FILE *text = a->json ? stderr : stdout;
    fprintf(text, "%s: %d train, %d validation, %d test images; seed %llu, %d threads\n",
            j->dataset->name, data.train.n, data.validation.n, data.test.n,
            (unsigned long long)j->seed, threads);
    print_values(text, j);
    train_options o = {.seed = j->seed, .trial = rng_trial_key(a->number, j->dataset->name), .threads = threads,
                       .use_gpu = gpu >= 0, .gpu = gpu, .progress = text,
                       .darknet_init = !strcmp(j->cfg.network.init, "darknet")};
    int rc = train_run(j->net_cfg, &j->params, &data, &o, &r, err);
    if (!rc && a->json)
        print_json(j, &r, threads);
    else if (!rc)
        printf("%s: val_acc %.4f  test_acc %.4f  %d epochs  %.1f s  %.0f img/s%s%s\n", r.status,
               r.val_accuracy, r.test_accuracy, r.epochs, r.train_seconds, r.images_per_second,
               r.reason[0] ? "  " : "", r.reason);
    train_result_free(&r);
    dataset_splits_free(&data);
    return rc;
}

int cmd_train(int argc, char **argv, hia_error *err)
{
    train_args a = {0};
    option opts[] = {
        JOB_OPTIONS(&a.job),
        OPT_LONG("--number", "K", &a.number, 0, 9.2e18,
                 "configuration number for Darknet's generator and the shuffles (default 0):\n"
                 "with a sweep trial's values and number (hia export) it retrains that trial"),
        OPT_INT("--threads", "N", &a.threads, 1, TRAIN_MAX_THREADS,
                "OpenBLAS/OpenMP threads (default: CONFIG's threads, else all cores)"),
        OPT_STRING("--device", "D", &a.device, "cpu, gpu or gpu:N (default: CONFIG's device)"),
        OPT_FLAG("--json", &a.json,
                 "print one JSON object instead of text (epoch lines go to stderr)"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc) {
        option_list_free(&a.job.sets);
        return rc < 0 ? -1 : 0;
    }
    job j;
    rc = job_prepare(argv[0], &a.job, &j, err);
    if (!rc)
        rc = train_job(&j, &a, err);
    job_free(&j);
    option_list_free(&a.job.sets);
    return rc;
}
