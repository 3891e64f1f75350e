/* main: the hia command line. Parses arguments, dispatches to the modules, prints results
   and errors; the only place that exits. Exit status: 0 success, 1 user error, 2 internal,
   3 a fault of the machine (disk full, I/O error), 4 a sweep that ended with trials failed
   for good, 130/143 a sweep stopped by SIGINT/SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glob.h>
#include <signal.h>
#include <unistd.h>

#include "cli/analyze.h"
#include "base/num.h"
#include "train/cpu.h"
#include "cli/datasets_cmd.h"
#include "train/gpu.h"
#include "report/report.h"
#include "sweep/config.h"
#include "data/dataset.h"
#include "base/error.h"
#include "store/export.h"
#include "base/jsonw.h"
#include "train/netgen.h"
#include "base/rng.h"
#include "sweep/runner.h"
#include "sweep/space.h"
#include "store/store.h"
#include "train/train.h"
#include "base/yamldoc.h"

#define MAX_SETS 64

/* The closing lines of hia --help; the command list comes from the commands table. */
static const char usage_tail[] =
    "\n"
    "hia <command> --help shows a command's options; hia --version its version.\n"
    "Exit status: 0 success, 1 a user error, 2 an internal failure, 3 a fault of the machine\n"
    "(no space left, an I/O error: fix it and run again), 4 a sweep that ended with trials\n"
    "failed for good, 130 and 143 a sweep stopped by SIGINT and SIGTERM.\n";

static const char usage_train[] =
    "usage: hia train CONFIG [--dataset D] [--set key=value]... [--seed S] [--trial ID]\n"
    "                 [--threads N] [--device D] [--json]\n"
    "\n"
    "Trains one configuration of CONFIG's search space on one of its datasets and reports\n"
    "validation and test accuracy. Hyperparameters not given with --set are drawn from the\n"
    "space with the seed. Per-layer ones take one value for all layers or one per layer\n"
    "(--set filters=32,64).\n"
    "\n"
    "  --dataset D   a dataset of CONFIG (default: the first)\n"
    "  --set k=v     fix hyperparameter k (repeatable)\n"
    "  --seed S      experiment seed (default: CONFIG's seed)\n"
    "  --trial ID    trial id for Darknet's generator and the shuffles (default 0): with a\n"
    "                sweep trial's values (hia export) it retrains that trial exactly\n"
    "  --threads N   OpenBLAS/OpenMP threads (default: CONFIG's threads, else all cores)\n"
    "  --device D    cpu, gpu or gpu:N (default: CONFIG's device)\n"
    "  --json        print one JSON object instead of text (epoch lines go to stderr)\n";

static const char usage_run[] =
    "usage: hia run CONFIG [-j N] [--store PATH] [--retry-failed]\n"
    "\n"
    "Runs the experiment in CONFIG: plans its trials into the results store, then trains them,\n"
    "N at a time, each in its own process, checkpointing after every epoch. Run it again after\n"
    "any interruption to continue; a changed CONFIG is refused.\n"
    "\n"
    "  -j N            trials at once (default 1); each gets 1/N of the thread budget\n"
    "  --store PATH    results store (default results/<experiment>.sqlite)\n"
    "  --retry-failed  trials failed for good go back to pending first (their failures stay\n"
    "                  in hia export's failure_history)\n"
    "\n"
    "Exit status: 0 every trial ended (done or diverged); 3 the machine failed (no space left,\n"
    "an I/O error, a store it cannot write): the sweep stopped, the trial it hit is pending\n"
    "again, run again once fixed; 4 the sweep ended with trials failed for good; 130/143\n"
    "stopped by SIGINT/SIGTERM; 1 and 2 user and internal errors.\n";

static const char usage_status[] =
    "usage: hia status [CONFIG|STORE] [--json]\n"
    "\n"
    "Trials by state (pending, running, done, failed, diverged), in all and per dataset, with\n"
    "throughput and an ETA. Without an argument: every store in results/.\n";

static const char usage_export[] =
    "usage: hia export STORE [--format csv|json]\n"
    "\n"
    "One row per trial: id, dataset, status and reason, accuracies, epochs, times, images/s,\n"
    "seed, what reproduces it, and every hyperparameter (per-layer ones as name_1, name_2, ...).\n";

static const char usage_netgen[] =
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
    long trial;
    int threads;
    const char *device;
    int json;
    int help;
    int jobs;
    int retry_failed;
    const char *store;
    const char *format;
} args;

static int need_value(int argc, char **argv, int i, hia_error *err)
{
    if (i + 1 >= argc)
        return hia_fail(err, HIA_EUSER, "%s needs a value", argv[i]);
    return 0;
}

enum { OPT_TRAIN = 1, OPT_SPACE = 2, OPT_RUN = 4, OPT_JSON = 8, OPT_FORMAT = 16 };

static int parse_args(int argc, char **argv, int allowed, args *a, hia_error *err)
{
    memset(a, 0, sizeof(*a));
    a->jobs = 1;
    a->format = "csv";
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        long v;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            a->help = 1;
        } else if ((allowed & OPT_RUN) && !strcmp(s, "-j")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 1 || v > 64)
                return hia_fail(err, HIA_EUSER, "-j %s: expected 1..64", argv[i]);
            a->jobs = (int)v;
        } else if ((allowed & OPT_RUN) && !strcmp(s, "--retry-failed")) {
            a->retry_failed = 1;
        } else if ((allowed & OPT_RUN) && !strcmp(s, "--store")) {
            if (need_value(argc, argv, i, err))
                return -1;
            a->store = argv[++i];
        } else if ((allowed & OPT_FORMAT) && !strcmp(s, "--format")) {
            if (need_value(argc, argv, i, err))
                return -1;
            a->format = argv[++i];
            if (strcmp(a->format, "csv") && strcmp(a->format, "json"))
                return hia_fail(err, HIA_EUSER, "--format %s: expected csv or json", a->format);
        } else if ((allowed & OPT_SPACE) && !strcmp(s, "--dataset")) {
            if (need_value(argc, argv, i, err))
                return -1;
            a->dataset = argv[++i];
        } else if ((allowed & OPT_SPACE) && !strcmp(s, "--set")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (a->n_sets == MAX_SETS)
                return hia_fail(err, HIA_EUSER, "too many --set options (at most %d)", MAX_SETS);
            a->sets[a->n_sets++] = argv[++i];
        } else if ((allowed & OPT_SPACE) && !strcmp(s, "--seed")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 0)
                return hia_fail(err, HIA_EUSER, "--seed %s: expected a whole number >= 0", argv[i]);
            a->seed = (uint64_t)v;
            a->has_seed = 1;
        } else if ((allowed & OPT_TRAIN) && !strcmp(s, "--trial")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 0)
                return hia_fail(err, HIA_EUSER, "--trial %s: expected a whole number >= 0", argv[i]);
            a->trial = v;
        } else if ((allowed & OPT_TRAIN) && !strcmp(s, "--threads")) {
            if (need_value(argc, argv, i, err))
                return -1;
            if (parse_long(argv[++i], &v) || v < 1 || v > 1024)
                return hia_fail(err, HIA_EUSER, "--threads %s: expected 1..1024", argv[i]);
            a->threads = (int)v;
        } else if ((allowed & OPT_TRAIN) && !strcmp(s, "--device")) {
            if (need_value(argc, argv, i, err))
                return -1;
            a->device = argv[++i];
        } else if ((allowed & OPT_JSON) && !strcmp(s, "--json")) {
            a->json = 1;
        } else if (s[0] == '-') {
            return hia_fail(err, HIA_EUSER, "unknown option %s (see --help)", s);
        } else if (!a->config) {
            a->config = s;
        } else {
            return hia_fail(err, HIA_EUSER, "unexpected argument '%s' (see --help)", s);
        }
    }
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
    int gpu = -1, count = 0;
    int rc = job_prepare(a, &j, err);
    if (!rc && (count = gpu_devices(a->device ? a->device : j.cfg.device, &gpu, err)) < 0)
        rc = -1;
    if (!rc && count && gpu < 0)
        gpu = 0;
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
    train_options o = {.seed = j.seed, .trial = (uint64_t)a->trial, .threads = threads,
                       .use_gpu = gpu >= 0, .gpu = gpu, .progress = text,
                       .darknet_init = !strcmp(j.cfg.network.init, "darknet")};
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

static int cmd_run(const args *a, hia_error *err)
{
    config c;
    if (config_load(&c, a->config, err))
        return -1;
    int rc = 0;
    runner_options o = {.jobs = a->jobs, .store_path = a->store, .max_failures = 3,
                        .lease_seconds = 60, .log = stdout, .live = isatty(STDOUT_FILENO),
                        .retry_failed = a->retry_failed};
    if (!rc)
        rc = runner_run(&c, &o, err);
    char path[4096];
    if (a->store)
        snprintf(path, sizeof(path), "%s", a->store);
    else
        runner_store_path(&c, path, sizeof(path));
    char again[4400]; /* the command that continues the sweep */
    snprintf(again, sizeof(again), "hia run %s%s%s", a->config, a->store ? " --store " : "",
             a->store ? a->store : "");
    if (rc > 0)
        hia_fail(err, 128 + rc, "stopped by %s; run `%s` again to continue",
                 rc == SIGINT ? "SIGINT" : "SIGTERM", again);
    else if (rc == 0 || err->status == HIA_EFAILED)
        printf("results: %s (hia status %s, hia export %s)\n", path, path, path);
    if (rc < 0 && err->status == HIA_EENV)
        hia_wrap(err, "stopped, a fault of the machine (the trial is pending again; run `%s` "
                 "once it is fixed)", again);
    config_free(&c);
    return rc ? -1 : 0;
}

static int is_config_path(const char *path)
{
    size_t n = strlen(path);
    return (n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml"));
}

/* The store named by a path: a store itself, or an experiment file's default store. */
static int open_store(const char *path, store **s, char *where, size_t size, hia_error *err)
{
    if (is_config_path(path)) {
        config c;
        if (config_load(&c, path, err))
            return -1;
        runner_store_path(&c, where, size);
        config_free(&c);
    } else {
        snprintf(where, size, "%s", path);
    }
    if (access(where, R_OK) != 0)
        return hia_fail(err, HIA_EUSER, "%s: no results store there (run `hia run` first)", where);
    return store_open(where, s, err);
}

typedef struct status_ctx {
    store *db;
    jsonw *json;
    hia_error *err;
} status_ctx;

static void print_counts(const store_counts *c, const char *indent, const char *name)
{
    printf("%s%s: %ld of %ld ended: %ld done, %ld failed, %ld diverged; %ld running, %ld "
           "pending", indent, name, c->done + c->diverged + c->failed, c->total, c->done,
           c->failed, c->diverged, c->running, c->pending);
    if (c->images_per_second > 0)
        printf("; %.0f img/s, %.1f s per trial", c->images_per_second, c->trial_seconds);
    putchar('\n');
}

static void json_counts(jsonw *j, const store_counts *c)
{
    jsonw_int(j, "total", c->total);
    jsonw_int(j, "done", c->done);
    jsonw_int(j, "running", c->running);
    jsonw_int(j, "pending", c->pending);
    jsonw_int(j, "failed", c->failed);
    jsonw_int(j, "diverged", c->diverged);
    jsonw_number(j, "images_per_second", c->images_per_second);
    jsonw_number(j, "trial_seconds", c->trial_seconds);
}

static int status_dataset(void *ctx, const char *name)
{
    status_ctx *sc = ctx;
    store_counts c;
    if (store_count(sc->db, name, &c, sc->err))
        return -1;
    if (sc->json) {
        jsonw_begin_object(sc->json, name);
        json_counts(sc->json, &c);
        jsonw_end_object(sc->json);
    } else {
        print_counts(&c, "  ", name);
    }
    return 0;
}

static int status_one(const char *path, int json, hia_error *err)
{
    store *s;
    char where[4096];
    store_counts c;
    if (open_store(path, &s, where, sizeof(where), err))
        return -1;
    char *name = NULL;
    jsonw j;
    status_ctx sc = {s, json ? &j : NULL, err};
    int rc = store_meta(s, "setting:experiment", &name, err) || store_count(s, NULL, &c, err);
    if (!rc && json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "experiment", name ? name : "");
        jsonw_string(&j, "store", where);
        json_counts(&j, &c);
        jsonw_begin_object(&j, "datasets");
        rc = store_datasets(s, status_dataset, &sc, err);
        jsonw_end_object(&j);
        jsonw_end_object(&j);
    } else if (!rc) {
        char title[4200];
        snprintf(title, sizeof(title), "%s (%s)", name ? name : "?", where);
        print_counts(&c, "", title);
        rc = store_datasets(s, status_dataset, &sc, err);
    }
    free(name);
    store_close(s);
    return rc;
}

static int cmd_status(const args *a, hia_error *err)
{
    if (a->config)
        return status_one(a->config, a->json, err);
    glob_t g;
    if (glob("results/*.sqlite", 0, NULL, &g) != 0)
        return hia_fail(err, HIA_EUSER, "no results stores in results/ (run `hia run CONFIG`)");
    int rc = 0;
    for (size_t i = 0; i < g.gl_pathc && !rc; i++)
        rc = status_one(g.gl_pathv[i], a->json, err);
    globfree(&g);
    return rc;
}

static int cmd_export(const args *a, hia_error *err)
{
    store *s;
    char where[4096];
    if (open_store(a->config, &s, where, sizeof(where), err))
        return -1;
    int rc = strcmp(a->format, "json") == 0 ? export_json(s, stdout, err)
                                           : export_csv(s, stdout, err);
    store_close(s);
    return rc;
}

/* Every command: what --help lists, and how it runs. A command either parses its own
   arguments (own) or takes hia's common options (run, with usage, options, needs_config). */
typedef struct command {
    const char *name, *synopsis, *summary;
    int (*own)(int argc, char **argv, hia_error *err);
    int (*run)(const args *a, hia_error *err);
    const char *usage;
    int options;
    int needs_config;
} command;

static const command commands[] = {
    {"run", "run CONFIG", "start, or continue, the experiment in CONFIG", NULL, cmd_run,
     usage_run, OPT_RUN, 1},
    {"status", "status [CONFIG|STORE]", "trials by state, per dataset, throughput, ETA", NULL,
     cmd_status, usage_status, OPT_JSON, 0},
    {"export", "export STORE", "one row per trial, as CSV or JSON", NULL, cmd_export,
     usage_export, OPT_FORMAT, 1},
    {"analyze", "analyze STORE|CSV",
     "rank the hyperparameters, check the ranking's stability", 
     analyze_command, NULL, NULL, 0, 0},
    {"report", "report STORE", "write the study's report (HTML and Markdown, SVG figures)",
     report_command, NULL, NULL, 0, 0},
    {"train", "train CONFIG", "train and evaluate one configuration (no results store)", NULL,
     cmd_train, usage_train, OPT_TRAIN | OPT_SPACE | OPT_JSON, 1},
    {"netgen", "netgen CONFIG", "print the Darknet cfg of one configuration", NULL, cmd_netgen,
     usage_netgen, OPT_SPACE, 1},
    {"datasets", "datasets ACTION", "list, check, fetch, inspect datasets; write splits",
     datasets_command, NULL, NULL, 0, 0},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fputs("usage: hia <command> [options]\n\ncommands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-22s %s\n", commands[i].synopsis, commands[i].summary);
    fputs(usage_tail, out);
}

/* A command that takes hia's common options. */
static int run_with_args(const command *cmd, int argc, char **argv, hia_error *err)
{
    args a;
    if (parse_args(argc, argv, cmd->options, &a, err))
        return -1;
    if (a.help) {
        fputs(cmd->usage, stdout);
        return 0;
    }
    if (cmd->needs_config && !a.config)
        return hia_fail(err, HIA_EUSER, "missing %s (see --help)",
                        strcmp(cmd->name, "export") ? "CONFIG" : "STORE");
    return cmd->run(&a, err);
}

int main(int argc, char **argv)
{
    hia_error err = {0};
    cpu_fix_blas_kernels(argv);
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? HIA_EUSER : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("hia %s (Darknet with %d hia patches)\n", HIA_VERSION, HIA_DARKNET_PATCHES);
        return 0;
    }
    const command *cmd = NULL;
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "hia: unknown command '%s'\n\n", argv[1]);
        usage(stderr);
        return HIA_EUSER;
    }
    int rc = cmd->own ? cmd->own(argc - 2, argv + 2, &err)
                      : run_with_args(cmd, argc - 2, argv + 2, &err);
    if (rc) {
        fprintf(stderr, "hia %s: %s\n", argv[1], err.msg);
        return err.status ? err.status : HIA_EINTERNAL;
    }
    return 0;
}
