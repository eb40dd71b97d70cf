/* decorate.c - i386 name decoration, all in one place.
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
#include "internal.h"

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
