/* test_write_implib_objects.c - what the long-format and delay-load
 * writers share (lib/write_implib_objects.c): the symbol stem of a DLL
 * name, member names that sort in order, at most three indexed symbols a
 * member, objects serialised one after another onto one buffer, and the
 * archive written from it, read back with read_ar.c and read_coff.c. */
#include "unit.h"
#include "write_implib_private.h"
#include "read_ar_private.h"
#include "read_coff_private.h"

START_TEST(stem_of_a_dll_name)
{
	static const struct {
		const char *dll, *stem;
	} cases[] = {
		{ "k.dll", "k_dll" },
		{ "dir/sub/k.dll", "k_dll" },
		{ "c:\\win\\My-Lib 2.DLL", "My_Lib_2_DLL" },
		{ "z9.exe", "z9_exe" },
		{ "\xc3\xa9t\xc3\xa9.dll", "__t___dll" }, /* each byte of UTF-8, not each character */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = dk_implib_stem(cases[i].dll);
		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, cases[i].stem);
		free(s);
	}
}
END_TEST

START_TEST(member_names_sort_in_order)
{
	dk_implib_member mb[3];
	memset(mb, 0, sizeof mb);
	ck_assert_int_eq(dk_implib_member_name(&mb[0], "k_dll", 'd', 0), DK_OK);
	ck_assert_int_eq(dk_implib_member_name(&mb[1], "k_dll", 'd', 9), DK_OK);
	ck_assert_int_eq(dk_implib_member_name(&mb[2], "k_dll", 'y', 65536), DK_OK);
	ck_assert_str_eq(mb[0].name, "k_dll_d000000.o");
	ck_assert_str_eq(mb[1].name, "k_dll_d000009.o");
	ck_assert_str_eq(mb[2].name, "k_dll_y065536.o");
	ck_assert_int_lt(strcmp(mb[0].name, mb[1].name), 0);
	for (size_t i = 0; i < 3; i++)
		free(mb[i].name);
}
END_TEST

START_TEST(three_symbols_at_most)
{
	dk_implib_member *mb = calloc(1, sizeof *mb);
	ck_assert_ptr_nonnull(mb);
	ck_assert_int_eq(dk_implib_member_symbol(mb, "f"), DK_OK);
	ck_assert_int_eq(dk_implib_member_symbol(mb, "__imp_f"), DK_OK);
	ck_assert_int_eq(dk_implib_member_symbol(mb, "g"), DK_OK);
	ck_assert_int_eq(dk_implib_member_symbol(mb, "h"), DK_FAIL); /* no room: refused, not overrun */
	ck_assert_uint_eq(mb->nsymbols, 3);
	ck_assert_str_eq(mb->symbols[1], "__imp_f");
	dk_implib_members_free(mb, 1);
	dk_implib_members_free(NULL, 5); /* nothing allocated yet */
}
END_TEST

/* An object of one section holding `byte` and defining `sym`. */
static void object(dk_implib_member *mb, dk_buf *all, unsigned char byte, const char *sym)
{
	dk_coff c;
	int sec;

	dk_coff_init(&c, DK_MACHINE_AMD64);
	sec = dk_coff_section_add(&c, ".data", DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ);
	dk_coff_data(&c, sec, &byte, 1);
	dk_coff_zeros(&c, sec, 40); /* more than one block of zeros */
	dk_coff_symbol_add(&c, sym, 0, (int16_t)sec, 0, DK_SYM_CLASS_EXTERNAL);
	ck_assert_int_eq(dk_implib_member_symbol(mb, sym), DK_OK);
	ck_assert_int_eq(dk_implib_member_finish(&c, mb, all), DK_OK);
}

START_TEST(members_become_an_archive)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	dk_implib_member *mb = calloc(2, sizeof *mb);
	dk_buf all, out;
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;

	dk_buf_init(&all);
	dk_buf_init(&out);
	ck_assert_ptr_nonnull(mb);
	ck_assert_int_eq(dk_implib_member_name(&mb[0], "k_dll", 'd', 0), DK_OK);
	ck_assert_int_eq(dk_implib_member_name(&mb[1], "k_dll", 'd', 1), DK_OK);
	object(&mb[0], &all, 0xa1, "first");
	object(&mb[1], &all, 0xb2, "second");
	ck_assert_uint_eq(mb[0].off, 0);
	ck_assert_uint_eq(mb[1].off, mb[0].len); /* one after the other */
	ck_assert_uint_eq(all.len, mb[0].len + mb[1].len);

	char *bytes = malloc(all.len);
	ck_assert_ptr_nonnull(bytes);
	memcpy(bytes, all.data, all.len);
	ck_assert_int_eq(dk_implib_members_write(mb, 2, &all, DK_AR_GNU, &out, &s), DK_OK);
	ck_assert_uint_eq(d.count, 0);
	ck_assert_uint_eq(all.len, 0); /* its bytes became the archive, in place */
	ck_assert(dk_ar_open(&r, out.data, out.len, &err));
	for (int i = 0; i < 2; i++) {
		dk_coff_in in;
		dk_coff_why w;
		ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
		ck_assert_uint_eq(e.size, mb[i].len);
		ck_assert(memcmp(e.data, bytes + mb[i].off, e.size) == 0);
		ck_assert_msg(dk_coff_in_open(&in, e.data, e.size, &w), "%s", w.text);
		ck_assert_uint_eq(dk_coff_in_find_section(&in, ".data"), 1);
	}
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 0);
	dk_implib_members_free(mb, 2);
	dk_buf_free(&all);
	dk_buf_free(&out);
	free(bytes);
}
END_TEST

static Suite *write_implib_objects_suite(void)
{
	Suite *s = suite_create("write_implib_objects");
	TCase *t = tcase_create("write_implib_objects");
	tcase_add_test(t, stem_of_a_dll_name);
	tcase_add_test(t, member_names_sort_in_order);
	tcase_add_test(t, three_symbols_at_most);
	tcase_add_test(t, members_become_an_archive);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_implib_objects_suite)
