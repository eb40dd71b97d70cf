/* listing.h - what dumpexports shows of an input, in its four formats
 * (table, .def, JSON, TSV), and a --diff line; all on standard output. */
#ifndef DK_CMD_LISTING_H
#define DK_CMD_LISTING_H
#include <stdbool.h>
#include <stdint.h>
#include "common.h"

typedef enum listing_format { LISTING_TABLE, LISTING_DEF, LISTING_JSON, LISTING_TSV } listing_format;

/* One input, read: an import library in `lib`, any other kind in `m`
 * (an image's header facts also in `img`). */
typedef struct listing_input {
	const char *path;
	dk_input_kind kind;
	dk_module m;   /* image, objects, .def */
	dk_image img;  /* image */
	dk_implib lib; /* import library */
	dk_input bytes;
} listing_input;

/*
 * One export (of an image, objects or a .def) or import (of an import
 * library) as the JSON and TSV listings show it: the same fields whatever
 * the input kind; what a kind does not know is absent (has_* false, NULL).
 */
typedef struct listing_row {
	const char *name;        /* NULL for an image's NONAME export */
	bool has_ordinal, has_hint, has_rva;
	uint32_t ordinal;
	uint32_t hint;
	uint32_t rva;
	const char *kind;        /* "code", "data" or "const" */
	bool noname, private_;
	const char *forward;     /* forwarder target */
	const char *internal;    /* a module's internal name */
	const char *symbol;      /* an import's symbol */
	const char *dll;         /* the DLL it belongs to */
	const char *by;          /* an import's name type: "name", "ordinal", ... */
	int delay;               /* an import: 1 delay-load, 0 not; -1 for exports */
	const char *import_name; /* a .def's `== name` */
	const char *export_as;   /* a .def's EXPORTAS */
	const char *view;        /* ARM64X: "ec" or "native", else NULL */
} listing_row;

/* An Itanium C++ name demangled (malloc'd), or NULL; and a name as the
 * listings show it: demangled with `demangle`, MSVC names then marked
 * (malloc'd; NULL when out of memory). */
char *listing_demangled(const char *name);
char *listing_shown_name(const char *name, bool demangle);

/* `-C`: C++ names demangled (Itanium), MSVC names marked. */
void listing_table(const listing_input *in, bool demangle);

/* JSON: `, "key": v`, or null when it has none. */
void listing_json_uint(const char *key, bool has, uint64_t v);

/* JSON: the opening, one input (or its first error when `error`), the end. */
void listing_json_begin(void);
void listing_json_input(const listing_input *in, const char *error, bool demangle, bool first);
void listing_json_end(void);

/* TSV: the header line, then the rows of each input. */
void listing_tsv_header(void);
void listing_tsv(const listing_input *in, bool demangle);

/* The input as a .def (an import library: the DLL `dll` picks, or its
 * only one).  DK_OK or DK_FAIL (reported). */
int listing_def(const listing_input *in, const char *dll, dk_sink *s);

/* One --diff line: "+ name @7", "- name", "~ name: ordinal 1 -> 2", ... */
void listing_change(dk_change what, const dk_export *a, const dk_export *b, bool demangle);
#endif
