/* options: the one option parser of hia's commands, after git's parse_options. A command
   declares its options in a table (name, argument, help, where the value goes, its range or
   choices); the parser fills the values, checks them, answers --help with usage generated
   from the same table, and leaves the positional arguments in argv. */
#ifndef HIA_OPTIONS_H
#define HIA_OPTIONS_H

#include "base/error.h"

typedef enum {
    OPTION_END,
    OPTION_FLAG,   /* int: set to 1 */
    OPTION_STRING, /* const char *: the argument */
    OPTION_INT,    /* int: a whole number in [min, max] */
    OPTION_LONG,   /* long: a whole number in [min, max] */
    OPTION_DOUBLE, /* double: a number in [min, max] */
    OPTION_CHOICE, /* int: the index of the argument in choices */
    OPTION_LIST,   /* option_list: every occurrence's argument, in order */
} option_type;

/* The arguments of a repeatable option; free with option_list_free. */
typedef struct option_list {
    const char **items;
    int n;
} option_list;

typedef struct option {
    option_type type;
    const char *name;   /* "--store", "-j" */
    const char *arg;    /* the argument's name in the help ("PATH"); NULL for a flag */
    void *value;
    const char *help;   /* lines of help; '\n' starts another, indented */
    double min, max;    /* OPTION_INT, OPTION_LONG, OPTION_DOUBLE */
    const char *const *choices; /* OPTION_CHOICE: NULL-terminated */
    unsigned *given;    /* when set, bit is or-ed into *given if the option appears */
    unsigned bit;
} option;

/* Table entries, in the order: name, argument, value, [range or choices,] help. */
#define OPT_FLAG(n, v, h) {.type = OPTION_FLAG, .name = n, .value = v, .help = h}
#define OPT_STRING(n, a, v, h) {.type = OPTION_STRING, .name = n, .arg = a, .value = v, .help = h}
#define OPT_INT(n, a, v, lo, hi, h)                                                            \
    {.type = OPTION_INT, .name = n, .arg = a, .value = v, .min = lo, .max = hi, .help = h}
#define OPT_LONG(n, a, v, lo, hi, h)                                                           \
    {.type = OPTION_LONG, .name = n, .arg = a, .value = v, .min = lo, .max = hi, .help = h}
#define OPT_DOUBLE(n, a, v, lo, hi, h)                                                         \
    {.type = OPTION_DOUBLE, .name = n, .arg = a, .value = v, .min = lo, .max = hi, .help = h}
#define OPT_CHOICE(n, a, v, c, h)                                                              \
    {.type = OPTION_CHOICE, .name = n, .arg = a, .value = v, .choices = c, .help = h}
#define OPT_LIST(n, a, v, h) {.type = OPTION_LIST, .name = n, .arg = a, .value = v, .help = h}
#define OPT_END() {.type = OPTION_END}

/* How a command presents itself in its --help. */
typedef struct command_help {
    const char *usage;       /* "hia run CONFIG [options]"; '\n' starts another form */
    const char *description; /* paragraphs after the usage; may be NULL */
    const char *epilog;      /* after the options; may be NULL */
    const char *operands;    /* what the positional arguments are, for errors: "CONFIG" */
    int min_operands, max_operands; /* how many; max -1: any number */
} command_help;

/* What parse_options did. */
enum { OPTIONS_PARSED = 0, OPTIONS_HELP = 1 };

/* Parses argv (the arguments after the command's name) against opts (ended by an
   OPTION_END entry). Positional arguments stay, in order, at argv[0..*n_positional), and
   their count is checked against help's min_operands and max_operands. A --help
   or -h prints the help and returns OPTIONS_HELP; --list-options prints every declared
   option's name, one per line (for shell completion), and returns OPTIONS_HELP too. Returns -1
   with err set for an unknown option, a missing argument, a value out of range or a
   wrong number of positional arguments. */
int parse_options(int argc, char **argv, const option *opts, const command_help *help,
                  int *n_positional, hia_error *err);

/* The help parse_options prints for --help. */
void options_help(const option *opts, const command_help *help);

void option_list_free(option_list *l);

#endif
