/* test_diff.c - dk_module_diff: exports matched by the name the DLL
 * exports, and which changed ordinals are breaks (DK_CHANGE_ORDINAL,
 * counted) and which are a linker's numbering moving
 * (DK_CHANGE_ORDINAL_MOVED, reported but not counted). */
#include "unit.h"

typedef struct seen {
	char text[1024];
	size_t len;
} seen;

static const char *what_word(dk_change c)
{
	switch (c) {
	case DK_CHANGE_ADDED: return "added";
	case DK_CHANGE_REMOVED: return "removed";
	case DK_CHANGE_ORDINAL: return "ordinal";
	case DK_CHANGE_NONAME: return "noname";
	case DK_CHANGE_KIND: return "kind";
	case DK_CHANGE_FORWARD: return "forward";
	case DK_CHANGE_ORDINAL_MOVED: return "moved";
	}
	return "?";
}

static void on_change(void *ctx, dk_change what, const dk_export *a, const dk_export *b)
{
	seen *s = ctx;
	const dk_export *e = a ? a : b;
	s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%s %s;",
				   what_word(what), dk_export_public_name(e));
}

static void add(dk_module *m, const char *name, const char *internal, const char *import_name,
		uint32_t ordinal, unsigned flags)
{
	dk_export e;
	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.internal = (char *)internal;
	e.import_name = (char *)import_name;
	e.ordinal = ordinal;
	e.flags = flags;
	ck_assert_ptr_nonnull(dk_module_add(m, &e));
}

static long diff(const dk_module *a, const dk_module *b, seen *s)
{
	memset(s, 0, sizeof *s);
	return dk_module_diff(a, b, false, on_change, s);
}

/* `f@4 == f` and `f = f@4` are both the export "f". */
START_TEST(matched_by_exported_name)
{
	dk_module def_eq, def_kill, dll;
	seen s;

	dk_module_init(&def_eq);
	dk_module_init(&def_kill);
	dk_module_init(&dll);
	add(&def_eq, "f@4", NULL, "f", 0, 0);
	add(&def_eq, "f2@8", NULL, "f2", 0, 0);
	add(&def_kill, "f", "f@4", NULL, 0, 0);
	add(&def_kill, "f2", "f2@8", NULL, 0, 0);
	add(&dll, "f", NULL, NULL, 1, 0);
	add(&dll, "f2", NULL, NULL, 2, 0);
	dll.ordinals_assigned = true;
	ck_assert_int_eq(diff(&def_eq, &dll, &s), 0);
	ck_assert_str_eq(s.text, "");
	ck_assert_int_eq(diff(&def_kill, &dll, &s), 0);
	ck_assert_int_eq(diff(&def_eq, &def_kill, &s), 0);
	ck_assert_int_eq(diff(&dll, &def_eq, &s), 0);
	dk_module_free(&def_eq);
	dk_module_free(&def_kill);
	dk_module_free(&dll);
}
END_TEST

/* Two images: moves are reported as MOVED and not counted; an addition is. */
START_TEST(linker_numbering_moves_not_counted)
{
	dk_module a, b;
	seen s;

	dk_module_init(&a);
	dk_module_init(&b);
	add(&a, "apple", NULL, NULL, 1, 0);
	add(&a, "kiwi", NULL, NULL, 2, 0);
	add(&b, "apple", NULL, NULL, 1, 0);
	add(&b, "date", NULL, NULL, 2, 0);
	add(&b, "kiwi", NULL, NULL, 3, 0);
	a.ordinals_assigned = b.ordinals_assigned = true;
	ck_assert_int_eq(diff(&a, &b, &s), 1);
	ck_assert_str_eq(s.text, "added date;moved kiwi;");
	/* the old side wrote its ordinals (a .def): the move is a break */
	a.ordinals_assigned = false;
	ck_assert_int_eq(diff(&a, &b, &s), 2);
	ck_assert_str_eq(s.text, "added date;ordinal kiwi;");
	/* only the old side's origin matters */
	a.ordinals_assigned = true;
	b.ordinals_assigned = false;
	ck_assert_int_eq(diff(&a, &b, &s), 1);
	ck_assert_str_eq(s.text, "added date;moved kiwi;");
	dk_module_free(&a);
	dk_module_free(&b);
}
END_TEST

/* NONAME exports are matched by ordinal: one that moves is a removal and
 * an addition, both counted, whoever numbered them. */
START_TEST(noname_moves_are_breaks)
{
	dk_module a, b;
	seen s;

	dk_module_init(&a);
	dk_module_init(&b);
	add(&a, "ord_3", NULL, NULL, 3, DK_EXPORT_NONAME);
	add(&b, "ord_4", NULL, NULL, 4, DK_EXPORT_NONAME);
	a.ordinals_assigned = b.ordinals_assigned = true;
	ck_assert_int_eq(diff(&a, &b, &s), 2);
	ck_assert_str_eq(s.text, "removed ord_3;added ord_4;");
	dk_module_free(&a);
	dk_module_free(&b);
}
END_TEST

/* For one export the moved ordinal comes where the ordinal line would. */
START_TEST(moved_sorts_as_ordinal)
{
	dk_module a, b;
	seen s;

	dk_module_init(&a);
	dk_module_init(&b);
	add(&a, "x", NULL, NULL, 1, 0);
	add(&b, "x", NULL, NULL, 2, DK_EXPORT_DATA);
	a.ordinals_assigned = b.ordinals_assigned = true;
	ck_assert_int_eq(diff(&a, &b, &s), 1);
	ck_assert_str_eq(s.text, "moved x;kind x;");
	dk_module_free(&a);
	dk_module_free(&b);
}
END_TEST

/* A name a .def lists twice is one export: the import library made from
 * the .def (or the DLL) has it once, and that is no difference.  A repeat
 * that says something else is still compared. */
START_TEST(name_listed_twice_is_one_export)
{
	dk_module def, lib, def2;
	seen s;

	dk_module_init(&def);
	dk_module_init(&lib);
	dk_module_init(&def2);
	add(&def, "f", NULL, NULL, 0, 0);
	add(&def, "g", NULL, NULL, 0, 0);
	add(&def, "f", NULL, NULL, 0, 0);
	add(&lib, "f", NULL, NULL, 0, 0);
	add(&lib, "g", NULL, NULL, 0, 0);
	ck_assert_int_eq(diff(&def, &lib, &s), 0);
	ck_assert_str_eq(s.text, "");
	ck_assert_int_eq(diff(&lib, &def, &s), 0);
	ck_assert_int_eq(diff(&def, &def, &s), 0);
	/* gone from the new side: one removal, not two */
	ck_assert_int_eq(diff(&def, &def2, &s), 2);
	ck_assert_str_eq(s.text, "removed f;removed g;");
	/* `f @1` and `f DATA`: the repeat's DATA is a difference */
	add(&def2, "f", NULL, NULL, 1, 0);
	add(&def2, "f", NULL, NULL, 1, DK_EXPORT_DATA);
	add(&def2, "g", NULL, NULL, 0, 0);
	ck_assert_int_eq(diff(&def2, &lib, &s), 1);
	ck_assert_str_eq(s.text, "kind f;");
	/* A set with two different entries of one name compared with itself
	 * has no difference (fuzz_diff: `x = a.#12 EXPORTAS e` and
	 * `y EXPORTAS e` gave two forward changes). */
	ck_assert_int_eq(diff(&def2, &def2, &s), 0);
	ck_assert_str_eq(s.text, "");
	dk_module_free(&def);
	dk_module_free(&lib);
	dk_module_free(&def2);
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *t = tcase_create("rules");
	tcase_add_test(t, matched_by_exported_name);
	tcase_add_test(t, linker_numbering_moves_not_counted);
	tcase_add_test(t, noname_moves_are_breaks);
	tcase_add_test(t, moved_sorts_as_ordinal);
	tcase_add_test(t, name_listed_twice_is_one_export);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(diff_suite)
