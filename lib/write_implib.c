/* write_implib.c - import libraries: from the export set to the list of imports,
 * and the entry point that picks the writer. */
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"

void dk_import_entries_free(dk_import_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].symbol);
		free(v[i].load_name);
		free(v[i].export_as);
	}
	free(v);
}

/* One import: its type and ordinal here, its names by the rules in names.c. */
static int import_one(const dk_export *e, const dk_implib_opts *o, dk_dialect dialect,
		      dk_import_entry *x)
{
	dk_import_naming nm;

	x->e = e;
	x->type = e->flags & DK_EXPORT_CONSTANT ? DK_IMPORT_CONST
		  : e->flags & DK_EXPORT_DATA   ? DK_IMPORT_DATA
						: DK_IMPORT_CODE;
	x->ordinal = (uint16_t)e->ordinal;
	if (dk_import_name(e, o, dialect, x->type == DK_IMPORT_CODE, &nm) != DK_OK)
		return DK_FAIL;
	x->symbol = nm.symbol;
	x->load_name = nm.load_name;
	x->name_type = nm.name_type;
	if (x->name_type == DK_NAME_EXPORTAS && !(x->export_as = dk_strdup(x->load_name)))
		return DK_FAIL;
	return DK_OK;
}

/* Why no reader would take this import back as written, or NULL
 * (fuzz_roundtrip): a member with an empty symbol or name (ours refuses
 * it; on ARM64EC `#` is the mangled form of ""), or an ARM64EC symbol
 * mangled twice (`##f`, two "$$h"), which a reader demangles once and a
 * rewrite from what it read demangles again: another name. */
static const char *bad_import(const dk_import_entry *x, dk_machine machine)
{
	if (!x->symbol[0] || (machine == DK_MACHINE_ARM64EC && strcmp(x->symbol, "#") == 0))
		return "would be imported under an empty symbol";
	if (x->name_type != DK_NAME_ORDINAL && (!x->load_name || !x->load_name[0]))
		return "would be imported under an empty name";
	if (machine == DK_MACHINE_ARM64EC && dk_arm64ec_is_mangled(x->symbol)) {
		char *once = dk_arm64ec_demangle(x->symbol);
		bool twice = once && dk_arm64ec_is_mangled(once);
		free(once);
		if (twice)
			return "carries the ARM64EC mangling ('#' or \"$$h\") twice";
	}
	return NULL;
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
		const char *bad = bad_import(&v[k - 1], o->machine);
		if (bad) {
			dk_report(s, DK_ERROR, NULL, "export \"%s\" %s", e->name, bad);
			dk_import_entries_free(v, k);
			return DK_FAIL;
		}
	}
	*out = v;
	*n = k;
	return DK_OK;
nomem:
	dk_import_entries_free(v, k);
	dk_report(s, DK_ERROR, NULL, "out of memory");
	return DK_FAIL;
}

static dk_ar_kind archive_kind(const dk_implib_opts *o)
{
	return o->archive == DK_ARCHIVE_GNU    ? DK_AR_GNU
	       : o->archive == DK_ARCHIVE_COFF ? DK_AR_COFF
	       : o->format == DK_IMPLIB_LONG   ? DK_AR_GNU
					       : DK_AR_COFF;
}

/* ARM64X: the EC view `m` and its native (ARM64) view in one library.
 * Each view is checked on its own: a name may be in both, with its own
 * ordinal in each. */
static int write_arm64x(const dk_module *m, const dk_implib_opts *o, char **out, size_t *len,
			dk_sink *s)
{
	dk_implib_opts no = *o;
	dk_import_entry *ec = NULL, *nat = NULL;
	size_t nec = 0, nnat = 0;
	dk_buf b;
	int rc = DK_FAIL;

	no.machine = DK_MACHINE_ARM64;
	if (dk_module_check(m->native, s, NULL) != DK_OK ||
	    dk_import_entries(m, o, &ec, &nec, s) != DK_OK)
		return DK_FAIL;
	if (dk_import_entries(m->native, &no, &nat, &nnat, s) != DK_OK) {
		dk_import_entries_free(ec, nec);
		return DK_FAIL;
	}
	dk_buf_init(&b);
	if (dk_implib_write_arm64x(o, ec, nec, nat, nnat, archive_kind(o), &b, s) == DK_OK) {
		*out = dk_buf_take(&b, len);
		if (*out)
			rc = DK_OK;
		else
			dk_report(s, DK_ERROR, NULL, "out of memory");
	}
	dk_buf_free(&b);
	dk_import_entries_free(ec, nec);
	dk_import_entries_free(nat, nnat);
	return rc;
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
	if (m->native && o->machine != DK_MACHINE_ARM64EC) {
		dk_report(s, DK_ERROR, NULL,
			  "two export sets (ARM64X) make an arm64ec import library, not %s",
			  dk_machine_name(o->machine));
		return DK_FAIL;
	}
	if (m->native && o->archive == DK_ARCHIVE_GNU) {
		/* One symbol index for both views: a linker would take a name
		 * in both from whichever member comes first. */
		dk_report(s, DK_ERROR, NULL,
			  "an ARM64X import library needs the COFF archive kind, whose "
			  "/<ECSYMBOLS>/ map keeps the EC and native views apart; not --archive gnu");
		return DK_FAIL;
	}
	if (m->native && o->format == DK_IMPLIB_LONG) {
		dk_report(s, DK_ERROR, NULL, "long format does not support arm64ec; use --format short");
		return DK_FAIL;
	}
	if (dk_module_check(m, s, NULL) != DK_OK)
		return DK_FAIL;
	if (m->native)
		return write_arm64x(m, o, out, len, s);
	if (dk_import_entries(m, o, &v, &n, s) != DK_OK)
		return DK_FAIL;
	kind = o->archive == DK_ARCHIVE_GNU    ? DK_AR_GNU
	       : o->archive == DK_ARCHIVE_COFF ? DK_AR_COFF
	       : o->format != DK_IMPLIB_SHORT  ? DK_AR_GNU
					       : DK_AR_COFF;
	dk_buf_init(&b);
	if (o->format == DK_IMPLIB_DELAY)
		rc = dk_implib_write_delay(o, v, n, kind, &b, s);
	else if (o->format == DK_IMPLIB_LONG)
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
