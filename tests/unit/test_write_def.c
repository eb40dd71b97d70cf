/*
 * test_write_def.c - the .def writer (lib/write_def.c).
 *
 * The writer's layout, what it quotes, what it refuses (every bad name
 * reported, with nothing written), moved here unchanged from
 * test_read_def.c (the parser reads back what is written; the long round
 * trips over hostile and random modules stay there).
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include "unit.h"

/* ------------------------------------------------------------------ */
/* Scaffolding                                                          */
/* ------------------------------------------------------------------ */

static dk_module M;
static unit_diags D;
static dk_sink S;

static void setup(void)
{
	dk_module_init(&M);
	memset(&D, 0, sizeof D);
	S = (dk_sink){ unit_diag_fn, &D, 0, 0 };
}

static void teardown(void)
{
	dk_module_free(&M);
}

#include "unit_def.h"


/* ------------------------------------------------------------------ */
/* The writer                                                           */
/* ------------------------------------------------------------------ */

START_TEST(write_full_layout)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.name = strdup("foo.dll");
	m.has_name_stmt = true;
	m.has_base = true;
	m.base = 0x10000000;
	m.description = strdup("Foo \"library\"");
	m.has_version = true;
	m.version_major = 1;
	m.version_minor = 2;
	m.has_heap = m.has_heap_commit = true;
	m.heap_reserve = 0x100000;
	m.heap_commit = 0x1000;
	m.has_stack = true;
	m.stack_reserve = 0x200000;
	m.stub = strdup("stub.exe");
	add_section(&m, ".shared", "READ WRITE SHARED");
	add_section(&m, ".bare", NULL);
	add_section(&m, "CODE", "EXECUTE READ");
	add_section(&m, "DATA", "");
	add_section(&m, ".late", "READ");
	add_import(&m, NULL, "DOSCALLS", "DosOpen");
	add_import(&m, "myopen", "DOSCALLS", "70");
	add(&m, "add", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "counter", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	add(&m, "sfunc@8", NULL, NULL, 3, DK_EXPORT_NONAME, NULL, NULL);
	add(&m, "alias", "real", NULL, 0, 0, NULL, NULL);
	add(&m, "fwd", NULL, "kernel32.HeapAlloc", 0, 0, NULL, NULL);
	add(&m, "x", NULL, NULL, 4, DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, "impname", "real_x");
	add(&m, "all", "a_impl", NULL, 5,
	    DK_EXPORT_NONAME | DK_EXPORT_DATA | DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, NULL, NULL);
	out = write_ok(&m);
	/* Numbers in decimal: LLVM's .def parser (llvm-dlltool, lld) reads no hex. */
	ck_assert_str_eq(out, "LIBRARY \"foo.dll\" BASE=268435456\n"
			      "DESCRIPTION 'Foo \"library\"'\n"
			      "VERSION 1.2\n"
			      "HEAPSIZE 1048576,4096\n"
			      "STACKSIZE 2097152\n"
			      "STUB \"stub.exe\"\n"
			      "SECTIONS\n"
			      "    .shared READ WRITE SHARED\n"
			      "    .bare\n"
			      "CODE EXECUTE READ\n"
			      "DATA\n"
			      "SECTIONS\n"
			      "    .late READ\n"
			      "IMPORTS\n"
			      "    DOSCALLS.DosOpen\n"
			      "    myopen = DOSCALLS.70\n"
			      "EXPORTS\n"
			      "    add\n"
			      "    counter DATA\n"
			      "    sfunc@8 @3 NONAME\n"
			      "    alias = real\n"
			      "    fwd = kernel32.HeapAlloc\n"
			      "    x @4 PRIVATE CONSTANT == impname EXPORTAS real_x\n"
			      "    all = a_impl @5 NONAME DATA PRIVATE CONSTANT\n");
	free(out);
	round_trip(&m, "write_full_layout");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_empty_module)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	out = write_ok(&m);
	ck_assert_str_eq(out, "EXPORTS\n");
	free(out);
	round_trip(&m, "empty");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_name_statement_for_exe)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.is_exe = m.has_name_stmt = true;
	m.name = strdup("app.exe");
	out = write_ok(&m);
	ck_assert_str_eq(out, "NAME \"app.exe\"\nEXPORTS\n");
	free(out);
	m.has_base = true;
	m.base = 0x400000;
	free(m.name);
	m.name = NULL;
	out = write_ok(&m);
	ck_assert_str_eq(out, "NAME BASE=4194304\nEXPORTS\n");
	free(out);
	round_trip(&m, "exe");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_library_only_when_asked)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.has_name_stmt = true;
	out = write_ok(&m);
	ck_assert_str_eq(out, "LIBRARY\nEXPORTS\n");
	free(out);
	round_trip(&m, "bare LIBRARY");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_keeps_model_order)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	add(&m, "zeta", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "alpha", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "mid", NULL, NULL, 0, 0, NULL, NULL);
	out = write_ok(&m);
	ck_assert_str_eq(out, "EXPORTS\n    zeta\n    alpha\n    mid\n");
	free(out);
	dk_module_free(&m);
}
END_TEST

START_TEST(write_quotes_what_needs_quoting)
{
	static const struct {
		const char *name, *written;
	} cases[] = {
		{ "plain", "plain" },
		{ "HeapSize", "HeapSize" },
		{ "data", "data" },
		{ "exports", "exports" },
		{ "sfunc@8", "sfunc@8" },
		{ "@ffunc@8", "@ffunc@8" },
		{ "f@@8", "f@@8" },
		{ "_f@8", "_f@8" },
		{ "?x@@YAHXZ", "?x@@YAHXZ" },
		{ ".refptr.x", ".refptr.x" },
		{ "caf\xC3\xA9", "caf\xC3\xA9" },
		{ "DATA", "\"DATA\"" },
		{ "NONAME", "\"NONAME\"" },
		{ "EXPORTAS", "\"EXPORTAS\"" },
		{ "BASE", "\"BASE\"" },
		{ "STUB:x", "\"STUB:x\"" },
		{ "1st", "\"1st\"" },
		{ "@5", "\"@5\"" },
		{ "@", "\"@\"" },
		{ "@5x", "\"@5x\"" },
		{ "with space", "\"with space\"" },
		{ "tab\there", "\"tab\there\"" },
		{ "semi;colon", "\"semi;colon\"" },
		{ "a=b", "\"a=b\"" },
		{ "a,b", "\"a,b\"" },
		{ "say\"hi\"", "'say\"hi\"'" },
		{ "it's", "\"it's\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dk_module m;
		char *out, want[200];

		dk_module_init(&m);
		add(&m, cases[i].name, NULL, NULL, 0, 0, NULL, NULL);
		out = write_ok(&m);
		snprintf(want, sizeof want, "EXPORTS\n    %s\n", cases[i].written);
		ck_assert_msg(strcmp(out, want) == 0, "name [%s]: got [%s], want [%s]", cases[i].name, out, want);
		free(out);
		round_trip(&m, cases[i].name);
		dk_module_free(&m);
	}
}
END_TEST

/* Write m; it must fail with exactly `want`. */
static void expect_write_error(dk_module *m, const char *want)
{
	char *out = (char *)1;
	size_t len = 99;

	memset(&D, 0, sizeof D);
	ck_assert_int_eq(dk_def_write(m, &out, &len, &S), DK_FAIL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(D.last, want);
}

START_TEST(write_error_both_quotes)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "a\"b'c", NULL, NULL, 0, 0, NULL, NULL);
	expect_write_error(&m,
			   ":0:0: cannot write export name a\"b'c to a .def file: it contains both quote characters (\" and ')");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_line_break)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "ok", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "a\nb", NULL, NULL, 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export name \"a\\nb\" to a .def file: it contains a line break");
	dk_module_free(&m);
	dk_module_init(&m);
	m.description = strdup("two\r\nlines");
	expect_write_error(&m, ":0:0: cannot write description \"two\\r\\nlines\" to a .def file: it contains a line break");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_every_bad_name_is_reported)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "a\nb", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "good", "in\"te'rnal", NULL, 0, 0, NULL, NULL);
	add(&m, "c", NULL, NULL, 0, 0, "x\ny", NULL);
	memset(&D, 0, sizeof D);
	{
		char *out;
		size_t len;
		ck_assert_int_eq(dk_def_write(&m, &out, &len, &S), DK_FAIL);
	}
	ck_assert_uint_eq(D.count, 3);
	ck_assert_str_eq(D.last, ":0:0: cannot write import name \"x\\ny\" to a .def file: it contains a line break");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_dotted_internal_name)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", "f.part.0", NULL, 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its internal name \"f.part.0\" contains '.', "
			       "which linkers read as a forwarder");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_forward_without_module)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", NULL, "nodot", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its forward target \"nodot\" is not module.function");
	dk_module_free(&m);
	dk_module_init(&m);
	add(&m, "f", NULL, ".x", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its forward target \".x\" is not module.function");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_internal_and_forward)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", "g", "k.h", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": it has both an internal name and a forward target");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_out_of_range_numbers)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 70000, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": ordinal 70000 is out of range 1..65535");
	dk_module_free(&m);
	dk_module_init(&m);
	m.has_version = true;
	m.version_major = 1;
	m.version_minor = 65536;
	expect_write_error(&m, ":0:0: cannot write VERSION 1.65536: each part must be in 0..65535");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_bad_section_attrs_and_imports)
{
	dk_module m;

	dk_module_init(&m);
	add_section(&m, ".x", "READ  WRITE");
	expect_write_error(&m, ":0:0: cannot write the attributes \"READ  WRITE\" of section \".x\": "
			       "expected words and quoted words one space apart");
	dk_module_free(&m);
	dk_module_init(&m);
	add_section(&m, ".x", "A=B");
	ck_assert_int_eq(dk_def_write(&m, &(char *){ NULL }, &(size_t){ 0 }, &S), DK_FAIL);
	dk_module_free(&m);
	dk_module_init(&m);
	add_section(&m, ".x", "'open");
	ck_assert_int_eq(dk_def_write(&m, &(char *){ NULL }, &(size_t){ 0 }, &S), DK_FAIL);
	dk_module_free(&m);
	dk_module_init(&m);
	add_import(&m, NULL, "mod", "e.f");
	expect_write_error(&m, ":0:0: cannot write import entry \"e.f\" of module \"mod\": it contains '.'");
	dk_module_free(&m);
	dk_module_init(&m);
	add_import(&m, NULL, "", "e");
	expect_write_error(&m, ":0:0: cannot write an import without a module and an entry name");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_with_null_outlen_and_sink)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	add(&m, "a", NULL, NULL, 0, 0, NULL, NULL);
	ck_assert_int_eq(dk_def_write(&m, &out, NULL, NULL), DK_OK);
	ck_assert_str_eq(out, "EXPORTS\n    a\n");
	free(out);
	add(&m, "b\n", NULL, NULL, 0, 0, NULL, NULL);
	ck_assert_int_eq(dk_def_write(&m, &out, NULL, NULL), DK_FAIL);
	dk_module_free(&m);
}
END_TEST

static Suite *write_def_suite(void)
{
	Suite *s = suite_create("write_def");
	TCase *t;

	t = tcase_create("writer");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, write_full_layout);
	tcase_add_test(t, write_empty_module);
	tcase_add_test(t, write_name_statement_for_exe);
	tcase_add_test(t, write_library_only_when_asked);
	tcase_add_test(t, write_keeps_model_order);
	tcase_add_test(t, write_quotes_what_needs_quoting);
	tcase_add_test(t, write_error_both_quotes);
	tcase_add_test(t, write_error_line_break);
	tcase_add_test(t, write_error_every_bad_name_is_reported);
	tcase_add_test(t, write_error_dotted_internal_name);
	tcase_add_test(t, write_error_forward_without_module);
	tcase_add_test(t, write_error_internal_and_forward);
	tcase_add_test(t, write_error_out_of_range_numbers);
	tcase_add_test(t, write_error_bad_section_attrs_and_imports);
	tcase_add_test(t, write_with_null_outlen_and_sink);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_def_suite)
