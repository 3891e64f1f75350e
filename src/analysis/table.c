/* CSV -> the analysis table; the table's own helpers. */
#include "analysis/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/yamldoc.h"

double table_at(const table *t, int row, int col)
{
    return t->x[(size_t)row * t->n_cols + col];
}

long table_config(const table *t, int row)
{
    return t->config ? t->config[row] : row;
}

void table_free(table *t)
{
    for (int c = 0; c < t->n_cols; c++) {
        free(t->cols[c].name);
        for (int l = 0; l < t->cols[c].n_levels; l++)
            free(t->cols[c].levels[l]);
        free(t->cols[c].levels);
    }
    free(t->cols);
    free(t->x);
    free(t->y);
    free(t->config);
    free(t->target);
    memset(t, 0, sizeof(*t));
}

/* ---- CSV: RFC 4180 fields, quoted or not ------------------------------------------------ */

typedef struct csv_rows {
    char ***cells;  /* rows of fields */
    int *widths;
    int n, cap;
} csv_rows;

static void rows_free(csv_rows *r)
{
    for (int i = 0; i < r->n; i++) {
        for (int j = 0; j < r->widths[i]; j++)
            free(r->cells[i][j]);
        free(r->cells[i]);
    }
    free(r->cells);
    free(r->widths);
}

/* Splits one record (which may span lines inside quotes) from text at *pos. */
static void parse_record(const char *text, size_t *pos, char ***fields, int *n)
{
    int cap = 16;
    char **f = xmalloc(sizeof(char *) * (size_t)cap);
    size_t p = *pos;
    *n = 0;
    for (;;) {
        size_t len = 0, fcap = 32;
        char *field = xmalloc(fcap);
        int quoted = text[p] == '"';
        if (quoted)
            p++;
        for (;;) {
            char ch = text[p];
            if (!ch)
                break;
            if (quoted && ch == '"' && text[p + 1] == '"') {
                p++;
            } else if (quoted && ch == '"') {
                quoted = 0;
                p++;
                continue;
            } else if (!quoted && (ch == ',' || ch == '\n' || ch == '\r')) {
                break;
            }
            if (len + 2 > fcap)
                field = xrealloc(field, fcap *= 2);
            field[len++] = ch;
            p++;
        }
        field[len] = 0;
        if (*n == cap)
            f = xrealloc(f, sizeof(char *) * (size_t)(cap *= 2));
        f[(*n)++] = field;
        if (text[p] != ',')
            break;
        p++;
    }
    if (text[p] == '\r')
        p++;
    if (text[p] == '\n')
        p++;
    *pos = p;
    *fields = f;
}

static int read_file(const char *path, char **out, hia_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hia_fail(err, HIA_EUSER, "%s: cannot open: %s", path, strerror(errno));
    size_t len = 0, cap = 1 << 16;
    char *buf = xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2)
            buf = xrealloc(buf, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return hia_fail(err, HIA_EUSER, "%s: cannot read", path);
    }
    buf[len] = 0;
    *out = buf;
    return 0;
}

static int read_rows(const char *path, csv_rows *r, hia_error *err)
{
    char *text = NULL;
    size_t pos = 0;
    memset(r, 0, sizeof(*r));
    if (read_file(path, &text, err))
        return -1;
    while (text[pos]) {
        if (text[pos] == '\n' || (text[pos] == '\r' && text[pos + 1] == '\n')) {
            pos += text[pos] == '\r' ? 2 : 1; /* blank line */
            continue;
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 256;
            r->cells = xrealloc(r->cells, sizeof(*r->cells) * (size_t)r->cap);
            r->widths = xrealloc(r->widths, sizeof(int) * (size_t)r->cap);
        }
        parse_record(text, &pos, &r->cells[r->n], &r->widths[r->n]);
        r->n++;
    }
    free(text);
    return 0;
}

/* ---- columns -------------------------------------------------------------------------- */

static int in_list(const char *list, const char *name)
{
    if (!list)
        return 0;
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

/* Each name of a list must be a column of the header. */
static int check_list(const char *path, const char *option, const char *list, char **header,
                      int width, hia_error *err)
{
    if (!list)
        return 0;
    char *copy = xstrdup(list), *save = NULL;
    int rc = 0;
    for (char *name = strtok_r(copy, ",", &save); name && !rc;
         name = strtok_r(NULL, ",", &save)) {
        int found = 0;
        for (int c = 0; c < width; c++)
            found |= strcmp(header[c], name) == 0;
        if (!found)
            rc = hia_fail(err, HIA_EUSER, "%s: %s names '%s', which is not a column", path, option,
                          name);
    }
    free(copy);
    return rc;
}

static int is_missing(const char *s)
{
    return !*s || strcmp(s, "?") == 0 || strcmp(s, "NA") == 0;
}

int table_level(table_column *c, const char *s)
{
    for (int l = 0; l < c->n_levels; l++)
        if (strcmp(c->levels[l], s) == 0)
            return l;
    c->levels = xrealloc(c->levels, sizeof(char *) * (size_t)(c->n_levels + 1));
    c->levels[c->n_levels] = xstrdup(s);
    return c->n_levels++;
}

static int find_target(const char *path, const table_options *o, char **header, int width,
                       hia_error *err)
{
    const char *want = o->target ? o->target : "accuracy";
    for (int c = 0; c < width; c++)
        if (strcmp(header[c], want) == 0)
            return c;
    if (o->target)
        return hia_fail(err, HIA_EUSER, "%s: --target %s: no such column", path, o->target);
    return width - 1;
}

static int build(const char *path, const table_options *o, csv_rows *r, table *t,
                 hia_error *err)
{
    char **header = r->cells[0];
    int width = r->widths[0];
    for (int c = 0; c < width; c++)
        for (int k = 0; k < c; k++)
            if (strcmp(header[c], header[k]) == 0)
                return hia_fail(err, HIA_EUSER, "%s: column '%s' appears twice (columns %d and "
                                "%d)", path, header[c], k + 1, c + 1);
    for (int i = 1; i < r->n; i++)
        if (r->widths[i] != width)
            return hia_fail(err, HIA_EUSER, "%s: record %d has %d fields, the header %d", path,
                            i + 1, r->widths[i], width);
    if (check_list(path, "--categorical", o->categorical, header, width, err) ||
        check_list(path, "--log", o->log, header, width, err) ||
        check_list(path, "--exclude", o->exclude, header, width, err))
        return -1;
    int target = find_target(path, o, header, width, err);
    if (target < 0)
        return -1;
    int *use = xcalloc((size_t)width, sizeof(int));
    t->cols = xcalloc((size_t)width, sizeof(table_column));
    t->x = xmalloc(sizeof(double) * (size_t)width * (size_t)(r->n ? r->n : 1));
    t->y = xmalloc(sizeof(double) * (size_t)(r->n ? r->n : 1));
    t->target = xstrdup(header[target]);
    for (int c = 0; c < width; c++) {
        if (c == target || in_list(o->exclude, header[c]))
            continue;
        table_column *col = &t->cols[t->n_cols];
        use[c] = ++t->n_cols;
        col->name = xstrdup(header[c]);
        col->categorical = in_list(o->categorical, header[c]);
        col->log = in_list(o->log, header[c]);
        for (int i = 1; i < r->n && !col->categorical; i++) {
            double v;
            const char *s = r->cells[i][c];
            col->categorical = !is_missing(s) && parse_double(s, &v) != 0;
        }
        if (col->log && col->categorical) {
            free(use);
            return hia_fail(err, HIA_EUSER, "%s: --log %s: the column is categorical", path,
                            header[c]);
        }
    }
    int rc = 0;
    for (int i = 1; i < r->n && !rc; i++) {
        double y;
        if (is_missing(r->cells[i][target]) || parse_double(r->cells[i][target], &y)) {
            t->excluded++;
            continue;
        }
        int row = t->n_rows++;
        t->y[row] = y;
        for (int c = 0; c < width && !rc; c++) {
            if (!use[c])
                continue;
            table_column *col = &t->cols[use[c] - 1];
            const char *s = r->cells[i][c];
            double v = NAN;
            if (is_missing(s))
                ;
            else if (col->categorical)
                v = table_level(col, s);
            else
                parse_double(s, &v);
            if (col->log && !is_missing(s) && !(v > 0))
                rc = hia_fail(err, HIA_EUSER, "%s: record %d: '%s' = %s cannot be log-scaled",
                              path, i + 1, col->name, s);
            t->x[(size_t)row * t->n_cols + use[c] - 1] = v;
        }
    }
    free(use);
    if (!rc && t->n_cols < 1)
        rc = hia_fail(err, HIA_EUSER, "%s: no hyperparameter columns besides the target '%s'", path,
                      t->target);
    if (!rc && t->n_rows < 2)
        rc = hia_fail(err, HIA_EUSER, "%s: %d row%s with a numeric '%s' (%ld left out): the "
                      "analysis needs at least 2", path, t->n_rows, t->n_rows == 1 ? "" : "s",
                      t->target, t->excluded);
    return rc;
}

int table_read_csv(const char *path, const table_options *o, table *t, hia_error *err)
{
    csv_rows r;
    memset(t, 0, sizeof(*t));
    if (read_rows(path, &r, err))
        return -1;
    int rc = r.n ? build(path, o, &r, t, err)
                 : hia_fail(err, HIA_EUSER, "%s: empty file (expected a header row)", path);
    rows_free(&r);
    if (rc)
        table_free(t);
    return rc;
}

static int build_matrix(const char *path, csv_rows *r, table *t, hia_error *err)
{
    int width = r->widths[0], first = 0;
    double v;
    for (int i = 1; i < r->n; i++) {
        if (r->widths[i] != width)
            return hia_fail(err, HIA_EUSER, "%s: record %d has %d fields, the header %d", path,
                            i + 1, r->widths[i], width);
        if (parse_double(r->cells[i][0], &v) != 0)
            first = 1; /* a column of labels */
    }
    t->n_rows = r->n - 1;
    t->n_cols = width - first;
    t->cols = xcalloc((size_t)(t->n_cols ? t->n_cols : 1), sizeof(table_column));
    t->x = xmalloc(sizeof(double) * (size_t)(t->n_rows ? t->n_rows : 1) *
                   (size_t)(width ? width : 1));
    for (int c = first; c < width; c++)
        t->cols[c - first].name = xstrdup(r->cells[0][c]);
    for (int i = 1; i < r->n; i++) {
        for (int c = first; c < width; c++) {
            if (parse_double(r->cells[i][c], &v) != 0)
                return hia_fail(err, HIA_EUSER, "%s: record %d, column '%s': '%s' is not a number",
                                path, i + 1, r->cells[0][c], r->cells[i][c]);
            t->x[(size_t)(i - 1) * t->n_cols + c - first] = v;
        }
    }
    return 0;
}

int table_read_matrix(const char *path, table *t, hia_error *err)
{
    csv_rows r;
    memset(t, 0, sizeof(*t));
    if (read_rows(path, &r, err))
        return -1;
    int rc = r.n ? build_matrix(path, &r, t, err)
                 : hia_fail(err, HIA_EUSER, "%s: empty file (expected a header row)", path);
    rows_free(&r);
    if (rc)
        table_free(t);
    return rc;
}
