/* test_write_ar.c - the archive writer (GNU and COFF kinds): layout,
 * indexes, long names, padding, the ARM64EC symbol map.  The naming rules
 * of short imports: test_write_implib_short.c. */
#include <stdint.h>
#include "unit.h"
#include "write_ar_private.h"
#include "write_implib_private.h"

/* ------------------------------------------------------------------ */
/* Reading back what was written                                        */
/* ------------------------------------------------------------------ */

typedef struct ar_hdr {
	char name[17], date[13], uid[7], gid[7], mode[9];
	size_t size;
	size_t data; /* offset of the member's bytes */
} ar_hdr;

static void field(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = '\0';
	for (size_t i = n; i > 0 && dst[i - 1] == ' '; i--)
		dst[i - 1] = '\0';
}

/* The header at `off`; returns the offset of the next one. */
static size_t hdr_at(const char *a, size_t len, size_t off, ar_hdr *h)
{
	char size[11];

	ck_assert_uint_le(off + 60, len);
	ck_assert_int_eq(memcmp(a + off + 58, "`\n", 2), 0);
	field(h->name, a + off, 16);
	field(h->date, a + off + 16, 12);
	field(h->uid, a + off + 28, 6);
	field(h->gid, a + off + 34, 6);
	field(h->mode, a + off + 40, 8);
	field(size, a + off + 48, 10);
	h->size = strtoul(size, NULL, 10);
	h->data = off + 60;
	ck_assert_uint_le(h->data + h->size, len);
	return h->data + h->size + (h->size & 1);
}

static uint32_t be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static uint32_t le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[3] << 24 | (uint32_t)u[2] << 16 | (uint32_t)u[1] << 8 | u[0];
}

static uint16_t le16(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint16_t)(u[1] << 8 | u[0]);
}

/* Write an archive of `n` members into a fresh buffer. */
static char *write_ar(dk_ar_kind kind, const dk_ar_member *m, size_t n, size_t *len)
{
	dk_buf b;
	dk_buf_init(&b);
	ck_assert_int_eq(dk_archive_write(&b, kind, m, n), DK_OK);
	return dk_buf_take(&b, len);
}

/* ------------------------------------------------------------------ */
/* The COFF kind                                                        */
/* ------------------------------------------------------------------ */

static const char *const syms_a[] = { "__imp_zeta", "zeta" };
static const char *const syms_b[] = { "__imp_alpha" }; /* odd index size */
static const char *const syms_dup[] = { "zeta", "mid" };

START_TEST(coff_linker_members)
{
	const dk_ar_member m[] = {
		{ "a.dll", "AAA", 3, syms_a, 2, NULL, 0 },
		{ "a.dll", "BB", 2, syms_b, 1, NULL, 0 },
	};
	size_t len, off;
	char *a = write_ar(DK_AR_COFF, m, 2, &len);
	ar_hdr h1, h2, h3, h4;

	ck_assert_int_eq(memcmp(a, "!<arch>\n", 8), 0);
	off = hdr_at(a, len, 8, &h1);
	/* First linker member: "/", zero date/ids, mode 0; big-endian
	 * offsets in member order; size includes the NUL padding. */
	ck_assert_str_eq(h1.name, "/");
	ck_assert_str_eq(h1.date, "0");
	ck_assert_str_eq(h1.uid, "0");
	ck_assert_str_eq(h1.gid, "0");
	ck_assert_str_eq(h1.mode, "0");
	/* 4 + 3*4 + "__imp_zeta\0zeta\0__imp_alpha\0" (28) = 44 */
	ck_assert_uint_eq(h1.size, 44);
	ck_assert_uint_eq(be32(a + h1.data), 3);
	off = hdr_at(a, len, off, &h2);
	ck_assert_str_eq(h2.name, "/");
	/* 4 + 2*4 + 4 + 3*2 + 28 = 50 */
	ck_assert_uint_eq(h2.size, 50);
	ck_assert_uint_eq(le32(a + h2.data), 2);
	size_t m1 = le32(a + h2.data + 4), m2 = le32(a + h2.data + 8);
	ck_assert_uint_eq(le32(a + h2.data + 12), 3);
	/* sorted: __imp_alpha (member 2), __imp_zeta (1), zeta (1) */
	ck_assert_uint_eq(le16(a + h2.data + 16), 2);
	ck_assert_uint_eq(le16(a + h2.data + 18), 1);
	ck_assert_uint_eq(le16(a + h2.data + 20), 1);
	ck_assert_str_eq(a + h2.data + 22, "__imp_alpha");
	/* the first member's offsets point at the member headers */
	ck_assert_uint_eq(be32(a + h1.data + 4), m1);
	ck_assert_uint_eq(be32(a + h1.data + 8), m1);
	ck_assert_uint_eq(be32(a + h1.data + 12), m2);
	ck_assert_str_eq(a + h1.data + 16, "__imp_zeta");

	ck_assert_uint_eq(off, m1);
	off = hdr_at(a, len, off, &h3);
	ck_assert_str_eq(h3.name, "a.dll/");
	ck_assert_str_eq(h3.mode, "644");
	ck_assert_uint_eq(h3.size, 3);
	ck_assert_int_eq(memcmp(a + h3.data, "AAA\n", 4), 0); /* '\n' pads a member */
	ck_assert_uint_eq(off, m2);
	off = hdr_at(a, len, off, &h4);
	ck_assert_uint_eq(h4.size, 2);
	ck_assert_uint_eq(off, len);
	free(a);
}
END_TEST

START_TEST(coff_odd_index_padded_with_nul_inside_size)
{
	const dk_ar_member m[] = { { "x", "Z", 1, syms_b, 1, NULL, 0 } };
	size_t len;
	char *a = write_ar(DK_AR_COFF, m, 1, &len);
	ar_hdr h;

	hdr_at(a, len, 8, &h);
	/* 4 + 4 + "__imp_alpha\0" (12) = 20: even; the second is 4+4+4+2+12 = 26 */
	ck_assert_uint_eq(h.size, 20);
	hdr_at(a, len, h.data + h.size, &h);
	ck_assert_uint_eq(h.size, 26);
	free(a);

	static const char *const odd[] = { "ab" };
	const dk_ar_member m2[] = { { "x", "Z", 1, odd, 1, NULL, 0 } };
	a = write_ar(DK_AR_COFF, m2, 1, &len);
	hdr_at(a, len, 8, &h);
	/* 4 + 4 + 3 = 11 -> 12, the pad a NUL */
	ck_assert_uint_eq(h.size, 12);
	ck_assert_int_eq(a[h.data + 11], '\0');
	free(a);
}
END_TEST

START_TEST(coff_duplicate_symbols_first_member_wins)
{
	const dk_ar_member m[] = {
		{ "a", "1", 1, syms_a, 2, NULL, 0 },
		{ "b", "2", 1, syms_dup, 2, NULL, 0 },
	};
	size_t len;
	char *a = write_ar(DK_AR_COFF, m, 2, &len);
	ar_hdr h1, h2;

	hdr_at(a, len, hdr_at(a, len, 8, &h1), &h2);
	/* "zeta" once, for member 1, in both indexes (as llvm-lib) */
	ck_assert_uint_eq(be32(a + h1.data), 3);
	ck_assert_str_eq(a + h1.data + 16, "__imp_zeta");
	ck_assert_str_eq(a + h1.data + 16 + 11, "zeta");
	ck_assert_str_eq(a + h1.data + 16 + 16, "mid");
	size_t p = h2.data + 4 + 2 * 4;
	ck_assert_uint_eq(le32(a + p), 3);
	ck_assert_uint_eq(le16(a + p + 4), 1); /* __imp_zeta */
	ck_assert_uint_eq(le16(a + p + 6), 2); /* mid */
	ck_assert_uint_eq(le16(a + p + 8), 1); /* zeta: the first member */
	free(a);
}
END_TEST

START_TEST(coff_long_names_nul_terminated_once)
{
	const char *longname = "averyveryverylongname.dll"; /* 25 + NUL: even */
	const dk_ar_member m[] = {
		{ longname, "1", 1, NULL, 0, NULL, 0 },
		{ "short.dll", "2", 1, NULL, 0, NULL, 0 },
		{ longname, "3", 1, NULL, 0, NULL, 0 },
		{ "sixteen_chars_ab", "4", 1, NULL, 0, NULL, 0 }, /* 16: long */
	};
	size_t len, off;
	char *a = write_ar(DK_AR_COFF, m, 4, &len);
	ar_hdr h;

	off = hdr_at(a, len, 8, &h);
	off = hdr_at(a, len, off, &h);
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "//");
	/* blank date, ids and mode, as llvm-lib and GNU ar */
	ck_assert_str_eq(h.date, "");
	ck_assert_str_eq(h.mode, "");
	/* "averyveryverylongname.dll\0sixteen_chars_ab\0" = 26 + 17 = 43 -> 44 */
	ck_assert_uint_eq(h.size, 44);
	ck_assert_str_eq(a + h.data, longname);
	ck_assert_str_eq(a + h.data + 26, "sixteen_chars_ab");
	ck_assert_int_eq(a[h.data + 43], '\n');
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/0");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "short.dll/");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/0");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/26");
	ck_assert_uint_eq(off, len);
	free(a);
}
END_TEST

START_TEST(coff_ec_symbols_after_long_names)
{
	static const char *const native[] = { "__IMPORT_DESCRIPTOR_x" };
	static const char *const ec[] = { "__imp_f", "f", "__imp_aux_f", "#f" };
	const dk_ar_member m[] = {
		{ "averyveryverylongname.dll", "1", 1, native, 1, native, 1 },
		{ "averyveryverylongname.dll", "2", 1, NULL, 0, ec, 4 },
	};
	size_t len, off;
	char *a = write_ar(DK_AR_COFF, m, 2, &len);
	ar_hdr h;

	off = hdr_at(a, len, 8, &h);
	ck_assert_uint_eq(be32(a + h.data), 1); /* EC symbols stay out of "/" */
	off = hdr_at(a, len, off, &h);
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "//");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/<ECSYMBOLS>/");
	ck_assert_str_eq(h.mode, "0");
	/* count, 5 indexes, sorted names; padded with NUL inside the size:
	 * 4 + 10 + "#f\0__IMPORT_DESCRIPTOR_x\0__imp_aux_f\0__imp_f\0f\0" (47) = 61 -> 62 */
	ck_assert_uint_eq(h.size, 62);
	ck_assert_uint_eq(le32(a + h.data), 5);
	ck_assert_uint_eq(le16(a + h.data + 4), 2);  /* #f */
	ck_assert_uint_eq(le16(a + h.data + 6), 1);  /* __IMPORT_DESCRIPTOR_x */
	ck_assert_str_eq(a + h.data + 14, "#f");
	ck_assert_str_eq(a + h.data + 17, "__IMPORT_DESCRIPTOR_x");
	ck_assert_int_eq(a[h.data + 61], '\0');
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/0");
	free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The GNU kind                                                         */
/* ------------------------------------------------------------------ */

START_TEST(gnu_single_index_keeps_duplicates)
{
	const dk_ar_member m[] = {
		{ "a.o", "1", 1, syms_a, 2, NULL, 0 },
		{ "b.o", "2", 1, syms_dup, 2, NULL, 0 },
	};
	size_t len, off;
	char *a = write_ar(DK_AR_GNU, m, 2, &len);
	ar_hdr h;

	off = hdr_at(a, len, 8, &h);
	ck_assert_str_eq(h.name, "/");
	ck_assert_uint_eq(be32(a + h.data), 4); /* GNU ar keeps both "zeta" */
	/* 4 + 16 + "__imp_zeta\0zeta\0zeta\0mid\0" (25) = 45 -> 46 */
	ck_assert_uint_eq(h.size, 46);
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "a.o/"); /* no second linker member */
	free(a);
}
END_TEST

START_TEST(gnu_long_names_slash_newline)
{
	const dk_ar_member m[] = {
		{ "averyverylongmembername12.o", "1", 1, NULL, 0, NULL, 0 },
		{ "averyverylongmembername12.o", "2", 1, NULL, 0, NULL, 0 },
		{ "dir/x.o", "3", 1, NULL, 0, NULL, 0 }, /* a '/' needs the table too */
	};
	size_t len, off;
	char *a = write_ar(DK_AR_GNU, m, 3, &len);
	ar_hdr h;

	off = hdr_at(a, len, 8, &h);
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "//");
	/* "...12.o/\n" (29) twice + "dir/x.o/\n" (9) = 67 -> 68, as GNU ar */
	ck_assert_uint_eq(h.size, 68);
	ck_assert_int_eq(memcmp(a + h.data, "averyverylongmembername12.o/\n", 29), 0);
	ck_assert_int_eq(a[h.data + 67], '\n');
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/0");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/29");
	off = hdr_at(a, len, off, &h);
	ck_assert_str_eq(h.name, "/58");
	free(a);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The symbol sort and the archive built in place                       */
/* ------------------------------------------------------------------ */

/* Names to sort: many (past the insertion sort's small buckets) with long
 * shared prefixes, names that are prefixes of others, bytes above 0x7f
 * (strcmp compares them unsigned), and a name listed by several members. */
enum { NSORT = 600 };

static char *sort_name(size_t i)
{
	static const char *const stems[] = { "__imp_", "__imp_bench_module_", "bench_module_",
					     "b", "", "\xc3\xa9t\xc3\xa9_", "\x7f" };
	char buf[64];
	size_t stem = i % 7;
	if (i % 50 == 0)
		snprintf(buf, sizeof buf, "%s", stems[stem]); /* a bare stem: a prefix of others */
	else
		snprintf(buf, sizeof buf, "%s%zu%s", stems[stem], (i * 7919) % 97,
			 i % 3 ? "_f" : "\xff");
	if (!buf[0])
		snprintf(buf, sizeof buf, "dup"); /* listed again and again */
	return strdup(buf);
}

typedef struct want_ref {
	const char *name;
	size_t member, seq;
} want_ref;

static int cmp_want(const void *a, const void *b)
{
	const want_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The second linker member lists each name once, in strcmp order, for
 * the first member that defines it: as a plain sort by strcmp says. */
START_TEST(coff_sorted_index_is_strcmp_order)
{
	char *names[NSORT];
	const char *syms[NSORT / 3][3];
	dk_ar_member m[NSORT / 3];
	want_ref want[NSORT];
	size_t nwant = 0, len;

	for (size_t i = 0; i < NSORT; i++)
		names[i] = sort_name(i);
	for (size_t i = 0; i < NSORT / 3; i++) {
		for (size_t k = 0; k < 3; k++) {
			syms[i][k] = names[3 * i + k];
			want[nwant].name = names[3 * i + k];
			want[nwant].member = i;
			want[nwant].seq = nwant;
			nwant++;
		}
		m[i] = (dk_ar_member){ "m.o", "DATA", 4, syms[i], 3, NULL, 0 };
	}
	qsort(want, nwant, sizeof *want, cmp_want);
	size_t kept = 0;
	for (size_t r = 0; r < nwant; r++)
		if (kept == 0 || strcmp(want[kept - 1].name, want[r].name) != 0)
			want[kept++] = want[r];
	ck_assert_uint_lt(kept, nwant); /* some names are listed twice */

	char *a = write_ar(DK_AR_COFF, m, NSORT / 3, &len);
	ar_hdr h1, h2;
	size_t off = hdr_at(a, len, 8, &h1);
	hdr_at(a, len, off, &h2);
	size_t nm = le32(a + h2.data);
	ck_assert_uint_eq(nm, NSORT / 3);
	const char *p = a + h2.data + 4 + 4 * nm;
	ck_assert_uint_eq(le32(p), kept);
	const char *idx = p + 4, *str = p + 4 + 2 * kept;
	for (size_t r = 0; r < kept; r++) {
		ck_assert_str_eq(str, want[r].name);
		ck_assert_uint_eq(le16(idx + 2 * r), want[r].member + 1);
		str += strlen(str) + 1;
	}
	free(a);
	for (size_t i = 0; i < NSORT; i++)
		free(names[i]);
}
END_TEST

/* Built in place from the members' data in one buffer, the archive is the
 * one written by copying: both kinds, odd sizes, long names, EC symbols. */
static void check_in_place(dk_ar_kind kind, const dk_ar_member *m, size_t n)
{
	size_t len, ilen;
	char *a = write_ar(kind, m, n, &len);
	dk_buf b;

	dk_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		dk_buf_add(&b, m[i].data, m[i].size);
	ck_assert_int_eq(dk_archive_write_in_place(&b, kind, m, n), DK_OK);
	char *in = dk_buf_take(&b, &ilen);
	ck_assert_uint_eq(ilen, len);
	ck_assert_int_eq(memcmp(in, a, len), 0);
	free(in);
	free(a);
}

START_TEST(in_place_same_as_copy)
{
	static const char *const s1[] = { "__imp_zeta", "zeta" };
	static const char *const s2[] = { "__imp_alpha" };
	static const char *const s3[] = { "mid", "zeta" };
	static const char *const e1[] = { "#zeta", "__imp_aux_zeta" };
	const char *longname = "a_member_name_longer_than_fifteen.o";
	const dk_ar_member m[] = {
		{ "one.o", "ABCDE", 5, s1, 2, e1, 2 },
		{ longname, "", 0, s2, 1, NULL, 0 },
		{ longname, "xyz\n\n\n", 6, s3, 2, NULL, 0 },
		{ "two/.o", "0123456789abcdefg", 17, NULL, 0, e1, 1 },
		{ "three.o", "Q", 1, s2, 1, NULL, 0 },
	};
	check_in_place(DK_AR_COFF, m, 5);
	check_in_place(DK_AR_GNU, m, 5);
	check_in_place(DK_AR_COFF, m + 1, 1);
	check_in_place(DK_AR_GNU, NULL, 0);

	/* Data that do not fill the buffer exactly: refused. */
	dk_buf b;
	dk_buf_init(&b);
	dk_buf_add(&b, "ABCDEF", 6);
	ck_assert_int_eq(dk_archive_write_in_place(&b, DK_AR_COFF, m, 1), DK_FAIL);
	dk_buf_free(&b);
}
END_TEST

START_TEST(empty_archive)
{
	size_t len;
	char *a = write_ar(DK_AR_COFF, NULL, 0, &len);
	ar_hdr h;
	size_t off = hdr_at(a, len, 8, &h);
	ck_assert_uint_eq(h.size, 4);
	off = hdr_at(a, len, off, &h);
	ck_assert_uint_eq(h.size, 8);
	ck_assert_uint_eq(off, len);
	free(a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("archive");
	TCase *t = tcase_create("coff");
	tcase_add_test(t, coff_linker_members);
	tcase_add_test(t, coff_odd_index_padded_with_nul_inside_size);
	tcase_add_test(t, coff_duplicate_symbols_first_member_wins);
	tcase_add_test(t, coff_long_names_nul_terminated_once);
	tcase_add_test(t, coff_ec_symbols_after_long_names);
	tcase_add_test(t, empty_archive);
	tcase_add_test(t, coff_sorted_index_is_strcmp_order);
	tcase_add_test(t, in_place_same_as_copy);
	suite_add_tcase(s, t);

	t = tcase_create("gnu");
	tcase_add_test(t, gnu_single_index_keeps_duplicates);
	tcase_add_test(t, gnu_long_names_slash_newline);
	suite_add_tcase(s, t);

	return s;
}

DK_UNIT_MAIN(suite)
