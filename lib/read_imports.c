/* read_imports.c - what a PE image imports, read from its bytes.
 *
 * Four places say it (PE/COFF specification 5.4, 6.4; Microsoft's
 * delayimp.h and winnt.h for the delay-load and bound-import records):
 *
 *   the import directory (data directory 1): a descriptor of 20 bytes per
 *     DLL {lookup table, TimeDateStamp, ForwarderChain, Name, address
 *     table}; the list ends where the loader stops, at the first
 *     descriptor with no name or no address table;
 *   the delay-import directory (13): a descriptor of 32 bytes per DLL
 *     {Attributes, Name, module handle, address table, name table, bound
 *     table, unload table, TimeDateStamp}, ending at one with no name;
 *     Attributes bit 0 clear is the old form whose addresses are VAs;
 *   delay-import descriptors no directory points at: a delay-load import
 *     library (GNU dlltool -y, mkimplib --delay) brings them as ordinary
 *     data, and no linker lists them (ld has no delay-load support; lld
 *     fills the directory only for its own -delayload).  The program still
 *     loads the DLL, through the descriptor that its thunks pass to
 *     __delayLoadHelper2.  They are found by their shape (scan_delay());
 *   the bound-import directory (11): the DLLs (and the DLLs reached
 *     through their forwarders) the image was bound to, with the
 *     TimeDateStamps the binding assumed.
 *
 * The lookup and name tables are arrays of pointer-sized entries ending in
 * a zero: the top bit set means "by ordinal" (the low 16 bits), else the
 * low 31 bits are the RVA of a hint (2 bytes) and a NUL-terminated name.
 *
 * Every number in the file is untrusted (see read_pe_private.h): tables
 * must end inside their section's data, strings inside the file.  The
 * first problem ends the read with one error naming the byte offset of the
 * field that is wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pecoff_private.h"
#include "read_pe_private.h"

enum {
	IMPORT_DESC_SIZE = 20,
	DELAY_DESC_SIZE = 32,
	BOUND_DESC_SIZE = 8,
	SCN_MEM_DISCARDABLE = 0x02000000,
	MAX_NAME = 4096,     /* a DLL name longer than this is not one (scan only) */
};

typedef struct rd {
	dk_pe *p;
	dk_imports *im;
	unsigned ptr;        /* 4 or 8: the size of a table entry */
} rd;

/* ------------------------------------------------------------------ */
/* The list of DLLs                                                     */
/* ------------------------------------------------------------------ */

/* Room for element `n` of an array that only this file appends to.  The
 * public structures keep no capacity, so it is the one dk_reserve would
 * have given for `n` elements (8, then doubling), and growing stays O(n). */
static void *grow(void *v, size_t n, size_t size)
{
	size_t cap = 8;

	while (cap < n)
		cap *= 2;
	return dk_reserve(v, &cap, n + 1, size);
}

static bool same_dll(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* The entry for `name` with `kind`, made when there is none; NULL when out
 * of memory (reported). */
static dk_import_dll *dll_entry(rd *r, const char *name, dk_imports_kind kind, dk_found found,
				uint32_t desc_rva, bool *fresh)
{
	dk_imports *im = r->im;

	*fresh = false;
	for (size_t i = 0; i < im->ndlls; i++)
		if (im->dlls[i].kind == kind && same_dll(im->dlls[i].dll, name)) {
			im->dlls[i].ndescriptors++;
			return &im->dlls[i];
		}
	dk_import_dll *v = grow(im->dlls, im->ndlls, sizeof *im->dlls);
	if (!v) {
		dk_pe_bad(r->p, -1, "out of memory");
		return NULL;
	}
	im->dlls = v;
	dk_import_dll *e = &im->dlls[im->ndlls];
	memset(e, 0, sizeof *e);
	if (!(e->dll = dk_strdup(name))) {
		dk_pe_bad(r->p, -1, "out of memory");
		return NULL;
	}
	im->ndlls++;
	e->kind = kind;
	e->found = found;
	e->ndescriptors = 1;
	e->descriptor_rva = desc_rva;
	*fresh = true;
	return e;
}

static int add_item(rd *r, dk_import_dll *e, const dk_imported *it)
{
	dk_imported *v = grow(e->items, e->nitems, sizeof *e->items);
	if (!v)
		return dk_pe_bad(r->p, -1, "out of memory");
	e->items = v;
	e->items[e->nitems++] = *it;
	return DK_OK;
}

/* ------------------------------------------------------------------ */
/* Lookup and name tables                                               */
/* ------------------------------------------------------------------ */

static uint64_t load_ptr(const rd *r, size_t off)
{
	return r->ptr == 8 ? dk_le64(r->p->d + off) : dk_le32(r->p->d + off);
}

/* The number of entries before the zero that ends the table at `rva`
 * (`what` and `field` for the error when it does not end in its section). */
static int table_length(rd *r, uint32_t rva, const char *what, const char *dll, long long field,
			size_t *n, size_t *off)
{
	size_t avail;

	if (!dk_pe_rva_map(r->p, rva, off, &avail))
		return dk_pe_bad(r->p, field, "the %s of \"%s\" (RVA 0x%x) is not in the file", what, dll,
				 rva);
	for (size_t k = 0; k + r->ptr <= avail; k += r->ptr)
		if (load_ptr(r, *off + k) == 0) {
			*n = k / r->ptr;
			return DK_OK;
		}
	return dk_pe_bad(r->p, field,
			 "the %s of \"%s\" (RVA 0x%x) runs past the end of its section's data with no null entry",
			 what, dll, rva);
}

/* One lookup-table entry (`v`, at file offset `at`) into `it`; `va_base`
 * is subtracted from hint/name addresses (the old delay form's VAs). */
static int decode_entry(rd *r, uint64_t v, size_t at, uint64_t va_base, const char *dll,
			dk_imported *it)
{
	uint64_t flag = r->ptr == 8 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
	size_t off, avail;

	memset(it, 0, sizeof *it);
	if (v & flag) {
		it->by_ordinal = true;
		it->ordinal = (uint16_t)v;
		return DK_OK;
	}
	v -= va_base;
	uint32_t rva = (uint32_t)(v & 0x7fffffff);
	if (!dk_pe_rva_map(r->p, rva, &off, &avail) || avail < 3)
		return dk_pe_bad(r->p, (long long)at,
				 "an import of \"%s\" names its hint and name at RVA 0x%x, which is not in the file",
				 dll, rva);
	it->hint = dk_le16(r->p->d + off);
	const char *name = dk_pe_string_at(r->p, rva + 2, "imported name", (long long)at);
	if (!name)
		return DK_FAIL;
	if (!*name)
		return dk_pe_bad(r->p, (long long)off + 2, "an import of \"%s\" has an empty name", dll);
	if (!(it->name = dk_strdup(name)))
		return dk_pe_bad(r->p, -1, "out of memory");
	return DK_OK;
}

/* The entries of the table at `lookup` into `e`; `slots` is the address
 * table beside it (its values are the bound addresses when `bound`). */
static int read_table(rd *r, dk_import_dll *e, uint32_t lookup, uint32_t slots, bool bound,
		      uint64_t va_base, const char *what, long long field)
{
	size_t n = 0, off = 0, soff = 0;
	dk_imported it;

	if (table_length(r, lookup, what, e->dll, field, &n, &off) != DK_OK)
		return DK_FAIL;
	if (bound && slots != lookup &&
	    dk_pe_map_table(r->p, slots, n, r->ptr, "address table", field, &soff) != DK_OK)
		return DK_FAIL;
	for (size_t k = 0; k < n; k++) {
		size_t at = off + k * r->ptr;
		if (decode_entry(r, load_ptr(r, at), at, va_base, e->dll, &it) != DK_OK)
			return DK_FAIL;
		it.slot_rva = slots + (uint32_t)(k * r->ptr);
		if (bound && slots != lookup)
			it.bound = load_ptr(r, soff + k * r->ptr);
		if (add_item(r, e, &it) != DK_OK) {
			free(it.name);
			return DK_FAIL;
		}
	}
	return DK_OK;
}

/* ------------------------------------------------------------------ */
/* The import directory                                                 */
/* ------------------------------------------------------------------ */

static int read_import_dir(rd *r)
{
	uint32_t rva, size;
	long long field;
	size_t off, avail;

	if (!dk_pe_dir(r->p, DK_PE_DIR_IMPORT, &rva, &size, &field) || rva == 0)
		return DK_OK;
	if (!dk_pe_rva_map(r->p, rva, &off, &avail))
		return dk_pe_not_in_file(r->p, field, "import directory", rva);
	for (size_t k = 0;; k += IMPORT_DESC_SIZE) {
		if (avail - k < IMPORT_DESC_SIZE || k >= avail)
			return dk_pe_bad(r->p, field,
					 "the import directory (RVA 0x%x) runs past the end of its section's data with no null descriptor",
					 rva);
		const unsigned char *d = r->p->d + off + k;
		long long at = (long long)(off + k);
		uint32_t lookup = dk_le32(d), stamp = dk_le32(d + 4), chain = dk_le32(d + 8);
		uint32_t name_rva = dk_le32(d + 12), iat = dk_le32(d + 16);
		/* Where the loader stops (ntdll and Wine alike). */
		if (name_rva == 0 || iat == 0)
			return DK_OK;
		const char *name = dk_pe_string_at(r->p, name_rva, "imported DLL's name", at + 12);
		if (!name)
			return DK_FAIL;
		if (!*name)
			return dk_pe_bad(r->p, at + 12, "an import descriptor names no DLL (an empty name)");
		bool fresh;
		dk_import_dll *e = dll_entry(r, name, DK_IMPORTS_LOAD, DK_FOUND_DIRECTORY,
					     rva + (uint32_t)k, &fresh);
		if (!e)
			return DK_FAIL;
		if (fresh) {
			e->name_rva = name_rva;
			e->lookup_rva = lookup;
			e->address_rva = iat;
			e->timestamp = stamp;
			e->forwarder_chain = chain;
		}
		/* With no lookup table the loader reads the names from the
		 * address table (old linkers); a bound image keeps them in
		 * the lookup table and the addresses in the other. */
		if (read_table(r, e, lookup ? lookup : iat, iat, stamp != 0, 0,
			       lookup ? "lookup table" : "address table",
			       at + (lookup ? 0 : 16)) != DK_OK)
			return DK_FAIL;
	}
}

/* ------------------------------------------------------------------ */
/* Delay-load descriptors                                               */
/* ------------------------------------------------------------------ */

typedef struct delay_desc {
	uint32_t attrs, name, handle, iat, intab, bound, unload, stamp;
} delay_desc;

static void load_delay(const unsigned char *d, delay_desc *x)
{
	x->attrs = dk_le32(d);
	x->name = dk_le32(d + 4);
	x->handle = dk_le32(d + 8);
	x->iat = dk_le32(d + 12);
	x->intab = dk_le32(d + 16);
	x->bound = dk_le32(d + 20);
	x->unload = dk_le32(d + 24);
	x->stamp = dk_le32(d + 28);
}

static int add_delay(rd *r, const delay_desc *x, uint32_t desc_rva, long long at, dk_found found)
{
	/* The old form (Attributes bit 0 clear) holds VAs; a PE32+ image
	 * cannot have it (its VAs do not fit 32 bits). */
	uint64_t base = (x->attrs & 1) ? 0 : r->p->image_base;
	uint32_t name_rva = (uint32_t)(x->name - base), iat = (uint32_t)(x->iat - base);
	uint32_t intab = (uint32_t)(x->intab - base);

	if (!(x->attrs & 1) && r->p->pe32plus)
		return dk_pe_bad(r->p, at, "a delay-import descriptor has attributes 0x%x: a PE32+ image must set bit 0 (RVAs)",
				 x->attrs);
	const char *name = dk_pe_string_at(r->p, name_rva, "delay-loaded DLL's name", at + 4);
	if (!name)
		return DK_FAIL;
	if (!*name)
		return dk_pe_bad(r->p, at + 4, "a delay-import descriptor names no DLL (an empty name)");
	if (intab == 0)
		return dk_pe_bad(r->p, at + 16, "the delay-import descriptor of \"%s\" has no name table", name);
	bool fresh;
	dk_import_dll *e = dll_entry(r, name, DK_IMPORTS_DELAY, found, desc_rva, &fresh);
	if (!e)
		return DK_FAIL;
	if (fresh) {
		e->name_rva = name_rva;
		e->lookup_rva = intab;
		e->address_rva = iat;
		e->timestamp = x->stamp;
		e->attributes = x->attrs;
		e->handle_rva = (uint32_t)(x->handle - base);
	}
	return read_table(r, e, intab, iat, false, base, "delay-import name table", at + 16);
}

static int read_delay_dir(rd *r, uint32_t rva, long long field)
{
	size_t off, avail;

	if (!dk_pe_rva_map(r->p, rva, &off, &avail))
		return dk_pe_not_in_file(r->p, field, "delay-import directory", rva);
	for (size_t k = 0;; k += DELAY_DESC_SIZE) {
		delay_desc x;
		if (k >= avail || avail - k < DELAY_DESC_SIZE)
			return dk_pe_bad(r->p, field,
					 "the delay-import directory (RVA 0x%x) runs past the end of its section's data with no null descriptor",
					 rva);
		load_delay(r->p->d + off + k, &x);
		if (x.name == 0)
			return DK_OK;
		if (add_delay(r, &x, rva + (uint32_t)k, (long long)(off + k), DK_FOUND_DIRECTORY) != DK_OK)
			return DK_FAIL;
	}
}

static bool in_section_with(const dk_pe *p, uint32_t rva, uint32_t flag)
{
	const dk_pe_section *sc = dk_pe_section_of(p, rva);
	return sc && (sc->flags & flag);
}

/* A NUL-terminated run of 1..MAX_NAME printable ASCII bytes at `rva`. */
static bool plausible_name(const dk_pe *p, uint32_t rva)
{
	size_t off, avail, k;

	if (!dk_pe_rva_map(p, rva, &off, &avail))
		return false;
	for (k = 0; k < avail && k <= MAX_NAME; k++) {
		unsigned char c = p->d[off + k];
		if (c == 0)
			return k > 0;
		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return false;
}

/*
 * Does the 32 bytes at `off` (RVA `rva`) hold a delay-import descriptor?
 * Only the RVA form, and only when everything checks: its DLL name is
 * printable text; its module handle and address table are in writable
 * sections; its name table ends, every entry an ordinal or a hint and a
 * printable name; and each address-table slot, as the file has it, holds
 * the address of code in the image: the thunk that loads the DLL at the
 * first call.  Random bytes do not pass all of that.
 */
static bool is_delay_desc(const rd *r, const unsigned char *d)
{
	const dk_pe *p = r->p;
	delay_desc x;
	size_t ioff, iavail, soff, savail, n;

	load_delay(d, &x);
	if (x.attrs != 1 || !x.name || !x.handle || !x.iat || !x.intab)
		return false;
	if (!in_section_with(p, x.handle, DK_SCN_MEM_WRITE) ||
	    !in_section_with(p, x.iat, DK_SCN_MEM_WRITE) || !plausible_name(p, x.name))
		return false;
	if (!dk_pe_rva_map(p, x.intab, &ioff, &iavail) || !dk_pe_rva_map(p, x.iat, &soff, &savail))
		return false;
	uint64_t flag = r->ptr == 8 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
	for (n = 0;; n++) {
		if ((n + 1) * r->ptr > iavail || (n + 1) * r->ptr > savail)
			return false;
		uint64_t v = load_ptr(r, ioff + n * r->ptr), slot = load_ptr(r, soff + n * r->ptr);
		if (v == 0)
			break;
		if (v & flag) {
			if ((v & ~flag) > 0xffff)
				return false;
		} else if (v > 0x7fffffff || !plausible_name(p, (uint32_t)v + 2)) {
			return false;
		}
		if (slot < p->image_base || slot - p->image_base > UINT32_MAX ||
		    !in_section_with(p, (uint32_t)(slot - p->image_base), DK_SCN_MEM_EXECUTE))
			return false;
	}
	return n > 0;
}

static bool listed(const dk_imports *im, uint32_t desc_rva)
{
	for (size_t i = 0; i < im->ndlls; i++)
		if (im->dlls[i].kind == DK_IMPORTS_DELAY && im->dlls[i].descriptor_rva == desc_rva)
			return true;
	return false;
}

/* Delay-import descriptors that no directory lists, in every section the
 * loader keeps (not the discardable ones: .reloc, debug info), at 4-byte
 * alignment as every linker places them. */
static int scan_delay(rd *r, uint32_t dir_rva, uint32_t dir_size)
{
	const dk_pe *p = r->p;

	for (size_t i = 0; i < p->nsec; i++) {
		const dk_pe_section *sc = &p->sec[i];
		if ((sc->flags & SCN_MEM_DISCARDABLE) || sc->inited < DELAY_DESC_SIZE)
			continue;
		for (uint32_t k = (4 - sc->va % 4) % 4; k + DELAY_DESC_SIZE <= sc->inited; k += 4) {
			const unsigned char *d = p->d + sc->rawptr + k;
			uint32_t rva = sc->va + k;
			if (dk_le32(d) != 1 || !is_delay_desc(r, d))
				continue;
			/* Those of the directory are already read. */
			if ((dir_rva && rva >= dir_rva && rva - dir_rva < (uint64_t)dir_size) ||
			    listed(r->im, rva))
				continue;
			delay_desc x;
			load_delay(d, &x);
			if (add_delay(r, &x, rva, (long long)(sc->rawptr + k), DK_FOUND_THUNKS) != DK_OK)
				return DK_FAIL;
		}
	}
	return DK_OK;
}

/* ------------------------------------------------------------------ */
/* The bound-import directory                                           */
/* ------------------------------------------------------------------ */

static int read_bound_dir(rd *r)
{
	uint32_t rva, size;
	long long field;
	size_t off, avail;
	dk_imports *im = r->im;

	if (!dk_pe_dir(r->p, DK_PE_DIR_BOUND_IMPORT, &rva, &size, &field) || rva == 0)
		return DK_OK;
	if (!dk_pe_rva_map(r->p, rva, &off, &avail))
		return dk_pe_not_in_file(r->p, field, "bound-import directory", rva);
	for (size_t k = 0;;) {
		if (k >= avail || avail - k < BOUND_DESC_SIZE)
			return dk_pe_bad(r->p, field,
					 "the bound-import directory (RVA 0x%x) runs past the end of the file's data there with no null entry",
					 rva);
		const unsigned char *d = r->p->d + off + k;
		uint32_t stamp = dk_le32(d);
		unsigned name_off = dk_le16(d + 4), nfwd = dk_le16(d + 6);
		if (stamp == 0 && name_off == 0)
			return DK_OK;
		if ((uint64_t)(nfwd + 1) * BOUND_DESC_SIZE > avail - k)
			return dk_pe_bad(r->p, (long long)(off + k + 6),
					 "a bound-import entry's %u forwarder references run past the end of the directory's data",
					 nfwd);
		dk_bound_dll *v = grow(im->bound, im->nbound, sizeof *im->bound);
		if (!v)
			return dk_pe_bad(r->p, -1, "out of memory");
		im->bound = v;
		dk_bound_dll *b = &im->bound[im->nbound];
		memset(b, 0, sizeof *b);
		im->nbound++;
		for (unsigned j = 0; j <= nfwd; j++) {
			const unsigned char *e = d + (size_t)j * BOUND_DESC_SIZE;
			long long at = (long long)(off + k) + (long long)j * BOUND_DESC_SIZE;
			const char *name = dk_pe_string_at(r->p, rva + dk_le16(e + 4),
							   "bound DLL's name", at + 4);
			char *copy;
			if (!name)
				return DK_FAIL;
			if (!(copy = dk_strdup(name)))
				return dk_pe_bad(r->p, -1, "out of memory");
			if (j == 0) {
				b->dll = copy;
				b->timestamp = dk_le32(e);
				b->forwarders = calloc(nfwd ? nfwd : 1, sizeof *b->forwarders);
				b->forwarder_timestamps =
					calloc(nfwd ? nfwd : 1, sizeof *b->forwarder_timestamps);
				if (!b->forwarders || !b->forwarder_timestamps)
					return dk_pe_bad(r->p, -1, "out of memory");
			} else {
				b->forwarders[j - 1] = copy;
				b->forwarder_timestamps[j - 1] = dk_le32(e);
				b->nforwarders = j;
			}
		}
		for (size_t i = 0; i < im->ndlls; i++)
			if (im->dlls[i].kind == DK_IMPORTS_LOAD && same_dll(im->dlls[i].dll, b->dll)) {
				im->dlls[i].bound = true;
				im->dlls[i].bound_timestamp = b->timestamp;
			}
		k += (size_t)(nfwd + 1) * BOUND_DESC_SIZE;
	}
}

/* ------------------------------------------------------------------ */
/* Entry points                                                         */
/* ------------------------------------------------------------------ */

int dk_read_imports_mem(dk_imports *im, const void *data, size_t len, const char *name,
			dk_sink *s)
{
	dk_pe p;
	rd r;
	uint32_t drva = 0, dsize = 0;
	long long dfield;
	int rc;

	memset(im, 0, sizeof *im);
	rc = dk_pe_open(&p, data, len, name, s);
	if (rc == DK_OK) {
		im->machine = p.machine;
		im->raw_machine = p.raw_machine;
		im->pe32plus = p.pe32plus;
		im->is_dll = p.is_dll;
		im->arm64x = p.arm64x;
		im->image_base = p.image_base;
		r.p = &p;
		r.im = im;
		r.ptr = p.pe32plus ? 8 : 4;
		rc = read_import_dir(&r);
		if (rc == DK_OK && dk_pe_dir(&p, DK_PE_DIR_DELAY_IMPORT, &drva, &dsize, &dfield) && drva)
			rc = read_delay_dir(&r, drva, dfield);
		if (rc == DK_OK)
			rc = scan_delay(&r, drva, dsize);
		if (rc == DK_OK)
			rc = read_bound_dir(&r);
	}
	dk_pe_close(&p);
	if (rc != DK_OK) {
		dk_imports_free(im);
		return DK_FAIL;
	}
	return DK_OK;
}

int dk_read_imports(dk_imports *im, const char *path, dk_sink *s)
{
	dk_input in;
	int rc;

	memset(im, 0, sizeof *im);
	if (dk_input_read(&in, path, s) != DK_OK)
		return DK_FAIL;
	rc = dk_read_imports_mem(im, in.data, in.len, path, s);
	dk_input_free(&in);
	return rc;
}

void dk_imports_free(dk_imports *im)
{
	if (!im)
		return;
	for (size_t i = 0; i < im->ndlls; i++) {
		for (size_t k = 0; k < im->dlls[i].nitems; k++)
			free(im->dlls[i].items[k].name);
		free(im->dlls[i].items);
		free(im->dlls[i].dll);
	}
	free(im->dlls);
	for (size_t i = 0; i < im->nbound; i++) {
		for (size_t k = 0; k < im->bound[i].nforwarders; k++)
			free(im->bound[i].forwarders[k]);
		free(im->bound[i].forwarders);
		free(im->bound[i].forwarder_timestamps);
		free(im->bound[i].dll);
	}
	free(im->bound);
	memset(im, 0, sizeof *im);
}
