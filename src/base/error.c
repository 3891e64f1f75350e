/* Filling and wrapping hia_error messages. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#define ELLIPSIS " … "

/* Puts text (len bytes) into err->msg. A text too long for it keeps its start and its end
   (where a message says where, and what went wrong) around an ellipsis, each cut on a UTF-8
   character's boundary. */
static void set_msg(hia_error *err, const char *text, size_t len)
{
    size_t size = sizeof(err->msg);
    if (len < size) {
        memcpy(err->msg, text, len + 1);
        return;
    }
    size_t room = size - 1 - strlen(ELLIPSIS), head = room / 2, tail = len - (room - head);
    while (head > 0 && ((unsigned char)text[head] & 0xC0) == 0x80)
        head--;
    while (tail < len && ((unsigned char)text[tail] & 0xC0) == 0x80)
        tail++;
    snprintf(err->msg, size, "%.*s%s%s", (int)head, text, ELLIPSIS, text + tail);
}

/* The formatted text, whatever its length, in a buffer the caller frees. */
static char *format(size_t *len, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, again);
    va_end(again);
    *len = n > 0 ? (size_t)n : 0;
    char *text = xmalloc(*len + 1);
    text[0] = 0;
    if (n > 0)
        vsnprintf(text, *len + 1, fmt, ap);
    return text;
}

int hia_fail(hia_error *err, int status, const char *fmt, ...)
{
    va_list ap;
    size_t len;
    va_start(ap, fmt);
    char *text = format(&len, fmt, ap);
    va_end(ap);
    set_msg(err, text, len);
    free(text);
    err->status = status;
    return -1;
}

int hia_wrap(hia_error *err, const char *fmt, ...)
{
    va_list ap;
    size_t len;
    va_start(ap, fmt);
    char *prefix = format(&len, fmt, ap);
    va_end(ap);
    size_t old = strlen(err->msg);
    char *text = xmalloc(len + 2 + old + 1);
    memcpy(text, prefix, len);
    memcpy(text + len, ": ", 2);
    memcpy(text + len + 2, err->msg, old + 1);
    set_msg(err, text, len + 2 + old);
    free(prefix);
    free(text);
    return -1;
}
