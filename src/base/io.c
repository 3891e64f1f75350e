/* Writes that survive short writes and EINTR; whole files read and written. */
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/strbuf.h"

int io_env_errno(int e)
{
    /* out of room, or out of what the machine gives a process (descriptors) */
    return e == ENOSPC || e == EDQUOT || e == EIO || e == EROFS || e == EMFILE || e == ENFILE;
}

int io_status(int e, int fallback)
{
    return io_env_errno(e) ? HIA_EENV : fallback;
}

int io_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int io_write_file(const char *path, const void *p, size_t n, hia_error *err)
{
    char *tmp = xstrfmt("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644), rc = 0;
    if (fd < 0) {
        rc = hia_fail(err, io_status(errno, HIA_EUSER), "%s: cannot create: %s", tmp,
                      strerror(errno));
    } else if (io_write_all(fd, p, n) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        rc = hia_fail(err, io_status(e, HIA_EUSER), "%s: cannot write: %s", tmp, strerror(e));
    } else if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        rc = hia_fail(err, io_status(e, HIA_EUSER), "%s: cannot write: %s", path, strerror(e));
    }
    free(tmp);
    return rc;
}

int io_make_dirs(const char *path, hia_error *err)
{
    if (!*path)
        return hia_fail(err, HIA_EINTERNAL, "io_make_dirs: an empty path");
    char *buf = xstrdup(path);
    for (char *p = buf + 1;; p++) {
        if (*p && *p != '/')
            continue;
        char c = *p;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            int rc = hia_fail(err, io_status(errno, HIA_EUSER), "%s: cannot create: %s", buf,
                              strerror(errno));
            free(buf);
            return rc;
        }
        if (!(*p = c)) {
            free(buf);
            return 0;
        }
    }
}
