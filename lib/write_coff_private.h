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

/* Section characteristics (PE/COFF specification, 3.1). */
enum {
	DK_SCN_CNT_CODE = 0x00000020,
	DK_SCN_CNT_INITIALIZED_DATA = 0x00000040,
	DK_SCN_CNT_UNINITIALIZED_DATA = 0x00000080,
	DK_SCN_LNK_INFO = 0x00000200,
	DK_SCN_LNK_REMOVE = 0x00000800,
	DK_SCN_LNK_COMDAT = 0x00001000,
	DK_SCN_ALIGN_1BYTES = 0x00100000,
	DK_SCN_ALIGN_2BYTES = 0x00200000,
	DK_SCN_ALIGN_4BYTES = 0x00300000,
	DK_SCN_ALIGN_8BYTES = 0x00400000,
	DK_SCN_ALIGN_16BYTES = 0x00500000,
	DK_SCN_MEM_EXECUTE = 0x20000000,
	DK_SCN_MEM_READ = 0x40000000,
	DK_SCN_MEM_WRITE = 0x80000000,
};

/* Storage classes and special section numbers. */
enum {
	DK_SYM_CLASS_EXTERNAL = 2,
	DK_SYM_CLASS_STATIC = 3,
	DK_SYM_CLASS_LABEL = 6,
	DK_SYM_CLASS_SECTION = 104,
	DK_SYM_UNDEFINED = 0,
	DK_SYM_ABSOLUTE = -1,
	DK_SYM_DTYPE_FUNCTION = 0x20,
};

/* Relocation types used by import libraries, per machine. */
enum {
	DK_REL_I386_DIR32 = 0x0006,
	DK_REL_I386_DIR32NB = 0x0007,
	DK_REL_I386_REL32 = 0x0014,
	DK_REL_AMD64_ADDR64 = 0x0001,
	DK_REL_AMD64_ADDR32NB = 0x0003,
	DK_REL_AMD64_REL32 = 0x0004,
	DK_REL_ARM64_ADDR32 = 0x0001,
	DK_REL_ARM64_ADDR32NB = 0x0002,
	DK_REL_ARM64_PAGEBASE_REL21 = 0x0004,
	DK_REL_ARM64_PAGEOFFSET_12L = 0x0007,
	DK_REL_ARM64_ADDR64 = 0x000E,
	DK_REL_ARM_ADDR32 = 0x0001,
	DK_REL_ARM_ADDR32NB = 0x0002,
	DK_REL_ARM_MOV32T = 0x0011,
};

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
	char *name;
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
	dk_coff_symbol *symbols;
	size_t nsymbols, capsymbols;
	uint32_t nsymrecords; /* symbols plus their aux records: the next index */
	bool failed;          /* an allocation failed; dk_coff_write reports it */
} dk_coff;

void dk_coff_init(dk_coff *c, uint16_t machine);
void dk_coff_free(dk_coff *c);

/* Add a section; returns its 1-based number (0 on allocation failure). */
int dk_coff_section_add(dk_coff *c, const char *name, uint32_t flags);
dk_coff_section *dk_coff_section_get(dk_coff *c, int number);
/* Append bytes to a section's data. */
void dk_coff_data(dk_coff *c, int section, const void *p, size_t n);
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

/* Little-endian stores into a buffer. */
void dk_put16(unsigned char *p, uint16_t v);
void dk_put32(unsigned char *p, uint32_t v);
void dk_put64(unsigned char *p, uint64_t v);
void dk_buf_add16(dk_buf *b, uint16_t v);
void dk_buf_add32(dk_buf *b, uint32_t v);
void dk_buf_add64(dk_buf *b, uint64_t v);
#endif
