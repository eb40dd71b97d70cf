/* listing.c - what dumpexports shows: an input as a table, a .def, JSON or
 * TSV, and the lines of --diff.  JSON and TSV print one row type
 * (listing_row) whatever the input kind; the table has a layout per kind.
 * Text from files is escaped by common.c's helpers. */
#include <inttypes.h>
#include <libiberty/demangle.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "listing.h"

/* ---- names and numbers ---- */

/* The demangled form of an Itanium name (malloc'd), or NULL. */
char *listing_demangled(const char *name)
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
char *listing_shown_name(const char *name, bool demangle)
{
	char *d = demangle ? listing_demangled(name) : NULL;
	char *r;

	if (d)
		return d;
	if (demangle && is_msvc_cpp(name)) {
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

/* `v` in decimal, right-aligned in `width` (0: no padding), into `o`
 * (room for width and 20 digits): the length. */
static size_t put_udec(char *o, uint64_t v, int width)
{
	char d[24];
	int n = 0;
	size_t k = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (width-- > n)
		o[k++] = ' ';
	while (n)
		o[k++] = d[--n];
	return k;
}

/* The same, written out (width at most 20). */
static void out_udec(uint64_t v, int width)
{
	char o[48];
	fwrite_unlocked(o, 1, put_udec(o, v, width), stdout);
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

/* An ARM64X import library: ARM64EC imports and ARM64 ones. */
static bool implib_arm64x(const dk_implib *l)
{
	bool ec = false, native = false;
	for (size_t i = 0; i < l->n; i++) {
		ec |= l->v[i].machine == DK_MACHINE_ARM64EC;
		native |= l->v[i].machine == DK_MACHINE_ARM64;
	}
	return ec && native;
}

static const char *implib_view(const dk_implib_entry *x, bool arm64x)
{
	return !arm64x ? NULL : x->machine == DK_MACHINE_ARM64 ? "native" : "ec";
}


/* ARM64X: which view an image's module is, told by its machine. */
static const char *view_word(const dk_image *g)
{
	return !g->arm64x ? NULL : g->machine == DK_MACHINE_ARM64 ? "native" : "ec";
}

/* The native view of an ARM64X image as an input of its own (shallow:
 * it borrows from `in`). */
static listing_input native_view(const listing_input *in)
{
	listing_input nv = *in;
	nv.m = *in->m.native;
	nv.img = *in->img.native;
	nv.img.arm64x = true;
	return nv;
}

static bool has_native(const listing_input *in)
{
	return in->kind == DK_INPUT_IMAGE && in->m.native && in->img.native;
}

static void table_image_view(const listing_input *in, bool demangle);

static void table_image(const listing_input *in, bool demangle)
{
	const dk_image *g = &in->img;

	out_esc(in->path, 0);
	if (g->arm64x) {
		printf(": PE image, ARM64X (PE32+)%s: %s\n", g->is_dll ? ", DLL" : "",
		       has_native(in) ? "two export views, EC (arm64ec) and native (arm64)"
		       : view_word(g)[0] == 'n' ? "its native (arm64) export view"
						: "its EC (arm64ec) export view");
		printf("\n  view          %s\n", view_word(g)[0] == 'n' ? "native (arm64)" : "EC (arm64ec)");
		table_image_view(in, demangle);
		if (has_native(in)) {
			listing_input nv = native_view(in);
			printf("\n  view          native (arm64)\n");
			table_image_view(&nv, demangle);
		}
		return;
	}
	printf(": PE image, %s (%s)%s\n",
	       dk_machine_name(g->machine) ? dk_machine_name(g->machine) : "unknown machine",
	       g->pe32plus ? "PE32+" : "PE32", g->is_dll ? ", DLL" : "");
	table_image_view(in, demangle);
}

/* The export directory of an image (one view of an ARM64X one). */
static void table_image_view(const listing_input *in, bool demangle)
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
		if (!(e->flags & DK_EXPORT_NONAME) && (demangle || is_msvc_cpp(e->name)))
			name = listing_shown_name(e->name, demangle);
		/* The columns before the name, built here and written at once
		 * (ow and hw are at most 10: 36 bytes). */
		char row[64];
		size_t k = 0;
		memset(row, ' ', 2);
		k = 2 + put_udec(row + 2, e->ordinal, ow);
		memset(row + k, ' ', 2);
		k += 2;
		if (e->hint >= 0) {
			k += put_udec(row + k, (uint64_t)e->hint, hw);
		} else {
			memset(row + k, ' ', (size_t)hw);
			k += (size_t)hw;
		}
		memset(row + k, ' ', 2);
		k += 2;
		for (int d = 7; d >= 0; d--)
			row[k++] = e->forward ? ' ' : "0123456789ABCDEF"[(e->rva >> (4 * d)) & 15];
		memset(row + k, ' ', 2);
		k += 2;
		fwrite_unlocked(row, 1, k, stdout);
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

static void table_implib(const listing_input *in, bool demangle)
{
	const dk_implib *l = &in->lib;
	size_t ndll = 0, nshort = 0, ndelay = 0;
	int ow = 7, hw = 4, nw = 4, tw = 2;
	const char *prev = NULL;

	for (size_t i = 0; i < l->n; i++) {
		const dk_implib_entry *x = &l->v[i];
		if (!prev || strcmp(prev, x->dll) != 0)
			ndll++;
		prev = x->dll;
		if (x->short_format)
			nshort++;
		ndelay += x->delay;
		if (x->by_ordinal && digits(x->ordinal) > ow)
			ow = digits(x->ordinal);
		if (!x->by_ordinal && digits(x->ordinal) > hw)
			hw = digits(x->ordinal);
		char *n = listing_shown_name(x->name ? x->name : "[NONAME]", demangle);
		if (n && esc_width(n) > nw)
			nw = esc_width(n);
		free(n);
		if ((int)strlen(name_type_word(x)) > tw)
			tw = (int)strlen(name_type_word(x));
	}
	if (nw > 60)
		nw = 60;
	bool arm64x = implib_arm64x(l);
	out_esc(in->path, 0);
	printf(": import library, %s, %zu imports from %zu DLL%s, %s format",
	       arm64x ? "ARM64X (EC and native imports)"
	       : dk_machine_name(l->machine) ? dk_machine_name(l->machine) : "unknown machine", l->n,
	       ndll, ndll == 1 ? "" : "s",
	       nshort == l->n ? "short" : nshort == 0 ? "long" : "mixed short and long");
	if (ndelay)
		printf(ndelay == l->n ? ", delay-load" : ", %zu delay-load", ndelay);
	putchar('\n');
	prev = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const dk_implib_entry *x = &l->v[i];
		char ord[16] = "", hint[16] = "";
		/* A new heading for each DLL, and where delay loading starts or stops. */
		if (!prev || strcmp(prev, x->dll) != 0 || (i && l->v[i - 1].delay != x->delay)) {
			fputs("\n  ", stdout);
			out_esc(x->dll, 0);
			if (x->delay)
				fputs(" (delay-load: loaded at the first call)", stdout);
			putchar('\n');
			printf("  %*s  %*s  %-5s  %-*s  %-*s  %s%s\n", ow, "ordinal", hw, "hint", "type", tw,
			       "by", nw, "name", arm64x ? "view    " : "", "symbol");
			prev = x->dll;
		}
		snprintf(x->by_ordinal ? ord : hint, 16, "%u", x->ordinal);
		char *name = x->name ? listing_shown_name(x->name, demangle) : strdup("[NONAME]");
		printf("  %*s  %*s  %-5s  %-*s  ", ow, ord, hw, hint, type_word(x->type), tw,
		       name_type_word(x));
		out_esc(name, nw);
		fputs("  ", stdout);
		if (arm64x)
			printf("%-6s  ", implib_view(x, true));
		out_esc(x->symbol, 0);
		putchar('\n');
		free(name);
	}
}

static void table_module(const listing_input *in, bool demangle)
{
	const dk_module *m = &in->m;
	int ow = 7, nw = 4;

	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		if (e->ordinal && digits(e->ordinal) > ow)
			ow = digits(e->ordinal);
		char *n = listing_shown_name(e->name, demangle);
		if (n && esc_width(n) > nw)
			nw = esc_width(n);
		free(n);
	}
	if (nw > 60)
		nw = 60;
	out_esc(in->path, 0);
	printf(": %s", in->kind == DK_INPUT_OBJECTS && dk_is_exp_mem(in->bytes.data, in->bytes.len)
			       ? "export object" : dk_input_kind_name(in->kind));
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
		char *name = listing_shown_name(e->name, demangle);
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

void listing_table(const listing_input *in, bool demangle)
{
	if (in->kind == DK_INPUT_IMAGE)
		table_image(in, demangle);
	else if (in->kind == DK_INPUT_IMPLIB)
		table_implib(in, demangle);
	else
		table_module(in, demangle);
}

/* ---- JSON ---- */

static void json_str(const char *s)
{
	cli_put_json(stdout, s); /* escaped as the other listings are, in common.c */
}

void listing_json_uint(const char *key, bool has, uint64_t v)
{
	out_str(", \"");
	out_str(key);
	out_str("\": ");
	if (has)
		out_udec(v, 0);
	else
		out_str("null");
}

/* The row of an import. */
static listing_row implib_row(const dk_implib_entry *x, bool arm64x)
{
	listing_row r;
	memset(&r, 0, sizeof r);
	r.name = x->name;
	r.has_ordinal = x->by_ordinal;
	r.has_hint = !x->by_ordinal;
	r.ordinal = r.hint = x->ordinal;
	r.kind = type_word(x->type);
	r.noname = x->by_ordinal;
	r.symbol = x->symbol;
	r.dll = x->dll;
	r.by = name_type_word(x);
	r.view = implib_view(x, arm64x);
	r.delay = x->delay;
	return r;
}

/* The row of an export of an image, objects or a .def. */
static listing_row export_row(const listing_input *in, const dk_export *e)
{
	bool image = in->kind == DK_INPUT_IMAGE;
	listing_row r;
	memset(&r, 0, sizeof r);
	r.noname = e->flags & DK_EXPORT_NONAME;
	r.name = image && r.noname ? NULL : e->name;
	r.has_ordinal = e->ordinal != 0;
	r.ordinal = e->ordinal;
	r.has_hint = image && e->hint >= 0;
	r.hint = r.has_hint ? (uint32_t)e->hint : 0;
	r.has_rva = image && !e->forward;
	r.rva = e->rva;
	r.kind = kind_word(e->flags);
	r.private_ = e->flags & DK_EXPORT_PRIVATE;
	r.forward = e->forward;
	r.internal = e->internal;
	r.dll = image ? in->img.export_name : in->m.name;
	r.import_name = e->import_name;
	r.export_as = e->export_as;
	r.view = image ? view_word(&in->img) : NULL;
	r.delay = -1;
	return r;
}

/* One row, the same keys whatever the input kind (null when not known). */
static void json_row(const listing_row *r, bool demangle, bool first)
{
	const char *name = r->name;
	char *d = demangle ? listing_demangled(name) : NULL;
	out_str(first ? "\n      {\"name\": " : ",\n      {\"name\": ");
	json_str(name);
	listing_json_uint("ordinal", r->has_ordinal, r->ordinal);
	listing_json_uint("hint", r->has_hint, r->hint);
	listing_json_uint("rva", r->has_rva, r->rva);
	out_str(", \"kind\": \"");
	out_str(r->kind);
	out_str(r->noname ? "\", \"noname\": true" : "\", \"noname\": false");
	out_str(r->private_ ? ", \"private\": true, \"forward\": "
			    : ", \"private\": false, \"forward\": ");
	json_str(r->forward);
	out_str(", \"internal\": ");
	json_str(r->internal);
	out_str(", \"symbol\": ");
	json_str(r->symbol);
	out_str(", \"dll\": ");
	json_str(r->dll);
	out_str(", \"by\": ");
	json_str(r->by);
	out_str(r->delay < 0 ? ", \"delay\": null" : r->delay ? ", \"delay\": true"
							      : ", \"delay\": false");
	out_str(", \"import_name\": ");
	json_str(r->import_name);
	out_str(", \"export_as\": ");
	json_str(r->export_as);
	if (r->view) { /* ARM64X rows only: other rows keep their keys */
		out_str(", \"view\": ");
		json_str(r->view);
	}
	out_str(", \"demangled\": ");
	json_str(d);
	out_str(is_msvc_cpp(name) ? ", \"mangling\": \"msvc\"}"
		: (name && name[0] == '_' && name[1] == 'Z') ? ", \"mangling\": \"itanium\"}"
							     : ", \"mangling\": \"none\"}");
	free(d);
}

void listing_json_begin(void)
{
	fputs("{\"dumpexports\": 1, \"files\": [", stdout);
}

void listing_json_end(void)
{
	fputs("\n  ]}\n", stdout);
}

static void json_body(const listing_input *in, bool demangle);

void listing_json_input(const listing_input *in, const char *error, bool demangle, bool first)
{
	printf("%s\n    {\"path\": ", first ? "" : ",");
	json_str(in->path);
	if (error) {
		fputs(", \"error\": ", stdout);
		json_str(error);
		fputs("}", stdout);
		return;
	}
	json_body(in, demangle);
	/* ARM64X: the entry is the EC view (or the one --view picked), its
	 * native view an object with the same keys. */
	fputs(", \"view\": ", stdout);
	json_str(in->kind == DK_INPUT_IMAGE ? view_word(&in->img) : NULL);
	fputs(", \"native\": ", stdout);
	if (has_native(in)) {
		listing_input nv = native_view(in);
		fputs("{\"view\": \"native\"", stdout);
		json_body(&nv, demangle);
		fputs("}", stdout);
	} else {
		fputs("null", stdout);
	}
	fputs("}", stdout);
}

/* The keys of a file entry after "path" (or "view"), up to its exports. */
static void json_body(const listing_input *in, bool demangle)
{
	const char *kind = in->kind == DK_INPUT_IMAGE ? "image" : in->kind == DK_INPUT_IMPLIB ? "import-library"
			   : in->kind == DK_INPUT_OBJECTS && dk_is_exp_mem(in->bytes.data, in->bytes.len) ? "export-object"
			   : in->kind == DK_INPUT_OBJECTS ? "objects" : "def";
	dk_machine mach = in->kind == DK_INPUT_IMPLIB ? in->lib.machine
			  : in->kind == DK_INPUT_IMAGE ? in->img.machine : in->m.machine;
	printf(", \"kind\": \"%s\", \"machine\": ", kind);
	json_str(dk_machine_name(mach));
	fputs(", \"dll\": ", stdout);
	json_str(in->kind == DK_INPUT_IMAGE ? in->img.export_name : in->kind == DK_INPUT_IMPLIB ? NULL : in->m.name);
	listing_json_uint("ordinal_base", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.ordinal_base);
	listing_json_uint("timestamp", in->kind == DK_INPUT_IMAGE && in->img.has_exports, in->img.timestamp);
	fputs(", \"name_table\": ", stdout);
	json_str(!(in->kind == DK_INPUT_IMAGE && in->img.has_exports) ? NULL
		 : in->img.names_out_of_order				 ? "unsorted"
		 : in->img.names_repeated				 ? "repeated"
									 : "sorted");
	listing_json_uint("names_out_of_order", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.names_out_of_order);
	listing_json_uint("names_repeated", in->kind == DK_INPUT_IMAGE && in->img.has_exports,
		      in->img.names_repeated);
	fputs(", \"exports\": [", stdout);
	if (in->kind == DK_INPUT_IMPLIB) {
		bool arm64x = implib_arm64x(&in->lib);
		for (size_t i = 0; i < in->lib.n; i++) {
			listing_row r = implib_row(&in->lib.v[i], arm64x);
			json_row(&r, demangle, i == 0);
		}
	} else {
		for (size_t i = 0; i < in->m.nexports; i++) {
			listing_row r = export_row(in, &in->m.exports[i]);
			json_row(&r, demangle, i == 0);
		}
	}
	fputs("\n    ]", stdout);
}

/* ---- TSV ---- */

void listing_tsv_header(void)
{
	puts("file\tdll\tordinal\thint\trva\tname\tkind\tflags\tforward\tsymbol");
}

/* A TSV field: tab, newline and backslash as \t, \n and \\, control
 * characters and bytes that are not UTF-8 as \xNN (cli_put_tsv). */
static void tsv_field(const char *s)
{
	cli_put_tsv(stdout, s);
}

static void tsv_row(const char *path, const listing_row *r, bool demangle)
{
	const char *view = r->view;
	const char *name = r->name;
	char *shown = name && (demangle || is_msvc_cpp(name)) ? listing_shown_name(name, demangle) : NULL;
	tsv_field(path);
	putchar_unlocked('\t');
	tsv_field(r->dll);
	putchar_unlocked('\t');
	if (r->has_ordinal && r->ordinal)
		out_udec(r->ordinal, 0);
	putchar_unlocked('\t');
	if (r->has_hint)
		out_udec(r->hint, 0);
	putchar_unlocked('\t');
	if (r->has_rva) {
		out_str("0x");
		out_hex(r->rva, 8, false);
	}
	putchar_unlocked('\t');
	tsv_field(shown ? shown : name);
	putchar_unlocked('\t');
	out_str(r->kind);
	putchar_unlocked('\t');
	out_str(r->noname && r->private_ ? "NONAME PRIVATE" : r->noname ? "NONAME"
		: r->private_ ? "PRIVATE" : "");
	if (r->delay > 0)
		out_str(r->noname || r->private_ ? " DELAY" : "DELAY");
	putchar_unlocked('\t');
	tsv_field(r->forward);
	putchar('\t');
	tsv_field(r->symbol);
	if (view) { /* ARM64X: an eleventh field, the view ("ec", "native") */
		putchar('\t');
		out_str(view);
	}
	putchar('\n');
	free(shown);
}

void listing_tsv(const listing_input *in, bool demangle)
{
	if (in->kind == DK_INPUT_IMPLIB) {
		bool arm64x = implib_arm64x(&in->lib);
		for (size_t i = 0; i < in->lib.n; i++) {
			listing_row r = implib_row(&in->lib.v[i], arm64x);
			tsv_row(in->path, &r, demangle);
		}
		return;
	}
	for (size_t i = 0; i < in->m.nexports; i++) {
		listing_row r = export_row(in, &in->m.exports[i]);
		tsv_row(in->path, &r, demangle);
	}
	if (has_native(in)) {
		listing_input nv = native_view(in);
		for (size_t i = 0; i < nv.m.nexports; i++) {
			listing_row r = export_row(&nv, &nv.m.exports[i]);
			tsv_row(in->path, &r, demangle);
		}
	}
}

/* ---- def ---- */

int listing_def(const listing_input *in, const char *dll, dk_sink *s)
{
	dk_module tmp, *m = (dk_module *)&in->m;
	char *text;
	size_t len;
	int rc;

	dk_module_init(&tmp);
	if (in->kind == DK_INPUT_IMPLIB) {
		if (dk_implib_to_module(&in->lib, dll, &tmp, s) != DK_OK) {
			dk_module_free(&tmp);
			return DK_FAIL;
		}
		m = &tmp;
	}
	if (m->native) {
		/* A .def says one export set: the EC one here, and said so. */
		dk_loc loc = dk_loc_file(in->path);
		dk_report(s, DK_WARNING, &loc, "has two export views (ARM64X): this .def is the EC "
			  "one; --view native gives the native one");
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

void listing_change(dk_change what, const dk_export *a, const dk_export *b, bool demangle)
{
	const dk_export *e = a ? a : b;
	char buf[300];
	char *name;

	name = listing_shown_name(diff_name(e, buf, sizeof buf), demangle);
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
	putchar('\n');
	free(name);
}
