/* test_read_objects.c - objects and archives read through libbfd
 * (lib/read_objects.c): dk_read_inputs_mem and dk_input_dialect_mem.
 *
 * The four "readers" tests moved unchanged from test_read_file.c, with the
 * COFF objects and GNU archives they build in memory; then several inputs
 * in one call (one bad input does not stop the others, and is named), the
 * machines of the inputs agreeing, and the dialect told by the directives.
 * Objects compiled by real compilers are read in tests/cli. */
#include <stdint.h>
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
	dk_input in = { name, b->p, b->len, NULL, 0 };
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
	dk_input in[3] = { { "a.o", a.p, a.len, NULL, 0 },
			   { "junk.o", (const unsigned char *)junk, sizeof junk - 1, NULL, 0 },
			   { "b.o", b.p, b.len, NULL, 0 } };
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
	dk_input in[2] = { { "a.o", a.p, a.len, NULL, 0 }, { "b.o", b.p, b.len, NULL, 0 } };
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
	return s;
}

DK_UNIT_MAIN(read_objects_suite)
