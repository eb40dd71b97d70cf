/* write_implib_private.h - what both import-library writers share (internal).
 *
 * dk_import_entries turns the export set into the list of imports: for
 * each, the symbol callers reference, the name the loader will look up, and
 * how a short-import member says that name (its name type).  The short
 * writer stores symbol + name type; the long writer stores the final name.
 */
#ifndef DK_IMPLIB_H
#define DK_IMPLIB_H
#include "write_ar_private.h"
#include "write_coff_private.h"
#include "names_private.h"


typedef struct dk_import_entry {
	const dk_export *e;
	char *symbol;       /* what callers reference (no __imp_): `_add` on i386, `add` elsewhere
	                     * (ARM64EC code: the short writer stores the `#add` form) */
	char *load_name;    /* the name the loader looks up; NULL when imported by ordinal */
	char *export_as;    /* the name stored with NAME_EXPORTAS (= load_name), else NULL.
	                     * EXPORTAS for an `== name` the symbol cannot say: the short
	                     * writer makes it a weak alias when another import loads it */
	unsigned type;      /* DK_IMPORT_* */
	unsigned name_type; /* DK_NAME_* */
	uint16_t ordinal;   /* the ordinal (by-ordinal imports), else the hint */
} dk_import_entry;

/* The imports of `m` in model order, PRIVATE exports left out. */
int dk_import_entries(const dk_module *m, const dk_implib_opts *o, dk_import_entry **out,
		      size_t *n, dk_sink *s);
void dk_import_entries_free(dk_import_entry *v, size_t n);

/* The writers.  `entries` come from dk_import_entries; each appends the
 * finished archive to `out`. */
int dk_implib_write_short(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			  dk_ar_kind kind, dk_buf *out, dk_sink *s);
/* ARM64X: the EC imports (o->machine is ARM64EC), then the native ARM64 ones. */
int dk_implib_write_arm64x(const dk_implib_opts *o, const dk_import_entry *ec, size_t nec,
			   const dk_import_entry *native, size_t nnative, dk_ar_kind kind,
			   dk_buf *out, dk_sink *s);
int dk_implib_write_long(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			 dk_ar_kind kind, dk_buf *out, dk_sink *s);
/* mkimplib --delay: write_implib_delay.c */
int dk_implib_write_delay(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			  dk_ar_kind kind, dk_buf *out, dk_sink *s);

/*
 * Members of the writers that build ordinary COFF objects (long format,
 * delay-load): each object is serialised onto the end of one shared
 * buffer, then the archive is written from it.
 */
typedef struct dk_implib_member {
	char *name;
	size_t off, len;  /* its bytes in the shared buffer */
	char *symbols[3]; /* the external symbols it defines, for the index */
	size_t nsymbols;
} dk_implib_member;

/* "dir/k.dll" -> "k_dll": the stem of the helper symbols and member names,
 * every byte that is not an ASCII letter or digit made '_' (as ld does).
 * NULL: out of memory. */
char *dk_implib_stem(const char *dll_name);
/* Name `mb` "STEM_<letter>NNNNNN.o" (six digits: members sort in order). */
int dk_implib_member_name(dk_implib_member *mb, const char *stem, char letter, size_t seq);
/* Note that `mb` defines the external symbol `name` (at most three). */
int dk_implib_member_symbol(dk_implib_member *mb, const char *name);
/* Serialise `c` onto the end of `all` as `mb`'s bytes, and free it. */
int dk_implib_member_finish(dk_coff *c, dk_implib_member *mb, dk_buf *all);
/* The same, keeping `c` (for dk_coff_reset). */
int dk_implib_member_emit(const dk_coff *c, dk_implib_member *mb, dk_buf *all);
/* The archive of `n` members whose bytes are in `all`, into `out` (see
 * dk_implib_archive: when `out` is empty, `all` becomes it and is left
 * empty). */
int dk_implib_members_write(const dk_implib_member *mb, size_t n, dk_buf *all,
			    dk_ar_kind kind, dk_buf *out, dk_sink *s);
/* The archive of members `am` whose data fill `all`, one after the other,
 * into `out`: when `out` is empty, `all` becomes it (built in place, no
 * copy; `all` is left empty), else appended as a copy. */
int dk_implib_archive(dk_buf *all, dk_ar_kind kind, const dk_ar_member *am, size_t n,
		      dk_buf *out);
void dk_implib_members_free(dk_implib_member *mb, size_t n);
#endif
