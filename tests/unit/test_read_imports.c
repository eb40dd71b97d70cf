/* test_read_imports.c - lib/read_imports.c: the import, delay-import and
 * bound-import directories of a PE image built byte by byte here, and a
 * delay descriptor no directory lists; then each field damaged in turn. */
#include <stdint.h>
#include "unit.h"

/* The image: headers to 0x400, then .text (code) at 0x400, .rdata at
 * 0x600, .data (writable) at 0x800, each 0x200 bytes, file offset = RVA. */
enum {
	SIZE = 0xa00,
	OPT = 0x58,                 /* optional header (PE signature at 0x40) */
	DIRS = OPT + 112,           /* PE32+ data directories */
	TEXT = 0x400, RDATA = 0x600, DATA = 0x800,
	IDESC = 0x600,              /* import descriptors: 3 and the null one */
	DDESC = 0x660,              /* delay descriptors: 1 and the null one */
	TDESC = 0x500,              /* the descriptor no directory lists (in .text) */
	BOUND = 0x300,              /* bound-import directory (in the headers) */
};
static const uint64_t BASE = 0x140000000ull;

typedef struct img {
	unsigned char b[SIZE];
} img;

static void p16(img *im, size_t at, uint32_t v)
{
	im->b[at] = (unsigned char)v;
	im->b[at + 1] = (unsigned char)(v >> 8);
}

static void p32(img *im, size_t at, uint32_t v)
{
	p16(im, at, v & 0xffff);
	p16(im, at + 2, v >> 16);
}

static void p64(img *im, size_t at, uint64_t v)
{
	p32(im, at, (uint32_t)v);
	p32(im, at + 4, (uint32_t)(v >> 32));
}

static void str(img *im, size_t at, const char *s)
{
	memcpy(im->b + at, s, strlen(s) + 1);
}

static void hint_name(img *im, size_t at, unsigned hint, const char *s)
{
	p16(im, at, hint);
	str(im, at + 2, s);
}

static void section(img *im, unsigned i, const char *name, uint32_t va, uint32_t flags)
{
	size_t h = OPT + 240 + 40 * (size_t)i;
	memcpy(im->b + h, name, strlen(name));
	p32(im, h + 8, 0x200);  /* VirtualSize */
	p32(im, h + 12, va);
	p32(im, h + 16, 0x200); /* SizeOfRawData */
	p32(im, h + 20, va);    /* PointerToRawData */
	p32(im, h + 36, flags);
}

static void dir(img *im, unsigned i, uint32_t rva, uint32_t size)
{
	p32(im, DIRS + 8 * (size_t)i, rva);
	p32(im, DIRS + 8 * (size_t)i + 4, size);
}

static void build(img *im)
{
	memset(im->b, 0, sizeof im->b);
	im->b[0] = 'M';
	im->b[1] = 'Z';
	p32(im, 0x3c, 0x40);
	memcpy(im->b + 0x40, "PE\0\0", 4);
	p16(im, 0x44, 0x8664);        /* AMD64 */
	p16(im, 0x46, 3);             /* sections */
	p16(im, 0x44 + 16, 240);      /* SizeOfOptionalHeader */
	p16(im, 0x44 + 18, 0x0022);   /* executable image, large address aware: a program */
	p16(im, OPT, 0x20b);
	p64(im, OPT + 24, BASE);
	p32(im, OPT + 60, 0x400);     /* SizeOfHeaders */
	p32(im, OPT + 108, 16);       /* NumberOfRvaAndSizes */
	section(im, 0, ".text", TEXT, 0x60000020);
	section(im, 1, ".rdata", RDATA, 0x40000040);
	section(im, 2, ".data", DATA, 0xc0000040);
	memset(im->b + TEXT, 0xcc, 0x100); /* code the slots point at */

	/* Load-time imports: KERNEL32.dll twice (the second spelled
	 * otherwise), b.dll by ordinal and bound. */
	p32(im, IDESC + 0, 0x700);  p32(im, IDESC + 12, 0x6c0); p32(im, IDESC + 16, 0x800);
	p32(im, IDESC + 20, 0x720); p32(im, IDESC + 24, 0xffffffff); p32(im, IDESC + 28, 0xffffffff);
	p32(im, IDESC + 32, 0x6d0); p32(im, IDESC + 36, 0x820);
	p32(im, IDESC + 40, 0x740); p32(im, IDESC + 52, 0x6e0); p32(im, IDESC + 56, 0x840);
	dir(im, 1, IDESC, 80);
	str(im, 0x6c0, "KERNEL32.dll");
	str(im, 0x6d0, "b.dll");
	str(im, 0x6e0, "kernel32.DLL");
	str(im, 0x6f0, "dly.dll");
	str(im, 0x6f8, "thk.dll");
	p64(im, 0x700, 0x780); p64(im, 0x708, 0x7a0);         /* lookup tables */
	p64(im, 0x720, 0x8000000000000000ull | 12);
	p64(im, 0x740, 0x7b0);
	p64(im, 0x760, 0x7c0);                                /* delay name tables */
	p64(im, 0x770, 0x7d0);
	hint_name(im, 0x780, 5, "GetProcAddress");
	hint_name(im, 0x7a0, 7, "Sleep");
	hint_name(im, 0x7b0, 3, "ExitProcess");
	hint_name(im, 0x7c0, 1, "dfunc");
	hint_name(im, 0x7d0, 2, "tfunc");
	p64(im, 0x800, 0x780); p64(im, 0x808, 0x7a0);         /* address tables */
	p64(im, 0x820, 0x7ff712340000ull);                    /* bound */
	p64(im, 0x840, 0x7b0);
	p64(im, 0x860, BASE + TEXT + 0x10);                   /* delay slots: thunks */
	p64(im, 0x870, BASE + TEXT + 0x20);

	/* Delay-load: one in the directory, one only in .text. */
	p32(im, DDESC, 1); p32(im, DDESC + 4, 0x6f0); p32(im, DDESC + 8, 0x900);
	p32(im, DDESC + 12, 0x860); p32(im, DDESC + 16, 0x760);
	dir(im, 13, DDESC, 64);
	p32(im, TDESC, 1); p32(im, TDESC + 4, 0x6f8); p32(im, TDESC + 8, 0x908);
	p32(im, TDESC + 12, 0x870); p32(im, TDESC + 16, 0x770);
	memset(im->b + TDESC + 32, 0, 32);

	/* Bound to b.dll, through a forwarder to fwd.dll. */
	p32(im, BOUND, 0x12345678); p16(im, BOUND + 4, 0x18); p16(im, BOUND + 6, 1);
	p32(im, BOUND + 8, 0x9abc); p16(im, BOUND + 12, 0x1e);
	str(im, BOUND + 0x18, "b.dll");
	str(im, BOUND + 0x1e, "fwd.dll");
	dir(im, 11, BOUND, 0x30);
}

/* Read `len` bytes of `im` from a buffer of that size (ASan sees any read past it). */
static int read_len(const img *im, size_t len, dk_imports *out, unit_diags *u)
{
	unsigned char *copy = malloc(len ? len : 1);
	UNIT_SINK(s, *u);
	int rc;

	memset(u, 0, sizeof *u);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, im->b, len);
	rc = dk_read_imports_mem(out, copy, len, "t.exe", &s);
	free(copy);
	if (rc != DK_OK) {
		ck_assert_uint_eq(s.errors, 1);
		ck_assert_ptr_null(out->dlls);
		ck_assert_uint_eq(out->ndlls, 0);
	}
	return rc;
}

static void expect_fail(const img *im, const char *pat, long long offset)
{
	dk_imports out;
	unit_diags u;

	ck_assert_int_eq(read_len(im, SIZE, &out, &u), DK_FAIL);
	ck_assert_msg(strstr(u.last, pat) != NULL, "message \"%s\" lacks \"%s\"", u.last, pat);
	ck_assert_msg(u.loc.offset == offset, "offset 0x%llx, expected 0x%llx (%s)",
		      (long long)u.loc.offset, offset, u.last);
}

static void check_item(const dk_import_dll *e, size_t k, const char *name, unsigned hint)
{
	ck_assert_uint_gt(e->nitems, k);
	ck_assert_str_eq(e->items[k].name, name);
	ck_assert_uint_eq(e->items[k].hint, hint);
	ck_assert(!e->items[k].by_ordinal);
}

START_TEST(all_four_places)
{
	img im;
	dk_imports out;
	unit_diags u;

	build(&im);
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	ck_assert_uint_eq(u.count, 0);
	ck_assert_int_eq(out.machine, DK_MACHINE_AMD64);
	ck_assert(out.pe32plus && !out.is_dll);
	ck_assert_uint_eq(out.ndlls, 4);

	const dk_import_dll *k32 = &out.dlls[0], *b = &out.dlls[1], *d = &out.dlls[2];
	const dk_import_dll *t = &out.dlls[3];
	ck_assert_str_eq(k32->dll, "KERNEL32.dll");
	ck_assert_int_eq(k32->kind, DK_IMPORTS_LOAD);
	ck_assert_uint_eq(k32->ndescriptors, 2); /* kernel32.DLL is the same DLL */
	ck_assert_uint_eq(k32->nitems, 3);
	check_item(k32, 0, "GetProcAddress", 5);
	check_item(k32, 1, "Sleep", 7);
	check_item(k32, 2, "ExitProcess", 3);
	ck_assert_uint_eq(k32->items[1].slot_rva, 0x808);
	ck_assert_uint_eq(k32->items[2].slot_rva, 0x840);
	ck_assert(!k32->bound);

	ck_assert_str_eq(b->dll, "b.dll");
	ck_assert_uint_eq(b->nitems, 1);
	ck_assert(b->items[0].by_ordinal);
	ck_assert_uint_eq(b->items[0].ordinal, 12);
	ck_assert_ptr_null(b->items[0].name);
	ck_assert_uint_eq(b->timestamp, 0xffffffff);
	ck_assert(b->bound);
	ck_assert_uint_eq(b->bound_timestamp, 0x12345678);
	ck_assert_uint_eq(b->items[0].bound, 0x7ff712340000ull);

	ck_assert_str_eq(d->dll, "dly.dll");
	ck_assert_int_eq(d->kind, DK_IMPORTS_DELAY);
	ck_assert_int_eq(d->found, DK_FOUND_DIRECTORY);
	check_item(d, 0, "dfunc", 1);
	ck_assert_uint_eq(d->handle_rva, 0x900);

	ck_assert_str_eq(t->dll, "thk.dll");
	ck_assert_int_eq(t->kind, DK_IMPORTS_DELAY);
	ck_assert_int_eq(t->found, DK_FOUND_THUNKS);
	ck_assert_uint_eq(t->descriptor_rva, TDESC);
	check_item(t, 0, "tfunc", 2);

	ck_assert_uint_eq(out.nbound, 1);
	ck_assert_str_eq(out.bound[0].dll, "b.dll");
	ck_assert_uint_eq(out.bound[0].nforwarders, 1);
	ck_assert_str_eq(out.bound[0].forwarders[0], "fwd.dll");
	ck_assert_uint_eq(out.bound[0].forwarder_timestamps[0], 0x9abc);
	dk_imports_free(&out);
}
END_TEST

/* The loader stops at the first descriptor with no name or no address
 * table; so does the reader (the rest is not imported). */
START_TEST(list_ends_where_the_loader_stops)
{
	img im;
	dk_imports out;
	unit_diags u;

	build(&im);
	p32(&im, IDESC + 36, 0); /* b.dll: no address table */
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	ck_assert_uint_eq(out.ndlls, 3); /* KERNEL32, then the two delay-loaded */
	ck_assert_uint_eq(out.dlls[0].nitems, 2);
	ck_assert_int_eq(out.dlls[1].kind, DK_IMPORTS_DELAY);
	dk_imports_free(&out);
}
END_TEST

/* A delay descriptor's shape with slots that do not point at code is
 * data, not a descriptor: not listed. */
START_TEST(descriptor_shape_needs_thunks)
{
	img im;
	dk_imports out;
	unit_diags u;

	build(&im);
	p64(&im, 0x870, BASE + RDATA + 0x10);
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	ck_assert_uint_eq(out.ndlls, 3);
	for (size_t i = 0; i < out.ndlls; i++)
		ck_assert_str_ne(out.dlls[i].dll, "thk.dll");
	dk_imports_free(&out);

	build(&im);
	p32(&im, TDESC + 8, 0x610); /* module handle in a read-only section */
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	ck_assert_uint_eq(out.ndlls, 3);
	dk_imports_free(&out);
}
END_TEST

START_TEST(no_imports_is_not_an_error)
{
	img im;
	dk_imports out;
	unit_diags u;

	build(&im);
	dir(&im, 1, 0, 0);
	dir(&im, 11, 0, 0);
	dir(&im, 13, 0, 0);
	memset(im.b + TDESC, 0, 32);
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	/* The directory's descriptor is still there, in the shape the scan
	 * finds: listed once, as found by its thunks. */
	ck_assert_uint_eq(out.ndlls, 1);
	ck_assert_str_eq(out.dlls[0].dll, "dly.dll");
	ck_assert_int_eq(out.dlls[0].found, DK_FOUND_THUNKS);
	dk_imports_free(&out);

	memset(im.b + DDESC, 0, 32);
	ck_assert_int_eq(read_len(&im, SIZE, &out, &u), DK_OK);
	ck_assert_uint_eq(out.ndlls, 0);
	ck_assert_uint_eq(out.nbound, 0);
	dk_imports_free(&out);
}
END_TEST

START_TEST(damaged_fields_named_with_offsets)
{
	img im;

	build(&im);
	dir(&im, 1, 0x5000, 80);
	expect_fail(&im, "import directory", DIRS + 8);

	build(&im);
	p32(&im, IDESC + 12, 0x5000);
	expect_fail(&im, "imported DLL's name", IDESC + 12);

	build(&im);
	p64(&im, 0x700, 0x5000);
	expect_fail(&im, "not in the file", 0x700);

	build(&im);
	p32(&im, IDESC, 0x7f8); /* a lookup table that reaches the end of .rdata */
	p64(&im, 0x7f8, 0x780);
	expect_fail(&im, "no null entry", IDESC);

	build(&im);
	memset(im.b + RDATA, 0x11, 0x200);
	dir(&im, 1, RDATA, 80);
	dir(&im, 13, 0, 0);
	expect_fail(&im, "", IDESC + 12);

	build(&im);
	hint_name(&im, 0x7a0, 7, "");
	expect_fail(&im, "empty name", 0x7a2);

	build(&im);
	dir(&im, 13, 0x5000, 64);
	expect_fail(&im, "delay-import directory", DIRS + 13 * 8);

	build(&im);
	p32(&im, DDESC + 16, 0);
	expect_fail(&im, "no name table", DDESC + 16);

	build(&im);
	p16(&im, BOUND + 4, 0xfff0);
	expect_fail(&im, "bound DLL's name", BOUND + 4);

	build(&im);
	p16(&im, BOUND + 6, 200);
	expect_fail(&im, "forwarder references", BOUND + 6);
}
END_TEST

/* Cut anywhere: refused with one error or read, never a read outside. */
START_TEST(truncated_at_every_byte)
{
	img im;
	dk_imports out;
	unit_diags u;

	build(&im);
	for (size_t len = 0; len < SIZE; len++) {
		if (read_len(&im, len, &out, &u) == DK_OK)
			dk_imports_free(&out);
		else
			ck_assert_uint_eq(u.count, 1);
	}
}
END_TEST

/* Random damage: refused with one error or read, never a crash. */
START_TEST(random_damage)
{
	img im;
	dk_imports out;
	unit_diags u;
	unsigned seed = 12345;

	for (int round = 0; round < 20000; round++) {
		build(&im);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = 0x300 + (seed >> 8) % (SIZE - 0x300);
			seed = seed * 1103515245u + 12345u;
			im.b[at] = (unsigned char)(seed >> 16);
		}
		if (read_len(&im, SIZE, &out, &u) == DK_OK)
			dk_imports_free(&out);
	}
}
END_TEST

START_TEST(not_an_image)
{
	dk_imports out;
	unit_diags u;
	UNIT_SINK(s, u);

	memset(&u, 0, sizeof u);
	ck_assert_int_eq(dk_read_imports_mem(&out, "LIBRARY x\n", 10, "x.def", &s), DK_FAIL);
	ck_assert_msg(strstr(u.last, "not a PE image") != NULL, "%s", u.last);
	ck_assert_int_eq(dk_read_imports(&out, "/nonexistent/x.dll", &s), DK_FAIL);
	ck_assert_msg(strstr(u.last, "cannot open") != NULL, "%s", u.last);
}
END_TEST

static Suite *imports_suite(void)
{
	Suite *s = suite_create("imports");
	TCase *t = tcase_create("good");
	tcase_add_test(t, all_four_places);
	tcase_add_test(t, list_ends_where_the_loader_stops);
	tcase_add_test(t, descriptor_shape_needs_thunks);
	tcase_add_test(t, no_imports_is_not_an_error);
	suite_add_tcase(s, t);

	t = tcase_create("damaged");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, damaged_fields_named_with_offsets);
	tcase_add_test(t, truncated_at_every_byte);
	tcase_add_test(t, random_damage);
	tcase_add_test(t, not_an_image);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(imports_suite)
