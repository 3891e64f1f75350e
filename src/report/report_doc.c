/* One document written as HTML and Markdown at once, every text escaped for where it goes:
   HTML text (svg_escape), Markdown text (md_text), file names and ids (figure_slug). */
#include "report/report_doc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/io.h"
#include "base/strbuf.h"

static const char style[] =
    "body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left}th{background:#f2f2f2}figure{margin:1.5em 0}figcaption{color:#555;"
    "font-size:90%}svg{max-width:100%;height:auto}.note{background:#fff6d5;padding:.6em}";

void doc_begin(report_doc *d, const char *dir, const char *title, hia_error *err)
{
    memset(d, 0, sizeof(*d));
    d->dir = dir;
    d->err = err;
    strbuf_addf(&d->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>");
    svg_escape(&d->html, title);
    strbuf_addf(&d->html, "</title><style>%s</style></head><body>\n", style);
    doc_heading(d, 1, title);
}

/* Markdown's inline syntax that text could start: emphasis, code, links and images, raw HTML
   and entities, tables' pipes, strikethrough, math. */
static int md_special(const char *p, const char *text)
{
    if (*p == '_') /* emphasis only where a word begins or ends */
        return p == text || !isalnum((unsigned char)p[-1]) || !isalnum((unsigned char)p[1]);
    return *p && strchr("\\`*[]<>!&|~#$", *p);
}

/* Appends text as Markdown text that shows as written: its syntax escaped, line breaks and
   control characters as spaces (a line of its own could start a list or a heading), bytes
   that are not UTF-8 as U+FFFD. */
static void md_text(strbuf *md, const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = svg_utf8(p);
        unsigned char c = (unsigned char)*p;
        if (!n)
            strbuf_addstr(md, "\xEF\xBF\xBD");
        else if (n > 1)
            strbuf_add(md, p, n);
        else if (c < 0x20 || c == 0x7F)
            strbuf_addch(md, ' ');
        else if (md_special(p, text))
            strbuf_addf(md, "\\%c", c);
        else
            strbuf_addch(md, (char)c);
        p += n ? n : 1;
    }
}

void doc_heading(report_doc *d, int level, const char *text)
{
    strbuf_addf(&d->html, "<h%d>", level);
    svg_escape(&d->html, text);
    strbuf_addf(&d->html, "</h%d>\n", level);
    strbuf_addf(&d->md, "%.*s ", level, "######");
    md_text(&d->md, text);
    strbuf_addstr(&d->md, "\n\n");
}

void doc_para(report_doc *d, const char *fmt, ...)
{
    strbuf text = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&text, fmt, ap);
    va_end(ap);
    strbuf_addf(&d->html, "<p>");
    svg_escape(&d->html, text.buf);
    strbuf_addf(&d->html, "</p>\n");
    md_text(&d->md, text.buf);
    strbuf_addstr(&d->md, "\n\n");
    strbuf_free(&text);
}

static void cells(report_doc *d, int n, va_list ap, const char *tag)
{
    strbuf_addf(&d->html, "<tr>");
    strbuf_addf(&d->md, "|");
    for (int i = 0; i < n; i++) {
        const char *c = va_arg(ap, const char *);
        strbuf_addf(&d->html, "<%s>", tag);
        svg_escape(&d->html, c);
        strbuf_addf(&d->html, "</%s>", tag);
        strbuf_addf(&d->md, " ");
        md_text(&d->md, c);
        strbuf_addf(&d->md, " |");
    }
    strbuf_addf(&d->html, "</tr>\n");
    strbuf_addf(&d->md, "\n");
}

void doc_table(report_doc *d, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    strbuf_addf(&d->html, "<table>\n");
    cells(d, n, ap, "th");
    va_end(ap);
    strbuf_addf(&d->md, "|");
    for (int i = 0; i < n; i++)
        strbuf_addf(&d->md, " --- |");
    strbuf_addf(&d->md, "\n");
}

void doc_row(report_doc *d, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    cells(d, n, ap, "td");
    va_end(ap);
}

void doc_table_end(report_doc *d)
{
    strbuf_addf(&d->html, "</table>\n");
    strbuf_addf(&d->md, "\n");
}

static int write_file(report_doc *d, const char *name, const strbuf *text)
{
    char *path = xstrfmt("%s/%s", d->dir, name);
    int rc = io_write_file(path, strbuf_str(text), text->len, d->err);
    free(path);
    return rc;
}

/* A figure's name as a file name and an id, which any name becomes: ASCII letters, digits,
   '-' and '_' kept, every other byte '_', at most 80 of them, then -2, -3, ... when another
   figure has it already (compared ignoring case, as some file systems do). */
static char *figure_slug(report_doc *d, const char *name)
{
    char base[81];
    size_t n = 0;
    for (const char *p = name; *p && n < sizeof(base) - 1; p++)
        base[n++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                            (*p >= '0' && *p <= '9') || *p == '-' ? *p : '_';
    base[n] = 0;
    char *slug = xstrdup(n ? base : "figure");
    for (int k = 2;; k++) {
        int taken = 0;
        for (int i = 0; i < d->figures && !taken; i++)
            taken = !strcasecmp(d->slugs[i], slug);
        if (!taken)
            break;
        free(slug);
        slug = xstrfmt("%s-%d", n ? base : "figure", k);
    }
    d->slugs = xreallocarray(d->slugs, (size_t)d->figures + 1, sizeof(*d->slugs));
    d->slugs[d->figures++] = slug;
    return slug;
}

void doc_figure(report_doc *d, const char *name, strbuf *figure, const char *caption)
{
    const char *slug = figure_slug(d, name);
    char *file = xstrfmt("%s.svg", slug);
    if (!d->failed && write_file(d, file, figure))
        d->failed = 1;
    strbuf_addf(&d->html, "<figure id=\"fig-%s\">\n%s<figcaption>", slug, strbuf_str(figure));
    svg_escape(&d->html, caption);
    strbuf_addf(&d->html, "</figcaption></figure>\n");
    strbuf_addstr(&d->md, "![");
    md_text(&d->md, caption);
    strbuf_addf(&d->md, "](%s)\n\n*", file);
    md_text(&d->md, caption);
    strbuf_addstr(&d->md, "*\n\n");
    free(file);
    strbuf_free(figure);
}

int doc_finish(report_doc *d)
{
    strbuf_addf(&d->html, "</body></html>\n");
    if (d->failed)
        return -1;
    return write_file(d, "report.html", &d->html) || write_file(d, "report.md", &d->md) ? -1 : 0;
}

void doc_free(report_doc *d)
{
    strbuf_free(&d->html);
    strbuf_free(&d->md);
    for (int i = 0; i < d->figures; i++)
        free(d->slugs[i]);
    free(d->slugs);
}
