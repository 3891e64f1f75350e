/* The shared option parser and the --help it generates. */
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/num.h"
#include "base/strbuf.h"

#define HELP_COLUMN 22

static const option *find(const option *opts, const char *name, size_t len)
{
    for (const option *o = opts; o->type != OPTION_END; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

static int bad_number(const option *o, const char *v, hia_error *err)
{
    if (o->type == OPTION_DOUBLE)
        return hia_fail(err, HIA_EUSER, "%s %s: expected a number in [%g, %g]", o->name, v,
                        o->min, o->max);
    return hia_fail(err, HIA_EUSER, "%s %s: expected a whole number in %.0f..%.0f", o->name, v,
                    o->min, o->max);
}

static int choice(const option *o, const char *v, hia_error *err)
{
    for (int i = 0; o->choices[i]; i++)
        if (!strcmp(v, o->choices[i])) {
            *(int *)o->value = i;
            return 0;
        }
    strbuf known = STRBUF_INIT;
    for (int i = 0; o->choices[i]; i++)
        strbuf_addf(&known, "%s%s", i == 0 ? "" : o->choices[i + 1] ? ", " : " or ",
                    o->choices[i]);
    hia_fail(err, HIA_EUSER, "%s %s: expected %s", o->name, v, known.buf);
    strbuf_free(&known);
    return -1;
}

/* Stores the argument v of option o. */
static int take(const option *o, const char *v, hia_error *err)
{
    long l;
    double d;
    switch (o->type) {
    case OPTION_STRING:
        *(const char **)o->value = v;
        return 0;
    case OPTION_INT:
    case OPTION_LONG:
        if (parse_long(v, &l) || l < o->min || l > o->max)
            return bad_number(o, v, err);
        if (o->type == OPTION_INT)
            *(int *)o->value = (int)l;
        else
            *(long *)o->value = l;
        return 0;
    case OPTION_DOUBLE:
        if (parse_double(v, &d) || d < o->min || d > o->max)
            return bad_number(o, v, err);
        *(double *)o->value = d;
        return 0;
    case OPTION_CHOICE:
        return choice(o, v, err);
    case OPTION_LIST: {
        option_list *list = o->value;
        list->items = xreallocarray(list->items, (size_t)list->n + 1, sizeof(char *));
        list->items[list->n++] = v;
        return 0;
    }
    case OPTION_FLAG:
    case OPTION_END:
        break;
    }
    return hia_fail(err, HIA_EINTERNAL, "option %s: no argument expected", o->name);
}

/* One option at argv[*i], its argument after '=' or in the next word. */
static int parse_one(int argc, char **argv, int *i, const option *opts, hia_error *err)
{
    const char *s = argv[*i], *eq = strncmp(s, "--", 2) ? NULL : strchr(s, '=');
    const option *o = find(opts, s, eq ? (size_t)(eq - s) : strlen(s));
    if (!o)
        return hia_fail(err, HIA_EUSER, "unknown option %.*s (see --help)",
                        eq ? (int)(eq - s) : (int)strlen(s), s);
    if (o->given)
        *o->given |= o->bit;
    if (o->type == OPTION_FLAG) {
        if (eq)
            return hia_fail(err, HIA_EUSER, "%s takes no value", o->name);
        *(int *)o->value = 1;
        return 0;
    }
    if (eq)
        return take(o, eq + 1, err);
    if (*i + 1 >= argc)
        return hia_fail(err, HIA_EUSER, "%s needs a value (%s)", o->name, o->arg);
    return take(o, argv[++*i], err);
}

static void list_options(const option *opts)
{
    for (const option *o = opts; o->type != OPTION_END; o++)
        puts(o->name);
}

int parse_options(int argc, char **argv, const option *opts, const command_help *help,
                  int *n_positional, hia_error *err)
{
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            options_help(opts, help);
            return OPTIONS_HELP;
        }
        if (!strcmp(s, "--list-options")) {
            list_options(opts);
            return OPTIONS_HELP;
        }
        if (!strcmp(s, "--")) { /* the rest is positional, even if it starts with '-' */
            while (++i < argc)
                argv[n++] = argv[i];
            break;
        }
        if (s[0] == '-' && s[1]) {
            if (parse_one(argc, argv, &i, opts, err))
                return -1;
        } else {
            argv[n++] = argv[i];
        }
    }
    if (n < help->min_operands)
        return hia_fail(err, HIA_EUSER, "missing %s (see --help)", help->operands);
    if (help->max_operands >= 0 && n > help->max_operands)
        return hia_fail(err, HIA_EUSER, "unexpected argument '%s' (see --help)",
                        argv[help->max_operands]);
    *n_positional = n;
    return OPTIONS_PARSED;
}

/* text with each '\n' followed by an indent of `indent` spaces */
static void indented(const char *text, int indent)
{
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1])
            printf("%*s", indent, "");
    }
    putchar('\n');
}

void options_help(const option *opts, const command_help *help)
{
    fputs("usage: ", stdout);
    indented(help->usage, 7);
    if (help->description)
        printf("\n%s", help->description);
    if (opts->type != OPTION_END)
        puts("\noptions:");
    for (const option *o = opts; o->type != OPTION_END; o++) {
        int w = printf("  %s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        if (w >= HELP_COLUMN)
            printf("\n%*s", HELP_COLUMN, "");
        else
            printf("%*s", HELP_COLUMN - w, "");
        indented(o->help, HELP_COLUMN);
    }
    if (help->epilog)
        printf("\n%s", help->epilog);
}

void option_list_free(option_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}
