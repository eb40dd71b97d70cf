/* deps.h - dumpexports --deps: the DLLs a program needs and whether it will
 * load (lib/deps.c), shown as a table, JSON, TSV or the paths to ship. */
#ifndef DK_CMD_DEPS_H
#define DK_CMD_DEPS_H
#include "listing.h"

typedef struct deps_opts {
	char **dirs;      /* -L, in order */
	size_t ndirs, capdirs;
	char **system;    /* --system names */
	size_t nsystem, capsystem;
	bool paths;       /* --format paths */
} deps_opts;

/* Add a -L folder; false when out of memory (printed). */
bool deps_add_dir(deps_opts *o, const char *dir);
void deps_opts_free(deps_opts *o);

/* Show the chain of `program` in `format` (or its paths): 0 it will load,
 * 1 it will not, 2 the program or a DLL in its chain could not be read. */
int deps_run(const char *program, const deps_opts *o, listing_format format, dk_sink *s);
#endif
