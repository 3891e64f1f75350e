/* A dataset's files: checked against size and sha256, fetched, unpacked. */
#include "data/datafiles.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/sha256.h"
#include "base/strbuf.h"

/* The path of one of d's files, for the caller to free. */
static char *file_path(const dataset_desc *d, const char *name)
{
    return xstrfmt("%s/%s", d->dir, name);
}

/* Compares a file on disk with its record. */
static int check_path(const char *path, const dataset_file *f, char *problem, size_t len,
                      hia_error *err)
{
    struct stat st;
    char hex[65];
    long long size;
    if (stat(path, &st) != 0) {
        snprintf(problem, len, "missing");
        return FILE_MISSING;
    }
    if (f->size >= 0 && st.st_size != f->size) {
        snprintf(problem, len, "%lld bytes, expected %lld", (long long)st.st_size, f->size);
        return FILE_BAD;
    }
    if (!f->sha256[0]) {
        snprintf(problem, len, "size ok, no checksum recorded");
        return FILE_OK;
    }
    if (sha256_file(path, hex, &size, err))
        return -1;
    if (strcmp(hex, f->sha256)) {
        snprintf(problem, len, "sha256 %s, expected %s", hex, f->sha256);
        return FILE_BAD;
    }
    snprintf(problem, len, "ok");
    return FILE_OK;
}

int datafiles_check(const dataset_desc *d, const dataset_file *f, char *problem, size_t len,
                    hia_error *err)
{
    char *path = file_path(d, f->name);
    int state = check_path(path, f, problem, len, err);
    free(path);
    return state;
}

int datafiles_present(const dataset_desc *d)
{
    for (int i = 0; i < d->n_train + d->n_test; i++)
        if (access(i < d->n_train ? d->train[i] : d->test[i - d->n_train], R_OK) != 0)
            return 0;
    return 1;
}

/* Runs a command (argv[0] from PATH) and waits; its output goes where ours goes. */
static int run_tool(char *const argv[], hia_error *err)
{
    pid_t pid = fork();
    int status;
    if (pid < 0)
        return hia_fail(err, HIA_EENV, "fork: %s", strerror(errno)); /* as in the runner */
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "hia: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return hia_fail(err, HIA_EINTERNAL, "waitpid: %s", strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return hia_fail(err, HIA_EUSER, "%s is needed (apt-get install %s)", argv[0],
                        argv[0]);
    return hia_fail(err, HIA_EUSER, "%s failed (%s %d)", argv[0],
                    WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* Downloads one entry to part, checks it, and only then renames it to path. */
static int download_to(const dataset_desc *d, const dataset_fetch *f, char *path, char *part,
                       char *url, FILE *log, hia_error *err)
{
    char problem[256];
    char *slash = strrchr(path, '/');
    *slash = 0;
    int rc = io_make_dirs(path, err);
    *slash = '/';
    if (rc)
        return -1;
    fprintf(log, "%s: downloading %s\n", d->name, url);
    fflush(log);
    char *argv[] = {"curl", "--fail", "--location", "--retry", "2", "--show-error",
                    isatty(2) ? "--progress-bar" : "--silent", "--output", part, url, NULL};
    if (run_tool(argv, err)) {
        unlink(part);
        return hia_wrap(err, "downloading %s", url);
    }
    int state = check_path(part, &f->file, problem, sizeof(problem), err);
    if (state != FILE_OK) {
        unlink(part);
        return state < 0 ? -1 : hia_fail(err, HIA_EUSER, "%s: the download from %s does not "
                                         "match the descriptor: %s (nothing kept)", d->name,
                                         url, problem);
    }
    if (rename(part, path) != 0) {
        unlink(part);
        return hia_fail(err, HIA_EUSER, "%s: cannot rename: %s", path, strerror(errno));
    }
    fprintf(log, "%s: %s checked (%lld bytes, sha256 %.16s...)\n", d->name, f->file.name,
            f->file.size, f->file.sha256);
    return 0;
}

/* Downloads one entry to PATH.part, from its URL or the mirror's. */
static int download(const dataset_desc *d, const dataset_fetch *f, const char *mirror,
                    FILE *log, hia_error *err)
{
    char *path = file_path(d, f->file.name), *part = xstrfmt("%s.part", path), *url;
    if (mirror) {
        const char *base = strrchr(f->url, '/');
        url = xstrfmt("%s%s", mirror, base ? base : "/");
    } else {
        url = xstrdup(f->url);
    }
    int rc = download_to(d, f, path, part, url, log, err);
    free(path);
    free(part);
    free(url);
    return rc;
}

static int unpack(const dataset_desc *d, const dataset_fetch *f, FILE *log, hia_error *err)
{
    if (!strcmp(f->unpack, "none"))
        return 0;
    char *path = file_path(d, f->file.name);
    fprintf(log, "%s: unpacking %s\n", d->name, f->file.name);
    fflush(log);
    /* tar -xf A -C DIR --wildcards M... | unzip -o -q A M... -d DIR */
    char **argv = xcalloc((size_t)f->n_members + 8, sizeof(char *));
    int k = 0, tar = !strcmp(f->unpack, "tar");
    argv[k++] = tar ? "tar" : "unzip";
    argv[k++] = tar ? "-xf" : "-oq";
    argv[k++] = path;
    if (tar) {
        argv[k++] = "-C";
        argv[k++] = d->dir;
        if (f->n_members)
            argv[k++] = "--wildcards";
    }
    for (int i = 0; i < f->n_members; i++)
        argv[k++] = f->members[i];
    if (!tar) {
        argv[k++] = "-d";
        argv[k++] = d->dir;
    }
    int rc = run_tool(argv, err);
    free(argv);
    if (rc)
        rc = hia_wrap(err, "unpacking %s", path);
    else if (unlink(path) != 0) /* the archive is no longer needed */
        rc = hia_fail(err, HIA_EUSER, "%s: cannot remove: %s", path, strerror(errno));
    free(path);
    return rc;
}

/* Checks every recorded file; the first problem is the error. */
static int check_all(const dataset_desc *d, int *all_ok, hia_error *err)
{
    char problem[256];
    *all_ok = 1;
    for (int i = 0; i < d->n_files; i++) {
        int state = datafiles_check(d, &d->files[i], problem, sizeof(problem), err);
        if (state < 0)
            return -1;
        if (state != FILE_OK) {
            *all_ok = 0;
            hia_fail(err, HIA_EUSER, "%s/%s: %s", d->dir, d->files[i].name, problem);
            return 0;
        }
    }
    return 0;
}

int datafiles_fetch(const dataset_desc *d, const char *mirror, FILE *log, hia_error *err)
{
    int ok;
    if (d->n_fetch == 0)
        return hia_fail(err, HIA_EUSER, "%s: nothing to fetch: %s", d->name,
                        d->install ? d->install : "the descriptor names no download");
    if (check_all(d, &ok, err))
        return -1;
    if (ok && d->n_files > 0 && datafiles_present(d)) {
        fprintf(log, "%s: already present, every file checked\n", d->name);
        return 0;
    }
    for (int i = 0; i < d->n_fetch; i++)
        if (download(d, &d->fetch[i], mirror, log, err) || unpack(d, &d->fetch[i], log, err))
            return -1;
    if (check_all(d, &ok, err))
        return -1;
    if (!ok)
        return hia_wrap(err, "%s: after fetching", d->name);
    if (!datafiles_present(d))
        return hia_fail(err, HIA_EUSER, "%s: fetched, but the split files named in the "
                        "descriptor are not all there", d->name);
    fprintf(log, "%s: ready in %s\n", d->name, d->dir);
    return 0;
}
