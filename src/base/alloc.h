/* alloc: hia's allocator wrappers. Running out of memory is not an error hia can recover from
   or report usefully part-way through a computation, so, as in git and Redis, an allocation
   that fails prints its size and aborts. Sizes computed from untrusted input (a file's
   header) are checked against what the input holds before anything is allocated. */
#ifndef HIA_ALLOC_H
#define HIA_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
/* Zeroed; n * size checked for overflow. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* n * size, checked for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
