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
 * or `$$h` inserted into a C++ name after its qualified name) with the
 * plain name as NAME_EXPORTAS; their symbols go to /<ECSYMBOLS>/, the
 * helpers (ARM64 objects) to both indexes.
 */
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"

/* ------------------------------------------------------------------ */
/* ARM64EC mangling of C++ names                                        */
/* ------------------------------------------------------------------ */

/*
 * `$$h` goes right after the fully qualified name of a C++ symbol
 * (`?f@N@@YAXXZ` -> `?f@N@@$$hYAXXZ`), which takes parsing the Microsoft
 * name grammar: a name may hold templates whose arguments are types and
 * symbols, and local scopes hold whole mangled names.  This is a
 * recogniser only - it consumes what the grammar allows and says where the
 * name ends, following the structure of LLVM's Microsoft demangler.
 */
/* Back references: up to ten names and ten function parameter types
 * (those longer than one character) seen so far in one context; a
 * template's arguments have a context of their own.  A digit naming an
 * entry not yet seen makes the name invalid, as in LLVM. */
typedef struct ms_refs {
	const char *name[10];
	size_t len[10];
	unsigned nnames, nparams;
} ms_refs;

typedef struct ms {
	const char *p;
	unsigned depth;
	bool error;
	ms_refs refs;
} ms;

enum { MS_MAX_DEPTH = 200 };

static bool ms_symbol(ms *m);
static bool ms_type(ms *m, int mode);
static bool ms_function_type(ms *m, bool this_quals);
static bool ms_qualified_type_name(ms *m);
static bool ms_unqualified_symbol_name(ms *m, bool template_ref);

enum { MS_DROP, MS_MANGLE, MS_RESULT };

static bool ms_fail(ms *m)
{
	m->error = true;
	return false;
}

static bool ms_eat(ms *m, const char *s)
{
	size_t n = strlen(s);
	if (strncmp(m->p, s, n) != 0)
		return false;
	m->p += n;
	return true;
}

static bool ms_digit(const ms *m)
{
	return *m->p >= '0' && *m->p <= '9';
}

/* <number> ::= [?] <digit> | [?] <hex A-P>* @ */
static bool ms_number(ms *m)
{
	ms_eat(m, "?");
	if (ms_digit(m)) {
		m->p++;
		return true;
	}
	while (*m->p >= 'A' && *m->p <= 'P')
		m->p++;
	if (*m->p != '@')
		return ms_fail(m);
	m->p++;
	return true;
}

/* Remember a name for back references (once per distinct text). */
static void ms_memorize(ms *m, const char *s, size_t n)
{
	ms_refs *r = &m->refs;
	if (r->nnames >= 10)
		return;
	for (unsigned i = 0; i < r->nnames; i++)
		if (r->len[i] == n && memcmp(r->name[i], s, n) == 0)
			return;
	r->name[r->nnames] = s;
	r->len[r->nnames++] = n;
}

/* <simple-name> ::= <chars> @ (not empty) */
static bool ms_simple_name(ms *m, bool memorize)
{
	const char *at = strchr(m->p, '@');
	if (!at || at == m->p)
		return ms_fail(m);
	if (memorize)
		ms_memorize(m, m->p, (size_t)(at - m->p));
	m->p = at + 1;
	return true;
}

/* <digit>: a name seen before */
static bool ms_backref_name(ms *m)
{
	if ((unsigned)(*m->p - '0') >= m->refs.nnames)
		return ms_fail(m);
	m->p++;
	return true;
}

/* `?<number>?` opens a local scope (a name inside a function). */
static bool ms_local_scope_ahead(const char *s)
{
	const char *end;
	size_t n;

	if (*s++ != '?')
		return false;
	if (!(end = strchr(s, '?')) || end == s)
		return false;
	n = (size_t)(end - s);
	if (n == 1)
		return *s == '@' || (*s >= '0' && *s <= '9');
	if (s[n - 1] != '@' || s[0] < 'B' || s[0] > 'P')
		return false;
	for (size_t i = 1; i < n - 1; i++)
		if (s[i] < 'A' || s[i] > 'P')
			return false;
	return true;
}

static bool ms_enter(ms *m)
{
	if (++m->depth > MS_MAX_DEPTH)
		return ms_fail(m);
	return true;
}

/* <template-args> ... @ */
static bool ms_template_args(ms *m)
{
	while (!ms_eat(m, "@")) {
		const char *k; /* the kind letter of a non-type argument */
		bool auto_nttp;

		if (!*m->p)
			return ms_fail(m);
		if (ms_eat(m, "$S") || ms_eat(m, "$$V") || ms_eat(m, "$$$V") || ms_eat(m, "$$Z"))
			continue;
		/* `auto` parameter: $M <type>, then the value (its '$' may be
		 * left out, as clang writes `$MH04@`) */
		auto_nttp = ms_eat(m, "$M");
		if (auto_nttp && !ms_type(m, MS_DROP))
			return false;
		k = m->p[0] == '$' ? m->p + 1 : auto_nttp ? m->p : NULL;
		if (ms_eat(m, "$$Y")) {
			if (!ms_qualified_type_name(m))
				return false;
		} else if (ms_eat(m, "$$B")) {
			if (!ms_type(m, MS_DROP))
				return false;
		} else if (ms_eat(m, "$$C")) {
			if (!ms_type(m, MS_MANGLE))
				return false;
		} else if (k && *k && strchr("1HIJ", *k)) {
			/* pointer to member: [symbol] then 0-3 numbers */
			int numbers = *k == 'J' ? 3 : *k == 'I' ? 2 : *k == 'H' ? 1 : 0;
			m->p = k + 1;
			if (*m->p == '?' && !ms_symbol(m))
				return false;
			while (numbers--)
				if (!ms_number(m))
					return false;
		} else if (k && k[0] == 'E' && k[1] == '?') {
			m->p = k + 1; /* reference to a symbol */
			if (!ms_symbol(m))
				return false;
		} else if (k && (*k == 'F' || *k == 'G')) {
			int numbers = *k == 'G' ? 3 : 2; /* data member pointer */
			m->p = k + 1;
			while (numbers--)
				if (!ms_number(m))
					return false;
		} else if (k && *k == '0') {
			m->p = k + 1; /* integer */
			if (!ms_number(m))
				return false;
		} else if (!ms_type(m, MS_DROP)) {
			return false;
		}
	}
	return true;
}

/* ?$ <unqualified-name> <template-args>, in a back-reference context of
 * its own; with `memorize` (types and scopes) the whole is remembered. */
static bool ms_template_name(ms *m, bool memorize)
{
	const char *start = m->p;
	ms_refs outer = m->refs;
	bool ok;

	memset(&m->refs, 0, sizeof m->refs);
	m->p += 2;
	ok = ms_unqualified_symbol_name(m, false) && ms_template_args(m);
	m->refs = outer;
	if (ok && memorize) {
		/* constructors and conversion operators are leaf names only */
		if (start[2] == '?' && (start[3] == '0' || start[3] == '1' || start[3] == 'B'))
			return ms_fail(m);
		ms_memorize(m, start, (size_t)(m->p - start));
	}
	return ok;
}

/* An operator or special name after '?': ?0 ?1 ?B ?X, ?_X, ?__X, ?__K<name>;
 * the code is a digit or a capital letter. */
static bool ms_operator_name(ms *m)
{
	char c;

	m->p++;
	if (!ms_eat(m, "__"))
		ms_eat(m, "_");
	c = *m->p;
	if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
		return ms_fail(m);
	m->p++;
	if (c == 'K' && m->p[-2] == '_' && m->p[-3] == '_')
		return ms_simple_name(m, false); /* literal operator ""_name */
	return true;
}

/* The first name of a symbol: a template here is remembered only where
 * the caller says (LLVM's NBB_Template), a simple name always. */
static bool ms_unqualified_symbol_name(ms *m, bool template_ref)
{
	if (!ms_enter(m))
		return false;
	bool ok;
	if (ms_digit(m)) {
		ok = ms_backref_name(m);
	} else if (strncmp(m->p, "?$", 2) == 0) {
		ok = ms_template_name(m, template_ref);
	} else if (*m->p == '?') {
		ok = ms_operator_name(m);
	} else {
		ok = ms_simple_name(m, true);
	}
	m->depth--;
	return ok;
}

/* <scope>* @ */
static bool ms_scope_chain(ms *m)
{
	while (!ms_eat(m, "@")) {
		if (!*m->p)
			return ms_fail(m);
		if (ms_digit(m)) {
			if (!ms_backref_name(m))
				return false;
		} else if (strncmp(m->p, "?$", 2) == 0) {
			if (!ms_template_name(m, true))
				return false;
		} else if (strncmp(m->p, "?A", 2) == 0) {
			m->p += 2; /* anonymous namespace: ?A0x1234@ */
			if (!ms_simple_name(m, true))
				return false;
		} else if (ms_local_scope_ahead(m->p)) {
			m->p++;
			if (!ms_number(m) || !ms_eat(m, "?") || !ms_symbol(m))
				return false;
		} else if (!ms_simple_name(m, true)) {
			return false;
		}
	}
	return true;
}

static bool ms_qualified_symbol_name(ms *m)
{
	/* a constructor or destructor (?0, ?1) needs its class */
	bool structor = m->p[0] == '?' && (m->p[1] == '0' || m->p[1] == '1');

	if (!ms_unqualified_symbol_name(m, false))
		return false;
	if (structor && *m->p == '@')
		return ms_fail(m);
	return ms_scope_chain(m);
}

static bool ms_unqualified_type_name(ms *m)
{
	if (ms_digit(m))
		return ms_backref_name(m);
	if (strncmp(m->p, "?$", 2) == 0)
		return ms_template_name(m, true);
	return ms_simple_name(m, true);
}

static bool ms_qualified_type_name(ms *m)
{
	bool ok;
	if (!ms_enter(m))
		return false;
	ok = ms_unqualified_type_name(m) && ms_scope_chain(m);
	m->depth--;
	return ok;
}

/* Storage qualifiers A-D (plain), Q-T (member). */
static bool ms_qualifiers(ms *m)
{
	if (!*m->p || !strchr("ABCDQRST", *m->p))
		return ms_fail(m);
	m->p++;
	return true;
}

static void ms_ext_qualifiers(ms *m)
{
	ms_eat(m, "E");
	ms_eat(m, "I");
	ms_eat(m, "F");
}

static bool ms_primitive(ms *m)
{
	char c;
	if (ms_eat(m, "$$T"))
		return true;
	c = *m->p;
	if (c && strchr("XDCEFGHIJKMNO", c)) {
		m->p++;
		return true;
	}
	if (c == '_' && m->p[1] && strchr("NJKWQSU", m->p[1])) {
		m->p += 2;
		return true;
	}
	return ms_fail(m);
}

static bool ms_type(ms *m, int mode)
{
	bool ok;

	if (!ms_enter(m))
		return false;
	if (mode == MS_MANGLE && !ms_qualifiers(m))
		return false;
	if (mode == MS_RESULT && ms_eat(m, "?") && !ms_qualifiers(m))
		return false;
	if (!*m->p)
		return ms_fail(m);
	switch (*m->p) {
	case 'T':
	case 'U':
	case 'V':
		m->p++;
		ok = ms_qualified_type_name(m);
		break;
	case 'W':
		if (m->p[1] != '4')
			return ms_fail(m);
		m->p += 2;
		ok = ms_qualified_type_name(m);
		break;
	case 'A':
	case 'P':
	case 'Q':
	case 'R':
	case 'S': {
		/* pointer or reference; P6 function pointer, P8 member function
		 * pointer, Q-T qualifiers a data member pointer */
		const char *q = m->p + 1;
		bool member = false;
		if (*m->p != 'A') {
			if (*q == '8')
				member = true;
			else if (*q != '6') {
				while (*q == 'E' || *q == 'I' || *q == 'F')
					q++;
				member = *q && strchr("QRST", *q);
			}
		}
		m->p++;
		if (!member && ms_eat(m, "6")) {
			ok = ms_function_type(m, false);
			break;
		}
		ms_ext_qualifiers(m);
		if (member && ms_eat(m, "8")) {
			ok = ms_qualified_type_name(m) && ms_function_type(m, true);
		} else if (member) {
			ok = ms_qualifiers(m) && ms_qualified_type_name(m) && ms_type(m, MS_DROP);
		} else {
			ok = ms_type(m, MS_MANGLE);
		}
		break;
	}
	case 'Y': {
		m->p++;
		/* rank, then that many dimensions */
		const char *before = m->p;
		if (!ms_number(m))
			return false;
		unsigned long rank = 0;
		if (*before >= '0' && *before <= '9')
			rank = (unsigned long)(*before - '0') + 1;
		else
			for (const char *c = before; *c != '@'; c++)
				rank = rank * 16 + (unsigned long)(*c - 'A');
		if (rank == 0 || *before == '?')
			return ms_fail(m);
		while (rank--)
			if (!ms_number(m))
				return false;
		if (ms_eat(m, "$$C") && !ms_qualifiers(m))
			return false;
		ok = ms_type(m, MS_DROP);
		break;
	}
	case '?': /* custom type: ? <unqualified-name> @ */
		m->p++;
		ok = ms_unqualified_type_name(m) && (ms_eat(m, "@") || ms_fail(m));
		break;
	case '$':
		if (ms_eat(m, "$$A8@@")) {
			ok = ms_function_type(m, true);
		} else if (ms_eat(m, "$$A6")) {
			ok = ms_function_type(m, false);
		} else if (ms_eat(m, "$$Q") || ms_eat(m, "$$R")) {
			ms_ext_qualifiers(m);
			ok = ms_type(m, MS_MANGLE);
		} else {
			ok = ms_primitive(m);
		}
		break;
	default:
		ok = ms_primitive(m);
		break;
	}
	m->depth--;
	return ok && !m->error;
}

/* [this-qualifiers] <calling-convention> <return-type> <params> <throw> */
static bool ms_function_type(ms *m, bool this_quals)
{
	if (this_quals) {
		ms_ext_qualifiers(m);
		if (*m->p == 'G' || *m->p == 'H')
			m->p++;
		if (!ms_qualifiers(m))
			return false;
	}
	if (!*m->p)
		return ms_fail(m);
	m->p++; /* calling convention */
	if (!ms_eat(m, "@") && !ms_type(m, MS_RESULT))
		return false;
	if (!ms_eat(m, "X")) {
		while (*m->p != '@' && *m->p != 'Z') {
			const char *start = m->p;
			if (!*m->p)
				return ms_fail(m);
			if (ms_digit(m)) {
				if ((unsigned)(*m->p - '0') >= m->refs.nparams)
					return ms_fail(m);
				m->p++;
				continue;
			}
			if (!ms_type(m, MS_DROP))
				return false;
			/* one-letter types are not worth a back reference */
			if (m->refs.nparams <= 9 && m->p - start > 1)
				m->refs.nparams++;
		}
		m->p++;
	}
	if (ms_eat(m, "_E") || ms_eat(m, "Z"))
		return true;
	return ms_fail(m);
}

/* <function-class>, its this-adjustments, then the type. */
static bool ms_function_encoding(ms *m)
{
	char c;
	int adjust = 0; /* numbers of this-adjustment */
	bool this_quals = true, no_params = false;

	ms_eat(m, "$$J0");
	c = *m->p;
	if (!c)
		return ms_fail(m);
	m->p++;
	if (c == '9') {
		no_params = true;
	} else if (c == '$') {
		bool ex = ms_eat(m, "R");
		c = *m->p;
		if (c < '0' || c > '5')
			return ms_fail(m);
		m->p++;
		adjust = ex ? 4 : 2;
	} else if (c >= 'A' && c <= 'Z') {
		if (strchr("CDKLST", c) || c == 'Y' || c == 'Z')
			this_quals = false;
		if (strchr("GHOPWX", c))
			adjust = 1;
	} else {
		return ms_fail(m);
	}
	while (adjust--)
		if (!ms_number(m))
			return false;
	if (no_params)
		return true;
	return ms_function_type(m, this_quals);
}

/* A whole mangled symbol: ? <qualified-name> <encoding>. */
static bool ms_symbol(ms *m)
{
	bool ok;

	if (!ms_enter(m))
		return false;
	if (*m->p != '?' || strncmp(m->p, "??@", 3) == 0)
		return ms_fail(m);
	m->p++;
	/* A vcall thunk (a pointer to a virtual member in a template
	 * argument): ?_9 <scope> $B <number> A <calling-convention> */
	if (ms_eat(m, "?_9")) {
		ok = ms_scope_chain(m) && ms_eat(m, "$B") && ms_number(m) && ms_eat(m, "A") &&
		     *m->p && (m->p++, true);
		m->depth--;
		return ok || ms_fail(m);
	}
	/* Tables: ?_7 ?_8 ?_S ?_R4 <scope> {6|7} <qualifiers> [<type-name>] @ */
	if (ms_eat(m, "?_7") || ms_eat(m, "?_8") || ms_eat(m, "?_S") || ms_eat(m, "?_R4")) {
		ok = ms_scope_chain(m) && (*m->p == '6' || *m->p == '7') && (m->p++, true) &&
		     ms_qualifiers(m) && (ms_eat(m, "@") || ms_qualified_type_name(m));
		m->depth--;
		return ok || ms_fail(m);
	}
	/* Other special names (RTTI, string literals, guards) are not parsed. */
	if (m->p[0] == '?' && m->p[1] == '_' && m->p[2] &&
	    strchr("ABCPR", m->p[2]))
		return ms_fail(m);
	if (m->p[0] == '?' && m->p[1] == '_' && m->p[2] == '_' && m->p[3] &&
	    strchr("EFJ", m->p[3]))
		return ms_fail(m);
	if (!ms_qualified_symbol_name(m))
		return false;
	if (*m->p >= '0' && *m->p <= '4') {
		/* a variable: storage class, type, qualifiers */
		m->p++;
		const char *t = m->p;
		if (!ms_type(m, MS_DROP))
			return false;
		if (*t == 'P' || *t == 'Q' || *t == 'R' || *t == 'S' || *t == 'A' ||
		    strncmp(t, "$$Q", 3) == 0) {
			ms_ext_qualifiers(m);
			ok = ms_qualifiers(m);
		} else {
			ok = ms_qualifiers(m);
		}
	} else {
		ok = ms_function_encoding(m);
	}
	m->depth--;
	return ok && !m->error;
}

/* Where `$$h` goes in a C++ symbol, or 0 when it is not a valid name. */
static size_t arm64ec_insertion_point(const char *sym)
{
	ms m = { sym + 1, 0, false, { { 0 }, { 0 }, 0, 0 } };
	if (sym[0] != '?')
		return 0;
	if (!ms_qualified_symbol_name(&m) || m.error)
		return 0;
	return (size_t)(m.p - sym);
}

/* The EC-mangled form of a code symbol: `#f`, or `?f@@$$hYAXXZ`.  Sets
 * *invalid (and returns NULL) for a C++ name we cannot parse; returns NULL
 * for a name that is mangled already. */
static char *arm64ec_mangle(const char *sym, bool *invalid)
{
	dk_buf b;
	size_t at;

	*invalid = false;
	if (dk_arm64ec_is_mangled(sym))
		return NULL;
	dk_buf_init(&b);
	if (sym[0] != '?') {
		dk_buf_addc(&b, '#');
		dk_buf_adds(&b, sym);
		return dk_buf_take(&b, NULL);
	}
	if ((at = arm64ec_insertion_point(sym)) == 0) {
		*invalid = true;
		return NULL;
	}
	dk_buf_add(&b, sym, at);
	dk_buf_adds(&b, "$$h");
	dk_buf_adds(&b, sym + at);
	return dk_buf_take(&b, NULL);
}

/* ------------------------------------------------------------------ */
/* Members                                                              */
/* ------------------------------------------------------------------ */

enum { MAX_SYMS = 4 };

typedef struct member {
	dk_buf data;
	char *syms[MAX_SYMS];   /* regular index */
	size_t nsyms;
	char *ecsyms[MAX_SYMS]; /* /<ECSYMBOLS>/ */
	size_t necsyms;
} member;

typedef struct writer {
	const char *dll;        /* base name: member name and .idata$6 */
	char *stem;
	uint16_t machine;       /* of the short imports (ARM64EC stays ARM64EC) */
	uint16_t native;        /* of the helpers (ARM64 for ARM64EC) */
	bool ec, is64, coff;
	member *m;
	size_t n, cap;
	bool failed;
} writer;

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
	dk_buf_init(&x->data);
	return x;
}

static char *concat(const char *a, const char *b)
{
	dk_buf t;
	dk_buf_init(&t);
	dk_buf_adds(&t, a);
	dk_buf_adds(&t, b);
	return dk_buf_take(&t, NULL);
}

/* Give the member a symbol for an index (regular, EC, or both). */
static void member_sym(writer *w, member *x, char *name, bool regular, bool ec)
{
	if (!name) {
		w->failed = true;
		return;
	}
	/* The GNU kind has one index: everything goes there. */
	if (!w->coff) {
		regular = true;
		ec = false;
	}
	if (regular && ec) {
		char *copy = dk_strdup(name);
		if (!copy) {
			free(name);
			w->failed = true;
			return;
		}
		x->syms[x->nsyms++] = name;
		x->ecsyms[x->necsyms++] = copy;
	} else if (regular) {
		x->syms[x->nsyms++] = name;
	} else {
		x->ecsyms[x->necsyms++] = name;
	}
}

static void members_free(writer *w)
{
	for (size_t i = 0; i < w->n; i++) {
		dk_buf_free(&w->m[i].data);
		for (size_t k = 0; k < w->m[i].nsyms; k++)
			free(w->m[i].syms[k]);
		for (size_t k = 0; k < w->m[i].necsyms; k++)
			free(w->m[i].ecsyms[k]);
	}
	free(w->m);
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
	if (!x || dk_coff_write(c, &x->data) != DK_OK)
		w->failed = true;
	else
		member_sym(w, x, dk_strdup(defined), true, w->ec);
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
 * stored (mangled) name, where X is the demangled name. */
static void short_import_symbols(writer *w, member *x, const char *stored, unsigned type)
{
	char *plain = w->ec ? dk_arm64ec_demangle(stored) : NULL;
	const char *name = plain ? plain : stored;

	member_sym(w, x, concat("__imp_", name), !w->ec, w->ec);
	if (type != DK_IMPORT_DATA) {
		member_sym(w, x, dk_strdup(name), !w->ec, w->ec);
		if (w->ec) {
			member_sym(w, x, concat("__imp_aux_", name), false, true);
			member_sym(w, x, dk_strdup(stored), false, true);
		}
	}
	free(plain);
}

static void short_import(writer *w, const char *sym, uint16_t ordinal, unsigned type,
			 unsigned name_type, const char *export_name)
{
	member *x = member_new(w);
	size_t size = strlen(sym) + 1 + strlen(w->dll) + 1;
	bool with_export = name_type == DK_NAME_EXPORTAS && export_name && *export_name;

	if (!x)
		return;
	if (with_export)
		size += strlen(export_name) + 1;
	dk_buf_add16(&x->data, 0);      /* Sig1: IMAGE_FILE_MACHINE_UNKNOWN */
	dk_buf_add16(&x->data, 0xffff); /* Sig2 */
	dk_buf_add16(&x->data, 0);      /* Version */
	dk_buf_add16(&x->data, w->machine);
	dk_buf_add32(&x->data, 0);      /* TimeDateStamp */
	dk_buf_add32(&x->data, (uint32_t)size);
	dk_buf_add16(&x->data, ordinal);
	dk_buf_add16(&x->data, (uint16_t)(type | name_type << 2));
	dk_buf_add(&x->data, sym, strlen(sym) + 1);
	dk_buf_add(&x->data, w->dll, strlen(w->dll) + 1);
	if (with_export)
		dk_buf_add(&x->data, export_name, strlen(export_name) + 1);
	if (x->data.failed)
		w->failed = true;
	short_import_symbols(w, x, sym, type);
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
	dk_buf *b;
	unsigned char sec[40] = ".drectve";
	unsigned char aux[18] = { 2, 0, 0, 0, 3 }; /* tag index 2, IMAGE_WEAK_EXTERN_SEARCH_ALIAS */

	if (!x)
		return;
	b = &x->data;
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
	if (b->failed)
		w->failed = true;
	free(t);
	member_sym(w, x, a, true, w->ec);
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

int dk_implib_write_short(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			  dk_ar_kind kind, dk_buf *out, dk_sink *s)
{
	writer w = { 0 };
	char *desc = NULL, *thunk = NULL, **stored = NULL;
	alias_key *keys = NULL;
	dk_ar_member *am = NULL;
	size_t nkeys = 0, gnu_trouble = 0;
	const dk_import_entry *first_trouble = NULL;
	int rc = DK_FAIL;
	bool again = false;

	w.dll = dk_dll_basename(o->dll_name);
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
	stored = calloc(n ? n : 1, sizeof *stored);
	keys = calloc(n ? n : 1, sizeof *keys);
	if (!w.stem || !stored || !keys)
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

	import_descriptor(&w, desc, "__NULL_IMPORT_DESCRIPTOR", thunk);
	null_import_descriptor(&w, "__NULL_IMPORT_DESCRIPTOR");
	null_thunk(&w, thunk);

	/* Regular imports, in model order. */
	for (size_t i = 0; i < n && !w.failed; i++) {
		const dk_import_entry *x = &entries[i];
		unsigned name_type = x->name_type;
		const char *export_name = x->export_as;

		if (deferred(&w, x))
			continue;
		stored[i] = dk_strdup(x->symbol);
		if (!stored[i])
			goto nomem;
		if (w.ec && x->type == DK_IMPORT_CODE) {
			bool invalid;
			char *mangled = arm64ec_mangle(x->symbol, &invalid);
			/* (llvm-dlltool objects only where it needs the plain name
			 * for EXPORTAS) */
			if (invalid && name_type != DK_NAME_ORDINAL && name_type != DK_NAME_EXPORTAS) {
				dk_report(s, DK_ERROR, NULL,
					  "'%s' is not a C++ name that ARM64EC can mangle for its thunk",
					  x->symbol);
				goto done;
			}
			if (mangled) {
				free(stored[i]);
				stored[i] = mangled;
				if (name_type != DK_NAME_ORDINAL && name_type != DK_NAME_EXPORTAS) {
					name_type = DK_NAME_EXPORTAS;
					export_name = x->load_name;
				}
			}
		}
		short_import(&w, stored[i], x->ordinal, x->type, name_type, export_name);
		if (name_type == DK_NAME_EXPORTAS && !w.ec && !gnu_trouble++)
			first_trouble = x;
		/* What an `== name` may alias: the name this import's type gives
		 * its stored symbol. */
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
	for (size_t i = 0; i < n && !w.failed; i++) {
		const dk_import_entry *x = &entries[i];
		const char *target;

		if (!deferred(&w, x))
			continue;
		target = alias_target(keys, nkeys, x->e->import_name);
		if (target) {
			if (x->type == DK_IMPORT_CODE)
				weak_alias(&w, "", x->symbol, target);
			weak_alias(&w, "__imp_", x->symbol, target);
		} else {
			short_import(&w, x->symbol, x->ordinal, x->type, DK_NAME_EXPORTAS,
				     x->e->import_name);
		}
		if (!w.ec && !gnu_trouble++)
			first_trouble = x;
	}
	/* Too many members for the COFF kind (65,532 imports or more): the
	 * GNU kind, built again from the start once this one is freed, since
	 * which index a symbol goes to depends on the kind (ARM64EC). */
	if (!w.failed && w.coff && w.n > DK_AR_COFF_MAX_MEMBERS) {
		again = dk_implib_coff_overflow(o, w.n, s);
		goto done;
	}
	/* GNU ld 2.40 refuses a whole library that holds an EXPORTAS member
	 * ("file format not recognized") and does not resolve the weak
	 * aliases; lld-link 14 imports an empty name for EXPORTAS.  Both are
	 * what LLVM 22 writes; the long format has neither. */
	if (gnu_trouble)
		dk_report(s, DK_WARNING, NULL,
			  "%zu import%s (first \"%s\") %s written as EXPORTAS members or '==' weak "
			  "aliases, which GNU ld 2.40 cannot use (and lld-link 14 mishandles "
			  "EXPORTAS); --format long works with every linker",
			  gnu_trouble, gnu_trouble == 1 ? "" : "s",
			  first_trouble->e ? first_trouble->e->name : first_trouble->symbol,
			  gnu_trouble == 1 ? "is" : "are");
	if (w.failed)
		goto nomem;

	am = calloc(w.n ? w.n : 1, sizeof *am);
	if (!am)
		goto nomem;
	for (size_t i = 0; i < w.n; i++) {
		am[i].name = w.dll;
		am[i].data = w.m[i].data.data;
		am[i].size = w.m[i].data.len;
		am[i].symbols = (const char *const *)w.m[i].syms;
		am[i].nsymbols = w.m[i].nsyms;
		am[i].ec_symbols = (const char *const *)w.m[i].ecsyms;
		am[i].nec_symbols = w.m[i].necsyms;
	}
	if (dk_archive_write(out, kind, am, w.n) != DK_OK) {
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
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i].key);
	free(keys);
	if (stored)
		for (size_t i = 0; i < n; i++)
			free(stored[i]);
	free(stored);
	free(desc);
	free(thunk);
	free(w.stem);
	members_free(&w);
	if (again)
		return dk_implib_write_short(o, entries, n, DK_AR_GNU, out, s);
	return rc;
}
