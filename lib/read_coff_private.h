/* read_coff_private.h - reading COFF objects in memory (internal).
 *
 * What lib/read_coff.c offers the other readers: an object opened over
 * its bytes, its sections, symbols and string-table names, each checked
 * against the object's size, and why a read failed.
 */
#ifndef DK_READ_COFF_H
#define DK_READ_COFF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pecoff_private.h"

/* `n` bytes at `off` lie inside `len` bytes (no overflow). */
static inline bool dk_fits(uint64_t off, uint64_t n, uint64_t len)
{
	return off <= len && n <= len - off;
}

/* A name inside the file (a section or symbol name): not NUL-terminated. */
typedef struct dk_str {
	const char *p;
	size_t n;
} dk_str;

/* A COFF object in memory (an archive member, say); offsets are relative
 * to its first byte. */
typedef struct dk_coff_in {
	const unsigned char *p;
	size_t len;
	uint16_t machine;
	uint32_t nsec;
	uint32_t symptr, nsym;  /* nsym counts auxiliary records */
	const char *strtab;     /* the string table, its 4-byte size included */
	uint32_t strsize;
} dk_coff_in;

typedef struct dk_coff_in_sec {
	dk_str name;
	const unsigned char *data; /* NULL when it has no raw data */
	uint32_t size;
	uint32_t reloc_off, nrelocs;
	uint32_t flags;
} dk_coff_in_sec;

typedef struct dk_coff_in_sym {
	dk_str name;
	uint32_t value;
	int section;     /* 1-based; 0 undefined, negative special */
	uint8_t cls;
	uint8_t naux;
} dk_coff_in_sym;

/* Why a read failed: a message and the offset in the object. */
typedef struct dk_coff_why {
	char text[160];
	size_t off;
} dk_coff_why;

/* Sets `w` (text and offset) and returns false, for `return dk_coff_fail(...)`. */
bool dk_coff_fail(dk_coff_why *w, size_t off, const char *text);

/* A plausible COFF object header with its section table inside the data,
 * and no optional header (an object, not an image). */
bool dk_coff_header_ok(const unsigned char *p, size_t len);

/* Check the header, the section table, the symbol table and the string
 * table against the object's size; `c` then reads the object at `p`. */
bool dk_coff_in_open(dk_coff_in *c, const unsigned char *p, size_t len, dk_coff_why *w);

/* A name in the string table at `off`, inside it and NUL-terminated
 * there; `at` is the offset reported when it is not. */
bool dk_coff_in_string(const dk_coff_in *c, uint64_t off, dk_str *out, size_t at, dk_coff_why *w);

/* Section `i` (1-based), its name resolved, its data and relocations
 * checked. */
bool dk_coff_in_section(const dk_coff_in *c, uint32_t i, dk_coff_in_sec *s, dk_coff_why *w);

/* Symbol record `i` (auxiliary records count), its name resolved. */
bool dk_coff_in_symbol(const dk_coff_in *c, uint32_t i, dk_coff_in_sym *y, dk_coff_why *w);

/* The 1-based number of the first section called `name` (a short name,
 * at most 8 bytes), 0 if none. */
uint32_t dk_coff_in_find_section(const dk_coff_in *c, const char *name);
#endif
