/* One configuration from the command line: values given, values drawn, the cfg built. */
#include "cli/job.h"

#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "data/descriptor.h"

int job_prepare(const char *config_path, const job_args *a, job *j, hia_error *err)
{
    memset(j, 0, sizeof(*j));
    if (config_load(&j->cfg, config_path, err))
        return -1;
    j->seed = a->seed_given ? (uint64_t)a->seed : j->cfg.seed;
    j->dataset = a->dataset ? config_find_dataset(&j->cfg, a->dataset) : &j->cfg.datasets[0];
    if (!j->dataset)
        return hia_fail(err, HIA_EUSER, "--dataset %s: %s lists no such dataset", a->dataset,
                        config_path);
    space_config_init(&j->values, &j->cfg.space);
    for (int i = 0; i < a->sets.n; i++)
        if (space_set(&j->cfg.space, &j->values, a->sets.items[i], err))
            return hia_wrap(err, "--set %s", a->sets.items[i]);
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

void job_free(job *j)
{
    free(j->net_cfg);
    space_config_free(&j->values);
    config_free(&j->cfg);
}
