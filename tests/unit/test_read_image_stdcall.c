/* test_image_stdcall.c - dk_image_recover_stdcall on small i386 images built
 * here from hand-assembled code: stdcall `ret 8`, fastcall (ECX+EDX, with
 * and without stack arguments), cdecl (plain ret: undecided), a jmp thunk
 * followed, a thunk loop bounded, an import thunk, two rets that disagree,
 * code cut off at the end of its section, a jump out of the code, an
 * address in no section, decorated and C++ names left alone, data left
 * alone, other machines untouched, bytes that are not the image refused,
 * and random byte soup that must never crash (run under ASan). */
#include <stdint.h>
#include "unit.h"

/*
 * Layout (RVA != file offset):
 *   headers to 0x200; ImageBase 0x10000000
 *   .text  RVA 0x1000, 0x200 bytes at file 0x200, code
 *   .edata RVA 0x2000, 0x200 bytes at file 0x400
 *   .data  RVA 0x3000, 0x200 bytes at file 0x600
 */
enum { LEN = 0x800, TEXT = 0x200, TEXT_RVA = 0x1000, TEXT_SIZE = 0x200, EDATA = 0x400,
       EDATA_RVA = 0x2000, DATA_RVA = 0x3000, BASE = 0x10000000 };

typedef struct fn {
	const char *name;
	uint32_t rva;
} fn;

typedef struct image {
	unsigned char b[LEN];
	fn f[16];
	unsigned n;
} image;

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void init(image *im)
{
	unsigned char *b = im->b;
	size_t coff = 0x44, opt = coff + 20, sect = opt + 224;

	memset(im, 0, sizeof *im);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	put16(b + coff, 0x14c);
	put16(b + coff + 2, 3);
	put16(b + coff + 16, 224);
	put16(b + coff + 18, 0x2102);
	put16(b + opt, 0x10b);
	put32(b + opt + 28, BASE);
	put32(b + opt + 56, 0x4000);
	put32(b + opt + 60, 0x200);
	put32(b + opt + 92, 16);
	put32(b + opt + 96, EDATA_RVA); /* export directory */
	put32(b + opt + 100, 0x200);
	const struct { const char *n; uint32_t va, ptr, fl; } s[3] = {
		{ ".text", TEXT_RVA, TEXT, 0x60000020 },
		{ ".edata", EDATA_RVA, EDATA, 0x40000040 },
		{ ".data", DATA_RVA, 0x600, 0xc0000040 },
	};
	for (int i = 0; i < 3; i++) {
		unsigned char *h = b + sect + 40 * i;
		memcpy(h, s[i].n, strlen(s[i].n));
		put32(h + 8, 0x200);
		put32(h + 12, s[i].va);
		put32(h + 16, 0x200);
		put32(h + 20, s[i].ptr);
		put32(h + 36, s[i].fl);
	}
	memset(b + TEXT, 0xcc, TEXT_SIZE);
}

/* Code at .text offset `at`; an export `name` at it (NULL: no export). */
static void code(image *im, const char *name, unsigned at, const unsigned char *c, size_t n)
{
	ck_assert_uint_le(at + n, TEXT_SIZE);
	memcpy(im->b + TEXT + at, c, n);
	if (name)
		im->f[im->n++] = (fn){ name, TEXT_RVA + at };
}

static void export_at(image *im, const char *name, uint32_t rva)
{
	im->f[im->n++] = (fn){ name, rva };
}

/* Write the export directory (names sorted as given: callers give them sorted). */
static void finish(image *im)
{
	unsigned char *e = im->b + EDATA;
	uint32_t funcs = 40, names = funcs + 4 * im->n, ords = names + 4 * im->n, str = ords + 2 * im->n;

	put32(e + 12, EDATA_RVA + str); /* DLL name */
	memcpy(e + str, "t.dll", 6);
	str += 6;
	put32(e + 16, 1);
	put32(e + 20, im->n);
	put32(e + 24, im->n);
	put32(e + 28, EDATA_RVA + funcs);
	put32(e + 32, EDATA_RVA + names);
	put32(e + 36, EDATA_RVA + ords);
	for (unsigned i = 0; i < im->n; i++) {
		size_t len = strlen(im->f[i].name) + 1;
		put32(e + funcs + 4 * i, im->f[i].rva);
		put32(e + names + 4 * i, EDATA_RVA + str);
		put16(e + ords + 2 * i, i);
		ck_assert_uint_le(str + len, 0x200);
		memcpy(e + str, im->f[i].name, len);
		str += (uint32_t)len;
	}
}

typedef struct result {
	char why[16][256];
	bool plain[16];
	const dk_module *m;
	unsigned nundecided;
} result;

static void on_undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	result *r = ctx;
	size_t i = (size_t)(e - r->m->exports);
	ck_assert_uint_lt(i, 16);
	snprintf(r->why[i], sizeof r->why[i], "%s", why);
	r->plain[i] = plain_ret;
	r->nundecided++;
}

/* Read the image and recover with `flags`; returns what
 * dk_image_recover_stdcall returned. */
static long run_flags(image *im, dk_module *m, result *r, unsigned flags)
{
	unit_diags u = { { 0 }, { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_image info;

	finish(im);
	dk_module_init(m);
	memset(&info, 0, sizeof info);
	ck_assert_int_eq(dk_read_image_mem(m, &info, im->b, LEN, "t.dll", &s), DK_OK);
	dk_image_free(&info);
	memset(r, 0, sizeof *r);
	r->m = m;
	return dk_image_recover_stdcall(m, im->b, LEN, "t.dll", flags, on_undecided, r, &s);
}

static long run(image *im, dk_module *m, result *r)
{
	return run_flags(im, m, r, 0);
}

static const dk_export *find(const dk_module *m, const char *name)
{
	long i = dk_module_find(m, name);
	ck_assert_msg(i >= 0, "%s not found", name);
	return &m->exports[i];
}

static void decided(const dk_module *m, const char *name, const char *want)
{
	const dk_export *e = find(m, name);
	ck_assert_msg(e->internal && strcmp(e->internal, want) == 0, "%s: %s, want %s", name,
		      e->internal ? e->internal : "(undecided)", want);
	ck_assert_str_eq(e->name, name);
}

static void undecided(const dk_module *m, const result *r, const char *name, const char *reason)
{
	const dk_export *e = find(m, name);
	size_t i = (size_t)(e - m->exports);
	ck_assert_msg(e->internal == NULL, "%s decided as %s", name, e->internal);
	ck_assert_msg(strstr(r->why[i], reason), "%s: reason '%s' lacks '%s'", name, r->why[i], reason);
}

/* ------------------------------------------------------------------ */

/* mov eax,[esp+4]; add eax,[esp+8]; ret 8 */
static const unsigned char STD8[] = { 0x8b, 0x44, 0x24, 0x04, 0x03, 0x44, 0x24, 0x08, 0xc2, 0x08, 0x00 };
/* lea eax,[ecx+edx]; ret */
static const unsigned char FAST8[] = { 0x8d, 0x04, 0x11, 0xc3 };
/* lea eax,[ecx+edx]; add eax,[esp+4]; ret 4 */
static const unsigned char FAST12[] = { 0x8d, 0x04, 0x11, 0x03, 0x44, 0x24, 0x04, 0xc2, 0x04, 0x00 };
/* xor eax,eax; ret */
static const unsigned char CDECL[] = { 0x31, 0xc0, 0xc3 };

START_TEST(stdcall_ret8)
{
	image im;
	dk_module m;
	result r;
	init(&im);
	code(&im, "sfunc", 0x00, STD8, sizeof STD8);
	ck_assert_int_eq(run(&im, &m, &r), 1);
	decided(&m, "sfunc", "sfunc@8");
	ck_assert_uint_eq(r.nundecided, 0);
	dk_module_free(&m);
}
END_TEST

START_TEST(fastcall)
{
	image im;
	dk_module m;
	result r;
	/* xor ecx,ecx (a write, not a read); mov eax,[esp+4]; inc eax; ret 4 -> stdcall */
	static const unsigned char kill[] = { 0x31, 0xc9, 0x8b, 0x44, 0x24, 0x04, 0x40, 0xc2, 0x04, 0x00 };
	/* mov eax,ecx; ret: ECX only, plain ret -> @f@4 or @f@8 */
	static const unsigned char ecx_only[] = { 0x89, 0xc8, 0xc3 };
	/* mov eax,ecx; add eax,[esp+4]; ret 4: ECX only with stack bytes -> undecided */
	static const unsigned char ecx_stack[] = { 0x89, 0xc8, 0x03, 0x44, 0x24, 0x04, 0xc2, 0x04, 0x00 };
	/* mov eax,edx; ret: EDX without ECX -> undecided */
	static const unsigned char edx_only[] = { 0x89, 0xd0, 0xc3 };
	/* sete dl; and eax,edx; ret 4: EDX partly written first -> not an argument */
	static const unsigned char setcc[] = { 0x0f, 0x94, 0xc2, 0x21, 0xd0, 0xc2, 0x04, 0x00 };
	/* push ecx; pop ecx; mov eax,[esp+4]; inc eax; ret 4: a save/restore is no read */
	static const unsigned char save[] = { 0x51, 0x59, 0x8b, 0x44, 0x24, 0x04, 0x40, 0xc2, 0x04, 0x00 };
	/* push ecx (room for a local); mov eax,[esp+8]; inc eax; pop edx; ret 4 -> undecided */
	static const unsigned char dummy[] = { 0x51, 0x8b, 0x44, 0x24, 0x08, 0x40, 0x5a, 0xc2, 0x04, 0x00 };
	/* call helper (reads ECX and EDX); ret 4 -> @f@12 through the callee */
	static const unsigned char pass[] = { 0xe8, 0x0b, 0x00, 0x00, 0x00, 0x03, 0x44, 0x24, 0x04, 0xc2,
					      0x04, 0x00 };

	init(&im);
	code(&im, "a_fast8", 0x00, FAST8, sizeof FAST8);
	code(&im, "b_fast12", 0x10, FAST12, sizeof FAST12);
	code(&im, "c_kill", 0x20, kill, sizeof kill);
	code(&im, "d_ecx_only", 0x30, ecx_only, sizeof ecx_only);
	code(&im, "e_ecx_stack", 0x40, ecx_stack, sizeof ecx_stack);
	code(&im, "f_edx_only", 0x50, edx_only, sizeof edx_only);
	code(&im, "g_setcc", 0x60, setcc, sizeof setcc);
	code(&im, "h_save", 0x70, save, sizeof save);
	code(&im, "i_dummy", 0x80, dummy, sizeof dummy);
	code(&im, "j_pass", 0x90, pass, sizeof pass);
	code(&im, NULL, 0x90 + 0x10, FAST8, sizeof FAST8); /* the helper, not exported */
	ck_assert_int_eq(run(&im, &m, &r), 6);
	decided(&m, "a_fast8", "@a_fast8@8");
	decided(&m, "b_fast12", "@b_fast12@12");
	decided(&m, "c_kill", "c_kill@4");
	undecided(&m, &r, "d_ecx_only", "@d_ecx_only@4 or @d_ecx_only@8");
	ck_assert(!r.plain[3]);
	undecided(&m, &r, "e_ecx_stack", "@e_ecx_stack@8 or @e_ecx_stack@12");
	undecided(&m, &r, "f_edx_only", "EDX but not ECX");
	decided(&m, "g_setcc", "g_setcc@4");
	decided(&m, "h_save", "h_save@4");
	undecided(&m, &r, "i_dummy", "push");
	decided(&m, "j_pass", "@j_pass@12");
	dk_module_free(&m);
}
END_TEST

START_TEST(cdecl_plain_ret)
{
	image im;
	dk_module m;
	result r;
	init(&im);
	code(&im, "cfunc", 0x00, CDECL, sizeof CDECL);
	ck_assert_int_eq(run(&im, &m, &r), 0);
	undecided(&m, &r, "cfunc", "plain ret: cdecl, or stdcall with no arguments (cfunc@0)");
	ck_assert(r.plain[0]);
	ck_assert_uint_eq(m.nexports, 1);
	dk_module_free(&m);
}
END_TEST

/* For an import library, each decoration the code leaves open and that is
 * called the way the code behaves: `cfunc@0 == cfunc` beside a plain-ret
 * function reading no register; `@ecx@4` and `@ecx@8` beside one reading
 * ECX only; `parg@8` and `parg@4` beside a `ret 8` returning its first
 * stack argument; nothing beside a decided one or one whose rets disagree. */
START_TEST(recover_aliases)
{
	image im;
	dk_module m;
	result r;
	static const unsigned char ecx_only[] = { 0x89, 0xc8, 0xc3 };
	/* mov eax,[esp+4]; ret 8 */
	static const unsigned char parg[] = { 0x8b, 0x44, 0x24, 0x04, 0xc2, 0x08, 0x00 };
	/* cmp dword [esp+4],0; je +3; ret 4; ret 8 */
	static const unsigned char disagree[] = { 0x83, 0x7c, 0x24, 0x04, 0x00, 0x74, 0x03,
						  0xc2, 0x04, 0x00, 0xc2, 0x08, 0x00 };
	init(&im);
	code(&im, "cfunc", 0x00, CDECL, sizeof CDECL);
	code(&im, "ecx", 0x10, ecx_only, sizeof ecx_only);
	code(&im, "sfunc", 0x20, STD8, sizeof STD8);
	code(&im, "parg", 0x30, parg, sizeof parg);
	code(&im, "two", 0x40, disagree, sizeof disagree);
	ck_assert_int_eq(run_flags(&im, &m, &r, DK_RECOVER_ALIASES), 1);
	ck_assert_uint_eq(r.nundecided, 4);
	ck_assert_uint_eq(m.nexports, 5 + 5);
	static const char *const pairs[][2] = { { "cfunc@0", "cfunc" }, { "@ecx@4", "ecx" },
						{ "@ecx@8", "ecx" },	 { "parg@8", "parg" },
						{ "parg@4", "parg" } };
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const dk_export *a = find(&m, pairs[i][0]);
		ck_assert_str_eq(a->import_name, pairs[i][1]);
		ck_assert_ptr_null(a->internal);
		ck_assert_uint_eq(a->ordinal, 0);
	}
	ck_assert_int_lt(dk_module_find(&m, "sfunc@0"), 0);
	ck_assert_ptr_null(find(&m, "cfunc")->internal);
	ck_assert_ptr_null(find(&m, "two")->internal);
	decided(&m, "sfunc", "sfunc@8");
	dk_module_free(&m);
	/* Without the flag, nothing is added. */
	ck_assert_int_eq(run(&im, &m, &r), 1);
	ck_assert_uint_eq(m.nexports, 5);
	dk_module_free(&m);
}
END_TEST

START_TEST(thunks)
{
	image im;
	dk_module m;
	result r;
	/* jmp rel32 to 0x40 (from 0x00: rel = 0x40 - 5) */
	static const unsigned char jmp32[] = { 0xe9, 0x3b, 0x00, 0x00, 0x00 };
	/* jmp rel8 to the jmp32 thunk (from 0x10 to 0x00: rel = -0x12) */
	static const unsigned char jmp8[] = { 0xeb, 0xee };
	static const unsigned char self[] = { 0xeb, 0xfe }; /* jmp $ */
	/* jmp [0x10003000]: an import thunk */
	static const unsigned char imp[] = { 0xff, 0x25, 0x00, 0x30, 0x00, 0x10 };
	/* jmp to 0x5000: outside the code */
	static const unsigned char out[] = { 0xe9, 0x00, 0x40, 0x00, 0x00 };

	init(&im);
	code(&im, "a_thunk", 0x00, jmp32, sizeof jmp32);
	code(&im, "b_thunk2", 0x10, jmp8, sizeof jmp8);
	code(&im, "c_loop", 0x20, self, sizeof self);
	code(&im, "d_import", 0x30, imp, sizeof imp);
	code(&im, "e_target", 0x40, STD8, sizeof STD8);
	code(&im, "f_out", 0x50, out, sizeof out);
	ck_assert_int_eq(run(&im, &m, &r), 3);
	decided(&m, "a_thunk", "a_thunk@8");
	decided(&m, "b_thunk2", "b_thunk2@8");
	undecided(&m, &r, "c_loop", "more than 4 jmp thunks");
	undecided(&m, &r, "d_import", "import thunk");
	decided(&m, "e_target", "e_target@8");
	undecided(&m, &r, "f_out", "not in an executable section");
	dk_module_free(&m);
}
END_TEST

START_TEST(rets_disagree)
{
	image im;
	dk_module m;
	result r;
	/* test eax,eax; je +3; ret 4; ret 8 */
	static const unsigned char two[] = { 0x85, 0xc0, 0x74, 0x03, 0xc2, 0x04, 0x00, 0xc2, 0x08, 0x00 };
	/* test eax,eax; jne +2; xor eax,eax; ret 8  -- both ways reach one ret */
	static const unsigned char one[] = { 0x85, 0xc0, 0x75, 0x02, 0x31, 0xc0, 0xc2, 0x08, 0x00 };
	/* ret 6: not a multiple of 4 */
	static const unsigned char odd[] = { 0xc2, 0x06, 0x00 };
	/* an unknown opcode after a branch: 0f 04 */
	static const unsigned char bad[] = { 0x85, 0xc0, 0x74, 0x02, 0x0f, 0x04, 0xc2, 0x04, 0x00 };
	/* mov eax,[esp+4]; ret 8: returns its first argument (struct return?) */
	static const unsigned char sret[] = { 0x8b, 0x44, 0x24, 0x04, 0xc2, 0x08, 0x00 };
	/* call abort-like helper that never returns (ud2), then garbage */
	static const unsigned char noret[] = { 0xe8, 0x0b, 0x00, 0x00, 0x00, 0xff, 0xff };
	static const unsigned char ud2[] = { 0x0f, 0x0b };

	init(&im);
	code(&im, "a_two", 0x00, two, sizeof two);
	code(&im, "b_one", 0x10, one, sizeof one);
	code(&im, "c_odd", 0x20, odd, sizeof odd);
	code(&im, "d_bad", 0x30, bad, sizeof bad);
	code(&im, "e_sret", 0x40, sret, sizeof sret);
	code(&im, "f_noret", 0x50, noret, sizeof noret);
	code(&im, NULL, 0x60, ud2, sizeof ud2);
	ck_assert_int_eq(run(&im, &m, &r), 1);
	undecided(&m, &r, "a_two", "disagree (ret 4 and ret 8)");
	decided(&m, "b_one", "b_one@8");
	undecided(&m, &r, "c_odd", "not a multiple of 4");
	undecided(&m, &r, "d_bad", "unknown instruction 0f 04");
	undecided(&m, &r, "e_sret", "first stack argument");
	undecided(&m, &r, "f_noret", "does not return");
	dk_module_free(&m);
}
END_TEST

START_TEST(truncated_and_outside)
{
	image im;
	dk_module m;
	result r;
	/* mov eax,[esp+4] cut after two bytes at the end of .text */
	static const unsigned char cut[] = { 0x8b, 0x44 };

	init(&im);
	code(&im, "a_cut", TEXT_SIZE - 2, cut, sizeof cut);
	code(&im, "b_ok", 0x00, STD8, sizeof STD8);
	export_at(&im, "c_nowhere", 0x10);
	ck_assert_int_eq(run(&im, &m, &r), 1);
	undecided(&m, &r, "a_cut", "runs past the end of its section");
	decided(&m, "b_ok", "b_ok@8");
	/* an address in no section (the reader keeps it as code) */
	dk_export *e = (dk_export *)find(&m, "c_nowhere");
	free(e->internal);
	e->internal = NULL;
	e->rva = 0x9000;
	e->flags &= ~(unsigned)DK_EXPORT_DATA;
	memset(&r, 0, sizeof r);
	r.m = &m;
	ck_assert_int_eq(dk_image_recover_stdcall(&m, im.b, LEN, "t.dll", 0, on_undecided, &r, NULL), 0);
	undecided(&m, &r, "c_nowhere", "lies in no section");
	dk_module_free(&m);
}
END_TEST

START_TEST(decorated_names_untouched)
{
	image im;
	dk_module m;
	result r;
	init(&im);
	code(&im, "?cpp@@YGHHH@Z", 0x00, STD8, sizeof STD8);
	code(&im, "@fast@8", 0x10, FAST8, sizeof FAST8);
	code(&im, "f@8", 0x20, STD8, sizeof STD8);
	code(&im, "g@@8", 0x30, STD8, sizeof STD8);
	code(&im, "plain", 0x40, STD8, sizeof STD8);
	export_at(&im, "zdata", DATA_RVA);
	ck_assert_int_eq(run(&im, &m, &r), 1);
	for (size_t i = 0; i < m.nexports; i++) {
		const dk_export *e = &m.exports[i];
		if (strcmp(e->name, "plain") == 0)
			ck_assert_str_eq(e->internal, "plain@8");
		else
			ck_assert_msg(e->internal == NULL, "%s got %s", e->name, e->internal);
	}
	ck_assert_uint_eq(r.nundecided, 0);
	/* a second pass changes nothing: never double-decorated */
	memset(&r, 0, sizeof r);
	r.m = &m;
	ck_assert_int_eq(dk_image_recover_stdcall(&m, im.b, LEN, "t.dll", 0, on_undecided, &r, NULL), 0);
	decided(&m, "plain", "plain@8");
	dk_module_free(&m);
}
END_TEST

/* A DLL that also exports link.exe's `_g@4` gets link.exe's naming for
 * what is recovered (`_s@8`; fastcall is `@f@8` in both), aliases too. */
START_TEST(msvc_naming)
{
	image im;
	dk_module m;
	result r;
	init(&im);
	code(&im, "_g@8", 0x00, STD8, sizeof STD8);
	code(&im, "cfunc", 0x10, CDECL, sizeof CDECL);
	code(&im, "fast", 0x20, FAST8, sizeof FAST8);
	code(&im, "s", 0x30, STD8, sizeof STD8);
	ck_assert_int_eq(run_flags(&im, &m, &r, DK_RECOVER_ALIASES), 2);
	ck_assert_int_eq(m.dialect, DK_DIALECT_MSVC);
	decided(&m, "s", "_s@8");
	decided(&m, "fast", "@fast@8");
	ck_assert_ptr_null(find(&m, "_g@8")->internal);
	ck_assert_str_eq(find(&m, "_cfunc@0")->import_name, "cfunc");
	dk_module_free(&m);
}
END_TEST

START_TEST(other_machines_and_bad_bytes)
{
	image im;
	dk_module m;
	result r;
	unit_diags u = { { 0 }, { 0 }, 0 };
	UNIT_SINK(s, u);

	init(&im);
	code(&im, "sfunc", 0x00, STD8, sizeof STD8);
	put16(im.b + 0x44, 0x8664); /* x86-64: a PE32 header is enough for the reader */
	finish(&im);
	dk_module_init(&m);
	if (dk_read_image_mem(&m, NULL, im.b, LEN, "t.dll", &s) == DK_OK) {
		ck_assert_int_eq(dk_image_recover_stdcall(&m, im.b, LEN, "t.dll", 0, NULL, NULL, &s), 0);
		ck_assert_ptr_null(m.exports[0].internal);
	}
	dk_module_free(&m);

	/* the module says i386 but the bytes are something else: an error */
	init(&im);
	code(&im, "sfunc", 0x00, STD8, sizeof STD8);
	ck_assert_int_eq(run(&im, &m, &r), 1);
	free(m.exports[0].internal);
	m.exports[0].internal = NULL;
	ck_assert_int_eq(dk_image_recover_stdcall(&m, "MZ", 2, "t.dll", 0, NULL, NULL, &s), -1);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, "not the i386 PE image"));
	ck_assert_int_eq(dk_image_recover_stdcall(&m, NULL, 0, "t.dll", 0, NULL, NULL, &s), -1);
	/* A whole PE image of another machine: refused, and nothing of its
	 * headers kept (the leak a fuzz run found, under ASan). */
	{
		image other;
		init(&other);
		code(&other, "sfunc", 0x00, STD8, sizeof STD8);
		put16(other.b + 0x44, 0x8664);
		finish(&other);
		ck_assert_int_eq(dk_image_recover_stdcall(&m, other.b, LEN, "t.dll", 0, NULL, NULL, &s), -1);
		ck_assert_ptr_nonnull(strstr(u.last, "not the i386 PE image"));
	}
	dk_module_free(&m);
}
END_TEST

/* Random code must never crash, loop or read outside the buffer. */
START_TEST(byte_soup)
{
	uint32_t seed = 12345;
	for (int round = 0; round < 400; round++) {
		image im;
		dk_module m;
		result r;
		char names[8][16];

		init(&im);
		for (unsigned i = 0; i < TEXT_SIZE; i++) {
			seed = seed * 1103515245u + 12345u;
			im.b[TEXT + i] = (unsigned char)(seed >> 16);
			/* often-meaningful bytes, so that walks get long */
			if (round % 2 && (seed >> 8) % 5 == 0)
				im.b[TEXT + i] = (unsigned char)"\x74\xeb\xe8\xe9\xc3\xc2\x0f\xff\x51\x59"[(seed >> 4) % 10];
		}
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(names[k], sizeof names[k], "f%u", (unsigned)k);
			export_at(&im, names[k], TEXT_RVA + (seed >> 16) % TEXT_SIZE);
		}
		long got = run(&im, &m, &r);
		ck_assert_int_ge(got, 0);
		ck_assert_int_le(got, 8);
		ck_assert_uint_eq((unsigned long)got + r.nundecided, 8);
		dk_module_free(&m);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("image_stdcall");
	TCase *t = tcase_create("recover");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, stdcall_ret8);
	tcase_add_test(t, fastcall);
	tcase_add_test(t, cdecl_plain_ret);
	tcase_add_test(t, recover_aliases);
	tcase_add_test(t, msvc_naming);
	tcase_add_test(t, thunks);
	tcase_add_test(t, rets_disagree);
	tcase_add_test(t, truncated_and_outside);
	tcase_add_test(t, decorated_names_untouched);
	tcase_add_test(t, other_machines_and_bad_bytes);
	tcase_add_test(t, byte_soup);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
