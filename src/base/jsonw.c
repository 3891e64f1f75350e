/* A streaming JSON writer. */
#include "base/jsonw.h"

#include <math.h>

void jsonw_init(jsonw *j, FILE *out)
{
    j->out = out;
    j->depth = 0;
    j->first[0] = 1;
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void put_key(jsonw *j, const char *key)
{
    if (!j->first[j->depth])
        fputc(',', j->out);
    j->first[j->depth] = 0;
    if (key) {
        put_string(j->out, key);
        fputc(':', j->out);
    }
}

static void open_level(jsonw *j, const char *key, char c)
{
    put_key(j, key);
    fputc(c, j->out);
    if (j->depth < 31)
        j->depth++;
    j->first[j->depth] = 1;
}

void jsonw_begin_object(jsonw *j, const char *key)
{
    open_level(j, key, '{');
}

void jsonw_end_object(jsonw *j)
{
    fputc('}', j->out);
    j->depth--;
    if (j->depth == 0)
        fputc('\n', j->out);
}

void jsonw_begin_array(jsonw *j, const char *key)
{
    open_level(j, key, '[');
}

void jsonw_end_array(jsonw *j)
{
    fputc(']', j->out);
    j->depth--;
}

void jsonw_string(jsonw *j, const char *key, const char *value)
{
    put_key(j, key);
    if (value)
        put_string(j->out, value);
    else
        fputs("null", j->out);
}

void jsonw_number(jsonw *j, const char *key, double value)
{
    put_key(j, key);
    if (isfinite(value))
        fprintf(j->out, "%.17g", value);
    else
        fputs("null", j->out);
}

void jsonw_int(jsonw *j, const char *key, long long value)
{
    put_key(j, key);
    fprintf(j->out, "%lld", value);
}

void jsonw_bool(jsonw *j, const char *key, int value)
{
    put_key(j, key);
    fputs(value ? "true" : "false", j->out);
}
