/* mat_fixture: writes MATLAB 5 MAT-file pieces (little-endian) for the SVHN loader's tests
   and fuzz seeds. */
#ifndef HIA_MAT_FIXTURE_H
#define HIA_MAT_FIXTURE_H

#include <stdint.h>
#include <string.h>

/* A data element: tag + data + padding to 8 bytes; returns its length. */
static inline size_t mat_element(unsigned char *b, uint32_t type, const void *data, uint32_t n)
{
    memcpy(b, &type, 4);
    memcpy(b + 4, &n, 4);
    memcpy(b + 8, data, n);
    size_t total = 8 + n + (8 - n % 8) % 8;
    memset(b + 8 + n, 0, total - 8 - n);
    return total;
}

/* A miMATRIX of class cls with dims and a real part of data type rtype. */
static inline size_t mat_matrix(unsigned char *b, const char *name, int cls, const int32_t *dims,
                                int nd, uint32_t rtype, const void *data, uint32_t n)
{
    unsigned char body[1 << 16];
    uint32_t flags[2] = {(uint32_t)cls, 0};
    size_t k = mat_element(body, 6, flags, 8);
    k += mat_element(body + k, 5, dims, (uint32_t)(4 * nd));
    k += mat_element(body + k, 1, name, (uint32_t)strlen(name));
    k += mat_element(body + k, rtype, data, n);
    return mat_element(b, 14, body, (uint32_t)k);
}

/* The 128-byte header of a little-endian MAT 5 file. */
static inline size_t mat_header(unsigned char *b)
{
    memset(b, ' ', 116);
    memcpy(b, "MATLAB 5.0 MAT-file, hia test fixture", 37);
    memset(b + 116, 0, 8);
    b[124] = 0x00;
    b[125] = 0x01;
    b[126] = 'I';
    b[127] = 'M';
    return 128;
}

#endif
