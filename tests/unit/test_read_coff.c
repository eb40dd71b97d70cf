/* test_read_coff.c - the COFF object reader: an object made by the
 * library's own COFF writer read back (sections, data, relocations,
 * symbols with short and string-table names), and damaged copies of it
 * refused with the reason and the offset of the damage. */
#include <stdint.h>
#include "unit.h"
#include "read_coff_private.h"
#include "write_coff_private.h"

static const char long_name[] = "a_symbol_name_longer_than_eight";

/* An x86-64 object: .text (4 bytes, one relocation against `ext`), .bss
 * of 16 bytes; symbols `f` (in .text at 2), the long name (undefined),
 * `ext` (undefined).  Returned malloc'd in *p, *len. */
static void make_object(unsigned char **p, size_t *len)
{
	dk_coff c;
	dk_buf b;
	int text, bss;
	uint32_t ext;
	static const unsigned char code[4] = { 0x90, 0x90, 0xc3, 0xcc };

	dk_coff_init(&c, DK_MACHINE_AMD64);
	text = dk_coff_section_add(&c, ".text", DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ);
	bss = dk_coff_section_add(&c, ".bss", DK_SCN_CNT_UNINITIALIZED_DATA | DK_SCN_MEM_READ);
	ck_assert_int_eq(text, 1);
	ck_assert_int_eq(bss, 2);
	dk_coff_data(&c, text, code, sizeof code);
	dk_coff_section_get(&c, bss)->size = 16;
	dk_coff_symbol_add(&c, "f", 2, (int16_t)text, DK_SYM_DTYPE_FUNCTION, DK_SYM_CLASS_EXTERNAL);
	dk_coff_symbol_add(&c, long_name, 0, 0, 0, DK_SYM_CLASS_EXTERNAL);
	ext = dk_coff_symbol_add(&c, "ext", 0, 0, 0, DK_SYM_CLASS_EXTERNAL);
	dk_coff_reloc_add(&c, text, 0, ext, DK_REL_AMD64_ADDR32NB);
	dk_buf_init(&b);
	ck_assert_int_eq(dk_coff_write(&c, &b), DK_OK);
	dk_coff_free(&c);
	*len = b.len;
	*p = (unsigned char *)dk_buf_take(&b, NULL);
	ck_assert_ptr_nonnull(*p);
}

static bool str_eq(dk_str s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

START_TEST(reads_back_what_the_writer_wrote)
{
	unsigned char *p;
	size_t len;
	dk_coff_in c;
	dk_coff_in_sec s;
	dk_coff_in_sym y;
	dk_coff_why w;

	make_object(&p, &len);
	ck_assert(dk_coff_header_ok(p, len));
	ck_assert_msg(dk_coff_in_open(&c, p, len, &w), "open: %s @%zu", w.text, w.off);
	ck_assert_uint_eq(c.machine, DK_MACHINE_AMD64);
	ck_assert_uint_eq(c.nsec, 2);
	ck_assert_uint_eq(c.nsym, 3);
	ck_assert_ptr_nonnull(c.strtab);

	ck_assert(dk_coff_in_section(&c, 1, &s, &w));
	ck_assert(str_eq(s.name, ".text"));
	ck_assert_uint_eq(s.size, 4);
	ck_assert_ptr_nonnull(s.data);
	ck_assert_uint_eq(s.data[2], 0xc3);
	ck_assert_uint_eq(s.nrelocs, 1);
	ck_assert(s.flags & DK_SCN_MEM_EXECUTE);
	/* the relocation: offset 0, symbol 2, ADDR32NB */
	ck_assert_uint_eq(dk_le32(p + s.reloc_off), 0);
	ck_assert_uint_eq(dk_le32(p + s.reloc_off + 4), 2);
	ck_assert_uint_eq(dk_le16(p + s.reloc_off + 8), DK_REL_AMD64_ADDR32NB);

	/* .bss: no data, size 0 as the reader gives it */
	ck_assert(dk_coff_in_section(&c, 2, &s, &w));
	ck_assert(str_eq(s.name, ".bss"));
	ck_assert_ptr_null(s.data);
	ck_assert_uint_eq(s.size, 0);

	ck_assert(dk_coff_in_symbol(&c, 0, &y, &w));
	ck_assert(str_eq(y.name, "f"));
	ck_assert_uint_eq(y.value, 2);
	ck_assert_int_eq(y.section, 1);
	ck_assert_uint_eq(y.cls, DK_SYM_CLASS_EXTERNAL);
	ck_assert_msg(dk_coff_in_symbol(&c, 1, &y, &w), "symbol 1: %s", w.text);
	ck_assert(str_eq(y.name, long_name));
	ck_assert_int_eq(y.section, 0);

	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".bss"), 2);
	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".text"), 1);
	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".data"), 0);
	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".tex"), 0);
	free(p);
}
END_TEST

START_TEST(out_of_range_section_and_symbol_numbers)
{
	unsigned char *p;
	size_t len;
	dk_coff_in c;
	dk_coff_in_sec s;
	dk_coff_in_sym y;
	dk_coff_why w;

	make_object(&p, &len);
	ck_assert(dk_coff_in_open(&c, p, len, &w));
	ck_assert(!dk_coff_in_section(&c, 0, &s, &w));
	ck_assert_str_eq(w.text, "a section number outside the section table");
	ck_assert(!dk_coff_in_section(&c, 3, &s, &w));
	ck_assert(!dk_coff_in_symbol(&c, 3, &y, &w));
	ck_assert_str_eq(w.text, "a symbol index past the end of the symbol table");
	free(p);
}
END_TEST

START_TEST(damage_is_refused_with_its_offset)
{
	unsigned char *p;
	size_t len;
	dk_coff_in c;
	dk_coff_in_sec s;
	dk_coff_in_sym y;
	dk_coff_why w;
	uint32_t symptr, strpos;

	make_object(&p, &len);
	/* cut inside the section table */
	ck_assert(!dk_coff_header_ok(p, DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE));
	ck_assert(!dk_coff_in_open(&c, p, DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE, &w));
	ck_assert_str_eq(w.text, "a COFF header or section table cut short");
	ck_assert_uint_eq(w.off, 0);

	/* an optional header: an image, not an object */
	dk_put16(p + 16, 0xf0);
	ck_assert(!dk_coff_header_ok(p, len));
	dk_put16(p + 16, 0);

	/* a symbol table running past the end */
	symptr = dk_le32(p + 8);
	strpos = symptr + 3 * DK_COFF_SYMBOL_SIZE;
	dk_put32(p + 12, 0x10000);
	ck_assert(!dk_coff_in_open(&c, p, len, &w));
	ck_assert_str_eq(w.text, "a symbol table past the end of the object");
	ck_assert_uint_eq(w.off, 8);
	dk_put32(p + 12, 3);

	/* a string table running past the end */
	dk_put32(p + strpos, (uint32_t)(len - strpos + 1));
	ck_assert(!dk_coff_in_open(&c, p, len, &w));
	ck_assert_str_eq(w.text, "a string table past the end of the object");
	ck_assert_uint_eq(w.off, strpos);
	dk_put32(p + strpos, (uint32_t)(len - strpos));

	/* the long symbol name's offset outside the string table */
	ck_assert(dk_coff_in_open(&c, p, len, &w));
	dk_put32(p + symptr + DK_COFF_SYMBOL_SIZE + 4, 0x7fff);
	ck_assert(!dk_coff_in_symbol(&c, 1, &y, &w));
	ck_assert_str_eq(w.text, "a name offset outside the string table");
	ck_assert_uint_eq(w.off, symptr + DK_COFF_SYMBOL_SIZE);

	/* a section name `/N` outside the string table */
	memcpy(p + DK_COFF_HEADER_SIZE, "/9999\0\0\0", 8);
	ck_assert(!dk_coff_in_section(&c, 1, &s, &w));
	ck_assert_str_eq(w.text, "a name offset outside the string table");
	ck_assert_uint_eq(w.off, DK_COFF_HEADER_SIZE);
	memcpy(p + DK_COFF_HEADER_SIZE, ".text\0\0\0", 8);

	/* .text's data past the end */
	dk_put32(p + DK_COFF_HEADER_SIZE + 20, (uint32_t)len);
	ck_assert(!dk_coff_in_section(&c, 1, &s, &w));
	ck_assert_str_eq(w.text, "section data past the end of the object");
	ck_assert_uint_eq(w.off, DK_COFF_HEADER_SIZE + 16);
	free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read_coff");
	TCase *t = tcase_create("read_coff");
	tcase_add_test(t, reads_back_what_the_writer_wrote);
	tcase_add_test(t, out_of_range_section_and_symbol_numbers);
	tcase_add_test(t, damage_is_refused_with_its_offset);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
