/* test_implib_long.c - the GNU long-format import library writer: member
 * names, sections, relocations and symbols per machine, read back with a
 * small archive and COFF reader of the test's own. */
#include "unit.h"
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* A tiny archive and COFF reader                                       */
/* ------------------------------------------------------------------ */

typedef struct member {
	char name[128];
	const unsigned char *data;
	size_t size;
} member;

typedef struct archive {
	member m[64];
	size_t n;
	unsigned nindex;      /* linker members ("/") */
	char index[64][64];   /* names in the first linker member */
	unsigned nsyms;
} archive;

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint32_t rdbe32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void read_archive(archive *a, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	const char *longnames = NULL;
	size_t pos = 8;

	memset(a, 0, sizeof *a);
	ck_assert_uint_ge(len, 8);
	ck_assert(memcmp(data, "!<arch>\n", 8) == 0);
	while (pos + 60 <= len) {
		char name[17], sizetext[11];
		size_t size;
		memcpy(name, data + pos, 16);
		name[16] = 0;
		memcpy(sizetext, data + pos + 48, 10);
		sizetext[10] = 0;
		size = strtoul(sizetext, NULL, 10);
		ck_assert(memcmp(data + pos + 58, "`\n", 2) == 0);
		ck_assert_uint_le(pos + 60 + size, len);
		if (strncmp(name, "/ ", 2) == 0) {
			if (a->nindex++ == 0) {
				const unsigned char *q = p + pos + 60;
				const char *s;
				a->nsyms = rdbe32(q);
				s = (const char *)q + 4 + 4 * a->nsyms;
				for (unsigned i = 0; i < a->nsyms && i < 64; i++) {
					snprintf(a->index[i], sizeof a->index[i], "%s", s);
					s += strlen(s) + 1;
				}
			}
		} else if (strncmp(name, "// ", 3) == 0) {
			longnames = data + pos + 60;
		} else {
			member *m = &a->m[a->n++];
			ck_assert_uint_le(a->n, 64);
			if (name[0] == '/') {
				const char *s = longnames + strtoul(name + 1, NULL, 10);
				size_t k = strcspn(s, "/\n");
				ck_assert_ptr_nonnull(longnames);
				snprintf(m->name, sizeof m->name, "%.*s", (int)k, s);
			} else {
				snprintf(m->name, sizeof m->name, "%.*s", (int)strcspn(name, "/"), name);
			}
			m->data = p + pos + 60;
			m->size = size;
		}
		pos += 60 + size + (size & 1);
	}
	ck_assert_uint_eq(pos, len);
}

static bool in_index(const archive *a, const char *sym)
{
	for (unsigned i = 0; i < a->nsyms && i < 64; i++)
		if (strcmp(a->index[i], sym) == 0)
			return true;
	return false;
}

typedef struct obj {
	const unsigned char *p;
	size_t len;
	unsigned machine, nsec, nsym;
	uint32_t symptr;
	char name[128]; /* the member's, for messages */
} obj;

static obj open_obj(const member *m)
{
	obj o;
	memset(&o, 0, sizeof o);
	o.p = m->data;
	o.len = m->size;
	ck_assert_uint_ge(o.len, 20);
	o.machine = rd16(o.p);
	o.nsec = rd16(o.p + 2);
	o.symptr = rd32(o.p + 8);
	o.nsym = rd32(o.p + 12);
	ck_assert_uint_le(20 + 40 * o.nsec, o.len);
	ck_assert_uint_le(o.symptr + 18 * o.nsym + 4, o.len);
	snprintf(o.name, sizeof o.name, "%s", m->name);
	return o;
}

static const unsigned char *shdr(const obj *o, int sec) { return o->p + 20 + 40 * (sec - 1); }

/* 1-based number of the section called `name`, 0 if none. */
static int section(const obj *o, const char *name)
{
	for (unsigned i = 1; i <= o->nsec; i++)
		if (strncmp((const char *)shdr(o, (int)i), name, 8) == 0)
			return (int)i;
	return 0;
}

static uint32_t sec_size(const obj *o, int s) { return rd32(shdr(o, s) + 16); }
static uint32_t sec_flags(const obj *o, int s) { return rd32(shdr(o, s) + 36); }
static const unsigned char *sec_data(const obj *o, int s) { return o->p + rd32(shdr(o, s) + 20); }
static unsigned sec_nrelocs(const obj *o, int s) { return rd16(shdr(o, s) + 32); }

static void sym_name(const obj *o, uint32_t i, char *buf, size_t n)
{
	const unsigned char *y = o->p + o->symptr + 18 * i;
	if (rd32(y) == 0)
		snprintf(buf, n, "%s", (const char *)o->p + o->symptr + 18 * o->nsym + rd32(y + 4));
	else
		snprintf(buf, n, "%.8s", (const char *)y);
}

/* Index of the symbol called `name`, -1 if none. */
static long symbol(const obj *o, const char *name)
{
	char buf[256];
	for (uint32_t i = 0; i < o->nsym; i += 1 + o->p[o->symptr + 18 * i + 17]) {
		sym_name(o, i, buf, sizeof buf);
		if (strcmp(buf, name) == 0)
			return (long)i;
	}
	return -1;
}

static const unsigned char *sym_rec(const obj *o, long i) { return o->p + o->symptr + 18 * (size_t)i; }
static int sym_section(const obj *o, long i) { return (int16_t)rd16(sym_rec(o, i) + 12); }
static unsigned sym_class(const obj *o, long i) { return sym_rec(o, i)[16]; }
static uint32_t sym_value(const obj *o, long i) { return rd32(sym_rec(o, i) + 8); }

/* The external symbols an object defines, sorted, joined by ' '. */
static void defined(const obj *o, char *out, size_t n)
{
	char names[16][256], buf[256];
	size_t k = 0;
	for (uint32_t i = 0; i < o->nsym; i += 1 + o->p[o->symptr + 18 * i + 17]) {
		if (sym_class(o, i) != 2 || sym_section(o, i) == 0)
			continue;
		sym_name(o, i, buf, sizeof buf);
		ck_assert_uint_lt(k, 16);
		snprintf(names[k++], sizeof names[0], "%s", buf);
	}
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[256];
			memcpy(t, names[j], sizeof t);
			memcpy(names[j], names[j - 1], sizeof t);
			memcpy(names[j - 1], t, sizeof t);
		}
	out[0] = 0;
	for (size_t i = 0; i < k; i++) {
		if (i)
			strncat(out, " ", n - strlen(out) - 1);
		strncat(out, names[i], n - strlen(out) - 1);
	}
}

/* Relocation `k` of section `s`: its offset, type and the name of its symbol. */
static void reloc(const obj *o, int s, unsigned k, uint32_t *off, unsigned *type, char *sym, size_t n)
{
	const unsigned char *r = o->p + rd32(shdr(o, s) + 24) + 10 * k;
	ck_assert_uint_lt(k, sec_nrelocs(o, s));
	*off = rd32(r);
	*type = rd16(r + 8);
	ck_assert_uint_lt(rd32(r + 4), o->nsym);
	sym_name(o, rd32(r + 4), sym, n);
}

/* The one relocation of section `s` must be (off, type, sym). */
static void expect_reloc(const obj *o, const char *secname, unsigned k, uint32_t off, unsigned type,
			 const char *sym)
{
	int s = section(o, secname);
	uint32_t got_off;
	unsigned got_type;
	char got_sym[256];
	ck_assert_msg(s > 0, "%s: no %s", o->name, secname);
	reloc(o, s, k, &got_off, &got_type, got_sym, sizeof got_sym);
	ck_assert_uint_eq(got_off, off);
	ck_assert_uint_eq(got_type, type);
	ck_assert_str_eq(got_sym, sym);
}

static void expect_bytes(const obj *o, const char *secname, const void *want, size_t n)
{
	int s = section(o, secname);
	ck_assert_msg(s > 0, "%s: no %s", o->name, secname);
	ck_assert_uint_eq(sec_size(o, s), n);
	if (n)
		ck_assert_msg(memcmp(sec_data(o, s), want, n) == 0, "%s: %s bytes differ", o->name, secname);
}

/* ------------------------------------------------------------------ */
/* Building libraries                                                   */
/* ------------------------------------------------------------------ */

typedef struct lib {
	char *data;
	size_t len;
	archive a;
} lib;

static int write_lib(lib *l, const char *def, dk_machine machine, const char *dll,
		     void (*tweak)(dk_implib_opts *), unit_diags *u)
{
	UNIT_SINK(s, *u);
	dk_module m;
	dk_implib_opts o;
	int rc;

	memset(&o, 0, sizeof o);
	o.machine = machine;
	o.dll_name = dll;
	o.format = DK_IMPLIB_LONG;
	if (tweak)
		tweak(&o);
	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	rc = dk_implib_write(&m, &o, &l->data, &l->len, &s);
	dk_module_free(&m);
	if (rc == DK_OK)
		read_archive(&l->a, l->data, l->len);
	return rc;
}

static obj member_obj(const lib *l, const char *name)
{
	for (size_t i = 0; i < l->a.n; i++)
		if (strcmp(l->a.m[i].name, name) == 0)
			return open_obj(&l->a.m[i]);
	ck_abort_msg("no member %s", name);
	return open_obj(&l->a.m[0]);
}

static const char basic_def[] = "LIBRARY k.dll\nEXPORTS\n"
				"    add\n"             /* d000001 */
				"    counter DATA\n"    /* d000002 */
				"    cval CONSTANT\n"   /* d000003 */
				"    byord @5 NONAME\n" /* d000004 */
				"    hidden PRIVATE\n"
				"    ab @7\n";          /* d000005 */

enum { IDATA = 0xC0000040u, TEXT = 0x60000020u };

/* ------------------------------------------------------------------ */
/* x86-64                                                               */
/* ------------------------------------------------------------------ */

START_TEST(test_amd64_members)
{
	unit_diags u = { 0 };
	lib l;
	char syms[512];
	static const char *names[] = { "k_dll_d000000.o", "k_dll_d000001.o", "k_dll_d000002.o",
				       "k_dll_d000003.o", "k_dll_d000004.o", "k_dll_d000005.o",
				       "k_dll_d000006.o" };

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_AMD64, "k.dll", NULL, &u), DK_OK);
	ck_assert_uint_eq(l.a.nindex, 1); /* GNU archive by default: one index */
	ck_assert_uint_eq(l.a.n, 7);      /* head, five imports (PRIVATE left out), tail */
	for (size_t i = 0; i < 7; i++) {
		ck_assert_str_eq(l.a.m[i].name, names[i]);
		ck_assert_uint_eq(rd16(l.a.m[i].data), DK_MACHINE_AMD64);
		ck_assert_uint_eq(rd32(l.a.m[i].data + 4), 0); /* no timestamp */
	}
	for (size_t i = 0; i < 7; i++) {
		obj o = open_obj(&l.a.m[i]);
		defined(&o, syms, sizeof syms);
		static const char *want[] = { "_head_k_dll", "__imp_add add", "__imp_counter",
					      "__imp_cval cval", "__imp_byord byord", "__imp_ab ab",
					      "k_dll_iname" };
		ck_assert_str_eq(syms, want[i]);
	}
	ck_assert(in_index(&l.a, "_head_k_dll") && in_index(&l.a, "k_dll_iname"));
	ck_assert(in_index(&l.a, "__imp_counter") && !in_index(&l.a, "counter"));
	ck_assert(!in_index(&l.a, "__imp_hidden") && !in_index(&l.a, "hidden"));
	ck_assert_uint_eq(l.a.nsyms, 11);
	free(l.data);
}
END_TEST

START_TEST(test_amd64_head_tail)
{
	unit_diags u = { 0 };
	lib l;
	obj h, t;
	static const unsigned char zero20[20], zero8[8];
	static const unsigned char name[8] = "k.dll";
	long y;

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_AMD64, "k.dll", NULL, &u), DK_OK);
	h = member_obj(&l, "k_dll_d000000.o");
	expect_bytes(&h, ".idata$2", zero20, 20);
	ck_assert_uint_eq(sec_nrelocs(&h, section(&h, ".idata$2")), 3);
	expect_reloc(&h, ".idata$2", 0, 0, 3, ".idata$4");   /* OriginalFirstThunk */
	expect_reloc(&h, ".idata$2", 1, 12, 3, "k_dll_iname"); /* Name */
	expect_reloc(&h, ".idata$2", 2, 16, 3, ".idata$5");  /* FirstThunk */
	ck_assert_uint_eq(sec_flags(&h, section(&h, ".idata$2")), IDATA | 0x300000);
	/* The empty table sections mark where the DLL's tables start. */
	ck_assert_uint_eq(sec_size(&h, section(&h, ".idata$4")), 0);
	ck_assert_uint_eq(sec_size(&h, section(&h, ".idata$5")), 0);
	ck_assert_uint_eq(sec_flags(&h, section(&h, ".idata$5")), IDATA | 0x400000);
	y = symbol(&h, "k_dll_iname");
	ck_assert(y >= 0 && sym_section(&h, y) == 0 && sym_class(&h, y) == 2);
	ck_assert_int_lt(symbol(&h, "@feat.00"), 0); /* i386 only */

	t = member_obj(&l, "k_dll_d000006.o");
	expect_bytes(&t, ".idata$4", zero8, 8);
	expect_bytes(&t, ".idata$5", zero8, 8);
	expect_bytes(&t, ".idata$7", name, 8); /* "k.dll", NUL, padded to 4 */
	y = symbol(&t, "k_dll_iname");
	ck_assert(y >= 0 && sym_section(&t, y) == section(&t, ".idata$7") && sym_value(&t, y) == 0);
	free(l.data);
}
END_TEST

START_TEST(test_amd64_code)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	long y;
	static const unsigned char thunk[] = { 0xff, 0x25, 0, 0, 0, 0, 0x90, 0x90 };
	static const unsigned char zero8[8], zero4[4];
	static const unsigned char hint_name[] = { 0, 0, 'a', 'd', 'd', 0 };

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_AMD64, "k.dll", NULL, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000001.o");
	/* ld's layout: .text .idata$7 .idata$5 .idata$4 .idata$6 */
	ck_assert_uint_eq(o.nsec, 5);
	ck_assert_int_eq(section(&o, ".text"), 1);
	ck_assert_int_eq(section(&o, ".idata$7"), 2);
	ck_assert_int_eq(section(&o, ".idata$5"), 3);
	ck_assert_int_eq(section(&o, ".idata$4"), 4);
	ck_assert_int_eq(section(&o, ".idata$6"), 5);
	expect_bytes(&o, ".text", thunk, sizeof thunk);
	ck_assert_uint_eq(sec_flags(&o, 1), TEXT | 0x300000);
	expect_reloc(&o, ".text", 0, 2, 4, ".idata$5"); /* REL32 */
	expect_bytes(&o, ".idata$7", zero4, 4);
	expect_reloc(&o, ".idata$7", 0, 0, 3, "_head_k_dll");
	expect_bytes(&o, ".idata$5", zero8, 8);
	expect_reloc(&o, ".idata$5", 0, 0, 3, ".idata$6");
	expect_bytes(&o, ".idata$4", zero8, 8);
	expect_reloc(&o, ".idata$4", 0, 0, 3, ".idata$6");
	expect_bytes(&o, ".idata$6", hint_name, sizeof hint_name);
	ck_assert_uint_eq(sec_flags(&o, 5), IDATA | 0x200000);
	y = symbol(&o, "add");
	ck_assert(y >= 0 && sym_section(&o, y) == 1 && sym_class(&o, y) == 2);
	y = symbol(&o, "__imp_add");
	ck_assert(y >= 0 && sym_section(&o, y) == 3 && sym_class(&o, y) == 2);
	y = symbol(&o, "_head_k_dll");
	ck_assert(y >= 0 && sym_section(&o, y) == 0 && sym_class(&o, y) == 2);
	free(l.data);
}
END_TEST

START_TEST(test_amd64_data_const_ordinal)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	long y;
	static const unsigned char by_ord[] = { 5, 0, 0, 0, 0, 0, 0, 0x80 };
	static const unsigned char counter[] = { 0, 0, 'c', 'o', 'u', 'n', 't', 'e', 'r', 0 };
	static const unsigned char ab[] = { 7, 0, 'a', 'b', 0, 0 }; /* hint = ordinal; even */

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_AMD64, "k.dll", NULL, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000002.o"); /* DATA: no thunk, no plain symbol */
	ck_assert_uint_eq(sec_size(&o, section(&o, ".text")), 0);
	ck_assert_int_lt(symbol(&o, "counter"), 0);
	expect_bytes(&o, ".idata$6", counter, sizeof counter);

	o = member_obj(&l, "k_dll_d000003.o"); /* CONSTANT: the symbol is the IAT slot */
	ck_assert_uint_eq(sec_size(&o, section(&o, ".text")), 0);
	y = symbol(&o, "cval");
	ck_assert(y >= 0 && sym_section(&o, y) == section(&o, ".idata$5") && sym_value(&o, y) == 0);

	o = member_obj(&l, "k_dll_d000004.o"); /* NONAME: the ordinal, top bit set */
	expect_bytes(&o, ".idata$5", by_ord, 8);
	expect_bytes(&o, ".idata$4", by_ord, 8);
	ck_assert_uint_eq(sec_nrelocs(&o, section(&o, ".idata$5")), 0);
	ck_assert_uint_eq(sec_nrelocs(&o, section(&o, ".idata$4")), 0);
	ck_assert_uint_eq(sec_size(&o, section(&o, ".idata$6")), 0);
	ck_assert_uint_eq(sec_size(&o, section(&o, ".text")), 8); /* still callable */

	o = member_obj(&l, "k_dll_d000005.o");
	expect_bytes(&o, ".idata$6", ab, sizeof ab);
	free(l.data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* i386                                                                 */
/* ------------------------------------------------------------------ */

static const char i386_def[] = "LIBRARY k.dll\nEXPORTS\n"
			       "    add\n"
			       "    sfunc@8\n"
			       "    @ffunc@8\n"
			       "    byord @5 NONAME\n"
			       "    counter DATA\n";

START_TEST(test_i386)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	char syms[512];
	long y;
	static const unsigned char thunk[] = { 0xff, 0x25, 0, 0, 0, 0, 0x90, 0x90 };
	static const unsigned char by_ord[] = { 5, 0, 0, 0x80 };
	static const unsigned char sfunc[] = { 0, 0, 's', 'f', 'u', 'n', 'c', '@', '8', 0 };

	ck_assert_int_eq(write_lib(&l, i386_def, DK_MACHINE_I386, "k.dll", NULL, &u), DK_OK);
	ck_assert_uint_eq(l.a.n, 7);
	static const char *want[] = { "__head_k_dll", "__imp__add _add", "__imp__sfunc@8 _sfunc@8",
				      "@ffunc@8 __imp_@ffunc@8", "__imp__byord _byord",
				      "__imp__counter", "_k_dll_iname" };
	for (size_t i = 0; i < l.a.n; i++) {
		o = open_obj(&l.a.m[i]);
		defined(&o, syms, sizeof syms);
		ck_assert_str_eq(syms, want[i]);
		/* Every member says it is SAFESEH-compatible, for lld-link/link.exe. */
		y = symbol(&o, "@feat.00");
		ck_assert_msg(y >= 0, "%s: no @feat.00", o.name);
		ck_assert_int_eq(sym_section(&o, y), -1);
		ck_assert_uint_eq(sym_value(&o, y), 1);
		ck_assert_uint_eq(sym_class(&o, y), 3);
	}
	o = member_obj(&l, "k_dll_d000000.o");
	expect_reloc(&o, ".idata$2", 1, 12, 7, "_k_dll_iname"); /* DIR32NB */
	o = member_obj(&l, "k_dll_d000002.o");
	expect_bytes(&o, ".text", thunk, sizeof thunk);
	expect_reloc(&o, ".text", 0, 2, 6, ".idata$5"); /* DIR32 */
	expect_reloc(&o, ".idata$7", 0, 0, 7, "__head_k_dll");
	ck_assert_uint_eq(sec_size(&o, section(&o, ".idata$5")), 4);
	ck_assert_uint_eq(sec_flags(&o, section(&o, ".idata$5")), IDATA | 0x300000);
	expect_bytes(&o, ".idata$6", sfunc, sizeof sfunc);
	o = member_obj(&l, "k_dll_d000004.o");
	expect_bytes(&o, ".idata$5", by_ord, 4);
	free(l.data);
}
END_TEST

static void kill_at(dk_implib_opts *o) { o->kill_at = true; }
static void no_underscore(dk_implib_opts *o) { o->no_leading_underscore = true; }
static void coff_archive(dk_implib_opts *o) { o->archive = DK_ARCHIVE_COFF; }

START_TEST(test_i386_kill_at)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	char syms[512];
	static const unsigned char sfunc[] = { 0, 0, 's', 'f', 'u', 'n', 'c', 0 };
	static const unsigned char ffunc[] = { 0, 0, 'f', 'f', 'u', 'n', 'c', 0 };

	ck_assert_int_eq(write_lib(&l, i386_def, DK_MACHINE_I386, "k.dll", kill_at, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000002.o"); /* the symbol keeps @8, the name loses it */
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "__imp__sfunc@8 _sfunc@8");
	expect_bytes(&o, ".idata$6", sfunc, sizeof sfunc);
	o = member_obj(&l, "k_dll_d000003.o");
	expect_bytes(&o, ".idata$6", ffunc, sizeof ffunc);
	free(l.data);
}
END_TEST

START_TEST(test_i386_no_underscore)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	char syms[512];

	ck_assert_int_eq(write_lib(&l, i386_def, DK_MACHINE_I386, "k.dll", no_underscore, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000000.o");
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "_head_k_dll");
	o = member_obj(&l, "k_dll_d000001.o");
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "__imp_add add");
	o = member_obj(&l, "k_dll_d000006.o");
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "k_dll_iname");
	free(l.data);
}
END_TEST

/* x86-64 -k: unlike GNU dlltool, -k changes nothing off i386 (as llvm-dlltool). */
START_TEST(test_amd64_kill_at)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	/* -k is an i386 matter (as in llvm-dlltool): on x86-64 the name stays. */
	static const unsigned char sfunc[] = { 0, 0, 's', 'f', 'u', 'n', 'c', '@', '8', 0 };
	static const unsigned char real[] = { 0, 0, 'r', '@', '4', 0 };
	static const char def[] = "LIBRARY k.dll\nEXPORTS\n    sfunc@8\n    al == r@4\n";

	ck_assert_int_eq(write_lib(&l, def, DK_MACHINE_AMD64, "k.dll", kill_at, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000001.o");
	expect_bytes(&o, ".idata$6", sfunc, sizeof sfunc);
	ck_assert_int_ge(symbol(&o, "sfunc@8"), 0);
	o = member_obj(&l, "k_dll_d000002.o"); /* an == name is taken as written */
	expect_bytes(&o, ".idata$6", real, sizeof real);
	free(l.data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* arm64, arm                                                           */
/* ------------------------------------------------------------------ */

START_TEST(test_arm64)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	static const unsigned char thunk[] = { 0x10, 0x00, 0x00, 0x90, 0x10, 0x02, 0x40, 0xf9,
					       0x00, 0x02, 0x1f, 0xd6 };
	static const unsigned char by_ord[] = { 5, 0, 0, 0, 0, 0, 0, 0x80 };

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_ARM64, "k.dll", NULL, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000001.o");
	ck_assert_uint_eq(o.machine, 0xaa64);
	expect_bytes(&o, ".text", thunk, sizeof thunk);
	ck_assert_uint_eq(sec_nrelocs(&o, 1), 2);
	expect_reloc(&o, ".text", 0, 0, 4, ".idata$5"); /* PAGEBASE_REL21 */
	expect_reloc(&o, ".text", 1, 4, 7, ".idata$5"); /* PAGEOFFSET_12L */
	expect_reloc(&o, ".idata$5", 0, 0, 2, ".idata$6"); /* ADDR32NB */
	/* The 8-byte ldr scales its offset: the slot must be 8-aligned. */
	ck_assert_uint_eq(sec_flags(&o, section(&o, ".idata$5")), IDATA | 0x400000);
	o = member_obj(&l, "k_dll_d000000.o");
	expect_reloc(&o, ".idata$2", 2, 16, 2, ".idata$5");
	o = member_obj(&l, "k_dll_d000004.o");
	expect_bytes(&o, ".idata$4", by_ord, 8);
	free(l.data);
}
END_TEST

START_TEST(test_armnt)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	static const unsigned char thunk[] = { 0x40, 0xf2, 0x00, 0x0c, 0xc0, 0xf2, 0x00, 0x0c,
					       0xdc, 0xf8, 0x00, 0xf0 };
	static const unsigned char by_ord[] = { 5, 0, 0, 0x80 };
	static const unsigned char zero4[4];

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_ARMNT, "k.dll", NULL, &u), DK_OK);
	o = member_obj(&l, "k_dll_d000001.o");
	ck_assert_uint_eq(o.machine, 0x1c4);
	expect_bytes(&o, ".text", thunk, sizeof thunk);
	ck_assert_uint_eq(sec_nrelocs(&o, 1), 1);
	expect_reloc(&o, ".text", 0, 0, 0x11, ".idata$5"); /* MOV32T */
	expect_reloc(&o, ".idata$4", 0, 0, 2, ".idata$6");
	ck_assert_uint_eq(sec_size(&o, section(&o, ".idata$5")), 4);
	o = member_obj(&l, "k_dll_d000004.o");
	expect_bytes(&o, ".idata$5", by_ord, 4);
	o = member_obj(&l, "k_dll_d000006.o");
	expect_bytes(&o, ".idata$4", zero4, 4);
	free(l.data);
}
END_TEST

START_TEST(test_arm64ec_refused)
{
	unit_diags u = { 0 };
	lib l = { 0 };

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_ARM64EC, "k.dll", NULL, &u), DK_FAIL);
	ck_assert_ptr_null(l.data);
	ck_assert_str_eq(u.last, ":0:0: long format does not support arm64ec; use --format short");
}
END_TEST

START_TEST(test_bad_dll_name)
{
	unit_diags u = { 0 };
	lib l = { 0 };

	ck_assert_int_eq(write_lib(&l, basic_def, DK_MACHINE_AMD64, "dir/", NULL, &u), DK_FAIL);
	ck_assert_ptr_null(l.data);
	ck_assert_str_eq(u.last, ":0:0: DLL name \"dir/\" names no file");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names, archive kinds, determinism                                    */
/* ------------------------------------------------------------------ */

START_TEST(test_names_from_dll_name)
{
	unit_diags u = { 0 };
	lib l;
	obj o;
	char syms[512];
	static const unsigned char name[] = "my-lib.v2.dll\0\0";

	/* Every byte that is not a letter or digit becomes '_', as in ld; a
	 * folder in the name is not the loader's business. */
	ck_assert_int_eq(write_lib(&l, "EXPORTS\n    f\n", DK_MACHINE_AMD64, "sub/my-lib.v2.dll", NULL, &u),
			 DK_OK);
	ck_assert_str_eq(l.a.m[0].name, "my_lib_v2_dll_d000000.o"); /* a long name ("//") */
	ck_assert_str_eq(l.a.m[2].name, "my_lib_v2_dll_d000002.o");
	o = open_obj(&l.a.m[0]);
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "_head_my_lib_v2_dll");
	o = open_obj(&l.a.m[2]);
	defined(&o, syms, sizeof syms);
	ck_assert_str_eq(syms, "my_lib_v2_dll_iname");
	expect_bytes(&o, ".idata$7", name, 16);
	free(l.data);
}
END_TEST

START_TEST(test_empty_and_sorted)
{
	unit_diags u = { 0 };
	lib l;
	char def[8192] = "LIBRARY big.dll\nEXPORTS\n";

	ck_assert_int_eq(write_lib(&l, "LIBRARY e.dll\nEXPORTS\n", DK_MACHINE_I386, "e.dll", NULL, &u),
			 DK_OK);
	ck_assert_uint_eq(l.a.n, 2);
	ck_assert_str_eq(l.a.m[0].name, "e_dll_d000000.o");
	ck_assert_str_eq(l.a.m[1].name, "e_dll_d000001.o");
	free(l.data);

	/* Linkers order a library's .idata$N pieces by member name: head,
	 * imports, tail must sort that way. */
	for (int i = 0; i < 30; i++)
		snprintf(def + strlen(def), sizeof def - strlen(def), "    z%d\n", 30 - i);
	ck_assert_int_eq(write_lib(&l, def, DK_MACHINE_AMD64, "big.dll", NULL, &u), DK_OK);
	ck_assert_uint_eq(l.a.n, 32);
	for (size_t i = 1; i < l.a.n; i++)
		ck_assert_int_lt(strcmp(l.a.m[i - 1].name, l.a.m[i].name), 0);
	free(l.data);
}
END_TEST

START_TEST(test_coff_archive_and_determinism)
{
	unit_diags u = { 0 };
	lib a, b, c;

	ck_assert_int_eq(write_lib(&a, basic_def, DK_MACHINE_AMD64, "k.dll", coff_archive, &u), DK_OK);
	ck_assert_uint_eq(a.a.nindex, 2); /* Microsoft's two linker members */
	ck_assert_uint_eq(a.a.n, 7);
	ck_assert_int_eq(write_lib(&b, basic_def, DK_MACHINE_AMD64, "k.dll", coff_archive, &u), DK_OK);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert(memcmp(a.data, b.data, a.len) == 0);
	/* The GNU kind holds the same members. */
	ck_assert_int_eq(write_lib(&c, basic_def, DK_MACHINE_AMD64, "k.dll", NULL, &u), DK_OK);
	for (size_t i = 0; i < 7; i++) {
		ck_assert_uint_eq(a.a.m[i].size, c.a.m[i].size);
		ck_assert(memcmp(a.a.m[i].data, c.a.m[i].data, a.a.m[i].size) == 0);
	}
	free(a.data);
	free(b.data);
	free(c.data);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("implib_long");
	TCase *tc = tcase_create("long");
	tcase_add_test(tc, test_amd64_members);
	tcase_add_test(tc, test_amd64_head_tail);
	tcase_add_test(tc, test_amd64_code);
	tcase_add_test(tc, test_amd64_data_const_ordinal);
	tcase_add_test(tc, test_amd64_kill_at);
	tcase_add_test(tc, test_i386);
	tcase_add_test(tc, test_i386_kill_at);
	tcase_add_test(tc, test_i386_no_underscore);
	tcase_add_test(tc, test_arm64);
	tcase_add_test(tc, test_armnt);
	tcase_add_test(tc, test_arm64ec_refused);
	tcase_add_test(tc, test_bad_dll_name);
	tcase_add_test(tc, test_names_from_dll_name);
	tcase_add_test(tc, test_empty_and_sorted);
	tcase_add_test(tc, test_coff_archive_and_determinism);
	suite_add_tcase(s, tc);
	return s;
}

DK_UNIT_MAIN(suite)
