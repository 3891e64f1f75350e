/* error: a message too long for hia_error keeps its start and its end around " … ", cut on
   UTF-8 characters' boundaries, whether it was made by hia_fail or grown by hia_wrap. */
#include <string.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "check.h"

/* Whether s is valid UTF-8 (no character cut in two). */
static int valid_utf8(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2
                : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        for (p++; n > 0; n--, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

int main(void)
{
    hia_error err = {0};
    CHECK(hia_fail(&err, HIA_EUSER, "%s: %d", "short", 7) == -1);
    CHECK(err.status == HIA_EUSER && strcmp(err.msg, "short: 7") == 0);
    CHECK(hia_wrap(&err, "while %s", "testing") == -1);
    CHECK(strcmp(err.msg, "while testing: short: 7") == 0);

    /* 5,000 characters between a start and an end: both stay */
    strbuf mid = STRBUF_INIT;
    for (int i = 0; i < 2500; i++)
        strbuf_addstr(&mid, "é"); /* two bytes each: a cut may fall inside one */
    hia_fail(&err, HIA_EENV, "START %s END", strbuf_str(&mid));
    CHECK(err.status == HIA_EENV);
    CHECK(strncmp(err.msg, "START é", strlen("START é")) == 0);
    CHECK(str_ends_with(err.msg, "é END"));
    CHECK_MSG(err.msg, "é … é");
    CHECK(strlen(err.msg) < sizeof(err.msg) && strlen(err.msg) > sizeof(err.msg) - 8);
    CHECK(valid_utf8(err.msg));

    /* a long prefix on a short message, then a short prefix on a long one */
    hia_fail(&err, HIA_EUSER, "the cause");
    hia_wrap(&err, "FIRST %s", strbuf_str(&mid));
    CHECK(strncmp(err.msg, "FIRST ", 6) == 0 && str_ends_with(err.msg, ": the cause"));
    CHECK(valid_utf8(err.msg));
    hia_fail(&err, HIA_EUSER, "%s LAST", strbuf_str(&mid));
    hia_wrap(&err, "context");
    CHECK(strncmp(err.msg, "context: éé", strlen("context: éé")) == 0);
    CHECK(str_ends_with(err.msg, "é LAST"));
    CHECK(valid_utf8(err.msg));

    /* a message may quote the error it replaces */
    hia_fail(&err, HIA_EUSER, "inner");
    hia_fail(&err, HIA_EINTERNAL, "outer (%s)", err.msg);
    CHECK(strcmp(err.msg, "outer (inner)") == 0);
    strbuf_free(&mid);
    return CHECK_DONE();
}
