/* test_fuzz_findings.c - what the fuzz targets (tests/fuzz/) found, one
 * test per finding, each input rebuilt here from its description (no
 * binary files).  Every test names the target that found it. */
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>
#include "unit.h"

/* ------------------------------------------------------------------ */
/* The biggest allocation a call makes                                  */
/* ------------------------------------------------------------------ */

/* Under AddressSanitizer a malloc hook sees every size; without it, the
 * address space is limited to 512 MB above what is mapped, so that a huge
 * allocation fails and shows as an "out of memory" error instead. */
#if defined(__SANITIZE_ADDRESS__)
#define UNIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNIT_ASAN 1
#endif
#endif

#ifdef UNIT_ASAN
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
					      void (*f)(const volatile void *));
static size_t biggest;
static void on_malloc(const volatile void *p, size_t size)
{
	(void)p;
	if (size > biggest)
		biggest = size;
}
static void on_free(const volatile void *p)
{
	(void)p;
}
static void guard_start(void)
{
	static int installed;
	if (!installed++)
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	biggest = 0;
}
static size_t guard_end(void)
{
	return biggest;
}
#else
static struct rlimit saved;
static void guard_start(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	struct rlimit r;
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	ck_assert_int_eq(getrlimit(RLIMIT_AS, &saved), 0);
	r = saved;
	r.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (512u << 20);
	if (saved.rlim_cur != RLIM_INFINITY && r.rlim_cur > saved.rlim_cur)
		r.rlim_cur = saved.rlim_cur;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &r), 0);
}
static size_t guard_end(void)
{
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &saved), 0);
	return 0; /* a huge allocation failed: the "out of memory" check sees it */
}
#endif

/* Diagnostics: the count, the first error, and whether any said "out of memory". */
typedef struct diags {
	unsigned errors;
	char first[512];
	char file[256];
	bool oom;
} diags;

static void diag_fn(void *ctx, const dk_diag *d)
{
	diags *g = ctx;
	if (d->severity != DK_ERROR)
		return;
	if (strstr(d->message, "out of memory"))
		g->oom = true;
	if (g->errors++ == 0) {
		snprintf(g->first, sizeof g->first, "%s", d->message);
		snprintf(g->file, sizeof g->file, "%s", d->loc.file ? d->loc.file : "");
	}
}

static char *write_temp(const void *data, size_t len)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/dllkit-finding-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* ------------------------------------------------------------------ */
/* fuzz_bfd                                                             */
/* ------------------------------------------------------------------ */

/*
 * An x86-64 object of 60 bytes whose only section, .drectve, claims
 * 0x7fff0000 bytes with no data in the file (PointerToRawData 0, which the
 * COFF pre-check lets through as uninitialised data).  libbfd hands such a
 * section back as zeros: the reader allocated and cleared 2 GiB, and the
 * --export-all dialect probe (dk_input_dialect) did so before any check
 * (found as a malloc of 1.5 GB from a mutated ARM64 fixture).
 */
START_TEST(bfd_drectve_larger_than_the_file)
{
	unsigned char obj[60];
	char *path;

	memset(obj, 0, sizeof obj);
	put16(obj, 0x8664);                  /* Machine */
	put16(obj + 2, 1);                   /* NumberOfSections */
	memcpy(obj + 20, ".drectve", 8);     /* Name */
	put32(obj + 20 + 16, 0x7fff0000);    /* SizeOfRawData */
	put32(obj + 20 + 36, 0x00100a00);    /* LNK_INFO | LNK_REMOVE | ALIGN_1BYTES */
	path = write_temp(obj, sizeof obj);

	for (int all = 0; all < 2; all++) {
		diags g = { 0 };
		dk_sink s = { diag_fn, &g, 0, 0 };
		dk_read_opts o = { 0 };
		dk_module m;
		size_t big;
		int rc;

		o.export_all = all;
		dk_module_init(&m);
		guard_start();
		(void)dk_input_dialect(path);
		rc = dk_read_input(&m, path, &o, &s);
		big = guard_end();
		ck_assert_msg(rc == DK_FAIL, "export_all %d: read", all);
		ck_assert_msg(big < (64u << 20), "export_all %d: an allocation of %zu bytes", all, big);
		ck_assert_msg(!g.oom, "export_all %d: out of memory: an allocation for the claimed size",
			      all);
		ck_assert_uint_eq(g.errors, 1);
		ck_assert_str_eq(g.file, path);
		ck_assert_uint_eq(m.nexports, 0);
		dk_module_free(&m);
	}
	unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ */
/* fuzz_roundtrip                                                       */
/* ------------------------------------------------------------------ */

static void implib_of(const dk_module *m, dk_implib *lib)
{
	diags g = { 0 };
	dk_sink s = { diag_fn, &g, 0, 0 };
	dk_implib_opts o = { 0 };
	char *data;
	size_t len;

	o.machine = DK_MACHINE_I386;
	o.dll_name = "t.dll";
	ck_assert_msg(dk_implib_write(m, &o, &data, &len, &s) == DK_OK, "write: %s", g.first);
	memset(lib, 0, sizeof *lib);
	ck_assert_msg(dk_read_implib_mem(lib, data, len, "t.lib", &s) == DK_OK, "read: %s", g.first);
	free(data);
}

/*
 * An i386 import library read as a module and written again must import
 * the same symbols under the same names.  A .def name holding "@@" is the
 * symbol as it is (vectorcall `f@@8`), so the symbol `_f@@8` (loading
 * "f@@8") was read back as the export `f@@8`, which imports under the
 * symbol `f@@8`; and `__@@` (loading "_@@") came back loading "@@".
 * (found from `\1EXPORTS\n__@@`)
 */
/* fuzz_bfd: with --export-all an external symbol whose name is empty
 * (offset 4 of a string table holding only "") became the export "",
 * which the .def writer wrote and the parser refuses.  It is left out as a
 * toolchain-internal name, and the object's real function stays. */
START_TEST(bfd_export_all_symbol_without_a_name)
{
	unsigned char obj[100];
	char *path;
	diags g = { 0 };
	dk_sink s = { diag_fn, &g, 0, 0 };
	dk_read_opts o = { 0 };
	dk_module m;

	memset(obj, 0, sizeof obj);
	put16(obj, 0x8664);                  /* Machine */
	put16(obj + 2, 1);                   /* NumberOfSections */
	put32(obj + 8, 64);                  /* PointerToSymbolTable */
	put32(obj + 12, 2);                  /* NumberOfSymbols */
	memcpy(obj + 20, ".text", 5);        /* Name */
	put32(obj + 20 + 16, 4);             /* SizeOfRawData */
	put32(obj + 20 + 20, 60);            /* PointerToRawData */
	put32(obj + 20 + 36, 0x60000020);    /* CODE | EXECUTE | READ */
	obj[60] = 0xc3;                      /* ret */
	/* symbol 0: "" (string table offset 4), .text, external */
	put32(obj + 64 + 4, 4);
	put16(obj + 64 + 12, 1);
	put16(obj + 64 + 14, 0x20);
	obj[64 + 16] = 2;
	/* symbol 1: "f", .text, external */
	obj[82] = 'f';
	put16(obj + 82 + 12, 1);
	put16(obj + 82 + 14, 0x20);
	obj[82 + 16] = 2;
	path = write_temp(obj, 100);
	{
		/* the string table: its size (5) and one empty string */
		FILE *f = fopen(path, "ab");
		const unsigned char st[5] = { 5, 0, 0, 0, 0 };
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(st, 1, sizeof st, f), sizeof st);
		fclose(f);
	}
	o.export_all = true;
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_input(&m, path, &o, &s), DK_OK);
	ck_assert_uint_eq(m.nexports, 1);
	ck_assert_str_eq(m.exports[0].name, "f");
	dk_module_free(&m);
	unlink(path);
}
END_TEST

START_TEST(roundtrip_i386_symbols_with_double_at)
{
	static const char def[] = "LIBRARY t.dll\nEXPORTS\n__@@\n_f@@8\ng@@4\n_h\n";
	diags g = { 0 };
	dk_sink s = { diag_fn, &g, 0, 0 };
	dk_module m, back;
	dk_implib a, b;

	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	implib_of(&m, &a);
	dk_module_init(&back);
	ck_assert_int_eq(dk_implib_to_module(&a, NULL, &back, &s), DK_OK);
	implib_of(&back, &b);
	ck_assert_uint_eq(a.n, 4);
	ck_assert_uint_eq(b.n, a.n);
	for (size_t i = 0; i < a.n; i++) {
		bool found = false;
		for (size_t j = 0; j < b.n && !found; j++)
			found = strcmp(a.v[i].symbol, b.v[j].symbol) == 0 &&
				strcmp(a.v[i].name, b.v[j].name) == 0;
		ck_assert_msg(found, "symbol %s loading \"%s\" is not imported again", a.v[i].symbol,
			      a.v[i].name);
	}
	dk_implib_free(&a);
	dk_implib_free(&b);
	dk_module_free(&m);
	dk_module_free(&back);
}
END_TEST

/*
 * The i386 symbol `_` alone (a .def's `_` with --no-leading-underscore)
 * lost its only character on the way to a module: the export "" (`"" == _`
 * in mkdef's .def), written again into a library dllkit refuses to read
 * ("a short import member with an empty symbol name").
 * (found from `\nEXPORTS\n_`, option byte 0x0a)
 */
START_TEST(roundtrip_i386_symbol_underscore_alone)
{
	static const char def[] = "LIBRARY t.dll\nEXPORTS\n_\n";
	diags g = { 0 };
	dk_sink s = { diag_fn, &g, 0, 0 };
	dk_module m, back;
	dk_implib_opts o = { 0 };
	dk_implib a, b;
	char *data;
	size_t len;

	o.machine = DK_MACHINE_I386;
	o.dll_name = "t.dll";
	o.no_leading_underscore = true;
	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_int_eq(dk_implib_write(&m, &o, &data, &len, &s), DK_OK);
	memset(&a, 0, sizeof a);
	ck_assert_int_eq(dk_read_implib_mem(&a, data, len, "t.lib", &s), DK_OK);
	free(data);
	dk_module_init(&back);
	ck_assert_int_eq(dk_implib_to_module(&a, NULL, &back, &s), DK_OK);
	ck_assert_uint_eq(back.nexports, 1);
	ck_assert_str_ne(back.exports[0].name, "");
	ck_assert_int_eq(dk_implib_write(&back, &o, &data, &len, &s), DK_OK);
	memset(&b, 0, sizeof b);
	ck_assert_msg(dk_read_implib_mem(&b, data, len, "t2.lib", &s) == DK_OK, "%s", g.first);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_str_eq(b.v[0].name, "_");
	free(data);
	dk_implib_free(&a);
	dk_implib_free(&b);
	dk_module_free(&m);
	dk_module_free(&back);
}
END_TEST

/*
 * ARM64EC names whose mangling the readers undo into something else: `#`
 * (the mangled form of "": the library held a member with an empty
 * EXPORTAS name, which dllkit's reader refuses; llvm-dlltool 22 writes the
 * same bytes), and names mangled twice (`##f`, a C++ name with "$$h"
 * twice), which a reader demangles once and a rewrite from what it read
 * demangles again, loading another name.  Each is refused with a word.
 * (found from `\0EXPORTS #` and a mutated cls.o .def)
 */
START_TEST(roundtrip_arm64ec_names_mangled_to_nothing_or_twice)
{
	static const char *const bad[] = { "#", "# DATA", "##f", "?f@@$$hYAX$$hXZ", "#?g@@$$hYAXXZ" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char def[128];
		diags g = { 0 };
		dk_sink s = { diag_fn, &g, 0, 0 };
		dk_implib_opts o = { 0 };
		dk_module m;
		char *data = NULL;
		size_t len = 0;

		snprintf(def, sizeof def, "LIBRARY t.dll\nEXPORTS\n %s\n", bad[i]);
		o.machine = DK_MACHINE_ARM64EC;
		o.dll_name = "t.dll";
		dk_module_init(&m);
		ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
		ck_assert_msg(dk_implib_write(&m, &o, &data, &len, &s) == DK_FAIL, "%s was written", bad[i]);
		ck_assert_uint_eq(g.errors, 1);
		ck_assert_msg(strstr(g.first, m.exports[0].name) != NULL, "'%s' does not name %s", g.first,
			      m.exports[0].name);
		ck_assert_ptr_null(data);
		dk_module_free(&m);
	}
}
END_TEST

/*
 * An ARM64EC C++ name that ends where the EC mangling goes (`??4Shape@@`,
 * written `??4Shape@@$$h`, as llvm-dlltool 22 writes it) read back under
 * its mangled symbol: the reader did not undo a `$$h` at the very end.
 * (found by fuzz_roundtrip from a mutated cls2 .def)
 */
START_TEST(roundtrip_arm64ec_name_mangled_at_its_end)
{
	static const char def[] = "LIBRARY t.dll\nEXPORTS\n ??4Shape@@\n ?g@@\n";
	diags g = { 0 };
	dk_sink s = { diag_fn, &g, 0, 0 };
	dk_implib_opts o = { 0 };
	dk_implib lib;
	dk_module m;
	char *data = NULL;
	size_t len = 0;

	o.machine = DK_MACHINE_ARM64EC;
	o.dll_name = "t.dll";
	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_int_eq(dk_implib_write(&m, &o, &data, &len, &s), DK_OK);
	ck_assert_int_eq(dk_read_implib_mem(&lib, data, len, "t.lib", &s), DK_OK);
	ck_assert_uint_eq(lib.n, 2);
	for (size_t i = 0; i < lib.n; i++) {
		ck_assert_msg(strstr(lib.v[i].symbol, "$$h") == NULL, "read back as %s", lib.v[i].symbol);
		ck_assert_str_eq(lib.v[i].symbol, lib.v[i].name);
	}
	dk_implib_free(&lib);
	free(data);
	dk_module_free(&m);
}
END_TEST

static Suite *findings_suite(void)
{
	Suite *s = suite_create("fuzz_findings");
	TCase *t = tcase_create("bfd");
	tcase_add_test(t, bfd_drectve_larger_than_the_file);
	tcase_add_test(t, bfd_export_all_symbol_without_a_name);
	suite_add_tcase(s, t);
	t = tcase_create("roundtrip");
	tcase_add_test(t, roundtrip_i386_symbols_with_double_at);
	tcase_add_test(t, roundtrip_i386_symbol_underscore_alone);
	tcase_add_test(t, roundtrip_arm64ec_names_mangled_to_nothing_or_twice);
	tcase_add_test(t, roundtrip_arm64ec_name_mangled_at_its_end);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(findings_suite)
