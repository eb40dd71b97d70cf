/* test_names.c - i386 name decoration (the machine table: test_machine.c). */
#include <stdio.h>
#include "unit.h"

/* ------------------------------------------------------------------ */
/* dk_i386_classify                                                     */
/* ------------------------------------------------------------------ */

START_TEST(classify_cdecl)
{
	ck_assert_int_eq(dk_i386_classify("_f"), DK_CC_CDECL);
	ck_assert_int_eq(dk_i386_classify("_counter"), DK_CC_CDECL);
	/* '@' not followed by digits only is not a stdcall suffix. */
	ck_assert_int_eq(dk_i386_classify("_f@"), DK_CC_CDECL);
	ck_assert_int_eq(dk_i386_classify("_f@x"), DK_CC_CDECL);
	ck_assert_int_eq(dk_i386_classify("_f@8x"), DK_CC_CDECL);
}
END_TEST

START_TEST(classify_stdcall)
{
	ck_assert_int_eq(dk_i386_classify("_f@8"), DK_CC_STDCALL);
	ck_assert_int_eq(dk_i386_classify("_sfunc@0"), DK_CC_STDCALL);
	ck_assert_int_eq(dk_i386_classify("_WinMain@16"), DK_CC_STDCALL);
}
END_TEST

START_TEST(classify_fastcall)
{
	ck_assert_int_eq(dk_i386_classify("@f@8"), DK_CC_FASTCALL);
	ck_assert_int_eq(dk_i386_classify("@ffunc@0"), DK_CC_FASTCALL);
}
END_TEST

START_TEST(classify_vectorcall)
{
	ck_assert_int_eq(dk_i386_classify("f@@8"), DK_CC_VECTORCALL);
	ck_assert_int_eq(dk_i386_classify("vfunc@@16"), DK_CC_VECTORCALL);
}
END_TEST

START_TEST(classify_cpp)
{
	ck_assert_int_eq(dk_i386_classify("?f@@YAHH@Z"), DK_CC_CPP);
	ck_assert_int_eq(dk_i386_classify("??4K@@QAEAAU0@ABU0@@Z"), DK_CC_CPP);
	ck_assert_int_eq(dk_i386_classify("?s@K@@2HA"), DK_CC_CPP);
}
END_TEST

START_TEST(classify_plain)
{
	ck_assert_int_eq(dk_i386_classify("f"), DK_CC_PLAIN);
	ck_assert_int_eq(dk_i386_classify("@"), DK_CC_PLAIN);
	ck_assert_int_eq(dk_i386_classify(""), DK_CC_PLAIN);
	ck_assert_int_eq(dk_i386_classify("@8"), DK_CC_PLAIN);
	ck_assert_int_eq(dk_i386_classify("@@8"), DK_CC_PLAIN);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_symbol_to_def_name                                                */
/* ------------------------------------------------------------------ */

static void def_name(const char *sym, dk_machine m, dk_dialect dia, const char *want)
{
	char *got = dk_symbol_to_def_name(sym, m, dia);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, want) == 0, "%s (machine %#x, dialect %d): got \"%s\", want \"%s\"",
		      sym, (unsigned)m, (int)dia, got, want);
	free(got);
}

START_TEST(def_name_gnu_i386_strips_every_leading_underscore)
{
	/* GNU ld drops the '_' of any '_'-prefixed symbol. */
	def_name("_add", DK_MACHINE_I386, DK_DIALECT_GNU, "add");
	def_name("_sfunc@8", DK_MACHINE_I386, DK_DIALECT_GNU, "sfunc@8");
	def_name("__under", DK_MACHINE_I386, DK_DIALECT_GNU, "_under");
	def_name("__Z3foov", DK_MACHINE_I386, DK_DIALECT_GNU, "_Z3foov");
	def_name("@ffunc@8", DK_MACHINE_I386, DK_DIALECT_GNU, "@ffunc@8");
	def_name("?f@@YAHH@Z", DK_MACHINE_I386, DK_DIALECT_GNU, "?f@@YAHH@Z");
	def_name("vf@@8", DK_MACHINE_I386, DK_DIALECT_GNU, "vf@@8");
	def_name("plain", DK_MACHINE_I386, DK_DIALECT_GNU, "plain");
	def_name("_", DK_MACHINE_I386, DK_DIALECT_GNU, "");
}
END_TEST

START_TEST(def_name_msvc_i386_keeps_underscore_of_decorated)
{
	/* link.exe / lld-link: `_f@8` is exported as written. */
	def_name("_add", DK_MACHINE_I386, DK_DIALECT_MSVC, "add");
	def_name("_counter", DK_MACHINE_I386, DK_DIALECT_MSVC, "counter");
	def_name("_sfunc@8", DK_MACHINE_I386, DK_DIALECT_MSVC, "_sfunc@8");
	def_name("@ffunc@8", DK_MACHINE_I386, DK_DIALECT_MSVC, "@ffunc@8");
	def_name("?s@K@@2HA", DK_MACHINE_I386, DK_DIALECT_MSVC, "?s@K@@2HA");
	def_name("plain", DK_MACHINE_I386, DK_DIALECT_MSVC, "plain");
}
END_TEST

START_TEST(def_name_auto_dialect_is_gnu)
{
	def_name("_sfunc@8", DK_MACHINE_I386, DK_DIALECT_AUTO, "sfunc@8");
}
END_TEST

START_TEST(def_name_other_machines_unchanged)
{
	static const dk_machine ms[] = { DK_MACHINE_AMD64, DK_MACHINE_ARM64, DK_MACHINE_ARM64EC,
					 DK_MACHINE_ARMNT, DK_MACHINE_UNKNOWN };
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		def_name("_add", ms[i], DK_DIALECT_GNU, "_add");
		def_name("_add", ms[i], DK_DIALECT_MSVC, "_add");
		def_name("_sfunc@8", ms[i], DK_DIALECT_GNU, "_sfunc@8");
		def_name("add", ms[i], DK_DIALECT_MSVC, "add");
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_kill_at                                                           */
/* ------------------------------------------------------------------ */

static void killed(const char *name, const char *want)
{
	char *got = dk_kill_at(name);
	if (!want) {
		ck_assert_msg(got == NULL, "%s: got \"%s\", want nothing", name, got);
		return;
	}
	ck_assert_msg(got != NULL, "%s: got nothing, want \"%s\"", name, want);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", name, got, want);
	free(got);
}

START_TEST(kill_at_decorated)
{
	killed("f@8", "f");
	killed("sfunc@12", "sfunc");
	killed("@f@8", "f");
	killed("f@@8", "f");
	killed("_f@8", "_f");
	killed("_f@0", "_f");
}
END_TEST

START_TEST(kill_at_nothing_to_kill)
{
	killed("f", NULL);
	killed("_f", NULL);
	killed("?f@@YAHH@Z", NULL);
	killed("??4K@@QAEAAU0@ABU0@@Z", NULL);
	killed("?f@8", NULL); /* C++ names are never touched, even if they look decorated */
	killed("f@", NULL);
	killed("f@x", NULL);
	killed("@8", NULL);
	killed("@@8", NULL);
	killed("@", NULL);
	killed("", NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_module_apply_stdcall: --kill-at and --add-stdcall-alias          */
/* ------------------------------------------------------------------ */

static void add_name(dk_module *m, const char *name)
{
	dk_export e;
	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	ck_assert_ptr_nonnull(dk_module_add(m, &e));
}

static const dk_export *named(const dk_module *m, const char *name)
{
	long i = dk_module_find(m, name);
	ck_assert_msg(i >= 0, "no export \"%s\"", name);
	return &m->exports[i];
}

/* GNU ld sorts its name table by the .def name, so `f@4 == f` next to
 * `f2@8 == f2` gives the loader an unsorted table; `f = f@4` does not. */
START_TEST(kill_at_writes_name_equals_decorated)
{
	dk_module m;
	dk_module_init(&m);
	m.machine = DK_MACHINE_I386;
	m.dialect = DK_DIALECT_GNU;
	add_name(&m, "f@4");
	add_name(&m, "f2@8");
	add_name(&m, "@ff@8");
	add_name(&m, "v@@16");
	add_name(&m, "plain");
	add_name(&m, "?cpp@@YAHH@Z");
	ck_assert_int_eq(dk_module_apply_stdcall(&m, true, false, NULL), DK_OK);
	ck_assert_str_eq(named(&m, "f")->internal, "f@4");
	ck_assert_ptr_null(named(&m, "f")->import_name);
	ck_assert_str_eq(named(&m, "f2")->internal, "f2@8");
	ck_assert_str_eq(named(&m, "ff")->internal, "@ff@8");
	ck_assert_str_eq(named(&m, "v")->internal, "v@@16");
	ck_assert_ptr_null(named(&m, "plain")->internal);
	ck_assert_ptr_null(named(&m, "?cpp@@YAHH@Z")->internal);
	ck_assert_uint_eq(m.nexports, 6);
	dk_module_free(&m);
}
END_TEST

START_TEST(kill_at_msvc_naming_drops_the_c_underscore)
{
	dk_module m;
	dk_module_init(&m);
	m.machine = DK_MACHINE_I386;
	m.dialect = DK_DIALECT_MSVC;
	add_name(&m, "_sfunc@8");
	ck_assert_int_eq(dk_module_apply_stdcall(&m, true, false, NULL), DK_OK);
	ck_assert_str_eq(named(&m, "sfunc")->internal, "_sfunc@8");
	dk_module_free(&m);
}
END_TEST

START_TEST(stdcall_alias_adds_once)
{
	dk_module m;
	dk_module_init(&m);
	m.machine = DK_MACHINE_I386;
	m.dialect = DK_DIALECT_GNU;
	add_name(&m, "f@4");
	add_name(&m, "g@8");
	add_name(&m, "g"); /* already there: no second g */
	ck_assert_int_eq(dk_module_apply_stdcall(&m, false, true, NULL), DK_OK);
	ck_assert_uint_eq(m.nexports, 4);
	ck_assert_str_eq(named(&m, "f")->internal, "f@4");
	ck_assert_ptr_null(named(&m, "f@4")->internal);
	ck_assert_ptr_null(named(&m, "g")->internal);
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* import naming, through the import-library writer and reader          */
/* ------------------------------------------------------------------ */

/* Write a short import library of `def` for i386 and read it back: the
 * symbol and loader name of the first import. */
static void import_of(const char *def, dk_dialect dialect, bool kill_at, char *sym, char *load,
		      size_t n)
{
	dk_module m;
	dk_implib_opts o;
	dk_implib lib;
	char *data;
	size_t len;

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", NULL), DK_OK);
	memset(&o, 0, sizeof o);
	o.machine = DK_MACHINE_I386;
	o.dll_name = "t.dll";
	o.dialect = dialect;
	o.kill_at = kill_at;
	ck_assert_int_eq(dk_implib_write(&m, &o, &data, &len, NULL), DK_OK);
	memset(&lib, 0, sizeof lib);
	ck_assert_int_eq(dk_read_implib_mem(&lib, data, len, "t.lib", NULL), DK_OK);
	ck_assert_uint_ge(lib.n, 1);
	snprintf(sym, n, "%s", lib.v[0].symbol);
	snprintf(load, n, "%s", lib.v[0].name ? lib.v[0].name : "#");
	dk_implib_free(&lib);
	free(data);
	dk_module_free(&m);
}

START_TEST(def_underscore_stdcall_is_gnu_unless_told)
{
	char sym[128], load[128];

	/* mingw-w64's msvcrt.def: both dlltools define __CxxThrowException@8. */
	import_of("EXPORTS\n_CxxThrowException@8\n", DK_DIALECT_AUTO, true, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "__CxxThrowException@8");
	ck_assert_str_eq(load, "_CxxThrowException");
	import_of("EXPORTS\n_sfunc@8\n", DK_DIALECT_AUTO, false, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "__sfunc@8");
	ck_assert_str_eq(load, "_sfunc@8");
	import_of("EXPORTS\n_sfunc@8\n", DK_DIALECT_MSVC, false, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "_sfunc@8");
	ck_assert_str_eq(load, "_sfunc@8");
}
END_TEST

START_TEST(kill_at_imports_the_decorated_internal_name)
{
	char sym[128], load[128];

	import_of("EXPORTS\nf = f@4\n", DK_DIALECT_AUTO, true, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "_f@4");
	ck_assert_str_eq(load, "f");
	import_of("EXPORTS\ng = @g@8\n", DK_DIALECT_AUTO, true, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "@g@8");
	ck_assert_str_eq(load, "g");
	import_of("EXPORTS\nf = _f@4\n", DK_DIALECT_MSVC, true, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "_f@4");
	ck_assert_str_eq(load, "f");
	/* Without -k, as both dlltools: the exported name. */
	import_of("EXPORTS\nf = f@4\n", DK_DIALECT_AUTO, false, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "_f");
	ck_assert_str_eq(load, "f");
	/* An internal name that is not the export's decorated self stays out. */
	import_of("EXPORTS\nf = g@4\n", DK_DIALECT_AUTO, true, sym, load, sizeof sym);
	ck_assert_str_eq(sym, "_f");
	ck_assert_str_eq(load, "f");
}
END_TEST

/* The DLL name a module gives the loader, and the LIBRARY name a .def
 * path gives (moved from the tools). */
START_TEST(dll_file_names)
{
	static const struct {
		const char *name;
		bool exe;
		const char *want;
	} t[] = {
		{ "foo", false, "foo.dll" },   { "foo", true, "foo.exe" },
		{ "foo.drv", false, "foo.drv" }, { "dir.d/foo", false, "dir.d/foo.dll" },
		{ "a.b.dll", false, "a.b.dll" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *r = dk_dll_file_name(t[i].name, t[i].exe);
		ck_assert_str_eq(r, t[i].want);
		dk_free(r);
	}
	static const char *const d[][2] = { { "dir/foo.def", "foo.dll" }, { "FOO.DEF", "FOO.dll" },
					    { "x", "x.dll" },		  { ".def", ".def.dll" } };
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		char *r = dk_dll_name_from_def_path(d[i][0]);
		ck_assert_str_eq(r, d[i][1]);
		dk_free(r);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("decorate");
	TCase *t = tcase_create("classify");
	tcase_add_test(t, classify_cdecl);
	tcase_add_test(t, classify_stdcall);
	tcase_add_test(t, classify_fastcall);
	tcase_add_test(t, classify_vectorcall);
	tcase_add_test(t, classify_cpp);
	tcase_add_test(t, classify_plain);
	suite_add_tcase(s, t);

	t = tcase_create("def_name");
	tcase_add_test(t, def_name_gnu_i386_strips_every_leading_underscore);
	tcase_add_test(t, def_name_msvc_i386_keeps_underscore_of_decorated);
	tcase_add_test(t, def_name_auto_dialect_is_gnu);
	tcase_add_test(t, def_name_other_machines_unchanged);
	suite_add_tcase(s, t);

	t = tcase_create("kill_at");
	tcase_add_test(t, kill_at_decorated);
	tcase_add_test(t, kill_at_nothing_to_kill);
	suite_add_tcase(s, t);

	t = tcase_create("apply_stdcall");
	tcase_add_test(t, kill_at_writes_name_equals_decorated);
	tcase_add_test(t, kill_at_msvc_naming_drops_the_c_underscore);
	tcase_add_test(t, stdcall_alias_adds_once);
	suite_add_tcase(s, t);

	t = tcase_create("import_naming");
	tcase_add_test(t, def_underscore_stdcall_is_gnu_unless_told);
	tcase_add_test(t, kill_at_imports_the_decorated_internal_name);
	suite_add_tcase(s, t);

	t = tcase_create("machine");
	tcase_add_test(t, dll_file_names);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
