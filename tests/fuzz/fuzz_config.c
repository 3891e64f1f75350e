/* A fuzz target for the experiment file (libFuzzer): the input becomes an experiment YAML and
   config_load must either load it, with every value within its limits, or refuse it with a
   user error that names the file; anything else aborts. Datasets resolve against the
   repository's descriptors (datasets/). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "sweep/config_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_put(data, size);
    config c;
    hia_error err = {0};
    if (config_load(&c, path, &err) == 0) {
        if (!c.experiment || c.trials < 1 || c.trials > CONFIG_MAX_TRIALS || c.n_datasets < 1 ||
            c.n_datasets > CONFIG_MAX_DATASETS || c.space.n < 1 || c.threads < 0)
            abort();
        for (int i = 0; i < c.n_datasets; i++)
            if (!c.datasets[i].name || c.datasets[i].train < 1 || c.datasets[i].validation < 1 ||
                c.datasets[i].test < 0)
                abort();
        int n;
        free(config_settings(&c, &n)); /* every setting formats */
        config_free(&c);
    } else if (err.status != HIA_EUSER || !strstr(err.msg, path)) {
        fprintf(stderr, "bad error (status %d): %s\n", err.status, err.msg);
        abort();
    }
    return 0;
}
