/* dumpexports - show what a DLL, import library, object or .def exports. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libiberty/demangle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static const char usage_text[] =
	"usage: dumpexports [options] FILE...\n"
	"       dumpexports --diff OLD NEW\n"
	"       dumpexports --check FILE.def BINARY\n"
	"Show what FILEs export: PE images (DLL, EXE), import libraries, COFF objects\n"
	"and archives (their dllexport directives), and .def files.\n"
	"\n"
	"  -f, --format FORMAT      table (default), def, json or tsv\n"
	"  -C, --demangle           show C++ names demangled (Itanium); MSVC names are\n"
	"                           kept and marked\n"
	"      --dll NAME           with an import library naming several DLLs, the one\n"
	"                           to show (for --format def, --diff, --check)\n"
	"      --diff OLD NEW       what NEW adds, removes or changes (ordinal, NONAME,\n"
	"                           code/data, forward target); exit 1 when anything differs\n"
	"      --check DEF BINARY   does BINARY export what DEF says? exit 1 when not\n"
	"      --ignore-kind        with --diff/--check, do not compare code and data\n"
	"      --ordinals           with --diff/--check, every changed ordinal is a\n"
	"                           difference (by default only those a client can\n"
	"                           have bound to: NONAME, or pinned by the old .def)\n"
	"      --export-all, --exclude SYM,..., --exclude-libs LIB,..., --dialect gnu|msvc\n"
	"                           for objects and archives: as in mkdef(1)\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n";

enum { OPT_DLL = 256, OPT_DIFF, OPT_CHECK, OPT_IGNORE_KIND, OPT_ORDINALS };

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "demangle", no_argument, NULL, 'C' },
	{ "dll", required_argument, NULL, OPT_DLL },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "ignore-kind", no_argument, NULL, OPT_IGNORE_KIND },
	{ "ordinals", no_argument, NULL, OPT_ORDINALS },
	CLI_READ_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

typedef enum fmt { F_TABLE, F_DEF, F_JSON, F_TSV } fmt;

typedef struct opts {
	fmt format;
	bool demangle, ignore_kind, all_ordinals;
	const char *dll;
	cli_read in;
} opts;

/* One input, read. */
typedef struct input {
	const char *path;
	dk_input_kind kind;
	dk_module m;   /* image, objects, .def */
	dk_image img;  /* image */
	dk_implib lib; /* import library */
	dk_input bytes;
} input;

static void input_free(input *in)
{
	dk_input_free(&in->bytes);
	dk_module_free(&in->m);
	dk_image_free(&in->img);
	dk_implib_free(&in->lib);
}

static int cmp_entry(const void *a, const void *b)
{
	const dk_implib_entry *x = a, *y = b;
	int c = strcmp(x->dll, y->dll);
	if (c)
		return c;
	if (x->by_ordinal != y->by_ordinal)
		return x->by_ordinal ? 1 : -1;
	if (x->by_ordinal)
		return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
	c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->symbol, y->symbol);
}

/* Diagnostics are printed as usual; the first error of the current file is
 * kept for its JSON entry. */
typedef struct capture {
	char first[1024];
} capture;

static void capture_diag(void *ctx, const dk_diag *d)
{
	capture *c = ctx;
	cli_print_diag(NULL, d);
	if (d->severity == DK_ERROR && !c->first[0]) {
		if (d->loc.member)
			snprintf(c->first, sizeof c->first, "%s(%s): %s", d->loc.file ? d->loc.file : "",
				 d->loc.member, d->message);
		else
			snprintf(c->first, sizeof c->first, "%s", d->message);
	}
}

static int input_read(input *in, const char *path, const opts *o, dk_sink *s)
{
	memset(in, 0, sizeof *in);
	dk_module_init(&in->m);
	in->path = path;
	cli_subject(path); /* what the library says without a location is about it */
	in->kind = cli_input_read(&in->bytes, path, s); /* read once */
	if (in->kind == DK_INPUT_IMPLIB) {
		if (dk_read_implib_mem(&in->lib, in->bytes.data, in->bytes.len, path, s) != DK_OK)
			return DK_FAIL;
		/* Listed by DLL and name, whatever order the archive has. */
		if (in->lib.n > 1)
			qsort(in->lib.v, in->lib.n, sizeof *in->lib.v, cmp_entry);
		return DK_OK;
	}
	if (dk_load_any(&in->m, &in->bytes, in->kind, o->dll, &o->in.read, &in->img, s) != DK_OK)
		return DK_FAIL;
	if (in->kind == DK_INPUT_OBJECTS)
		dk_module_sort(&in->m); /* as mkdef writes them; a .def keeps its order */
	return DK_OK;
}

/* ---- names ---- */

/* The demangled form of an Itanium name (malloc'd), or NULL. */
static char *demangled(const char *name)
{
	if (!name)
		return NULL;
	/* i386 MinGW exports keep one '_' of `__Z...`: `_Z...` either way. */
	if (name[0] == '_' && name[1] == 'Z')
		return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI | DMGL_VERBOSE); /* as c++filt */
	return NULL;
}

static bool is_msvc_cpp(const char *name)
{
	return name && name[0] == '?';
}

/* The name as shown: demangled with -C, MSVC names marked. malloc'd. */
static char *shown_name(const char *name, const opts *o)
{
	char *d = o->demangle ? demangled(name) : NULL;
	char *r;

	if (d)
		return d;
	if (o->demangle && is_msvc_cpp(name)) {
		r = malloc(strlen(name) + 32);
		if (r)
			sprintf(r, "%s  [MSVC C++]", name);
		return r;
	}
	return strdup(name ? name : "");
}

/* Hand-made formatting for the rows, which are most of the output: with
 * tens of thousands of exports printf was two thirds of the run time. */
static void out_str(const char *str)
{
	fputs_unlocked(str, stdout);
}

static void out_pad(int n)
{
	while (n-- > 0)
		putchar_unlocked(' ');
}

/* A name, path or other text from a file: control characters and bytes
 * that are not UTF-8 as \xNN (see cli_put_escaped), padded to `width`
 * columns (as many as it takes when 0 or fewer). */
static void out_esc(const char *s, int width)
{
	cli_put_escaped(stdout, s ? s : "");
	if (width > 0)
		out_pad(width - (int)cli_escaped_len(s ? s : ""));
}

static int esc_width(const char *s)
{
	size_t n = cli_escaped_len(s ? s : "");
	return n > 1000 ? 1000 : (int)n;
}

/* `v` in decimal, right-aligned in `width` (0: no padding). */
static void out_udec(uint64_t v, int width)
{
	char d[24];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_pad(width - n);
	while (n)
		putchar_unlocked(d[--n]);
}

static void out_hex(uint64_t v, int digits_, bool upper)
{
	const char *x = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (int i = digits_ - 1; i >= 0; i--)
		putchar_unlocked(x[(v >> (4 * i)) & 15]);
}

static int digits(uint64_t v)
{
	int n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static const char *kind_word(unsigned flags)
{
	return flags & DK_EXPORT_CONSTANT ? "const" : flags & DK_EXPORT_DATA ? "data" : "code";
}

static const char *type_word(unsigned type)
{
	return type == 2 ? "const" : type == 1 ? "data" : "code";
}

static const char *name_type_word(const dk_implib_entry *x)
{
	if (x->by_ordinal)
		return "ordinal";
	if (!x->short_format)
		return "name";
	switch (x->name_type) {
	case 1: return "name";
	case 2: return "noprefix";
	case 3: return "undecorate";
	case 4: return "exportas";
	}
	return "?";
}

/* ---- table ---- */

static void table_image(const input *in, const opts *o)
{
	const dk_module *m = &in->m;
	const dk_image *g = &in->img;
	unsigned named = 0, noname = 0, fwd = 0, data = 0;
	int ow = 7, hw = 4;

	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		if (e->flags & DK_EXPORT_NONAME)
			noname++;
		else
			named++;
		if (e->forward)
			fwd++;
		else if (e->flags & DK_EXPORT_DATA)
			data++;
		if (digits(e->ordinal) > ow)
			ow = digits(e->ordinal);
		if (e->hint >= 0 && digits((uint64_t)e->hint) > hw)
			hw = digits((uint64_t)e->hint);
	}
	out_esc(in->path, 0);
	printf(": PE image, %s (%s)%s\n",
	       dk_machine_name(g->machine) ? dk_machine_name(g->machine) : "unknown machine",
	       g->pe32plus ? "PE32+" : "PE32", g->is_dll ? ", DLL" : "");
	if (!g->has_exports) {
		printf("  no export directory\n");
		return;
	}
	fputs("  name          ", stdout);
	out_esc(g->export_name ? g->export_name : "(none)", 0);
	putchar('\n');
	printf("  timestamp     0x%08" PRIx32 "\n", g->timestamp);
	printf("  version       %u.%02u\n", g->export_major, g->export_minor);
	printf("  ordinal base  %" PRIu32 "\n", g->ordinal_base);
	if (g->names_out_of_order)
		printf("  name table    NOT SORTED (%" PRIu32 " name%s out of order): the loader may not find names\n",
		       g->names_out_of_order, g->names_out_of_order == 1 ? "" : "s");
	if (g->names_repeated)
		printf("  name table    REPEATS NAMES (%" PRIu32 " repeat%s, not listed)\n",
		       g->names_repeated, g->names_repeated == 1 ? "" : "s");
	printf("  exports       %zu (%u by name, %u by ordinal only, %u forwarded, %u data)\n\n",
	       m->nexports, named, noname, fwd, data);
	printf("  %*s  %*s  %-8s  %s\n", ow, "ordinal", hw, "hint", "RVA", "name");
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		char *name = NULL;
		if (!(e->flags & DK_EXPORT_NONAME) && (o->demangle || is_msvc_cpp(e->name)))
			name = shown_name(e->name, o);
		out_pad(2);
		out_udec(e->ordinal, ow);
		out_pad(2);
		if (e->hint >= 0)
			out_udec((uint64_t)e->hint, hw);
		else
			out_pad(hw);
		out_pad(2);
		if (e->forward)
			out_pad(8);
		else
			out_hex(e->rva, 8, true);
		out_pad(2);
		if (e->flags & DK_EXPORT_NONAME)
			out_str("[NONAME]");
		else
			out_esc(name ? name : e->name, 0);
		if (e->forward) {
			out_str("  (forwarded to ");
			out_esc(e->forward, 0);
			putchar_unlocked(')');
		} else if (e->flags & DK_EXPORT_DATA) {
			out_str("  DATA");
		}
		putchar_unlocked('\n');
		free(name);
	}
}

static void table_implib(const input *in, const opts *o)
{
	const dk_implib *l = &in->lib;
	size_t ndll = 0, nshort = 0;
	int ow = 7, hw = 4, nw = 4, tw = 2;
	const char *prev = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const dk_implib_entry *x = &l->v[i];
		if (!prev || strcmp(prev, x->dll) != 0)
			ndll++;
		prev = x->dll;
		if (x->short_format)
			nshort++;
		if (x->by_ordinal && digits(x->ordinal) > ow)
			ow = digits(x->ordinal);
		if (!x->by_ordinal && digits(x->ordinal) > hw)
			hw = digits(x->ordinal);
		char *n = shown_name(x->name ? x->name : "[NONAME]", o);
		if (n && esc_width(n) > nw)
			nw = esc_width(n);
		free(n);
		if ((int)strlen(name_type_word(x)) > tw)
			tw = (int)strlen(name_type_word(x));
	}
	if (nw > 60)
		nw = 60;
	out_esc(in->path, 0);
	printf(": import library, %s, %zu imports from %zu DLL%s, %s format\n",
	       dk_machine_name(l->machine) ? dk_machine_name(l->machine) : "unknown machine", l->n,
	       ndll, ndll == 1 ? "" : "s",
	       nshort == l->n ? "short" : nshort == 0 ? "long" : "mixed short and long");
	prev = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const dk_implib_entry *x = &l->v[i];
		char ord[16] = "", hint[16] = "";
		if (!prev || strcmp(prev, x->dll) != 0) {
			fputs("\n  ", stdout);
			out_esc(x->dll, 0);
			putchar('\n');
			printf("  %*s  %*s  %-5s  %-*s  %-*s  %s\n", ow, "ordinal", hw, "hint", "type", tw,
			       "by", nw, "name", "symbol");
			prev = x->dll;
		}
		snprintf(x->by_ordinal ? ord : hint, 16, "%u", x->ordinal);
		char *name = x->name ? shown_name(x->name, o) : strdup("[NONAME]");
		printf("  %*s  %*s  %-5s  %-*s  ", ow, ord, hw, hint, type_word(x->type), tw,
		       name_type_word(x));
		out_esc(name, nw);
		fputs("  ", stdout);
		out_esc(x->symbol, 0);
		putchar('\n');
		free(name);
	}
}

static void table_module(const input *in, const opts *o)
{
	const dk_module *m = &in->m;
	int ow = 7, nw = 4;

	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		if (e->ordinal && digits(e->ordinal) > ow)
			ow = digits(e->ordinal);
		char *n = shown_name(e->name, o);
		if (n && esc_width(n) > nw)
			nw = esc_width(n);
		free(n);
	}
	if (nw > 60)
		nw = 60;
	out_esc(in->path, 0);
	printf(": %s", dk_input_kind_name(in->kind));
	if (dk_machine_name(m->machine))
		printf(", %s", dk_machine_name(m->machine));
	printf(", %zu export%s\n", m->nexports, m->nexports == 1 ? "" : "s");
	if (m->name) {
		printf("  %s  ", m->is_exe ? "name   " : "library");
		out_esc(m->name, 0);
		putchar('\n');
	}
	printf("\n  %*s  %-*s  %s\n", ow, "ordinal", nw, "name", "attributes");
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		char ord[16] = "";
		char *name = shown_name(e->name, o);
		if (e->ordinal)
			snprintf(ord, sizeof ord, "%" PRIu32, e->ordinal);
		bool attrs = e->internal || e->forward || e->import_name || e->export_as ||
			     (e->flags & (DK_EXPORT_NONAME | DK_EXPORT_DATA | DK_EXPORT_CONSTANT |
					  DK_EXPORT_PRIVATE));
		printf("  %*s  ", ow, ord);
		out_esc(name, attrs ? nw : 0);
		if (attrs)
			putchar(' ');
		if (e->internal) {
			fputs(" = ", stdout);
			out_esc(e->internal, 0);
		}
		if (e->forward) {
			fputs(" (forwarded to ", stdout);
			out_esc(e->forward, 0);
			putchar(')');
		}
		if (e->flags & DK_EXPORT_NONAME)
			printf(" NONAME");
		if (e->flags & DK_EXPORT_DATA)
			printf(" DATA");
		if (e->flags & DK_EXPORT_CONSTANT)
			printf(" CONSTANT");
		if (e->flags & DK_EXPORT_PRIVATE)
			printf(" PRIVATE");
		if (e->import_name) {
			fputs(" == ", stdout);
			out_esc(e->import_name, 0);
		}
		if (e->export_as) {
			fputs(" EXPORTAS ", stdout);
			out_esc(e->export_as, 0);
		}
		putchar('\n');
		free(name);
	}
}

/* ---- JSON ---- */

/*
 * A JSON string.  Valid UTF-8 is kept, with the control characters (C0,
 * DEL, C1) as \u00XX escapes of themselves; a byte that is not part of
 * valid UTF-8 becomes the lone surrogate \udcXX (U+DC80..U+DCFF, byte
 * 0x80..0xFF), as Python's "surrogateescape" error handler decodes it, so
 * the bytes come back exactly (name.encode("utf-8", "surrogateescape")) and
 * byte 0xFF is no longer written like a real U+00FF ("\u00ff").
 */
static void json_str(const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (!s) {
		fputs_unlocked("null", stdout);
		return;
	}
	putchar_unlocked('"');
	while (*s) {
		unsigned char c = (unsigned char)*s;
		unsigned long cp;
		int n = cli_utf8_seq(s, &cp);

		if (c == '"' || c == '\\') {
			putchar_unlocked('\\');
			putchar_unlocked(c);
			s++;
		} else if (n == 0) {
			fputs_unlocked("\\udc", stdout);
			putchar_unlocked(hex[c >> 4]);
			putchar_unlocked(hex[c & 15]);
			s++;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			fputs_unlocked("\\u00", stdout);
			putchar_unlocked(hex[cp >> 4]);
			putchar_unlocked(hex[cp & 15]);
			s += n;
		} else {
			fwrite_unlocked(s, 1, (size_t)n, stdout);
			s += n;
		}
	}
	putchar_unlocked('"');
}

static void json_opt_uint(const char *key, bool has, uint64_t v)
{
	printf(", \"%s\": ", key);
	if (has)
		printf("%" PRIu64, v);
	else
		fputs("null", stdout);
}

/* One export, the same keys whatever the input kind (null when not known). */
static void json_export(const char *name, bool has_ord, uint32_t ord, bool has_hint, int64_t hint,
			bool has_rva, uint32_t rva, const char *kind, bool noname, bool private_,
			const char *forward, const char *internal, const char *symbol,
			const char *dll, const char *by, const char *import_name,
			const char *export_as, const opts *o, bool first)
{
	char *d = o->demangle ? demangled(name) : NULL;
	printf("%s\n      {\"name\": ", first ? "" : ",");
	json_str(name);
	json_opt_uint("ordinal", has_ord, ord);
	json_opt_uint("hint", has_hint, (uint64_t)hint);
	json_opt_uint("rva", has_rva, rva);
	printf(", \"kind\": \"%s\", \"noname\": %s, \"private\": %s, \"forward\": ", kind,
	       noname ? "true" : "false", private_ ? "true" : "false");
	json_str(forward);
	fputs(", \"internal\": ", stdout);
	json_str(internal);
	fputs(", \"symbol\": ", stdout);
	json_str(symbol);
	fputs(", \"dll\": ", stdout);
	json_str(dll);
	fputs(", \"by\": ", stdout);
	json_str(by);
	fputs(", \"import_name\": ", stdout);
	json_str(import_name);
	fputs(", \"export_as\": ", stdout);
	json_str(export_as);
	fputs(", \"demangled\": ", stdout);
	json_str(d);
	printf(", \"mangling\": \"%s\"}",
	       is_msvc_cpp(name) ? "msvc" : (name && name[0] == '_' && name[1] == 'Z') ? "itanium"
										: "none");
	free(d);
}

static void json_input(const input *in, const char *error, const opts *o, bool first)
{
	printf("%s\n    {\"path\": ", first ? "" : ",");
	json_str(in->path);
	if (error) {
		fputs(", \"error\": ", stdout);
		json_str(error);
		fputs("}", stdout);
		return;
	}
	const char *kind = in->kind == DK_INPUT_IMAGE ? "image" : in->kind == DK_INPUT_IMPLIB ? "import-library"
			   : in->kind == DK_INPUT_OBJECTS ? "objects" : "def";
	dk_machine mach = in->kind == DK_INPUT_IMPLIB ? in->lib.machine
			  : in->kind == DK_INPUT_IMAGE ? in->img.machine : in->m.machine;
	printf(", \"kind\": \"%s\", \"machine\": ", kind);
	json_str(dk_machine_name(mach));
	fputs(", \"dll\": ", stdout);
	json_str(in->kind == DK_INPUT_IMAGE ? in->img.export_name : in->kind == DK_INPUT_IMPLIB ? NULL : in->m.name);
	json_opt_uint("ordinal_base", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.ordinal_base);
	json_opt_uint("timestamp", in->kind == DK_INPUT_IMAGE && in->img.has_exports, in->img.timestamp);
	fputs(", \"name_table\": ", stdout);
	json_str(!(in->kind == DK_INPUT_IMAGE && in->img.has_exports) ? NULL
		 : in->img.names_out_of_order				 ? "unsorted"
		 : in->img.names_repeated				 ? "repeated"
									 : "sorted");
	json_opt_uint("names_out_of_order", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.names_out_of_order);
	json_opt_uint("names_repeated", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.names_repeated);
	fputs(", \"exports\": [", stdout);
	if (in->kind == DK_INPUT_IMPLIB) {
		for (size_t i = 0; i < in->lib.n; i++) {
			const dk_implib_entry *x = &in->lib.v[i];
			json_export(x->name, x->by_ordinal, x->ordinal, !x->by_ordinal, x->ordinal, false,
				    0, type_word(x->type), x->by_ordinal, false, NULL, NULL, x->symbol,
				    x->dll, name_type_word(x), NULL, NULL, o, i == 0);
		}
	} else {
		const dk_module *m = &in->m;
		bool image = in->kind == DK_INPUT_IMAGE;
		for (size_t i = 0; i < m->nexports; i++) {
			const dk_export *e = &m->exports[i];
			bool noname = e->flags & DK_EXPORT_NONAME;
			json_export(image && noname ? NULL : e->name, e->ordinal != 0, e->ordinal,
				    image && e->hint >= 0, e->hint, image && !e->forward, e->rva,
				    kind_word(e->flags), noname, e->flags & DK_EXPORT_PRIVATE,
				    e->forward, e->internal, NULL, image ? in->img.export_name : m->name,
				    NULL, e->import_name, e->export_as, o, i == 0);
		}
	}
	fputs("\n    ]}", stdout);
}

/* ---- TSV ---- */

/* A TSV field: tab, newline and backslash as \t, \n and \\, control
 * characters and bytes that are not UTF-8 as \xNN (cli_put_tsv). */
static void tsv_field(const char *s)
{
	cli_put_tsv(stdout, s);
}

static void tsv_row(const char *path, const char *dll, uint32_t ord, int64_t hint, bool has_rva,
		    uint32_t rva, const char *name, const char *kind, const char *flags,
		    const char *forward, const char *symbol, const opts *o)
{
	char *shown = name && (o->demangle || is_msvc_cpp(name)) ? shown_name(name, o) : NULL;
	tsv_field(path);
	putchar_unlocked('\t');
	tsv_field(dll);
	putchar_unlocked('\t');
	if (ord)
		out_udec(ord, 0);
	putchar_unlocked('\t');
	if (hint >= 0)
		out_udec((uint64_t)hint, 0);
	putchar_unlocked('\t');
	if (has_rva) {
		out_str("0x");
		out_hex(rva, 8, false);
	}
	putchar_unlocked('\t');
	tsv_field(shown ? shown : name);
	putchar_unlocked('\t');
	out_str(kind);
	putchar_unlocked('\t');
	out_str(flags);
	putchar_unlocked('\t');
	tsv_field(forward);
	putchar('\t');
	tsv_field(symbol);
	putchar('\n');
	free(shown);
}

static void tsv_input(const input *in, const opts *o)
{
	if (in->kind == DK_INPUT_IMPLIB) {
		for (size_t i = 0; i < in->lib.n; i++) {
			const dk_implib_entry *x = &in->lib.v[i];
			tsv_row(in->path, x->dll, x->by_ordinal ? x->ordinal : 0,
				x->by_ordinal ? -1 : x->ordinal, false, 0, x->name, type_word(x->type),
				x->by_ordinal ? "NONAME" : "", NULL, x->symbol, o);
		}
		return;
	}
	bool image = in->kind == DK_INPUT_IMAGE;
	for (size_t i = 0; i < in->m.nexports; i++) {
		const dk_export *e = &in->m.exports[i];
		char flags[64] = "";
		if (e->flags & DK_EXPORT_NONAME)
			strcat(flags, "NONAME ");
		if (e->flags & DK_EXPORT_PRIVATE)
			strcat(flags, "PRIVATE ");
		if (flags[0])
			flags[strlen(flags) - 1] = '\0';
		tsv_row(in->path, image ? in->img.export_name : in->m.name, e->ordinal,
			image ? e->hint : -1, image && !e->forward, e->rva,
			image && (e->flags & DK_EXPORT_NONAME) ? NULL : e->name, kind_word(e->flags),
			flags, e->forward, NULL, o);
	}
}

/* ---- def ---- */

static int def_input(const input *in, const opts *o, dk_sink *s)
{
	dk_module tmp, *m = (dk_module *)&in->m;
	char *text;
	size_t len;
	int rc;

	dk_module_init(&tmp);
	if (in->kind == DK_INPUT_IMPLIB) {
		if (dk_implib_to_module(&in->lib, o->dll, &tmp, s) != DK_OK) {
			dk_module_free(&tmp);
			return DK_FAIL;
		}
		m = &tmp;
	}
	rc = dk_def_write(m, &text, &len, s);
	if (rc == DK_OK) {
		fwrite(text, 1, len, stdout);
		free(text);
	}
	dk_module_free(&tmp);
	return rc;
}

/* ---- diff ---- */

static const char *change_word(dk_change c)
{
	switch (c) {
	case DK_CHANGE_ADDED: return "added";
	case DK_CHANGE_REMOVED: return "removed";
	case DK_CHANGE_ORDINAL: return "ordinal";
	case DK_CHANGE_NONAME: return "noname";
	case DK_CHANGE_KIND: return "kind";
	case DK_CHANGE_FORWARD: return "forward";
	case DK_CHANGE_ORDINAL_MOVED: return "ordinal-moved";
	}
	return "?";
}

/* Exports are matched by the name the DLL exports (a .def's `f@4 == f`
 * is "f"); NONAME exports by ordinal: show them so. */
static const char *diff_name(const dk_export *e, char *buf, size_t n)
{
	if (e->flags & DK_EXPORT_NONAME) {
		snprintf(buf, n, "%s (@%u NONAME)", dk_export_public_name(e), e->ordinal);
		return buf;
	}
	return dk_export_public_name(e);
}

typedef struct diff_ctx {
	const opts *o;
	long moved; /* ordinals that moved where no client can have bound to them */
} diff_ctx;

static void on_change(void *ctx, dk_change what, const dk_export *a, const dk_export *b)
{
	diff_ctx *dc = ctx;
	const opts *o = dc->o;
	const dk_export *e = a ? a : b;
	char buf[300];
	char *name;

	if (what == DK_CHANGE_ORDINAL_MOVED) {
		dc->moved++;
		if (!o->all_ordinals)
			return;
	}
	name = shown_name(diff_name(e, buf, sizeof buf), o);
	fputs(what == DK_CHANGE_ADDED ? "+ " : what == DK_CHANGE_REMOVED ? "- " : "~ ", stdout);
	out_esc(name, 0);
	switch (what) {
	case DK_CHANGE_ADDED:
		if (b->ordinal && !(b->flags & DK_EXPORT_NONAME))
			printf(" @%u", b->ordinal);
		break;
	case DK_CHANGE_REMOVED:
		if (a->ordinal && !(a->flags & DK_EXPORT_NONAME))
			printf(" @%u", a->ordinal);
		break;
	case DK_CHANGE_ORDINAL:
	case DK_CHANGE_ORDINAL_MOVED:
		printf(": ordinal %u -> %u", a->ordinal, b->ordinal);
		break;
	case DK_CHANGE_NONAME:
		printf(": %s -> %s", a->flags & DK_EXPORT_NONAME ? "NONAME" : "named",
		       b->flags & DK_EXPORT_NONAME ? "NONAME" : "named");
		break;
	case DK_CHANGE_KIND:
		printf(": %s -> %s", kind_word(a->flags), kind_word(b->flags));
		break;
	case DK_CHANGE_FORWARD:
		fputs(": forward ", stdout);
		out_esc(a->forward ? a->forward : "(none)", 0);
		fputs(" -> ", stdout);
		out_esc(b->forward ? b->forward : "(none)", 0);
		break;
	}
	(void)change_word;
	putchar('\n');
	free(name);
}

/* --diff OLD NEW and --check DEF BINARY: 0 same, 1 different, 2 trouble. */
static int compare(const char *old_path, const char *new_path, bool check, const opts *o,
		   dk_sink *s)
{
	dk_module a, b;
	dk_image ia, ib;
	dk_input fa, fb;
	diff_ctx dc = { o, 0 };
	long n = -1;
	int rc = 2;
	bool unsearchable = false;

	dk_module_init(&a);
	dk_module_init(&b);
	memset(&ia, 0, sizeof ia);
	memset(&ib, 0, sizeof ib);
	/* Both are read, so that both files' errors are reported. */
	/* Each read once: --diff <(cat a.def) a.def compares a.def with itself. */
	cli_subject(old_path);
	dk_input_kind ka = cli_input_read(&fa, old_path, s);
	int ra = dk_load_any(&a, &fa, ka, o->dll, &o->in.read, &ia, s);
	cli_subject(new_path);
	dk_input_kind kb = cli_input_read(&fb, new_path, s);
	int rb = dk_load_any(&b, &fb, kb, o->dll, &o->in.read, &ib, s);
	cli_subject(NULL);
	if (ra != DK_OK || rb != DK_OK)
		goto out;
	/* The names the DLL exports are compared; internal names are the
	 * DLL's business, not the interface's. */
	n = dk_module_diff(&a, &b, o->ignore_kind, on_change, &dc);
	if (n < 0) {
		cli_error("out of memory comparing %s with %s", old_path, new_path);
		goto out;
	}
	if (o->all_ordinals)
		n += dc.moved;
	cli_flush_stdout();
	if (dc.moved && !o->all_ordinals)
		fprintf(stderr,
			"dumpexports: note: %ld export%s moved to other ordinals; clients importing by name do not notice (--ordinals lists them)\n",
			dc.moved, dc.moved == 1 ? "" : "s");
	/* A DLL whose name table the loader cannot binary-search does not
	 * export, by name, what its .def says, whatever the names are. */
	if (check && (ib.names_out_of_order || ib.names_repeated)) {
		unsearchable = true;
		cli_message(NULL, NULL,
			"%s does not export what %s says: its export name table %s, so the loader (GetProcAddress, imports by name) may not find some names",
			new_path, old_path,
			ib.names_out_of_order && ib.names_repeated ? "is not sorted and repeats names"
			: ib.names_out_of_order			   ? "is not sorted"
								   : "repeats names");
	}
	if (check && n)
		cli_message(NULL, NULL, "%s does not export what %s says (%ld difference%s)",
			new_path, old_path, n, n == 1 ? "" : "s");
	rc = n || unsearchable ? 1 : 0;
out:
	dk_image_free(&ia);
	dk_image_free(&ib);
	dk_module_free(&a);
	dk_module_free(&b);
	dk_input_free(&fa);
	dk_input_free(&fb);
	return rc;
}

int main(int argc, char **argv)
{
	opts o;
	dk_sink sink = cli_sink();
	char **args = NULL;
	cli_deps files = { NULL, 0, 0 };
	int nargs = 0, c, r, status = 2;
	bool diff = false, check = false, any_error = false;

	progname = "dumpexports";
	memset(&o, 0, sizeof o);
	/* A big buffer when writing to a file or pipe; a terminal keeps its
	 * line buffering, so errors and listings come out in order. */
	static char outbuf[1 << 16];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	capture cap;
	memset(&cap, 0, sizeof cap);
	sink.fn = capture_diag;
	sink.ctx = &cap;
	if (!cli_expand_argv(argc, argv, &nargs, &args, &files))
		goto out;
	opterr = 0;
	while ((c = getopt_long(nargs, args, ":f:ChV", long_opts, NULL)) != -1) {
		if ((r = cli_read_option(&o.in, c, optarg)) != 0) {
			if (r < 0)
				goto out;
			continue;
		}
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") == 0)
				o.format = F_TABLE;
			else if (strcmp(optarg, "def") == 0)
				o.format = F_DEF;
			else if (strcmp(optarg, "json") == 0)
				o.format = F_JSON;
			else if (strcmp(optarg, "tsv") == 0)
				o.format = F_TSV;
			else {
				cli_usage_error("--format takes table, def, json or tsv, not \"%s\"",
						optarg);
				goto out;
			}
			break;
		case 'C': o.demangle = true; break;
		case OPT_DLL: o.dll = optarg; break;
		case OPT_DIFF: diff = true; break;
		case OPT_CHECK: check = true; break;
		case OPT_IGNORE_KIND: o.ignore_kind = true; break;
		case OPT_ORDINALS: o.all_ordinals = true; break;
		default:
			status = cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : 2;
			goto out;
		}
	}
	cli_read_finish(&o.in);
	if (diff || check) {
		if (diff && check) {
			cli_usage_error("--diff and --check do not go together");
			goto out;
		}
		if (nargs - optind != 2) {
			cli_usage_error("%s takes two files", diff ? "--diff" : "--check");
			goto out;
		}
		status = compare(args[optind], args[optind + 1], check, &o, &sink);
		goto out;
	}
	if (optind >= nargs) {
		cli_usage_error("no input files");
		goto out;
	}
	if (o.format == F_JSON)
		fputs("{\"dumpexports\": 1, \"files\": [", stdout);
	if (o.format == F_TSV)
		puts("file\tdll\tordinal\thint\trva\tname\tkind\tflags\tforward\tsymbol");
	for (int i = optind; i < nargs; i++) {
		input in;
		cap.first[0] = '\0';
		cli_flush_stdout(); /* what was listed comes before this file's errors */
		bool ok = input_read(&in, args[i], &o, &sink) == DK_OK;
		if (!ok)
			any_error = true;
		switch (o.format) {
		case F_TABLE:
			if (!ok)
				break;
			if (i > optind)
				putchar('\n');
			if (in.kind == DK_INPUT_IMAGE)
				table_image(&in, &o);
			else if (in.kind == DK_INPUT_IMPLIB)
				table_implib(&in, &o);
			else
				table_module(&in, &o);
			break;
		case F_JSON:
			json_input(&in, ok ? NULL : cap.first[0] ? cap.first : "could not be read", &o,
				   i == optind);
			break;
		case F_TSV:
			if (ok)
				tsv_input(&in, &o);
			break;
		case F_DEF:
			if (ok && def_input(&in, &o, &sink) != DK_OK)
				any_error = true;
			break;
		}
		input_free(&in);
	}
	if (o.format == F_JSON)
		fputs("\n  ]}\n", stdout);
	status = any_error ? 2 : 0;
out:
	cli_read_free(&o.in);
	cli_deps_free(&files);
	cli_free_argv(nargs, args);
	/* A listing or a difference lost on the way out is trouble (2), not
	 * "different" (1). */
	return cli_exit_status(status, 2);
}
