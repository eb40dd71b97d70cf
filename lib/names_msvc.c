/* names_msvc.c - the Microsoft C++ name grammar, for ARM64EC mangling.
 *
 * An ARM64EC code symbol is stored EC-mangled: `#f` for a C name, or
 * `$$h` inserted into a C++ name right after its qualified name.  Finding
 * that point takes parsing the Microsoft name grammar, which is what this
 * file does.  It is naming, not writing: the short import-library writer
 * uses it today, and a reader may later.
 */
#include <stdlib.h>
#include <string.h>
#include "names_msvc_private.h"

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
size_t dk_msvc_arm64ec_insertion_point(const char *sym)
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
char *dk_arm64ec_mangle(const char *sym, bool *invalid)
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
	if ((at = dk_msvc_arm64ec_insertion_point(sym)) == 0) {
		*invalid = true;
		return NULL;
	}
	dk_buf_add(&b, sym, at);
	dk_buf_adds(&b, "$$h");
	dk_buf_adds(&b, sym + at);
	return dk_buf_take(&b, NULL);
}
