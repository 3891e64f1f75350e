/* CSV -> the analysis table; the table's own helpers. */
#include "analysis/table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/io.h"
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
    int *lines;     /* the line each record starts on */
    int n, cap;
    long n_cells;
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
    free(r->lines);
}

/* Splits one record (which may span lines inside quotes) from text at *pos, counting the
   lines it ends; -1 once the table would pass TABLE_MAX_COLUMNS or TABLE_MAX_CELLS. */
static int parse_record(const char *path, const char *text, size_t *pos, int *line,
                        csv_rows *r, hia_error *err)
{
    int cap = 16, n = 0, start = *line;
    char **f = xmalloc(sizeof(char *) * (size_t)cap);
    size_t p = *pos;
    for (;;) {
        if (n == TABLE_MAX_COLUMNS || r->n_cells == TABLE_MAX_CELLS) {
            for (int i = 0; i < n; i++)
                free(f[i]);
            free(f);
            return n == TABLE_MAX_COLUMNS
                       ? hia_fail(err, HIA_EUSER, "%s:%d: more than %d columns (the most hia "
                                  "analyze takes)", path, start, TABLE_MAX_COLUMNS)
                       : hia_fail(err, HIA_EUSER, "%s:%d: more than %d cells (the most hia "
                                  "analyze takes)", path, start, TABLE_MAX_CELLS);
        }
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
            *line += ch == '\n';
            if (len + 2 > fcap)
                field = xrealloc(field, fcap *= 2);
            field[len++] = ch;
            p++;
        }
        field[len] = 0;
        if (n == cap)
            f = xrealloc(f, sizeof(char *) * (size_t)(cap *= 2));
        f[n++] = field;
        r->n_cells++;
        if (text[p] != ',')
            break;
        p++;
    }
    if (text[p] == '\r')
        p++;
    if (text[p] == '\n') {
        p++;
        ++*line;
    }
    *pos = p;
    r->cells[r->n] = f;
    r->widths[r->n] = n;
    r->lines[r->n++] = start;
    return 0;
}

/* The file, NUL-terminated, without a UTF-8 byte order mark; refused past TABLE_MAX_BYTES or
   with a NUL byte (not a text table: every later message would mislead). */
static int read_file(const char *path, char **out, hia_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hia_fail(err, io_status(errno, HIA_EUSER), "%s: cannot open: %s", path,
                        strerror(errno));
    size_t len = 0, cap = 1 << 16;
    char *buf = xmalloc(cap);
    size_t got;
    while (len <= TABLE_MAX_BYTES && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2)
            buf = xrealloc(buf, cap *= 2);
    }
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (e || len > TABLE_MAX_BYTES) {
        free(buf);
        return e ? hia_fail(err, io_status(e, HIA_EUSER), "%s: cannot read: %s", path,
                            strerror(e))
                 : hia_fail(err, HIA_EUSER, "%s: larger than %d MiB (the most hia analyze "
                            "takes)", path, TABLE_MAX_BYTES >> 20);
    }
    buf[len] = 0;
    const char *nul = memchr(buf, 0, len);
    if (nul) {
        int line = 1;
        for (const char *c = buf; c < nul; c++)
            line += *c == '\n';
        free(buf);
        return hia_fail(err, HIA_EUSER, "%s:%d: a NUL byte (a CSV table is text)", path, line);
    }
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        memmove(buf, buf + 3, len - 2); /* the terminating NUL too */
    *out = buf;
    return 0;
}

static int read_rows(const char *path, csv_rows *r, hia_error *err)
{
    char *text = NULL;
    size_t pos = 0;
    int line = 1, rc = 0;
    memset(r, 0, sizeof(*r));
    if (read_file(path, &text, err))
        return -1;
    while (text[pos] && !rc) {
        if (text[pos] == '\n' || (text[pos] == '\r' && text[pos + 1] == '\n')) {
            pos += text[pos] == '\r' ? 2 : 1; /* blank line */
            line++;
            continue;
        }
        if (r->n == TABLE_MAX_ROWS + 1) { /* the header and the rows */
            rc = hia_fail(err, HIA_EUSER, "%s:%d: more than %d rows (the most hia analyze "
                          "takes)", path, line, TABLE_MAX_ROWS);
            break;
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 256;
            r->cells = xrealloc(r->cells, sizeof(*r->cells) * (size_t)r->cap);
            r->widths = xrealloc(r->widths, sizeof(int) * (size_t)r->cap);
            r->lines = xrealloc(r->lines, sizeof(int) * (size_t)r->cap);
        }
        rc = parse_record(path, text, &pos, &line, r, err);
    }
    free(text);
    if (rc)
        rows_free(r);
    return rc;
}

/* What a cell holds: missing (empty, ? or NA), a finite number, a number that is not finite
   (nan, inf, 1e400: refused in a numeric column, rather than guessed at), or text. */
enum { CELL_MISSING, CELL_NUMBER, CELL_NONFINITE, CELL_TEXT };

static int cell_kind(const char *s, double *v)
{
    if (!*s || strcmp(s, "?") == 0 || strcmp(s, "NA") == 0)
        return CELL_MISSING;
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end)
        return CELL_TEXT;
    if (!isfinite(x)) /* nan, inf, or an overflow such as 1e400 */
        return CELL_NONFINITE;
    *v = x; /* an underflow is as near to 0 as a double gets */
    return CELL_NUMBER;
}

static int not_finite(const char *path, const csv_rows *r, int row, int col, hia_error *err)
{
    return hia_fail(err, HIA_EUSER, "%s:%d: column '%s': %s is not a finite number (a missing "
                    "value is an empty cell, ? or NA)", path, r->lines[row], r->cells[0][col],
                    r->cells[row][col]);
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

/* Every record as wide as the header, no column named twice, the options' columns there. */
static int check_shape(const char *path, const table_options *o, const csv_rows *r,
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
            return hia_fail(err, HIA_EUSER, "%s:%d: record %d has %d fields, the header %d",
                            path, r->lines[i], i + 1, r->widths[i], width);
    return check_list(path, "--categorical", o->categorical, header, width, err) ||
                   check_list(path, "--log", o->log, header, width, err) ||
                   check_list(path, "--exclude", o->exclude, header, width, err)
               ? -1
               : 0;
}

/* Column c of the CSV as a column of the table: categorical when forced or when a cell is
   text; a numeric one refuses a number that is not finite. */
static int add_column(const char *path, const table_options *o, const csv_rows *r, int c,
                      table *t, hia_error *err)
{
    const char *name = r->cells[0][c];
    table_column *col = &t->cols[t->n_cols++];
    double v;
    col->name = xstrdup(name);
    col->categorical = in_list(o->categorical, name);
    col->log = in_list(o->log, name);
    for (int i = 1; i < r->n && !col->categorical; i++)
        col->categorical = cell_kind(r->cells[i][c], &v) == CELL_TEXT;
    for (int i = 1; i < r->n && !col->categorical; i++)
        if (cell_kind(r->cells[i][c], &v) == CELL_NONFINITE)
            return not_finite(path, r, i, c, err);
    if (col->log && col->categorical)
        return hia_fail(err, HIA_EUSER, "%s: --log %s: the column is categorical", path, name);
    return 0;
}

/* A column with no value in any row kept would rank as a column without information: it is
   refused, named, rather than shown with an importance of 0. */
static int check_filled(const char *path, const table *t, hia_error *err)
{
    for (int c = 0; c < t->n_cols; c++) {
        int any = 0;
        for (int i = 0; i < t->n_rows && !any; i++)
            any = !isnan(table_at(t, i, c));
        if (!any)
            return hia_fail(err, HIA_EUSER, "%s: column '%s' has no value in any row with a "
                            "numeric '%s' (every cell is missing): nothing to rank it by "
                            "(leave it out with --exclude %s)", path, t->cols[c].name,
                            t->target, t->cols[c].name);
    }
    return 0;
}

static int build(const char *path, const table_options *o, csv_rows *r, table *t,
                 hia_error *err)
{
    char **header = r->cells[0];
    int width = r->widths[0];
    if (check_shape(path, o, r, err))
        return -1;
    int target = find_target(path, o, header, width, err);
    if (target < 0)
        return -1;
    int *use = xcalloc((size_t)width, sizeof(int)), rc = 0;
    t->cols = xcalloc((size_t)width, sizeof(table_column));
    t->x = xmalloc(sizeof(double) * (size_t)width * (size_t)(r->n ? r->n : 1));
    t->y = xmalloc(sizeof(double) * (size_t)(r->n ? r->n : 1));
    t->target = xstrdup(header[target]);
    for (int c = 0; c < width && !rc; c++) {
        if (c == target || in_list(o->exclude, header[c]))
            continue;
        use[c] = t->n_cols + 1;
        rc = add_column(path, o, r, c, t, err);
    }
    for (int i = 1; i < r->n && !rc; i++) {
        double y = NAN;
        int kind = cell_kind(r->cells[i][target], &y);
        if (kind == CELL_NONFINITE) {
            rc = not_finite(path, r, i, target, err);
            break;
        }
        if (kind != CELL_NUMBER) { /* a failed trial's */
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
            kind = cell_kind(s, &v);
            if (kind != CELL_MISSING && col->categorical)
                v = table_level(col, s);
            if (col->log && kind != CELL_MISSING && !(v > 0))
                rc = hia_fail(err, HIA_EUSER, "%s:%d: column '%s': %s cannot be log-scaled",
                              path, r->lines[i], col->name, s);
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
    return rc ? -1 : check_filled(path, t, err);
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
            return hia_fail(err, HIA_EUSER, "%s:%d: record %d has %d fields, the header %d",
                            path, r->lines[i], i + 1, r->widths[i], width);
        int kind = cell_kind(r->cells[i][0], &v);
        if (kind == CELL_TEXT || kind == CELL_MISSING)
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
            int kind = cell_kind(r->cells[i][c], &v);
            if (kind == CELL_NONFINITE)
                return not_finite(path, r, i, c, err);
            if (kind != CELL_NUMBER)
                return hia_fail(err, HIA_EUSER, "%s:%d: column '%s': '%s' is not a number",
                                path, r->lines[i], r->cells[0][c], r->cells[i][c]);
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
