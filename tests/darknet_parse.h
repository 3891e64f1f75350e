/* darknet_parse: parse cfg text with Darknet inside a test, turning Darknet's fatal errors
   into a NULL result with the message kept in darknet_msg. */
#ifndef HIA_TEST_DARKNET_PARSE_H
#define HIA_TEST_DARKNET_PARSE_H

#include <darknet.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jmp_buf darknet_jump;
static char darknet_msg[512];

static void darknet_failed(const char *msg)
{
    snprintf(darknet_msg, sizeof(darknet_msg), "%s", msg);
    longjmp(darknet_jump, 1);
}

/* Call once before parse_text. */
static inline void darknet_catch_errors(void)
{
    darknet_set_error_handler(darknet_failed);
}

static inline network *parse_text(const char *text)
{
    char path[] = "/tmp/hia-test-cfg-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    ssize_t written = write(fd, text, strlen(text));
    close(fd);
    network *volatile net = NULL;
    darknet_msg[0] = 0;
    if (written == (ssize_t)strlen(text) && !setjmp(darknet_jump))
        net = parse_network_cfg(path);
    unlink(path);
    return net;
}

#endif
