/* bfdread.c - exports from COFF objects and static archives, read with libbfd.
 *
 * Default: the dllexport directives in each object's .drectve section.
 * --export-all: every external defined symbol, less what filter.c leaves out.
 *
 * libbfd keeps process-wide state of its own (bfd_init, the error handler).
 * We set its error handler to one that discards, so the library never
 * prints; every problem we report comes through the caller's sink.
 */
#define PACKAGE "dllkit"
#define PACKAGE_VERSION DK_VERSION
#include <bfd.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "internal.h"

#ifndef DK_BFD_FLAVOR
#define DK_BFD_FLAVOR "libbfd"
#endif

static void quiet_bfd(const char *fmt, va_list ap)
{
	(void)fmt;
	(void)ap;
}

static void bfd_setup(void)
{
	/* Both calls are idempotent; they set the same values every time. */
	bfd_init();
	bfd_set_error_handler(quiet_bfd);
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
} reader;

/* Marks, while inputs are read, the exports --export-all added (as opposed
 * to directives): only those are subject to -exclude-symbols. */
#define AUTO_EXPORT (1u << 30)

static dk_machine machine_of(bfd *abfd)
{
	unsigned char h[8];

	/* The machine field of the COFF header, read directly so that values
	 * libbfd has no name for (ARM64EC) are still told apart. */
	if (bfd_seek(abfd, 0, SEEK_SET) == 0 && bfd_bread(h, 8, abfd) == 8) {
		unsigned mach = h[0] | h[1] << 8;
		if (mach == 0 && h[2] == 0xff && h[3] == 0xff) /* bigobj */
			mach = h[6] | h[7] << 8;
		switch (mach) {
		case DK_MACHINE_I386:
		case DK_MACHINE_AMD64:
		case DK_MACHINE_ARM64:
		case DK_MACHINE_ARM64EC:
		case DK_MACHINE_ARMNT:
			return (dk_machine)mach;
		}
	}
	switch (bfd_get_arch(abfd)) {
	case bfd_arch_i386:
		return bfd_get_mach(abfd) & bfd_mach_x86_64 ? DK_MACHINE_AMD64 : DK_MACHINE_I386;
	case bfd_arch_aarch64:
		return DK_MACHINE_ARM64;
	case bfd_arch_arm:
		return DK_MACHINE_ARMNT;
	default:
		return DK_MACHINE_UNKNOWN;
	}
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
	/* The header may claim any size (2 GiB in 1.5 KB): allocate no more
	 * than the file holds. */
	if (size > bfd_get_size(abfd)) {
		dk_report(r->s, DK_ERROR, &loc, ".drectve section of %llu bytes is larger than the file",
			  (unsigned long long)size);
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

static int export_all_symbols(reader *r, bfd *abfd, const char *member, const char *where,
			      dk_machine mach, dk_dialect dialect)
{
	long upper, n;
	asymbol **syms;
	dk_loc loc = dk_loc_file(r->path);
	int rc = DK_OK;

	loc.member = member;
	if (!(bfd_get_file_flags(abfd) & HAS_SYMS))
		return DK_OK;
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
		const char *raw = bfd_asymbol_name(sym);
		asection *sec = bfd_asymbol_section(sym);
		bool data;
		char *name;
		dk_skip_reason why;

		if (!(sym->flags & (BSF_GLOBAL | BSF_WEAK)) && !bfd_is_com_section(sec))
			continue;
		if (bfd_is_und_section(sec) || bfd_is_abs_section(sec) ||
		    (sym->flags & (BSF_SECTION_SYM | BSF_FILE | BSF_DEBUGGING)))
			continue;
		data = bfd_is_com_section(sec) || !(bfd_section_flags(sec) & SEC_CODE);
		name = dk_symbol_to_def_name(raw, mach, dialect);
		if (!name) {
			dk_report(r->s, DK_ERROR, &loc, "out of memory");
			rc = DK_FAIL;
			break;
		}
		why = dk_filter_symbol(raw, name);
		if (why == DK_SKIP_NONE && dk_filter_user(r->o, raw, name))
			why = DK_SKIP_USER_EXCLUDE;
		if (why != DK_SKIP_NONE) {
			skipped(r, raw, where, why);
			free(name);
			continue;
		}
		dk_export e;
		memset(&e, 0, sizeof e);
		e.name = name;
		e.flags = AUTO_EXPORT;
		if (data)
			e.flags |= DK_EXPORT_DATA;
		rc = add_export(r, &e, where);
		free(name);
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
	p = realloc(r->excl->exclude, (r->excl->nexclude + d->nexclude) * sizeof *p);
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
	mach = machine_of(abfd);
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

/* LLVM bitcode, raw or in its wrapper: what clang -flto writes. */
static bool is_bitcode(bfd *abfd)
{
	unsigned char h[4];
	if (bfd_seek(abfd, 0, SEEK_SET) != 0 || bfd_bread(h, 4, abfd) != 4)
		return false;
	return memcmp(h, "BC\xc0\xde", 4) == 0 || memcmp(h, "\xde\xc0\x17\x0b", 4) == 0;
}

static int format_error(reader *r, bfd *abfd, const char *member)
{
	dk_loc loc = dk_loc_file(r->path);
	bfd_error_type e = bfd_get_error();

	loc.member = member;
	if (is_bitcode(abfd))
		dk_report(r->s, DK_ERROR, &loc,
			  "LLVM bitcode (clang -flto): what it exports is decided only when it is "
			  "linked; compile the DLL's objects without -flto for dllkit to read them");
	else if (e == bfd_error_file_truncated)
		dk_report(r->s, DK_ERROR, &loc, "truncated file");
	else if ((e == bfd_error_file_not_recognized || e == bfd_error_wrong_format) &&
		 machine_of(abfd) != DK_MACHINE_UNKNOWN)
		/* The header names a machine we know, yet libbfd cannot read it:
		 * cut short or damaged, not some other format. */
		dk_report(r->s, DK_ERROR, &loc, "truncated or corrupt COFF object (header says %s)",
			  dk_machine_name(machine_of(abfd)));
	else if (e == bfd_error_file_not_recognized || e == bfd_error_wrong_format)
		dk_report(r->s, DK_ERROR, &loc, "not a COFF object or archive");
	else if (e == bfd_error_file_ambiguously_recognized)
		dk_report(r->s, DK_ERROR, &loc, "file format is ambiguous");
	else
		dk_report(r->s, DK_ERROR, &loc, "cannot read: %s", bfd_why());
	return DK_FAIL;
}

/* Little-endian fields of a header read into memory. */
static uint32_t le16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool read_at(bfd *abfd, file_ptr off, void *buf, bfd_size_type n)
{
	return bfd_seek(abfd, off, SEEK_SET) == 0 && bfd_bread(buf, n, abfd) == n;
}

/*
 * Check that a COFF object's header, section table, relocations, symbol
 * table and string table lie inside the file before libbfd reads it.
 * libbfd 2.40 prints some complaints about damaged files straight to
 * stderr while it probes formats, whatever error handler is set; a file
 * that fails here never reaches it.  Returns NULL when the file looks
 * sound (or is not COFF at all: libbfd then says what it is), else the
 * problem.
 */
static const char *coff_precheck(bfd *abfd)
{
	unsigned char h[56], sh[40];
	ufile_ptr size = bfd_get_size(abfd);
	uint64_t nsec, symptr, nsyms, symsize, hdr, end;
	bool bigobj;

	if (size < 20 || !read_at(abfd, 0, h, 20))
		return NULL;
	bigobj = le16(h) == 0 && le16(h + 2) == 0xffff;
	if (!bigobj) {
		switch (le16(h)) {
		case DK_MACHINE_I386: case DK_MACHINE_AMD64: case DK_MACHINE_ARM64:
		case DK_MACHINE_ARM64EC: case DK_MACHINE_ARMNT:
			break;
		default:
			return NULL; /* not an object we know: libbfd will say */
		}
		nsec = le16(h + 2);
		symptr = le32(h + 8);
		nsyms = le32(h + 12);
		hdr = 20 + (uint64_t)le16(h + 16);
		symsize = 18;
	} else {
		if (le16(h + 4) < 2)
			return NULL; /* an import-library short member, not bigobj */
		if (size < 56 || !read_at(abfd, 0, h, 56))
			return "truncated big-object COFF header";
		nsec = le32(h + 44);
		symptr = le32(h + 48);
		nsyms = le32(h + 52);
		hdr = 56;
		symsize = 20;
	}
	if (hdr + nsec * 40 > size)
		return "section table runs past the end of the file";
	for (uint64_t i = 0; i < nsec; i++) {
		uint32_t raw, rawptr, relptr, nrel, flags;
		if (!read_at(abfd, (file_ptr)(hdr + i * 40), sh, 40))
			return "cannot read the section table";
		raw = le32(sh + 16);
		rawptr = le32(sh + 20);
		relptr = le32(sh + 24);
		nrel = le16(sh + 32);
		flags = le32(sh + 36);
		/* Reserved type bits (DSECT, NOLOAD, GROUP, COPY, OVER): no compiler sets them. */
		if (flags & 0x417)
			return "a section header has reserved type flags set";
		if (rawptr && raw && (uint64_t)rawptr + raw > size)
			return "section data runs past the end of the file";
		if (nrel && (uint64_t)relptr + (uint64_t)nrel * 10 > size)
			return "relocations run past the end of the file";
	}
	if (nsyms == 0 && symptr == 0)
		return NULL;
	end = symptr + nsyms * symsize;
	if (end + 4 > size)
		return "symbol table runs past the end of the file";
	if (!read_at(abfd, (file_ptr)end, h, 4))
		return "cannot read the string table size";
	if (le32(h) < 4 || end + le32(h) > size)
		return "string table size is out of range";
	return NULL;
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

static int read_archive(reader *r, bfd *arch)
{
	bfd *member = NULL, *prev = NULL;
	int rc = DK_OK;
	bool any = false;

	for (;;) {
		member = bfd_openr_next_archived_file(arch, prev);
		if (prev)
			bfd_close(prev);
		prev = member;
		if (!member) {
			bfd_error_type e = bfd_get_error();
			if (e != bfd_error_no_more_archived_files && e != bfd_error_no_error) {
				dk_loc loc = dk_loc_file(r->path);
				dk_report(r->s, DK_ERROR, &loc, "corrupt archive: %s", bfd_why());
				rc = DK_FAIL;
			}
			break;
		}
		any = true;
		const char *name = bfd_get_filename(member);
		const char *bad = coff_precheck(member);
		if (bad) {
			dk_loc loc = dk_loc_file(r->path);
			loc.member = name;
			dk_report(r->s, DK_ERROR, &loc, "truncated or corrupt COFF object: %s", bad);
			rc = DK_FAIL;
			continue;
		}
		if (!check_object(member)) {
			format_error(r, member, name);
			rc = DK_FAIL;
			continue;
		}
		if (read_object(r, member, name) != DK_OK)
			rc = DK_FAIL;
	}
	(void)any;
	return rc;
}

/* The dialect of one object's directives, AUTO when it has none. */
static dk_dialect object_dialect(bfd *abfd)
{
	dk_directives d;
	dk_sink quiet = { NULL, NULL, 0, 0 };
	reader r;
	static const dk_read_opts none;
	dk_module m;
	dk_dialect result;

	if (bfd_get_flavour(abfd) != bfd_target_coff_flavour)
		return DK_DIALECT_AUTO;
	memset(&r, 0, sizeof r);
	dk_module_init(&m);
	r.m = &m;
	r.o = &none;
	r.s = &quiet;
	r.path = "";
	memset(&d, 0, sizeof d);
	read_directives(&r, abfd, NULL, DK_MACHINE_UNKNOWN, &d);
	result = d.dialect;
	dk_directives_free(&d);
	return result;
}

dk_dialect dk_input_dialect(const char *path)
{
	bfd *abfd, *member, *prev = NULL;
	dk_dialect d = DK_DIALECT_AUTO;

	bfd_setup();
	abfd = bfd_openr(path, NULL);
	if (!abfd)
		return DK_DIALECT_AUTO;
	if (bfd_check_format(abfd, bfd_archive)) {
		while (d == DK_DIALECT_AUTO &&
		       (member = bfd_openr_next_archived_file(abfd, prev)) != NULL) {
			if (prev)
				bfd_close(prev);
			prev = member;
			if (check_object(member))
				d = object_dialect(member);
		}
		if (prev)
			bfd_close(prev);
	} else if (check_object(abfd)) {
		d = object_dialect(abfd);
	}
	bfd_close(abfd);
	return d;
}

static int read_one(dk_module *m, const char *path, const dk_read_opts *o, dk_directives *excl,
		    dk_sink *s)
{
	reader r;
	bfd *abfd;
	dk_loc loc = dk_loc_file(path);
	int rc;
	static const dk_read_opts none;

	bfd_setup();
	memset(&r, 0, sizeof r);
	r.m = m;
	r.o = o ? o : &none;
	r.s = s;
	r.path = path;
	r.base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	r.excl = excl;

	abfd = bfd_openr(path, NULL);
	if (!abfd) {
		dk_report(s, DK_ERROR, &loc, "cannot open: %s", bfd_why());
		return DK_FAIL;
	}
	if (bfd_get_size(abfd) == 0) {
		dk_report(s, DK_ERROR, &loc, "empty file, not a COFF object or archive");
		bfd_close(abfd);
		return DK_FAIL;
	}
	const char *bad = coff_precheck(abfd);
	if (bad) {
		dk_report(s, DK_ERROR, &loc, "truncated or corrupt COFF object: %s", bad);
		bfd_close(abfd);
		return DK_FAIL;
	}
	if (bfd_check_format(abfd, bfd_archive)) {
		/* Library filters are about archives, never loose objects. */
		r.runtime_lib = dk_filter_runtime_lib(r.base);
		r.user_lib = dk_filter_user_lib(r.o, r.base);
		rc = read_archive(&r, abfd);
	} else if (bfd_set_error(bfd_error_no_error), check_object(abfd)) {
		rc = read_object(&r, abfd, NULL);
	} else {
		rc = format_error(&r, abfd, NULL);
	}
	bfd_close(abfd);
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

int dk_read_inputs(dk_module *m, const char *const *paths, size_t n, const dk_read_opts *o,
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
			opts.dialect = dk_input_dialect(paths[i]);
	memset(&excl, 0, sizeof excl);
	for (size_t i = 0; i < n; i++)
		if (read_one(m, paths[i], &opts, &excl, s) != DK_OK)
			rc = DK_FAIL;
	apply_excludes(m, &excl, &opts);
	dk_directives_free(&excl);
	if (!m->dialect && opts.dialect)
		m->dialect = opts.dialect;
	return rc;
}

int dk_read_input(dk_module *m, const char *path, const dk_read_opts *o, dk_sink *s)
{
	return dk_read_inputs(m, &path, 1, o, s);
}
