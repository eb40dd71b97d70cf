/* test_util.c - util.c: the version, dk_free, the shared sort order and growth. */
#include <stdio.h>
#include "unit.h"
#include "dllkit_private.h"
#include "pecoff_private.h"

START_TEST(version_is_the_headers)
{
	ck_assert_str_eq(dk_version(), DK_VERSION);
}
END_TEST

/* What dk_def_write hands out goes back through dk_free (ASan checks the
 * pairing in the sanitizer run); dk_free(NULL) does nothing. */
START_TEST(free_takes_what_the_library_gave)
{
	dk_module m;
	dk_export e = { 0 };
	char *text = NULL;
	size_t len = 0;
	dk_sink s = { 0 };

	dk_module_init(&m);
	e.name = "f";
	ck_assert_ptr_nonnull(dk_module_add(&m, &e));
	ck_assert_int_eq(dk_def_write(&m, &text, &len, &s), DK_OK);
	ck_assert_ptr_nonnull(strstr(text, "f"));
	dk_free(text);
	dk_free(NULL);
	dk_module_free(&m);
}
END_TEST

START_TEST(names_sort_by_name_then_position)
{
	ck_assert_int_lt(dk_cmp_name_pos("a", 9, "b", 0), 0);
	ck_assert_int_gt(dk_cmp_name_pos("b", 0, "a", 9), 0);
	ck_assert_int_lt(dk_cmp_name_pos("a", 1, "a", 2), 0);
	ck_assert_int_gt(dk_cmp_name_pos("a", 2, "a", 1), 0);
	ck_assert_int_eq(dk_cmp_name_pos("a", 3, "a", 3), 0);
	/* positions past INT_MAX still compare, not by subtraction */
	ck_assert_int_lt(dk_cmp_name_pos("a", 0, "a", (size_t)-1), 0);
}
END_TEST

START_TEST(reserve_doubles_and_refuses_overflow)
{
	size_t cap = 0, reallocs = 0;
	int *v = NULL, *last = NULL;

	for (size_t n = 0; n < 5000; n++) {
		int *p = dk_reserve(v, &cap, n + 1, sizeof *p);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_ge(cap, n + 1);
		if (p != last || n == 0)
			reallocs++;
		v = last = p;
		v[n] = (int)n;
	}
	ck_assert_uint_lt(reallocs, 20);
	for (size_t n = 0; n < 5000; n++)
		ck_assert_int_eq(v[n], (int)n);
	ck_assert_ptr_null(dk_reserve(v, &cap, (size_t)-1 / 2, sizeof *v));
	free(v);
}
END_TEST

START_TEST(little_endian_loads_and_stores)
{
	unsigned char b[8];
	dk_put64(b, 0x0102030405060708ull);
	ck_assert_uint_eq(b[0], 0x08);
	ck_assert_uint_eq(b[7], 0x01);
	ck_assert_uint_eq(dk_le16(b), 0x0708);
	ck_assert_uint_eq(dk_le32(b), 0x05060708u);
	ck_assert(dk_le64(b) == 0x0102030405060708ull);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("util");
	TCase *t = tcase_create("util");
	tcase_add_test(t, version_is_the_headers);
	tcase_add_test(t, free_takes_what_the_library_gave);
	tcase_add_test(t, names_sort_by_name_then_position);
	tcase_add_test(t, reserve_doubles_and_refuses_overflow);
	tcase_add_test(t, little_endian_loads_and_stores);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
