/* read_pe_private.h - the headers and addresses of a PE image, for the
 * readers of its directories (read_image.c: exports; read_imports.c:
 * imports).  Internal to libdllkit.
 *
 * Every number in the file is untrusted.  Each read goes through
 * dk_pe_rva_map(), which says how many bytes are really there from a given
 * address to the end of the section's data in the file; tables and strings
 * are checked against that before they are touched.  Errors name the file
 * and the byte offset of the field that is wrong.
 */
#ifndef DK_READ_PE_H
#define DK_READ_PE_H
#include <stdarg.h>
#include "dllkit_private.h"

enum {
	DK_PE_DIR_EXPORT = 0,
	DK_PE_DIR_IMPORT = 1,
	DK_PE_DIR_LOAD_CONFIG = 10,
	DK_PE_DIR_BOUND_IMPORT = 11,
	DK_PE_DIR_IAT = 12,
	DK_PE_DIR_DELAY_IMPORT = 13,
};

typedef struct dk_pe_section {
	uint32_t va;      /* VirtualAddress */
	uint32_t extent;  /* bytes it covers in memory: VirtualSize, else SizeOfRawData */
	uint32_t inited;  /* bytes of it backed by the file, from va (clipped to the file) */
	uint64_t rawptr;  /* PointerToRawData */
	uint32_t flags;   /* Characteristics */
	unsigned index;   /* 1-based, in section-table order (sec[] is sorted by va) */
	char name[9];     /* for messages, non-printing bytes shown as '?' */
} dk_pe_section;

/* File mode (dk_pe_open_file): a piece of the file read with pread. */
typedef struct dk_pe_seg {
	size_t off, len;
	unsigned char *buf;
} dk_pe_seg;

typedef struct dk_pe {
	/* Memory mode: all `len` bytes of the file are at d.  File mode
	 * (fd >= 0): d is NULL, and dk_pe_bytes() reads what is asked for
	 * (see there). */
	const unsigned char *d;
	size_t len;
	int fd;
	const unsigned char *head; /* file mode: the file's first headlen bytes (not owned) */
	size_t headlen;
	dk_pe_seg *seg;           /* file mode: what was read, kept until dk_pe_close */
	size_t nseg, segcap, seg_bytes;
	size_t window;            /* file mode: the least the next piece reads (it doubles) */
	void *map;                /* file mode: the whole file, mapped once the pieces grow too many */
	const unsigned char *optp; /* the optional header's bytes */
	const char *name; /* for diagnostics */
	dk_sink *s;
	/* The headers, as dk_pe_open() found them. */
	size_t coff;      /* file offset of the COFF header */
	size_t opt;       /* ... of the optional header */
	unsigned optsize;
	unsigned dirs_at; /* offset of the data directories in the optional header */
	uint32_t ndirs;   /* NumberOfRvaAndSizes */
	uint16_t raw_machine;
	dk_machine machine;  /* UNKNOWN for others; ARM64EC for ARM64EC and ARM64X images */
	bool arm64x;
	bool pe32plus;
	bool is_dll;
	uint16_t image_major, image_minor;
	uint64_t image_base;
	uint32_t size_of_headers;
	dk_pe_section *sec;  /* sorted by va */
	size_t nsec;
} dk_pe;

/* Reports an error at file offset `off` (-1: none) and returns DK_FAIL. */
__attribute__((format(printf, 3, 4))) int dk_pe_bad(dk_pe *p, long long off, const char *fmt,
						   ...);

/* Check the DOS, COFF and optional headers and read the section table.
 * Returns DK_OK, or DK_FAIL after one error ("not a PE image (...)" for
 * what is not one).  dk_pe_close() frees what it allocated, either way. */
int dk_pe_open(dk_pe *p, const void *data, size_t len, const char *name, dk_sink *s);
/* The same on an open file of `len` bytes whose first `headlen` are at
 * `head` (both must stay valid until dk_pe_close): the rest is read as the
 * reader asks for it, at least `window` bytes a read (0: the default). */
int dk_pe_open_file(dk_pe *p, int fd, size_t len, const unsigned char *head, size_t headlen,
		    size_t window, const char *name, dk_sink *s);
void dk_pe_close(dk_pe *p);

/* `n` bytes at file offset `off` (off + n <= p->len: the caller checked
 * that): in memory mode d + off; in file mode read if they are not yet,
 * and valid until dk_pe_close.  NULL after an error (a read that failed,
 * reported). */
const unsigned char *dk_pe_bytes(dk_pe *p, size_t off, size_t n);

/* Data directory `index`: false when the header has no such entry.
 * *field (may be NULL) gets the entry's file offset. */
bool dk_pe_dir(const dk_pe *p, unsigned index, uint32_t *rva, uint32_t *size, long long *field);

/* The section whose memory holds `rva`, or NULL. */
const dk_pe_section *dk_pe_section_of(const dk_pe *p, uint32_t rva);

/* Where `rva` is in the file, and how many bytes from there belong to the
 * same section (or to the headers) and are really in the file.  False when
 * the address has no bytes in the file. */
bool dk_pe_rva_map(const dk_pe *p, uint32_t rva, size_t *off, size_t *avail);

/* Why dk_pe_rva_map() said no; `field` is the file offset of the field
 * that gave the address.  Returns DK_FAIL. */
int dk_pe_not_in_file(dk_pe *p, long long field, const char *what, uint32_t rva);

/* Map `count` entries of `size` bytes at `rva`; `what` names the table and
 * `field` is the file offset of the field that gave the address. */
int dk_pe_map_table(dk_pe *p, uint32_t rva, uint64_t count, unsigned size, const char *what,
		    long long field, size_t *off);

/* A NUL-terminated string at `rva` that ends inside its section and the
 * file: a pointer into the image, or NULL after an error. */
const char *dk_pe_string_at(dk_pe *p, uint32_t rva, const char *what, long long field);

#endif
