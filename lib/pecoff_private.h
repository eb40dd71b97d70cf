/* pecoff_private.h - the PE/COFF format in one place (internal to libdllkit):
 * sizes of its records, the numbers of its fields (PE/COFF specification),
 * and little-endian loads and stores.  Every reader and writer of COFF
 * objects, PE images and import libraries takes them from here.
 */
#ifndef DK_PECOFF_H
#define DK_PECOFF_H
#include <stdint.h>

/* Record sizes. */
enum {
	DK_COFF_HEADER_SIZE = 20,
	DK_COFF_SECTION_SIZE = 40,
	DK_COFF_SYMBOL_SIZE = 18,
	DK_COFF_RELOC_SIZE = 10,
};

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

/* Not set by our writer, but read: the relocation count overflowed into
 * the first relocation. */
enum { DK_SCN_LNK_NRELOC_OVFL = 0x01000000, DK_SYM_CLASS_WEAK_EXTERNAL = 105 };

/* Import and name types (dk_import_type, dk_name_type) are public: dllkit.h. */

/* Little-endian loads; `p` points at enough bytes (the caller checked). */
static inline uint16_t dk_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t dk_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t dk_le64(const unsigned char *p)
{
	return (uint64_t)dk_le32(p) | (uint64_t)dk_le32(p + 4) << 32;
}

/* Little-endian stores. */
static inline void dk_put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void dk_put32(unsigned char *p, uint32_t v)
{
	dk_put16(p, (uint16_t)v);
	dk_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void dk_put64(unsigned char *p, uint64_t v)
{
	dk_put32(p, (uint32_t)v);
	dk_put32(p + 4, (uint32_t)(v >> 32));
}
#endif
