/* hia slurm: the sweep as a Slurm job array of identical workers sharing one PostgreSQL store;
   prints the sbatch script, or submits it. */
#define _DEFAULT_SOURCE /* realpath */
#include "cli/commands.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "cli/cmdline.h"
#include "cli/options.h"
#include "store/store.h"
#include "sweep/config_load.h"
#include "train/train.h"

/* Seconds before the time limit at which Slurm asks the workers to stop (SIGTERM): enough for
   the running epoch's checkpoint to be on disk and the trials given back. */
#define SLURM_STOP_SECONDS 60

static const command_help help = {
    "hia slurm CONFIG --store URI --array N [--cpus-per-task C] [--time T] [--partition P]\n"
    "          [--models DIR] [--submit]",
    "Prints the sbatch script of a job array of N identical workers, each a `hia run` of CONFIG\n"
    "on the shared PostgreSQL store URI, running C trials at once with one thread each. Slurm\n"
    "sends each worker SIGTERM a minute before its time limit and on preemption: the worker\n"
    "gives its trials back, their checkpoints kept, and a requeued or later task resumes them.\n"
    "The store is checked first. With --submit the script goes to results/<experiment>-slurm.sh\n"
    "and to sbatch, and the job id is printed.\n",
    "Checkpoints must be on a filesystem every node sees (--models or the experiment's models:)\n"
    "for a trial stopped on one node to resume on another. Worker logs:\n"
    "results/<experiment>-<job>_<task>.log.\n",
    "CONFIG", 1, 1};

typedef struct slurm_options {
    const char *store, *time, *partition, *models;
    int array, cpus, submit;
} slurm_options;

/* path made absolute against the current folder (it need not exist yet); the caller frees */
static char *absolute(const char *path, const char *cwd)
{
    return path[0] == '/' ? xstrdup(path) : xstrfmt("%s/%s", cwd, path);
}

/* Refuses what Slurm would take for another directive or a second line. */
static int check_word(const char *name, const char *v, hia_error *err)
{
    if (v && (!*v || strpbrk(v, " \t\n'\"\\")))
        return hia_fail(err, HIA_EUSER, "%s '%s': a single word was expected", name, v);
    return 0;
}

static void script(strbuf *sb, const slurm_options *o, const config *c, const char *hia,
                   const char *cfg, const char *cwd)
{
    strbuf_addf(sb, "#!/bin/sh\n# hia slurm: %d workers of experiment %s, one shared store\n",
                o->array, c->experiment);
    strbuf_addf(sb, "#SBATCH --job-name=hia-%s\n", c->experiment);
    strbuf_addf(sb, "#SBATCH --array=0-%d\n", o->array - 1);
    strbuf_addf(sb, "#SBATCH --cpus-per-task=%d\n", o->cpus);
    if (o->time)
        strbuf_addf(sb, "#SBATCH --time=%s\n", o->time);
    if (o->partition)
        strbuf_addf(sb, "#SBATCH --partition=%s\n", o->partition);
    strbuf_addf(sb, "#SBATCH --chdir=%s\n", cwd);
    strbuf_addf(sb, "#SBATCH --output=%s/results/%s-%%A_%%a.log\n", cwd, c->experiment);
    strbuf_addstr(sb, "#SBATCH --open-mode=append\n");
    strbuf_addf(sb, "#SBATCH --signal=B:TERM@%d\n", SLURM_STOP_SECONDS);
    strbuf_addstr(sb, "#SBATCH --requeue\n");
    strbuf_addstr(sb, "# the worker is the batch shell itself (exec), so Slurm's SIGTERM reaches "
                      "it\nexec ");
    cmdline_add_quoted(sb, hia);
    strbuf_addstr(sb, " run ");
    cmdline_add_quoted(sb, cfg);
    strbuf_addstr(sb, " --store ");
    cmdline_add_quoted(sb, o->store);
    strbuf_addf(sb, " -j %d --threads %d", o->cpus, o->cpus);
    if (o->models) {
        char *m = absolute(o->models, cwd);
        strbuf_addstr(sb, " --models ");
        cmdline_add_quoted(sb, m);
        free(m);
    }
    strbuf_addch(sb, '\n');
}

/* Runs `sbatch --parsable path` and reads the job id it prints ("id" or "id;cluster"). */
static int sbatch(const char *path, char *id, size_t idsz, hia_error *err)
{
    int fd[2];
    if (pipe(fd))
        return hia_fail(err, HIA_EENV, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return hia_fail(err, HIA_EENV, "cannot start sbatch: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execlp("sbatch", "sbatch", "--parsable", path, (char *)NULL);
        fprintf(stderr, "hia: sbatch: %s\n", strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    strbuf out = STRBUF_INIT;
    char buf[256];
    ssize_t got;
    while ((got = read(fd[0], buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
        if (got > 0)
            strbuf_add(&out, buf, (size_t)got);
    close(fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127)
        rc = hia_fail(err, HIA_EENV, "sbatch could not be run: is Slurm installed and sbatch "
                      "on PATH?");
    else if (WEXITSTATUS(status))
        rc = hia_fail(err, HIA_EUSER, "sbatch refused %s (exit status %d; its message is "
                      "above)", path, WEXITSTATUS(status));
    else {
        snprintf(id, idsz, "%.*s", (int)strcspn(strbuf_str(&out), ";\n"), strbuf_str(&out));
        if (!*id)
            rc = hia_fail(err, HIA_EENV, "sbatch printed no job id for %s", path);
    }
    strbuf_free(&out);
    return rc;
}

static int check_store(const char *uri, hia_error *err)
{
    if (!store_is_uri(uri))
        return hia_fail(err, HIA_EUSER, "--store %s: the workers of an array share one store, "
                        "so it must be a PostgreSQL URI (postgresql://user@host/db); SQLite "
                        "on a shared filesystem is not safe", uri);
    store *s;
    if (store_open(uri, &s, err))
        return -1;
    store_close(s);
    return 0;
}

/* Writes the script to results/<experiment>-slurm.sh, submits it, prints the job id. */
static int submit(const char *text, const slurm_options *o, const config *c, hia_error *err)
{
    char *path = xstrfmt("results/%s-slurm.sh", c->experiment);
    char id[64];
    int rc = io_write_file(path, text, strlen(text), err) || sbatch(path, id, sizeof(id), err);
    if (!rc) {
        printf("%s\n", id);
        fprintf(stderr, "hia: submitted %s as Slurm job %s, %d workers; follow it with "
                "`hia status %s`\n", path, id, o->array, o->store);
    }
    free(path);
    return rc ? -1 : 0;
}

int cmd_slurm(int argc, char **argv, hia_error *err)
{
    slurm_options o = {.cpus = 1};
    option opts[] = {
        OPT_STRING("--store", "URI", &o.store, "the shared PostgreSQL store (required)"),
        OPT_INT("--array", "N", &o.array, 1, 100000, "how many workers (required)"),
        OPT_INT("--cpus-per-task", "C", &o.cpus, 1, TRAIN_MAX_THREADS,
                "each worker's CPUs: C trials at once, one thread each (default 1)"),
        OPT_STRING("--time", "T", &o.time, "each worker's time limit, as sbatch takes it"),
        OPT_STRING("--partition", "P", &o.partition, "the Slurm partition"),
        OPT_STRING("--models", "DIR", &o.models, "checkpoints in DIR/<experiment>/, shared"),
        OPT_FLAG("--submit", &o.submit, "write the script and run sbatch on it"),
        OPT_END(),
    };
    int n, rc = parse_options(argc, argv, opts, &help, &n, err);
    if (rc)
        return rc < 0 ? -1 : 0;
    if (!o.store || !o.array)
        return hia_fail(err, HIA_EUSER, "%s is required (hia slurm --help)",
                        !o.store ? "--store URI" : "--array N");
    if (check_word("--time", o.time, err) || check_word("--partition", o.partition, err))
        return -1;
    config c;
    if (config_load(&c, argv[0], err))
        return -1;
    char hia[PATH_MAX], cfg[PATH_MAX], cwd[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", hia, sizeof(hia) - 1);
    if (len < 0 || !realpath(argv[0], cfg) || !getcwd(cwd, sizeof(cwd)))
        rc = hia_fail(err, HIA_EENV, "the absolute paths of hia and %s: %s", argv[0],
                      strerror(errno));
    else
        hia[len] = 0;
    rc = rc || check_word("the current folder", cwd, err) || check_store(o.store, err) ||
         io_make_dirs("results", err);
    if (!rc) {
        strbuf text = STRBUF_INIT;
        script(&text, &o, &c, hia, cfg, cwd);
        if (o.submit)
            rc = submit(strbuf_str(&text), &o, &c, err);
        else
            fputs(strbuf_str(&text), stdout);
        strbuf_free(&text);
    }
    config_free(&c);
    return rc ? -1 : 0;
}
