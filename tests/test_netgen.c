/* netgen: the cfg has the intended architecture, Darknet accepts every configuration a wide
   space can produce, and impossible or unknown values are refused naming the key. */
#include <darknet.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "darknet_parse.h"
#include "experiment/config.h"
#include "train/netgen.h"
#include "space_fixture.h"

/* The paper's ranges, with batch 1 so that Darknet's buffers stay small. */
static space paper_space(void)
{
    space s = {0};
    fixture_add(&s, "conv_layers", SPACE_INT, 1, 5, 0, NULL, 0);
    fixture_add(&s, "filters", SPACE_CATEGORICAL, 0, 0, 0, "16,32,64,128", 1);
    fixture_add(&s, "kernel_size", SPACE_CATEGORICAL, 0, 0, 0, "3,5,7", 1);
    fixture_add(&s, "activation", SPACE_CATEGORICAL, 0, 0, 0, "relu,leaky,elu,selu,tanh,logistic", 0);
    fixture_add(&s, "batch_norm", SPACE_CATEGORICAL, 0, 0, 0, "true,false", 0);
    fixture_add(&s, "dense_units", SPACE_INT, 64, 512, 0, NULL, 0);
    fixture_add(&s, "dropout", SPACE_FLOAT, 0, 0.5, 0, NULL, 0);
    fixture_add(&s, "optimizer", SPACE_CATEGORICAL, 0, 0, 0, "sgd,momentum,adam,rmsprop,adagrad", 0);
    fixture_add(&s, "learning_rate", SPACE_FLOAT, 1e-4, 1e-1, 1, NULL, 0);
    fixture_add(&s, "batch_size", SPACE_CATEGORICAL, 0, 0, 0, "1", 0);
    fixture_add(&s, "epochs", SPACE_INT, 1, 20, 0, NULL, 0);
    return s;
}

static int configure(const space *s, space_config *c, const char *const *sets, netgen_params *p,
                     hia_error *err)
{
    rng r;
    space_config_init(c, s);
    for (const char *const *k = sets; *k; k++)
        if (space_set(s, c, *k, err))
            return -1;
    rng_init(&r, 1);
    if (space_sample_missing(s, c, &r, err) || space_check_complete(s, c, err) ||
        netgen_params_read(s, c, p, err))
        return -1;
    return 0;
}

static void test_reference_net(void)
{
    space s = paper_space();
    space_config c;
    netgen_params p;
    hia_error err;
    config_network arch = {.pool_every = 1, .momentum = 0.9};
    netgen_input in = {28, 28, 1, 10};
    const char *sets[] = {"conv_layers=2", "filters=32,64", "kernel_size=3", "dense_units=128",
                          "dropout=0.25", "activation=relu", "optimizer=momentum",
                          "learning_rate=0.01", "batch_norm=false", NULL};
    char *text = NULL;
    CHECK(configure(&s, &c, sets, &p, &err) == 0);
    CHECK(netgen_cfg(&p, &in, &arch, &text, &err) == 0);
    CHECK(text && strstr(text, "optimizer=momentum\n") && strstr(text, "momentum=0.9\n"));
    network *net = text ? parse_text(text) : NULL;
    CHECK(net != NULL);
    if (net) {
        LAYER_TYPE types[] = {CONVOLUTIONAL, MAXPOOL, CONVOLUTIONAL, MAXPOOL, CONNECTED, DROPOUT,
                              CONNECTED, SOFTMAX};
        int outputs[] = {28 * 28 * 32, 14 * 14 * 32, 14 * 14 * 64, 7 * 7 * 64, 128, 128, 10, 10};
        CHECK(net->n == 8);
        for (int i = 0; i < 8 && i < net->n; i++) {
            CHECK(net->layers[i].type == types[i]);
            CHECK(net->layers[i].outputs == outputs[i]);
        }
        CHECK(net->layers[0].activation == RELU && net->layers[6].activation == LINEAR);
        CHECK(net->optimizer == OPT_MOMENTUM && net->momentum > 0.89f);
        free_network(net);
    }
    free(text);
    space_config_free(&c);
    space_free(&s);
}

static void test_pooling_stops(void)
{
    space s = paper_space();
    space_config c;
    netgen_params p;
    hia_error err;
    config_network arch = {.pool_every = 1};
    netgen_input in = {28, 28, 1, 10};
    const char *sets[] = {"conv_layers=5", "filters=16", "kernel_size=7", NULL};
    char *text = NULL;
    CHECK(configure(&s, &c, sets, &p, &err) == 0);
    CHECK(netgen_cfg(&p, &in, &arch, &text, &err) == 0);
    int pools = 0;
    for (const char *t = text; t && (t = strstr(t, "[maxpool]")); t++)
        pools++;
    CHECK(pools == 3); /* 28 -> 14 -> 7 -> 3, then the map is too small to pool */
    network *net = text ? parse_text(text) : NULL;
    CHECK(net != NULL);
    if (net) {
        CHECK(net->layers[net->n - 4].outputs == p.dense_units);
        free_network(net);
    }
    free(text);
    space_config_free(&c);

    arch.pool_every = 2; /* conv conv pool conv conv pool conv */
    CHECK(configure(&s, &c, sets, &p, &err) == 0);
    CHECK(netgen_cfg(&p, &in, &arch, &text, &err) == 0);
    pools = 0;
    for (const char *t = text; t && (t = strstr(t, "[maxpool]")); t++)
        pools++;
    CHECK(pools == 2);
    free(text);
    space_config_free(&c);
    space_free(&s);
}

static void test_refusals(void)
{
    space s = paper_space();
    space_config c;
    netgen_params p;
    hia_error err;
    space wide = {0};
    fixture_add(&wide, "conv_layers", SPACE_INT, 1, 1, 0, NULL, 0);
    fixture_add(&wide, "filters", SPACE_CATEGORICAL, 0, 0, 0, "8", 1);
    fixture_add(&wide, "kernel_size", SPACE_CATEGORICAL, 0, 0, 0, "4", 1);
    fixture_add(&wide, "activation", SPACE_CATEGORICAL, 0, 0, 0, "relu,swish", 0);
    fixture_add(&wide, "batch_norm", SPACE_CATEGORICAL, 0, 0, 0, "maybe,true", 0);
    fixture_add(&wide, "dense_units", SPACE_CATEGORICAL, 0, 0, 0, "8", 0);
    fixture_add(&wide, "dropout", SPACE_CATEGORICAL, 0, 0, 0, "1,0", 0);
    fixture_add(&wide, "optimizer", SPACE_CATEGORICAL, 0, 0, 0, "adamw,sgd", 0);
    fixture_add(&wide, "learning_rate", SPACE_CATEGORICAL, 0, 0, 0, "0.1", 0);
    fixture_add(&wide, "batch_size", SPACE_CATEGORICAL, 0, 0, 0, "2", 0);
    fixture_add(&wide, "epochs", SPACE_CATEGORICAL, 0, 0, 0, "1", 0);
    const char *even[] = {"activation=relu", "batch_norm=true", "dropout=0", "optimizer=sgd", NULL};
    CHECK(configure(&wide, &c, even, &p, &err) == -1);
    CHECK_MSG(err.msg, "kernel_size=4", "odd");
    space_config_free(&c);
    const char *refused[][2] = {
        {"activation=swish", "activation=swish: must be one of relu, leaky, elu"},
        {"dropout=1", "dropout=1: must be a number in [0, 1)"},
        {"optimizer=adamw", "optimizer=adamw: must be one of sgd, momentum, adam"}};
    for (int i = 0; i < 3; i++) { /* each refused alone, with the one table's rule */
        const char *sets[] = {"activation=relu", "batch_norm=true", "dropout=0", "optimizer=sgd",
                              refused[i][0], NULL};
        space odd = {0};
        for (int k = 0; k < wide.n; k++) {
            const space_param *w = &wide.params[k];
            char choices[128] = "";
            for (int j = 0; j < w->n_choices; j++)
                snprintf(choices + strlen(choices), sizeof(choices) - strlen(choices), "%s%s",
                         j ? "," : "", strcmp(w->name, "kernel_size") ? w->choices[j] : "3");
            fixture_add(&odd, w->name, w->type, w->low, w->high, 0,
                        w->type == SPACE_CATEGORICAL ? choices : NULL, w->per_layer);
        }
        CHECK(configure(&odd, &c, sets, &p, &err) == -1);
        CHECK_MSG(err.msg, refused[i][1]);
        space_config_free(&c);
        space_free(&odd);
    }
    space_free(&wide);
    /* every hyperparameter has its limits, which take what the paper's space draws */
    for (const char *const *n = netgen_names; *n; n++)
        CHECK(netgen_limit_find(*n) != NULL);
    CHECK(netgen_limit_find("momentum") == NULL);
    CHECK(netgen_check_number(netgen_limit_find("kernel_size"), 7) == 0);
    CHECK(netgen_check_text(netgen_limit_find("batch_norm"), "false") == 0);
    CHECK(netgen_check_text(netgen_limit_find("learning_rate"), "1e-4") == 0);
    CHECK(netgen_check_text(netgen_limit_find("learning_rate"), "0") == -1);

    const char *huge[] = {"conv_layers=1", "filters=128", "dense_units=512", NULL};
    config_network arch = {.pool_every = 9};
    netgen_input big = {256, 256, 3, 10};
    char *text = NULL;
    CHECK(configure(&s, &c, huge, &p, &err) == 0);
    CHECK(netgen_cfg(&p, &big, &arch, &text, &err) == -1);
    CHECK_MSG(err.msg, "weights (limit", "pool_every");
    space_config_free(&c);
    space_free(&s);
}

/* The bytes of Darknet's own buffers for net: each layer's output and delta, batch norm's two
   copies, dropout's draws, max-pool's indexes, the weights with their gradients and optimizer
   moments, the shared workspace. */
static double darknet_bytes(const network *net)
{
    double floats = 0, workspace = 0;
    for (int i = 0; i < net->n; i++) {
        const layer *l = &net->layers[i];
        double out = (double)l->outputs * l->batch;
        floats += out * (1 + (l->delta != NULL) + (l->rand != NULL));
        if (l->type == CONVOLUTIONAL && l->batch_normalize)
            floats += 2 * out;
        if (l->indexes)
            floats += out; /* ints, as wide as floats */
        double w = l->type == CONVOLUTIONAL ? l->nweights
                   : l->type == CONNECTED   ? (double)l->inputs * l->outputs
                                            : 0;
        floats += w * (2 + (l->m != NULL) + (l->v != NULL));
        if ((double)l->workspace_size > workspace)
            workspace = (double)l->workspace_size;
    }
    return floats * sizeof(float) + workspace;
}

static void test_wide_space_all_parse(void)
{
    space s = paper_space();
    netgen_input inputs[] = {{28, 28, 1, 10}, {32, 32, 3, 100}};
    config_network arch = {.pool_every = 1, .momentum = 0.9};
    int refused = 0;
    for (int t = 0; t < 400; t++) {
        space_config c;
        netgen_params p;
        hia_error err;
        rng r;
        char *text = NULL;
        netgen_input *in = &inputs[t % 2];
        space_config_init(&c, &s);
        rng_init(&r, rng_derive(3, (uint64_t)t, RNG_SPACE, 0));
        CHECK(space_sample_missing(&s, &c, &r, &err) == 0);
        CHECK(space_check_complete(&s, &c, &err) == 0);
        CHECK(netgen_params_read(&s, &c, &p, &err) == 0);
        CHECK(netgen_cfg(&p, in, &arch, &text, &err) == 0);
        network *net = text ? parse_text(text) : NULL;
        if (!net) {
            fprintf(stderr, "darknet refused sample %d: %s\n%s\n", t, darknet_msg, text);
            refused++;
        } else {
            CHECK(net->outputs == in->classes && net->inputs == in->width * in->height * in->channels);
            /* the bound sweep/split sizes -j by covers Darknet's buffers */
            double bound = netgen_memory_bytes(&p, in, &arch) - NETGEN_LIBRARY_BYTES;
            if (bound < darknet_bytes(net))
                fprintf(stderr, "sample %d: bound %.0f < darknet's %.0f\n", t, bound,
                        darknet_bytes(net));
            CHECK(bound >= darknet_bytes(net));
            free_network(net);
        }
        free(text);
        space_config_free(&c);
    }
    CHECK(refused == 0);
    space_free(&s);
}

int main(void)
{
    darknet_catch_errors();
    test_reference_net();
    test_pooling_stops();
    test_refusals();
    test_wide_space_all_parse();
    return CHECK_DONE();
}
