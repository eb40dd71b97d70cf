/* read_objects.c - exports from COFF objects and static archives, read with libbfd.
 *
 * Default: the dllexport directives in each object's .drectve section.
 * --export-all: every external defined symbol, less what read_objects_filter.c leaves out.
 *
 * Inputs come as bytes (dk_input): an archive is walked by read_ar.c, which
 * checks every header, size and symbol-index offset against the bytes, and
 * libbfd is handed one object at a time, from memory (bfd_openr_iovec),
 * after coff_precheck has found every part of it inside those bytes.
 * libbfd identifies every object and reads its sections and directives;
 * --export-all reads the symbol table coff_check walked (libbfd's
 * canonical symbols only when it holds a storage class the fast path does
 * not know: see plain_symtab_exports), and the dialect pre-scan asks
 * libbfd only about objects that have a .drectve section.
 *
 * libbfd keeps process-wide state of its own (bfd_init, the error and
 * assertion handlers) and is not thread-safe in 2.40.  Its handlers are
 * ours: what libbfd says while an input is read goes to that read's sink,
 * naming the file and member, through a per-thread pointer to the read in
 * progress.  libbfd 2.40 still prints what it finds while it probes a
 * file's format (bfd_check_format caches those messages and writes them
 * to stderr itself, past any handler): the pre-check refuses whatever
 * makes a pe-* target speak there (see coff_precheck).
 */
#define PACKAGE "dllkit"
#define PACKAGE_VERSION DK_VERSION
#include <bfd.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pecoff_private.h"
#include "read_ar_private.h"
#include "read_objects_filter_private.h"
#include "dllkit_private.h"

#ifndef DK_BFD_FLAVOR
#define DK_BFD_FLAVOR "libbfd"
#endif

/* ------------------------------------------------------------------ */
/* libbfd's messages                                                    */
/* ------------------------------------------------------------------ */

/* The read in progress on this thread, where libbfd's messages go. */
typedef struct talk {
	dk_sink *s;
	const char *path;
	const char *member;
	bool failed;    /* libbfd reported an error about this object */
	unsigned said;  /* messages about this object (after MAX_SAID, only counted) */
} talk;

enum { MAX_SAID = 5 };

static _Thread_local talk *current;

/*
 * libbfd's messages are printf formats with two conversions of its own:
 * %pA (a section: its name) and %pB (a bfd: its file name; it starts most
 * messages and is left out here, the diagnostic's location names the file
 * and member).  Arguments may be positional ("%2$s") in translations.
 */
enum { MAX_ARGS = 9 };

typedef enum argtype {
	A_NONE, A_INT, A_LONG, A_LLONG, A_SIZE, A_INTMAX, A_PTRDIFF, A_DOUBLE, A_LDOUBLE,
	A_PTR, A_STRING, A_BFD, A_SECTION,
} argtype;

typedef struct spec {
	char flags[8];
	int width, prec;       /* -1: none; -2: from an argument (star) */
	int width_arg, prec_arg, arg;
	char len[3];           /* "", "h", "hh", "l", "ll", "z", "j", "t", "L" */
	char conv;
	argtype type;
} spec;

/* Parse one conversion after its '%'; *next numbers the arguments used
 * in order.  False for what it cannot take. */
static bool parse_spec(const char **pp, spec *sp, int *next)
{
	const char *p = *pp;
	size_t nf = 0;
	int pos = -1;

	memset(sp, 0, sizeof *sp);
	sp->width = sp->prec = -1;
	if (*p >= '1' && *p <= '9' && p[1] == '$') {
		pos = *p - '1';
		p += 2;
	}
	while (*p && strchr("-+ #0'", *p) && nf < sizeof sp->flags - 1)
		sp->flags[nf++] = *p++;
	if (*p == '*') {
		sp->width = -2;
		sp->width_arg = (*next)++;
		p++;
	} else {
		for (sp->width = 0; *p >= '0' && *p <= '9'; p++)
			sp->width = sp->width * 10 + (*p - '0') % 10;
		if (sp->width > 200)
			sp->width = 200;
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			sp->prec = -2;
			sp->prec_arg = (*next)++;
			p++;
		} else {
			for (sp->prec = 0; *p >= '0' && *p <= '9'; p++)
				sp->prec = sp->prec * 10 + (*p - '0') % 10;
			if (sp->prec > 200)
				sp->prec = 200;
		}
	}
	for (size_t n = 0; n < 2 && *p && strchr("hlzjtL", *p); n++)
		sp->len[n] = *p++;
	sp->conv = *p;
	switch (*p) {
	case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'c':
		sp->type = !strcmp(sp->len, "l") ? A_LONG : !strcmp(sp->len, "ll") ? A_LLONG
			 : !strcmp(sp->len, "z") ? A_SIZE : !strcmp(sp->len, "j") ? A_INTMAX
			 : !strcmp(sp->len, "t") ? A_PTRDIFF : A_INT;
		break;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		sp->type = sp->len[0] == 'L' ? A_LDOUBLE : A_DOUBLE;
		break;
	case 's':
		sp->type = A_STRING;
		break;
	case 'p':
		sp->type = p[1] == 'A' ? A_SECTION : p[1] == 'B' ? A_BFD : A_PTR;
		if (sp->type != A_PTR)
			p++;
		break;
	default:
		return false;
	}
	sp->arg = pos >= 0 ? pos : (*next)++;
	*pp = p + 1;
	return sp->arg < MAX_ARGS && sp->width_arg < MAX_ARGS && sp->prec_arg < MAX_ARGS;
}

typedef union argval {
	int i;
	long l;
	long long ll;
	size_t z;
	intmax_t j;
	ptrdiff_t t;
	double d;
	long double ld;
	const void *p;
} argval;

static void format_bfd(char *out, size_t size, const char *fmt, va_list ap)
{
	argtype type[MAX_ARGS] = { A_NONE };
	argval val[MAX_ARGS];
	int next = 0, nargs = 0;
	size_t at = 0;
	spec sp;

	/* The type of every argument, then the arguments in order. */
	for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		if (!parse_spec(&p, &sp, &next)) {
			snprintf(out, size, "%s", fmt); /* its text, without arguments */
			return;
		}
		if (sp.width == -2)
			type[sp.width_arg] = A_INT;
		if (sp.prec == -2)
			type[sp.prec_arg] = A_INT;
		type[sp.arg] = sp.type;
		for (int k = 0; k < MAX_ARGS; k++)
			if (type[k] != A_NONE && k + 1 > nargs)
				nargs = k + 1;
	}
	for (int k = 0; k < nargs; k++) {
		switch (type[k]) {
		case A_NONE: snprintf(out, size, "%s", fmt); return; /* a gap: cannot be read */
		case A_INT: val[k].i = va_arg(ap, int); break;
		case A_LONG: val[k].l = va_arg(ap, long); break;
		case A_LLONG: val[k].ll = va_arg(ap, long long); break;
		case A_SIZE: val[k].z = va_arg(ap, size_t); break;
		case A_INTMAX: val[k].j = va_arg(ap, intmax_t); break;
		case A_PTRDIFF: val[k].t = va_arg(ap, ptrdiff_t); break;
		case A_DOUBLE: val[k].d = va_arg(ap, double); break;
		case A_LDOUBLE: val[k].ld = va_arg(ap, long double); break;
		default: val[k].p = va_arg(ap, const void *); break;
		}
	}
	next = 0;
	out[0] = '\0';
	for (const char *p = fmt; *p && at + 1 < size;) {
		char f[40];
		int w;
		if (*p != '%' || p[1] == '%') {
			out[at++] = *p;
			p += *p == '%' ? 2 : 1;
			out[at] = '\0';
			continue;
		}
		p++;
		parse_spec(&p, &sp, &next);
		w = sp.width == -2 ? val[sp.width_arg].i : sp.width;
		if (sp.type == A_BFD) {
			continue; /* the location names the file */
		} else if (sp.type == A_SECTION) {
			const asection *sec = val[sp.arg].p;
			snprintf(out + at, size - at, "%s", sec ? bfd_section_name(sec) : "?");
		} else {
			int prec = sp.prec == -2 ? val[sp.prec_arg].i : sp.prec;
			size_t fl = (size_t)snprintf(f, sizeof f, "%%%s", sp.flags);
			if (w > 0)
				fl += (size_t)snprintf(f + fl, sizeof f - fl, "%d", w > 200 ? 200 : w);
			if (prec >= 0)
				fl += (size_t)snprintf(f + fl, sizeof f - fl, ".%d", prec > 200 ? 200 : prec);
			snprintf(f + fl, sizeof f - fl, "%s%c", sp.len, sp.conv);
			switch (sp.type) {
			case A_INT: snprintf(out + at, size - at, f, val[sp.arg].i); break;
			case A_LONG: snprintf(out + at, size - at, f, val[sp.arg].l); break;
			case A_LLONG: snprintf(out + at, size - at, f, val[sp.arg].ll); break;
			case A_SIZE: snprintf(out + at, size - at, f, val[sp.arg].z); break;
			case A_INTMAX: snprintf(out + at, size - at, f, val[sp.arg].j); break;
			case A_PTRDIFF: snprintf(out + at, size - at, f, val[sp.arg].t); break;
			case A_DOUBLE: snprintf(out + at, size - at, f, val[sp.arg].d); break;
			case A_LDOUBLE: snprintf(out + at, size - at, f, val[sp.arg].ld); break;
			case A_STRING: {
				const char *str = val[sp.arg].p;
				snprintf(out + at, size - at, f, str ? str : "(null)");
				break;
			}
			default: snprintf(out + at, size - at, f, val[sp.arg].p); break;
			}
		}
		at += strlen(out + at);
	}
}

/* One libbfd message to the read in progress: "libbfd: ..." as a warning
 * when libbfd calls it one, else as an error that fails the input. */
static void tell(const char *text)
{
	talk *t = current;
	dk_loc loc;
	dk_severity sev = DK_ERROR;

	if (!t)
		return;
	while (*text == ':' || *text == ' ')
		text++;
	if (dk_starts_with(text, "warning: ")) {
		sev = DK_WARNING;
		text += 9;
	} else if (dk_starts_with(text, "error: ")) {
		text += 7;
	}
	loc = dk_loc_file(t->path);
	loc.member = t->member;
	if (sev == DK_ERROR)
		t->failed = true;
	if (++t->said <= MAX_SAID)
		dk_report(t->s, sev, &loc, "libbfd: %s", text);
}

/* After an object: how many of libbfd's messages were not shown. */
static void tell_rest(talk *t)
{
	if (t->said > MAX_SAID) {
		dk_loc loc = dk_loc_file(t->path);
		loc.member = t->member;
		dk_report(t->s, t->failed ? DK_ERROR : DK_WARNING, &loc,
			  "libbfd: %u more messages about this object", t->said - MAX_SAID);
	}
}

static void on_bfd_error(const char *fmt, va_list ap)
{
	char text[1024];
	va_list copy;

	va_copy(copy, ap);
	format_bfd(text, sizeof text, fmt, copy);
	va_end(copy);
	tell(text);
}

static void on_bfd_assert(const char *fmt, const char *version, const char *file, int line)
{
	char text[512];

	(void)fmt;
	snprintf(text, sizeof text, "internal check failed (%s, %s:%d): the file is damaged",
		 version ? version : "?", file ? file : "?", line);
	tell(text);
}

static void bfd_setup(void)
{
	/* Every call sets the same values. */
	bfd_init();
	bfd_set_error_handler(on_bfd_error);
	bfd_set_assert_handler(on_bfd_assert);
}

/* ------------------------------------------------------------------ */
/* libbfd reading from memory                                           */
/* ------------------------------------------------------------------ */

/*
 * bfd_openr_iovec rather than bfd_openstreamr on an fmemopen stream:
 * libbfd sizes a file with fstat on its stream's descriptor, which an
 * fmemopen stream does not have, so every size check libbfd makes against
 * the file (string and symbol table sizes, section data) would see 0 and
 * be skipped.  The iovec's stat callback gives the real size, and pread
 * never reaches past the bytes.
 */
typedef struct mem {
	const unsigned char *p;
	size_t len;
} mem;

static void *mem_open(bfd *abfd, void *closure)
{
	(void)abfd;
	return closure;
}

static file_ptr mem_pread(bfd *abfd, void *stream, void *buf, file_ptr n, file_ptr off)
{
	const mem *m = stream;

	(void)abfd;
	if (off < 0 || n < 0 || (uint64_t)off >= m->len)
		return 0;
	if ((uint64_t)n > m->len - (uint64_t)off)
		n = (file_ptr)(m->len - (uint64_t)off);
	memcpy(buf, m->p + off, (size_t)n);
	return n;
}

static int mem_close(bfd *abfd, void *stream)
{
	(void)abfd;
	(void)stream;
	return 0;
}

static int mem_stat(bfd *abfd, void *stream, struct stat *sb)
{
	const mem *m = stream;

	(void)abfd;
	memset(sb, 0, sizeof *sb);
	sb->st_mode = S_IFREG | 0444;
	sb->st_size = (off_t)m->len;
	return 0;
}

static bfd *open_mem(mem *m, const char *name)
{
	return bfd_openr_iovec(name, NULL, mem_open, m, mem_pread, mem_close, mem_stat);
}

const char *dk_bfd_flavor(void)
{
	return DK_BFD_FLAVOR;
}

bool dk_bfd_reads_arm64(void)
{
	bfd_setup();
	return bfd_find_target("pe-aarch64-little", NULL) != NULL;
}

typedef struct cobj cobj;

/* State for reading one input. */
typedef struct reader {
	dk_module *m;
	const dk_read_opts *o;
	dk_sink *s;
	const char *path;       /* as given */
	const char *base;       /* basename of path */
	bool runtime_lib;       /* path is a runtime archive (libgcc, libstdc++, ...) */
	bool user_lib;          /* path is named by --exclude-libs */
	dk_directives *excl;    /* -exclude-symbols: of every input so far (names in m->dialect) */
	const unsigned char *obj; /* the bytes of the object being read */
	size_t objlen;
	const cobj *coff;       /* its layout, as coff_check found it */
} reader;

/* Marks, while inputs are read, the exports --export-all added (as opposed
 * to directives): only those are subject to -exclude-symbols. */
#define AUTO_EXPORT (1u << 30)


static bool known_machine(uint32_t mach)
{
	switch (mach) {
	case DK_MACHINE_I386:
	case DK_MACHINE_AMD64:
	case DK_MACHINE_ARM64:
	case DK_MACHINE_ARM64EC:
	case DK_MACHINE_ARMNT:
		return true;
	default:
		return false;
	}
}

/* A big-object header: Sig1 0, Sig2 0xFFFF, Version 2 or more (1 is an
 * anonymous /GL object, 0 a short import member). */
static bool is_bigobj(const unsigned char *p, size_t len)
{
	return len >= 8 && dk_le16(p) == 0 && dk_le16(p + 2) == 0xffff && dk_le16(p + 4) >= 2;
}

/* The machine field of the COFF header, read from the bytes so that
 * values libbfd has no name for (ARM64EC) are told apart; UNKNOWN for
 * anything else. */
static dk_machine machine_of(const unsigned char *p, size_t len)
{
	uint32_t mach;

	if (len < 20)
		return DK_MACHINE_UNKNOWN;
	mach = is_bigobj(p, len) ? dk_le16(p + 6) : dk_le16(p);
	return known_machine(mach) ? (dk_machine)mach : DK_MACHINE_UNKNOWN;
}

static const char *bfd_why(void)
{
	bfd_error_type e = bfd_get_error();
	if (e == bfd_error_system_call)
		return strerror(errno);
	return bfd_errmsg(e);
}

/* "lib.a(member.o)" or "obj.o" */
static char *where_of(const reader *r, const char *member)
{
	dk_buf b;
	dk_buf_init(&b);
	if (member)
		dk_buf_printf(&b, "%s(%s)", r->path, member);
	else
		dk_buf_adds(&b, r->path);
	return dk_buf_take(&b, NULL);
}

static int add_export(reader *r, dk_export *e, const char *where)
{
	e->origin = (char *)where;
	dk_export *added = dk_module_add(r->m, e);
	e->origin = NULL;
	if (!added) {
		dk_loc loc = dk_loc_file(r->path);
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
		return DK_FAIL;
	}
	return DK_OK;
}

static void skipped(const reader *r, const char *sym, const char *where, dk_skip_reason why)
{
	if (r->o->on_skip)
		r->o->on_skip(r->o->skip_ctx, sym, where, why);
}

/* A GCC -flto object without -ffat-lto-objects holds only GIMPLE: no code,
 * and no export directives (gcc writes them when it compiles for real, at
 * link time).  It has .gnu.lto_ sections and the __gnu_lto_slim symbol. */
static bool is_slim_lto(bfd *abfd)
{
	bool lto = false, slim = false;
	long upper, n;
	asymbol **syms;

	for (asection *sec = abfd->sections; sec && !lto; sec = sec->next)
		lto = dk_starts_with(bfd_section_name(sec), ".gnu.lto_");
	if (!lto || !(bfd_get_file_flags(abfd) & HAS_SYMS))
		return false;
	upper = bfd_get_symtab_upper_bound(abfd);
	if (upper <= 0 || !(syms = malloc((size_t)upper)))
		return false;
	n = bfd_canonicalize_symtab(abfd, syms);
	for (long i = 0; i < n && !slim; i++)
		slim = strcmp(bfd_asymbol_name(syms[i]), "__gnu_lto_slim") == 0;
	free(syms);
	return slim;
}

/* Does the object look like a member of an import library?  Those carry
 * thunks and __imp_ pointers, never anything a DLL should export. */
static bool is_import_member(bfd *abfd)
{
	for (asection *sec = abfd->sections; sec; sec = sec->next)
		if (dk_starts_with(bfd_section_name(sec), ".idata$"))
			return true;
	return false;
}


static int read_directives(reader *r, bfd *abfd, const char *member, dk_machine mach,
			   dk_directives *d)
{
	asection *sec = bfd_get_section_by_name(abfd, ".drectve");
	bfd_size_type size;
	char *buf;
	dk_loc loc = dk_loc_file(r->path);
	int rc;

	loc.member = member;
	if (!sec)
		return DK_OK;
	size = bfd_section_size(sec);
	if (size == 0)
		return DK_OK;
	/* coff_precheck saw the section's data inside the object; this keeps
	 * a size libbfd made up from ever being allocated. */
	if (!(bfd_section_flags(sec) & SEC_HAS_CONTENTS) || size > r->objlen) {
		dk_report(r->s, DK_ERROR, &loc,
			  "truncated or corrupt COFF object: the .drectve section claims %llu bytes "
			  "the object does not hold", (unsigned long long)size);
		return DK_FAIL;
	}
	buf = malloc(size);
	if (!buf) {
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
		return DK_FAIL;
	}
	if (!bfd_get_section_contents(abfd, sec, buf, 0, size)) {
		dk_report(r->s, DK_ERROR, &loc, "cannot read .drectve section: %s", bfd_why());
		free(buf);
		return DK_FAIL;
	}
	/* Offsets in diagnostics are relative to the section's data. */
	loc.offset = (long long)sec->filepos;
	rc = dk_directives_parse(d, buf, size, mach, &loc, r->s);
	free(buf);
	return rc;
}

/* One symbol --export-all may export (`raw`, as the object names it): kept
 * unless a filter leaves it out. */
static int export_symbol(reader *r, const char *raw, bool data, const char *where,
			 dk_machine mach, dk_dialect dialect, const dk_loc *loc)
{
	char *name = dk_symbol_to_def_name(raw, mach, dialect);
	dk_skip_reason why;
	dk_export e;
	int rc;

	if (!name) {
		dk_report(r->s, DK_ERROR, loc, "out of memory");
		return DK_FAIL;
	}
	/* A symbol with no name (or i386's `_` alone) names nothing a .def
	 * can export. */
	why = *name ? dk_filter_symbol(raw, name) : DK_SKIP_INTERNAL;
	if (why == DK_SKIP_NONE && dk_filter_user(r->o, raw, name))
		why = DK_SKIP_USER_EXCLUDE;
	if (why != DK_SKIP_NONE) {
		skipped(r, raw, where, why);
		free(name);
		return DK_OK;
	}
	memset(&e, 0, sizeof e);
	e.name = name;
	e.flags = AUTO_EXPORT;
	if (data)
		e.flags |= DK_EXPORT_DATA;
	rc = add_export(r, &e, where);
	free(name);
	return rc;
}

static int plain_symtab_exports(reader *r, bfd *abfd, const char *where, dk_machine mach,
				dk_dialect dialect, const dk_loc *loc, bool *done);

static int export_all_symbols(reader *r, bfd *abfd, const char *member, const char *where,
			      dk_machine mach, dk_dialect dialect)
{
	long upper, n;
	asymbol **syms;
	dk_loc loc = dk_loc_file(r->path);
	int rc = DK_OK;
	bool done;

	loc.member = member;
	if (!(bfd_get_file_flags(abfd) & HAS_SYMS))
		return DK_OK;
	rc = plain_symtab_exports(r, abfd, where, mach, dialect, &loc, &done);
	if (done)
		return rc;
	/* A symbol table with storage classes the fast path does not know:
	 * libbfd's canonical symbols, and whatever libbfd says about them. */
	upper = bfd_get_symtab_upper_bound(abfd);
	if (upper < 0) {
		dk_report(r->s, DK_ERROR, &loc, "cannot read the symbol table: %s", bfd_why());
		return DK_FAIL;
	}
	syms = malloc((size_t)upper ? (size_t)upper : 1);
	if (!syms) {
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
		return DK_FAIL;
	}
	n = bfd_canonicalize_symtab(abfd, syms);
	if (n < 0) {
		dk_report(r->s, DK_ERROR, &loc, "cannot read the symbol table: %s", bfd_why());
		free(syms);
		return DK_FAIL;
	}
	for (long i = 0; i < n && rc == DK_OK; i++) {
		asymbol *sym = syms[i];
		asection *sec = bfd_asymbol_section(sym);

		if (!(sym->flags & (BSF_GLOBAL | BSF_WEAK)) && !bfd_is_com_section(sec))
			continue;
		if (bfd_is_und_section(sec) || bfd_is_abs_section(sec) ||
		    (sym->flags & (BSF_SECTION_SYM | BSF_FILE | BSF_DEBUGGING)))
			continue;
		rc = export_symbol(r, bfd_asymbol_name(sym), bfd_is_com_section(sec) ||
				   !(bfd_section_flags(sec) & SEC_CODE), where, mach, dialect, &loc);
	}
	free(syms);
	return rc;
}

/* Rewrite the names of a directive section in the dialect of the output. */
static int convert_directives(dk_directives *d, dk_machine mach, dk_dialect to)
{
	dk_dialect from = d->dialect;

	if (!from || from == to || !dk_machine_underscore(mach))
		return DK_OK;
	for (size_t i = 0; i < d->nexports; i++) {
		char **fields[] = { &d->exports[i].name, &d->exports[i].internal };
		for (int f = 0; f < 2; f++) {
			char *c;
			if (!*fields[f])
				continue;
			c = dk_def_name_convert(*fields[f], mach, from, to);
			if (!c)
				return DK_FAIL;
			free(*fields[f]);
			*fields[f] = c;
		}
	}
	for (size_t i = 0; i < d->nexclude; i++) {
		char *c = dk_def_name_convert(d->exclude[i], mach, from, to);
		if (!c)
			return DK_FAIL;
		free(d->exclude[i]);
		d->exclude[i] = c;
	}
	return DK_OK;
}

/* Move an object's -exclude-symbols: names to the list for the whole link. */
static int keep_excludes(reader *r, dk_directives *d)
{
	char **p;

	if (!d->nexclude || !r->excl)
		return DK_OK;
	p = dk_reserve(r->excl->exclude, &r->excl->capexclude, r->excl->nexclude + d->nexclude,
		       sizeof *p);
	if (!p)
		return DK_FAIL;
	r->excl->exclude = p;
	memcpy(p + r->excl->nexclude, d->exclude, d->nexclude * sizeof *p);
	r->excl->nexclude += d->nexclude;
	free(d->exclude);
	d->exclude = NULL;
	d->nexclude = 0;
	return DK_OK;
}

/* Read one COFF object (a file or an archive member). */
static int read_object(reader *r, bfd *abfd, const char *member)
{
	dk_loc loc = dk_loc_file(r->path);
	dk_machine mach;
	dk_directives d;
	dk_dialect dialect;
	char *where;
	int rc = DK_OK;

	loc.member = member;
	if (bfd_get_flavour(abfd) != bfd_target_coff_flavour) {
		dk_report(r->s, DK_ERROR, &loc, "not a COFF object (%s format)",
			  bfd_get_target(abfd));
		return DK_FAIL;
	}
	if (dk_starts_with(bfd_get_target(abfd), "pei-") || (abfd->flags & (EXEC_P | DYNAMIC))) {
		dk_report(r->s, DK_ERROR, &loc,
			  "is a PE image (DLL or EXE), not an object; this version reads objects and archives only");
		return DK_FAIL;
	}
	mach = machine_of(r->obj, r->objlen);
	if (mach == DK_MACHINE_UNKNOWN) {
		dk_report(r->s, DK_ERROR, &loc, "COFF object for a machine dllkit does not know (%s)",
			  bfd_get_target(abfd));
		return DK_FAIL;
	}
	if (r->m->machine == DK_MACHINE_UNKNOWN) {
		r->m->machine = mach;
	} else if (r->m->machine != mach) {
		dk_report(r->s, DK_ERROR, &loc, "is for %s, but earlier inputs are for %s",
			  dk_machine_name(mach), dk_machine_name(r->m->machine));
		return DK_FAIL;
	}
	where = where_of(r, member);
	if (!where) {
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
		return DK_FAIL;
	}
	if (is_slim_lto(abfd)) {
		dk_report(r->s, DK_ERROR, &loc,
			  "a GCC LTO object without machine code (-flto): its exports are decided "
			  "at link time; compile with -ffat-lto-objects, or without -flto");
		free(where);
		return DK_FAIL;
	}
	if (is_import_member(abfd)) {
		skipped(r, member ? member : r->path, where, DK_SKIP_IMPORT_THUNK);
		free(where);
		return DK_OK;
	}
	memset(&d, 0, sizeof d);
	if (read_directives(r, abfd, member, mach, &d) != DK_OK) {
		dk_directives_free(&d);
		free(where);
		return DK_FAIL;
	}
	/* Every name is written in one dialect: the one asked for, else the
	 * first any input's directives used, else this object's. */
	dialect = r->o->dialect ? r->o->dialect
		  : r->m->dialect ? r->m->dialect : d.dialect ? d.dialect : DK_DIALECT_GNU;
	if (!r->m->dialect && (d.dialect || r->o->dialect))
		r->m->dialect = dialect;
	if (convert_directives(&d, mach, dialect) != DK_OK || keep_excludes(r, &d) != DK_OK) {
		dk_report(r->s, DK_ERROR, &loc, "out of memory");
		rc = DK_FAIL;
	} else if (r->user_lib) {
		skipped(r, member ? member : r->base, where, DK_SKIP_USER_LIB);
	} else {
		/* Directives count with --export-all too: they may add aliases,
		 * forwarders, ordinals and NONAME that no symbol shows. */
		for (size_t i = 0; i < d.nexports && rc == DK_OK; i++) {
			dk_export *e = &d.exports[i];
			if (dk_filter_user(r->o, e->internal ? e->internal : e->name, e->name)) {
				skipped(r, e->name, where, DK_SKIP_USER_EXCLUDE);
				continue;
			}
			rc = add_export(r, e, where);
		}
		if (rc == DK_OK && r->o->export_all) {
			dk_skip_reason lib_why = DK_SKIP_NONE;
			if (!r->o->keep_runtime_libs && r->runtime_lib)
				lib_why = DK_SKIP_RUNTIME_LIB;
			else if (!r->o->keep_runtime_libs &&
				 dk_filter_runtime_object(member ? member : r->base))
				lib_why = DK_SKIP_RUNTIME_OBJ;
			if (lib_why != DK_SKIP_NONE)
				skipped(r, member ? member : r->base, where, lib_why);
			else
				rc = export_all_symbols(r, abfd, member, where, mach, dialect);
		}
	}
	dk_directives_free(&d);
	free(where);
	return rc;
}


/* ------------------------------------------------------------------ */
/* What libbfd is handed: checked first                                 */
/* ------------------------------------------------------------------ */

/* What an object's bytes are, before libbfd sees them. */
typedef enum obj_kind {
	OBJ_COFF,        /* a COFF object (or big object) for a machine dllkit knows */
	OBJ_SHORT_IMPORT,/* a short import member: an import, never an export */
	OBJ_EMPTY,
	OBJ_BITCODE,     /* LLVM bitcode, raw or in its wrapper (clang -flto) */
	OBJ_ANON,        /* an anonymous object: MSVC /GL (link-time code generation) */
	OBJ_IMAGE,       /* a PE image */
	OBJ_ELF,
	OBJ_ARCHIVE,     /* an archive inside an archive */
	OBJ_OTHER,
} obj_kind;

static obj_kind kind_of(const unsigned char *p, size_t len)
{
	if (len == 0)
		return OBJ_EMPTY;
	if (len >= 4 && (memcmp(p, "BC\xc0\xde", 4) == 0 || memcmp(p, "\xde\xc0\x17\x0b", 4) == 0))
		return OBJ_BITCODE;
	if (len >= 4 && memcmp(p, "\x7f" "ELF", 4) == 0)
		return OBJ_ELF;
	if (len >= 2 && p[0] == 'M' && p[1] == 'Z')
		return OBJ_IMAGE;
	if (len >= 8 && (memcmp(p, "!<arch>\n", 8) == 0 || memcmp(p, "!<thin>\n", 8) == 0))
		return OBJ_ARCHIVE;
	if (len >= 6 && dk_le16(p) == 0 && dk_le16(p + 2) == 0xffff)
		return dk_le16(p + 4) == 0 ? OBJ_SHORT_IMPORT : dk_le16(p + 4) == 1 ? OBJ_ANON
		       : len >= 8 && known_machine(dk_le16(p + 6)) ? OBJ_COFF : OBJ_OTHER;
	/* (A header cut short is the pre-check's to say.) */
	return len >= 2 && known_machine(dk_le16(p)) ? OBJ_COFF : OBJ_OTHER;
}


/* Flags libbfd 2.40's pe-* targets do not take: each makes it print (past
 * any handler) while it probes the format, and all but NOT_PAGED make it
 * refuse the object.  No compiler writes them into an object. */
static const struct {
	uint32_t bit;
	const char *name;
} bad_flags[] = {
	{ 0x1, "STYP_DSECT" },
	{ 0x2, "STYP_NOLOAD" },
	{ 0x4, "STYP_GROUP" },
	{ 0x10, "STYP_COPY" },
	{ 0x100, "IMAGE_SCN_LNK_OTHER" },
	{ 0x400, "STYP_OVER" },
	{ 0x04000000, "IMAGE_SCN_MEM_NOT_CACHED" },
	{ 0x08000000, "IMAGE_SCN_MEM_NOT_PAGED" },
};

typedef struct cobj {
	const unsigned char *p;
	size_t len;
	bool big;
	uint64_t nsec, hdr;           /* section count; where the section table starts */
	uint64_t symptr, nsyms, symsz;
	const char *strtab;           /* the string table (its size field first), or NULL */
	uint64_t strsize;
} cobj;

/* A NUL-terminated name in the string table, or NULL. */
static const char *string_at(const cobj *c, uint64_t off)
{
	if (!c->strtab || off < 4 || off >= c->strsize)
		return NULL;
	if (!memchr(c->strtab + off, '\0', (size_t)(c->strsize - off)))
		return NULL;
	return c->strtab + off;
}

/* The name of the section whose header is at `h` ("/123": in the string
 * table), copied to buf[9] when short; NULL when it cannot be found. */
static const char *section_name(const cobj *c, const unsigned char *h, char *buf)
{
	memcpy(buf, h, 8);
	buf[8] = '\0';
	if (buf[0] == '/' && buf[1] >= '0' && buf[1] <= '9') {
		uint64_t off = 0;
		size_t k = 1;
		for (; k < 8 && buf[k] >= '0' && buf[k] <= '9'; k++)
			off = off * 10 + (uint64_t)(buf[k] - '0');
		if (k == 8 || buf[k] == '\0')
			return string_at(c, off);
	}
	return buf;
}

/* Symbol record `i`: its name (copied to buf[9] when short), section
 * number, storage class, type, value and aux count. */
static const char *symbol_at(const cobj *c, uint64_t i, char *buf, int32_t *scn, unsigned *cls,
			     unsigned *type, uint32_t *value, unsigned *naux)
{
	const unsigned char *r = c->p + c->symptr + i * c->symsz;

	*value = dk_le32(r + 8);
	if (c->big) {
		*scn = (int32_t)dk_le32(r + 12);
		*type = dk_le16(r + 16);
		*cls = r[18];
		*naux = r[19];
	} else {
		*scn = (int16_t)dk_le16(r + 12);
		*type = dk_le16(r + 14);
		*cls = r[16];
		*naux = r[17];
	}
	if (dk_le32(r) == 0)
		return string_at(c, dk_le32(r + 4));
	memcpy(buf, r, 8);
	buf[8] = '\0';
	return buf;
}

/* Where the COMDAT walk of one section stands (see check_comdats). */
typedef struct comdat {
	unsigned char state;    /* 0: section symbol not seen, 1: MSVC, 2: gas, 3: done */
	const char *target;     /* gas: the name after '$' */
	char name[9];           /* the section's short name */
	const char *longname;
} comdat;

#define BAD(...) (snprintf(why, whysize, __VA_ARGS__), false)

/*
 * libbfd, as it reads a COMDAT section's header, looks for its section
 * symbol (the first symbol of that section) and complains unless it is a
 * static or external symbol of type 0 and value 0, named like the section
 * (when static), with its aux record inside the table.  One pass over the
 * symbols checks every COMDAT section.
 */
static bool check_comdats(const cobj *c, char *why, size_t whysize, bool *nomem)
{
	comdat *cd;
	size_t ncomdat = 0;
	bool ok = true;

	for (uint64_t i = 0; i < c->nsec; i++)
		if (dk_le32(c->p + c->hdr + i * 40 + 36) & DK_SCN_LNK_COMDAT)
			ncomdat++;
	if (!ncomdat)
		return true;
	cd = calloc((size_t)c->nsec, sizeof *cd);
	if (!cd) {
		*nomem = true;
		return false;
	}
	for (uint64_t i = 0; i < c->nsec; i++) {
		const unsigned char *h = c->p + c->hdr + i * 40;
		if (!(dk_le32(h + 36) & DK_SCN_LNK_COMDAT)) {
			cd[i].state = 3;
			continue;
		}
		cd[i].longname = section_name(c, h, cd[i].name); /* checked by the caller */
	}
	for (uint64_t k = 0; k < c->nsyms && ok;) {
		char buf[9];
		int32_t scn;
		unsigned cls, type, naux;
		uint32_t value;
		const char *name = symbol_at(c, k, buf, &scn, &cls, &type, &value, &naux);
		comdat *x = scn >= 1 && (uint64_t)scn <= c->nsec ? &cd[scn - 1] : NULL;

		if (x && x->state == 0) {
			if (!((cls == 3 || cls == 2) && (type & 0xf) == 0 && value == 0))
				ok = BAD("the first symbol of COMDAT section %s (symbol %llu, %s) is "
					 "not its section symbol", x->longname, (unsigned long long)k,
					 name);
			else if (cls == 3 && strcmp(name, x->longname) != 0)
				ok = BAD("COMDAT section %s has a section symbol named %s",
					 x->longname, name);
			else if (naux && k + 1 >= c->nsyms)
				ok = BAD("the section symbol of COMDAT section %s has no room for its "
					 "aux record", x->longname);
			x->target = strchr(x->longname, '$');
			x->state = x->target ? 2 : 1;
			if (x->target)
				x->target++;
		} else if (x && x->state == 1) {
			x->state = 3;
		} else if (x && x->state == 2 && strcmp(x->target, name) == 0) {
			x->state = 3;
		}
		k += 1 + (uint64_t)naux;
	}
	free(cd);
	return ok;
}

/*
 * Check a COFF object's header, section table, section data, relocations,
 * symbol table, string table and every name against its bytes before
 * libbfd reads it, and refuse what makes libbfd 2.40 speak while it
 * probes the format (reserved section flags, a bad COMDAT section symbol,
 * a name outside the string table, an overflowed relocation count below
 * 65536), which it prints past any error handler.  A section that claims
 * data must have it in the file: a .drectve header claiming 2 GiB of a
 * 1.5 KB object is refused here, before anything is allocated for it.
 * True when the object is sound; else `why` says what is wrong (and
 * *nomem when that is want of memory).
 */
static bool coff_check(const unsigned char *p, size_t len, cobj *out, char *why,
		       size_t whysize, bool *nomem)
{
	cobj c;
	uint64_t end;

	memset(&c, 0, sizeof c);
	memset(out, 0, sizeof *out);
	c.p = p;
	c.len = len;
	*nomem = false;
	if (len < 20)
		return BAD("the COFF header is cut short (%zu bytes)", len);
	c.big = is_bigobj(p, len);
	if (c.big) {
		if (len < 56)
			return BAD("the big-object COFF header is cut short (%zu bytes)", len);
		c.nsec = dk_le32(p + 44);
		c.symptr = dk_le32(p + 48);
		c.nsyms = dk_le32(p + 52);
		c.hdr = 56;
		c.symsz = 20;
	} else {
		c.nsec = dk_le16(p + 2);
		c.symptr = dk_le32(p + 8);
		c.nsyms = dk_le32(p + 12);
		c.hdr = 20 + (uint64_t)dk_le16(p + 16);
		c.symsz = 18;
	}
	if (c.hdr + c.nsec * 40 > len)
		return BAD("the section table (%llu sections) runs past the end of the file",
			   (unsigned long long)c.nsec);
	/* The symbol table, then the string table right after it. */
	end = c.symptr + c.nsyms * c.symsz;
	if (c.nsyms && end > len)
		return BAD("the symbol table (%llu symbols at offset %llu) runs past the end of the "
			   "file", (unsigned long long)c.nsyms, (unsigned long long)c.symptr);
	if (c.nsyms || c.symptr) {
		if (end + 4 > len)
			return BAD("the string table size at offset %llu is past the end of the file",
				   (unsigned long long)end);
		c.strsize = dk_le32(p + end);
		if (c.strsize < 4 || end + c.strsize > len)
			return BAD("the string table size (%llu at offset %llu) is out of range",
				   (unsigned long long)c.strsize, (unsigned long long)end);
		c.strtab = (const char *)p + end;
	}
	for (uint64_t i = 0; i < c.nsec; i++) {
		const unsigned char *h = p + c.hdr + i * 40;
		uint32_t raw = dk_le32(h + 16), rawptr = dk_le32(h + 20), relptr = dk_le32(h + 24);
		uint32_t flags = dk_le32(h + 36);
		uint64_t nrel = dk_le16(h + 32);
		char buf[9];
		const char *name = section_name(&c, h, buf);
		bool nodata = (flags & DK_SCN_CNT_UNINITIALIZED_DATA) && !(flags & (DK_SCN_CNT_CODE | DK_SCN_CNT_INITIALIZED_DATA));

		if (!name)
			return BAD("section %llu has a long name outside the string table",
				   (unsigned long long)i + 1);
		for (size_t f = 0; f < sizeof bad_flags / sizeof bad_flags[0]; f++)
			if (flags & bad_flags[f].bit)
				return BAD("section %llu (%s) has the flag %s, which no compiler "
					   "writes into an object", (unsigned long long)i + 1, name,
					   bad_flags[f].name);
		if (raw && strcmp(name, ".drectve") == 0 && (nodata || !rawptr))
			return BAD("section %llu (.drectve) claims %u bytes but has no data in the "
				   "file", (unsigned long long)i + 1, raw);
		if (raw && !rawptr && !nodata)
			return BAD("section %llu (%s) claims %u bytes of data but has none in the "
				   "file", (unsigned long long)i + 1, name, raw);
		if (rawptr && raw && (uint64_t)rawptr + raw > len)
			return BAD("the data of section %llu (%s, %u bytes at offset %u) runs past "
				   "the end of the file", (unsigned long long)i + 1, name, raw, rawptr);
		if (flags & DK_SCN_LNK_NRELOC_OVFL) {
			/* The count is in the first relocation's address. */
			if ((uint64_t)relptr + 10 > len)
				return BAD("the relocations of section %llu (%s) run past the end of "
					   "the file", (unsigned long long)i + 1, name);
			nrel = dk_le32(p + relptr);
			if (nrel < 0x10000)
				return BAD("section %llu (%s) has an overflowed relocation count "
					   "below 65536 (%llu)", (unsigned long long)i + 1, name,
					   (unsigned long long)nrel);
		}
		if (nrel && (uint64_t)relptr + nrel * 10 > len)
			return BAD("the relocations of section %llu (%s) run past the end of the file",
				   (unsigned long long)i + 1, name);
	}
	/* Every symbol: its name found, its aux records inside the table, its
	 * section one that exists (or 0, -1 absolute, -2 debug). */
	for (uint64_t k = 0; k < c.nsyms;) {
		char buf[9];
		int32_t scn;
		unsigned cls, type, naux;
		uint32_t value;
		const char *name = symbol_at(&c, k, buf, &scn, &cls, &type, &value, &naux);

		if (!name)
			return BAD("symbol %llu has a name outside the string table",
				   (unsigned long long)k);
		if (k + 1 + naux > c.nsyms)
			return BAD("the aux records of symbol %llu (%s) run past the end of the "
				   "symbol table", (unsigned long long)k, name);
		if (scn < -2 || (scn > 0 && (uint64_t)scn > c.nsec))
			return BAD("symbol %llu (%s) is in section %ld, which does not exist",
				   (unsigned long long)k, name, (long)scn);
		k += 1 + (uint64_t)naux;
	}
	if (!check_comdats(&c, why, whysize, nomem))
		return false;
	*out = c;
	return true;
}

/* Has the object a .drectve section with bytes in it (where libbfd, which
 * looks at the first section of that name, may find directives)? */
static bool has_directives(const cobj *c)
{
	for (uint64_t i = 0; i < c->nsec; i++) {
		const unsigned char *h = c->p + c->hdr + i * 40;
		char buf[9];
		const char *name = section_name(c, h, buf);
		if (dk_le32(h + 16) && name && strcmp(name, ".drectve") == 0)
			return true;
	}
	return false;
}

/* Storage classes (IMAGE_SYM_CLASS_*) of the symbols compilers write. */
enum {
	SC_EXTERNAL = 2, SC_STATIC = 3, SC_LABEL = 6, SC_BLOCK = 100, SC_FUNCTION = 101,
	SC_FILE = 103, SC_SECTION = 104, SC_WEAK_EXTERNAL = 105,
};

/*
 * --export-all's symbols read straight from the symbol table coff_check
 * walked, without libbfd's canonical form of every symbol (which was most
 * of the time mkdef took over a big archive).  libbfd 2.40 reads a pe-*
 * object's symbols of these classes as follows, and this gives the same
 * symbols in the same order: an external or weak external symbol in a
 * section is global (data unless libbfd calls the section code); one in
 * no section is common (data) when it has a value, else undefined; one
 * with section number -1 or -2 is absolute or debugging.  Static symbols,
 * labels, .bb/.bf, file and section symbols are local.  *done is false,
 * and nothing is read, when the table holds any other class (libbfd then
 * reads it, and says what it says about it) or names a section libbfd
 * did not make.
 */
static int plain_symtab_exports(reader *r, bfd *abfd, const char *where, dk_machine mach,
				dk_dialect dialect, const dk_loc *loc, bool *done)
{
	const cobj *c = r->coff;
	asection **by_index;
	int rc = DK_OK;

	*done = false;
	if (!c)
		return DK_OK;
	for (uint64_t k = 0; k < c->nsyms;) {
		const unsigned char *sym = c->p + c->symptr + k * c->symsz;
		unsigned cls = sym[c->big ? 18 : 16], naux = sym[c->big ? 19 : 17];
		switch (cls) {
		case SC_EXTERNAL: case SC_STATIC: case SC_LABEL: case SC_BLOCK:
		case SC_FUNCTION: case SC_FILE: case SC_SECTION: case SC_WEAK_EXTERNAL:
			break;
		default:
			return DK_OK;
		}
		k += 1 + (uint64_t)naux;
	}
	by_index = calloc((size_t)c->nsec + 1, sizeof *by_index);
	if (!by_index) {
		dk_report(r->s, DK_ERROR, loc, "out of memory");
		*done = true;
		return DK_FAIL;
	}
	for (asection *sec = abfd->sections; sec; sec = sec->next)
		if (sec->target_index >= 1 && (uint64_t)sec->target_index <= c->nsec)
			by_index[sec->target_index] = sec;
	for (uint64_t k = 0; k < c->nsyms; ) {
		char buf[9];
		int32_t scn;
		unsigned cls, type, naux;
		uint32_t value;
		(void)symbol_at(c, k, buf, &scn, &cls, &type, &value, &naux);
		k += 1 + (uint64_t)naux;
		if ((cls == SC_EXTERNAL || cls == SC_WEAK_EXTERNAL) && scn > 0 && !by_index[scn]) {
			free(by_index);
			return DK_OK; /* a section libbfd left out: its reading decides */
		}
	}
	*done = true;
	for (uint64_t k = 0; k < c->nsyms && rc == DK_OK;) {
		char buf[9];
		int32_t scn;
		unsigned cls, type, naux;
		uint32_t value;
		const char *name = symbol_at(c, k, buf, &scn, &cls, &type, &value, &naux);
		bool data;

		k += 1 + (uint64_t)naux;
		if (cls != SC_EXTERNAL && cls != SC_WEAK_EXTERNAL)
			continue;
		if (scn > 0)
			data = !(bfd_section_flags(by_index[scn]) & SEC_CODE);
		else if (scn == 0 && value != 0)
			data = true; /* common */
		else
			continue; /* undefined, absolute or debugging */
		rc = export_symbol(r, name, data, where, mach, dialect, loc);
	}
	free(by_index);
	return rc;
}

/* Open a bfd as an object; ambiguity between COFF targets is settled by
 * taking the first COFF one (pe-x86-64 and pe-bigobj-x86-64 may both claim
 * a file in a multi-target libbfd). */
static bool check_object(bfd *abfd)
{
	char **matching = NULL;

	if (bfd_check_format_matches(abfd, bfd_object, &matching))
		return true;
	if (bfd_get_error() == bfd_error_file_ambiguously_recognized && matching) {
		bool found = false;
		for (char **t = matching; *t; t++) {
			if (dk_starts_with(*t, "pe-") || dk_starts_with(*t, "pei-")) {
				found = bfd_find_target(*t, abfd) != NULL &&
					bfd_check_format(abfd, bfd_object);
				break;
			}
		}
		if (found) {
			free(matching);
			return true;
		}
		bfd_set_error(bfd_error_file_ambiguously_recognized);
	}
	free(matching);
	return false;
}

static void format_error(reader *r, const char *member)
{
	dk_loc loc = dk_loc_file(r->path);
	bfd_error_type e = bfd_get_error();

	loc.member = member;
	if (e == bfd_error_file_truncated)
		dk_report(r->s, DK_ERROR, &loc, "truncated file");
	else if (e == bfd_error_file_not_recognized || e == bfd_error_wrong_format)
		/* The header names a machine we know, and the pre-check found
		 * nothing amiss, yet libbfd cannot read it. */
		dk_report(r->s, DK_ERROR, &loc, "truncated or corrupt COFF object (header says %s)",
			  dk_machine_name(machine_of(r->obj, r->objlen)));
	else if (e == bfd_error_file_ambiguously_recognized)
		dk_report(r->s, DK_ERROR, &loc, "file format is ambiguous");
	else
		dk_report(r->s, DK_ERROR, &loc, "cannot read: %s", bfd_why());
}

/*
 * Check the bytes of one object and open them for libbfd: NULL (with the
 * problem reported when `report`) for anything that is not a sound COFF
 * object; *skip for a short import member, which is read by no one here.
 */
static bfd *open_object_if(reader *r, const unsigned char *p, size_t len, const char *member,
			   mem *m, cobj *c, bool *skip, bool (*wanted)(const cobj *))
{
	dk_loc loc = dk_loc_file(r->path);
	char why[256];
	bool nomem;
	bfd *abfd;

	loc.member = member;
	*skip = false;
	r->obj = p;
	r->objlen = len;
	r->coff = c;
	switch (kind_of(p, len)) {
	case OBJ_COFF:
		break;
	case OBJ_SHORT_IMPORT:
		*skip = true;
		return NULL;
	case OBJ_EMPTY:
		dk_report(r->s, DK_ERROR, &loc, member ? "an empty member, not a COFF object"
						       : "empty file, not a COFF object or archive");
		return NULL;
	case OBJ_BITCODE:
		dk_report(r->s, DK_ERROR, &loc,
			  "LLVM bitcode (clang -flto): what it exports is decided only when it is "
			  "linked; compile the DLL's objects without -flto for dllkit to read them");
		return NULL;
	case OBJ_ANON:
		dk_report(r->s, DK_ERROR, &loc,
			  "an MSVC /GL object (link-time code generation): what it exports is "
			  "decided only when it is linked; compile without /GL for dllkit to read it");
		return NULL;
	case OBJ_IMAGE:
		dk_report(r->s, DK_ERROR, &loc,
			  "is a PE image (DLL or EXE), not an object; this version reads objects "
			  "and archives only");
		return NULL;
	case OBJ_ELF:
		dk_report(r->s, DK_ERROR, &loc, "not a COFF object (an ELF file)");
		return NULL;
	case OBJ_ARCHIVE:
		dk_report(r->s, DK_ERROR, &loc, "an archive inside an archive, not a COFF object");
		return NULL;
	default:
		dk_report(r->s, DK_ERROR, &loc, member ? "not a COFF object"
						       : "not a COFF object or archive");
		return NULL;
	}
	if (!coff_check(p, len, c, why, sizeof why, &nomem)) {
		if (nomem)
			dk_report(r->s, DK_ERROR, &loc, "out of memory");
		else
			dk_report(r->s, DK_ERROR, &loc, "truncated or corrupt COFF object: %s", why);
		return NULL;
	}
	if (wanted && !wanted(c)) {
		*skip = true;
		return NULL;
	}
	m->p = p;
	m->len = len;
	abfd = open_mem(m, member ? member : r->path);
	if (!abfd) {
		dk_report(r->s, DK_ERROR, &loc, "cannot read: %s", bfd_why());
		return NULL;
	}
	if (!check_object(abfd)) {
		format_error(r, member);
		bfd_close(abfd);
		return NULL;
	}
	return abfd;
}

static bfd *open_object(reader *r, const unsigned char *p, size_t len, const char *member,
			mem *m, cobj *c, bool *skip)
{
	return open_object_if(r, p, len, member, m, c, skip, NULL);
}

/* Read one object (a file, or an archive member). */
static int read_member(reader *r, const unsigned char *p, size_t len, const char *member)
{
	talk *t = current;
	bool skip;
	mem m;
	cobj c;
	bfd *abfd;
	int rc;

	t->member = member;
	t->failed = false;
	t->said = 0;
	abfd = open_object(r, p, len, member, &m, &c, &skip);
	if (!abfd) {
		t->member = NULL;
		if (!skip)
			return DK_FAIL;
		if (member) {
			char *where = where_of(r, member);
			skipped(r, member, where ? where : r->path, DK_SKIP_IMPORT_THUNK);
			free(where);
		}
		return DK_OK;
	}
	rc = read_object(r, abfd, member);
	r->coff = NULL;
	bfd_close(abfd);
	tell_rest(t);
	if (t->failed)
		rc = DK_FAIL;
	t->member = NULL;
	return rc;
}

/* Walk an archive twice: once to find any damage (reported as one line,
 * in arread's words, before any member is read), then member by member. */
static int read_archive(reader *r, const unsigned char *p, size_t len)
{
	dk_ar_reader ar;
	dk_ar_error err;
	dk_ar_entry e;
	dk_loc loc = dk_loc_file(r->path);
	int more, rc = DK_OK;

	if (!dk_ar_open(&ar, p, len, &err)) {
		loc.offset = (long long)err.offset;
		dk_report(r->s, DK_ERROR, &loc, "%s", err.message);
		return DK_FAIL;
	}
	while ((more = dk_ar_next(&ar, &e, &err)) == 1)
		;
	if (more < 0) {
		char *name = dk_ar_error_member(&err);
		loc.offset = (long long)err.offset;
		loc.member = name;
		dk_report(r->s, DK_ERROR, &loc, "damaged archive: %s", err.message);
		free(name);
		return DK_FAIL;
	}
	/* Library filters are about archives, never loose objects. */
	r->runtime_lib = dk_filter_runtime_lib(r->base);
	r->user_lib = dk_filter_user_lib(r->o, r->base);
	dk_ar_open(&ar, p, len, NULL);
	while (dk_ar_next(&ar, &e, NULL) == 1) {
		char *name = dk_ar_name(&e);
		if (!name) {
			dk_report(r->s, DK_ERROR, &loc, "out of memory");
			return DK_FAIL;
		}
		if (read_member(r, e.data, e.size, name) != DK_OK)
			rc = DK_FAIL;
		free(name);
	}
	return rc;
}

/* The dialect of one object's directives, AUTO when it has none. */
static dk_dialect object_dialect(reader *r, bfd *abfd)
{
	dk_directives d;
	dk_dialect result;

	if (bfd_get_flavour(abfd) != bfd_target_coff_flavour)
		return DK_DIALECT_AUTO;
	memset(&d, 0, sizeof d);
	read_directives(r, abfd, NULL, DK_MACHINE_UNKNOWN, &d);
	result = d.dialect;
	dk_directives_free(&d);
	return result;
}

/* The dialect of one object's bytes, quietly: the read proper reports. */
static dk_dialect bytes_dialect(reader *r, const unsigned char *p, size_t len)
{
	bool skip;
	mem m;
	cobj c;
	/* An object without directives has no dialect: libbfd is not asked
	 * (with the many members of a runtime archive, that was a third of
	 * mkdef --export-all's time). */
	bfd *abfd = open_object_if(r, p, len, NULL, &m, &c, &skip, has_directives);
	dk_dialect d;

	if (!abfd)
		return DK_DIALECT_AUTO;
	d = object_dialect(r, abfd);
	bfd_close(abfd);
	return d;
}

dk_dialect dk_input_dialect_mem(const void *data, size_t len)
{
	static const dk_read_opts none;
	dk_sink quiet = { NULL, NULL, 0, 0 };
	talk t = { &quiet, "", NULL, false, 0 }, *outer = current;
	dk_module m;
	reader r;
	dk_dialect d = DK_DIALECT_AUTO;
	dk_ar_reader ar;
	dk_ar_entry e;

	bfd_setup();
	dk_module_init(&m);
	memset(&r, 0, sizeof r);
	r.m = &m;
	r.o = &none;
	r.s = &quiet;
	r.path = "";
	current = &t;
	if (dk_ar_open(&ar, data, len, NULL)) {
		while (d == DK_DIALECT_AUTO && dk_ar_next(&ar, &e, NULL) == 1)
			d = bytes_dialect(&r, e.data, e.size);
	} else {
		d = bytes_dialect(&r, data, len);
	}
	current = outer;
	dk_module_free(&m);
	return d;
}

dk_dialect dk_input_dialect(const char *path)
{
	dk_input in;
	dk_dialect d;

	if (dk_input_read(&in, path, NULL) != DK_OK)
		return DK_DIALECT_AUTO;
	d = dk_input_dialect_mem(in.data, in.len);
	dk_input_free(&in);
	return d;
}

static int read_one(dk_module *m, const dk_input *in, const dk_read_opts *o, dk_directives *excl,
		    dk_sink *s)
{
	reader r;
	talk t = { s, in->name, NULL, false, 0 }, *outer = current;
	const char *slash = strrchr(in->name, '/');
	int rc;

	bfd_setup();
	memset(&r, 0, sizeof r);
	r.m = m;
	r.o = o;
	r.s = s;
	r.path = in->name;
	r.base = slash ? slash + 1 : in->name;
	r.excl = excl;
	current = &t;
	if (kind_of(in->data, in->len) == OBJ_ARCHIVE)
		rc = read_archive(&r, in->data, in->len);
	else
		rc = read_member(&r, in->data, in->len, NULL);
	current = outer;
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Drop the --export-all exports some input's -exclude-symbols: named, and
 * clear the marks. */
static void apply_excludes(dk_module *m, dk_directives *excl, const dk_read_opts *o)
{
	size_t out = 0;

	if (excl->nexclude)
		qsort(excl->exclude, excl->nexclude, sizeof *excl->exclude, cmp_str);
	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		bool gone = false;
		if ((e->flags & AUTO_EXPORT) && excl->nexclude) {
			const char *key = e->name;
			gone = bsearch(&key, excl->exclude, excl->nexclude, sizeof *excl->exclude,
				       cmp_str) != NULL;
		}
		e->flags &= ~AUTO_EXPORT;
		if (gone) {
			if (o->on_skip)
				o->on_skip(o->skip_ctx, e->name, e->origin ? e->origin : "",
					   DK_SKIP_DIRECTIVE);
			dk_export_free(e);
		} else {
			m->exports[out++] = *e;
		}
	}
	m->nexports = out;
}

/* An export object among the objects (GNU ld and lld export what its
 * .edata says): its exports, and the DLL name and machine when the
 * module has none yet. */
static int read_exp_input(dk_module *m, const dk_input *in, dk_sink *s)
{
	dk_module x;
	int rc;

	dk_module_init(&x);
	rc = dk_read_exp_mem(&x, in->data, in->len, in->name, s);
	for (size_t i = 0; rc == DK_OK && i < x.nexports; i++)
		if (!dk_module_add(m, &x.exports[i])) {
			dk_report(s, DK_ERROR, NULL, "out of memory");
			rc = DK_FAIL;
		}
	if (rc == DK_OK && !m->name) {
		m->name = x.name;
		m->has_name_stmt = true;
		x.name = NULL;
	}
	if (rc == DK_OK && !m->machine)
		m->machine = x.machine;
	dk_module_free(&x);
	return rc;
}

int dk_read_inputs_mem(dk_module *m, const dk_input *in, size_t n, const dk_read_opts *o,
		       dk_sink *s)
{
	static const dk_read_opts none;
	dk_read_opts opts = o ? *o : none;
	dk_directives excl;
	int rc = DK_OK;

	/* On i386 a name depends on the dialect, which must be known before
	 * the first symbol is named: the first input whose directives tell. */
	if (opts.export_all && !opts.dialect && !m->dialect)
		for (size_t i = 0; i < n && !opts.dialect; i++)
			opts.dialect = dk_input_dialect_mem(in[i].data, in[i].len);
	memset(&excl, 0, sizeof excl);
	for (size_t i = 0; i < n; i++)
		if ((dk_is_exp_mem(in[i].data, in[i].len) ? read_exp_input(m, &in[i], s)
							   : read_one(m, &in[i], &opts, &excl, s)) != DK_OK)
			rc = DK_FAIL;
	apply_excludes(m, &excl, &opts);
	dk_directives_free(&excl);
	if (!m->dialect && opts.dialect)
		m->dialect = opts.dialect;
	return rc;
}

int dk_read_inputs(dk_module *m, const char *const *paths, size_t n, const dk_read_opts *o,
		   dk_sink *s)
{
	dk_input *in = calloc(n ? n : 1, sizeof *in);
	size_t got = 0;
	int rc = DK_OK;

	if (!in) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return DK_FAIL;
	}
	/* Every input is read, so that one run reports every bad file. */
	for (size_t i = 0; i < n; i++) {
		if (dk_input_read(&in[got], paths[i], s) == DK_OK)
			got++;
		else
			rc = DK_FAIL;
	}
	if (dk_read_inputs_mem(m, in, got, o, s) != DK_OK)
		rc = DK_FAIL;
	for (size_t i = 0; i < got; i++)
		dk_input_free(&in[i]);
	free(in);
	return rc;
}

int dk_read_input(dk_module *m, const char *path, const dk_read_opts *o, dk_sink *s)
{
	return dk_read_inputs(m, &path, 1, o, s);
}
