/* write_implib_short.c - the Microsoft/LLVM short import library.
 *
 * One archive of:
 *   - the import descriptor (`__IMPORT_DESCRIPTOR_<stem>`: .idata$2 with
 *     three relocations, and .idata$6 with the DLL name), which pulls in
 *   - the null import descriptor (`__NULL_IMPORT_DESCRIPTOR`, .idata$3) and
 *   - the null thunk (`\x7f<stem>_NULL_THUNK_DATA`, .idata$5 and .idata$4);
 *   - one short-import member per export (PE/COFF spec 7.1: a 20-byte
 *     IMPORT_OBJECT_HEADER, "symbol\0dll\0", and with NAME_EXPORTAS the
 *     export name), from which the linker makes the thunk and IAT entry;
 *   - for an `== name` that no name type can say while another import loads
 *     that name, weak externals aliasing the other import (llvm-dlltool
 *     does the same).
 * Every member is named after the DLL; the archive is the COFF kind (or
 * GNU on request).  The layout is llvm-dlltool's, byte for byte: member
 * order, the helpers' section and symbol layout, and the archive indexes.
 *
 * ARM64EC: code imports are stored under the EC-mangled symbol (`#f`,
 * or `$$h` inserted into a C++ name after its qualified name, which
 * names_msvc.c finds) with the plain name as NAME_EXPORTAS; their symbols
 * go to /<ECSYMBOLS>/, the helpers (ARM64 objects) to both indexes.
 *
 * ARM64X (an ARM64EC library with a native view, llvm-dlltool -N): after
 * the EC imports come the native ones, plain ARM64 members whose symbols
 * go to the regular index only; a name in both views is indexed once in
 * each map, for the member of its own machine.
 */
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"
#include "names_msvc_private.h"

/* ------------------------------------------------------------------ */
/* Members                                                              */
/* ------------------------------------------------------------------ */

enum { MAX_SYMS = 4 };

/* A member: its bytes in w->bytes and its symbols' names in w->names, both
 * by offset (the buffers move as they grow).  One buffer for all the bytes
 * and one for all the names, not an allocation for each member and name:
 * with tens of thousands of imports malloc and free were a fifth of the
 * run time. */
typedef struct member {
	size_t off, len;
	uint32_t syms[MAX_SYMS];   /* regular index */
	uint32_t ecsyms[MAX_SYMS]; /* /<ECSYMBOLS>/ */
	unsigned char nsyms, necsyms;
} member;

typedef struct writer {
	const char *dll;        /* base name: member name and .idata$6 */
	size_t dll_len;
	char *stem;
	uint16_t machine;       /* of the short imports (ARM64EC stays ARM64EC) */
	uint16_t native;        /* of the helpers (ARM64 for ARM64EC) */
	bool ec, is64, coff;
	member *m;
	size_t n, cap;
	dk_buf bytes;           /* every member's bytes, one after the other */
	dk_buf names;           /* every symbol name, NUL-terminated */
	bool failed;
} writer;

/* A new member, its bytes to be appended to w->bytes now. */
static member *member_new(writer *w)
{
	member *p = dk_reserve(w->m, &w->cap, w->n + 1, sizeof *p);
	if (!p) {
		w->failed = true;
		return NULL;
	}
	w->m = p;
	member *x = &w->m[w->n++];
	memset(x, 0, sizeof *x);
	x->off = w->bytes.len;
	return x;
}

/* The member's bytes end here. */
static void member_end(writer *w, member *x)
{
	x->len = w->bytes.len - x->off;
	if (w->bytes.failed)
		w->failed = true;
}

static char *concat(const char *a, const char *b)
{
	dk_buf t;
	dk_buf_init(&t);
	dk_buf_adds(&t, a);
	dk_buf_adds(&t, b);
	return dk_buf_take(&t, NULL);
}

/* `prefix name` into w->names: its offset (0 and w->failed when out of
 * memory, or past what an offset holds). */
static uint32_t name_add(writer *w, const char *prefix, const char *name, size_t len)
{
	size_t off = w->names.len, plen = strlen(prefix);

	if (off + plen + len + 1 > UINT32_MAX) {
		w->failed = true;
		return 0;
	}
	dk_buf_add(&w->names, prefix, plen);
	dk_buf_add(&w->names, name, len + 1);
	if (w->names.failed)
		w->failed = true;
	return (uint32_t)off;
}

/* Give the member the symbol at `name` (an offset in w->names) for an
 * index (regular, EC, or both). */
static void member_sym(writer *w, member *x, uint32_t name, bool regular, bool ec)
{
	/* The GNU kind has one index: everything goes there. */
	if (!w->coff) {
		regular = true;
		ec = false;
	}
	if (regular)
		x->syms[x->nsyms++] = name;
	if (ec)
		x->ecsyms[x->necsyms++] = name;
}

static void members_free(writer *w)
{
	free(w->m);
	dk_buf_free(&w->bytes);
	dk_buf_free(&w->names);
}

static uint16_t addr32nb(uint16_t machine)
{
	switch (machine) {
	case DK_MACHINE_AMD64:
		return DK_REL_AMD64_ADDR32NB;
	case DK_MACHINE_ARM64:
		return DK_REL_ARM64_ADDR32NB;
	case DK_MACHINE_ARMNT:
		return DK_REL_ARM_ADDR32NB;
	default:
		return DK_REL_I386_DIR32NB;
	}
}

/* The helpers are objects of the native machine; the 32-bit ones say so. */
static void helper_init(writer *w, dk_coff *c)
{
	dk_coff_init(c, w->native);
	c->characteristics = w->is64 ? 0 : 0x0100; /* IMAGE_FILE_32BIT_MACHINE */
}

/* Serialise a helper into a new member defining `defined`. */
static void helper_finish(writer *w, dk_coff *c, const char *defined)
{
	member *x = member_new(w);
	if (!x || dk_coff_write(c, &w->bytes) != DK_OK) {
		w->failed = true;
	} else {
		member_end(w, x);
		member_sym(w, x, name_add(w, "", defined, strlen(defined)), true, w->ec);
	}
	dk_coff_free(c);
}

static void import_descriptor(writer *w, const char *desc, const char *null_desc,
			      const char *thunk)
{
	static const unsigned char zero[20];
	const uint32_t data = DK_SCN_ALIGN_4BYTES | DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ |
			      DK_SCN_MEM_WRITE;
	uint16_t rel = addr32nb(w->native);
	dk_coff c;
	int s2, s6;

	helper_init(w, &c);
	s2 = dk_coff_section_add(&c, ".idata$2", data);
	s6 = dk_coff_section_add(&c, ".idata$6",
				 (data & ~(uint32_t)DK_SCN_ALIGN_4BYTES) | DK_SCN_ALIGN_2BYTES);
	dk_coff_data(&c, s2, zero, 20);
	/* Name, import lookup table and import address table RVAs. */
	dk_coff_reloc_add(&c, s2, 12, 2, rel);
	dk_coff_reloc_add(&c, s2, 0, 3, rel);
	dk_coff_reloc_add(&c, s2, 16, 4, rel);
	dk_coff_data(&c, s6, w->dll, strlen(w->dll) + 1);
	dk_coff_symbol_add(&c, desc, 0, (int16_t)s2, 0, DK_SYM_CLASS_EXTERNAL);
	dk_coff_symbol_add(&c, ".idata$2", 0, (int16_t)s2, 0, DK_SYM_CLASS_SECTION);
	dk_coff_symbol_add(&c, ".idata$6", 0, (int16_t)s6, 0, DK_SYM_CLASS_STATIC);
	dk_coff_symbol_add(&c, ".idata$4", 0, 0, 0, DK_SYM_CLASS_SECTION);
	dk_coff_symbol_add(&c, ".idata$5", 0, 0, 0, DK_SYM_CLASS_SECTION);
	dk_coff_symbol_add(&c, null_desc, 0, 0, 0, DK_SYM_CLASS_EXTERNAL);
	dk_coff_symbol_add(&c, thunk, 0, 0, 0, DK_SYM_CLASS_EXTERNAL);
	helper_finish(w, &c, desc);
}

static void null_import_descriptor(writer *w, const char *null_desc)
{
	static const unsigned char zero[20];
	dk_coff c;
	int s3;

	helper_init(w, &c);
	s3 = dk_coff_section_add(&c, ".idata$3", DK_SCN_ALIGN_4BYTES | DK_SCN_CNT_INITIALIZED_DATA |
							 DK_SCN_MEM_READ | DK_SCN_MEM_WRITE);
	dk_coff_data(&c, s3, zero, 20);
	dk_coff_symbol_add(&c, null_desc, 0, (int16_t)s3, 0, DK_SYM_CLASS_EXTERNAL);
	helper_finish(w, &c, null_desc);
}

static void null_thunk(writer *w, const char *thunk)
{
	static const unsigned char zero[8];
	uint32_t flags = (w->is64 ? DK_SCN_ALIGN_8BYTES : DK_SCN_ALIGN_4BYTES) |
			 DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ | DK_SCN_MEM_WRITE;
	size_t ptr = w->is64 ? 8 : 4;
	dk_coff c;
	int s5, s4;

	helper_init(w, &c);
	s5 = dk_coff_section_add(&c, ".idata$5", flags); /* the IAT's terminator */
	s4 = dk_coff_section_add(&c, ".idata$4", flags); /* the ILT's */
	dk_coff_data(&c, s5, zero, ptr);
	dk_coff_data(&c, s4, zero, ptr);
	dk_coff_symbol_add(&c, thunk, 0, (int16_t)s5, 0, DK_SYM_CLASS_EXTERNAL);
	helper_finish(w, &c, thunk);
}

/* The symbols a short-import member gives the archive: `__imp_X` always,
 * the thunk `X` unless it is data; on ARM64EC also `__imp_aux_X` and the
 * stored (mangled) name, where X is the demangled name.  `X` is the tail
 * of `__imp_X`: one copy of the name. */
static void short_import_symbols(writer *w, member *x, const char *stored, size_t len,
				 unsigned type)
{
	char *plain = w->ec ? dk_arm64ec_demangle(stored) : NULL;
	const char *name = plain ? plain : stored;
	size_t nlen = plain ? strlen(plain) : len;
	uint32_t imp = name_add(w, "__imp_", name, nlen);

	member_sym(w, x, imp, !w->ec, w->ec);
	if (type != DK_IMPORT_DATA) {
		member_sym(w, x, imp + 6, !w->ec, w->ec);
		if (w->ec) {
			member_sym(w, x, name_add(w, "__imp_aux_", name, nlen), false, true);
			member_sym(w, x, name_add(w, "", stored, len), false, true);
		}
	}
	if (w->ec && !plain && dk_arm64ec_is_mangled(stored))
		w->failed = true; /* out of memory demangling */
	free(plain);
}

static void short_import(writer *w, const char *sym, uint16_t ordinal, unsigned type,
			 unsigned name_type, const char *export_name)
{
	member *x = member_new(w);
	size_t symlen = strlen(sym);
	size_t size = symlen + 1 + w->dll_len + 1;
	bool with_export = name_type == DK_NAME_EXPORTAS && export_name && *export_name;
	unsigned char h[20];

	if (!x)
		return;
	if (with_export)
		size += strlen(export_name) + 1;
	dk_put16(h, 0);        /* Sig1: IMAGE_FILE_MACHINE_UNKNOWN */
	dk_put16(h + 2, 0xffff); /* Sig2 */
	dk_put16(h + 4, 0);    /* Version */
	dk_put16(h + 6, w->machine);
	dk_put32(h + 8, 0);    /* TimeDateStamp */
	dk_put32(h + 12, (uint32_t)size);
	dk_put16(h + 16, ordinal);
	dk_put16(h + 18, (uint16_t)(type | name_type << 2));
	dk_buf_add(&w->bytes, h, 20);
	dk_buf_add(&w->bytes, sym, symlen + 1);
	dk_buf_add(&w->bytes, w->dll, w->dll_len + 1);
	if (with_export)
		dk_buf_add(&w->bytes, export_name, strlen(export_name) + 1);
	member_end(w, x);
	short_import_symbols(w, x, sym, symlen, type);
}

static void put_symbol(dk_buf *b, uint32_t strx, uint32_t value, uint16_t section,
		       uint8_t cls, uint8_t naux)
{
	dk_buf_add32(b, 0);
	dk_buf_add32(b, strx);
	dk_buf_add32(b, value);
	dk_buf_add16(b, section);
	dk_buf_add16(b, 0);
	dk_buf_addc(b, (char)cls);
	dk_buf_addc(b, (char)naux);
}

/*
 * A weak external `prefix alias` whose default is `prefix target`: an
 * object with an empty .drectve, @comp.id, @feat.00, the target
 * (undefined) and the weak symbol with its aux record (search alias).
 * llvm-dlltool's layout: names always in the string table.
 */
static void weak_alias(writer *w, const char *prefix, const char *alias, const char *target)
{
	member *x = member_new(w);
	char *t, *a;
	dk_buf *b = &w->bytes;
	unsigned char sec[40] = ".drectve";
	unsigned char aux[18] = { 2, 0, 0, 0, 3 }; /* tag index 2, IMAGE_WEAK_EXTERN_SEARCH_ALIAS */

	if (!x)
		return;
	t = concat(prefix, target);
	a = concat(prefix, alias);
	if (!t || !a) {
		free(t);
		free(a);
		w->failed = true;
		return;
	}
	dk_buf_add16(b, w->machine);
	dk_buf_add16(b, 1);        /* sections */
	dk_buf_add32(b, 0);        /* time */
	dk_buf_add32(b, 20 + 40);  /* symbol table */
	dk_buf_add32(b, 5);        /* symbols */
	dk_buf_add16(b, 0);
	dk_buf_add16(b, 0);
	dk_put32(sec + 36, DK_SCN_LNK_INFO | DK_SCN_LNK_REMOVE);
	dk_buf_add(b, sec, 40);
	static const char *const abs_names[2] = { "@comp.id", "@feat.00" };
	for (int i = 0; i < 2; i++) {
		dk_buf_add(b, abs_names[i], 8);
		dk_buf_add32(b, 0);
		dk_buf_add16(b, 0xffff); /* IMAGE_SYM_ABSOLUTE */
		dk_buf_add16(b, 0);
		dk_buf_addc(b, DK_SYM_CLASS_STATIC);
		dk_buf_addc(b, 0);
	}
	put_symbol(b, 4, 0, 0, DK_SYM_CLASS_EXTERNAL, 0);
	put_symbol(b, 4 + (uint32_t)strlen(t) + 1, 0, 0, 105 /* WEAK_EXTERNAL */, 1);
	dk_buf_add(b, aux, 18);
	dk_buf_add32(b, 4 + (uint32_t)(strlen(t) + 1 + strlen(a) + 1));
	dk_buf_add(b, t, strlen(t) + 1);
	dk_buf_add(b, a, strlen(a) + 1);
	member_end(w, x);
	member_sym(w, x, name_add(w, "", a, strlen(a)), true, w->ec);
	free(t);
	free(a);
}

/* ------------------------------------------------------------------ */
/* `== name` aliases                                                    */
/* ------------------------------------------------------------------ */

/* A regular import as an `== name` sees it: the name its type gives its
 * symbol (llvm-dlltool's key: NAME, ORDINAL and EXPORTAS give the symbol
 * itself), the symbol, and its position (the last one wins). */
typedef struct alias_key {
	char *key;
	const char *symbol;
	size_t seq;
} alias_key;

static int cmp_key(const void *a, const void *b)
{
	const alias_key *x = a, *y = b;
	return dk_cmp_name_pos(x->key, x->seq, y->key, y->seq);
}

/* An `== name` entry the short format cannot say with a name type. */
static bool deferred(const writer *w, const dk_import_entry *x)
{
	return !w->ec && x->e && x->e->import_name && !x->e->export_as &&
	       x->name_type == DK_NAME_EXPORTAS;
}

static const char *alias_target(const alias_key *keys, size_t n, const char *want)
{
	size_t lo = 0, hi = n;
	const char *found = NULL;

	while (lo < hi) { /* first key >= want */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(keys[mid].key, want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && strcmp(keys[lo].key, want) == 0; lo++)
		found = keys[lo].symbol; /* sorted by seq: the last is the latest */
	return found;
}

/* ------------------------------------------------------------------ */
/* The library                                                          */
/* ------------------------------------------------------------------ */

/* The imports of one view (one export set), in model order, then its
 * `== name` aliases; their machine is w->machine.  False when out of
 * memory or after reporting why. */
static bool add_imports(writer *w, const dk_import_entry *entries, size_t n, size_t *gnu_trouble,
			const dk_import_entry **first_trouble, dk_sink *s)
{
	const char **stored = calloc(n ? n : 1, sizeof *stored);
	alias_key *keys = NULL;
	size_t nkeys = 0;
	bool ok = false, any_deferred = false;

	if (!stored)
		goto nomem;
	/* Regular imports, in model order. */
	for (size_t i = 0; i < n && !w->failed; i++) {
		const dk_import_entry *x = &entries[i];
		unsigned name_type = x->name_type;
		const char *export_name = x->export_as;

		if (deferred(w, x)) {
			any_deferred = true;
			continue;
		}
		stored[i] = x->symbol;
		if (w->ec && x->type == DK_IMPORT_CODE) {
			bool invalid;
			char *mangled = dk_arm64ec_mangle(x->symbol, &invalid);
			/* (llvm-dlltool objects only where it needs the plain name
			 * for EXPORTAS) */
			if (invalid && name_type != DK_NAME_ORDINAL && name_type != DK_NAME_EXPORTAS) {
				dk_report(s, DK_ERROR, NULL,
					  "'%s' is not a C++ name that ARM64EC can mangle for its thunk",
					  x->symbol);
				free(mangled);
				goto done;
			}
			if (mangled) {
				stored[i] = mangled; /* freed below */
				if (name_type != DK_NAME_ORDINAL && name_type != DK_NAME_EXPORTAS) {
					name_type = DK_NAME_EXPORTAS;
					export_name = x->load_name;
				}
			}
		}
		short_import(w, stored[i], x->ordinal, x->type, name_type, export_name);
		if (name_type == DK_NAME_EXPORTAS && !w->ec && !(*gnu_trouble)++)
			*first_trouble = x;
	}
	if (!any_deferred || w->failed)
		goto finished;

	/* What an `== name` may alias: the name each regular import's type
	 * gives its stored symbol (only wanted when there is an `== name`,
	 * which is never on ARM64EC: the symbols are not mangled here). */
	keys = calloc(n, sizeof *keys);
	if (!keys)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		if (!stored[i])
			continue;
		unsigned name_type = entries[i].name_type;
		keys[nkeys].key = name_type == DK_NAME_NOPREFIX ? dk_strdup(dk_name_noprefix(stored[i]))
				  : name_type == DK_NAME_UNDECORATE ? dk_name_undecorate(stored[i])
								     : dk_strdup(stored[i]);
		if (!keys[nkeys].key)
			goto nomem;
		keys[nkeys].symbol = stored[i];
		keys[nkeys].seq = i;
		nkeys++;
	}
	qsort(keys, nkeys, sizeof *keys, cmp_key);

	/* `== name` imports: a weak alias of the import that loads that name,
	 * else the name as EXPORTAS. */
	for (size_t i = 0; i < n && !w->failed; i++) {
		const dk_import_entry *x = &entries[i];
		const char *target;

		if (!deferred(w, x))
			continue;
		target = alias_target(keys, nkeys, x->e->import_name);
		if (target) {
			if (x->type == DK_IMPORT_CODE)
				weak_alias(w, "", x->symbol, target);
			weak_alias(w, "__imp_", x->symbol, target);
		} else {
			short_import(w, x->symbol, x->ordinal, x->type, DK_NAME_EXPORTAS,
				     x->e->import_name);
		}
		if (!w->ec && !(*gnu_trouble)++)
			*first_trouble = x;
	}
finished:
	ok = true;
	goto done;
nomem:
	w->failed = true;
	ok = true; /* reported by the caller, which sees w->failed */
done:
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i].key);
	free(keys);
	if (stored)
		for (size_t i = 0; i < n; i++)
			if (stored[i] != entries[i].symbol)
				free((char *)stored[i]);
	free(stored);
	return ok;
}

/* The library: the helpers, the imports of `entries` (machine o->machine)
 * and, for ARM64X, those of `native` (ARM64), as llvm-dlltool -N writes
 * them: the EC imports first, each view's `== name` aliases after it. */
static int write_short(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
		       const dk_import_entry *native, size_t nnative, dk_ar_kind kind,
		       dk_buf *out, dk_sink *s)
{
	writer w = { 0 };
	char *desc = NULL, *thunk = NULL;
	dk_ar_member *am = NULL;
	const char **ptrs = NULL;
	size_t nptrs = 0;
	size_t gnu_trouble = 0;
	const dk_import_entry *first_trouble = NULL;
	int rc = DK_FAIL;
	bool again = false;

	w.dll = dk_dll_basename(o->dll_name);
	w.dll_len = strlen(w.dll);
	dk_buf_init(&w.bytes);
	dk_buf_init(&w.names);
	w.machine = (uint16_t)o->machine;
	w.ec = o->machine == DK_MACHINE_ARM64EC;
	w.native = w.ec ? DK_MACHINE_ARM64 : w.machine;
	w.is64 = dk_machine_pointer_size(o->machine) == 8;
	w.coff = kind == DK_AR_COFF;
	if (!*w.dll) {
		dk_report(s, DK_ERROR, NULL, "the DLL name \"%s\" has no file name", o->dll_name);
		return DK_FAIL;
	}
	w.stem = dk_dll_stem(w.dll);
	if (!w.stem)
		goto nomem;
	desc = concat("__IMPORT_DESCRIPTOR_", w.stem);
	{
		dk_buf t;
		dk_buf_init(&t);
		dk_buf_addc(&t, '\x7f');
		dk_buf_adds(&t, w.stem);
		dk_buf_adds(&t, "_NULL_THUNK_DATA");
		thunk = dk_buf_take(&t, NULL);
	}
	if (!desc || !thunk)
		goto nomem;

	/* Too many members for the COFF kind, known before building any: each
	 * import is one member when no `== name` can add weak aliases (else
	 * see below, after building). */
	if (w.coff && !native && 3 + n > DK_AR_COFF_MAX_MEMBERS) {
		bool exact = true;
		for (size_t i = 0; i < n && exact; i++)
			exact = !deferred(&w, &entries[i]);
		if (exact) {
			if (!dk_implib_coff_overflow(o, 3 + n, s))
				goto done;
			w.coff = false;
			kind = DK_AR_GNU;
		}
	}

	import_descriptor(&w, desc, "__NULL_IMPORT_DESCRIPTOR", thunk);
	null_import_descriptor(&w, "__NULL_IMPORT_DESCRIPTOR");
	null_thunk(&w, thunk);

	if (!add_imports(&w, entries, n, &gnu_trouble, &first_trouble, s))
		goto done;
	if (native && !w.failed) {
		/* ARM64X: the native view's imports are plain ARM64 ones,
		 * indexed in the regular symbol map only. */
		w.machine = DK_MACHINE_ARM64;
		w.ec = false;
		if (!add_imports(&w, native, nnative, &gnu_trouble, &first_trouble, s))
			goto done;
	}
	/* Too many members for the COFF kind (65,532 imports or more): the
	 * GNU kind, built again from the start once this one is freed, since
	 * which index a symbol goes to depends on the kind (ARM64EC). */
	if (!w.failed && w.coff && w.n > DK_AR_COFF_MAX_MEMBERS) {
		if (native) { /* (the GNU kind's one index would mix the views) */
			dk_report(s, DK_ERROR, NULL,
				  "%zu members are more than an ARM64X import library (COFF archive "
				  "kind only) can hold (%d)", w.n, DK_AR_COFF_MAX_MEMBERS);
			goto done;
		}
		again = dk_implib_coff_overflow(o, w.n, s);
		goto done;
	}
	/* GNU ld 2.40 refuses a whole library that holds an EXPORTAS member
	 * ("file format not recognized") and does not resolve the weak
	 * aliases; lld-link 14 imports an empty name for EXPORTAS.  Both are
	 * what LLVM 22 writes; the long format has neither. */
	if (gnu_trouble && !w.failed)
		dk_report(s, DK_WARNING, NULL,
			  "%zu import%s (first \"%s\") %s written as EXPORTAS members or '==' weak "
			  "aliases, which GNU ld 2.40 cannot use (and lld-link 14 mishandles "
			  "EXPORTAS); --format long works with every linker",
			  gnu_trouble, gnu_trouble == 1 ? "" : "s",
			  first_trouble->e ? first_trouble->e->name : first_trouble->symbol,
			  gnu_trouble == 1 ? "is" : "are");
	if (w.failed)
		goto nomem;

	/* The buffers are complete: offsets become pointers. */
	am = calloc(w.n ? w.n : 1, sizeof *am);
	for (size_t i = 0; i < w.n; i++)
		nptrs += w.m[i].nsyms + w.m[i].necsyms;
	ptrs = malloc((nptrs ? nptrs : 1) * sizeof *ptrs);
	if (!am || !ptrs)
		goto nomem;
	nptrs = 0;
	for (size_t i = 0; i < w.n; i++) {
		const member *x = &w.m[i];
		am[i].name = w.dll;
		am[i].data = w.bytes.data + x->off;
		am[i].size = x->len;
		am[i].symbols = ptrs + nptrs;
		am[i].nsymbols = x->nsyms;
		for (size_t k = 0; k < x->nsyms; k++)
			ptrs[nptrs++] = w.names.data + x->syms[k];
		am[i].ec_symbols = ptrs + nptrs;
		am[i].nec_symbols = x->necsyms;
		for (size_t k = 0; k < x->necsyms; k++)
			ptrs[nptrs++] = w.names.data + x->ecsyms[k];
	}
	free(w.m); /* all in `am` now: memory for the archive */
	w.m = NULL;
	if (dk_implib_archive(&w.bytes, kind, am, w.n, out) != DK_OK) {
		/* The member count is checked above and no import member
		 * comes near the ten digits of a size: memory ran out. */
		dk_report(s, DK_ERROR, NULL, "out of memory (writing an archive of %zu members)",
			  w.n);
		goto done;
	}
	rc = DK_OK;
	goto done;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
done:
	free(am);
	free(ptrs);
	free(desc);
	free(thunk);
	free(w.stem);
	members_free(&w);
	if (again)
		return write_short(o, entries, n, native, nnative, DK_AR_GNU, out, s);
	return rc;
}

int dk_implib_write_short(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			  dk_ar_kind kind, dk_buf *out, dk_sink *s)
{
	return write_short(o, entries, n, NULL, 0, kind, out, s);
}

int dk_implib_write_arm64x(const dk_implib_opts *o, const dk_import_entry *ec, size_t nec,
			   const dk_import_entry *native, size_t nnative, dk_ar_kind kind,
			   dk_buf *out, dk_sink *s)
{
	return write_short(o, ec, nec, native, nnative, kind, out, s);
}
