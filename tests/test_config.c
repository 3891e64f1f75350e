/* config: a valid experiment loads; every kind of mistake is refused with file:line:column
   and the key. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* base with the line starting with `from` replaced by `to` (or `to` appended if from is NULL) */
static int load_variant(const char *from, const char *to, config *c, hia_error *err)
{
    char text[4096], path[512];
    const char *at = from ? strstr(base, from) : NULL;
    if (at) {
        const char *eol = strchr(at, '\n');
        snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base, to, eol);
    } else {
        snprintf(text, sizeof(text), "%s%s", base, to);
    }
    snprintf(path, sizeof(path), "%s/c.yaml", dir);
    if (write_text(path, text))
        return -2;
    return config_load(c, path, err);
}

static void expect_error(const char *from, const char *to, const char *where, const char *what)
{
    config c;
    hia_error err = {0};
    int rc = load_variant(from, to, &c, &err);
    CHECK(rc == -1);
    CHECK(err.status == HIA_EUSER);
    CHECK_MSG(err.msg, "c.yaml:", where, what);
    if (rc == 0)
        config_free(&c);
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
    expect_error("  learning_rate", "  learning_rate: {type: float, low: 0, high: 1, log: true}",
                 "15:3", "log needs low > 0");
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

    char path[512];
    snprintf(path, sizeof(path), "%s/bad.yaml", dir);
    write_text(path, "experiment: [unclosed\n");
    CHECK(config_load(&c, path, &err) == -1);
    CHECK_MSG(err.msg, "bad.yaml:", "invalid YAML");
    CHECK(config_load(&c, "/nonexistent/x.yaml", &err) == -1);
    CHECK_MSG(err.msg, "/nonexistent/x.yaml", "cannot open");

    unlink(path);
    unlink(desc);
    snprintf(path, sizeof(path), "%s/c.yaml", dir);
    unlink(path);
    rmdir(dir);
    return CHECK_DONE();
}
