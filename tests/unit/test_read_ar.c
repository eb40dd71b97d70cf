/* test_read_ar.c - the archive walker (lib/read_ar.c).
 *
 * index_past_the_end and member_size_names_the_member moved unchanged from
 * test_read_file.c, with the hand-made archives they use.  The others read
 * what the library's own writer (write_ar.c) builds, of both kinds, and
 * archives cut or damaged at a known place, which must be refused with the
 * member and the offset. */
#include <stdint.h>
#include "unit.h"
#include "read_ar_private.h"
#include "write_ar_private.h"
#include "unit_bytes.h"

/* ------------------------------------------------------------------ */
/* Symbol indexes and member sizes                                      */
/* ------------------------------------------------------------------ */

/* Walk `b` to its end: 0, or -1 with `err`. */
static int walk(const bytes *b, dk_ar_error *err)
{
	dk_ar_reader r;
	dk_ar_entry e;
	int rc;

	ck_assert(dk_ar_open(&r, b->p, b->len, err));
	while ((rc = dk_ar_next(&r, &e, err)) == 1)
		;
	return rc;
}

START_TEST(index_past_the_end)
{
	bytes m[2] = { { (unsigned char *)"first member", 12, 0 }, { (unsigned char *)"second", 6, 0 } };
	bytes a = archive(m, 2, true), cut;
	dk_ar_error err;
	size_t second;

	ck_assert_int_eq(walk(&a, &err), 0);
	/* Cut where the second member's header starts: every header that
	 * is left is whole, only the index tells. */
	second = a.len - (60 + 6);
	cut = a;
	cut.len = second;
	ck_assert_int_eq(walk(&cut, &err), -1);
	ck_assert_str_eq(err.message,
			 "a symbol index that points past the end of the file (the archive is cut short)");
	ck_assert_uint_eq(err.offset, 8 + 60 + 4 + 4); /* the second offset in the index */

	/* An index offset that is inside the file but no header. */
	a.p[8 + 60 + 4 + 3] += 2;
	ck_assert_int_eq(walk(&a, &err), -1);
	ck_assert_str_eq(err.message, "a symbol index that points where no member header is");
	a.p[8 + 60 + 4 + 3] -= 2;

	/* A count larger than the index member holds. */
	a.p[8 + 60 + 3] = 200;
	ck_assert_int_eq(walk(&a, &err), -1);
	ck_assert_str_eq(err.message, "a symbol index whose count runs past its member");
	free(a.p);
}
END_TEST

START_TEST(member_size_names_the_member)
{
	bytes m[2] = { { (unsigned char *)"first member", 12, 0 }, { (unsigned char *)"second", 6, 0 } };
	bytes a = archive(m, 2, false);
	dk_ar_error err;
	char *name;

	/* The second member's size field: 6 -> 9, past the end. */
	a.p[a.len - 6 - 60 + 48] = '9';
	ck_assert_int_eq(walk(&a, &err), -1);
	ck_assert_str_eq(err.message, "a member size that runs past the end of the file");
	name = dk_ar_error_member(&err);
	ck_assert_str_eq(name, "m1");
	free(name);
	free(a.p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Archives from the library's writer                                   */
/* ------------------------------------------------------------------ */

static const char *const syms_a[] = { "alpha", "beta" };
static const char *const syms_b[] = { "gamma" };

/* Three members: a short name, a name longer than 15 characters (so "//"
 * is written), an odd size (so a pad byte follows). */
static dk_buf written(dk_ar_kind kind, bool symbols)
{
	dk_ar_member m[3] = {
		{ "a.o", "AAAA", 4, symbols ? syms_a : NULL, symbols ? 2 : 0, NULL, 0 },
		{ "a_rather_long_member_name.o", "BBBBBBB", 7, symbols ? syms_b : NULL, symbols ? 1 : 0, NULL, 0 },
		{ "c.o", "CC", 2, NULL, 0, NULL, 0 },
	};
	dk_buf b;
	dk_buf_init(&b);
	ck_assert_int_eq(dk_archive_write(&b, kind, m, 3), DK_OK);
	ck_assert(!b.failed);
	return b;
}

static void expect_member(dk_ar_reader *r, size_t index, const char *name, const char *data)
{
	dk_ar_entry e;
	dk_ar_error err;
	char *n;

	ck_assert_int_eq(dk_ar_next(r, &e, &err), 1);
	n = dk_ar_name(&e);
	ck_assert_str_eq(n, name);
	free(n);
	ck_assert_uint_eq(e.index, index);
	ck_assert_uint_eq(e.size, strlen(data));
	ck_assert(memcmp(e.data, data, e.size) == 0);
	ck_assert_ptr_eq(e.data, r->data + e.offset);
	ck_assert_uint_eq(e.offset, e.header + 60);
	ck_assert_uint_eq(e.header % 2, 0);
}

static void read_all_three(const dk_buf *b)
{
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;

	ck_assert(dk_ar_is_archive(b->data, b->len));
	ck_assert(dk_ar_open(&r, b->data, b->len, &err));
	expect_member(&r, 0, "a.o", "AAAA");
	expect_member(&r, 1, "a_rather_long_member_name.o", "BBBBBBB");
	expect_member(&r, 2, "c.o", "CC");
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 0);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 0); /* and stays at the end */
}

/* GNU: "/" index with big-endian offsets, "//" with "name/\n" names. */
START_TEST(gnu_archive_from_the_writer)
{
	for (int sym = 0; sym < 2; sym++) {
		dk_buf b = written(DK_AR_GNU, sym);
		ck_assert(memmem(b.data, b.len, "a_rather_long_member_name.o/\n", 29) != NULL);
		read_all_three(&b);
		dk_buf_free(&b);
	}
}
END_TEST

/* COFF: two linker members (the second little-endian, checked against
 * the headers too), "//" with NUL-terminated names. */
START_TEST(coff_archive_from_the_writer)
{
	for (int sym = 0; sym < 2; sym++) {
		dk_buf b = written(DK_AR_COFF, sym);
		ck_assert(memmem(b.data, b.len, "a_rather_long_member_name.o\0", 28) != NULL);
		read_all_three(&b);
		dk_buf_free(&b);
	}
}
END_TEST

/* Cut inside the long-named member's data.  GNU: refused at that member,
 * named (its name is in "//"), at the offset of its size field.  COFF: the
 * second linker member lists every member's offset, so the cut is found
 * there first, at the entry for the member that is gone. */
START_TEST(cut_archive_names_member_and_offset)
{
	for (int kind = 0; kind < 2; kind++) {
		dk_buf b = written(kind ? DK_AR_COFF : DK_AR_GNU, true);
		dk_ar_reader r;
		dk_ar_entry e;
		dk_ar_error err;
		size_t first, last, cut;
		char *name;

		ck_assert(dk_ar_open(&r, b.data, b.len, &err));
		ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
		first = e.header;
		ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
		last = e.header;
		cut = e.offset + 3; /* inside "BBBBBBB" */

		ck_assert(dk_ar_open(&r, b.data, cut, &err));
		memset(&err, 0, sizeof err);
		if (kind == 0) {
			ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
			ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
			ck_assert_str_eq(err.message, "a member size that runs past the end of the file");
			ck_assert_uint_eq(err.offset, last + 48);
			name = dk_ar_error_member(&err);
			ck_assert_str_eq(name, "a_rather_long_member_name.o");
			free(name);
		} else {
			ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
			ck_assert_str_eq(err.message,
					 "a symbol index that points past the end of the file (the archive is cut short)");
			/* The entry holds the third member's header offset. */
			ck_assert_uint_lt(err.offset, first);
			const unsigned char *at = (const unsigned char *)b.data + err.offset;
			ck_assert_uint_eq(at[0] | at[1] << 8 | at[2] << 16 | (uint32_t)at[3] << 24,
					  (uint32_t)(last + 60 + 8));
		}
		dk_buf_free(&b);
	}
}
END_TEST

/* Cut inside a header (no index to tell first): refused at the header. */
START_TEST(cut_header_refused_at_its_offset)
{
	dk_buf b = written(DK_AR_GNU, false);
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;
	size_t third;

	ck_assert(dk_ar_open(&r, b.data, b.len, &err));
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	third = e.header;
	ck_assert(dk_ar_open(&r, b.data, third + 59, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
	ck_assert_str_eq(err.message, "a member header cut short by the end of the file");
	ck_assert_uint_eq(err.offset, third);

	/* The header's "`\n" end broken: the offset of the '`'. */
	b.data[third + 58] = 'x';
	ck_assert(dk_ar_open(&r, b.data, b.len, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
	ck_assert_str_eq(err.message, "a member header that does not end in \"`\\n\"");
	ck_assert_uint_eq(err.offset, third + 58);
	dk_buf_free(&b);
}
END_TEST

/* A "/123" name with no "//" before it, and an offset past "//". */
START_TEST(long_names_checked)
{
	bytes a = { NULL, 0, 0 };
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;

	put(&a, "!<arch>\n", 8);
	member(&a, "/0", "x", 1);
	ck_assert(dk_ar_open(&r, a.p, a.len, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
	ck_assert_str_eq(err.message, "a long member name but no long-name member (\"//\") before it");
	ck_assert_uint_eq(err.offset, 8);
	free(a.p);

	a = (bytes){ NULL, 0, 0 };
	put(&a, "!<arch>\n", 8);
	member(&a, "//", "n.o/\n", 5);
	member(&a, "/40", "x", 1);
	ck_assert(dk_ar_open(&r, a.p, a.len, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
	ck_assert_str_eq(err.message, "a long-name offset past the end of the long-name member");
	ck_assert_uint_eq(err.offset, 8 + 60 + 6);
	free(a.p);
}
END_TEST

/* BSD "#1/N": the name is the first N bytes of the data, not the data. */
START_TEST(bsd_names)
{
	bytes a = { NULL, 0, 0 };
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;
	char *n;

	put(&a, "!<arch>\n", 8);
	member(&a, "#1/8", "long.obj" "DATA", 12);
	ck_assert(dk_ar_open(&r, a.p, a.len, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 1);
	n = dk_ar_name(&e);
	ck_assert_str_eq(n, "long.obj");
	free(n);
	ck_assert_uint_eq(e.size, 4);
	ck_assert(memcmp(e.data, "DATA", 4) == 0);
	ck_assert_uint_eq(e.offset, 8 + 60 + 8);
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 0);
	free(a.p);

	a = (bytes){ NULL, 0, 0 };
	put(&a, "!<arch>\n", 8);
	member(&a, "#1/20", "short", 5);
	ck_assert(dk_ar_open(&r, a.p, a.len, &err));
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), -1);
	ck_assert_str_eq(err.message, "a BSD member name longer than its member");
	free(a.p);
}
END_TEST

/* Not archives: refused at open, thin archives with their own reason. */
START_TEST(not_archives_refused_at_open)
{
	dk_ar_reader r;
	dk_ar_error err;

	ck_assert(!dk_ar_is_archive("!<arch>", 7));
	ck_assert(!dk_ar_is_archive("!<thin>\n", 8));
	ck_assert(dk_ar_is_archive("!<arch>\n", 8));
	ck_assert(!dk_ar_open(&r, "!<thin>\n", 8, &err));
	ck_assert_str_eq(err.message, "a thin archive (its members are in other files)");
	ck_assert(!dk_ar_open(&r, "MZ\x90\0", 4, &err));
	ck_assert_str_eq(err.message, "not an archive");
	ck_assert_uint_eq(err.offset, 0);
	/* The magic alone is an empty archive. */
	ck_assert(dk_ar_open(&r, "!<arch>\n", 8, &err));
	dk_ar_entry e;
	ck_assert_int_eq(dk_ar_next(&r, &e, &err), 0);
}
END_TEST

static Suite *read_ar_suite(void)
{
	Suite *s = suite_create("read_ar");
	TCase *t = tcase_create("indexes");
	tcase_add_test(t, index_past_the_end);
	tcase_add_test(t, member_size_names_the_member);
	suite_add_tcase(s, t);
	t = tcase_create("written");
	tcase_add_test(t, gnu_archive_from_the_writer);
	tcase_add_test(t, coff_archive_from_the_writer);
	tcase_add_test(t, cut_archive_names_member_and_offset);
	tcase_add_test(t, cut_header_refused_at_its_offset);
	suite_add_tcase(s, t);
	t = tcase_create("names");
	tcase_add_test(t, long_names_checked);
	tcase_add_test(t, bsd_names);
	tcase_add_test(t, not_archives_refused_at_open);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(read_ar_suite)
