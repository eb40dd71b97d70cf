/* write_ar_private.h - writing static archives (internal to libdllkit).
 *
 * Two kinds:
 *   GNU  - "!<arch>", a "/" symbol index (big-endian offsets, every
 *          symbol of every member), a "//" long-name member when a name
 *          needs it ("name/\n" per member), members named "name/".
 *          What GNU ar and dlltool write.
 *   COFF - Microsoft's: the first linker member (as GNU's "/"), the second
 *          linker member (little-endian, symbols sorted, 1-based member
 *          indexes), a "//" long-name member when needed (NUL-terminated
 *          names, each distinct name once), then "/<ECSYMBOLS>/" when a
 *          member lists ARM64EC symbols, then the members.  A symbol
 *          listed by several members is indexed for the first only.
 *          What lib.exe, llvm-lib and llvm-dlltool write.
 * The sizes of indexes and of "//" include their padding to an even size
 * (NUL, and '\n' for "//"); members are padded with '\n' after their size.
 * Headers carry no dates, users or groups (all "0"; blank for "//") and
 * mode 644 (0 for indexes), so the bytes depend on the inputs only.
 */
#ifndef DK_ARCHIVE_H
#define DK_ARCHIVE_H
#include "dllkit_private.h"

typedef enum dk_ar_kind { DK_AR_GNU, DK_AR_COFF } dk_ar_kind;

/* The most members the COFF kind holds: its member indexes are 16 bits, and
 * llvm-lib and llvm-dlltool write the GNU kind above 65,534 (0xfffe). */
#define DK_AR_COFF_MAX_MEMBERS 65534

typedef struct dk_ar_member {
	const char *name;                   /* member name, without the '/' terminator */
	const void *data;
	size_t size;
	const char *const *symbols;         /* names the member defines, for the index */
	size_t nsymbols;
	const char *const *ec_symbols;      /* ARM64EC: names for the /<ECSYMBOLS>/ map
	                                     * (COFF kind only; the GNU kind ignores them) */
	size_t nec_symbols;
} dk_ar_member;

/* Append the archive to `out`.  DK_FAIL on allocation failure or a size
 * no archive header can hold. */
int dk_archive_write(dk_buf *out, dk_ar_kind kind, const dk_ar_member *members, size_t n);
/* The same archive made of `b`, which holds the members' data one after
 * the other (member i's `size` bytes; `data` is not used) and nothing else:
 * the data move up in `b` to make room for the indexes and headers, so
 * that the archive needs no second buffer of its size.  On DK_FAIL `b`
 * is left in an unspecified state (the caller frees it). */
int dk_archive_write_in_place(dk_buf *b, dk_ar_kind kind, const dk_ar_member *members, size_t n);

/*
 * A library of `nmembers` members is more than the COFF kind holds: with
 * --archive coff (o->archive) an error saying what to do instead (false);
 * else a note that it is written as the GNU kind, as llvm-dlltool does
 * (true: the caller writes the GNU kind).
 */
bool dk_implib_coff_overflow(const dk_implib_opts *o, size_t nmembers, dk_sink *s);
#endif
