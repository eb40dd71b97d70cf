/*
 * read_def.c - the module-definition (.def) file parser.
 *
 * The grammar is Microsoft's (LIBRARY, NAME, EXPORTS, DESCRIPTION, VERSION,
 * HEAPSIZE, STACKSIZE, STUB, SECTIONS/SEGMENTS, and the old IMPORTS, CODE
 * and DATA statements) with the GNU/LLVM extensions (`== import name`,
 * EXPORTAS, commas between attributes).  The 16-bit EXETYPE statement, still
 * found in Windows SDK samples, is read and ignored with a warning, as
 * link.exe does (LNK4017).
 *
 * The text is read one line at a time.  Each line is cut into tokens (words,
 * quoted names, '=', '==', ','); a line whose first token is a statement
 * keyword starts that statement, any other line is an entry of the list
 * statement in force (EXPORTS, IMPORTS or SECTIONS).  Working by lines keeps
 * error recovery simple and honest: a bad line is reported with its
 * line:column and the parse goes on with the next line, so one run shows
 * every error, and the whole parse then fails.  (GNU dlltool stops at the
 * first error and silently drops the rest of the file; we never do that.)
 *
 * Keywords are upper case only, as in link.exe and lld: `HeapSize`,
 * `Version` or `data` are ordinary names.  A quoted token is never a keyword
 * and never an ordinal.  Columns count bytes from 1; a UTF-8 byte order mark
 * at the start of the text is skipped and not counted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit_private.h"

/* Statements start a line.  The first five take a list of entries. */
static const char *const statement_words[] = {
	"EXPORTS", "IMPORTS", "SECTIONS", "SEGMENTS", "LIBRARY", "NAME", "DESCRIPTION",
	"VERSION", "HEAPSIZE", "STACKSIZE", "STUB", "CODE", "DATA", "EXETYPE",
};

/* Words that are keywords only after an export name (or BASE in LIBRARY). */
static const char *const attribute_words[] = {
	"NONAME", "PRIVATE", "CONSTANT", "EXPORTAS", "BASE",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool word_in(const char *w, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0)
			return true;
	return false;
}

static bool is_keyword_n(const char *w, size_t n)
{
	/* Every keyword is 4 to 11 capitals: most names are out at once. */
	if (n < 4 || n > 11 || w[0] < 'A' || w[0] > 'Z')
		return false;
	return word_in(w, n, statement_words, COUNT(statement_words)) ||
	       word_in(w, n, attribute_words, COUNT(attribute_words));
}

bool dk_def_is_keyword(const char *word)
{
	return word && is_keyword_n(word, strlen(word));
}

/* ------------------------------------------------------------------ */
/* Tokens                                                               */
/* ------------------------------------------------------------------ */

typedef enum tok_kind {
	T_WORD,   /* unquoted: keyword, name, number, @ordinal */
	T_QUOTED, /* "..." or '...'; never a keyword */
	T_EQ,     /* = */
	T_EQEQ,   /* == */
	T_COMMA,  /* , */
	T_COLON,  /* the ':' of Microsoft's STUB:name, and only there */
} tok_kind;

typedef struct tok {
	tok_kind kind;
	const char *s; /* the word, or what is between the quotes */
	size_t n;
	const char *raw; /* as written, quotes included */
	size_t rawn;
	unsigned col;
} tok;

typedef enum section_state { S_TOP, S_EXPORTS, S_IMPORTS, S_SECTIONS } section_state;

typedef struct parser {
	dk_module *m;
	const char *file;
	dk_sink *sink;
	const char *text;      /* start of the whole text, for byte offsets */
	const char *linestart; /* first byte of the line (after a BOM on line 1) */
	unsigned line;
	unsigned errors;
	bool oom;
	section_state state;
	unsigned name_line; /* line of the LIBRARY/NAME statement seen in this text */
	size_t capimports, capsections; /* allocated in m (0: not known, grown on the next add) */
	tok *toks;
	size_t ntoks, tokcap;
} parser;

static void perr(parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void perr(parser *p, unsigned col, const char *fmt, ...)
{
	dk_loc loc = dk_loc_file(p->file);
	va_list ap;

	loc.line = p->line;
	loc.column = col;
	if (col)
		loc.offset = (long long)(p->linestart - p->text) + col - 1;
	p->errors++;
	va_start(ap, fmt);
	dk_vreport(p->sink, DK_ERROR, &loc, fmt, ap);
	va_end(ap);
}

/* A warning: reported like an error, but the parse does not fail for it. */
static void pwarn(parser *p, unsigned col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void pwarn(parser *p, unsigned col, const char *fmt, ...)
{
	dk_loc loc = dk_loc_file(p->file);
	va_list ap;

	loc.line = p->line;
	loc.column = col;
	if (col)
		loc.offset = (long long)(p->linestart - p->text) + col - 1;
	va_start(ap, fmt);
	dk_vreport(p->sink, DK_WARNING, &loc, fmt, ap);
	va_end(ap);
}

static void oom(parser *p)
{
	if (!p->oom) {
		dk_loc loc = dk_loc_file(p->file);
		loc.line = p->line;
		dk_report(p->sink, DK_ERROR, &loc, "out of memory");
		p->errors++;
	}
	p->oom = true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Longest piece of a name or word shown in a message. */
#define SHOW 200
#define SHOWN(t) (int)((t)->n < SHOW ? (t)->n : SHOW), (t)->s

static bool push_tok(parser *p, const tok *t)
{
	tok *nt = dk_reserve(p->toks, &p->tokcap, p->ntoks + 1, sizeof *nt);
	if (!nt) {
		oom(p);
		return false;
	}
	p->toks = nt;
	p->toks[p->ntoks++] = *t;
	return true;
}

static bool tok_is(const tok *t, const char *word)
{
	return t->kind == T_WORD && strlen(word) == t->n && memcmp(t->s, word, t->n) == 0;
}

/* Cut the line [b, e) into p->toks.  False (after reporting) on a lexical error. */
static bool lex_line(parser *p, const char *b, const char *e)
{
	const char *q = b;
	const char *nul = memchr(b, '\0', (size_t)(e - b));

	p->ntoks = 0;
	if (nul) {
		perr(p, (unsigned)(nul - b) + 1, "NUL byte in the text");
		return false;
	}
	while (q < e) {
		char c = *q;
		tok t;

		if (is_space(c)) {
			q++;
			continue;
		}
		if (c == ';') /* a comment, to the end of the line */
			break;
		t.col = (unsigned)(q - b) + 1;
		t.raw = t.s = q;
		if (c == '=') {
			bool two = q + 1 < e && q[1] == '=';
			t.kind = two ? T_EQEQ : T_EQ;
			t.n = two ? 2 : 1;
			q += t.n;
		} else if (c == ',') {
			t.kind = T_COMMA;
			t.n = 1;
			q++;
		} else if (c == '"' || c == '\'') {
			/* Anything but the closing quote or a line break; no escapes. */
			const char *close = q + 1;
			while (close < e && *close != c && *close != '\r')
				close++;
			if (close >= e || *close != c) {
				bool text = p->ntoks > 0 && tok_is(&p->toks[0], "DESCRIPTION");
				perr(p, t.col, "unterminated quoted %s", text ? "text" : "name");
				return false;
			}
			t.kind = T_QUOTED;
			t.s = q + 1;
			t.n = (size_t)(close - q - 1);
			q = close + 1;
		} else {
			/* A word runs to a space, '=', ',' or ';'.  A quote character
			 * inside a word is part of it (as in link.exe and lld). */
			const char *w = q;
			while (q < e && !is_space(*q) && *q != '=' && *q != ',' && *q != ';') {
				/* STUB:file (Microsoft) is STUB, ':', file. */
				if (*q == ':' && p->ntoks == 0 && q - w == 4 && memcmp(w, "STUB", 4) == 0)
					break;
				q++;
			}
			t.kind = T_WORD;
			t.n = (size_t)(q - w);
		}
		t.rawn = (size_t)(q - t.raw);
		if (!push_tok(p, &t))
			return false;
		if (t.kind == T_WORD && q < e && *q == ':' && p->ntoks == 1 && tok_is(&t, "STUB")) {
			tok colon = { T_COLON, q, 1, q, 1, (unsigned)(q - b) + 1 };
			q++;
			if (!push_tok(p, &colon))
				return false;
		}
	}
	return true;
}

/* The column just past the last token: where a missing piece was expected. */
static unsigned end_col(const parser *p)
{
	const tok *t;

	if (!p->ntoks)
		return 1;
	t = &p->toks[p->ntoks - 1];
	return t->col + (unsigned)t->rawn;
}

/* How a token is shown in "found ..." and "unexpected ..." messages. */
static void describe(const tok *t, char *buf, size_t size)
{
	switch (t->kind) {
	case T_WORD:
		snprintf(buf, size, "\"%.*s\"", SHOWN(t));
		break;
	case T_QUOTED:
		snprintf(buf, size, "quoted name %c%.*s%c", t->raw[0], SHOWN(t), t->raw[0]);
		break;
	case T_EQ:
		snprintf(buf, size, "'='");
		break;
	case T_EQEQ:
		snprintf(buf, size, "'=='");
		break;
	case T_COMMA:
		snprintf(buf, size, "','");
		break;
	case T_COLON:
		snprintf(buf, size, "':'");
		break;
	}
}

/* A token usable as a name: quoted, or a word that is not a keyword. */
static bool is_name_tok(const tok *t)
{
	return t->kind == T_QUOTED || (t->kind == T_WORD && !is_keyword_n(t->s, t->n));
}

/*
 * Expect a name at toks[i] (after `after`, e.g. "'='").  Reports and returns
 * false when the line ends or something else is there.
 */
static bool want_name(parser *p, size_t i, const char *after)
{
	char what[SHOW + 32];

	if (i >= p->ntoks) {
		perr(p, end_col(p), "expected a name after %s", after);
		return false;
	}
	if (is_name_tok(&p->toks[i]) && p->toks[i].n == 0) {
		/* `""`: no linker or loader can use an empty name, and an
		 * import library holding one is refused by every reader. */
		perr(p, p->toks[i].col, "the name after %s is empty", after);
		return false;
	}
	if (is_name_tok(&p->toks[i]))
		return true;
	if (p->toks[i].kind == T_WORD)
		perr(p, p->toks[i].col,
		     "expected a name after %s, found keyword %.*s; quote it (\"%.*s\") to use it as a name",
		     after, SHOWN(&p->toks[i]), SHOWN(&p->toks[i]));
	else {
		describe(&p->toks[i], what, sizeof what);
		perr(p, p->toks[i].col, "expected a name after %s, found %s", after, what);
	}
	return false;
}

static char *tok_dup(parser *p, const tok *t)
{
	char *s = dk_strndup(t->s, t->n);
	if (!s)
		oom(p);
	return s;
}

/*
 * A number: decimal, or hexadecimal with 0x.  `what` names it in messages.
 */
static bool parse_number(parser *p, const tok *t, uint64_t *out, const char *what)
{
	const char *s = t->s;
	size_t n = t->n, i = 0;
	unsigned base = 10;
	uint64_t v = 0;

	if (t->kind != T_WORD) {
		char d[SHOW + 32];
		describe(t, d, sizeof d);
		perr(p, t->col, "expected %s, found %s", what, d);
		return false;
	}
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		goto bad;
	for (; i < n; i++) {
		unsigned d;
		char c = s[i];
		if (is_digit(c))
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			goto bad;
		if (v > (UINT64_MAX - d) / base) {
			perr(p, t->col, "number %.*s is too large for %s", SHOWN(t), what);
			return false;
		}
		v = v * base + d;
	}
	*out = v;
	return true;
bad:
	perr(p, t->col, "expected %s (decimal, or hexadecimal with 0x), found \"%.*s\"", what,
	     SHOWN(t));
	return false;
}

/* Complain about the first token of a statement's leftovers. */
static void unexpected_after(parser *p, size_t i, const char *stmt, const char *usage)
{
	char d[SHOW + 32];

	describe(&p->toks[i], d, sizeof d);
	perr(p, p->toks[i].col, "unexpected %s in %s statement; expected %s", d, stmt, usage);
}

/* ------------------------------------------------------------------ */
/* Statements                                                           */
/* ------------------------------------------------------------------ */

/* LIBRARY [name] [BASE=address]   /   NAME [name] [BASE=address] */
static void st_library(parser *p, bool is_exe)
{
	const char *kw = is_exe ? "NAME" : "LIBRARY";
	const char *usage = is_exe ? "NAME [name] [BASE=address]" : "LIBRARY [name] [BASE=address]";
	const tok *name = NULL;
	uint64_t base = 0;
	bool has_base = false;
	size_t i = 1;

	if (p->m->has_name_stmt) {
		if (p->name_line)
			perr(p, p->toks[0].col,
			     "second LIBRARY/NAME statement; the module is already named on line %u",
			     p->name_line);
		else
			perr(p, p->toks[0].col, "second LIBRARY/NAME statement");
		return;
	}
	if (i < p->ntoks && is_name_tok(&p->toks[i]))
		name = &p->toks[i++];
	if (i < p->ntoks && tok_is(&p->toks[i], "BASE")) {
		i++;
		if (i >= p->ntoks || p->toks[i].kind != T_EQ) {
			perr(p, i < p->ntoks ? p->toks[i].col : end_col(p), "expected '=' after BASE");
			return;
		}
		i++;
		if (i >= p->ntoks) {
			perr(p, end_col(p), "expected an address after BASE=");
			return;
		}
		if (!parse_number(p, &p->toks[i], &base, "an address"))
			return;
		has_base = true;
		i++;
	}
	if (i < p->ntoks) {
		unexpected_after(p, i, kw, usage);
		return;
	}
	if (name) {
		char *s = tok_dup(p, name);
		if (!s)
			return;
		free(p->m->name);
		p->m->name = s;
	}
	p->m->is_exe = is_exe;
	p->m->has_name_stmt = true;
	p->name_line = p->line;
	if (has_base) {
		p->m->has_base = true;
		p->m->base = base;
	}
}

/* DESCRIPTION "text" */
static void st_description(parser *p)
{
	const tok *t;
	char *s;

	if (p->ntoks < 2) {
		perr(p, end_col(p), "expected a quoted text after DESCRIPTION");
		return;
	}
	t = &p->toks[1];
	if (t->kind != T_QUOTED && t->kind != T_WORD) {
		char d[SHOW + 32];
		describe(t, d, sizeof d);
		perr(p, t->col, "expected a quoted text after DESCRIPTION, found %s", d);
		return;
	}
	if (p->ntoks > 2) {
		unexpected_after(p, 2, "DESCRIPTION", "DESCRIPTION \"text\" (quote text with spaces)");
		return;
	}
	if (p->m->description) {
		perr(p, p->toks[0].col, "DESCRIPTION given twice");
		return;
	}
	s = tok_dup(p, t);
	if (s)
		p->m->description = s;
}

/* One part of VERSION major[.minor]: digits, 0..65535. */
static bool version_part(parser *p, const char *s, size_t n, unsigned col, unsigned *out)
{
	unsigned long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535) {
		perr(p, col, "version number %.*s is out of range 0..65535", (int)(n < SHOW ? n : SHOW), s);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

/* VERSION major[.minor] */
static void st_version(parser *p)
{
	const tok *t;
	size_t a = 0, dot, b;
	unsigned major, minor = 0;

	if (p->ntoks < 2 || p->toks[1].kind != T_WORD) {
		perr(p, p->ntoks < 2 ? end_col(p) : p->toks[1].col, "expected VERSION major[.minor]");
		return;
	}
	t = &p->toks[1];
	while (a < t->n && is_digit(t->s[a]))
		a++;
	dot = a;
	b = a;
	if (a < t->n && t->s[a] == '.') {
		b = a + 1;
		while (b < t->n && is_digit(t->s[b]))
			b++;
		if (b == a + 1)
			b = 0; /* "1." */
	}
	if (a == 0 || b != t->n) {
		perr(p, t->col, "expected VERSION major[.minor], found \"%.*s\"", SHOWN(t));
		return;
	}
	if (!version_part(p, t->s, a, t->col, &major))
		return;
	if (dot < t->n && !version_part(p, t->s + dot + 1, t->n - dot - 1, t->col + (unsigned)dot + 1, &minor))
		return;
	if (p->ntoks > 2) {
		unexpected_after(p, 2, "VERSION", "VERSION major[.minor]");
		return;
	}
	if (p->m->has_version) {
		perr(p, p->toks[0].col, "VERSION given twice");
		return;
	}
	p->m->has_version = true;
	p->m->version_major = major;
	p->m->version_minor = minor;
}

/* HEAPSIZE reserve[,commit]   /   STACKSIZE reserve[,commit] */
static void st_size(parser *p, bool heap)
{
	const char *kw = heap ? "HEAPSIZE" : "STACKSIZE";
	uint64_t reserve, commit = 0;
	bool has_commit = false;

	if (p->ntoks < 2) {
		perr(p, end_col(p), "expected a size after %s", kw);
		return;
	}
	if (!parse_number(p, &p->toks[1], &reserve, "a size"))
		return;
	if (p->ntoks > 2) {
		if (p->toks[2].kind != T_COMMA) {
			unexpected_after(p, 2, kw, heap ? "HEAPSIZE reserve[,commit]" : "STACKSIZE reserve[,commit]");
			return;
		}
		if (p->ntoks < 4) {
			perr(p, end_col(p), "expected a commit size after ','");
			return;
		}
		if (!parse_number(p, &p->toks[3], &commit, "a commit size"))
			return;
		has_commit = true;
		if (p->ntoks > 4) {
			unexpected_after(p, 4, kw, heap ? "HEAPSIZE reserve[,commit]" : "STACKSIZE reserve[,commit]");
			return;
		}
	}
	if (heap ? p->m->has_heap : p->m->has_stack) {
		perr(p, p->toks[0].col, "%s given twice", kw);
		return;
	}
	if (heap) {
		p->m->has_heap = true;
		p->m->heap_reserve = reserve;
		p->m->has_heap_commit = has_commit;
		p->m->heap_commit = commit;
	} else {
		p->m->has_stack = true;
		p->m->stack_reserve = reserve;
		p->m->has_stack_commit = has_commit;
		p->m->stack_commit = commit;
	}
}

/* STUB file   /   STUB:file */
static void st_stub(parser *p)
{
	size_t i = 1;
	const tok *t;
	char *s;

	if (i < p->ntoks && p->toks[i].kind == T_COLON)
		i++;
	if (i >= p->ntoks) {
		perr(p, end_col(p), "expected a file name after STUB");
		return;
	}
	t = &p->toks[i];
	if (t->kind != T_QUOTED && t->kind != T_WORD) {
		char d[SHOW + 32];
		describe(t, d, sizeof d);
		perr(p, t->col, "expected a file name after STUB, found %s", d);
		return;
	}
	if (i + 1 < p->ntoks) {
		unexpected_after(p, i + 1, "STUB", "STUB \"file\"");
		return;
	}
	if (p->m->stub) {
		perr(p, p->toks[0].col, "STUB given twice");
		return;
	}
	s = tok_dup(p, t);
	if (s)
		p->m->stub = s;
}

/*
 * EXETYPE WINDOWS [3.0] (16-bit Windows, OS/2): the Windows SDK samples
 * still carry it.  link.exe ignores it with warning LNK4017, so we do the
 * same; the model has nowhere to keep it and the writer never writes it.
 * Any words may follow.
 */
static void st_exetype(parser *p)
{
	pwarn(p, p->toks[0].col, "EXETYPE statement ignored: it is for 16-bit Windows and OS/2 images");
}

/* ------------------------------------------------------------------ */
/* Entries                                                              */
/* ------------------------------------------------------------------ */

/*
 * The forwarder rule: `= module.function` (or `= module.#7`) forwards when
 * the target has a '.' after a non-empty module part.  link.exe, lld and
 * GNU ld all read a dotted internal name that way, so we do too; a name that
 * starts with '.' (.refptr.x, .weak.y) has no module part and stays an
 * internal name.  MSVC C++ names never contain '.'.
 */

/* For "unexpected data after export name; attributes are upper case (DATA)". */
static const char *attribute_in_wrong_case(const tok *t)
{
	static const char *const attrs[] = { "NONAME", "DATA", "PRIVATE", "CONSTANT", "EXPORTAS" };
	for (size_t i = 0; i < COUNT(attrs); i++) {
		size_t n = strlen(attrs[i]), j;
		if (n != t->n)
			continue;
		for (j = 0; j < n; j++) {
			char c = t->s[j];
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (c != attrs[i][j])
				break;
		}
		if (j == n)
			return attrs[i];
	}
	return NULL;
}

/* @ordinal: toks[*i] is a word starting with '@'; advances *i past the number. */
static bool parse_ordinal(parser *p, size_t *i, uint32_t *out)
{
	const tok *at = &p->toks[*i];
	const char *d;
	size_t n;
	unsigned col;
	unsigned long v = 0;

	if (at->n == 1) { /* "@ 5" */
		(*i)++;
		if (*i >= p->ntoks || p->toks[*i].kind != T_WORD || !is_digit(p->toks[*i].s[0])) {
			perr(p, *i < p->ntoks ? p->toks[*i].col : end_col(p),
			     "expected an ordinal number after '@'");
			return false;
		}
		d = p->toks[*i].s;
		n = p->toks[*i].n;
		col = p->toks[*i].col;
	} else {
		d = at->s + 1;
		n = at->n - 1;
		col = at->col + 1;
		if (!is_digit(d[0])) {
			perr(p, col, "expected an ordinal number after '@'");
			return false;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (!is_digit(d[k])) {
			perr(p, col, "ordinal \"%.*s\" is not a decimal number", (int)(n < SHOW ? n : SHOW), d);
			return false;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(d[k] - '0');
	}
	if (v < 1 || v > 65535) {
		perr(p, col, "ordinal %.*s is out of range 1..65535", (int)(n < SHOW ? n : SHOW), d);
		return false;
	}
	(*i)++;
	*out = (uint32_t)v;
	return true;
}

/*
 * An EXPORTS entry from toks[i]:
 *   name [= internal | = module.function | = module.#ord] [@ord [NONAME]]
 *        [DATA] [PRIVATE] [CONSTANT] [== import_name] [EXPORTAS name]
 * attributes in any order, optionally separated by commas.
 */
static void entry_export(parser *p, size_t i)
{
	dk_export e;
	const tok *t = &p->toks[i];
	char d[SHOW + 32];

	memset(&e, 0, sizeof e);
	if (t->kind == T_WORD && is_keyword_n(t->s, t->n)) {
		perr(p, t->col, "expected an export name, found keyword %.*s; quote it (\"%.*s\") to use it as a name",
		     SHOWN(t), SHOWN(t));
		return;
	}
	if (t->kind == T_WORD && t->s[0] == '@' && (t->n == 1 || is_digit(t->s[1]))) {
		size_t k = 1;
		while (k < t->n && is_digit(t->s[k]))
			k++;
		if (k == t->n)
			perr(p, t->col, "expected an export name before the ordinal \"%.*s\"", SHOWN(t));
		else
			perr(p, t->col, "export name \"%.*s\" must be quoted: it starts with '@' and a digit",
			     SHOWN(t));
		return;
	}
	if (!is_name_tok(t)) {
		describe(t, d, sizeof d);
		perr(p, t->col, "expected an export name, found %s", d);
		return;
	}
	if (t->n == 0) {
		perr(p, t->col, "the export name is empty");
		return;
	}
	if (!(e.name = tok_dup(p, t)))
		return;
	i++;

	if (i < p->ntoks && p->toks[i].kind == T_EQ) {
		i++;
		if (!want_name(p, i, "'='"))
			goto out;
		t = &p->toks[i++];
		if (dk_is_forward_target(t->s, t->n))
			e.forward = tok_dup(p, t);
		else
			e.internal = tok_dup(p, t);
		if (!e.forward && !e.internal)
			goto out;
	}

	while (i < p->ntoks) {
		t = &p->toks[i];
		if (t->kind == T_COMMA) {
			i++;
			if (i >= p->ntoks || p->toks[i].kind == T_COMMA) {
				perr(p, i < p->ntoks ? p->toks[i].col : end_col(p), "expected an attribute after ','");
				goto out;
			}
			continue;
		}
		if (t->kind == T_WORD && t->s[0] == '@') {
			unsigned col = t->col;
			uint32_t ord;
			if (!parse_ordinal(p, &i, &ord))
				goto out;
			if (e.ordinal) {
				perr(p, col, "ordinal given twice (@%u, then @%u)", (unsigned)e.ordinal, (unsigned)ord);
				goto out;
			}
			e.ordinal = ord;
			continue;
		}
		if (tok_is(t, "NONAME")) {
			e.flags |= DK_EXPORT_NONAME;
		} else if (tok_is(t, "DATA")) {
			e.flags |= DK_EXPORT_DATA;
		} else if (tok_is(t, "PRIVATE")) {
			e.flags |= DK_EXPORT_PRIVATE;
		} else if (tok_is(t, "CONSTANT")) {
			e.flags |= DK_EXPORT_CONSTANT;
		} else if (t->kind == T_EQEQ || tok_is(t, "EXPORTAS")) {
			bool eq = t->kind == T_EQEQ;
			char **field = eq ? &e.import_name : &e.export_as;
			if (*field) {
				perr(p, t->col, "%s given twice", eq ? "'=='" : "EXPORTAS");
				goto out;
			}
			i++;
			if (!want_name(p, i, eq ? "'=='" : "EXPORTAS"))
				goto out;
			if (!(*field = tok_dup(p, &p->toks[i])))
				goto out;
		} else if (tok_is(t, "BASE")) {
			perr(p, t->col, "BASE= belongs in the LIBRARY or NAME statement, not after an export");
			goto out;
		} else if (t->kind == T_EQ) {
			perr(p, t->col, "unexpected '='; an export's '= internal name' comes right after its name");
			goto out;
		} else {
			const char *kw = t->kind == T_WORD ? attribute_in_wrong_case(t) : NULL;
			describe(t, d, sizeof d);
			if (kw)
				perr(p, t->col, "unexpected %s after export name; attributes are upper case (%s)", d, kw);
			else
				perr(p, t->col,
				     "unexpected %s after export name \"%s\" (one export per line); expected "
				     "@ordinal, NONAME, DATA, PRIVATE, CONSTANT, == name or EXPORTAS name",
				     d, e.name);
			goto out;
		}
		i++;
	}

	{
		/* "FILE:LINE", by hand (snprintf for each of 60,000 exports was
		 * a fifth of the parse). */
		const char *f = p->file ? p->file : "<def>";
		size_t fl = strlen(f), n = 0;
		char digits[16];
		unsigned line = p->line;
		do {
			digits[n++] = (char)('0' + line % 10);
			line /= 10;
		} while (line);
		char *o = malloc(fl + 1 + n + 1);
		if (!o) {
			oom(p);
			goto out;
		}
		memcpy(o, f, fl);
		o[fl] = ':';
		for (size_t k = 0; k < n; k++)
			o[fl + 1 + k] = digits[n - 1 - k];
		o[fl + 1 + n] = '\0';
		e.origin = o;
	}
	if (!dk_module_take(p->m, &e)) /* the strings move: no copy */
		oom(p);
out:
	dk_export_free(&e);
}

/* An IMPORTS entry: [internal =] module.entry  (split at the last '.') */
static void entry_import(parser *p, size_t i)
{
	const tok *first, *target;
	const char *dot;
	dk_import im = { NULL, NULL, NULL };
	dk_import *arr;

	if (!is_name_tok(&p->toks[i])) {
		char d[SHOW + 32];
		describe(&p->toks[i], d, sizeof d);
		perr(p, p->toks[i].col, "expected [internal=]module.entry, found %s", d);
		return;
	}
	if (p->toks[i].n == 0) {
		perr(p, p->toks[i].col, "the import's name is empty");
		return;
	}
	first = target = &p->toks[i++];
	if (i < p->ntoks && p->toks[i].kind == T_EQ) {
		i++;
		if (!want_name(p, i, "'='"))
			return;
		target = &p->toks[i++];
	}
	if (i < p->ntoks) {
		unexpected_after(p, i, "IMPORTS", "[internal=]module.entry");
		return;
	}
	dot = NULL;
	for (size_t k = target->n; k > 0; k--)
		if (target->s[k - 1] == '.') {
			dot = target->s + k - 1;
			break;
		}
	if (!dot || dot == target->s || dot == target->s + target->n - 1) {
		perr(p, target->col, "expected module.entry, found \"%.*s\"", SHOWN(target));
		return;
	}
	if (first != target && !(im.internal = tok_dup(p, first)))
		return;
	im.module = dk_strndup(target->s, (size_t)(dot - target->s));
	im.entry = dk_strndup(dot + 1, target->n - (size_t)(dot - target->s) - 1);
	arr = dk_reserve(p->m->imports, &p->capimports, p->m->nimports + 1, sizeof *arr);
	if (!im.module || !im.entry || !arr) {
		if (arr)
			p->m->imports = arr;
		free(im.internal);
		free(im.module);
		free(im.entry);
		oom(p);
		return;
	}
	p->m->imports = arr;
	arr[p->m->nimports++] = im;
}

/*
 * A SECTIONS line `name attr attr...`, or the CODE/DATA statement (name
 * given, attributes from toks[i]).  Attributes are kept as written, quotes
 * included, one space apart.
 */
static void entry_section(parser *p, size_t i, const char *fixed_name)
{
	dk_section_attr sa = { NULL, NULL };
	dk_section_attr *arr;
	dk_buf b;

	if (!fixed_name) {
		const tok *t = &p->toks[i];
		if (!is_name_tok(t)) {
			if (t->kind == T_WORD)
				perr(p, t->col,
				     "expected a section name, found keyword %.*s; quote it (\"%.*s\") to use it as a name",
				     SHOWN(t), SHOWN(t));
			else {
				char d[SHOW + 32];
				describe(t, d, sizeof d);
				perr(p, t->col, "expected a section name, found %s", d);
			}
			return;
		}
		i++;
	}
	dk_buf_init(&b);
	dk_buf_adds(&b, "");
	for (size_t k = i; k < p->ntoks; k++) {
		const tok *t = &p->toks[k];
		if (t->kind != T_WORD && t->kind != T_QUOTED) {
			char d[SHOW + 32];
			describe(t, d, sizeof d);
			perr(p, t->col, "unexpected %s in section attributes", d);
			dk_buf_free(&b);
			return;
		}
		if (k > i)
			dk_buf_addc(&b, ' ');
		dk_buf_add(&b, t->raw, t->rawn);
	}
	sa.attrs = dk_buf_take(&b, NULL);
	sa.name = fixed_name ? dk_strdup(fixed_name) : dk_strndup(p->toks[i - 1].s, p->toks[i - 1].n);
	arr = dk_reserve(p->m->sections, &p->capsections, p->m->nsections + 1, sizeof *arr);
	if (!sa.attrs || !sa.name || !arr) {
		if (arr)
			p->m->sections = arr;
		free(sa.attrs);
		free(sa.name);
		oom(p);
		return;
	}
	p->m->sections = arr;
	arr[p->m->nsections++] = sa;
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */
/* ------------------------------------------------------------------ */

static void entry(parser *p, size_t i)
{
	switch (p->state) {
	case S_EXPORTS:
		entry_export(p, i);
		break;
	case S_IMPORTS:
		entry_import(p, i);
		break;
	case S_SECTIONS:
		entry_section(p, i, NULL);
		break;
	case S_TOP:
		break;
	}
}

static void unknown_statement(parser *p)
{
	const tok *t = &p->toks[0];
	char upper[32];

	if (t->kind != T_WORD) {
		char d[SHOW + 32];
		describe(t, d, sizeof d);
		perr(p, t->col, "expected a statement (LIBRARY, EXPORTS, ...), found %s", d);
		return;
	}
	if (t->n < sizeof upper) {
		for (size_t k = 0; k < t->n; k++) {
			char c = t->s[k];
			upper[k] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		}
		upper[t->n] = '\0';
		if (word_in(upper, t->n, statement_words, COUNT(statement_words))) {
			perr(p, t->col, "unknown statement \"%.*s\"; keywords are upper case (%s)", SHOWN(t), upper);
			return;
		}
	}
	perr(p, t->col, "unknown statement \"%.*s\"", SHOWN(t));
}

static void do_line(parser *p, const char *b, const char *e)
{
	const tok *t0;

	if (!lex_line(p, b, e) || p->ntoks == 0)
		return;
	t0 = &p->toks[0];
	if (t0->kind == T_WORD && word_in(t0->s, t0->n, statement_words, COUNT(statement_words))) {
		p->state = S_TOP;
		if (tok_is(t0, "EXPORTS") || tok_is(t0, "IMPORTS") || tok_is(t0, "SECTIONS") ||
		    tok_is(t0, "SEGMENTS")) {
			p->state = tok_is(t0, "EXPORTS") ? S_EXPORTS : tok_is(t0, "IMPORTS") ? S_IMPORTS : S_SECTIONS;
			/* An entry may follow on the same line: "EXPORTS foo". */
			if (p->ntoks > 1)
				entry(p, 1);
		} else if (tok_is(t0, "LIBRARY") || tok_is(t0, "NAME")) {
			st_library(p, tok_is(t0, "NAME"));
		} else if (tok_is(t0, "DESCRIPTION")) {
			st_description(p);
		} else if (tok_is(t0, "VERSION")) {
			st_version(p);
		} else if (tok_is(t0, "HEAPSIZE") || tok_is(t0, "STACKSIZE")) {
			st_size(p, tok_is(t0, "HEAPSIZE"));
		} else if (tok_is(t0, "STUB")) {
			st_stub(p);
		} else if (tok_is(t0, "EXETYPE")) {
			st_exetype(p);
		} else { /* CODE or DATA: recorded as a section of that name */
			entry_section(p, 1, tok_is(t0, "CODE") ? "CODE" : "DATA");
		}
		return;
	}
	if (p->state == S_TOP)
		unknown_statement(p);
	else
		entry(p, 0);
}

int dk_def_parse(dk_module *m, const char *text, size_t len, const char *filename, dk_sink *s)
{
	parser p;
	const char *pos = text, *end = text + len;

	memset(&p, 0, sizeof p);
	p.m = m;
	p.file = filename;
	p.sink = s;
	p.state = S_TOP;
	if (!text)
		pos = end = text = "";
	p.text = text;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos += 3;
	while (pos < end && !p.oom) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		const char *le = nl ? nl : end;
		p.line++;
		p.linestart = pos;
		do_line(&p, pos, le);
		if (!nl)
			break;
		pos = nl + 1;
	}
	free(p.toks);
	return p.errors ? DK_FAIL : DK_OK;
}

int dk_def_parse_file(dk_module *m, const char *path, dk_sink *s)
{
	char *text;
	size_t len;
	int rc;

	/* dk_read_file refuses a directory and stops at DK_READ_MAX bytes or
	 * at the first allocation that fails (--merge /dev/zero). */
	if (dk_read_file(path, &text, &len, s) != DK_OK)
		return DK_FAIL;
	rc = dk_def_parse(m, text, len, path, s);
	free(text);
	return rc;
}
