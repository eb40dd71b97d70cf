/* test_read_objects.c - objects and archives read through libbfd
 * (lib/read_objects.c): dk_read_inputs_mem and dk_input_dialect_mem.
 *
 * The four "readers" tests moved unchanged from test_read_file.c, with the
 * COFF objects and GNU archives they build in memory; then several inputs
 * in one call (one bad input does not stop the others, and is named), the
 * machines of the inputs agreeing, and the dialect told by the directives.
 * Objects compiled by real compilers are read in tests/cli. */
#define PACKAGE "dllkit"
#define PACKAGE_VERSION DK_VERSION
#include <bfd.h>
#include <stdint.h>
#include <unistd.h>
#include "unit.h"
#include "unit_bytes.h"

/* ------------------------------------------------------------------ */
/* Bytes built here                                                     */
/* ------------------------------------------------------------------ */

/* An x86-64 COFF object with one .drectve section holding `text`, and a
 * symbol table of one static section symbol.  `size`/`ptr`: the section
 * header's SizeOfRawData and PointerToRawData (0: the real ones). */
static bytes object(const char *text, uint32_t size, uint32_t ptr, bool real_ptr)
{
	bytes b = { NULL, 0, 0 };
	uint32_t n = (uint32_t)strlen(text), data = 20 + 40, sym = data + n;

	put16(&b, DK_MACHINE_AMD64);
	put16(&b, 1);       /* sections */
	put32(&b, 0);       /* time */
	put32(&b, sym);     /* symbol table */
	put32(&b, 1);       /* symbols */
	put16(&b, 0);       /* optional header */
	put16(&b, 0);       /* characteristics */
	put(&b, ".drectve", 8);
	put32(&b, 0);
	put32(&b, 0);
	put32(&b, size ? size : n);
	put32(&b, real_ptr ? data : ptr);
	put32(&b, 0);       /* relocations */
	put32(&b, 0);       /* line numbers */
	put16(&b, 0);
	put16(&b, 0);
	put32(&b, 0x00100a00); /* LNK_INFO | LNK_REMOVE | ALIGN_1BYTES */
	put(&b, text, n);
	put(&b, ".drectve", 8);
	put32(&b, 0);       /* value */
	put16(&b, 1);       /* section */
	put16(&b, 0);       /* type */
	unsigned char cls[2] = { 3, 0 }; /* static, no aux */
	put(&b, cls, 2);
	put32(&b, 4);       /* an empty string table */
	return b;
}

/* ------------------------------------------------------------------ */
/* Objects and archives through the readers                             */
/* ------------------------------------------------------------------ */

static int read_mem(const bytes *b, const char *name, dk_module *m, unit_diags *u)
{
	UNIT_SINK(s, *u);
	dk_input in = { .name = name, .data = b->p, .len = b->len };
	dk_module_init(m);
	return dk_read_inputs_mem(m, &in, 1, NULL, &s);
}

START_TEST(object_from_memory)
{
	bytes o = object(" -export:\"f\" -export:\"g\",data", 0, 0, true);
	unit_diags u = { "", { 0 }, 0 };
	dk_module m;

	ck_assert_int_eq(read_mem(&o, "o.o", &m, &u), DK_OK);
	ck_assert_uint_eq(m.nexports, 2);
	ck_assert_str_eq(m.exports[0].name, "f");
	ck_assert_uint_eq(m.exports[1].flags, DK_EXPORT_DATA);
	ck_assert_uint_eq(u.count, 0);
	dk_module_free(&m);
	free(o.p);
}
END_TEST

/* A .drectve header that claims 2 GiB and has no data: refused before
 * anything is allocated for it, and by the --export-all dialect probe
 * too (which must not read it either). */
START_TEST(drectve_claims_more_than_the_file)
{
	bytes o = object(" -export:\"f\"", 0x80000000u, 0, false);
	unit_diags u = { "", { 0 }, 0 };
	dk_module m;

	ck_assert_int_eq(read_mem(&o, "o.o", &m, &u), DK_FAIL);
	ck_assert_str_eq(u.last, "o.o:0:0: truncated or corrupt COFF object: section 1 (.drectve) "
				 "claims 2147483648 bytes but has no data in the file");
	ck_assert_uint_eq(u.count, 1);
	dk_module_free(&m);
	ck_assert_int_eq(dk_input_dialect_mem(o.p, o.len), DK_DIALECT_AUTO);
	free(o.p);

	o = object(" -export:\"f\"", 0x1000, 0, true); /* data, but not that much */
	ck_assert_int_eq(read_mem(&o, "o.o", &m, &u), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, "runs past the end of the file"));
	dk_module_free(&m);
	free(o.p);
}
END_TEST

START_TEST(damaged_archive_one_line)
{
	bytes m[2] = { object(" -export:\"f\"", 0, 0, true), object(" -export:\"g\"", 0, 0, true) };
	bytes a = archive(m, 2, true);
	unit_diags u = { "", { 0 }, 0 };
	dk_module mod;

	ck_assert_int_eq(read_mem(&a, "a.a", &mod, &u), DK_OK);
	ck_assert_uint_eq(mod.nexports, 2);
	dk_module_free(&mod);

	a.len -= m[1].len + 60; /* the second member gone */
	ck_assert_int_eq(read_mem(&a, "a.a", &mod, &u), DK_FAIL);
	ck_assert_uint_eq(u.count, 1); /* one line, and no member read */
	ck_assert_uint_eq(mod.nexports, 0);
	ck_assert_ptr_nonnull(strstr(u.last, "damaged archive: a symbol index that points past"));
	dk_module_free(&mod);
	free(a.p);
	free(m[0].p);
	free(m[1].p);
}
END_TEST

/* A short import member (IMPORT_OBJECT_HEADER) for `sym` in dll.dll. */
static bytes short_import(const char *sym)
{
	bytes b = { NULL, 0, 0 };
	size_t n = strlen(sym) + 1 + 8;

	put16(&b, 0);
	put16(&b, 0xffff);
	put16(&b, 0);
	put16(&b, DK_MACHINE_AMD64);
	put32(&b, 0);
	put32(&b, (uint32_t)n);
	put16(&b, 0);
	put16(&b, 1 << 2); /* code, name type NAME */
	put(&b, sym, strlen(sym) + 1);
	put(&b, "dll.dll", 8);
	return b;
}

/* An archive that bundles import members with the DLL's own objects is
 * that DLL's static library: the objects' exports, not the imports; with
 * objects that export nothing (libmsvcrt.a) it is an import library. */
START_TEST(import_members_beside_objects)
{
	bytes m[2] = { short_import("imported"), object(" -export:\"mine\"", 0, 0, true) };
	bytes a = archive(m, 2, false), plain;
	unit_diags u = { "", { 0 }, 0 };
	dk_module mod;

	ck_assert(!dk_is_implib_mem(a.p, a.len));
	ck_assert_int_eq(read_mem(&a, "mixed.a", &mod, &u), DK_OK);
	ck_assert_uint_eq(mod.nexports, 1);
	ck_assert_str_eq(mod.exports[0].name, "mine");
	dk_module_free(&mod);
	free(a.p);
	free(m[1].p);

	m[1] = object(" -defaultlib:libcmt", 0, 0, true);
	plain = archive(m, 2, false);
	ck_assert(dk_is_implib_mem(plain.p, plain.len));
	free(plain.p);
	free(m[0].p);
	free(m[1].p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Several inputs, machines, dialects                                   */
/* ------------------------------------------------------------------ */

/* Every input is read: a bad one in the middle is one error naming it,
 * and the exports of the others are all there, in input order. */
START_TEST(several_inputs_one_bad_named)
{
	static const char junk[] = "this is not an object file at all, only text\n";
	bytes a = object(" -export:\"f\"", 0, 0, true), b = object(" -export:\"g\",data", 0, 0, true);
	dk_input in[3] = { { .name = "a.o", .data = a.p, .len = a.len },
			   { .name = "junk.o", .data = (const unsigned char *)junk, .len = sizeof junk - 1 },
			   { .name = "b.o", .data = b.p, .len = b.len } };
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_module m;

	dk_module_init(&m);
	ck_assert_int_eq(dk_read_inputs_mem(&m, in, 3, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(u.count, 1);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strncmp(u.last, "junk.o:", 7) == 0, "%s", u.last);
	ck_assert_uint_eq(m.nexports, 2);
	ck_assert_str_eq(m.exports[0].name, "f");
	ck_assert_str_eq(m.exports[1].name, "g");
	ck_assert_uint_eq(m.exports[1].flags, DK_EXPORT_DATA);
	dk_module_free(&m);
	free(a.p);
	free(b.p);
}
END_TEST

/* An i386 object after an x86-64 one: refused, naming both machines. */
START_TEST(machines_must_agree)
{
	bytes a = object(" -export:\"f\"", 0, 0, true), b = object(" -export:\"g\"", 0, 0, true);
	dk_input in[2] = { { .name = "a.o", .data = a.p, .len = a.len }, { .name = "b.o", .data = b.p, .len = b.len } };
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_module m;

	b.p[0] = DK_MACHINE_I386 & 0xff;
	b.p[1] = DK_MACHINE_I386 >> 8;
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_inputs_mem(&m, in, 2, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strncmp(u.last, "b.o:", 4) == 0, "%s", u.last);
	ck_assert_msg(strstr(u.last, "is for i386, but earlier inputs are for x86-64") != NULL, "%s", u.last);
	dk_module_free(&m);
	free(a.p);
	free(b.p);
}
END_TEST

/* GNU directives ("-export:") and Microsoft's ("/EXPORT:") tell the
 * dialect; an archive tells by its first member that does; an object with
 * no export directive, or no object, tells nothing. */
START_TEST(dialect_from_the_directives)
{
	bytes gnu = object(" -export:\"f\"", 0, 0, true), ms = object(" /EXPORT:f", 0, 0, true),
	      none = object(" -defaultlib:libcmt", 0, 0, true);
	bytes m[2] = { none, ms };
	bytes ar = archive(m, 2, true);

	ck_assert_int_eq(dk_input_dialect_mem(gnu.p, gnu.len), DK_DIALECT_GNU);
	ck_assert_int_eq(dk_input_dialect_mem(ms.p, ms.len), DK_DIALECT_MSVC);
	ck_assert_int_eq(dk_input_dialect_mem(none.p, none.len), DK_DIALECT_AUTO);
	ck_assert_int_eq(dk_input_dialect_mem(ar.p, ar.len), DK_DIALECT_MSVC);
	ck_assert_int_eq(dk_input_dialect_mem("junk", 4), DK_DIALECT_AUTO);
	free(gnu.p);
	free(ms.p);
	free(none.p);
	free(ar.p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* --export-all: the symbol table read without libbfd's canonical form  */
/* ------------------------------------------------------------------ */

/* Where the symbols of symbols_object are: section 1 (.text, code), 2
 * (.data), none with a value (common), none without (undefined), -1
 * (absolute), -2 (debugging). */
static const struct { int16_t scn; uint32_t value; } places[] = {
	{ 1, 0 }, { 2, 4 }, { 0, 16 }, { 0, 0 }, { -1, 8 }, { -2, 0 },
};
enum { NPLACES = sizeof places / sizeof places[0] };

/* An x86-64 object with one symbol of each storage class in `cls` in each
 * place; every other name is long (in the string table). */
static bytes symbols_object(const unsigned char *cls, size_t ncls)
{
	bytes b = { NULL, 0, 0 }, str = { NULL, 0, 0 };
	uint32_t nsym = (uint32_t)(ncls * NPLACES), data = 20 + 2 * 40, sym = data + 8;
	static const char *const names[2] = { ".text", ".data" };
	static const uint32_t flags[2] = { 0x60000020, 0xc0000040 };

	put16(&b, DK_MACHINE_AMD64);
	put16(&b, 2);
	put32(&b, 0);
	put32(&b, sym);
	put32(&b, nsym);
	put16(&b, 0);
	put16(&b, 0);
	for (int i = 0; i < 2; i++) {
		char n[8] = { 0 };
		memcpy(n, names[i], strlen(names[i]));
		put(&b, n, 8);
		put32(&b, 0);
		put32(&b, 0);
		put32(&b, 4);
		put32(&b, data + 4 * (uint32_t)i);
		put32(&b, 0);
		put32(&b, 0);
		put16(&b, 0);
		put16(&b, 0);
		put32(&b, flags[i]);
	}
	put32(&b, 0xc3c3c3c3);
	put32(&b, 0);
	put32(&str, 0); /* the size, set below */
	for (size_t c = 0; c < ncls; c++) {
		for (size_t k = 0; k < NPLACES; k++) {
			char name[32];
			unsigned char tail[4] = { 0, 0, cls[c], 0 };
			snprintf(name, sizeof name, (c + k) % 2 ? "long_symbol_%u_%zu" : "s%u_%zu",
				 cls[c], k);
			if (strlen(name) > 8) {
				put32(&b, 0);
				put32(&b, (uint32_t)str.len);
				put(&str, name, strlen(name) + 1);
			} else {
				char n[8] = { 0 };
				memcpy(n, name, strlen(name));
				put(&b, n, 8);
			}
			put32(&b, places[k].value);
			put16(&b, (uint16_t)places[k].scn);
			put(&b, tail, 4); /* type 0, the class, no aux */
		}
	}
	str.p[0] = (unsigned char)str.len;
	str.p[1] = (unsigned char)(str.len >> 8);
	put(&b, str.p, str.len);
	free(str.p);
	return b;
}

/* What libbfd's canonical symbols of `o` say --export-all exports (as
 * read_objects.c chose from them before it read the table itself):
 * "name" or "name DATA", one a line; NULL when libbfd cannot read them. */
static char *bfd_exports(const bytes *o)
{
	char path[] = "/tmp/dk-unit-XXXXXX";
	int fd = mkstemp(path);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	bfd *abfd;
	long n = -1;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, o->p, o->len), (ssize_t)o->len);
	close(fd);
	bfd_init();
	abfd = bfd_openr(path, NULL);
	ck_assert_ptr_nonnull(abfd);
	ck_assert(bfd_check_format(abfd, bfd_object));
	asymbol **syms = malloc((size_t)bfd_get_symtab_upper_bound(abfd));
	if (syms)
		n = bfd_canonicalize_symtab(abfd, syms);
	for (long i = 0; i < n; i++) {
		asection *sec = bfd_asymbol_section(syms[i]);
		if (!(syms[i]->flags & (BSF_GLOBAL | BSF_WEAK)) && !bfd_is_com_section(sec))
			continue;
		if (bfd_is_und_section(sec) || bfd_is_abs_section(sec) ||
		    (syms[i]->flags & (BSF_SECTION_SYM | BSF_FILE | BSF_DEBUGGING)))
			continue;
		fprintf(f, "%s%s\n", bfd_asymbol_name(syms[i]),
			bfd_is_com_section(sec) || !(bfd_section_flags(sec) & SEC_CODE) ? " DATA" : "");
	}
	fclose(f);
	free(syms);
	bfd_close(abfd);
	unlink(path);
	if (n < 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The same, as dllkit reads it (NULL when the read fails). */
static char *dk_exports(const bytes *o, unit_diags *u)
{
	UNIT_SINK(s, *u);
	dk_read_opts opts = { .export_all = true, .keep_runtime_libs = true };
	dk_input in = { .name = "o.o", .data = o->p, .len = o->len };
	dk_module m;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int rc;

	dk_module_init(&m);
	rc = dk_read_inputs_mem(&m, &in, 1, &opts, &s);
	for (size_t i = 0; i < m.nexports; i++)
		fprintf(f, "%s%s\n", m.exports[i].name,
			m.exports[i].flags & DK_EXPORT_DATA ? " DATA" : "");
	fclose(f);
	dk_module_free(&m);
	if (rc != DK_OK) {
		free(out);
		return NULL;
	}
	return out;
}

/* The storage classes compilers write (external, static, label, .bb,
 * .bf, file, section, weak external), in every place: read from the
 * table directly, the exports are the ones libbfd's symbols give. */
START_TEST(export_all_agrees_with_libbfd)
{
	static const unsigned char plain[] = { 2, 3, 6, 100, 101, 103, 104, 105 };
	bytes o = symbols_object(plain, sizeof plain);
	unit_diags u = { "", { 0 }, 0 };
	char *want = bfd_exports(&o), *got = dk_exports(&o, &u);

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	/* External and weak external in .text, .data and common: 6. */
	ck_assert_str_eq(want, "s2_0\nlong_symbol_2_1 DATA\ns2_2 DATA\n"
			       "long_symbol_105_0\ns105_1 DATA\nlong_symbol_105_2 DATA\n");
	ck_assert_uint_eq(u.count, 0);
	free(want);
	free(got);
	free(o.p);
}
END_TEST

/* Other classes are libbfd's to read: a weak external (127) the same as
 * libbfd exports it, and a class libbfd does not know an error, in its
 * words, with nothing exported. */
START_TEST(export_all_other_classes_read_by_libbfd)
{
	static const unsigned char weak[] = { 2, 127 }, unknown[] = { 2, 250 };
	bytes o = symbols_object(weak, sizeof weak);
	unit_diags u = { "", { 0 }, 0 };
	char *want = bfd_exports(&o), *got = dk_exports(&o, &u);

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	ck_assert_ptr_nonnull(strstr(want, "long_symbol_127_0\n"));
	free(want);
	free(got);
	free(o.p);

	o = symbols_object(unknown, sizeof unknown);
	u.count = 0;
	got = dk_exports(&o, &u);
	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(strstr(u.last, "o.o:0:0: "));
	ck_assert_uint_ge(u.count, 1);
	free(o.p);
}
END_TEST

static Suite *read_objects_suite(void)
{
	Suite *s = suite_create("read_objects");
	TCase *t = tcase_create("readers");
	tcase_add_test(t, object_from_memory);
	tcase_add_test(t, drectve_claims_more_than_the_file);
	tcase_add_test(t, damaged_archive_one_line);
	tcase_add_test(t, import_members_beside_objects);
	suite_add_tcase(s, t);
	t = tcase_create("inputs");
	tcase_add_test(t, several_inputs_one_bad_named);
	tcase_add_test(t, machines_must_agree);
	tcase_add_test(t, dialect_from_the_directives);
	suite_add_tcase(s, t);
	t = tcase_create("export_all");
	tcase_add_test(t, export_all_agrees_with_libbfd);
	tcase_add_test(t, export_all_other_classes_read_by_libbfd);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(read_objects_suite)
