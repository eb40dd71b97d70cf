/* test_write_exp.c - export objects (lib/write_exp.c).
 *
 * Objects written from small .def texts and checked at the offsets the
 * layout promises: one .edata section, the export directory at its start
 * (time stamp 0), the address table (symbols, forwarder strings, gaps),
 * the sorted name table with its ordinal table, relocations of the
 * machine's image-relative type against .edata or the exported symbol,
 * and symbols typed as functions for code only.  Then the ordinals given
 * to unnumbered exports, i386 names with and without kill-at, what is
 * refused, determinism, and more relocations than a section header can
 * count. */
#include <stdint.h>
#include "unit.h"
#include "dllkit_private.h"
#include "pecoff_private.h"
#include "read_coff_private.h"

static void module_of(dk_module *m, const char *def)
{
	dk_sink s = { NULL, NULL, 0, 0 };
	dk_module_init(m);
	ck_assert_int_eq(dk_def_parse(m, def, strlen(def), "t.def", &s), DK_OK);
}

static unsigned char *write_exp(const char *def, dk_machine mach, bool kill_at, size_t *len)
{
	dk_module m;
	dk_implib_opts o;
	dk_sink s = { NULL, NULL, 0, 0 };
	char *out;

	module_of(&m, def);
	memset(&o, 0, sizeof o);
	o.machine = mach;
	o.dll_name = "dir/t.dll";
	o.kill_at = kill_at;
	ck_assert_int_eq(dk_exp_write(&m, &o, &out, len, &s), DK_OK);
	ck_assert_uint_eq(s.errors, 0);
	dk_module_free(&m);
	return (unsigned char *)out;
}

/* The object opened, its .edata section found. */
typedef struct obj {
	dk_coff_in c;
	dk_coff_in_sec sec;
} obj;

static void open_obj(obj *o, const unsigned char *p, size_t len)
{
	dk_coff_why w;
	ck_assert(dk_coff_in_open(&o->c, p, len, &w));
	ck_assert_uint_eq(o->c.nsec, 1);
	ck_assert(dk_coff_in_section(&o->c, 1, &o->sec, &w));
	ck_assert_int_eq((int)o->sec.name.n, 6);
	ck_assert(memcmp(o->sec.name.p, ".edata", 6) == 0);
}

/* The relocation at `off` of .edata: its symbol's name in `name`, its
 * type returned; -1 when there is none. */
static int reloc_at(const obj *o, uint32_t off, char *name, size_t size)
{
	for (uint32_t i = 0; i < o->sec.nrelocs; i++) {
		const unsigned char *r = o->c.p + o->sec.reloc_off + 10 * (size_t)i;
		if (dk_le32(r) != off)
			continue;
		dk_coff_in_sym y;
		dk_coff_why w;
		ck_assert(dk_coff_in_symbol(&o->c, dk_le32(r + 4), &y, &w));
		snprintf(name, size, "%.*s", (int)y.name.n, y.name.p);
		return dk_le16(r + 8);
	}
	return -1;
}

static const char *str_at(const obj *o, uint32_t off)
{
	ck_assert_uint_lt(off, o->sec.size);
	return (const char *)o->sec.data + off;
}

static const char full_def[] = "LIBRARY t\nEXPORTS\n add @3\n counter DATA\n hidden @7 NONAME\n"
			       " fwd = kernel32.GetTickCount\n other = add\n";

START_TEST(test_layout_x64)
{
	size_t len;
	unsigned char *p = write_exp(full_def, DK_MACHINE_AMD64, false, &len);
	obj o;
	char sym[64];
	const unsigned char *d;

	open_obj(&o, p, len);
	d = o.sec.data;
	ck_assert_uint_eq(o.c.machine, DK_MACHINE_AMD64);
	ck_assert_uint_eq(dk_le32(p + 4), 0); /* object time stamp */
	ck_assert_uint_eq(o.sec.flags, DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_ALIGN_4BYTES | DK_SCN_MEM_READ);
	ck_assert_uint_eq(dk_le32(d + 0), 0);  /* characteristics */
	ck_assert_uint_eq(dk_le32(d + 4), 0);  /* time stamp */
	ck_assert_uint_eq(dk_le32(d + 16), 3); /* base: the lowest ordinal given */
	ck_assert_uint_eq(dk_le32(d + 20), 5); /* 3..7 */
	ck_assert_uint_eq(dk_le32(d + 24), 4); /* names: all but NONAME */
	/* The directory's RVAs are .edata plus their offset. */
	ck_assert_int_eq(reloc_at(&o, 12, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
	ck_assert_str_eq(sym, ".edata");
	ck_assert_str_eq(str_at(&o, dk_le32(d + 12)), "t.dll"); /* the base name */
	uint32_t eat = dk_le32(d + 28), npt = dk_le32(d + 32), ot = dk_le32(d + 36);
	ck_assert_uint_eq(eat, 40);
	ck_assert_int_eq(reloc_at(&o, 28, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
	ck_assert_int_eq(reloc_at(&o, 32, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
	ck_assert_int_eq(reloc_at(&o, 36, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
	/* Ordinal 3 add, 4 counter, 5 fwd, 6 other (names, in order, from
	 * the free slots), 7 hidden. */
	ck_assert_int_eq(reloc_at(&o, eat + 0, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
	ck_assert_str_eq(sym, "add");
	ck_assert_uint_eq(dk_le32(d + eat), 0);
	reloc_at(&o, eat + 4, sym, sizeof sym);
	ck_assert_str_eq(sym, "counter");
	reloc_at(&o, eat + 8, sym, sizeof sym);
	ck_assert_str_eq(sym, ".edata");
	ck_assert_str_eq(str_at(&o, dk_le32(d + eat + 8)), "kernel32.GetTickCount");
	reloc_at(&o, eat + 12, sym, sizeof sym);
	ck_assert_str_eq(sym, "add"); /* other = add */
	reloc_at(&o, eat + 16, sym, sizeof sym);
	ck_assert_str_eq(sym, "hidden");
	/* Names sorted, each with its slot. */
	static const char *const names[] = { "add", "counter", "fwd", "other" };
	static const uint16_t slots[] = { 0, 1, 2, 3 };
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(str_at(&o, dk_le32(d + npt + 4 * i)), names[i]);
		ck_assert_int_eq(reloc_at(&o, npt + 4 * i, sym, sizeof sym), DK_REL_AMD64_ADDR32NB);
		ck_assert_str_eq(sym, ".edata");
		ck_assert_uint_eq(dk_le16(d + ot + 2 * i), slots[i]);
	}
	/* 4 directory + 5 addresses + 4 names. */
	ck_assert_uint_eq(o.sec.nrelocs, 13);
	/* Symbols: .edata, then add (code), counter (data), hidden (code). */
	ck_assert_uint_eq(o.c.nsym, 4);
	static const char *const syms[] = { ".edata", "add", "counter", "hidden" };
	static const uint16_t types[] = { 0, 0x20, 0, 0x20 };
	for (uint32_t i = 0; i < 4; i++) {
		dk_coff_in_sym y;
		dk_coff_why w;
		ck_assert(dk_coff_in_symbol(&o.c, i, &y, &w));
		ck_assert_int_eq((int)y.name.n, (int)strlen(syms[i]));
		ck_assert(memcmp(y.name.p, syms[i], y.name.n) == 0);
		ck_assert_uint_eq(dk_le16(p + o.c.symptr + 18 * i + 14), types[i]);
		ck_assert_int_eq(y.section, i ? 0 : 1);
		ck_assert_uint_eq(y.cls, i ? DK_SYM_CLASS_EXTERNAL : DK_SYM_CLASS_STATIC);
	}
	dk_free(p);
}
END_TEST

START_TEST(test_deterministic)
{
	size_t a, b;
	unsigned char *x = write_exp(full_def, DK_MACHINE_AMD64, false, &a);
	unsigned char *y = write_exp(full_def, DK_MACHINE_AMD64, false, &b);
	ck_assert_uint_eq(a, b);
	ck_assert(memcmp(x, y, a) == 0);
	dk_free(x);
	dk_free(y);
}
END_TEST

/* Ordinal `ord`'s symbol (or forwarder) in the object, by address slot. */
static void slot_symbol(const unsigned char *p, size_t len, uint32_t ord, char *sym, size_t size)
{
	obj o;
	open_obj(&o, p, len);
	uint32_t base = dk_le32(o.sec.data + 16);
	ck_assert_uint_ge(ord, base);
	ck_assert_int_ne(reloc_at(&o, dk_le32(o.sec.data + 28) + 4 * (ord - base), sym, size), -1);
}

START_TEST(test_ordinals_assigned)
{
	size_t len;
	char sym[64];
	unsigned char *p;
	obj o;

	/* None given: from 1, in name order. */
	p = write_exp("EXPORTS\n c\n a\n b\n", DK_MACHINE_AMD64, false, &len);
	open_obj(&o, p, len);
	ck_assert_uint_eq(dk_le32(o.sec.data + 16), 1);
	ck_assert_uint_eq(dk_le32(o.sec.data + 20), 3);
	slot_symbol(p, len, 1, sym, sizeof sym);
	ck_assert_str_eq(sym, "a");
	slot_symbol(p, len, 3, sym, sizeof sym);
	ck_assert_str_eq(sym, "c");
	dk_free(p);
	/* Gaps filled from the lowest given: z @3, a @5; b -> 4, c -> 6. */
	p = write_exp("EXPORTS\n c\n a @5\n b\n z @3\n", DK_MACHINE_AMD64, false, &len);
	open_obj(&o, p, len);
	ck_assert_uint_eq(dk_le32(o.sec.data + 16), 3);
	ck_assert_uint_eq(dk_le32(o.sec.data + 20), 4);
	slot_symbol(p, len, 4, sym, sizeof sym);
	ck_assert_str_eq(sym, "b");
	slot_symbol(p, len, 6, sym, sizeof sym);
	ck_assert_str_eq(sym, "c");
	dk_free(p);
	/* A gap left: RVA 0, no relocation. */
	p = write_exp("EXPORTS\n a @1\n b @3\n", DK_MACHINE_AMD64, false, &len);
	open_obj(&o, p, len);
	ck_assert_uint_eq(dk_le32(o.sec.data + 20), 3);
	ck_assert_int_eq(reloc_at(&o, 40 + 4, sym, sizeof sym), -1);
	ck_assert_uint_eq(dk_le32(o.sec.data + 44), 0);
	dk_free(p);
}
END_TEST

/* The names of an i386 object's name table, and the symbol behind each. */
static void i386_names(bool kill_at, const char *expect_name, const char *expect_sym)
{
	size_t len;
	char sym[64];
	unsigned char *p = write_exp("EXPORTS\n sfunc@8\n add\n", DK_MACHINE_I386, kill_at, &len);
	obj o;

	open_obj(&o, p, len);
	ck_assert_uint_eq(o.c.machine, DK_MACHINE_I386);
	uint32_t npt = dk_le32(o.sec.data + 32), ot = dk_le32(o.sec.data + 36);
	ck_assert_str_eq(str_at(&o, dk_le32(o.sec.data + npt)), "add");
	ck_assert_str_eq(str_at(&o, dk_le32(o.sec.data + npt + 4)), expect_name);
	ck_assert_int_eq(reloc_at(&o, 40 + 4 * dk_le16(o.sec.data + ot), sym, sizeof sym),
			 DK_REL_I386_DIR32NB);
	ck_assert_str_eq(sym, "_add");
	reloc_at(&o, 40 + 4 * dk_le16(o.sec.data + ot + 2), sym, sizeof sym);
	ck_assert_str_eq(sym, expect_sym);
	dk_free(p);
}

START_TEST(test_i386_names)
{
	i386_names(false, "sfunc@8", "_sfunc@8");
	i386_names(true, "sfunc", "_sfunc@8"); /* -k: the name without @8, the same code */
}
END_TEST

START_TEST(test_machines)
{
	static const struct { dk_machine m; int type; } v[] = {
		{ DK_MACHINE_I386, DK_REL_I386_DIR32NB },
		{ DK_MACHINE_AMD64, DK_REL_AMD64_ADDR32NB },
		{ DK_MACHINE_ARM64, DK_REL_ARM64_ADDR32NB },
		{ DK_MACHINE_ARMNT, DK_REL_ARM_ADDR32NB },
	};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		size_t len;
		char sym[64];
		unsigned char *p = write_exp("EXPORTS\n f\n", v[i].m, false, &len);
		obj o;
		open_obj(&o, p, len);
		ck_assert_uint_eq(o.c.machine, v[i].m);
		for (uint32_t k = 0; k < o.sec.nrelocs; k++)
			ck_assert_uint_eq(dk_le16(o.c.p + o.sec.reloc_off + 10 * k + 8), v[i].type);
		ck_assert_int_eq(reloc_at(&o, 40, sym, sizeof sym), v[i].type);
		ck_assert_str_eq(sym, v[i].m == DK_MACHINE_I386 ? "_f" : "f");
		dk_free(p);
	}
}
END_TEST

/* One error, nothing written. */
static void refused(const char *def, dk_machine mach, const char *dll, const char *what)
{
	dk_module m;
	dk_implib_opts o;
	unit_diags u;
	UNIT_SINK(s, u);
	char *out = (char *)1;
	size_t len = 1;

	memset(&u, 0, sizeof u);
	module_of(&m, def);
	memset(&o, 0, sizeof o);
	o.machine = mach;
	o.dll_name = dll;
	ck_assert_int_eq(dk_exp_write(&m, &o, &out, &len, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strstr(u.last, what), "message \"%s\" lacks \"%s\"", u.last, what);
	dk_module_free(&m);
}

START_TEST(test_refused)
{
	refused("EXPORTS\n f\n", DK_MACHINE_ARM64EC, "t.dll", "not for arm64ec");
	refused("EXPORTS\n f\n", DK_MACHINE_UNKNOWN, "t.dll", "unknown machine");
	refused("EXPORTS\n f\n", DK_MACHINE_AMD64, NULL, "no DLL name");
	refused("EXPORTS\n f\n", DK_MACHINE_AMD64, "dir/", "no DLL name");
	refused("EXPORTS\n f @1\n g @1\n", DK_MACHINE_AMD64, "t.dll", "ordinal");
	/* Two entries that export one name. */
	refused("EXPORTS\n g EXPORTAS f\n f\n", DK_MACHINE_AMD64, "t.dll", "exported twice");
}
END_TEST

/* 40000 exports: 80004 relocations, more than the header's 16 bits. */
START_TEST(test_many_relocations)
{
	dk_module m;
	dk_implib_opts o;
	dk_sink s = { NULL, NULL, 0, 0 };
	char *out;
	size_t len;
	enum { N = 40000 };

	dk_module_init(&m);
	for (int i = 0; i < N; i++) {
		char name[16];
		dk_export e;
		memset(&e, 0, sizeof e);
		snprintf(name, sizeof name, "f%05d", i);
		e.name = name;
		ck_assert_ptr_nonnull(dk_module_add(&m, &e));
	}
	memset(&o, 0, sizeof o);
	o.machine = DK_MACHINE_AMD64;
	o.dll_name = "big.dll";
	ck_assert_int_eq(dk_exp_write(&m, &o, &out, &len, &s), DK_OK);
	const unsigned char *h = (const unsigned char *)out + 20;
	ck_assert_uint_eq(dk_le16(h + 32), 0xffff);
	ck_assert(dk_le32(h + 36) & DK_SCN_LNK_NRELOC_OVFL);
	ck_assert_uint_eq(dk_le32((const unsigned char *)out + dk_le32(h + 24)), 4 + 2 * N + 1);
	obj o2;
	open_obj(&o2, (unsigned char *)out, len);
	ck_assert_uint_eq(o2.sec.nrelocs, 4 + 2 * N);
	dk_module back;
	dk_module_init(&back);
	ck_assert_int_eq(dk_read_exp_mem(&back, out, len, "big.exp", &s), DK_OK);
	ck_assert_uint_eq(back.nexports, N);
	dk_module_free(&back);
	dk_module_free(&m);
	dk_free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("write_exp");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_layout_x64);
	tcase_add_test(t, test_deterministic);
	tcase_add_test(t, test_ordinals_assigned);
	tcase_add_test(t, test_i386_names);
	tcase_add_test(t, test_machines);
	tcase_add_test(t, test_refused);
	tcase_add_test(t, test_many_relocations);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
