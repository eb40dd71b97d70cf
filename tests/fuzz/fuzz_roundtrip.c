/* fuzz_roundtrip.c - libFuzzer target: a .def through every writer and
 * back through dllkit's own readers.
 *
 * Input: one byte of options, then a .def text.  The options byte:
 *   bits 0-1  archive kind (default, GNU, COFF, default)
 *   bit 2     i386: kill-at
 *   bit 3     i386: no leading underscore
 *   bit 4     i386: the .def is in link.exe naming (--dialect msvc)
 *
 * Promises checked (a difference aborts with a line saying which):
 *   - .def writer -> .def parser gives the same module, field by field, and
 *     writing that again gives the same bytes;
 *   - for every machine and every format (short, long, and delay-load,
 *     which holds the functions only), the import
 *     library the writer makes is read back by dllkit's import-library
 *     reader without a word, and holds exactly the imports the writer meant
 *     (symbol, DLL, the name the loader looks up or the ordinal, the kind);
 *     a writer that refuses says why;
 *   - the library read back as a module (dk_implib_to_module) and written
 *     again imports the same names and ordinals (or the writer says why
 *     not). */
#include "fuzz.h"
#include "write_implib_private.h"

static const dk_machine machines[] = { DK_MACHINE_I386, DK_MACHINE_AMD64, DK_MACHINE_ARM64,
				       DK_MACHINE_ARM64EC, DK_MACHINE_ARMNT };

/* One import, as written (from dk_import_entries) or as read back. */
typedef struct imp {
	const char *symbol;
	const char *name; /* NULL: by ordinal */
	unsigned ordinal, type;
	char *owned;      /* a demangled symbol to free */
} imp;

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_imp(const void *pa, const void *pb)
{
	const imp *a = pa, *b = pb;
	int c = strcmp(a->symbol, b->symbol);
	if (!c)
		c = cmp_str(a->name, b->name);
	if (!c)
		c = (a->ordinal > b->ordinal) - (a->ordinal < b->ordinal);
	if (!c)
		c = (a->type > b->type) - (a->type < b->type);
	return c;
}

static const char *what(const dk_implib_opts *o)
{
	static char buf[128];
	snprintf(buf, sizeof buf, "%s %s library (archive %d, kill-at %d, no-underscore %d, dialect %d)",
		 dk_machine_name(o->machine),
		 o->format == DK_IMPLIB_DELAY ? "delay" : o->format == DK_IMPLIB_LONG ? "long" : "short",
		 (int)o->archive, o->kill_at, o->no_leading_underscore, (int)o->dialect);
	return buf;
}

static const dk_implib *sort_lib;

static int cmp_by_symbol(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = strcmp(sort_lib->v[a].symbol, sort_lib->v[b].symbol);
	return c ? c : (a > b) - (a < b);
}

/* The names (or "#ordinal") a library makes a client load: for each
 * symbol its first import, as a linker takes the first member that
 * defines it (a .def may list one name twice; the second import is dead). */
static char **loads(const dk_implib *lib, size_t *n)
{
	char **v = calloc(lib->n ? lib->n : 1, sizeof *v);
	size_t *order = calloc(lib->n ? lib->n : 1, sizeof *order), k = 0;
	if (!v || !order)
		abort();
	for (size_t i = 0; i < lib->n; i++)
		order[i] = i;
	sort_lib = lib;
	qsort(order, lib->n, sizeof *order, cmp_by_symbol);
	for (size_t r = 0; r < lib->n; r++) {
		const dk_implib_entry *x = &lib->v[order[r]];
		char buf[32];
		const char *s = x->name;
		if (r && strcmp(lib->v[order[r - 1]].symbol, x->symbol) == 0)
			continue; /* not the first of its symbol */
		if (x->by_ordinal) {
			snprintf(buf, sizeof buf, "#%u", x->ordinal);
			s = buf;
		}
		if (!(v[k++] = strdup(s)))
			abort();
	}
	free(order);
	*n = k;
	return v;
}

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t uniq(char **v, size_t n)
{
	size_t k = 0;
	qsort(v, n, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < n; i++) {
		if (k && strcmp(v[k - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* lib -> module -> library again: the same names loaded. */
static void again(const dk_implib *lib, const dk_implib_opts *o)
{
	fuzz_diags g;
	dk_sink s = fuzz_keeping(&g);
	dk_module m;
	dk_implib lib2;
	dk_implib_opts o2 = *o;
	char *data;
	size_t len, n1, n2;

	dk_module_init(&m);
	if (dk_implib_to_module(lib, NULL, &m, &s) != DK_OK)
		fuzz_fail("%s: read back, not a module: %s", what(o), g.first);
	/* The module is in GNU naming with the symbols as names: written
	 * again as it is, without kill-at or the MSVC dialect. */
	o2.kill_at = false;
	o2.dialect = DK_DIALECT_GNU;
	o2.dll_name = m.name;
	/* A refusal with a word is allowed: an ARM64EC name the .def gave
	 * mangled (`?f@N$$h@QBEHXZ`, taken as it is, as llvm-dlltool does)
	 * reads back demangled to a C++ name that cannot be mangled again. */
	if (dk_implib_write(&m, &o2, &data, &len, &s) != DK_OK) {
		if (!s.errors)
			fuzz_fail("%s: the module read back does not write, without a word", what(o));
		dk_module_free(&m);
		return;
	}
	memset(&lib2, 0, sizeof lib2);
	s = fuzz_keeping(&g);
	if (dk_read_implib_mem(&lib2, data, len, "again.lib", &s) != DK_OK)
		fuzz_fail("%s: written again, not read: %s", what(o), g.first);
	char **a = loads(lib, &n1), **b = loads(&lib2, &n2);
	n1 = uniq(a, n1);
	n2 = uniq(b, n2);
	for (size_t i = 0, j = 0; i < n1 || j < n2;) {
		int c = i == n1 ? 1 : j == n2 ? -1 : strcmp(a[i], b[j]);
		if (c < 0)
			fuzz_fail("%s: read as a module and written again, \"%s\" is no longer loaded "
				  "(%zu names before, %zu after)", what(o), a[i], n1, n2);
		if (c > 0)
			fuzz_fail("%s: read as a module and written again, \"%s\" is loaded too "
				  "(%zu names before, %zu after)", what(o), b[j], n1, n2);
		i++;
		j++;
	}
	free_strs(a, n1);
	free_strs(b, n2);
	dk_implib_free(&lib2);
	free(data);
	dk_module_free(&m);
}

static void one_library(const dk_module *m, const dk_implib_opts *o)
{
	fuzz_diags g;
	dk_sink s = fuzz_keeping(&g);
	char *data = NULL;
	size_t len = 0;
	dk_import_entry *want = NULL;
	size_t nwant = 0;
	dk_implib lib;
	imp *a, *b;
	const char *dll = dk_dll_basename(o->dll_name);

	if (dk_implib_write(m, o, &data, &len, &s) != DK_OK) {
		if (s.errors == 0)
			fuzz_fail("%s: the writer failed without a word", what(o));
		return;
	}
	if (dk_import_entries(m, o, &want, &nwant, &s) != DK_OK)
		fuzz_fail("%s: no import list: %s", what(o), g.first);
	if (o->format == DK_IMPLIB_DELAY) {
		/* A delay-load library holds the functions only. */
		size_t k = 0;
		for (size_t i = 0; i < nwant; i++) {
			if (want[i].type == DK_IMPORT_CODE) {
				want[k++] = want[i];
				continue;
			}
			free(want[i].symbol);
			free(want[i].load_name);
			free(want[i].export_as);
		}
		nwant = k;
	}
	memset(&lib, 0, sizeof lib);
	s = fuzz_keeping(&g);
	if (dk_read_implib_mem(&lib, data, len, "written.lib", &s) != DK_OK)
		fuzz_fail("%s: dllkit refuses the library it wrote: %s", what(o), g.first);
	if (s.errors || s.warnings)
		fuzz_fail("%s: reading the library it wrote says something: %s", what(o), g.first);
	if (!dk_is_implib_mem(data, len) && nwant)
		fuzz_fail("%s: the library written is not an import library", what(o));
	if (lib.machine != o->machine && nwant)
		fuzz_fail("%s: read back as %s", what(o), fuzz_s(dk_machine_name(lib.machine)));
	if (lib.n != nwant)
		fuzz_fail("%s: %zu imports written, %zu read back", what(o), nwant, lib.n);

	a = calloc(nwant ? nwant : 1, sizeof *a);
	b = calloc(nwant ? nwant : 1, sizeof *b);
	if (!a || !b)
		abort();
	for (size_t i = 0; i < nwant; i++) {
		const dk_import_entry *x = &want[i];
		const dk_implib_entry *y = &lib.v[i];
		a[i].symbol = x->symbol;
		/* ARM64EC imports are linked by their demangled symbol, data too
		 * (as LLVM's tools read them: `#d DATA` gives __imp_d). */
		if (o->machine == DK_MACHINE_ARM64EC && dk_arm64ec_is_mangled(x->symbol) &&
		    (a[i].owned = dk_arm64ec_demangle(x->symbol)) != NULL)
			a[i].symbol = a[i].owned;
		a[i].name = x->name_type == DK_NAME_ORDINAL ? NULL : x->load_name;
		a[i].ordinal = x->ordinal;
		a[i].type = x->type;
		b[i].symbol = y->symbol;
		b[i].name = y->by_ordinal ? NULL : y->name;
		b[i].ordinal = y->ordinal;
		b[i].type = y->type;
		if (strcmp(y->dll, dll) != 0)
			fuzz_fail("%s: import of %s read from \"%s\", written for \"%s\"", what(o),
				  y->symbol, y->dll, dll);
		if (y->short_format != (o->format == DK_IMPLIB_SHORT))
			fuzz_fail("%s: import of %s read back in the other format", what(o), y->symbol);
		if (y->delay != (o->format == DK_IMPLIB_DELAY))
			fuzz_fail("%s: import of %s read back %sdelay-load", what(o), y->symbol,
				  y->delay ? "" : "not ");
		if (y->by_ordinal ? y->name != NULL : y->name == NULL)
			fuzz_fail("%s: import of %s: by ordinal %d with name %s", what(o), y->symbol,
				  y->by_ordinal, fuzz_s(y->name));
	}
	qsort(a, nwant, sizeof *a, cmp_imp);
	qsort(b, nwant, sizeof *b, cmp_imp);
	for (size_t i = 0; i < nwant; i++)
		if (cmp_imp(&a[i], &b[i]) != 0)
			fuzz_fail("%s: written symbol %s name %s ordinal %u type %u; read symbol %s "
				  "name %s ordinal %u type %u",
				  what(o), a[i].symbol, fuzz_s(a[i].name), a[i].ordinal, a[i].type,
				  b[i].symbol, fuzz_s(b[i].name), b[i].ordinal, b[i].type);
	if (lib.n)
		again(&lib, o);
	for (size_t i = 0; i < nwant; i++)
		free(a[i].owned);
	free(a);
	free(b);
	dk_implib_free(&lib);
	dk_import_entries_free(want, nwant);
	free(data);
}

static void def_round_trip(const dk_module *m)
{
	dk_sink quiet = fuzz_quiet();
	fuzz_diags g;
	dk_sink s = fuzz_keeping(&g);
	char *t1 = NULL, *t2 = NULL;
	size_t l1, l2, at;
	dk_module back;
	const char *field;

	if (dk_def_write(m, &t1, &l1, &quiet) != DK_OK) {
		if (quiet.errors == 0)
			fuzz_fail(".def writer failed without a word");
		free(t1);
		return;
	}
	dk_module_init(&back);
	if (dk_def_parse(&back, t1, l1, "written.def", &s) != DK_OK)
		fuzz_fail(".def parser refuses what the .def writer wrote: %s", g.first);
	if ((field = fuzz_module_diff(m, &back, &at)) != NULL)
		fuzz_fail(".def written and parsed again: %s differs (at %zu)", field, at);
	if (dk_def_write(&back, &t2, &l2, &s) != DK_OK || l1 != l2 || memcmp(t1, t2, l1) != 0)
		fuzz_fail(".def written, parsed and written again: other bytes");
	free(t1);
	free(t2);
	dk_module_free(&back);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_module m;
	unsigned opt;

	if (size < 1)
		return 0;
	opt = data[0];
	dk_module_init(&m);
	if (dk_def_parse(&m, (const char *)data + 1, size - 1, "fuzz.def", &quiet) != DK_OK) {
		if (quiet.errors == 0)
			fuzz_fail(".def parser failed without a word");
		dk_module_free(&m);
		return -1; /* not worth keeping in the corpus */
	}
	def_round_trip(&m);
	for (size_t mi = 0; mi < sizeof machines / sizeof machines[0]; mi++)
		for (int f = 0; f < 3; f++) {
			dk_implib_opts o;
			memset(&o, 0, sizeof o);
			o.machine = machines[mi];
			o.format = (dk_implib_format)f;
			o.archive = (dk_archive_kind)((opt & 3) == 3 ? 0 : opt & 3);
			o.dll_name = m.name && *m.name ? m.name : "fuzz.dll";
			if (o.machine == DK_MACHINE_I386) {
				o.kill_at = opt & 4;
				o.no_leading_underscore = opt & 8;
				o.dialect = opt & 16 ? DK_DIALECT_MSVC : DK_DIALECT_GNU;
			}
			one_library(&m, &o);
		}
	dk_module_free(&m);
	return 0;
}
