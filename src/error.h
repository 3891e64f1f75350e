/* error: how failures travel in hia. A function that can fail takes a hia_error *,
   fills it with a message and a status (user error or internal failure) and returns -1;
   only main.c prints the message and exits with the status. */
#ifndef HIA_ERROR_H
#define HIA_ERROR_H

enum { HIA_OK = 0, HIA_EUSER = 1, HIA_EINTERNAL = 2 };

typedef struct hia_error {
    int status;
    char msg[2048];
} hia_error;

/* Sets the error and returns -1, so callers can write `return hia_fail(err, ...)`. */
int hia_fail(hia_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with more context ("while X: <old message>"). */
int hia_wrap(hia_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
