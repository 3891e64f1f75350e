/* config: a valid experiment loads; every kind of mistake is refused with file:line:column
   and the key. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "check.h"
#include "sweep/config_load.h"

static char dir[256];

static const char *base =
    "experiment: t\n"
    "seed: 5\n"
    "trials: 3\n"
    "datasets:\n"
    "  - {name: tiny, train: 10, validation: 5}\n"
    "space:\n"
    "  conv_layers:   {type: int, low: 1, high: 2}\n"
    "  filters:       {type: categorical, choices: [4, 8], per_layer: true}\n"
    "  kernel_size:   3\n"
    "  activation:    {type: categorical, choices: [relu]}\n"
    "  batch_norm:    {type: categorical, choices: [true, false]}\n"
    "  dense_units:   {type: int, low: 8, high: 16}\n"
    "  dropout:       {type: float, low: 0, high: 0.5}\n"
    "  optimizer:     {type: categorical, choices: [sgd, adam]}\n"
    "  learning_rate: {type: float, low: 1.0e-3, high: 1.0e-1, log: true}\n"
    "  batch_size:    8\n"
    "  epochs:        {type: int, low: 1, high: 2}\n";

/* text with the line starting with `from` replaced by `to` (or `to` appended if from is NULL);
   the caller frees it */
static char *replace_line(const char *text, const char *from, const char *to)
{
    const char *at = from ? strstr(text, from) : NULL;
    if (!at)
        return xstrfmt("%s%s", text, to);
    return xstrfmt("%.*s%s%s", (int)(at - text), text, to, strchr(at, '\n'));
}

static int load_text(const char *text, config *c, hia_error *err)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/c.yaml", dir);
    if (write_text(path, text))
        return -2;
    return config_load(c, path, err);
}

static int load_variant(const char *from, const char *to, config *c, hia_error *err)
{
    char *text = replace_line(base, from, to);
    int rc = load_text(text, c, err);
    free(text);
    return rc;
}

/* The file is refused, a user error, with a message that holds where and every fragment of
   what. */
static void expect_refused(const char *text, const char *where, const char *what)
{
    config c;
    hia_error err = {0};
    int rc = load_text(text, &c, &err);
    CHECK(rc == -1);
    CHECK(err.status == HIA_EUSER);
    CHECK_MSG(err.msg, "c.yaml:", where, what);
    if (rc == 0)
        config_free(&c);
}

static void expect_error(const char *from, const char *to, const char *where, const char *what)
{
    char *text = replace_line(base, from, to);
    expect_refused(text, where, what);
    free(text);
}

/* Every value the trainer would refuse at trial time is refused at load, where it is written
   (train/netgen's limits). */
static void test_trainer_limits(void)
{
    expect_error("  epochs", "  epochs: -1", "17:11",
                 "'epochs' value -1: must be a whole number in 1..100000");
    expect_error("  epochs", "  epochs: 1e9", "17:11",
                 "'epochs' value 1e9: must be a whole number in 1..100000");
    expect_error("  epochs", "  epochs: {type: int, low: -1, high: 2}", "17:28",
                 "'epochs' low -1: must be a whole number in 1..100000");
    expect_error("  epochs", "  epochs: {type: int, low: 1, high: 1000000}", "17:37",
                 "'epochs' high 1000000: must be a whole number in 1..100000");
    expect_error("  epochs", "  epochs: {type: float, low: 1, high: 3}", "17:18",
                 "'epochs' takes whole numbers, which a float range does not draw");
    expect_error("  filters", "  filters: {type: categorical, choices: [8, 1e8], per_layer: true}",
                 "8:45", "'filters' choice 1e8: must be a whole number in 1..4096");
    expect_error("  batch_size", "  batch_size: 0", "16:15",
                 "'batch_size' value 0: must be a whole number in 1..65536");
    expect_error("  dropout", "  dropout: 1.0", "13:12",
                 "'dropout' value 1.0: must be a number in [0, 1)");
    expect_error("  dropout", "  dropout: {type: float, low: 0, high: 1.0}", "13:40",
                 "'dropout' high 1.0: must be a number in [0, 1)");
    expect_error("  dropout", "  dropout: {type: float, low: 0, high: 0.5, per_layer: true}",
                 "13:56", "'dropout' cannot be per_layer");
    expect_error("  activation", "  activation: {type: categorical, choices: [relu, swish]}",
                 "10:51", "'activation' choice swish: must be one of relu, leaky, elu, selu, "
                 "tanh, logistic");
    expect_error("  activation", "  activation: {type: int, low: 1, high: 2}", "10:22",
                 "'activation' takes words: make it categorical");
    expect_error("  optimizer", "  optimizer: adamw", "14:14",
                 "'optimizer' value adamw: must be one of sgd, momentum, adam, rmsprop, adagrad");
    expect_error("  learning_rate", "  learning_rate: {type: float, low: -1, high: 0.1}", "15:37",
                 "'learning_rate' low -1: must be a number above 0");
    expect_error("  learning_rate", "  learning_rate: 0", "15:18",
                 "'learning_rate' value 0: must be a number above 0");
    expect_error("  batch_norm", "  batch_norm: maybe", "11:15",
                 "'batch_norm' value maybe: must be true or false");
    expect_error("  kernel_size", "  kernel_size: {type: categorical, choices: [3, 4]}", "9:49",
                 "'kernel_size' choice 4: must be odd (same padding), a whole number in 1..31");
    expect_error("  kernel_size", "  kernel_size: {type: int, low: 3, high: 5}", "9:16",
                 "'kernel_size': an int range draws even sizes too");
    expect_error("  dense_units", "  dense_units: {type: int, low: 8, high: 100000}", "12:42",
                 "'dense_units' high 100000: must be a whole number in 1..65536");
    expect_error("  conv_layers", "  conv_layers: {type: int, low: 1, high: 17}", "7:42",
                 "'conv_layers' high 17: must be a whole number in 1..16");
}

/* hia's own limits on the file's settings. */
static void test_limits(void)
{
    expect_error("trials", "trials: 1000000000000000000", "3:9",
                 "'trials' must be at most 100000, not 1000000000000000000");
    expect_error(NULL, "threads: 1000000\n", "18:10", "'threads' must be at most 4096, not 1000000");
    expect_error(NULL, "network: {pool_every: 4294967296}\n", "18:23",
                 "'pool_every' must be at most 1000");
    expect_error(NULL, "network: {weight_decay: -1}\n", "18:25", "'weight_decay' must be at least 0");
    expect_error(NULL, "analysis: {nrrelieff: {neighbours: 4294967297}}\n", "18:36",
                 "'neighbours' must be at most 1000000");
    expect_error(NULL, "analysis: {icc: {fraction: 0}}\n", "18:28", "'fraction' must be above 0");
    expect_error(NULL, "models: ''\n", "18:9", "'models' must name a folder");

    /* trials x datasets: eleven datasets of 100,000 trials each are too many to plan */
    strbuf sets = STRBUF_INIT;
    for (int i = 0; i < 11; i++)
        strbuf_addf(&sets, "  - {name: t%d, train: 10, validation: 5}\n", i);
    char *t1 = replace_line(base, "trials", "trials: 100000");
    char *t2 = replace_line(t1, "  - {name: tiny", strbuf_str(&sets));
    expect_refused(t2, "3:9", "100000 trials on 11 datasets make 1100000 to plan, more than 1000000");
    free(t1);
    free(t2);

    /* more datasets or choices than hia takes */
    strbuf_reset(&sets);
    strbuf_addstr(&sets, "datasets: [");
    for (int i = 0; i < 65; i++)
        strbuf_addf(&sets, "%s{name: tiny, train: 10, validation: 5}", i ? ", " : "");
    strbuf_addstr(&sets, "]");
    t1 = replace_line(base, "datasets:", strbuf_str(&sets));
    t2 = replace_line(t1, "  - {name: tiny", "");
    expect_refused(t2, "4:11", "'datasets' lists 65 datasets, more than 64");
    free(t1);
    free(t2);
    strbuf_reset(&sets);
    strbuf_addstr(&sets, "  filters: {type: categorical, choices: [");
    for (int i = 1; i <= 1025; i++)
        strbuf_addf(&sets, "%s%d", i > 1 ? ", " : "", i);
    strbuf_addstr(&sets, "], per_layer: true}");
    expect_error("  filters", strbuf_str(&sets), "8:41", "'filters' has 1025 choices, more than 1024");
    strbuf_free(&sets);
}

/* The experiment's name names its store and folders. */
static void test_names(void)
{
    expect_error("experiment", "experiment: ''", "1:13", "'experiment' must not be empty");
    expect_error("experiment", "experiment: \"ab\\0cd\"", "1:13", "a NUL byte in 'ab…'");
    expect_error("experiment", "experiment: a/b", "1:13", "'experiment' names files");
    expect_error("experiment", "experiment: .hidden", "1:13", "'experiment' names files");
    expect_error("experiment", "experiment: \"a\\tb\"", "1:13", "'experiment' names files");
    expect_error("experiment",
                 "experiment: a1234567890123456789012345678901234567890123456789012345678901234",
                 "1:13", "'experiment' is 65 characters long, more than 64");
    config c;
    hia_error err = {0};
    int rc = load_variant("experiment",
                          "experiment: A-b_c.1234567890123456789012345678901234567890123456789012345678",
                          &c, &err);
    CHECK(rc == 0);
    if (rc == 0)
        config_free(&c);
}

/* The file itself: its size, its nesting, one document; a message keeps its end. */
static void test_file(void)
{
    strbuf text = STRBUF_INIT;
    strbuf_addstr(&text, "experiment: ");
    for (int i = 0; i < 100000; i++)
        strbuf_addch(&text, '[');
    expect_refused(strbuf_str(&text), "1:44", "nested deeper than 32 lists and mappings");
    strbuf_reset(&text);
    strbuf_addstr(&text, base);
    while (text.len <= 1024 * 1024)
        strbuf_addstr(&text, "# a comment to make the file larger than hia reads\n");
    expect_refused(strbuf_str(&text), "", "larger than 1048576 bytes (1 MiB)");
    expect_error(NULL, "---\nexperiment: other\n", "18:1", "a second YAML document");
    /* an unknown key 5,000 characters long (explicit: a plain key is at most 1,024): the
       message keeps the list of known keys */
    strbuf_reset(&text);
    strbuf_addstr(&text, "? ");
    for (int i = 0; i < 5000; i++)
        strbuf_addch(&text, 'x');
    strbuf_addstr(&text, "\n: 1\n");
    char *long_key = replace_line(base, NULL, strbuf_str(&text));
    config c;
    hia_error err = {0};
    CHECK(load_text(long_key, &c, &err) == -1);
    CHECK_MSG(err.msg, "c.yaml:18:3: unknown key 'xxx", "x … x",
              "in the experiment (known: experiment, seed, trials, sampler, datasets, device, "
              "threads, keep, models, space, network, analysis)");
    CHECK(strlen(err.msg) < sizeof(err.msg));
    free(long_key);
    strbuf_free(&text);
}

int main(void)
{
    char desc[512];
    snprintf(dir, sizeof(dir), "/tmp/hia-test-config-XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    setenv("HIA_DATASETS", dir, 1);
    snprintf(desc, sizeof(desc), "%s/tiny.yaml", dir);
    write_text(desc, "name: tiny\n");
    for (int i = 0; i < 11; i++) {
        char more[512];
        snprintf(more, sizeof(more), "%s/t%d.yaml", dir, i);
        write_text(more, "name: tiny\n");
    }

    config c;
    hia_error err = {0};
    CHECK(load_variant(NULL, "", &c, &err) == 0);
    CHECK(c.seed == 5 && c.trials == 3 && c.n_datasets == 1 && c.space.n == 11);
    CHECK(strcmp(c.sampler, "random") == 0 && strcmp(c.device, "cpu") == 0);
    CHECK(c.datasets[0].train == 10 && c.datasets[0].validation == 5 && c.datasets[0].test == 0);
    CHECK(c.network.pool_every == 1);
    CHECK(strcmp(c.network.init, "pytorch") == 0);
    config_free(&c);
    CHECK(load_variant(NULL, "network: {init: darknet}\n", &c, &err) == 0);
    CHECK(strcmp(c.network.init, "darknet") == 0);
    config_free(&c);

    expect_error(NULL, "colour: blue\n", "18:1", "unknown key 'colour'");
    expect_error("trials", "trials: 0", "3:9", "'trials' must be at least 1");
    expect_error("trials", "trials: many", "3:9", "'trials' must be a whole number");
    expect_error("seed", "seed: [1, 2]", "2:7", "'seed' must be a single value");
    expect_error("  dropout", "  dropout: {type: float, low: 0.6, high: 0.5}", "13:3",
                 "'dropout': low (0.6) is above high (0.5)");
    expect_error("  optimizer", "  optimizer: {type: categorical, choices: []}", "14:3",
                 "'optimizer': choices must not be empty");
    expect_error("  dropout", "  dropout: {type: float, low: 0, high: 0.5, log: true}",
                 "13:3", "log needs low > 0");
    expect_error("  - {name: tiny", "  - {name: mnist-of-mars, train: 10, validation: 5}", "5:12",
                 "unknown dataset 'mnist-of-mars'");
    expect_error("  epochs", "  epochs: {type: int, low: 1, high: 2, step: 1}", "17:40",
                 "unknown key 'step' in epochs");
    expect_error("  epochs", "  epochz: {type: int, low: 1, high: 2}", "17:3",
                 "unknown key 'epochz' in space");
    expect_error("  epochs", "", "7:3", "the space defines no 'epochs'");
    expect_error("  epochs", "  epochs: {type: integer, low: 1, high: 2}", "17:18",
                 "type must be int, float or categorical");
    expect_error("sampler", "sampler: grid\n", "18:10", "'sampler' must be one of random, sobol, lhs");
    expect_error(NULL, "device: tpu\n", "18:9", "'device' must be cpu, gpu or gpu:N");
    expect_error("  - {name: tiny", "  - {name: tiny, train: 10}", "5:5", "needs 'train' and 'validation'");
    expect_error(NULL, "network: {pool_every: 0}\n", "18:23", "'pool_every' must be at least 1");
    expect_error(NULL, "network: {init: keras}\n", "18:17",
                 "'init' must be one of pytorch, darknet, not 'keras'");
    expect_error("experiment", "experiment: ../escape", "1:13", "'experiment' names files");
    expect_error(NULL, "seed: 6\n", "18:1", "key 'seed' appears twice");
    expect_error(NULL, "network: 5\n", "18:10", "'network' must be a mapping");

    test_trainer_limits();
    test_limits();
    test_names();
    test_file();

    char path[512];
    snprintf(path, sizeof(path), "%s/bad.yaml", dir);
    write_text(path, "experiment: [unclosed\n");
    CHECK(config_load(&c, path, &err) == -1);
    CHECK_MSG(err.msg, "bad.yaml:", "invalid YAML");
    CHECK(config_load(&c, "/nonexistent/x.yaml", &err) == -1);
    CHECK_MSG(err.msg, "/nonexistent/x.yaml", "cannot open");

    unlink(path);
    unlink(desc);
    for (int i = 0; i < 11; i++) {
        snprintf(path, sizeof(path), "%s/t%d.yaml", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/c.yaml", dir);
    unlink(path);
    rmdir(dir);
    return CHECK_DONE();
}
