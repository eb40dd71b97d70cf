/* read_pe.c - the headers and addresses of a PE image (PE/COFF
 * specification, sections 2-3), shared by the readers of its directories:
 * read_image.c (exports), read_imports.c (imports) and
 * read_image_stdcall.c.  The bytes come from dk_input_read (read_file.c).
 *
 * Not through libbfd: libbfd has no interface to these tables, and the
 * plain Debian libbfd cannot open ARM64 images at all.  Every number in the
 * file is untrusted; see read_pe_private.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "pecoff_private.h"
#include "read_pe_private.h"

enum {
	FILE_DLL = 0x2000,
	MAGIC_PE32 = 0x10b,
	MAGIC_PE32PLUS = 0x20b,
	/* File mode: the first read after the head is at least
	 * WINDOW_DEFAULT bytes, and each one after it twice as much as the
	 * one before, up to WINDOW_MAX: a few reads for the export data of
	 * a small DLL or a big one, without reading the rest of a section
	 * (Wine's .edata is 100 KB for 4 exports).  Past PIECES_MAX pieces
	 * or PIECES_BYTES_MAX bytes of them the file is mapped instead (a
	 * hostile image can scatter its names over the whole file). */
	WINDOW_DEFAULT = 4096,
	WINDOW_MAX = 1 << 20,
	PIECES_MAX = 64,
	PIECES_BYTES_MAX = 8 << 20,
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
/* The bytes                                                            */
/* ------------------------------------------------------------------ */

/*
 * In memory mode the whole file is at p->d.  In file mode (dllkit's own
 * listing of many DLLs, where mapping each file cost more than reading
 * it) the reader reads what it asks for with pread: the headers are
 * already in the head, and the export directory, its tables and names
 * come in a few more reads, each from the page of the first byte that
 * is missing (for most DLLs one read of a page).  Pieces are kept
 * until dk_pe_close, so every pointer handed out stays valid; a request
 * that no piece holds whole gets a new piece from its page on.
 */

/* Where the bytes from `off` are already, and how many of them follow
 * in the same piece (the longest run of all the pieces that hold `off`);
 * NULL when none does. */
static const unsigned char *held(dk_pe *p, size_t off, size_t *run)
{
	const unsigned char *best = NULL;

	*run = 0;
	if (p->map) {
		*run = p->len - off;
		return (const unsigned char *)p->map + off;
	}
	if (off < p->headlen) {
		best = p->head + off;
		*run = p->headlen - off;
	}
	for (size_t i = 0; i < p->nseg; i++) {
		const dk_pe_seg *g = &p->seg[i];
		if (off >= g->off && off - g->off < g->len && g->len - (off - g->off) > *run) {
			best = g->buf + (off - g->off);
			*run = g->len - (off - g->off);
		}
	}
	return best;
}

static const unsigned char *load(dk_pe *p, size_t off, size_t n)
{
	size_t start = off - off % 4096, end = off + n, stop = p->len;

	/* No further than the end of the section's data (or the headers'):
	 * what is asked for next is in the same table or the same names. */
	for (size_t i = 0; i < p->nsec; i++) {
		const dk_pe_section *sc = &p->sec[i];
		if (off >= sc->rawptr && off - sc->rawptr < sc->inited && sc->rawptr + sc->inited < stop)
			stop = (size_t)(sc->rawptr + sc->inited);
	}
	if (end < stop && end - start < p->window)
		end = stop - start < p->window ? stop : start + p->window;
	if (p->nseg == PIECES_MAX || p->seg_bytes + (end - start) > PIECES_BYTES_MAX) {
		void *map = mmap(NULL, p->len, PROT_READ, MAP_PRIVATE, p->fd, 0);
		if (map == MAP_FAILED) {
			dk_pe_bad(p, -1, "cannot map the file: %s", strerror(errno));
			return NULL;
		}
		p->map = map;
		return (const unsigned char *)map + off;
	}
	dk_pe_seg *v = dk_reserve(p->seg, &p->segcap, p->nseg + 1, sizeof *v);
	unsigned char *buf = v ? malloc(end - start) : NULL;
	if (!buf) {
		dk_pe_bad(p, -1, "out of memory");
		return NULL;
	}
	p->seg = v;
	ssize_t got = dk_pread_full(p->fd, buf, end - start, start);
	if (got != (ssize_t)(end - start)) {
		if (got < 0)
			dk_pe_bad(p, -1, "cannot read %zu bytes at offset %zu: %s", end - start, start,
				  strerror(errno));
		else
			dk_pe_bad(p, -1, "cannot read %zu bytes at offset %zu: the file is shorter than when it was opened (%zu bytes)",
				  end - start, start, p->len);
		free(buf);
		return NULL;
	}
	p->seg[p->nseg++] = (dk_pe_seg){ start, end - start, buf };
	p->seg_bytes += end - start;
	if (p->window < WINDOW_MAX)
		p->window *= 2;
	return buf + (off - start);
}

const unsigned char *dk_pe_bytes(dk_pe *p, size_t off, size_t n)
{
	const unsigned char *b;
	size_t run;

	if (p->fd < 0)
		return p->d + off;
	if (n == 0)
		return p->head;
	b = held(p, off, &run);
	return b && run >= n ? b : load(p, off, n);
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
	if (p->fd < 0) {
		nul = memchr(p->d + off, 0, avail);
		if (nul)
			return (const char *)(p->d + off);
	} else {
		/* File mode: what is held from `off`, and more until the NUL
		 * or the end of the section. */
		for (size_t want = 256;;) {
			size_t run;
			const unsigned char *b = held(p, off, &run);
			if (b) {
				if (run > avail)
					run = avail;
				if (memchr(b, 0, run))
					return (const char *)b;
				if (run == avail)
					break;
				if (want <= run)
					want = run * 2;
			}
			if (want > avail)
				want = avail;
			if (!dk_pe_bytes(p, off, want))
				return NULL;
		}
	}
	dk_pe_bad(p, (long long)off, "the %s at RVA 0x%x runs past the end of its section unterminated",
		  what, rva);
	return NULL;
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
	const unsigned char *table = dk_pe_bytes(p, at, (size_t)nsec * DK_COFF_SECTION_SIZE);

	if (!table)
		return DK_FAIL;
	p->sec = malloc((nsec ? nsec : 1) * sizeof *p->sec);
	if (!p->sec)
		return dk_pe_bad(p, -1, "out of memory");
	for (unsigned i = 0; i < nsec; i++) {
		const unsigned char *h = table + (size_t)i * DK_COFF_SECTION_SIZE;
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
 * load configuration is the loader's business, not ours.  1: it has one,
 * 0: not, -1: the bytes could not be read (reported). */
static int has_chpe_metadata(dk_pe *p, uint32_t lc_rva)
{
	size_t off, avail;
	const unsigned char *lc;

	if (!lc_rva || !dk_pe_rva_map(p, lc_rva, &off, &avail) || avail < 208)
		return 0;
	if (!(lc = dk_pe_bytes(p, off, 208)))
		return -1;
	return dk_le32(lc) >= 208 && dk_le64(lc + 200) != 0;
}


/* ------------------------------------------------------------------ */
/* Opening an image                                                     */
/* ------------------------------------------------------------------ */

/* The headers, from p->d or p->head (and the pieces read after it). */
static int open_headers(dk_pe *p)
{
	const unsigned char *d, *h;
	size_t coff, opt, sect, len = p->len;
	size_t n0 = len < 256 ? len : 256; /* what what_else() looks at */
	uint32_t lfanew, lc_rva = 0;
	unsigned nsec, optsize, magic, fixed;
	int chpe;

	d = n0 ? dk_pe_bytes(p, 0, n0) : NULL;
	if (n0 && !d)
		return DK_FAIL;
	if (len < 2 || d[0] != 'M' || d[1] != 'Z')
		return dk_pe_bad(p, -1, "not a PE image (%s)", what_else(d, n0));
	if (len < 64)
		return dk_pe_bad(p, -1, "not a PE image (an MZ header of %zu bytes: too short for a DOS header)",
				 len);
	lfanew = dk_le32(d + 0x3c);
	if ((uint64_t)lfanew + 4 > len)
		return dk_pe_bad(p, 0x3c,
				 "not a PE image (an MS-DOS program: no PE signature at offset 0x%x)", lfanew);
	if (!(h = dk_pe_bytes(p, lfanew, 4)))
		return DK_FAIL;
	if (memcmp(h, "PE\0\0", 4) != 0)
		return dk_pe_bad(p, 0x3c,
				 "not a PE image (an MS-DOS program: no PE signature at offset 0x%x)", lfanew);
	coff = (size_t)lfanew + 4;
	if (len - coff < DK_COFF_HEADER_SIZE)
		return dk_pe_bad(p, (long long)coff,
				 "truncated PE image: the COFF header runs past the end of the file");
	if (!(h = dk_pe_bytes(p, coff, DK_COFF_HEADER_SIZE)))
		return DK_FAIL;
	p->coff = coff;
	p->raw_machine = dk_le16(h);
	nsec = dk_le16(h + 2);
	optsize = dk_le16(h + 16);
	p->is_dll = (dk_le16(h + 18) & FILE_DLL) != 0;
	opt = coff + DK_COFF_HEADER_SIZE;
	if (optsize < 2)
		return dk_pe_bad(p, (long long)coff + 16, "not a PE image (no optional header)");
	if (len - opt < optsize)
		return dk_pe_bad(p, (long long)opt,
				 "truncated PE image: the optional header (%u bytes) runs past the end of the file",
				 optsize);
	if (!(h = p->optp = dk_pe_bytes(p, opt, optsize)))
		return DK_FAIL;
	magic = dk_le16(h);
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
	p->image_major = dk_le16(h + 44);
	p->image_minor = dk_le16(h + 46);
	p->image_base = p->pe32plus ? dk_le64(h + 24) : dk_le32(h + 28);
	p->size_of_headers = dk_le32(h + 60);
	p->ndirs = dk_le32(h + fixed - 4);
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
	if ((p->machine == DK_MACHINE_AMD64 || p->machine == DK_MACHINE_ARM64) && p->pe32plus) {
		if ((chpe = has_chpe_metadata(p, lc_rva)) < 0)
			return DK_FAIL;
		if (chpe && p->machine == DK_MACHINE_ARM64)
			p->arm64x = true;
		if (chpe)
			p->machine = DK_MACHINE_ARM64EC; /* ARM64X: the EC view */
	}
	return DK_OK;
}

int dk_pe_open(dk_pe *p, const void *data, size_t len, const char *name, dk_sink *s)
{
	memset(p, 0, sizeof *p);
	p->d = data;
	p->len = data ? len : 0;
	p->fd = -1;
	p->name = name;
	p->s = s;
	return open_headers(p);
}

int dk_pe_open_file(dk_pe *p, int fd, size_t len, const unsigned char *head, size_t headlen,
		    size_t window, const char *name, dk_sink *s)
{
	memset(p, 0, sizeof *p);
	p->len = len;
	p->fd = fd;
	p->head = head;
	p->headlen = headlen < len ? headlen : len;
	p->window = window ? window : WINDOW_DEFAULT;
	p->name = name;
	p->s = s;
	return open_headers(p);
}

bool dk_pe_dir(const dk_pe *p, unsigned index, uint32_t *rva, uint32_t *size, long long *field)
{
	size_t at = p->dirs_at + 8 * (size_t)index;

	*rva = *size = 0;
	if (field)
		*field = -1;
	if (index >= p->ndirs || at + 8 > p->optsize)
		return false;
	*rva = dk_le32(p->optp + at);
	*size = dk_le32(p->optp + at + 4);
	if (field)
		*field = (long long)(p->opt + at);
	return true;
}

void dk_pe_close(dk_pe *p)
{
	free(p->sec);
	p->sec = NULL;
	p->nsec = 0;
	for (size_t i = 0; i < p->nseg; i++)
		free(p->seg[i].buf);
	free(p->seg);
	p->seg = NULL;
	p->nseg = p->segcap = p->seg_bytes = 0;
	if (p->map)
		munmap(p->map, p->len);
	p->map = NULL;
}
