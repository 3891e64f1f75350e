/* hia run: the sweep, started or continued. */
#include "cli/commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/settings.h"
#include "base/alloc.h"
#include "base/strbuf.h"
#include "cli/cmdline.h"
#include "cli/options.h"
#include "store/store.h"
#include "sweep/config_load.h"
#include "sweep/runner.h"
#include "train/train.h"

static const command_help help = {
    "hia run CONFIG [-j N] [--threads T] [--store PATH] [--models DIR] [--lease SECONDS]\n"
    "        [--retry-failed]",
    "Runs the experiment in CONFIG: plans its trials into the results store, then trains them,\n"
    "N at a time, each in its own process, checkpointing after every epoch. Run it again after\n"
    "any interruption to continue; a changed CONFIG is refused.\n",
    "Exit status: 0 every trial ended (done or diverged); 3 the machine failed (no space left,\n"
    "an I/O error, a store it cannot write): the sweep stopped, the trial it hit is pending\n"
    "again, run again once fixed; 4 the sweep ended with trials failed for good; 130/143\n"
    "stopped by SIGINT/SIGTERM; 1 and 2 user and internal errors.\n",
    "CONFIG", 1, 1};

/* The experiment's analysis: block, recorded in the store by the stage that reads it back. */
static int record_analysis(store *db, const config *c, hia_error *err)
{
    return settings_record(db, &c->analysis, err);
}

/* The command that continues the sweep: this one, every word as given (words: argv before
   parse_options reordered it), each quoted for the shell, the store's as a message may show
   it (never a password: store_display). */
static void continue_command(strbuf *sb, char *const *words, int n, const char *store_path)
{
    strbuf_addstr(sb, "hia run");
    for (int i = 0; i < n; i++) {
        const char *w = words[i];
        strbuf_addch(sb, ' ');
        if (!store_path || store_path < w || store_path > w + strlen(w)) {
            cmdline_add_word(sb, w);
            continue;
        }
        /* the store's word: the value itself, or --store=VALUE */
        char *shown = store_display(store_path);
        char *word = xstrfmt("%.*s%s", (int)(store_path - w), w, shown);
        cmdline_add_word(sb, word);
        free(word);
        free(shown);
    }
}

int cmd_run(int argc, char **argv, hia_error *err)
{
    runner_options o = {.jobs = 0, .max_failures = 3, .lease_seconds = 60, .log = stdout,
                        .live = isatty(STDOUT_FILENO), .record = record_analysis};
    char **words = xcalloc((size_t)argc + 1, sizeof(*words));
    memcpy(words, argv, sizeof(*words) * (size_t)argc);
    option opts[] = {
        OPT_INT("-j", "N", &o.jobs, 1, RUNNER_MAX_JOBS,
                "trials at once, each with 1/N of the thread budget (default: one\n"
                "trial per thread, as many as memory holds: printed at start)"),
        OPT_INT("--threads", "T", &o.threads, 1, TRAIN_MAX_THREADS,
                "the thread budget (default: the experiment's threads:, else\n"
                "every core this process may use), such as a Slurm task's CPUs"),
        OPT_STRING("--store", "PATH", &o.store_path,
                   "results store (default results/<experiment>.sqlite)"),
        OPT_STRING("--models", "DIR", &o.models_dir,
                   "checkpoints in DIR/<experiment>/ (default: the experiment's\n"
                   "models:, else models): a shared folder lets a trial stopped on\n"
                   "one machine resume on another"),
        OPT_DOUBLE("--lease", "SECONDS", &o.lease_seconds, 1, 86400,
                   "how long a claimed trial stays this worker's without a heartbeat\n"
                   "(default 60; renewed every quarter of it): after that, any\n"
                   "worker may take it over"),
        OPT_FLAG("--retry-failed", &o.retry_failed,
                 "trials failed for good go back to pending first (their\n"
                 "failures stay in hia export's failure_history)"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    config c;
    if (rc || config_load(&c, argv[0], err)) {
        free(words);
        return rc > 0 ? 0 : -1;
    }
    strbuf again = STRBUF_INIT;
    continue_command(&again, words, argc, o.store_path);
    free(words);
    o.again = strbuf_str(&again);
    if (!o.models_dir)
        o.models_dir = c.models;
    rc = runner_run(&c, &o, err);
    char *path = runner_store_path(&c, o.store_path);
    if (rc > 0)
        hia_fail(err, 128 + rc, "stopped by %s; run `%s` again to continue",
                 rc == SIGINT ? "SIGINT" : "SIGTERM", again.buf);
    else if (rc == 0 || err->status == HIA_EFAILED)
        printf("results: %s (hia status %s, hia export %s)\n", path, path, path);
    if (rc < 0 && err->status == HIA_EENV)
        hia_wrap(err, "stopped, a fault of the machine (the trial is pending again; run `%s` "
                 "once it is fixed)", again.buf);
    strbuf_free(&again);
    free(path);
    config_free(&c);
    return rc ? -1 : 0;
}
