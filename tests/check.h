/* check: the assertions of hia's C unit tests. Each failed check prints where and what;
   a test program exits 1 when any check failed. */
#ifndef HIA_CHECK_H
#define HIA_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
            check_failures++;                                                                \
        }                                                                                    \
    } while (0)

/* The message contains every one of the given fragments. */
#define CHECK_MSG(msg, ...)                                                                  \
    do {                                                                                     \
        const char *frags_[] = {__VA_ARGS__, NULL};                                          \
        for (const char **f_ = frags_; *f_; f_++) {                                          \
            if (!strstr((msg), *f_)) {                                                       \
                fprintf(stderr, "%s:%d: message lacks '%s': %s\n", __FILE__, __LINE__, *f_,  \
                        (msg));                                                              \
                check_failures++;                                                            \
            }                                                                                \
        }                                                                                    \
    } while (0)

#define CHECK_DONE() (check_failures ? (fprintf(stderr, "%d checks failed\n", check_failures), 1) : 0)

/* Writes text to path; returns 0 on success. */
static inline int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

#endif
