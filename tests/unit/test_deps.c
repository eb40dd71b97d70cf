/* test_deps.c - lib/deps.c: the system-DLL list, DLL name matching, the
 * machines that load each other, and dk_deps_resolve on small PE images
 * built here byte by byte (one section holding an export directory, an
 * import directory and a delay-import directory), written to a temporary
 * folder.  tests/cli/deps.sh does the same on images the MinGW compilers
 * build. */
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "system_dlls_private.h"

/* ------------------------------------------------------------------ */
/* A PE image builder                                                   */
/* ------------------------------------------------------------------ */

enum { SEC_RVA = 0x1000, SEC_FILE = 0x200, SEC_SIZE = 0x1000, CODE_RVA = SEC_RVA + 0xf00 };

typedef struct exp_def {
	const char *name;     /* NULL: NONAME */
	const char *forward;  /* "dll.func", or NULL */
} exp_def;

typedef struct imp_def {
	const char *dll;
	bool delay;
	const char *items[6]; /* names, or "#N" for an ordinal; NULL ends */
} imp_def;

typedef struct pe_def {
	uint16_t machine;
	bool dll;
	const char *name;     /* the export directory's DLL name */
	uint32_t base;        /* ordinal base */
	exp_def exps[6];      /* in ordinal order; names sorted; {NULL, NULL} ends unless noname */
	size_t nexps;
	imp_def imps[4];
	size_t nimps;
} pe_def;

typedef struct sec {
	unsigned char b[SEC_SIZE];
	size_t cur;
} sec;

static void w16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void w32(unsigned char *p, uint32_t v)
{
	w16(p, v & 0xffff);
	w16(p + 2, v >> 16);
}

static uint32_t alloc(sec *s, size_t n)
{
	s->cur = (s->cur + 7) & ~(size_t)7;
	uint32_t rva = SEC_RVA + (uint32_t)s->cur;
	s->cur += n;
	ck_assert_uint_lt(s->cur, CODE_RVA - SEC_RVA);
	return rva;
}

static uint32_t str(sec *s, const char *t)
{
	uint32_t rva = alloc(s, strlen(t) + 1);
	memcpy(s->b + (rva - SEC_RVA), t, strlen(t) + 1);
	return rva;
}

static unsigned char *at(sec *s, uint32_t rva)
{
	return s->b + (rva - SEC_RVA);
}

/* The lookup table of `im` (8-byte entries, PE32+), zero-terminated. */
static uint32_t lookup_table(sec *s, const imp_def *im)
{
	size_t n = 0;
	while (n < 6 && im->items[n])
		n++;
	uint32_t t = alloc(s, (n + 1) * 8);
	for (size_t i = 0; i < n; i++) {
		const char *it = im->items[i];
		if (it[0] == '#') {
			w32(at(s, t) + i * 8, (uint32_t)atoi(it + 1));
			w32(at(s, t) + i * 8 + 4, 0x80000000u);
		} else {
			uint32_t hn = alloc(s, 2 + strlen(it) + 1);
			memcpy(at(s, hn) + 2, it, strlen(it) + 1);
			w32(at(s, t) + i * 8, hn);
		}
	}
	return t;
}

static void write_pe(const char *path, const pe_def *d)
{
	static unsigned char file[SEC_FILE + SEC_SIZE];
	sec s;
	uint32_t edir = 0, esize = 0, idir = 0, isize = 0, ddir = 0, dsize = 0;

	memset(file, 0, sizeof file);
	memset(&s, 0, sizeof s);
	/* Exports first, so that the export directory's range is known. */
	if (d->nexps) {
		edir = alloc(&s, 40);
		uint32_t funcs = alloc(&s, 4 * d->nexps);
		size_t nnames = 0;
		for (size_t i = 0; i < d->nexps; i++)
			nnames += d->exps[i].name != NULL;
		uint32_t names = alloc(&s, 4 * (nnames ? nnames : 1));
		uint32_t ords = alloc(&s, 2 * (nnames ? nnames : 1));
		w32(at(&s, edir) + 12, str(&s, d->name ? d->name : "x.dll"));
		w32(at(&s, edir) + 16, d->base ? d->base : 1);
		w32(at(&s, edir) + 20, (uint32_t)d->nexps);
		w32(at(&s, edir) + 24, (uint32_t)nnames);
		w32(at(&s, edir) + 28, funcs);
		w32(at(&s, edir) + 32, names);
		w32(at(&s, edir) + 36, ords);
		size_t k = 0;
		for (size_t i = 0; i < d->nexps; i++) {
			const exp_def *e = &d->exps[i];
			if (e->forward)
				w32(at(&s, funcs) + 4 * i, str(&s, e->forward));
			else
				w32(at(&s, funcs) + 4 * i, CODE_RVA + 16 * (uint32_t)i);
			if (e->name) {
				w32(at(&s, names) + 4 * k, str(&s, e->name));
				w16(at(&s, ords) + 2 * k, (uint32_t)i);
				k++;
			}
		}
		esize = SEC_RVA + (uint32_t)s.cur - edir;
	}
	/* Load-time imports: descriptors, then their tables. */
	size_t nload = 0, ndelay = 0;
	for (size_t i = 0; i < d->nimps; i++)
		d->imps[i].delay ? ndelay++ : nload++;
	if (nload) {
		idir = alloc(&s, 20 * (nload + 1));
		isize = 20 * (uint32_t)(nload + 1);
		size_t k = 0;
		for (size_t i = 0; i < d->nimps; i++) {
			const imp_def *im = &d->imps[i];
			if (im->delay)
				continue;
			unsigned char *desc = at(&s, idir) + 20 * k++;
			w32(desc, lookup_table(&s, im));
			w32(desc + 12, str(&s, im->dll));
			w32(desc + 16, lookup_table(&s, im));
		}
	}
	if (ndelay) {
		ddir = alloc(&s, 32 * (ndelay + 1));
		dsize = 32 * (uint32_t)(ndelay + 1);
		size_t k = 0;
		for (size_t i = 0; i < d->nimps; i++) {
			const imp_def *im = &d->imps[i];
			if (!im->delay)
				continue;
			unsigned char *desc = at(&s, ddir) + 32 * k++;
			w32(desc, 1);
			w32(desc + 4, str(&s, im->dll));
			w32(desc + 8, alloc(&s, 8));
			w32(desc + 12, lookup_table(&s, im));
			w32(desc + 16, lookup_table(&s, im));
		}
	}
	/* Headers: DOS, PE, COFF, PE32+ optional header, one section. */
	file[0] = 'M';
	file[1] = 'Z';
	w32(file + 0x3c, 0x40);
	memcpy(file + 0x40, "PE\0\0", 4);
	unsigned char *coff = file + 0x44, *opt = coff + 20;
	w16(coff, d->machine);
	w16(coff + 2, 1);
	w16(coff + 16, 240);
	w16(coff + 18, d->dll ? 0x2022 : 0x0022);
	w16(opt, 0x20b);
	w32(opt + 16, d->dll ? 0 : CODE_RVA);  /* AddressOfEntryPoint */
	w32(opt + 32, 0x1000);                 /* SectionAlignment */
	w32(opt + 36, 0x200);                  /* FileAlignment */
	w32(opt + 56, SEC_RVA + SEC_SIZE);     /* SizeOfImage */
	w32(opt + 60, SEC_FILE);               /* SizeOfHeaders */
	w16(opt + 68, 3);                      /* console */
	w32(opt + 108, 16);
	w32(opt + 112, edir);
	w32(opt + 116, esize);
	w32(opt + 120, idir);
	w32(opt + 124, isize);
	w32(opt + 112 + 13 * 8, ddir);
	w32(opt + 116 + 13 * 8, dsize);
	unsigned char *sh = opt + 240;
	memcpy(sh, ".data", 5);
	w32(sh + 8, SEC_SIZE);
	w32(sh + 12, SEC_RVA);
	w32(sh + 16, SEC_SIZE);
	w32(sh + 20, SEC_FILE);
	w32(sh + 36, 0xe0000060); /* code, data, read, write, execute */
	memcpy(file + SEC_FILE, s.b, SEC_SIZE);

	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(file, 1, sizeof file, f), sizeof file);
	ck_assert_int_eq(fclose(f), 0);
}

/* A fresh temporary folder for one test. */
static char *tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	char *dir = malloc(512);
	ck_assert_ptr_nonnull(dir);
	snprintf(dir, 512, "%s/test_deps.XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

static char *in_dir(const char *dir, const char *name)
{
	static char buf[4][1200];
	static int k;
	char *p = buf[k++ % 4];
	snprintf(p, 1200, "%s/%s", dir, name);
	return p;
}

static void rm_tree(const char *dir)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The dep called `name` (case ignored), or fail. */
static const dk_dep *dep(const dk_deps *d, const char *name)
{
	for (size_t i = 0; i < d->ndlls; i++)
		if (strcasecmp(d->dlls[i].name, name) == 0)
			return &d->dlls[i];
	ck_abort_msg("no DLL %s in the list", name);
	return NULL;
}

static size_t dep_index(const dk_deps *d, const char *name)
{
	return (size_t)(dep(d, name) - d->dlls);
}

#define AMD64 0x8664
#define I386 0x14c

/* The program of most tests: p.exe imports fa and ordinal 2 of a.dll, and
 * GetTickCount of kernel32; a.dll imports fb of b.dll. */
static void chain(const char *dir, const char *b_export)
{
	pe_def p = { .machine = AMD64, .dll = false, .nimps = 2,
		     .imps = { { "a.dll", false, { "fa", "#2" } },
			       { "KERNEL32.dll", false, { "GetTickCount" } } } };
	pe_def a = { .machine = AMD64, .dll = true, .name = "a.dll", .nexps = 2,
		     .exps = { { "fa", NULL }, { "ga", NULL } }, .nimps = 1,
		     .imps = { { "b.dll", false, { "fb" } } } };
	pe_def b = { .machine = AMD64, .dll = true, .name = "b.dll", .nexps = 1,
		     .exps = { { b_export, NULL } } };
	write_pe(in_dir(dir, "p.exe"), &p);
	write_pe(in_dir(dir, "a.dll"), &a);
	write_pe(in_dir(dir, "b.dll"), &b);
}

static int resolve(dk_deps *d, const char *program, const char *const *dirs, size_t ndirs,
		   unsigned *errors)
{
	dk_deps_opts o = { dirs, ndirs, NULL, 0 };
	unit_diags u;
	UNIT_SINK(s, u);
	memset(&u, 0, sizeof u);
	int rc = dk_deps_resolve(d, program, &o, &s);
	*errors = s.errors;
	return rc;
}

/* ------------------------------------------------------------------ */
/* The system list and names                                            */
/* ------------------------------------------------------------------ */

START_TEST(system_list_is_sorted_lower_case)
{
	ck_assert_uint_gt(dk_system_dll_count, 1000);
	for (size_t i = 0; i < dk_system_dll_count; i++) {
		const char *n = dk_system_dll_names[i];
		for (const char *c = n; *c; c++)
			ck_assert_msg(!(*c >= 'A' && *c <= 'Z'), "%s is not lower case", n);
		ck_assert_msg(strchr(n, '.') != NULL, "%s has no extension", n);
		if (i)
			ck_assert_msg(strcmp(dk_system_dll_names[i - 1], n) < 0, "%s after %s",
				      n, dk_system_dll_names[i - 1]);
	}
}
END_TEST

START_TEST(system_dlls_are_windows_own)
{
	static const char *const yes[] = {
		"kernel32.dll", "KERNEL32.DLL", "Kernel32", "ntdll.dll", "user32.dll", "msvcrt.dll",
		"ucrtbase.dll", "ws2_32.dll", "advapi32.dll", "api-ms-win-crt-runtime-l1-1-0.dll",
		"API-MS-WIN-CORE-SYNCH-L1-2-0.DLL", "ext-ms-win-foo-l1-1-0.dll", "winspool.drv",
		"mfc42.dll", "xinput1_4.dll", "xaudio2_9.dll", "d3dcompiler_47.dll", "msvcp60.dll",
		"atl.dll", "d3dxof.dll", "mfplat.dll", "comctl32.dll", "bcrypt.dll", "dbghelp.dll",
	};
	static const char *const no[] = {
		"libstdc++-6.dll", "libgcc_s_seh-1.dll", "libwinpthread-1.dll", "zlib1.dll",
		"msvcr120.dll", "MSVCR100.dll", "msvcr90.dll", "msvcp140.dll", "msvcp110.dll",
		"vcruntime140.dll", "vcruntime140_1.dll", "vcomp140.dll", "concrt140.dll",
		"mfc140u.dll", "atl110.dll", "d3dx9_43.dll", "d3dx11_43.dll", "d3dcompiler_43.dll",
		"xinput1_3.dll", "xaudio2_7.dll", "x3daudio1_7.dll", "xapofx1_5.dll", "ucrtbased.dll",
		"msvcrtd.dll", "glut32.dll", "dll.dll", "kernel32.dll.dll", "kernel", "", NULL,
		"shell32.", /* a trailing dot: a file named "shell32", no extension added */
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		ck_assert_msg(dk_system_dll(yes[i]), "%s should be a system DLL", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		ck_assert_msg(!dk_system_dll(no[i]), "%s should not be a system DLL",
			      no[i] ? no[i] : "NULL");
}
END_TEST

START_TEST(machines_that_load_each_other)
{
	const uint16_t x64 = DK_MACHINE_AMD64, x86 = DK_MACHINE_I386;
	ck_assert(dk_machine_loads(DK_MACHINE_AMD64, x64, DK_MACHINE_AMD64, x64, false));
	ck_assert(dk_machine_loads(DK_MACHINE_I386, x86, DK_MACHINE_I386, x86, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_AMD64, x64, DK_MACHINE_I386, x86, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_I386, x86, DK_MACHINE_AMD64, x64, false));
	/* ARM64EC programs load x86-64, ARM64EC and ARM64X DLLs, not ARM64 ones. */
	ck_assert(dk_machine_loads(DK_MACHINE_ARM64EC, x64, DK_MACHINE_AMD64, x64, false));
	ck_assert(dk_machine_loads(DK_MACHINE_ARM64EC, x64, DK_MACHINE_ARM64EC, x64, false));
	ck_assert(dk_machine_loads(DK_MACHINE_ARM64EC, 0xaa64, DK_MACHINE_ARM64EC, 0xaa64, true));
	ck_assert(!dk_machine_loads(DK_MACHINE_ARM64EC, x64, DK_MACHINE_ARM64, 0xaa64, false));
	/* ARM64 programs load ARM64 and ARM64X DLLs, not pure ARM64EC or x86-64. */
	ck_assert(dk_machine_loads(DK_MACHINE_ARM64, 0xaa64, DK_MACHINE_ARM64, 0xaa64, false));
	ck_assert(dk_machine_loads(DK_MACHINE_ARM64, 0xaa64, DK_MACHINE_ARM64EC, 0xaa64, true));
	ck_assert(!dk_machine_loads(DK_MACHINE_ARM64, 0xaa64, DK_MACHINE_ARM64EC, x64, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_ARM64, 0xaa64, DK_MACHINE_AMD64, x64, false));
	/* x86-64 programs: x86-64 only. */
	ck_assert(!dk_machine_loads(DK_MACHINE_AMD64, x64, DK_MACHINE_ARM64EC, x64, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_AMD64, x64, DK_MACHINE_ARM64EC, 0xaa64, true));
	ck_assert(dk_machine_loads(DK_MACHINE_ARMNT, 0x1c4, DK_MACHINE_ARMNT, 0x1c4, false));
	/* Unknown machines: equal numbers only. */
	ck_assert(dk_machine_loads(DK_MACHINE_UNKNOWN, 0x1234, DK_MACHINE_UNKNOWN, 0x1234, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_UNKNOWN, 0x1234, DK_MACHINE_UNKNOWN, 0x1235, false));
	ck_assert(!dk_machine_loads(DK_MACHINE_UNKNOWN, 0x1234, DK_MACHINE_AMD64, x64, false));
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_FOUND), "found");
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_SYSTEM), "system");
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_MISSING), "missing");
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_WRONG_MACHINE), "wrong machine");
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_NOT_DLL), "not a DLL");
	ck_assert_str_eq(dk_dep_status_name(DK_DEP_UNREADABLE), "unreadable");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Resolution                                                           */
/* ------------------------------------------------------------------ */

START_TEST(resolve_complete_chain)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	chain(dir, "fb");
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(errors, 0);
	ck_assert_uint_eq(d.machine, DK_MACHINE_AMD64);
	ck_assert(!d.is_dll);
	/* Breadth first: the program's DLLs in its order, then a.dll's. */
	ck_assert_uint_eq(d.ndlls, 3);
	ck_assert_str_eq(d.dlls[0].name, "a.dll");
	ck_assert_str_eq(d.dlls[1].name, "KERNEL32.dll");
	ck_assert_str_eq(d.dlls[2].name, "b.dll");
	ck_assert_int_eq(d.dlls[0].status, DK_DEP_FOUND);
	ck_assert_int_eq(d.dlls[1].status, DK_DEP_SYSTEM);
	ck_assert_ptr_null(d.dlls[1].path);
	ck_assert_int_eq(d.dlls[2].status, DK_DEP_FOUND);
	ck_assert_str_eq(d.dlls[2].path, in_dir(dir, "b.dll"));
	ck_assert_uint_eq(d.dlls[0].needed_by, DK_DEP_PROGRAM);
	ck_assert_uint_eq(d.dlls[2].needed_by, 0);
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(d.dlls[i].kind, DK_IMPORTS_LOAD);
	ck_assert_uint_eq(d.nproblems, 0);
	ck_assert_uint_eq(d.load_problems, 0);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_names_are_exact_ordinals_counted_from_base)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	/* b.dll exports "FB": an import of "fb" does not find it (case matters
	 * for function names); a.dll has 2 exports from base 1, so #2 is there. */
	chain(dir, "FB");
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.nproblems, 1);
	ck_assert_uint_eq(d.load_problems, 1);
	ck_assert_int_eq(d.problems[0].what, DK_PROBLEM_NAME);
	ck_assert_str_eq(d.problems[0].function, "fb");
	ck_assert_uint_eq(d.problems[0].importer, dep_index(&d, "a.dll"));
	ck_assert_uint_eq(d.problems[0].dll, dep_index(&d, "b.dll"));
	ck_assert(!d.problems[0].delay);
	dk_deps_free(&d);

	/* Ordinal base 5: the two exports are #5 and #6; #2 is missing. */
	pe_def a = { .machine = AMD64, .dll = true, .name = "a.dll", .base = 5, .nexps = 2,
		     .exps = { { "fa", NULL }, { NULL, NULL } } };
	write_pe(in_dir(dir, "a.dll"), &a);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.nproblems, 1);
	ck_assert_int_eq(d.problems[0].what, DK_PROBLEM_ORDINAL);
	ck_assert_uint_eq(d.problems[0].ordinal, 2);
	ck_assert_ptr_null(d.problems[0].function);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_file_names_case_ignored_and_search_order)
{
	char *dir = tmpdir(), *l1 = tmpdir(), *l2 = tmpdir();
	dk_deps d;
	unsigned errors;

	chain(dir, "fb");
	/* a.dll as A.DLL; b.dll only in the -L folders: L1's lacks fb. */
	ck_assert_int_eq(rename(in_dir(dir, "a.dll"), in_dir(dir, "A.DLL")), 0);
	ck_assert_int_eq(rename(in_dir(dir, "b.dll"), in_dir(l2, "B.Dll")), 0);
	pe_def b1 = { .machine = AMD64, .dll = true, .name = "b.dll", .nexps = 1,
		      .exps = { { "other", NULL } } };
	write_pe(in_dir(l1, "b.dll"), &b1);
	const char *order1[] = { l2, l1 }, *order2[] = { l1, l2 };
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), order1, 2, &errors), DK_OK);
	ck_assert_str_eq(dep(&d, "a.dll")->path, in_dir(dir, "A.DLL"));
	ck_assert_str_eq(dep(&d, "b.dll")->path, in_dir(l2, "B.Dll"));
	ck_assert_uint_eq(d.nproblems, 0);
	dk_deps_free(&d);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), order2, 2, &errors), DK_OK);
	ck_assert_str_eq(dep(&d, "b.dll")->path, in_dir(l1, "b.dll"));
	ck_assert_uint_eq(d.load_problems, 1);
	dk_deps_free(&d);
	/* Nowhere: missing, a load-time problem naming who needs it. */
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_MISSING);
	ck_assert_uint_eq(d.nproblems, 1);
	ck_assert_int_eq(d.problems[0].what, DK_PROBLEM_DLL);
	ck_assert_uint_eq(d.problems[0].importer, dep_index(&d, "a.dll"));
	ck_assert_uint_eq(d.load_problems, 1);
	dk_deps_free(&d);
	rm_tree(dir);
	rm_tree(l1);
	rm_tree(l2);
	free(dir);
	free(l1);
	free(l2);
}
END_TEST

START_TEST(resolve_machine_and_kind_of_file)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	chain(dir, "fb");
	pe_def b32 = { .machine = I386, .dll = true, .name = "b.dll", .nexps = 1,
		       .exps = { { "fb", NULL } } };
	/* (a PE32+ header with an i386 machine: the machine field decides) */
	write_pe(in_dir(dir, "b.dll"), &b32);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_WRONG_MACHINE);
	ck_assert_uint_eq(dep(&d, "b.dll")->machine, DK_MACHINE_I386);
	ck_assert_uint_eq(d.load_problems, 1);
	dk_deps_free(&d);

	pe_def bexe = { .machine = AMD64, .dll = false, .name = "b.dll", .nexps = 1,
			.exps = { { "fb", NULL } } };
	write_pe(in_dir(dir, "b.dll"), &bexe);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_NOT_DLL);
	dk_deps_free(&d);

	FILE *f = fopen(in_dir(dir, "b.dll"), "w");
	fputs("text", f);
	fclose(f);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_NOT_DLL);
	ck_assert_uint_eq(errors, 0);
	dk_deps_free(&d);

	/* Damaged: the reader's one error, and "unreadable". */
	f = fopen(in_dir(dir, "b.dll"), "w");
	fwrite("MZ", 1, 2, f);
	fclose(f);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_UNREADABLE);
	ck_assert_uint_eq(errors, 1);
	dk_deps_free(&d);

	/* The program itself not an image: DK_FAIL, one error, nothing kept. */
	ck_assert_int_eq(resolve(&d, in_dir(dir, "b.dll"), NULL, 0, &errors), DK_FAIL);
	ck_assert_uint_eq(errors, 1);
	ck_assert_uint_eq(d.ndlls, 0);
	ck_assert_ptr_null(d.dlls);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "none.exe"), NULL, 0, &errors), DK_FAIL);
	ck_assert_uint_eq(errors, 1);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_forwarders)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	chain(dir, "fb");
	/* a.dll's fa forwards to c.fc (ordinal 2, ga, stays a.dll's). */
	pe_def a = { .machine = AMD64, .dll = true, .name = "a.dll", .nexps = 2,
		     .exps = { { "fa", "c.fc" }, { "ga", NULL } } };
	write_pe(in_dir(dir, "a.dll"), &a);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	const dk_dep *c = dep(&d, "c.dll");
	ck_assert_int_eq(c->status, DK_DEP_MISSING);
	ck_assert(c->forwarded);
	ck_assert_uint_eq(c->needed_by, dep_index(&d, "a.dll"));
	ck_assert_int_eq(c->kind, DK_IMPORTS_LOAD);
	ck_assert_uint_eq(d.load_problems, 1);
	dk_deps_free(&d);

	/* c.dll there, without fc: the problem names the import it serves. */
	pe_def c0 = { .machine = AMD64, .dll = true, .name = "c.dll", .nexps = 1,
		      .exps = { { "other", NULL } } };
	write_pe(in_dir(dir, "c.dll"), &c0);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.nproblems, 1);
	const dk_problem *p = &d.problems[0];
	ck_assert_int_eq(p->what, DK_PROBLEM_NAME);
	ck_assert_str_eq(p->function, "fc");
	ck_assert_uint_eq(p->dll, dep_index(&d, "c.dll"));
	ck_assert_uint_eq(p->importer, DK_DEP_PROGRAM);
	ck_assert_uint_eq(p->via, dep_index(&d, "a.dll"));
	ck_assert_str_eq(p->via_function, "fa");
	dk_deps_free(&d);

	/* c.dll forwards fc back to a.fa: a loop, reported, not followed forever. */
	pe_def c1 = { .machine = AMD64, .dll = true, .name = "c.dll", .nexps = 1,
		      .exps = { { "fc", "a.fa" } } };
	write_pe(in_dir(dir, "c.dll"), &c1);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.nproblems, 1);
	ck_assert_int_eq(d.problems[0].what, DK_PROBLEM_FORWARD_LOOP);
	ck_assert_uint_eq(d.load_problems, 1);
	dk_deps_free(&d);

	/* Forwarders to Windows' own DLLs (api sets, ntdll) are not looked into. */
	pe_def c2 = { .machine = AMD64, .dll = true, .name = "c.dll", .nexps = 1,
		      .exps = { { "fc", "NTDLL.RtlFoo" } } };
	write_pe(in_dir(dir, "c.dll"), &c2);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.nproblems, 0);
	ck_assert_int_eq(dep(&d, "ntdll.dll")->status, DK_DEP_SYSTEM);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_delay_loads)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	/* p.exe delay-loads d.dll (missing) and e.dll (found, without fe). */
	pe_def p = { .machine = AMD64, .dll = false, .nimps = 2,
		     .imps = { { "d.dll", true, { "fd" } }, { "e.dll", true, { "fe" } } } };
	pe_def e = { .machine = AMD64, .dll = true, .name = "e.dll", .nexps = 1,
		     .exps = { { "other", NULL } }, .nimps = 1,
		     .imps = { { "f.dll", false, { "ff" } } } };
	write_pe(in_dir(dir, "p.exe"), &p);
	write_pe(in_dir(dir, "e.dll"), &e);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_int_eq(dep(&d, "d.dll")->kind, DK_IMPORTS_DELAY);
	ck_assert_int_eq(dep(&d, "d.dll")->status, DK_DEP_MISSING);
	ck_assert_int_eq(dep(&d, "e.dll")->status, DK_DEP_FOUND);
	/* f.dll: a load-time import of a delay-loaded DLL is delay-loaded too. */
	ck_assert_int_eq(dep(&d, "f.dll")->kind, DK_IMPORTS_DELAY);
	ck_assert_uint_eq(d.nproblems, 3);
	ck_assert_uint_eq(d.load_problems, 0);
	for (size_t i = 0; i < d.nproblems; i++)
		ck_assert(d.problems[i].delay);
	dk_deps_free(&d);

	/* The program also loads g.dll at start, which needs d.dll at load
	 * time: d.dll counts as load-time, and its absence stops the program. */
	pe_def p2 = { .machine = AMD64, .dll = false, .nimps = 2,
		      .imps = { { "d.dll", true, { "fd" } }, { "g.dll", false, { "fg" } } } };
	pe_def g = { .machine = AMD64, .dll = true, .name = "g.dll", .nexps = 1,
		     .exps = { { "fg", NULL } }, .nimps = 1, .imps = { { "D.DLL", false, { "fd" } } } };
	write_pe(in_dir(dir, "p.exe"), &p2);
	write_pe(in_dir(dir, "g.dll"), &g);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.ndlls, 2);
	ck_assert_int_eq(dep(&d, "d.dll")->kind, DK_IMPORTS_LOAD);
	ck_assert_uint_eq(d.load_problems, 1);
	ck_assert(!d.problems[0].delay);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_extra_system_names)
{
	char *dir = tmpdir();
	dk_deps d;
	unit_diags u;
	UNIT_SINK(s, u);
	const char *sys[] = { "B" }; /* no extension: b.dll */
	dk_deps_opts o = { NULL, 0, sys, 1 };

	memset(&u, 0, sizeof u);
	chain(dir, "fb");
	ck_assert_int_eq(remove(in_dir(dir, "b.dll")), 0);
	ck_assert_int_eq(dk_deps_resolve(&d, in_dir(dir, "p.exe"), &o, &s), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_SYSTEM);
	ck_assert_uint_eq(d.nproblems, 0);
	dk_deps_free(&d);
	/* No options at all: the program's folder only. */
	ck_assert_int_eq(dk_deps_resolve(&d, in_dir(dir, "p.exe"), NULL, &s), DK_OK);
	ck_assert_int_eq(dep(&d, "b.dll")->status, DK_DEP_MISSING);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

START_TEST(resolve_names_with_folders_not_looked_for)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;
	char sub[600];

	/* b.dll is one folder up; the import names it "../b.dll" and
	 * "..\\b.dll": neither reads a file outside the folders searched. */
	chain(dir, "fb");
	snprintf(sub, sizeof sub, "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	pe_def p = { .machine = AMD64, .dll = false, .nimps = 2,
		     .imps = { { "../b.dll", false, { "fb" } }, { "..\\b.dll", false, { "fb" } } } };
	write_pe(in_dir(sub, "p.exe"), &p);
	ck_assert_int_eq(resolve(&d, in_dir(sub, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.ndlls, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(d.dlls[i].status, DK_DEP_MISSING);
		ck_assert_ptr_null(d.dlls[i].path);
	}
	ck_assert_uint_eq(d.load_problems, 2);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

/* Enough DLLs that the list grows while a DLL's imports are being
 * followed (a use after free the Wine DLLs found under ASan). */
START_TEST(resolve_list_grows_while_expanding)
{
	char *dir = tmpdir();
	dk_deps d;
	unsigned errors;

	pe_def p = { .machine = AMD64, .dll = false, .nimps = 4,
		     .imps = { { "a.dll", false, { "fa" } }, { "kernel32.dll", false, { "x" } },
			       { "user32.dll", false, { "x" } }, { "gdi32.dll", false, { "x" } } } };
	pe_def a = { .machine = AMD64, .dll = true, .name = "a.dll", .nexps = 1,
		     .exps = { { "fa", NULL } }, .nimps = 4,
		     .imps = { { "b.dll", false, { "fb" } }, { "advapi32.dll", false, { "x" } },
			       { "shell32.dll", false, { "x" } }, { "ole32.dll", false, { "x" } } } };
	pe_def b = { .machine = AMD64, .dll = true, .name = "b.dll", .nexps = 1,
		     .exps = { { "fb", NULL } }, .nimps = 4,
		     .imps = { { "c1.dll", false, { "f" } }, { "c2.dll", false, { "f" } },
			       { "c3.dll", false, { "f" } }, { "c4.dll", true, { "f" } } } };
	write_pe(in_dir(dir, "p.exe"), &p);
	write_pe(in_dir(dir, "a.dll"), &a);
	write_pe(in_dir(dir, "b.dll"), &b);
	ck_assert_int_eq(resolve(&d, in_dir(dir, "p.exe"), NULL, 0, &errors), DK_OK);
	ck_assert_uint_eq(d.ndlls, 12);
	ck_assert_str_eq(d.dlls[11].name, "c4.dll");
	ck_assert_int_eq(d.dlls[11].kind, DK_IMPORTS_DELAY);
	ck_assert_uint_eq(d.dlls[11].needed_by, dep_index(&d, "b.dll"));
	ck_assert_uint_eq(d.load_problems, 3);
	ck_assert_uint_eq(d.nproblems, 4);
	dk_deps_free(&d);
	rm_tree(dir);
	free(dir);
}
END_TEST

static Suite *deps_suite(void)
{
	Suite *s = suite_create("deps");
	TCase *t = tcase_create("deps");
	tcase_add_test(t, system_list_is_sorted_lower_case);
	tcase_add_test(t, system_dlls_are_windows_own);
	tcase_add_test(t, machines_that_load_each_other);
	tcase_add_test(t, status_names);
	tcase_add_test(t, resolve_complete_chain);
	tcase_add_test(t, resolve_names_are_exact_ordinals_counted_from_base);
	tcase_add_test(t, resolve_file_names_case_ignored_and_search_order);
	tcase_add_test(t, resolve_machine_and_kind_of_file);
	tcase_add_test(t, resolve_forwarders);
	tcase_add_test(t, resolve_delay_loads);
	tcase_add_test(t, resolve_extra_system_names);
	tcase_add_test(t, resolve_names_with_folders_not_looked_for);
	tcase_add_test(t, resolve_list_grows_while_expanding);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(deps_suite)
