/* test_write_coff.c - the COFF object emitter (lib/write_coff.c).
 *
 * Objects built with dk_coff_* and read back twice: field by field at the
 * offsets the layout promises (header, section headers, each section's
 * data then its relocations, symbols with their auxiliary records, the
 * string table), and through read_coff.c's dk_coff_in_* reader, which
 * checks every offset against the size. */
#include <stdint.h>
#include "unit.h"
#include "write_coff_private.h"
#include "read_coff_private.h"

static const unsigned char code[5] = { 0x55, 0x48, 0x89, 0xe5, 0xc3 };
static const unsigned char words[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* .text (5 bytes, 2 relocations), .data (8 bytes, 1 relocation), .bss (32,
 * no data); symbols: a section symbol with one aux record, an 8-character
 * name, a 9-character one, an absolute one, an undefined one. */
static void build_sections(dk_coff *c)
{
	unsigned char aux[18] = { 5, 0, 0, 0, 2, 0, 0, 0 }; /* length 5, 2 relocations */
	int text, data, bss;

	text = dk_coff_section_add(c, ".text", DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ);
	data = dk_coff_section_add(c, ".data", DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ);
	bss = dk_coff_section_add(c, ".bss", DK_SCN_CNT_UNINITIALIZED_DATA | DK_SCN_MEM_READ);
	ck_assert_int_eq(text, 1);
	ck_assert_int_eq(data, 2);
	ck_assert_int_eq(bss, 3);
	dk_coff_data(c, text, code, 3);
	dk_coff_data(c, text, code + 3, 2); /* appends */
	dk_coff_data(c, data, words, sizeof words);
	dk_coff_section_get(c, bss)->size = 32;
	ck_assert_ptr_null(dk_coff_section_get(c, 4));
	ck_assert_ptr_null(dk_coff_section_get(c, 0));

	ck_assert_uint_eq(dk_coff_symbol_add_aux(c, ".text", 0, 1, 0, DK_SYM_CLASS_STATIC, aux, 1), 0);
	ck_assert_uint_eq(dk_coff_symbol_add(c, "eight_ch", 1, 1, DK_SYM_DTYPE_FUNCTION,
					     DK_SYM_CLASS_EXTERNAL), 2); /* after the aux record */
	ck_assert_uint_eq(dk_coff_symbol_add(c, "nine_char", 4, 2, 0, DK_SYM_CLASS_EXTERNAL), 3);
	ck_assert_uint_eq(dk_coff_symbol_add(c, "@feat.00", 0x11, -1, 0, DK_SYM_CLASS_STATIC), 4);
	ck_assert_uint_eq(dk_coff_symbol_add(c, "__imp_external_name", 0, 0, 0, DK_SYM_CLASS_EXTERNAL), 5);
	dk_coff_reloc_add(c, text, 1, 5, DK_REL_AMD64_ADDR32NB);
	dk_coff_reloc_add(c, text, 3, 3, DK_REL_AMD64_ADDR32NB);
	dk_coff_reloc_add(c, data, 0, 2, DK_REL_AMD64_ADDR32NB);
}

static void build(dk_coff *c)
{
	dk_coff_init(c, DK_MACHINE_AMD64);
	build_sections(c);
}

static unsigned char *written(size_t prefix, size_t *len)
{
	dk_coff c;
	dk_buf b;

	build(&c);
	dk_buf_init(&b);
	for (size_t i = 0; i < prefix; i++)
		dk_buf_addc(&b, 'P');
	ck_assert_int_eq(dk_coff_write(&c, &b), DK_OK);
	dk_coff_free(&c);
	return (unsigned char *)dk_buf_take(&b, len);
}

static bool str_is(dk_str s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

START_TEST(layout_field_by_field)
{
	size_t len;
	unsigned char *p = written(0, &len);
	const uint32_t text = 20 + 3 * 40, trel = text + 5, data = trel + 2 * 10, drel = data + 8,
		       sym = drel + 10, str = sym + 6 * 18;

	/* header */
	ck_assert_uint_eq(dk_le16(p), DK_MACHINE_AMD64);
	ck_assert_uint_eq(dk_le16(p + 2), 3);
	ck_assert_uint_eq(dk_le32(p + 4), 0); /* no time stamp */
	ck_assert_uint_eq(dk_le32(p + 8), sym);
	ck_assert_uint_eq(dk_le32(p + 12), 6); /* 5 symbols + 1 aux record */
	ck_assert_uint_eq(dk_le16(p + 16), 0); /* no optional header */
	/* section headers: name padded with NULs, size, data, relocations */
	ck_assert(memcmp(p + 20, ".text\0\0\0", 8) == 0);
	ck_assert_uint_eq(dk_le32(p + 20 + 16), 5);
	ck_assert_uint_eq(dk_le32(p + 20 + 20), text);
	ck_assert_uint_eq(dk_le32(p + 20 + 24), trel);
	ck_assert_uint_eq(dk_le16(p + 20 + 32), 2);
	ck_assert_uint_eq(dk_le32(p + 20 + 36), DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ);
	ck_assert_uint_eq(dk_le32(p + 60 + 20), data);
	ck_assert_uint_eq(dk_le32(p + 60 + 24), drel);
	ck_assert_uint_eq(dk_le16(p + 60 + 32), 1);
	ck_assert(memcmp(p + 100, ".bss\0\0\0\0", 8) == 0);
	ck_assert_uint_eq(dk_le32(p + 100 + 16), 32); /* size, but no data */
	ck_assert_uint_eq(dk_le32(p + 100 + 20), 0);
	ck_assert_uint_eq(dk_le32(p + 100 + 24), 0);
	/* data, then its relocations */
	ck_assert(memcmp(p + text, code, 5) == 0);
	ck_assert_uint_eq(dk_le32(p + trel), 1);
	ck_assert_uint_eq(dk_le32(p + trel + 4), 5);
	ck_assert_uint_eq(dk_le16(p + trel + 8), DK_REL_AMD64_ADDR32NB);
	ck_assert_uint_eq(dk_le32(p + trel + 10), 3);
	ck_assert_uint_eq(dk_le32(p + trel + 14), 3);
	ck_assert(memcmp(p + data, words, 8) == 0);
	ck_assert_uint_eq(dk_le32(p + drel + 4), 2);
	/* symbols: the aux record copied after its symbol */
	ck_assert(memcmp(p + sym, ".text\0\0\0", 8) == 0);
	ck_assert_uint_eq(p[sym + 16], DK_SYM_CLASS_STATIC);
	ck_assert_uint_eq(p[sym + 17], 1);
	ck_assert_uint_eq(dk_le32(p + sym + 18), 5);
	ck_assert_uint_eq(dk_le16(p + sym + 18 + 4), 2);
	ck_assert(memcmp(p + sym + 36, "eight_ch", 8) == 0); /* 8 bytes: inline, no NUL */
	ck_assert_uint_eq(dk_le16(p + sym + 36 + 14), DK_SYM_DTYPE_FUNCTION);
	ck_assert_uint_eq(dk_le32(p + sym + 54), 0);          /* 9: in the string table */
	ck_assert_uint_eq(dk_le32(p + sym + 54 + 4), 4);
	ck_assert_uint_eq(dk_le16(p + sym + 72 + 12), 0xffff); /* absolute */
	ck_assert_uint_eq(dk_le32(p + sym + 72 + 8), 0x11);
	ck_assert_uint_eq(dk_le32(p + sym + 90 + 4), 4 + 10);
	/* the string table: its size first, the size counting itself */
	ck_assert_uint_eq(dk_le32(p + str), 4 + 10 + 20);
	ck_assert_str_eq((const char *)p + str + 4, "nine_char");
	ck_assert_str_eq((const char *)p + str + 14, "__imp_external_name");
	ck_assert_uint_eq(len, str + 4 + 10 + 20);
	free(p);
}
END_TEST

START_TEST(read_back_with_read_coff)
{
	size_t len;
	unsigned char *p = written(0, &len);
	dk_coff_in c;
	dk_coff_in_sec s;
	dk_coff_in_sym y;
	dk_coff_why w;

	ck_assert(dk_coff_header_ok(p, len));
	ck_assert_msg(dk_coff_in_open(&c, p, len, &w), "%s @%zu", w.text, w.off);
	ck_assert_uint_eq(c.nsec, 3);
	ck_assert_uint_eq(c.nsym, 6);
	for (uint32_t i = 1; i <= 3; i++)
		ck_assert_msg(dk_coff_in_section(&c, i, &s, &w), "section %u: %s", i, w.text);
	ck_assert(dk_coff_in_section(&c, 2, &s, &w));
	ck_assert(str_is(s.name, ".data"));
	ck_assert_uint_eq(s.size, 8);
	ck_assert(memcmp(s.data, words, 8) == 0);
	ck_assert_uint_eq(s.nrelocs, 1);
	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".bss"), 3);

	ck_assert(dk_coff_in_symbol(&c, 0, &y, &w));
	ck_assert(str_is(y.name, ".text"));
	ck_assert_uint_eq(y.naux, 1);
	static const char *const names[] = { NULL, NULL, "eight_ch", "nine_char", "@feat.00",
					     "__imp_external_name" };
	static const int secs[] = { 0, 0, 1, 2, -1, 0 };
	for (uint32_t i = 2; i < 6; i++) {
		ck_assert_msg(dk_coff_in_symbol(&c, i, &y, &w), "symbol %u: %s", i, w.text);
		ck_assert_msg(str_is(y.name, names[i]), "symbol %u: %.*s", i, (int)y.name.n, y.name.p);
		ck_assert_int_eq(y.section, secs[i]);
		ck_assert_uint_eq(y.naux, 0);
	}
	ck_assert(!dk_coff_in_symbol(&c, 6, &y, &w));
	free(p);
}
END_TEST

/* Appended after other bytes (an archive being built), the object's
 * offsets stay relative to its own first byte; the bytes never vary. */
START_TEST(appended_object_is_the_same_bytes)
{
	size_t a, b;
	unsigned char *x = written(0, &a), *y = written(61, &b);

	ck_assert_uint_eq(b, a + 61);
	ck_assert(memcmp(x, y + 61, a) == 0);
	free(x);
	free(y);
}
END_TEST

/* No symbols: no symbol table pointer, and an empty string table (its
 * size field alone). */
/* An object built after dk_coff_reset is the one built fresh: nothing of
 * the object before it (more and longer sections, data, relocations, long
 * names, flags, another machine) shows. */
START_TEST(reset_then_build_is_the_same_bytes)
{
	size_t len, rlen;
	unsigned char *fresh = written(0, &len);
	dk_coff c;
	dk_buf b;

	dk_coff_init(&c, DK_MACHINE_I386);
	c.characteristics = 0x0100;
	for (int i = 0; i < 5; i++) {
		int sec = dk_coff_section_add(&c, i % 2 ? ".idata$5" : ".text", DK_SCN_MEM_READ);
		dk_coff_zeros(&c, sec, 40 + (size_t)i);
		dk_coff_reloc_add(&c, sec, 4, 0, DK_REL_I386_DIR32);
		dk_coff_reloc_add(&c, sec, 8, 1, DK_REL_I386_DIR32);
		dk_coff_symbol_add(&c, "a_rather_long_symbol_name_for_the_string_table", 0,
				   (int16_t)sec, 0, DK_SYM_CLASS_EXTERNAL);
	}
	dk_buf_init(&b);
	ck_assert_int_eq(dk_coff_write(&c, &b), DK_OK);
	dk_buf_free(&b);

	dk_coff_reset(&c, DK_MACHINE_AMD64);
	build_sections(&c);
	ck_assert_int_eq(dk_coff_write(&c, &b), DK_OK);
	unsigned char *again = (unsigned char *)dk_buf_take(&b, &rlen);
	ck_assert_uint_eq(rlen, len);
	ck_assert_int_eq(memcmp(again, fresh, len), 0);
	dk_coff_free(&c);
	free(again);
	free(fresh);
}
END_TEST

START_TEST(no_symbols_no_table_pointer)
{
	dk_coff c;
	dk_buf b;
	dk_coff_in in;
	dk_coff_why w;

	dk_coff_init(&c, DK_MACHINE_I386);
	c.characteristics = 0x0100; /* 32BIT_MACHINE */
	dk_coff_data(&c, dk_coff_section_add(&c, ".idata$5", DK_SCN_CNT_INITIALIZED_DATA), words, 4);
	dk_buf_init(&b);
	ck_assert_int_eq(dk_coff_write(&c, &b), DK_OK);
	dk_coff_free(&c);
	ck_assert_uint_eq(b.len, 20 + 40 + 4 + 4);
	const unsigned char *p = (const unsigned char *)b.data;
	ck_assert_uint_eq(dk_le16(p), DK_MACHINE_I386);
	ck_assert_uint_eq(dk_le32(p + 8), 0);
	ck_assert_uint_eq(dk_le32(p + 12), 0);
	ck_assert_uint_eq(dk_le16(p + 18), 0x0100);
	ck_assert(memcmp(p + 20, ".idata$5", 8) == 0);
	ck_assert_uint_eq(dk_le32(p + 64), 4);
	ck_assert_msg(dk_coff_in_open(&in, p, b.len, &w), "%s", w.text);
	ck_assert_uint_eq(dk_coff_in_find_section(&in, ".idata$5"), 1);
	dk_buf_free(&b);
}
END_TEST

static Suite *write_coff_suite(void)
{
	Suite *s = suite_create("write_coff");
	TCase *t = tcase_create("write_coff");
	tcase_add_test(t, layout_field_by_field);
	tcase_add_test(t, read_back_with_read_coff);
	tcase_add_test(t, appended_object_is_the_same_bytes);
	tcase_add_test(t, no_symbols_no_table_pointer);
	tcase_add_test(t, reset_then_build_is_the_same_bytes);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_coff_suite)
