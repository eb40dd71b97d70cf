/* common.h - what the tools share: diagnostics on stderr, @file expansion,
 * writing the output. */
#ifndef DK_CMD_COMMON_H
#define DK_CMD_COMMON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "dllkit.h"

/* Set once at start-up; used as the prefix of messages without a location. */
extern const char *progname;

/* A sink that prints "LOCATION: error: MESSAGE" lines to stderr. */
dk_sink cli_sink(void);
/* Its printing function, for sinks that also do something else. */
void cli_print_diag(void *ctx, const dk_diag *d);
/* A tool's first call: its name for messages, and no state left from an
 * earlier run in the same process (the fuzz target runs the tools many
 * times; the file a message is about must never outlive its run). */
void cli_start(const char *name);
/* The file that diagnostics the library gives no location are about (the
 * input being read, the output being written), printed in their place;
 * NULL or "-": none, "TOOL: error: ..." as before. */
void cli_subject(const char *path);

/* Print an error not tied to a file ("mkdef: error: ..."). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "FILE: SEVERITY: MESSAGE" ("TOOL: ..." when `file` is NULL; no
 * "SEVERITY: " when it is NULL). */
void cli_message(const char *file, const char *severity, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Names come from untrusted files: every message on standard error is
 * written with control characters (C0, DEL, C1) and bytes that are not
 * valid UTF-8 as \xNN, one per byte.  The listings use the same:
 * cli_put_escaped (table), cli_put_tsv (also \t, \n and \\, reversible),
 * cli_put_json (a JSON string: controls as \u00XX, a byte that is not
 * UTF-8 as the lone surrogate \udcXX; NULL as null).
 * cli_escaped_len: the length cli_put_escaped writes.
 */
void cli_put_escaped(FILE *f, const char *s);
void cli_put_tsv(FILE *f, const char *s);
void cli_put_json(FILE *f, const char *s);
size_t cli_escaped_len(const char *s);

/*
 * Expand @file arguments (GNU quoting: blanks separate, '...' and "..."
 * quote, backslash escapes the next character; nested @files allowed).
 * Argument 0 is kept.  Response files read are added to *files (for depfiles).
 * Returns false after printing an error.
 */
struct cli_deps;
bool cli_expand_argv(int argc, char **argv, int *out_argc, char ***out_argv,
		     struct cli_deps *files);
void cli_free_argv(int argc, char **argv);

/* Split "a,b,c" into the list *v of *n names (appending; *cap allocated). */
bool cli_split_list(const char *arg, char ***v, size_t *n, size_t *cap);

/* Room for one more in a list of strings that grows by doubling: the list,
 * moved or not (`*cap` updated), or NULL when out of memory (`v` kept). */
char **cli_grow_list(char **v, size_t n, size_t *cap);

/*
 * The options that choose what objects and archives export, shared by
 * mkdef and mkimplib.  Their getopt values start at CLI_READ_BASE; put
 * CLI_READ_LONG_OPTIONS into the tool's option table and hand every value
 * to cli_read_option.
 */
enum {
	CLI_READ_BASE = 0x1000,
	CLI_OPT_EXPORT_ALL = CLI_READ_BASE,
	CLI_OPT_EXCLUDE,
	CLI_OPT_EXCLUDE_LIBS,
	CLI_OPT_KEEP_RUNTIME,
	CLI_OPT_DIALECT,
};
#define CLI_READ_LONG_OPTIONS                                                         \
	{ "export-all", no_argument, NULL, CLI_OPT_EXPORT_ALL },                      \
	{ "export-all-symbols", no_argument, NULL, CLI_OPT_EXPORT_ALL },              \
	{ "exclude", required_argument, NULL, CLI_OPT_EXCLUDE },                      \
	{ "exclude-symbols", required_argument, NULL, CLI_OPT_EXCLUDE },              \
	{ "exclude-libs", required_argument, NULL, CLI_OPT_EXCLUDE_LIBS },            \
	{ "keep-runtime-libs", no_argument, NULL, CLI_OPT_KEEP_RUNTIME },             \
	{ "dialect", required_argument, NULL, CLI_OPT_DIALECT }

typedef struct cli_read {
	dk_read_opts read;
	char **exclude, **exclude_libs;
	size_t nexclude, nexclude_libs;
	size_t capexclude, capexclude_libs;
} cli_read;

/* 1: handled; 0: not a reader option; -1: bad (an error was printed). */
int cli_read_option(cli_read *r, int c, const char *arg);
/* Point r->read at the lists gathered. */
void cli_read_finish(cli_read *r);
void cli_read_free(cli_read *r);

/*
 * The options every tool has: 'h' prints `usage`, 'V' the version and the
 * libbfd in use (1: done, exit 0); ':' and anything else getopt refused is
 * a one-line usage error (-1): an unknown option, an ambiguous prefix (with
 * the options it begins, from `longopts`), a value for an option that takes
 * none.  `args` is the argv getopt ran on.
 */
struct option;
int cli_standard_option(int c, const char *usage, char **args, const struct option *longopts);

/* Print a usage error as one line: "TOOL: error: MESSAGE (TOOL --help lists the options)". */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The files a depfile lists: each once, never the output itself. */
typedef struct cli_deps {
	char **v;
	size_t n, cap;
} cli_deps;
bool cli_deps_add(cli_deps *d, const char *path, const char *output);
void cli_deps_free(cli_deps *d);

/*
 * The inputs of a run, each read once (dk_input_read: a pipe or a FIFO
 * works as a file does) and its kind told from the bytes read.  Every
 * input is read, and each one that cannot be read or is of no kind the
 * tools take is reported, so that one run names every bad file; then
 * false.  `v` is in command-line order, for dk_read_inputs_mem.
 */
typedef struct cli_inputs {
	dk_input *v;
	dk_input_kind *kind;
	size_t n;
} cli_inputs;
bool cli_inputs_read(cli_inputs *ins, char *const *paths, size_t n, dk_sink *s);
void cli_inputs_free(cli_inputs *ins);
/* One input read and classified (DK_INPUT_UNREAD: reported; DK_INPUT_OTHER: not). */
dk_input_kind cli_input_read(dk_input *in, const char *path, dk_sink *s);
/* The same with dk_input_open: an image is read only as far as a listing
 * needs (for dk_load_any only). */
dk_input_kind cli_input_open(dk_input *in, const char *path, dk_sink *s);

/*
 * --recover-stdcall: read the i386 image `in` into `m` (as dk_load_any
 * does) and give its --kill-at exports their @N back from
 * the code (dk_image_recover_stdcall).  The exports whose decoration the
 * code does not show are named in one note, or with `explain` each on a
 * line of its own with the reason.  `aliases`: see DK_RECOVER_ALIASES.
 * Another machine is an error.
 */
int cli_load_image_recover(const dk_input *in, bool explain, bool aliases, dk_module *m,
			   dk_sink *s);

/* "a.o, b.o, c.o, ..." for a message about several inputs. */
void cli_name_inputs(char *buf, size_t size, const cli_inputs *ins);
/* ARM64X: read the .def `path` as the native (ARM64) view of `m` (its
 * machine ARM64), noted in `deps` as an input of `output`.  False after
 * printing why. */
bool cli_read_native_def(dk_module *m, const char *path, const char *output, cli_deps *deps,
			 dk_sink *sink);

/*
 * Write `data` to `path` ("-" or NULL: stdout), atomically and only if
 * changed (see dk_write_file), and, when `depfile` is given, a make rule
 * "path: deps..." to it: both land or neither.  A signal in the middle
 * leaves no temporary file.  Errors are printed.
 */
bool cli_write_outputs(const char *path, const char *data, size_t len, const char *depfile,
		       const struct cli_deps *deps);
/* The same with a second file (`path2` may be NULL): all land or none.
 * With `path` standard output, `path2` is written first, on its own. */
bool cli_write_outputs2(const char *path, const char *data, size_t len, const char *path2,
			const char *data2, size_t len2, const char *depfile,
			const struct cli_deps *deps);

/* Write `n` files (at most CLI_MAX_FILES; none "-"), each only if changed:
 * all land or none (dllkit-dlltool's -l, -y, -e and -z together). */
#define CLI_MAX_FILES 6
bool cli_write_files(size_t n, const char *const *paths, const char *const *data,
		     const size_t *lens);

/*
 * Refuse to write over an input, as gcc does: `output` (-o) must not be
 * one of the inputs or response files (rsp), nor `depfile` (-M) one of
 * those, the --merge file or the output; compared as files (device and
 * inode), so that links and other spellings are caught.  `output` may be
 * the --merge file (mkdef rewrites its old .def).  Prints one error.
 */
bool cli_check_outputs(const char *output, const char *depfile, char *const *inputs,
		       size_t ninputs, const struct cli_deps *rsp, const char *merge);

/* Flush standard output; false (the error kept) when a write failed. */
bool cli_flush_stdout(void);
/*
 * What main returns: `status`, or `write_error` when something written to
 * standard output (a listing, --help, --version) was lost; that is said
 * once, on standard error.
 */
int cli_exit_status(int status, int write_error);
#endif
