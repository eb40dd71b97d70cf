/* test_decorate.c - i386 name decoration, and the machine table it rests on. */
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
/* Machines                                                             */
/* ------------------------------------------------------------------ */

START_TEST(machine_names_round_trip)
{
	static const dk_machine ms[] = { DK_MACHINE_I386, DK_MACHINE_AMD64, DK_MACHINE_ARM64,
					 DK_MACHINE_ARM64EC, DK_MACHINE_ARMNT };
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
		const char *n = dk_machine_name(ms[i]);
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(dk_machine_from_name(n), ms[i]);
	}
	ck_assert_ptr_null(dk_machine_name(DK_MACHINE_UNKNOWN));
	ck_assert_ptr_null(dk_machine_name((dk_machine)0x1234));
}
END_TEST

START_TEST(machine_aliases)
{
	ck_assert_int_eq(dk_machine_from_name("i686"), DK_MACHINE_I386);
	ck_assert_int_eq(dk_machine_from_name("x86"), DK_MACHINE_I386);
	ck_assert_int_eq(dk_machine_from_name("x86_64"), DK_MACHINE_AMD64);
	ck_assert_int_eq(dk_machine_from_name("AMD64"), DK_MACHINE_AMD64);
	ck_assert_int_eq(dk_machine_from_name("x64"), DK_MACHINE_AMD64);
	ck_assert_int_eq(dk_machine_from_name("aarch64"), DK_MACHINE_ARM64);
	ck_assert_int_eq(dk_machine_from_name("arm64ec"), DK_MACHINE_ARM64EC);
	ck_assert_int_eq(dk_machine_from_name("armnt"), DK_MACHINE_ARMNT);
	ck_assert_int_eq(dk_machine_from_name("mips"), DK_MACHINE_UNKNOWN);
	ck_assert_int_eq(dk_machine_from_name(""), DK_MACHINE_UNKNOWN);
}
END_TEST

START_TEST(machine_properties)
{
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_I386), 4);
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_ARMNT), 4);
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_AMD64), 8);
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_ARM64), 8);
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_ARM64EC), 8);
	ck_assert_uint_eq(dk_machine_pointer_size(DK_MACHINE_UNKNOWN), 0);
	/* Only i386 puts '_' before C names (armnt does not). */
	ck_assert(dk_machine_underscore(DK_MACHINE_I386));
	ck_assert(!dk_machine_underscore(DK_MACHINE_AMD64));
	ck_assert(!dk_machine_underscore(DK_MACHINE_ARM64));
	ck_assert(!dk_machine_underscore(DK_MACHINE_ARM64EC));
	ck_assert(!dk_machine_underscore(DK_MACHINE_ARMNT));
	ck_assert(!dk_machine_underscore(DK_MACHINE_UNKNOWN));
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

	t = tcase_create("machine");
	tcase_add_test(t, machine_names_round_trip);
	tcase_add_test(t, machine_aliases);
	tcase_add_test(t, machine_properties);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
