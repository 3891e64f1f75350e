/* Shell words for the command lines hia prints. */
#include "cli/cmdline.h"

#include <string.h>

void cmdline_add_quoted(strbuf *sb, const char *s)
{
    strbuf_addch(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_addstr(sb, "'\\''");
        else
            strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, '\'');
}

void cmdline_add_word(strbuf *sb, const char *s)
{
    static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789-_./:=@%+,";
    if (*s && strspn(s, plain) == strlen(s))
        strbuf_addstr(sb, s);
    else
        cmdline_add_quoted(sb, s);
}
