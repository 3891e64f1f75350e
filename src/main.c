/* main: the hia command line. Parses arguments, dispatches to the modules, prints results
   and errors; the only place that exits. Exit status: 0 success, 1 user error, 2 internal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "jsonw.h"
#include "netgen.h"
#include "rng.h"
#include "space.h"
#include "train.h"
#include "yamldoc.h"

#define MAX_SETS 64

static const char *usage_main =
    "usage: hia <command> [options]\n"
    "\n"
    "commands:\n"
    "  train CONFIG   train and evaluate one configuration (no results store)\n"
    "  netgen CONFIG  print the Darknet cfg of one configuration\n"
    "\n"
    "hia <command> --help shows a command's options; hia --version its version.\n";

static const char *usage_train =
    "usage: hia train CONFIG [--dataset D] [--set key=value]... [--seed S] [--threads N] [--json]\n"
    "\n"
    "Trains one configuration of CONFIG's search space on one of its datasets and reports\n"
    "validation and test accuracy. Hyperparameters not given with --set are drawn from the\n"
    "space with the seed. Per-layer ones take one value for all layers or one per layer\n"
    "(--set filters=32,64).\n"
    "\n"
    "  --dataset D   a dataset of CONFIG (default: the first)\n"
    "  --set k=v     fix hyperparameter k (repeatable)\n"
    "  --seed S      experiment seed (default: CONFIG's seed)\n"
    "  --threads N   OpenBLAS/OpenMP threads (default: CONFIG's threads, else all cores)\n"
    "  --json        print one JSON object instead of text (epoch lines go to stderr)\n";

static const char *usage_netgen =
    "usage: hia netgen CONFIG [--dataset D] [--set key=value]... [--seed S]\n"
    "\n"
    "Prints the Darknet cfg that hia train would build for the same arguments.\n";

typedef struct args {
    const char *config;
    const char *dataset;
    const char *sets[MAX_SETS];
    int n_sets;
    int has_seed;
    uint64_t seed;
    int threads;
    int json;
    int help;
} args;

static int need_value(int argc, char **argv, int i, hia_error *err)
{
    if (i + 1 >= argc)
        return hia_fail(err, HIA_EUSER, "%s needs a value", argv[i]);
    return 0;
}

static int parse_args(int argc, char **argv, int allow_train, args *a, hia_error *err)
{
    memset(a, 0, sizeof(*a));
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        long v;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            a->help = 1;
        } else if (!strcmp(s, "--dataset")) {
            if (need_value(argc, argv, i, err))
                return -1;
            a->dataset = argv[++i];
        } else if (!strcmp(s, "--set")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (a->n_sets == MAX_SETS)
                return hia_fail(err, HIA_EUSER, "too many --set options (at most %d)", MAX_SETS);
            a->sets[a->n_sets++] = argv[++i];
        } else if (!strcmp(s, "--seed")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 0)
                return hia_fail(err, HIA_EUSER, "--seed %s: expected a whole number >= 0", argv[i]);
            a->seed = (uint64_t)v;
            a->has_seed = 1;
        } else if (allow_train && !strcmp(s, "--threads")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 1 || v > 1024)
                return hia_fail(err, HIA_EUSER, "--threads %s: expected 1..1024", argv[i]);
            a->threads = (int)v;
        } else if (allow_train && !strcmp(s, "--json")) {
            a->json = 1;
        } else if (s[0] == '-') {
            return hia_fail(err, HIA_EUSER, "unknown option %s (see --help)", s);
        } else if (!a->config) {
            a->config = s;
        } else {
            return hia_fail(err, HIA_EUSER, "unexpected argument '%s' (see --help)", s);
        }
    }
    if (!a->help && !a->config)
        return hia_fail(err, HIA_EUSER, "missing CONFIG (see --help)");
    return 0;
}

/* Everything one configuration needs: the experiment, the chosen dataset and its shape, the
   values, and the generated cfg. */
typedef struct job {
    config cfg;
    const config_dataset *dataset;
    uint64_t seed;
    space_config values;
    netgen_params params;
    netgen_input input;
    char *net_cfg;
} job;

static void job_free(job *j)
{
    free(j->net_cfg);
    space_config_free(&j->values);
    config_free(&j->cfg);
}

static int job_prepare(const args *a, job *j, hia_error *err)
{
    memset(j, 0, sizeof(*j));
    if (config_load(&j->cfg, a->config, err))
        return -1;
    j->seed = a->has_seed ? a->seed : j->cfg.seed;
    j->dataset = a->dataset ? config_find_dataset(&j->cfg, a->dataset) : &j->cfg.datasets[0];
    if (!j->dataset)
        return hia_fail(err, HIA_EUSER, "--dataset %s: %s lists no such dataset", a->dataset,
                        a->config);
    if (space_config_init(&j->values, &j->cfg.space))
        return hia_fail(err, HIA_EINTERNAL, "out of memory");
    for (int i = 0; i < a->n_sets; i++)
        if (space_set(&j->cfg.space, &j->values, a->sets[i], err))
            return hia_wrap(err, "--set %s", a->sets[i]);
    rng r;
    rng_init(&r, rng_derive(j->seed, 0, RNG_SPACE, 0));
    if (space_sample_missing(&j->cfg.space, &j->values, &r, err) ||
        space_check_complete(&j->cfg.space, &j->values, err) ||
        netgen_params_read(&j->cfg.space, &j->values, &j->params, err))
        return -1;
    dataset_desc desc;
    if (dataset_desc_load(j->dataset->name, &desc, err))
        return -1;
    j->input = (netgen_input){desc.width, desc.height, desc.channels, desc.classes};
    dataset_desc_free(&desc);
    return netgen_cfg(&j->params, &j->input, &j->cfg.network, &j->net_cfg, err);
}

static void print_values(FILE *out, const job *j)
{
    char buf[512];
    for (int i = 0; i < j->cfg.space.n; i++) {
        space_format_value(&j->cfg.space, &j->values, i, buf, sizeof(buf));
        fprintf(out, "%s%s", i ? " " : "", buf);
    }
    fputc('\n', out);
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
    jsonw_begin_array(&w, "history");
    for (int e = 0; e < r->epochs; e++) {
        jsonw_begin_object(&w, NULL);
        jsonw_int(&w, "epoch", e + 1);
        jsonw_number(&w, "loss", r->history[e].loss);
        jsonw_number(&w, "val_accuracy", r->history[e].val_accuracy);
        jsonw_number(&w, "seconds", r->history[e].seconds);
        jsonw_number(&w, "images_per_second", r->history[e].images_per_second);
        jsonw_end_object(&w);
    }
    jsonw_end_array(&w);
    jsonw_string(&w, "hia_version", HIA_VERSION);
    jsonw_int(&w, "darknet_patches", HIA_DARKNET_PATCHES);
    jsonw_end_object(&w);
}

static int cmd_train(const args *a, hia_error *err)
{
    job j;
    dataset_splits data = {0};
    train_result r = {0};
    int rc = job_prepare(a, &j, err);
    if (!rc && strcmp(j.cfg.device, "cpu") != 0)
        rc = hia_fail(err, HIA_EUSER, "%s: device '%s': this build of hia has no GPU support",
                      a->config, j.cfg.device);
    if (!rc)
        rc = dataset_prepare(j.dataset, j.seed, &data, err);
    if (rc) {
        job_free(&j);
        return -1;
    }
    int threads = a->threads ? a->threads : j.cfg.threads ? j.cfg.threads : train_default_threads();
    FILE *text = a->json ? stderr : stdout;
    fprintf(text, "%s: %d train, %d validation, %d test images; seed %llu, %d threads\n",
            j.dataset->name, data.train.n, data.validation.n, data.test.n,
            (unsigned long long)j.seed, threads);
    print_values(text, &j);
    train_options o = {.seed = j.seed, .trial = 0, .threads = threads, .progress = text};
    rc = train_run(j.net_cfg, &j.params, &data, &o, &r, err);
    if (!rc && a->json) {
        print_json(&j, &r, threads);
    } else if (!rc) {
        printf("%s: val_acc %.4f  test_acc %.4f  %d epochs  %.1f s  %.0f img/s%s%s\n", r.status,
               r.val_accuracy, r.test_accuracy, r.epochs, r.train_seconds, r.images_per_second,
               r.reason[0] ? "  " : "", r.reason);
    }
    train_result_free(&r);
    dataset_splits_free(&data);
    job_free(&j);
    return rc;
}

static int cmd_netgen(const args *a, hia_error *err)
{
    job j;
    int rc = job_prepare(a, &j, err);
    if (!rc)
        fputs(j.net_cfg, stdout);
    job_free(&j);
    return rc;
}

int main(int argc, char **argv)
{
    hia_error err = {0};
    args a;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? HIA_EUSER : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hia %s (Darknet with %d hia patches)\n", HIA_VERSION, HIA_DARKNET_PATCHES);
        return 0;
    }
    int is_train = !strcmp(argv[1], "train");
    int is_netgen = !strcmp(argv[1], "netgen");
    if (!is_train && !is_netgen) {
        fprintf(stderr, "hia: unknown command '%s'\n\n%s", argv[1], usage_main);
        return HIA_EUSER;
    }
    int rc = parse_args(argc - 2, argv + 2, is_train, &a, &err);
    if (!rc && a.help) {
        fputs(is_train ? usage_train : usage_netgen, stdout);
        return 0;
    }
    if (!rc)
        rc = is_train ? cmd_train(&a, &err) : cmd_netgen(&a, &err);
    if (rc) {
        fprintf(stderr, "hia %s: %s\n", argv[1], err.msg);
        return err.status ? err.status : HIA_EINTERNAL;
    }
    return 0;
}
