/* jsonw: a small streaming JSON writer for the --json outputs (objects, arrays, strings
   escaped, numbers with full precision, non-finite numbers as null). */
#ifndef HIA_JSONW_H
#define HIA_JSONW_H

#include <stdio.h>

typedef struct jsonw {
    FILE *out;
    int depth;
    int first[32]; /* per depth: nothing written yet at this level */
} jsonw;

void jsonw_init(jsonw *j, FILE *out);
void jsonw_begin_object(jsonw *j, const char *key);  /* key NULL inside arrays / at top */
void jsonw_end_object(jsonw *j);
void jsonw_begin_array(jsonw *j, const char *key);
void jsonw_end_array(jsonw *j);
void jsonw_string(jsonw *j, const char *key, const char *value);
void jsonw_number(jsonw *j, const char *key, double value);
void jsonw_int(jsonw *j, const char *key, long long value);
void jsonw_bool(jsonw *j, const char *key, int value);

#endif
