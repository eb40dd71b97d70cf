/* names.c - i386 name decoration, all in one place.
 *
 *   cdecl       _f          stdcall   _f@8
 *   fastcall    @f@8        vectorcall f@@8
 *   MSVC C++    ?f@@YAHH@Z
 *
 * MinGW's ld exports a symbol without its leading '_' (`_f@8` -> `f@8`);
 * link.exe and lld-link strip the '_' only from undecorated names, so a
 * stdcall function is exported as `_f@8`.  Other machines have no prefix.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "names_private.h"

/* True when s[at..] is '@' followed by one or more digits to the end. */
static bool at_digits_tail(const char *s, size_t at)
{
	if (s[at] != '@' || !s[at + 1])
		return false;
	for (size_t i = at + 1; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Position of the '@' that starts a trailing "@digits", or 0 when none. */
static size_t trailing_at(const char *s)
{
	const char *at = strrchr(s, '@');
	if (!at || at == s)
		return 0;
	return at_digits_tail(s, (size_t)(at - s)) ? (size_t)(at - s) : 0;
}

dk_callconv dk_i386_classify(const char *sym)
{
	size_t at;

	if (sym[0] == '?')
		return DK_CC_CPP;
	at = trailing_at(sym);
	if (sym[0] == '@' && at > 1)
		return DK_CC_FASTCALL;
	if (at > 1 && sym[at - 1] == '@')
		return DK_CC_VECTORCALL;
	if (sym[0] == '_' && at > 1)
		return DK_CC_STDCALL;
	if (sym[0] == '_')
		return DK_CC_CDECL;
	return DK_CC_PLAIN;
}

char *dk_symbol_to_def_name(const char *sym, dk_machine machine, dk_dialect dialect)
{
	if (!dk_machine_underscore(machine) || sym[0] != '_')
		return dk_strdup(sym);
	if (dialect == DK_DIALECT_MSVC && strchr(sym, '@'))
		return dk_strdup(sym);
	return dk_strdup(sym + 1);
}

char *dk_kill_at(const char *name)
{
	size_t at, start = 0;

	if (name[0] == '?')
		return NULL;
	at = trailing_at(name);
	if (!at)
		return NULL;
	if (name[0] == '@')
		start = 1; /* fastcall: @f@8 -> f */
	if (at > start + 1 && name[at - 1] == '@')
		at--; /* vectorcall: f@@8 -> f */
	if (at <= start)
		return NULL;
	return dk_strndup(name + start, at - start);
}

/*
 * i386: a .def name that already is its raw symbol and gets no '_' (the rule
 * of ld, llvm-dlltool and lld-link): fastcall `@f@8`, vectorcall `f@@8` and
 * C++ `?f@@...` in both dialects; in link.exe naming also a stdcall `_f@8`
 * (a GNU .def writes that one `f@8`, without its '_').
 */
bool dk_i386_def_name_is_symbol(const char *name, dk_dialect dialect)
{
	if (name[0] == '@' || name[0] == '?')
		return true;
	if (dialect == DK_DIALECT_MSVC)
		return strchr(name, '@') != NULL;
	return strstr(name, "@@") != NULL;
}

char *dk_def_name_to_symbol(const char *name, dk_machine machine, dk_dialect dialect)
{
	if (!dk_machine_underscore(machine) || dk_i386_def_name_is_symbol(name, dialect))
		return dk_strdup(name);
	dk_buf b;
	dk_buf_init(&b);
	dk_buf_addc(&b, '_');
	dk_buf_adds(&b, name);
	return dk_buf_take(&b, NULL);
}

char *dk_def_name_convert(const char *name, dk_machine machine, dk_dialect from, dk_dialect to)
{
	char *sym, *r;

	if (from == to || from == DK_DIALECT_AUTO || to == DK_DIALECT_AUTO ||
	    !dk_machine_underscore(machine))
		return dk_strdup(name);
	sym = dk_def_name_to_symbol(name, machine, from);
	if (!sym)
		return NULL;
	r = dk_symbol_to_def_name(sym, machine, to);
	free(sym);
	return r;
}

dk_dialect dk_i386_guess_dialect(const dk_module *m)
{
	bool msvc = false;

	for (size_t i = 0; i < m->nexports; i++) {
		const char *n = m->exports[i].name;
		dk_callconv cc = dk_i386_classify(n);
		/* `f@8` is what ld makes of `_f@8`; link.exe never exports it. */
		if (cc == DK_CC_PLAIN && trailing_at(n))
			return DK_DIALECT_GNU;
		if (cc == DK_CC_STDCALL)
			msvc = true;
	}
	return msvc ? DK_DIALECT_MSVC : DK_DIALECT_AUTO;
}

/* What a short-import name type makes of the symbol (the PE/COFF spec,
 * 7.3, as link.exe and lld-link apply it):
 *   NOPREFIX    drops one leading '?', '@' or '_';
 *   UNDECORATE  does that and cuts at the first '@' left. */
const char *dk_name_noprefix(const char *sym)
{
	return *sym == '?' || *sym == '@' || *sym == '_' ? sym + 1 : sym;
}

char *dk_name_undecorate(const char *sym)
{
	const char *p = dk_name_noprefix(sym);
	return dk_strndup(p, strcspn(p, "@"));
}

/* An ARM64EC symbol that already carries the EC mangling: `#f`, or a C++
 * name with `$$h`. */
bool dk_arm64ec_is_mangled(const char *sym)
{
	return sym[0] == '#' || (sym[0] == '?' && strstr(sym, "$$h") != NULL);
}

/* `#f` -> `f`, `?f@@$$hYAXXZ` -> `?f@@YAXXZ`, `??4S@@$$h` -> `??4S@@` (a
 * name that ends where the mangling goes: llvm-dlltool writes that too);
 * NULL when not EC-mangled. */
char *dk_arm64ec_demangle(const char *sym)
{
	const char *h;
	dk_buf b;

	if (sym[0] == '#')
		return dk_strdup(sym + 1);
	if (sym[0] != '?' || !(h = strstr(sym, "$$h")))
		return NULL;
	dk_buf_init(&b);
	dk_buf_add(&b, sym, (size_t)(h - sym));
	dk_buf_adds(&b, h + 3);
	return dk_buf_take(&b, NULL);
}

static bool streq_free(char *a, const char *b)
{
	bool r = a && strcmp(a, b) == 0;
	free(a);
	return r;
}

/* `f = f@4` (GNU) or `f = _f@4` (link.exe naming), as `ld --kill-at
 * --output-def` and `mkdef -k` write it: the DLL exports `f`, callers
 * reference the decorated internal name.  With -k that symbol is
 * imported, so stdcall callers link.  Returns the internal's raw symbol
 * (malloc'd), or NULL when the entry is not of that shape. */
static char *killed_internal_symbol(const dk_export *e, dk_dialect dialect, bool no_underscore)
{
	char *k, *sym;
	bool match;

	if (!e->internal || e->forward || e->import_name || e->export_as || e->name[0] == '?')
		return NULL;
	sym = no_underscore ? dk_strdup(e->internal)
			    : dk_def_name_to_symbol(e->internal, DK_MACHINE_I386, dialect);
	if (!sym)
		return NULL;
	k = dk_kill_at(sym);
	/* dk_kill_at keeps a stdcall symbol's C '_' (`_f@4` -> `_f`). */
	match = k && strcmp(k[0] == '_' && !no_underscore && sym[0] == '_' ? k + 1 : k, e->name) == 0;
	free(k);
	if (!match) {
		free(sym);
		return NULL;
	}
	return sym;
}

/*
 * How one export is imported.  The rules are llvm-dlltool's (its .def
 * parser, its driver and writeImportLibrary), so that our short libraries
 * match its bytes; where they import the wrong name we do not
 * (tests/cli/mkimplib_short.sh shows each such case beside llvm-dlltool):
 *   symbol     the .def name, on i386 with the C '_' unless decorated
 *              (see dk_i386_def_name_is_symbol) or --no-leading-underscore;
 *   NONAME     by ordinal;
 *   EXPORTAS   the given name, as given;
 *   == name    i386: UNDECORATE or NOPREFIX when either gives the name,
 *              else NAME when the symbol is the name (not on ARM64EC), else EXPORTAS
 *              (the short writer may make that a weak alias instead);
 *   -k         i386, not for `?` names: `_f@8` and `@f@8` -> UNDECORATE ("f");
 *              `f = f@8` (the kill-at .def form) -> the symbol `_f@8`, UNDECORATE
 *              (both dlltools import `_f` there, which no stdcall caller names);
 *   otherwise  i386: NOPREFIX for a symbol with a C '_' (GNU: any '_';
 *              MSVC: only the one we added, `_f@8` stays NAME), else NAME.
 * llvm-dlltool with --no-leading-underscore gives `_f` NOPREFIX and so
 * imports `f`; we import `_f`, the name the .def gives.
 */
int dk_import_name(const dk_export *e, const dk_implib_opts *o, dk_dialect dialect,
		   bool is_code, dk_import_naming *x)
{
	bool i386 = o->machine == DK_MACHINE_I386;
	bool prefixed = i386 && !o->no_leading_underscore && !dk_i386_def_name_is_symbol(e->name, dialect);
	const char *sym;
	char *load = NULL;

	memset(x, 0, sizeof *x);
	if (i386 && o->kill_at && !(e->flags & DK_EXPORT_NONAME) &&
	    (x->symbol = killed_internal_symbol(e, dialect, o->no_leading_underscore)) != NULL) {
		x->name_type = DK_NAME_UNDECORATE;
		if (!(x->load_name = dk_strdup(e->name)))
			goto nomem;
		return DK_OK;
	}
	if (prefixed) {
		dk_buf b;
		dk_buf_init(&b);
		dk_buf_addc(&b, '_');
		dk_buf_adds(&b, e->name);
		x->symbol = dk_buf_take(&b, NULL);
	} else {
		x->symbol = dk_strdup(e->name);
	}
	if (!x->symbol)
		return DK_FAIL;
	sym = x->symbol;

	if (e->flags & DK_EXPORT_NONAME) {
		x->name_type = DK_NAME_ORDINAL;
		return DK_OK;
	}
	if (e->export_as) {
		load = dk_strdup(e->export_as);
		x->name_type = DK_NAME_EXPORTAS;
	} else if (e->import_name) {
		load = dk_strdup(e->import_name);
		if (i386 && streq_free(dk_name_undecorate(sym), e->import_name))
			x->name_type = DK_NAME_UNDECORATE;
		else if (i386 && strcmp(dk_name_noprefix(sym), e->import_name) == 0)
			x->name_type = DK_NAME_NOPREFIX;
		else if (o->machine != DK_MACHINE_ARM64EC && strcmp(sym, e->import_name) == 0)
			x->name_type = DK_NAME_NAME; /* (ARM64EC: always EXPORTAS) */
		else
			x->name_type = DK_NAME_EXPORTAS;
	} else if (o->kill_at && i386 && sym[0] != '?' && sym[0] && strchr(sym + 1, '@')) {
		if (o->no_leading_underscore && sym[0] == '_') {
			/* No C prefix to drop: UNDECORATE would drop the '_'. */
			load = dk_strndup(sym, (size_t)(strchr(sym + 1, '@') - sym));
			x->name_type = DK_NAME_EXPORTAS;
		} else {
			load = dk_name_undecorate(sym);
			x->name_type = DK_NAME_UNDECORATE;
		}
	} else if (o->machine == DK_MACHINE_ARM64EC && is_code && dk_arm64ec_is_mangled(sym) &&
		   (load = dk_arm64ec_demangle(sym)) != NULL) {
		/* `#f` in the .def: the DLL exports `f` (llvm-dlltool). */
		x->name_type = DK_NAME_EXPORTAS;
	} else {
		bool c_prefix = prefixed || (i386 && !o->no_leading_underscore &&
					     dialect != DK_DIALECT_MSVC && sym[0] == '_');
		x->name_type = c_prefix ? DK_NAME_NOPREFIX : DK_NAME_NAME;
		load = dk_strdup(c_prefix ? dk_name_noprefix(sym) : sym);
	}
	if (!load)
		goto nomem;
	x->load_name = load;
	return DK_OK;
nomem:
	free(x->symbol);
	x->symbol = NULL;
	return DK_FAIL;
}

/* `f@8` -> `f`; in link.exe naming a decorated name keeps its C '_'
 * (`_f@8`), which the undecorated name does not have. */
static char *undecorated(const dk_module *m, const char *name)
{
	char *k = dk_kill_at(name);
	if (k && m->machine == DK_MACHINE_I386 && m->dialect == DK_DIALECT_MSVC && k[0] == '_' &&
	    name[0] == '_')
		memmove(k, k + 1, strlen(k));
	return k;
}

/*
 * --kill-at writes `f = f@8` (link.exe naming: `f = _f@8`), as
 * `ld --kill-at --output-def` does; both linkers then export "f" from the
 * decorated symbol, in a sorted name table.  The GNU `f@8 == f` form is
 * not used: GNU ld 2.40 sorts its name table by `f@8` but writes "f", so
 * with `f`, `f2` and `f10` the table is out of order and the loader's
 * binary search misses names (lld exports `f@8` there instead).
 * --add-stdcall-alias keeps `f@8` and adds `f = f@8`.
 */
int dk_module_apply_stdcall(dk_module *m, bool kill_at, bool add_alias, dk_sink *s)
{
	size_t n = m->nexports;

	if (!kill_at && !add_alias)
		return DK_OK;
	for (size_t i = 0; i < n; i++) {
		dk_export *e = &m->exports[i];
		char *k;

		if (e->internal || e->forward || e->export_as || e->import_name)
			continue;
		k = undecorated(m, e->name);
		if (!k)
			continue;
		if (kill_at) {
			e->internal = e->name;
			e->name = k;
		} else {
			dk_export a;
			if (dk_module_find(m, k) >= 0) {
				free(k);
				continue;
			}
			memset(&a, 0, sizeof a);
			a.name = k;
			a.internal = e->name;
			a.flags = e->flags & (DK_EXPORT_DATA | DK_EXPORT_PRIVATE);
			a.origin = e->origin;
			bool ok = dk_module_add(m, &a) != NULL;
			free(k);
			if (!ok)
				goto nomem;
		}
	}
	return DK_OK;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
	return DK_FAIL;
}

int dk_module_kill_at_to_import_names(dk_module *m)
{
	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		char *k;
		bool match;

		if (!e->internal || e->forward || e->import_name || e->export_as)
			continue;
		k = undecorated(m, e->internal);
		match = k && strcmp(k, e->name) == 0;
		free(k);
		if (!match)
			continue;
		e->import_name = e->name;
		e->name = e->internal;
		e->internal = NULL;
	}
	return DK_OK;
}

/* DLL names, for import libraries: the base name the loader looks for, and
 * the stem helper-member symbols are made of. */
const char *dk_dll_basename(const char *dll_name)
{
	const char *base = dll_name;

	for (const char *p = dll_name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	return base;
}

/* As llvm::sys::path::stem: the file name up to its last '.', so "foo.dll"
 * -> "foo", "a.b.dll" -> "a.b", ".dll" -> "", "foo" -> "foo". */
char *dk_dll_stem(const char *dll_name)
{
	const char *base = dk_dll_basename(dll_name), *dot = strrchr(base, '.');

	if (!dot || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return dk_strdup(base);
	return dk_strndup(base, (size_t)(dot - base));
}

char *dk_dll_file_name(const char *name, bool exe)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	size_t n = strlen(name);
	char *r;

	if (strchr(base, '.'))
		return dk_strdup(name);
	r = malloc(n + 5);
	if (!r)
		return NULL;
	memcpy(r, name, n);
	strcpy(r + n, exe ? ".exe" : ".dll");
	return r;
}

char *dk_dll_name_from_def_path(const char *def_path)
{
	const char *base = strrchr(def_path, '/') ? strrchr(def_path, '/') + 1 : def_path;
	size_t n = strlen(base);
	char *r;

	if (n > 4 && strcasecmp(base + n - 4, ".def") == 0)
		n -= 4;
	r = malloc(n + 5);
	if (!r)
		return NULL;
	memcpy(r, base, n);
	strcpy(r + n, ".dll");
	return r;
}
