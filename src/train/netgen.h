/* netgen: one configuration of the study's 11 hyperparameters -> one Darknet .cfg.
   Emits only keys Darknet knows, checks every value and every layer's shape first.
   Architecture: conv layers (same padding, stride 1), a 2x2 max-pool after every
   pool_every-th conv while the map is at least 4 pixels on its shorter side, one dense
   layer, dropout (when > 0), a linear dense layer of one unit per class, softmax. */
#ifndef HIA_NETGEN_H
#define HIA_NETGEN_H

#include "base/error.h"
#include "base/strbuf.h"
#include "experiment/config.h"
#include "experiment/space.h"

/* The hyperparameter names, NULL-terminated, in the study's order. */
extern const char *const netgen_names[];
const char *netgen_names_text(void);

/* What the trainer takes of one hyperparameter. One table holds every limit: the trainer
   checks each trial's values against it (netgen_params_read: a sweep's trials, hia train and
   netgen's --set), and the experiment file's loader every value its space can draw, so that
   the two cannot drift apart. */
typedef enum { NETGEN_WHOLE, NETGEN_REAL, NETGEN_WORD, NETGEN_BOOL } netgen_kind;
typedef struct netgen_limit {
    const char *name;
    netgen_kind kind;
    double min, max;         /* whole and real numbers */
    int min_open, max_open;  /* real numbers: the bound itself is refused */
    int odd;                 /* whole numbers: odd ones only */
    int per_layer;           /* may take one value per conv layer */
    const char *const *words; /* NETGEN_WORD: the values, NULL-terminated */
} netgen_limit;

/* The limit of hyperparameter name, or NULL when it is none of netgen_names. */
const netgen_limit *netgen_limit_find(const char *name);
/* 0 when the trainer takes v (a number; true and false are 1 and 0), else -1. */
int netgen_check_number(const netgen_limit *l, double v);
/* 0 when the trainer takes the value written as text (a word, true/false, a number), else -1. */
int netgen_check_text(const netgen_limit *l, const char *text);
/* What the trainer takes, as words after "must be": "a whole number in 1..100000". */
void netgen_rule(const netgen_limit *l, strbuf *sb);

typedef struct netgen_params {
    int conv_layers;
    int filters[SPACE_MAX_LAYERS];
    int kernel_size[SPACE_MAX_LAYERS];
    char activation[16];
    int batch_norm;
    int dense_units;
    double dropout;
    char optimizer[16];
    double learning_rate;
    int batch_size;
    int epochs;
} netgen_params;

typedef struct netgen_input {
    int width, height, channels, classes;
} netgen_input;

/* Reads the 11 values of a complete configuration, each checked against its limit:
   "epochs=0: must be a whole number in 1..100000". */
int netgen_params_read(const space *s, const space_config *c, netgen_params *p, hia_error *err);
/* The cfg text (malloc'd, caller frees) for params on inputs of the given shape. */
int netgen_cfg(const netgen_params *p, const netgen_input *in, const config_network *net,
               char **out, hia_error *err);

/* What a trial's process takes besides its network: hia's resident size with its libraries
   mapped, 230 MiB measured (`hia datasets list`), rounded up. */
#define NETGEN_LIBRARY_BYTES (256.0 * 1024 * 1024)

/* An upper bound on the memory of a trial training p on inputs of the shape in: Darknet's
   buffers counted, with a quarter more for the allocator's and oneDNN's own (the largest
   configuration of configs/paper.yaml's space: 946 MiB resident, bounded by 1,088 MiB). */
double netgen_memory_bytes(const netgen_params *p, const netgen_input *in,
                           const config_network *net);

#endif
