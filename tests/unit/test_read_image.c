/* test_pe.c - the PE export-directory reader (dk_read_image): the fields of
 * a small hand-made image, PE32 and PE32+, every machine; then the same
 * image damaged in every way the reader checks (truncated at every header
 * boundary and every byte, counts too big, addresses outside, unterminated
 * strings, name indexes out of range), each one error with a file offset
 * and never a read outside the buffer (run under ASan); then random
 * mutations of a real DLL. */
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include "unit.h"
#include "dllkit_private.h" /* dk_read_image_input_ */
#include "read_pe_private.h" /* dk_pe_open_file, dk_pe_bytes */

/* ------------------------------------------------------------------ */
/* A small image, built in memory                                       */
/* ------------------------------------------------------------------ */

/*
 * File layout (RVA != file offset, so mapping mistakes show):
 *   0x000 DOS header, e_lfanew 0x40; 0x40 "PE\0\0"; COFF header; optional
 *         header; section table (to 0x1e8 at most).  SizeOfHeaders 0x200.
 *   .text  RVA 0x1000 size 0x100, file 0x200 (raw 0x200)  code, execute
 *   .edata RVA 0x2000 size 0x400, file 0x400 (raw 0x400)  read-only data
 *   .data  RVA 0x3000 size 0x100, file 0x800 (raw 0x200)  read/write
 *   .bss   RVA 0x4000 size 0x100, no file data            read/write
 * The export directory at RVA 0x2000, base 5, seven address-table entries:
 *   5  .text 0x1000   alpha, zalias (two names, one function)
 *   6  empty
 *   7  .text 0x1010   NONAME
 *   8  .data 0x3000   beta_data
 *   9  forwarder      fwd -> kernel32.GetTickCount
 *   10 forwarder      NONAME -> other.#3
 *   11 .bss 0x4010    gamma_bss
 */
enum { IMG_LEN = 0xa00, EDATA_FILE = 0x400, EDATA_RVA = 0x2000 };

typedef struct img {
	unsigned char b[IMG_LEN];
	size_t len;
	bool plus;
	size_t coff, opt, optsize, sect, dir, funcs, names, ords;
	size_t dll_name, fwd_str, last_name; /* file offsets of some strings */
	size_t strings_end;
} img;

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

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static uint32_t edata_rva(size_t off)
{
	return (uint32_t)(off - EDATA_FILE + EDATA_RVA);
}

/* Append a string to .edata; returns its RVA. */
static uint32_t add_str(img *im, size_t *cur, const char *s)
{
	uint32_t rva = edata_rva(*cur);
	size_t n = strlen(s) + 1;
	memcpy(im->b + *cur, s, n);
	*cur += n;
	return rva;
}

static void section(img *im, unsigned i, const char *name, uint32_t va, uint32_t vsize,
		    uint32_t raw, uint32_t ptr, uint32_t flags)
{
	unsigned char *h = im->b + im->sect + i * 40;
	memcpy(h, name, strlen(name));
	put32(h + 8, vsize);
	put32(h + 12, va);
	put32(h + 16, raw);
	put32(h + 20, ptr);
	put32(h + 36, flags);
}

static void build(img *im, bool plus, uint16_t machine)
{
	size_t cur;
	uint32_t r_alpha, r_beta, r_fwd, r_gamma, r_zalias, r_f1, r_f2;

	memset(im, 0, sizeof *im);
	im->len = IMG_LEN;
	im->plus = plus;
	im->b[0] = 'M';
	im->b[1] = 'Z';
	put32(im->b + 0x3c, 0x40);
	memcpy(im->b + 0x40, "PE\0\0", 4);
	im->coff = 0x44;
	im->opt = im->coff + 20;
	im->optsize = plus ? 240 : 224;
	im->sect = im->opt + im->optsize;
	put16(im->b + im->coff, machine);
	put16(im->b + im->coff + 2, 4);
	put32(im->b + im->coff + 4, 0x5eadbeef);
	put16(im->b + im->coff + 16, (uint32_t)im->optsize);
	put16(im->b + im->coff + 18, 0x2022); /* DLL, executable, large address aware */
	put16(im->b + im->opt, plus ? 0x20b : 0x10b);
	put16(im->b + im->opt + 44, 3); /* image version 3.4 */
	put16(im->b + im->opt + 46, 4);
	put32(im->b + im->opt + 56, 0x5000);
	put32(im->b + im->opt + 60, 0x200);
	put32(im->b + im->opt + (plus ? 108 : 92), 16);
	section(im, 0, ".text", 0x1000, 0x100, 0x200, 0x200, 0x60000020);
	section(im, 1, ".edata", 0x2000, 0x400, 0x400, 0x400, 0x40000040);
	section(im, 2, ".data", 0x3000, 0x100, 0x200, 0x800, 0xc0000040);
	section(im, 3, ".bss", 0x4000, 0x100, 0, 0, 0xc0000080);

	/* The export directory and its tables. */
	im->dir = EDATA_FILE;
	im->funcs = im->dir + 40;
	im->names = im->funcs + 7 * 4;
	im->ords = im->names + 5 * 4;
	cur = im->ords + 5 * 2;
	im->dll_name = cur;
	add_str(im, &cur, "test.dll");
	r_alpha = add_str(im, &cur, "alpha");
	r_beta = add_str(im, &cur, "beta_data");
	r_fwd = add_str(im, &cur, "fwd");
	r_gamma = add_str(im, &cur, "gamma_bss");
	im->fwd_str = cur;
	r_f1 = add_str(im, &cur, "kernel32.GetTickCount");
	r_f2 = add_str(im, &cur, "other.#3");
	im->last_name = cur;
	r_zalias = add_str(im, &cur, "zalias");
	im->strings_end = cur;

	unsigned char *d = im->b + im->dir;
	put32(d + 4, 0x12345678);        /* TimeDateStamp */
	put16(d + 8, 1);                 /* version 1.2 */
	put16(d + 10, 2);
	put32(d + 12, edata_rva(im->dll_name));
	put32(d + 16, 5);                /* Base */
	put32(d + 20, 7);                /* NumberOfFunctions */
	put32(d + 24, 5);                /* NumberOfNames */
	put32(d + 28, edata_rva(im->funcs));
	put32(d + 32, edata_rva(im->names));
	put32(d + 36, edata_rva(im->ords));
	const uint32_t funcs[7] = { 0x1000, 0, 0x1010, 0x3000, r_f1, r_f2, 0x4010 };
	for (unsigned i = 0; i < 7; i++)
		put32(im->b + im->funcs + i * 4, funcs[i]);
	const uint32_t names[5] = { r_alpha, r_beta, r_fwd, r_gamma, r_zalias };
	const uint16_t ords[5] = { 0, 3, 4, 6, 0 };
	for (unsigned i = 0; i < 5; i++) {
		put32(im->b + im->names + i * 4, names[i]);
		put16(im->b + im->ords + i * 2, ords[i]);
	}
	/* Data directory 0: the export directory, up to the end of its strings. */
	size_t dirs = im->opt + (plus ? 112 : 96);
	put32(im->b + dirs, EDATA_RVA);
	put32(im->b + dirs + 4, edata_rva(im->strings_end) - EDATA_RVA);
	(void)r_alpha;
}

/* ------------------------------------------------------------------ */
/* The same bytes from a file                                           */
/* ------------------------------------------------------------------ */

/*
 * dumpexports reads an image from its file a piece at a time
 * (dk_input_open, read_pe.c's file mode with pread); every other caller
 * from bytes in memory.  Both must give the same result, to the byte, for
 * every image, good or damaged: twin_check() reads the bytes both ways and
 * compares everything a read gives (status, facts, exports, every
 * diagnostic with its offset).  The file reads use a head shorter than
 * dk_input_open's (so that the headers themselves come in pieces, and the
 * small test images are not simply read whole) and windows down to one
 * byte (so that tables and names cross the edges of the pieces).
 */
typedef struct twin_diags {
	char text[16384];
	size_t len;
} twin_diags;

static void twin_fn(void *ctx, const dk_diag *d)
{
	twin_diags *t = ctx;
	if (t->len < sizeof t->text)
		t->len += (size_t)snprintf(t->text + t->len, sizeof t->text - t->len, "%d@%lld: %s\n",
					   (int)d->severity, d->loc.offset, d->message);
}

static void describe_module(FILE *f, const dk_module *m, const dk_image *g)
{
	fprintf(f, "module %s machine %d exe %d n %zu\n", m->name ? m->name : "-", (int)m->machine,
		m->is_exe, m->nexports);
	if (g)
		fprintf(f, "image %d %u plus %d dll %d exp %d ts %u v %u.%u img %u.%u base %u nf %u nn %u dll %s ooo %u rep %u x %d\n",
			(int)g->machine, g->raw_machine, g->pe32plus, g->is_dll, g->has_exports,
			g->timestamp, g->export_major, g->export_minor, g->image_major,
			g->image_minor, g->ordinal_base, g->nfunctions, g->nnames,
			g->export_name ? g->export_name : "-", g->names_out_of_order,
			g->names_repeated, g->arm64x);
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		fprintf(f, "%u %s fl %x rva %x hint %d fwd %s int %s\n", e->ordinal, e->name, e->flags,
			e->rva, e->hint, e->forward ? e->forward : "-",
			e->internal ? e->internal : "-");
	}
	if (m->native)
		describe_module(f, m->native, g ? g->native : NULL);
}

/* Everything one read gives, as text (malloc'd). */
static char *describe(int rc, const dk_module *m, const dk_image *g, const twin_diags *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	fprintf(f, "rc %d\n%.*s", rc, (int)d->len, d->text);
	describe_module(f, m, rc == DK_OK ? g : NULL);
	fclose(f);
	return text;
}

/* The temporary file the twin reads go through (one per test process). */
static char twin_path[64];

static void twin_write(const unsigned char *bytes, size_t len)
{
	int fd;

	if (!twin_path[0]) {
		strcpy(twin_path, "/tmp/dllkit-test-pe-file-XXXXXX");
		fd = mkstemp(twin_path);
	} else {
		fd = open(twin_path, O_WRONLY | O_TRUNC);
	}
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

/* Read the file written last in file mode: the first `head` bytes given
 * (as dk_input_open gives them), the rest read by the reader in pieces of
 * at least `window` bytes (0: the default).  `head` >= the file: the
 * input holds it all, as dk_input_open makes a small file. */
static char *twin_file_read(size_t len, size_t head, size_t window)
{
	dk_input in;
	dk_module m;
	dk_image g;
	twin_diags d;
	dk_sink s = { twin_fn, &d, 0, 0 };
	unsigned char *buf = malloc(head + 1);
	int fd = open(twin_path, O_RDONLY), rc;
	char *text;

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_ge(fd, 0);
	memset(&d, 0, sizeof d);
	memset(&in, 0, sizeof in);
	in.name = twin_path;
	if (head > len)
		head = len;
	ck_assert_int_eq(pread(fd, buf, head, 0), (ssize_t)head);
	in.data = buf;
	in.len = head;
	if (head < len) {
		in.head_ = true;
		in.fd_ = fd;
		in.size_ = len;
	}
	dk_module_init(&m);
	rc = dk_read_image_input_(&m, &g, &in, window, false, &s);
	for (size_t i = 0; rc == DK_OK && i < m.nexports; i++)
		ck_assert_str_eq(m.exports[i].origin, twin_path);
	text = describe(rc, &m, &g, &d);
	if (rc == DK_OK)
		dk_image_free(&g);
	dk_module_free(&m);
	close(fd);
	free(buf);
	return text;
}

/* Read `len` bytes in memory and from a file, with each of the `n`
 * {head, window} pairs: the same result every time. */
static void twin_check_with(const unsigned char *bytes, size_t len, const size_t (*hw)[2], size_t n)
{
	unsigned char *copy = malloc(len ? len : 1);
	dk_module m;
	dk_image g;
	twin_diags d;
	dk_sink s = { twin_fn, &d, 0, 0 };
	char *want;
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, bytes, len);
	memset(&d, 0, sizeof d);
	dk_module_init(&m);
	rc = dk_read_image_mem(&m, &g, copy, len, twin_path[0] ? twin_path : "t.dll", &s);
	want = describe(rc, &m, &g, &d);
	if (rc == DK_OK)
		dk_image_free(&g);
	dk_module_free(&m);
	free(copy);
	twin_write(bytes, len);
	for (size_t i = 0; i < n; i++) {
		char *got = twin_file_read(len, hw[i][0], hw[i][1]);
		ck_assert_msg(strcmp(want, got) == 0,
			      "%zu bytes, head %zu, window %zu: from memory\n%.1500s\nfrom the file\n%.1500s",
			      len, hw[i][0], hw[i][1], want, got);
		free(got);
	}
	free(want);
}

static void twin_check(const unsigned char *bytes, size_t len)
{
	static const size_t hw[][2] = { { 4096, 0 }, { 64, 1 }, { 300, 7 }, { 1024, 4096 }, { 2300, 3 } };

	twin_check_with(bytes, len, hw, sizeof hw / sizeof *hw);
}

/* Read the first `len` bytes of `im` from a buffer of exactly that size
 * (so that ASan sees any read past it); and from a file, to the same
 * result. */
static int read_len(const unsigned char *bytes, size_t len, dk_module *m, dk_image *info,
		    unit_diags *u, unsigned *errors)
{
	unsigned char *copy = malloc(len ? len : 1);
	UNIT_SINK(s, *u);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, bytes, len);
	rc = dk_read_image_mem(m, info, copy, len, "t.dll", &s);
	free(copy);
	*errors = s.errors;
	twin_check(bytes, len);
	return rc;
}

/* The image must be refused with one error matching `pat` at `offset`
 * (-2: any offset), leaving the module and `info` empty. */
static void expect_fail_len(const img *im, size_t len, const char *pat, long long offset)
{
	dk_module m;
	dk_image info;
	unit_diags u;
	unsigned errors;

	memset(&u, 0, sizeof u);
	dk_module_init(&m);
	ck_assert_int_eq(read_len(im->b, len, &m, &info, &u, &errors), DK_FAIL);
	ck_assert_uint_eq(errors, 1);
	ck_assert_uint_eq(u.count, 1);
	ck_assert_msg(strstr(u.last, pat) != NULL, "message \"%s\" lacks \"%s\"", u.last, pat);
	if (offset != -2)
		ck_assert_msg(u.loc.offset == offset, "offset 0x%llx, expected 0x%llx (%s)",
			      (long long)u.loc.offset, offset, u.last);
	ck_assert_uint_eq(m.nexports, 0);
	ck_assert_ptr_null(m.name);
	ck_assert_ptr_null(info.export_name);
	dk_module_free(&m);
}

static void expect_fail(const img *im, const char *pat, long long offset)
{
	expect_fail_len(im, im->len, pat, offset);
}

static void read_ok(const img *im, dk_module *m, dk_image *info)
{
	unit_diags u;
	unsigned errors;

	memset(&u, 0, sizeof u);
	dk_module_init(m);
	ck_assert_msg(read_len(im->b, im->len, m, info, &u, &errors) == DK_OK, "refused: %s",
		      u.last);
	ck_assert_uint_eq(errors, 0);
}

static void check_export(const dk_export *e, unsigned ordinal, const char *name, uint32_t rva,
			 int hint, unsigned flags, const char *forward)
{
	ck_assert_uint_eq(e->ordinal, ordinal);
	ck_assert_str_eq(e->name, name);
	ck_assert_uint_eq(e->rva, rva);
	ck_assert_int_eq(e->hint, hint);
	ck_assert_uint_eq(e->flags, flags);
	if (forward)
		ck_assert_str_eq(e->forward, forward);
	else
		ck_assert_ptr_null(e->forward);
	ck_assert_ptr_null(e->internal);
	ck_assert_str_eq(e->origin, "t.dll");
}

/* ------------------------------------------------------------------ */
/* A good image                                                         */
/* ------------------------------------------------------------------ */

static void check_good(bool plus, uint16_t machine, dk_machine want)
{
	img im;
	dk_module m;
	dk_image info;

	build(&im, plus, machine);
	read_ok(&im, &m, &info);
	ck_assert_int_eq(info.machine, want);
	ck_assert_uint_eq(info.raw_machine, machine);
	ck_assert(info.pe32plus == plus);
	ck_assert(info.is_dll);
	ck_assert(info.has_exports);
	ck_assert_uint_eq(info.timestamp, 0x12345678);
	ck_assert_uint_eq(info.export_major, 1);
	ck_assert_uint_eq(info.export_minor, 2);
	ck_assert_uint_eq(info.image_major, 3);
	ck_assert_uint_eq(info.image_minor, 4);
	ck_assert_uint_eq(info.ordinal_base, 5);
	ck_assert_uint_eq(info.nfunctions, 7);
	ck_assert_uint_eq(info.nnames, 5);
	ck_assert_str_eq(info.export_name, "test.dll");
	ck_assert_str_eq(m.name, "test.dll");
	ck_assert(!m.is_exe);
	ck_assert_int_eq(m.machine, want);

	/* Ordinal order; the names of one function in name-table order. */
	ck_assert_uint_eq(m.nexports, 7);
	check_export(&m.exports[0], 5, "alpha", 0x1000, 0, 0, NULL);
	check_export(&m.exports[1], 5, "zalias", 0x1000, 4, 0, NULL);
	check_export(&m.exports[2], 7, "ord_7", 0x1010, -1, DK_EXPORT_NONAME, NULL);
	check_export(&m.exports[3], 8, "beta_data", 0x3000, 1, DK_EXPORT_DATA, NULL);
	check_export(&m.exports[4], 9, "fwd", edata_rva(im.fwd_str), 2, 0,
		     "kernel32.GetTickCount");
	check_export(&m.exports[5], 10, "ord_10", edata_rva(im.fwd_str) + 22, -1,
		     DK_EXPORT_NONAME, "other.#3");
	check_export(&m.exports[6], 11, "gamma_bss", 0x4010, 3, DK_EXPORT_DATA, NULL);
	dk_image_free(&info);
	ck_assert_ptr_null(info.export_name);
	dk_module_free(&m);
}

START_TEST(good_pe32_i386)
{
	check_good(false, 0x014c, DK_MACHINE_I386);
}
END_TEST

START_TEST(good_pe32plus_amd64)
{
	check_good(true, 0x8664, DK_MACHINE_AMD64);
}
END_TEST

START_TEST(good_arm64_armnt)
{
	check_good(true, 0xaa64, DK_MACHINE_ARM64);
	check_good(false, 0x01c4, DK_MACHINE_ARMNT);
}
END_TEST

START_TEST(unknown_machine_read_with_raw_value)
{
	check_good(true, 0x5064, DK_MACHINE_UNKNOWN); /* RISC-V 64 */
	check_good(false, 0x01c2, DK_MACHINE_UNKNOWN); /* ARM Thumb, not ARMNT */
}
END_TEST

/*
 * ARM64X: an ARM64 image with CHPE metadata.  Its export data directory is
 * the native view's; the ARM64X fixups of the dynamic value relocation
 * table (here in .data, found by section number and offset) give the EC
 * view's.  `fix_rva`/`fix_size`: the values the fixups put in the export
 * entry.
 */
static void build_arm64x(img *im, uint32_t dvrt_version, uint32_t fix_rva, uint32_t fix_size)
{
	size_t dirs, lc = 0x800 + 0x10, dvrt = 0x800 + 0x160, b;

	build(im, true, 0xaa64);
	put32(im->b + im->sect + 2 * 40 + 8, 0x200); /* .data: all its 0x200 bytes */
	dirs = im->opt + 112;
	put32(im->b + dirs + 10 * 8, 0x3010);
	put32(im->b + dirs + 10 * 8 + 4, 0x140);
	put32(im->b + lc, 0x140);
	put32(im->b + lc + 200, 0x80003100); /* CHPE metadata */
	put32(im->b + lc + 204, 0x1);
	put32(im->b + lc + 0xe0, 0x160);      /* DVRT: offset in section 3 (.data) */
	put16(im->b + lc + 0xe4, 3);
	put32(im->b + dvrt, dvrt_version);
	put32(im->b + dvrt + 4, 12 + 20);
	put32(im->b + dvrt + 8, 6);           /* ARM64X */
	put32(im->b + dvrt + 16, 20);
	b = dvrt + 20;
	put32(im->b + b, 0);                  /* page 0: the headers */
	put32(im->b + b + 4, 20);
	put16(im->b + b + 8, (uint16_t)(0x9000 | dirs));       /* value, 4 bytes */
	put32(im->b + b + 10, fix_rva);
	put16(im->b + b + 14, (uint16_t)(0x9000 | (dirs + 4)));
	put32(im->b + b + 16, fix_size);
}

START_TEST(arm64x_two_views)
{
	img im;
	dk_module m;
	dk_image info;
	size_t dirs;

	/* The EC view patched to no export directory: the native view has
	 * the exports. */
	build_arm64x(&im, 1, 0, 0);
	dirs = im.opt + 112;
	read_ok(&im, &m, &info);
	ck_assert(info.arm64x);
	ck_assert_int_eq(info.machine, DK_MACHINE_ARM64EC);
	ck_assert_int_eq(m.machine, DK_MACHINE_ARM64EC);
	ck_assert(!info.has_exports);
	ck_assert_uint_eq(m.nexports, 0);
	ck_assert_ptr_nonnull(m.native);
	ck_assert_ptr_nonnull(info.native);
	ck_assert_int_eq(m.native->machine, DK_MACHINE_ARM64);
	ck_assert_int_eq(info.native->machine, DK_MACHINE_ARM64);
	ck_assert_uint_eq(m.native->nexports, 7);
	ck_assert_str_eq(m.native->name, "test.dll");
	ck_assert_str_eq(info.export_name, "test.dll"); /* named by the native view */
	dk_image_free(&info);
	dk_module_free(&m);

	/* The fixups leave the entry as it is: one table for both views. */
	build_arm64x(&im, 1, EDATA_RVA, edata_rva(im.strings_end) - EDATA_RVA);
	read_ok(&im, &m, &info);
	ck_assert_uint_eq(m.nexports, 7);
	ck_assert_uint_eq(m.native->nexports, 7);
	ck_assert_str_eq(m.exports[0].name, m.native->exports[0].name);
	dk_image_free(&info);
	dk_module_free(&m);

	/* A module that already has a native view takes no second one. */
	{
		dk_module pre;
		unit_diags u;
		unsigned errors;
		memset(&u, 0, sizeof u);
		dk_module_init(&pre);
		ck_assert_ptr_nonnull(dk_module_native(&pre));
		ck_assert_ptr_eq(dk_module_native(&pre), pre.native);
		ck_assert_int_eq(read_len(im.b, im.len, &pre, &info, &u, &errors), DK_FAIL);
		ck_assert_uint_eq(errors, 1);
		ck_assert_ptr_nonnull(pre.native); /* its own, kept */
		ck_assert_uint_eq(pre.nexports, 0);
		dk_module_free(&pre);
	}

	/* Damage: one error, with the offset of what is wrong. */
	build_arm64x(&im, 2, 0, 0);
	expect_fail(&im, "version 2", 0x960);
	build_arm64x(&im, 1, 0x9000, 0x40);
	expect_fail(&im, "export directory (RVA 0x9000) is not in the file", (long long)dirs);
	build_arm64x(&im, 1, 0, 0);
	put16(im.b + 0x810 + 0xe4, 9);
	expect_fail(&im, "section 9, but the image has 4 sections", 0x810 + 0xe4);
	build_arm64x(&im, 1, 0, 0);
	put32(im.b + 0x960 + 4, 0x1000);
	expect_fail(&im, "runs past the end of its section", 0x964);
	build_arm64x(&im, 1, 0, 0);
	put16(im.b + 0x960 + 20 + 8, (uint16_t)(0x3000 | dirs));
	expect_fail(&im, "type 3", 0x960 + 20 + 8);
	build_arm64x(&im, 1, 0, 0);
	put16(im.b + 0x960 + 20 + 8, (uint16_t)(0x2000 | dirs)); /* a delta on the entry */
	expect_fail(&im, "delta fixup changes the export directory entry", 0x960 + 20 + 8);
	build_arm64x(&im, 1, 0, 0);
	put32(im.b + 0x960 + 20 + 4, 0x100);
	expect_fail(&im, "block size 256", 0x960 + 20 + 4);
}
END_TEST

/* ARM64EC images say AMD64 in the header; the CHPE metadata pointer in the
 * load configuration tells them apart. */
START_TEST(arm64ec_by_chpe_metadata)
{
	img im;
	dk_module m;
	dk_image info;
	size_t dirs, lc = 0x800 + 0x10; /* in .data: RVA 0x3010 */

	build(&im, true, 0x8664);
	dirs = im.opt + 112;
	put32(im.b + dirs + 10 * 8, 0x3010);
	put32(im.b + dirs + 10 * 8 + 4, 0x140);
	put32(im.b + lc, 0x140);
	read_ok(&im, &m, &info); /* a pointer of zero: plain x86-64 */
	ck_assert_int_eq(info.machine, DK_MACHINE_AMD64);
	dk_image_free(&info);
	dk_module_free(&m);

	put32(im.b + lc + 200, 0x80003100);
	put32(im.b + lc + 204, 0x1);
	read_ok(&im, &m, &info);
	ck_assert_int_eq(info.machine, DK_MACHINE_ARM64EC);
	ck_assert_uint_eq(info.raw_machine, 0x8664);
	ck_assert_int_eq(m.machine, DK_MACHINE_ARM64EC);
	ck_assert_uint_eq(m.nexports, 7);
	dk_image_free(&info);
	dk_module_free(&m);

	/* A load configuration too small to hold the field: not hybrid. */
	put32(im.b + lc, 200);
	read_ok(&im, &m, &info);
	ck_assert_int_eq(info.machine, DK_MACHINE_AMD64);
	dk_image_free(&info);
	dk_module_free(&m);
}
END_TEST

START_TEST(exe_without_export_directory)
{
	img im;
	dk_module m;
	dk_image info;

	build(&im, true, 0x8664);
	put16(im.b + im.coff + 18, 0x0022); /* not a DLL */
	put32(im.b + im.opt + 112, 0);
	put32(im.b + im.opt + 116, 0);
	read_ok(&im, &m, &info);
	ck_assert(!info.is_dll);
	ck_assert(!info.has_exports);
	ck_assert_uint_eq(m.nexports, 0);
	ck_assert_ptr_null(m.name);
	ck_assert_int_eq(m.machine, DK_MACHINE_AMD64);
	dk_module_free(&m);

	/* No data directories at all. */
	put32(im.b + im.opt + 108, 0);
	put32(im.b + im.opt + 112, EDATA_RVA); /* ignored: not counted */
	read_ok(&im, &m, &info);
	ck_assert(!info.has_exports);
	ck_assert_uint_eq(m.nexports, 0);
	dk_module_free(&m);
}
END_TEST

START_TEST(exe_with_exports_is_named_as_exe)
{
	img im;
	dk_module m;
	dk_image info;

	build(&im, false, 0x014c);
	put16(im.b + im.coff + 18, 0x0102);
	read_ok(&im, &m, &info);
	ck_assert(!info.is_dll);
	ck_assert(m.is_exe);
	ck_assert_str_eq(m.name, "test.dll");
	dk_image_free(&info);
	dk_module_free(&m);
}
END_TEST

START_TEST(empty_tables_and_no_dll_name)
{
	img im;
	dk_module m;
	dk_image info;

	build(&im, true, 0x8664);
	put32(im.b + im.dir + 12, 0);  /* no DLL name */
	put32(im.b + im.dir + 20, 0);  /* no functions ... */
	put32(im.b + im.dir + 24, 0);  /* ... and no names */
	put32(im.b + im.dir + 28, 0);  /* so the table addresses do not matter */
	put32(im.b + im.dir + 32, 0xdeadbeef);
	put32(im.b + im.dir + 36, 0);
	read_ok(&im, &m, &info);
	ck_assert(info.has_exports);
	ck_assert_ptr_null(info.export_name);
	ck_assert_uint_eq(m.nexports, 0);
	dk_module_free(&m);

	/* Functions but no names (every export NONAME): the name and ordinal
	 * tables are not needed and may be at RVA 0, as in some Wine DLLs. */
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 24, 0);
	put32(im.b + im.dir + 32, 0);
	put32(im.b + im.dir + 36, 0);
	read_ok(&im, &m, &info);
	ck_assert_uint_eq(m.nexports, 6);
	for (size_t i = 0; i < m.nexports; i++) {
		ck_assert(m.exports[i].flags & DK_EXPORT_NONAME);
		ck_assert_int_eq(m.exports[i].hint, -1);
	}
	dk_image_free(&info);
	dk_module_free(&m);
}
END_TEST

/* A string in the headers (below SizeOfHeaders, in no section) is where
 * the loader maps it; one past SizeOfHeaders in no section is nowhere. */
START_TEST(rva_in_headers)
{
	img im;
	dk_module m;
	dk_image info;

	build(&im, true, 0x8664);
	ck_assert_uint_le(im.sect + 4 * 40, 0x1f0);
	memcpy(im.b + 0x1f0, "hdr.dll", 8);
	put32(im.b + im.dir + 12, 0x1f0);
	read_ok(&im, &m, &info);
	ck_assert_str_eq(info.export_name, "hdr.dll");
	dk_image_free(&info);
	dk_module_free(&m);

	put32(im.b + im.dir + 12, 0x200);
	expect_fail(&im, "DLL name (RVA 0x200) is not in the file", (long long)im.dir + 12);
}
END_TEST

START_TEST(failure_leaves_module_alone)
{
	img im;
	dk_module m;
	dk_image info;
	dk_export e;
	unit_diags u;
	unsigned errors;

	build(&im, true, 0x8664);
	put16(im.b + im.ords + 8, 7); /* the last name: entry 7 of 7 */
	dk_module_init(&m);
	memset(&e, 0, sizeof e);
	e.name = "kept";
	ck_assert_ptr_nonnull(dk_module_add(&m, &e));
	memset(&u, 0, sizeof u);
	ck_assert_int_eq(read_len(im.b, im.len, &m, &info, &u, &errors), DK_FAIL);
	ck_assert_uint_eq(m.nexports, 1);
	ck_assert_str_eq(m.exports[0].name, "kept");
	ck_assert_ptr_null(m.name);
	ck_assert_int_eq(m.machine, DK_MACHINE_UNKNOWN);
	dk_module_free(&m);
}
END_TEST

START_TEST(module_name_and_machine_kept)
{
	img im;
	dk_module m;
	dk_image info;
	unit_diags u;
	unsigned errors;

	build(&im, true, 0x8664);
	dk_module_init(&m);
	m.name = strdup("mine.dll");
	m.machine = DK_MACHINE_AMD64;
	memset(&u, 0, sizeof u);
	ck_assert_int_eq(read_len(im.b, im.len, &m, &info, &u, &errors), DK_OK);
	ck_assert_str_eq(m.name, "mine.dll");
	ck_assert_str_eq(info.export_name, "test.dll");
	dk_image_free(&info);
	dk_module_free(&m);

	/* Another machine than earlier inputs: an error. */
	dk_module_init(&m);
	m.machine = DK_MACHINE_ARM64;
	ck_assert_int_eq(read_len(im.b, im.len, &m, NULL, &u, &errors), DK_FAIL);
	ck_assert_uint_eq(errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, "is for x86-64, but earlier inputs are for arm64"));
	ck_assert_uint_eq(m.nexports, 0);
	dk_module_free(&m);
}
END_TEST

START_TEST(read_from_file)
{
	img im;
	dk_module m;
	dk_image info;
	unit_diags u;
	char path[] = "/tmp/dllkit-test-pe-XXXXXX";
	int fd;
	UNIT_SINK(s, u);

	build(&im, false, 0x014c);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, im.b, im.len), (ssize_t)im.len);
	close(fd);
	memset(&u, 0, sizeof u);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_image(&m, &info, path, &s), DK_OK);
	ck_assert_uint_eq(m.nexports, 7);
	ck_assert_str_eq(m.exports[0].origin, path);
	dk_image_free(&info);
	dk_module_free(&m);

	/* Empty file: read, not mapped; refused as not an image. */
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_image(&m, &info, path, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, "not a PE image (an empty file)"));
	unlink(path);
	ck_assert_int_eq(dk_read_image(&m, &info, path, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, "cannot open"));
	ck_assert_uint_eq(s.errors, 2);
	dk_module_free(&m);
}
END_TEST

/*
 * An image whose names are far apart: `n` names, one every `spacing`
 * bytes of a big .edata, as no linker lays them out but a hostile file
 * may.  PE32+ x86-64; .text at RVA 0x1000 (file 0x400), .edata at RVA
 * 0x2000 (file 0x600) holding the directory, its tables, the DLL name and
 * then the names.  malloc'd; *len gets its size.
 */
static unsigned char *build_spread(unsigned n, size_t spacing, size_t *len)
{
	size_t edata = (size_t)n * spacing + 4096;
	unsigned char *b;

	*len = 0x600 + edata;
	b = calloc(1, *len);
	ck_assert_ptr_nonnull(b);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	put16(b + 0x44, 0x8664);
	put16(b + 0x46, 2);
	put16(b + 0x54, 0xf0);
	put16(b + 0x56, 0x2022);
	unsigned char *o = b + 0x58;
	put16(o, 0x20b);
	put32(o + 16, 0x1000);        /* entry point */
	o[24] = 0; o[28] = 0x80; o[29] = 0x01; /* image base 0x180000000 */
	put32(o + 32, 0x1000);
	put32(o + 36, 0x200);
	put32(o + 56, 0x2000 + (uint32_t)edata); /* SizeOfImage */
	put32(o + 60, 0x400);         /* SizeOfHeaders */
	put16(o + 68, 3);
	put32(o + 108, 16);
	put32(o + 112, 0x2000);       /* export directory */
	put32(o + 116, (uint32_t)edata);
	unsigned char *sh = b + 0x58 + 0xf0;
	memcpy(sh, ".text", 5);
	put32(sh + 8, 0x1000);
	put32(sh + 12, 0x1000);
	put32(sh + 16, 0x200);
	put32(sh + 20, 0x400);
	put32(sh + 36, 0x60000020);
	memcpy(sh + 40, ".edata", 6);
	put32(sh + 48, (uint32_t)edata);
	put32(sh + 52, 0x2000);
	put32(sh + 56, (uint32_t)edata);
	put32(sh + 60, 0x600);
	put32(sh + 76, 0x40000040);
	unsigned char *d = b + 0x600;
	uint32_t funcs = 0x2000 + 40, names = funcs + 4 * n, ords = names + 4 * n,
		 dll = ords + 2 * n;
	put32(d + 12, dll);
	put32(d + 16, 1);
	put32(d + 20, n);
	put32(d + 24, n);
	put32(d + 28, funcs);
	put32(d + 32, names);
	put32(d + 36, ords);
	strcpy((char *)b + 0x600 + (dll - 0x2000), "spread.dll");
	for (unsigned k = 0; k < n; k++) {
		uint32_t at = 0x2000 + (uint32_t)((k + 1) * spacing) - 3;
		put32(b + 0x600 + (funcs - 0x2000) + 4 * k, 0x1000 + 16 * k);
		put32(b + 0x600 + (names - 0x2000) + 4 * k, at);
		put16(b + 0x600 + (ords - 0x2000) + 2 * k, k);
		/* Each name across a page edge, as a piece's end may be. */
		snprintf((char *)b + 0x600 + (at - 0x2000), 24, "f%03u_spread", k % 1000);
	}
	return b;
}

/* `len` bytes in a new temporary file named from the template `path`:
 * the open file (read and write). */
static int temp_file(char *path, const unsigned char *b, size_t len)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, len), (ssize_t)len);
	return fd;
}

/* From a file, names scattered over 12 MB: pieces of 1 MB until 8 MB of
 * them are read, then the file is mapped; with small pieces, many reads.
 * The same result either way, and as from memory. */
START_TEST(file_mode_scattered_names)
{
	size_t len;
	unsigned char *b = build_spread(12, (1 << 20) + 8192, &len);
	static const size_t hw[][2] = { { 4096, 1 << 20 }, { 4096, 0 }, { 64, 1 }, { 4096, 16 << 20 } };
	dk_module m;
	dk_image info;
	unit_diags u;
	unsigned errors;

	memset(&u, 0, sizeof u);
	dk_module_init(&m);
	ck_assert_int_eq(read_len(b, len, &m, &info, &u, &errors), DK_OK);
	ck_assert_uint_eq(m.nexports, 12);
	ck_assert_str_eq(m.exports[11].name, "f011_spread");
	ck_assert_str_eq(info.export_name, "spread.dll");
	dk_image_free(&info);
	dk_module_free(&m);
	twin_check_with(b, len, hw, sizeof hw / sizeof *hw);
	free(b);

	/* Many small pieces: 200 names 5,000 bytes apart. */
	b = build_spread(200, 5000, &len);
	twin_check(b, len);
	free(b);
}
END_TEST

/* The pieces themselves: whatever is asked for, in whatever order, with
 * whatever head and window, dk_pe_bytes gives the file's bytes (and ASan
 * sees any read past a piece). */
START_TEST(file_mode_pieces_hold_the_file_bytes)
{
	size_t len;
	unsigned char *b = build_spread(4, 300000, &len);
	char path[] = "/tmp/dllkit-test-pe-bytes-XXXXXX";
	dk_sink s = { NULL, NULL, 0, 0 };

	for (size_t i = 0x800; i < len; i++) /* after the tables: a pattern */
		b[i] = (unsigned char)(i * 2654435761u >> 13);
	int fd = temp_file(path, b, len);
	for (int round = 0; round < 60; round++) {
		size_t head = 64 + rnd() % 8192, window = round % 3 ? rnd() % 70000 : 1 + rnd() % 64;
		dk_pe p;
		ck_assert_int_eq(dk_pe_open_file(&p, fd, len, b, head, window, path, &s), DK_OK);
		for (int k = 0; k < 400; k++) {
			size_t off = rnd() % 4 ? rnd() % len : (rnd() % (len / 4096)) * 4096 - rnd() % 3;
			size_t n = rnd() % 3 ? rnd() % 64 : rnd() % 200000;
			if (p.nseg && rnd() % 2) {
				/* Right at the end of a piece: just inside, across
				 * it by a byte, just after it. */
				const dk_pe_seg *g = &p.seg[rnd() % p.nseg];
				size_t a = 1 + rnd() % 8;
				off = g->off + g->len > a ? g->off + g->len - a : 0;
				n = a - 1 + rnd() % 3;
			}
			if (off >= len)
				off = len - 1;
			size_t room = len - off;
			if (n > room)
				n = room;
			const unsigned char *got = dk_pe_bytes(&p, off, n);
			ck_assert_ptr_nonnull(got);
			if (n && memcmp(got, b + off, n) != 0)
				ck_abort_msg("round %d: %zu bytes at %zu (head %zu, window %zu) differ", round, n,
					     off, head, window);
		}
		dk_pe_close(&p);
	}
	ck_assert_uint_eq(s.errors, 0);
	close(fd);
	unlink(path);
	free(b);
}
END_TEST

/* dk_read_opts.no_origins (what dumpexports lists with): an image's
 * exports are the same, with no origin; without it each names the file.
 * Other kinds keep theirs (a .def's export is from its line). */
START_TEST(no_origins_for_a_listing)
{
	size_t len;
	unsigned char *b = build_spread(30, 200, &len);
	char path[] = "/tmp/dllkit-test-pe-orig-XXXXXX";
	dk_read_opts ro;
	dk_input in;
	dk_module with, without;
	dk_sink s = { NULL, NULL, 0, 0 };

	close(temp_file(path, b, len));
	memset(&ro, 0, sizeof ro);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	dk_module_init(&with);
	ck_assert_int_eq(dk_load_any(&with, &in, DK_INPUT_IMAGE, NULL, &ro, NULL, &s), DK_OK);
	dk_input_free(&in);
	ro.no_origins = true;
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	dk_module_init(&without);
	ck_assert_int_eq(dk_load_any(&without, &in, DK_INPUT_IMAGE, NULL, &ro, NULL, &s), DK_OK);
	dk_input_free(&in);
	ck_assert_uint_eq(with.nexports, 30);
	ck_assert_uint_eq(without.nexports, 30);
	for (size_t i = 0; i < 30; i++) {
		ck_assert_str_eq(with.exports[i].origin, path);
		ck_assert_ptr_null(without.exports[i].origin);
		ck_assert_str_eq(with.exports[i].name, without.exports[i].name);
		ck_assert_uint_eq(with.exports[i].ordinal, without.exports[i].ordinal);
		ck_assert_uint_eq(with.exports[i].rva, without.exports[i].rva);
	}
	dk_module_free(&with);
	dk_module_free(&without);

	static const char def[] = "EXPORTS\n f\n";
	dk_input t = { .name = "x.def", .data = (const unsigned char *)def, .len = sizeof def - 1 };
	dk_module_init(&with);
	ck_assert_int_eq(dk_load_any(&with, &t, DK_INPUT_DEF, NULL, &ro, NULL, &s), DK_OK);
	ck_assert_str_eq(with.exports[0].origin, "x.def:2");
	dk_module_free(&with);
	ck_assert_uint_eq(s.errors, 0);
	unlink(path);
	free(b);
}
END_TEST

/* A file cut short after dk_input_open read its head: one error that says
 * so, the module left empty; never a crash (with a mapped file, a
 * SIGBUS). */
START_TEST(file_mode_file_cut_after_open)
{
	size_t len;
	unsigned char *b = build_spread(50, 300, &len);
	char path[] = "/tmp/dllkit-test-pe-cut-XXXXXX";
	int fd = temp_file(path, b, len);
	dk_input in;
	dk_module m;
	dk_image info;
	unit_diags u;
	UNIT_SINK(s, u);

	ck_assert_uint_gt(len, DK_INPUT_HEAD + 4096);
	memset(&u, 0, sizeof u);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	ck_assert(in.head_);
	ck_assert_int_eq(ftruncate(fd, DK_INPUT_HEAD + 100), 0);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_image_input(&m, &info, &in, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_msg(strstr(u.last, "the file is shorter than when it was opened (") != NULL, "%s",
		      u.last);
	ck_assert_uint_eq(m.nexports, 0);
	ck_assert_ptr_null(m.name);
	dk_module_free(&m);
	dk_input_free(&in);

	/* Whole again: read as before. */
	ck_assert_int_eq(pwrite(fd, b, len, 0), (ssize_t)len);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_image_input(&m, &info, &in, &s), DK_OK);
	ck_assert_uint_eq(m.nexports, 50);
	dk_image_free(&info);
	dk_module_free(&m);
	dk_input_free(&in);
	close(fd);
	unlink(path);
	free(b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Not an image                                                         */
/* ------------------------------------------------------------------ */

static void not_pe(const char *bytes, size_t len, const char *why)
{
	img im;
	char want[128];

	memset(&im, 0, sizeof im);
	memcpy(im.b, bytes, len);
	im.len = len;
	snprintf(want, sizeof want, "not a PE image (%s", why);
	expect_fail(&im, want, -2);
}

START_TEST(not_an_image)
{
	static const char coff[20] = { 0x64, (char)0x86, 2, 0 };
	static const char shortimp[20] = { 0, 0, (char)0xff, (char)0xff, 0, 0, 0x64, (char)0x86 };
	char text[100];

	not_pe("", 0, "an empty file");
	not_pe("!<arch>\n/               ", 24, "an ar archive");
	not_pe("\177ELF\2\1\1\0\0\0\0\0", 12, "an ELF file");
	not_pe(coff, sizeof coff, "a COFF object file");
	not_pe(shortimp, sizeof shortimp, "an import-library member");
	memset(text, 'x', sizeof text);
	memcpy(text, "LIBRARY foo\nEXPORTS\n", 20);
	not_pe(text, sizeof text, "a text file");
	not_pe("\1\2\3\0", 4, "no MZ signature");
	not_pe("\0\0\377\377\377", 5, "no MZ signature"); /* too short to be an import member */
	not_pe("MZ", 2, "an MZ header of 2 bytes");

	/* An MS-DOS program: MZ, but no PE signature where e_lfanew points. */
	img im;
	build(&im, true, 0x8664);
	memcpy(im.b + 0x40, "NE\0\0", 4);
	expect_fail(&im, "not a PE image (an MS-DOS program: no PE signature at offset 0x40)", 0x3c);
	build(&im, true, 0x8664);
	put32(im.b + 0x3c, 0xfffffffe);
	expect_fail(&im, "no PE signature at offset 0xfffffffe", 0x3c);
}
END_TEST

START_TEST(object_file_with_mz_and_odd_optional_headers)
{
	img im;

	build(&im, true, 0x8664);
	put16(im.b + im.coff + 16, 0);
	expect_fail(&im, "not a PE image (no optional header)", (long long)im.coff + 16);
	build(&im, true, 0x8664);
	put16(im.b + im.opt, 0x107);
	expect_fail(&im, "optional header magic 0x107", (long long)im.opt);
	build(&im, true, 0x8664);
	put16(im.b + im.coff + 16, 100);
	expect_fail(&im, "too short for a PE32+ header (112)", (long long)im.coff + 16);
	build(&im, false, 0x14c);
	put16(im.b + im.coff + 16, 96); /* room for no directory, yet 16 claimed */
	expect_fail(&im, "cannot hold the 16 data directories", (long long)im.opt + 92);
	build(&im, true, 0x8664);
	put16(im.b + im.coff + 16, 0xffff);
	expect_fail(&im, "optional header (65535 bytes) runs past the end", (long long)im.opt);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Damaged images                                                       */
/* ------------------------------------------------------------------ */

START_TEST(truncated_at_every_header_boundary)
{
	img im;

	build(&im, true, 0x8664);
	expect_fail_len(&im, 1, "not a PE image", -1);
	expect_fail_len(&im, 2, "an MZ header of 2 bytes", -1);
	expect_fail_len(&im, 63, "an MZ header of 63 bytes", -1);
	expect_fail_len(&im, 64, "no PE signature", 0x3c);
	expect_fail_len(&im, im.coff - 1, "no PE signature", 0x3c);
	expect_fail_len(&im, im.coff, "the COFF header runs past the end", (long long)im.coff);
	expect_fail_len(&im, im.coff + 19, "the COFF header runs past the end", (long long)im.coff);
	expect_fail_len(&im, im.coff + 20, "optional header (240 bytes) runs past the end",
			(long long)im.opt);
	expect_fail_len(&im, im.sect - 1, "optional header (240 bytes) runs past the end",
			(long long)im.opt);
	expect_fail_len(&im, im.sect, "section table (4 sections) runs past the end",
			(long long)im.sect);
	expect_fail_len(&im, im.sect + 4 * 40 - 1, "section table (4 sections) runs past the end",
			(long long)im.sect);
	/* Headers whole, section data missing: the export directory is gone. */
	expect_fail_len(&im, im.sect + 4 * 40, "export directory (RVA 0x2000) is not in the file",
			(long long)im.opt + 112);
	expect_fail_len(&im, EDATA_FILE + 39, "export directory at RVA 0x2000 runs past the end",
			EDATA_FILE);
	expect_fail_len(&im, im.names - 1, "the DLL name (RVA 0x2062) is not in the file: it is past the data that section \".edata\" has in the file",
			(long long)im.dir + 12);
	expect_fail_len(&im, im.strings_end - 1, "export name at RVA", (long long)im.last_name);
	put32(im.b + im.dir + 12, 0); /* without a DLL name, the tables come first */
	expect_fail_len(&im, im.names - 1, "export address table (7 entries of 4 bytes at RVA 0x2028) runs past",
			(long long)im.dir + 28);
	expect_fail_len(&im, im.ords + 9, "export ordinal table (5 entries of 2 bytes at RVA 0x2058) runs past",
			(long long)im.dir + 36);
}
END_TEST

/* Truncated at every byte: refused with one error, or read whole. */
START_TEST(truncated_at_every_byte)
{
	img im;
	size_t ok_from = 0;

	build(&im, true, 0x8664);
	for (size_t len = 0; len <= im.len; len++) {
		dk_module m;
		dk_image info;
		unit_diags u;
		unsigned errors;
		int rc;

		memset(&u, 0, sizeof u);
		dk_module_init(&m);
		rc = read_len(im.b, len, &m, &info, &u, &errors);
		if (rc == DK_OK) {
			if (!ok_from)
				ok_from = len;
			ck_assert_uint_eq(errors, 0);
			ck_assert_uint_eq(m.nexports, 7);
			dk_image_free(&info);
		} else {
			ck_assert_msg(ok_from == 0, "refused at %zu after reading at %zu", len, ok_from);
			ck_assert_uint_eq(errors, 1);
			ck_assert_uint_eq(m.nexports, 0);
		}
		dk_module_free(&m);
	}
	/* The image reads as soon as the export strings are all there. */
	ck_assert_uint_eq(ok_from, im.strings_end);
}
END_TEST

START_TEST(counts_too_big)
{
	img im;

	build(&im, true, 0x8664);
	put32(im.b + im.dir + 20, 0xffffffff);
	expect_fail(&im, "export address table (4294967295 entries", (long long)im.dir + 28);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 20, 0x40000000);
	expect_fail(&im, "export address table (1073741824 entries", (long long)im.dir + 28);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 24, 0xffffffff);
	expect_fail(&im, "export name pointer table (4294967295 entries", (long long)im.dir + 32);
	build(&im, true, 0x8664);
	/* Room in .edata for 0x100 name pointers but not 0x100 ordinals
	 * after them. */
	put32(im.b + im.dir + 24, 0xe0);
	put32(im.b + im.dir + 36, 0x2300);
	expect_fail(&im, "export ordinal table (224 entries of 2 bytes at RVA 0x2300)",
		    (long long)im.dir + 36);
	build(&im, true, 0x8664);
	put16(im.b + im.coff + 2, 0xffff);
	expect_fail(&im, "section table (65535 sections) runs past the end", (long long)im.sect);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 20, 0);
	expect_fail(&im, "has 5 names but no address table entries", (long long)im.dir + 24);
}
END_TEST

START_TEST(addresses_outside)
{
	img im;

	build(&im, true, 0x8664);
	put32(im.b + im.opt + 112, 0x900000);
	expect_fail(&im, "export directory (RVA 0x900000) is not in the file: no section holds it",
		    (long long)im.opt + 112);
	build(&im, true, 0x8664);
	put32(im.b + im.opt + 112, 0x4000); /* .bss: no bytes in the file */
	expect_fail(&im, "export directory (RVA 0x4000) is not in the file: it is past the data that section \".bss\"",
		    (long long)im.opt + 112);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 28, 0x900000);
	expect_fail(&im, "export address table (RVA 0x900000) is not in the file", (long long)im.dir + 28);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 32, 0xfffffffc);
	expect_fail(&im, "export name pointer table (RVA 0xfffffffc)", (long long)im.dir + 32);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 36, 0x23fe); /* last two bytes of .edata: room for one */
	expect_fail(&im, "export ordinal table (5 entries of 2 bytes at RVA 0x23fe) runs past",
		    (long long)im.dir + 36);
	build(&im, true, 0x8664);
	put32(im.b + im.names + 8, 0x5000);
	expect_fail(&im, "export name (RVA 0x5000) is not in the file", (long long)im.names + 8);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 12, 0x4000);
	expect_fail(&im, "DLL name (RVA 0x4000) is not in the file", (long long)im.dir + 12);
	/* Section data past the end of the file: only what is there counts. */
	build(&im, true, 0x8664);
	put32(im.b + im.sect + 40 + 20, IMG_LEN - 0x20); /* .edata's file pointer */
	expect_fail(&im, "export directory at RVA 0x2000 runs past the end of its section",
		    IMG_LEN - 0x20);
	build(&im, true, 0x8664);
	put32(im.b + im.sect + 40 + 20, 0xfffffe00);
	expect_fail(&im, "export directory (RVA 0x2000) is not in the file", (long long)im.opt + 112);
}
END_TEST

START_TEST(unterminated_strings)
{
	img im;

	/* The last name runs to the end of .edata without a NUL. */
	build(&im, true, 0x8664);
	memset(im.b + im.last_name, 'z', 0x800 - im.last_name);
	expect_fail(&im, "export name at RVA", (long long)im.last_name);
	/* The same with a section that is larger in memory than in the
	 * file: the zero fill is not the file's. */
	build(&im, true, 0x8664);
	put32(im.b + im.sect + 40 + 8, 0x800);
	memset(im.b + im.last_name, 'z', 0x800 - im.last_name);
	expect_fail(&im, "unterminated", (long long)im.last_name);
	/* A DLL name at the very end of the file. */
	build(&im, true, 0x8664);
	put32(im.b + im.sect + 80 + 8, 0x200); /* .data: all of its file data mapped */
	memset(im.b + 0x9f8, 'n', 8);
	put32(im.b + im.dir + 12, 0x31f8);
	expect_fail(&im, "DLL name at RVA 0x31f8 runs past the end of its section unterminated", 0x9f8);
}
END_TEST

START_TEST(forwarders_running_off_the_end)
{
	img im;

	/* Make the export directory cover the whole of .edata and point a
	 * forwarder at its last bytes, which hold no NUL. */
	build(&im, true, 0x8664);
	put32(im.b + im.opt + 116, 0x400);
	memset(im.b + 0x7f0, 'k', 16);
	put32(im.b + im.funcs + 4 * 4, 0x23f0);
	expect_fail(&im, "forwarder string at RVA 0x23f0 runs past the end", 0x7f0);
	/* A forwarder that is not dll.function. */
	build(&im, true, 0x8664);
	memcpy(im.b + im.fwd_str, "nodot\0", 6);
	expect_fail(&im, "ordinal 9 forwards to \"nodot\", which is not dll.function",
		    (long long)im.funcs + 16);
	build(&im, true, 0x8664);
	im.b[im.fwd_str] = 0;
	expect_fail(&im, "forwards to \"\"", (long long)im.funcs + 16);
}
END_TEST

START_TEST(name_ordinal_index_out_of_range)
{
	img im;

	build(&im, true, 0x8664);
	put16(im.b + im.ords + 2, 7);
	expect_fail(&im, "export name 1 points at address table entry 7, but the table has 7 entries",
		    (long long)im.ords + 2);
	build(&im, true, 0x8664);
	put16(im.b + im.ords + 8, 0xffff);
	expect_fail(&im, "entry 65535", (long long)im.ords + 8);
}
END_TEST

START_TEST(ordinals_out_of_range)
{
	img im;

	build(&im, true, 0x8664);
	put32(im.b + im.dir + 16, 65530); /* entry 6 is 65536 */
	expect_fail(&im, "entry 6 has ordinal 65536 (base 65530 + 6), outside 1..65535",
		    (long long)im.funcs + 24);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 16, 0xffffffff);
	expect_fail(&im, "ordinal 4294967295", (long long)im.funcs);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 16, 0);
	expect_fail(&im, "entry 0 has ordinal 0", (long long)im.funcs);

	/* The last entry on 65535, and empty entries past it, are fine. */
	dk_module m;
	dk_image info;
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 16, 65529);
	read_ok(&im, &m, &info);
	ck_assert_uint_eq(m.exports[m.nexports - 1].ordinal, 65535);
	dk_image_free(&info);
	dk_module_free(&m);
	build(&im, true, 0x8664);
	put32(im.b + im.dir + 16, 65530);
	put32(im.b + im.funcs + 24, 0); /* entry 6 empty, though gamma_bss names it */
	read_ok(&im, &m, &info);
	ck_assert_uint_eq(m.nexports, 6);
	ck_assert_uint_eq(m.exports[m.nexports - 1].ordinal, 65535);
	dk_image_free(&info);
	dk_module_free(&m);
}
END_TEST

START_TEST(empty_name_refused)
{
	img im;

	build(&im, true, 0x8664);
	put32(im.b + im.names + 4, edata_rva(im.dll_name) + 8); /* the NUL after "test.dll" */
	expect_fail(&im, "export name 1 (ordinal 8) is empty", (long long)im.names + 4);
}
END_TEST

/* Sections out of order and overlapping: still no read outside. */
START_TEST(sections_out_of_order)
{
	img im;
	dk_module m;
	dk_image info;
	unsigned char t[40];

	build(&im, true, 0x8664);
	memcpy(t, im.b + im.sect, 40);
	memmove(im.b + im.sect, im.b + im.sect + 40, 3 * 40);
	memcpy(im.b + im.sect + 3 * 40, t, 40);
	read_ok(&im, &m, &info);
	ck_assert_uint_eq(m.nexports, 7);
	ck_assert_uint_eq(m.exports[0].flags, 0); /* .text found, executable */
	dk_image_free(&info);
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Name tables the loader cannot search                                 */
/* ------------------------------------------------------------------ */

/*
 * An image with `nnames` name-table entries over `nfunc` functions (all in
 * .text), built at any size: name k points at strings[name_of[k]] and
 * names function fn_of[k].  Layout: headers 0x200; .text RVA 0x1000 (file
 * 0x200, 0x200 bytes); .edata RVA 0x2000 (file 0x400) holding the export
 * directory, the three tables and the strings.
 */
typedef struct big_img {
	unsigned char *b;
	size_t len;
} big_img;

static void build_names(big_img *bi, uint32_t nfunc, uint32_t nnames, const char *const *strings,
			size_t nstrings, const uint32_t *name_of, const uint16_t *fn_of)
{
	size_t edata = 0x400, funcs = edata + 40, names = funcs + (size_t)nfunc * 4;
	size_t ords = names + (size_t)nnames * 4, cur = ords + (size_t)nnames * 2, size;
	uint32_t *str_rva = calloc(nstrings, sizeof *str_rva);
	unsigned char *b;

	ck_assert_ptr_nonnull(str_rva);
	size = cur + 16;
	for (size_t i = 0; i < nstrings; i++)
		size += strlen(strings[i]) + 1;
	size = (size + 0x1ff) & ~(size_t)0x1ff;
	bi->len = size;
	bi->b = b = calloc(1, size);
	ck_assert_ptr_nonnull(b);
	b[0] = 'M';
	b[1] = 'Z';
	put32(b + 0x3c, 0x40);
	memcpy(b + 0x40, "PE\0\0", 4);
	size_t coff = 0x44, opt = coff + 20, sect = opt + 240;
	put16(b + coff, 0x8664);
	put16(b + coff + 2, 2);
	put16(b + coff + 16, 240);
	put16(b + coff + 18, 0x2022);
	put16(b + opt, 0x20b);
	put32(b + opt + 60, 0x200);
	put32(b + opt + 108, 16);
	unsigned char *h = b + sect;
	memcpy(h, ".text", 5);
	put32(h + 8, 0x200);
	put32(h + 12, 0x1000);
	put32(h + 16, 0x200);
	put32(h + 20, 0x200);
	put32(h + 36, 0x60000020);
	h += 40;
	memcpy(h, ".edata", 6);
	put32(h + 8, (uint32_t)(size - edata));
	put32(h + 12, 0x2000);
	put32(h + 16, (uint32_t)(size - edata));
	put32(h + 20, (uint32_t)edata);
	put32(h + 36, 0x40000040);
#define RVA(off) ((uint32_t)((off) - edata + 0x2000))
	for (size_t i = 0; i < nstrings; i++) {
		size_t n = strlen(strings[i]) + 1;
		str_rva[i] = RVA(cur);
		memcpy(b + cur, strings[i], n);
		cur += n;
	}
	unsigned char *d = b + edata;
	put32(d + 16, 1);
	put32(d + 20, nfunc);
	put32(d + 24, nnames);
	put32(d + 28, RVA(funcs));
	put32(d + 32, RVA(names));
	put32(d + 36, RVA(ords));
	for (uint32_t i = 0; i < nfunc; i++)
		put32(b + funcs + i * 4, 0x1000 + (i % 0x100));
	for (uint32_t k = 0; k < nnames; k++) {
		put32(b + names + (size_t)k * 4, str_rva[name_of[k]]);
		put16(b + ords + (size_t)k * 2, fn_of[k]);
	}
	size_t dirs = opt + 112;
	put32(b + dirs, 0x2000);
	put32(b + dirs + 4, RVA(cur));
#undef RVA
	free(str_rva);
}

/* Read it; every diagnostic is collected into `all` (one line each). */
typedef struct all_diags {
	char text[4096];
	size_t len;
	unsigned warnings, errors, longest;
} all_diags;

static void all_fn(void *ctx, const dk_diag *d)
{
	all_diags *a = ctx;
	size_t n = strlen(d->message);
	if (n > a->longest)
		a->longest = (unsigned)n;
	if (a->len < sizeof a->text)
		a->len += (size_t)snprintf(a->text + a->len, sizeof a->text - a->len, "%s\n",
					   d->message);
}

static void read_names(const big_img *bi, dk_module *m, dk_image *info, all_diags *a)
{
	dk_sink s = { all_fn, a, 0, 0 };

	memset(a, 0, sizeof *a);
	dk_module_init(m);
	ck_assert_msg(dk_read_image_mem(m, info, bi->b, bi->len, "t.dll", &s) == DK_OK, "%s",
		      a->text);
	a->warnings = s.warnings;
	a->errors = s.errors;
	twin_check(bi->b, bi->len);
}

/* What GNU ld 2.40 writes from `f@4 == f` lines: f10, f2, f. */
START_TEST(unsorted_name_table_warned_once)
{
	const char *str[] = { "f10", "f2", "f" };
	const uint32_t name_of[] = { 0, 1, 2 };
	const uint16_t fn_of[] = { 0, 1, 2 };
	big_img bi;
	dk_module m;
	dk_image info;
	all_diags a;

	build_names(&bi, 3, 3, str, 3, name_of, fn_of);
	read_names(&bi, &m, &info, &a);
	ck_assert_uint_eq(a.errors, 0);
	ck_assert_uint_eq(a.warnings, 1);
	ck_assert_msg(strstr(a.text, "not sorted: \"f2\" (name 1) comes before \"f\" (name 2), 1 name out of order"),
		      "%s", a.text);
	ck_assert_uint_eq(info.names_out_of_order, 1);
	ck_assert_uint_eq(info.names_repeated, 0);
	ck_assert_uint_eq(m.nexports, 3); /* every name kept */
	ck_assert(m.ordinals_assigned);
	dk_image_free(&info);
	dk_module_free(&m);
	free(bi.b);
}
END_TEST

/* A sorted table: no warning, nothing counted. */
START_TEST(sorted_name_table_quiet)
{
	const char *str[] = { "a", "b", "c" };
	const uint32_t name_of[] = { 0, 1, 2 };
	const uint16_t fn_of[] = { 2, 0, 1 };
	big_img bi;
	dk_module m;
	dk_image info;
	all_diags a;

	build_names(&bi, 3, 3, str, 3, name_of, fn_of);
	read_names(&bi, &m, &info, &a);
	ck_assert_uint_eq(a.warnings + a.errors, 0);
	ck_assert_uint_eq(info.names_out_of_order, 0);
	ck_assert_uint_eq(info.names_repeated, 0);
	ck_assert_uint_eq(m.nexports, 3);
	dk_image_free(&info);
	dk_module_free(&m);
	free(bi.b);
}
END_TEST

/* Repeats that are not neighbours (an unsorted table), as separate
 * strings: both problems, each warned once; the first "b" is kept. */
START_TEST(repeats_in_unsorted_table)
{
	const char *str[] = { "b", "a", "b", "c", "c", "c" };
	const uint32_t name_of[] = { 0, 1, 2, 3, 4, 5 };
	const uint16_t fn_of[] = { 0, 1, 2, 3, 3, 3 };
	big_img bi;
	dk_module m;
	dk_image info;
	all_diags a;

	build_names(&bi, 4, 6, str, 6, name_of, fn_of);
	read_names(&bi, &m, &info, &a);
	ck_assert_uint_eq(a.warnings, 2);
	ck_assert_uint_eq(info.names_out_of_order, 1);
	ck_assert_uint_eq(info.names_repeated, 3);
	ck_assert_msg(strstr(a.text, "repeats 2 names: \"b\" 2 times (on different ordinals), \"c\" 3 times; the first of each is kept, the 3 repeats are dropped; where the repeats name different ordinals, which function the loader finds is unknown"),
		      "%s", a.text);
	/* b @1 (name 0), a @2, ordinal 3 lost its only name: NONAME, c @4 once. */
	ck_assert_uint_eq(m.nexports, 4);
	ck_assert_str_eq(m.exports[0].name, "b");
	ck_assert_int_eq(m.exports[0].hint, 0);
	ck_assert_str_eq(m.exports[1].name, "a");
	ck_assert_str_eq(m.exports[2].name, "ord_3");
	ck_assert_uint_eq(m.exports[2].flags & DK_EXPORT_NONAME, DK_EXPORT_NONAME);
	ck_assert_str_eq(m.exports[3].name, "c");
	ck_assert_int_eq(m.exports[3].hint, 3);
	dk_image_free(&info);
	dk_module_free(&m);
	free(bi.b);
}
END_TEST

/*
 * The hostile DLL: 20,001 name pointers, all at one 65,535-byte string.
 * Listing each as an export made dumpexports print 1.3 GB and mkdef 207 MB
 * of errors.  Now: one warning of bounded length that names the string
 * once (cut, with its length) and its count; one export, or, when the
 * names are on 20,001 functions, one named and 20,000 NONAME.
 */
static void hostile(uint32_t nfunc)
{
	enum { N = 20001, LEN = 65535 };
	char *s = malloc(LEN + 1);
	uint32_t *name_of = calloc(N, sizeof *name_of);
	uint16_t *fn_of = calloc(N, sizeof *fn_of);
	big_img bi;
	dk_module m;
	dk_image info;
	all_diags a;

	ck_assert(s && name_of && fn_of);
	memset(s, 'A', LEN);
	s[LEN] = '\0';
	for (uint32_t k = 0; k < N; k++)
		fn_of[k] = (uint16_t)(k % nfunc);
	const char *strs[] = { s };
	build_names(&bi, nfunc, N, strs, 1, name_of, fn_of);
	read_names(&bi, &m, &info, &a);
	ck_assert_uint_eq(a.errors, 0);
	ck_assert_uint_eq(a.warnings, 1);
	ck_assert_uint_lt(a.longest, 400);
	ck_assert_msg(strstr(a.text, "repeats 1 name: \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...\" (65535 bytes) 20001 times"),
		      "%s", a.text);
	ck_assert_msg((strstr(a.text, "unknown") != NULL) == (nfunc > 1), "%s", a.text);
	ck_assert_uint_eq(info.names_out_of_order, 0);
	ck_assert_uint_eq(info.names_repeated, N - 1);
	ck_assert_uint_eq(m.nexports, nfunc);
	ck_assert_uint_eq(strlen(m.exports[0].name), LEN);
	for (size_t i = 1; i < m.nexports; i++)
		ck_assert(m.exports[i].flags & DK_EXPORT_NONAME);
	dk_image_free(&info);
	dk_module_free(&m);
	free(bi.b);
	free(s);
	free(name_of);
	free(fn_of);
}

START_TEST(hostile_repeated_name_one_function)
{
	hostile(1);
}
END_TEST

START_TEST(hostile_repeated_name_many_functions)
{
	hostile(20001);
}
END_TEST


/* ------------------------------------------------------------------ */
/* Random damage                                                        */
/* ------------------------------------------------------------------ */


/* Damage a copy of `orig` at a few places, mostly in `hot` (ranges where
 * the headers and export tables are), and read it. */
static void mutate_and_read(const unsigned char *orig, size_t len, const size_t hot[][2],
			    size_t nhot, unsigned *refused)
{
	unsigned char *b = malloc(len);
	size_t n = len;
	unsigned edits = 1 + rnd() % 4;
	dk_module m;
	dk_image info;
	dk_sink s = { NULL, NULL, 0, 0 };
	int rc;

	ck_assert_ptr_nonnull(b);
	memcpy(b, orig, len);
	for (unsigned k = 0; k < edits; k++) {
		size_t at;
		if (nhot && rnd() % 8) {
			const size_t *h = hot[rnd() % nhot];
			at = h[0] + rnd() % (h[1] - h[0]);
		} else {
			at = rnd() % len;
		}
		switch (rnd() % 6) {
		case 0: b[at] = (unsigned char)rnd(); break;
		case 1: b[at] ^= (unsigned char)(1u << (rnd() % 8)); break;
		case 2: b[at] = 0xff; break;
		case 3: b[at] = 0; break;
		default: /* a 32-bit value, small or large, on a 4-byte boundary */
			at &= ~(size_t)3;
			if (at + 4 <= len) {
				uint32_t v = rnd() % 2 ? rnd() : rnd() % 0x10000;
				put32(b + at, v);
			}
		}
	}
	if (rnd() % 16 == 0)
		n = rnd() % len;
	unsigned char *exact = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(exact);
	memcpy(exact, b, n);
	free(b);
	{
		size_t hw[1][2] = { { 64 + rnd() % 4096, rnd() % 3 ? 0 : 1 + rnd() % 8192 } };
		twin_check_with(exact, n, (const size_t(*)[2])hw, 1);
	}
	dk_module_init(&m);
	rc = dk_read_image_mem(&m, &info, exact, n, "mutant.dll", &s);
	if (rc == DK_OK) {
		ck_assert_uint_eq(s.errors, 0);
		for (size_t i = 0; i < m.nexports; i++) {
			const dk_export *e = &m.exports[i];
			ck_assert(e->ordinal >= 1 && e->ordinal <= 65535);
			ck_assert(i == 0 || e->ordinal >= m.exports[i - 1].ordinal);
			ck_assert_ptr_nonnull(e->name);
			ck_assert(e->name[0] != '\0');
			ck_assert(!e->forward || strchr(e->forward, '.'));
		}
		dk_image_free(&info);
	} else {
		ck_assert_uint_eq(s.errors, 1);
		ck_assert_uint_eq(m.nexports, 0);
		ck_assert_ptr_null(info.export_name);
		(*refused)++;
	}
	dk_module_free(&m);
	free(exact);
}

START_TEST(random_damage_to_small_image)
{
	img im;
	unsigned refused = 0;
	size_t hot[2][2];

	build(&im, true, 0x8664);
	hot[0][0] = 0;
	hot[0][1] = im.sect + 4 * 40;
	hot[1][0] = EDATA_FILE;
	hot[1][1] = im.strings_end;
	for (int i = 0; i < 30000; i++)
		mutate_and_read(im.b, im.len, (const size_t(*)[2])hot, 2, &refused);
	ck_assert_uint_gt(refused, 1000);
}
END_TEST

/* Where the export directory of a (good) image is in the file, found the
 * simple way: for choosing where to damage it. */
static size_t export_dir_offset(const unsigned char *d, size_t len)
{
	uint32_t lfanew = rd32(d + 0x3c);
	size_t opt = lfanew + 24, sect;
	unsigned nsec = d[lfanew + 6] | d[lfanew + 7] << 8;
	unsigned optsize = d[lfanew + 20] | d[lfanew + 21] << 8;
	bool plus = d[opt] == 0x0b && d[opt + 1] == 0x02;
	uint32_t rva = rd32(d + opt + (plus ? 112 : 96));

	sect = opt + optsize;
	for (unsigned i = 0; i < nsec && sect + i * 40 + 40 <= len; i++) {
		const unsigned char *h = d + sect + i * 40;
		uint32_t va = rd32(h + 12), raw = rd32(h + 16), ptr = rd32(h + 20);
		if (rva >= va && rva - va < raw)
			return ptr + (rva - va);
	}
	return 0;
}

START_TEST(random_damage_to_real_dll)
{
	static const char *const candidates[] = {
		"/usr/x86_64-w64-mingw32/lib/zlib1.dll",
		"/usr/i686-w64-mingw32/lib/zlib1.dll",
		"/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/zlib1.dll",
		"/usr/lib/gcc/x86_64-w64-mingw32/12-win32/libgcc_s_seh-1.dll",
		"/usr/lib/gcc/x86_64-w64-mingw32/12-posix/libgcc_s_seh-1.dll",
	};
	char *data = NULL;
	size_t len = 0, dir, hot[2][2];
	unsigned refused = 0;
	dk_sink s = { NULL, NULL, 0, 0 };
	const char *used = NULL;

	for (size_t i = 0; i < sizeof candidates / sizeof *candidates && !used; i++)
		if (access(candidates[i], R_OK) == 0 &&
		    dk_read_file(candidates[i], &data, &len, &s) == DK_OK)
			used = candidates[i];
	if (!used) {
		fprintf(stderr, "random_damage_to_real_dll: no MinGW DLL here; skipped\n");
		return;
	}
	dk_module m;
	dk_image info;
	dk_module_init(&m);
	ck_assert_int_eq(dk_read_image_mem(&m, &info, data, len, used, &s), DK_OK);
	ck_assert_uint_gt(m.nexports, 10);
	dk_image_free(&info);
	dk_module_free(&m);

	dir = export_dir_offset((const unsigned char *)data, len);
	ck_assert_uint_gt(dir, 0);
	hot[0][0] = 0;
	hot[0][1] = 0x400 < len ? 0x400 : len;
	hot[1][0] = dir;
	hot[1][1] = dir + 0x800 < len ? dir + 0x800 : len;
	for (int i = 0; i < 4000; i++)
		mutate_and_read((const unsigned char *)data, len, (const size_t(*)[2])hot, 2,
				&refused);
	ck_assert_uint_gt(refused, 100);
	free(data);
}
END_TEST

static Suite *pe_suite(void)
{
	Suite *s = suite_create("pe");
	TCase *t = tcase_create("good");
	tcase_add_test(t, good_pe32_i386);
	tcase_add_test(t, good_pe32plus_amd64);
	tcase_add_test(t, good_arm64_armnt);
	tcase_add_test(t, unknown_machine_read_with_raw_value);
	tcase_add_test(t, arm64ec_by_chpe_metadata);
	tcase_add_test(t, arm64x_two_views);
	tcase_add_test(t, exe_without_export_directory);
	tcase_add_test(t, exe_with_exports_is_named_as_exe);
	tcase_add_test(t, empty_tables_and_no_dll_name);
	tcase_add_test(t, rva_in_headers);
	tcase_add_test(t, failure_leaves_module_alone);
	tcase_add_test(t, module_name_and_machine_kept);
	tcase_add_test(t, read_from_file);
	tcase_add_test(t, file_mode_scattered_names);
	tcase_add_test(t, file_mode_file_cut_after_open);
	tcase_add_test(t, file_mode_pieces_hold_the_file_bytes);
	tcase_add_test(t, no_origins_for_a_listing);
	suite_add_tcase(s, t);

	t = tcase_create("damaged");
	tcase_add_test(t, not_an_image);
	tcase_add_test(t, object_file_with_mz_and_odd_optional_headers);
	tcase_add_test(t, truncated_at_every_header_boundary);
	tcase_add_test(t, truncated_at_every_byte);
	tcase_add_test(t, counts_too_big);
	tcase_add_test(t, addresses_outside);
	tcase_add_test(t, unterminated_strings);
	tcase_add_test(t, forwarders_running_off_the_end);
	tcase_add_test(t, name_ordinal_index_out_of_range);
	tcase_add_test(t, ordinals_out_of_range);
	tcase_add_test(t, empty_name_refused);
	tcase_add_test(t, sections_out_of_order);
	suite_add_tcase(s, t);

	t = tcase_create("name table");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, unsorted_name_table_warned_once);
	tcase_add_test(t, sorted_name_table_quiet);
	tcase_add_test(t, repeats_in_unsorted_table);
	tcase_add_test(t, hostile_repeated_name_one_function);
	tcase_add_test(t, hostile_repeated_name_many_functions);
	suite_add_tcase(s, t);

	t = tcase_create("random");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, random_damage_to_small_image);
	tcase_add_test(t, random_damage_to_real_dll);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(pe_suite)
