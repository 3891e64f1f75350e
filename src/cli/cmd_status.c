/* hia status: trials by state, in all and per dataset, with throughput. */
#include "cli/commands.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/jsonw.h"
#include "base/strbuf.h"
#include "cli/options.h"
#include "cli/store_arg.h"

static const command_help help = {
    "hia status [CONFIG|STORE] [--json]",
    "Trials by state (pending, running, done, failed, diverged), in all and per dataset, with\n"
    "throughput and an ETA. Without an argument: every store in results/.\n",
    NULL, "CONFIG or STORE", 0, 1};

typedef struct status_ctx {
    store *db;
    jsonw *json;
    hia_error *err;
} status_ctx;

static void print_counts(const store_counts *c, const char *indent, const char *name)
{
    printf("%s%s: %ld of %ld ended: %ld done, %ld failed, %ld diverged; %ld running, %ld "
           "pending", indent, name, c->done + c->diverged + c->failed, c->total, c->done,
           c->failed, c->diverged, c->running, c->pending);
    if (c->images_per_second > 0)
        printf("; %.0f img/s, %.1f s per trial", c->images_per_second, c->trial_seconds);
    putchar('\n');
}

static void json_counts(jsonw *j, const store_counts *c)
{
    jsonw_int(j, "total", c->total);
    jsonw_int(j, "done", c->done);
    jsonw_int(j, "running", c->running);
    jsonw_int(j, "pending", c->pending);
    jsonw_int(j, "failed", c->failed);
    jsonw_int(j, "diverged", c->diverged);
    jsonw_number(j, "images_per_second", c->images_per_second);
    jsonw_number(j, "trial_seconds", c->trial_seconds);
}

static int status_dataset(void *ctx, const char *name)
{
    status_ctx *sc = ctx;
    store_counts c;
    if (store_count(sc->db, name, &c, sc->err))
        return -1;
    if (sc->json) {
        jsonw_begin_object(sc->json, name);
        json_counts(sc->json, &c);
        jsonw_end_object(sc->json);
    } else {
        print_counts(&c, "  ", name);
    }
    return 0;
}

static int status_one(const char *path, int json, hia_error *err)
{
    store *s = NULL;
    char *where, *name = NULL;
    store_counts c;
    jsonw j;
    status_ctx sc = {NULL, json ? &j : NULL, err};
    int rc = store_arg_open(path, &s, &where, err);
    if (!rc)
        rc = store_meta(s, "setting:experiment", &name, err) || store_count(s, NULL, &c, err);
    sc.db = s;
    if (!rc && json) {
        jsonw_init(&j, stdout);
        jsonw_begin_object(&j, NULL);
        jsonw_string(&j, "experiment", name ? name : "");
        jsonw_string(&j, "store", where);
        json_counts(&j, &c);
        jsonw_begin_object(&j, "datasets");
        rc = store_datasets(s, status_dataset, &sc, err);
        jsonw_end_object(&j);
        jsonw_end_object(&j);
    } else if (!rc) {
        strbuf title = STRBUF_INIT;
        strbuf_addf(&title, "%s (%s)", name ? name : "?", where);
        print_counts(&c, "", title.buf);
        strbuf_free(&title);
        rc = store_datasets(s, status_dataset, &sc, err);
    }
    free(name);
    free(where);
    store_close(s);
    return rc;
}

int cmd_status(int argc, char **argv, hia_error *err)
{
    int json = 0;
    option opts[] = {OPT_FLAG("--json", &json, "one JSON object per store"), OPT_END()};
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    if (n)
        return status_one(argv[0], json, err);
    glob_t g;
    if (glob("results/*.sqlite", 0, NULL, &g) != 0)
        return hia_fail(err, HIA_EUSER, "no results stores in results/ (run `hia run CONFIG`)");
    for (size_t i = 0; i < g.gl_pathc && !rc; i++)
        rc = status_one(g.gl_pathv[i], json, err);
    globfree(&g);
    return rc;
}
