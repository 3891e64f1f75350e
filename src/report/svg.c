/* SVG drawing: escaped text, shapes, scales and axes. */
#include "report/svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t svg_utf8(const char *t)
{
    const unsigned char *p = (const unsigned char *)t;
    if (p[0] < 0x80)
        return 1;
    /* the lead byte's length, and the range its first continuation byte must fall in (no
       overlong forms, no surrogates, nothing past U+10FFFF) */
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
               : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    unsigned lo = p[0] == 0xE0 ? 0xA0 : p[0] == 0xF0 ? 0x90 : 0x80;
    unsigned hi = p[0] == 0xED ? 0x9F : p[0] == 0xF4 ? 0x8F : 0xBF;
    if (!n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

void svg_escape(strbuf *s, const char *t)
{
    while (*t) {
        size_t n = svg_utf8(t);
        unsigned char c = (unsigned char)*t;
        int nonchar = n == 3 && !strncmp(t, "\xEF\xBF", 2) && (unsigned char)t[2] >= 0xBE;
        if (n > 1 && !nonchar)
            strbuf_add(s, t, n);
        else if (!n || nonchar || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            strbuf_addstr(s, "\xEF\xBF\xBD"); /* U+FFFD: XML allows none of these */
        else if (c == '<')
            strbuf_addstr(s, "&lt;");
        else if (c == '>')
            strbuf_addstr(s, "&gt;");
        else if (c == '&')
            strbuf_addstr(s, "&amp;");
        else if (c == '"')
            strbuf_addstr(s, "&quot;");
        else if (c == '\'')
            strbuf_addstr(s, "&#39;");
        else
            strbuf_addch(s, (char)c);
        t += n ? n : 1;
    }
}

void svg_begin(strbuf *s, int width, int height, const char *title)
{
    *s = (strbuf)STRBUF_INIT;
    strbuf_addf(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" role=\"img\" aria-label=\"",
               width, height, width, height);
    svg_escape(s, title);
    strbuf_addf(s, "\"><title>");
    svg_escape(s, title);
    strbuf_addf(s, "</title><rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
}

void svg_end(strbuf *s)
{
    strbuf_addf(s, "</svg>\n");
}

void svg_text(strbuf *s, double x, double y, const char *anchor, double size, double angle,
              const char *text)
{
    strbuf_addf(s, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"%s\"", x, y,
               size, anchor);
    if (angle != 0)
        strbuf_addf(s, " transform=\"rotate(%.0f %.1f %.1f)\"", angle, x, y);
    strbuf_addf(s, ">");
    svg_escape(s, text);
    strbuf_addf(s, "</text>\n");
}

void svg_rect(strbuf *s, double x, double y, double w, double h, const char *fill, double opacity)
{
    if (w < 0) {
        x += w;
        w = -w;
    }
    if (h < 0) {
        y += h;
        h = -h;
    }
    strbuf_addf(s, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
               "fill-opacity=\"%.2f\"/>\n", x, y, w, h, fill, opacity);
}

void svg_line(strbuf *s, double x1, double y1, double x2, double y2, const char *stroke,
              double width)
{
    strbuf_addf(s, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"%.1f\"/>\n", x1, y1, x2, y2, stroke, width);
}

void svg_circle(strbuf *s, double x, double y, double r, const char *fill, double opacity)
{
    strbuf_addf(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n",
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

void svg_axis(strbuf *s, const svg_scale *sc, int x, double at, double across0, double across1,
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
