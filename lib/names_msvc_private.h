/* names_msvc_private.h - the Microsoft C++ name grammar (internal).
 *
 * What lib/names_msvc.c offers the other library files: where an
 * ARM64EC `$$h` goes in a C++ symbol, and the EC-mangled form of a code
 * symbol.
 */
#ifndef DK_NAMES_MSVC_H
#define DK_NAMES_MSVC_H
#include "names_private.h"

/* Where `$$h` goes in a `?...` C++ symbol (the length of its qualified
 * name, `?` included), or 0 when it is not a valid Microsoft name. */
size_t dk_msvc_arm64ec_insertion_point(const char *sym);

/* The EC-mangled form of a code symbol, malloc'd: `#f` for a C name,
 * `?f@@$$hYAXXZ` for a C++ one.  Returns NULL for a name that is mangled
 * already (with *invalid false), and NULL with *invalid set for a C++ name
 * that does not parse. */
char *dk_arm64ec_mangle(const char *sym, bool *invalid);
#endif
