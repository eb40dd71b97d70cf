/* read_drectve.c - the linker directives compilers leave in a .drectve section.
 *
 * GNU (MinGW gcc, clang in MinGW mode):
 *     -export:"add" -export:"counter",data -exclude-symbols:hid
 *   names are already what ld exports (i686: `sfunc@8`, no leading '_').
 * MSVC (cl, clang-cl, clang --target=*-windows-msvc):
 *     /EXPORT:_add /EXPORT:"_sfunc@8" /EXPORT:_counter,DATA
 *     /EXPORT:name=internal,@7,NONAME,PRIVATE  /EXPORT:x,EXPORTAS,y
 *   names are raw symbols; they are turned into .def names the way
 *   link.exe does it (dk_symbol_to_def_name).
 * Option names are case-insensitive; anything but export and
 * exclude-symbols (/DEFAULTLIB, -aligncomm, /INCLUDE, ...) is skipped.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "dllkit_private.h"

typedef struct span {
	const char *p;
	size_t n;
} span;

/* Split `s` at `delim` characters outside double quotes.  Returns the number
 * of pieces stored (at most max). */
static size_t split_outside_quotes(span s, char delim, span *out, size_t max)
{
	size_t count = 0, start = 0;
	bool q = false;

	for (size_t i = 0; i <= s.n; i++) {
		if (i < s.n && s.p[i] == '"')
			q = !q;
		if (i == s.n || (!q && s.p[i] == delim)) {
			if (count < max) {
				out[count].p = s.p + start;
				out[count].n = i - start;
			}
			count++;
			start = i + 1;
		}
	}
	return count;
}

/* Copy with the double quotes removed. */
static char *unquote(span s)
{
	char *r = malloc(s.n + 1), *w = r;
	if (!r)
		return NULL;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] != '"')
			*w++ = s.p[i];
	*w = '\0';
	return r;
}

static bool span_ieq(span s, const char *word)
{
	size_t n = strlen(word);
	return s.n == n && strncasecmp(s.p, word, n) == 0;
}

/* Appends grow the arrays by doubling: one realloc per directive made
 * 40,000 exports take 32 s under ASan, which copies on every realloc. */
static bool push_str(dk_directives *d, char *s)
{
	char **p = dk_reserve(d->exclude, &d->capexclude, d->nexclude + 1, sizeof *p);
	if (!p)
		return false;
	d->exclude = p;
	p[d->nexclude++] = s;
	return true;
}

static bool push_export(dk_directives *d, dk_export *e)
{
	dk_export *p = dk_reserve(d->exports, &d->capexports, d->nexports + 1, sizeof *p);
	if (!p)
		return false;
	d->exports = p;
	p[d->nexports++] = *e;
	return true;
}

/* Turn a directive name into the name a .def file gives it. */
static char *def_name(span s, dk_machine machine, bool msvc)
{
	char *raw = unquote(s), *r;
	if (!raw || !msvc)
		return raw;
	r = dk_symbol_to_def_name(raw, machine, DK_DIALECT_MSVC);
	free(raw);
	return r;
}

enum { MAX_FIELDS = 16 };

/* Parse the argument of one -export:/EXPORT: option into `d`. */
static int parse_export(dk_directives *d, span arg, bool msvc, dk_machine machine,
			const dk_loc *loc, dk_sink *s)
{
	span f[MAX_FIELDS], names[3];
	size_t nf = split_outside_quotes(arg, ',', f, MAX_FIELDS);
	size_t nn;
	dk_export e;

	memset(&e, 0, sizeof e);
	if (nf > MAX_FIELDS) {
		dk_report(s, DK_ERROR, loc, "export directive \"%.*s\" has too many fields",
			  (int)arg.n, arg.p);
		return DK_FAIL;
	}
	nn = split_outside_quotes(f[0], '=', names, 3);
	if (nn > 2 || names[0].n == 0 || (nn == 2 && names[1].n == 0)) {
		dk_report(s, DK_ERROR, loc, "malformed export directive \"%.*s\"", (int)arg.n,
			  arg.p);
		return DK_FAIL;
	}
	e.name = def_name(names[0], machine, msvc);
	if (!e.name)
		goto nomem;
	if (nn == 2) {
		char *in = unquote(names[1]);
		if (!in)
			goto nomem;
		/* `dll.func` on the right is a forwarder, as in a .def file. */
		if (dk_is_forward_target(in, strlen(in))) {
			e.forward = in;
		} else {
			free(in);
			e.internal = def_name(names[1], machine, msvc);
			if (!e.internal)
				goto nomem;
		}
	}
	/* `""` (or a lone `_` on i386) leaves nothing a linker could export. */
	if (!e.name[0] || (e.internal && !e.internal[0])) {
		dk_report(s, DK_ERROR, loc, "export directive \"%.*s\" has an empty name",
			  (int)arg.n, arg.p);
		dk_export_free(&e);
		return DK_FAIL;
	}
	for (size_t i = 1; i < nf; i++) {
		span a = f[i];
		if (span_ieq(a, "data")) {
			e.flags |= DK_EXPORT_DATA;
		} else if (span_ieq(a, "noname")) {
			e.flags |= DK_EXPORT_NONAME;
		} else if (span_ieq(a, "private")) {
			e.flags |= DK_EXPORT_PRIVATE;
		} else if (span_ieq(a, "constant")) {
			e.flags |= DK_EXPORT_CONSTANT;
		} else if (span_ieq(a, "exportas")) {
			free(e.export_as);
			e.export_as = i + 1 < nf ? unquote(f[++i]) : dk_strdup("");
			if (!e.export_as)
				goto nomem;
			if (!e.export_as[0]) {
				dk_report(s, DK_ERROR, loc,
					  "export directive \"%.*s\": EXPORTAS needs a name after it",
					  (int)arg.n, arg.p);
				dk_export_free(&e);
				return DK_FAIL;
			}
		} else if (a.n >= 2 && a.p[0] == '@') {
			unsigned long v = 0;
			for (size_t k = 1; k < a.n; k++) {
				if (!isdigit((unsigned char)a.p[k]) || v > 65535) {
					v = 0;
					break;
				}
				v = v * 10 + (unsigned long)(a.p[k] - '0');
			}
			if (v < 1 || v > 65535) {
				dk_report(s, DK_ERROR, loc,
					  "export directive \"%.*s\": ordinal \"%.*s\" is not a number in 1..65535",
					  (int)arg.n, arg.p, (int)a.n, a.p);
				dk_export_free(&e);
				return DK_FAIL;
			}
			if (e.ordinal) {
				/* Which one was meant?  Neither linker says; ask. */
				dk_report(s, DK_ERROR, loc,
					  "export directive \"%.*s\": ordinal given twice",
					  (int)arg.n, arg.p);
				dk_export_free(&e);
				return DK_FAIL;
			}
			e.ordinal = (uint32_t)v;
		} else {
			dk_report(s, DK_ERROR, loc, "export directive \"%.*s\": unknown attribute \"%.*s\"",
				  (int)arg.n, arg.p, (int)a.n, a.p);
			dk_export_free(&e);
			return DK_FAIL;
		}
	}
	if (!push_export(d, &e))
		goto nomem;
	return DK_OK;
nomem:
	dk_export_free(&e);
	dk_report(s, DK_ERROR, loc, "out of memory");
	return DK_FAIL;
}

static int parse_exclude(dk_directives *d, span arg, dk_machine machine, bool msvc,
			 const dk_loc *loc, dk_sink *s)
{
	span f[1];
	size_t n = split_outside_quotes(arg, ',', f, 0);
	span *all = malloc(n * sizeof *all);

	if (!all)
		goto nomem;
	split_outside_quotes(arg, ',', all, n);
	for (size_t i = 0; i < n; i++) {
		char *name;
		if (all[i].n == 0)
			continue;
		name = def_name(all[i], machine, msvc);
		if (name && !name[0]) {
			free(name); /* `""`: names nothing */
			continue;
		}
		if (!name || !push_str(d, name)) {
			free(name);
			goto nomem;
		}
	}
	free(all);
	return DK_OK;
nomem:
	free(all);
	dk_report(s, DK_ERROR, loc, "out of memory");
	return DK_FAIL;
}

int dk_directives_parse(dk_directives *d, const char *text, size_t len, dk_machine machine,
			const dk_loc *loc, dk_sink *s)
{
	size_t i = 0;
	int rc = DK_OK;

	while (i < len) {
		size_t start;
		bool q = false;
		span tok, opt, arg;
		const char *colon;
		dk_loc where = loc ? *loc : dk_loc_file(NULL);

		/* NULs pad the section; whitespace separates options. */
		while (i < len && (isspace((unsigned char)text[i]) || text[i] == '\0'))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && text[i] != '\0' && (q || !isspace((unsigned char)text[i]))) {
			if (text[i] == '"')
				q = !q;
			i++;
		}
		tok.p = text + start;
		tok.n = i - start;
		if (where.offset >= 0)
			where.offset += (long long)start;
		else
			where.offset = (long long)start;
		if (q) {
			dk_report(s, DK_ERROR, &where, "unterminated quote in directive \"%.*s\"",
				  (int)tok.n, tok.p);
			rc = DK_FAIL;
			continue;
		}
		if (tok.p[0] != '-' && tok.p[0] != '/')
			continue; /* not an option: nothing a linker would act on */
		colon = memchr(tok.p, ':', tok.n);
		opt.p = tok.p + 1;
		opt.n = colon ? (size_t)(colon - opt.p) : tok.n - 1;
		arg.p = colon ? colon + 1 : tok.p + tok.n;
		arg.n = colon ? tok.n - (size_t)(colon + 1 - tok.p) : 0;
		bool msvc = tok.p[0] == '/';
		if (span_ieq(opt, "export")) {
			if (d->dialect == DK_DIALECT_AUTO)
				d->dialect = msvc ? DK_DIALECT_MSVC : DK_DIALECT_GNU;
			if (arg.n == 0) {
				dk_report(s, DK_ERROR, &where, "export directive \"%.*s\" names nothing",
					  (int)tok.n, tok.p);
				rc = DK_FAIL;
				continue;
			}
			if (parse_export(d, arg, msvc, machine, &where, s) != DK_OK)
				rc = DK_FAIL;
		} else if (span_ieq(opt, "exclude-symbols")) {
			if (parse_exclude(d, arg, machine, msvc, &where, s) != DK_OK)
				rc = DK_FAIL;
		} else if (msvc && d->dialect == DK_DIALECT_AUTO && span_ieq(opt, "defaultlib")) {
			/* Only MSVC-style compilers name default libraries this way. */
			d->dialect = DK_DIALECT_MSVC;
		}
	}
	return rc;
}

void dk_directives_free(dk_directives *d)
{
	for (size_t i = 0; i < d->nexports; i++)
		dk_export_free(&d->exports[i]);
	free(d->exports);
	for (size_t i = 0; i < d->nexclude; i++)
		free(d->exclude[i]);
	free(d->exclude);
	memset(d, 0, sizeof *d);
}
