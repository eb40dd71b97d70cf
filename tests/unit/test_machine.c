/* test_machine.c - the table of Windows machines (lib/machine.c).
 *
 * The first three tests moved unchanged from test_names.c; the others pin
 * the canonical names tools print, every alias, case, and near misses. */
#include <stdio.h>
#include "unit.h"

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
	/* GNU dlltool's and llvm-dlltool's -m spellings */
	ck_assert_int_eq(dk_machine_from_name("i386:x86-64"), DK_MACHINE_AMD64);
	ck_assert_int_eq(dk_machine_from_name("arm_interwork"), DK_MACHINE_ARMNT);
	ck_assert_int_eq(dk_machine_from_name("i386:x86"), DK_MACHINE_UNKNOWN);
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

/* The enum values are the COFF/PE header's Machine field, so a header's
 * value can be compared with them directly. */
START_TEST(machine_values_are_the_coff_header_field)
{
	ck_assert_uint_eq(DK_MACHINE_I386, 0x014c);
	ck_assert_uint_eq(DK_MACHINE_AMD64, 0x8664);
	ck_assert_uint_eq(DK_MACHINE_ARM64, 0xaa64);
	ck_assert_uint_eq(DK_MACHINE_ARM64EC, 0xa641);
	ck_assert_uint_eq(DK_MACHINE_ARMNT, 0x01c4);
	ck_assert_uint_eq(DK_MACHINE_UNKNOWN, 0);
}
END_TEST

/* The names the tools print (the -m spellings of GNU dlltool). */
START_TEST(machine_canonical_names)
{
	ck_assert_str_eq(dk_machine_name(DK_MACHINE_I386), "i386");
	ck_assert_str_eq(dk_machine_name(DK_MACHINE_AMD64), "x86-64");
	ck_assert_str_eq(dk_machine_name(DK_MACHINE_ARM64), "arm64");
	ck_assert_str_eq(dk_machine_name(DK_MACHINE_ARM64EC), "arm64ec");
	ck_assert_str_eq(dk_machine_name(DK_MACHINE_ARMNT), "arm");
}
END_TEST

/* Every alias, in any case; near misses and prefixes are not names. */
START_TEST(machine_every_alias_any_case_no_prefixes)
{
	static const struct {
		const char *s;
		dk_machine m;
	} t[] = {
		{ "i586", DK_MACHINE_I386 },	  { "i486", DK_MACHINE_I386 },	    { "I686", DK_MACHINE_I386 },
		{ "X86", DK_MACHINE_I386 },	  { "amd64", DK_MACHINE_AMD64 },    { "X86-64", DK_MACHINE_AMD64 },
		{ "AArch64", DK_MACHINE_ARM64 },  { "ARM64", DK_MACHINE_ARM64 },    { "ARM64EC", DK_MACHINE_ARM64EC },
		{ "thumb", DK_MACHINE_ARMNT },	  { "armv7", DK_MACHINE_ARMNT },    { "ARM", DK_MACHINE_ARMNT },
		{ "i38", DK_MACHINE_UNKNOWN },	  { "i3866", DK_MACHINE_UNKNOWN },  { "x86-6", DK_MACHINE_UNKNOWN },
		{ "arm64e", DK_MACHINE_UNKNOWN }, { " arm", DK_MACHINE_UNKNOWN },   { "arm ", DK_MACHINE_UNKNOWN },
		{ "i386\n", DK_MACHINE_UNKNOWN }, { "ia64", DK_MACHINE_UNKNOWN }, { "armv8", DK_MACHINE_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(dk_machine_from_name(t[i].s) == t[i].m, "\"%s\": got %#x, want %#x", t[i].s,
			      (unsigned)dk_machine_from_name(t[i].s), (unsigned)t[i].m);
}
END_TEST

/* Unknown values have no properties rather than some default's. */
START_TEST(machine_unknown_value_has_no_properties)
{
	ck_assert_uint_eq(dk_machine_pointer_size((dk_machine)0x1234), 0);
	ck_assert(!dk_machine_underscore((dk_machine)0x1234));
	ck_assert_ptr_null(dk_machine_name((dk_machine)0x0200)); /* IA64: not a target */
}
END_TEST

static Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *t = tcase_create("machine");
	tcase_add_test(t, machine_names_round_trip);
	tcase_add_test(t, machine_aliases);
	tcase_add_test(t, machine_properties);
	tcase_add_test(t, machine_values_are_the_coff_header_field);
	tcase_add_test(t, machine_canonical_names);
	tcase_add_test(t, machine_every_alias_any_case_no_prefixes);
	tcase_add_test(t, machine_unknown_value_has_no_properties);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(machine_suite)
