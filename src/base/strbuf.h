/* strbuf: a growable string, for paths and text built piece by piece (the report's HTML,
   Markdown and SVG, messages, commands to show). Always NUL-terminated once anything was
   added; grows through base/alloc, so an append cannot fail. Also the few string
   helpers the stages share. */
#ifndef HIA_STRBUF_H
#define HIA_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *buf;
    size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_add(strbuf *sb, const char *p, size_t n);
void strbuf_addstr(strbuf *sb, const char *s);
void strbuf_addch(strbuf *sb, char c);
void strbuf_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* The text so far ("" when empty). */
const char *strbuf_str(const strbuf *sb);
/* Empties it, keeping the memory. */
void strbuf_reset(strbuf *sb);
void strbuf_free(strbuf *sb);
/* Whether s ends with suffix. */
int str_ends_with(const char *s, const char *suffix);
/* A formatted string the caller frees. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
