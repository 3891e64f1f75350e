/* A condition on a trial's hyperparameters: parsed once, matched per trial. */
#include "analysis/where.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"

enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN };
static const char *const op_names[] = {"=", "!=", "<", "<=", ">", ">=", "in"};

struct where_term {
    char *column;
    int op;
    char **values;   /* one, or in's list */
    double *numbers; /* each value as a number, NaN when it is not one */
    int n_values;
};

static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = xmalloc(n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

static void add_value(where_term *t, char *v)
{
    double x;
    t->values = xreallocarray(t->values, (size_t)t->n_values + 1, sizeof(char *));
    t->numbers = xreallocarray(t->numbers, (size_t)t->n_values + 1, sizeof(double));
    t->values[t->n_values] = v;
    t->numbers[t->n_values++] = parse_double(v, &x) == 0 ? x : NAN;
}

static int is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-';
}

/* One term: column, operator, value. */
static int parse_term(const char *all, const char *s, size_t n, where_term *t, hia_error *err)
{
    char *text = trimmed(s, n);
    size_t i = 0;
    while (text[i] && is_name_char(text[i]))
        i++;
    int rc = 0;
    if (i == 0) {
        rc = hia_fail(err, HIA_EUSER, "--where '%s': '%s' does not start with a column", all,
                      text);
        goto done;
    }
    t->column = trimmed(text, i);
    const char *rest = text + i;
    while (isspace((unsigned char)*rest))
        rest++;
    t->op = -1;
    size_t oplen = 0;
    if (!strncmp(rest, "in", 2) && rest != text + i && isspace((unsigned char)rest[2])) {
        t->op = OP_IN;
        oplen = 2;
    } else {
        static const int order[] = {OP_NE, OP_LE, OP_GE, OP_EQ, OP_LT, OP_GT}; /* 2 chars first */
        for (int k = 0; k < 6 && t->op < 0; k++)
            if (!strncmp(rest, op_names[order[k]], strlen(op_names[order[k]]))) {
                t->op = order[k];
                oplen = strlen(op_names[order[k]]);
            }
    }
    if (t->op < 0) {
        rc = hia_fail(err, HIA_EUSER, "--where '%s': column %s: expected =, !=, <, <=, >, >= or "
                      "in after it", all, t->column);
        goto done;
    }
    rest += oplen;
    if (t->op == OP_IN) {
        for (const char *p = rest;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char *v = trimmed(p, len);
            if (!*v) {
                free(v);
                rc = hia_fail(err, HIA_EUSER, "--where '%s': column %s: an empty value in the "
                              "list", all, t->column);
                goto done;
            }
            add_value(t, v);
            if (!comma)
                break;
            p = comma + 1;
        }
    } else {
        char *v = trimmed(rest, strlen(rest));
        if (!*v || strchr(v, ' ')) {
            rc = hia_fail(err, HIA_EUSER, "--where '%s': column %s: %s needs one value, not "
                          "'%s'", all, t->column, op_names[t->op], v);
            free(v);
            goto done;
        }
        add_value(t, v);
        if (t->op >= OP_LT && t->op <= OP_GE && isnan(t->numbers[0]))
            rc = hia_fail(err, HIA_EUSER, "--where '%s': column %s: %s compares numbers, and "
                          "'%s' is not one", all, t->column, op_names[t->op], v);
    }
done:
    free(text);
    return rc;
}

int where_parse(const char *text, where_expr *w, hia_error *err)
{
    memset(w, 0, sizeof(*w));
    w->text = xstrdup(text);
    const char *p = text;
    for (;;) {
        const char *and = strstr(p, " and ");
        size_t n = and ? (size_t)(and - p) : strlen(p);
        w->terms = xreallocarray(w->terms, (size_t)w->n + 1, sizeof(where_term));
        memset(&w->terms[w->n], 0, sizeof(where_term));
        w->n++;
        if (parse_term(text, p, n, &w->terms[w->n - 1], err)) {
            where_free(w);
            return -1;
        }
        if (!and)
            return 0;
        p = and + 5;
    }
}

void where_free(where_expr *w)
{
    for (int i = 0; i < w->n; i++) {
        where_term *t = &w->terms[i];
        for (int v = 0; v < t->n_values; v++)
            free(t->values[v]);
        free(t->values);
        free(t->numbers);
        free(t->column);
    }
    free(w->terms);
    free(w->text);
    memset(w, 0, sizeof(*w));
}

static int term_holds(const where_term *t, double number, const char *text)
{
    if (!text && isnan(number))
        return 0; /* missing */
    for (int v = 0; v < t->n_values; v++) {
        int numeric = !isnan(number) && !isnan(t->numbers[v]);
        int cmp = numeric ? (number > t->numbers[v]) - (number < t->numbers[v])
                          : strcmp(text ? text : "", t->values[v]);
        switch (t->op) {
        case OP_EQ: return cmp == 0;
        case OP_NE: return cmp != 0;
        case OP_LT: return cmp < 0;
        case OP_LE: return cmp <= 0;
        case OP_GT: return cmp > 0;
        case OP_GE: return cmp >= 0;
        default:
            if (cmp == 0)
                return 1; /* in: any of the list */
        }
    }
    return 0;
}

int where_match(const where_expr *w, where_lookup lookup, void *ctx, hia_error *err)
{
    for (int i = 0; i < w->n; i++) {
        const where_term *t = &w->terms[i];
        double number;
        const char *text;
        if (!lookup(ctx, t->column, &number, &text))
            return hia_fail(err, HIA_EUSER, "--where '%s': no column %s (columns as hia "
                            "export names them: filters_1, ...; per-layer means by their "
                            "plain names)", w->text, t->column);
        if (t->op >= OP_LT && t->op <= OP_GE && isnan(number) && text)
            return hia_fail(err, HIA_EUSER, "--where '%s': column %s holds '%s', not a number: "
                            "compare it with =, != or in", w->text, t->column, text);
        if (!term_holds(t, number, text))
            return 0;
    }
    return 1;
}
