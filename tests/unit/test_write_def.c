/*
 * test_write_def.c - the .def writer (lib/write_def.c).
 *
 * The writer's layout, what it quotes, what it refuses (every bad name
 * reported, with nothing written), moved here unchanged from
 * test_read_def.c (the parser reads back what is written; the long round
 * trips over hostile and random modules stay there).
 */
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include "unit.h"

/* ------------------------------------------------------------------ */
/* Scaffolding                                                          */
/* ------------------------------------------------------------------ */

static dk_module M;
static unit_diags D;
static dk_sink S;

static void setup(void)
{
	dk_module_init(&M);
	memset(&D, 0, sizeof D);
	S = (dk_sink){ unit_diag_fn, &D, 0, 0 };
}

static void teardown(void)
{
	dk_module_free(&M);
}

/* A sink that keeps every diagnostic, for the many-errors tests. */
typedef struct diag_list {
	char msg[16][300];
	unsigned n;
} diag_list;

static void list_fn(void *ctx, const dk_diag *d)
{
	diag_list *l = ctx;
	if (l->n < 16)
		snprintf(l->msg[l->n], sizeof l->msg[0], "%s:%u:%u: %s", d->loc.file ? d->loc.file : "",
			 d->loc.line, d->loc.column, d->message);
	l->n++;
}

/* Write M; must succeed. The caller frees. */
static char *write_ok(const dk_module *m)
{
	char *out = NULL;
	size_t len = 0;
	int rc = dk_def_write(m, &out, &len, &S);

	ck_assert_msg(rc == DK_OK, "dk_def_write failed: %s", D.last);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

/* Build an export (strings are copied by dk_module_add). */
static void add(dk_module *m, const char *name, const char *internal, const char *forward, uint32_t ordinal,
		unsigned flags, const char *import_name, const char *export_as)
{
	dk_export e;

	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.internal = (char *)internal;
	e.forward = (char *)forward;
	e.ordinal = ordinal;
	e.flags = flags;
	e.import_name = (char *)import_name;
	e.export_as = (char *)export_as;
	ck_assert_ptr_nonnull(dk_module_add(m, &e));
}

static void add_section(dk_module *m, const char *name, const char *attrs)
{
	m->sections = realloc(m->sections, (m->nsections + 1) * sizeof *m->sections);
	ck_assert_ptr_nonnull(m->sections);
	m->sections[m->nsections].name = strdup(name);
	m->sections[m->nsections].attrs = attrs ? strdup(attrs) : NULL;
	m->nsections++;
}

static void add_import(dk_module *m, const char *internal, const char *module, const char *entry)
{
	m->imports = realloc(m->imports, (m->nimports + 1) * sizeof *m->imports);
	ck_assert_ptr_nonnull(m->imports);
	m->imports[m->nimports].internal = internal ? strdup(internal) : NULL;
	m->imports[m->nimports].module = strdup(module);
	m->imports[m->nimports].entry = strdup(entry);
	m->nimports++;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Section attributes: NULL and "" both mean none. */
static bool attrs_same(const char *a, const char *b)
{
	return str_same(a ? a : "", b ? b : "");
}

/*
 * parse(write(m)) must equal m field by field: everything a .def file can
 * say (not the exports' origin, not the machine).  `ctx` says which case.
 */
static void check_same_module(const dk_module *a, const dk_module *b, const char *ctx)
{
#define SAME(cond, field) ck_assert_msg(cond, "%s: field %s differs", ctx, field)
	SAME(str_same(a->name, b->name), "name");
	SAME(a->is_exe == b->is_exe, "is_exe");
	SAME(a->has_name_stmt == b->has_name_stmt, "has_name_stmt");
	SAME(a->has_base == b->has_base && a->base == b->base, "base");
	SAME(a->has_heap == b->has_heap && a->heap_reserve == b->heap_reserve, "heap_reserve");
	SAME(a->has_heap_commit == b->has_heap_commit && a->heap_commit == b->heap_commit, "heap_commit");
	SAME(a->has_stack == b->has_stack && a->stack_reserve == b->stack_reserve, "stack_reserve");
	SAME(a->has_stack_commit == b->has_stack_commit && a->stack_commit == b->stack_commit, "stack_commit");
	SAME(a->has_version == b->has_version, "has_version");
	if (a->has_version)
		SAME(a->version_major == b->version_major && a->version_minor == b->version_minor, "version");
	SAME(str_same(a->description, b->description), "description");
	SAME(str_same(a->stub, b->stub), "stub");
	SAME(a->nsections == b->nsections, "nsections");
	for (size_t i = 0; i < a->nsections; i++) {
		SAME(str_same(a->sections[i].name, b->sections[i].name), "sections[].name");
		SAME(attrs_same(a->sections[i].attrs, b->sections[i].attrs), "sections[].attrs");
	}
	SAME(a->nimports == b->nimports, "nimports");
	for (size_t i = 0; i < a->nimports; i++) {
		SAME(str_same(a->imports[i].internal, b->imports[i].internal), "imports[].internal");
		SAME(str_same(a->imports[i].module, b->imports[i].module), "imports[].module");
		SAME(str_same(a->imports[i].entry, b->imports[i].entry), "imports[].entry");
	}
	SAME(a->nexports == b->nexports, "nexports");
	for (size_t i = 0; i < a->nexports; i++) {
		const dk_export *x = &a->exports[i], *y = &b->exports[i];
		char f[64];
#define SAME_E(cond, field)                                                                    \
	do {                                                                                   \
		snprintf(f, sizeof f, "exports[%zu].%s", i, field);                            \
		ck_assert_msg(cond, "%s: field %s differs (export \"%s\" vs \"%s\")", ctx, f,  \
			      x->name ? x->name : "(null)", y->name ? y->name : "(null)");     \
	} while (0)
		SAME_E(str_same(x->name, y->name), "name");
		SAME_E(str_same(x->internal, y->internal), "internal");
		SAME_E(str_same(x->forward, y->forward), "forward");
		SAME_E(str_same(x->import_name, y->import_name), "import_name");
		SAME_E(str_same(x->export_as, y->export_as), "export_as");
		SAME_E(x->ordinal == y->ordinal, "ordinal");
		SAME_E(x->flags == y->flags, "flags");
#undef SAME_E
	}
#undef SAME
}

/*
 * The round trip: write m, parse the text, compare field by field, write
 * again and compare the bytes.
 */
static void round_trip(const dk_module *m, const char *ctx)
{
	dk_module back;
	char *t1, *t2;
	size_t l1, l2;
	diag_list dl = { .n = 0 };
	dk_sink ls = { list_fn, &dl, 0, 0 };

	ck_assert_msg(dk_def_write(m, &t1, &l1, &ls) == DK_OK, "%s: write failed: %s", ctx, dl.n ? dl.msg[0] : "");
	dk_module_init(&back);
	ck_assert_msg(dk_def_parse(&back, t1, l1, "rt.def", &ls) == DK_OK, "%s: parse of written text failed: %s\n%s",
		      ctx, dl.n ? dl.msg[0] : "", t1);
	check_same_module(m, &back, ctx);
	ck_assert_msg(dk_def_write(&back, &t2, &l2, &ls) == DK_OK, "%s: second write failed", ctx);
	ck_assert_msg(l1 == l2 && memcmp(t1, t2, l1) == 0, "%s: write/parse/write differs:\n%s\n---\n%s", ctx, t1, t2);
	ck_assert_uint_eq(dl.n, 0);
	free(t1);
	free(t2);
	dk_module_free(&back);
}


/* ------------------------------------------------------------------ */
/* The writer                                                           */
/* ------------------------------------------------------------------ */

START_TEST(write_full_layout)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.name = strdup("foo.dll");
	m.has_name_stmt = true;
	m.has_base = true;
	m.base = 0x10000000;
	m.description = strdup("Foo \"library\"");
	m.has_version = true;
	m.version_major = 1;
	m.version_minor = 2;
	m.has_heap = m.has_heap_commit = true;
	m.heap_reserve = 0x100000;
	m.heap_commit = 0x1000;
	m.has_stack = true;
	m.stack_reserve = 0x200000;
	m.stub = strdup("stub.exe");
	add_section(&m, ".shared", "READ WRITE SHARED");
	add_section(&m, ".bare", NULL);
	add_section(&m, "CODE", "EXECUTE READ");
	add_section(&m, "DATA", "");
	add_section(&m, ".late", "READ");
	add_import(&m, NULL, "DOSCALLS", "DosOpen");
	add_import(&m, "myopen", "DOSCALLS", "70");
	add(&m, "add", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "counter", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	add(&m, "sfunc@8", NULL, NULL, 3, DK_EXPORT_NONAME, NULL, NULL);
	add(&m, "alias", "real", NULL, 0, 0, NULL, NULL);
	add(&m, "fwd", NULL, "kernel32.HeapAlloc", 0, 0, NULL, NULL);
	add(&m, "x", NULL, NULL, 4, DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, "impname", "real_x");
	add(&m, "all", "a_impl", NULL, 5,
	    DK_EXPORT_NONAME | DK_EXPORT_DATA | DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, NULL, NULL);
	out = write_ok(&m);
	/* Numbers in decimal: LLVM's .def parser (llvm-dlltool, lld) reads no hex. */
	ck_assert_str_eq(out, "LIBRARY \"foo.dll\" BASE=268435456\n"
			      "DESCRIPTION 'Foo \"library\"'\n"
			      "VERSION 1.2\n"
			      "HEAPSIZE 1048576,4096\n"
			      "STACKSIZE 2097152\n"
			      "STUB \"stub.exe\"\n"
			      "SECTIONS\n"
			      "    .shared READ WRITE SHARED\n"
			      "    .bare\n"
			      "CODE EXECUTE READ\n"
			      "DATA\n"
			      "SECTIONS\n"
			      "    .late READ\n"
			      "IMPORTS\n"
			      "    DOSCALLS.DosOpen\n"
			      "    myopen = DOSCALLS.70\n"
			      "EXPORTS\n"
			      "    add\n"
			      "    counter DATA\n"
			      "    sfunc@8 @3 NONAME\n"
			      "    alias = real\n"
			      "    fwd = kernel32.HeapAlloc\n"
			      "    x @4 PRIVATE CONSTANT == impname EXPORTAS real_x\n"
			      "    all = a_impl @5 NONAME DATA PRIVATE CONSTANT\n");
	free(out);
	round_trip(&m, "write_full_layout");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_empty_module)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	out = write_ok(&m);
	ck_assert_str_eq(out, "EXPORTS\n");
	free(out);
	round_trip(&m, "empty");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_name_statement_for_exe)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.is_exe = m.has_name_stmt = true;
	m.name = strdup("app.exe");
	out = write_ok(&m);
	ck_assert_str_eq(out, "NAME \"app.exe\"\nEXPORTS\n");
	free(out);
	m.has_base = true;
	m.base = 0x400000;
	free(m.name);
	m.name = NULL;
	out = write_ok(&m);
	ck_assert_str_eq(out, "NAME BASE=4194304\nEXPORTS\n");
	free(out);
	round_trip(&m, "exe");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_library_only_when_asked)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	m.has_name_stmt = true;
	out = write_ok(&m);
	ck_assert_str_eq(out, "LIBRARY\nEXPORTS\n");
	free(out);
	round_trip(&m, "bare LIBRARY");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_keeps_model_order)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	add(&m, "zeta", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "alpha", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "mid", NULL, NULL, 0, 0, NULL, NULL);
	out = write_ok(&m);
	ck_assert_str_eq(out, "EXPORTS\n    zeta\n    alpha\n    mid\n");
	free(out);
	dk_module_free(&m);
}
END_TEST

START_TEST(write_quotes_what_needs_quoting)
{
	static const struct {
		const char *name, *written;
	} cases[] = {
		{ "plain", "plain" },
		{ "HeapSize", "HeapSize" },
		{ "data", "data" },
		{ "exports", "exports" },
		{ "sfunc@8", "sfunc@8" },
		{ "@ffunc@8", "@ffunc@8" },
		{ "f@@8", "f@@8" },
		{ "_f@8", "_f@8" },
		{ "?x@@YAHXZ", "?x@@YAHXZ" },
		{ ".refptr.x", ".refptr.x" },
		{ "caf\xC3\xA9", "caf\xC3\xA9" },
		{ "DATA", "\"DATA\"" },
		{ "NONAME", "\"NONAME\"" },
		{ "EXPORTAS", "\"EXPORTAS\"" },
		{ "BASE", "\"BASE\"" },
		{ "STUB:x", "\"STUB:x\"" },
		{ "1st", "\"1st\"" },
		{ "@5", "\"@5\"" },
		{ "@", "\"@\"" },
		{ "@5x", "\"@5x\"" },
		{ "with space", "\"with space\"" },
		{ "tab\there", "\"tab\there\"" },
		{ "semi;colon", "\"semi;colon\"" },
		{ "a=b", "\"a=b\"" },
		{ "a,b", "\"a,b\"" },
		{ "say\"hi\"", "'say\"hi\"'" },
		{ "it's", "\"it's\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dk_module m;
		char *out, want[200];

		dk_module_init(&m);
		add(&m, cases[i].name, NULL, NULL, 0, 0, NULL, NULL);
		out = write_ok(&m);
		snprintf(want, sizeof want, "EXPORTS\n    %s\n", cases[i].written);
		ck_assert_msg(strcmp(out, want) == 0, "name [%s]: got [%s], want [%s]", cases[i].name, out, want);
		free(out);
		round_trip(&m, cases[i].name);
		dk_module_free(&m);
	}
}
END_TEST

/* Write m; it must fail with exactly `want`. */
static void expect_write_error(dk_module *m, const char *want)
{
	char *out = (char *)1;
	size_t len = 99;

	memset(&D, 0, sizeof D);
	ck_assert_int_eq(dk_def_write(m, &out, &len, &S), DK_FAIL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(D.last, want);
}

START_TEST(write_error_both_quotes)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "a\"b'c", NULL, NULL, 0, 0, NULL, NULL);
	expect_write_error(&m,
			   ":0:0: cannot write export name a\"b'c to a .def file: it contains both quote characters (\" and ')");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_line_break)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "ok", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "a\nb", NULL, NULL, 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export name \"a\\nb\" to a .def file: it contains a line break");
	dk_module_free(&m);
	dk_module_init(&m);
	m.description = strdup("two\r\nlines");
	expect_write_error(&m, ":0:0: cannot write description \"two\\r\\nlines\" to a .def file: it contains a line break");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_every_bad_name_is_reported)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "a\nb", NULL, NULL, 0, 0, NULL, NULL);
	add(&m, "good", "in\"te'rnal", NULL, 0, 0, NULL, NULL);
	add(&m, "c", NULL, NULL, 0, 0, "x\ny", NULL);
	memset(&D, 0, sizeof D);
	{
		char *out;
		size_t len;
		ck_assert_int_eq(dk_def_write(&m, &out, &len, &S), DK_FAIL);
	}
	ck_assert_uint_eq(D.count, 3);
	ck_assert_str_eq(D.last, ":0:0: cannot write import name \"x\\ny\" to a .def file: it contains a line break");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_dotted_internal_name)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", "f.part.0", NULL, 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its internal name \"f.part.0\" contains '.', "
			       "which linkers read as a forwarder");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_forward_without_module)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", NULL, "nodot", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its forward target \"nodot\" is not module.function");
	dk_module_free(&m);
	dk_module_init(&m);
	add(&m, "f", NULL, ".x", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": its forward target \".x\" is not module.function");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_internal_and_forward)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", "g", "k.h", 0, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": it has both an internal name and a forward target");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_out_of_range_numbers)
{
	dk_module m;

	dk_module_init(&m);
	add(&m, "f", NULL, NULL, 70000, 0, NULL, NULL);
	expect_write_error(&m, ":0:0: cannot write export \"f\": ordinal 70000 is out of range 1..65535");
	dk_module_free(&m);
	dk_module_init(&m);
	m.has_version = true;
	m.version_major = 1;
	m.version_minor = 65536;
	expect_write_error(&m, ":0:0: cannot write VERSION 1.65536: each part must be in 0..65535");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_error_bad_section_attrs_and_imports)
{
	dk_module m;

	dk_module_init(&m);
	add_section(&m, ".x", "READ  WRITE");
	expect_write_error(&m, ":0:0: cannot write the attributes \"READ  WRITE\" of section \".x\": "
			       "expected words and quoted words one space apart");
	dk_module_free(&m);
	dk_module_init(&m);
	add_section(&m, ".x", "A=B");
	ck_assert_int_eq(dk_def_write(&m, &(char *){ NULL }, &(size_t){ 0 }, &S), DK_FAIL);
	dk_module_free(&m);
	dk_module_init(&m);
	add_section(&m, ".x", "'open");
	ck_assert_int_eq(dk_def_write(&m, &(char *){ NULL }, &(size_t){ 0 }, &S), DK_FAIL);
	dk_module_free(&m);
	dk_module_init(&m);
	add_import(&m, NULL, "mod", "e.f");
	expect_write_error(&m, ":0:0: cannot write import entry \"e.f\" of module \"mod\": it contains '.'");
	dk_module_free(&m);
	dk_module_init(&m);
	add_import(&m, NULL, "", "e");
	expect_write_error(&m, ":0:0: cannot write an import without a module and an entry name");
	dk_module_free(&m);
}
END_TEST

START_TEST(write_with_null_outlen_and_sink)
{
	dk_module m;
	char *out;

	dk_module_init(&m);
	add(&m, "a", NULL, NULL, 0, 0, NULL, NULL);
	ck_assert_int_eq(dk_def_write(&m, &out, NULL, NULL), DK_OK);
	ck_assert_str_eq(out, "EXPORTS\n    a\n");
	free(out);
	add(&m, "b\n", NULL, NULL, 0, 0, NULL, NULL);
	ck_assert_int_eq(dk_def_write(&m, &out, NULL, NULL), DK_FAIL);
	dk_module_free(&m);
}
END_TEST

static Suite *write_def_suite(void)
{
	Suite *s = suite_create("write_def");
	TCase *t;

	t = tcase_create("writer");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, write_full_layout);
	tcase_add_test(t, write_empty_module);
	tcase_add_test(t, write_name_statement_for_exe);
	tcase_add_test(t, write_library_only_when_asked);
	tcase_add_test(t, write_keeps_model_order);
	tcase_add_test(t, write_quotes_what_needs_quoting);
	tcase_add_test(t, write_error_both_quotes);
	tcase_add_test(t, write_error_line_break);
	tcase_add_test(t, write_error_every_bad_name_is_reported);
	tcase_add_test(t, write_error_dotted_internal_name);
	tcase_add_test(t, write_error_forward_without_module);
	tcase_add_test(t, write_error_internal_and_forward);
	tcase_add_test(t, write_error_out_of_range_numbers);
	tcase_add_test(t, write_error_bad_section_attrs_and_imports);
	tcase_add_test(t, write_with_null_outlen_and_sink);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(write_def_suite)
