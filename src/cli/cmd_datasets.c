/* The datasets command: list, check, fetch, inspect, splits. */
#include "cli/commands.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "base/jsonw.h"
#include "base/strbuf.h"
#include "cli/options.h"
#include "data/datafiles.h"
#include "data/dataset.h"
#include "data/dataset_dump.h"
#include "data/formats/format.h"
#include "sweep/config_load.h"

static const command_help help = {
    "hia datasets list [--json]\n"
    "hia datasets check [NAME...] [--json]\n"
    "hia datasets fetch NAME [--mirror URL]\n"
    "hia datasets inspect PATH [--format F] [--json]\n"
    "hia datasets splits CONFIG [--dataset D] -o DIR",
    "  list      the described datasets (datasets/*.yaml, or $HIA_DATASETS) and whether their\n"
    "            files are present\n"
    "  check     each recorded file against its size and sha256 (all datasets, or NAME...);\n"
    "            exit status 1 when a present file is damaged or a named dataset is missing\n"
    "  fetch     download NAME's files (needs internet, or --mirror), check them, unpack\n"
    "  inspect   count, shape, channels, classes and per-class counts of a dataset file or\n"
    "            folder; the format is guessed from the name unless --format F is given\n"
    "  splits    write the train, validation and test images every trial of CONFIG sees (its\n"
    "            first dataset, or --dataset D) to DIR as IDX files, for another framework\n",
    NULL, "list, check, fetch, inspect or splits", 1, -1};

typedef struct ds_args {
    const char *format, *mirror, *dataset, *out;
    const char *const *names; /* the operands after the action */
    int n_names, json;
} ds_args;

static const char *status_of(const dataset_desc *d)
{
    if (datafiles_present(d))
        return "present";
    return d->n_fetch ? "missing (hia datasets fetch)" : "missing";
}

static int ds_list(const ds_args *a, hia_error *err)
{
    char **names;
    int n, rc = 0;
    jsonw j;
    if (dataset_names(&names, &n, err))
        return -1;
    if (a->json) {
        jsonw_init(&j, stdout);
        jsonw_begin_array(&j, NULL);
    } else {
        printf("%-16s %-11s %-10s %7s  %s\n", "name", "format", "shape", "classes", "files");
    }
    for (int i = 0; i < n && !rc; i++) {
        dataset_desc d;
        if ((rc = dataset_desc_load(names[i], &d, err)))
            break;
        int present = datafiles_present(&d);
        if (a->json) {
            jsonw_begin_object(&j, NULL);
            jsonw_string(&j, "name", d.name);
            jsonw_string(&j, "format", d.format);
            jsonw_int(&j, "width", d.width);
            jsonw_int(&j, "height", d.height);
            jsonw_int(&j, "channels", d.channels);
            jsonw_int(&j, "classes", d.classes);
            jsonw_bool(&j, "present", present);
            jsonw_bool(&j, "fetchable", d.n_fetch > 0);
            jsonw_string(&j, "path", d.dir);
            jsonw_end_object(&j);
        } else {
            char shape[32];
            snprintf(shape, sizeof(shape), "%dx%dx%d", d.width, d.height, d.channels);
            printf("%-16s %-11s %-10s %7d  %s\n", d.name, d.format, shape, d.classes,
                   status_of(&d));
            if (!present && d.install)
                printf("%-16s %s\n", "", d.install);
        }
        dataset_desc_free(&d);
    }
    if (a->json && !rc) {
        jsonw_end_array(&j);
        putchar('\n');
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* Checks one dataset; *bad counts damaged files (and missing ones when required). */
static int check_one(const char *name, int required, jsonw *j, int *bad, hia_error *err)
{
    dataset_desc d;
    char problem[256];
    if (dataset_desc_load(name, &d, err))
        return -1;
    int present = datafiles_present(&d), rc = 0;
    if (j) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "name", d.name);
        jsonw_bool(j, "present", present);
        jsonw_begin_array(j, "files");
    } else {
        printf("%s: %s\n", d.name, present ? "present" : status_of(&d));
    }
    if (!present && required)
        (*bad)++;
    for (int i = 0; i < d.n_files && !rc; i++) {
        int state = datafiles_check(&d, &d.files[i], problem, sizeof(problem), err);
        if (state < 0) {
            rc = -1;
            break;
        }
        if (state == FILE_BAD || (state == FILE_MISSING && (present || required)))
            (*bad)++;
        if (j) {
            jsonw_begin_object(j, NULL);
            jsonw_string(j, "name", d.files[i].name);
            jsonw_string(j, "state", state == FILE_OK ? "ok" : state == FILE_BAD ? "bad"
                                                                                : "missing");
            jsonw_string(j, "detail", problem);
            jsonw_end_object(j);
        } else if (present || required || state != FILE_MISSING) {
            printf("  %-48s %s\n", d.files[i].name, problem);
        }
    }
    if (j) {
        jsonw_end_array(j);
        jsonw_end_object(j);
    }
    dataset_desc_free(&d);
    return rc;
}

static int ds_check(const ds_args *a, hia_error *err)
{
    char **names = (char **)a->names;
    int n = a->n_names, bad = 0, rc = 0, own = 0;
    jsonw j;
    if (n == 0) {
        if (dataset_names(&names, &n, err))
            return -1;
        own = 1;
    }
    if (a->json) {
        jsonw_init(&j, stdout);
        jsonw_begin_array(&j, NULL);
    }
    for (int i = 0; i < n && !rc; i++)
        rc = check_one(names[i], !own, a->json ? &j : NULL, &bad, err);
    if (a->json && !rc) {
        jsonw_end_array(&j);
        putchar('\n');
    }
    for (int i = 0; own && i < n; i++)
        free(names[i]);
    if (own)
        free(names);
    if (!rc && bad)
        rc = hia_fail(err, HIA_EUSER, "%d file%s missing or damaged", bad, bad == 1 ? "" : "s");
    return rc;
}

static int ds_fetch(const ds_args *a, hia_error *err)
{
    dataset_desc d;
    if (a->n_names != 1)
        return hia_fail(err, HIA_EUSER, "fetch takes one dataset name");
    if (dataset_desc_load(a->names[0], &d, err))
        return -1;
    int rc = datafiles_fetch(&d, a->mirror, stderr, err);
    dataset_desc_free(&d);
    return rc;
}

/* The format a path's name suggests; pair, a copy of path, becomes the second file's name
   where the format has one. */
static const char *guess_format(const char *path, char *pair, hia_error *err)
{
    struct stat st;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *at;
    if (stat(path, &st) != 0) {
        hia_fail(err, HIA_EUSER, "%s: cannot open", path);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        char *probe = xstrfmt("%s/0.json", path);
        int json = stat(probe, &st) == 0;
        free(probe);
        return json ? "mnist-json" : "imagefolder";
    }
    if ((at = strstr(pair + (base - path), "images-idx3"))) {
        memcpy(at, "labels-idx1", 11);
        return "idx";
    }
    if (str_ends_with(path, ".mat"))
        return "svhn";
    if (str_ends_with(path, "_X.bin")) {
        pair[strlen(pair) - 5] = 'y';
        return "stl10";
    }
    if (str_ends_with(path, ".bin"))
        return st.st_size % 3073 == 0 || st.st_size % 3074 ? "cifar10" : "cifar100";
    hia_fail(err, HIA_EUSER, "%s: cannot tell the format from the name; give --format (%s)", path,
             format_names());
    return NULL;
}

/* One split as text, or as a JSON object into j. */
static void print_inspect(const char *path, const char *format, const dataset_images *d,
                          jsonw *j)
{
    long *count = xcalloc((size_t)d->classes, sizeof(long));
    for (int i = 0; i < d->n; i++)
        count[d->labels[i]]++;
    if (j) {
        jsonw_begin_object(j, NULL);
        jsonw_string(j, "path", path);
        jsonw_string(j, "format", format);
        jsonw_int(j, "count", d->n);
        jsonw_int(j, "width", d->width);
        jsonw_int(j, "height", d->height);
        jsonw_int(j, "channels", d->channels);
        jsonw_int(j, "classes", d->classes);
        jsonw_begin_array(j, "per_class");
        for (int k = 0; k < d->classes; k++)
            jsonw_int(j, NULL, count[k]);
        jsonw_end_array(j);
        if (d->names) {
            jsonw_begin_array(j, "class_names");
            for (int k = 0; k < d->classes; k++)
                jsonw_string(j, NULL, d->names[k]);
            jsonw_end_array(j);
        }
        jsonw_end_object(j);
    } else {
        printf("%s: %s, %d images, %dx%d, %d channel%s, %d classes\n", path, format, d->n,
               d->width, d->height, d->channels, d->channels == 1 ? "" : "s", d->classes);
        for (int k = 0; k < d->classes; k++)
            printf("  class %-4d %-24s %ld\n", k, d->names ? d->names[k] : "", count[k]);
    }
    free(count);
}

/* The splits of a dataset folder in a file format: MNIST-style IDX files (the images
   *-images-idx3-ubyte[.gz] beside their *-labels-idx1-ubyte[.gz]) or CIFAR-10's
   cifar-10-batches-bin/ (data_batch_1..5.bin for training, test_batch.bin). */
typedef struct folder_split {
    const char *name;
    char **files;
    int n;
} folder_split;

/* The splits found in a folder. */
typedef struct folder_splits {
    const char *format;
    folder_split *split;
    int n;
} folder_splits;

static folder_split *add_split(folder_splits *s, const char *name)
{
    s->split = xreallocarray(s->split, (size_t)s->n + 1, sizeof(*s->split));
    folder_split *p = &s->split[s->n++];
    *p = (folder_split){xstrdup(name), NULL, 0};
    return p;
}

static void add_file(folder_split *p, char *path)
{
    p->files = xreallocarray(p->files, (size_t)p->n + 1, sizeof(char *));
    p->files[p->n++] = path;
}

static void folder_splits_free(folder_splits *s)
{
    for (int i = 0; i < s->n; i++) {
        for (int k = 0; k < s->split[i].n; k++)
            free(s->split[i].files[k]);
        free(s->split[i].files);
        free((char *)s->split[i].name);
    }
    free(s->split);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* MNIST-style IDX files: each *-images-idx3-ubyte[.gz] beside its labels. */
static int idx_splits(const char *dir, glob_t *g, folder_splits *s, hia_error *err)
{
    s->format = "idx";
    for (size_t i = 0; i < g->gl_pathc; i++) {
        const char *f = g->gl_pathv[i], *base = strrchr(f, '/') + 1;
        char *name = xstrfmt("%.*s", (int)(strstr(base, "-images") - base), base);
        folder_split *p = add_split(s, name);
        free(name);
        char *labels = xstrdup(f);
        memcpy(strstr(labels + (base - f), "images-idx3"), "labels-idx1", 11);
        add_file(p, xstrdup(f));
        add_file(p, labels);
        if (access(labels, R_OK) != 0)
            return hia_fail(err, HIA_EUSER, "%s: no labels beside the images %s (expected %s)",
                            dir, f, labels);
    }
    return 0;
}

/* The format of a folder's files and its splits (s->n 0 when it holds neither kind). */
static int find_splits(const char *dir, folder_splits *s, hia_error *err)
{
    glob_t g;
    char *pattern = xstrfmt("%s/*-images-idx3-ubyte*", dir);
    int found = glob(pattern, 0, NULL, &g) == 0;
    free(pattern);
    if (found) {
        int rc = idx_splits(dir, &g, s, err);
        globfree(&g);
        return rc;
    }
    pattern = xstrfmt("%s/data_batch_*.bin", dir);
    int train = glob(pattern, 0, NULL, &g) == 0;
    free(pattern);
    pattern = xstrfmt("%s/test_batch.bin", dir);
    int test = glob(pattern, train ? GLOB_APPEND : 0, NULL, &g) == 0;
    free(pattern);
    if (!train && !test)
        return 0;
    s->format = "cifar10";
    if (train) {
        folder_split *p = add_split(s, "train");
        size_t batches = g.gl_pathc - (size_t)test;
        qsort(g.gl_pathv, batches, sizeof(char *), by_name);
        for (size_t i = 0; i < batches; i++)
            add_file(p, xstrdup(g.gl_pathv[i]));
    }
    if (test)
        add_file(add_split(s, "test"), xstrdup(g.gl_pathv[g.gl_pathc - 1]));
    globfree(&g);
    return 0;
}

/* Inspects each split of a folder of IDX or CIFAR-10 files; 1 when the folder is neither. */
static int inspect_folder(const char *dir, int json, hia_error *err)
{
    folder_splits s = {0};
    int rc = find_splits(dir, &s, err);
    if (rc || !s.n) {
        folder_splits_free(&s);
        return rc ? -1 : 1;
    }
    const format_info *fmt = format_find(s.format);
    jsonw j;
    if (json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "path", dir);
        jsonw_string(&j, "format", s.format);
        jsonw_begin_array(&j, "splits");
    } else {
        printf("%s: %s, %d split%s\n", dir, s.format, s.n, s.n == 1 ? "" : "s");
    }
    for (int i = 0; i < s.n && !rc; i++) {
        const folder_split *p = &s.split[i];
        format_request req = {.files = (const char **)p->files, .n_files = p->n};
        dataset_images d = {0};
        rc = fmt->load(&req, &d, err);
        if (!rc) {
            if (!json)
                printf("%s (%d file%s): ", p->name, p->n, p->n == 1 ? "" : "s");
            print_inspect(p->files[0], s.format, &d, json ? &j : NULL);
        }
        dataset_images_free(&d);
    }
    if (json) {
        jsonw_end_array(&j);
        jsonw_end_object(&j);
        putchar('\n');
    }
    folder_splits_free(&s);
    return rc;
}

/* One dataset file (and the one it pairs with) in the format given or guessed. */
static int inspect_file(const char *path, const char *format, char *pair, int json,
                        hia_error *err)
{
    const char *guessed = guess_format(path, pair, err);
    if (!format && !guessed)
        return -1;
    if (!format)
        format = guessed;
    const format_info *fmt = format_find(format);
    if (!fmt)
        return hia_fail(err, HIA_EUSER, "unknown format '%s' (known: %s)", format,
                        format_names());
    if (fmt->min_files == 2 && (!guessed || !strcmp(pair, path)))
        return hia_fail(err, HIA_EUSER, "%s: format %s takes %s; cannot find the second file "
                        "from the name", path, format, fmt->files);
    const char *files[] = {path, pair};
    format_request req = {.files = files, .n_files = fmt->min_files};
    dataset_images d = {0};
    int rc = fmt->load(&req, &d, err);
    if (!rc && json) {
        jsonw j;
        jsonw_init(&j, stdout);
        print_inspect(path, format, &d, &j);
        putchar('\n');
    } else if (!rc) {
        print_inspect(path, format, &d, NULL);
    }
    dataset_images_free(&d);
    return rc;
}

static int ds_inspect(const ds_args *a, hia_error *err)
{
    if (a->n_names != 1)
        return hia_fail(err, HIA_EUSER, "inspect takes one path");
    const char *path = a->names[0];
    struct stat st;
    if (!a->format && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        int rc = inspect_folder(path, a->json, err);
        if (rc <= 0)
            return rc;
    }
    char *pair = xstrdup(path);
    int rc = inspect_file(path, a->format, pair, a->json, err);
    free(pair);
    return rc;
}

static int ds_splits(const ds_args *a, hia_error *err)
{
    config c;
    dataset_splits s = {0};
    if (a->n_names != 1 || !a->out)
        return hia_fail(err, HIA_EUSER, "splits takes one CONFIG and -o DIR (see --help)");
    if (config_load(&c, a->names[0], err))
        return -1;
    const config_dataset *d = a->dataset ? config_find_dataset(&c, a->dataset) : &c.datasets[0];
    int rc = d ? 0 : hia_fail(err, HIA_EUSER, "--dataset %s: %s lists no such dataset",
                              a->dataset, a->names[0]);
    if (!rc)
        rc = dataset_prepare(d, c.seed, &s, err) || dataset_dump(&s, a->out, err) ? -1 : 0;
    if (!rc)
        printf("%s: %d train, %d validation, %d test images of %s (seed %llu) in %s\n",
               c.experiment, s.train.n, s.validation.n, s.test.n, d->name,
               (unsigned long long)c.seed, a->out);
    dataset_splits_free(&s);
    config_free(&c);
    return rc;
}

int cmd_datasets(int argc, char **argv, hia_error *err)
{
    ds_args a = {0};
    option opts[] = {
        OPT_FLAG("--json", &a.json, "list, check, inspect: JSON instead of text"),
        OPT_STRING("--mirror", "URL", &a.mirror,
                   "fetch: from URL/<file name> instead of each file's own address"),
        OPT_STRING("--format", "F", &a.format,
                   "inspect: idx, cifar10, cifar100, stl10, svhn, imagefolder or mnist-json"),
        OPT_STRING("--dataset", "D", &a.dataset, "splits: a dataset of CONFIG (default: the first)"),
        OPT_STRING("-o", "DIR", &a.out, "splits: the folder to write"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    static const struct {
        const char *name;
        int (*run)(const ds_args *a, hia_error *err);
    } actions[] = {{"list", ds_list}, {"check", ds_check}, {"fetch", ds_fetch},
                   {"inspect", ds_inspect}, {"splits", ds_splits}};
    a.names = (const char *const *)argv + 1;
    a.n_names = n - 1;
    for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
        if (!strcmp(argv[0], actions[i].name))
            return actions[i].run(&a, err);
    return hia_fail(err, HIA_EUSER, "unknown action '%s' (list, check, fetch, inspect, splits)",
                    argv[0]);
}
