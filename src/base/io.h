/* io: careful writes to file descriptors (short writes and EINTR handled) and whole files. */
#ifndef HIA_IO_H
#define HIA_IO_H

#include <stddef.h>

#include "base/error.h"

/* Whether errno value e is a fault of the machine rather than of the work: no space left, a
   quota, an I/O error, a read-only file system, no file descriptor left. */
int io_env_errno(int e);
/* The status for a failed file operation with errno e: HIA_EENV for faults of the machine,
   else fallback. */
int io_status(int e, int fallback);
/* Writes all n bytes; 0 on success, -1 with errno set. */
int io_write_all(int fd, const void *p, size_t n);
/* Replaces the file at path with the n bytes (written beside it, then renamed): a reader
   never sees half a file. */
int io_write_file(const char *path, const void *p, size_t n, hia_error *err);
/* Creates the folder path and any missing parents. */
int io_make_dirs(const char *path, hia_error *err);

#endif
