/* SVG drawing: buffer, escaped text, shapes, scales and axes. */
#include "report/svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(svg *s, size_t more)
{
    if (s->failed || s->len + more + 1 <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + more + 1)
        cap *= 2;
    char *p = realloc(s->buf, cap);
    if (!p) {
        s->failed = 1;
        return;
    }
    s->buf = p;
    s->cap = cap;
}

void svg_printf(svg *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->failed = 1;
        return;
    }
    grow(s, (size_t)n);
    if (s->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

void svg_escape(svg *s, const char *t)
{
    for (; *t; t++) {
        switch (*t) {
        case '<': svg_printf(s, "&lt;"); break;
        case '>': svg_printf(s, "&gt;"); break;
        case '&': svg_printf(s, "&amp;"); break;
        case '"': svg_printf(s, "&quot;"); break;
        default: svg_printf(s, "%c", *t);
        }
    }
}

void svg_begin(svg *s, int width, int height, const char *title)
{
    memset(s, 0, sizeof(*s));
    svg_printf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" role=\"img\" aria-label=\"",
               width, height, width, height);
    svg_escape(s, title);
    svg_printf(s, "\"><title>");
    svg_escape(s, title);
    svg_printf(s, "</title><rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
}

void svg_end(svg *s)
{
    svg_printf(s, "</svg>\n");
}

void svg_free(svg *s)
{
    free(s->buf);
    memset(s, 0, sizeof(*s));
}

void svg_text(svg *s, double x, double y, const char *anchor, double size, double angle,
              const char *text)
{
    svg_printf(s, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"%s\"", x, y,
               size, anchor);
    if (angle != 0)
        svg_printf(s, " transform=\"rotate(%.0f %.1f %.1f)\"", angle, x, y);
    svg_printf(s, ">");
    svg_escape(s, text);
    svg_printf(s, "</text>\n");
}

void svg_rect(svg *s, double x, double y, double w, double h, const char *fill, double opacity)
{
    if (w < 0) {
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    svg_printf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
               "fill-opacity=\"%.2f\"/>\n", x, y, w, h, fill, opacity);
}

void svg_line(svg *s, double x1, double y1, double x2, double y2, const char *stroke,
              double width)
{
    svg_printf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"%.1f\"/>\n", x1, y1, x2, y2, stroke, width);
}

void svg_circle(svg *s, double x, double y, double r, const char *fill, double opacity)
{
    svg_printf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
               x, y, r, fill, opacity);
}

double svg_map(const svg_scale *sc, double v)
{
    double lo = sc->lo, hi = sc->hi;
    if (sc->log) {
        lo = log10(lo);
        hi = log10(hi);
        v = log10(v);
    }
    double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return sc->p0 + t * (sc->p1 - sc->p0);
}

int svg_ticks(double lo, double hi, int log, int want, double *ticks, int max)
{
    int n = 0;
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi)) {
        if (max > 0 && isfinite(lo))
            ticks[n++] = lo;
        return n;
    }
    if (log && lo > 0) {
        for (double p = pow(10, floor(log10(lo))); p <= hi * 1.0001 && n < max; p *= 10)
            if (p >= lo * 0.9999)
                ticks[n++] = p;
        if (n >= 2)
            return n;
        n = 0;
    }
    double raw = (hi - lo) / (want > 1 ? want : 1), mag = pow(10, floor(log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag
                                                                                : 10 * mag;
    for (double t = ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9 && n < max; t += step)
        ticks[n++] = fabs(t) < step * 1e-9 ? 0 : t;
    return n;
}

void svg_axis(svg *s, const svg_scale *sc, int x, double at, double across0, double across1,
              const char *label)
{
    double ticks[32];
    char buf[32];
    int n = svg_ticks(sc->lo, sc->hi, sc->log, 5, ticks, 32);
    for (int i = 0; i < n; i++) {
        double p = svg_map(sc, ticks[i]);
        snprintf(buf, sizeof(buf), "%g", ticks[i]);
        if (x) {
            svg_line(s, p, across0, p, across1, "#e4e4e4", 1);
            svg_line(s, p, at, p, at + 4, "#444", 1);
            svg_text(s, p, at + 16, "middle", 11, 0, buf);
        } else {
            svg_line(s, across0, p, across1, p, "#e4e4e4", 1);
            svg_line(s, at - 4, p, at, p, "#444", 1);
            svg_text(s, at - 6, p + 4, "end", 11, 0, buf);
        }
    }
    if (x) {
        svg_line(s, sc->p0, at, sc->p1, at, "#444", 1);
        svg_text(s, (sc->p0 + sc->p1) / 2, at + 34, "middle", 12, 0, label);
    } else {
        svg_line(s, at, sc->p0, at, sc->p1, "#444", 1);
        svg_text(s, at - 44, (sc->p0 + sc->p1) / 2, "middle", 12, -90, label);
    }
}

const char *svg_colour(int i)
{
    static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                          "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
    return palette[(i % 8 + 8) % 8];
}
