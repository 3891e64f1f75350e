/* svg: the report's drawing primitives, appended as SVG text to a strbuf: escaped text,
   shapes, linear and log scales with readable ticks, and framed axes. No plotting stack. */
#ifndef HIA_SVG_H
#define HIA_SVG_H

#include "base/strbuf.h"

/* A scale from data values [lo, hi] to pixels [p0, p1]. */
typedef struct svg_scale {
    double lo, hi, p0, p1;
    int log;
} svg_scale;

void svg_begin(strbuf *s, int width, int height, const char *title);
void svg_end(strbuf *s);
/* text with anchor start|middle|end, rotated by angle degrees around (x, y) */
void svg_text(strbuf *s, double x, double y, const char *anchor, double size, double angle,
              const char *text);
void svg_rect(strbuf *s, double x, double y, double w, double h, const char *fill,
              double opacity);
void svg_line(strbuf *s, double x1, double y1, double x2, double y2, const char *stroke,
              double width);
void svg_circle(strbuf *s, double x, double y, double r, const char *fill, double opacity);

double svg_map(const svg_scale *sc, double v);
/* Up to about `want` round tick values within [lo, hi]; returns how many. */
int svg_ticks(double lo, double hi, int log, int want, double *ticks, int max);
/* Grid lines, ticks and labels of a numeric axis; x: along the bottom at y = at, else along
   the left at x = at; across: the plot's extent the other way (for the grid). */
void svg_axis(strbuf *s, const svg_scale *sc, int x, double at, double across0, double across1,
              const char *label);
/* A colour of the report's palette, by index. */
const char *svg_colour(int i);
/* Appends t to s as XML/HTML text, safe in an element and in a quoted attribute alike: markup
   escaped, and what XML does not allow (control characters, bytes that are not UTF-8) as
   U+FFFD. */
void svg_escape(strbuf *s, const char *t);
/* The length of the UTF-8 character t starts with (1 for ASCII), 0 when its bytes are not
   UTF-8. */
size_t svg_utf8(const char *t);

#endif
