/* test_filter.c - what --export-all leaves out, and what it must keep. */
#include <stdio.h>
#include "unit.h"
#include "read_objects_filter_private.h"

/* On x86-64 (and ARM) an object's symbol and its .def name are the same. */
static void x64(const char *sym, dk_skip_reason want)
{
	dk_skip_reason got = dk_filter_symbol(sym, sym);
	ck_assert_msg(got == want, "\"%s\": %s, want %s", sym, dk_skip_reason_text(got),
		      dk_skip_reason_text(want));
}

/* On i386 the .def name is the symbol as the dialect names it. */
static void i386(const char *raw, dk_dialect dia, dk_skip_reason want)
{
	char *name = dk_symbol_to_def_name(raw, DK_MACHINE_I386, dia);
	dk_skip_reason got = dk_filter_symbol(raw, name);
	ck_assert_msg(got == want, "\"%s\" (.def name \"%s\"): %s, want %s", raw, name,
		      dk_skip_reason_text(got), dk_skip_reason_text(want));
	free(name);
}

static void i386_both(const char *raw, dk_skip_reason want)
{
	i386(raw, DK_DIALECT_GNU, want);
	i386(raw, DK_DIALECT_MSVC, want);
}

/* ------------------------------------------------------------------ */
/* Symbol classes                                                       */
/* ------------------------------------------------------------------ */

START_TEST(import_thunks_are_left_out)
{
	x64("__imp_x", DK_SKIP_IMPORT_THUNK);
	x64("_head_x", DK_SKIP_IMPORT_THUNK);
	x64("_head_libfoo_a", DK_SKIP_IMPORT_THUNK);
	x64("x_iname", DK_SKIP_IMPORT_THUNK);
	x64("libfoo_a_iname", DK_SKIP_IMPORT_THUNK);
	x64("\x7fx_NULL_THUNK_DATA", DK_SKIP_IMPORT_THUNK);
	x64("__IMPORT_DESCRIPTOR_foo", DK_SKIP_IMPORT_THUNK);
	x64("__NULL_IMPORT_DESCRIPTOR", DK_SKIP_IMPORT_THUNK);
	x64("__nm_x", DK_SKIP_IMPORT_THUNK);
	i386_both("__imp__x", DK_SKIP_IMPORT_THUNK);
	i386_both("__imp__f@8", DK_SKIP_IMPORT_THUNK);
	i386_both("__imp_@f@8", DK_SKIP_IMPORT_THUNK);
	i386_both("__head_libfoo_a", DK_SKIP_IMPORT_THUNK);
	i386_both("__IMPORT_DESCRIPTOR_foo", DK_SKIP_IMPORT_THUNK);
	i386_both("__nm__x", DK_SKIP_IMPORT_THUNK);
	i386_both("\x7f" "foo_NULL_THUNK_DATA", DK_SKIP_IMPORT_THUNK);
}
END_TEST

START_TEST(i386_user_names_that_only_look_like_thunks_are_kept)
{
	/* On i386 a C function `head_insert` is the symbol `_head_insert`: the
	 * '_' is the C prefix, not part of GNU ld's `_head_` (which ld tests
	 * on the name without it). */
	i386_both("_head_insert", DK_SKIP_NONE);
	i386_both("_nm_lookup", DK_SKIP_NONE);
	i386_both("_imp__thing", DK_SKIP_NONE);
	i386_both("_IMPORT_DESCRIPTOR_table", DK_SKIP_NONE);
	i386_both("_head_push@8", DK_SKIP_NONE);
}
END_TEST

START_TEST(refptr_is_left_out)
{
	x64(".refptr.x", DK_SKIP_REFPTR);
	x64(".refptr.counter", DK_SKIP_REFPTR);
}
END_TEST

START_TEST(compiler_constants_are_left_out)
{
	x64("__real@4000000000000000", DK_SKIP_COMPILER_CONST);
	x64("__real@3ff00000", DK_SKIP_COMPILER_CONST);
	x64("__xmm@000000000000000000000000000000ff", DK_SKIP_COMPILER_CONST);
	x64("__ymm@00", DK_SKIP_COMPILER_CONST);
	x64("??_C@_05MFLOHCHP@hello@", DK_SKIP_COMPILER_CONST);
	x64("??_C@_1BA@KFOBIOMM@?$AAh?$AAe?$AAl?$AAl?$AAo?$AA?$AA@", DK_SKIP_COMPILER_CONST);
	i386_both("__real@4000000000000000", DK_SKIP_COMPILER_CONST);
	i386_both("??_C@_05MFLOHCHP@hello@", DK_SKIP_COMPILER_CONST);
}
END_TEST

START_TEST(deleting_destructors_are_left_out)
{
	x64("??_Gfoo@@UEAAPEAXI@Z", DK_SKIP_DELETING_DTOR);
	x64("??_Efoo@@UEAAPEAXI@Z", DK_SKIP_DELETING_DTOR);
	i386_both("??_GK@@UAEPAXI@Z", DK_SKIP_DELETING_DTOR);
	/* The ordinary destructor is an interface. */
	x64("??1foo@@UEAA@XZ", DK_SKIP_NONE);
}
END_TEST

START_TEST(entry_points_are_left_out)
{
	x64("DllMain", DK_SKIP_STARTUP);
	x64("DllEntryPoint", DK_SKIP_STARTUP);
	x64("_DllMainCRTStartup", DK_SKIP_STARTUP);
	x64("DllMainCRTStartup", DK_SKIP_STARTUP);
	x64("_CRT_INIT", DK_SKIP_STARTUP);
	x64("_pei386_runtime_relocator", DK_SKIP_STARTUP);
	x64("_tls_used", DK_SKIP_STARTUP);
	/* The names already in .def form, as a reader hands them over. */
	ck_assert_int_eq(dk_filter_symbol("_DllMain@12", "DllMain@12"), DK_SKIP_STARTUP);
	ck_assert_int_eq(dk_filter_symbol("DllMain@12", "DllMain@12"), DK_SKIP_STARTUP);
	ck_assert_int_eq(dk_filter_symbol("__DllMainCRTStartup@12", "_DllMainCRTStartup@12"),
			 DK_SKIP_STARTUP);
	ck_assert_int_eq(dk_filter_symbol("_DllMainCRTStartup@12", "_DllMainCRTStartup@12"),
			 DK_SKIP_STARTUP);
	/* i386 in both dialects: MSVC keeps the '_' of `_DllMain@12`. */
	i386_both("_DllMain@12", DK_SKIP_STARTUP);
	i386_both("_DllEntryPoint@12", DK_SKIP_STARTUP);
	i386_both("__DllMainCRTStartup@12", DK_SKIP_STARTUP);
	i386_both("_DllMain", DK_SKIP_STARTUP);
}
END_TEST

START_TEST(names_that_merely_start_like_entry_points_are_kept)
{
	x64("DllMainHelper", DK_SKIP_NONE);
	x64("DllMai", DK_SKIP_NONE);
	x64("MyDllMain", DK_SKIP_NONE);
	i386_both("_DllMainHelper@4", DK_SKIP_NONE);
	x64("@DllMain@12", DK_SKIP_NONE); /* fastcall: not the entry point's signature */
}
END_TEST

START_TEST(toolchain_internal_names_are_left_out)
{
	x64(".weak.foo.default", DK_SKIP_INTERNAL);
	x64("__gnu_lto_slim", DK_SKIP_INTERNAL);
	x64("$LN5", DK_SKIP_INTERNAL);
	x64(".text", DK_SKIP_INTERNAL);
}
END_TEST

START_TEST(ordinary_names_are_kept)
{
	static const char *const keep[] = {
		"add", "counter", "table", "my_real_value", "realloc_hook", "real", "surreal",
		"__real_thing", "real@home_not_const_prefix", "xmm_save", "refptr", "head",
		"iname", "my_iname_table", "Main", "main", "WinMain", "imp_table",
		"?get@K@@QEAAHXZ", "??0K@@QEAA@XZ", "??_7K@@6B@", "_ZN1K3getEv", "_Z3addii", NULL,
	};
	for (const char *const *p = keep; *p; p++)
		x64(*p, DK_SKIP_NONE);
	/* ... and on i386, in both dialects. */
	i386_both("_add", DK_SKIP_NONE);
	i386_both("_table", DK_SKIP_NONE);
	i386_both("_my_real_value", DK_SKIP_NONE);
	i386_both("_realloc_hook", DK_SKIP_NONE);
	i386_both("_sfunc@8", DK_SKIP_NONE);
	i386_both("@ffunc@8", DK_SKIP_NONE);
	i386_both("__Z3addii", DK_SKIP_NONE);
}
END_TEST

START_TEST(skip_reasons_have_text)
{
	for (int r = DK_SKIP_NONE; r <= DK_SKIP_INTERNAL; r++) {
		const char *t = dk_skip_reason_text((dk_skip_reason)r);
		ck_assert_ptr_nonnull(t);
		ck_assert_str_ne(t, "?");
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Runtime archives and objects                                         */
/* ------------------------------------------------------------------ */

START_TEST(runtime_libraries_are_recognised)
{
	static const char *const rt[] = {
		"libgcc.a", "libgcc_s.a", "libgcc_eh.a", "libgcc_s.dll.a", "libstdc++.a",
		"libstdc++.dll.a", "libsupc++.a", "libmsvcrt.a", "libmsvcrt-os.a", "libucrt.a",
		"libucrtbase.a", "libmingwex.a", "libmingw32.a", "libmoldname.a",
		"libwinpthread.a", "libwinpthread.dll.a", "libclang_rt.builtins-x86_64.a",
		"libclang_rt.builtins-i386.a", "libclang_rt.builtins.a", "libc++.a", "libunwind.a",
		"libcmt.lib", "msvcrt.lib", "oldnames.lib", "libvcruntime.lib", "libgcc",
		/* GNU ld's rule: a '-' and a digit start a version suffix. */
		"libstdc++-6.a", "libgcc_s-1.dll.a", NULL,
	};
	for (const char *const *p = rt; *p; p++)
		ck_assert_msg(dk_filter_runtime_lib(*p), "%s is a runtime library", *p);
}
END_TEST

START_TEST(user_libraries_are_not_runtime)
{
	static const char *const user[] = {
		"libfoo.a", "libgccjit.a", "libgccjit.dll.a", "libstdcxx-compat.a",
		"libgcc_custom.a", "libgcc2.a", "libmsvcrtx.a", "libucrtfoo.a", "libunwinder.a",
		"libmingwextra.a", "libc.a", "libgcc-extra.a", "libstdc++-fs.a", "mylibgcc.a",
		"libclang_rt.builtinsx.a", "", NULL,
	};
	for (const char *const *p = user; *p; p++)
		ck_assert_msg(!dk_filter_runtime_lib(*p), "%s is not a runtime library", *p);
}
END_TEST

START_TEST(runtime_objects_are_recognised)
{
	ck_assert(dk_filter_runtime_object("crt2.o"));
	ck_assert(dk_filter_runtime_object("dllcrt2.o"));
	ck_assert(dk_filter_runtime_object("crtbegin.o"));
	ck_assert(dk_filter_runtime_object("crtend.o"));
	ck_assert(!dk_filter_runtime_object("mycrt2.o"));
	ck_assert(!dk_filter_runtime_object("crt2.obj.o"));
	ck_assert(!dk_filter_runtime_object("api.o"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* User filters                                                         */
/* ------------------------------------------------------------------ */

START_TEST(exclude_patterns_use_fnmatch_on_either_name)
{
	const char *pats[] = { "internal_*", "_dbg@*", "exact", "?tmp" };
	dk_read_opts o;

	memset(&o, 0, sizeof o);
	o.exclude = pats;
	o.nexclude = 4;
	ck_assert(dk_filter_user(&o, "internal_x", "internal_x"));
	ck_assert(dk_filter_user(&o, "_internal_x", "internal_x")); /* .def name matches */
	ck_assert(dk_filter_user(&o, "_dbg@4", "dbg@4"));           /* raw name matches */
	ck_assert(dk_filter_user(&o, "exact", "exact"));
	ck_assert(dk_filter_user(&o, "atmp", "atmp"));
	ck_assert(!dk_filter_user(&o, "exactly", "exactly"));
	ck_assert(!dk_filter_user(&o, "public", "public"));
	ck_assert(!dk_filter_user(&o, "x_internal_", "x_internal_"));
	ck_assert(!dk_filter_user(&o, "tmp", "tmp"));
	o.nexclude = 0;
	ck_assert(!dk_filter_user(&o, "internal_x", "internal_x"));
}
END_TEST

START_TEST(exclude_libs_matching)
{
	const char *libs[1];
	dk_read_opts o;

	memset(&o, 0, sizeof o);
	o.exclude_libs = libs;
	o.nexclude_libs = 1;
	static const char *const forms[] = { "foo", "libfoo", "libfoo.a", NULL };
	for (const char *const *f = forms; *f; f++) {
		libs[0] = *f;
		ck_assert_msg(dk_filter_user_lib(&o, "libfoo.a"), "%s names libfoo.a", *f);
		ck_assert_msg(!dk_filter_user_lib(&o, "libfoobar.a"), "%s names libfoobar.a", *f);
		ck_assert_msg(!dk_filter_user_lib(&o, "libbar.a"), "%s names libbar.a", *f);
	}
	libs[0] = "foo";
	ck_assert(dk_filter_user_lib(&o, "foo.lib"));
	ck_assert(dk_filter_user_lib(&o, "libfoo.dll.a"));
	libs[0] = "libfoo.a";
	ck_assert(!dk_filter_user_lib(&o, "libfoo.dll.a"));
	libs[0] = "ALL";
	ck_assert(dk_filter_user_lib(&o, "libfoo.a"));
	ck_assert(dk_filter_user_lib(&o, "anything.lib"));
	o.nexclude_libs = 0;
	ck_assert(!dk_filter_user_lib(&o, "libfoo.a"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("filter");
	TCase *t = tcase_create("symbols");
	tcase_add_test(t, import_thunks_are_left_out);
	tcase_add_test(t, i386_user_names_that_only_look_like_thunks_are_kept);
	tcase_add_test(t, refptr_is_left_out);
	tcase_add_test(t, compiler_constants_are_left_out);
	tcase_add_test(t, deleting_destructors_are_left_out);
	tcase_add_test(t, entry_points_are_left_out);
	tcase_add_test(t, names_that_merely_start_like_entry_points_are_kept);
	tcase_add_test(t, toolchain_internal_names_are_left_out);
	tcase_add_test(t, ordinary_names_are_kept);
	tcase_add_test(t, skip_reasons_have_text);
	suite_add_tcase(s, t);

	t = tcase_create("runtime");
	tcase_add_test(t, runtime_libraries_are_recognised);
	tcase_add_test(t, user_libraries_are_not_runtime);
	tcase_add_test(t, runtime_objects_are_recognised);
	suite_add_tcase(s, t);

	t = tcase_create("user");
	tcase_add_test(t, exclude_patterns_use_fnmatch_on_either_name);
	tcase_add_test(t, exclude_libs_matching);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
