/* One document written as HTML and Markdown at once. */
#include "report/report_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/io.h"

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
    svg_printf(&d->html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<title>");
    svg_escape(&d->html, title);
    svg_printf(&d->html, "</title><style>%s</style></head><body>\n", style);
    doc_heading(d, 1, title);
}

void doc_heading(report_doc *d, int level, const char *text)
{
    svg_printf(&d->html, "<h%d>", level);
    svg_escape(&d->html, text);
    svg_printf(&d->html, "</h%d>\n", level);
    svg_printf(&d->md, "%.*s %s\n\n", level, "######", text);
}

void doc_para(report_doc *d, const char *fmt, ...)
{
    char text[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    svg_printf(&d->html, "<p>");
    svg_escape(&d->html, text);
    svg_printf(&d->html, "</p>\n");
    svg_printf(&d->md, "%s\n\n", text);
}

/* A Markdown cell: pipes escaped. */
static void md_cell(svg *md, const char *text)
{
    for (; *text; text++)
        svg_printf(md, *text == '|' ? "\\|" : "%c", *text);
}

static void cells(report_doc *d, int n, va_list ap, const char *tag)
{
    svg_printf(&d->html, "<tr>");
    svg_printf(&d->md, "|");
    for (int i = 0; i < n; i++) {
        const char *c = va_arg(ap, const char *);
        svg_printf(&d->html, "<%s>", tag);
        svg_escape(&d->html, c);
        svg_printf(&d->html, "</%s>", tag);
        svg_printf(&d->md, " ");
        md_cell(&d->md, c);
        svg_printf(&d->md, " |");
    }
    svg_printf(&d->html, "</tr>\n");
    svg_printf(&d->md, "\n");
}

void doc_table(report_doc *d, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    svg_printf(&d->html, "<table>\n");
    cells(d, n, ap, "th");
    va_end(ap);
    svg_printf(&d->md, "|");
    for (int i = 0; i < n; i++)
        svg_printf(&d->md, " --- |");
    svg_printf(&d->md, "\n");
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
    svg_printf(&d->html, "</table>\n");
    svg_printf(&d->md, "\n");
}

static int write_file(report_doc *d, const char *name, const svg *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", d->dir, name);
    if (text->failed)
        return hia_fail(d->err, HIA_EINTERNAL, "out of memory writing %s", path);
    return io_write_file(path, text->buf, text->len, d->err);
}

void doc_figure(report_doc *d, const char *name, svg *figure, const char *caption)
{
    char file[256];
    snprintf(file, sizeof(file), "%s.svg", name);
    if (!d->failed && write_file(d, file, figure))
        d->failed = 1;
    d->figures++;
    svg_printf(&d->html, "<figure id=\"fig-%s\">\n%s<figcaption>", name,
               figure->buf ? figure->buf : "");
    svg_escape(&d->html, caption);
    svg_printf(&d->html, "</figcaption></figure>\n");
    svg_printf(&d->md, "![%s](%s)\n\n*%s*\n\n", caption, file, caption);
    svg_free(figure);
}

int doc_finish(report_doc *d)
{
    svg_printf(&d->html, "</body></html>\n");
    if (d->failed)
        return -1;
    return write_file(d, "report.html", &d->html) || write_file(d, "report.md", &d->md) ? -1 : 0;
}

void doc_free(report_doc *d)
{
    svg_free(&d->html);
    svg_free(&d->md);
}
