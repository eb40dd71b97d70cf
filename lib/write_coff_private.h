/* write_coff_private.h - a small emitter of COFF objects (internal to libdllkit).
 *
 * Enough to write the members of import libraries and, later, .exp
 * objects: sections with data and relocations, symbols with optional
 * auxiliary records, and the string table.  The layout is the one
 * llvm-dlltool uses, so that our short-format helper members can be
 * byte-identical to its: header, section headers, then for each section
 * its data followed by its relocations, then the symbol table and the
 * string table.  No timestamps: TimeDateStamp is 0.
 */
#ifndef DK_COFF_H
#define DK_COFF_H
#include <stdint.h>
#include "dllkit_private.h"
#include "pecoff_private.h"

typedef struct dk_coff_reloc {
	uint32_t offset;  /* in the section's data */
	uint32_t symbol;  /* symbol table index (counting aux records) */
	uint16_t type;
} dk_coff_reloc;

typedef struct dk_coff_section {
	char name[9];     /* at most 8 bytes; longer names are not needed here */
	uint32_t flags;
	dk_buf data;
	uint32_t size;    /* raw size when there is no data (.bss); else data.len */
	dk_coff_reloc *relocs;
	size_t nrelocs, caprelocs;
} dk_coff_section;

typedef struct dk_coff_symbol {
	size_t name, name_len; /* the name: at `name` in the object's names buffer */
	uint32_t value;
	int16_t section;  /* 1-based section number, 0 undefined, -1 absolute */
	uint16_t type;
	uint8_t storage_class;
	uint8_t naux;
	unsigned char aux[18 * 2]; /* up to two auxiliary records */
} dk_coff_symbol;

typedef struct dk_coff {
	uint16_t machine;
	uint16_t characteristics;
	dk_coff_section *sections;
	size_t nsections, capsections;
	size_t built;         /* sections whose buffers exist (kept by dk_coff_reset) */
	dk_coff_symbol *symbols;
	size_t nsymbols, capsymbols;
	dk_buf names;         /* the symbols' names, NUL-terminated */
	uint32_t nsymrecords; /* symbols plus their aux records: the next index */
	bool failed;          /* an allocation failed; dk_coff_write reports it */
} dk_coff;

void dk_coff_init(dk_coff *c, uint16_t machine);
void dk_coff_free(dk_coff *c);
/* Empty the object for the next one of `machine`, keeping its memory: a
 * writer of tens of thousands of small objects builds them all in one. */
void dk_coff_reset(dk_coff *c, uint16_t machine);

/* Add a section; returns its 1-based number (0 on allocation failure). */
int dk_coff_section_add(dk_coff *c, const char *name, uint32_t flags);
dk_coff_section *dk_coff_section_get(dk_coff *c, int number);
/* Append bytes to a section's data. */
void dk_coff_data(dk_coff *c, int section, const void *p, size_t n);
/* Append `n` zero bytes to a section. */
void dk_coff_zeros(dk_coff *c, int section, size_t n);
/* i386: the absolute symbol "@feat.00" = 1, saying the object is safe in
 * a /SAFESEH image (it installs no exception handlers); lld-link (by
 * default) and link.exe refuse i386 objects without it. */
void dk_coff_feat00(dk_coff *c);
/* A relocation at `offset` of `section` against symbol index `symbol`. */
void dk_coff_reloc_add(dk_coff *c, int section, uint32_t offset, uint32_t symbol, uint16_t type);

/* Add a symbol; returns its symbol table index. */
uint32_t dk_coff_symbol_add(dk_coff *c, const char *name, uint32_t value, int16_t section,
			    uint16_t type, uint8_t storage_class);
/* Add a symbol with `naux` auxiliary records copied from `aux`. */
uint32_t dk_coff_symbol_add_aux(dk_coff *c, const char *name, uint32_t value, int16_t section,
				uint16_t type, uint8_t storage_class, const void *aux, uint8_t naux);

/* Serialise the object, appended to `out`.  DK_FAIL on allocation failure. */
int dk_coff_write(const dk_coff *c, dk_buf *out);

#endif
