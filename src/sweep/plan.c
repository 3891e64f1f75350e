/* Planning a sweep: the experiment's settings recorded (or checked), then every trial of
   every dataset inserted with its configuration, drawn by the sampler. */
#include "sweep/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int plan_draw(const config *c, plan *p, hia_error *err)
{
    p->n = c->trials;
    p->configs = xcalloc((size_t)p->n, sizeof(*p->configs));
    if (sampler_plan(&c->space, c->sampler, c->seed, p->n, p->configs, err)) {
        free(p->configs);
        memset(p, 0, sizeof(*p));
        return -1;
    }
    return 0;
}

void plan_free(plan *p)
{
    for (long k = 0; k < p->n; k++)
        space_config_free(&p->configs[k]);
    free(p->configs);
    memset(p, 0, sizeof(*p));
}

/* Inserts configurations [from, to) on every dataset, in one transaction. */
static int plan_chunk(store *db, const config *c, const plan *p, long from, long to,
                      plan_texts *texts, store_trial_plan *plans, hia_error *err)
{
    int nd = c->n_datasets;
    for (long k = from; k < to; k++) {
        plan_texts *t = &texts[k - from];
        describe_config(&c->space, &p->configs[k], t);
        /* configuration-major: trials are claimed in id order, so a partial sweep covers
           every dataset alike */
        for (int d = 0; d < nd; d++)
            plans[(k - from) * nd + d] = (store_trial_plan){
                c->datasets[d].name, k, space_config_hash(&c->space, &p->configs[k]), c->seed,
                strbuf_str(&t->config), t->params, t->n};
    }
    return store_plan(db, plans, (int)((to - from) * nd), err);
}

static int plan_experiment(store *db, const config *c, const plan *p, hia_error *err)
{
    plan_texts *texts = xcalloc(PLAN_CHUNK, sizeof(*texts));
    store_trial_plan *plans = xcalloc((size_t)PLAN_CHUNK * (size_t)c->n_datasets,
                                      sizeof(*plans));
    int rc = 0;
    for (long from = 0; !rc && from < p->n; from += PLAN_CHUNK)
        rc = plan_chunk(db, c, p, from, from + PLAN_CHUNK < p->n ? from + PLAN_CHUNK : p->n,
                        texts, plans, err);
    for (int k = 0; k < PLAN_CHUNK; k++)
        strbuf_free(&texts[k].config);
    free(texts);
    free(plans);
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

int plan_sweep(store *db, const config *c, const plan *p, plan_record record, hia_error *err)
{
    return record_settings(db, c, record, err) || plan_experiment(db, c, p, err) ? -1 : 0;
}
