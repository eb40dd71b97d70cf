/* test_archive.c - the archive writer (GNU and COFF kinds) and the short
 * import library built on it: layout, indexes, long names, padding, the
 * ARM64EC symbol map, and the naming rules of short imports. */
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

/* ------------------------------------------------------------------ */
/* Short import libraries                                               */
/* ------------------------------------------------------------------ */

/* Parse `def`, write a short library, and find the short-import member
 * whose symbol is `sym`; returns its bytes (static) or NULL. */
static char lib_buf[1 << 16];

static const char *short_member(const char *def, const dk_implib_opts *o, const char *sym,
				size_t *size)
{
	dk_module m;
	char *out;
	size_t len, off;
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	ar_hdr h;

	dk_module_init(&m);
	ck_assert_msg(dk_def_parse(&m, def, strlen(def), "t.def", &s) == DK_OK, "%s", d.last);
	ck_assert_msg(dk_implib_write(&m, o, &out, &len, &s) == DK_OK, "%s", d.last);
	dk_module_free(&m);
	ck_assert_uint_le(len, sizeof lib_buf);
	memcpy(lib_buf, out, len);
	free(out);
	for (off = 8; off < len;) {
		off = hdr_at(lib_buf, len, off, &h);
		const char *p = lib_buf + h.data;
		if (h.size > 20 && le16(p) == 0 && le16(p + 2) == 0xffff && strcmp(p + 20, sym) == 0) {
			*size = h.size;
			return p;
		}
	}
	return NULL;
}

/* Name type, type and the strings of a short import. */
static void expect_import(const char *def, const dk_implib_opts *o, const char *sym,
			  unsigned type, unsigned name_type, uint16_t hint, const char *export_name)
{
	size_t size;
	const char *p = short_member(def, o, sym, &size);

	ck_assert_msg(p != NULL, "no short import for %s", sym);
	ck_assert_uint_eq(le16(p + 6), o->machine);
	ck_assert_uint_eq(le32(p + 8), 0);            /* no time stamp */
	ck_assert_uint_eq(le32(p + 12), size - 20);   /* SizeOfData */
	ck_assert_uint_eq(le16(p + 16), hint);
	ck_assert_uint_eq(le16(p + 18) & 3, type);
	ck_assert_uint_eq((le16(p + 18) >> 2) & 7, name_type);
	const char *dll = p + 20 + strlen(sym) + 1;
	ck_assert_str_eq(dll, "foo.dll");
	if (export_name)
		ck_assert_str_eq(dll + 8, export_name);
	else
		ck_assert_uint_eq(size, 20 + strlen(sym) + 1 + 8);
}

#define DEF(body) "LIBRARY foo.dll\nEXPORTS\n" body "\n"

START_TEST(short_i386_gnu_names)
{
	dk_implib_opts o = { DK_MACHINE_I386, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	expect_import(DEF("add"), &o, "_add", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("sfunc@8"), &o, "_sfunc@8", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("@ffunc@8"), &o, "@ffunc@8", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("vfunc@@8"), &o, "vfunc@@8", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("?f@@YAXXZ"), &o, "?f@@YAXXZ", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("_under"), &o, "__under", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("v DATA"), &o, "_v", DK_IMPORT_DATA, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("k CONSTANT"), &o, "_k", DK_IMPORT_CONST, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("h @7"), &o, "_h", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 7, NULL);
	expect_import(DEF("n @9 NONAME"), &o, "_n", DK_IMPORT_CODE, DK_NAME_ORDINAL, 9, NULL);
	expect_import(DEF("fwd = other.func"), &o, "_fwd", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("ea EXPORTAS real"), &o, "_ea", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "real");
	/* == name: a name type when one says it, else EXPORTAS */
	expect_import(DEF("s@4 == s"), &o, "_s@4", DK_IMPORT_CODE, DK_NAME_UNDECORATE, 0, NULL);
	expect_import(DEF("a == _a"), &o, "_a", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("a == b"), &o, "_a", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "b");
}
END_TEST

START_TEST(short_i386_kill_at_and_no_underscore)
{
	dk_implib_opts o = { DK_MACHINE_I386, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, true, false };
	expect_import(DEF("sfunc@8"), &o, "_sfunc@8", DK_IMPORT_CODE, DK_NAME_UNDECORATE, 0, NULL);
	expect_import(DEF("@ffunc@8"), &o, "@ffunc@8", DK_IMPORT_CODE, DK_NAME_UNDECORATE, 0, NULL);
	expect_import(DEF("add"), &o, "_add", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("?f@@YAXXZ"), &o, "?f@@YAXXZ", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);

	o.kill_at = false;
	o.no_leading_underscore = true;
	expect_import(DEF("add"), &o, "add", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	/* llvm-dlltool says NOPREFIX here and so imports "under" */
	expect_import(DEF("_under"), &o, "_under", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	o.kill_at = true;
	expect_import(DEF("_x@4"), &o, "_x@4", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "_x");
}
END_TEST

START_TEST(short_i386_msvc_names)
{
	dk_implib_opts o = { DK_MACHINE_I386, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_MSVC, false, false };
	expect_import(DEF("add"), &o, "_add", DK_IMPORT_CODE, DK_NAME_NOPREFIX, 0, NULL);
	expect_import(DEF("_sfunc@8"), &o, "_sfunc@8", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("sfunc@8"), &o, "sfunc@8", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
}
END_TEST

START_TEST(short_other_machines_plain)
{
	static const dk_machine ms[] = { DK_MACHINE_AMD64, DK_MACHINE_ARM64, DK_MACHINE_ARMNT };
	for (size_t i = 0; i < 3; i++) {
		dk_implib_opts o = { ms[i], "dir/foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
				     DK_DIALECT_GNU, true, false };
		expect_import(DEF("add"), &o, "add", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
		/* -k is for i386 stdcall names only (as llvm-dlltool) */
		expect_import(DEF("s@8"), &o, "s@8", DK_IMPORT_CODE, DK_NAME_NAME, 0, NULL);
		expect_import(DEF("a == b"), &o, "a", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "b");
	}
}
END_TEST

START_TEST(short_arm64ec_mangled)
{
	dk_implib_opts o = { DK_MACHINE_ARM64EC, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	expect_import(DEF("add"), &o, "#add", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "add");
	expect_import(DEF("v DATA"), &o, "v", DK_IMPORT_DATA, DK_NAME_NAME, 0, NULL);
	expect_import(DEF("n @3 NONAME"), &o, "#n", DK_IMPORT_CODE, DK_NAME_ORDINAL, 3, NULL);
	expect_import(DEF("#m"), &o, "#m", DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "m");
	expect_import(DEF("?f@N@@YAXXZ"), &o, "?f@N@@$$hYAXXZ", DK_IMPORT_CODE, DK_NAME_EXPORTAS,
		      0, "?f@N@@YAXXZ");
	expect_import(DEF("?g@?1??h@@YAXXZ@4HA"), &o, "?g@?1??h@@YAXXZ@$$h4HA", DK_IMPORT_CODE,
		      DK_NAME_EXPORTAS, 0, "?g@?1??h@@YAXXZ@4HA");
	expect_import(DEF("??$t@V?$v@H@s@@@@YAXXZ"), &o, "??$t@V?$v@H@s@@@@$$hYAXXZ",
		      DK_IMPORT_CODE, DK_NAME_EXPORTAS, 0, "??$t@V?$v@H@s@@@@YAXXZ");
}
END_TEST

START_TEST(short_arm64ec_bad_cpp_name)
{
	static const char def[] = DEF("?weird");
	dk_implib_opts o = { DK_MACHINE_ARM64EC, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	dk_module m;
	char *out;
	size_t len;
	unit_diags d = { 0 };
	UNIT_SINK(s, d);

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, &len, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(d.last, "?weird"));
	dk_module_free(&m);
}
END_TEST

/* `x == y` where another export loads `y`: weak aliases, not an import. */
START_TEST(short_import_name_alias)
{
	static const char def[] = DEF("imp == add\nadd\nd == cnt DATA\ncnt DATA");
	dk_implib_opts o = { DK_MACHINE_AMD64, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	dk_module m;
	char *out;
	size_t len, off, weak = 0, shorts = 0;
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	ar_hdr h;

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, &len, &s), DK_OK);
	for (off = 8; off < len;) {
		off = hdr_at(out, len, off, &h);
		const char *p = out + h.data;
		if (h.size > 20 && le16(p) == 0 && le16(p + 2) == 0xffff)
			shorts++;
		else if (h.size > 60 && memcmp(p + 20, ".drectve", 8) == 0) {
			weak++;
			/* the weak symbol has an aux record: tag index 2, search alias */
			ck_assert_uint_eq((unsigned char)p[60 + 3 * 18 + 16], 105);
			ck_assert_uint_eq(le32(p + 60 + 4 * 18), 2);
			ck_assert_uint_eq(le32(p + 60 + 4 * 18 + 4), 3);
		}
	}
	ck_assert_uint_eq(shorts, 2);
	ck_assert_uint_eq(weak, 3); /* imp and __imp_imp; __imp_d only */
	free(out);
	dk_module_free(&m);
}
END_TEST

START_TEST(short_helpers_and_stem)
{
	static const char def[] = DEF("f");
	dk_implib_opts o = { DK_MACHINE_AMD64, "sub\\my.lib.dll", DK_IMPLIB_SHORT,
			     DK_ARCHIVE_DEFAULT, DK_DIALECT_GNU, false, false };
	dk_module m;
	char *out;
	size_t len, off;
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	ar_hdr h;

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, &len, &s), DK_OK);
	off = hdr_at(out, len, 8, &h);
	/* the helpers' symbols use the stem of the base name */
	ck_assert_str_eq(out + h.data + 4 + 5 * 4, "__IMPORT_DESCRIPTOR_my.lib");
	ck_assert_str_eq(out + h.data + 4 + 5 * 4 + 27, "__NULL_IMPORT_DESCRIPTOR");
	ck_assert_str_eq(out + h.data + 4 + 5 * 4 + 27 + 25, "\x7fmy.lib_NULL_THUNK_DATA");
	off = hdr_at(out, len, off, &h);
	off = hdr_at(out, len, off, &h);
	ck_assert_str_eq(h.name, "my.lib.dll/");
	/* import descriptor: x86-64, two sections, 7 symbols, 3 relocations */
	ck_assert_uint_eq(le16(out + h.data), 0x8664);
	ck_assert_uint_eq(le16(out + h.data + 2), 2);
	ck_assert_uint_eq(le32(out + h.data + 12), 7);
	ck_assert_uint_eq(le16(out + h.data + 18), 0); /* 64-bit: no 32BIT_MACHINE */
	ck_assert_int_eq(memcmp(out + h.data + 20, ".idata$2", 8), 0);
	ck_assert_uint_eq(le16(out + h.data + 20 + 32), 3);
	ck_assert_str_eq(out + h.data + 20 + 80 + 20 + 30, "my.lib.dll");
	free(out);
	dk_module_free(&m);

	ck_assert_str_eq(dk_dll_basename("a/b\\c.dll"), "c.dll");
	char *st = dk_dll_stem(".dll");
	ck_assert_str_eq(st, "");
	free(st);
	st = dk_dll_stem("noext");
	ck_assert_str_eq(st, "noext");
	free(st);
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
	suite_add_tcase(s, t);

	t = tcase_create("gnu");
	tcase_add_test(t, gnu_single_index_keeps_duplicates);
	tcase_add_test(t, gnu_long_names_slash_newline);
	suite_add_tcase(s, t);

	t = tcase_create("short");
	tcase_add_test(t, short_i386_gnu_names);
	tcase_add_test(t, short_i386_kill_at_and_no_underscore);
	tcase_add_test(t, short_i386_msvc_names);
	tcase_add_test(t, short_other_machines_plain);
	tcase_add_test(t, short_arm64ec_mangled);
	tcase_add_test(t, short_arm64ec_bad_cpp_name);
	tcase_add_test(t, short_import_name_alias);
	tcase_add_test(t, short_helpers_and_stem);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
