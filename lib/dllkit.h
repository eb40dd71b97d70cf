/*
 * dllkit.h - the public interface of libdllkit.
 *
 * One model in the middle (dk_module with its dk_export list); readers fill it,
 * writers consume it.  The library never prints and never exits: every
 * function reports problems to a dk_sink and returns a status.  There is no
 * global mutable state, so separate modules may be used from separate threads.
 */
#ifndef DLLKIT_H
#define DLLKIT_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DK_VERSION "0.1.0"

/* The version of the library linked in, at run time ("0.1.0"); compare
 * with DK_VERSION, the version of this header. */
const char *dk_version(void);

/* Free memory the library handed out: every string and buffer a dk_
 * function returns through a `char **out` (dk_def_write, dk_implib_write,
 * dk_symbol_to_def_name, ...).  Structures have their own *_free. */
void dk_free(void *p);

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */
/* ------------------------------------------------------------------ */

typedef enum dk_severity { DK_ERROR, DK_WARNING, DK_NOTE } dk_severity;

/* Where a diagnostic points.  Every field is optional (NULL / 0 / -1). */
typedef struct dk_loc {
	const char *file;   /* path as the user gave it */
	const char *member; /* archive member, or NULL */
	unsigned line;      /* 1-based, 0 = none */
	unsigned column;    /* 1-based, 0 = none */
	long long offset;   /* byte offset in file/member, -1 = none */
} dk_loc;

typedef struct dk_diag {
	dk_severity severity;
	dk_loc loc;
	const char *message; /* one line, no trailing newline or period */
} dk_diag;

typedef void (*dk_diag_fn)(void *ctx, const dk_diag *d);

/* A sink collects diagnostics.  `fn` may be NULL (diagnostics are counted only). */
typedef struct dk_sink {
	dk_diag_fn fn;
	void *ctx;
	unsigned errors;
	unsigned warnings;
} dk_sink;

dk_loc dk_loc_file(const char *file);
void dk_report(dk_sink *s, dk_severity sev, const dk_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void dk_vreport(dk_sink *s, dk_severity sev, const dk_loc *loc, const char *fmt, va_list ap);

/* Status codes. */
enum { DK_OK = 0, DK_FAIL = -1 };

/* ------------------------------------------------------------------ */
/* Machines                                                             */
/* ------------------------------------------------------------------ */

typedef enum dk_machine {
	DK_MACHINE_UNKNOWN = 0,
	DK_MACHINE_I386 = 0x014c,
	DK_MACHINE_AMD64 = 0x8664,
	DK_MACHINE_ARM64 = 0xaa64,
	DK_MACHINE_ARM64EC = 0xa641,
	DK_MACHINE_ARMNT = 0x01c4,
} dk_machine;

const char *dk_machine_name(dk_machine m);       /* "i386", "x86-64", ... or NULL */
dk_machine dk_machine_from_name(const char *s);  /* accepts aliases; UNKNOWN if none */
unsigned dk_machine_pointer_size(dk_machine m);  /* 4 or 8, 0 if unknown */
bool dk_machine_underscore(dk_machine m);        /* C symbols carry a leading '_' */

/* ------------------------------------------------------------------ */
/* The export model                                                     */
/* ------------------------------------------------------------------ */

enum {
	DK_EXPORT_NONAME = 1u << 0,
	DK_EXPORT_DATA = 1u << 1,
	DK_EXPORT_PRIVATE = 1u << 2,
	DK_EXPORT_CONSTANT = 1u << 3,
};

typedef struct dk_export {
	char *name;        /* exported name, as written in a .def file */
	char *internal;    /* "= internal" symbol, or NULL when it is `name` */
	char *forward;     /* "= dll.func" or "= dll.#7" forwarder, or NULL */
	char *import_name; /* GNU/LLVM "== name", or NULL */
	char *export_as;   /* "EXPORTAS name", or NULL */
	uint32_t ordinal;  /* 1..65535, or 0 when none was given */
	unsigned flags;    /* DK_EXPORT_* */
	char *origin;      /* where it came from ("a.o", "lib.a(m.o)", "x.def:3"), may be NULL */
	/* Meaningful only for exports read from a PE image (dk_read_image): */
	uint32_t rva;      /* the export's address (for a forwarder, where its text is) */
	int32_t hint;      /* its index in the export name table, -1 when it has no name */
} dk_export;

typedef enum dk_dialect {
	DK_DIALECT_AUTO = 0, /* decide from what is seen; GNU when nothing tells */
	DK_DIALECT_GNU,      /* MinGW: -export:"name",data; names as ld exports them */
	DK_DIALECT_MSVC,     /* /EXPORT:_name,DATA; raw symbol names */
} dk_dialect;

/* One line of a SECTIONS/SEGMENTS statement: ".name READ WRITE SHARED ..." */
typedef struct dk_section_attr {
	char *name;
	char *attrs; /* attribute words, space separated, as given */
} dk_section_attr;

/* One line of an IMPORTS statement (OS/2-era .def files): [internal=]module.entry */
typedef struct dk_import {
	char *internal; /* may be NULL */
	char *module;
	char *entry;    /* a name, or "#N"/ordinal text */
} dk_import;

typedef struct dk_module {
	char *name;          /* LIBRARY/NAME argument, or NULL */
	bool is_exe;         /* NAME (true) rather than LIBRARY */
	bool has_name_stmt;  /* a LIBRARY/NAME statement was present */
	bool has_base;
	uint64_t base;
	bool has_heap, has_heap_commit;
	uint64_t heap_reserve, heap_commit;
	bool has_stack, has_stack_commit;
	uint64_t stack_reserve, stack_commit;
	bool has_version;
	unsigned version_major, version_minor;
	char *description;   /* DESCRIPTION text, or NULL */
	char *stub;          /* STUB file, or NULL */
	dk_section_attr *sections;
	size_t nsections;
	dk_import *imports;
	size_t nimports;
	dk_machine machine;  /* UNKNOWN when nothing said */
	dk_dialect dialect;  /* how i386 names are written: GNU (ld) or MSVC (link.exe) */
	bool ordinals_assigned; /* ordinals are a linker's numbering (read from an image),
				 * not written in a .def or directive (see dk_module_diff) */

	dk_export *exports;
	size_t nexports, cap;

	/* ARM64X: two export sets in one DLL.  The module is then the ARM64EC
	 * view (machine ARM64EC) and `native` (owned; NULL for every other
	 * module) the ARM64 one.  An import library written from such a module
	 * holds both (llvm-dlltool -N); a .def says one of them. */
	struct dk_module *native;
} dk_module;

void dk_module_init(dk_module *m);
void dk_module_free(dk_module *m); /* frees `native` too */
/* Give `m` an empty native (ARM64) view, or return the one it has; NULL
 * when out of memory. */
dk_module *dk_module_native(dk_module *m);

/* Append a copy of `e` (all strings duplicated). Returns the new entry or NULL on ENOMEM. */
dk_export *dk_module_add(dk_module *m, const dk_export *e);
void dk_export_free(dk_export *e);
/* Deep copy. Returns DK_OK or DK_FAIL (out of memory). */
int dk_export_copy(dk_export *dst, const dk_export *src);

/*
 * The name a DLL linked from this entry exports, which is what clients,
 * --merge, --diff and --check match exports by: the EXPORTAS name, else
 * the GNU `==` name (GNU ld exports `f@4 == f` as "f"), else the name
 * (`f = f@4` exports "f").
 */
const char *dk_export_public_name(const dk_export *e);

/*
 * The DLL a module names, as the loader will look for it: the LIBRARY (or
 * NAME) name as given when it has a suffix, else with ".dll" (".exe" for a
 * NAME statement, `exe`) added, as link.exe and both dlltools do.
 * malloc'd (dk_free), NULL when out of memory.
 */
char *dk_dll_file_name(const char *name, bool exe);

/*
 * The LIBRARY name a .def written to `def_path` gets when nothing else
 * names the DLL: its file name with ".def" replaced by ".dll"
 * ("dir/foo.def" -> "foo.dll").  malloc'd (dk_free), NULL when out of memory.
 */
char *dk_dll_name_from_def_path(const char *def_path);

/* Index of the export with this name, or -1. Linear; use after dk_module_sort for many lookups. */
long dk_module_find(const dk_module *m, const char *name);

/* Sort exports by name (byte order), ties keep their order. */
void dk_module_sort(dk_module *m);

/*
 * Remove duplicate names, merging their attributes.  Two entries that agree
 * (or where one leaves a field unset) merge silently; a real conflict
 * (different ordinals, internal names, forward targets, or an internal name
 * on one side and a forward target on the other) is an error naming both
 * origins.  DATA on one side only is a warning, and DATA is kept.
 * Returns DK_OK or DK_FAIL.
 */
int dk_module_dedupe(dk_module *m, dk_sink *s, const dk_loc *where);

/*
 * Check ordinals and counts: every ordinal in 1..65535, no two exports on one
 * ordinal, no more than 65535 exports, NONAME only with an ordinal.
 */
int dk_module_check(const dk_module *m, dk_sink *s, const dk_loc *where);

/*
 * Keep the ordinals and flags that `old` gave to names `m` still has.  When
 * `old` used ordinals, exports new to `m` are given ordinals above the
 * highest old one (never reusing a retired ordinal), in name order.
 * Module statements that `m` lacks (LIBRARY, BASE, VERSION, ...) are taken
 * from `old`.
 */
int dk_module_merge_old(dk_module *m, const dk_module *old, dk_sink *s);

/* ------------------------------------------------------------------ */
/* .def files                                                           */
/* ------------------------------------------------------------------ */

/*
 * Parse a .def text (not necessarily NUL-terminated) of `len` bytes into `m`
 * (which must be initialised; statements add to it).  `filename` names the
 * text in diagnostics.  The parse fails as a whole: on any error returns
 * DK_FAIL after reporting every error found, and `m` must then be discarded.
 * A .def file names no machine: m->machine is left as it was.
 */
int dk_def_parse(dk_module *m, const char *text, size_t len, const char *filename, dk_sink *s);
/* Read and parse a file. */
int dk_def_parse_file(dk_module *m, const char *path, dk_sink *s);

/*
 * Write a .def text.  The result is malloc'd into *out (NUL-terminated, length
 * in *outlen).  Deterministic; quotes what needs quoting so that parsing the
 * output gives the same module.  Fails (DK_FAIL, every problem reported) for
 * what would not read back the same: a name with both quote characters, a
 * line break or NUL; an internal name with a '.' (it would read as a
 * forwarder); a forward target that is not module.name; an export with both
 * an internal name and a forward target; an ordinal or VERSION part above
 * 65535; malformed section or IMPORTS entries.
 */
int dk_def_write(const dk_module *m, char **out, size_t *outlen, dk_sink *s);

/* True when `word` is a .def keyword (upper case only). */
bool dk_def_is_keyword(const char *word);

/* ------------------------------------------------------------------ */
/* .drectve directives                                                  */
/* ------------------------------------------------------------------ */


/* What a directive section asked for. */
typedef struct dk_directives {
	dk_export *exports;   /* names converted to .def names for the machine/dialect */
	size_t nexports;
	char **exclude;       /* -exclude-symbols: names */
	size_t nexclude;
	dk_dialect dialect;   /* dialect seen (GNU/MSVC), AUTO if no export/option seen */
	size_t capexports, capexclude; /* allocated; the parser's business */
} dk_directives;

/*
 * Parse the text of a .drectve section.  Both dialects are accepted in one
 * text; option names are case-insensitive; unknown directives are skipped.
 * GNU `-export:` names are already .def names (what ld exports); MSVC
 * `/EXPORT:` names are raw symbols and are converted with
 * dk_symbol_to_def_name(..., DK_DIALECT_MSVC) (this matters on i386 only).
 * `loc` (may be NULL) is copied into diagnostics, with the offset of the
 * offending directive inside the text.
 */
int dk_directives_parse(dk_directives *d, const char *text, size_t len, dk_machine machine,
			const dk_loc *loc, dk_sink *s);
void dk_directives_free(dk_directives *d);

/* ------------------------------------------------------------------ */
/* i386 name decoration                                                 */
/* ------------------------------------------------------------------ */

typedef enum dk_callconv {
	DK_CC_PLAIN,      /* no decoration (x86-64 etc, or already undecorated) */
	DK_CC_CDECL,      /* _f */
	DK_CC_STDCALL,    /* _f@8 */
	DK_CC_FASTCALL,   /* @f@8 */
	DK_CC_VECTORCALL, /* f@@8 */
	DK_CC_CPP,        /* ?f@@YAHH@Z (MSVC C++) */
} dk_callconv;

/* Classify a raw i386 symbol name. */
dk_callconv dk_i386_classify(const char *sym);

/*
 * The name a raw object symbol has in a .def file written for `dialect`:
 *   GNU:  strips the leading '_' of any '_'-prefixed symbol (ld's rule);
 *   MSVC: strips it only when the name has no '@' (lld-link/link.exe: a
 *         stdcall symbol `_f@8` is exported as written).
 * On machines without the underscore prefix the name is returned as is.
 * Returns a malloc'd string (NULL on ENOMEM).
 */
char *dk_symbol_to_def_name(const char *sym, dk_machine machine, dk_dialect dialect);

/* i386: true when a .def name is already its raw symbol (no '_' to add). */
bool dk_i386_def_name_is_symbol(const char *name, dk_dialect dialect);

/*
 * How an i386 export set that says nothing names its stdcall functions:
 * GNU when any name is ld's `f@8`, else MSVC when any is link.exe's
 * `_f@8`, else AUTO (nothing tells).  For DLLs and .def files whose
 * origin is not given.
 */
dk_dialect dk_i386_guess_dialect(const dk_module *m);

/* The raw symbol a .def name stands for (the inverse of the above). malloc'd. */
char *dk_def_name_to_symbol(const char *name, dk_machine machine, dk_dialect dialect);

/* A .def name written for one dialect, rewritten for the other
 * (GNU `sfunc@8` <-> MSVC `_sfunc@8`; `add` stays `add`). malloc'd. */
char *dk_def_name_convert(const char *name, dk_machine machine, dk_dialect from, dk_dialect to);

/* `f@8` -> `f`, `@f@8` -> `f`, `_f@8` -> `_f`; NULL when nothing to kill. malloc'd. */
char *dk_kill_at(const char *name);

/*
 * i386 stdcall, fastcall and vectorcall exports of `m` (names in m->dialect):
 * `kill_at` exports each under its undecorated name, written `f = f@8`
 * (link.exe naming `f = _f@8`), as `ld --kill-at --output-def` writes it:
 * GNU ld and lld-link both export "f" from that in a sorted name table, and
 * dk_implib_write with kill_at imports it as the symbol `_f@8`.
 * `add_alias` keeps `f@8` and adds `f = f@8`.  Exports that already have an
 * internal name, a forward target, an `==` name or EXPORTAS are left alone.
 */
int dk_module_apply_stdcall(dk_module *m, bool kill_at, bool add_alias, dk_sink *s);

/*
 * i386: every `f = f@8` export (the DLL exports "f" made from `_f@8`, as
 * dk_module_apply_stdcall and dk_image_recover_stdcall write it) becomes
 * `f@8 == f`, which an import library imports as `_f@8` -> "f" without
 * kill_at, leaving the other exports' names as they are.  Returns DK_OK.
 */
int dk_module_kill_at_to_import_names(dk_module *m);

/* ------------------------------------------------------------------ */
/* Reading objects and archives (libbfd)                                */
/* ------------------------------------------------------------------ */

/* Why --export-all left a symbol out (for --explain). */
typedef enum dk_skip_reason {
	DK_SKIP_NONE = 0,
	DK_SKIP_IMPORT_THUNK,   /* __imp_, _head_, _iname, _NULL_THUNK_DATA ... */
	DK_SKIP_COMPILER_CONST, /* __real@, __xmm@, ??_C@ ... */
	DK_SKIP_REFPTR,         /* .refptr. */
	DK_SKIP_DELETING_DTOR,  /* ??_G, ??_E */
	DK_SKIP_STARTUP,        /* DllMain, DllEntryPoint, CRT start-up */
	DK_SKIP_RUNTIME_LIB,    /* member of a runtime archive (libgcc, libstdc++, CRT) */
	DK_SKIP_RUNTIME_OBJ,    /* crt2.o, dllcrt2.o, crtbegin.o ... */
	DK_SKIP_USER_EXCLUDE,   /* --exclude */
	DK_SKIP_USER_LIB,       /* --exclude-libs */
	DK_SKIP_DIRECTIVE,      /* -exclude-symbols: directive */
	DK_SKIP_INTERNAL,       /* .weak., section symbols, other tool-made names */
} dk_skip_reason;

const char *dk_skip_reason_text(dk_skip_reason r);

/* Called for each symbol --export-all leaves out (may be NULL). */
typedef void (*dk_skip_fn)(void *ctx, const char *symbol, const char *where, dk_skip_reason why);

typedef struct dk_read_opts {
	bool export_all;           /* every external defined symbol, not the directives */
	dk_dialect dialect;        /* AUTO: from the directives seen, else GNU */
	const char *const *exclude;      /* symbol or export names (fnmatch patterns) */
	size_t nexclude;
	const char *const *exclude_libs; /* archive names; "ALL" = every archive */
	size_t nexclude_libs;
	bool keep_runtime_libs;    /* do not skip libgcc/libstdc++/CRT archives and objects */
	dk_skip_fn on_skip;
	void *skip_ctx;
	bool no_origins;           /* PE images (dk_load_any): leave each export's origin NULL; a
				    * listing that never shows origins saves a copy of the path
				    * per export */
} dk_read_opts;

/*
 * Read a set of inputs into `m`: the way a linker sees one link.  On i386
 * the naming dialect is settled first (o->dialect, else the first input
 * whose directives tell, else GNU) and every name is written in it;
 * `-exclude-symbols:` directives apply to --export-all symbols of every
 * input, as in GNU ld.  Every input is read even after an error, so one
 * run reports every bad file.  Returns DK_OK or DK_FAIL.
 */
int dk_read_inputs(dk_module *m, const char *const *paths, size_t n, const dk_read_opts *o,
		   dk_sink *s);

/*
 * Read one input (COFF object, or GNU/MS static archive) and add its exports
 * to `m`.  m->machine is set from the input, and a different machine is an
 * error.  Anything that is not a COFF object or archive of one (ELF, a PE
 * image, truncated data) is a one-line error.  Returns DK_OK or DK_FAIL.
 */
int dk_read_input(dk_module *m, const char *path, const dk_read_opts *o, dk_sink *s);

/*
 * The naming dialect an input's directives are written in (GNU `-export:` or
 * MSVC `/EXPORT:`, or a /DEFAULTLIB only MSVC-style compilers write), AUTO
 * when it has none.  Read errors are left for dk_read_input to report.
 * With --export-all on i386 the dialect must be known before the first
 * symbol is named, so callers ask this of their inputs first.
 */
dk_dialect dk_input_dialect(const char *path);

/*
 * The bytes of one input, read once: what it is (see the *_mem readers)
 * is told from the same bytes the reader reads, so a pipe or a FIFO works
 * as a file does.  A regular file is mapped; anything else (a pipe, a
 * device) is read into memory, at most DK_READ_MAX bytes.  A directory is
 * an error.  On failure (reported) `in` is left empty.
 */
typedef struct dk_input {
	const char *name;          /* the path as given (not copied): names it in diagnostics */
	const unsigned char *data; /* its bytes (after dk_input_open, maybe only the first) */
	size_t len;
	void *owned_;              /* private: what dk_input_free releases */
	size_t mapped_;
	bool head_;                /* private: dk_input_open read only the head ... */
	int fd_;                   /* ... of this open file ... */
	size_t size_;              /* ... of this many bytes */
} dk_input;

#define DK_READ_MAX ((size_t)1 << 30)
/* What dk_input_open reads of a PE image at first. */
#define DK_INPUT_HEAD ((size_t)4096)

int dk_input_read(dk_input *in, const char *path, dk_sink *s);
/*
 * The same, for a caller that lists many images: a regular file that
 * starts with "MZ" (a PE image, as dk_input_classify tells) is not read
 * past its first DK_INPUT_HEAD bytes, which are all `data` and `len` then
 * hold, and is kept open until dk_input_free; dk_load_any and
 * dk_read_image_input read the rest of it as they need it (the headers
 * and the export data, with pread: cheaper than mapping the file).  Any
 * other input is read whole, as by dk_input_read.  Such an image input
 * is for those two readers only: the other *_mem readers want whole bytes
 * (use dk_input_read).
 */
int dk_input_open(dk_input *in, const char *path, dk_sink *s);
void dk_input_free(dk_input *in);

/*
 * dk_read_inputs on inputs already in memory (name, data, len of each).
 * Archives are walked by dllkit's own bounds-checked reader, and every
 * object is checked against its bytes before libbfd is handed it; libbfd's
 * own complaints come to `s` as errors or warnings naming the file and
 * member (an error fails the input).
 */
int dk_read_inputs_mem(dk_module *m, const dk_input *in, size_t n, const dk_read_opts *o,
		       dk_sink *s);
/* dk_input_dialect on bytes in memory. */
dk_dialect dk_input_dialect_mem(const void *data, size_t len);

/* Which libbfd the library was built on, and whether it reads ARM64 COFF. */
const char *dk_bfd_flavor(void);
bool dk_bfd_reads_arm64(void);

/* ------------------------------------------------------------------ */
/* PE images (DLL, EXE): the export directory                           */
/* ------------------------------------------------------------------ */

typedef struct dk_image {
	dk_machine machine;          /* UNKNOWN for a machine dllkit does not know */
	uint16_t raw_machine;        /* the COFF header's value, whatever it is */
	bool pe32plus;               /* PE32+ (64-bit optional header) */
	bool is_dll;                 /* IMAGE_FILE_DLL */
	bool has_exports;            /* an export directory is present */
	uint32_t timestamp;          /* the export directory's TimeDateStamp */
	uint16_t export_major, export_minor; /* the export directory's version */
	uint16_t image_major, image_minor;   /* the optional header's image version */
	uint32_t ordinal_base;
	uint32_t nfunctions;         /* address-table entries (some may be empty) */
	uint32_t nnames;             /* name-table entries */
	char *export_name;           /* the DLL's own name in the export directory, or NULL */
	/* The loader binary-searches the name table: it must be sorted (strcmp)
	 * with no name twice.  Damage is warned about once (not an error). */
	uint32_t names_out_of_order; /* names that sort before the name preceding them */
	uint32_t names_repeated;     /* names that repeat an earlier one (dropped from the model) */
	/* ARM64X (an ARM64 image with CHPE metadata): two export directories.
	 * The fields above describe the EC view's (machine ARM64EC), which
	 * the ARM64X dynamic value relocations patch into the export data
	 * directory; `native` (owned) describes the native one, whose exports
	 * dk_read_image puts in m->native. */
	bool arm64x;
	struct dk_image *native;
} dk_image;

/*
 * Read the export directory of a PE image (PE32 or PE32+, any machine) into
 * `m`: every non-empty address-table entry becomes an export with its
 * ordinal (base + index), its name or DK_EXPORT_NONAME, its RVA and hint,
 * DK_EXPORT_DATA when the RVA lies in a section that is not executable, and
 * `forward` ("dll.func" / "dll.#7") when the RVA points into the export
 * directory.  m->name is the export directory's name, m->machine the
 * image's.  Every offset and count is checked against the file: a damaged
 * image is an error, never a read outside it.  `info` (may be NULL) gets
 * the header facts.  Exports are in ordinal order.  A NONAME export is
 * named `ord_N` (the model wants a name; a client may declare that one);
 * several names on one function give several exports with one ordinal.
 * An ARM64X image gives two export sets: the EC view's in `m` (machine
 * ARM64EC) and the native view's in m->native (which must be NULL before).
 */
int dk_read_image(dk_module *m, dk_image *info, const char *path, dk_sink *s);
int dk_read_image_mem(dk_module *m, dk_image *info, const void *data, size_t len,
		      const char *name, dk_sink *s);
/* The same on an input of dk_input_read or dk_input_open. */
int dk_read_image_input(dk_module *m, dk_image *info, const dk_input *in, dk_sink *s);
void dk_image_free(dk_image *info);

/*
 * i386 images linked with --kill-at export stdcall and fastcall functions
 * without their @N.  Read the code of each such export in the image bytes
 * `data` (the same bytes `m` was read from by dk_read_image_mem) and put
 * the decoration back where the code shows it: the stack bytes a function
 * pops (`ret imm16`, after following a first `jmp` thunk) and whether it
 * takes arguments in ECX/EDX.  A recovered export keeps the name the DLL
 * exports and gets the decorated symbol as its internal name, written as
 * a .def in GNU naming: `f = f@12`, `g = @g@8` (what `ld --kill-at
 * --output-def` writes; mkimplib -k imports it as `_f@12` -> "f") -- or
 * in link.exe's (`f = _f@12`) when m->dialect says so, or, unset, the
 * DLL's own names show it (dk_i386_guess_dialect; m->dialect is set).
 * Names that are already decorated, C++ names, data, forwarders and
 * NONAME exports are left alone.  Every export that looks like code but
 * whose decoration the code does not decide is passed to `undecided` (may
 * be NULL) with the reason.  Does nothing for other machines.  Returns
 * the number of exports decorated, or -1 (reported) on failure.
 */
/* `plain_ret`: the function returns with a plain `ret` and reads no
 * register argument (cdecl, or stdcall without arguments); else the code
 * did not decide, for the reason `why`. */
typedef void (*dk_undecided_fn)(void *ctx, const dk_export *e, bool plain_ret, const char *why);
/*
 * flags: DK_RECOVER_ALIASES, for an import library: where the code leaves
 * a few decorations open that are all called the way the code behaves,
 * add an export `dec == f` for each, so a caller compiled against either
 * prototype imports "f": `f@0` beside a plain `ret` that reads no register
 * (cdecl, or stdcall without arguments: with no arguments the same code);
 * `f@N` and `f@(N-4)` for a `ret N` that returns its first stack argument
 * (a pointer argument, or a structure returned through a hidden pointer);
 * `@f@(N+4)` and `@f@(N+8)` for fastcall reading ECX only.  Those exports
 * are still passed to `undecided`.  A .def to link the DLL from does not
 * want these.
 */
enum { DK_RECOVER_ALIASES = 1 };
long dk_image_recover_stdcall(dk_module *m, const void *data, size_t len, const char *name,
			      unsigned flags, dk_undecided_fn undecided, void *ctx, dk_sink *s);

/* ------------------------------------------------------------------ */
/* PE images (DLL, EXE): what they import                               */
/* ------------------------------------------------------------------ */

/* One function or variable an image imports. */
typedef struct dk_imported {
	char *name;          /* by name; NULL when imported by ordinal */
	uint16_t hint;       /* by name: where the name table is searched first */
	uint16_t ordinal;    /* by ordinal: the ordinal */
	bool by_ordinal;
	uint32_t slot_rva;   /* its address-table slot */
	uint64_t bound;      /* a bound import: the address the slot holds (else 0) */
} dk_imported;

/* How a DLL's descriptors were found. */
typedef enum dk_found {
	DK_FOUND_DIRECTORY = 0, /* a data directory points at them */
	DK_FOUND_THUNKS = 1,    /* delay-load descriptors no data directory points at
				 * (GNU `dlltool -y` and `mkimplib --delay` libraries:
				 * no linker lists them), found by their shape, each
				 * address-table slot first holding the address of a
				 * thunk in the image's code */
} dk_found;

/* One DLL an image imports from, loaded with it (DK_IMPORTS_LOAD) or at
 * its first call (DK_IMPORTS_DELAY).  Descriptors that name the same DLL
 * (ASCII case ignored) with the same kind are one entry, their functions
 * in the order of the descriptors. */
typedef enum dk_imports_kind { DK_IMPORTS_LOAD = 0, DK_IMPORTS_DELAY = 1 } dk_imports_kind;

typedef struct dk_import_dll {
	char *dll;                /* the name as the image writes it (the first descriptor's) */
	dk_imports_kind kind;
	dk_found found;
	size_t ndescriptors;
	uint32_t descriptor_rva;  /* the first descriptor's */
	uint32_t name_rva;        /* where the first descriptor's DLL name is */
	uint32_t lookup_rva;      /* the first descriptor's lookup (name) table, or 0 */
	uint32_t address_rva;     /* the first descriptor's address table */
	uint32_t timestamp;       /* load: 0; -1 bound (new style, see `bound`); else the
				   * TimeDateStamp of the DLL it was bound to (old style) */
	uint32_t forwarder_chain; /* load: old-style binding's first forwarder; -1 or 0 for none */
	uint32_t attributes;      /* delay: 1 (addresses are RVAs) or 0 (old: VAs) */
	uint32_t handle_rva;      /* delay: where the module handle is kept */
	uint32_t bound_timestamp; /* the bound-import directory's TimeDateStamp for it, or 0 */
	bool bound;               /* the bound-import directory names it */
	dk_imported *items;
	size_t nitems;
} dk_import_dll;

/* A bound-import directory entry (data directory 11): a DLL the image was
 * bound to, and the DLLs that forwarders of it were bound through. */
typedef struct dk_bound_dll {
	char *dll;
	uint32_t timestamp;
	char **forwarders;        /* DLL names */
	uint32_t *forwarder_timestamps;
	size_t nforwarders;
} dk_bound_dll;

typedef struct dk_imports {
	dk_machine machine;       /* as dk_image (ARM64X: ARM64EC) */
	uint16_t raw_machine;
	bool pe32plus, is_dll, arm64x;
	uint64_t image_base;
	dk_import_dll *dlls;      /* load-time DLLs first in descriptor order, then delay ones */
	size_t ndlls;
	dk_bound_dll *bound;
	size_t nbound;
} dk_imports;

/*
 * Read what a PE image imports: the import directory (data directory 1),
 * the delay-import directory (13), delay-import descriptors that no data
 * directory points at (DK_FOUND_THUNKS), and the bound-import directory
 * (11).  Every offset,
 * count and string is checked against the file; damage is a one-line error
 * naming the file and the byte offset of the field that is wrong, and
 * `im` is left empty.  An image that imports nothing is not an error.
 */
int dk_read_imports(dk_imports *im, const char *path, dk_sink *s);
int dk_read_imports_mem(dk_imports *im, const void *data, size_t len, const char *name,
			dk_sink *s);
void dk_imports_free(dk_imports *im);

/* ------------------------------------------------------------------ */
/* PE images: the DLLs a program needs, and whether it will load        */
/* ------------------------------------------------------------------ */

/*
 * What became of one DLL in the chain.  Every status but FOUND and SYSTEM
 * is a problem (in dk_deps.problems too).
 */
typedef enum dk_dep_status {
	DK_DEP_FOUND,         /* a DLL of a machine the importer can load, at `path` */
	DK_DEP_SYSTEM,        /* Windows provides it (dk_system_dll, or the caller said so): not looked for */
	DK_DEP_MISSING,       /* in none of the folders */
	DK_DEP_WRONG_MACHINE, /* the first file of that name is for another machine: Windows
			       * stops with 0xc000007b (STATUS_INVALID_IMAGE_FORMAT) */
	DK_DEP_NOT_DLL,       /* the first file of that name is not a PE image, or is an EXE */
	DK_DEP_UNREADABLE,    /* it could not be read, or is damaged (an error went to the sink) */
} dk_dep_status;

/* "found", "system", "missing", "wrong machine", "not a DLL", "unreadable". */
const char *dk_dep_status_name(dk_dep_status st);

#define DK_DEP_PROGRAM ((size_t)-1) /* as an importer: the program itself */

/* One DLL the program needs, directly or through other DLLs. */
typedef struct dk_dep {
	char *name;          /* as the first importer spells it (".dll" added when it has no extension) */
	char *path;          /* FOUND, WRONG_MACHINE, NOT_DLL, UNREADABLE: the file; else NULL */
	dk_dep_status status;
	dk_imports_kind kind; /* LOAD when any chain of load-time imports (and forwarders
			       * in them) reaches it from the program, else DELAY */
	size_t needed_by;    /* the dk_dep that first named it, or DK_DEP_PROGRAM */
	bool forwarded;      /* first named by an export forwarder of `needed_by` */
	dk_machine machine;  /* a PE image's (as dk_image: ARM64X is ARM64EC) */
	uint16_t raw_machine;
	bool arm64x;
} dk_dep;

typedef enum dk_problem_kind {
	DK_PROBLEM_DLL,       /* the DLL `dll` is not usable: see its status */
	DK_PROBLEM_NAME,      /* `dll` exports no `function` (by name; case matters) */
	DK_PROBLEM_ORDINAL,   /* `dll` has no export with `ordinal` */
	DK_PROBLEM_FORWARD_LOOP, /* a forwarder chain from `dll`'s `function`/`ordinal` does not end */
} dk_problem_kind;

typedef struct dk_problem {
	dk_problem_kind what;
	size_t importer;     /* the dk_dep (or DK_DEP_PROGRAM) whose import fails */
	size_t dll;          /* the dk_dep that lacks it (DK_PROBLEM_DLL: the DLL itself) */
	char *function;      /* NAME: the name; else NULL */
	uint16_t ordinal;    /* ORDINAL: the ordinal */
	/* Reached through an export forwarder: the importer imports
	 * `via_function` (or ordinal `via_ordinal`) from `via`, which forwards
	 * it (maybe through more forwarders) to `dll`; else `via` is
	 * DK_DEP_PROGRAM and the rest empty. */
	size_t via;
	char *via_function;
	uint16_t via_ordinal;
	/* Only delay-load imports lead here: Windows starts the program and
	 * fails at the first call.  Not counted in `load_problems`. */
	bool delay;
} dk_problem;

typedef struct dk_deps {
	dk_machine machine;  /* the program's (as dk_image) */
	uint16_t raw_machine;
	bool is_dll;
	dk_dep *dlls;        /* in the order the chain first meets them, breadth first */
	size_t ndlls;
	dk_problem *problems; /* the DLLs that are not usable, in list order; then the
				 * functions not found, in the order met */
	size_t nproblems;
	size_t load_problems; /* the problems that stop the program (not `delay`) */
} dk_deps;

typedef struct dk_deps_opts {
	const char *const *dirs; /* searched after the program's own folder, in order */
	size_t ndirs;
	const char *const *system; /* more DLL names to take as Windows' own (case ignored) */
	size_t nsystem;
} dk_deps_opts;

/*
 * Follow the imports of the program (or DLL) `path` through the DLLs the
 * Windows loader would load: each imported DLL is looked for in the
 * program's folder, then in each of o->dirs, the first file whose name
 * matches (ASCII case ignored, as Windows matches) wins; each DLL once.
 * Every found DLL's own imports are followed in turn, and so are export
 * forwarders ("dll.func") that an import resolves to.  Every imported
 * function is checked against the exports of its DLL: by name (exact) or
 * by ordinal.  System DLLs are not looked for.  Delay-load imports are
 * followed and checked the same way, but what is wrong there only is
 * marked `delay`.  The program's own damage is an error (DK_FAIL, `d`
 * empty); a damaged DLL in the chain is an error on the sink and the status
 * DK_DEP_UNREADABLE.  Never prints.  Returns DK_OK or DK_FAIL.
 */
int dk_deps_resolve(dk_deps *d, const char *path, const dk_deps_opts *o, dk_sink *s);
void dk_deps_free(dk_deps *d);

/*
 * True when Windows provides the DLL `name` (ASCII case ignored; ".dll"
 * assumed when it has no extension): an API set (api-ms-win-*, ext-ms-*),
 * or one of the DLLs mingw-w64 has import libraries for less the
 * redistributables (lib/system_dlls.c, made by tests/tools/gen-system-dlls.sh).
 */
bool dk_system_dll(const char *name);

/*
 * Can a program (or DLL) of machine `importer` load a DLL of machine `dll`
 * (`dll_arm64x`: an ARM64X DLL, which dk_image reads as ARM64EC)?  The same
 * machine can; an ARM64EC importer also loads x86-64 and ARM64X DLLs; an
 * ARM64 one ARM64X DLLs.  An x86-64 importer loads only x86-64 DLLs (ARM64EC
 * code runs in x86-64 processes only on ARM64 Windows).  Machines dllkit
 * does not know must have equal raw numbers.
 */
bool dk_machine_loads(dk_machine importer, uint16_t importer_raw, dk_machine dll,
		      uint16_t dll_raw, bool dll_arm64x);

/* ------------------------------------------------------------------ */
/* Reading import libraries                                             */
/* ------------------------------------------------------------------ */

/* How an import is used (IMPORT_OBJECT_HEADER Type, PE/COFF spec 7.1). */
typedef enum dk_import_type {
	DK_IMPORT_CODE = 0,  /* a function: __imp_X and a thunk X */
	DK_IMPORT_DATA = 1,  /* a variable: __imp_X only */
	DK_IMPORT_CONST = 2, /* a constant (old; like DATA) */
} dk_import_type;

/* How a short-import member says the name the loader looks up
 * (IMPORT_OBJECT_NAME_TYPE, PE/COFF spec 7.1). */
typedef enum dk_name_type {
	DK_NAME_ORDINAL = 0,    /* by ordinal: no name */
	DK_NAME_NAME = 1,       /* the symbol as it is */
	DK_NAME_NOPREFIX = 2,   /* the symbol less one leading '?', '@' or '_' */
	DK_NAME_UNDECORATE = 3, /* NOPREFIX, then cut at the first '@' */
	DK_NAME_EXPORTAS = 4,   /* a name stored after the DLL name */
} dk_name_type;

typedef struct dk_implib_entry {
	char *dll;          /* the DLL it is imported from */
	char *symbol;       /* the symbol that resolves it, without __imp_ */
	char *name;         /* the name the loader looks up (name type applied); NULL by ordinal */
	uint16_t ordinal;   /* by ordinal: the ordinal; else the hint */
	bool by_ordinal;
	unsigned type;      /* a dk_import_type */
	unsigned name_type; /* a dk_name_type: short members any; long-format DK_NAME_NAME,
	                     * or DK_NAME_ORDINAL by ordinal */
	bool short_format;  /* a Microsoft short-import member, else a GNU long-format object */
	bool delay;         /* loaded at the first call (a delay-load library's import) */
	char *member;       /* the archive member it came from */
	dk_machine machine; /* the member's (an ARM64X library: ARM64EC or ARM64) */
} dk_implib_entry;

typedef struct dk_implib {
	dk_machine machine;
	dk_implib_entry *v;
	size_t n;
} dk_implib;

/*
 * Read an import library (Microsoft short members with every name type,
 * EXPORTAS included, and the three helper members; GNU long-format members
 * from dlltool, ld --out-implib and mkimplib).  Members that are neither
 * (ordinary objects in a mixed archive) are skipped.  Returns DK_FAIL with
 * an error naming the member for anything malformed.
 */
int dk_read_implib(dk_implib *lib, const char *path, dk_sink *s);
void dk_implib_free(dk_implib *lib);
/*
 * True when `path` is an archive holding at least one import member and no
 * ordinary object whose directives export something: an archive that
 * bundles an import library with a DLL's own objects is that DLL's static
 * library, read with dk_read_inputs (which skips the import members).
 */
bool dk_is_implib(const char *path);
/* dk_read_implib on bytes already in memory; `name` names them in diagnostics. */
int dk_read_implib_mem(dk_implib *lib, const void *data, size_t len, const char *name,
		       dk_sink *s);
/* dk_is_implib on bytes in memory. */
bool dk_is_implib_mem(const void *data, size_t len);

/*
 * The exports of one DLL an import library names, as a module (names,
 * ordinals for by-ordinal imports with NONAME, DATA, CONSTANT): what a .def
 * for that DLL would say.  `dll` NULL: the library must name exactly one.
 * An ARM64X library (ARM64EC and ARM64 imports) gives the EC view's
 * exports in `m` and the native view's in m->native.
 */
int dk_implib_to_module(const dk_implib *lib, const char *dll, dk_module *m, dk_sink *s);

/* ------------------------------------------------------------------ */
/* Comparing export sets                                                */
/* ------------------------------------------------------------------ */

typedef enum dk_change {
	DK_CHANGE_ADDED,    /* in new only */
	DK_CHANGE_REMOVED,  /* in old only */
	DK_CHANGE_ORDINAL,  /* the ordinal differs (only when both give one) */
	DK_CHANGE_NONAME,   /* exported by name in one, by ordinal only in the other */
	DK_CHANGE_KIND,     /* code in one, data (or constant) in the other */
	DK_CHANGE_FORWARD,  /* forwarded in one and not the other, or to another target */
	DK_CHANGE_ORDINAL_MOVED, /* the ordinal differs, but only clients importing by
				  * ordinal notice: not counted (see dk_module_diff) */
} dk_change;

typedef void (*dk_change_fn)(void *ctx, dk_change what, const dk_export *old_e,
			     const dk_export *new_e);

/*
 * Compare two export sets as a linker and loader see them: exports are
 * matched by the name a DLL exports (dk_export_public_name; NONAME exports
 * by ordinal); PRIVATE ones count (they are in the DLL); internal names do
 * not (they are the DLL's business).  Each difference is reported once, in
 * name order.  `ignore_kind` skips DK_CHANGE_KIND (image data-ness is
 * inferred from section flags, so a .def's DATA and an image may
 * legitimately disagree on constants).  A different ordinal is
 * DK_CHANGE_ORDINAL (a break) when the export is NONAME on either side or
 * `old_m` wrote its ordinals (!old_m->ordinals_assigned: a .def's `@N`, a
 * directive's); otherwise (a linker's numbering moved, which clients
 * importing by name never see) it is DK_CHANGE_ORDINAL_MOVED, passed to
 * `fn` but not counted.  Returns the number of differences, or -1 when out
 * of memory.
 */
long dk_module_diff(const dk_module *old_m, const dk_module *new_m, bool ignore_kind,
		    dk_change_fn fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Import libraries                                                     */
/* ------------------------------------------------------------------ */

typedef enum dk_implib_format {
	DK_IMPLIB_SHORT = 0, /* Microsoft/LLVM short-import members + three helper members */
	DK_IMPLIB_LONG,      /* GNU dlltool style: one COFF object per import, head and tail */
	DK_IMPLIB_DELAY,     /* delay-load (mkimplib --delay; i386, x86-64, arm64): a head and
	                      * one COFF object per function, DATA left out with a warning;
	                      * see write_implib_delay.c */
} dk_implib_format;

typedef enum dk_archive_kind {
	DK_ARCHIVE_DEFAULT = 0, /* COFF for short libraries, GNU for long ones */
	DK_ARCHIVE_GNU,
	DK_ARCHIVE_COFF,
} dk_archive_kind;

typedef struct dk_implib_opts {
	dk_machine machine;         /* required */
	const char *dll_name;       /* required: the name the loader looks for, "foo.dll" */
	dk_implib_format format;
	dk_archive_kind archive;
	dk_dialect dialect;         /* i386: how the .def names are written; AUTO = GNU */
	bool kill_at;               /* import stdcall/fastcall names without @N */
	bool no_leading_underscore; /* i386: C symbols carry no '_' prefix */
} dk_implib_opts;

/*
 * Write an import library for the exports of `m` (PRIVATE ones left out)
 * into a malloc'd buffer.  In one pass in memory; the bytes depend only on
 * `m` and `o` (no timestamps, users or paths).  Returns DK_OK or DK_FAIL.
 */
int dk_implib_write(const dk_module *m, const dk_implib_opts *o, char **out, size_t *len,
		    dk_sink *s);

/* ------------------------------------------------------------------ */
/* Export objects (.exp)                                                */
/* ------------------------------------------------------------------ */

/*
 * Write an export object for the exports of `m` (PRIVATE ones included:
 * they are in the DLL): a COFF object whose .edata section is the DLL's
 * export directory (time stamp 0), with relocations to the symbols
 * exported, for a linker to take as the DLL's export table.  The names
 * are those dk_implib_write imports with the same options (machine,
 * dll_name, dialect, kill_at, no_leading_underscore; format and archive
 * are not used).  Exports without an ordinal get the free ordinals from
 * the lowest one given (else 1) upwards, in name order.  i386, x86-64,
 * arm64 and arm.  The buffer is malloc'd (dk_free).
 */
int dk_exp_write(const dk_module *m, const dk_implib_opts *o, char **out, size_t *len,
		 dk_sink *s);

/* True when the bytes are a COFF object with an .edata section: an
 * export object (mkimplib's, dlltool's, lib.exe's). */
bool dk_is_exp_mem(const void *data, size_t len);

/*
 * The exports an export object's .edata describes: names, ordinals (the
 * module's ordinals_assigned is set), NONAME, forwarders, and `= internal`
 * where the symbol is not the name's own; DATA when the object marks its
 * code symbols as functions (mkimplib does, dlltool does not: then
 * nothing is DATA).  m->name is the DLL name.  Every offset is checked;
 * damage is one error with its offset.
 */
int dk_read_exp_mem(dk_module *m, const void *data, size_t len, const char *name, dk_sink *s);

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same folder,
 * renamed over `path` on success.  When `only_if_changed` and the file already
 * holds exactly these bytes, it is left untouched and *changed is false.
 * On failure nothing at `path` is created or changed.
 *
 * Nothing is destroyed on the way: a symbolic link is written through (the
 * file it names is replaced, the link stays); a file that is not a regular
 * one (a character device such as /dev/null, a FIFO) is opened and written
 * in place, as a compiler does; a folder is an error.
 */
int dk_write_file(const char *path, const void *data, size_t len, bool only_if_changed,
		  bool *changed, dk_sink *s);

/*
 * The same in two steps, for a run that writes several files (an import
 * library and its depfile) which must all land or none.
 *
 * dk_output_prepare() writes the data to a new temporary file beside the
 * target (or notes that the target already holds it, or that it is a
 * device or FIFO to be written in place: `data` must then stay valid until
 * the commit).  dk_output_commit() writes the in-place targets, then
 * renames the temporary files over their targets, in order; when one
 * fails, the targets already replaced get their old files back (a second
 * name kept for each until the end) and new ones are removed.
 * dk_output_free() removes temporary files still there and frees the rest.
 *
 * dk_output_cleanup() undoes what an interrupted run leaves: it removes the
 * temporary files and, when the commit has begun but not ended, puts back
 * the files already replaced.  It calls only unlink, rename and access, so
 * it is async-signal-safe: a program's SIGINT/SIGTERM handler may call it on
 * the outputs of a run at any moment from before their dk_output_prepare
 * (once they are zeroed) to dk_output_free.
 */
typedef struct dk_output {
	const char *path;   /* as given (kept, not copied), for messages */
	char *target;       /* the file written: the path with symbolic links followed */
	char *tmp;          /* the temporary file beside it */
	char *bak;          /* during a commit: a second name of the file replaced */
	const void *data;   /* for a target written in place */
	size_t len;
	int how;            /* what the commit does (internal) */
	bool existed;       /* the target existed before */
	bool changed;       /* after a commit: the target was written */
	/* Set around each step, for dk_output_cleanup: the temporary name may
	 * exist, the second name may exist, the rename has been asked for. */
	volatile sig_atomic_t tmp_live, bak_live, renaming;
} dk_output;

int dk_output_prepare(dk_output *o, const char *path, const void *data, size_t len,
		      bool only_if_changed, dk_sink *s);
int dk_output_commit(dk_output *v, size_t n, dk_sink *s);
void dk_output_cleanup(dk_output *v, size_t n);
void dk_output_free(dk_output *v, size_t n);

/*
 * Read a whole file into a malloc'd buffer (NUL-terminated for convenience).
 * A directory is an error ("is a directory"); so is more than DK_READ_MAX
 * bytes, and reading stops at the first allocation that fails.
 */
int dk_read_file(const char *path, char **data, size_t *len, dk_sink *s);

/*
 * A make rule "target: dep dep ..." with make's special characters escaped,
 * plus an empty rule per dependency (like gcc -MP) so deleting an input does
 * not break the build.  malloc'd into *out.
 */
int dk_depfile_text(const char *target, const char *const *deps, size_t ndeps, char **out, size_t *outlen);

/* ------------------------------------------------------------------ */
/* Any input: its kind, and its export set                              */
/* ------------------------------------------------------------------ */

/* What an input is, told from its bytes (dk_input_classify). */
typedef enum dk_input_kind {
	DK_INPUT_UNREAD,  /* nothing was read (the read failed and was reported);
			   * dk_input_classify never says this */
	DK_INPUT_OTHER,   /* none of the below: empty, ELF, other binary or text */
	DK_INPUT_DEF,     /* a .def text: named *.def, or text starting like one */
	DK_INPUT_OBJECTS, /* a COFF object, or an archive without import members
			   * (or whose ordinary objects export something) */
	DK_INPUT_IMPLIB,  /* an archive holding import members (dk_is_implib_mem) */
	DK_INPUT_IMAGE,   /* a PE image (DLL, EXE) */
} dk_input_kind;

/* The kind of the bytes `data[0..len)` of the file `name` (may be NULL; a
 * text named *.def is a .def whatever it starts with).  Reads nothing. */
dk_input_kind dk_input_classify(const char *name, const void *data, size_t len);
/* "module-definition file", "import library", ... for messages. */
const char *dk_input_kind_name(dk_input_kind k);
/* For DK_INPUT_OTHER: a one-line reason ("an ELF file, not ..."). */
const char *dk_input_other_reason(const void *data, size_t len);

/*
 * The export set of one input of any kind, from the bytes in `in`: a .def
 * file, a PE image (its export directory; m->dialect guessed on i386), an
 * import library (the one DLL it names, or `dll`), or objects (their
 * directives, through `ro`, may be NULL; deduplicated).  DK_INPUT_OTHER is
 * reported with its reason, DK_INPUT_UNREAD fails without a word (it was
 * reported when read).  `img` (may be NULL) gets an image's header facts.
 * Returns DK_OK or DK_FAIL.
 */
int dk_load_any(dk_module *m, const dk_input *in, dk_input_kind kind, const char *dll,
		const dk_read_opts *ro, dk_image *img, dk_sink *s);

/*
 * Several names on one function (an image's name table may point two
 * names at one ordinal): a .def cannot give two exports one ordinal, so
 * the later names become aliases of the first (`alias = first`), which
 * export the same function under a new ordinal.
 */
int dk_image_aliases(dk_module *m, dk_sink *s);

#ifdef __cplusplus
}
#endif
#endif
