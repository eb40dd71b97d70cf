/*
 * write_def.c - write a module as .def text.
 *
 * The output is deterministic and shaped for people to read:
 *
 *	LIBRARY "foo.dll" BASE=0x10000000
 *	DESCRIPTION "..."
 *	VERSION 1.2
 *	HEAPSIZE 0x100000,0x1000
 *	STACKSIZE 0x200000
 *	STUB "stub.exe"
 *	SECTIONS
 *	    .shared READ WRITE SHARED
 *	CODE EXECUTE READ
 *	IMPORTS
 *	    internal = module.entry
 *	EXPORTS
 *	    add
 *	    counter DATA
 *	    alias = real @3 NONAME
 *	    fwd = kernel32.HeapAlloc
 *	    x @4 PRIVATE CONSTANT == impname EXPORTAS real_x
 *
 * It is the inverse of read_def.c: parsing the output gives the same module
 * (but for the `origin` of each export and the machine, which a .def file
 * cannot say), and writing that again gives the same bytes.  For that, a
 * name is quoted whenever the parser could read it as something else; see
 * needs_quote().  The exports are written in the model's order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit_private.h"

typedef struct writer {
	dk_buf b;
	dk_sink *sink;
	unsigned errors;
} writer;

static void werr(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void werr(writer *w, const char *fmt, ...)
{
	va_list ap;

	w->errors++;
	va_start(ap, fmt);
	dk_vreport(w->sink, DK_ERROR, NULL, fmt, ap);
	va_end(ap);
}

/* A name made printable on one line for a message: line breaks shown as \n, \r. */
static const char *show(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	for (; *s && o + 4 < size; s++) {
		if (*s == '\n' || *s == '\r') {
			buf[o++] = '\\';
			buf[o++] = *s == '\n' ? 'n' : 'r';
		} else {
			buf[o++] = *s;
		}
	}
	if (*s && o + 3 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * When a name must be quoted for the parser to read it back as that name:
 * empty; a keyword (upper case: NAME, DATA, NONAME, ...); starting with a
 * digit, with '@' and a digit or '@' alone (an ordinal), or with "STUB:"
 * (Microsoft's STUB:file); containing whitespace or one of ; = , " '
 * or '#' (GNU ld's .def lexer does not take '#' in a name: an ordinal
 * forwarder `dll.#3` must be quoted for it).
 */
static bool needs_quote(const char *s)
{
	if (!*s || dk_def_is_keyword(s) || is_digit(s[0]))
		return true;
	if (s[0] == '@' && (s[1] == '\0' || is_digit(s[1])))
		return true;
	if (strncmp(s, "STUB:", 5) == 0)
		return true;
	return strpbrk(s, " \t\v\f\r\n;=,\"'#") != NULL;
}

/*
 * Append `s`, quoted when needed, with '"' unless it holds a '"'.  A name
 * with a line break, or with both quote characters, cannot be written:
 * report it (`what` says which name it is) and return false.
 */
static bool put_name(writer *w, const char *s, bool always_quote, const char *what)
{
	char shown[256];
	bool dq, sq;

	if (strpbrk(s, "\n\r")) {
		werr(w, "cannot write %s \"%s\" to a .def file: it contains a line break", what,
		     show(s, shown, sizeof shown));
		return false;
	}
	dq = strchr(s, '"') != NULL;
	sq = strchr(s, '\'') != NULL;
	if (dq && sq) {
		werr(w, "cannot write %s %s to a .def file: it contains both quote characters (\" and ')",
		     what, show(s, shown, sizeof shown));
		return false;
	}
	if (!always_quote && !needs_quote(s)) {
		dk_buf_adds(&w->b, s);
		return true;
	}
	dk_buf_addc(&w->b, dq ? '\'' : '"');
	dk_buf_adds(&w->b, s);
	dk_buf_addc(&w->b, dq ? '\'' : '"');
	return true;
}

/* The parser's forwarder rule (see read_def.c): a '.' after a non-empty module part. */
static bool is_forwarder(const char *s)
{
	return s[0] != '\0' && s[0] != '.' && strchr(s, '.') != NULL;
}

/*
 * Section attributes are written as they are kept: words and quoted words,
 * one space apart, as the parser stores them.  Anything else would read
 * back differently.
 */
static bool attrs_ok(const char *a)
{
	const char *p = a;

	if (!*p)
		return true;
	for (;;) {
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q) {
				if (*p == '\n' || *p == '\r')
					return false;
				p++;
			}
			if (!*p)
				return false;
			p++;
		} else {
			const char *start = p;
			while (*p && *p != ' ') {
				if (strchr("\t\v\f\r\n;=,", *p))
					return false;
				p++;
			}
			if (p == start)
				return false;
		}
		if (!*p)
			return true;
		if (*p != ' ' || p[1] == '\0')
			return false;
		p++;
	}
}

static void put_section(writer *w, const dk_section_attr *sa)
{
	char shown[256], shown2[256];

	if (sa->attrs && !attrs_ok(sa->attrs)) {
		werr(w, "cannot write the attributes \"%s\" of section \"%s\": expected words and quoted words one space apart",
		     show(sa->attrs, shown, sizeof shown), show(sa->name, shown2, sizeof shown2));
		return;
	}
	if (sa->attrs && *sa->attrs) {
		dk_buf_addc(&w->b, ' ');
		dk_buf_adds(&w->b, sa->attrs);
	}
	dk_buf_addc(&w->b, '\n');
}

static void put_sections(writer *w, const dk_module *m)
{
	bool in_list = false;

	for (size_t i = 0; i < m->nsections; i++) {
		const dk_section_attr *sa = &m->sections[i];
		if (!sa->name) {
			werr(w, "cannot write a section without a name");
			continue;
		}
		/* CODE and DATA are statements of their own (read_def.c keeps them as sections). */
		if (strcmp(sa->name, "CODE") == 0 || strcmp(sa->name, "DATA") == 0) {
			dk_buf_adds(&w->b, sa->name);
			in_list = false;
		} else {
			if (!in_list)
				dk_buf_adds(&w->b, "SECTIONS\n");
			in_list = true;
			dk_buf_adds(&w->b, "    ");
			if (!put_name(w, sa->name, false, "section name"))
				continue;
		}
		put_section(w, sa);
	}
}

static void put_imports(writer *w, const dk_module *m)
{
	char shown[256], shown2[256];

	if (!m->nimports)
		return;
	dk_buf_adds(&w->b, "IMPORTS\n");
	for (size_t i = 0; i < m->nimports; i++) {
		const dk_import *im = &m->imports[i];
		char *target;
		size_t ml, el;

		if (!im->module || !*im->module || !im->entry || !*im->entry) {
			werr(w, "cannot write an import without a module and an entry name");
			continue;
		}
		/* The parser splits module.entry at the last '.'. */
		if (strchr(im->entry, '.')) {
			werr(w, "cannot write import entry \"%s\" of module \"%s\": it contains '.'",
			     show(im->entry, shown, sizeof shown), show(im->module, shown2, sizeof shown2));
			continue;
		}
		dk_buf_adds(&w->b, "    ");
		if (im->internal) {
			if (!put_name(w, im->internal, false, "import name"))
				continue;
			dk_buf_adds(&w->b, " = ");
		}
		ml = strlen(im->module);
		el = strlen(im->entry);
		target = malloc(ml + el + 2);
		if (!target) {
			w->b.failed = true;
			return;
		}
		memcpy(target, im->module, ml);
		target[ml] = '.';
		memcpy(target + ml + 1, im->entry, el + 1);
		put_name(w, target, false, "import");
		free(target);
		dk_buf_addc(&w->b, '\n');
	}
}

static void put_export(writer *w, const dk_export *e)
{
	char shown[256], shown2[256];

	if (!e->name) {
		werr(w, "cannot write an export without a name");
		return;
	}
	if (e->internal && e->forward) {
		werr(w, "cannot write export \"%s\": it has both an internal name and a forward target",
		     show(e->name, shown, sizeof shown));
		return;
	}
	if (e->internal && is_forwarder(e->internal)) {
		werr(w, "cannot write export \"%s\": its internal name \"%s\" contains '.', which linkers read as a forwarder",
		     show(e->name, shown, sizeof shown), show(e->internal, shown2, sizeof shown2));
		return;
	}
	if (e->forward && !is_forwarder(e->forward)) {
		werr(w, "cannot write export \"%s\": its forward target \"%s\" is not module.function",
		     show(e->name, shown, sizeof shown), show(e->forward, shown2, sizeof shown2));
		return;
	}
	if (e->ordinal > 65535) {
		werr(w, "cannot write export \"%s\": ordinal %u is out of range 1..65535",
		     show(e->name, shown, sizeof shown), (unsigned)e->ordinal);
		return;
	}
	dk_buf_adds(&w->b, "    ");
	if (!put_name(w, e->name, false, "export name"))
		return;
	if (e->internal || e->forward) {
		dk_buf_adds(&w->b, " = ");
		if (!put_name(w, e->internal ? e->internal : e->forward, false,
			      e->internal ? "internal name" : "forward target"))
			return;
	}
	if (e->ordinal)
		dk_buf_printf(&w->b, " @%u", (unsigned)e->ordinal);
	if (e->flags & DK_EXPORT_NONAME)
		dk_buf_adds(&w->b, " NONAME");
	if (e->flags & DK_EXPORT_DATA)
		dk_buf_adds(&w->b, " DATA");
	if (e->flags & DK_EXPORT_PRIVATE)
		dk_buf_adds(&w->b, " PRIVATE");
	if (e->flags & DK_EXPORT_CONSTANT)
		dk_buf_adds(&w->b, " CONSTANT");
	if (e->import_name) {
		dk_buf_adds(&w->b, " == ");
		if (!put_name(w, e->import_name, false, "import name"))
			return;
	}
	if (e->export_as) {
		dk_buf_adds(&w->b, " EXPORTAS ");
		if (!put_name(w, e->export_as, false, "EXPORTAS name"))
			return;
	}
	dk_buf_addc(&w->b, '\n');
}

int dk_def_write(const dk_module *m, char **out, size_t *outlen, dk_sink *s)
{
	writer w;
	char *text;
	size_t len;

	*out = NULL;
	if (outlen)
		*outlen = 0;
	dk_buf_init(&w.b);
	w.sink = s;
	w.errors = 0;

	if (m->has_name_stmt || m->name || m->has_base) {
		dk_buf_adds(&w.b, m->is_exe ? "NAME" : "LIBRARY");
		if (m->name) {
			dk_buf_addc(&w.b, ' ');
			put_name(&w, m->name, true, "module name");
		}
		if (m->has_base)
			dk_buf_printf(&w.b, " BASE=%llu", (unsigned long long)m->base);
		dk_buf_addc(&w.b, '\n');
	}
	if (m->description) {
		dk_buf_adds(&w.b, "DESCRIPTION ");
		put_name(&w, m->description, true, "description");
		dk_buf_addc(&w.b, '\n');
	}
	if (m->has_version) {
		if (m->version_major > 65535 || m->version_minor > 65535)
			werr(&w, "cannot write VERSION %u.%u: each part must be in 0..65535", m->version_major,
			     m->version_minor);
		else
			dk_buf_printf(&w.b, "VERSION %u.%u\n", m->version_major, m->version_minor);
	}
	if (m->has_heap || m->has_heap_commit) {
		dk_buf_printf(&w.b, "HEAPSIZE %llu", (unsigned long long)m->heap_reserve);
		if (m->has_heap_commit)
			dk_buf_printf(&w.b, ",%llu", (unsigned long long)m->heap_commit);
		dk_buf_addc(&w.b, '\n');
	}
	if (m->has_stack || m->has_stack_commit) {
		dk_buf_printf(&w.b, "STACKSIZE %llu", (unsigned long long)m->stack_reserve);
		if (m->has_stack_commit)
			dk_buf_printf(&w.b, ",%llu", (unsigned long long)m->stack_commit);
		dk_buf_addc(&w.b, '\n');
	}
	if (m->stub) {
		dk_buf_adds(&w.b, "STUB ");
		put_name(&w, m->stub, true, "stub file name");
		dk_buf_addc(&w.b, '\n');
	}
	put_sections(&w, m);
	put_imports(&w, m);
	/* Both dlltools read `_f@8` as the symbol `__f@8`; a .def in
	 * link.exe's naming says how it must be read. */
	if (m->machine == DK_MACHINE_I386 && m->dialect == DK_DIALECT_MSVC &&
	    dk_i386_guess_dialect(m) == DK_DIALECT_MSVC)
		dk_buf_adds(&w.b, "; i386 names as link.exe writes them (_f@8): "
				  "read with mkimplib --dialect msvc or lib.exe\n");
	dk_buf_adds(&w.b, "EXPORTS\n");
	for (size_t i = 0; i < m->nexports; i++)
		put_export(&w, &m->exports[i]);

	if (w.errors) {
		dk_buf_free(&w.b);
		return DK_FAIL;
	}
	text = dk_buf_take(&w.b, &len);
	if (!text) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return DK_FAIL;
	}
	*out = text;
	if (outlen)
		*outlen = len;
	return DK_OK;
}
