/* io: careful writes to file descriptors (short writes and EINTR handled). */
#ifndef HIA_IO_H
#define HIA_IO_H

#include <stddef.h>

/* Writes all n bytes; 0 on success, -1 with errno set. */
int io_write_all(int fd, const void *p, size_t n);

#endif
