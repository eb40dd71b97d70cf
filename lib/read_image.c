/* read_image.c - the export directory of a PE image (DLL or EXE), read from its bytes.
 *
 * The format is small (PE/COFF specification, section 6.3); the headers
 * and addresses are read_pe.c's, for every machine, PE32 and PE32+ alike.
 *
 * Every number in the file is untrusted.  Each read goes through
 * dk_pe_rva_map(), and every table and string is checked against what it
 * says before it is touched; counts are checked against the bytes that
 * hold them before anything is allocated for them.  The first problem
 * found is reported (file and byte offset) and the read stops: one error per
 * damaged image, and `m` is left as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pecoff_private.h"
#include "read_pe_private.h"

/* A NONAME export has no name in the image, but the model needs one (it
 * sorts, finds and writes exports by name): "ord_7" for ordinal 7.  It is a
 * C identifier, so a client may declare it and import it by ordinal through
 * an import library made from the DLL. */
#define NONAME_FORMAT "ord_%u"

enum {
	EXPORT_DIR_SIZE = 40,
};

typedef dk_pe pe;
typedef dk_pe_section pe_section;

/* ------------------------------------------------------------------ */
/* ARM64X: the EC view's export directory                               */
/* ------------------------------------------------------------------ */

/*
 * An ARM64X image is one file with two views.  Its headers are the native
 * (ARM64) view's; the loader of an x64/ARM64EC process first applies the
 * ARM64X fixups of the dynamic value relocation table (DVRT), which patch
 * header fields: the machine, the entry point, and the export (and other)
 * data directory entries.  So the EC view's export directory is whatever
 * those fixups make of the export entry (an RVA and a size), and when none
 * touches it, it is the native one.
 *
 * The DVRT is found from the load configuration: by its address
 * (DynamicValueRelocTable, offset 0xC0), or by a section number and an
 * offset into that section's data (0xE4, 0xE0), which lld-link writes.
 * Version 1: a header {Version, Size}, then records {Symbol (8 bytes),
 * BaseRelocSize}, each followed by blocks as in .reloc {PageRVA,
 * BlockSize, entries}.  Symbol 6 is ARM64X; each 16-bit entry is
 * offset (12 bits), type (2: 0 zero-fill, 1 value, 2 delta) and meta
 * (2: the size is 1 << meta bytes; a value's bytes follow the entry, a
 * delta's 16-bit scaled amount does).  A zero entry ending a block is
 * padding.
 */
enum {
	LC_DVRT_VA = 0xc0, LC_DVRT_OFFSET = 0xe0, LC_DVRT_SECTION = 0xe4,
	DVRT_ARM64X = 6,
	FIX_ZERO = 0, FIX_VALUE = 1, FIX_DELTA = 2,
};

/* Where the DVRT is in the file (*off, with *avail bytes of its section
 * after it), or *off = 0 when the image has none.  `lc_off`/`lc_len`:
 * the load configuration in the file and its Size. */
static int find_dvrt(pe *p, size_t lc_off, uint32_t lc_len, uint64_t image_base, size_t *off,
		     size_t *avail)
{
	const unsigned char *lc = dk_pe_bytes(p, lc_off, lc_len);

	*off = 0;
	if (!lc)
		return DK_FAIL;
	if (lc_len >= LC_DVRT_VA + 8 && dk_le64(lc + LC_DVRT_VA)) {
		uint64_t va = dk_le64(lc + LC_DVRT_VA);
		if (va < image_base || va - image_base > UINT32_MAX)
			return dk_pe_bad(p, (long long)(lc_off + LC_DVRT_VA),
				   "the dynamic value relocation table's address 0x%llx is outside the image (base 0x%llx)",
				   (unsigned long long)va, (unsigned long long)image_base);
		if (!dk_pe_rva_map(p, (uint32_t)(va - image_base), off, avail))
			return dk_pe_not_in_file(p, (long long)(lc_off + LC_DVRT_VA),
					   "dynamic value relocation table", (uint32_t)(va - image_base));
		return DK_OK;
	}
	if (lc_len < LC_DVRT_SECTION + 2 || dk_le16(lc + LC_DVRT_SECTION) == 0)
		return DK_OK;
	unsigned idx = dk_le16(lc + LC_DVRT_SECTION);
	uint32_t in = dk_le32(lc + LC_DVRT_OFFSET);
	const pe_section *sc = NULL;
	for (size_t i = 0; i < p->nsec; i++)
		if (p->sec[i].index == idx)
			sc = &p->sec[i];
	if (!sc)
		return dk_pe_bad(p, (long long)(lc_off + LC_DVRT_SECTION),
			   "the dynamic value relocation table is in section %u, but the image has %zu sections",
			   idx, p->nsec);
	if (in >= sc->inited)
		return dk_pe_bad(p, (long long)(lc_off + LC_DVRT_OFFSET),
			   "the dynamic value relocation table (offset 0x%x in section \"%s\") is not in the file: the section has 0x%x bytes there",
			   in, sc->name, sc->inited);
	*off = (size_t)(sc->rawptr + in);
	*avail = sc->inited - in;
	return DK_OK;
}

/* Apply one fixup of `size` bytes at `target` (value bytes at `val`, or
 * zeros) to the 8 bytes of the export directory entry at `entry`. */
static void patch_entry(unsigned char *dir, uint32_t entry, uint64_t target, unsigned size,
			const unsigned char *val)
{
	for (unsigned k = 0; k < size; k++)
		if (target + k >= entry && target + k < (uint64_t)entry + 8)
			dir[target + k - entry] = val ? val[k] : 0;
}

/* The ARM64X fixups of one DVRT record (`len` bytes at file offset `at`,
 * whose bytes are at `rec`) applied to `dir`, the export directory entry
 * (at RVA `entry`). */
static int arm64x_fixups(pe *p, const unsigned char *rec, size_t at, uint32_t len, uint32_t entry,
			 unsigned char *dir)
{
	size_t base = at, end = at + len;
#define REC(x) (rec + ((x) - base))

	while (at < end) {
		if (end - at < 8)
			return dk_pe_bad(p, (long long)at, "ARM64X fixup block header (8 bytes) runs past the end of its record (%zu bytes left)",
				   end - at);
		uint32_t page = dk_le32(REC(at)), bsize = dk_le32(REC(at) + 4);
		if (bsize < 8 || bsize > end - at || bsize % 2)
			return dk_pe_bad(p, (long long)at + 4,
				   "ARM64X fixup block size %u is not an even size from 8 to the %zu bytes left in its record",
				   bsize, end - at);
		size_t q = at + 8, bend = at + bsize;
		while (q < bend) {
			uint16_t e = dk_le16(REC(q));
			unsigned type = (e >> 12) & 3, meta = e >> 14, size = 1u << meta;
			uint64_t target = (uint64_t)page + (e & 0xfff);
			if (e == 0 && q + 2 == bend && bsize % 4 == 0)
				break; /* padding */
			q += 2;
			if (type == FIX_ZERO) {
				patch_entry(dir, entry, target, size, NULL);
			} else if (type == FIX_VALUE) {
				if (bend - q < size)
					return dk_pe_bad(p, (long long)q - 2,
						   "ARM64X value fixup of %u bytes runs past the end of its block",
						   size);
				patch_entry(dir, entry, target, size, REC(q));
				q += size;
			} else if (type == FIX_DELTA) {
				if (bend - q < 2)
					return dk_pe_bad(p, (long long)q - 2,
						   "ARM64X delta fixup runs past the end of its block");
				q += 2;
				if (target < (uint64_t)entry + 8 && target + 8 > entry)
					return dk_pe_bad(p, (long long)q - 4,
						   "an ARM64X delta fixup changes the export directory entry (RVA 0x%x); only values and zero-fills are expected there",
						   entry);
			} else {
				return dk_pe_bad(p, (long long)q - 2, "ARM64X fixup 0x%04x has type 3, which is not defined",
					   e);
			}
		}
		at += bsize;
	}
#undef REC
	return DK_OK;
}

/*
 * The EC view's export directory entry of an ARM64X image: *rva and *size
 * start as the native entry's (at RVA `entry` in the headers) and get the
 * ARM64X fixups that touch it.  `lc_rva`: the load configuration.
 */
static int ec_export_entry(pe *p, uint32_t lc_rva, uint64_t image_base, uint32_t entry,
			   uint32_t *rva, uint32_t *size)
{
	size_t lc_off, lc_avail, off, avail;
	unsigned char dir[8];

	dk_put32(dir, *rva);
	dk_put32(dir + 4, *size);
	const unsigned char *b;
	if (!dk_pe_rva_map(p, lc_rva, &lc_off, &lc_avail) || lc_avail < 4)
		return DK_OK; /* (has_chpe_metadata read it) */
	if (!(b = dk_pe_bytes(p, lc_off, 4)))
		return DK_FAIL;
	uint32_t lc_len = dk_le32(b);
	if (lc_len > lc_avail)
		lc_len = (uint32_t)lc_avail;
	if (find_dvrt(p, lc_off, lc_len, image_base, &off, &avail) != DK_OK)
		return DK_FAIL;
	if (!off)
		return DK_OK;
	if (avail < 8)
		return dk_pe_bad(p, (long long)off, "the dynamic value relocation table header (8 bytes) runs past the end of its section");
	if (!(b = dk_pe_bytes(p, off, 8)))
		return DK_FAIL;
	uint32_t version = dk_le32(b), tsize = dk_le32(b + 4);
	if (version != 1)
		return dk_pe_bad(p, (long long)off,
			   "dynamic value relocation table version %u: only version 1 is known, so the ARM64EC exports cannot be found",
			   version);
	if (tsize > avail - 8)
		return dk_pe_bad(p, (long long)off + 4,
			   "the dynamic value relocation table (%u bytes) runs past the end of its section (%zu bytes left)",
			   tsize, avail - 8);
	size_t at = off + 8, end = at + tsize;
	const unsigned char *tbl = dk_pe_bytes(p, at, tsize);
	if (!tbl)
		return DK_FAIL;
	while (at < end) {
		if (end - at < 12)
			return dk_pe_bad(p, (long long)at, "dynamic relocation record header (12 bytes) runs past the end of the table");
		const unsigned char *r = tbl + (at - (off + 8));
		uint64_t sym = dk_le64(r);
		uint32_t rlen = dk_le32(r + 8);
		if (rlen > end - at - 12)
			return dk_pe_bad(p, (long long)at + 8,
				   "dynamic relocation record of %u bytes runs past the end of the table (%zu bytes left)",
				   rlen, end - at - 12);
		if (sym == DVRT_ARM64X && arm64x_fixups(p, r + 12, at + 12, rlen, entry, dir) != DK_OK)
			return DK_FAIL;
		at += 12 + (size_t)rlen;
	}
	*rva = dk_le32(dir);
	*size = dk_le32(dir + 4);
	return DK_OK;
}

/* ------------------------------------------------------------------ */
/* The export directory                                                 */
/* ------------------------------------------------------------------ */

typedef struct exp_dir {
	size_t off;       /* file offset of the directory */
	uint32_t rva, size;
	uint32_t base, nfunc, nnames;
	uint32_t funcs_rva, names_rva, ords_rva;
} exp_dir;

/* One name-table entry, read once. */
typedef struct name_ref {
	const char *str;  /* into the image; NULL when its function is an unused entry */
	uint32_t rva;     /* where the string is (same RVA: same string, no strcmp) */
	bool dropped;     /* repeats an earlier name: not in the model */
} name_ref;

static int cmp_names(const name_ref *a, const name_ref *b)
{
	return a->rva == b->rva ? 0 : strcmp(a->str, b->str);
}

/* For the sort of name indexes: by name, then by index (so the first of a
 * run of equal names is the first in the table). */
typedef struct name_sort {
	const name_ref *v;
	uint32_t k;
} name_sort;

static int cmp_name_sort(const void *a, const void *b)
{
	const name_sort *x = a, *y = b;
	int c = cmp_names(&x->v[x->k], &y->v[y->k]);
	return c ? c : (x->k > y->k) - (x->k < y->k);
}

/* A name as a diagnostic shows it: at most 48 bytes of it, control bytes
 * as '?', and its length when cut (a hostile name may be 64 KB long). */
static const char *show_name(char *buf, size_t size, const char *name)
{
	size_t len = strlen(name), n = len < 48 ? len : 48, o = 0;

	buf[o++] = '"';
	for (size_t i = 0; i < n && o + 1 < size; i++)
		buf[o++] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
	buf[o] = '\0';
	if (n < len)
		snprintf(buf + o, size - o, "...\" (%zu bytes)", len);
	else
		snprintf(buf + o, size - o, "\"");
	return buf;
}

/*
 * The loader finds a name (GetProcAddress, an import by name) by binary
 * search of the name table, so the table must be in strcmp order with no
 * name twice.  A table that is not sorted gets one warning naming the
 * first name out of place; repeated names one warning naming each name
 * once (up to four) with its count.  The model keeps the first entry of a
 * repeated name (in table order) and drops the rest: a binary search finds
 * one of them, and which one depends on the table's size and neighbours;
 * when they name different functions, which function a client gets is
 * unknown, and the warning says so.  Same RVA means same string, so a
 * table of 20,000 pointers to one 64 KB string costs no string compares.
 * Only names of used address-table entries (`str` set) take part.
 */
static int check_name_table(pe *p, dk_image *info, name_ref *v, const uint16_t *fn_of,
			    uint32_t nnames)
{
	dk_loc loc = dk_loc_file(p->name);
	uint32_t prev = UINT32_MAX, bad_a = 0, bad_b = 0, nused = 0;
	uint32_t out_of_order = 0;
	name_sort *order = NULL;

	for (uint32_t k = 0; k < nnames; k++) {
		if (!v[k].str)
			continue;
		nused++;
		if (prev != UINT32_MAX && cmp_names(&v[prev], &v[k]) > 0 && out_of_order++ == 0) {
			bad_a = prev;
			bad_b = k;
		}
		prev = k;
	}
	info->names_out_of_order = out_of_order;
	if (out_of_order) {
		char a[96], b[96];
		dk_report(p->s, DK_WARNING, &loc,
			  "the export name table is not sorted: %s (name %u) comes before %s (name %u), %u name%s out of order; the loader's binary search (GetProcAddress, imports by name) may not find some names",
			  show_name(a, sizeof a, v[bad_a].str), bad_a,
			  show_name(b, sizeof b, v[bad_b].str), bad_b, out_of_order,
			  out_of_order == 1 ? "" : "s");
	}
	if (nused < 2)
		return DK_OK;

	/* Repeats: equal names are neighbours in sorted order.  A sorted
	 * table is its own sorted order; another one is sorted here. */
	order = malloc((size_t)nused * sizeof *order);
	if (!order)
		return dk_pe_bad(p, -1, "out of memory");
	nused = 0;
	for (uint32_t k = 0; k < nnames; k++)
		if (v[k].str)
			order[nused++] = (name_sort){ v, k };
	if (out_of_order)
		qsort(order, nused, sizeof *order, cmp_name_sort);

	char msg[800];
	size_t len = 0;
	uint32_t nrep_names = 0, nrep = 0, shown = 0;
	bool ambiguous = false;
	for (uint32_t i = 0, j; i < nused; i = j) {
		uint32_t first = order[i].k;
		bool several = false;
		for (j = i + 1; j < nused && cmp_names(&v[first], &v[order[j].k]) == 0; j++) {
			v[order[j].k].dropped = true;
			several |= fn_of[order[j].k] != fn_of[first];
		}
		if (j - i < 2)
			continue;
		nrep_names++;
		nrep += j - i - 1;
		ambiguous |= several;
		if (shown < 4 && len < sizeof msg) {
			char nb[96];
			len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s %u times%s",
						shown ? ", " : "", show_name(nb, sizeof nb, v[first].str),
						j - i, several ? " (on different ordinals)" : "");
			shown++;
		}
	}
	free(order);
	info->names_repeated = nrep;
	if (nrep_names) {
		if (nrep_names > shown && len < sizeof msg)
			snprintf(msg + len, sizeof msg - len, ", and %u more", nrep_names - shown);
		dk_report(p->s, DK_WARNING, &loc,
			  "the export name table repeats %u name%s: %s; the first%s is kept, the %u repeat%s dropped%s",
			  nrep_names, nrep_names == 1 ? "" : "s", msg, nrep_names == 1 ? "" : " of each",
			  nrep, nrep == 1 ? " is" : "s are",
			  ambiguous ? "; where the repeats name different ordinals, which function the loader finds is unknown"
				    : "");
	}
	return DK_OK;
}

static int add_one(pe *p, dk_module *m, dk_export *e, const char *origin)
{
	e->origin = (char *)origin;
	if (!dk_module_add(m, e))
		return dk_pe_bad(p, -1, "out of memory");
	return DK_OK;
}

/* One address-table entry: its export, by each of its names (name-table
 * order) or NONAME when it has none. */
static int export_entry(pe *p, dk_module *m, const exp_dir *x, uint32_t i, uint32_t rva,
			const uint32_t *names, uint32_t nnames, const name_ref *nref,
			size_t func_field, const char *origin)
{
	uint64_t ordinal = (uint64_t)x->base + i;
	dk_export e;
	char noname[24];

	memset(&e, 0, sizeof e);
	if (ordinal < 1 || ordinal > 65535)
		return dk_pe_bad(p, (long long)func_field,
			   "export address table entry %u has ordinal %llu (base %u + %u), outside 1..65535",
			   i, (unsigned long long)ordinal, x->base, i);
	e.ordinal = (uint32_t)ordinal;
	e.rva = rva;
	e.hint = -1;
	if ((uint64_t)rva - x->rva < x->size) {
		/* Inside the export directory: a forwarder, "dll.func" or
		 * "dll.#7", which the loader resolves in the other DLL. */
		e.forward = (char *)dk_pe_string_at(p, rva, "forwarder string", (long long)func_field);
		if (!e.forward)
			return DK_FAIL;
		if (!dk_is_forward_target(e.forward, strlen(e.forward)))
			return dk_pe_bad(p, (long long)func_field,
				   "ordinal %u forwards to \"%.200s\", which is not dll.function",
				   e.ordinal, e.forward);
	} else {
		/* Data or code?  The image does not say: the export table is
		 * a list of addresses, and DATA/CONSTANT exist only in .def
		 * files and import libraries.  An address in a section that is
		 * not executable cannot be a function the loader could call,
		 * so we call it data.  (A function pointer table or a
		 * constant in .rdata is data too; what we cannot see is code
		 * placed in a writable, non-executable section, which no
		 * compiler does.) */
		const pe_section *sc = dk_pe_section_of(p, rva);
		if (!sc || !(sc->flags & DK_SCN_MEM_EXECUTE))
			e.flags |= DK_EXPORT_DATA;
	}
	/* A function whose only names were repeats of other names (dropped,
	 * see check_name_table) is, for all we can tell, NONAME. */
	uint32_t kept = 0;
	for (uint32_t k = 0; k < nnames; k++)
		kept += !nref[names[k]].dropped;
	if (kept == 0) {
		snprintf(noname, sizeof noname, NONAME_FORMAT, e.ordinal);
		e.name = noname;
		e.flags |= DK_EXPORT_NONAME;
		return add_one(p, m, &e, origin);
	}
	for (uint32_t k = 0; k < nnames; k++) {
		uint32_t idx = names[k];
		if (nref[idx].dropped)
			continue;
		e.name = (char *)nref[idx].str;
		e.hint = (int32_t)idx;
		if (add_one(p, m, &e, origin) != DK_OK)
			return DK_FAIL;
	}
	return DK_OK;
}

/* `origin`: what each export's origin is (NULL: none). */
static int read_exports(pe *p, dk_module *m, dk_image *info, uint32_t dir_rva, uint32_t dir_size,
			long long dir_field, const char *origin)
{
	exp_dir x;
	size_t avail, funcs_off = 0, names_off = 0, ords_off = 0;
	const unsigned char *h, *funcs = NULL, *names = NULL, *ords = NULL;
	uint32_t *first = NULL, *by_func = NULL;
	name_ref *nref = NULL;
	uint16_t *fn_of = NULL;
	int rc = DK_FAIL;

	if (!dk_pe_rva_map(p, dir_rva, &x.off, &avail))
		return dk_pe_not_in_file(p, dir_field, "export directory", dir_rva);
	if (avail < EXPORT_DIR_SIZE)
		return dk_pe_bad(p, (long long)x.off,
			   "the export directory at RVA 0x%x runs past the end of its section", dir_rva);
	if (!(h = dk_pe_bytes(p, x.off, EXPORT_DIR_SIZE)))
		return DK_FAIL;
	x.rva = dir_rva;
	x.size = dir_size;
	info->has_exports = true;
	info->timestamp = dk_le32(h + 4);
	info->export_major = dk_le16(h + 8);
	info->export_minor = dk_le16(h + 10);
	x.base = info->ordinal_base = dk_le32(h + 16);
	x.nfunc = info->nfunctions = dk_le32(h + 20);
	x.nnames = info->nnames = dk_le32(h + 24);
	x.funcs_rva = dk_le32(h + 28);
	x.names_rva = dk_le32(h + 32);
	x.ords_rva = dk_le32(h + 36);

	if (dk_le32(h + 12)) {
		const char *dll = dk_pe_string_at(p, dk_le32(h + 12), "DLL name", (long long)x.off + 12);
		if (!dll)
			return DK_FAIL;
		if (*dll && !(info->export_name = dk_strdup(dll)))
			return dk_pe_bad(p, -1, "out of memory");
	}
	/* The tables must hold their counts before a byte is allocated for
	 * them: a count is then bounded by the size of the file. */
	if (x.nfunc && dk_pe_map_table(p, x.funcs_rva, x.nfunc, 4, "export address table",
				 (long long)x.off + 28, &funcs_off) != DK_OK)
		return DK_FAIL;
	if (x.nnames &&
	    (dk_pe_map_table(p, x.names_rva, x.nnames, 4, "export name pointer table",
		       (long long)x.off + 32, &names_off) != DK_OK ||
	     dk_pe_map_table(p, x.ords_rva, x.nnames, 2, "export ordinal table", (long long)x.off + 36,
		       &ords_off) != DK_OK))
		return DK_FAIL;
	if (x.nnames > INT32_MAX)
		return dk_pe_bad(p, (long long)x.off + 24, "%u export names are too many", x.nnames);
	/* The tables' bytes. */
	if ((x.nfunc && !(funcs = dk_pe_bytes(p, funcs_off, (size_t)x.nfunc * 4))) ||
	    (x.nnames && (!(names = dk_pe_bytes(p, names_off, (size_t)x.nnames * 4)) ||
			  !(ords = dk_pe_bytes(p, ords_off, (size_t)x.nnames * 2)))))
		return DK_FAIL;
	if (x.nfunc == 0) {
		if (x.nnames)
			return dk_pe_bad(p, (long long)x.off + 24,
				   "the export directory has %u names but no address table entries",
				   x.nnames);
		return DK_OK;
	}

	/* Group the name indexes by the function they name, keeping
	 * name-table order: first[f] .. first[f+1] index into by_func. */
	first = calloc((size_t)x.nfunc + 1, sizeof *first);
	by_func = malloc((x.nnames ? (size_t)x.nnames : 1) * sizeof *by_func);
	nref = calloc(x.nnames ? (size_t)x.nnames : 1, sizeof *nref);
	fn_of = calloc(x.nnames ? (size_t)x.nnames : 1, sizeof *fn_of);
	if (!first || !by_func || !nref || !fn_of) {
		dk_pe_bad(p, -1, "out of memory");
		goto out;
	}
	for (uint32_t k = 0; k < x.nnames; k++) {
		uint16_t f = dk_le16(ords + (size_t)k * 2);
		if (f >= x.nfunc) {
			dk_pe_bad(p, (long long)(ords_off + (size_t)k * 2),
			    "export name %u points at address table entry %u, but the table has %u entries",
			    k, f, x.nfunc);
			goto out;
		}
		first[f + 1]++;
		fn_of[k] = f;
	}
	/* Each name of a used entry, read once (a string shared by several
	 * entries is checked once). */
	for (uint32_t k = 0; k < x.nnames; k++) {
		size_t field = names_off + (size_t)k * 4;
		if (dk_le32(funcs + (size_t)fn_of[k] * 4) == 0)
			continue; /* the name of an unused ordinal: never looked at */
		nref[k].rva = dk_le32(names + (size_t)k * 4);
		if (k > 0 && nref[k - 1].str && nref[k - 1].rva == nref[k].rva) {
			nref[k].str = nref[k - 1].str;
			continue;
		}
		nref[k].str = dk_pe_string_at(p, nref[k].rva, "export name", (long long)field);
		if (!nref[k].str)
			goto out;
		if (!*nref[k].str) {
			dk_pe_bad(p, (long long)field, "export name %u (ordinal %llu) is empty", k,
			    (unsigned long long)x.base + fn_of[k]);
			goto out;
		}
	}
	if (check_name_table(p, info, nref, fn_of, x.nnames) != DK_OK)
		goto out;
	for (uint32_t f = 0; f < x.nfunc; f++)
		first[f + 1] += first[f];
	{
		/* Fill by_func; first[f] is used as a cursor and restored. */
		for (uint32_t k = 0; k < x.nnames; k++) {
			uint16_t f = dk_le16(ords + (size_t)k * 2);
			by_func[first[f]++] = k;
		}
		for (uint32_t f = x.nfunc; f > 0; f--)
			first[f] = first[f - 1];
		first[0] = 0;
	}
	for (uint32_t i = 0; i < x.nfunc; i++) {
		size_t field = funcs_off + (size_t)i * 4;
		uint32_t rva = dk_le32(funcs + (size_t)i * 4);
		if (rva == 0)
			continue; /* an unused ordinal */
		if (export_entry(p, m, &x, i, rva, by_func + first[i], first[i + 1] - first[i], nref,
				 field, origin) != DK_OK)
			goto out;
	}
	rc = DK_OK;
out:
	free(first);
	free(by_func);
	free(nref);
	free(fn_of);
	return rc;
}

/* Where an image's bytes are: all in memory (fd < 0), or an open file
 * whose first headlen bytes are at data (read_pe.c's file mode). */
typedef struct image_src {
	const unsigned char *data;
	size_t len, headlen, window;
	int fd;
	const char *name;
	bool no_origin;
} image_src;

static int read_image(pe *p, const image_src *src, dk_module *m, dk_image *info, dk_module *nat,
		      dk_image *nat_info, dk_sink *s)
{
	uint32_t dir_rva = 0, dir_size = 0, lc_rva = 0, lc_size;
	long long dir_field = -1;
	dk_machine mach;
	const char *origin = src->no_origin ? NULL : src->name;

	if ((src->fd < 0 ? dk_pe_open(p, src->data, src->len, src->name, s)
			 : dk_pe_open_file(p, src->fd, src->len, src->data, src->headlen, src->window,
					   src->name, s)) != DK_OK)
		return DK_FAIL;
	info->raw_machine = p->raw_machine;
	info->is_dll = p->is_dll;
	info->pe32plus = p->pe32plus;
	info->image_major = p->image_major;
	info->image_minor = p->image_minor;
	/* Only the directories we use must lie inside the optional header. */
	if (p->ndirs > DK_PE_DIR_EXPORT &&
	    !dk_pe_dir(p, DK_PE_DIR_EXPORT, &dir_rva, &dir_size, &dir_field))
		return dk_pe_bad(p, (long long)p->opt + p->dirs_at - 4,
				 "the optional header (%u bytes) cannot hold the %u data directories it claims",
				 p->optsize, p->ndirs);
	dk_pe_dir(p, DK_PE_DIR_LOAD_CONFIG, &lc_rva, &lc_size, NULL);
	mach = p->machine;
	info->arm64x = p->arm64x;
	info->machine = mach;
	if (m->machine != DK_MACHINE_UNKNOWN && m->machine != mach) {
		if (mach == DK_MACHINE_UNKNOWN)
			return dk_pe_bad(p, (long long)p->coff, "is for machine 0x%04x, but earlier inputs are for %s",
				   info->raw_machine, dk_machine_name(m->machine));
		return dk_pe_bad(p, (long long)p->coff, "is for %s, but earlier inputs are for %s",
			   dk_machine_name(mach), dk_machine_name(m->machine));
	}

	if (info->arm64x) {
		/* The headers' export directory is the native view's; the EC
		 * view's is what the ARM64X fixups make of its entry. */
		uint32_t ec_rva = dir_rva, ec_size = dir_size;
		nat_info->machine = DK_MACHINE_ARM64;
		nat_info->raw_machine = info->raw_machine;
		nat_info->pe32plus = true;
		nat_info->is_dll = info->is_dll;
		nat_info->image_major = info->image_major;
		nat_info->image_minor = info->image_minor;
		if (dir_rva &&
		    read_exports(p, nat, nat_info, dir_rva, dir_size, dir_field, origin) != DK_OK)
			return DK_FAIL;
		if (ec_export_entry(p, lc_rva, p->image_base, (uint32_t)(p->opt + p->dirs_at),
				    &ec_rva, &ec_size) != DK_OK)
			return DK_FAIL;
		dir_rva = ec_rva;
		dir_size = ec_size;
	}
	/* No export directory (an EXE, or a DLL with nothing to export) is
	 * not an error: there are just no exports. */
	if (dir_rva == 0)
		return DK_OK;
	return read_exports(p, m, info, dir_rva, dir_size, dir_field, origin);
}

static int read_src(dk_module *m, dk_image *info, const image_src *src, dk_sink *s)
{
	const char *name = src->name;
	dk_image local, nat_info;
	dk_module nat;
	pe p;
	size_t before = m->nexports;
	bool named = false, attached = false;
	int rc;

	if (!info)
		info = &local;
	memset(info, 0, sizeof *info);
	memset(&nat_info, 0, sizeof nat_info);
	dk_module_init(&nat);
	memset(&p, 0, sizeof p);
	p.name = name;
	p.s = s;
	rc = read_image(&p, src, m, info, &nat, &nat_info, s);
	dk_pe_close(&p);
	if (rc == DK_OK && info->arm64x) {
		/* The native view beside the EC one: its own module and facts. */
		if (m->native) {
			rc = dk_pe_bad(&p, -1, "is an ARM64X image, but the export set read into already has a native view");
		} else if (!(m->native = malloc(sizeof *m->native)) ||
			   !(info->native = malloc(sizeof *info->native)) ||
			   (nat_info.export_name && !(nat.name = dk_strdup(nat_info.export_name)))) {
			free(m->native);
			m->native = NULL;
			rc = dk_pe_bad(&p, -1, "out of memory");
		} else {
			nat.machine = DK_MACHINE_ARM64;
			nat.is_exe = !info->is_dll;
			nat.ordinals_assigned = nat_info.has_exports;
			*m->native = nat;
			*info->native = nat_info;
			attached = true;
			dk_module_init(&nat);
			memset(&nat_info, 0, sizeof nat_info);
			/* An EC view without an export directory is named by
			 * the native one. */
			if (!info->export_name && info->native->export_name &&
			    !(info->export_name = dk_strdup(info->native->export_name)))
				rc = dk_pe_bad(&p, -1, "out of memory");
		}
	}
	dk_module_free(&nat);
	dk_image_free(&nat_info);
	if (rc == DK_OK && info->export_name && !m->name) {
		m->name = dk_strdup(info->export_name);
		if (!m->name) {
			rc = dk_pe_bad(&p, -1, "out of memory");
		} else {
			m->is_exe = !info->is_dll;
			named = true;
		}
	}
	if (rc != DK_OK) {
		/* Leave the module as it was. */
		for (size_t i = before; i < m->nexports; i++)
			dk_export_free(&m->exports[i]);
		m->nexports = before;
		if (named) {
			free(m->name);
			m->name = NULL;
		}
		if (attached) {
			dk_module_free(m->native);
			free(m->native);
			m->native = NULL;
		}
		dk_image_free(info);
		return DK_FAIL;
	}
	if (m->machine == DK_MACHINE_UNKNOWN)
		m->machine = info->machine;
	/* The ordinals are the linker's numbering, whatever .def it had. */
	if (info->has_exports)
		m->ordinals_assigned = true;
	if (info == &local)
		dk_image_free(&local);
	return DK_OK;
}

int dk_read_image_mem(dk_module *m, dk_image *info, const void *data, size_t len,
		      const char *name, dk_sink *s)
{
	image_src src = { data, data ? len : 0, 0, 0, -1, name, false };

	return read_src(m, info, &src, s);
}

int dk_read_image_input_(dk_module *m, dk_image *info, const dk_input *in, size_t window,
			 bool no_origin, dk_sink *s)
{
	image_src src = { in->data, in->len, in->len, window, -1, in->name, no_origin };

	if (in->head_) {
		/* Only the head is read: the rest as the reader asks for it. */
		src.len = in->size_;
		src.fd = in->fd_;
	}
	return read_src(m, info, &src, s);
}

int dk_read_image_input(dk_module *m, dk_image *info, const dk_input *in, dk_sink *s)
{
	return dk_read_image_input_(m, info, in, 0, false, s);
}

int dk_read_image(dk_module *m, dk_image *info, const char *path, dk_sink *s)
{
	dk_input in;
	int rc;

	/* A regular file that is an image is read a piece at a time: the
	 * headers and the export data, not the code. */
	if (dk_input_open(&in, path, s) != DK_OK) {
		if (info)
			memset(info, 0, sizeof *info);
		return DK_FAIL;
	}
	rc = dk_read_image_input(m, info, &in, s);
	dk_input_free(&in);
	return rc;
}

void dk_image_free(dk_image *info)
{
	if (!info)
		return;
	free(info->export_name);
	if (info->native) {
		dk_image_free(info->native);
		free(info->native);
	}
	memset(info, 0, sizeof *info);
}
