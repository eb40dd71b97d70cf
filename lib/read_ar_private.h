/* read_ar_private.h - reading static archives from memory (internal to libdllkit).
 *
 * A small bounds-checked walker over the raw bytes of a GNU or Microsoft
 * (COFF) archive, for readers that must see every member whatever libbfd
 * thinks of it (import libraries: libbfd 2.40 refuses short-import members
 * of name type EXPORTAS and knows no ARM64EC).
 *
 *   "!<arch>\n", then members, each a 60-byte header (name, date, uid, gid,
 *   mode, decimal size, "`\n") and `size` bytes, padded to an even offset.
 *
 * Handled: the GNU "/" and "/SYM64/" symbol index and Microsoft's first and
 * second linker members (both named "/"), "/<ECSYMBOLS>/" and any other
 * "/<...>/" map (skipped); the "//" long-name member, with "/123" names
 * resolved through it whether its names end "name/\n" (GNU ar) or "name\0"
 * (lib.exe, llvm-lib); BSD "#1/N" names (the name in the first N bytes of
 * the data).  A missing final pad byte is accepted (GNU ar and LLVM do).
 * Every size and offset is checked against the buffer: a damaged archive
 * is an error with the offset of the damage, never a read outside it.  The
 * offsets a symbol index gives must be member headers inside the file, so
 * an archive cut short between two members is refused too.
 * Thin archives ("!<thin>\n") hold no member data and are refused.
 */
#ifndef DK_ARREAD_H
#define DK_ARREAD_H
#include <stddef.h>
#include "dllkit_private.h"

typedef struct dk_ar_reader {
	const unsigned char *data;
	size_t len;
	size_t pos;             /* offset of the next header */
	const char *longnames;  /* the "//" member's data, or NULL */
	size_t longlen;
	size_t index;           /* regular members returned so far */
	size_t nindex;          /* "/" symbol indexes seen (Microsoft's second is little-endian) */
} dk_ar_reader;

/* One regular member.  `name` points into the archive or the long-name
 * member and is not NUL-terminated: use namelen. */
typedef struct dk_ar_entry {
	const char *name;
	size_t namelen;
	size_t header;          /* file offset of its 60-byte header */
	const unsigned char *data;
	size_t offset;          /* file offset of its data */
	size_t size;
	size_t index;           /* 0-based among regular members */
} dk_ar_entry;

/* What went wrong, for the caller's diagnostic. */
typedef struct dk_ar_error {
	const char *message;    /* static text: "member size runs past the end of the file" */
	size_t offset;          /* file offset the problem is at */
	const char *member;     /* the damaged member's name when its header tells it, else
				 * NULL; not NUL-terminated: membername */
	size_t membername;
} dk_ar_error;

/* The damaged member's name as a malloc'd string, NULL when none is known. */
char *dk_ar_error_member(const dk_ar_error *err);

/* True when the bytes begin with the archive magic "!<arch>\n". */
bool dk_ar_is_archive(const void *data, size_t len);

/* Start reading; false (with `err`) when the bytes are not an archive. */
bool dk_ar_open(dk_ar_reader *r, const void *data, size_t len, dk_ar_error *err);

/* The next regular member: 1 with `e` filled, 0 at the end, -1 on damage
 * (with `err`; the walk cannot go on past it). */
int dk_ar_next(dk_ar_reader *r, dk_ar_entry *e, dk_ar_error *err);

/* The member's name as a malloc'd string (NULL when out of memory). */
char *dk_ar_name(const dk_ar_entry *e);


#endif
