/* read_any.c - inputs of any kind (.def, objects, import libraries, PE
 * images): the kind told from the bytes already read (so a pipe works as a
 * file does), and those same bytes handed to the reader of that kind.
 * Policy that depends on a tool's options (which kinds it takes, what it
 * says about them) stays in the tools. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dllkit_private.h"

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

dk_input_kind dk_input_classify(const char *name, const void *data, size_t len)
{
	const unsigned char *h = data;
	/* The text heuristics look at the first 512 bytes. */
	size_t n = len < 512 ? len : 512, plen = name ? strlen(name) : 0;

	if (n >= 8 && memcmp(h, "!<arch>\n", 8) == 0)
		return dk_is_implib_mem(h, len) ? DK_INPUT_IMPLIB : DK_INPUT_OBJECTS;
	if (n >= 8 && memcmp(h, "!<thin>\n", 8) == 0)
		return DK_INPUT_OBJECTS; /* refused by the reader, in its words */
	if (n >= 2 && h[0] == 'M' && h[1] == 'Z')
		return DK_INPUT_IMAGE;
	if (n >= 4) {
		unsigned mach = h[0] | h[1] << 8;
		if (mach == DK_MACHINE_I386 || mach == DK_MACHINE_AMD64 || mach == DK_MACHINE_ARM64 ||
		    mach == DK_MACHINE_ARM64EC || mach == DK_MACHINE_ARMNT ||
		    (mach == 0 && h[2] == 0xff && h[3] == 0xff))
			return DK_INPUT_OBJECTS;
	}
	if (n == 0 || memchr(h, '\0', n))
		return DK_INPUT_OTHER;
	if (plen > 4 && strcasecmp(name + plen - 4, ".def") == 0)
		return DK_INPUT_DEF;
	return looks_like_def(h, n) ? DK_INPUT_DEF : DK_INPUT_OTHER;
}

const char *dk_input_kind_name(dk_input_kind k)
{
	switch (k) {
	case DK_INPUT_OTHER: return "file of another kind";
	case DK_INPUT_DEF: return "module-definition file";
	case DK_INPUT_OBJECTS: return "objects";
	case DK_INPUT_IMPLIB: return "import library";
	case DK_INPUT_IMAGE: return "PE image";
	case DK_INPUT_UNREAD: break;
	}
	return "unreadable";
}

const char *dk_input_other_reason(const void *data, size_t n)
{
	const unsigned char *h = data;

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

int dk_image_aliases(dk_module *m, dk_sink *s)
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
	/* ARM64X: the native view too. */
	return m->native ? dk_image_aliases(m->native, s) : DK_OK;
}

/* An image's export directory, and what its names say. */
static int load_image(dk_module *m, dk_image *img, const dk_input *in, bool no_origin,
		      dk_sink *s)
{
	if (dk_read_image_input_(m, img, in, 0, no_origin, s) != DK_OK)
		return DK_FAIL;
	if (m->name)
		m->has_name_stmt = true;
	/* i386: a DLL built by link.exe exports stdcall functions as
	 * `_f@8` (symbol `_f@8`), one built by ld as `f@8`. */
	if (m->machine == DK_MACHINE_I386 && !m->dialect)
		m->dialect = dk_i386_guess_dialect(m);
	return DK_OK;
}

/* The one DLL an import library names (or `dll`); several without `dll`
 * is an error that says how to pick one. */
static int load_implib(dk_module *m, const dk_input *in, const char *dll, dk_sink *s)
{
	dk_loc loc = dk_loc_file(in->name);
	dk_implib lib;
	int rc = DK_FAIL;

	memset(&lib, 0, sizeof lib);
	if (dk_read_implib_mem(&lib, in->data, in->len, in->name, s) == DK_OK) {
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

int dk_load_any(dk_module *m, const dk_input *in, dk_input_kind kind, const char *dll,
		const dk_read_opts *ro, dk_image *img, dk_sink *s)
{
	dk_loc loc = dk_loc_file(in->name);

	if (in->head_ && kind != DK_INPUT_IMAGE) {
		/* dk_input_open read only the head of this image. */
		dk_report(s, DK_ERROR, &loc, "is a PE image read only in part (dk_input_open), not %s",
			  dk_input_kind_name(kind));
		return DK_FAIL;
	}
	switch (kind) {
	case DK_INPUT_UNREAD:
		return DK_FAIL; /* reported when it was read */
	case DK_INPUT_OTHER:
		dk_report(s, DK_ERROR, &loc, "%s", dk_input_other_reason(in->data, in->len));
		return DK_FAIL;
	case DK_INPUT_DEF:
		return dk_def_parse(m, (const char *)in->data, in->len, in->name, s);
	case DK_INPUT_OBJECTS:
		/* An export object: its export directory, not its directives. */
		if (dk_is_exp_mem(in->data, in->len))
			return dk_read_exp_mem(m, in->data, in->len, in->name, s);
		if (dk_read_inputs_mem(m, in, 1, ro, s) != DK_OK)
			return DK_FAIL;
		return dk_module_dedupe(m, s, NULL);
	case DK_INPUT_IMAGE: {
		dk_image tmp;
		memset(&tmp, 0, sizeof tmp);
		int rc = load_image(m, img ? img : &tmp, in, ro && ro->no_origins, s);
		if (!img)
			dk_image_free(&tmp);
		return rc;
	}
	case DK_INPUT_IMPLIB:
		return load_implib(m, in, dll, s);
	}
	return DK_FAIL;
}
