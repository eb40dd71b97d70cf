/* test_write_implib.c - the import-library entry point (lib/write_implib.c):
 * what it refuses before writing anything, the list of imports it builds
 * from the export set (dk_import_entries), and which writer and archive
 * kind it picks.  The bytes each writer lays down are tested in
 * test_write_implib_short.c and test_write_implib_long.c. */
#include <stdint.h>
#include "unit.h"
#include "write_implib_private.h"

static void parse_def(dk_module *m, const char *def)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	dk_module_init(m);
	ck_assert_msg(dk_def_parse(m, def, strlen(def), "t.def", &s) == DK_OK, "%s", d.last);
}

/* Refused with one error, and nothing handed back. */
static void expect_refused(const dk_module *m, const dk_implib_opts *o, const char *want)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	char *out = (char *)1;
	size_t len = 99;

	ck_assert_int_eq(dk_implib_write(m, o, &out, &len, &s), DK_FAIL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strstr(d.last, want) != NULL, "'%s' does not say '%s'", d.last, want);
}

START_TEST(refused_without_machine_or_dll_name)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_UNKNOWN, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };

	parse_def(&m, "EXPORTS\n f\n");
	expect_refused(&m, &o, "no machine given for the import library");
	o.machine = (dk_machine)0x1234;
	expect_refused(&m, &o, "no machine given for the import library");
	o.machine = DK_MACHINE_AMD64;
	o.dll_name = NULL;
	expect_refused(&m, &o, "no DLL name given for the import library");
	o.dll_name = "";
	expect_refused(&m, &o, "no DLL name given for the import library");
	dk_module_free(&m);
}
END_TEST

/* The model's own check runs first: two exports on one ordinal. */
START_TEST(refused_when_the_model_is_bad)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_AMD64, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };

	parse_def(&m, "EXPORTS\n f @3\n g @3\n");
	expect_refused(&m, &o, "ordinal 3 is given to both \"f\"");
	o.format = DK_IMPLIB_LONG;
	expect_refused(&m, &o, "ordinal 3 is given to both \"f\"");
	dk_module_free(&m);
}
END_TEST

/* Model order, PRIVATE left out, the type from DATA/CONSTANT, the ordinal
 * (hint or by-ordinal), and the names by the naming rules. */
START_TEST(entries_from_the_export_set)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_AMD64, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	dk_import_entry *v = NULL;
	size_t n = 0;
	unit_diags d = { 0 };
	UNIT_SINK(s, d);

	parse_def(&m, "EXPORTS\n zed\n hidden PRIVATE\n v @4 DATA\n k CONSTANT\n"
		      " n @9 NONAME\n ea EXPORTAS real\n");
	ck_assert_int_eq(dk_import_entries(&m, &o, &v, &n, &s), DK_OK);
	ck_assert_uint_eq(s.errors, 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(v[0].symbol, "zed");
	ck_assert_str_eq(v[0].load_name, "zed");
	ck_assert_uint_eq(v[0].type, DK_IMPORT_CODE);
	ck_assert_ptr_null(v[0].export_as);
	ck_assert_ptr_eq(v[0].e, &m.exports[0]);
	ck_assert_str_eq(v[1].symbol, "v");
	ck_assert_uint_eq(v[1].type, DK_IMPORT_DATA);
	ck_assert_uint_eq(v[1].ordinal, 4);
	ck_assert_ptr_eq(v[1].e, &m.exports[2]);
	ck_assert_str_eq(v[2].symbol, "k");
	ck_assert_uint_eq(v[2].type, DK_IMPORT_CONST);
	ck_assert_str_eq(v[3].symbol, "n");
	ck_assert_uint_eq(v[3].name_type, DK_NAME_ORDINAL);
	ck_assert_ptr_null(v[3].load_name);
	ck_assert_uint_eq(v[3].ordinal, 9);
	ck_assert_str_eq(v[4].symbol, "ea");
	ck_assert_uint_eq(v[4].name_type, DK_NAME_EXPORTAS);
	ck_assert_str_eq(v[4].load_name, "real");
	ck_assert_str_eq(v[4].export_as, "real");
	dk_import_entries_free(v, n);
	dk_module_free(&m);
}
END_TEST

/* i386: the C underscore on the symbol, not on the name loaded. */
START_TEST(entries_i386_underscore)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_I386, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	dk_import_entry *v = NULL;
	size_t n = 0;

	parse_def(&m, "EXPORTS\n f\n");
	ck_assert_int_eq(dk_import_entries(&m, &o, &v, &n, NULL), DK_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].symbol, "_f");
	ck_assert_str_eq(v[0].load_name, "f");
	dk_import_entries_free(v, n);
	o.no_leading_underscore = true;
	ck_assert_int_eq(dk_import_entries(&m, &o, &v, &n, NULL), DK_OK);
	ck_assert_str_eq(v[0].symbol, "f");
	dk_import_entries_free(v, n);
	dk_module_free(&m);
}
END_TEST

/* How many "/" index members the archive starts with: 1 for GNU, 2 for
 * Microsoft's (first and second linker members). */
static unsigned indexes(const char *a, size_t len)
{
	size_t off = 8;
	unsigned k = 0;

	ck_assert(len >= 8 && memcmp(a, "!<arch>\n", 8) == 0);
	while (off + 60 <= len && memcmp(a + off, "/               ", 16) == 0) {
		k++;
		off += 60 + (size_t)strtoul(a + off + 48, NULL, 10);
		off += off & 1;
	}
	return k;
}

/* The short format holds import headers (Sig2 0xffff); the long one none. */
static bool has_short_import(const char *a, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(a + i, "`\n\0\0\xff\xff", 6) == 0)
			return true;
	return false;
}

START_TEST(writer_and_archive_kind_picked)
{
	static const struct {
		dk_implib_format format;
		dk_archive_kind archive;
		unsigned indexes;
		bool short_imports;
	} t[] = {
		{ DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT, 2, true }, { DK_IMPLIB_SHORT, DK_ARCHIVE_GNU, 1, true },
		{ DK_IMPLIB_SHORT, DK_ARCHIVE_COFF, 2, true },	  { DK_IMPLIB_LONG, DK_ARCHIVE_DEFAULT, 1, false },
		{ DK_IMPLIB_LONG, DK_ARCHIVE_GNU, 1, false },	  { DK_IMPLIB_LONG, DK_ARCHIVE_COFF, 2, false },
	};
	dk_module m;

	parse_def(&m, "EXPORTS\n f\n g DATA\n");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		dk_implib_opts o = { DK_MACHINE_AMD64, "foo.dll", t[i].format, t[i].archive,
				     DK_DIALECT_GNU, false, false };
		unit_diags d = { 0 };
		UNIT_SINK(s, d);
		char *out;
		size_t len;

		ck_assert_msg(dk_implib_write(&m, &o, &out, &len, &s) == DK_OK, "%s", d.last);
		ck_assert_uint_eq(s.errors, 0);
		ck_assert_msg(indexes(out, len) == t[i].indexes, "case %zu: %u indexes", i, indexes(out, len));
		ck_assert_msg(has_short_import(out, len) == t[i].short_imports, "case %zu", i);
		free(out);
	}
	dk_module_free(&m);
}
END_TEST

/* No exports at all: still a library (the helpers), not an error. */
START_TEST(empty_export_set_still_a_library)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_ARM64, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	char *out;
	size_t len;

	dk_module_init(&m);
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, &len, NULL), DK_OK);
	ck_assert_uint_gt(len, 8);
	ck_assert(!has_short_import(out, len));
	ck_assert(memmem(out, len, "__IMPORT_DESCRIPTOR_foo", 23) != NULL);
	free(out);
	dk_module_free(&m);
}
END_TEST

/* The machine of each short-import member, in archive order. */
static size_t short_machines(const char *a, size_t len, uint16_t *v, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i + 8 <= len && n < max; i++)
		if (memcmp(a + i, "`\n\0\0\xff\xff", 6) == 0)
			v[n++] = (uint16_t)((unsigned char)a[i + 8] | (unsigned char)a[i + 9] << 8);
	return n;
}

/* ARM64X: a module with a native view makes an arm64ec library that holds
 * both, the EC imports first; another machine or the long format is
 * refused; each view is checked on its own. */
START_TEST(arm64x_native_view)
{
	dk_module m;
	dk_implib_opts o = { DK_MACHINE_ARM64EC, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	uint16_t mach[8];
	char *out;
	size_t len;
	dk_module *nat;

	parse_def(&m, "EXPORTS\n f @1\n both @2\n");
	nat = dk_module_native(&m);
	ck_assert_ptr_nonnull(nat);
	ck_assert_ptr_eq(dk_module_native(&m), nat);
	ck_assert_int_eq(nat->machine, DK_MACHINE_ARM64);
	/* The same ordinals as the EC view's, for other names: each view
	 * has its own. */
	const char *ndef = "EXPORTS\n both @1\n g @2 DATA\n n @3\n", *dup = "EXPORTS\n dup @3\n";
	ck_assert_int_eq(dk_def_parse(nat, ndef, strlen(ndef), "n.def", &s), DK_OK);
	ck_assert_msg(dk_implib_write(&m, &o, &out, &len, &s) == DK_OK, "%s", d.last);
	ck_assert_uint_eq(short_machines(out, len, mach, 8), 5);
	ck_assert_uint_eq(mach[0], DK_MACHINE_ARM64EC);
	ck_assert_uint_eq(mach[1], DK_MACHINE_ARM64EC);
	ck_assert_uint_eq(mach[2], DK_MACHINE_ARM64);
	ck_assert_uint_eq(mach[3], DK_MACHINE_ARM64);
	ck_assert_uint_eq(mach[4], DK_MACHINE_ARM64);
	free(out);

	o.machine = DK_MACHINE_ARM64;
	expect_refused(&m, &o, "two export sets (ARM64X) make an arm64ec import library, not arm64");
	o.machine = DK_MACHINE_ARM64EC;
	o.format = DK_IMPLIB_LONG;
	expect_refused(&m, &o, "long format does not support arm64ec");
	o.format = DK_IMPLIB_SHORT;
	o.archive = DK_ARCHIVE_GNU;
	expect_refused(&m, &o, "needs the COFF archive kind");
	o.archive = DK_ARCHIVE_DEFAULT;
	ck_assert_int_eq(dk_def_parse(nat, dup, strlen(dup), "n.def", &s), DK_OK);
	expect_refused(&m, &o, "ordinal 3 is given to both");
	dk_module_free(&m);
	ck_assert_ptr_null(m.native);
}
END_TEST

static Suite *write_implib_suite(void)
{
	Suite *s = suite_create("write_implib");
	TCase *t = tcase_create("refused");
	tcase_add_test(t, refused_without_machine_or_dll_name);
	tcase_add_test(t, refused_when_the_model_is_bad);
	suite_add_tcase(s, t);
	t = tcase_create("entries");
	tcase_add_test(t, entries_from_the_export_set);
	tcase_add_test(t, entries_i386_underscore);
	suite_add_tcase(s, t);
	t = tcase_create("dispatch");
	tcase_add_test(t, writer_and_archive_kind_picked);
	tcase_add_test(t, empty_export_set_still_a_library);
	tcase_add_test(t, arm64x_native_view);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_implib_suite)
