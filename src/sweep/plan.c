/* Planning a sweep: the experiment's settings recorded (or checked), then every trial of
   every dataset inserted with its configuration, drawn by the sampler. */
#include "sweep/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"
#include "sweep/sampler.h"
#include "train/train.h"

static double param_number(const space_param *p, double v)
{
    double x;
    int b;
    if (p->type != SPACE_CATEGORICAL)
        return v;
    const char *text = p->choices[(int)v];
    if (parse_double(text, &x) == 0)
        return x;
    return parse_bool(text, &b) == 0 ? b : NAN;
}

typedef struct plan_texts {
    strbuf config;
    char texts[SPACE_MAX_LAYERS * 64][64];
    store_param params[SPACE_MAX_LAYERS * 64];
    int n;
} plan_texts;

static void describe_config(const space *s, const space_config *c, plan_texts *t)
{
    t->n = 0;
    strbuf_reset(&t->config);
    for (int i = 0; i < s->n; i++) {
        char value[512];
        space_format_value(s, c, i, value, sizeof(value));
        strbuf_addf(&t->config, "%s%s", i ? " " : "", value);
        const space_param *p = &s->params[i];
        for (int k = 0; k < c->values[i].n && t->n < SPACE_MAX_LAYERS * 64; k++) {
            double v = c->values[i].v[k];
            store_param *q = &t->params[t->n];
            if (p->type == SPACE_CATEGORICAL)
                snprintf(t->texts[t->n], 64, "%s", p->choices[(int)v]);
            else
                snprintf(t->texts[t->n], 64, p->type == SPACE_INT ? "%.0f" : "%.17g", v);
            *q = (store_param){p->name, p->per_layer ? k + 1 : 0, param_number(p, v),
                               t->texts[t->n]};
            t->n++;
        }
    }
}

static int plan_experiment(store *db, const config *c, hia_error *err)
{
    long n = c->trials;
    space_config *configs = xcalloc((size_t)n, sizeof(*configs));
    store_trial_plan *plans = xcalloc((size_t)n * (size_t)c->n_datasets, sizeof(*plans));
    plan_texts *texts = xcalloc((size_t)n, sizeof(*texts));
    int rc = -1;
    if (sampler_plan(&c->space, c->sampler, c->seed, n, configs, err))
        goto done;
    for (long k = 0; k < n; k++) {
        describe_config(&c->space, &configs[k], &texts[k]);
        /* configuration-major: trials are claimed in id order, so a partial sweep covers
           every dataset alike */
        for (int d = 0; d < c->n_datasets; d++)
            plans[k * c->n_datasets + d] = (store_trial_plan){
                c->datasets[d].name, k, space_config_hash(&c->space, &configs[k]), c->seed,
                strbuf_str(&texts[k].config), texts[k].params, texts[k].n};
    }
    rc = store_plan(db, plans, (int)(n * c->n_datasets), err);
    for (long k = 0; k < n; k++)
        space_config_free(&configs[k]);
done:
    for (long k = 0; k < n; k++)
        strbuf_free(&texts[k].config);
    free(configs);
    free(plans);
    free(texts);
    return rc;
}

static int record_settings(store *db, const config *c, plan_record record, hia_error *err)
{
    int n;
    config_setting *s = config_settings(c, &n);
    store_setting *pairs = xcalloc((size_t)n + 1, sizeof(*pairs));
    for (int i = 0; i < n; i++)
        pairs[i] = (store_setting){s[i].key, s[i].value};
    char numerics[16];
    snprintf(numerics, sizeof(numerics), "%d", TRAIN_NUMERICS);
    pairs[n] = (store_setting){"numerics", numerics};
    int rc = store_check_settings(db, pairs, n + 1, err) || (record && record(db, c, err));
    free(pairs);
    free(s);
    return rc ? -1 : 0;
}

int plan_sweep(store *db, const config *c, plan_record record, hia_error *err)
{
    return record_settings(db, c, record, err) || plan_experiment(db, c, err) ? -1 : 0;
}
