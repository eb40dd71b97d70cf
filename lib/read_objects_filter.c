/* read_objects_filter.c - what --export-all leaves out, and why.
 *
 * The lists follow what GNU ld's --export-all-symbols leaves out, with the
 * names MSVC-style compilers make added, so that a .def made here exports
 * what a user's own code defines and nothing the tools made:
 *   - import-library plumbing (__imp_, _head_, _iname, ..._NULL_THUNK_DATA);
 *   - MinGW's .refptr. indirections;
 *   - MSVC's compiler-made constants (__real@, __xmm@, ??_C@ string literals);
 *   - MSVC's scalar and vector deleting destructors (??_G, ??_E);
 *   - DLL entry points and CRT start-up symbols;
 *   - symbols of runtime archives (libgcc, libstdc++, the MinGW CRT) and
 *     start-up objects (crt2.o, dllcrt2.o, crtbegin.o).
 * A user's own `extern const` variables are ordinary data and are kept.
 *
 * This is not CMake's WINDOWS_EXPORT_ALL_SYMBOLS (`cmake -E __create_def`),
 * which chooses otherwise: it keeps the deleting destructors and DllMain,
 * and takes data only from writable sections of initialized data, so it
 * leaves out constant, zero-initialized and common data, vftables (??_7)
 * and RTTI descriptors but the type descriptor (??_R1 to ??_R4).  mkdef(1)
 * says so under FILTERS; tests/cli/mkdef_export_all.sh runs CMake on the
 * same objects and pins each name the two disagree on.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <string.h>
#include "read_objects_filter_private.h"
#include "dllkit_private.h"

static bool has_prefix_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (dk_starts_with(s, *list))
			return true;
	return false;
}

static const char *const import_prefixes[] = {
	"__imp_", "_imp__", "_head_", "__head_", "_nm_", "__nm_", "__IMPORT_DESCRIPTOR_",
	"_IMPORT_DESCRIPTOR_", "__NULL_IMPORT_DESCRIPTOR", "_NULL_IMPORT_DESCRIPTOR", "\x7f",
	".idata$", NULL,
};
static const char *const import_suffixes[] = { "_iname", "_NULL_THUNK_DATA", NULL };

/*
 * The prefixes are tested on the .def name, as GNU ld tests them (on the
 * symbol without its i386 '_').  A prefix that starts with a single '_'
 * must not match a user's C prefix: on i386 a function `head_insert` is
 * the symbol `_head_insert`, and in MSVC naming a stdcall `head_push` keeps
 * it in the .def name too (`_head_push@8`).  So those prefixes are tested
 * on the .def name only, and not when it is a stdcall `_f@N`; the others
 * (`__imp_`, `\x7f`, ...) on either name.  Real plumbing never needs the
 * exception: a decorated import symbol is `__imp__f@8`, `__nm__f@8`.
 */
static bool has_import_prefix(const char *raw, const char *name)
{
	bool c_name = dk_i386_classify(name) == DK_CC_STDCALL;

	for (const char *const *p = import_prefixes; *p; p++) {
		if ((*p)[0] == '_' && (*p)[1] != '_') {
			if (!c_name && dk_starts_with(name, *p))
				return true;
		} else if (dk_starts_with(name, *p) || dk_starts_with(raw, *p)) {
			return true;
		}
	}
	return false;
}

/* MSVC emits these for floating-point, vector and string constants, in
 * COMDAT sections; they are never part of an interface. */
static const char *const const_prefixes[] = {
	"__real@", "__xmm@", "__ymm@", "__zmm@", "__mask@", "??_C@", "__@@_PchSym_", NULL,
};

static const char *const dtor_prefixes[] = { "??_G", "??_E", NULL };

/* Entry points and start-up code: compared with the .def name with any
 * stdcall "@N" removed, so DllMain and DllMain@12 both match. */
static const char *const startup_names[] = {
	"DllMain", "DllEntryPoint", "DllMainCRTStartup", "_DllMainCRTStartup",
	"__DllMainCRTStartup", "mainCRTStartup", "WinMainCRTStartup", "wmainCRTStartup",
	"wWinMainCRTStartup", "_CRT_INIT", "_cygwin_dll_entry", "_cygwin_crt0_common",
	"_cygwin_noncygwin_dll_entry", "cygwin_crt0", "cygwin_premain0", "cygwin_premain1",
	"cygwin_premain2", "cygwin_premain3", "impure_ptr", "_impure_ptr",
	"_pei386_runtime_relocator", "do_pseudo_reloc", "_fmode", "_tls_used",
	"__dyn_tls_init_callback", "__xl_a", "__xl_z", "_CRT_MT", "__mingw_initltsdrot_force",
	"__mingw_initltsdyn_force", "__mingw_initltssuo_force", NULL,
};

/* Symbols the toolchain makes for its own bookkeeping. */
static const char *const internal_prefixes[] = {
	".weak.", "__gnu_lto_", ".refptr.", "__profc_", "__profd_", "__llvm_", NULL,
};

static bool is_startup(const char *name)
{
	size_t n = strcspn(name, "@");
	if (n == 0)
		return false;
	for (const char *const *p = startup_names; *p; p++)
		if (strlen(*p) == n && strncmp(name, *p, n) == 0)
			return true;
	return false;
}

dk_skip_reason dk_filter_symbol(const char *raw, const char *name)
{
	if (has_import_prefix(raw, name))
		return DK_SKIP_IMPORT_THUNK;
	for (const char *const *p = import_suffixes; *p; p++)
		if (dk_ends_with(raw, *p))
			return DK_SKIP_IMPORT_THUNK;
	if (dk_starts_with(raw, ".refptr."))
		return DK_SKIP_REFPTR;
	if (has_prefix_in(raw, const_prefixes))
		return DK_SKIP_COMPILER_CONST;
	if (has_prefix_in(raw, dtor_prefixes))
		return DK_SKIP_DELETING_DTOR;
	/* MSVC i386 naming keeps the '_' of `_DllMain@12`. */
	if (is_startup(name) || (raw[0] == '_' && is_startup(raw + 1)))
		return DK_SKIP_STARTUP;
	if (has_prefix_in(raw, internal_prefixes) || raw[0] == '$' || raw[0] == '.')
		return DK_SKIP_INTERNAL;
	return DK_SKIP_NONE;
}

/* The names GNU ld's auto-export filter uses, matched as a basename prefix
 * followed by '.' (libgcc.a, libgcc_s.dll.a, libmsvcrt-os.a) or, as ld
 * does, by a '-' and a digit that start a version (libstdc++-6.a). */
static const char *const runtime_libs[] = {
	"libgcc", "libgcc_eh", "libgcc_s", "libstdc++", "libsupc++", "libmingw32", "libmingwex",
	"libmingwthrd", "libmoldname", "libmsvcrt", "libmsvcrt-os", "libucrt", "libucrtbase",
	"libucrtapp", "libcygwin", "libcegcc", "libg2c", "libobjc", "libgcj", "libssp",
	"libssp_nonshared", "libquadmath", "libatomic", "libwinpthread", "libpthread",
	"libclang_rt.builtins", "libunwind", "libc++", "libc++abi",
	"libcmt", "libcmtd", "msvcrt", "msvcrtd", "libvcruntime", "libvcruntimed",
	"vcruntime", "libucrtd", "oldnames", NULL,
};

bool dk_filter_runtime_lib(const char *base)
{
	for (const char *const *p = runtime_libs; *p; p++) {
		size_t n = strlen(*p);
		if (strncmp(base, *p, n) == 0 && (base[n] == '.' || base[n] == '\0'))
			return true;
		if (strncmp(base, *p, n) == 0 && base[n] == '-' &&
		    isdigit((unsigned char)base[n + 1]))
			return true;
		/* libclang_rt.builtins-x86_64.a, libmsvcrt-os.a */
		if (strncmp(base, *p, n) == 0 && base[n] == '-' && strchr(*p, '.'))
			return true;
	}
	return false;
}

static const char *const runtime_objects[] = {
	"crt0.o", "crt1.o", "crt1_c.o", "crt2.o", "crt2u.o", "dllcrt1.o", "dllcrt2.o", "gcrt0.o",
	"gcrt1.o", "gcrt2.o", "crtbegin.o", "crtend.o", "crtbeginS.o", "crtendS.o",
	"crtfastmath.o", "crtdll.o", "crtexe.o", "crtexewin.o", NULL,
};

bool dk_filter_runtime_object(const char *base)
{
	for (const char *const *p = runtime_objects; *p; p++)
		if (strcmp(base, *p) == 0)
			return true;
	return false;
}

bool dk_filter_user(const dk_read_opts *o, const char *raw, const char *name)
{
	for (size_t i = 0; i < o->nexclude; i++)
		if (fnmatch(o->exclude[i], name, 0) == 0 || fnmatch(o->exclude[i], raw, 0) == 0)
			return true;
	return false;
}

/* "foo", "libfoo", "libfoo.a" and "foo.lib" all name libfoo.a / foo.lib. */
static bool lib_matches(const char *want, const char *base)
{
	static const char *const suffixes[] = { "", ".a", ".lib", ".dll.a", NULL };
	static const char *const prefixes[] = { "", "lib", NULL };

	for (const char *const *pre = prefixes; *pre; pre++) {
		size_t pl = strlen(*pre);
		if (strncmp(base, *pre, pl) != 0)
			continue;
		for (const char *const *suf = suffixes; *suf; suf++) {
			size_t wl = strlen(want);
			if (strncmp(base + pl, want, wl) == 0 && strcmp(base + pl + wl, *suf) == 0)
				return true;
		}
	}
	return false;
}

bool dk_filter_user_lib(const dk_read_opts *o, const char *base)
{
	for (size_t i = 0; i < o->nexclude_libs; i++)
		if (strcmp(o->exclude_libs[i], "ALL") == 0 || lib_matches(o->exclude_libs[i], base))
			return true;
	return false;
}

const char *dk_skip_reason_text(dk_skip_reason r)
{
	switch (r) {
	case DK_SKIP_NONE: return "kept";
	case DK_SKIP_IMPORT_THUNK: return "import-library plumbing";
	case DK_SKIP_COMPILER_CONST: return "compiler-made constant";
	case DK_SKIP_REFPTR: return "MinGW .refptr indirection";
	case DK_SKIP_DELETING_DTOR: return "MSVC deleting destructor";
	case DK_SKIP_STARTUP: return "entry point or CRT start-up symbol";
	case DK_SKIP_RUNTIME_LIB: return "runtime library archive (--keep-runtime-libs keeps it)";
	case DK_SKIP_RUNTIME_OBJ: return "start-up object (--keep-runtime-libs keeps it)";
	case DK_SKIP_USER_EXCLUDE: return "--exclude";
	case DK_SKIP_USER_LIB: return "--exclude-libs";
	case DK_SKIP_DIRECTIVE: return "-exclude-symbols directive";
	case DK_SKIP_INTERNAL: return "toolchain-internal symbol";
	}
	return "?";
}
