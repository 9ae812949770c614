/*
 * Option parsing shared by the testbed guest's workloads. Each defines PROGRAM (its name, for
 * messages) before including this.
 */
#ifndef KEMARI_GUEST_ARGS_H
#define KEMARI_GUEST_ARGS_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The value of a flag that must be a positive integer; a usage error (exit 2) otherwise. */
static long positive(const char *flag, const char *text) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v <= 0) {
        fprintf(stderr, PROGRAM ": %s wants a positive integer, got '%s'\n", flag, text);
        exit(2);
    }
    return v;
}
#endif
