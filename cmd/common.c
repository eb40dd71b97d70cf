/* common.c - diagnostics, @file response files, output: shared by the tools. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common.h"

const char *progname = "dllkit";

/* The file the library's diagnostics without a location are about. */
static const char *subject;

/* Standard output: the first error seen, and whether it was reported. */
static int stdout_errno;
static bool stdout_reported;

void cli_start(const char *name)
{
	progname = name;
	subject = NULL;
	stdout_errno = 0;
	stdout_reported = false;
}

void cli_subject(const char *path)
{
	subject = path && strcmp(path, "-") != 0 ? path : NULL;
}

/* ---- escaping what untrusted files say ---- */

/* The length (1-4) of the valid UTF-8 sequence at `s` and its code point
 * (*cp), or 0 (also at the terminating NUL). */
static int utf8_seq(const char *s, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long v, min;
	int n;

	if (p[0] < 0x80) {
		*cp = p[0];
		return p[0] ? 1 : 0;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, v = p[0] & 0x1f, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, v = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, v = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/*
 * Write `s` to `f` with what a terminal would act on escaped: control
 * characters (C0, DEL and the C1 range U+0080..U+009F, whose UTF-8 bytes
 * are written out) and every byte that is not part of valid UTF-8 become
 * \xNN, one per byte.  `tsv` also writes tab, newline and backslash as
 * \t, \n and \\ (a TSV field), which makes the escaping reversible.
 */
static void put_escaped(FILE *f, const char *s, bool tsv)
{
	static const char hex[] = "0123456789abcdef";

	while (*s) {
		unsigned char c = (unsigned char)*s;
		unsigned long cp;
		size_t run = 0;
		int n;

		/* Printable ASCII, most names' every byte, in one write. */
		while ((unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f &&
		       !(tsv && s[run] == '\\'))
			run++;
		if (run) {
			fwrite_unlocked(s, 1, run, f);
			s += run;
			continue;
		}
		if (tsv && c == '\\') {
			fputs_unlocked("\\\\", f);
			s++;
			continue;
		}
		if (tsv && (c == '\t' || c == '\n')) {
			fputs_unlocked(c == '\t' ? "\\t" : "\\n", f);
			s++;
			continue;
		}
		n = c >= 0x80 ? utf8_seq(s, &cp) : 0;
		if (n > 0 && cp > 0x9f) {
			fwrite_unlocked(s, 1, (size_t)n, f);
			s += n;
			continue;
		}
		for (int i = 0; i < (n > 0 ? n : 1); i++, s++) {
			putc_unlocked('\\', f);
			putc_unlocked('x', f);
			putc_unlocked(hex[(unsigned char)*s >> 4], f);
			putc_unlocked(hex[(unsigned char)*s & 15], f);
		}
	}
}

void cli_put_escaped(FILE *f, const char *s)
{
	if (s)
		put_escaped(f, s, false);
}

void cli_put_tsv(FILE *f, const char *s)
{
	if (s)
		put_escaped(f, s, true);
}

/*
 * A JSON string (NULL: null).  Valid UTF-8 is kept, with the control characters (C0,
 * DEL, C1) as \u00XX escapes of themselves; a byte that is not part of
 * valid UTF-8 becomes the lone surrogate \udcXX (U+DC80..U+DCFF, byte
 * 0x80..0xFF), as Python's "surrogateescape" error handler decodes it, so
 * the bytes come back exactly (name.encode("utf-8", "surrogateescape")) and
 * byte 0xFF is no longer written like a real U+00FF ("\u00ff").
 */
void cli_put_json(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (!s) {
		fputs_unlocked("null", f);
		return;
	}
	putc_unlocked('"', f);
	while (*s) {
		unsigned char c = (unsigned char)*s;
		unsigned long cp;
		size_t run = 0;
		int n;

		/* Printable ASCII but the quote and the backslash, in one write. */
		while ((unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7f &&
		       s[run] != '"' && s[run] != '\\')
			run++;
		if (run) {
			fwrite_unlocked(s, 1, run, f);
			s += run;
			continue;
		}
		n = utf8_seq(s, &cp);
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
			s++;
		} else if (n == 0) {
			fputs_unlocked("\\udc", f);
			putc_unlocked(hex[c >> 4], f);
			putc_unlocked(hex[c & 15], f);
			s++;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			fputs_unlocked("\\u00", f);
			putc_unlocked(hex[cp >> 4], f);
			putc_unlocked(hex[cp & 15], f);
			s += n;
		} else {
			fwrite_unlocked(s, 1, (size_t)n, f);
			s += n;
		}
	}
	putc_unlocked('"', f);
}

size_t cli_escaped_len(const char *s)
{
	size_t n = 0;

	while (s && *s) {
		unsigned char c = (unsigned char)*s;
		unsigned long cp;
		int k = c >= 0x80 ? utf8_seq(s, &cp) : 0;
		if (c >= 0x20 && c < 0x7f) {
			n++, s++;
		} else if (k > 0 && cp > 0x9f) {
			n += (size_t)k, s += k;
		} else {
			k = k > 0 ? k : 1;
			n += 4 * (size_t)k, s += k;
		}
	}
	return n;
}

/* "FILE: SEVERITY: MESSAGE" (or "TOOL: ..."), escaped, on standard error:
 * put together in memory and written at once (stderr is unbuffered).
 * `tail` follows the message unescaped (the usage hint). */
static void print_line(const char *file, const char *member, const dk_loc *loc, const char *sev,
		       const char *msg, const char *tail)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	FILE *f = m ? m : stderr;

	cli_put_escaped(f, file ? file : progname);
	if (member) {
		fputc('(', f);
		cli_put_escaped(f, member);
		fputc(')', f);
	}
	if (loc && loc->line) {
		fprintf(f, ":%u", loc->line);
		if (loc->column)
			fprintf(f, ":%u", loc->column);
	} else if (loc && loc->offset >= 0) {
		fprintf(f, ":0x%llx", (unsigned long long)loc->offset);
	}
	if (sev)
		fprintf(f, ": %s: ", sev);
	else
		fputs(": ", f);
	cli_put_escaped(f, msg);
	if (tail)
		fputs(tail, f);
	fputc('\n', f);
	if (m && fclose(m) == 0)
		fwrite(buf, 1, len, stderr);
	free(buf);
}

void cli_print_diag(void *ctx, const dk_diag *d)
{
	const char *sev = d->severity == DK_ERROR ? "error"
			  : d->severity == DK_WARNING ? "warning" : "note";
	(void)ctx;
	if (!d->loc.file)
		print_line(subject, NULL, NULL, sev, d->message, NULL);
	else
		print_line(d->loc.file, d->loc.member, &d->loc, sev, d->message, NULL);
}

dk_sink cli_sink(void)
{
	dk_sink s = { cli_print_diag, NULL, 0, 0 };
	return s;
}

/* Format into a buffer of its own (messages can hold long names), then print. */
static void vmessage(const char *file, const char *sev, const char *fmt, va_list ap,
		     const char *tail)
{
	char small[512], *msg = small;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap);
	if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	else if (n >= (int)sizeof small)
		msg = small; /* out of memory: the message cut short */
	va_end(ap2);
	if (n < 0)
		snprintf(small, sizeof small, "%s", fmt);
	print_line(file, NULL, NULL, sev, msg, tail);
	if (msg != small)
		free(msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(NULL, "error", fmt, ap, NULL);
	va_end(ap);
}

void cli_message(const char *file, const char *severity, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(file, severity, fmt, ap, NULL);
	va_end(ap);
}

/* ---- @file ---- */

/*
 * Limits: response files may name response files, and one named twice is
 * read twice, so 25 small files that each name the next twice would give
 * 2^24 arguments.  GNU tools (libiberty's expandargv) stop after 2,000
 * response files; so does this, and at 32 levels of nesting, at a file that
 * names itself, and at a million arguments or 256 MiB of them.
 */
enum {
	RSP_MAX_DEPTH = 32,
	RSP_MAX_FILES = 2000,
	RSP_MAX_ARGS = 1000000,
};
#define RSP_MAX_BYTES ((size_t)256 << 20)

typedef struct argv_vec {
	char **v;
	int n, cap;
	size_t bytes;
} argv_vec;

/* The response files being expanded, outermost first, and the totals. */
typedef struct expansion {
	argv_vec *out;
	cli_deps *files;
	int nfiles;
	int depth;
	struct {
		const char *path;
		dev_t dev;
		ino_t ino;
	} open[RSP_MAX_DEPTH + 1];
} expansion;

/* `from`: the response file the argument comes from, NULL for the command line. */
static bool push_arg(expansion *x, const char *arg, const char *from)
{
	argv_vec *a = x->out;
	size_t len = strlen(arg);
	char *s;

	if (a->n >= RSP_MAX_ARGS || len > RSP_MAX_BYTES - a->bytes) {
		cli_error("%s: more than %d arguments, or %zu MiB of them, after expanding "
			  "response files", from ? from : "command line", RSP_MAX_ARGS,
			  RSP_MAX_BYTES >> 20);
		return false;
	}
	if (a->n + 1 >= a->cap) {
		int cap = a->cap ? a->cap * 2 : 16;
		char **p = realloc(a->v, (size_t)cap * sizeof *p);
		if (!p)
			goto nomem;
		a->v = p;
		a->cap = cap;
	}
	if (!(s = strdup(arg)))
		goto nomem;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	a->bytes += len;
	return true;
nomem:
	cli_error("%s: out of memory", from ? from : "command line");
	return false;
}

static bool expand_one(expansion *x, const char *arg, const char *from);

/* Split a response file's text the way GNU tools (libiberty's buildargv) do. */
static bool split_response(expansion *x, const char *path, const char *text)
{
	const char *p = text;
	size_t cap = strlen(text) + 1;
	char *word = malloc(cap);

	if (!word) {
		cli_error("%s: out of memory", path);
		return false;
	}
	for (;;) {
		size_t n = 0;
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
		word[n] = '\0';
		if (!expand_one(x, word, path)) {
			free(word);
			return false;
		}
	}
	free(word);
	return true;
}

/* "a.rsp -> b.rsp -> a.rsp": how a response file came to name itself. */
static void say_loop(const expansion *x, int from, const char *path)
{
	char chain[512];
	size_t at = 0;

	chain[0] = '\0';
	for (int i = from; i < x->depth && at < sizeof chain; i++)
		at += (size_t)snprintf(chain + at, sizeof chain - at, "%s -> ", x->open[i].path);
	if (at < sizeof chain)
		snprintf(chain + at, sizeof chain - at, "%s", path);
	cli_error("%s: a response file that names itself (%s)", path, chain);
}

static bool expand_one(expansion *x, const char *arg, const char *from)
{
	const char *path = arg + 1;
	struct stat st;
	FILE *f;
	char *text = NULL;
	size_t len = 0, cap = 0;
	bool ok;

	if (arg[0] != '@' || arg[1] == '\0')
		return push_arg(x, arg, from);
	if (x->depth >= RSP_MAX_DEPTH) {
		cli_error("%s: response files nest more than %d deep", path, RSP_MAX_DEPTH);
		return false;
	}
	if (++x->nfiles > RSP_MAX_FILES) {
		cli_error("%s: more than %d response files read (%s names it; response files "
			  "that name others more than once multiply)",
			  path, RSP_MAX_FILES, from ? from : "the command line");
		return false;
	}
	f = fopen(path, "rb");
	if (!f) {
		cli_error("%s: cannot open response file: %s", path, strerror(errno));
		return false;
	}
	if (fstat(fileno(f), &st) == 0) {
		/* A directory is refused, not read as an empty file. */
		if (S_ISDIR(st.st_mode)) {
			cli_error("%s: response file is a directory", path);
			fclose(f);
			return false;
		}
		for (int i = 0; i < x->depth; i++)
			if (x->open[i].dev == st.st_dev && x->open[i].ino == st.st_ino &&
			    S_ISREG(st.st_mode)) {
				say_loop(x, i, path);
				fclose(f);
				return false;
			}
	} else {
		memset(&st, 0, sizeof st);
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *p;
			cap = cap ? cap * 2 : 8192;
			p = cap <= RSP_MAX_BYTES + 8192 ? realloc(text, cap) : NULL;
			if (!p) {
				free(text);
				fclose(f);
				if (cap > RSP_MAX_BYTES + 8192)
					cli_error("%s: response file larger than %zu MiB", path,
						  RSP_MAX_BYTES >> 20);
				else
					cli_error("%s: out of memory reading the response file", path);
				return false;
			}
			text = p;
		}
		size_t n = fread(text + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	fclose(f);
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		cli_error("%s: response file contains a NUL byte", path);
		free(text);
		return false;
	}
	x->open[x->depth].path = path;
	x->open[x->depth].dev = st.st_dev;
	x->open[x->depth].ino = st.st_ino;
	x->depth++;
	ok = cli_deps_add(x->files, path, NULL);
	if (!ok)
		cli_error("%s: out of memory", path);
	ok = ok && split_response(x, path, text);
	x->depth--;
	free(text);
	return ok;
}

bool cli_expand_argv(int argc, char **argv, int *out_argc, char ***out_argv, cli_deps *files)
{
	argv_vec a = { NULL, 0, 0, 0 };
	expansion x;

	memset(&x, 0, sizeof x);
	x.out = &a;
	x.files = files;
	if (!push_arg(&x, argv[0], NULL))
		goto fail;
	for (int i = 1; i < argc; i++) {
		/* After "--" an @name is still a response file, as in gcc. */
		if (!expand_one(&x, argv[i], NULL))
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

/* Room for one more in a list that grows by doubling (one realloc per
 * element is quadratic under ASan and valgrind, which copy every time). */
char **cli_grow_list(char **v, size_t n, size_t *cap)
{
	size_t ncap;
	char **p;

	if (v && n < *cap)
		return v;
	ncap = v && *cap >= 8 ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / sizeof *v || ncap <= n)
		return NULL;
	p = realloc(v, ncap * sizeof *v);
	if (p)
		*cap = ncap;
	return p;
}

bool cli_split_list(const char *arg, char ***v, size_t *n, size_t *cap)
{
	const char *p = arg;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len) {
			char **nv = cli_grow_list(*v, *n, cap);
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

/* ---- output ---- */

/*
 * The outputs being written, for the signal handler: SIGINT, SIGTERM,
 * SIGHUP (and SIGPIPE, SIGXFSZ) in the middle of a write remove the
 * temporary files (and put back what a commit already replaced), then end
 * the process by the same signal, as it would have ended without us.
 */
static dk_output *pending;
static volatile sig_atomic_t npending;

static void on_fatal_signal(int sig)
{
	int e = errno;
	if (pending)
		dk_output_cleanup(pending, (size_t)npending);
	errno = e;
	/* SA_RESETHAND restored the default action; the signal is blocked
	 * until this handler returns, and then ends the process. */
	raise(sig);
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ };
	static bool done;
	struct sigaction sa, old;

	if (done)
		return;
	done = true;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		/* A signal ignored from the start (nohup, a background job)
		 * stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

bool cli_flush_stdout(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return true;
	if (!stdout_errno)
		stdout_errno = errno;
	return false;
}

int cli_exit_status(int status, int write_error)
{
	if (cli_flush_stdout())
		return status;
	if (!stdout_reported) {
		if (stdout_errno)
			cli_error("cannot write to standard output: %s", strerror(stdout_errno));
		else
			cli_error("cannot write to standard output");
	}
	return write_error;
}

bool cli_write_outputs(const char *path, const char *data, size_t len, const char *depfile,
		       const cli_deps *deps)
{
	return cli_write_outputs2(path, data, len, NULL, NULL, 0, depfile, deps);
}

bool cli_write_outputs2(const char *path, const char *data, size_t len, const char *path2,
			const char *data2, size_t len2, const char *depfile, const cli_deps *deps)
{
	char *dep = NULL;
	size_t deplen = 0;
	bool ok = false;

	if (!path || strcmp(path, "-") == 0) {
		if (path2 && !cli_write_outputs2(path2, data2, len2, NULL, NULL, 0, NULL, NULL))
			return false;
		if (fwrite(data, 1, len, stdout) != len || !cli_flush_stdout()) {
			if (!stdout_errno)
				stdout_errno = errno;
			cli_error("cannot write to standard output: %s", strerror(stdout_errno));
			stdout_reported = true;
			return false;
		}
		return true;
	}
	if (depfile && dk_depfile_text(path, (const char *const *)deps->v, deps->n, &dep,
				       &deplen) != DK_OK) {
		cli_error("%s: out of memory", depfile);
		return false;
	}
	{
		const char *paths[3] = { path }, *bytes[3] = { data };
		size_t lens[3] = { len }, n = 1;
		if (path2)
			paths[n] = path2, bytes[n] = data2, lens[n++] = len2;
		if (depfile)
			paths[n] = depfile, bytes[n] = dep, lens[n++] = deplen;
		ok = cli_write_files(n, paths, bytes, lens);
	}
	free(dep);
	return ok;
}

bool cli_write_files(size_t n, const char *const *paths, const char *const *data,
		     const size_t *lens)
{
	dk_sink s = cli_sink();
	dk_output out[CLI_MAX_FILES];
	bool ok = false;

	if (n == 0 || n > CLI_MAX_FILES)
		return n == 0;
	memset(out, 0, sizeof out);
	pending = out;
	catch_fatal_signals();
	npending = 0;
	for (size_t i = 0; i < n; i++) {
		npending++;
		if (dk_output_prepare(&out[i], paths[i], data[i], lens[i], true, &s) != DK_OK)
			goto done;
	}
	ok = dk_output_commit(out, (size_t)npending, &s) == DK_OK;
done:
	dk_output_free(out, (size_t)npending);
	npending = 0;
	pending = NULL;
	return ok;
}

/* A regular file's identity (device and inode), when `path` names one. */
static bool regular_file(const char *path, struct stat *st)
{
	return path && strcmp(path, "-") != 0 && stat(path, st) == 0 && S_ISREG(st->st_mode);
}

/* Does `path` (a `what`) name the file `out` names?  Says so when it does. */
static bool same_file(const char *path, const char *what, const struct stat *out,
		      const char *opt, const char *outpath)
{
	struct stat st;
	dk_sink s = cli_sink();
	dk_loc loc = dk_loc_file(path);

	if (!regular_file(path, &st) || st.st_dev != out->st_dev || st.st_ino != out->st_ino)
		return false;
	dk_report(&s, DK_ERROR, &loc, "%s is the same as %s (%s %s)", what,
		  strcmp(opt, "-o") == 0 ? "output file" : "depfile", opt, outpath);
	return true;
}

bool cli_check_outputs(const char *output, const char *depfile, char *const *inputs,
		       size_t ninputs, const cli_deps *rsp, const char *merge)
{
	struct stat st;

	if (regular_file(output, &st)) {
		for (size_t i = 0; i < ninputs; i++)
			if (same_file(inputs[i], "input file", &st, "-o", output))
				return false;
		for (size_t i = 0; rsp && i < rsp->n; i++)
			if (same_file(rsp->v[i], "response file", &st, "-o", output))
				return false;
	}
	if (regular_file(depfile, &st)) {
		for (size_t i = 0; i < ninputs; i++)
			if (same_file(inputs[i], "input file", &st, "-M", depfile))
				return false;
		for (size_t i = 0; rsp && i < rsp->n; i++)
			if (same_file(rsp->v[i], "response file", &st, "-M", depfile))
				return false;
		if (same_file(merge, "--merge file", &st, "-M", depfile) ||
		    same_file(output, "output file", &st, "-M", depfile))
			return false;
	}
	return true;
}

int cli_read_option(cli_read *r, int c, const char *arg)
{
	switch (c) {
	case CLI_OPT_EXPORT_ALL:
		r->read.export_all = true;
		return 1;
	case CLI_OPT_EXCLUDE:
		if (!cli_split_list(arg, &r->exclude, &r->nexclude, &r->capexclude)) {
			cli_error("out of memory");
			return -1;
		}
		return 1;
	case CLI_OPT_EXCLUDE_LIBS:
		if (!cli_split_list(arg, &r->exclude_libs, &r->nexclude_libs, &r->capexclude_libs)) {
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
	char tail[64];
	va_list ap;

	snprintf(tail, sizeof tail, " (%s --help lists the options)", progname);
	va_start(ap, fmt);
	vmessage(NULL, "error", fmt, ap, tail);
	va_end(ap);
}

bool cli_deps_add(cli_deps *d, const char *path, const char *output)
{
	char **nv;

	if (output && strcmp(path, output) == 0)
		return true;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i], path) == 0)
			return true;
	nv = cli_grow_list(d->v, d->n, &d->cap);
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
	d->n = d->cap = 0;
}

/* "--name" of a long option as typed, without any "=value". */
static int typed_len(const char *arg)
{
	return (int)strcspn(arg, "=");
}

/*
 * getopt_long returns '?' for an unknown option, an ambiguous prefix and a
 * long option given a value it does not take: tell them apart from the
 * option table (optopt is 0 for the first two, the option's value for the
 * third and for an unknown short option).
 */
static void option_refused(char **args, const struct option *longopts)
{
	const char *arg = args[optind - 1];
	bool is_long = strncmp(arg, "--", 2) == 0 && arg[2];

	if (optopt == 0 && is_long) {
		const char *name = arg + 2;
		size_t len = strcspn(name, "="), shown = 0;
		char list[600];
		int n = 0, total = 0;

		for (const struct option *o = longopts; o && o->name; o++)
			total += strncmp(o->name, name, len) == 0;
		list[0] = '\0';
		for (const struct option *o = longopts; o && o->name; o++) {
			if (strncmp(o->name, name, len) != 0)
				continue;
			n++;
			if (shown < sizeof list)
				shown += (size_t)snprintf(list + shown, sizeof list - shown, "%s--%s",
							  n == 1 ? "" : n == total ? " or " : ", ",
							  o->name);
		}
		if (n > 1)
			cli_usage_error("option --%.*s is ambiguous: it could be %s", (int)len, name,
					list);
		else
			cli_usage_error("unknown option --%.*s", (int)len, name);
		return;
	}
	if (is_long && strchr(arg, '=')) {
		/* --name=value where --name takes none (optopt: its value) */
		const char *name = arg + 2;
		size_t len = strcspn(name, "=");
		for (const struct option *o = longopts; o && o->name; o++)
			if (strncmp(o->name, name, len) == 0 && o->has_arg == no_argument &&
			    !o->flag && o->val == optopt) {
				cli_usage_error("option --%s takes no argument (given \"%s\")", o->name,
						name + len + 1);
				return;
			}
	}
	/* An unknown short option: optind may still point at its cluster. */
	if (optopt > 0 && optopt < 256)
		cli_usage_error("unknown option -%c", optopt);
	else
		cli_usage_error("unknown option %.*s", typed_len(arg), arg);
}

int cli_standard_option(int c, const char *usage, char **args, const struct option *longopts)
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
		/* The option is the last argument: a long one as typed, a short
		 * one perhaps at the end of a cluster (-ko). */
		if (strncmp(args[optind - 1], "--", 2) == 0) {
			const char *typed = args[optind - 1] + 2;
			const char *full = NULL;
			for (const struct option *o = longopts; o && o->name; o++)
				if (strcmp(o->name, typed) == 0 || (!full && strncmp(o->name, typed,
										  strlen(typed)) == 0 &&
								      !o->flag && o->val == optopt))
					full = o->name;
			if (full && strcmp(full, typed) != 0)
				cli_usage_error("option --%s (--%s) needs an argument", typed, full);
			else
				cli_usage_error("option --%s needs an argument", typed);
		} else
			cli_usage_error("option -%c needs an argument", optopt);
		return -1;
	default:
		option_refused(args, longopts);
		return -1;
	}
}
