/* dlltool.c - mkimplib answering to GNU dlltool's command line (and to
 * llvm-dlltool's, which is a subset of it): what mkimplib runs when it is
 * called by a name ending in "dlltool" (dllkit-dlltool,
 * x86_64-w64-mingw32-dllkit-dlltool, or a dlltool link in a build's PATH).
 *
 * The options map onto the same library calls mkimplib makes; what only an
 * assembler-based dlltool needs (-S, -f, -t, -C, -n) is accepted and has
 * nothing to do.  Quiet on success: warnings are shown with -v only, since
 * rustc takes any output on dlltool's standard error for a failure. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"
#include "dlltool.h"

static const char usage_text[] =
	"usage: dllkit-dlltool [options] [OBJECT...]\n"
	"Write an import library (GNU dlltool's long format; ARM64EC: the short one),\n"
	"an export object or a .def file, from a .def file or from objects, with GNU\n"
	"dlltool's command line.  dllkit-dlltool(1) lists the differences.\n"
	"\n"
	"  -d, --input-def FILE       the .def file to read\n"
	"  -l, --output-lib FILE      the import library to write\n"
	"  -y, --output-delaylib FILE a delay-load import library to write (functions)\n"
	"  -e, --output-exp FILE      an export object to write\n"
	"  -z, --output-def FILE      a .def file to write (of the objects' exports)\n"
	"  -D, --dllname NAME         the DLL the library imports from\n"
	"  -m, --machine MACHINE      i386, i386:x86-64, arm, arm64 or arm64ec (default:\n"
	"                             the prefix of the tool's name, the objects', x86-64)\n"
	"  -k, --kill-at              import stdcall/fastcall names without their @N\n"
	"  -A, --add-stdcall-alias    objects: export f@N also as f\n"
	"  -U, --add-underscore       import every name with a '_' added\n"
	"      --add-stdcall-underscore  the same for stdcall names only\n"
	"      --no-leading-underscore   i386: C symbols carry no '_' prefix\n"
	"      --leading-underscore   i386: they do (the default)\n"
	"      --export-all-symbols   objects: export every external symbol they define\n"
	"      --no-export-all-symbols  only what their directives export (the default)\n"
	"      --exclude-symbols SYM,...  leave these out\n"
	"      --no-default-excludes  keep the symbols of runtime libraries too\n"
	"  -N FILE                    with -m arm64ec: the native .def of an ARM64X DLL\n"
	"  -I, --identify LIB         print the DLL(s) an import library imports from\n"
	"      --identify-strict      with -I: an error unless there is exactly one\n"
	"      --format short|long    the import library's format (default: long)\n"
	"  -S, -f, -t, -C, -n, --deterministic-libraries: accepted; nothing to do\n"
	"  -v, --verbose              say what is done, and show warnings\n"
	"  -V, --version              show the version\n"
	"  -h, --help                 show this help\n";

enum {
	DT_EXPORT_ALL = 0x2000,
	DT_NO_EXPORT_ALL,
	DT_EXCLUDE,
	DT_NO_DEFAULT_EXCLUDES,
	DT_STDCALL_UNDERSCORE,
	DT_NO_UNDERSCORE,
	DT_UNDERSCORE,
	DT_IDENTIFY_STRICT,
	DT_DETERMINISTIC,
	DT_NUL_PREFIXED,
	DT_FORMAT,
};

static const struct option long_opts[] = {
	{ "input-def", required_argument, NULL, 'd' },
	{ "output-lib", required_argument, NULL, 'l' },
	{ "output-delaylib", required_argument, NULL, 'y' },
	{ "output-exp", required_argument, NULL, 'e' },
	{ "output-def", required_argument, NULL, 'z' },
	{ "dllname", required_argument, NULL, 'D' },
	{ "machine", required_argument, NULL, 'm' },
	{ "kill-at", no_argument, NULL, 'k' },
	{ "add-stdcall-alias", no_argument, NULL, 'A' },
	{ "add-underscore", no_argument, NULL, 'U' },
	{ "add-stdcall-underscore", no_argument, NULL, DT_STDCALL_UNDERSCORE },
	{ "no-leading-underscore", no_argument, NULL, DT_NO_UNDERSCORE },
	{ "leading-underscore", no_argument, NULL, DT_UNDERSCORE },
	{ "export-all-symbols", no_argument, NULL, DT_EXPORT_ALL },
	{ "no-export-all-symbols", no_argument, NULL, DT_NO_EXPORT_ALL },
	{ "exclude-symbols", required_argument, NULL, DT_EXCLUDE },
	{ "no-default-excludes", no_argument, NULL, DT_NO_DEFAULT_EXCLUDES },
	{ "identify", required_argument, NULL, 'I' },
	{ "identify-strict", no_argument, NULL, DT_IDENTIFY_STRICT },
	{ "format", required_argument, NULL, DT_FORMAT },
	{ "as", required_argument, NULL, 'S' },
	{ "as-flags", required_argument, NULL, 'f' },
	{ "temp-prefix", required_argument, NULL, 't' },
	{ "compat-implib", no_argument, NULL, 'C' },
	{ "no-delete", no_argument, NULL, 'n' },
	{ "deterministic-libraries", no_argument, NULL, DT_DETERMINISTIC },
	{ "non-deterministic-libraries", no_argument, NULL, DT_DETERMINISTIC },
	{ "no-idata4", no_argument, NULL, 'x' },
	{ "no-idata5", no_argument, NULL, 'c' },
	{ "use-nul-prefixed-import-tables", no_argument, NULL, DT_NUL_PREFIXED },
	{ "base-file", required_argument, NULL, 'b' },
	{ "ext-prefix-alias", required_argument, NULL, 'p' },
	{ "add-indirect", no_argument, NULL, 'a' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

typedef struct dt_options {
	const char *def, *lib, *delaylib, *exp, *outdef; /* -d, -l, -y, -e, -z */
	const char *dllname, *machine, *identify, *native_def; /* -D, -m, -I, -N */
	dk_machine name_machine; /* the one the tool's name says, or UNKNOWN */
	bool name_bad; /* the name has a prefix that names no machine */
	bool identify_strict, kill_at, stdcall_alias, add_underscore, stdcall_underscore;
	bool no_underscore, underscore, verbose;
	int format; /* -1: the machine's default */
	cli_read in; /* --export-all-symbols, --exclude-symbols, --no-default-excludes */
	char **files; /* objects */
	int nfiles;
} dt_options;

/* The base name of argv[0], less a ".exe". */
static size_t base_name(const char *argv0, const char **base)
{
	const char *b = strrchr(argv0, '/');
	size_t n;

	*base = b ? b + 1 : argv0;
	n = strlen(*base);
	if (n > 4 && strcmp(*base + n - 4, ".exe") == 0)
		n -= 4;
	return n;
}

/* Where "dlltool" last starts in the base name (of length n), or -1.
 * What follows it is ignored: a version (`llvm-dlltool-22`) or a copy's
 * suffix (`dllkit-dlltool.snap`). */
static long dlltool_at(const char *b, size_t n)
{
	long at = -1;

	for (size_t i = 0; i + 7 <= n; i++)
		if (strncmp(b + i, "dlltool", 7) == 0)
			at = (long)i;
	return at;
}

bool dlltool_called(const char *argv0)
{
	const char *b = "";
	size_t n = argv0 ? base_name(argv0, &b) : 0;

	return dlltool_at(b, n) >= 0;
}

/*
 * The machine a target prefix names (x86_64-w64-mingw32-dllkit-dlltool,
 * i686-w64-mingw32-dlltool, aarch64-..., armv7-..., arm64ec-...), as GNU
 * dlltool's prefix picks its default.  UNKNOWN without a prefix; `bad` is
 * set when there is one that names no machine dllkit knows.
 */
static dk_machine machine_of_name(const char *argv0, bool *bad)
{
	const char *b;
	size_t len = base_name(argv0, &b);
	size_t n = (size_t)dlltool_at(b, len); /* before "dlltool" */
	char arch[32];
	size_t k;

	*bad = false;
	if (n >= 7 && strncmp(b + n - 7, "dllkit-", 7) == 0)
		n -= 7;
	if (n == 0)
		return DK_MACHINE_UNKNOWN;
	/* The triple's first part: x86_64, i686, aarch64, armv7, ... */
	k = strcspn(b, "-");
	if (k >= n || k >= sizeof arch) {
		*bad = true;
		return DK_MACHINE_UNKNOWN;
	}
	memcpy(arch, b, k);
	arch[k] = '\0';
	dk_machine m = dk_machine_from_name(arch);
	if (!m && (strncmp(arch, "armv7", 5) == 0 || strncmp(arch, "thumbv7", 7) == 0))
		m = DK_MACHINE_ARMNT;
	if (!m)
		*bad = true;
	return m;
}

/* A sink that prints errors, and warnings and notes only with -v. */
static void quiet_diag(void *ctx, const dk_diag *d)
{
	if (d->severity == DK_ERROR || *(const bool *)ctx)
		cli_print_diag(NULL, d);
}

/* A growable byte buffer (the library's dk_buf is private to it). */
typedef struct dk_buf_lite {
	char *v;
	size_t len, cap;
} dk_buf_lite;

static bool lite_add(dk_buf_lite *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *v = realloc(b->v, cap);
		if (!v)
			return false;
		b->v = v;
		b->cap = cap;
	}
	memcpy(b->v + b->len, s, n);
	b->len += n;
	return true;
}

/* The command line into `o`: 1 to run, 0 when done (--help, --version),
 * -1 after a usage error (printed). */
static int parse_options(int nargs, char **args, dt_options *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(nargs, args, ":d:l:y:e:z:D:m:kAUN:I:S:f:t:Cnxcb:p:avVh", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'd': o->def = optarg; break;
		case 'l': o->lib = optarg; break;
		case 'y': o->delaylib = optarg; break;
		case 'e': o->exp = optarg; break;
		case 'z': o->outdef = optarg; break;
		case 'D': o->dllname = optarg; break;
		case 'm': o->machine = optarg; break;
		case 'k': o->kill_at = true; break;
		case 'A': o->stdcall_alias = true; break;
		case 'U': o->add_underscore = true; break;
		case 'N': o->native_def = optarg; break;
		case 'I': o->identify = optarg; break;
		case 'v': o->verbose = true; break;
		case DT_STDCALL_UNDERSCORE: o->stdcall_underscore = true; break;
		case DT_NO_UNDERSCORE: o->no_underscore = true; o->underscore = false; break;
		case DT_UNDERSCORE: o->underscore = true; o->no_underscore = false; break;
		case DT_IDENTIFY_STRICT: o->identify_strict = true; break;
		case DT_EXPORT_ALL: o->in.read.export_all = true; break;
		case DT_NO_EXPORT_ALL: o->in.read.export_all = false; break;
		case DT_NO_DEFAULT_EXCLUDES: o->in.read.keep_runtime_libs = true; break;
		case DT_EXCLUDE:
			if (cli_read_option(&o->in, CLI_OPT_EXCLUDE, optarg) < 0)
				return -1;
			break;
		case DT_FORMAT:
			if (strcmp(optarg, "short") == 0) {
				o->format = DK_IMPLIB_SHORT;
			} else if (strcmp(optarg, "long") == 0) {
				o->format = DK_IMPLIB_LONG;
			} else {
				cli_usage_error("--format takes short or long, not \"%s\"", optarg);
				return -1;
			}
			break;
		/* What an assembler-based dlltool needs: the assembler, its
		 * flags, temporary files and their names, and the timestamps of
		 * its archives (dllkit's are always deterministic). */
		case 'S': case 'f': case 't': case 'C': case 'n': case DT_DETERMINISTIC:
			break;
		case 'x': case 'c':
			/* GNU dlltool 2.40 then points the import directory entry
			 * at a symbol nothing defines (`hname`, `fthunk`): its own
			 * library does not link (tests/cli/dlltool_cli.sh). */
			cli_usage_error("-%c (--no-idata%c) leaves the end of the import %s table out "
					"of the library, which no linker can then use (GNU dlltool's "
					"does not link either: undefined `%s'); leave the option out",
					c, c == 'x' ? '4' : '5', c == 'x' ? "lookup" : "address",
					c == 'x' ? "hname" : "fthunk");
			return -1;
		case DT_NUL_PREFIXED:
			cli_usage_error("--use-nul-prefixed-import-tables is not supported");
			return -1;
		case 'b':
			cli_usage_error("-b (--base-file) makes the relocations of a DLL linked in "
					"two passes; not supported (link the DLL with its .def)");
			return -1;
		case 'p':
			cli_usage_error("-p (--ext-prefix-alias) is not supported");
			return -1;
		case 'a':
			cli_usage_error("-a (--add-indirect) is not supported");
			return -1;
		default:
			/* -h, -V, and what getopt refused */
			return cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : -1;
		}
	}
	o->files = args + optind;
	o->nfiles = nargs - optind;
	if (o->identify) {
		if (o->def || o->lib || o->delaylib || o->exp || o->outdef || o->nfiles) {
			cli_usage_error("-I (--identify) reads an import library and writes nothing; "
					"give it alone");
			return -1;
		}
		return 1;
	}
	if (o->identify_strict) {
		cli_usage_error("--identify-strict goes with -I LIB");
		return -1;
	}
	if (!o->lib && !o->delaylib && !o->exp && !o->outdef) {
		cli_usage_error("nothing to write: give -l LIB, -y LIB, -e FILE.exp or -z FILE.def "
				"(or -I LIB)");
		return -1;
	}
	if (!o->def && !o->nfiles) {
		cli_usage_error("no exports: give -d FILE.def or objects");
		return -1;
	}
	const char *outs[] = { o->lib, o->delaylib, o->exp, o->outdef };
	const char *names[] = { "-l", "-y", "-e", "-z" };
	for (int i = 0; i < 4; i++) {
		if (!outs[i])
			continue;
		if (strcmp(outs[i], "-") == 0) {
			cli_usage_error("%s needs a file, not standard output", names[i]);
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (outs[j] && strcmp(outs[i], outs[j]) == 0) {
				cli_usage_error("%s and %s name the same file, %s", names[j],
						names[i], outs[i]);
				return -1;
			}
	}
	return 1;
}

/* -I: the DLLs the import library imports from, one a line, in the order
 * of their first import.  0, or 1 after printing why. */
static int identify(const dt_options *o, dk_sink *sink)
{
	dk_input in;
	dk_implib lib;
	dk_loc loc = dk_loc_file(o->identify);
	const char **dlls = NULL;
	size_t n = 0;
	int status = 1;

	memset(&in, 0, sizeof in);
	memset(&lib, 0, sizeof lib);
	dk_input_kind k = cli_input_read(&in, o->identify, sink);
	if (k == DK_INPUT_UNREAD)
		return 1;
	cli_subject(o->identify);
	if (k != DK_INPUT_IMPLIB) {
		dk_report(sink, DK_ERROR, &loc, "is not an import library (%s)",
			  k == DK_INPUT_OTHER ? dk_input_other_reason(in.data, in.len)
					      : dk_input_kind_name(k));
		goto out;
	}
	if (dk_read_implib_mem(&lib, in.data, in.len, o->identify, sink) != DK_OK)
		goto out;
	if (!(dlls = calloc(lib.n ? lib.n : 1, sizeof *dlls))) {
		cli_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < lib.n; i++) {
		size_t j = 0;
		while (j < n && strcmp(dlls[j], lib.v[i].dll) != 0)
			j++;
		if (j == n)
			dlls[n++] = lib.v[i].dll;
	}
	if (n == 0) {
		dk_report(sink, DK_ERROR, &loc, "imports from no DLL");
		goto out;
	}
	if (o->identify_strict && n > 1) {
		dk_report(sink, DK_ERROR, &loc, "imports from %zu DLLs (%s, %s%s); "
			  "--identify-strict wants one", n, dlls[0], dlls[1], n > 2 ? ", ..." : "");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		cli_put_escaped(stdout, dlls[i]);
		putchar('\n');
	}
	status = 0;
out:
	free(dlls);
	dk_implib_free(&lib);
	dk_input_free(&in);
	return status;
}

/* The name the loader is asked for, made from a .def name as dlltool
 * makes it: -U puts a '_' before every name, --add-stdcall-underscore
 * before the stdcall ones (`f@8`); neither before a fastcall `@f@8`.
 * -k then drops a fastcall name's '@' and cuts the name at its first '@'
 * (`f@8`, `f@@8`, `f@` all give `f`), as the library does on i386 and as
 * link.exe and llvm-dlltool undecorate; a C++ name (`?f@@YAXH@Z`) is
 * left whole, since it is what the DLL exports.  NULL when out of memory. */
static char *loader_name(const char *name, const dt_options *o)
{
	bool fast = name[0] == '@';
	bool stdcall = !fast && strchr(name, '@');
	bool under = !fast && (o->add_underscore || (o->stdcall_underscore && stdcall));
	size_t len = strlen(name);
	char *s = malloc(len + 2), *at;

	if (!s)
		return NULL;
	s[0] = '_';
	memcpy(s + under, name, len + 1);
	if (o->kill_at && name[0] != '?') {
		if (fast && s[1])
			memmove(s, s + 1, len);
		if ((at = strchr(s + 1, '@')) != NULL)
			*at = '\0';
	}
	return s;
}

/*
 * The loader names of -U and --add-stdcall-underscore, and of -k on
 * machines other than i386 (the library's kill_at is an i386 matter, as
 * in llvm-dlltool; GNU dlltool applies it everywhere), given to each
 * export as its `==` import name.  Exports that name their import
 * otherwise (`==`, EXPORTAS) or are imported by ordinal keep theirs.
 */
static int loader_names(dk_module *m, const dt_options *o, dk_machine machine)
{
	bool kill = o->kill_at && machine != DK_MACHINE_I386;

	if (!kill && !o->add_underscore && !o->stdcall_underscore)
		return DK_OK;
	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		if (e->import_name || e->export_as || (e->flags & DK_EXPORT_NONAME))
			continue;
		char *s = loader_name(e->name, o);
		if (!s)
			return DK_FAIL;
		if (strcmp(s, e->name) == 0)
			free(s);
		else
			e->import_name = s;
	}
	return DK_OK;
}

/*
 * dlltool's .def grammar is not line-based: `a b` is two exports, and
 * mingw-w64-crt's msvcr80d.def has a line `: mbrtowc ; ...` (':' for ';')
 * that GNU dlltool and llvm-dlltool both read as the exports ":" and
 * "mbrtowc".  The library's parser takes one export a line and refuses
 * that; here such a line is split as dlltool splits it.  Only lines of
 * plain words are touched (no quotes, '=' or lower-case attribute, where
 * the parser's own message is the better one): the first export stays on
 * its line, the others go to an EXPORTS section added at the end, so every
 * other line keeps its number.  Each split line is warned about, -v or
 * not: it is most likely a typo.  *out is NULL when nothing was split.
 */
static bool is_statement(const char *w, size_t n)
{
	static const char *const words[] = { "EXPORTS", "IMPORTS", "SECTIONS", "SEGMENTS",
		"LIBRARY", "NAME", "DESCRIPTION", "VERSION", "HEAPSIZE", "STACKSIZE", "STUB",
		"CODE", "DATA", "EXETYPE" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && strncmp(w, words[i], n) == 0)
			return true;
	return false;
}

static bool word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncmp(w, kw, n) == 0;
}

static bool word_is_any_case(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static bool split_def_lines(const char *text, size_t len, const char *path, dk_sink *sink,
			    char **out, size_t *outlen)
{
	static const char *const attrs[] = { "NONAME", "DATA", "PRIVATE", "CONSTANT" };
	char *copy = malloc(len + 1);
	dk_buf_lite extra = { NULL, 0, 0 };
	bool in_exports = false, ok = true;
	unsigned line = 0;

	*out = NULL;
	if (!copy)
		return false;
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (size_t pos = 0; pos < len;) {
		size_t end = pos, stop;
		const char *w[64];
		size_t wl[64], nw = 0, split = 0;

		while (end < len && text[end] != '\n')
			end++;
		line++;
		stop = pos;
		while (stop < end && text[stop] != ';')
			stop++;
		for (size_t i = pos; i < stop && nw < 64;) {
			while (i < stop && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
				i++;
			if (i == stop)
				break;
			w[nw] = text + i;
			while (i < stop && text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
				i++;
			wl[nw] = (size_t)(text + i - w[nw]);
			nw++;
		}
		if (nw && is_statement(w[0], wl[0])) {
			in_exports = word_is(w[0], wl[0], "EXPORTS");
			nw = 0;
		} else if (nw > 1 && in_exports && nw < 64 && !memchr(text + pos, '=', stop - pos) &&
			   !memchr(text + pos, '"', stop - pos) && !memchr(text + pos, '\'', stop - pos)) {
			/* Attributes and ordinals belong to the export before them;
			 * another word starts an export (dlltool's grammar). */
			for (size_t i = 1; i < nw && !split;) {
				bool attr = false, other_case = false;
				for (size_t a = 0; a < 4; a++) {
					attr |= word_is(w[i], wl[i], attrs[a]);
					other_case |= word_is_any_case(w[i], wl[i], attrs[a]);
				}
				if (other_case && !attr)
					break; /* `data`: the parser says what is wrong */
				if (attr || (w[i][0] == '@' && wl[i] > 1))
					i++;
				else if (wl[i] == 1 && w[i][0] == '@')
					i += 2;
				else if (word_is(w[i], wl[i], "EXPORTAS"))
					i += 2;
				else
					split = i;
			}
		}
		if (split) {
			dk_loc loc = dk_loc_file(path);
			loc.line = line;
			loc.column = (unsigned)(w[split] - (text + pos)) + 1;
			dk_report(sink, DK_WARNING, &loc, "several exports on one line (\"%.*s\" after "
				  "\"%.*s\"); read as dlltool reads them, one export each",
				  (int)wl[split], w[split], (int)wl[0], w[0]);
			if (!extra.len && !lite_add(&extra, "\nEXPORTS\n", 9))
				ok = false;
			/* Each word that starts an export begins a line. */
			for (size_t i = split; i < nw && ok; i++) {
				bool starts = !(word_is(w[i], wl[i], "NONAME") || word_is(w[i], wl[i], "DATA") ||
						word_is(w[i], wl[i], "PRIVATE") ||
						word_is(w[i], wl[i], "CONSTANT") || w[i][0] == '@' ||
						(i > split && (word_is(w[i - 1], wl[i - 1], "EXPORTAS") ||
							       (wl[i - 1] == 1 && w[i - 1][0] == '@'))));
				ok = lite_add(&extra, starts ? "\n    " : " ", starts ? 5 : 1) &&
				     lite_add(&extra, w[i], wl[i]);
			}
			memset(copy + (w[split] - text), ' ', stop - (size_t)(w[split] - text));
		}
		pos = end + 1;
	}
	if (ok && extra.len) {
		size_t n = len + 1 + extra.len + 1;
		if ((*out = malloc(n + 1)) != NULL) {
			memcpy(*out, copy, len);
			(*out)[len] = '\n';
			memcpy(*out + len + 1, extra.v, extra.len);
			(*out)[len + 1 + extra.len] = '\n';
			(*out)[n] = '\0';
			*outlen = n;
		} else
			ok = false;
	}
	free(copy);
	free(extra.v);
	return ok;
}

/* The exports: the .def's, then the objects', as dlltool reads them both.
 * False after printing why. */
static bool read_exports(dt_options *o, cli_deps *deps, dk_input *def, cli_inputs *ins,
			 dk_module *m, dk_sink *sink)
{
	const char *out = o->lib ? o->lib : o->delaylib ? o->delaylib : o->exp ? o->exp : o->outdef;

	if (o->def) {
		dk_input_kind k = cli_input_read(def, o->def, sink);
		dk_loc loc = dk_loc_file(o->def);
		if (k == DK_INPUT_UNREAD)
			return false;
		/* A binary file is named as what it is, not parsed into a
		 * page of complaints; text of any name is read as a .def. */
		if (k == DK_INPUT_OBJECTS || k == DK_INPUT_IMPLIB || k == DK_INPUT_IMAGE ||
		    (k == DK_INPUT_OTHER && memchr(def->data, 0, def->len))) {
			if (k == DK_INPUT_OTHER)
				dk_report(sink, DK_ERROR, &loc, "is not a .def file: %s",
					  dk_input_other_reason(def->data, def->len));
			else
				dk_report(sink, DK_ERROR, &loc, "is not a .def file (%s)",
					  dk_input_kind_name(k));
			return false;
		}
		cli_subject(o->def);
		char *split = NULL;
		size_t splitlen = 0;
		dk_sink count = { NULL, NULL, 0, 0 };
		if (!split_def_lines((const char *)def->data, def->len, o->def, &count, &split,
				     &splitlen))
			goto nomem;
		int rc = split ? dk_def_parse(m, split, splitlen, o->def, sink)
			       : dk_def_parse(m, (const char *)def->data, def->len, o->def, sink);
		free(split);
		if (rc != DK_OK)
			return false;
		if (split) {
			/* Read: now the split lines are said, -v or not (a refused
			 * .def gets its one error line alone). */
			bool *shown = sink->ctx, was = *shown;
			*shown = true;
			split_def_lines((const char *)def->data, def->len, o->def, sink, &split,
					&splitlen);
			*shown = was;
			free(split);
		}
		if (!cli_deps_add(deps, o->def, out))
			goto nomem;
	}
	if (o->nfiles) {
		dk_module objs;
		bool ok = false;

		if (!cli_inputs_read(ins, o->files, (size_t)o->nfiles, sink))
			return false;
		for (int i = 0; i < o->nfiles; i++) {
			if (ins->kind[i] != DK_INPUT_OBJECTS) {
				dk_loc loc = dk_loc_file(o->files[i]);
				dk_report(sink, DK_ERROR, &loc, "is not an object or archive (%s); "
					  "a .def goes with -d", dk_input_kind_name(ins->kind[i]));
				return false;
			}
			if (!cli_deps_add(deps, o->files[i], out))
				goto nomem;
		}
		dk_module_init(&objs);
		cli_subject(NULL);
		cli_read_finish(&o->in);
		if (dk_read_inputs_mem(&objs, ins->v, ins->n, &o->in.read, sink) != DK_OK)
			goto objs_done;
		if (objs.dialect == DK_DIALECT_AUTO)
			objs.dialect = DK_DIALECT_GNU;
		if (dk_module_dedupe(&objs, sink, NULL) != DK_OK ||
		    dk_module_apply_stdcall(&objs, false, o->stdcall_alias, sink) != DK_OK ||
		    dk_module_dedupe(&objs, sink, NULL) != DK_OK)
			goto objs_done;
		if (!m->machine)
			m->machine = objs.machine;
		if (!m->dialect)
			m->dialect = objs.dialect;
		for (size_t i = 0; i < objs.nexports; i++)
			if (!dk_module_add(m, &objs.exports[i])) {
				cli_error("out of memory");
				goto objs_done;
			}
		ok = dk_module_dedupe(m, sink, NULL) == DK_OK;
		dk_module_sort(m);
	objs_done:
		dk_module_free(&objs);
		if (!ok)
			return false;
	}
	return true;
nomem:
	cli_error("out of memory");
	return false;
}

/* -N FILE: the native (ARM64) view of an ARM64X DLL beside the EC one. */
static bool read_native_def(const dt_options *o, dk_machine machine, dk_module *m,
			    cli_deps *deps, dk_sink *sink)
{
	if (machine != DK_MACHINE_ARM64EC) {
		cli_usage_error("-N makes an ARM64X library: give -m arm64ec (not %s)",
				dk_machine_name(machine));
		return false;
	}
	return cli_read_native_def(m, o->native_def, o->lib, deps, sink);
}

static void say(const dt_options *o, const char *what, const char *path, size_t len)
{
	if (o->verbose)
		cli_message(NULL, NULL, "%s %s (%zu bytes)", what, path, len);
}

/* Read and write: 0, or 1 after printing why. */
static int run(dt_options *o, cli_deps *deps, dk_sink *sink)
{
	dk_module m;
	dk_input def;
	cli_inputs ins = { NULL, NULL, 0 };
	dk_implib_opts io;
	dk_machine machine = DK_MACHINE_UNKNOWN;
	char *dll = NULL, *buf[4] = { NULL, NULL, NULL, NULL };
	size_t len[4] = { 0, 0, 0, 0 };
	const char *paths[4];
	const char *data[4];
	size_t lens[4], n = 0;
	int status = 1;

	dk_module_init(&m);
	memset(&def, 0, sizeof def);
	memset(&io, 0, sizeof io);
	{
		const char *outs[] = { o->lib, o->exp, o->outdef, o->delaylib };
		for (int i = 0; i < 4; i++)
			if (outs[i] && (!cli_check_outputs(outs[i], NULL, o->files, (size_t)o->nfiles,
							   deps, NULL) ||
					(o->def && !cli_check_outputs(outs[i], NULL,
								      (char **)&o->def, 1, NULL,
								      NULL)) ||
					(o->native_def &&
					 !cli_check_outputs(outs[i], NULL, (char **)&o->native_def,
							    1, NULL, NULL))))
				goto out;
	}
	if (o->machine) {
		machine = dk_machine_from_name(o->machine);
		if (!machine) {
			cli_usage_error("unknown machine \"%s\": give i386, i386:x86-64, arm, arm64 "
					"or arm64ec", o->machine);
			goto out;
		}
	}
	if (!read_exports(o, deps, &def, &ins, &m, sink))
		goto out;
	if (machine && m.machine && m.machine != machine) {
		dk_loc loc = dk_loc_file(o->files[0]);
		dk_report(sink, DK_ERROR, &loc, "is for %s, but -m says %s",
			  dk_machine_name(m.machine), dk_machine_name(machine));
		goto out;
	}
	if (!machine && !m.machine && o->name_bad) {
		cli_usage_error("the name %s names no machine dllkit knows; give -m", progname);
		goto out;
	}
	if (!machine)
		machine = m.machine ? m.machine : o->name_machine ? o->name_machine
								  : DK_MACHINE_AMD64;
	if (o->underscore && machine != DK_MACHINE_I386) {
		cli_usage_error("--leading-underscore: %s symbols carry no '_' prefix in dllkit",
				dk_machine_name(machine));
		goto out;
	}
	if (o->native_def && !read_native_def(o, machine, &m, deps, sink))
		goto out;
	if (o->dllname) {
		free(m.name);
		if (!(m.name = strdup(o->dllname)))
			goto nomem;
		m.is_exe = false;
		m.has_name_stmt = true;
	}
	{
		dk_loc loc = dk_loc_file(o->def ? o->def : o->files[0]);
		cli_subject(NULL);
		if (dk_module_check(&m, sink, &loc) != DK_OK)
			goto out;
	}
	/* Objects that export nothing are refused (a forgotten dllexport
	 * would give an empty library); a .def that lists nothing says so
	 * itself, and gets its empty library, as from GNU dlltool
	 * (mingw-w64-crt has such .def files). */
	if ((o->lib || o->exp || o->delaylib) && !o->def) {
		size_t imports = 0;
		for (size_t i = 0; i < m.nexports; i++)
			imports += !(m.exports[i].flags & DK_EXPORT_PRIVATE) || !o->lib;
		if (imports == 0) {
			dk_loc loc = dk_loc_file(o->def ? o->def : o->files[0]);
			dk_report(sink, DK_ERROR, &loc, "exports nothing%s: no library written",
				  m.nexports ? " but PRIVATE names" : "");
			goto out;
		}
	}
	/* -z: the exports as read (with -A's aliases), before the loader
	 * names -U and -k give the library. */
	if (o->outdef) {
		cli_subject(o->outdef);
		if (dk_def_write(&m, &buf[2], &len[2], sink) != DK_OK)
			goto out;
	}
	if (o->lib || o->exp || o->delaylib) {
		if (o->dllname)
			dll = strdup(o->dllname);
		else if (m.name && *m.name)
			dll = dk_dll_file_name(m.name, m.is_exe);
		else {
			cli_usage_error("no DLL name: %s; give -D NAME",
					o->def ? "the .def has no LIBRARY line"
					       : "objects do not name their DLL");
			goto out;
		}
		if (!dll || loader_names(&m, o, machine) != DK_OK)
			goto nomem;
		io.machine = machine;
		io.dll_name = dll;
		io.format = o->format >= 0 ? (dk_implib_format)o->format
			    : machine == DK_MACHINE_ARM64EC ? DK_IMPLIB_SHORT : DK_IMPLIB_LONG;
		io.dialect = m.dialect ? m.dialect : DK_DIALECT_GNU;
		io.kill_at = o->kill_at;
		io.no_leading_underscore = o->no_underscore;
		cli_subject(o->lib);
		if (o->lib && dk_implib_write(&m, &io, &buf[0], &len[0], sink) != DK_OK)
			goto out;
		cli_subject(o->exp);
		if (o->exp && dk_exp_write(&m, &io, &buf[1], &len[1], sink) != DK_OK)
			goto out;
		/* -y: the delay-load library of the same imports.  DATA cannot
		 * be delay-loaded: the writer leaves it out with a warning,
		 * shown with -v (mingw-w64-crt's --enable-delay-import-libs
		 * makes 91 such libraries; a link that needs one of them says
		 * which).  With no function at all, as GNU dlltool does for an
		 * empty .def, a library that imports nothing: an archive with no
		 * member, which links as one with a head would. */
		if (o->delaylib) {
			dk_implib_opts dio = io;
			size_t nfunc = 0;
			int rc = DK_OK;
			for (size_t i = 0; i < m.nexports; i++)
				nfunc += !(m.exports[i].flags &
					   (DK_EXPORT_DATA | DK_EXPORT_CONSTANT | DK_EXPORT_PRIVATE));
			dio.format = DK_IMPLIB_DELAY;
			cli_subject(o->delaylib);
			if (nfunc == 0) {
				if (!(buf[3] = strdup("!<arch>\n")))
					goto nomem;
				len[3] = 8;
				if (o->verbose)
					cli_message(o->delaylib, "note",
						    "no function to delay-load: an empty library");
			} else {
				rc = dk_implib_write(&m, &dio, &buf[3], &len[3], sink);
			}
			if (rc != DK_OK)
				goto out;
		}
	}
	{
		const char *outs[] = { o->lib, o->exp, o->outdef, o->delaylib };
		static const char *const what[] = { "import library", "export object",
						     ".def file", "delay-load import library" };
		for (int i = 0; i < 4; i++)
			if (outs[i]) {
				paths[n] = outs[i];
				data[n] = buf[i];
				lens[n++] = len[i];
				say(o, what[i], outs[i], len[i]);
			}
	}
	if (o->verbose)
		cli_message(NULL, NULL, "%zu exports, %s, DLL %s", m.nexports,
			    dk_machine_name(machine), dll ? dll : "(none)");
	if (!cli_write_files(n, paths, data, lens))
		goto out;
	status = 0;
	goto out;
nomem:
	cli_error("out of memory");
out:
	for (int i = 0; i < 4; i++)
		free(buf[i]);
	free(dll);
	dk_module_free(&m);
	dk_input_free(&def);
	cli_inputs_free(&ins);
	return status;
}

int dlltool_main(int argc, char **argv)
{
	dt_options o;
	bool verbose = false;
	dk_sink sink = { quiet_diag, &verbose, 0, 0 };
	char **args = NULL;
	cli_deps deps = { NULL, 0, 0 };
	int nargs = 0, status = 1;
	const char *name;

	base_name(argv[0], &name);
	cli_start(name);
	memset(&o, 0, sizeof o);
	o.format = -1;
	o.name_machine = machine_of_name(argv[0], &o.name_bad);
	if (cli_expand_argv(argc, argv, &nargs, &args, &deps)) {
		int r = parse_options(nargs, args, &o);
		verbose = o.verbose;
		status = r > 0 ? (o.identify ? identify(&o, &sink) : run(&o, &deps, &sink))
			       : r == 0 ? 0 : 1;
	}
	cli_read_free(&o.in);
	cli_deps_free(&deps);
	cli_free_argv(nargs, args);
	return cli_exit_status(status, 1);
}
