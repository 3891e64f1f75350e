/* cmdline: command lines hia prints for a person or a shell to run (the "run again" hint, the
   sbatch script): each word quoted for a POSIX shell where it needs it, so that a path with
   spaces, quotes or `$` comes back as the same single word. */
#ifndef HIA_CMDLINE_H
#define HIA_CMDLINE_H

#include "base/strbuf.h"

/* Appends s single-quoted, each ' written as '\''. */
void cmdline_add_quoted(strbuf *sb, const char *s);
/* Appends s as one shell word: as it is when it is made of letters, digits and -_./:=@%+,
   only (and not empty), else quoted. */
void cmdline_add_word(strbuf *sb, const char *s);

#endif
