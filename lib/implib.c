/* implib.c - import libraries: from the export set to the list of imports,
 * and the entry point that picks the writer. */
#include <stdlib.h>
#include <string.h>
#include "implib.h"

const char *dk_dll_basename(const char *dll_name)
{
	const char *base = dll_name;

	for (const char *p = dll_name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	return base;
}

/* As llvm::sys::path::stem: the file name up to its last '.', so "foo.dll"
 * -> "foo", "a.b.dll" -> "a.b", ".dll" -> "", "foo" -> "foo". */
char *dk_dll_stem(const char *dll_name)
{
	const char *base = dk_dll_basename(dll_name), *dot = strrchr(base, '.');

	if (!dot || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return dk_strdup(base);
	return dk_strndup(base, (size_t)(dot - base));
}

void dk_import_entries_free(dk_import_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].symbol);
		free(v[i].load_name);
		free(v[i].export_as);
	}
	free(v);
}

/* What a short-import name type makes of the symbol (the PE/COFF spec,
 * 7.3, as link.exe and lld-link apply it):
 *   NOPREFIX    drops one leading '?', '@' or '_';
 *   UNDECORATE  does that and cuts at the first '@' left. */
const char *dk_name_noprefix(const char *sym)
{
	return *sym == '?' || *sym == '@' || *sym == '_' ? sym + 1 : sym;
}

char *dk_name_undecorate(const char *sym)
{
	const char *p = dk_name_noprefix(sym);
	return dk_strndup(p, strcspn(p, "@"));
}

/* An ARM64EC symbol that already carries the EC mangling: `#f`, or a C++
 * name with `$$h`. */
bool dk_arm64ec_is_mangled(const char *sym)
{
	return sym[0] == '#' || (sym[0] == '?' && strstr(sym, "$$h") != NULL);
}

/* `#f` -> `f`, `?f@@$$hYAXXZ` -> `?f@@YAXXZ`; NULL when not EC-mangled. */
char *dk_arm64ec_demangle(const char *sym)
{
	const char *h;
	dk_buf b;

	if (sym[0] == '#')
		return dk_strdup(sym + 1);
	if (sym[0] != '?' || !(h = strstr(sym, "$$h")) || !h[3])
		return NULL;
	dk_buf_init(&b);
	dk_buf_add(&b, sym, (size_t)(h - sym));
	dk_buf_adds(&b, h + 3);
	return dk_buf_take(&b, NULL);
}

static bool streq_free(char *a, const char *b)
{
	bool r = a && strcmp(a, b) == 0;
	free(a);
	return r;
}

/*
 * One import.  The rules are llvm-dlltool's (its .def parser, its driver
 * and writeImportLibrary), so that our short libraries match its bytes;
 * where they import the wrong name we do not (tests/cli/mkimplib_short.sh
 * shows each such case beside llvm-dlltool):
 *   symbol     the .def name, on i386 with the C '_' unless decorated
 *              (see dk_i386_def_name_is_symbol) or --no-leading-underscore;
 *   NONAME     by ordinal;
 *   EXPORTAS   the given name, as given;
 *   == name    i386: UNDECORATE or NOPREFIX when either gives the name,
 *              else NAME when the symbol is the name (not on ARM64EC), else EXPORTAS
 *              (the short writer may make that a weak alias instead);
 *   -k         i386, not for `?` names: `_f@8` and `@f@8` -> UNDECORATE ("f");
 *   otherwise  i386: NOPREFIX for a symbol with a C '_' (GNU: any '_';
 *              MSVC: only the one we added, `_f@8` stays NAME), else NAME.
 * llvm-dlltool with --no-leading-underscore gives `_f` NOPREFIX and so
 * imports `f`; we import `_f`, the name the .def gives.
 */
static int import_one(const dk_export *e, const dk_implib_opts *o, dk_dialect dialect,
		      dk_import_entry *x)
{
	bool i386 = o->machine == DK_MACHINE_I386;
	bool prefixed = i386 && !o->no_leading_underscore && !dk_i386_def_name_is_symbol(e->name, dialect);
	const char *sym;
	char *load = NULL;

	x->e = e;
	x->type = e->flags & DK_EXPORT_CONSTANT ? DK_IMPORT_CONST
		  : e->flags & DK_EXPORT_DATA   ? DK_IMPORT_DATA
						: DK_IMPORT_CODE;
	x->ordinal = (uint16_t)e->ordinal;
	if (prefixed) {
		dk_buf b;
		dk_buf_init(&b);
		dk_buf_addc(&b, '_');
		dk_buf_adds(&b, e->name);
		x->symbol = dk_buf_take(&b, NULL);
	} else {
		x->symbol = dk_strdup(e->name);
	}
	if (!x->symbol)
		return DK_FAIL;
	sym = x->symbol;

	if (e->flags & DK_EXPORT_NONAME) {
		x->name_type = DK_NAME_ORDINAL;
		return DK_OK;
	}
	if (e->export_as) {
		load = dk_strdup(e->export_as);
		x->name_type = DK_NAME_EXPORTAS;
	} else if (e->import_name) {
		load = dk_strdup(e->import_name);
		if (i386 && streq_free(dk_name_undecorate(sym), e->import_name))
			x->name_type = DK_NAME_UNDECORATE;
		else if (i386 && strcmp(dk_name_noprefix(sym), e->import_name) == 0)
			x->name_type = DK_NAME_NOPREFIX;
		else if (o->machine != DK_MACHINE_ARM64EC && strcmp(sym, e->import_name) == 0)
			x->name_type = DK_NAME_NAME; /* (ARM64EC: always EXPORTAS) */
		else
			x->name_type = DK_NAME_EXPORTAS;
	} else if (o->kill_at && i386 && sym[0] != '?' && sym[0] && strchr(sym + 1, '@')) {
		if (o->no_leading_underscore && sym[0] == '_') {
			/* No C prefix to drop: UNDECORATE would drop the '_'. */
			load = dk_strndup(sym, (size_t)(strchr(sym + 1, '@') - sym));
			x->name_type = DK_NAME_EXPORTAS;
		} else {
			load = dk_name_undecorate(sym);
			x->name_type = DK_NAME_UNDECORATE;
		}
	} else if (o->machine == DK_MACHINE_ARM64EC && x->type == DK_IMPORT_CODE &&
		   dk_arm64ec_is_mangled(sym) && (load = dk_arm64ec_demangle(sym)) != NULL) {
		/* `#f` in the .def: the DLL exports `f` (llvm-dlltool). */
		x->name_type = DK_NAME_EXPORTAS;
	} else {
		bool c_prefix = prefixed || (i386 && !o->no_leading_underscore &&
					     dialect != DK_DIALECT_MSVC && sym[0] == '_');
		x->name_type = c_prefix ? DK_NAME_NOPREFIX : DK_NAME_NAME;
		load = dk_strdup(c_prefix ? dk_name_noprefix(sym) : sym);
	}
	if (!load)
		return DK_FAIL;
	x->load_name = load;
	if (x->name_type == DK_NAME_EXPORTAS && !(x->export_as = dk_strdup(load)))
		return DK_FAIL;
	return DK_OK;
}

int dk_import_entries(const dk_module *m, const dk_implib_opts *o, dk_import_entry **out,
		      size_t *n, dk_sink *s)
{
	dk_import_entry *v = calloc(m->nexports ? m->nexports : 1, sizeof *v);
	dk_dialect dialect = o->dialect ? o->dialect : DK_DIALECT_GNU;
	size_t k = 0;

	if (!v)
		goto nomem;
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];

		if (e->flags & DK_EXPORT_PRIVATE)
			continue;
		if (import_one(e, o, dialect, &v[k++]) != DK_OK)
			goto nomem;
	}
	*out = v;
	*n = k;
	return DK_OK;
nomem:
	dk_import_entries_free(v, k);
	dk_report(s, DK_ERROR, NULL, "out of memory");
	return DK_FAIL;
}

int dk_implib_write(const dk_module *m, const dk_implib_opts *o, char **out, size_t *len,
		    dk_sink *s)
{
	dk_import_entry *v = NULL;
	size_t n = 0;
	dk_buf b;
	dk_ar_kind kind;
	int rc;

	*out = NULL;
	*len = 0;
	if (!dk_machine_name(o->machine)) {
		dk_report(s, DK_ERROR, NULL, "no machine given for the import library");
		return DK_FAIL;
	}
	if (!o->dll_name || !*o->dll_name) {
		dk_report(s, DK_ERROR, NULL, "no DLL name given for the import library");
		return DK_FAIL;
	}
	if (dk_module_check(m, s, NULL) != DK_OK)
		return DK_FAIL;
	if (dk_import_entries(m, o, &v, &n, s) != DK_OK)
		return DK_FAIL;
	kind = o->archive == DK_ARCHIVE_GNU    ? DK_AR_GNU
	       : o->archive == DK_ARCHIVE_COFF ? DK_AR_COFF
	       : o->format == DK_IMPLIB_LONG   ? DK_AR_GNU
					       : DK_AR_COFF;
	dk_buf_init(&b);
	if (o->format == DK_IMPLIB_LONG)
		rc = dk_implib_write_long(o, v, n, kind, &b, s);
	else
		rc = dk_implib_write_short(o, v, n, kind, &b, s);
	dk_import_entries_free(v, n);
	if (rc != DK_OK) {
		dk_buf_free(&b);
		return DK_FAIL;
	}
	*out = dk_buf_take(&b, len);
	if (!*out) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return DK_FAIL;
	}
	return DK_OK;
}
