/* names_private.h - the naming rules inside libdllkit (internal).
 *
 * Everything that decides what a name becomes on its way through dllkit
 * lives in names.c: i386 decoration (cdecl, stdcall, fastcall,
 * vectorcall, C++), the GNU and link.exe ways of writing it in a .def,
 * kill-at and stdcall aliases, the short-import name types, and ARM64EC
 * mangling.  The public part is in dllkit.h; this is what the readers and
 * writers of import libraries share.
 */
#ifndef DK_DECORATE_H
#define DK_DECORATE_H
#include "dllkit_private.h"
#include "pecoff_private.h"


/* Short-import name types applied to a symbol: NOPREFIX drops one leading
 * '?', '@' or '_'; UNDECORATE also cuts at the first '@' left (malloc'd). */
const char *dk_name_noprefix(const char *sym);
char *dk_name_undecorate(const char *sym);

/* ARM64EC: `#f` and C++ names with `$$h` are EC-mangled; the demangled
 * name drops that (malloc'd; NULL when not mangled). */
bool dk_arm64ec_is_mangled(const char *sym);
char *dk_arm64ec_demangle(const char *sym);

/* How one export is imported: the symbol callers reference (no __imp_),
 * the name the loader looks up (NULL by ordinal), and the name type that
 * says it in a short-import member.  All strings malloc'd. */
typedef struct dk_import_naming {
	char *symbol;
	char *load_name;
	unsigned name_type; /* DK_NAME_* */
} dk_import_naming;

/* `dialect` is the .def's (GNU when AUTO).  Returns DK_OK, or DK_FAIL when
 * out of memory (nothing to free then). */
int dk_import_name(const dk_export *e, const dk_implib_opts *o, dk_dialect dialect,
		   bool is_code, dk_import_naming *out);
/* "dir/foo.dll" -> "foo.dll": the name the loader looks for and the name of
 * every member of a short library ('/' and '\\' both separate). */
const char *dk_dll_basename(const char *dll_name);
/* "foo.dll" -> "foo": the stem used in helper-member symbol names
 * (llvm::sys::path::stem of the base name: ".dll" -> ""). */
char *dk_dll_stem(const char *dll_name);
#endif
