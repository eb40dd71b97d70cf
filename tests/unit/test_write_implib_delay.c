/* test_write_implib_delay.c - delay-load import libraries (write_implib_delay.c):
 * what dk_implib_write with `delay` writes per machine, read back by
 * dk_read_implib_mem and checked field by field in one import object;
 * the DATA warning, the refusals, and a damaged library read back. */
#include <stdint.h>
#include "unit.h"
#include "read_ar_private.h"
#include "read_coff_private.h"
#include "write_implib_private.h"

static void add_export(dk_module *m, const char *name, unsigned ordinal, unsigned flags)
{
	dk_export e;
	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.ordinal = ordinal;
	e.flags = flags;
	ck_assert(dk_module_add(m, &e));
}

/* k.dll: add, sfunc@8 (i386 naming), byord @3 NONAME, counter DATA. */
static void module_k(dk_module *m, dk_machine machine)
{
	dk_module_init(m);
	m->name = strdup("k.dll");
	add_export(m, "add", 0, 0);
	add_export(m, machine == DK_MACHINE_I386 ? "sfunc@8" : "sfunc", 0, 0);
	add_export(m, "byord", 3, DK_EXPORT_NONAME);
	add_export(m, "counter", 0, DK_EXPORT_DATA);
}

static char *write_delay(dk_machine machine, size_t *len, unit_diags *u, dk_sink *s)
{
	dk_module m;
	dk_implib_opts o;
	char *out = NULL;

	(void)u;
	module_k(&m, machine);
	memset(&o, 0, sizeof o);
	o.machine = machine;
	o.dll_name = "k.dll";
	o.format = DK_IMPLIB_DELAY;
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, len, s), DK_OK);
	dk_module_free(&m);
	return out;
}

static const dk_implib_entry *find(const dk_implib *lib, const char *symbol)
{
	for (size_t i = 0; i < lib->n; i++)
		if (strcmp(lib->v[i].symbol, symbol) == 0)
			return &lib->v[i];
	return NULL;
}

static const dk_machine machines[] = { DK_MACHINE_AMD64, DK_MACHINE_I386, DK_MACHINE_ARM64 };

/* Written, one warning for the DATA export, read back: three functions,
 * every one delay-load, by name or by ordinal as the .def says. */
START_TEST(test_round_trip)
{
	dk_machine machine = machines[_i];
	const char *u = machine == DK_MACHINE_I386 ? "_" : "";
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	dk_implib lib;
	size_t len;
	char sym[32];
	char *out = write_delay(machine, &len, &d, &s);
	const dk_implib_entry *x;

	ck_assert_uint_eq(s.errors, 0);
	ck_assert_uint_eq(s.warnings, 1);
	ck_assert_str_eq(d.last, ":0:0: 1 DATA export cannot be delay-loaded and is left out of the "
			 "library: counter");
	memset(&d, 0, sizeof d);
	ck_assert(dk_is_implib_mem(out, len)); /* what dumpexports and mkimplib take it for */
	ck_assert_int_eq(dk_read_implib_mem(&lib, out, len, "k.a", &s), DK_OK);
	ck_assert_uint_eq(lib.machine, machine);
	ck_assert_uint_eq(lib.n, 3);
	for (size_t i = 0; i < lib.n; i++) {
		ck_assert(lib.v[i].delay);
		ck_assert(!lib.v[i].short_format);
		ck_assert_str_eq(lib.v[i].dll, "k.dll");
		ck_assert_uint_eq(lib.v[i].type, DK_IMPORT_CODE);
	}
	snprintf(sym, sizeof sym, "%sadd", u);
	ck_assert_ptr_nonnull(x = find(&lib, sym));
	ck_assert_str_eq(x->name, "add");
	ck_assert(!x->by_ordinal);
	snprintf(sym, sizeof sym, "%s%s", u, machine == DK_MACHINE_I386 ? "sfunc@8" : "sfunc");
	ck_assert_ptr_nonnull(x = find(&lib, sym));
	ck_assert_str_eq(x->name, machine == DK_MACHINE_I386 ? "sfunc@8" : "sfunc");
	snprintf(sym, sizeof sym, "%sbyord", u);
	ck_assert_ptr_nonnull(x = find(&lib, sym));
	ck_assert(x->by_ordinal);
	ck_assert_ptr_null(x->name);
	ck_assert_uint_eq(x->ordinal, 3);
	dk_implib_free(&lib);
	free(out);
}
END_TEST

/* The same module gives the same bytes. */
START_TEST(test_deterministic)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	size_t l1, l2;
	char *a = write_delay(machines[_i], &l1, &d, &s);
	char *b = write_delay(machines[_i], &l2, &d, &s);

	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(a, b, l1) == 0);
	free(a);
	free(b);
}
END_TEST

/* The archive member `name` of `data`, opened as an object. */
static void open_member(const char *data, size_t len, const char *name, dk_coff_in *c,
			size_t *offset)
{
	dk_ar_reader ar;
	dk_ar_entry e;
	dk_coff_why w;

	ck_assert(dk_ar_open(&ar, data, len, NULL));
	while (dk_ar_next(&ar, &e, NULL) == 1) {
		char *n = dk_ar_name(&e);
		bool hit = strcmp(n, name) == 0;
		free(n);
		if (!hit)
			continue;
		ck_assert(dk_coff_in_open(c, e.data, e.size, &w));
		*offset = e.offset;
		return;
	}
	ck_abort_msg("no member %s", name);
}

/* The relocation of `s` at `off`: its type and its symbol's name. */
static void reloc_of(const dk_coff_in *c, const dk_coff_in_sec *s, uint32_t off, uint16_t *type,
		     dk_str *name)
{
	dk_coff_why w;
	for (uint32_t k = 0; k < s->nrelocs; k++) {
		const unsigned char *r = c->p + s->reloc_off + (size_t)k * DK_COFF_RELOC_SIZE;
		dk_coff_in_sym y;
		if (dk_le32(r) != off)
			continue;
		*type = dk_le16(r + 8);
		ck_assert(dk_coff_in_symbol(c, dk_le32(r + 4), &y, &w));
		*name = y.name;
		return;
	}
	ck_abort_msg("no relocation at %u", off);
}

static bool str_eq(dk_str s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* x86-64, the import object of `add`: the thunk, the slot holding the
 * lazy entry's address, and a descriptor of its own with its name table
 * and hint/name. */
START_TEST(test_x64_object)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	size_t len, off;
	char *out = write_delay(DK_MACHINE_AMD64, &len, &d, &s);
	dk_coff_in c;
	dk_coff_in_sec text, didat, rdata;
	dk_coff_why w;
	uint16_t type;
	dk_str name;

	open_member(out, len, "k_dll_y000001.o", &c, &off);
	ck_assert_uint_eq(c.nsec, 3);
	ck_assert(dk_coff_in_section(&c, 1, &text, &w) && str_eq(text.name, ".text"));
	ck_assert(dk_coff_in_section(&c, 2, &didat, &w) && str_eq(didat.name, ".didat"));
	ck_assert(dk_coff_in_section(&c, 3, &rdata, &w) && str_eq(rdata.name, ".rdata"));
	ck_assert(didat.flags & DK_SCN_MEM_WRITE);
	ck_assert(!(rdata.flags & DK_SCN_MEM_WRITE));
	/* jmp *__imp_add(%rip), then lea __imp_add(%rip),%rax */
	ck_assert(text.data[0] == 0xff && text.data[1] == 0x25);
	reloc_of(&c, &text, 2, &type, &name);
	ck_assert(type == DK_REL_AMD64_REL32 && str_eq(name, "__imp_add"));
	ck_assert(text.data[6] == 0x48 && text.data[7] == 0x8d && text.data[8] == 0x05);
	reloc_of(&c, &text, 9, &type, &name);
	ck_assert(str_eq(name, "__imp_add"));
	reloc_of(&c, &text, 16, &type, &name);
	ck_assert(str_eq(name, ".rdata"));
	reloc_of(&c, &text, 21, &type, &name);
	ck_assert(str_eq(name, "__delay_k_dll_merge"));
	/* The slot: the lazy entry, .text + 6 */
	ck_assert_uint_eq(didat.size, 8);
	ck_assert_uint_eq(dk_le64(didat.data), 6);
	reloc_of(&c, &didat, 0, &type, &name);
	ck_assert(type == DK_REL_AMD64_ADDR64 && str_eq(name, ".text"));
	/* The descriptor: RVA-based, name, handle, address table, name table */
	ck_assert_uint_eq(dk_le32(rdata.data), 1);
	reloc_of(&c, &rdata, 4, &type, &name);
	ck_assert(type == DK_REL_AMD64_ADDR32NB && str_eq(name, "__delay_k_dll_iname"));
	reloc_of(&c, &rdata, 8, &type, &name);
	ck_assert(str_eq(name, "__delay_k_dll_handle"));
	reloc_of(&c, &rdata, 12, &type, &name);
	ck_assert(str_eq(name, "__imp_add"));
	reloc_of(&c, &rdata, 16, &type, &name);
	ck_assert(str_eq(name, ".rdata"));
	ck_assert_uint_eq(dk_le32(rdata.data + 16), 32);
	for (unsigned i = 20; i < 32; i++)
		ck_assert_uint_eq(rdata.data[i], 0);
	/* The name table (entry, null entry) and the hint/name */
	reloc_of(&c, &rdata, 32, &type, &name);
	ck_assert(str_eq(name, ".rdata"));
	ck_assert_uint_eq(dk_le64(rdata.data + 32), 48);
	ck_assert_uint_eq(dk_le64(rdata.data + 40), 0);
	ck_assert(memcmp(rdata.data + 48, "\0\0add\0", 6) == 0);
	ck_assert_uint_eq(rdata.size, 54);
	free(out);
}
END_TEST

/* The head: the module handle, the DLL name, and the merge with its
 * unwind information on x86-64 (none on i386, where every import object
 * calls the helper itself). */
START_TEST(test_head)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	size_t len, off;
	char *out = write_delay(DK_MACHINE_AMD64, &len, &d, &s);
	dk_coff_in c;
	dk_coff_in_sec sec;
	dk_coff_why w;
	uint32_t pdata;

	open_member(out, len, "k_dll_y000000.o", &c, &off);
	ck_assert_uint_ne(dk_coff_in_find_section(&c, ".didat"), 0);
	ck_assert(dk_coff_in_section(&c, dk_coff_in_find_section(&c, ".rdata"), &sec, &w));
	ck_assert(memcmp(sec.data, "k.dll\0\0\0", 8) == 0);
	ck_assert_uint_ne(pdata = dk_coff_in_find_section(&c, ".pdata"), 0);
	ck_assert(dk_coff_in_section(&c, pdata, &sec, &w));
	ck_assert_uint_eq(sec.nrelocs, 3);
	ck_assert_uint_ne(dk_coff_in_find_section(&c, ".xdata"), 0);
	free(out);

	out = write_delay(DK_MACHINE_I386, &len, &d, &s);
	open_member(out, len, "k_dll_y000000.o", &c, &off);
	ck_assert_uint_eq(dk_coff_in_find_section(&c, ".text"), 0);
	free(out);
}
END_TEST

static void expect_refusal(dk_machine machine, unsigned flags, const char *message)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	dk_module m;
	dk_implib_opts o;
	char *out = (char *)1;
	size_t len = 1;

	dk_module_init(&m);
	m.name = strdup("k.dll");
	add_export(&m, "a", 0, flags);
	add_export(&m, "b", 0, flags);
	memset(&o, 0, sizeof o);
	o.machine = machine;
	o.dll_name = "k.dll";
	o.format = DK_IMPLIB_DELAY;
	ck_assert_int_eq(dk_implib_write(&m, &o, &out, &len, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strstr(d.last, message), "message: %s", d.last);
	dk_module_free(&m);
}

START_TEST(test_refused)
{
	expect_refusal(DK_MACHINE_ARM64EC, 0, "written for i386, x86-64 and arm64, not arm64ec");
	expect_refusal(DK_MACHINE_ARMNT, 0, "not arm");
	expect_refusal(DK_MACHINE_AMD64, DK_EXPORT_DATA, "nothing to delay-load: every export is DATA");
	expect_refusal(DK_MACHINE_I386, DK_EXPORT_CONSTANT, "nothing to delay-load");
}
END_TEST

/* A damaged library: exactly one error, naming the member. */
static void expect_damage(char *out, size_t len, const char *message)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	dk_implib lib;

	ck_assert_int_eq(dk_read_implib_mem(&lib, out, len, "k.a", &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strstr(d.last, message), "message: %s", d.last);
	ck_assert_uint_eq(lib.n, 0);
}

START_TEST(test_damaged)
{
	unit_diags d = { 0 };
	UNIT_SINK(s, d);
	size_t len, off;
	char *out = write_delay(DK_MACHINE_AMD64, &len, &d, &s);
	dk_coff_in c;
	dk_coff_in_sec rdata;
	dk_coff_why w;
	unsigned char *p;

	/* The descriptor of `add` says it is not RVA-based: no descriptor. */
	open_member(out, len, "k_dll_y000001.o", &c, &off);
	ck_assert(dk_coff_in_section(&c, 3, &rdata, &w));
	p = (unsigned char *)rdata.data;
	p[0] = 0;
	expect_damage(out, len, "`__imp_add' is in .didat, but no delay-import descriptor");
	p[0] = 1;
	/* Its hint/name runs off the end of the section. */
	p[32] = 0x40;
	expect_damage(out, len, "the hint/name entry of `__imp_add' is empty, outside its section");
	p[32] = 48;
	/* The by-ordinal entry of `byord` loses its top bit. */
	open_member(out, len, "k_dll_y000003.o", &c, &off);
	ck_assert(dk_coff_in_section(&c, 3, &rdata, &w));
	p = (unsigned char *)rdata.data;
	ck_assert_uint_eq(dk_le64(p + 32), UINT64_C(0x8000000000000003));
	p[39] = 0;
	expect_damage(out, len, "neither a name (no relocation) nor an ordinal");
	p[39] = 0x80;
	/* Mended, it reads again. */
	{
		dk_implib lib;
		ck_assert_int_eq(dk_read_implib_mem(&lib, out, len, "k.a", &s), DK_OK);
		ck_assert_uint_eq(lib.n, 3);
		dk_implib_free(&lib);
	}
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("write_implib_delay");
	TCase *t = tcase_create("core");
	tcase_add_loop_test(t, test_round_trip, 0, 3);
	tcase_add_loop_test(t, test_deterministic, 0, 3);
	tcase_add_test(t, test_x64_object);
	tcase_add_test(t, test_head);
	tcase_add_test(t, test_refused);
	tcase_add_test(t, test_damaged);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
