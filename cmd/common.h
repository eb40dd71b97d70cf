/* common.h - what the tools share: diagnostics on stderr, @file expansion,
 * writing the output. */
#ifndef DK_CMD_COMMON_H
#define DK_CMD_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include "dllkit.h"

/* Set once at start-up; used as the prefix of messages without a location. */
extern const char *progname;

/* A sink that prints "LOCATION: error: MESSAGE" lines to stderr. */
dk_sink cli_sink(void);

/* Print an error not tied to a file ("mkdef: error: ..."). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Expand @file arguments (GNU quoting: blanks separate, '...' and "..."
 * quote, backslash escapes the next character; nested @files allowed).
 * Argument 0 is kept.  Files read are appended to *files (for depfiles).
 * Returns false after printing an error.
 */
bool cli_expand_argv(int argc, char **argv, int *out_argc, char ***out_argv,
		     char ***files, size_t *nfiles);
void cli_free_argv(int argc, char **argv);

/* Split "a,b,c" into the list *v (appending). */
bool cli_split_list(const char *arg, char ***v, size_t *n);

/* Write `data` to `path` ("-" or NULL: stdout), atomically and only if changed. */
bool cli_write_output(const char *path, const char *data, size_t len);

/* Write a make rule "target: deps..." to `depfile`. */
bool cli_write_depfile(const char *depfile, const char *target, char **deps, size_t ndeps);
#endif
