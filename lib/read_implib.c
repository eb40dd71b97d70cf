/* read_implib.c - reading import libraries: what a library imports, from
 * which DLL, under which name.
 *
 * Our own reader on the raw bytes (read_ar.c, read_coff.c), not libbfd:
 * libbfd 2.40 refuses short-import members of name type EXPORTAS and
 * knows no ARM64EC, and every member kind of every machine must be read.
 * Three kinds of member carry imports:
 *
 *   short   Microsoft's IMPORT_OBJECT_HEADER (Sig1 0, Sig2 0xFFFF,
 *           Version 0), then "symbol\0dll\0" and, for name type EXPORTAS,
 *           the export name.  The loader's name is the symbol with the name
 *           type applied, as link.exe and lld-link apply it (see
 *           dk_name_noprefix); on ARM64EC a code import is stored under its
 *           EC-mangled symbol (`#f`, `?f@@$$hYAXXZ`) and callers use the
 *           demangled one, which is the symbol we give (llvm-nm shows it so).
 *   long    a GNU import object (dlltool, ld --out-implib, mkimplib --format
 *           long): `__imp_SYM` defined in .idata$5, whose entry is either a
 *           relocation to the hint/name in .idata$6 or an ordinal with the
 *           top bit set; a relocation in .idata$7 names the head object's
 *           symbol, whose .idata$2 import directory entry relocates (at
 *           offset 12, the Name field) to the symbol under which the tail
 *           object holds the DLL name.  That chain is followed across the
 *           archive's members.  SYM defined in code: a code import; SYM in
 *           .idata$5 (mkimplib's CONSTANT): const; no SYM: data.
 *   delay   a delay-load import object, its entries marked `delay`: GNU
 *           dlltool -y's (its lazy thunk leads to the head's descriptor,
 *           see delay_dll), or mkimplib --delay's: `__imp_SYM` defined in
 *           .didat, and a delay-import descriptor of its own whose
 *           relocation at offset 12 (the address table) names `__imp_SYM`;
 *           at offset 4 the DLL name (in the head), at 16 the name table,
 *           whose entry is a hint/name or an ordinal with the top bit set
 *           (see read_delay_import and lib/write_implib_delay.c).
 *   alias   the weak externals `__imp_X` -> `__imp_Y` (and `X` -> `Y` for
 *           code) llvm-dlltool and mkimplib write for an `X == Y` import
 *           whose Y another import loads: X imports what Y imports.
 *
 * The import descriptor, null import descriptor and null thunk (short
 * libraries) and the heads and tails (long ones) are recognised and give no
 * entry.  Ordinary objects of a mixed archive (the mingw-w64 sysroot's
 * libmsvcrt.a holds real code beside its imports) are skipped silently,
 * whatever they hold; only a member that claims to be an import (a short
 * header, or a COFF object with .idata$ sections) and is damaged is an
 * error.  Diagnostics name the member and give the byte offset in the file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "read_ar_private.h"
#include "names_private.h"
#include "read_coff_private.h"

/* ------------------------------------------------------------------ */
/* Little helpers                                                       */
/* ------------------------------------------------------------------ */

static bool str_is(dk_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool str_starts(dk_str s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static int str_cmp(dk_str a, dk_str b)
{
	int c = memcmp(a.p, b.p, a.n < b.n ? a.n : b.n);
	if (c)
		return c;
	return (a.n > b.n) - (a.n < b.n);
}

static bool known_machine(uint16_t m)
{
	return dk_machine_name((dk_machine)m) != NULL;
}

/* True when one of the object's sections is called ".idata$..." or is
 * ".didat" (mkimplib --delay's address-table slot). */
static bool has_idata(const unsigned char *p, size_t len)
{
	unsigned nsec;

	if (!dk_coff_header_ok(p, len))
		return false;
	nsec = dk_le16(p + 2);
	for (unsigned i = 0; i < nsec; i++) {
		const unsigned char *name = p + DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE * i;
		if (memcmp(name, ".idata$", 7) == 0 || memcmp(name, ".didat\0\0", 8) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* The reader                                                           */
/* ------------------------------------------------------------------ */

enum member_kind { M_OTHER, M_SHORT, M_IDATA, M_ALIAS };

/* A relocation, for looking up by offset. */
typedef struct reloc_ref {
	uint32_t off, sym, seq;
} reloc_ref;

typedef struct member {
	dk_ar_entry e;
	char *name;
	enum member_kind kind;
	dk_coff_in obj;            /* M_IDATA, M_ALIAS */
	/* The relocations of one section sorted by offset, built when first
	 * looked up (a hostile object may have many imports or heads). */
	uint32_t rel_sec;
	reloc_ref *rel;
	size_t nrel;
	uint32_t idata7;     /* its first .idata$7 section + 1; 0 not looked up yet */
	/* A head: the DLL name found for its entry at (dir_sec, dir_value). */
	int dir_state;       /* 0 not looked up, 1 found, -1 failed (reported) */
	uint32_t dir_sec, dir_value;
	dk_str dir_dll;
} member;

/* An external symbol some import object defines, for following the
 * head/tail chain across members. */
typedef struct symdef {
	dk_str name;
	uint32_t member;
	uint32_t symbol;
} symdef;

/* A weak external `X` defaulting to `Y`: `__imp_X` -> `__imp_Y` makes X
 * import what Y imports (the prefix is dropped from both); a plain `X` ->
 * `Y` beside it, in the same member or another, says X is code. */
typedef struct alias {
	dk_str from, to;
	uint32_t member;
} alias;

typedef struct reader {
	const char *path;
	dk_sink *s;
	bool failed, nomem, warned_machine;
	member *m;
	size_t nm;
	symdef *defs;
	size_t ndefs, capdefs;
	alias *al;            /* __imp_ aliases */
	size_t nal, capal;
	alias *plain;         /* plain aliases */
	size_t nplain, capplain;
	dk_implib *lib;
	size_t cap;
	dk_machine first_object; /* of the first COFF member, for a library without imports */
	dk_machine cur_machine;  /* of the member being read (note_machine) */
	dk_str missing;             /* the last symbol no member defined */
	bool via_delay;             /* import_dll found the DLL through a delay-load head */
} reader;

static void report(reader *r, const member *m, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* An error at file offset `off` (member `m` may be NULL). */
static void report(reader *r, const member *m, size_t off, const char *fmt, ...)
{
	dk_loc loc = dk_loc_file(r->path);
	va_list ap;

	loc.member = m ? m->name : NULL;
	loc.offset = (long long)off;
	va_start(ap, fmt);
	dk_vreport(r->s, DK_ERROR, &loc, fmt, ap);
	va_end(ap);
	r->failed = true;
}

static void out_of_memory(reader *r)
{
	if (!r->nomem) {
		dk_loc loc = dk_loc_file(r->path);
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
	}
	r->nomem = r->failed = true;
}

static bool grow(reader *r, void **v, size_t *cap, size_t n, size_t size)
{
	void *p = dk_reserve(*v, cap, n + 1, size);
	if (!p) {
		out_of_memory(r);
		return false;
	}
	*v = p;
	return true;
}

/* The machine of the library: its imports'.  A library for both ARM64
 * and ARM64EC (ARM64X) says ARM64EC. */
static void note_machine(reader *r, const member *m, size_t off, uint16_t machine)
{
	dk_machine have = r->lib->machine, got = (dk_machine)machine;

	r->cur_machine = got;
	if (have == DK_MACHINE_UNKNOWN || have == got)
		r->lib->machine = got;
	else if ((have == DK_MACHINE_ARM64 && got == DK_MACHINE_ARM64EC) ||
		 (have == DK_MACHINE_ARM64EC && got == DK_MACHINE_ARM64))
		r->lib->machine = DK_MACHINE_ARM64EC;
	else if (!r->warned_machine) {
		dk_loc loc = dk_loc_file(r->path);
		loc.member = m->name;
		loc.offset = (long long)off;
		dk_report(r->s, DK_WARNING, &loc, "imports for %s beside imports for %s",
			  dk_machine_name(got), dk_machine_name(have));
		r->warned_machine = true;
	}
}

/* Append an entry; the strings are copied.  `name` NULL: by ordinal. */
static dk_implib_entry *add_entry(reader *r, const member *m, dk_str dll, dk_str symbol,
				  const dk_str *name, uint16_t ordinal, unsigned type,
				  unsigned name_type, bool short_format)
{
	dk_implib *lib = r->lib;
	dk_implib_entry *x;

	if (!grow(r, (void **)&lib->v, &r->cap, lib->n, sizeof *lib->v))
		return NULL;
	x = &lib->v[lib->n];
	memset(x, 0, sizeof *x);
	x->dll = dk_strndup(dll.p, dll.n);
	x->symbol = dk_strndup(symbol.p, symbol.n);
	x->name = name ? dk_strndup(name->p, name->n) : NULL;
	x->member = dk_strdup(m->name);
	if (!x->dll || !x->symbol || (name && !x->name) || !x->member) {
		free(x->dll);
		free(x->symbol);
		free(x->name);
		free(x->member);
		out_of_memory(r);
		return NULL;
	}
	x->ordinal = ordinal;
	x->by_ordinal = name == NULL;
	x->type = type;
	x->name_type = name_type;
	x->short_format = short_format;
	x->machine = r->cur_machine;
	lib->n++;
	return x;
}

/* ------------------------------------------------------------------ */
/* Short members                                                        */
/* ------------------------------------------------------------------ */

static bool is_short_import(const dk_ar_entry *e)
{
	/* Sig1 = IMAGE_FILE_MACHINE_UNKNOWN, Sig2 = 0xFFFF, Version 0; a
	 * higher version is an anonymous object (bigobj, /GL), not an import. */
	return e->size >= 6 && dk_le16(e->data) == 0 && dk_le16(e->data + 2) == 0xffff &&
	       dk_le16(e->data + 4) == 0;
}

/* A NUL-terminated string at `*pos` in `p[0..end)`; moves past it. */
static bool take_string(const unsigned char *p, size_t end, size_t *pos, dk_str *out)
{
	const unsigned char *z;

	if (*pos >= end)
		return false;
	z = memchr(p + *pos, '\0', end - *pos);
	if (!z)
		return false;
	out->p = (const char *)p + *pos;
	out->n = (size_t)(z - (p + *pos));
	*pos += out->n + 1;
	return true;
}

static void read_short(reader *r, const member *m)
{
	const unsigned char *p = m->e.data;
	size_t base = m->e.offset, pos = 20, end;
	uint16_t machine, ordinal, bits;
	uint32_t size;
	unsigned type, name_type;
	dk_str sym, dll, exp = { "", 0 }, symbol, load;
	char *plain = NULL, *undecorated = NULL;

	if (m->e.size < 20) {
		report(r, m, base, "a short import member of %zu bytes; its header alone takes 20",
		       m->e.size);
		return;
	}
	machine = dk_le16(p + 6);
	size = dk_le32(p + 12);
	ordinal = dk_le16(p + 16);
	bits = dk_le16(p + 18);
	type = bits & 3;
	name_type = (bits >> 2) & 7;
	if (!known_machine(machine)) {
		report(r, m, base + 6, "a short import member for machine 0x%04x, which dllkit does not know",
		       machine);
		return;
	}
	if (size > m->e.size - 20) {
		report(r, m, base + 12,
		       "a short import member whose SizeOfData (%u) runs past its end (%zu bytes of data)",
		       size, m->e.size - 20);
		return;
	}
	if (type > DK_IMPORT_CONST) {
		report(r, m, base + 18, "a short import member of import type %u (only 0-2 exist)", type);
		return;
	}
	if (name_type > DK_NAME_EXPORTAS) {
		report(r, m, base + 18, "a short import member of name type %u (only 0-4 exist)",
		       name_type);
		return;
	}
	end = 20 + (size_t)size;
	if (!take_string(p, end, &pos, &sym)) {
		report(r, m, base + 20, "a short import member whose symbol name has no end");
		return;
	}
	if (!take_string(p, end, &pos, &dll)) {
		report(r, m, base + pos, "a short import member whose DLL name has no end");
		return;
	}
	if (name_type == DK_NAME_EXPORTAS && !take_string(p, end, &pos, &exp)) {
		report(r, m, base + pos, "a short import member of name type EXPORTAS without an export name");
		return;
	}
	if (sym.n == 0 || dll.n == 0 || (name_type == DK_NAME_EXPORTAS && exp.n == 0)) {
		report(r, m, base + 20, "a short import member with an empty %s name",
		       sym.n == 0 ? "symbol" : dll.n == 0 ? "DLL" : "export");
		return;
	}
	/* Callers use the demangled symbol of an ARM64EC code import. */
	symbol = sym;
	if (machine == DK_MACHINE_ARM64EC) {
		char *z = dk_strndup(sym.p, sym.n);
		if (!z) {
			out_of_memory(r);
			return;
		}
		plain = dk_arm64ec_is_mangled(z) ? dk_arm64ec_demangle(z) : NULL;
		free(z);
		if (plain) {
			symbol.p = plain;
			symbol.n = strlen(plain);
		}
	}
	load = sym;
	switch (name_type) {
	case DK_NAME_NOPREFIX:
		if (sym.p[0] == '?' || sym.p[0] == '@' || sym.p[0] == '_') {
			load.p++;
			load.n--;
		}
		break;
	case DK_NAME_UNDECORATE: {
		char *z = dk_strndup(sym.p, sym.n);
		undecorated = z ? dk_name_undecorate(z) : NULL;
		free(z);
		if (!undecorated) {
			out_of_memory(r);
			free(plain);
			return;
		}
		load.p = undecorated;
		load.n = strlen(undecorated);
		break;
	}
	case DK_NAME_EXPORTAS:
		load = exp;
		break;
	default:
		break;
	}
	note_machine(r, m, base + 6, machine);
	add_entry(r, m, dll, symbol, name_type == DK_NAME_ORDINAL ? NULL : &load, ordinal, type,
		  name_type, true);
	free(plain);
	free(undecorated);
}

/* ------------------------------------------------------------------ */
/* Long (GNU) import objects                                            */
/* ------------------------------------------------------------------ */

static int cmp_reloc_ref(const void *a, const void *b)
{
	const reloc_ref *x = a, *y = b;
	if (x->off != y->off)
		return (x->off > y->off) - (x->off < y->off);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The symbol index of the (first) relocation at `off` of section `sec`
 * (its header `s`) of member `m`. */
static bool reloc_at(reader *r, member *m, uint32_t sec, const dk_coff_in_sec *s, uint32_t off,
		     uint32_t *sym)
{
	const unsigned char *base = m->obj.p + s->reloc_off;
	size_t lo = 0, hi;

	if (s->nrelocs <= 8) {
		for (uint32_t k = 0; k < s->nrelocs; k++)
			if (dk_le32(base + (size_t)k * DK_COFF_RELOC_SIZE) == off) {
				*sym = dk_le32(base + (size_t)k * DK_COFF_RELOC_SIZE + 4);
				return true;
			}
		return false;
	}
	if (m->rel_sec != sec || !m->rel) {
		free(m->rel);
		m->rel = malloc(s->nrelocs * sizeof *m->rel);
		m->rel_sec = sec;
		m->nrel = 0;
		if (!m->rel) {
			out_of_memory(r);
			return false;
		}
		for (uint32_t k = 0; k < s->nrelocs; k++) {
			m->rel[k].off = dk_le32(base + (size_t)k * DK_COFF_RELOC_SIZE);
			m->rel[k].sym = dk_le32(base + (size_t)k * DK_COFF_RELOC_SIZE + 4);
			m->rel[k].seq = k;
		}
		m->nrel = s->nrelocs;
		qsort(m->rel, m->nrel, sizeof *m->rel, cmp_reloc_ref);
	}
	hi = m->nrel;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->rel[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->nrel || m->rel[lo].off != off)
		return false;
	*sym = m->rel[lo].sym;
	return true;
}

static int cmp_symdef(const void *a, const void *b)
{
	const symdef *x = a, *y = b;
	int c = str_cmp(x->name, y->name);
	if (c)
		return c;
	return (x->member > y->member) - (x->member < y->member);
}

/* The first member defining `name`, or NULL. */
static const symdef *find_def(const reader *r, dk_str name)
{
	size_t lo = 0, hi = r->ndefs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (str_cmp(r->defs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->ndefs && str_cmp(r->defs[lo].name, name) == 0)
		return &r->defs[lo];
	return NULL;
}

/* The definition of `name` in member `mi`, or NULL. */
static const symdef *find_def_in(const reader *r, dk_str name, uint32_t mi)
{
	size_t lo = 0, hi = r->ndefs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = str_cmp(r->defs[mid].name, name);
		if (c < 0 || (c == 0 && r->defs[mid].member < mi))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->ndefs && r->defs[lo].member == mi && str_cmp(r->defs[lo].name, name) == 0)
		return &r->defs[lo];
	return NULL;
}

/* Index the external symbols an .idata object defines. */
static void index_object(reader *r, member *m, uint32_t mi)
{
	dk_coff_why w;
	for (uint32_t i = 0; i < m->obj.nsym; i++) {
		dk_coff_in_sym y;
		if (!dk_coff_in_symbol(&m->obj, i, &y, &w)) {
			report(r, m, m->e.offset + w.off, "%s", w.text);
			m->kind = M_OTHER;
			return;
		}
		if (y.cls == DK_SYM_CLASS_EXTERNAL && y.section > 0) {
			if (!grow(r, (void **)&r->defs, &r->capdefs, r->ndefs, sizeof *r->defs))
				return;
			r->defs[r->ndefs].name = y.name;
			r->defs[r->ndefs].member = mi;
			r->defs[r->ndefs].symbol = i;
			r->ndefs++;
		}
		i += y.naux;
	}
}

/* Where a symbol leads: the object and section defining it, and its value. */
typedef struct place {
	member *m;
	uint32_t section;
	dk_coff_in_sec sec;
	uint32_t value;
	dk_str name; /* the symbol's name, for messages */
} place;

/*
 * Follow symbol `i` of member `m` to its definition: in `m` itself when it
 * defines it, else the archive member defining the external of that name.
 * Reports and returns false when nothing does.
 */
static bool resolve(reader *r, member *m, uint32_t i, const char *what, place *out)
{
	dk_coff_in_sym y;
	dk_coff_why w;

	if (!dk_coff_in_symbol(&m->obj, i, &y, &w)) {
		report(r, m, m->e.offset + w.off, "%s", w.text);
		return false;
	}
	out->name = y.name;
	if (y.section <= 0) {
		const symdef *d = find_def(r, y.name);
		if (!d) {
			/* (every import of a DLL names its head: say it once) */
			if (!r->missing.p || str_cmp(r->missing, y.name) != 0)
				report(r, m, m->e.offset, "%s: no member defines `%.*s'", what,
				       (int)y.name.n, y.name.p);
			r->missing = y.name;
			r->failed = true;
			return false;
		}
		m = &r->m[d->member];
		if (!dk_coff_in_symbol(&m->obj, d->symbol, &y, &w)) {
			report(r, m, m->e.offset + w.off, "%s", w.text);
			return false;
		}
	}
	out->m = m;
	out->value = y.value;
	out->section = (uint32_t)y.section;
	if (!dk_coff_in_section(&m->obj, (uint32_t)y.section, &out->sec, &w)) {
		report(r, m, m->e.offset + w.off, "%s", w.text);
		return false;
	}
	return true;
}

/* A NUL-terminated string at `off` of a section. */
static bool section_string(const dk_coff_in_sec *s, uint64_t off, dk_str *out)
{
	size_t pos;
	if (!s->data || off >= s->size)
		return false;
	pos = (size_t)off;
	return take_string(s->data, s->size, &pos, out);
}

/* True when `lit` occurs in `s`. */
static bool str_has(dk_str s, const char *lit)
{
	size_t n = strlen(lit);
	for (size_t i = 0; i + n <= s.n; i++)
		if (memcmp(s.p + i, lit, n) == 0)
			return true;
	return false;
}

/* The DLL a GNU delay-load head names: its `__DELAY_IMPORT_DESCRIPTOR_X`
 * (the i386 one has one more '_') has the DLL name's RVA at offset 4. */
static bool delay_head_dll(reader *r, member *h, dk_str *dll)
{
	dk_coff_why w;
	for (uint32_t i = 0; i < h->obj.nsym; i++) {
		dk_coff_in_sym d;
		dk_coff_in_sec ds;
		uint32_t name_sym;
		place name;
		if (!dk_coff_in_symbol(&h->obj, i, &d, &w))
			return false;
		i += d.naux;
		if (d.cls != DK_SYM_CLASS_EXTERNAL || d.section <= 0 ||
		    !str_has(d.name, "_DELAY_IMPORT_DESCRIPTOR_"))
			continue;
		if (!dk_coff_in_section(&h->obj, (uint32_t)d.section, &ds, &w) ||
		    !reloc_at(r, h, (uint32_t)d.section, &ds, d.value + 4, &name_sym) ||
		    !resolve(r, h, name_sym, "the DLL name", &name) ||
		    !section_string(&name.sec, name.value, dll) || dll->n == 0) {
			report(r, h, h->e.offset, "`%.*s' should name a DLL (at offset 4), but does not",
			       (int)d.name.n, d.name.p);
			return false;
		}
		return true;
	}
	return false;
}

/*
 * GNU dlltool -y (delay-load) import objects have no .idata$7: their lazy
 * thunk jumps to `__tailMerge_X`, defined by the head, whose delay import
 * descriptor names the DLL.  A data import has no thunk; it belongs to the
 * library's one delay-load head, when there is exactly one.
 */
static bool delay_dll(reader *r, member *m, dk_str *dll)
{
	const dk_coff_in *c = &m->obj;
	member *only = NULL;
	size_t heads = 0;
	dk_coff_why w;

	for (uint32_t si = 1; si <= c->nsec; si++) {
		dk_coff_in_sec sec;
		if (!dk_coff_in_section(c, si, &sec, &w))
			return false;
		for (uint32_t k = 0; k < sec.nrelocs; k++) {
			uint32_t target = dk_le32(c->p + sec.reloc_off + (size_t)k * DK_COFF_RELOC_SIZE + 4);
			dk_coff_in_sym y;
			place tail;
			if (!dk_coff_in_symbol(c, target, &y, &w) || !str_has(y.name, "_tailMerge_"))
				continue;
			if (!resolve(r, m, target, "the delay-load helper of its DLL", &tail))
				return false;
			if (delay_head_dll(r, tail.m, dll))
				return r->via_delay = true;
			if (!r->failed)
				report(r, tail.m, tail.m->e.offset,
				       "defines `%.*s' but no __DELAY_IMPORT_DESCRIPTOR_ to name its DLL",
				       (int)y.name.n, y.name.p);
			return false;
		}
	}
	for (size_t i = 0; i < r->ndefs; i++) {
		if (!str_has(r->defs[i].name, "_DELAY_IMPORT_DESCRIPTOR_"))
			continue;
		if (!only || &r->m[r->defs[i].member] != only)
			heads++;
		only = &r->m[r->defs[i].member];
	}
	return r->via_delay = heads == 1 && delay_head_dll(r, only, dll);
}

/*
 * The DLL an import object imports from: its .idata$7 relocation leads to
 * the head's symbol; at offset 12 of that (the Name field of the import
 * directory entry) a relocation leads to the DLL name.  What a head says
 * is kept: every import of a DLL asks it.
 */
static bool import_dll(reader *r, member *m, dk_str imp, dk_str *dll)
{
	const dk_coff_in *c = &m->obj;
	dk_coff_in_sec s7;
	place head, name;
	uint32_t target;
	uint32_t i7;
	member *h;
	dk_coff_why w;

	if (!m->idata7)
		m->idata7 = dk_coff_in_find_section(c, ".idata$7") + 1;
	i7 = m->idata7 - 1;
	if (!i7 || !dk_coff_in_section(c, i7, &s7, &w) || s7.nrelocs == 0) {
		if (delay_dll(r, m, dll))
			return true;
		if (r->failed || r->nomem)
			return false;
		report(r, m, m->e.offset,
		       "the import object of `%.*s' has no .idata$7 relocation to tie it to a DLL",
		       (int)imp.n, imp.p);
		return false;
	}
	target = dk_le32(c->p + s7.reloc_off + 4);
	if (!resolve(r, m, target, "the import directory entry of its DLL", &head))
		return false;
	h = head.m;
	if (h->dir_state && h->dir_sec == head.section && h->dir_value == head.value) {
		*dll = h->dir_dll;
		if (h->dir_state < 0)
			r->failed = true; /* (reported the first time) */
		return h->dir_state > 0;
	}
	h->dir_state = -1;
	h->dir_sec = head.section;
	h->dir_value = head.value;
	if (!reloc_at(r, h, head.section, &head.sec, head.value + 12, &target)) {
		if (!r->nomem)
			report(r, h, h->e.offset,
			       "`%.*s' should be an import directory entry, but nothing says its DLL's "
			       "name (no relocation at offset 12)",
			       (int)head.name.n, head.name.p);
		return false;
	}
	if (!resolve(r, h, target, "the DLL name", &name))
		return false;
	if (!section_string(&name.sec, name.value, dll) || dll->n == 0) {
		report(r, name.m, name.m->e.offset, "`%.*s' should be a DLL name, but is %s",
		       (int)name.name.n, name.name.p,
		       section_string(&name.sec, name.value, dll) ? "empty" : "not a string");
		return false;
	}
	h->dir_state = 1;
	h->dir_dll = *dll;
	return true;
}

/* How callers use the import: a code thunk defines SYM; SYM in .idata$5
 * is mkimplib's CONSTANT; no SYM is data. */
static unsigned import_type(const reader *r, const member *m, dk_str sym, uint32_t idata5)
{
	const symdef *d = find_def_in(r, sym, (uint32_t)(m - r->m));
	dk_coff_in_sym y;
	dk_coff_in_sec s;
	dk_coff_why w;

	if (!d || !dk_coff_in_symbol(&m->obj, d->symbol, &y, &w))
		return DK_IMPORT_DATA;
	if ((uint32_t)y.section == idata5)
		return DK_IMPORT_CONST;
	if (dk_coff_in_section(&m->obj, (uint32_t)y.section, &s, &w) &&
	    ((s.flags & (DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE)) || str_is(s.name, ".text")))
		return DK_IMPORT_CODE;
	return DK_IMPORT_DATA;
}

/* An import by ordinal: the table entry holds it with the top bit set. */
static void by_ordinal(reader *r, member *m, const dk_coff_in_sym *y, const dk_str *imp, dk_str dll, dk_str sym,
		       const unsigned char *entry, unsigned ptr)
{
	const dk_coff_in *c = &m->obj;
	uint64_t v = ptr == 8 ? dk_le64(entry) : dk_le32(entry);
	uint64_t flag = ptr == 8 ? UINT64_C(0x8000000000000000) : UINT64_C(0x80000000);

	if (!(v & flag)) {
		report(r, m, m->e.offset,
		       "the address-table entry of `%.*s' is neither a name (no relocation) "
		       "nor an ordinal (top bit clear)",
		       (int)imp->n, imp->p);
		return;
	}
	note_machine(r, m, m->e.offset, c->machine);
	add_entry(r, m, dll, sym, NULL, (uint16_t)v, import_type(r, m, sym, (uint32_t)y->section),
		  DK_NAME_ORDINAL, false);
}

/* One `__imp_X` defined at `y` of an import object. */
static void read_long_import(reader *r, member *m, const dk_coff_in_sym *y)
{
	const dk_coff_in *c = &m->obj;
	unsigned ptr = dk_machine_pointer_size((dk_machine)c->machine);
	size_t base = m->e.offset;
	dk_str imp = y->name, sym = { y->name.p + 6, y->name.n - 6 }, dll, name;
	dk_coff_in_sec s5;
	uint32_t target;
	dk_coff_why w;

	if (!ptr) {
		report(r, m, base, "an import object for machine 0x%04x, which dllkit does not know",
		       c->machine);
		return;
	}
	if (sym.n == 0) {
		report(r, m, base, "an import object defining `__imp_' with no name after it");
		return;
	}
	if (!dk_coff_in_section(c, (uint32_t)y->section, &s5, &w)) {
		report(r, m, base + w.off, "%s", w.text);
		return;
	}
	if (!s5.data || !dk_fits(y->value, ptr, s5.size)) {
		report(r, m, base, "the address-table entry of `%.*s' lies outside its .idata$5",
		       (int)imp.n, imp.p);
		return;
	}
	if (!import_dll(r, m, imp, &dll))
		return;
	if (reloc_at(r, m, (uint32_t)y->section, &s5, y->value, &target)) {
		/* By name: the entry is the RVA of the hint/name (relocation
		 * target plus the addend stored in the entry). */
		place hn;
		uint64_t off;
		const unsigned char *entry = s5.data + y->value;
		if (!resolve(r, m, target, "the hint/name entry", &hn))
			return;
		/* A delay-load object's address-table entry points at its lazy
		 * thunk; the name (or the ordinal) is in the lookup table
		 * (.idata$4) then. */
		if (!str_is(hn.sec.name, ".idata$6")) {
			uint32_t i4 = dk_coff_in_find_section(c, ".idata$4");
			dk_coff_in_sec s4;
			if (!i4 || !dk_coff_in_section(c, i4, &s4, &w) || !s4.data ||
			    !dk_fits(y->value, ptr, s4.size)) {
				report(r, m, base, "the hint/name entry of `%.*s' is not where it should be",
				       (int)imp.n, imp.p);
				return;
			}
			if (!reloc_at(r, m, i4, &s4, y->value, &target)) {
				by_ordinal(r, m, y, &imp, dll, sym, s4.data + y->value, ptr);
				return;
			}
			if (!resolve(r, m, target, "the hint/name entry", &hn))
				return;
			entry = s4.data + y->value;
		}
		off = (uint64_t)hn.value + dk_le32(entry);
		if (!hn.sec.data || !dk_fits(off, 2, hn.sec.size) ||
		    !section_string(&hn.sec, off + 2, &name) || name.n == 0) {
			report(r, m, base, "the hint/name entry of `%.*s' is %s", (int)imp.n, imp.p,
			       hn.sec.data && dk_fits(off, 2, hn.sec.size) &&
					       section_string(&hn.sec, off + 2, &name)
				       ? "an empty name"
				       : "outside its section or has no end");
			return;
		}
		note_machine(r, m, base, c->machine);
		add_entry(r, m, dll, sym, &name, dk_le16(hn.sec.data + off), import_type(r, m, sym, (uint32_t)y->section),
			  DK_NAME_NAME, false);
		return;
	}
	by_ordinal(r, m, y, &imp, dll, sym, s5.data + y->value, ptr);
}

/* mkimplib --delay: the relocation of type `rva` in `m` whose target is
 * symbol `isym` at offset 12 of a descriptor (its address table).  Sets
 * *sec and *off to the descriptor's section and offset. */
static bool find_descriptor(const member *m, uint32_t isym, uint16_t rva, uint32_t *sec,
			    dk_coff_in_sec *s, uint32_t *off)
{
	const dk_coff_in *c = &m->obj;
	dk_coff_why w;

	for (uint32_t si = 1; si <= c->nsec; si++) {
		if (!dk_coff_in_section(c, si, s, &w) || !s->data || (s->flags & DK_SCN_CNT_CODE))
			continue;
		for (uint32_t k = 0; k < s->nrelocs; k++) {
			const unsigned char *rel = c->p + s->reloc_off + (size_t)k * DK_COFF_RELOC_SIZE;
			uint32_t at = dk_le32(rel);
			if (dk_le32(rel + 4) != isym || dk_le16(rel + 8) != rva || at < 12 ||
			    !dk_fits(at - 12, 32, s->size) || dk_le32(s->data + at - 12) != 1)
				continue;
			*sec = si;
			*off = at - 12;
			return true;
		}
	}
	return false;
}

/* The image-relative relocation type of a machine. */
static uint16_t rva_type(uint16_t machine)
{
	switch (machine) {
	case DK_MACHINE_I386: return DK_REL_I386_DIR32NB;
	case DK_MACHINE_AMD64: return DK_REL_AMD64_ADDR32NB;
	case DK_MACHINE_ARMNT: return DK_REL_ARM_ADDR32NB;
	default: return DK_REL_ARM64_ADDR32NB;
	}
}

/* A place + the addend stored at `p`: the bytes `need` long there, or NULL. */
static const unsigned char *at_place(const place *pl, const unsigned char *p, size_t need,
				     uint64_t *off)
{
	*off = (uint64_t)pl->value + dk_le32(p);
	if (!pl->sec.data || !dk_fits(*off, need, pl->sec.size))
		return NULL;
	return pl->sec.data + *off;
}

/* One `__imp_X` (symbol record `isym`, at `y`) that mkimplib --delay
 * defines in .didat: its descriptor gives the DLL and the name table. */
static void read_delay_import(reader *r, member *m, const dk_coff_in_sym *y, uint32_t isym)
{
	const dk_coff_in *c = &m->obj;
	unsigned ptr = dk_machine_pointer_size((dk_machine)c->machine);
	size_t base = m->e.offset;
	dk_str imp = y->name, sym = { y->name.p + 6, y->name.n - 6 }, dll, name;
	dk_coff_in_sec ds;
	uint32_t dsec, doff, target;
	place pl;
	uint64_t off;
	const unsigned char *entry;
	dk_implib_entry *x;

	if (r->failed)
		return; /* one error per library: the first damaged import says it */
	if (!ptr) {
		report(r, m, base, "an import object for machine 0x%04x, which dllkit does not know",
		       c->machine);
		return;
	}
	if (sym.n == 0) {
		report(r, m, base, "an import object defining `__imp_' with no name after it");
		return;
	}
	if (!find_descriptor(m, isym, rva_type(c->machine), &dsec, &ds, &doff)) {
		report(r, m, base,
		       "`%.*s' is in .didat, but no delay-import descriptor of the object names it",
		       (int)imp.n, imp.p);
		return;
	}
	/* The DLL name, through the relocation at offset 4. */
	if (!reloc_at(r, m, dsec, &ds, doff + 4, &target)) {
		if (!r->nomem)
			report(r, m, base + ds.reloc_off, "the delay-import descriptor of `%.*s' names no DLL "
			       "(no relocation at its offset 4)", (int)imp.n, imp.p);
		return;
	}
	if (!resolve(r, m, target, "the DLL name", &pl))
		return;
	if (!at_place(&pl, ds.data + doff + 4, 1, &off) || !section_string(&pl.sec, off, &dll) ||
	    dll.n == 0) {
		report(r, pl.m, pl.m->e.offset, "`%.*s' should be a DLL name, but is empty, not a string "
		       "or outside its section", (int)pl.name.n, pl.name.p);
		return;
	}
	/* The name table's entry, through the relocation at offset 16. */
	if (!reloc_at(r, m, dsec, &ds, doff + 16, &target) ||
	    !resolve(r, m, target, "the name table", &pl) ||
	    !(entry = at_place(&pl, ds.data + doff + 16, ptr, &off))) {
		if (!r->failed)
			report(r, m, base + ds.reloc_off, "the name table of `%.*s' is not where its "
			       "delay-import descriptor says", (int)imp.n, imp.p);
		return;
	}
	if (pl.m != m) {
		report(r, m, base, "the name table of `%.*s' is in another member", (int)imp.n, imp.p);
		return;
	}
	if (!reloc_at(r, m, pl.section, &pl.sec, (uint32_t)off, &target)) {
		uint64_t v = ptr == 8 ? dk_le64(entry) : dk_le32(entry);
		uint64_t flag = ptr == 8 ? UINT64_C(0x8000000000000000) : UINT64_C(0x80000000);
		if (!(v & flag) || (v & ~flag) > 0xffff) {
			report(r, m, base, "the name-table entry of `%.*s' is neither a name (no relocation) "
			       "nor an ordinal (top bit clear, or above 65535)", (int)imp.n, imp.p);
			return;
		}
		note_machine(r, m, base, c->machine);
		x = add_entry(r, m, dll, sym, NULL, (uint16_t)v, import_type(r, m, sym, (uint32_t)y->section),
			      DK_NAME_ORDINAL, false);
	} else {
		place hn;
		const unsigned char *h;
		if (!resolve(r, m, target, "the hint/name entry", &hn))
			return;
		if (!(h = at_place(&hn, entry, 2, &off)) || !section_string(&hn.sec, off + 2, &name) ||
		    name.n == 0) {
			report(r, m, base, "the hint/name entry of `%.*s' is empty, outside its section or "
			       "has no end", (int)imp.n, imp.p);
			return;
		}
		note_machine(r, m, base, c->machine);
		x = add_entry(r, m, dll, sym, &name, dk_le16(h), import_type(r, m, sym, (uint32_t)y->section),
			      DK_NAME_NAME, false);
	}
	if (x)
		x->delay = true;
}

/* Every `__imp_` an .idata object defines in .idata$5 or (delay-load) .didat. */
static void read_long(reader *r, member *m)
{
	const dk_coff_in *c = &m->obj;
	dk_coff_why w;

	for (uint32_t i = 0; i < c->nsym; i++) {
		dk_coff_in_sym y;
		dk_coff_in_sec s;
		if (!dk_coff_in_symbol(c, i, &y, &w))
			return; /* reported by index_object */
		i += y.naux;
		if (y.cls != DK_SYM_CLASS_EXTERNAL || y.section <= 0 || !str_starts(y.name, "__imp_"))
			continue;
		if (!dk_coff_in_section(c, (uint32_t)y.section, &s, &w)) {
			report(r, m, m->e.offset + w.off, "%s", w.text);
			continue;
		}
		if (str_is(s.name, ".idata$5")) {
			size_t before = r->lib->n;
			r->via_delay = false;
			read_long_import(r, m, &y);
			if (r->lib->n > before)
				r->lib->v[before].delay = r->via_delay;
		} else if (str_is(s.name, ".didat")) {
			read_delay_import(r, m, &y, i - y.naux);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Weak aliases (`X == Y`)                                              */
/* ------------------------------------------------------------------ */

/*
 * An object whose only sections are .drectve, holding weak externals:
 * the aliases llvm-dlltool and mkimplib write for `X == Y` (one member for
 * `__imp_X`, another for `X` when it is code).  Anything unexpected leaves
 * the member an ordinary object.
 */
static void read_alias_object(reader *r, member *m, uint32_t mi)
{
	const dk_coff_in *c = &m->obj;
	size_t first = r->nal, first_plain = r->nplain;
	dk_coff_in_sym y, t;
	dk_coff_why w;

	for (uint32_t i = 1; i <= c->nsec; i++) {
		dk_coff_in_sec s;
		if (!dk_coff_in_section(c, i, &s, &w) || !str_is(s.name, ".drectve"))
			return;
	}
	for (uint32_t i = 0; i < c->nsym; i++) {
		if (!dk_coff_in_symbol(c, i, &y, &w))
			goto drop;
		if (y.cls == DK_SYM_CLASS_WEAK_EXTERNAL && y.section == 0 && y.naux >= 1 &&
		    dk_fits(c->symptr + (uint64_t)(i + 1) * DK_COFF_SYMBOL_SIZE, DK_COFF_SYMBOL_SIZE, c->len)) {
			uint32_t tag = dk_le32(c->p + c->symptr + (size_t)(i + 1) * DK_COFF_SYMBOL_SIZE);
			bool imp;
			if (!dk_coff_in_symbol(c, tag, &t, &w))
				goto drop;
			imp = str_starts(y.name, "__imp_");
			if (imp != str_starts(t.name, "__imp_"))
				goto drop;
			if (imp) {
				if (!grow(r, (void **)&r->al, &r->capal, r->nal, sizeof *r->al))
					return;
				r->al[r->nal].from = (dk_str){ y.name.p + 6, y.name.n - 6 };
				r->al[r->nal].to = (dk_str){ t.name.p + 6, t.name.n - 6 };
				r->al[r->nal++].member = mi;
			} else {
				if (!grow(r, (void **)&r->plain, &r->capplain, r->nplain, sizeof *r->plain))
					return;
				r->plain[r->nplain].from = y.name;
				r->plain[r->nplain].to = t.name;
				r->plain[r->nplain++].member = mi;
			}
		}
		i += y.naux;
	}
	if (r->nal > first || r->nplain > first_plain)
		m->kind = M_ALIAS;
	return;
drop:
	r->nal = first;
	r->nplain = first_plain;
}

static int cmp_alias(const void *a, const void *b)
{
	const alias *x = a, *y = b;
	int c = str_cmp(x->from, y->from);
	return c ? c : str_cmp(x->to, y->to);
}

/* Entries for the aliases whose target this library imports. */
typedef struct by_symbol {
	dk_str symbol;
	size_t pos;
} by_symbol;

static int cmp_by_symbol(const void *a, const void *b)
{
	const by_symbol *x = a, *y = b;
	int c = str_cmp(x->symbol, y->symbol);
	if (c)
		return c;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static void resolve_aliases(reader *r)
{
	size_t n = r->lib->n;
	by_symbol *v;

	if (!r->nal)
		return;
	v = malloc((n ? n : 1) * sizeof *v);
	if (!v) {
		out_of_memory(r);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].symbol.p = r->lib->v[i].symbol;
		v[i].symbol.n = strlen(r->lib->v[i].symbol);
		v[i].pos = i;
	}
	qsort(v, n, sizeof *v, cmp_by_symbol);
	if (r->nplain)
		qsort(r->plain, r->nplain, sizeof *r->plain, cmp_alias);
	for (size_t a = 0; a < r->nal && !r->nomem; a++) {
		const alias *al = &r->al[a];
		size_t lo = 0, hi = n;
		dk_implib_entry t;
		dk_str dll, name;
		unsigned type;
		bool code;

		while (lo < hi) { /* the first import of the target symbol */
			size_t mid = lo + (hi - lo) / 2;
			if (str_cmp(v[mid].symbol, al->to) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || str_cmp(v[lo].symbol, al->to) != 0)
			continue; /* not an import of this library: an ordinary weak symbol */
		/* ARM64X: an ARM64 alias aliases the ARM64 import of the name,
		 * an EC one the EC import (both views may import it). */
		for (size_t k = lo; k < n && str_cmp(v[k].symbol, al->to) == 0; k++)
			if (r->lib->v[v[k].pos].machine == (dk_machine)r->m[al->member].obj.machine) {
				lo = k;
				break;
			}
		t = r->lib->v[v[lo].pos]; /* a copy: add_entry may move the array */
		dll.p = t.dll;
		dll.n = strlen(t.dll);
		name.p = t.name ? t.name : "";
		name.n = t.name ? strlen(t.name) : 0;
		/* `X == Y` for code aliases both symbols; data and const only
		 * the __imp_ one. */
		code = r->nplain && bsearch(al, r->plain, r->nplain, sizeof *r->plain, cmp_alias);
		type = code ? DK_IMPORT_CODE : t.type != DK_IMPORT_CODE ? t.type : DK_IMPORT_DATA;
		dk_implib_entry *x = add_entry(r, &r->m[al->member], dll, al->from,
					       t.name ? &name : NULL, t.ordinal, type, t.name_type,
					       t.short_format);
		if (x) {
			x->machine = (dk_machine)r->m[al->member].obj.machine;
			x->delay = t.delay;
		}
	}
	free(v);
}

/* ------------------------------------------------------------------ */
/* The library                                                          */
/* ------------------------------------------------------------------ */

static void reader_free(reader *r)
{
	for (size_t i = 0; i < r->nm; i++) {
		free(r->m[i].name);
		free(r->m[i].rel);
	}
	free(r->m);
	free(r->defs);
	free(r->al);
	free(r->plain);
}

/* Walk the archive into r->m.  False on damage (reported). */
static bool collect(reader *r, const void *data, size_t len)
{
	dk_ar_reader ar;
	dk_ar_error err;
	dk_ar_entry e;
	size_t cap = 0;
	int rc;

	if (!dk_ar_open(&ar, data, len, &err)) {
		report(r, NULL, err.offset, "%s", err.message);
		return false;
	}
	while ((rc = dk_ar_next(&ar, &e, &err)) == 1) {
		member *m;
		if (!grow(r, (void **)&r->m, &cap, r->nm, sizeof *r->m))
			return false;
		m = &r->m[r->nm];
		memset(m, 0, sizeof *m);
		m->e = e;
		m->name = dk_ar_name(&e);
		if (!m->name) {
			out_of_memory(r);
			return false;
		}
		r->nm++;
	}
	if (rc < 0) {
		member named = { 0 };
		named.name = dk_ar_error_member(&err);
		report(r, named.name ? &named : NULL, err.offset, "damaged archive: %s", err.message);
		free(named.name);
		return false;
	}
	return true;
}

/* What each member is; .idata objects are opened and indexed. */
static void classify(reader *r)
{
	for (size_t i = 0; i < r->nm && !r->nomem; i++) {
		member *m = &r->m[i];
		dk_coff_why w;

		if (m->e.size >= 4 && dk_le16(m->e.data) == 0 && dk_le16(m->e.data + 2) == 0xffff) {
			if (m->e.size < 6) {
				report(r, m, m->e.offset, "a short import member of %zu bytes; its header alone takes 20",
				       m->e.size);
				continue;
			}
			if (is_short_import(&m->e))
				m->kind = M_SHORT;
			continue; /* (else an anonymous object: bigobj or /GL) */
		}
		if (!dk_coff_header_ok(m->e.data, m->e.size))
			continue;
		if (r->first_object == DK_MACHINE_UNKNOWN && known_machine(dk_le16(m->e.data)))
			r->first_object = (dk_machine)dk_le16(m->e.data);
		if (has_idata(m->e.data, m->e.size)) {
			if (!dk_coff_in_open(&m->obj, m->e.data, m->e.size, &w)) {
				report(r, m, m->e.offset + w.off, "%s", w.text);
				continue;
			}
			m->kind = M_IDATA;
			index_object(r, m, (uint32_t)i);
		} else if (dk_coff_in_open(&m->obj, m->e.data, m->e.size, &w)) {
			read_alias_object(r, m, (uint32_t)i);
		}
	}
	if (r->ndefs)
		qsort(r->defs, r->ndefs, sizeof *r->defs, cmp_symdef);
}

void dk_implib_free(dk_implib *lib)
{
	if (!lib)
		return;
	for (size_t i = 0; i < lib->n; i++) {
		free(lib->v[i].dll);
		free(lib->v[i].symbol);
		free(lib->v[i].name);
		free(lib->v[i].member);
	}
	free(lib->v);
	memset(lib, 0, sizeof *lib);
}

int dk_read_implib_mem(dk_implib *lib, const void *data, size_t len, const char *name,
		       dk_sink *s)
{
	reader r;

	memset(lib, 0, sizeof *lib);
	memset(&r, 0, sizeof r);
	r.path = name;
	r.s = s;
	r.lib = lib;
	if (collect(&r, data, len)) {
		classify(&r);
		for (size_t i = 0; i < r.nm && !r.nomem; i++) {
			if (r.m[i].kind == M_SHORT)
				read_short(&r, &r.m[i]);
			else if (r.m[i].kind == M_IDATA)
				read_long(&r, &r.m[i]);
		}
		if (!r.nomem)
			resolve_aliases(&r);
	}
	if (lib->machine == DK_MACHINE_UNKNOWN)
		lib->machine = r.first_object;
	reader_free(&r);
	if (r.failed) {
		dk_implib_free(lib);
		return DK_FAIL;
	}
	return DK_OK;
}

int dk_read_implib(dk_implib *lib, const char *path, dk_sink *s)
{
	char *data;
	size_t len;
	int rc;

	memset(lib, 0, sizeof *lib);
	if (dk_read_file(path, &data, &len, s) != DK_OK)
		return DK_FAIL;
	rc = dk_read_implib_mem(lib, data, len, path, s);
	free(data);
	return rc;
}

/* An ordinary object whose .drectve exports something: the archive is a
 * DLL's static library (which may bundle an import library), not an
 * import library. */
static bool exports_something(const dk_ar_entry *e)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_coff_in c;
	dk_coff_in_sec sec;
	dk_coff_why w;

	if (!dk_coff_header_ok(e->data, e->size) || !dk_coff_in_open(&c, e->data, e->size, &w))
		return false;
	for (uint32_t i = 1; i <= c.nsec; i++) {
		dk_directives d;
		bool yes;
		if (!dk_coff_in_section(&c, i, &sec, &w) || !sec.data || sec.name.n != 8 ||
		    memcmp(sec.name.p, ".drectve", 8) != 0)
			continue;
		memset(&d, 0, sizeof d);
		dk_directives_parse(&d, (const char *)sec.data, sec.size, (dk_machine)c.machine,
				    NULL, &quiet);
		yes = d.nexports > 0;
		dk_directives_free(&d);
		if (yes)
			return true;
	}
	return false;
}

bool dk_is_implib_mem(const void *data, size_t len)
{
	dk_ar_reader ar;
	dk_ar_entry e;
	bool imports = false;

	if (!dk_ar_open(&ar, data, len, NULL))
		return false;
	while (dk_ar_next(&ar, &e, NULL) == 1) {
		if (is_short_import(&e) || has_idata(e.data, e.size))
			imports = true;
		else if (exports_something(&e))
			return false;
	}
	return imports;
}

bool dk_is_implib(const char *path)
{
	char *data;
	size_t len;
	bool yes;

	if (dk_read_file(path, &data, &len, NULL) != DK_OK)
		return false;
	yes = dk_is_implib_mem(data, len);
	free(data);
	return yes;
}

/* ------------------------------------------------------------------ */
/* As a module                                                          */
/* ------------------------------------------------------------------ */

typedef struct named {
	const char *name;
	size_t pos;
} named;

static int cmp_named(const void *a, const void *b)
{
	const named *x = a, *y = b;
	return dk_cmp_name_pos(x->name, x->pos, y->name, y->pos);
}

/* The name a .def gives an import: its symbol in GNU naming (`_f@4` ->
 * `f@4`), so that an import library made again from the .def defines the
 * same symbols; when the loader asks for another name (a `-k` library's
 * `f`), that name goes into `== name`. */
static char *export_name(const dk_implib *lib, const dk_implib_entry *x)
{
	char *name = dk_symbol_to_def_name(x->symbol, lib->machine, DK_DIALECT_GNU), *back;

	/* The name must give the symbol back: a GNU .def name with "@@" is
	 * the symbol as it is, so `_f@@8` keeps its '_' (as `f@@8` it would
	 * import under the symbol `f@@8`).  (fuzz_roundtrip) */
	if (!name || !(back = dk_def_name_to_symbol(name, lib->machine, DK_DIALECT_GNU))) {
		free(name);
		return NULL;
	}
	/* And no export goes without a name: the symbol `_` alone (as
	 * --no-leading-underscore writes a .def's `_`) stays `_`, not "". */
	if (!*name || (strcmp(back, x->symbol) != 0 &&
		       dk_i386_def_name_is_symbol(x->symbol, DK_DIALECT_GNU))) {
		free(name);
		name = dk_strdup(x->symbol);
	}
	free(back);
	return name;
}

static int to_module(const dk_implib *lib, const char *dll, dk_module *m, dk_sink *s);

/* ARM64X: the imports of one view (ARM64 ones or the others), borrowed. */
static bool view_of(const dk_implib *lib, bool native, dk_implib *sub)
{
	sub->machine = native ? DK_MACHINE_ARM64 : lib->machine;
	sub->n = 0;
	if (!(sub->v = malloc((lib->n ? lib->n : 1) * sizeof *sub->v)))
		return false;
	for (size_t i = 0; i < lib->n; i++)
		if ((lib->v[i].machine == DK_MACHINE_ARM64) == native)
			sub->v[sub->n++] = lib->v[i];
	return true;
}

/* An ARM64X library (ARM64EC imports and ARM64 ones) gives two export
 * sets: the EC one in `m`, the native one in m->native. */
int dk_implib_to_module(const dk_implib *lib, const char *dll, dk_module *m, dk_sink *s)
{
	size_t nnative = 0;
	dk_implib ec, nat;
	int rc = DK_FAIL;

	if (lib->machine == DK_MACHINE_ARM64EC)
		for (size_t i = 0; i < lib->n; i++)
			nnative += lib->v[i].machine == DK_MACHINE_ARM64;
	if (nnative == 0 || nnative == lib->n || m->native)
		return to_module(lib, dll, m, s);
	memset(&ec, 0, sizeof ec);
	memset(&nat, 0, sizeof nat);
	if (!view_of(lib, false, &ec) || !view_of(lib, true, &nat) || !dk_module_native(m)) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
	} else if (to_module(&ec, dll, m, s) == DK_OK && to_module(&nat, dll, m->native, s) == DK_OK) {
		rc = DK_OK;
	}
	free(ec.v);
	free(nat.v);
	return rc;
}

static int to_module(const dk_implib *lib, const char *dll, dk_module *m, dk_sink *s)
{
	const char *which = dll;
	char **names = NULL;
	named *order = NULL;
	bool *skip = NULL;
	size_t k = 0;
	int rc = DK_FAIL;

	if (!which) {
		for (size_t i = 0; i < lib->n; i++) {
			if (!which) {
				which = lib->v[i].dll;
			} else if (strcasecmp(which, lib->v[i].dll) != 0) {
				dk_report(s, DK_ERROR, NULL,
					  "the library imports from more than one DLL (%s, %s, ...); name one",
					  which, lib->v[i].dll);
				return DK_FAIL;
			}
		}
		if (!which) {
			dk_report(s, DK_ERROR, NULL, "the library imports nothing");
			return DK_FAIL;
		}
	}
	names = calloc(lib->n ? lib->n : 1, sizeof *names);
	order = malloc((lib->n ? lib->n : 1) * sizeof *order);
	skip = calloc(lib->n ? lib->n : 1, sizeof *skip);
	if (!names || !order || !skip)
		goto nomem;
	for (size_t i = 0; i < lib->n; i++) {
		if (strcasecmp(lib->v[i].dll, which) != 0)
			continue;
		if (!(names[i] = export_name(lib, &lib->v[i])))
			goto nomem;
		order[k].name = names[i];
		order[k].pos = i;
		k++;
	}
	if (k == 0) {
		dk_report(s, DK_ERROR, NULL, "the library imports nothing from %s", which);
		goto done;
	}
	/* One export per name: the first import of it (an i386 library may
	 * import one name under two symbols, `_f@4` and `_f`). */
	qsort(order, k, sizeof *order, cmp_named);
	for (size_t j = 1; j < k; j++)
		if (strcmp(order[j].name, order[j - 1].name) == 0)
			skip[order[j].pos] = true;

	if (!m->name) {
		for (size_t i = 0; i < lib->n && !m->name; i++)
			if (names[i] && !(m->name = dk_strdup(lib->v[i].dll)))
				goto nomem;
		m->has_name_stmt = true;
		m->is_exe = dk_ends_with(m->name, ".exe") || dk_ends_with(m->name, ".EXE");
	}
	m->machine = lib->machine;
	if (lib->machine == DK_MACHINE_I386 && m->dialect == DK_DIALECT_AUTO)
		m->dialect = DK_DIALECT_GNU;
	for (size_t i = 0; i < lib->n; i++) {
		const dk_implib_entry *x = &lib->v[i];
		dk_export e;

		if (!names[i] || skip[i])
			continue;
		memset(&e, 0, sizeof e);
		e.name = names[i];
		if (!x->by_ordinal && x->name && strcmp(x->name, names[i]) != 0)
			e.import_name = x->name;
		e.origin = x->member;
		e.hint = x->by_ordinal ? -1 : x->ordinal;
		if (x->by_ordinal) {
			e.ordinal = x->ordinal;
			e.flags |= DK_EXPORT_NONAME;
		}
		if (x->type == DK_IMPORT_DATA)
			e.flags |= DK_EXPORT_DATA;
		else if (x->type == DK_IMPORT_CONST)
			e.flags |= DK_EXPORT_CONSTANT;
		if (!dk_module_add(m, &e))
			goto nomem;
	}
	rc = DK_OK;
	goto done;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
done:
	if (names)
		for (size_t i = 0; i < lib->n; i++)
			free(names[i]);
	free(names);
	free(order);
	free(skip);
	return rc;
}
