/* test_write_implib_short.c - the short import library (lib/write_implib_short.c).
 *
 * The naming rules of short imports (name type, type, hint, the strings
 * after the header) for every machine and dialect, moved unchanged from
 * test_write_ar.c, with the header reader they use; then the import
 * object's fixed header fields and the members and order of the library. */
#include <stdint.h>
#include "unit.h"
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

/* The names the first index lists, each NUL-terminated after the count
 * and offsets; true when `sym` is one of them. */
static bool indexed(const char *lib, size_t len, const char *sym)
{
	ar_hdr h;
	hdr_at(lib, len, 8, &h);
	ck_assert_str_eq(h.name, "/");
	const char *p = lib + h.data, *end = p + h.size;
	uint32_t n = (uint32_t)((unsigned char)p[0] << 24 | (unsigned char)p[1] << 16 |
				(unsigned char)p[2] << 8 | (unsigned char)p[3]);
	p += 4 + 4 * (size_t)n;
	for (uint32_t i = 0; i < n && p < end; i++, p += strlen(p) + 1)
		if (strcmp(p, sym) == 0)
			return true;
	return false;
}

/* Code and CONSTANT give the bare name and "__imp_"; DATA only "__imp_",
 * so a reference to the bare name of a variable fails at link time. */
START_TEST(short_index_no_bare_name_for_data)
{
	static const char def[] = DEF("f\nv DATA\nk CONSTANT");
	dk_implib_opts o = { DK_MACHINE_AMD64, "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			     DK_DIALECT_GNU, false, false };
	size_t size;

	ck_assert_ptr_nonnull(short_member(def, &o, "f", &size));
	/* short_member left the whole library in lib_buf */
	size_t len = 0;
	ar_hdr h;
	for (size_t off = 8; off < sizeof lib_buf && memcmp(lib_buf + off + 58, "`\n", 2) == 0;) {
		off = hdr_at(lib_buf, sizeof lib_buf, off, &h);
		len = off;
		if (h.size > 20 && le16(lib_buf + h.data) == 0 && le16(lib_buf + h.data + 2) == 0xffff &&
		    strcmp(lib_buf + h.data + 20, "k") == 0)
			break;
	}
	ck_assert(indexed(lib_buf, len, "f"));
	ck_assert(indexed(lib_buf, len, "__imp_f"));
	ck_assert(indexed(lib_buf, len, "__imp_v"));
	ck_assert(!indexed(lib_buf, len, "v"));
	ck_assert(indexed(lib_buf, len, "__imp_k"));
	ck_assert(indexed(lib_buf, len, "k"));
	ck_assert(indexed(lib_buf, len, "__IMPORT_DESCRIPTOR_foo"));
	ck_assert(indexed(lib_buf, len, "__NULL_IMPORT_DESCRIPTOR"));
	ck_assert(indexed(lib_buf, len, "\x7f" "foo_NULL_THUNK_DATA"));
}
END_TEST

/* The fixed fields of every import header: Sig1 0, Sig2 0xffff, Version
 * 0, the machine, no time stamp; the reserved bits above the name type 0. */
START_TEST(short_header_fixed_fields_every_machine)
{
	static const dk_machine ms[] = { DK_MACHINE_I386, DK_MACHINE_AMD64, DK_MACHINE_ARM64,
					 DK_MACHINE_ARM64EC, DK_MACHINE_ARMNT };
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		dk_implib_opts o = { ms[i], "foo.dll", DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
				     DK_DIALECT_GNU, false, false };
		const char *sym = ms[i] == DK_MACHINE_I386 ? "_g" : ms[i] == DK_MACHINE_ARM64EC ? "#g" : "g";
		size_t size;
		const char *p = short_member(DEF("g @3"), &o, sym, &size);
		ck_assert_msg(p != NULL, "%s: no import for %s", dk_machine_name(ms[i]), sym);
		ck_assert_uint_eq(le16(p), 0);
		ck_assert_uint_eq(le16(p + 2), 0xffff);
		ck_assert_uint_eq(le16(p + 4), 0);
		ck_assert_uint_eq(le16(p + 6), ms[i]);
		ck_assert_uint_eq(le32(p + 8), 0);
		ck_assert_uint_eq(le16(p + 16), 3);
		ck_assert_uint_eq(le16(p + 18) >> 5, 0);
		ck_assert_uint_eq(p[size - 1], 0); /* the last string ends inside the member */
	}
}
END_TEST

static Suite *write_implib_short_suite(void)
{
	Suite *s = suite_create("write_implib_short");
	TCase *t = tcase_create("short");
	tcase_add_test(t, short_i386_gnu_names);
	tcase_add_test(t, short_i386_kill_at_and_no_underscore);
	tcase_add_test(t, short_i386_msvc_names);
	tcase_add_test(t, short_other_machines_plain);
	tcase_add_test(t, short_arm64ec_mangled);
	tcase_add_test(t, short_arm64ec_bad_cpp_name);
	tcase_add_test(t, short_import_name_alias);
	tcase_add_test(t, short_helpers_and_stem);
	tcase_add_test(t, short_index_no_bare_name_for_data);
	tcase_add_test(t, short_header_fixed_fields_every_machine);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_implib_short_suite)
