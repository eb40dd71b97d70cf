/* write_exp.c - export objects (.exp): a COFF object whose one section,
 * .edata, is a finished export directory with relocations to the symbols
 * it exports, so that a linker makes the DLL's export table from it
 * without a .def (GNU ld and lld both take an input .edata as the table).
 *
 * Layout of .edata, every RVA a 32-bit image-relative relocation (against
 * .edata itself, with the offset as addend, or against the exported
 * symbol):
 *
 *   0    export directory (40 bytes; time stamp 0, version 0)
 *   40   address table: one slot per ordinal from the base to the highest,
 *        a symbol's RVA, a forwarder string's RVA, or 0 for a gap
 *        name pointer table: the names' RVAs, sorted by name (byte order)
 *        ordinal table: each name's slot in the address table (16 bits)
 *        the DLL name, the names, the forwarder strings (NUL-terminated)
 *
 * Names are those the import library of the same module and options
 * imports (dk_import_name), so the two always agree.  Code symbols are
 * marked as functions (type 0x20) and data ones are not, which is how
 * dk_read_exp_mem tells DATA exports back.
 */
#include <stdlib.h>
#include <string.h>
#include "write_coff_private.h"
#include "names_private.h"

typedef struct exp_entry {
	const dk_export *e;
	char *name;       /* the exported name; NULL for NONAME */
	char *symbol;     /* the symbol its address comes from; NULL for a forwarder */
	uint32_t ordinal; /* given or assigned */
	bool code;
	uint32_t sym_index; /* its symbol's index in the object */
} exp_entry;

static void entries_free(exp_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].symbol);
	}
	free(v);
}

static uint16_t reloc_type(dk_machine m)
{
	switch (m) {
	case DK_MACHINE_I386: return DK_REL_I386_DIR32NB;
	case DK_MACHINE_AMD64: return DK_REL_AMD64_ADDR32NB;
	case DK_MACHINE_ARM64: return DK_REL_ARM64_ADDR32NB;
	case DK_MACHINE_ARMNT: return DK_REL_ARM_ADDR32NB;
	default: return 0;
	}
}

/* One export: the name the DLL exports (what the import library imports)
 * and the symbol its address comes from. */
static int entry_of(const dk_export *e, const dk_implib_opts *o, dk_dialect dialect, exp_entry *x)
{
	dk_import_naming nm;

	x->e = e;
	x->ordinal = e->ordinal;
	x->code = !(e->flags & (DK_EXPORT_DATA | DK_EXPORT_CONSTANT));
	if (dk_import_name(e, o, dialect, x->code, &nm) != DK_OK)
		return DK_FAIL;
	x->name = nm.load_name; /* NULL for NONAME */
	if (e->forward) {
		free(nm.symbol);
		return DK_OK;
	}
	if (e->internal) {
		free(nm.symbol);
		nm.symbol = o->no_leading_underscore
				    ? dk_strdup(e->internal)
				    : dk_def_name_to_symbol(e->internal, o->machine, dialect);
		if (!nm.symbol)
			return DK_FAIL;
	}
	x->symbol = nm.symbol;
	return DK_OK;
}

static int cmp_by_name(const void *a, const void *b)
{
	const exp_entry *x = *(const exp_entry *const *)a, *y = *(const exp_entry *const *)b;
	return strcmp(x->name, y->name);
}

/* Ordinals for the exports the module left unnumbered: the free slots
 * from the base (the lowest ordinal given, else 1) upwards, in name order
 * (NONAME exports always have one: dk_module_check).  Returns the highest
 * ordinal, or 0 when they do not fit below 65536 (reported). */
static uint32_t assign_ordinals(exp_entry *v, size_t n, uint32_t *base, dk_sink *s)
{
	uint32_t lo = 0, hi = 0, next;
	unsigned char *used = calloc(65536 + 1, 1);
	exp_entry **todo = malloc((n ? n : 1) * sizeof *todo);
	size_t ntodo = 0;

	if (!used || !todo) {
		free(used);
		free(todo);
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].ordinal) {
			used[v[i].ordinal] = 1;
			lo = !lo || v[i].ordinal < lo ? v[i].ordinal : lo;
			hi = v[i].ordinal > hi ? v[i].ordinal : hi;
		} else {
			todo[ntodo++] = &v[i];
		}
	}
	if (!lo)
		lo = 1;
	qsort(todo, ntodo, sizeof *todo, cmp_by_name);
	next = lo;
	for (size_t i = 0; i < ntodo; i++) {
		while (next <= 65535 && used[next])
			next++;
		if (next > 65535) {
			dk_report(s, DK_ERROR, NULL,
				  "no ordinal left for \"%s\": ordinals %u to 65535 are all taken",
				  todo[i]->name, lo);
			free(used);
			free(todo);
			return 0;
		}
		used[next] = 1;
		todo[i]->ordinal = next;
		hi = next > hi ? next : hi;
	}
	free(used);
	free(todo);
	*base = lo;
	return hi ? hi : lo;
}

static int cmp_by_symbol(const void *a, const void *b)
{
	const exp_entry *x = *(const exp_entry *const *)a, *y = *(const exp_entry *const *)b;
	int r = strcmp(x->symbol, y->symbol);
	return r ? r : (x < y ? -1 : x > y);
}

static void add_string(dk_coff *c, int sec, const char *str)
{
	dk_coff_data(c, sec, str, strlen(str) + 1);
}

/* A 32-bit RVA at `off` of .edata: `value` as written (the addend) plus
 * the address of symbol `sym`. */
static void put_rva(unsigned char *p, uint32_t off, uint32_t value, dk_coff *c, int sec,
		    uint32_t sym, uint16_t type)
{
	dk_put32(p + off, value);
	dk_coff_reloc_add(c, sec, off, sym, type);
}

static int build(dk_coff *c, exp_entry *v, size_t n, const dk_implib_opts *o, dk_sink *s)
{
	uint16_t type = reloc_type(o->machine);
	uint32_t base = 1, hi, nfuncs, nnames = 0, eat, npt, ot, strings, pos;
	exp_entry **slot = NULL, **named = NULL;
	unsigned char *head = NULL;
	size_t headlen;
	int sec, rc = DK_FAIL;

	if (!(hi = assign_ordinals(v, n, &base, s)))
		return DK_FAIL;
	nfuncs = n ? hi - base + 1 : 0;
	slot = calloc(nfuncs ? nfuncs : 1, sizeof *slot);
	named = malloc((n ? n : 1) * sizeof *named);
	if (!slot || !named)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		slot[v[i].ordinal - base] = &v[i];
		if (v[i].name)
			named[nnames++] = &v[i];
	}
	qsort(named, nnames, sizeof *named, cmp_by_name);
	for (uint32_t i = 1; i < nnames; i++)
		if (strcmp(named[i - 1]->name, named[i]->name) == 0) {
			dk_report(s, DK_ERROR, NULL, "\"%s\" is exported twice (as \"%s\" and \"%s\")",
				  named[i]->name, named[i - 1]->e->name, named[i]->e->name);
			goto out;
		}

	sec = dk_coff_section_add(c, ".edata",
				  DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_ALIGN_4BYTES | DK_SCN_MEM_READ);
	/* Symbol 0: the section itself, which the RVAs inside it are relative to. */
	uint32_t self = dk_coff_symbol_add(c, ".edata", 0, (int16_t)sec, 0, DK_SYM_CLASS_STATIC);
	/* i386: @feat.00 with bit 0 (the object has no code that could
	 * break SAFESEH), so that lld-link and link.exe take it under
	 * /safeseh as llvm-dlltool's import members are taken. */
	if (o->machine == DK_MACHINE_I386)
		dk_coff_feat00(c);
	/* One undefined symbol per distinct target, in name order. */
	{
		exp_entry **bysym = malloc((n ? n : 1) * sizeof *bysym);
		size_t k = 0;
		if (!bysym)
			goto nomem;
		for (size_t i = 0; i < n; i++)
			if (v[i].symbol)
				bysym[k++] = &v[i];
		qsort(bysym, k, sizeof *bysym, cmp_by_symbol);
		for (size_t i = 0; i < k; i++) {
			if (i && strcmp(bysym[i - 1]->symbol, bysym[i]->symbol) == 0) {
				bysym[i]->sym_index = bysym[i - 1]->sym_index;
				continue;
			}
			bysym[i]->sym_index = dk_coff_symbol_add(
				c, bysym[i]->symbol, 0, DK_SYM_UNDEFINED,
				bysym[i]->code ? DK_SYM_DTYPE_FUNCTION : 0, DK_SYM_CLASS_EXTERNAL);
		}
		free(bysym);
	}

	eat = 40;
	npt = eat + 4 * nfuncs;
	ot = npt + 4 * nnames;
	strings = (ot + 2 * nnames + 3) & ~3u;
	headlen = strings;
	if (!(head = calloc(headlen, 1)))
		goto nomem;

	/* The strings first (their offsets are needed above them): the DLL
	 * name, the names in table order, the forwarders in ordinal order. */
	pos = strings;
	uint32_t dllname_at = pos;
	pos += (uint32_t)strlen(dk_dll_basename(o->dll_name)) + 1;
	uint32_t *name_at = malloc((nnames ? nnames : 1) * sizeof *name_at);
	uint32_t *fwd_at = calloc(nfuncs ? nfuncs : 1, sizeof *fwd_at);
	if (!name_at || !fwd_at) {
		free(name_at);
		free(fwd_at);
		goto nomem;
	}
	for (uint32_t i = 0; i < nnames; i++) {
		name_at[i] = pos;
		pos += (uint32_t)strlen(named[i]->name) + 1;
	}
	for (uint32_t i = 0; i < nfuncs; i++)
		if (slot[i] && slot[i]->e->forward) {
			fwd_at[i] = pos;
			pos += (uint32_t)strlen(slot[i]->e->forward) + 1;
		}

	/* The directory. */
	dk_put32(head + 16, base);
	dk_put32(head + 20, nfuncs);
	dk_put32(head + 24, nnames);
	put_rva(head, 12, dllname_at, c, sec, self, type);
	if (nfuncs)
		put_rva(head, 28, eat, c, sec, self, type);
	if (nnames) {
		put_rva(head, 32, npt, c, sec, self, type);
		put_rva(head, 36, ot, c, sec, self, type);
	}
	/* The address table. */
	for (uint32_t i = 0; i < nfuncs; i++) {
		if (!slot[i])
			continue; /* a gap: RVA 0 */
		if (slot[i]->e->forward)
			put_rva(head, eat + 4 * i, fwd_at[i], c, sec, self, type);
		else
			put_rva(head, eat + 4 * i, 0, c, sec, slot[i]->sym_index, type);
	}
	/* The name pointer and ordinal tables. */
	for (uint32_t i = 0; i < nnames; i++) {
		put_rva(head, npt + 4 * i, name_at[i], c, sec, self, type);
		dk_put16(head + ot + 2 * i, (uint16_t)(named[i]->ordinal - base));
	}
	dk_coff_data(c, sec, head, headlen);
	add_string(c, sec, dk_dll_basename(o->dll_name));
	for (uint32_t i = 0; i < nnames; i++)
		add_string(c, sec, named[i]->name);
	for (uint32_t i = 0; i < nfuncs; i++)
		if (slot[i] && slot[i]->e->forward)
			add_string(c, sec, slot[i]->e->forward);
	free(name_at);
	free(fwd_at);
	rc = DK_OK;
	goto out;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
out:
	free(head);
	free(slot);
	free(named);
	return rc;
}

int dk_exp_write(const dk_module *m, const dk_implib_opts *o, char **out, size_t *len,
		 dk_sink *s)
{
	dk_dialect dialect = o->dialect ? o->dialect : DK_DIALECT_GNU;
	exp_entry *v = NULL;
	size_t n = 0;
	dk_coff c;
	dk_buf b;

	*out = NULL;
	*len = 0;
	if (!reloc_type(o->machine)) {
		dk_report(s, DK_ERROR, NULL, "export objects are written for i386, x86-64, arm64 and "
			  "arm, not for %s", dk_machine_name(o->machine) ? dk_machine_name(o->machine)
									: "an unknown machine");
		return DK_FAIL;
	}
	if (!o->dll_name || !*dk_dll_basename(o->dll_name)) {
		dk_report(s, DK_ERROR, NULL, "no DLL name given for the export object");
		return DK_FAIL;
	}
	if (dk_module_check(m, s, NULL) != DK_OK)
		return DK_FAIL;
	if (!(v = calloc(m->nexports ? m->nexports : 1, sizeof *v))) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return DK_FAIL;
	}
	for (; n < m->nexports; n++) {
		const dk_export *e = &m->exports[n];
		if (entry_of(e, o, dialect, &v[n]) != DK_OK) {
			entries_free(v, n + 1);
			dk_report(s, DK_ERROR, NULL, "out of memory");
			return DK_FAIL;
		}
		if ((v[n].name && !v[n].name[0]) || (v[n].symbol && !v[n].symbol[0])) {
			dk_report(s, DK_ERROR, NULL, "export \"%s\" would be exported under an empty %s",
				  e->name, v[n].symbol && !v[n].symbol[0] ? "symbol" : "name");
			entries_free(v, n + 1);
			return DK_FAIL;
		}
	}

	dk_coff_init(&c, (uint16_t)o->machine);
	dk_buf_init(&b);
	int rc = build(&c, v, n, o, s);
	if (rc == DK_OK && dk_coff_write(&c, &b) != DK_OK) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		rc = DK_FAIL;
	}
	dk_coff_free(&c);
	entries_free(v, n);
	if (rc == DK_OK && !(*out = dk_buf_take(&b, len))) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		rc = DK_FAIL;
	}
	dk_buf_free(&b);
	return rc;
}
