/* test_names_msvc.c - the Microsoft C++ name grammar: where ARM64EC's
 * `$$h` goes, and the EC-mangled form of a code symbol.  The expected
 * forms are those llvm-dlltool -m arm64ec stores (checked with llvm-nm
 * of LLVM 22 on a .def of these names). */
#include "unit.h"
#include "names_msvc_private.h"

/* mangle(sym) == want, not flagged invalid. */
static void mangles_to(const char *sym, const char *want)
{
	bool invalid = true;
	char *got = dk_arm64ec_mangle(sym, &invalid);
	ck_assert_msg(!invalid, "%s flagged invalid", sym);
	ck_assert_msg(got != NULL, "%s: no mangled form", sym);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(c_names_get_a_hash)
{
	mangles_to("plain", "#plain");
	mangles_to("_f", "#_f");
}
END_TEST

START_TEST(cpp_names_get_hh_after_the_qualified_name)
{
	mangles_to("?f@@YAXXZ", "?f@@$$hYAXXZ");
	mangles_to("?f@N@@YAXXZ", "?f@N@@$$hYAXXZ");
	mangles_to("?g@@YAHH@Z", "?g@@$$hYAHH@Z");
	/* a member function: the class is part of the qualified name */
	mangles_to("?f@C@@QEAAXXZ", "?f@C@@$$hQEAAXXZ");
	/* a function template: its arguments are part of the name */
	mangles_to("??$f@H@@YAXH@Z", "??$f@H@@$$hYAXH@Z");
	/* a back reference (digit 0) to the name seen first, `f` */
	mangles_to("?f@0@YAXXZ", "?f@0@$$hYAXXZ");
}
END_TEST

START_TEST(insertion_point_is_the_qualified_name_length)
{
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("?f@@YAXXZ"), 4);
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("?f@N@@YAXXZ"), 6);
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("??$f@H@@YAXH@Z"), 8);
	/* not a C++ name, or not a valid one */
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("f"), 0);
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("?"), 0);
	ck_assert_uint_eq(dk_msvc_arm64ec_insertion_point("?f"), 0);
}
END_TEST

START_TEST(mangled_names_are_left_alone)
{
	bool invalid = true;
	ck_assert_ptr_null(dk_arm64ec_mangle("#f", &invalid));
	ck_assert(!invalid);
	invalid = true;
	ck_assert_ptr_null(dk_arm64ec_mangle("?f@@$$hYAXXZ", &invalid));
	ck_assert(!invalid);
}
END_TEST

START_TEST(unparsable_cpp_names_are_invalid)
{
	/* cut short; a back reference (digit 1) to a second name never seen
	 * (llvm-dlltool refuses it too: "Invalid ARM64EC function name") */
	static const char *const bad[] = { "?", "?f", "?f@", "?f@1@YAXXZ" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bool invalid = false;
		ck_assert_ptr_null(dk_arm64ec_mangle(bad[i], &invalid));
		ck_assert_msg(invalid, "%s not flagged invalid", bad[i]);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("names_msvc");
	TCase *t = tcase_create("arm64ec_mangle");
	tcase_add_test(t, c_names_get_a_hash);
	tcase_add_test(t, cpp_names_get_hh_after_the_qualified_name);
	tcase_add_test(t, insertion_point_is_the_qualified_name_length);
	tcase_add_test(t, mangled_names_are_left_alone);
	tcase_add_test(t, unparsable_cpp_names_are_invalid);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
