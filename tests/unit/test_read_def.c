/*
 * test_read_def.c - the .def parser (the writer: test_write_def.c).
 *
 * One test per behaviour, named for it: the statements, every export form
 * (Microsoft's documentation examples, mingw-w64 and gendef style lines,
 * the GNU/LLVM extensions), every error with its exact line:column, the
 * writer's layout and quoting, and round trips (write -> parse -> write is
 * the identity, and parse(write(m)) equals m field by field) over hostile
 * names and over modules generated from a fixed seed.
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

static void reset(void)
{
	teardown();
	setup();
}

/* The text goes in an exact-size buffer with no NUL after it, so that a
 * read past the end shows under ASan and valgrind. */
static int parse(const char *text)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, text, n);
	rc = dk_def_parse(&M, copy, n, "t.def", &S);
	free(copy);
	return rc;
}

/* Parse text that must be good. */
#define parse_ok(text)                                                                          \
	do {                                                                                    \
		int rc_ = parse(text);                                                          \
		ck_assert_msg(rc_ == DK_OK && D.count == 0, "parse failed: %s", D.last);        \
	} while (0)

/* The export of that name, or fail the test. */
static const dk_export *X(const char *name)
{
	long i = dk_module_find(&M, name);
	ck_assert_msg(i >= 0, "no export named \"%s\" (%zu exports)", name, M.nexports);
	return &M.exports[i];
}

static void check_str(const char *got, const char *want, const char *what)
{
	if (!want)
		ck_assert_msg(got == NULL, "%s: got \"%s\", want NULL", what, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"", what,
			      got ? got : "(null)", want);
}

/* Check one export completely. */
static void check_export(const char *name, const char *internal, const char *forward, uint32_t ordinal,
			 unsigned flags, const char *import_name, const char *export_as)
{
	const dk_export *e = X(name);
	char what[300];

	snprintf(what, sizeof what, "%s.internal", name);
	check_str(e->internal, internal, what);
	snprintf(what, sizeof what, "%s.forward", name);
	check_str(e->forward, forward, what);
	snprintf(what, sizeof what, "%s.import_name", name);
	check_str(e->import_name, import_name, what);
	snprintf(what, sizeof what, "%s.export_as", name);
	check_str(e->export_as, export_as, what);
	ck_assert_msg(e->ordinal == ordinal, "%s.ordinal: got %u, want %u", name, (unsigned)e->ordinal,
		      (unsigned)ordinal);
	ck_assert_msg(e->flags == flags, "%s.flags: got %#x, want %#x", name, e->flags, flags);
}

/*
 * Parse `text` (in a fresh module): it must fail, and the last diagnostic
 * must be exactly `want` ("t.def:line:col: message"), the only one unless
 * `count` says otherwise.
 */
static void expect_errors(const char *text, unsigned count, const char *want)
{
	int rc;

	reset();
	rc = parse(text);
	ck_assert_msg(rc == DK_FAIL, "parse of [%s] succeeded, expected error [%s]", text, want);
	ck_assert_msg(strcmp(D.last, want) == 0, "parse of [%s]:\n got  [%s]\n want [%s]", text, D.last, want);
	ck_assert_msg(D.count == count, "parse of [%s]: %u diagnostics, want %u", text, D.count, count);
	ck_assert_msg(S.errors == count, "sink counted %u errors, want %u", S.errors, count);
}

static void expect_error(const char *text, const char *want)
{
	expect_errors(text, 1, want);
}

#include "unit_def.h"

/* ------------------------------------------------------------------ */
/* Keywords                                                             */
/* ------------------------------------------------------------------ */

START_TEST(keywords_are_upper_case_only)
{
	const char *kw[] = { "NAME", "LIBRARY", "EXPORTS", "IMPORTS", "DESCRIPTION", "HEAPSIZE",
			     "STACKSIZE", "VERSION", "SECTIONS", "SEGMENTS", "STUB", "CODE", "DATA",
			     "EXETYPE", "NONAME", "PRIVATE", "CONSTANT", "EXPORTAS", "BASE" };
	const char *not[] = { "HeapSize", "Version", "Name", "data", "exports", "Exports", "noname",
			      "READ", "WRITE", "SHARED", "EXECUTE", "", "DATA2", "DAT", "EXPORT",
			      "ExeType", "PROTMODE" };
	for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
		ck_assert_msg(dk_def_is_keyword(kw[i]), "%s should be a keyword", kw[i]);
	for (size_t i = 0; i < sizeof not / sizeof not[0]; i++)
		ck_assert_msg(!dk_def_is_keyword(not[i]), "%s should not be a keyword", not[i]);
	ck_assert(!dk_def_is_keyword(NULL));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Statements                                                           */
/* ------------------------------------------------------------------ */

START_TEST(library_plain)
{
	parse_ok("LIBRARY foo.dll\n");
	check_str(M.name, "foo.dll", "name");
	ck_assert(!M.is_exe);
	ck_assert(M.has_name_stmt);
	ck_assert(!M.has_base);
}
END_TEST

START_TEST(library_quoted_with_base)
{
	parse_ok("LIBRARY \"my lib.dll\" BASE=0x10000000\n");
	check_str(M.name, "my lib.dll", "name");
	ck_assert(M.has_base);
	ck_assert_uint_eq(M.base, 0x10000000);
}
END_TEST

START_TEST(library_single_quoted)
{
	parse_ok("LIBRARY 'say \"hi\".dll'\n");
	check_str(M.name, "say \"hi\".dll", "name");
}
END_TEST

START_TEST(library_base_decimal_with_spaces)
{
	parse_ok("LIBRARY foo BASE = 268435456\n");
	ck_assert_uint_eq(M.base, 268435456);
	reset();
	parse_ok("LIBRARY foo BASE=0XABCDEF0123456789\n");
	ck_assert_uint_eq(M.base, 0xABCDEF0123456789ull);
}
END_TEST

START_TEST(library_without_name)
{
	parse_ok("LIBRARY\nEXPORTS\n f\n");
	ck_assert(M.has_name_stmt);
	ck_assert_ptr_null(M.name);
	reset();
	parse_ok("LIBRARY BASE=0x400000\n");
	ck_assert_ptr_null(M.name);
	ck_assert(M.has_base);
	ck_assert_uint_eq(M.base, 0x400000);
}
END_TEST

START_TEST(name_statement_is_exe)
{
	parse_ok("NAME app.exe BASE=0x400000\n");
	check_str(M.name, "app.exe", "name");
	ck_assert(M.is_exe);
	ck_assert(M.has_name_stmt);
	ck_assert_uint_eq(M.base, 0x400000);
}
END_TEST

START_TEST(no_library_statement)
{
	parse_ok("EXPORTS\n f\n");
	ck_assert(!M.has_name_stmt);
	ck_assert_ptr_null(M.name);
}
END_TEST

START_TEST(description_forms)
{
	parse_ok("DESCRIPTION \"My DLL; version 2 = best, 'quoted'\"\n");
	check_str(M.description, "My DLL; version 2 = best, 'quoted'", "description");
	reset();
	parse_ok("DESCRIPTION 'say \"x\"'\n");
	check_str(M.description, "say \"x\"", "description");
	reset();
	parse_ok("DESCRIPTION single_word\n");
	check_str(M.description, "single_word", "description");
	reset();
	parse_ok("DESCRIPTION \"\"\n");
	check_str(M.description, "", "description");
}
END_TEST

START_TEST(version_forms)
{
	parse_ok("VERSION 1.2\n");
	ck_assert(M.has_version);
	ck_assert_uint_eq(M.version_major, 1);
	ck_assert_uint_eq(M.version_minor, 2);
	reset();
	parse_ok("VERSION 3\n");
	ck_assert_uint_eq(M.version_major, 3);
	ck_assert_uint_eq(M.version_minor, 0);
	reset();
	parse_ok("VERSION 65535.65535\n");
	ck_assert_uint_eq(M.version_major, 65535);
	ck_assert_uint_eq(M.version_minor, 65535);
}
END_TEST

START_TEST(heapsize_and_stacksize)
{
	parse_ok("HEAPSIZE 0x100000,0x1000\nSTACKSIZE 2097152\n");
	ck_assert(M.has_heap && M.has_heap_commit);
	ck_assert_uint_eq(M.heap_reserve, 0x100000);
	ck_assert_uint_eq(M.heap_commit, 0x1000);
	ck_assert(M.has_stack && !M.has_stack_commit);
	ck_assert_uint_eq(M.stack_reserve, 2097152);
	reset();
	parse_ok("STACKSIZE 1024 , 512\n");
	ck_assert(M.has_stack_commit);
	ck_assert_uint_eq(M.stack_reserve, 1024);
	ck_assert_uint_eq(M.stack_commit, 512);
	reset();
	parse_ok("HEAPSIZE 18446744073709551615\n");
	ck_assert_uint_eq(M.heap_reserve, UINT64_MAX);
}
END_TEST

START_TEST(stub_forms)
{
	parse_ok("STUB \"dos stub.exe\"\n");
	check_str(M.stub, "dos stub.exe", "stub");
	reset();
	parse_ok("STUB:stub.exe\n");
	check_str(M.stub, "stub.exe", "stub");
	reset();
	parse_ok("STUB: 'my stub.exe'\n");
	check_str(M.stub, "my stub.exe", "stub");
	reset();
	parse_ok("STUB plain.exe\n");
	check_str(M.stub, "plain.exe", "stub");
}
END_TEST

START_TEST(sections_statement)
{
	parse_ok("SECTIONS\n"
		 "    .shared READ WRITE SHARED\n"
		 "    \".my data\" READ\n"
		 "    .bare\n"
		 "SEGMENTS _TEXT CLASS 'CODE' PRELOAD\n"
		 "EXPORTS\n f\n");
	ck_assert_uint_eq(M.nsections, 4);
	check_str(M.sections[0].name, ".shared", "name");
	check_str(M.sections[0].attrs, "READ WRITE SHARED", "attrs");
	check_str(M.sections[1].name, ".my data", "name");
	check_str(M.sections[1].attrs, "READ", "attrs");
	check_str(M.sections[2].name, ".bare", "name");
	check_str(M.sections[2].attrs, "", "attrs");
	check_str(M.sections[3].name, "_TEXT", "name");
	check_str(M.sections[3].attrs, "CLASS 'CODE' PRELOAD", "attrs");
	ck_assert_uint_eq(M.nexports, 1);
}
END_TEST

START_TEST(code_and_data_statements_are_sections)
{
	parse_ok("CODE EXECUTE READ\nDATA READ WRITE\nEXPORTS\n f\n");
	ck_assert_uint_eq(M.nsections, 2);
	check_str(M.sections[0].name, "CODE", "name");
	check_str(M.sections[0].attrs, "EXECUTE READ", "attrs");
	check_str(M.sections[1].name, "DATA", "name");
	check_str(M.sections[1].attrs, "READ WRITE", "attrs");
}
END_TEST

START_TEST(data_line_ends_exports)
{
	/* DATA at the start of a line is the DATA statement, even in EXPORTS:
	 * the entry after it is outside any list. */
	ck_assert_int_eq(parse("EXPORTS\n a\nDATA\n b\n"), DK_FAIL);
	ck_assert_str_eq(D.last, "t.def:4:2: unknown statement \"b\"");
	ck_assert_uint_eq(M.nsections, 1);
	check_str(M.sections[0].name, "DATA", "name");
}
END_TEST

START_TEST(imports_statement)
{
	parse_ok("IMPORTS\n"
		 "    DOSCALLS.DosOpen\n"
		 "    myopen = DOSCALLS.70\n"
		 "    x=my.module.entry\n");
	ck_assert_uint_eq(M.nimports, 3);
	ck_assert_ptr_null(M.imports[0].internal);
	check_str(M.imports[0].module, "DOSCALLS", "module");
	check_str(M.imports[0].entry, "DosOpen", "entry");
	check_str(M.imports[1].internal, "myopen", "internal");
	check_str(M.imports[1].module, "DOSCALLS", "module");
	check_str(M.imports[1].entry, "70", "entry");
	check_str(M.imports[2].internal, "x", "internal");
	check_str(M.imports[2].module, "my.module", "module");
	check_str(M.imports[2].entry, "entry", "entry");
	ck_assert_uint_eq(M.nexports, 0);
}
END_TEST

START_TEST(imports_quoted_whole)
{
	parse_ok("IMPORTS\n \"sp ace.f\"\n");
	check_str(M.imports[0].module, "sp ace", "module");
	check_str(M.imports[0].entry, "f", "entry");
}
END_TEST

START_TEST(comments_blank_lines_crlf_bom)
{
	parse_ok("\xEF\xBB\xBF; a comment\r\n"
		 "\r\n"
		 "LIBRARY foo.dll ; trailing comment\r\n"
		 "   \t \r\n"
		 "EXPORTS ; here they come\r\n"
		 "  ; indented comment\r\n"
		 "  a\r\n"
		 "  b@4;comment right after\r\n"
		 "c");
	check_str(M.name, "foo.dll", "name");
	ck_assert_uint_eq(M.nexports, 3);
	X("a");
	X("b@4");
	X("c");
}
END_TEST

START_TEST(empty_and_comment_only_text)
{
	parse_ok("");
	ck_assert_uint_eq(M.nexports, 0);
	parse_ok("; nothing\n\n;\n");
	ck_assert_uint_eq(M.nexports, 0);
	ck_assert_int_eq(dk_def_parse(&M, NULL, 0, "t.def", &S), DK_OK);
}
END_TEST

START_TEST(text_need_not_be_nul_terminated)
{
	const char text[] = "EXPORTS\n abc\n defXXXX";
	/* Stop right after "def": the XXXX is not part of the text. */
	ck_assert_int_eq(dk_def_parse(&M, text, sizeof text - 1 - 4, "t.def", &S), DK_OK);
	ck_assert_uint_eq(M.nexports, 2);
	X("def");
}
END_TEST

START_TEST(mixed_case_keywords_are_names)
{
	parse_ok("EXPORTS\n"
		 "HeapSize\n"
		 "Version\n"
		 "Name\n"
		 "data\n"
		 "exports\n"
		 "Library\n"
		 "noname @3\n"
		 "Stub:x\n");
	ck_assert_uint_eq(M.nexports, 8);
	check_export("HeapSize", NULL, NULL, 0, 0, NULL, NULL);
	check_export("Version", NULL, NULL, 0, 0, NULL, NULL);
	check_export("data", NULL, NULL, 0, 0, NULL, NULL);
	check_export("noname", NULL, NULL, 3, 0, NULL, NULL);
	X("Stub:x");
}
END_TEST

START_TEST(statements_in_any_order_and_exports_twice)
{
	parse_ok("EXPORTS\n a\nLIBRARY x.dll\nEXPORTS b\n c\nVERSION 2.1\n");
	ck_assert_uint_eq(M.nexports, 3);
	ck_assert_str_eq(M.exports[1].name, "b");
	ck_assert_uint_eq(M.version_major, 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Export forms                                                         */
/* ------------------------------------------------------------------ */

START_TEST(export_microsoft_doc_example)
{
	/* From Microsoft's EXPORTS documentation. */
	parse_ok("EXPORTS\n"
		 "   DllCanUnloadNow      @1          PRIVATE\n"
		 "   DllWindowName = WindowName       DATA\n"
		 "   DllGetClassObject    @4 NONAME   PRIVATE\n"
		 "   DllRegisterServer    @7\n"
		 "   DllUnregisterServer\n");
	ck_assert_uint_eq(M.nexports, 5);
	check_export("DllCanUnloadNow", NULL, NULL, 1, DK_EXPORT_PRIVATE, NULL, NULL);
	check_export("DllWindowName", "WindowName", NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	check_export("DllGetClassObject", NULL, NULL, 4, DK_EXPORT_NONAME | DK_EXPORT_PRIVATE, NULL, NULL);
	check_export("DllRegisterServer", NULL, NULL, 7, 0, NULL, NULL);
	check_export("DllUnregisterServer", NULL, NULL, 0, 0, NULL, NULL);
}
END_TEST

START_TEST(export_microsoft_forwarders)
{
	/* Microsoft: "func2=other_module.func1" and "func2=other_module.#42". */
	parse_ok("EXPORTS\n"
		 "   func1=func2\n"
		 "   func2=other_module.func1\n"
		 "   func3=other_module.#42\n"
		 "   fwd = kernel32.HeapAlloc\n"
		 "   RtlFoo = ntdll.RtlFoo @9\n");
	check_export("func1", "func2", NULL, 0, 0, NULL, NULL);
	check_export("func2", NULL, "other_module.func1", 0, 0, NULL, NULL);
	check_export("func3", NULL, "other_module.#42", 0, 0, NULL, NULL);
	check_export("fwd", NULL, "kernel32.HeapAlloc", 0, 0, NULL, NULL);
	check_export("RtlFoo", NULL, "ntdll.RtlFoo", 9, 0, NULL, NULL);
}
END_TEST

START_TEST(export_leading_dot_internal_is_not_forwarder)
{
	parse_ok("EXPORTS\n x = .refptr.x\n y = .text\n z = ..a\n");
	check_export("x", ".refptr.x", NULL, 0, 0, NULL, NULL);
	check_export("y", ".text", NULL, 0, 0, NULL, NULL);
	check_export("z", "..a", NULL, 0, 0, NULL, NULL);
}
END_TEST

START_TEST(export_quoted_forwarder_is_still_forwarder)
{
	/* Quoting does not change meaning: linkers read a dotted target as a forwarder. */
	parse_ok("EXPORTS\n x = \"my mod.f\"\n");
	check_export("x", NULL, "my mod.f", 0, 0, NULL, NULL);
}
END_TEST

START_TEST(export_i386_decorated_names)
{
	parse_ok("EXPORTS\n"
		 "  sfunc@8\n"
		 "  @ffunc@8\n"
		 "  vfunc@@16\n"
		 "  _cfunc\n"
		 "  _sfunc@8\n"
		 "  ?x@@YAHXZ\n"
		 "  ??0Foo@@QAE@XZ @2\n"
		 "  ??_7Foo@@6B@ DATA\n"
		 "  @f@8 @3\n");
	ck_assert_uint_eq(M.nexports, 9);
	check_export("sfunc@8", NULL, NULL, 0, 0, NULL, NULL);
	check_export("@ffunc@8", NULL, NULL, 0, 0, NULL, NULL);
	check_export("vfunc@@16", NULL, NULL, 0, 0, NULL, NULL);
	check_export("_sfunc@8", NULL, NULL, 0, 0, NULL, NULL);
	check_export("?x@@YAHXZ", NULL, NULL, 0, 0, NULL, NULL);
	check_export("??0Foo@@QAE@XZ", NULL, NULL, 2, 0, NULL, NULL);
	check_export("??_7Foo@@6B@", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	check_export("@f@8", NULL, NULL, 3, 0, NULL, NULL);
}
END_TEST

START_TEST(export_mingw_kernel32_style)
{
	/* Lines as in mingw-w64's lib32/kernel32.def (gendef output). */
	parse_ok(";\n; Definition file of KERNEL32.dll\n; Automatic generated by gendef\n;\n"
		 "LIBRARY \"KERNEL32.dll\"\n"
		 "EXPORTS\n"
		 "AddVectoredExceptionHandler@8 == RtlAddVectoredExceptionHandler\n"
		 "HeapSize@12 == NTDLL.RtlSizeHeap\n"
		 "HeapSize\n"
		 "Version\n"
		 "InterlockedCompareExchange64@20 DATA ; FIXME: this is for Vista+. forwards to NTDLL.x\n"
		 "lstrlenW@4\n"
		 "_hread@12\n");
	check_str(M.name, "KERNEL32.dll", "name");
	check_export("AddVectoredExceptionHandler@8", NULL, NULL, 0, 0, "RtlAddVectoredExceptionHandler", NULL);
	check_export("HeapSize@12", NULL, NULL, 0, 0, "NTDLL.RtlSizeHeap", NULL);
	check_export("HeapSize", NULL, NULL, 0, 0, NULL, NULL);
	check_export("Version", NULL, NULL, 0, 0, NULL, NULL);
	check_export("InterlockedCompareExchange64@20", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	ck_assert_uint_eq(M.nexports, 7);
}
END_TEST

START_TEST(export_ordinal_forms)
{
	parse_ok("EXPORTS\n"
		 " a @1\n"
		 " b @ 2\n"
		 " c@3 @3\n"
		 " d @65535 NONAME\n"
		 " e @0004\n");
	check_export("a", NULL, NULL, 1, 0, NULL, NULL);
	check_export("b", NULL, NULL, 2, 0, NULL, NULL);
	check_export("c@3", NULL, NULL, 3, 0, NULL, NULL);
	check_export("d", NULL, NULL, 65535, DK_EXPORT_NONAME, NULL, NULL);
	check_export("e", NULL, NULL, 4, 0, NULL, NULL);
}
END_TEST

START_TEST(export_flags)
{
	parse_ok("EXPORTS\n"
		 " d DATA\n"
		 " p PRIVATE\n"
		 " c CONSTANT\n"
		 " all @9 NONAME DATA PRIVATE CONSTANT\n");
	check_export("d", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	check_export("p", NULL, NULL, 0, DK_EXPORT_PRIVATE, NULL, NULL);
	check_export("c", NULL, NULL, 0, DK_EXPORT_CONSTANT, NULL, NULL);
	check_export("all", NULL, NULL, 9,
		     DK_EXPORT_NONAME | DK_EXPORT_DATA | DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, NULL, NULL);
}
END_TEST

START_TEST(export_attributes_in_any_order_with_commas)
{
	parse_ok("EXPORTS\n"
		 " a PRIVATE DATA @5 NONAME\n"
		 " b DATA,PRIVATE\n"
		 " c @6, NONAME, DATA\n"
		 " d, @7\n"
		 " e EXPORTAS ee == imp_e @8 CONSTANT\n"
		 " f = g, DATA , PRIVATE\n");
	check_export("a", NULL, NULL, 5, DK_EXPORT_PRIVATE | DK_EXPORT_DATA | DK_EXPORT_NONAME, NULL, NULL);
	check_export("b", NULL, NULL, 0, DK_EXPORT_DATA | DK_EXPORT_PRIVATE, NULL, NULL);
	check_export("c", NULL, NULL, 6, DK_EXPORT_NONAME | DK_EXPORT_DATA, NULL, NULL);
	check_export("d", NULL, NULL, 7, 0, NULL, NULL);
	check_export("e", NULL, NULL, 8, DK_EXPORT_CONSTANT, "imp_e", "ee");
	check_export("f", "g", NULL, 0, DK_EXPORT_DATA | DK_EXPORT_PRIVATE, NULL, NULL);
}
END_TEST

START_TEST(export_equals_spacing)
{
	parse_ok("EXPORTS\n a=b\n c =d\n e= f\n g  =  h\n i==j\n k ==l\n m== n\n");
	check_export("a", "b", NULL, 0, 0, NULL, NULL);
	check_export("c", "d", NULL, 0, 0, NULL, NULL);
	check_export("e", "f", NULL, 0, 0, NULL, NULL);
	check_export("g", "h", NULL, 0, 0, NULL, NULL);
	check_export("i", NULL, NULL, 0, 0, "j", NULL);
	check_export("k", NULL, NULL, 0, 0, "l", NULL);
	check_export("m", NULL, NULL, 0, 0, "n", NULL);
}
END_TEST

START_TEST(export_gnu_import_name_and_exportas)
{
	parse_ok("EXPORTS\n"
		 " x @4 PRIVATE CONSTANT == impname EXPORTAS real_x\n"
		 " y = internal_y == \"imp y\" EXPORTAS 'y as'\n"
		 " #foo EXPORTAS #bar\n");
	check_export("x", NULL, NULL, 4, DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT, "impname", "real_x");
	check_export("y", "internal_y", NULL, 0, 0, "imp y", "y as");
	check_export("#foo", NULL, NULL, 0, 0, NULL, "#bar");
}
END_TEST

START_TEST(export_quoted_names)
{
	parse_ok("EXPORTS\n"
		 " \"with space\"\n"
		 " 'semi;colon' @2\n"
		 " \"DATA\" DATA\n"
		 " \"NONAME\"\n"
		 " \"@5\"\n"
		 " \"1st\" = \"EXPORTS\"\n"
		 " 'a\"b'\n"
		 " \"c'd\"\n"
		 " \"eq=and,comma\"\n");
	check_export("with space", NULL, NULL, 0, 0, NULL, NULL);
	check_export("semi;colon", NULL, NULL, 2, 0, NULL, NULL);
	check_export("DATA", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
	check_export("NONAME", NULL, NULL, 0, 0, NULL, NULL);
	check_export("@5", NULL, NULL, 0, 0, NULL, NULL);
	check_export("1st", "EXPORTS", NULL, 0, 0, NULL, NULL);
	check_export("a\"b", NULL, NULL, 0, 0, NULL, NULL);
	check_export("c'd", NULL, NULL, 0, 0, NULL, NULL);
	check_export("eq=and,comma", NULL, NULL, 0, 0, NULL, NULL);
}
END_TEST

/* `""` names nothing a linker or loader can use; import libraries holding
 * an empty name were written and then refused by every reader. */
START_TEST(export_empty_names_refused)
{
	expect_error("EXPORTS\n  \"\"\n", "t.def:2:3: the export name is empty");
	expect_error("EXPORTS\n  ''\n", "t.def:2:3: the export name is empty");
	expect_error("EXPORTS\n  f = \"\"\n", "t.def:2:7: the name after '=' is empty");
	expect_error("EXPORTS\n  f == \"\"\n", "t.def:2:8: the name after '==' is empty");
	expect_error("EXPORTS\n  f EXPORTAS \"\"\n", "t.def:2:14: the name after EXPORTAS is empty");
	expect_error("EXPORTS\n  \"\" = f @3\n", "t.def:2:3: the export name is empty");
	expect_error("IMPORTS\n  \"\" = m.e\n", "t.def:2:3: the import's name is empty");
	expect_error("IMPORTS\n  i = \"\"\n", "t.def:2:7: the name after '=' is empty");
}
END_TEST

START_TEST(export_quote_inside_word_is_part_of_name)
{
	parse_ok("EXPORTS\n it's\n say\"hi\"\n");
	X("it's");
	X("say\"hi\"");
}
END_TEST

START_TEST(export_on_exports_line)
{
	parse_ok("EXPORTS foo @1\n bar\n");
	check_export("foo", NULL, NULL, 1, 0, NULL, NULL);
	X("bar");
}
END_TEST

START_TEST(export_names_starting_with_digit_and_utf8)
{
	parse_ok("EXPORTS\n 3dfx\n caf\xC3\xA9\n \xE6\x97\xA5\xE6\x9C\xAC @2\n");
	X("3dfx");
	X("caf\xC3\xA9");
	check_export("\xE6\x97\xA5\xE6\x9C\xAC", NULL, NULL, 2, 0, NULL, NULL);
}
END_TEST

START_TEST(export_origin_is_file_and_line)
{
	parse_ok("LIBRARY x\nEXPORTS\n\n a\n b @2\n");
	check_str(X("a")->origin, "t.def:4", "origin");
	check_str(X("b")->origin, "t.def:5", "origin");
}
END_TEST

/* Line numbers of several digits, written in order (the origin is
 * formatted by hand, not by printf). */
START_TEST(export_origin_line_of_several_digits)
{
	char text[2048] = "EXPORTS\n";
	for (int i = 2; i < 120; i++)
		strcat(text, "\n");
	strcat(text, " late\n");
	parse_ok(text);
	check_str(X("late")->origin, "t.def:120", "origin");
}
END_TEST

START_TEST(export_duplicates_are_kept_for_the_model)
{
	/* Duplicates are the model's business (dk_module_dedupe), not the parser's. */
	parse_ok("EXPORTS\n a\n a @1\n");
	ck_assert_uint_eq(M.nexports, 2);
}
END_TEST

START_TEST(export_noname_without_ordinal_is_left_to_the_model)
{
	parse_ok("EXPORTS\n a NONAME\n");
	check_export("a", NULL, NULL, 0, DK_EXPORT_NONAME, NULL, NULL);
}
END_TEST

START_TEST(parse_adds_to_existing_module)
{
	parse_ok("EXPORTS\n a\n");
	parse_ok("EXPORTS\n b\n");
	ck_assert_uint_eq(M.nexports, 2);
}
END_TEST

START_TEST(parse_file_reads_the_file)
{
	char path[] = "/tmp/test_def_XXXXXX";
	int fd = mkstemp(path);
	const char *text = "LIBRARY f.dll\nEXPORTS\n a @1\n bad @0\n";
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(dk_def_parse_file(&M, path, &S), DK_FAIL);
	{
		char want[300];
		snprintf(want, sizeof want, "%s:4:7: ordinal 0 is out of range 1..65535", path);
		ck_assert_str_eq(D.last, want);
	}
	check_str(M.name, "f.dll", "name");
	{
		char origin[300];
		snprintf(origin, sizeof origin, "%s:3", path);
		check_str(X("a")->origin, origin, "origin");
	}
	unlink(path);
}
END_TEST

START_TEST(parse_file_missing)
{
	ck_assert_int_eq(dk_def_parse_file(&M, "/nonexistent/dir/x.def", &S), DK_FAIL);
	ck_assert_str_eq(D.last, "/nonexistent/dir/x.def:0:0: cannot open: No such file or directory");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Constructs seen in real-world .def files (minimal examples of each)  */
/* ------------------------------------------------------------------ */

/* Old Windows SDK samples: NAME, a single-quoted DESCRIPTION and STUB, CODE
 * and DATA lines, decimal sizes, tab-aligned @ordinals. */
START_TEST(real_win16_sample_layout)
{
	parse_ok("NAME\t     demo\n"
		 "DESCRIPTION  'A sample application'\n"
		 "STUB\t     'STUBPROG.EXE'\n"
		 "CODE\t     PRELOAD MOVEABLE DISCARDABLE\n"
		 "DATA\t     PRELOAD MOVEABLE MULTIPLE\n"
		 "HEAPSIZE     1024\n"
		 "STACKSIZE    5120\n"
		 "EXPORTS\n"
		 "\t WndProc\t  \t@1\n"
		 "    AboutProc        @2\n");
	ck_assert(M.is_exe);
	check_str(M.name, "demo", "name");
	check_str(M.description, "A sample application", "description");
	check_str(M.stub, "STUBPROG.EXE", "stub");
	ck_assert_uint_eq(M.nsections, 2);
	check_str(M.sections[0].name, "CODE", "section");
	check_str(M.sections[1].attrs, "PRELOAD MOVEABLE MULTIPLE", "attrs");
	ck_assert(M.has_heap && M.heap_reserve == 1024 && !M.has_heap_commit);
	ck_assert(M.has_stack && M.stack_reserve == 5120);
	check_export("WndProc", NULL, NULL, 1, 0, NULL, NULL);
	check_export("AboutProc", NULL, NULL, 2, 0, NULL, NULL);
}
END_TEST

/* EXETYPE (16-bit Windows, OS/2): link.exe ignores it with a warning
 * (LNK4017); so do we, and the parse succeeds. */
START_TEST(real_exetype_is_ignored_with_a_warning)
{
	ck_assert_int_eq(parse("NAME demo\n"
			       "EXETYPE      WINDOWS 3.0\n"
			       "EXPORTS\n"
			       "  f @1\n"),
			 DK_OK);
	ck_assert_int_eq(D.count, 1);
	ck_assert_msg(strstr(D.last, "t.def:2:1: EXETYPE statement ignored") != NULL, "got %s", D.last);
	ck_assert_uint_eq(M.nexports, 1);
	check_export("f", NULL, NULL, 1, 0, NULL, NULL);
	ck_assert_uint_eq(M.nsections, 0);
	reset();
	/* Alone, and as a statement it ends an EXPORTS list. */
	ck_assert_int_eq(parse("EXETYPE\n"), DK_OK);
	ck_assert_int_eq(D.count, 1);
	reset();
	ck_assert_int_eq(parse("EXPORTS\n a\nEXETYPE WINDOWS\n b\n"), DK_FAIL);
	ck_assert_int_eq(D.count, 2); /* the warning, then the error */
	check_str(D.last, "t.def:4:2: unknown statement \"b\"", "last diagnostic");
	ck_assert_uint_eq(S.errors, 1);
	reset();
	/* In the wrong case it is an ordinary name; as a name it must be quoted. */
	parse_ok("EXPORTS\n ExeType\n \"EXETYPE\"\n");
	X("ExeType");
	X("EXETYPE");
	reset();
	expect_error("NAME demo\nexetype WINDOWS\n",
		     "t.def:2:1: unknown statement \"exetype\"; keywords are upper case (EXETYPE)");
}
END_TEST

START_TEST(real_exetype_name_is_quoted_by_the_writer)
{
	dk_module m;
	char *text;

	dk_module_init(&m);
	add(&m, "EXETYPE", NULL, NULL, 0, 0, NULL, NULL);
	text = write_ok(&m);
	ck_assert_msg(strstr(text, "    \"EXETYPE\"\n") != NULL, "got %s", text);
	free(text);
	round_trip(&m, "EXETYPE as a name");
	dk_module_free(&m);
}
END_TEST

/* Files shared with Unix version scripts (NSS): a ';' glued to the name,
 * '#' text after it, and ";-" markers after the statements. */
START_TEST(real_semicolon_glued_to_names)
{
	parse_ok(";+LIB_1.0 {\n"
		 ";+    global:\n"
		 "LIBRARY mylib\t;-\n"
		 "EXPORTS\t\t;-\n"
		 "first_fn;\n"
		 "second_fn;   # a note\n"
		 ";;hidden_var DATA ;\n"
		 ";+};\n");
	check_str(M.name, "mylib", "name");
	ck_assert_uint_eq(M.nexports, 2);
	X("first_fn");
	X("second_fn");
}
END_TEST

/* "@ n ;": the ordinal apart from '@', then an empty comment. */
START_TEST(real_spaced_ordinal_then_empty_comment)
{
	parse_ok("EXPORTS\n\tfirst @ 1 ;\n\tsecond @ 102 ;\n\tthird                @3                 \n");
	check_export("first", NULL, NULL, 1, 0, NULL, NULL);
	check_export("second", NULL, NULL, 102, 0, NULL, NULL);
	check_export("third", NULL, NULL, 3, 0, NULL, NULL);
}
END_TEST

/* The first export on the EXPORTS line after a tab; no LIBRARY at all. */
START_TEST(real_export_after_tab_on_exports_line)
{
	parse_ok("EXPORTS\tfirst\n\tsecond\n        third\n");
	ck_assert_uint_eq(M.nexports, 3);
	ck_assert(!M.has_name_stmt);
	check_str(M.name, NULL, "name");
	X("first");
}
END_TEST

/* gendef output for GCC-mangled i386 names: a decorated name '=' a plain one. */
START_TEST(real_mangled_decorated_alias)
{
	parse_ok("LIBRARY x.dll\nEXPORTS\n_Z3fooPv@12=foo\n_Z3barv=bar\n");
	check_export("_Z3fooPv@12", "foo", NULL, 0, 0, NULL, NULL);
	check_export("_Z3barv", "bar", NULL, 0, 0, NULL, NULL);
}
END_TEST

/* MSVC runtime names: '$', '?', '@' and backquotes in comments. */
START_TEST(real_msvcrt_style_names)
{
	parse_ok("; \n"
		 "EXPORTS\n"
		 "$I10_OUTPUT\n"
		 "; const  thing::`vftable'\n"
		 "??_7thing@@6B@\n"
		 "?what@thing@@UEBAPEBDXZ\n"
		 ";_old32 = old\n"
		 "old DATA\n");
	ck_assert_uint_eq(M.nexports, 4);
	X("$I10_OUTPUT");
	X("??_7thing@@6B@");
	check_export("old", NULL, NULL, 0, DK_EXPORT_DATA, NULL, NULL);
}
END_TEST

/* Forwarders with DATA, as a stable-ABI forwarding DLL writes them. */
START_TEST(real_forwarders_with_data)
{
	parse_ok("LIBRARY\t\"fwd\"\nEXPORTS\n  Fn=impl99.Fn\n  Obj=impl99.Obj DATA\n");
	check_str(M.name, "fwd", "name");
	check_export("Fn", NULL, "impl99.Fn", 0, 0, NULL, NULL);
	check_export("Obj", NULL, "impl99.Obj", 0, DK_EXPORT_DATA, NULL, NULL);
}
END_TEST

/* Leading blank lines, a NAME with a .sys extension, no final newline. */
START_TEST(real_driver_style_file)
{
	parse_ok("\n\n\n\nNAME DRV.SYS\n\nEXPORTS\n    DrvInit    \n\n\n    DllUnload PRIVATE");
	ck_assert(M.is_exe);
	check_str(M.name, "DRV.SYS", "name");
	check_export("DllUnload", NULL, NULL, 0, DK_EXPORT_PRIVATE, NULL, NULL);
	X("DrvInit");
}
END_TEST

/* Statements found in real files that nobody reads: refused, with where. */
START_TEST(real_unsupported_statements_are_errors)
{
	/* OS/2: LIBRARY options, PROTMODE. */
	expect_errors("LIBRARY lib INITINSTANCE TERMINSTANCE\nPROTMODE\n", 2,
		      "t.def:2:1: unknown statement \"PROTMODE\"");
	reset();
	/* A C comment. */
	expect_error("/* c */\nEXPORTS\n a\n", "t.def:1:1: unknown statement \"/*\"");
	reset();
	/* An unprocessed template line: two names on one line. */
	expect_error("EXPORTS\n@TEMPLATE@ f @1\n",
		     "t.def:2:12: unexpected \"f\" after export name \"@TEMPLATE@\" (one export per "
		     "line); expected @ordinal, NONAME, DATA, PRIVATE, CONSTANT, == name or EXPORTAS name");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Errors, each with its exact line:column                              */
/* ------------------------------------------------------------------ */

START_TEST(error_ordinal_missing_after_at)
{
	expect_error("EXPORTS\n foo @\n", "t.def:2:7: expected an ordinal number after '@'");
	expect_error("EXPORTS\n foo @x\n", "t.def:2:7: expected an ordinal number after '@'");
	expect_error("EXPORTS\n foo @ DATA\n", "t.def:2:8: expected an ordinal number after '@'");
	expect_error("EXPORTS\n foo @ \"5\"\n", "t.def:2:8: expected an ordinal number after '@'");
}
END_TEST

START_TEST(error_ordinal_out_of_range)
{
	expect_error("EXPORTS\n foo @70000\n", "t.def:2:7: ordinal 70000 is out of range 1..65535");
	expect_error("EXPORTS\n foo @0\n", "t.def:2:7: ordinal 0 is out of range 1..65535");
	expect_error("EXPORTS\n foo @ 65536\n", "t.def:2:8: ordinal 65536 is out of range 1..65535");
	expect_error("EXPORTS\n foo @99999999999999999999999\n",
		     "t.def:2:7: ordinal 99999999999999999999999 is out of range 1..65535");
}
END_TEST

START_TEST(error_ordinal_not_decimal)
{
	expect_error("EXPORTS\n foo @5x\n", "t.def:2:7: ordinal \"5x\" is not a decimal number");
	expect_error("EXPORTS\n foo @0x10\n", "t.def:2:7: ordinal \"0x10\" is not a decimal number");
}
END_TEST

START_TEST(error_ordinal_twice)
{
	expect_error("EXPORTS\n foo @1 @2\n", "t.def:2:9: ordinal given twice (@1, then @2)");
}
END_TEST

START_TEST(error_ordinal_without_name)
{
	expect_error("EXPORTS\n @5\n", "t.def:2:2: expected an export name before the ordinal \"@5\"");
	expect_error("EXPORTS\n @5x\n", "t.def:2:2: export name \"@5x\" must be quoted: it starts with '@' and a digit");
	expect_error("EXPORTS\n @ 5\n", "t.def:2:2: expected an export name before the ordinal \"@\"");
}
END_TEST

START_TEST(error_unterminated_quote)
{
	expect_error("EXPORTS\n foo\n \"bar\n", "t.def:3:2: unterminated quoted name");
	expect_error("EXPORTS\n 'bar\"\n", "t.def:2:2: unterminated quoted name");
	expect_error("EXPORTS\n \"bar\r\n", "t.def:2:2: unterminated quoted name");
	expect_error("DESCRIPTION \"abc\n", "t.def:1:13: unterminated quoted text");
	expect_error("LIBRARY \"abc\n", "t.def:1:9: unterminated quoted name");
}
END_TEST

START_TEST(error_unknown_statement)
{
	expect_error("FOO\n", "t.def:1:1: unknown statement \"FOO\"");
	expect_error("LIBRARY x\n  foo\n", "t.def:2:3: unknown statement \"foo\"");
	expect_error("exports\n", "t.def:1:1: unknown statement \"exports\"; keywords are upper case (EXPORTS)");
	expect_errors("exports\n foo\n bar\n", 3, "t.def:3:2: unknown statement \"bar\"");
	expect_error("Library x\n", "t.def:1:1: unknown statement \"Library\"; keywords are upper case (LIBRARY)");
	expect_error("NONAME\n", "t.def:1:1: unknown statement \"NONAME\"");
	expect_error("\"q\"\n", "t.def:1:1: expected a statement (LIBRARY, EXPORTS, ...), found quoted name \"q\"");
	expect_error("= x\n", "t.def:1:1: expected a statement (LIBRARY, EXPORTS, ...), found '='");
}
END_TEST

START_TEST(error_lowercase_attribute)
{
	expect_error("EXPORTS\n foo data\n",
		     "t.def:2:6: unexpected \"data\" after export name; attributes are upper case (DATA)");
	expect_error("EXPORTS\n foo @1 noname\n",
		     "t.def:2:9: unexpected \"noname\" after export name; attributes are upper case (NONAME)");
	expect_error("EXPORTS\n foo Private\n",
		     "t.def:2:6: unexpected \"Private\" after export name; attributes are upper case (PRIVATE)");
}
END_TEST

START_TEST(error_unexpected_word_after_export)
{
	expect_error("EXPORTS\n foo bar\n",
		     "t.def:2:6: unexpected \"bar\" after export name \"foo\" (one export per line); "
		     "expected @ordinal, NONAME, DATA, PRIVATE, CONSTANT, == name or EXPORTAS name");
	expect_error("EXPORTS\n foo \"bar\"\n",
		     "t.def:2:6: unexpected quoted name \"bar\" after export name \"foo\" (one export "
		     "per line); expected @ordinal, NONAME, DATA, PRIVATE, CONSTANT, == name or EXPORTAS "
		     "name");
	expect_error("EXPORTS\n foo @1 = bar\n",
		     "t.def:2:9: unexpected '='; an export's '= internal name' comes right after its name");
	expect_error("EXPORTS\n foo = bar = baz\n",
		     "t.def:2:12: unexpected '='; an export's '= internal name' comes right after its name");
	expect_error("EXPORTS\n foo BASE=1\n",
		     "t.def:2:6: BASE= belongs in the LIBRARY or NAME statement, not after an export");
}
END_TEST

START_TEST(error_missing_names)
{
	expect_error("EXPORTS\n foo =\n", "t.def:2:7: expected a name after '='");
	expect_error("EXPORTS\n foo = ; comment\n", "t.def:2:7: expected a name after '='");
	expect_error("EXPORTS\n foo ==\n", "t.def:2:8: expected a name after '=='");
	expect_error("EXPORTS\n foo EXPORTAS\n", "t.def:2:14: expected a name after EXPORTAS");
	expect_error("EXPORTS\n foo = DATA\n",
		     "t.def:2:8: expected a name after '=', found keyword DATA; quote it (\"DATA\") to use it as a name");
	expect_error("EXPORTS\n foo = = bar\n", "t.def:2:8: expected a name after '=', found '='");
	expect_error("EXPORTS\n foo == , x\n", "t.def:2:9: expected a name after '==', found ','");
}
END_TEST

START_TEST(error_twice_attributes)
{
	expect_error("EXPORTS\n foo == a == b\n", "t.def:2:11: '==' given twice");
	expect_error("EXPORTS\n foo EXPORTAS a EXPORTAS b\n", "t.def:2:17: EXPORTAS given twice");
}
END_TEST

START_TEST(error_keyword_as_export_name)
{
	expect_error("EXPORTS\n NONAME\n",
		     "t.def:2:2: expected an export name, found keyword NONAME; quote it (\"NONAME\") to use it as a name");
	expect_error("EXPORTS BASE\n",
		     "t.def:1:9: expected an export name, found keyword BASE; quote it (\"BASE\") to use it as a name");
	expect_error("EXPORTS\n = foo\n", "t.def:2:2: expected an export name, found '='");
	expect_error("EXPORTS\n , foo\n", "t.def:2:2: expected an export name, found ','");
}
END_TEST

START_TEST(error_commas)
{
	expect_error("EXPORTS\n foo DATA,\n", "t.def:2:11: expected an attribute after ','");
	expect_error("EXPORTS\n foo DATA,,PRIVATE\n", "t.def:2:11: expected an attribute after ','");
}
END_TEST

START_TEST(error_nul_byte)
{
	const char text[] = "EXPORTS\n ab\0c\n";
	reset();
	ck_assert_int_eq(dk_def_parse(&M, text, sizeof text - 1, "t.def", &S), DK_FAIL);
	ck_assert_str_eq(D.last, "t.def:2:4: NUL byte in the text");
	ck_assert_int_eq(D.loc.offset, 11);
}
END_TEST

START_TEST(error_library_statement)
{
	expect_error("LIBRARY a\nLIBRARY b\n",
		     "t.def:2:1: second LIBRARY/NAME statement; the module is already named on line 1");
	expect_error("NAME a\nEXPORTS\n f\nLIBRARY b\n",
		     "t.def:4:1: second LIBRARY/NAME statement; the module is already named on line 1");
	expect_error("LIBRARY a b\n",
		     "t.def:1:11: unexpected \"b\" in LIBRARY statement; expected LIBRARY [name] [BASE=address]");
	expect_error("NAME a b\n", "t.def:1:8: unexpected \"b\" in NAME statement; expected NAME [name] [BASE=address]");
	expect_error("LIBRARY a BASE 5\n", "t.def:1:16: expected '=' after BASE");
	expect_error("LIBRARY a BASE\n", "t.def:1:15: expected '=' after BASE");
	expect_error("LIBRARY a BASE=\n", "t.def:1:16: expected an address after BASE=");
	expect_error("LIBRARY a BASE=0xZZ\n",
		     "t.def:1:16: expected an address (decimal, or hexadecimal with 0x), found \"0xZZ\"");
	expect_error("LIBRARY a BASE=0x\n",
		     "t.def:1:16: expected an address (decimal, or hexadecimal with 0x), found \"0x\"");
	expect_error("LIBRARY a BASE=-1\n",
		     "t.def:1:16: expected an address (decimal, or hexadecimal with 0x), found \"-1\"");
	expect_error("LIBRARY a BASE=0x10000000000000000\n",
		     "t.def:1:16: number 0x10000000000000000 is too large for an address");
	expect_error("LIBRARY EXPORTS\n",
		     "t.def:1:9: unexpected \"EXPORTS\" in LIBRARY statement; expected LIBRARY [name] [BASE=address]");
	/* A module that already has a name statement (parsing into a filled module). */
	reset();
	M.has_name_stmt = true;
	ck_assert_int_eq(parse("LIBRARY b\n"), DK_FAIL);
	ck_assert_str_eq(D.last, "t.def:1:1: second LIBRARY/NAME statement");
}
END_TEST

START_TEST(error_description)
{
	expect_error("DESCRIPTION\n", "t.def:1:12: expected a quoted text after DESCRIPTION");
	expect_error("DESCRIPTION my dll\n",
		     "t.def:1:16: unexpected \"dll\" in DESCRIPTION statement; expected DESCRIPTION \"text\" "
		     "(quote text with spaces)");
	expect_error("DESCRIPTION = x\n", "t.def:1:13: expected a quoted text after DESCRIPTION, found '='");
	expect_error("DESCRIPTION a\nDESCRIPTION b\n", "t.def:2:1: DESCRIPTION given twice");
}
END_TEST

START_TEST(error_version)
{
	expect_error("VERSION\n", "t.def:1:8: expected VERSION major[.minor]");
	expect_error("VERSION x\n", "t.def:1:9: expected VERSION major[.minor], found \"x\"");
	expect_error("VERSION 1.x\n", "t.def:1:9: expected VERSION major[.minor], found \"1.x\"");
	expect_error("VERSION 1.\n", "t.def:1:9: expected VERSION major[.minor], found \"1.\"");
	expect_error("VERSION 1.2.3\n", "t.def:1:9: expected VERSION major[.minor], found \"1.2.3\"");
	expect_error("VERSION 70000\n", "t.def:1:9: version number 70000 is out of range 0..65535");
	expect_error("VERSION 1.70000\n", "t.def:1:11: version number 70000 is out of range 0..65535");
	expect_error("VERSION 1 2\n",
		     "t.def:1:11: unexpected \"2\" in VERSION statement; expected VERSION major[.minor]");
	expect_error("VERSION 1\nVERSION 2\n", "t.def:2:1: VERSION given twice");
}
END_TEST

START_TEST(error_sizes)
{
	expect_error("HEAPSIZE\n", "t.def:1:9: expected a size after HEAPSIZE");
	expect_error("STACKSIZE x\n",
		     "t.def:1:11: expected a size (decimal, or hexadecimal with 0x), found \"x\"");
	expect_error("HEAPSIZE 1,\n", "t.def:1:12: expected a commit size after ','");
	expect_error("HEAPSIZE 1 2\n",
		     "t.def:1:12: unexpected \"2\" in HEAPSIZE statement; expected HEAPSIZE reserve[,commit]");
	expect_error("STACKSIZE 1,2,3\n",
		     "t.def:1:14: unexpected ',' in STACKSIZE statement; expected STACKSIZE reserve[,commit]");
	expect_error("HEAPSIZE 18446744073709551616\n", "t.def:1:10: number 18446744073709551616 is too large for a size");
	expect_error("HEAPSIZE 1\nHEAPSIZE 2\n", "t.def:2:1: HEAPSIZE given twice");
}
END_TEST

START_TEST(error_stub)
{
	expect_error("STUB\n", "t.def:1:5: expected a file name after STUB");
	expect_error("STUB:\n", "t.def:1:6: expected a file name after STUB");
	expect_error("STUB a b\n", "t.def:1:8: unexpected \"b\" in STUB statement; expected STUB \"file\"");
	expect_error("STUB a\nSTUB b\n", "t.def:2:1: STUB given twice");
}
END_TEST

START_TEST(error_sections)
{
	expect_error("SECTIONS\n NONAME READ\n",
		     "t.def:2:2: expected a section name, found keyword NONAME; quote it (\"NONAME\") to use it as a name");
	expect_error("SECTIONS\n .a READ=x\n", "t.def:2:9: unexpected '=' in section attributes");
	expect_error("CODE READ, WRITE\n", "t.def:1:10: unexpected ',' in section attributes");
}
END_TEST

START_TEST(error_imports)
{
	expect_error("IMPORTS\n nodot\n", "t.def:2:2: expected module.entry, found \"nodot\"");
	expect_error("IMPORTS\n x = mod.\n", "t.def:2:6: expected module.entry, found \"mod.\"");
	expect_error("IMPORTS\n .entry\n", "t.def:2:2: expected module.entry, found \".entry\"");
	expect_error("IMPORTS\n a = b.c d\n",
		     "t.def:2:10: unexpected \"d\" in IMPORTS statement; expected [internal=]module.entry");
	expect_error("IMPORTS\n = b.c\n", "t.def:2:2: expected [internal=]module.entry, found '='");
}
END_TEST

START_TEST(error_columns_after_bom_and_crlf)
{
	expect_error("\xEF\xBB\xBF" "EXPORTS\r\n foo @0\r\n", "t.def:2:7: ordinal 0 is out of range 1..65535");
	expect_error("\xEF\xBB\xBF" "FOO\r\n", "t.def:1:1: unknown statement \"FOO\"");
	/* Tabs count as one column. */
	expect_error("EXPORTS\n\t\tfoo\t@0\n", "t.def:2:8: ordinal 0 is out of range 1..65535");
}
END_TEST

START_TEST(error_location_fields)
{
	reset();
	ck_assert_int_eq(parse("EXPORTS\n  foo @0\n"), DK_FAIL);
	ck_assert_uint_eq(D.loc.line, 2);
	ck_assert_uint_eq(D.loc.column, 8);
	ck_assert_int_eq(D.loc.offset, 8 + 7);
}
END_TEST

START_TEST(errors_all_reported_and_parse_goes_on)
{
	/* Several bad lines: every one is reported, the good lines between are
	 * still read, and the parse fails as a whole. */
	diag_list dl = { .n = 0 };
	dk_sink ls = { list_fn, &dl, 0, 0 };
	const char *text = "LIBRARY x.dll\n"
			   "EXPORTS\n"
			   "  good1\n"
			   "  bad1 @0\n"
			   "  good2 @2\n"
			   "  bad2 data\n"
			   "  \"bad3\n"
			   "  good3\n"
			   "VERSION 1.x\n"
			   "EXPORTS\n"
			   "  bad4 @\n"
			   "  good4\n";
	ck_assert_int_eq(dk_def_parse(&M, text, strlen(text), "t.def", &ls), DK_FAIL);
	ck_assert_uint_eq(dl.n, 5);
	ck_assert_uint_eq(ls.errors, 5);
	ck_assert_str_eq(dl.msg[0], "t.def:4:9: ordinal 0 is out of range 1..65535");
	ck_assert_str_eq(dl.msg[1], "t.def:6:8: unexpected \"data\" after export name; attributes are upper case (DATA)");
	ck_assert_str_eq(dl.msg[2], "t.def:7:3: unterminated quoted name");
	ck_assert_str_eq(dl.msg[3], "t.def:9:9: expected VERSION major[.minor], found \"1.x\"");
	ck_assert_str_eq(dl.msg[4], "t.def:11:9: expected an ordinal number after '@'");
	X("good1");
	X("good2");
	X("good3");
	X("good4");
	ck_assert_int_eq(dk_module_find(&M, "bad1"), -1);
}
END_TEST

START_TEST(errors_with_null_sink)
{
	ck_assert_int_eq(dk_def_parse(&M, "FOO\n", 4, NULL, NULL), DK_FAIL);
	ck_assert_int_eq(dk_def_parse(&M, "EXPORTS\n a\n", 11, NULL, NULL), DK_OK);
	check_str(X("a")->origin, "<def>:2", "origin");
}
END_TEST
/* ------------------------------------------------------------------ */
/* Round trips                                                          */
/* ------------------------------------------------------------------ */

/* Names that have broken .def writers and readers. */
static const char *const hostile[] = {
	"DATA", "NONAME", "PRIVATE", "CONSTANT", "EXPORTAS", "BASE", "NAME", "LIBRARY", "EXPORTS",
	"IMPORTS", "DESCRIPTION", "HEAPSIZE", "STACKSIZE", "VERSION", "SECTIONS", "SEGMENTS", "STUB",
	"CODE", "data", "noname", "exports", "HeapSize", "Version", "Name", "with space",
	" leading", "trailing ", "\ttab", "@f@8", "f@@8", "_f@8", "f@8", "@8", "@", "@@", "@0",
	"?x@@YAHXZ", "??0Foo@@QAE@XZ", "??_7Foo@@6B@", "a=b", "a==b", "=", "==", "a,b", ",", ";",
	"a;b", "semi;", "\"", "'", "\"quoted\"", "'single'", "it's", "1", "123abc", "0x10",
	"#1", "#", ".", ".x", "..", "STUB:x", "STUB:", ":x", "x:", "caf\xC3\xA9",
	"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "\xF0\x9F\x98\x80", "\xEF\xBB\xBF\x62om", "a\vb", "a\fb",
	"\x01\x02", "\x7f", "\xff\xfe", "",
};

/* A long name, different each time: very long names must survive too. */
static char *long_name(size_t n, char fill)
{
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(fill + (i % 26));
	s[n] = '\0';
	return s;
}

START_TEST(round_trip_hostile_names_in_every_position)
{
	size_t nh = sizeof hostile / sizeof hostile[0];

	for (size_t i = 0; i < nh; i++) {
		const char *h = hostile[i];
		/* An export's names cannot be empty (the parser refuses `""`
		 * there); the module's statements and sections can. */
		const char *x = h[0] ? h : "x";
		dk_module m;
		char ctx[100];
		char *fwd;

		snprintf(ctx, sizeof ctx, "hostile name #%zu", i);
		dk_module_init(&m);
		m.name = strdup(h);
		m.has_name_stmt = true;
		m.description = strdup(h);
		m.stub = strdup(h);
		add_section(&m, h, "READ");
		add_import(&m, h[0] && !strchr(h, '.') ? h : "m", "mod", h[0] && !strchr(h, '.') ? h : "e");
		add(&m, x, NULL, NULL, 0, 0, NULL, NULL);
		/* as internal name (unless it would read as a forwarder) */
		if (!(h[0] && h[0] != '.' && strchr(h, '.')))
			add(&m, "int", x, NULL, 0, 0, NULL, NULL);
		fwd = malloc(strlen(h) + 8);
		sprintf(fwd, "mod.%s", h);
		add(&m, "fwd", NULL, fwd, 1, 0, NULL, NULL);
		add(&m, "imp", NULL, NULL, 0, DK_EXPORT_DATA, x, x);
		add(&m, "both", x, NULL, 2, DK_EXPORT_NONAME, x, x);
		if (m.exports[m.nexports - 1].internal && strchr(h, '.') && h[0] != '.') {
			free(m.exports[m.nexports - 1].internal);
			m.exports[m.nexports - 1].internal = NULL;
		}
		round_trip(&m, ctx);
		free(fwd);
		dk_module_free(&m);
	}
}
END_TEST

START_TEST(round_trip_every_byte)
{
	/* Every byte value but NUL and the line breaks, alone and inside a name. */
	for (int c = 1; c < 256; c++) {
		dk_module m;
		char one[2] = { (char)c, 0 }, mid[4] = { 'a', (char)c, 'b', 0 }, ctx[32];

		if (c == '\n' || c == '\r')
			continue;
		snprintf(ctx, sizeof ctx, "byte 0x%02x", c);
		dk_module_init(&m);
		add(&m, one, NULL, NULL, 0, 0, NULL, NULL);
		add(&m, mid, NULL, NULL, (unsigned)c, 0, one, mid);
		if (c != '.')
			add(&m, "i", mid, NULL, 0, 0, NULL, NULL);
		round_trip(&m, ctx);
		dk_module_free(&m);
	}
}
END_TEST

START_TEST(round_trip_very_long_names)
{
	dk_module m;
	char *a = long_name(100000, 'a'), *b = long_name(5000, 'A');

	dk_module_init(&m);
	m.name = strdup(b);
	m.has_name_stmt = true;
	add(&m, a, b, NULL, 65535, DK_EXPORT_NONAME, b, a);
	a[3] = ' ';
	add(&m, a, NULL, NULL, 0, 0, NULL, NULL);
	round_trip(&m, "long names");
	dk_module_free(&m);
	free(a);
	free(b);
}
END_TEST

START_TEST(round_trip_real_world_def)
{
	/* Parse a realistic file, write it, parse again: same module, and the
	 * written text is a fixed point. */
	const char *text = "; gendef style\n"
			   "LIBRARY \"KERNEL32.dll\"\n"
			   "EXPORTS\n"
			   "AddVectoredExceptionHandler@8 == RtlAddVectoredExceptionHandler\n"
			   "HeapSize\n"
			   "Version\n"
			   "foo = ntdll.RtlFoo\n"
			   "bar = dll.#3\n"
			   "\"odd name\" @7 NONAME\n"
			   "InterlockedCompareExchange64@20 DATA\n"
			   "DllGetClassObject @4 NONAME PRIVATE\n";
	parse_ok(text);
	round_trip(&M, "real world");
}
END_TEST

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

/*
 * A random name: from the hostile list, or built from an alphabet rich in
 * the characters that matter (@ ? . = , ; space tab quotes digits UTF-8).
 * Only one kind of quote per name (both cannot be written).  `dots`:
 * DOTS_ANY; DOTS_LEADING, a '.' only as the first character (an internal
 * name: otherwise it would be a forwarder); DOTS_NONE (an import entry).
 */
enum { DOTS_ANY, DOTS_LEADING, DOTS_NONE };

static char *rnd_name(int dots, bool nonempty)
{
	static const char *const pieces[] = {
		"a", "b", "Z", "_", "@", "@@", "?", "$", ".", "=", "==", ",", ";", " ", "\t", "#",
		"1", "8", "0", "x", "DATA", "NONAME", "data", "EXPORTS", "STUB", ":", "-", "+",
		"\xC3\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "!", "%", "(", ")", "<", ">", "[", "]",
		"{", "}", "/", "\\", "~", "^", "&", "*", "|", "`",
	};
	char buf[256];
	size_t len = 0;
	char quote = rnd(2) ? '"' : '\'';

	if (rnd(5) == 0) {
		const char *h = hostile[rnd(sizeof hostile / sizeof hostile[0])];
		bool both = strchr(h, '"') && strchr(h, '\'');
		bool dotted = (dots == DOTS_LEADING && h[0] != '.' && strchr(h, '.')) ||
			      (dots == DOTS_NONE && strchr(h, '.'));
		if (!both && !dotted && !(nonempty && !*h))
			return strdup(h);
	}
	for (uint32_t n = 1 + rnd(8), i = 0; i < n; i++) {
		const char *p = rnd(10) == 0 ? (quote == '"' ? "\"" : "'") : pieces[rnd(sizeof pieces / sizeof pieces[0])];
		size_t pl = strlen(p);
		if (len + pl >= sizeof buf)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	buf[len] = '\0';
	if (dots != DOTS_ANY)
		for (size_t i = 1; i < len; i++)
			if (buf[i] == '.')
				buf[i] = '_';
	if (len > 0 && buf[0] == '.' && (dots == DOTS_NONE || (dots == DOTS_LEADING && rnd(2))))
		buf[0] = '_';
	if (nonempty && len == 0)
		return strdup("n");
	return strdup(buf);
}

static uint64_t rnd64(void)
{
	uint64_t v = ((uint64_t)rnd(1u << 31) << 33) ^ ((uint64_t)rnd(1u << 31) << 2) ^ rnd(4);
	return rnd(4) == 0 ? rnd(100) : v;
}

static void rnd_module(dk_module *m)
{
	static const char *const attr_words[] = { "READ", "WRITE", "EXECUTE", "SHARED", "PRELOAD",
						  "CLASS", "'CODE'", "\"x y\"", "DISCARDABLE", "DATA",
						  "'a;b'", "\"it's\"", "r\xC3\xA9" };

	dk_module_init(m);
	if (rnd(3)) {
		m->has_name_stmt = true;
		m->is_exe = rnd(4) == 0;
		if (rnd(5))
			m->name = rnd_name(DOTS_ANY, false);
		if (rnd(3) == 0) {
			m->has_base = true;
			m->base = rnd64();
		}
	}
	if (rnd(4) == 0)
		m->description = rnd_name(DOTS_ANY, false);
	if (rnd(4) == 0) {
		m->has_version = true;
		m->version_major = rnd(65536);
		m->version_minor = rnd(3) ? rnd(65536) : 0;
	}
	if (rnd(4) == 0) {
		m->has_heap = true;
		m->heap_reserve = rnd64();
		if ((m->has_heap_commit = rnd(2)))
			m->heap_commit = rnd64();
	}
	if (rnd(4) == 0) {
		m->has_stack = true;
		m->stack_reserve = rnd64();
		if ((m->has_stack_commit = rnd(2)))
			m->stack_commit = rnd64();
	}
	if (rnd(6) == 0)
		m->stub = rnd_name(DOTS_ANY, false);
	for (uint32_t n = rnd(3) ? 0 : rnd(5), i = 0; i < n; i++) {
		char attrs[200] = "";
		char *name = rnd(6) == 0 ? strdup(rnd(2) ? "CODE" : "DATA") : rnd_name(DOTS_ANY, false);
		for (uint32_t k = rnd(5), j = 0; j < k; j++) {
			if (j)
				strcat(attrs, " ");
			strcat(attrs, attr_words[rnd(sizeof attr_words / sizeof attr_words[0])]);
		}
		add_section(m, name, attrs);
		free(name);
	}
	for (uint32_t n = rnd(4) ? 0 : rnd(4), i = 0; i < n; i++) {
		char *in = rnd(2) ? rnd_name(DOTS_ANY, true) : NULL;
		char *mod = rnd_name(DOTS_ANY, true);
		char *ent = rnd_name(DOTS_NONE, true);
		/* module.entry is written as one name: one kind of quote in all */
		if ((strchr(mod, '"') && strchr(ent, '\'')) || (strchr(mod, '\'') && strchr(ent, '"'))) {
			free(ent);
			ent = strdup("e");
		}
		add_import(m, in, mod, ent);
		free(in);
		free(mod);
		free(ent);
	}
	for (uint32_t n = rnd(30), i = 0; i < n; i++) {
		dk_export e;
		memset(&e, 0, sizeof e);
		e.name = rnd_name(DOTS_ANY, true);
		switch (rnd(6)) {
		case 0:
			e.internal = rnd_name(DOTS_LEADING, true);
			break;
		case 1: {
			char *mod = rnd_name(DOTS_LEADING, true), *fn = rnd(4) ? rnd_name(DOTS_ANY, false) : strdup("#7");
			e.forward = malloc(strlen(mod) + strlen(fn) + 2);
			if (mod[0] == '.')
				mod[0] = 'm';
			if ((strchr(mod, '"') && strchr(fn, '\'')) || (strchr(mod, '\'') && strchr(fn, '"'))) {
				free(fn);
				fn = strdup("f");
			}
			sprintf(e.forward, "%s.%s", mod, fn);
			free(mod);
			free(fn);
			break;
		}
		default:
			break;
		}
		if (rnd(2))
			e.ordinal = 1 + rnd(65535);
		e.flags = rnd(3) ? 0 : rnd(16);
		if (rnd(5) == 0)
			e.import_name = rnd_name(DOTS_ANY, true);
		if (rnd(6) == 0)
			e.export_as = rnd_name(DOTS_ANY, true);
		ck_assert_ptr_nonnull(dk_module_add(m, &e));
		free(e.name);
		free(e.internal);
		free(e.forward);
		free(e.import_name);
		free(e.export_as);
	}
}

START_TEST(round_trip_random_modules)
{
	rng_state = 0x9E3779B97F4A7C15ull; /* fixed seed: failures reproduce */
	for (int i = 0; i < 2000; i++) {
		dk_module m;
		char ctx[64];

		rnd_module(&m);
		snprintf(ctx, sizeof ctx, "random module #%d", i);
		round_trip(&m, ctx);
		dk_module_free(&m);
	}
}
END_TEST

START_TEST(parse_random_garbage_never_crashes)
{
	/* Random lines from .def-ish pieces: the parser may accept or reject,
	 * but must not crash, and an accepted text must round-trip. */
	static const char *const bits[] = {
		"EXPORTS", "LIBRARY", "NAME", "DATA", "CODE", "SECTIONS", "IMPORTS", "VERSION", "STUB",
		"STUB:", "HEAPSIZE", "BASE", "=", "==", "@", "@1", "@ 2", "@0", "@99999", ",", ";",
		"\"", "'", "\"q q\"", "'x'", "NONAME", "PRIVATE", "CONSTANT", "EXPORTAS", "foo", "a.b",
		".x", "1.2", "0x10", " ", "\t", "\n", "\r\n", "\xEF\xBB\xBF", "?x@@Z", "@f@8", "data",
	};
	rng_state = 12345;
	for (int i = 0; i < 3000; i++) {
		char text[400];
		size_t len = 0;
		dk_module m;
		int rc;

		for (uint32_t n = rnd(30), k = 0; k < n; k++) {
			const char *b = bits[rnd(sizeof bits / sizeof bits[0])];
			size_t bl = strlen(b);
			if (len + bl + 1 >= sizeof text)
				break;
			memcpy(text + len, b, bl);
			len += bl;
			if (rnd(2))
				text[len++] = ' ';
		}
		dk_module_init(&m);
		char *exact = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(exact);
		memcpy(exact, text, len);
		rc = dk_def_parse(&m, exact, len, "g.def", NULL);
		free(exact);
		if (rc == DK_OK) {
			/* A word may hold both quote characters (it's"x"), which
			 * no .def text can write back; anything else must round-trip. */
			char *out;
			if (dk_def_write(&m, &out, NULL, NULL) == DK_OK) {
				char ctx[32];
				snprintf(ctx, sizeof ctx, "garbage #%d", i);
				free(out);
				round_trip(&m, ctx);
			}
		}
		dk_module_free(&m);
	}
}
END_TEST

/* ------------------------------------------------------------------ */

static Suite *def_suite(void)
{
	Suite *s = suite_create("def");
	TCase *t;

	t = tcase_create("keywords");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, keywords_are_upper_case_only);
	suite_add_tcase(s, t);

	t = tcase_create("statements");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, library_plain);
	tcase_add_test(t, library_quoted_with_base);
	tcase_add_test(t, library_single_quoted);
	tcase_add_test(t, library_base_decimal_with_spaces);
	tcase_add_test(t, library_without_name);
	tcase_add_test(t, name_statement_is_exe);
	tcase_add_test(t, no_library_statement);
	tcase_add_test(t, description_forms);
	tcase_add_test(t, version_forms);
	tcase_add_test(t, heapsize_and_stacksize);
	tcase_add_test(t, stub_forms);
	tcase_add_test(t, sections_statement);
	tcase_add_test(t, code_and_data_statements_are_sections);
	tcase_add_test(t, data_line_ends_exports);
	tcase_add_test(t, imports_statement);
	tcase_add_test(t, imports_quoted_whole);
	tcase_add_test(t, comments_blank_lines_crlf_bom);
	tcase_add_test(t, empty_and_comment_only_text);
	tcase_add_test(t, text_need_not_be_nul_terminated);
	tcase_add_test(t, mixed_case_keywords_are_names);
	tcase_add_test(t, statements_in_any_order_and_exports_twice);
	tcase_add_test(t, parse_adds_to_existing_module);
	tcase_add_test(t, parse_file_reads_the_file);
	tcase_add_test(t, parse_file_missing);
	suite_add_tcase(s, t);

	t = tcase_create("exports");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, export_microsoft_doc_example);
	tcase_add_test(t, export_microsoft_forwarders);
	tcase_add_test(t, export_leading_dot_internal_is_not_forwarder);
	tcase_add_test(t, export_quoted_forwarder_is_still_forwarder);
	tcase_add_test(t, export_i386_decorated_names);
	tcase_add_test(t, export_mingw_kernel32_style);
	tcase_add_test(t, export_ordinal_forms);
	tcase_add_test(t, export_flags);
	tcase_add_test(t, export_attributes_in_any_order_with_commas);
	tcase_add_test(t, export_equals_spacing);
	tcase_add_test(t, export_gnu_import_name_and_exportas);
	tcase_add_test(t, export_quoted_names);
	tcase_add_test(t, export_empty_names_refused);
	tcase_add_test(t, export_quote_inside_word_is_part_of_name);
	tcase_add_test(t, export_on_exports_line);
	tcase_add_test(t, export_names_starting_with_digit_and_utf8);
	tcase_add_test(t, export_origin_is_file_and_line);
	tcase_add_test(t, export_origin_line_of_several_digits);
	tcase_add_test(t, export_duplicates_are_kept_for_the_model);
	tcase_add_test(t, export_noname_without_ordinal_is_left_to_the_model);
	suite_add_tcase(s, t);

	t = tcase_create("errors");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, error_ordinal_missing_after_at);
	tcase_add_test(t, error_ordinal_out_of_range);
	tcase_add_test(t, error_ordinal_not_decimal);
	tcase_add_test(t, error_ordinal_twice);
	tcase_add_test(t, error_ordinal_without_name);
	tcase_add_test(t, error_unterminated_quote);
	tcase_add_test(t, error_unknown_statement);
	tcase_add_test(t, error_lowercase_attribute);
	tcase_add_test(t, error_unexpected_word_after_export);
	tcase_add_test(t, error_missing_names);
	tcase_add_test(t, error_twice_attributes);
	tcase_add_test(t, error_keyword_as_export_name);
	tcase_add_test(t, error_commas);
	tcase_add_test(t, error_nul_byte);
	tcase_add_test(t, error_library_statement);
	tcase_add_test(t, error_description);
	tcase_add_test(t, error_version);
	tcase_add_test(t, error_sizes);
	tcase_add_test(t, error_stub);
	tcase_add_test(t, error_sections);
	tcase_add_test(t, error_imports);
	tcase_add_test(t, error_columns_after_bom_and_crlf);
	tcase_add_test(t, error_location_fields);
	tcase_add_test(t, errors_all_reported_and_parse_goes_on);
	tcase_add_test(t, errors_with_null_sink);
	suite_add_tcase(s, t);

	t = tcase_create("real_world");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, real_win16_sample_layout);
	tcase_add_test(t, real_exetype_is_ignored_with_a_warning);
	tcase_add_test(t, real_exetype_name_is_quoted_by_the_writer);
	tcase_add_test(t, real_semicolon_glued_to_names);
	tcase_add_test(t, real_spaced_ordinal_then_empty_comment);
	tcase_add_test(t, real_export_after_tab_on_exports_line);
	tcase_add_test(t, real_mangled_decorated_alias);
	tcase_add_test(t, real_msvcrt_style_names);
	tcase_add_test(t, real_forwarders_with_data);
	tcase_add_test(t, real_driver_style_file);
	tcase_add_test(t, real_unsupported_statements_are_errors);
	suite_add_tcase(s, t);

	t = tcase_create("round_trip");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, round_trip_hostile_names_in_every_position);
	tcase_add_test(t, round_trip_every_byte);
	tcase_add_test(t, round_trip_very_long_names);
	tcase_add_test(t, round_trip_real_world_def);
	tcase_add_test(t, round_trip_random_modules);
	tcase_add_test(t, parse_random_garbage_never_crashes);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(def_suite)
