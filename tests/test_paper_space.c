/* The property behind every sweep: each configuration configs/paper.yaml's space produces
   (10,000 of them, drawn as a sweep draws them) becomes a cfg that Darknet accepts, with the
   shapes hia intended, on 28x28 greyscale inputs (MNIST's family) and every tenth also on
   32x32 colour ones (CIFAR's).
   Batch size 1 keeps Darknet's buffers small; it changes no shape. Two processes share it. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "sweep/config_load.h"
#include "darknet_parse.h"
#include "train/netgen.h"
#include "sweep/sampler.h"

#define SAMPLES 10000

static int check_range(const config *c, const space_config *plan, int from, int to)
{
    netgen_input inputs[] = {{28, 28, 1, 10}, {32, 32, 3, 100}};
    int refused = 0;
    darknet_catch_errors();
    for (int k = from; k < to; k++) {
        netgen_params p;
        hia_error err;
        if (netgen_params_read(&c->space, &plan[k], &p, &err)) {
            fprintf(stderr, "sample %d: %s\n", k, err.msg);
            refused++;
            continue;
        }
        p.batch_size = 1;
        for (int i = 0; i < (k % 10 ? 1 : 2); i++) {
            char *text = NULL;
            network *net = NULL;
            if (netgen_cfg(&p, &inputs[i], &c->network, &text, &err) == 0)
                net = parse_text(text);
            int ok = net && net->outputs == inputs[i].classes &&
                     net->inputs == inputs[i].width * inputs[i].height * inputs[i].channels &&
                     net->layers[net->n - 1].type == SOFTMAX;
            for (int l = 0; ok && l < net->n; l++)
                ok = net->layers[l].outputs > 0;
            if (!ok) {
                fprintf(stderr, "sample %d on %dx%dx%d refused: %s\n%s\n", k, inputs[i].width,
                        inputs[i].height, inputs[i].channels, net ? "bad shape" : darknet_msg,
                        text ? text : err.msg);
                refused++;
            }
            if (net)
                free_network(net);
            free(text);
        }
    }
    return refused;
}

int main(int argc, char **argv)
{
    config c;
    hia_error err;
    if (argc < 2 || config_load(&c, argv[1], &err)) {
        fprintf(stderr, "%s\n", argc < 2 ? "usage: test_paper_space PAPER.yaml" : err.msg);
        return 1;
    }
    space_config *plan = calloc(SAMPLES, sizeof(*plan));
    CHECK(plan && sampler_plan(&c.space, c.sampler, c.seed, SAMPLES, plan, &err) == 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(check_range(&c, plan, 0, SAMPLES / 2) ? 1 : 0);
    int refused = check_range(&c, plan, SAMPLES / 2, SAMPLES);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(refused == 0);
    for (int k = 0; k < SAMPLES; k++)
        space_config_free(&plan[k]);
    free(plan);
    config_free(&c);
    return CHECK_DONE();
}
