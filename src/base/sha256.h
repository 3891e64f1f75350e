/* sha256: SHA-256 (FIPS 180-4) of a buffer or a file, for dataset checksums. */
#ifndef HIA_SHA256_H
#define HIA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char block[64];
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
/* Writes 64 lower-case hex digits and a NUL. */
void sha256_hex(sha256_ctx *c, char hex[65]);
/* The checksum of a file and its size. */
int sha256_file(const char *path, char hex[65], long long *size, hia_error *err);

#endif
