/* write_implib_long.c - GNU long-format import libraries (what dlltool and
 * `ld --out-implib` write): ordinary COFF objects that, linked together,
 * build the import tables themselves.
 *
 * For a DLL named "k.dll" (symbol stem "k_dll": every byte that is not a
 * letter or digit becomes '_', as ld does) the archive holds, in order:
 *
 *   k_dll_d000000.o  head: the import directory entry in .idata$2, with
 *                    ADDR32NB relocations to the start of this DLL's lookup
 *                    table (.idata$4), its address table (.idata$5) and its
 *                    name (k_dll_iname); defines _head_k_dll.
 *   k_dll_d000001.o  one per import: a jump thunk in .text (code imports),
 *   ...              a pointer to _head_k_dll in .idata$7 (pulls the head
 *                    in), the address-table and lookup-table entries in
 *                    .idata$5/.idata$4 (the RVA of the hint/name in
 *                    .idata$6, or the ordinal with the top bit set), and the
 *                    hint/name itself; defines __imp_SYM, and SYM for code
 *                    and CONSTANT imports.
 *   k_dll_dNNNNNN.o  tail: the null entries that end both tables, and the
 *                    DLL name in .idata$7; defines k_dll_iname.
 *
 * On i386 the helper symbols carry the C prefix: __head_k_dll, _k_dll_iname.
 * Linkers (GNU ld's SORT rule, lld's fixGnuImportChunks) place the .idata$N
 * pieces of one archive in member-name order, so the names must sort head,
 * imports, tail; six digits leave room for the 65535 exports a DLL can have.
 * Every name comes from the DLL name, never from the output path (dlltool
 * bakes "-l dir/libk.a" into its symbols), so the bytes do not depend on
 * where the library is written.
 *
 * The external symbols are dlltool's, and the thunks its (x86) or the
 * linkers' own (arm64, arm: GNU has no long format there).  On purpose we
 * differ in: the .idata sections say CNT_INITIALIZED_DATA (dlltool's
 * import objects carry no content flag); 64-bit table entries are 8-aligned;
 * every i386 member has @feat.00, or lld-link's default /safeseh refuses
 * it; a CONSTANT import's SYM is the address-table slot, as in a short
 * import of type CONST (dlltool makes it a jump thunk); ld's __nm_SYM for
 * DATA is not written (dlltool writes none, and ld auto-imports without it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"

/* What differs between machines. */
typedef struct long_machine {
	dk_machine machine;
	unsigned ptr;           /* size of a lookup/address table entry */
	uint16_t rva;           /* the image-relative (RVA) relocation */
	const unsigned char *thunk;
	size_t thunk_len;
	uint32_t thunk_off[2];  /* relocations in the thunk, against the IAT entry */
	uint16_t thunk_type[2];
	size_t nthunk_relocs;
	bool feat00;            /* i386: mark objects SAFESEH-compatible for lld-link/link.exe */
} long_machine;

/* jmp *__imp_sym (absolute on i386, RIP-relative on x86-64), padded to 8
 * bytes with nops: the thunk dlltool and ld write. */
static const unsigned char thunk_x86[] = { 0xff, 0x25, 0, 0, 0, 0, 0x90, 0x90 };

/* adrp x16, __imp_sym; ldr x16, [x16, :lo12:__imp_sym]; br x16 - the thunk
 * lld and link.exe make for short imports. */
static const unsigned char thunk_arm64[] = {
	0x10, 0x00, 0x00, 0x90, 0x10, 0x02, 0x40, 0xf9, 0x00, 0x02, 0x1f, 0xd6,
};

/* Thumb-2: movw ip, #:lower16:__imp_sym; movt ip, #:upper16:__imp_sym;
 * ldr.w pc, [ip] - again the linkers' own thunk (one MOV32T relocation
 * covers the movw/movt pair). */
static const unsigned char thunk_armnt[] = {
	0x40, 0xf2, 0x00, 0x0c, 0xc0, 0xf2, 0x00, 0x0c, 0xdc, 0xf8, 0x00, 0xf0,
};

static const long_machine machines[] = {
	{ DK_MACHINE_I386, 4, DK_REL_I386_DIR32NB, thunk_x86, sizeof thunk_x86,
	  { 2, 0 }, { DK_REL_I386_DIR32, 0 }, 1, true },
	{ DK_MACHINE_AMD64, 8, DK_REL_AMD64_ADDR32NB, thunk_x86, sizeof thunk_x86,
	  { 2, 0 }, { DK_REL_AMD64_REL32, 0 }, 1, false },
	{ DK_MACHINE_ARM64, 8, DK_REL_ARM64_ADDR32NB, thunk_arm64, sizeof thunk_arm64,
	  { 0, 4 }, { DK_REL_ARM64_PAGEBASE_REL21, DK_REL_ARM64_PAGEOFFSET_12L }, 2, false },
	{ DK_MACHINE_ARMNT, 4, DK_REL_ARM_ADDR32NB, thunk_armnt, sizeof thunk_armnt,
	  { 0, 0 }, { DK_REL_ARM_MOV32T, 0 }, 1, false },
};

#define IDATA_FLAGS (DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ | DK_SCN_MEM_WRITE)
#define TEXT_FLAGS (DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ | DK_SCN_ALIGN_4BYTES)

/* The table entries are pointer-sized and aligned as such (arm64's
 * PAGEOFFSET_12L on an 8-byte ldr needs it; GNU tools use 4 everywhere). */
static uint32_t table_flags(const long_machine *mc)
{
	return IDATA_FLAGS | (mc->ptr == 8 ? DK_SCN_ALIGN_8BYTES : DK_SCN_ALIGN_4BYTES);
}

/* The names shared by every member. */
typedef struct names {
	char *stem;  /* "k_dll" */
	char *head;  /* "_head_k_dll" ("__head_k_dll" on i386) */
	char *iname; /* "k_dll_iname" ("_k_dll_iname" on i386) */
} names;

static char *concat3(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *r = malloc(la + lb + lc + 1);
	if (!r)
		return NULL;
	memcpy(r, a, la);
	memcpy(r + la, b, lb);
	memcpy(r + la + lb, c, lc + 1);
	return r;
}

static int names_init(names *nm, const dk_implib_opts *o)
{
	const char *u = o->machine == DK_MACHINE_I386 && !o->no_leading_underscore ? "_" : "";

	memset(nm, 0, sizeof *nm);
	if (!(nm->stem = dk_implib_stem(o->dll_name)))
		return DK_FAIL;
	nm->head = concat3(u, "_head_", nm->stem);
	nm->iname = concat3(u, nm->stem, "_iname");
	return nm->head && nm->iname ? DK_OK : DK_FAIL;
}

static void names_free(names *nm)
{
	free(nm->stem);
	free(nm->head);
	free(nm->iname);
}

/* A static symbol naming section `sec`, which relocations may target. */
static uint32_t section_symbol(dk_coff *c, int sec)
{
	const dk_coff_section *s = dk_coff_section_get(c, sec);
	return dk_coff_symbol_add(c, s ? s->name : "", 0, (int16_t)sec, 0, DK_SYM_CLASS_STATIC);
}

/* The head: this DLL's entry in the import directory. */
static int write_head(const long_machine *mc, const names *nm, dk_implib_member *mb, dk_buf *all)
{
	dk_coff c;
	int i2, i5, i4;
	uint32_t s2, s5, s4, iname;

	dk_coff_init(&c, (uint16_t)mc->machine);
	i2 = dk_coff_section_add(&c, ".idata$2", IDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
	i5 = dk_coff_section_add(&c, ".idata$5", table_flags(mc));
	i4 = dk_coff_section_add(&c, ".idata$4", table_flags(mc));
	s2 = section_symbol(&c, i2);
	s5 = section_symbol(&c, i5);
	s4 = section_symbol(&c, i4);
	(void)s2;
	if (mc->feat00)
		dk_coff_feat00(&c);
	dk_coff_symbol_add(&c, nm->head, 0, (int16_t)i2, 0, DK_SYM_CLASS_EXTERNAL);
	iname = dk_coff_symbol_add(&c, nm->iname, 0, DK_SYM_UNDEFINED, 0, DK_SYM_CLASS_EXTERNAL);

	/* IMAGE_IMPORT_DESCRIPTOR: OriginalFirstThunk, TimeDateStamp,
	 * ForwarderChain, Name, FirstThunk.  The empty .idata$4/.idata$5
	 * sections of this object sort first among the DLL's entries, so
	 * their addresses are where its tables start. */
	dk_coff_zeros(&c, i2, 8);
	dk_coff_zeros(&c, i2, 8);
	dk_coff_zeros(&c, i2, 4);
	dk_coff_reloc_add(&c, i2, 0, s4, mc->rva);
	dk_coff_reloc_add(&c, i2, 12, iname, mc->rva);
	dk_coff_reloc_add(&c, i2, 16, s5, mc->rva);
	if (dk_implib_member_symbol(mb, nm->head) != DK_OK)
		c.failed = true;
	return dk_implib_member_finish(&c, mb, all);
}

/* The tail: the null entries closing both tables, and the DLL's name. */
static int write_tail(const long_machine *mc, const names *nm, const char *dll, dk_implib_member *mb,
		      dk_buf *all)
{
	dk_coff c;
	int i4, i5, i7;
	size_t len = strlen(dll) + 1;

	dk_coff_init(&c, (uint16_t)mc->machine);
	i4 = dk_coff_section_add(&c, ".idata$4", table_flags(mc));
	i5 = dk_coff_section_add(&c, ".idata$5", table_flags(mc));
	i7 = dk_coff_section_add(&c, ".idata$7", IDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
	section_symbol(&c, i4);
	section_symbol(&c, i5);
	section_symbol(&c, i7);
	if (mc->feat00)
		dk_coff_feat00(&c);
	dk_coff_symbol_add(&c, nm->iname, 0, (int16_t)i7, 0, DK_SYM_CLASS_EXTERNAL);
	dk_coff_zeros(&c, i4, mc->ptr);
	dk_coff_zeros(&c, i5, mc->ptr);
	dk_coff_data(&c, i7, dll, len);
	dk_coff_zeros(&c, i7, (4 - len % 4) % 4);
	if (dk_implib_member_symbol(mb, nm->iname) != DK_OK)
		c.failed = true;
	return dk_implib_member_finish(&c, mb, all);
}

/* One import, built in `c` (emptied first, its memory used again). */
static int write_import_object(const long_machine *mc, const names *nm,
		      const dk_import_entry *x, dk_coff *c, dk_implib_member *mb, dk_buf *all)
{
	int text, i7, i5, i4, i6;
	uint32_t s5, s6, head;
	const char *load = x->load_name; /* NULL: by ordinal */
	char *imp = concat3("__imp_", x->symbol, "");

	if (!imp)
		return DK_FAIL;
	dk_coff_reset(c, (uint16_t)mc->machine);
	text = dk_coff_section_add(c, ".text", TEXT_FLAGS);
	i7 = dk_coff_section_add(c, ".idata$7", IDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
	i5 = dk_coff_section_add(c, ".idata$5", table_flags(mc));
	i4 = dk_coff_section_add(c, ".idata$4", table_flags(mc));
	i6 = dk_coff_section_add(c, ".idata$6", IDATA_FLAGS | DK_SCN_ALIGN_2BYTES);
	section_symbol(c, text);
	section_symbol(c, i7);
	s5 = section_symbol(c, i5);
	section_symbol(c, i4);
	s6 = section_symbol(c, i6);
	if (mc->feat00)
		dk_coff_feat00(c);

	/* What callers reference: SYM is the jump thunk for code; for
	 * CONSTANT it is the address-table entry itself, as a short import
	 * of type CONST makes it (dlltool makes a thunk of it). DATA has
	 * __imp_SYM only. */
	if (x->type == DK_IMPORT_CODE) {
		dk_coff_data(c, text, mc->thunk, mc->thunk_len);
		for (size_t i = 0; i < mc->nthunk_relocs; i++)
			dk_coff_reloc_add(c, text, mc->thunk_off[i], s5, mc->thunk_type[i]);
		dk_coff_symbol_add(c, x->symbol, 0, (int16_t)text, DK_SYM_DTYPE_FUNCTION,
				   DK_SYM_CLASS_EXTERNAL);
		if (dk_implib_member_symbol(mb, x->symbol) != DK_OK)
			c->failed = true;
	} else if (x->type == DK_IMPORT_CONST) {
		dk_coff_symbol_add(c, x->symbol, 0, (int16_t)i5, 0, DK_SYM_CLASS_EXTERNAL);
		if (dk_implib_member_symbol(mb, x->symbol) != DK_OK)
			c->failed = true;
	}
	dk_coff_symbol_add(c, imp, 0, (int16_t)i5, 0, DK_SYM_CLASS_EXTERNAL);
	if (dk_implib_member_symbol(mb, imp) != DK_OK)
		c->failed = true;
	head = dk_coff_symbol_add(c, nm->head, 0, DK_SYM_UNDEFINED, 0, DK_SYM_CLASS_EXTERNAL);
	free(imp);

	/* A reference to the head, so that linking any import links it. */
	dk_coff_zeros(c, i7, 4);
	dk_coff_reloc_add(c, i7, 0, head, mc->rva);

	if (load) {
		/* By name: both tables hold the RVA of the hint/name entry. */
		unsigned char hint[2];
		dk_coff_zeros(c, i5, mc->ptr);
		dk_coff_zeros(c, i4, mc->ptr);
		dk_coff_reloc_add(c, i5, 0, s6, mc->rva);
		dk_coff_reloc_add(c, i4, 0, s6, mc->rva);
		dk_put16(hint, x->ordinal);
		dk_coff_data(c, i6, hint, 2);
		dk_coff_data(c, i6, load, strlen(load) + 1);
		if (strlen(load) % 2 == 0)
			dk_coff_zeros(c, i6, 1); /* entries start on even addresses */
	} else {
		/* By ordinal: the top bit set, the ordinal in the low 16 bits. */
		unsigned char e[8];
		if (mc->ptr == 8)
			dk_put64(e, UINT64_C(0x8000000000000000) | x->ordinal);
		else
			dk_put32(e, UINT32_C(0x80000000) | x->ordinal);
		dk_coff_data(c, i5, e, mc->ptr);
		dk_coff_data(c, i4, e, mc->ptr);
	}
	return dk_implib_member_emit(c, mb, all);
}

static const long_machine *find_machine(dk_machine m)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (machines[i].machine == m)
			return &machines[i];
	return NULL;
}

int dk_implib_write_long(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			 dk_ar_kind kind, dk_buf *out, dk_sink *s)
{
	const long_machine *mc = find_machine(o->machine);
	size_t nmembers = n + 2;
	dk_implib_member *mb = NULL;
	names nm;
	dk_buf all;
	dk_coff c;
	int rc = DK_FAIL;

	dk_buf_init(&all);
	if (o->machine == DK_MACHINE_ARM64EC) {
		/* GNU tools have no ARM64EC at all; an EC import also needs
		 * the auxiliary IAT, __imp_aux_ symbols and exit thunks,
		 * which lld and link.exe build from short imports only. */
		dk_report(s, DK_ERROR, NULL, "long format does not support arm64ec; use --format short");
		return DK_FAIL;
	}
	if (!mc) {
		dk_report(s, DK_ERROR, NULL, "long format does not support machine %s",
			  dk_machine_name(o->machine) ? dk_machine_name(o->machine) : "(unknown)");
		return DK_FAIL;
	}
	if (!o->dll_name || !*o->dll_name) {
		dk_report(s, DK_ERROR, NULL, "no DLL name given for the import library");
		return DK_FAIL;
	}
	if (n > 65535) {
		dk_report(s, DK_ERROR, NULL, "%zu imports; a DLL exports at most 65535", n);
		return DK_FAIL;
	}
	if (kind == DK_AR_COFF && nmembers > DK_AR_COFF_MAX_MEMBERS) {
		if (!dk_implib_coff_overflow(o, nmembers, s))
			return DK_FAIL;
		kind = DK_AR_GNU;
	}
	if (!*dk_dll_basename(o->dll_name)) {
		dk_report(s, DK_ERROR, NULL, "DLL name \"%s\" names no file", o->dll_name);
		return DK_FAIL;
	}
	if (names_init(&nm, o) != DK_OK || !(mb = calloc(nmembers, sizeof *mb)))
		goto nomem;
	for (size_t i = 0; i < nmembers; i++)
		if (dk_implib_member_name(&mb[i], nm.stem, 'd', i) != DK_OK)
			goto nomem;
	if (write_head(mc, &nm, &mb[0], &all) != DK_OK)
		goto nomem;
	dk_coff_init(&c, (uint16_t)mc->machine);
	for (size_t i = 0; i < n; i++)
		if (write_import_object(mc, &nm, &entries[i], &c, &mb[i + 1], &all) != DK_OK) {
			dk_coff_free(&c);
			goto nomem;
		}
	dk_coff_free(&c);
	if (write_tail(mc, &nm, dk_dll_basename(o->dll_name), &mb[n + 1], &all) != DK_OK)
		goto nomem;
	rc = dk_implib_members_write(mb, nmembers, &all, kind, out, s);
	goto done;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
done:
	dk_implib_members_free(mb, nmembers);
	dk_buf_free(&all);
	names_free(&nm);
	return rc;
}
