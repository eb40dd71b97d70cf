/* imports.h - dumpexports --imports: what a PE image imports, listed on
 * standard output as a table, JSON or TSV. */
#ifndef DK_CMD_IMPORTS_H
#define DK_CMD_IMPORTS_H
#include "listing.h"

/* `-C`: C++ names demangled in the table and TSV, and beside the name in JSON. */
void imports_table(const char *path, const dk_imports *im, bool demangle);

/* One input of the JSON listing (begun and ended by listing_json_begin/end),
 * or its first error when `error`. */
void imports_json(const char *path, const dk_imports *im, const char *error, bool demangle,
		  bool first);

/* TSV: "file dll kind ordinal hint name", then one row a function. */
void imports_tsv_header(void);
void imports_tsv(const char *path, const dk_imports *im, bool demangle);
#endif
