/* test_model.c - the export model: add, copy, sort, dedupe, check, merge_old. */
#include <stdio.h>
#include "unit.h"
#include "dllkit_private.h"

/* A sink that keeps every diagnostic, one per line, "E: ", "W: " or "N: " first. */
typedef struct all_diags {
	char text[8192];
	unsigned count;
} all_diags;

static void all_diag_fn(void *ctx, const dk_diag *d)
{
	all_diags *a = ctx;
	size_t n = strlen(a->text);
	const char *sev = d->severity == DK_ERROR ? "E" : d->severity == DK_WARNING ? "W" : "N";
	a->count++;
	snprintf(a->text + n, sizeof a->text - n, "%s: %s\n", sev, d->message);
}

#define ALL_SINK(name, store) dk_sink name = { all_diag_fn, &(store), 0, 0 }

/* Add an export with the fields tests care about; every string is copied. */
static dk_export *add(dk_module *m, const char *name, const char *internal, const char *forward,
		      uint32_t ordinal, unsigned flags, const char *origin)
{
	dk_export e;
	dk_export *r;

	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.internal = (char *)internal;
	e.forward = (char *)forward;
	e.ordinal = ordinal;
	e.flags = flags;
	e.origin = (char *)origin;
	r = dk_module_add(m, &e);
	ck_assert_ptr_nonnull(r);
	return r;
}

static const dk_export *find(const dk_module *m, const char *name)
{
	long i = dk_module_find(m, name);
	ck_assert_msg(i >= 0, "export \"%s\" is missing", name);
	return &m->exports[i];
}

/* ------------------------------------------------------------------ */
/* add / copy / free                                                    */
/* ------------------------------------------------------------------ */

START_TEST(add_copies_every_string)
{
	dk_module m;
	char name[] = "func", internal[] = "impl", fwd[] = "k32.F", imp[] = "imp", as[] = "as",
	     origin[] = "a.o";
	dk_export e = { name, internal, fwd, imp, as, 7, DK_EXPORT_DATA, origin, 0x1234, 5 };
	dk_export *r;

	dk_module_init(&m);
	r = dk_module_add(&m, &e);
	ck_assert_ptr_nonnull(r);
	/* The caller's strings may change or go away afterwards. */
	name[0] = internal[0] = fwd[0] = imp[0] = as[0] = origin[0] = 'X';
	ck_assert_str_eq(r->name, "func");
	ck_assert_str_eq(r->internal, "impl");
	ck_assert_str_eq(r->forward, "k32.F");
	ck_assert_str_eq(r->import_name, "imp");
	ck_assert_str_eq(r->export_as, "as");
	ck_assert_str_eq(r->origin, "a.o");
	ck_assert_uint_eq(r->ordinal, 7);
	ck_assert_uint_eq(r->flags, DK_EXPORT_DATA);
	ck_assert_uint_eq(m.nexports, 1);
	dk_module_free(&m);
	ck_assert_uint_eq(m.nexports, 0);
	ck_assert_ptr_null(m.exports);
}
END_TEST

/* dk_module_take moves the strings in, without copying, and leaves the
 * caller's export empty (freeing it afterwards frees nothing twice). */
START_TEST(take_moves_every_string)
{
	dk_module m;
	dk_export e = { strdup("func"), strdup("impl"), NULL, strdup("imp"), NULL, 7,
			DK_EXPORT_DATA, strdup("a.def:3"), 0, 0 };
	char *name = e.name, *origin = e.origin;
	dk_export *r;

	dk_module_init(&m);
	r = dk_module_take(&m, &e);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_eq(r->name, name);
	ck_assert_ptr_eq(r->origin, origin);
	ck_assert_str_eq(r->internal, "impl");
	ck_assert_str_eq(r->import_name, "imp");
	ck_assert_ptr_null(r->forward);
	ck_assert_uint_eq(r->ordinal, 7);
	ck_assert_uint_eq(r->flags, DK_EXPORT_DATA);
	ck_assert_ptr_null(e.name);
	ck_assert_ptr_null(e.internal);
	ck_assert_ptr_null(e.origin);
	ck_assert_uint_eq(m.nexports, 1);
	dk_export_free(&e);
	dk_module_free(&m);
}
END_TEST

START_TEST(add_keeps_unset_fields_null)
{
	dk_module m;
	dk_export *r;

	dk_module_init(&m);
	r = add(&m, "f", NULL, NULL, 0, 0, NULL);
	ck_assert_ptr_null(r->internal);
	ck_assert_ptr_null(r->forward);
	ck_assert_ptr_null(r->import_name);
	ck_assert_ptr_null(r->export_as);
	ck_assert_ptr_null(r->origin);
	dk_module_free(&m);
}
END_TEST

START_TEST(add_grows_past_initial_capacity)
{
	dk_module m;
	char name[32];

	dk_module_init(&m);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof name, "f%04d", i);
		add(&m, name, NULL, NULL, 0, 0, NULL);
	}
	ck_assert_uint_eq(m.nexports, 1000);
	ck_assert_str_eq(m.exports[0].name, "f0000");
	ck_assert_str_eq(m.exports[999].name, "f0999");
	ck_assert_int_eq(dk_module_find(&m, "f0500"), 500);
	ck_assert_int_eq(dk_module_find(&m, "nope"), -1);
	dk_module_free(&m);
}
END_TEST

START_TEST(copy_is_deep)
{
	char name[] = "n", origin[] = "o.o";
	dk_export src = { name, NULL, NULL, NULL, NULL, 3, DK_EXPORT_NONAME, origin, 0x1234, 5 };
	dk_export dst;

	ck_assert_int_eq(dk_export_copy(&dst, &src), DK_OK);
	ck_assert_ptr_ne(dst.name, src.name);
	ck_assert_ptr_ne(dst.origin, src.origin);
	ck_assert_str_eq(dst.name, "n");
	ck_assert_ptr_null(dst.internal);
	ck_assert_uint_eq(dst.ordinal, 3);
	ck_assert_uint_eq(dst.flags, DK_EXPORT_NONAME);
	dk_export_free(&dst);
	ck_assert_ptr_null(dst.name);
}
END_TEST

START_TEST(free_releases_module_statements)
{
	/* Run under ASan/valgrind: every owned string is freed. */
	dk_module m;

	dk_module_init(&m);
	m.name = strdup("x.dll");
	m.description = strdup("d");
	m.stub = strdup("s");
	m.sections = calloc(1, sizeof *m.sections);
	m.sections[0].name = strdup(".shr");
	m.sections[0].attrs = strdup("READ WRITE SHARED");
	m.nsections = 1;
	m.imports = calloc(1, sizeof *m.imports);
	m.imports[0].module = strdup("k32");
	m.imports[0].entry = strdup("F");
	m.nimports = 1;
	add(&m, "f", NULL, NULL, 0, 0, NULL);
	dk_module_free(&m);
	ck_assert_ptr_null(m.name);
	ck_assert_uint_eq(m.nsections, 0);
	dk_module_free(&m); /* a freed module is an empty one */
}
END_TEST

/* ------------------------------------------------------------------ */
/* sort                                                                 */
/* ------------------------------------------------------------------ */

START_TEST(sort_is_byte_order)
{
	dk_module m;
	const char *in[] = { "b", "_a", "B", "a", "?x@@YAXXZ", "@f@8", "\xc3\xa9t\xc3\xa9", "A", "a_" };
	const char *want[] = { "?x@@YAXXZ", "@f@8", "A", "B", "_a", "a", "a_", "b",
			       "\xc3\xa9t\xc3\xa9" };

	dk_module_init(&m);
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		add(&m, in[i], NULL, NULL, 0, 0, NULL);
	dk_module_sort(&m);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_str_eq(m.exports[i].name, want[i]);
	dk_module_free(&m);
}
END_TEST

START_TEST(sort_is_stable)
{
	dk_module m;

	dk_module_init(&m);
	/* Equal names keep the order they came in (origins tell them apart);
	 * enough of them that a non-stable qsort would be likely to shuffle. */
	for (int i = 0; i < 200; i++) {
		char origin[16];
		snprintf(origin, sizeof origin, "%03d.o", i);
		add(&m, i % 2 ? "dup" : "alpha", NULL, NULL, 0, 0, origin);
	}
	dk_module_sort(&m);
	for (int i = 0; i < 100; i++) {
		char a[16], d[16];
		snprintf(a, sizeof a, "%03d.o", 2 * i);
		snprintf(d, sizeof d, "%03d.o", 2 * i + 1);
		ck_assert_str_eq(m.exports[i].name, "alpha");
		ck_assert_str_eq(m.exports[i].origin, a);
		ck_assert_str_eq(m.exports[100 + i].name, "dup");
		ck_assert_str_eq(m.exports[100 + i].origin, d);
	}
	dk_module_free(&m);
}
END_TEST

START_TEST(sort_empty_and_single)
{
	dk_module m;

	dk_module_init(&m);
	dk_module_sort(&m);
	ck_assert_uint_eq(m.nexports, 0);
	add(&m, "only", NULL, NULL, 0, 0, NULL);
	dk_module_sort(&m);
	ck_assert_str_eq(m.exports[0].name, "only");
	/* Adding after a sort still works (capacity survives the sort). */
	for (int i = 0; i < 40; i++)
		add(&m, "more", NULL, NULL, 0, 0, NULL);
	dk_module_sort(&m);
	ck_assert_str_eq(m.exports[40].name, "only");
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dedupe                                                               */
/* ------------------------------------------------------------------ */

START_TEST(dedupe_merges_identical_duplicates_silently)
{
	/* A dllexport class's inline members are emitted, with their export
	 * directive, in every translation unit that uses them. */
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);
	const char *mem = "?get@K@@QAEHXZ";

	dk_module_init(&m);
	add(&m, mem, NULL, NULL, 0, 0, "a.o");
	add(&m, "other", NULL, NULL, 0, 0, "a.o");
	add(&m, mem, NULL, NULL, 0, 0, "b.o");
	add(&m, mem, NULL, NULL, 0, 0, "lib.a(c.o)");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_OK);
	ck_assert_uint_eq(a.count, 0);
	ck_assert_uint_eq(s.errors + s.warnings, 0);
	ck_assert_uint_eq(m.nexports, 2);
	/* First occurrences keep their places and their origin. */
	ck_assert_str_eq(m.exports[0].name, mem);
	ck_assert_str_eq(m.exports[0].origin, "a.o");
	ck_assert_str_eq(m.exports[1].name, "other");
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_fills_fields_one_side_leaves_unset)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);
	const dk_export *e;

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 0, DK_EXPORT_PRIVATE, "a.o");
	add(&m, "f", "impl", NULL, 5, 0, "b.o");
	add(&m, "f", NULL, NULL, 5, DK_EXPORT_NONAME, "c.o");
	add(&m, "g", NULL, "k32.G", 0, 0, "a.o");
	add(&m, "g", NULL, NULL, 9, 0, "b.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_OK);
	ck_assert_msg(a.count == 0, "unexpected diagnostics:\n%s", a.text);
	ck_assert_uint_eq(m.nexports, 2);
	e = find(&m, "f");
	ck_assert_str_eq(e->internal, "impl");
	ck_assert_uint_eq(e->ordinal, 5);
	ck_assert_uint_eq(e->flags, DK_EXPORT_PRIVATE | DK_EXPORT_NONAME);
	ck_assert_str_eq(e->origin, "a.o");
	e = find(&m, "g");
	ck_assert_str_eq(e->forward, "k32.G");
	ck_assert_uint_eq(e->ordinal, 9);
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_two_ordinals_is_error_naming_both_origins)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 3, 0, "a.o");
	add(&m, "f", NULL, NULL, 4, 0, "lib.a(b.o)");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(a.text, "E: "));
	ck_assert_ptr_nonnull(strstr(a.text, "\"f\""));
	ck_assert_ptr_nonnull(strstr(a.text, "a.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "lib.a(b.o)"));
	ck_assert_ptr_nonnull(strstr(a.text, "3"));
	ck_assert_ptr_nonnull(strstr(a.text, "4"));
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_two_internal_names_is_error_naming_both_origins)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "f", "impl1", NULL, 0, 0, "one.o");
	add(&m, "f", "impl2", NULL, 0, 0, "two.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(a.text, "impl1"));
	ck_assert_ptr_nonnull(strstr(a.text, "impl2"));
	ck_assert_ptr_nonnull(strstr(a.text, "one.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "two.o"));
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_two_forward_targets_is_error_naming_both_origins)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "Alloc", NULL, "kernel32.HeapAlloc", 0, 0, "one.o");
	add(&m, "Alloc", NULL, "ntdll.RtlAllocateHeap", 0, 0, "two.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(a.text, "kernel32.HeapAlloc"));
	ck_assert_ptr_nonnull(strstr(a.text, "ntdll.RtlAllocateHeap"));
	ck_assert_ptr_nonnull(strstr(a.text, "one.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "two.o"));
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_internal_name_against_forward_is_error)
{
	/* "f = impl" in one place and "f = k32.F" in another cannot both be
	 * true; merging them would silently drop one. */
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "f", "impl", NULL, 0, 0, "one.o");
	add(&m, "f", NULL, "k32.F", 0, 0, "two.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(a.text, "impl"));
	ck_assert_ptr_nonnull(strstr(a.text, "k32.F"));
	ck_assert_ptr_nonnull(strstr(a.text, "one.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "two.o"));
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_reports_every_conflict_not_just_the_first)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 1, 0, "a.o");
	add(&m, "g", "x", NULL, 0, 0, "a.o");
	add(&m, "f", NULL, NULL, 2, 0, "b.o");
	add(&m, "g", "y", NULL, 0, 0, "b.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_FAIL);
	ck_assert_uint_eq(s.errors, 2);
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_data_against_code_warns_and_keeps_data)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "v", NULL, NULL, 0, 0, "code.o");
	add(&m, "v", NULL, NULL, 0, DK_EXPORT_DATA, "data.o");
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_OK);
	ck_assert_uint_eq(s.errors, 0);
	ck_assert_uint_eq(s.warnings, 1);
	ck_assert_ptr_nonnull(strstr(a.text, "W: "));
	ck_assert_ptr_nonnull(strstr(a.text, "\"v\""));
	/* The message says which side is which. */
	ck_assert_ptr_nonnull(strstr(a.text, "data in data.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "code in code.o"));
	ck_assert_uint_eq(m.nexports, 1);
	ck_assert(m.exports[0].flags & DK_EXPORT_DATA);
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_conflict_uses_where_loc)
{
	dk_module m;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_loc where = dk_loc_file("out.def");

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 1, 0, NULL);
	add(&m, "f", NULL, NULL, 2, 0, NULL);
	ck_assert_int_eq(dk_module_dedupe(&m, &s, &where), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, "out.def"));
	/* No origin recorded: the message still says so rather than crash. */
	ck_assert_ptr_nonnull(strstr(u.last, "(unknown)"));
	dk_module_free(&m);
}
END_TEST

START_TEST(dedupe_no_duplicates_changes_nothing)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "c", NULL, NULL, 0, 0, NULL);
	add(&m, "a", NULL, NULL, 0, 0, NULL);
	add(&m, "b", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_OK);
	ck_assert_uint_eq(m.nexports, 3);
	ck_assert_str_eq(m.exports[0].name, "c");
	ck_assert_str_eq(m.exports[1].name, "a");
	ck_assert_str_eq(m.exports[2].name, "b");
	dk_module_free(&m);
	dk_module_init(&m);
	ck_assert_int_eq(dk_module_dedupe(&m, &s, NULL), DK_OK);
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* check                                                                */
/* ------------------------------------------------------------------ */

START_TEST(check_accepts_ordinals_1_to_65535)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "lo", NULL, NULL, 1, 0, NULL);
	add(&m, "hi", NULL, NULL, 65535, 0, NULL);
	add(&m, "none", NULL, NULL, 0, 0, NULL);
	add(&m, "byord", NULL, NULL, 2, DK_EXPORT_NONAME, NULL);
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_OK);
	ck_assert_uint_eq(a.count, 0);
	dk_module_free(&m);
}
END_TEST

START_TEST(check_rejects_ordinal_above_65535)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "big", NULL, NULL, 65536, 0, "x.def:3");
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(a.text, "65536"));
	ck_assert_ptr_nonnull(strstr(a.text, "\"big\""));
	ck_assert_ptr_nonnull(strstr(a.text, "x.def:3"));
	dk_module_free(&m);
}
END_TEST

START_TEST(check_two_exports_on_one_ordinal_names_both)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "first", NULL, NULL, 7, 0, "a.o");
	add(&m, "mid", NULL, NULL, 8, 0, "a.o");
	add(&m, "second", NULL, NULL, 7, 0, "b.o");
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(a.text, "ordinal 7"));
	ck_assert_ptr_nonnull(strstr(a.text, "\"first\""));
	ck_assert_ptr_nonnull(strstr(a.text, "\"second\""));
	ck_assert_ptr_nonnull(strstr(a.text, "a.o"));
	ck_assert_ptr_nonnull(strstr(a.text, "b.o"));
	dk_module_free(&m);
}
END_TEST

START_TEST(check_noname_without_ordinal_is_error)
{
	/* NONAME means "import me by ordinal only"; without an ordinal the
	 * linker would pick one, and it could change with every build. */
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	add(&m, "hidden", NULL, NULL, 0, DK_EXPORT_NONAME, "a.o");
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(a.text, "\"hidden\""));
	ck_assert_ptr_nonnull(strstr(a.text, "NONAME"));
	ck_assert_ptr_nonnull(strstr(a.text, "a.o"));
	dk_module_free(&m);
}
END_TEST

START_TEST(check_more_than_65535_exports_is_error)
{
	dk_module m;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);
	char name[32];

	dk_module_init(&m);
	for (int i = 0; i < 65535; i++) {
		snprintf(name, sizeof name, "f%d", i);
		add(&m, name, NULL, NULL, 0, 0, NULL);
	}
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_OK);
	add(&m, "one_too_many", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(a.text, "65536"));
	ck_assert_ptr_nonnull(strstr(a.text, "65535"));
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* merge_old                                                            */
/* ------------------------------------------------------------------ */

START_TEST(merge_old_keeps_ordinals_and_flags_of_names_still_present)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);
	const dk_export *e;

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "a", NULL, NULL, 1, 0, NULL);
	add(&old, "b", NULL, NULL, 2, DK_EXPORT_NONAME, NULL);
	add(&old, "c", NULL, NULL, 3, DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, NULL);
	add(&m, "c", NULL, NULL, 0, DK_EXPORT_DATA, "c.o");
	add(&m, "b", NULL, NULL, 0, 0, "b.o");
	add(&m, "a", NULL, NULL, 0, 0, "a.o");
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(a.count, 0);
	e = find(&m, "a");
	ck_assert_uint_eq(e->ordinal, 1);
	ck_assert_uint_eq(e->flags, 0);
	e = find(&m, "b");
	ck_assert_uint_eq(e->ordinal, 2);
	ck_assert_uint_eq(e->flags, DK_EXPORT_NONAME);
	e = find(&m, "c");
	ck_assert_uint_eq(e->ordinal, 3);
	/* DATA comes from the objects, the rest from the old file. */
	ck_assert_uint_eq(e->flags, DK_EXPORT_DATA | DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_new_names_go_above_old_maximum_in_name_order)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "keep", NULL, NULL, 2, 0, NULL);
	add(&old, "retired", NULL, NULL, 10, 0, NULL); /* gone from the new set */
	add(&old, "keep2", NULL, NULL, 5, 0, NULL);
	/* Not in name order on purpose. */
	add(&m, "zeta", NULL, NULL, 0, 0, NULL);
	add(&m, "keep", NULL, NULL, 0, 0, NULL);
	add(&m, "alpha", NULL, NULL, 0, 0, NULL);
	add(&m, "mid", NULL, NULL, 0, 0, NULL);
	add(&m, "keep2", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(find(&m, "keep")->ordinal, 2);
	ck_assert_uint_eq(find(&m, "keep2")->ordinal, 5);
	/* 10 belonged to a retired export: never handed out again. Gaps
	 * below the old maximum (1, 3, 4, 6..9) are not reused either. */
	ck_assert_uint_eq(find(&m, "alpha")->ordinal, 11);
	ck_assert_uint_eq(find(&m, "mid")->ordinal, 12);
	ck_assert_uint_eq(find(&m, "zeta")->ordinal, 13);
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_OK);
	ck_assert_uint_eq(a.count, 0);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_new_ordinals_skip_ones_the_new_set_already_uses)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "a", NULL, NULL, 4, 0, NULL);
	add(&m, "a", NULL, NULL, 0, 0, NULL);
	add(&m, "fixed", NULL, NULL, 6, 0, NULL); /* the user gave it ,@6 */
	add(&m, "new", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(find(&m, "fixed")->ordinal, 6);
	ck_assert_uint_eq(find(&m, "new")->ordinal, 7);
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_OK);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_without_ordinals_assigns_none)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "a", NULL, NULL, 0, DK_EXPORT_PRIVATE, NULL);
	add(&m, "a", NULL, NULL, 0, 0, NULL);
	add(&m, "b", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(find(&m, "a")->ordinal, 0);
	ck_assert_uint_eq(find(&m, "a")->flags, DK_EXPORT_PRIVATE);
	ck_assert_uint_eq(find(&m, "b")->ordinal, 0);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_keeps_an_ordinal_the_new_set_gave)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "a", NULL, NULL, 1, 0, NULL);
	add(&m, "a", NULL, NULL, 40, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(find(&m, "a")->ordinal, 40);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_takes_module_statements_new_lacks)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	old.name = strdup("old.dll");
	old.has_name_stmt = true;
	old.has_base = true;
	old.base = 0x10000000;
	old.has_version = true;
	old.version_major = 2;
	old.version_minor = 5;
	old.has_heap = old.has_heap_commit = true;
	old.heap_reserve = 0x100000;
	old.heap_commit = 0x1000;
	old.has_stack = true;
	old.stack_reserve = 0x200000;
	old.description = strdup("the old one");
	old.stub = strdup("stub.exe");
	old.sections = calloc(1, sizeof *old.sections);
	old.sections[0].name = strdup(".shared");
	old.sections[0].attrs = strdup("READ WRITE SHARED");
	old.nsections = 1;
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_str_eq(m.name, "old.dll");
	ck_assert(m.has_name_stmt);
	ck_assert(!m.is_exe);
	ck_assert(m.has_base);
	ck_assert_uint_eq(m.base, 0x10000000);
	ck_assert(m.has_version);
	ck_assert_uint_eq(m.version_major, 2);
	ck_assert_uint_eq(m.version_minor, 5);
	ck_assert(m.has_heap && m.has_heap_commit);
	ck_assert_uint_eq(m.heap_reserve, 0x100000);
	ck_assert_uint_eq(m.heap_commit, 0x1000);
	ck_assert(m.has_stack && !m.has_stack_commit);
	ck_assert_uint_eq(m.stack_reserve, 0x200000);
	ck_assert_str_eq(m.description, "the old one");
	ck_assert_str_eq(m.stub, "stub.exe");
	ck_assert_uint_eq(m.nsections, 1);
	ck_assert_str_eq(m.sections[0].name, ".shared");
	ck_assert_str_eq(m.sections[0].attrs, "READ WRITE SHARED");
	/* Copies, not shared pointers: both modules free cleanly. */
	ck_assert_ptr_ne(m.name, old.name);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_does_not_override_what_new_has)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	m.name = strdup("new.dll");
	m.has_name_stmt = true;
	m.has_base = true;
	m.base = 0x20000000;
	m.has_version = true;
	m.version_major = 3;
	old.name = strdup("old.exe");
	old.has_name_stmt = true;
	old.is_exe = true;
	old.has_base = true;
	old.base = 0x10000000;
	old.has_version = true;
	old.version_major = 1;
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_str_eq(m.name, "new.dll");
	ck_assert(!m.is_exe);
	ck_assert_uint_eq(m.base, 0x20000000);
	ck_assert_uint_eq(m.version_major, 3);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_takes_import_and_exportas_names)
{
	dk_module m, old;
	dk_export *o;

	dk_module_init(&m);
	dk_module_init(&old);
	o = add(&old, "f@4", NULL, NULL, 1, 0, NULL);
	o->import_name = strdup("f");
	o = add(&old, "g", NULL, NULL, 2, 0, NULL);
	o->export_as = strdup("g2");
	add(&m, "f@4", NULL, NULL, 0, 0, NULL);
	add(&m, "g", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, NULL), DK_OK);
	ck_assert_str_eq(find(&m, "f@4")->import_name, "f");
	ck_assert_str_eq(find(&m, "g")->export_as, "g2");
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST


/* A --kill-at .def (`f = f@4`) keeps the ordinals a released DLL's plain
 * `f` had, and those of an older `f@4 == f` form. */
START_TEST(merge_old_matches_the_exported_name)
{
	dk_module m, old;
	dk_export *o;

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "adler32", NULL, NULL, 1, 0, NULL);
	o = add(&old, "crc32@12", NULL, NULL, 2, 0, NULL);
	o->import_name = strdup("crc32");
	add(&old, "zz", NULL, NULL, 3, 0, NULL);
	add(&m, "adler32", "adler32@12", NULL, 0, 0, NULL);
	add(&m, "crc32", "crc32@12", NULL, 0, 0, NULL);
	add(&m, "new", "new@4", NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, NULL), DK_OK);
	ck_assert_uint_eq(find(&m, "adler32")->ordinal, 1);
	ck_assert_uint_eq(find(&m, "crc32")->ordinal, 2);
	ck_assert_ptr_null(find(&m, "crc32")->import_name);
	ck_assert_uint_eq(find(&m, "new")->ordinal, 4);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_with_duplicate_old_names_uses_the_first)
{
	dk_module m, old;

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "z", NULL, NULL, 9, 0, NULL);
	add(&old, "f", NULL, NULL, 3, 0, NULL);
	add(&old, "a", NULL, NULL, 1, 0, NULL);
	add(&old, "f", NULL, NULL, 4, 0, NULL);
	add(&m, "f", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, NULL), DK_OK);
	ck_assert_uint_eq(find(&m, "f")->ordinal, 3);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_many_exports)
{
	/* 20,000 exports, as large DLLs have: half keep their ordinals, the
	 * other half are new and go above the old maximum in name order. */
	enum { N = 20000 };
	dk_module m, old;
	char name[32];
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "fn%05d", i);
		add(&old, name, NULL, NULL, (uint32_t)(2 * i + 1), 0, NULL);
	}
	for (int i = N - 1; i >= N / 2; i--) { /* backwards: order must not matter */
		snprintf(name, sizeof name, "fn%05d", i);
		add(&m, name, NULL, NULL, 0, 0, NULL);
		snprintf(name, sizeof name, "new%05d", i);
		add(&m, name, NULL, NULL, 0, 0, NULL);
	}
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	for (size_t i = 0; i < m.nexports; i++) {
		const dk_export *e = &m.exports[i];
		int k = atoi(e->name + (e->name[0] == 'f' ? 2 : 3));
		uint32_t want = e->name[0] == 'f' ? (uint32_t)(2 * k + 1)
						  : (uint32_t)(2 * N - 1 + 1 + (k - N / 2));
		ck_assert_msg(e->ordinal == want, "%s: ordinal %u, want %u", e->name,
			      (unsigned)e->ordinal, (unsigned)want);
	}
	ck_assert_int_eq(dk_module_check(&m, &s, NULL), DK_OK);
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

START_TEST(merge_old_errors_when_no_ordinal_is_left)
{
	dk_module m, old;
	all_diags a = { "", 0 };
	ALL_SINK(s, a);

	dk_module_init(&m);
	dk_module_init(&old);
	add(&old, "last", NULL, NULL, 65534, 0, NULL);
	add(&m, "last", NULL, NULL, 0, 0, NULL);
	add(&m, "fits", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_OK);
	ck_assert_uint_eq(find(&m, "fits")->ordinal, 65535);
	dk_module_free(&m);

	dk_module_init(&m);
	add(&m, "last", NULL, NULL, 0, 0, NULL);
	add(&m, "a_fits", NULL, NULL, 0, 0, NULL);
	add(&m, "b_does_not", NULL, NULL, 0, 0, NULL);
	ck_assert_int_eq(dk_module_merge_old(&m, &old, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(a.text, "\"b_does_not\""));
	dk_module_free(&m);
	dk_module_free(&old);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("model");
	TCase *t = tcase_create("add");
	tcase_add_test(t, add_copies_every_string);
	tcase_add_test(t, take_moves_every_string);
	tcase_add_test(t, add_keeps_unset_fields_null);
	tcase_add_test(t, add_grows_past_initial_capacity);
	tcase_add_test(t, copy_is_deep);
	tcase_add_test(t, free_releases_module_statements);
	suite_add_tcase(s, t);

	t = tcase_create("sort");
	tcase_add_test(t, sort_is_byte_order);
	tcase_add_test(t, sort_is_stable);
	tcase_add_test(t, sort_empty_and_single);
	suite_add_tcase(s, t);

	t = tcase_create("dedupe");
	tcase_add_test(t, dedupe_merges_identical_duplicates_silently);
	tcase_add_test(t, dedupe_fills_fields_one_side_leaves_unset);
	tcase_add_test(t, dedupe_two_ordinals_is_error_naming_both_origins);
	tcase_add_test(t, dedupe_two_internal_names_is_error_naming_both_origins);
	tcase_add_test(t, dedupe_two_forward_targets_is_error_naming_both_origins);
	tcase_add_test(t, dedupe_internal_name_against_forward_is_error);
	tcase_add_test(t, dedupe_reports_every_conflict_not_just_the_first);
	tcase_add_test(t, dedupe_data_against_code_warns_and_keeps_data);
	tcase_add_test(t, dedupe_conflict_uses_where_loc);
	tcase_add_test(t, dedupe_no_duplicates_changes_nothing);
	suite_add_tcase(s, t);

	t = tcase_create("check");
	tcase_set_timeout(t, 30);
	tcase_add_test(t, check_accepts_ordinals_1_to_65535);
	tcase_add_test(t, check_rejects_ordinal_above_65535);
	tcase_add_test(t, check_two_exports_on_one_ordinal_names_both);
	tcase_add_test(t, check_noname_without_ordinal_is_error);
	tcase_add_test(t, check_more_than_65535_exports_is_error);
	suite_add_tcase(s, t);

	t = tcase_create("merge_old");
	tcase_add_test(t, merge_old_keeps_ordinals_and_flags_of_names_still_present);
	tcase_add_test(t, merge_old_new_names_go_above_old_maximum_in_name_order);
	tcase_add_test(t, merge_old_new_ordinals_skip_ones_the_new_set_already_uses);
	tcase_add_test(t, merge_old_without_ordinals_assigns_none);
	tcase_add_test(t, merge_old_keeps_an_ordinal_the_new_set_gave);
	tcase_add_test(t, merge_old_takes_module_statements_new_lacks);
	tcase_add_test(t, merge_old_does_not_override_what_new_has);
	tcase_add_test(t, merge_old_takes_import_and_exportas_names);
	tcase_add_test(t, merge_old_matches_the_exported_name);
	tcase_add_test(t, merge_old_with_duplicate_old_names_uses_the_first);
	tcase_add_test(t, merge_old_many_exports);
	tcase_add_test(t, merge_old_errors_when_no_ordinal_is_left);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
