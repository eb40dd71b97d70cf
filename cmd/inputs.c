/* inputs.c - inputs of any kind (.def, objects, import libraries, PE
 * images) for the tools that take them all: each read once, its kind told
 * from the bytes read, and those bytes handed to the reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"

/* Text that starts (after blank lines and ';' comments) with a .def keyword. */
static bool looks_like_def(const unsigned char *p, size_t n)
{
	static const char *const words[] = { "LIBRARY", "NAME", "EXPORTS", "IMPORTS", "DESCRIPTION",
					     "HEAPSIZE", "STACKSIZE", "VERSION", "SECTIONS",
					     "SEGMENTS", "STUB", "EXETYPE", "CODE", "DATA", NULL };
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3; /* UTF-8 BOM */
	while (i < n) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i < n && p[i] == ';') {
			while (i < n && p[i] != '\n')
				i++;
			continue;
		}
		break;
	}
	for (const char *const *w = words; *w; w++) {
		size_t k = strlen(*w);
		if (i + k <= n && memcmp(p + i, *w, k) == 0 &&
		    (i + k == n || !((p[i + k] >= 'A' && p[i + k] <= 'Z') || p[i + k] == '_')))
			return true;
	}
	return i == n; /* blank or comments only: an empty .def */
}

cli_kind cli_classify(const char *path, const unsigned char *h, size_t len)
{
	/* The text heuristics look at the first 512 bytes. */
	size_t n = len < 512 ? len : 512, plen = strlen(path);

	if (n >= 8 && memcmp(h, "!<arch>\n", 8) == 0)
		return dk_is_implib_mem(h, len) ? CLI_IMPLIB : CLI_OBJECT;
	if (n >= 8 && memcmp(h, "!<thin>\n", 8) == 0)
		return CLI_OBJECT; /* refused by the reader, in its words */
	if (n >= 2 && h[0] == 'M' && h[1] == 'Z')
		return CLI_IMAGE;
	if (n >= 4) {
		unsigned mach = h[0] | h[1] << 8;
		if (mach == DK_MACHINE_I386 || mach == DK_MACHINE_AMD64 || mach == DK_MACHINE_ARM64 ||
		    mach == DK_MACHINE_ARM64EC || mach == DK_MACHINE_ARMNT ||
		    (mach == 0 && h[2] == 0xff && h[3] == 0xff))
			return CLI_OBJECT;
	}
	if (n == 0 || memchr(h, '\0', n))
		return CLI_OTHER;
	if (plen > 4 && strcasecmp(path + plen - 4, ".def") == 0)
		return CLI_DEF;
	return looks_like_def(h, n) ? CLI_DEF : CLI_OTHER;
}

cli_kind cli_input_read(dk_input *in, const char *path, dk_sink *s)
{
	if (dk_input_read(in, path, s) != DK_OK)
		return CLI_UNREADABLE;
	return cli_classify(path, in->data, in->len);
}

bool cli_inputs_read(cli_inputs *ins, char *const *paths, size_t n, dk_sink *s)
{
	bool ok = true;

	memset(ins, 0, sizeof *ins);
	ins->v = calloc(n ? n : 1, sizeof *ins->v);
	ins->kind = calloc(n ? n : 1, sizeof *ins->kind);
	if (!ins->v || !ins->kind) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return false;
	}
	ins->n = n;
	for (size_t i = 0; i < n; i++) {
		ins->kind[i] = cli_input_read(&ins->v[i], paths[i], s);
		ins->v[i].name = paths[i];
		if (ins->kind[i] == CLI_UNREADABLE) {
			ok = false;
		} else if (ins->kind[i] == CLI_OTHER) {
			dk_loc loc = dk_loc_file(paths[i]);
			dk_report(s, DK_ERROR, &loc, "%s", other_kind(ins->v[i].data, ins->v[i].len));
			ok = false;
		}
	}
	return ok;
}

void cli_inputs_free(cli_inputs *ins)
{
	for (size_t i = 0; i < ins->n; i++)
		dk_input_free(&ins->v[i]);
	free(ins->v);
	free(ins->kind);
	memset(ins, 0, sizeof *ins);
}

void cli_name_inputs(char *buf, size_t size, const cli_inputs *ins)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ins->n && at < size; i++) {
		if (i == 3 && ins->n > 4) {
			snprintf(buf + at, size - at, " and %zu more", ins->n - 3);
			return;
		}
		at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? ", " : "", ins->v[i].name);
	}
}

const char *cli_kind_name(cli_kind k)
{
	switch (k) {
	case CLI_OTHER: return "file of another kind";
	case CLI_DEF: return "module-definition file";
	case CLI_OBJECT: return "objects";
	case CLI_IMPLIB: return "import library";
	case CLI_IMAGE: return "PE image";
	default: return "unreadable";
	}
}

/* Why a file is none of the kinds the tools read. */
const char *other_kind(const unsigned char *h, size_t n)
{
	if (n == 0)
		return "empty file, not a COFF object, archive, PE image or .def file";
	if (n >= 2 && ((h[0] == 0xff && h[1] == 0xfe) || (h[0] == 0xfe && h[1] == 0xff)))
		return "UTF-16 text: save a .def file as UTF-8 (or ASCII) for dllkit to read it";
	if (n >= 4 && memcmp(h, "\x7f" "ELF", 4) == 0)
		return "an ELF file, not a COFF object, archive, PE image or .def file";
	if (n >= 4 && (memcmp(h, "BC\xc0\xde", 4) == 0 || memcmp(h, "\xde\xc0\x17\x0b", 4) == 0))
		return "LLVM bitcode (clang -flto): what it exports is decided only when it is "
		       "linked; compile the DLL's objects without -flto for dllkit to read them";
	return "not a COFF object, archive, PE image or .def file";
}

/*
 * Several names on one function (an image's name table may point two
 * names at one ordinal): a .def cannot give two exports one ordinal, so
 * the later names become aliases of the first (`alias = first`), which
 * export the same function under a new ordinal.
 */
int cli_image_aliases(dk_module *m, dk_sink *s)
{
	/* The names of one ordinal are adjacent; each later one is made an
	 * alias of the run's first (which keeps the ordinal), however many
	 * there are: looking only at the export right before missed the third
	 * name, whose neighbour had already lost its ordinal. */
	size_t first = 0;
	uint32_t run = 0;

	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		if (i == 0 || !e->ordinal || e->ordinal != run) {
			first = i;
			run = e->ordinal;
			continue;
		}
		if (!e->forward) {
			free(e->internal);
			e->internal = strdup(m->exports[first].name);
			if (!e->internal) {
				dk_report(s, DK_ERROR, NULL, "out of memory");
				return DK_FAIL;
			}
		}
		e->ordinal = 0;
		e->flags &= ~DK_EXPORT_NONAME;
	}
	return DK_OK;
}

int cli_load_module(const dk_input *in, cli_kind kind, const char *dll, const dk_read_opts *ro,
		    dk_module *m, dk_image *img, dk_sink *s)
{
	dk_loc loc = dk_loc_file(in->name);
	int rc = DK_FAIL;

	switch (kind) {
	case CLI_UNREADABLE:
		return DK_FAIL; /* reported when it was read */
	case CLI_OTHER:
		dk_report(s, DK_ERROR, &loc, "%s", other_kind(in->data, in->len));
		return DK_FAIL;
	case CLI_DEF:
		return dk_def_parse(m, (const char *)in->data, in->len, in->name, s);
	case CLI_OBJECT:
		if (dk_read_inputs_mem(m, in, 1, ro, s) != DK_OK)
			return DK_FAIL;
		return dk_module_dedupe(m, s, NULL);
	case CLI_IMAGE: {
		dk_image tmp;
		rc = dk_read_image_mem(m, img ? img : &tmp, in->data, in->len, in->name, s);
		if (!img)
			dk_image_free(&tmp);
		if (rc == DK_OK && m->name)
			m->has_name_stmt = true;
		/* i386: a DLL built by link.exe exports stdcall functions as
		 * `_f@8` (symbol `_f@8`), one built by ld as `f@8`. */
		if (rc == DK_OK && m->machine == DK_MACHINE_I386 && !m->dialect)
			m->dialect = dk_i386_guess_dialect(m);
		return rc;
	}
	case CLI_IMPLIB: {
		dk_implib lib;
		memset(&lib, 0, sizeof lib);
		if (dk_read_implib_mem(&lib, in->data, in->len, in->name, s) == DK_OK) {
			/* Say which file names several DLLs, and how to pick one. */
			const char *first = lib.n ? lib.v[0].dll : NULL, *other = NULL;
			for (size_t i = 1; i < lib.n && !other; i++)
				if (strcmp(lib.v[i].dll, first) != 0)
					other = lib.v[i].dll;
			if (other && !dll)
				dk_report(s, DK_ERROR, &loc,
					  "imports from more than one DLL (%s, %s, ...); pick one with --dll NAME",
					  first, other);
			else
				rc = dk_implib_to_module(&lib, dll, m, s);
		}
		dk_implib_free(&lib);
		return rc;
	}
	}
	return DK_FAIL;
}

/* The exports --recover-stdcall left as they are, for the note: [0]
 * those with a plain ret (cdecl, or stdcall without arguments), [1] the
 * others. */
typedef struct undecided {
	bool explain;
	const char *path;
	size_t n[2];
	char *first[2][5];
} undecided;

static void on_undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	undecided *u = ctx;
	int k = plain_ret ? 0 : 1;
	if (u->explain)
		cli_message(u->path, "note", "\"%s\" kept its name: %s", e->name, why);
	else if (u->n[k] < sizeof u->first[k] / sizeof u->first[k][0])
		u->first[k][u->n[k]] = strdup(e->name); /* NULL (out of memory) only shortens the note */
	u->n[k]++;
}

/* "a, b, c, ..." of the first names kept. */
static void name_list(char *buf, size_t size, char *const *first, size_t n)
{
	size_t at = 0, shown = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 5; i++) {
		if (!first[i] || at >= size)
			continue;
		at += (size_t)snprintf(buf + at, size - at, "%s%s", shown++ ? ", " : "", first[i]);
	}
	if (n > shown && at < size)
		snprintf(buf + at, size - at, "%s...", shown ? ", " : "");
}

int cli_load_image_recover(const dk_input *in, bool explain, bool aliases, dk_module *m,
			   dk_sink *s)
{
	const char *path = in->name;
	dk_loc loc = dk_loc_file(path);
	const void *data = in->data;
	size_t len = in->len;
	dk_image img;
	undecided u;
	long got;
	int rc = DK_FAIL;
	size_t before;

	memset(&img, 0, sizeof img);
	memset(&u, 0, sizeof u);
	u.explain = explain;
	u.path = path;
	if (dk_read_image_mem(m, &img, data, len, path, s) != DK_OK)
		goto out;
	if (m->name)
		m->has_name_stmt = true;
	if (m->machine != DK_MACHINE_I386) {
		dk_report(s, DK_ERROR, &loc,
			  "--recover-stdcall reads i386 code; this image is for %s, whose names "
			  "carry no @N",
			  dk_machine_name(m->machine));
		goto out;
	}
	before = m->nexports;
	got = dk_image_recover_stdcall(m, data, len, path, aliases ? DK_RECOVER_ALIASES : 0,
				       on_undecided, &u, s);
	if (got < 0)
		goto out;
	if (!u.n[0] && !u.n[1] && !got) {
		dk_report(s, DK_NOTE, &loc,
			  "no export needed its @N back: none is an undecorated i386 function");
	} else if (u.n[0] || u.n[1]) {
		char plain[400], other[400];
		name_list(plain, sizeof plain, u.first[0], u.n[0]);
		name_list(other, sizeof other, u.first[1], u.n[1]);
		if (explain)
			plain[0] = other[0] = '\0';
		/* One note, in parts: what was decided, the plain rets (most
		 * likely cdecl), and what the code did not decide. */
		char msg[1200];
		int at = snprintf(msg, sizeof msg, "%ld export%s given @N from the code", got,
				  got == 1 ? "" : "s");
		if (u.n[0] && at >= 0 && (size_t)at < sizeof msg)
			at += snprintf(msg + at, sizeof msg - (size_t)at,
				       "; %zu return%s with a plain ret (cdecl, or stdcall without "
				       "arguments) and %s%s%s",
				       u.n[0], u.n[0] == 1 ? "s" : "",
				       aliases ? (u.n[0] == 1 ? "is imported as both f and f@0"
								       : "are imported as both f and f@0")
				       : u.n[0] == 1	  ? "keeps its name"
							  : "keep their names",
				       *plain ? ": " : "", plain);
		if (u.n[1] && at >= 0 && (size_t)at < sizeof msg)
			at += snprintf(msg + at, sizeof msg - (size_t)at,
				       "; %zu kept %s name%s, the code does not show %s decoration%s%s%s",
				       u.n[1], u.n[1] == 1 ? "its" : "their", u.n[1] == 1 ? "" : "s",
				       u.n[1] == 1 ? "its" : "their", *other ? ": " : "", other,
				       m->nexports - before > u.n[0]
					       ? " (where it leaves two open, imported under both)"
					       : "");
		if (!explain && at >= 0 && (size_t)at < sizeof msg)
			snprintf(msg + at, sizeof msg - (size_t)at, " (%s says why for each)",
				 strcmp(progname, "mkdef") == 0 ? "--explain"
								: "mkdef --recover-stdcall --explain");
		dk_report(s, DK_NOTE, &loc, "%s", msg);
	}
	rc = DK_OK;
out:
	for (size_t i = 0; i < 5; i++) {
		free(u.first[0][i]);
		free(u.first[1][i]);
	}
	dk_image_free(&img);
	return rc;
}
