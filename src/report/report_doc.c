/* One document written as HTML and Markdown at once. */
#include "report/report_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void doc_heading(report_doc *d, int level, const char *text)
{
    strbuf_addf(&d->html, "<h%d>", level);
    svg_escape(&d->html, text);
    strbuf_addf(&d->html, "</h%d>\n", level);
    strbuf_addf(&d->md, "%.*s %s\n\n", level, "######", text);
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
    strbuf_addf(&d->md, "%s\n\n", text.buf);
    strbuf_free(&text);
}

/* A Markdown cell: pipes escaped. */
static void md_cell(strbuf *md, const char *text)
{
    for (; *text; text++)
        strbuf_addf(md, *text == '|' ? "\\|" : "%c", *text);
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
        md_cell(&d->md, c);
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

void doc_figure(report_doc *d, const char *name, strbuf *figure, const char *caption)
{
    char file[256];
    snprintf(file, sizeof(file), "%s.svg", name);
    if (!d->failed && write_file(d, file, figure))
        d->failed = 1;
    d->figures++;
    strbuf_addf(&d->html, "<figure id=\"fig-%s\">\n%s<figcaption>", name,
               strbuf_str(figure));
    svg_escape(&d->html, caption);
    strbuf_addf(&d->html, "</figcaption></figure>\n");
    strbuf_addf(&d->md, "![%s](%s)\n\n*%s*\n\n", caption, file, caption);
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
}
