/* common.c - diagnostics, @file response files, output: shared by the tools. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

const char *progname = "dllkit";

void cli_print_diag(void *ctx, const dk_diag *d)
{
	const char *sev = d->severity == DK_ERROR ? "error"
			  : d->severity == DK_WARNING ? "warning" : "note";
	(void)ctx;
	if (!d->loc.file) {
		fprintf(stderr, "%s: %s: %s\n", progname, sev, d->message);
		return;
	}
	fputs(d->loc.file, stderr);
	if (d->loc.member)
		fprintf(stderr, "(%s)", d->loc.member);
	if (d->loc.line) {
		fprintf(stderr, ":%u", d->loc.line);
		if (d->loc.column)
			fprintf(stderr, ":%u", d->loc.column);
	} else if (d->loc.offset >= 0) {
		fprintf(stderr, ":0x%llx", (unsigned long long)d->loc.offset);
	}
	fprintf(stderr, ": %s: %s\n", sev, d->message);
}

dk_sink cli_sink(void)
{
	dk_sink s = { cli_print_diag, NULL, 0, 0 };
	return s;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- @file ---- */

typedef struct argv_vec {
	char **v;
	int n, cap;
} argv_vec;

static bool push_arg(argv_vec *a, char *s)
{
	if (!s)
		return false;
	if (a->n + 1 >= a->cap) {
		int cap = a->cap ? a->cap * 2 : 16;
		char **p = realloc(a->v, (size_t)cap * sizeof *p);
		if (!p) {
			free(s);
			return false;
		}
		a->v = p;
		a->cap = cap;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return true;
}

static bool expand_one(const char *arg, argv_vec *out, int depth, cli_deps *files);

/* Split a response file's text the way GNU tools (libiberty's buildargv) do. */
static bool split_response(const char *path, const char *text, argv_vec *out, int depth,
			   cli_deps *files)
{
	const char *p = text;
	size_t cap = strlen(text) + 1;
	char *word = malloc(cap);

	if (!word)
		return false;
	for (;;) {
		size_t n = 0;
		bool any = false;
		char q = 0;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
			p++;
		if (!*p)
			break;
		for (; *p; p++) {
			if (q) {
				/* As libiberty's buildargv: a backslash escapes the
				 * next character inside either kind of quote too. */
				if (*p == q) {
					q = 0;
				} else if (*p == '\\' && p[1]) {
					word[n++] = *++p;
				} else {
					word[n++] = *p;
				}
				continue;
			}
			if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
			    *p == '\v')
				break;
			any = true;
			if (*p == '\'' || *p == '"') {
				q = *p;
			} else if (*p == '\\' && p[1]) {
				word[n++] = *++p;
			} else {
				word[n++] = *p;
			}
		}
		if (q) {
			cli_error("%s: unterminated %c quote", path, q);
			free(word);
			return false;
		}
		(void)any;
		word[n] = '\0';
		if (!expand_one(word, out, depth + 1, files)) {
			free(word);
			return false;
		}
	}
	free(word);
	return true;
}

/* A response file's read error, said as one: "X: cannot open response
 * file: ...", "X: response file is a directory". */
static void response_diag(void *ctx, const dk_diag *d)
{
	const char *msg = d->message;
	if (strncmp(msg, "cannot open: ", 13) == 0)
		cli_error("%s: cannot open response file: %s", (const char *)ctx, msg + 13);
	else
		cli_error("%s: response file %s", (const char *)ctx, msg);
}

static bool expand_one(const char *arg, argv_vec *out, int depth, cli_deps *files)
{
	dk_sink rs = { response_diag, (void *)(arg + 1), 0, 0 };
	char *text = NULL;
	size_t len = 0;
	bool ok;

	if (arg[0] != '@' || arg[1] == '\0')
		return push_arg(out, strdup(arg));
	if (depth > 32) {
		cli_error("%s: response files nest too deeply (a loop?)", arg + 1);
		return false;
	}
	/* A directory is refused, not read as an empty file. */
	if (dk_read_file(arg + 1, &text, &len, &rs) != DK_OK)
		return false;
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		cli_error("%s: response file contains a NUL byte", arg + 1);
		free(text);
		return false;
	}
	ok = cli_deps_add(files, arg + 1, NULL) &&
	     split_response(arg + 1, text, out, depth, files);
	free(text);
	return ok;
}

bool cli_expand_argv(int argc, char **argv, int *out_argc, char ***out_argv, cli_deps *files)
{
	argv_vec a = { NULL, 0, 0 };

	if (!push_arg(&a, strdup(argv[0])))
		goto fail;
	for (int i = 1; i < argc; i++) {
		/* After "--" an @name is still a response file, as in gcc. */
		if (!expand_one(argv[i], &a, 0, files))
			goto fail;
	}
	*out_argc = a.n;
	*out_argv = a.v;
	return true;
fail:
	cli_free_argv(a.n, a.v);
	return false;
}

void cli_free_argv(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

bool cli_split_list(const char *arg, char ***v, size_t *n)
{
	const char *p = arg;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len) {
			char **nv = realloc(*v, (*n + 1) * sizeof *nv);
			if (!nv)
				return false;
			*v = nv;
			nv[*n] = strndup(p, len);
			if (!nv[(*n)++])
				return false;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

bool cli_write_output(const char *path, const char *data, size_t len)
{
	dk_sink s = cli_sink();

	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_error("cannot write to standard output: %s", strerror(errno));
			return false;
		}
		return true;
	}
	return dk_write_file(path, data, len, true, NULL, &s) == DK_OK;
}

bool cli_write_depfile(const char *depfile, const char *target, const cli_deps *deps)
{
	char *text;
	size_t len;
	bool ok;

	if (dk_depfile_text(target, (const char *const *)deps->v, deps->n, &text, &len) != DK_OK) {
		cli_error("out of memory");
		return false;
	}
	ok = cli_write_output(depfile, text, len);
	free(text);
	return ok;
}

int cli_read_option(cli_read *r, int c, const char *arg)
{
	switch (c) {
	case CLI_OPT_EXPORT_ALL:
		r->read.export_all = true;
		return 1;
	case CLI_OPT_EXCLUDE:
		if (!cli_split_list(arg, &r->exclude, &r->nexclude)) {
			cli_error("out of memory");
			return -1;
		}
		return 1;
	case CLI_OPT_EXCLUDE_LIBS:
		if (!cli_split_list(arg, &r->exclude_libs, &r->nexclude_libs)) {
			cli_error("out of memory");
			return -1;
		}
		return 1;
	case CLI_OPT_KEEP_RUNTIME:
		r->read.keep_runtime_libs = true;
		return 1;
	case CLI_OPT_DIALECT:
		if (strcmp(arg, "gnu") == 0 || strcmp(arg, "mingw") == 0) {
			r->read.dialect = DK_DIALECT_GNU;
		} else if (strcmp(arg, "msvc") == 0) {
			r->read.dialect = DK_DIALECT_MSVC;
		} else {
			cli_usage_error("--dialect takes gnu or msvc, not \"%s\"", arg);
			return -1;
		}
		return 1;
	}
	return 0;
}

void cli_read_finish(cli_read *r)
{
	r->read.exclude = (const char *const *)r->exclude;
	r->read.nexclude = r->nexclude;
	r->read.exclude_libs = (const char *const *)r->exclude_libs;
	r->read.nexclude_libs = r->nexclude_libs;
}

void cli_read_free(cli_read *r)
{
	for (size_t i = 0; i < r->nexclude; i++)
		free(r->exclude[i]);
	free(r->exclude);
	for (size_t i = 0; i < r->nexclude_libs; i++)
		free(r->exclude_libs[i]);
	free(r->exclude_libs);
	memset(r, 0, sizeof *r);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s --help lists the options)\n", progname);
}

bool cli_deps_add(cli_deps *d, const char *path, const char *output)
{
	char **nv;

	if (output && strcmp(path, output) == 0)
		return true;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i], path) == 0)
			return true;
	nv = realloc(d->v, (d->n + 1) * sizeof *nv);
	if (!nv)
		return false;
	d->v = nv;
	nv[d->n] = strdup(path);
	return nv[d->n++] != NULL;
}

void cli_deps_free(cli_deps *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

int cli_standard_option(int c, const char *usage, char **args)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		return 1;
	case 'V':
		printf("%s (dllkit) %s\nbuilt with %s (%s ARM64 COFF)\n", progname, DK_VERSION,
		       dk_bfd_flavor(), dk_bfd_reads_arm64() ? "reads" : "does not read");
		return 1;
	case ':':
		cli_usage_error("option %s needs an argument", args[optind - 1]);
		return -1;
	default:
		cli_usage_error("unknown option %s", args[optind - 1]);
		return -1;
	}
}

