/* read_pe.c - the headers and addresses of a PE image (PE/COFF
 * specification, sections 2-3), shared by the readers of its directories:
 * read_image.c (exports), read_imports.c (imports) and
 * read_image_stdcall.c.  The bytes come from dk_input_read (read_file.c).
 *
 * Not through libbfd: libbfd has no interface to these tables, and the
 * plain Debian libbfd cannot open ARM64 images at all.  Every number in the
 * file is untrusted; see read_pe_private.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pecoff_private.h"
#include "read_pe_private.h"

enum {
	FILE_DLL = 0x2000,
	MAGIC_PE32 = 0x10b,
	MAGIC_PE32PLUS = 0x20b,
};

int dk_pe_bad(dk_pe *p, long long off, const char *fmt, ...)
{
	dk_loc loc = dk_loc_file(p->name);
	va_list ap;

	loc.offset = off;
	va_start(ap, fmt);
	dk_vreport(p->s, DK_ERROR, &loc, fmt, ap);
	va_end(ap);
	return DK_FAIL;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */
/* ------------------------------------------------------------------ */

/* The section whose memory holds `rva`, or NULL.  Sections of a valid image
 * are in ascending, non-overlapping order; the table is sorted here anyway,
 * so a lookup is a binary search whatever the file says (for overlapping
 * sections of a damaged image the answer is one of them, never a read
 * outside the file). */
const dk_pe_section *dk_pe_section_of(const dk_pe *p, uint32_t rva)
{
	size_t lo = 0, hi = p->nsec;

	while (lo < hi) { /* first section with va > rva */
		size_t mid = lo + (hi - lo) / 2;
		if (p->sec[mid].va <= rva)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const dk_pe_section *sc = &p->sec[lo - 1];
	return (uint64_t)rva - sc->va < sc->extent ? sc : NULL;
}

/* Where `rva` is in the file, and how many bytes from there belong to the
 * same section (or to the headers) and are really in the file.  False when
 * the address has no bytes in the file: outside every section, or in the
 * zero-filled tail of one.  An address below SizeOfHeaders that no section
 * claims is in the headers, which the loader maps at the image base. */
bool dk_pe_rva_map(const dk_pe *p, uint32_t rva, size_t *off, size_t *avail)
{
	const dk_pe_section *sc = dk_pe_section_of(p, rva);

	if (sc) {
		uint32_t in = rva - sc->va;
		if (in >= sc->inited)
			return false;
		*off = (size_t)(sc->rawptr + in);
		*avail = sc->inited - in;
		return true;
	}
	if (rva < p->size_of_headers && rva < p->len) {
		size_t end = p->size_of_headers < p->len ? p->size_of_headers : p->len;
		*off = rva;
		*avail = end - rva;
		return true;
	}
	return false;
}

/* Why dk_pe_rva_map() said no; `field` is the file offset of the field that gave
 * the address. */
int dk_pe_not_in_file(dk_pe *p, long long field, const char *what, uint32_t rva)
{
	const dk_pe_section *sc = dk_pe_section_of(p, rva);

	if (sc)
		return dk_pe_bad(p, field, "the %s (RVA 0x%x) is not in the file: it is past the data that section \"%s\" has in the file",
			   what, rva, sc->name);
	return dk_pe_bad(p, field, "the %s (RVA 0x%x) is not in the file: no section holds it", what, rva);
}

/* Map `count` entries of `size` bytes at `rva`; `what` names the table and
 * `field` is the file offset of the field that gave the address. */
int dk_pe_map_table(dk_pe *p, uint32_t rva, uint64_t count, unsigned size, const char *what,
		     long long field, size_t *off)
{
	size_t avail;

	if (!dk_pe_rva_map(p, rva, off, &avail))
		return dk_pe_not_in_file(p, field, what, rva);
	if (count * size > avail)
		return dk_pe_bad(p, field,
			   "the %s (%llu entries of %u bytes at RVA 0x%x) runs past the end of its section (%zu bytes left)",
			   what, (unsigned long long)count, size, rva, avail);
	return DK_OK;
}

/* A NUL-terminated string at `rva` that ends inside its section and the
 * file.  Returns a pointer into the image, or NULL after an error. */
const char *dk_pe_string_at(dk_pe *p, uint32_t rva, const char *what, long long field)
{
	size_t off, avail;
	const unsigned char *nul;

	if (!dk_pe_rva_map(p, rva, &off, &avail)) {
		dk_pe_not_in_file(p, field, what, rva);
		return NULL;
	}
	nul = memchr(p->d + off, 0, avail);
	if (!nul) {
		dk_pe_bad(p, (long long)off, "the %s at RVA 0x%x runs past the end of its section unterminated",
		    what, rva);
		return NULL;
	}
	return (const char *)(p->d + off);
}

/* ------------------------------------------------------------------ */
/* Headers                                                              */
/* ------------------------------------------------------------------ */

/* What a file that is not a PE image looks like, for the message. */
static const char *what_else(const unsigned char *d, size_t len)
{
	size_t i, n;

	if (len == 0)
		return "an empty file";
	if (len >= 8 && memcmp(d, "!<arch>\n", 8) == 0)
		return "an ar archive: a static or import library";
	if (len >= 8 && memcmp(d, "!<thin>\n", 8) == 0)
		return "a thin ar archive";
	if (len >= 4 && memcmp(d, "\177ELF", 4) == 0)
		return "an ELF file";
	if (len >= 6 && dk_le16(d) == 0 && dk_le16(d + 2) == 0xffff)
		return dk_le16(d + 4) >= 2 ? "a big-object COFF file" : "an import-library member";
	if (len >= 20) {
		switch (dk_le16(d)) {
		case DK_MACHINE_I386: case DK_MACHINE_AMD64: case DK_MACHINE_ARM64:
		case DK_MACHINE_ARM64EC: case DK_MACHINE_ARMNT:
			return "a COFF object file";
		}
	}
	n = len < 256 ? len : 256;
	for (i = 0; i < n; i++)
		if (d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
			break;
	if (i == n)
		return "a text file";
	return "no MZ signature";
}

static int read_sections(dk_pe *p, size_t at, unsigned nsec)
{
	p->sec = malloc((nsec ? nsec : 1) * sizeof *p->sec);
	if (!p->sec)
		return dk_pe_bad(p, -1, "out of memory");
	for (unsigned i = 0; i < nsec; i++) {
		const unsigned char *h = p->d + at + (size_t)i * DK_COFF_SECTION_SIZE;
		dk_pe_section *sc = &p->sec[i];
		uint32_t vsize = dk_le32(h + 8), rawsize = dk_le32(h + 16);
		uint64_t inited;

		sc->va = dk_le32(h + 12);
		sc->rawptr = dk_le32(h + 20);
		sc->flags = dk_le32(h + 36);
		sc->index = i + 1;
		for (unsigned k = 0; k < 8; k++)
			sc->name[k] = h[k] >= 0x20 && h[k] < 0x7f ? (char)h[k] : h[k] ? '?' : '\0';
		sc->name[8] = '\0';
		/* The loader maps VirtualSize bytes, of which the first
		 * SizeOfRawData come from the file and the rest are zero; old
		 * linkers left VirtualSize 0, meaning SizeOfRawData. */
		sc->extent = vsize ? vsize : rawsize;
		inited = rawsize < sc->extent ? rawsize : sc->extent;
		/* A section whose data the file lacks (truncated, or a
		 * bogus pointer) has only what is there. */
		if (sc->rawptr >= p->len)
			inited = 0;
		else if (inited > p->len - sc->rawptr)
			inited = p->len - sc->rawptr;
		sc->inited = (uint32_t)inited;
	}
	p->nsec = nsec;
	/* Insertion sort by address, ties in table order: valid images are
	 * already sorted, so this is one pass for them. */
	for (size_t i = 1; i < p->nsec; i++) {
		dk_pe_section t = p->sec[i];
		size_t j = i;
		while (j > 0 && p->sec[j - 1].va > t.va) {
			p->sec[j] = p->sec[j - 1];
			j--;
		}
		p->sec[j] = t;
	}
	return DK_OK;
}

/* ARM64EC images say AMD64 in their COFF header, so that x64 tools accept
 * them; what marks them is the CHPE metadata pointer in the load
 * configuration (IMAGE_LOAD_CONFIG_DIRECTORY64.CHPEMetadataPointer, offset
 * 200).  An ARM64 image with one is ARM64X: its ordinary export directory is
 * the native ARM64 one.  Anything amiss here just means "not hybrid": the
 * load configuration is the loader's business, not ours. */
static bool has_chpe_metadata(const dk_pe *p, uint32_t lc_rva)
{
	size_t off, avail;

	if (!lc_rva || !dk_pe_rva_map(p, lc_rva, &off, &avail) || avail < 208)
		return false;
	return dk_le32(p->d + off) >= 208 && dk_le64(p->d + off + 200) != 0;
}


/* ------------------------------------------------------------------ */
/* Opening an image                                                     */
/* ------------------------------------------------------------------ */

int dk_pe_open(dk_pe *p, const void *data, size_t len, const char *name, dk_sink *s)
{
	const unsigned char *d = data;
	size_t coff, opt, sect;
	uint32_t lfanew, lc_rva = 0;
	unsigned nsec, optsize, magic, fixed;

	memset(p, 0, sizeof *p);
	p->d = d;
	p->len = d ? len : 0;
	p->name = name;
	p->s = s;
	len = p->len;
	if (len < 2 || d[0] != 'M' || d[1] != 'Z')
		return dk_pe_bad(p, -1, "not a PE image (%s)", what_else(d, len));
	if (len < 64)
		return dk_pe_bad(p, -1, "not a PE image (an MZ header of %zu bytes: too short for a DOS header)",
				 len);
	lfanew = dk_le32(d + 0x3c);
	if ((uint64_t)lfanew + 4 > len || memcmp(d + lfanew, "PE\0\0", 4) != 0)
		return dk_pe_bad(p, 0x3c,
				 "not a PE image (an MS-DOS program: no PE signature at offset 0x%x)", lfanew);
	coff = (size_t)lfanew + 4;
	if (len - coff < DK_COFF_HEADER_SIZE)
		return dk_pe_bad(p, (long long)coff,
				 "truncated PE image: the COFF header runs past the end of the file");
	p->coff = coff;
	p->raw_machine = dk_le16(d + coff);
	nsec = dk_le16(d + coff + 2);
	optsize = dk_le16(d + coff + 16);
	p->is_dll = (dk_le16(d + coff + 18) & FILE_DLL) != 0;
	opt = coff + DK_COFF_HEADER_SIZE;
	if (optsize < 2)
		return dk_pe_bad(p, (long long)coff + 16, "not a PE image (no optional header)");
	if (len - opt < optsize)
		return dk_pe_bad(p, (long long)opt,
				 "truncated PE image: the optional header (%u bytes) runs past the end of the file",
				 optsize);
	magic = dk_le16(d + opt);
	if (magic != MAGIC_PE32 && magic != MAGIC_PE32PLUS)
		return dk_pe_bad(p, (long long)opt,
				 "not a PE image (optional header magic 0x%x; expected 0x10b or 0x20b)", magic);
	p->pe32plus = magic == MAGIC_PE32PLUS;
	fixed = p->pe32plus ? 112 : 96; /* up to the data directories */
	if (optsize < fixed)
		return dk_pe_bad(p, (long long)coff + 16,
				 "the optional header is %u bytes, too short for a %s header (%u)", optsize,
				 p->pe32plus ? "PE32+" : "PE32", fixed);
	p->opt = opt;
	p->optsize = optsize;
	p->image_major = dk_le16(d + opt + 44);
	p->image_minor = dk_le16(d + opt + 46);
	p->image_base = p->pe32plus ? dk_le64(d + opt + 24) : dk_le32(d + opt + 28);
	p->size_of_headers = dk_le32(d + opt + 60);
	p->ndirs = dk_le32(d + opt + fixed - 4);
	p->dirs_at = fixed;
	sect = opt + optsize;
	if ((uint64_t)nsec * DK_COFF_SECTION_SIZE > len - sect)
		return dk_pe_bad(p, (long long)sect,
				 "truncated PE image: the section table (%u sections) runs past the end of the file",
				 nsec);
	if (read_sections(p, sect, nsec) != DK_OK)
		return DK_FAIL;

	switch (p->raw_machine) {
	case DK_MACHINE_I386: case DK_MACHINE_AMD64: case DK_MACHINE_ARM64:
	case DK_MACHINE_ARM64EC: case DK_MACHINE_ARMNT:
		p->machine = (dk_machine)p->raw_machine;
		break;
	default:
		p->machine = DK_MACHINE_UNKNOWN;
	}
	dk_pe_dir(p, DK_PE_DIR_LOAD_CONFIG, &lc_rva, &(uint32_t){ 0 }, NULL);
	if (p->machine == DK_MACHINE_AMD64 && p->pe32plus && has_chpe_metadata(p, lc_rva))
		p->machine = DK_MACHINE_ARM64EC;
	if (p->machine == DK_MACHINE_ARM64 && p->pe32plus && has_chpe_metadata(p, lc_rva)) {
		p->arm64x = true;
		p->machine = DK_MACHINE_ARM64EC; /* the EC view */
	}
	return DK_OK;
}

bool dk_pe_dir(const dk_pe *p, unsigned index, uint32_t *rva, uint32_t *size, long long *field)
{
	size_t at = p->dirs_at + 8 * (size_t)index;

	*rva = *size = 0;
	if (field)
		*field = -1;
	if (index >= p->ndirs || at + 8 > p->optsize)
		return false;
	*rva = dk_le32(p->d + p->opt + at);
	*size = dk_le32(p->d + p->opt + at + 4);
	if (field)
		*field = (long long)(p->opt + at);
	return true;
}

void dk_pe_close(dk_pe *p)
{
	free(p->sec);
	p->sec = NULL;
	p->nsec = 0;
}
