/* error: how failures travel in hia. A function that can fail takes a hia_error *,
   fills it with a message and a status and returns -1; only main.c prints the message and
   exits with the status. */
#ifndef HIA_ERROR_H
#define HIA_ERROR_H

/* The statuses, which are also hia's exit statuses: a user error (a file, a value), an
   internal failure, a fault of the machine (no space left, an I/O error, a read-only file
   system: nothing of the work is blamed or lost, run again once it is fixed), and a sweep that
   ended with trials failed for good. */
enum { HIA_OK = 0, HIA_EUSER = 1, HIA_EINTERNAL = 2, HIA_EENV = 3, HIA_EFAILED = 4 };

/* A message longer than msg keeps its start and its end around " … " (hia_fail, hia_wrap):
   what a message names first (a file, a trial) and what it says last (the cause, what to
   type) both survive. */
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
