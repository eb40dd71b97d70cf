/* implib.c - import libraries: from the export set to the list of imports,
 * and the entry point that picks the writer. */
#include <stdlib.h>
#include <string.h>
#include "implib.h"

char *dk_dll_stem(const char *dll_name)
{
	const char *base = dll_name, *dot;

	for (const char *p = dll_name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	dot = strrchr(base, '.');
	return dot && dot != base ? dk_strndup(base, (size_t)(dot - base)) : dk_strdup(base);
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

/* `_f@8` -> `f`, `@f@8` -> `f`, `_f` -> `f`: what NAME_UNDECORATE makes of a
 * symbol (the loader name is the symbol without its prefix character and
 * without anything from the first '@' after it). */
static char *undecorate(const char *sym)
{
	const char *p = sym;
	if (*p == '_' || *p == '@' || *p == '?')
		p++;
	return dk_strndup(p, strcspn(p, "@"));
}

/* How a short-import member says `load` for symbol `sym`. */
static unsigned name_type_for(const char *sym, const char *load, dk_machine machine,
			      char **export_as)
{
	char *u;
	unsigned t;

	*export_as = NULL;
	if (strcmp(sym, load) == 0)
		return DK_NAME_NAME;
	if (machine == DK_MACHINE_I386 && sym[0] == '_' && strcmp(sym + 1, load) == 0)
		return DK_NAME_NOPREFIX;
	u = undecorate(sym);
	t = u && strcmp(u, load) == 0 ? DK_NAME_UNDECORATE : DK_NAME_EXPORTAS;
	free(u);
	if (t == DK_NAME_EXPORTAS)
		*export_as = dk_strdup(load);
	return t;
}

int dk_import_entries(const dk_module *m, const dk_implib_opts *o, dk_import_entry **out,
		      size_t *n, dk_sink *s)
{
	dk_import_entry *v = calloc(m->nexports ? m->nexports : 1, sizeof *v);
	dk_dialect dialect = o->dialect ? o->dialect : DK_DIALECT_GNU;
	dk_machine symmach = o->no_leading_underscore ? DK_MACHINE_AMD64 : o->machine;
	size_t k = 0;

	if (!v)
		goto nomem;
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		dk_import_entry *x = &v[k];
		char *load;

		if (e->flags & DK_EXPORT_PRIVATE)
			continue;
		k++;
		x->e = e;
		x->type = e->flags & DK_EXPORT_CONSTANT ? DK_IMPORT_CONST
			  : e->flags & DK_EXPORT_DATA   ? DK_IMPORT_DATA
							: DK_IMPORT_CODE;
		x->ordinal = (uint16_t)e->ordinal;
		/* Callers use the exported name; internal names and forward
		 * targets are the DLL's business. */
		x->symbol = dk_def_name_to_symbol(e->name, symmach, dialect);
		if (!x->symbol)
			goto nomem;
		if (e->flags & DK_EXPORT_NONAME) {
			x->name_type = DK_NAME_ORDINAL;
			continue;
		}
		/* The name in the DLL's export table. */
		if (e->export_as)
			load = dk_strdup(e->export_as);
		else if (e->import_name)
			load = dk_strdup(e->import_name);
		else if (o->kill_at && (load = dk_kill_at(e->name)) != NULL)
			;
		else
			load = dk_strdup(e->name);
		if (!load)
			goto nomem;
		/* link.exe exports an i386 C name without its '_'; a .def in
		 * MSVC naming writes it that way already. */
		x->load_name = load;
		x->name_type = name_type_for(x->symbol, load, o->machine, &x->export_as);
		if (x->name_type == DK_NAME_EXPORTAS && !x->export_as)
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
