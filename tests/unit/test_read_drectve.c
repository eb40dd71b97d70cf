/* test_drectve.c - .drectve text as real compilers write it.
 *
 * The directive strings below were taken from real objects: x86_64 and
 * i686 MinGW gcc, clang in MinGW mode, clang --target=i686-pc-windows-msvc
 * and MSVC C++. */
#include <stdio.h>
#include "unit.h"

/* Parse `text` (a C string, so no embedded NULs) for `mach`; expect `rc`. */
static void parse(dk_directives *d, const char *text, dk_machine mach, int rc, dk_sink *s)
{
	memset(d, 0, sizeof *d);
	ck_assert_int_eq(dk_directives_parse(d, text, strlen(text), mach, NULL, s), rc);
}

static void parse_ok(dk_directives *d, const char *text, dk_machine mach)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	parse(d, text, mach, DK_OK, &s);
	ck_assert_msg(u.count == 0, "unexpected diagnostic: %s", u.last);
}

/* Assert export i is `name` with `flags` and nothing else set. */
static void plain(const dk_directives *d, size_t i, const char *name, unsigned flags)
{
	ck_assert_uint_gt(d->nexports, i);
	ck_assert_str_eq(d->exports[i].name, name);
	ck_assert_uint_eq(d->exports[i].flags, flags);
	ck_assert_ptr_null(d->exports[i].internal);
	ck_assert_ptr_null(d->exports[i].forward);
	ck_assert_ptr_null(d->exports[i].export_as);
	ck_assert_ptr_null(d->exports[i].import_name);
	ck_assert_uint_eq(d->exports[i].ordinal, 0);
}

/* Expect one error whose message contains `what`, at byte `offset`. */
static void parse_fails_n(const char *text, size_t len, const char *what, long long offset)
{
	dk_directives d;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);

	memset(&d, 0, sizeof d);
	ck_assert_msg(dk_directives_parse(&d, text, len, DK_MACHINE_I386, NULL, &s) == DK_FAIL,
		      "\"%s\" was accepted", text);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strstr(u.last, what), "for \"%s\": message \"%s\" lacks \"%s\"", text,
		      u.last, what);
	ck_assert_msg(u.loc.offset == offset, "for \"%s\": offset %lld, want %lld", text,
		      u.loc.offset, offset);
	dk_directives_free(&d);
}

static void parse_fails(const char *text, const char *what, long long offset)
{
	parse_fails_n(text, strlen(text), what, offset);
}

/* ------------------------------------------------------------------ */
/* Real compilers                                                       */
/* ------------------------------------------------------------------ */

START_TEST(mingw_gcc_x86_64)
{
	dk_directives d;
	parse_ok(&d,
		 " -export:\"counter\",data -export:\"table\",data -export:\"ffunc\" "
		 "-export:\"sfunc\" -export:\"add\"",
		 DK_MACHINE_AMD64);
	ck_assert_uint_eq(d.nexports, 5);
	plain(&d, 0, "counter", DK_EXPORT_DATA);
	plain(&d, 1, "table", DK_EXPORT_DATA);
	plain(&d, 2, "ffunc", 0);
	plain(&d, 3, "sfunc", 0);
	plain(&d, 4, "add", 0);
	ck_assert_int_eq(d.dialect, DK_DIALECT_GNU);
	ck_assert_uint_eq(d.nexclude, 0);
	dk_directives_free(&d);
}
END_TEST

START_TEST(mingw_gcc_i686_names_are_already_def_names)
{
	dk_directives d;
	parse_ok(&d,
		 " -export:\"counter\",data -export:\"table\",data -export:\"@ffunc@8\" "
		 "-export:\"sfunc@8\" -export:\"add\"",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 5);
	plain(&d, 0, "counter", DK_EXPORT_DATA);
	plain(&d, 1, "table", DK_EXPORT_DATA);
	plain(&d, 2, "@ffunc@8", 0);
	plain(&d, 3, "sfunc@8", 0);
	plain(&d, 4, "add", 0);
	ck_assert_int_eq(d.dialect, DK_DIALECT_GNU);
	dk_directives_free(&d);
}
END_TEST

START_TEST(mingw_gcc_i686_underscore_names_are_kept)
{
	/* A GNU name is what ld exports; a C function `_under` is `_under`. */
	dk_directives d;
	parse_ok(&d, "-export:\"_under\" -export:_x@4", DK_MACHINE_I386);
	plain(&d, 0, "_under", 0);
	plain(&d, 1, "_x@4", 0);
	dk_directives_free(&d);
}
END_TEST

START_TEST(clang_mingw_i686)
{
	dk_directives d;
	parse_ok(&d,
		 " -export:add -export:\"sfunc@8\" -export:\"@ffunc@8\" -export:counter,data "
		 "-export:table,data",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 5);
	plain(&d, 0, "add", 0);
	plain(&d, 1, "sfunc@8", 0);
	plain(&d, 2, "@ffunc@8", 0);
	plain(&d, 3, "counter", DK_EXPORT_DATA);
	plain(&d, 4, "table", DK_EXPORT_DATA);
	ck_assert_int_eq(d.dialect, DK_DIALECT_GNU);
	dk_directives_free(&d);
}
END_TEST

START_TEST(clang_msvc_i686_gives_link_exe_names)
{
	/* link.exe strips the '_' of undecorated names only: a stdcall
	 * function keeps it (`_sfunc@8`), fastcall has none. */
	dk_directives d;
	parse_ok(&d,
		 " /EXPORT:_add /EXPORT:\"_sfunc@8\" /EXPORT:\"@ffunc@8\" /EXPORT:_counter,DATA "
		 "/EXPORT:_table,DATA",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 5);
	plain(&d, 0, "add", 0);
	plain(&d, 1, "_sfunc@8", 0);
	plain(&d, 2, "@ffunc@8", 0);
	plain(&d, 3, "counter", DK_EXPORT_DATA);
	plain(&d, 4, "table", DK_EXPORT_DATA);
	ck_assert_int_eq(d.dialect, DK_DIALECT_MSVC);
	dk_directives_free(&d);
}
END_TEST

START_TEST(msvc_cpp_names_are_unchanged)
{
	dk_directives d;
	parse_ok(&d,
		 " /EXPORT:\"??4K@@QAEAAU0@ABU0@@Z\" /EXPORT:\"?s@K@@2HA\",DATA "
		 "/EXPORT:\"??_7K@@6B@\",DATA",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 3);
	plain(&d, 0, "??4K@@QAEAAU0@ABU0@@Z", 0);
	plain(&d, 1, "?s@K@@2HA", DK_EXPORT_DATA);
	plain(&d, 2, "??_7K@@6B@", DK_EXPORT_DATA);
	dk_directives_free(&d);
}
END_TEST

START_TEST(x86_64_msvc_names_are_never_changed)
{
	dk_directives d;
	parse_ok(&d, "/EXPORT:_add /EXPORT:\"_sfunc@8\" /EXPORT:add /EXPORT:foo=_bar",
		 DK_MACHINE_AMD64);
	plain(&d, 0, "_add", 0);
	plain(&d, 1, "_sfunc@8", 0);
	plain(&d, 2, "add", 0);
	ck_assert_str_eq(d.exports[3].name, "foo");
	ck_assert_str_eq(d.exports[3].internal, "_bar");
	dk_directives_free(&d);

	parse_ok(&d, "/EXPORT:_x", DK_MACHINE_ARM64);
	plain(&d, 0, "_x", 0);
	dk_directives_free(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

START_TEST(ordinal_noname_private)
{
	dk_directives d;
	parse_ok(&d,
		 "/EXPORT:_a,@7 /EXPORT:_b,@8,NONAME /EXPORT:_c,PRIVATE /EXPORT:_d,@65535,DATA "
		 "/EXPORT:_e,@1,NONAME,PRIVATE -export:f,constant",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 6);
	ck_assert_str_eq(d.exports[0].name, "a");
	ck_assert_uint_eq(d.exports[0].ordinal, 7);
	ck_assert_uint_eq(d.exports[0].flags, 0);
	ck_assert_str_eq(d.exports[1].name, "b");
	ck_assert_uint_eq(d.exports[1].ordinal, 8);
	ck_assert_uint_eq(d.exports[1].flags, DK_EXPORT_NONAME);
	ck_assert_str_eq(d.exports[2].name, "c");
	ck_assert_uint_eq(d.exports[2].ordinal, 0);
	ck_assert_uint_eq(d.exports[2].flags, DK_EXPORT_PRIVATE);
	ck_assert_uint_eq(d.exports[3].ordinal, 65535);
	ck_assert_uint_eq(d.exports[3].flags, DK_EXPORT_DATA);
	ck_assert_uint_eq(d.exports[4].ordinal, 1);
	ck_assert_uint_eq(d.exports[4].flags, DK_EXPORT_NONAME | DK_EXPORT_PRIVATE);
	ck_assert_uint_eq(d.exports[5].flags, DK_EXPORT_CONSTANT);
	dk_directives_free(&d);
}
END_TEST

START_TEST(internal_name_is_converted_like_the_name)
{
	dk_directives d;
	parse_ok(&d, "/EXPORT:foo=_bar /EXPORT:foo2=_bar@4 /EXPORT:_baz=_qux,@3", DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 3);
	ck_assert_str_eq(d.exports[0].name, "foo");
	ck_assert_str_eq(d.exports[0].internal, "bar");
	ck_assert_ptr_null(d.exports[0].forward);
	ck_assert_str_eq(d.exports[1].name, "foo2");
	ck_assert_str_eq(d.exports[1].internal, "_bar@4");
	ck_assert_str_eq(d.exports[2].name, "baz");
	ck_assert_str_eq(d.exports[2].internal, "qux");
	ck_assert_uint_eq(d.exports[2].ordinal, 3);
	dk_directives_free(&d);

	/* GNU internal names, like GNU names, are taken as written. */
	parse_ok(&d, "-export:foo=_bar", DK_MACHINE_I386);
	ck_assert_str_eq(d.exports[0].internal, "_bar");
	dk_directives_free(&d);
}
END_TEST

START_TEST(forwarder)
{
	dk_directives d;
	parse_ok(&d, "/EXPORT:f=kernel32.HeapAlloc /EXPORT:g=ntdll.#12 -export:\"h\"=k32.H",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 3);
	ck_assert_str_eq(d.exports[0].name, "f");
	ck_assert_str_eq(d.exports[0].forward, "kernel32.HeapAlloc");
	ck_assert_ptr_null(d.exports[0].internal);
	ck_assert_str_eq(d.exports[1].forward, "ntdll.#12");
	ck_assert_str_eq(d.exports[2].name, "h");
	ck_assert_str_eq(d.exports[2].forward, "k32.H");
	dk_directives_free(&d);
}
END_TEST

START_TEST(exportas)
{
	dk_directives d;
	parse_ok(&d, "/EXPORT:_f,EXPORTAS,g /EXPORT:_h,@2,exportas,\"i j\",DATA", DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 2);
	ck_assert_str_eq(d.exports[0].name, "f");
	ck_assert_str_eq(d.exports[0].export_as, "g");
	ck_assert_str_eq(d.exports[1].name, "h");
	ck_assert_str_eq(d.exports[1].export_as, "i j");
	ck_assert_uint_eq(d.exports[1].ordinal, 2);
	ck_assert_uint_eq(d.exports[1].flags, DK_EXPORT_DATA);
	dk_directives_free(&d);
}
END_TEST

START_TEST(option_and_attribute_names_are_case_insensitive)
{
	dk_directives d;
	parse_ok(&d,
		 "/export:_a,data -EXPORT:b,Data /Export:_c,dAtA,NoName,@4 -eXpOrT:d,Private "
		 "-EXCLUDE-SYMBOLS:e",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 4);
	plain(&d, 0, "a", DK_EXPORT_DATA);
	plain(&d, 1, "b", DK_EXPORT_DATA);
	ck_assert_str_eq(d.exports[2].name, "c");
	ck_assert_uint_eq(d.exports[2].flags, DK_EXPORT_DATA | DK_EXPORT_NONAME);
	ck_assert_uint_eq(d.exports[2].ordinal, 4);
	plain(&d, 3, "d", DK_EXPORT_PRIVATE);
	ck_assert_uint_eq(d.nexclude, 1);
	ck_assert_str_eq(d.exclude[0], "e");
	dk_directives_free(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The section as a whole                                               */
/* ------------------------------------------------------------------ */

START_TEST(trailing_nul_padding_is_ignored)
{
	static const char text[] = " -export:\"add\" -export:\"counter\",data\0\0\0\0\0\0";
	dk_directives d;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);

	memset(&d, 0, sizeof d);
	ck_assert_int_eq(dk_directives_parse(&d, text, sizeof text - 1, DK_MACHINE_AMD64, NULL, &s),
			 DK_OK);
	ck_assert_uint_eq(u.count, 0);
	ck_assert_uint_eq(d.nexports, 2);
	plain(&d, 0, "add", 0);
	plain(&d, 1, "counter", DK_EXPORT_DATA);
	dk_directives_free(&d);
}
END_TEST

START_TEST(text_need_not_be_nul_terminated)
{
	/* Only `len` bytes are read: the rest of the buffer is not ours. */
	const char text[] = "-export:abc -export:zzz";
	dk_directives d;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	char *copy = malloc(11);

	memcpy(copy, text, 11); /* "-export:abc", no NUL */
	memset(&d, 0, sizeof d);
	ck_assert_int_eq(dk_directives_parse(&d, copy, 11, DK_MACHINE_AMD64, NULL, &s), DK_OK);
	ck_assert_uint_eq(d.nexports, 1);
	plain(&d, 0, "abc", 0);
	dk_directives_free(&d);
	free(copy);
}
END_TEST

START_TEST(other_directives_are_skipped)
{
	dk_directives d;
	parse_ok(&d,
		 "/DEFAULTLIB:libcmt /DEFAULTLIB:\"oldnames\" -aligncomm:\"x\",4 /INCLUDE:_foo "
		 "/merge:.a=.b /FAILIFMISMATCH:\"_MSC_VER=1900\" /alternatename:a=b "
		 "/FAILIFMISMATCH:\"x -export:notme\" -exclude-symbols:\"hid1,hid2\" "
		 "/EXPORTS:no /EXPORTX:no -exportall:no /export_:no",
		 DK_MACHINE_I386);
	ck_assert_uint_eq(d.nexports, 0);
	/* A quoted name is one name, commas and all (as GNU ld reads it). */
	ck_assert_uint_eq(d.nexclude, 1);
	ck_assert_str_eq(d.exclude[0], "hid1,hid2");
	dk_directives_free(&d);
}
END_TEST

START_TEST(exclude_symbols_are_recorded)
{
	dk_directives d;
	parse_ok(&d,
		 " -exclude-symbols:hid1,hid2 -export:pub -exclude-symbols:\"odd name\" "
		 "-exclude-symbols:hid3,",
		 DK_MACHINE_AMD64);
	ck_assert_uint_eq(d.nexports, 1);
	plain(&d, 0, "pub", 0);
	ck_assert_uint_eq(d.nexclude, 4);
	ck_assert_str_eq(d.exclude[0], "hid1");
	ck_assert_str_eq(d.exclude[1], "hid2");
	ck_assert_str_eq(d.exclude[2], "odd name");
	ck_assert_str_eq(d.exclude[3], "hid3");
	dk_directives_free(&d);
}
END_TEST

START_TEST(quoted_names_with_spaces_and_commas)
{
	dk_directives d;
	parse_ok(&d,
		 "-export:\"with space\",data /EXPORT:\"a,b\" -export:\"x=y\" "
		 "/EXPORT:\"?f@@YAXH@Z\"=\"?g@@YAXH@Z\"",
		 DK_MACHINE_AMD64);
	ck_assert_uint_eq(d.nexports, 4);
	plain(&d, 0, "with space", DK_EXPORT_DATA);
	plain(&d, 1, "a,b", 0);
	plain(&d, 2, "x=y", 0);
	ck_assert_str_eq(d.exports[3].name, "?f@@YAXH@Z");
	ck_assert_str_eq(d.exports[3].internal, "?g@@YAXH@Z");
	dk_directives_free(&d);
}
END_TEST

START_TEST(whitespace_of_any_kind_separates)
{
	dk_directives d;
	parse_ok(&d, "\t-export:a\n-export:b\r\n  /EXPORT:c\t", DK_MACHINE_AMD64);
	ck_assert_uint_eq(d.nexports, 3);
	plain(&d, 0, "a", 0);
	plain(&d, 1, "b", 0);
	plain(&d, 2, "c", 0);
	dk_directives_free(&d);
}
END_TEST

START_TEST(empty_text)
{
	dk_directives d;
	parse_ok(&d, "", DK_MACHINE_AMD64);
	ck_assert_uint_eq(d.nexports, 0);
	ck_assert_int_eq(d.dialect, DK_DIALECT_AUTO);
	dk_directives_free(&d);
	parse_ok(&d, "   ", DK_MACHINE_AMD64);
	ck_assert_int_eq(d.dialect, DK_DIALECT_AUTO);
	dk_directives_free(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Dialect                                                              */
/* ------------------------------------------------------------------ */

START_TEST(dialect_gnu_for_dash_export)
{
	dk_directives d;
	parse_ok(&d, "-aligncomm:\"x\",4 -export:f", DK_MACHINE_I386);
	ck_assert_int_eq(d.dialect, DK_DIALECT_GNU);
	dk_directives_free(&d);
}
END_TEST

START_TEST(dialect_msvc_for_slash_export)
{
	dk_directives d;
	parse_ok(&d, "/EXPORT:_f", DK_MACHINE_I386);
	ck_assert_int_eq(d.dialect, DK_DIALECT_MSVC);
	dk_directives_free(&d);
}
END_TEST

START_TEST(dialect_msvc_for_defaultlib_alone)
{
	/* An MSVC object that exports nothing still says which compiler made it. */
	dk_directives d;
	parse_ok(&d, "   /DEFAULTLIB:\"LIBCMT\" /DEFAULTLIB:\"OLDNAMES\"", DK_MACHINE_I386);
	ck_assert_int_eq(d.dialect, DK_DIALECT_MSVC);
	dk_directives_free(&d);
}
END_TEST

START_TEST(dialect_auto_when_nothing_tells)
{
	dk_directives d;
	parse_ok(&d, "/INCLUDE:_x -aligncomm:y,2", DK_MACHINE_I386);
	ck_assert_int_eq(d.dialect, DK_DIALECT_AUTO);
	dk_directives_free(&d);
}
END_TEST

START_TEST(dialect_first_export_decides)
{
	dk_directives d;
	parse_ok(&d, "-export:a /EXPORT:_b", DK_MACHINE_I386);
	ck_assert_int_eq(d.dialect, DK_DIALECT_GNU);
	/* ... but each option's names are read in its own dialect. */
	plain(&d, 0, "a", 0);
	plain(&d, 1, "b", 0);
	dk_directives_free(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

START_TEST(unterminated_quote_is_error_at_its_offset)
{
	parse_fails("-export:a -export:\"abc", "unterminated quote", 10);
	/* A NUL ends an option even inside quotes; the next one is read. */
	parse_fails_n("-export:\"abc\0-export:b", 22, "unterminated quote", 0);
}
END_TEST

START_TEST(bad_ordinals_are_errors)
{
	parse_fails("/EXPORT:_f,@0", "\"@0\"", 0);
	parse_fails("  /EXPORT:_f,@70000", "\"@70000\"", 2);
	parse_fails("/EXPORT:_a /EXPORT:_f,@x", "\"@x\"", 11);
	parse_fails("/EXPORT:_f,@65536", "1..65535", 0);
	parse_fails("/EXPORT:_f,@99999999999999999999", "1..65535", 0);
	parse_fails("/EXPORT:_f,@7x", "\"@7x\"", 0);
	parse_fails("/EXPORT:_f,@-1", "\"@-1\"", 0);
}
END_TEST

START_TEST(ordinal_given_twice_is_error)
{
	parse_fails("/EXPORT:_f,@1,@2", "twice", 0);
}
END_TEST

START_TEST(unknown_attribute_is_error)
{
	parse_fails("-export:f,dta", "unknown attribute \"dta\"", 0);
	parse_fails("-export:f,", "unknown attribute", 0);
	parse_fails("-export:f,,data", "unknown attribute", 0);
}
END_TEST

START_TEST(empty_export_is_error)
{
	parse_fails("/DEFAULTLIB:x /EXPORT:", "names nothing", 14);
	parse_fails("/EXPORT", "names nothing", 0);
	parse_fails("-export:,data", "malformed", 0);
	parse_fails("-export:f=", "malformed", 0);
	parse_fails("-export:=f", "malformed", 0);
	parse_fails("-export:a=b=c", "malformed", 0);
	parse_fails("-export:\"\"", "empty", 0);
	parse_fails("-export:f=\"\"", "empty", 0);
}
END_TEST

START_TEST(exportas_needs_a_name)
{
	parse_fails("/EXPORT:_f,EXPORTAS", "EXPORTAS", 0);
	parse_fails("/EXPORT:_f,EXPORTAS,\"\"", "EXPORTAS", 0);
}
END_TEST

START_TEST(error_offset_adds_to_the_callers_offset)
{
	/* The reader passes the section's file offset; diagnostics point
	 * into the file. */
	const char *text = "-export:a -export:b,bogus";
	dk_directives d;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_loc loc = dk_loc_file("x.o");

	loc.offset = 1000;
	memset(&d, 0, sizeof d);
	ck_assert_int_eq(dk_directives_parse(&d, text, strlen(text), DK_MACHINE_AMD64, &loc, &s),
			 DK_FAIL);
	ck_assert_int_eq(u.loc.offset, 1010);
	ck_assert_ptr_nonnull(strstr(u.last, "x.o"));
	ck_assert_ptr_nonnull(strstr(u.last, "bogus"));
	dk_directives_free(&d);
}
END_TEST

START_TEST(errors_do_not_stop_the_rest)
{
	/* One bad directive is reported; the others are still read, and
	 * every error is reported. */
	dk_directives d;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);

	parse(&d, "-export:a,@0 -export:b -export:c,zz", DK_MACHINE_AMD64, DK_FAIL, &s);
	ck_assert_uint_eq(s.errors, 2);
	ck_assert_uint_eq(d.nexports, 1);
	plain(&d, 0, "b", 0);
	dk_directives_free(&d);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("drectve");
	TCase *t = tcase_create("compilers");
	tcase_add_test(t, mingw_gcc_x86_64);
	tcase_add_test(t, mingw_gcc_i686_names_are_already_def_names);
	tcase_add_test(t, mingw_gcc_i686_underscore_names_are_kept);
	tcase_add_test(t, clang_mingw_i686);
	tcase_add_test(t, clang_msvc_i686_gives_link_exe_names);
	tcase_add_test(t, msvc_cpp_names_are_unchanged);
	tcase_add_test(t, x86_64_msvc_names_are_never_changed);
	suite_add_tcase(s, t);

	t = tcase_create("attributes");
	tcase_add_test(t, ordinal_noname_private);
	tcase_add_test(t, internal_name_is_converted_like_the_name);
	tcase_add_test(t, forwarder);
	tcase_add_test(t, exportas);
	tcase_add_test(t, option_and_attribute_names_are_case_insensitive);
	suite_add_tcase(s, t);

	t = tcase_create("section");
	tcase_add_test(t, trailing_nul_padding_is_ignored);
	tcase_add_test(t, text_need_not_be_nul_terminated);
	tcase_add_test(t, other_directives_are_skipped);
	tcase_add_test(t, exclude_symbols_are_recorded);
	tcase_add_test(t, quoted_names_with_spaces_and_commas);
	tcase_add_test(t, whitespace_of_any_kind_separates);
	tcase_add_test(t, empty_text);
	suite_add_tcase(s, t);

	t = tcase_create("dialect");
	tcase_add_test(t, dialect_gnu_for_dash_export);
	tcase_add_test(t, dialect_msvc_for_slash_export);
	tcase_add_test(t, dialect_msvc_for_defaultlib_alone);
	tcase_add_test(t, dialect_auto_when_nothing_tells);
	tcase_add_test(t, dialect_first_export_decides);
	suite_add_tcase(s, t);

	t = tcase_create("errors");
	tcase_add_test(t, unterminated_quote_is_error_at_its_offset);
	tcase_add_test(t, bad_ordinals_are_errors);
	tcase_add_test(t, ordinal_given_twice_is_error);
	tcase_add_test(t, unknown_attribute_is_error);
	tcase_add_test(t, empty_export_is_error);
	tcase_add_test(t, exportas_needs_a_name);
	tcase_add_test(t, error_offset_adds_to_the_callers_offset);
	tcase_add_test(t, errors_do_not_stop_the_rest);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
