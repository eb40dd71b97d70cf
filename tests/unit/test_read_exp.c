/* test_read_exp.c - export objects read back (lib/read_exp.c).
 *
 * What dk_exp_write writes reads back as the module it came from (names,
 * ordinals, NONAME, forwarders, DATA, internal names; i386 names in the
 * GNU naming); an object with untyped symbols (as dlltool writes them)
 * has no DATA; dk_is_exp_mem tells export objects from other bytes; and
 * damage at each place gets one error with its offset and no exports. */
#include <stdint.h>
#include "unit.h"
#include "dllkit_private.h"
#include "pecoff_private.h"
#include "read_coff_private.h"

static unsigned char *write_exp(const char *def, dk_machine mach, bool kill_at, size_t *len)
{
	dk_module m;
	dk_implib_opts o;
	dk_sink s = { NULL, NULL, 0, 0 };
	char *out;

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	memset(&o, 0, sizeof o);
	o.machine = mach;
	o.dll_name = "t.dll";
	o.kill_at = kill_at;
	ck_assert_int_eq(dk_exp_write(&m, &o, &out, len, &s), DK_OK);
	dk_module_free(&m);
	return (unsigned char *)out;
}

static const char full_def[] = "LIBRARY t\nEXPORTS\n add @3\n counter DATA\n hidden @7 NONAME\n"
			       " fwd = kernel32.GetTickCount\n other = add\n";

static const dk_export *find(const dk_module *m, const char *name)
{
	long k = dk_module_find(m, name);
	ck_assert_msg(k >= 0, "no export \"%s\"", name);
	return &m->exports[k];
}

START_TEST(test_roundtrip)
{
	size_t len;
	unsigned char *p = write_exp(full_def, DK_MACHINE_AMD64, false, &len);
	dk_module m;
	dk_sink s = { NULL, NULL, 0, 0 };

	ck_assert(dk_is_exp_mem(p, len));
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_exp_mem(&m, p, len, "t.exp", &s), DK_OK);
	ck_assert_uint_eq(s.errors + s.warnings, 0);
	ck_assert_str_eq(m.name, "t.dll");
	ck_assert(m.has_name_stmt);
	ck_assert(m.ordinals_assigned);
	ck_assert_uint_eq(m.machine, DK_MACHINE_AMD64);
	ck_assert_uint_eq(m.nexports, 5);
	const dk_export *e = find(&m, "add");
	ck_assert_uint_eq(e->ordinal, 3);
	ck_assert_uint_eq(e->flags, 0);
	ck_assert_ptr_null(e->internal);
	e = find(&m, "counter");
	ck_assert_uint_eq(e->ordinal, 4);
	ck_assert_uint_eq(e->flags, DK_EXPORT_DATA);
	e = find(&m, "fwd");
	ck_assert_str_eq(e->forward, "kernel32.GetTickCount");
	ck_assert_uint_eq(e->flags, 0);
	e = find(&m, "other");
	ck_assert_str_eq(e->internal, "add");
	ck_assert_uint_eq(e->ordinal, 6);
	e = find(&m, "hidden"); /* NONAME: named after its symbol */
	ck_assert_uint_eq(e->ordinal, 7);
	ck_assert_uint_eq(e->flags, DK_EXPORT_NONAME);
	dk_module_free(&m);
	dk_free(p);
}
END_TEST

START_TEST(test_i386)
{
	size_t len;
	dk_module m;
	dk_sink s = { NULL, NULL, 0, 0 };
	unsigned char *p = write_exp("EXPORTS\n sfunc@8\n add\n", DK_MACHINE_I386, false, &len);

	dk_module_init(&m);
	ck_assert_int_eq(dk_read_exp_mem(&m, p, len, "t.exp", &s), DK_OK);
	ck_assert_ptr_null(find(&m, "sfunc@8")->internal);
	ck_assert_ptr_null(find(&m, "add")->internal);
	dk_module_free(&m);
	dk_free(p);
	/* -k: "sfunc" from _sfunc@8, the .def line ld --kill-at writes. */
	p = write_exp("EXPORTS\n sfunc@8\n add\n", DK_MACHINE_I386, true, &len);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_exp_mem(&m, p, len, "t.exp", &s), DK_OK);
	ck_assert_str_eq(find(&m, "sfunc")->internal, "sfunc@8");
	dk_module_free(&m);
	dk_free(p);
}
END_TEST

/* Symbols not typed (dlltool's): nothing can be called DATA. */
START_TEST(test_untyped_no_data)
{
	size_t len;
	dk_module m;
	dk_sink s = { NULL, NULL, 0, 0 };
	unsigned char *p = write_exp(full_def, DK_MACHINE_AMD64, false, &len);
	dk_coff_in c;
	dk_coff_why w;

	ck_assert(dk_coff_in_open(&c, p, len, &w));
	for (uint32_t i = 0; i < c.nsym; i++)
		dk_put16(p + c.symptr + 18 * i + 14, 0);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_exp_mem(&m, p, len, "t.exp", &s), DK_OK);
	for (size_t i = 0; i < m.nexports; i++)
		ck_assert_uint_eq(m.exports[i].flags & DK_EXPORT_DATA, 0);
	dk_module_free(&m);
	dk_free(p);
}
END_TEST

START_TEST(test_is_exp)
{
	size_t len;
	unsigned char *p = write_exp(full_def, DK_MACHINE_ARM64, false, &len);
	ck_assert(dk_is_exp_mem(p, len));
	ck_assert(!dk_is_exp_mem(p, 19));
	memcpy(p + 20, ".text\0\0\0", 8); /* no .edata: a plain object */
	ck_assert(!dk_is_exp_mem(p, len));
	ck_assert(!dk_is_exp_mem("MZ", 2));
	ck_assert(!dk_is_exp_mem("", 0));
	dk_free(p);
}
END_TEST

/* Damage: DK_FAIL, one error, the offset given (`off`, or any when -1),
 * the message holding `what`. */
static void damaged(const unsigned char *p, size_t len, long long off, const char *what)
{
	dk_module m;
	unit_diags u;
	UNIT_SINK(s, u);

	memset(&u, 0, sizeof u);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_exp_mem(&m, p, len, "bad.exp", &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strstr(u.last, what), "message \"%s\" lacks \"%s\"", u.last, what);
	ck_assert_int_ge(u.loc.offset, 0);
	if (off >= 0)
		ck_assert_int_eq(u.loc.offset, off);
	dk_module_free(&m);
}

START_TEST(test_damage)
{
	size_t len;
	unsigned char *p = write_exp(full_def, DK_MACHINE_AMD64, false, &len);
	unsigned char *q = malloc(len);
	dk_coff_in c;
	dk_coff_in_sec sec;
	dk_coff_why w;

	ck_assert(dk_coff_in_open(&c, p, len, &w));
	ck_assert(dk_coff_in_section(&c, 1, &sec, &w));
	size_t d = (size_t)(sec.data - p), rel = sec.reloc_off;

	/* Every cut before the end of the symbol table refused with one
	 * error (the string table holds no name here: without it all reads). */
	for (size_t n = 0; n < c.symptr + 18 * (size_t)c.nsym; n++) {
		dk_module m;
		dk_sink s = { NULL, NULL, 0, 0 };
		dk_module_init(&m);
		if (dk_read_exp_mem(&m, p, n, "cut.exp", &s) == DK_OK)
			ck_abort_msg("cut at %zu of %zu read", n, len);
		ck_assert_uint_eq(s.errors, 1);
		dk_module_free(&m);
	}
#define FRESH() memcpy(q, p, len)
	FRESH();
	dk_put16(q + rel + 8, 1); /* ADDR64 where an RVA belongs */
	damaged(q, len, (long long)rel, "type 0x1");
	FRESH();
	dk_put32(q + rel + 4, 999); /* a symbol index past the table */
	damaged(q, len, (long long)rel + 4, "past the symbol table");
	FRESH();
	dk_put32(q + d + 20, 70000); /* number of functions */
	damaged(q, len, (long long)d + 16, "outside 1 to 65535");
	FRESH();
	dk_put32(q + d + 24, 6); /* more names than addresses */
	damaged(q, len, (long long)d + 24, "6 names for 5 addresses");
	FRESH();
	dk_put16(q + d + dk_le32(p + d + 36), 9); /* an ordinal-table index past the table */
	damaged(q, len, (long long)(d + dk_le32(p + d + 36)), "address-table index 9");
	FRESH();
	dk_put32(q + d + 20, 4000); /* the address table runs past .edata */
	damaged(q, len, (long long)d + 28, "runs past the end of .edata");
	FRESH();
	memset(q + d + sec.size - 5, 'x', 5); /* the last string loses its NUL */
	damaged(q, len, -1, "has no end");
	FRESH();
	dk_put32(q + d + 40 + 4 * 1, 0x1234); /* the data export's slot: an RVA without relocation? */
	/* (it has one: the addend makes it "a symbol plus an offset") */
	damaged(q, len, (long long)d + 44, "not a symbol's");
	FRESH();
	/* The name table names one name twice. */
	dk_put32(q + d + dk_le32(p + d + 32) + 4, dk_le32(p + d + dk_le32(p + d + 32)));
	dk_put16(q + d + dk_le32(p + d + 36) + 2, 0);
	damaged(q, len, -1, "twice");
	FRESH();
	memcpy(q + 20, ".edatx", 6);
	damaged(q, len, 0, "no .edata section");
	free(q);
	dk_free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read_exp");
	TCase *t = tcase_create("core");
	tcase_add_test(t, test_roundtrip);
	tcase_add_test(t, test_i386);
	tcase_add_test(t, test_untyped_no_data);
	tcase_add_test(t, test_is_exp);
	tcase_add_test(t, test_damage);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
