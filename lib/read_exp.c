/* read_exp.c - export objects (.exp): the export directory in an object's
 * .edata section, read back into a module (see write_exp.c for the
 * layout mkimplib writes; dlltool -e writes the same tables with labels).
 *
 * In an object every RVA is 0 plus a relocation: against a symbol defined
 * in .edata (its section symbol, or a label) for the directory's own
 * tables and strings, against the exported symbol for an address.  So an
 * RVA is resolved through the relocation at its place, never taken as
 * written; a place that holds an RVA without a relocation is damage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "read_coff_private.h"
#include "dllkit_private.h"

bool dk_is_exp_mem(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!dk_coff_header_ok(p, len))
		return false;
	unsigned mach = dk_le16(p);
	if (mach != DK_MACHINE_I386 && mach != DK_MACHINE_AMD64 && mach != DK_MACHINE_ARM64 &&
	    mach != DK_MACHINE_ARM64EC && mach != DK_MACHINE_ARMNT)
		return false;
	for (unsigned i = 0; i < dk_le16(p + 2); i++)
		if (memcmp(p + DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE * (size_t)i, ".edata\0", 7) == 0)
			return true;
	return false;
}

/* Where an RVA field of .edata points: into .edata (`inside`, at `off`),
 * at a symbol defined elsewhere or undefined (`sym`), or nowhere (0 with
 * no relocation). */
typedef struct target {
	enum { T_NONE, T_INSIDE, T_SYMBOL } kind;
	uint32_t off;
	uint32_t sym; /* symbol index, for T_SYMBOL */
} target;

typedef struct exp_reader {
	dk_coff_in c;
	dk_coff_in_sec sec;
	uint32_t secno;
	uint32_t *reloc_at; /* per 4-byte word of .edata: 1 + relocation index, 0 none */
	dk_sink *s;
	dk_loc loc;
	uint16_t type;      /* the machine's ADDR32NB */
} exp_reader;

static bool bad(exp_reader *r, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool bad(exp_reader *r, size_t off, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	r->loc.offset = (long long)off;
	dk_report(r->s, DK_ERROR, &r->loc, "%s", msg);
	return false;
}

/* Offset of .edata byte `off` in the file, for messages. */
static size_t at(const exp_reader *r, uint32_t off)
{
	return (size_t)(r->sec.data - r->c.p) + off;
}

static uint16_t addr32nb(uint16_t machine)
{
	switch (machine) {
	case DK_MACHINE_I386: return DK_REL_I386_DIR32NB;
	case DK_MACHINE_AMD64: return DK_REL_AMD64_ADDR32NB;
	case DK_MACHINE_ARM64: case DK_MACHINE_ARM64EC: return DK_REL_ARM64_ADDR32NB;
	case DK_MACHINE_ARMNT: return DK_REL_ARM_ADDR32NB;
	}
	return 0;
}

/* Index the relocations of .edata by the word they patch. */
static bool index_relocs(exp_reader *r)
{
	const unsigned char *rel = r->c.p + r->sec.reloc_off;
	size_t words = r->sec.size / 4 + 1;

	if (!(r->reloc_at = calloc(words, sizeof *r->reloc_at)))
		return bad(r, 0, "out of memory");
	for (uint32_t i = 0; i < r->sec.nrelocs; i++, rel += DK_COFF_RELOC_SIZE) {
		uint32_t off = dk_le32(rel), sym = dk_le32(rel + 4);
		uint16_t type = dk_le16(rel + 8);
		size_t where = (size_t)(rel - r->c.p);
		if (off % 4 || !dk_fits(off, 4, r->sec.size))
			return bad(r, where, "a relocation of .edata at 0x%x, outside its tables", off);
		if (type != r->type)
			return bad(r, where, "a relocation of type 0x%x in .edata, where only RVAs "
				   "(type 0x%x) belong", type, r->type);
		if (sym >= r->c.nsym)
			return bad(r, where + 4, "a relocation against symbol %u, past the symbol "
				   "table (%u records)", sym, r->c.nsym);
		r->reloc_at[off / 4] = i + 1;
	}
	return true;
}

/* The RVA field at `off` of .edata (the caller checked it fits). */
static bool rva_at(exp_reader *r, uint32_t off, target *t)
{
	uint32_t value = dk_le32(r->sec.data + off), k = off % 4 ? 0 : r->reloc_at[off / 4];
	dk_coff_why w;
	dk_coff_in_sym y;

	memset(t, 0, sizeof *t);
	if (!k) {
		if (value)
			return bad(r, at(r, off), "an address 0x%x without a relocation in .edata", value);
		return true;
	}
	uint32_t sym = dk_le32(r->c.p + r->sec.reloc_off + (size_t)(k - 1) * DK_COFF_RELOC_SIZE + 4);
	if (!dk_coff_in_symbol(&r->c, sym, &y, &w))
		return bad(r, w.off, "%s", w.text);
	if (y.section == (int)r->secno) {
		uint64_t o = (uint64_t)y.value + value;
		if (o >= r->sec.size)
			return bad(r, at(r, off), "an address 0x%llx past the end of .edata (%u bytes)",
				   (unsigned long long)o, r->sec.size);
		t->kind = T_INSIDE;
		t->off = (uint32_t)o;
		return true;
	}
	if (y.section > 0 || value)
		return bad(r, at(r, off), "an export address that is not a symbol's (%.*s%s)",
			   (int)y.name.n, y.name.p, value ? " plus an offset" : " defined in the object");
	t->kind = T_SYMBOL;
	t->sym = sym;
	return true;
}

/* A NUL-terminated string at `off` of .edata, for an RVA found at `from`. */
static bool string_at(exp_reader *r, const target *t, uint32_t from, const char *what,
		      const char **out)
{
	if (t->kind != T_INSIDE)
		return bad(r, at(r, from), "the %s is not in .edata", what);
	const char *p = (const char *)r->sec.data + t->off;
	if (!memchr(p, '\0', r->sec.size - t->off))
		return bad(r, at(r, from), "the %s at 0x%x has no end in .edata", what, t->off);
	if (!*p)
		return bad(r, at(r, from), "the %s at 0x%x is empty", what, t->off);
	*out = p;
	return true;
}

/* A table of `n` entries of `size` bytes whose RVA is at `field`. */
static bool table_at(exp_reader *r, uint32_t field, uint32_t n, uint32_t size, const char *what,
		     uint32_t *off)
{
	target t;

	*off = 0;
	if (!n)
		return true;
	if (!rva_at(r, field, &t))
		return false;
	if (t.kind != T_INSIDE)
		return bad(r, at(r, field), "the %s (%u entries) is not in .edata", what, n);
	if (!dk_fits(t.off, (uint64_t)n * size, r->sec.size))
		return bad(r, at(r, field), "the %s (%u entries at 0x%x) runs past the end of .edata",
			   what, n, t.off);
	*off = t.off;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct slot {
	target t;
	const char *forward;
	int32_t first;    /* the export made for it, -1 none yet */
} slot;

static bool add_export(exp_reader *r, dk_module *m, const char *name, uint32_t ordinal,
		       unsigned flags, const slot *sl, const char *origin)
{
	dk_export e;
	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.ordinal = ordinal;
	e.flags = flags;
	e.forward = (char *)sl->forward;
	e.origin = (char *)origin;
	e.hint = -1;
	if (!dk_module_add(m, &e))
		return bad(r, 0, "out of memory");
	return true;
}

static bool read_tables(exp_reader *r, dk_module *m, const char *origin)
{
	const unsigned char *d = r->sec.data;
	uint32_t base, nfuncs, nnames, eat, npt, ot;
	const char *dll;
	target t;
	slot *slots = NULL;
	uint32_t *slot_of = NULL; /* per export: its address-table index */
	bool ok = false, typed = false;

	if (r->sec.size < 40)
		return bad(r, at(r, 0), ".edata of %u bytes is too small for an export directory",
			   r->sec.size);
	base = dk_le32(d + 16);
	nfuncs = dk_le32(d + 20);
	nnames = dk_le32(d + 24);
	if (!rva_at(r, 12, &t) || !string_at(r, &t, 12, "DLL name", &dll))
		return false;
	if (nfuncs && (base == 0 || base > 65535 || nfuncs > 65536 - base))
		return bad(r, at(r, 16), "ordinals %u to %llu, outside 1 to 65535", base,
			   (unsigned long long)base + nfuncs - 1);
	if (nnames > nfuncs)
		return bad(r, at(r, 24), "%u names for %u addresses", nnames, nfuncs);
	if (!table_at(r, 28, nfuncs, 4, "address table", &eat) ||
	    !table_at(r, 32, nnames, 4, "name pointer table", &npt) ||
	    !table_at(r, 36, nnames, 2, "ordinal table", &ot))
		return false;
	if (!(m->name = dk_strdup(dll)))
		return bad(r, 0, "out of memory");
	m->has_name_stmt = true;
	m->machine = (dk_machine)r->c.machine;
	m->ordinals_assigned = true;

	if (!(slots = calloc(nfuncs ? nfuncs : 1, sizeof *slots)) ||
	    !(slot_of = calloc((size_t)nfuncs + nnames + 1, sizeof *slot_of))) {
		bad(r, 0, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < nfuncs; i++) {
		slots[i].first = -1;
		if (!rva_at(r, eat + 4 * i, &slots[i].t))
			goto out;
		if (slots[i].t.kind == T_INSIDE &&
		    !string_at(r, &slots[i].t, eat + 4 * i, "forwarder string", &slots[i].forward))
			goto out;
		if (slots[i].forward && !dk_is_forward_target(slots[i].forward, strlen(slots[i].forward))) {
			bad(r, at(r, eat + 4 * i), "forwarder \"%s\" of ordinal %u is not DLL.NAME",
			    slots[i].forward, base + i);
			goto out;
		}
	}
	/* The names, in table order (sorted by the writer; not required here). */
	for (uint32_t i = 0; i < nnames; i++) {
		const char *name;
		uint16_t k = dk_le16(d + ot + 2 * i);
		if (!rva_at(r, npt + 4 * i, &t) || !string_at(r, &t, npt + 4 * i, "export name", &name))
			goto out;
		if (k >= nfuncs) {
			bad(r, at(r, ot + 2 * i), "name \"%s\" has address-table index %u of %u", name,
			    k, nfuncs);
			goto out;
		}
		if (slots[k].t.kind == T_NONE) {
			bad(r, at(r, ot + 2 * i), "name \"%s\" is given to ordinal %u, which has no "
			    "address", name, base + k);
			goto out;
		}
		/* A second name on one address: an alias under a new ordinal. */
		bool alias = slots[k].first >= 0;
		if (!add_export(r, m, name, alias ? 0 : base + k, 0, &slots[k], origin))
			goto out;
		if (!alias)
			slots[k].first = (int32_t)(m->nexports - 1);
		slot_of[m->nexports - 1] = k;
	}
	/* A name given twice would be two exports of one name. */
	{
		const char **v = malloc((nnames ? nnames : 1) * sizeof *v);
		if (!v) {
			bad(r, 0, "out of memory");
			goto out;
		}
		for (uint32_t i = 0; i < nnames; i++)
			v[i] = m->exports[i].name;
		qsort(v, nnames, sizeof *v, cmp_str);
		for (uint32_t i = 1; i < nnames; i++)
			if (strcmp(v[i - 1], v[i]) == 0) {
				bad(r, at(r, npt), "the name table holds \"%s\" twice", v[i]);
				free(v);
				goto out;
			}
		free(v);
	}
	/* Addresses without a name: NONAME, named after their symbol below
	 * (a forwarder "ord_N", as dk_read_image names them). */
	for (uint32_t k = 0; k < nfuncs; k++) {
		char num[24];
		if (slots[k].t.kind == T_NONE || slots[k].first >= 0)
			continue;
		snprintf(num, sizeof num, "ord_%u", base + k);
		if (!add_export(r, m, num, base + k, DK_EXPORT_NONAME, &slots[k], origin))
			goto out;
		slot_of[m->nexports - 1] = k;
	}

	/* DATA is knowable when the object types its symbols (code ones as
	 * functions): then the untyped ones are data. */
	for (size_t i = 0; i < m->nexports; i++) {
		const slot *sl = &slots[slot_of[i]];
		if (sl->t.kind == T_SYMBOL &&
		    dk_le16(r->c.p + r->c.symptr + (size_t)sl->t.sym * DK_COFF_SYMBOL_SIZE + 14) ==
			    DK_SYM_DTYPE_FUNCTION)
			typed = true;
	}
	if (m->machine == DK_MACHINE_I386)
		m->dialect = dk_i386_guess_dialect(m);
	/* Each export's symbol: its internal name when not the name's own. */
	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		const slot *sl = &slots[slot_of[i]];
		dk_coff_in_sym y;
		dk_coff_why w;
		if (sl->t.kind != T_SYMBOL)
			continue;
		if (!dk_coff_in_symbol(&r->c, sl->t.sym, &y, &w)) {
			bad(r, w.off, "%s", w.text);
			goto out;
		}
		if (!y.name.n || memchr(y.name.p, '\0', y.name.n)) {
			bad(r, at(r, eat + 4 * slot_of[i]), "ordinal %u is the address of a symbol "
			    "without a name", base + slot_of[i]);
			goto out;
		}
		if (typed && dk_le16(r->c.p + r->c.symptr + (size_t)sl->t.sym * DK_COFF_SYMBOL_SIZE +
				     14) != DK_SYM_DTYPE_FUNCTION)
			e->flags |= DK_EXPORT_DATA;
		char *sym = dk_strndup(y.name.p, y.name.n), *def = NULL;
		if (sym)
			def = dk_symbol_to_def_name(sym, m->machine,
						    m->dialect ? m->dialect : DK_DIALECT_GNU);
		free(sym);
		if (!def) {
			bad(r, 0, "out of memory");
			goto out;
		}
		if (!def[0]) {
			free(def);
			bad(r, at(r, eat + 4 * slot_of[i]), "ordinal %u is the address of a symbol "
			    "without a name", base + slot_of[i]);
			goto out;
		}
		if (e->flags & DK_EXPORT_NONAME) {
			free(e->name);
			e->name = def;
		} else if (strcmp(def, e->name) != 0) {
			e->internal = def;
		} else {
			free(def);
		}
	}
	ok = true;
out:
	free(slot_of);
	free(slots);
	return ok;
}

/* The section and its relocations, checked. */
static bool open_exp(exp_reader *r, const void *data, size_t len)
{
	dk_coff_why w;

	if (!dk_coff_in_open(&r->c, data, len, &w))
		return bad(r, w.off, "%s", w.text);
	if (!(r->type = addr32nb(r->c.machine)))
		return bad(r, 0, "machine 0x%04x is none dllkit knows", r->c.machine);
	if (!(r->secno = dk_coff_in_find_section(&r->c, ".edata")))
		return bad(r, 0, "no .edata section: not an export object");
	if (!dk_coff_in_section(&r->c, r->secno, &r->sec, &w))
		return bad(r, w.off, "%s", w.text);
	if (!r->sec.data)
		return bad(r, DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE * (size_t)(r->secno - 1) + 16,
			   ".edata holds no data");
	return index_relocs(r);
}

int dk_read_exp_mem(dk_module *m, const void *data, size_t len, const char *name, dk_sink *s)
{
	exp_reader r;

	memset(&r, 0, sizeof r);
	r.s = s;
	r.loc = dk_loc_file(name);
	bool ok = open_exp(&r, data, len) && read_tables(&r, m, name);
	free(r.reloc_at);
	return ok ? DK_OK : DK_FAIL;
}
