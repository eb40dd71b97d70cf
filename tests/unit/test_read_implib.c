/* test_implibread.c - reading import libraries: round trips through our
 * own writers for every machine, both formats and both archive kinds;
 * archives and members built by hand (long names of both kinds, BSD names,
 * weak aliases, two DLLs in one library); damaged inputs, each refused with
 * an error naming the member and the offset; truncation at every byte and
 * random mutations, which must never crash (run it under ASan). */
#include <stdint.h>
#include <unistd.h>
#include "unit.h"
#include "write_ar_private.h"
#include "read_ar_private.h"
#include "write_coff_private.h"
#include "write_implib_private.h"

/* ------------------------------------------------------------------ */
/* Diagnostics                                                          */
/* ------------------------------------------------------------------ */

typedef struct diags {
	unsigned errors, warnings;
	char msg[1024];        /* the first error */
	char member[256];      /* its member ("" when none) */
	long long offset;      /* its offset */
} diags;

static void diag_fn(void *ctx, const dk_diag *d)
{
	diags *g = ctx;
	if (d->severity == DK_WARNING)
		g->warnings++;
	if (d->severity != DK_ERROR)
		return;
	if (g->errors++ == 0) {
		snprintf(g->msg, sizeof g->msg, "%s", d->message);
		snprintf(g->member, sizeof g->member, "%s", d->loc.member ? d->loc.member : "");
		g->offset = d->loc.offset;
	}
}

#define SINK(name, g) dk_sink name = { diag_fn, &(g), 0, 0 }

/* ------------------------------------------------------------------ */
/* Building libraries                                                   */
/* ------------------------------------------------------------------ */

typedef struct built {
	char *data;
	size_t len;
} built;

static built write_lib(const char *def, dk_machine machine, dk_implib_format format,
		       dk_archive_kind kind, const char *dll, void (*tweak)(dk_implib_opts *))
{
	diags g = { 0 };
	SINK(s, g);
	dk_module m;
	dk_implib_opts o;
	built b;

	memset(&o, 0, sizeof o);
	o.machine = machine;
	o.dll_name = dll;
	o.format = format;
	o.archive = kind;
	if (tweak)
		tweak(&o);
	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_msg(dk_implib_write(&m, &o, &b.data, &b.len, &s) == DK_OK, "write: %s", g.msg);
	dk_module_free(&m);
	return b;
}

/* Read, expecting success and no diagnostics. */
static void read_ok(dk_implib *lib, const void *data, size_t len)
{
	diags g = { 0 };
	SINK(s, g);
	ck_assert_msg(dk_read_implib_mem(lib, data, len, "t.lib", &s) == DK_OK, "read: %s (%s @%lld)",
		      g.msg, g.member, g.offset);
	ck_assert_uint_eq(g.errors, 0);
	ck_assert_uint_eq(g.warnings, 0);
}

/* Read, expecting an error whose message has `want` (and, when given,
 * which names `member`). */
static void read_fails(const void *data, size_t len, const char *expect, const char *member,
		       diags *out)
{
	diags g = { 0 };
	SINK(s, g);
	dk_implib lib;
	ck_assert_msg(dk_read_implib_mem(&lib, data, len, "t.lib", &s) == DK_FAIL,
		      "read, expecting '%s', succeeded", expect);
	ck_assert_uint_ge(g.errors, 1);
	ck_assert_msg(strstr(g.msg, expect) != NULL, "message '%s' lacks '%s'", g.msg, expect);
	if (member)
		ck_assert_str_eq(g.member, member);
	ck_assert_uint_eq(lib.n, 0);
	ck_assert_ptr_null(lib.v);
	if (out)
		*out = g;
}

static const dk_implib_entry *by_symbol(const dk_implib *lib, const char *symbol)
{
	const dk_implib_entry *found = NULL;
	for (size_t i = 0; i < lib->n; i++)
		if (strcmp(lib->v[i].symbol, symbol) == 0) {
			ck_assert_msg(!found, "symbol %s read twice", symbol);
			found = &lib->v[i];
		}
	ck_assert_msg(found != NULL, "no import of %s", symbol);
	return found;
}

/* ------------------------------------------------------------------ */
/* Round trips: every field, every machine, both formats                */
/* ------------------------------------------------------------------ */

static const char rt_def[] =
	"LIBRARY rt.dll\nEXPORTS\n"
	"    add\n"
	"    counter DATA\n"
	"    konst CONSTANT\n"
	"    byord @5 NONAME\n"
	"    hinted @7\n"
	"    hinted_data @8 DATA\n"
	"    ea EXPORTAS real_ea\n"
	"    renamed == real_name\n"
	"    aliased == add\n"
	"    aliased_data == counter DATA\n"
	"    ?cpp@@YAHH@Z\n"
	"    hidden PRIVATE\n"
	"    a_very_long_export_name_that_goes_on_and_on_well_past_any_header_field_0123456789\n";

/* What each import of rt_def must read back as.  Name types: i386 /
 * x86-64, arm64, arm / ARM64EC (short); long members say 1 or 0. */
typedef struct want {
	const char *symbol;     /* without the i386 '_' */
	bool cxx;               /* a C++ name: no '_' on i386 either */
	const char *name;       /* NULL: by ordinal */
	uint16_t ordinal;       /* ordinal, or hint */
	unsigned type;
	unsigned nt_i386, nt, nt_ec;
	bool alias;             /* a weak alias member in short non-EC libraries */
} want;

static const want rt_want[] = {
	{ "add", false, "add", 0, DK_IMPORT_CODE, 2, 1, 4, false },
	{ "counter", false, "counter", 0, DK_IMPORT_DATA, 2, 1, 1, false },
	{ "konst", false, "konst", 0, DK_IMPORT_CONST, 2, 1, 1, false },
	{ "byord", false, NULL, 5, DK_IMPORT_CODE, 0, 0, 0, false },
	{ "hinted", false, "hinted", 7, DK_IMPORT_CODE, 2, 1, 4, false },
	{ "hinted_data", false, "hinted_data", 8, DK_IMPORT_DATA, 2, 1, 1, false },
	{ "ea", false, "real_ea", 0, DK_IMPORT_CODE, 4, 4, 4, false },
	{ "renamed", false, "real_name", 0, DK_IMPORT_CODE, 4, 4, 4, false },
	{ "aliased", false, "add", 0, DK_IMPORT_CODE, 2, 1, 4, true },
	{ "aliased_data", false, "counter", 0, DK_IMPORT_DATA, 2, 1, 4, true },
	{ "?cpp@@YAHH@Z", true, "?cpp@@YAHH@Z", 0, DK_IMPORT_CODE, 1, 1, 4, false },
	{ "a_very_long_export_name_that_goes_on_and_on_well_past_any_header_field_0123456789",
	  false, "a_very_long_export_name_that_goes_on_and_on_well_past_any_header_field_0123456789",
	  0, DK_IMPORT_CODE, 2, 1, 4, false },
};
enum { RT_N = sizeof rt_want / sizeof rt_want[0] };

static const dk_machine machines[] = { DK_MACHINE_I386, DK_MACHINE_AMD64, DK_MACHINE_ARM64,
				       DK_MACHINE_ARM64EC, DK_MACHINE_ARMNT };
enum { NMACHINES = sizeof machines / sizeof machines[0] };

static void check_rt(const dk_implib *lib, dk_machine machine, bool is_short)
{
	bool i386 = machine == DK_MACHINE_I386, ec = machine == DK_MACHINE_ARM64EC;

	ck_assert_uint_eq(lib->machine, machine);
	ck_assert_uint_eq(lib->n, RT_N); /* PRIVATE left out */
	for (size_t i = 0; i < RT_N; i++) {
		const want *w = &rt_want[i];
		char sym[256];
		const dk_implib_entry *x;
		unsigned nt;

		snprintf(sym, sizeof sym, "%s%s", i386 && !w->cxx ? "_" : "", w->symbol);
		x = by_symbol(lib, sym);
		ck_assert_str_eq(x->dll, "rt.dll");
		ck_assert_uint_eq(x->by_ordinal, w->name == NULL);
		if (w->name)
			ck_assert_str_eq(x->name, w->name);
		else
			ck_assert_ptr_null(x->name);
		ck_assert_uint_eq(x->ordinal, w->ordinal);
		ck_assert_msg(x->type == w->type, "%s %s (%s): type %u, want %u", dk_machine_name(machine),
			      sym, is_short ? "short" : "long", x->type, w->type);
		ck_assert_uint_eq(x->short_format, is_short);
		nt = !is_short ? (w->name ? 1 : 0) : i386 ? w->nt_i386 : ec ? w->nt_ec : w->nt;
		ck_assert_msg(x->name_type == nt, "%s: name type %u, want %u", sym, x->name_type, nt);
		if (is_short) {
			ck_assert_str_eq(x->member, "rt.dll");
		} else {
			ck_assert(dk_starts_with(x->member, "rt_dll_d0000") && dk_ends_with(x->member, ".o"));
		}
	}
}

START_TEST(round_trip_every_machine_and_format)
{
	static const dk_archive_kind kinds[] = { DK_ARCHIVE_DEFAULT, DK_ARCHIVE_GNU, DK_ARCHIVE_COFF };
	for (size_t mi = 0; mi < NMACHINES; mi++)
		for (int f = 0; f < 2; f++)
			for (size_t k = 0; k < 3; k++) {
				dk_machine mc = machines[mi];
				dk_implib lib;
				built b;
				if (f == DK_IMPLIB_LONG && mc == DK_MACHINE_ARM64EC)
					continue; /* refused by the writer */
				b = write_lib(rt_def, mc, (dk_implib_format)f, kinds[k], "rt.dll", NULL);
				ck_assert(dk_is_implib_mem(b.data, b.len));
				read_ok(&lib, b.data, b.len);
				check_rt(&lib, mc, f == DK_IMPLIB_SHORT);
				dk_implib_free(&lib);
				ck_assert_uint_eq(lib.n, 0);
				free(b.data);
			}
}
END_TEST

/* The order of the entries is the order of the members. */
START_TEST(round_trip_order)
{
	built b = write_lib("LIBRARY o.dll\nEXPORTS\n zeta\n alpha\n mid DATA\n", DK_MACHINE_AMD64,
			    DK_IMPLIB_LONG, DK_ARCHIVE_DEFAULT, "o.dll", NULL);
	dk_implib lib;
	read_ok(&lib, b.data, b.len);
	ck_assert_uint_eq(lib.n, 3);
	ck_assert_str_eq(lib.v[0].symbol, "zeta");
	ck_assert_str_eq(lib.v[1].symbol, "alpha");
	ck_assert_str_eq(lib.v[2].symbol, "mid");
	ck_assert_str_eq(lib.v[0].member, "o_dll_d000001.o");
	dk_implib_free(&lib);
	free(b.data);
}
END_TEST

/* i386 names: decorated, C++, kill-at, the MSVC dialect, no underscore. */
static const char i386_def[] = "LIBRARY d.dll\nEXPORTS\n"
			       "    sfunc@8\n"
			       "    @ffunc@8\n"
			       "    vfunc@@16\n"
			       "    _under\n"
			       "    plain\n";

static void kill_at(dk_implib_opts *o) { o->kill_at = true; }
static void msvc(dk_implib_opts *o) { o->dialect = DK_DIALECT_MSVC; }
static void no_underscore(dk_implib_opts *o) { o->no_leading_underscore = true; }

typedef struct i386_want {
	const char *symbol, *name;
	unsigned nt; /* short */
} i386_want;

static void check_i386(void (*tweak)(dk_implib_opts *), const i386_want *w, size_t n)
{
	for (int f = 0; f < 2; f++) {
		built b = write_lib(i386_def, DK_MACHINE_I386, (dk_implib_format)f, DK_ARCHIVE_DEFAULT,
				    "d.dll", tweak);
		dk_implib lib;
		read_ok(&lib, b.data, b.len);
		ck_assert_uint_eq(lib.n, n);
		for (size_t i = 0; i < n; i++) {
			const dk_implib_entry *x = by_symbol(&lib, w[i].symbol);
			ck_assert_str_eq(x->name, w[i].name);
			ck_assert_uint_eq(x->name_type, f == DK_IMPLIB_SHORT ? w[i].nt : 1);
		}
		dk_implib_free(&lib);
		free(b.data);
	}
}

START_TEST(i386_names)
{
	static const i386_want gnu[] = {
		{ "_sfunc@8", "sfunc@8", 2 }, { "@ffunc@8", "@ffunc@8", 1 },
		{ "vfunc@@16", "vfunc@@16", 1 }, { "__under", "_under", 2 }, { "_plain", "plain", 2 },
	};
	static const i386_want killed[] = {
		{ "_sfunc@8", "sfunc", 3 }, { "@ffunc@8", "ffunc", 3 },
		{ "vfunc@@16", "vfunc", 3 }, { "__under", "_under", 2 }, { "_plain", "plain", 2 },
	};
	static const i386_want bare[] = {
		{ "sfunc@8", "sfunc@8", 1 }, { "@ffunc@8", "@ffunc@8", 1 },
		{ "vfunc@@16", "vfunc@@16", 1 }, { "_under", "_under", 1 }, { "plain", "plain", 1 },
	};
	check_i386(NULL, gnu, 5);
	check_i386(kill_at, killed, 5);
	check_i386(no_underscore, bare, 5);
}
END_TEST

START_TEST(i386_msvc_dialect)
{
	/* link.exe naming: `_s@8` in a .def is the symbol itself (NAME). */
	built b = write_lib("LIBRARY m.dll\nEXPORTS\n _s@8\n plain\n", DK_MACHINE_I386,
			    DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT, "m.dll", msvc);
	dk_implib lib;
	read_ok(&lib, b.data, b.len);
	ck_assert_str_eq(by_symbol(&lib, "_s@8")->name, "_s@8");
	ck_assert_uint_eq(by_symbol(&lib, "_s@8")->name_type, 1);
	ck_assert_str_eq(by_symbol(&lib, "_plain")->name, "plain");
	dk_implib_free(&lib);
	free(b.data);
}
END_TEST

/* ARM64EC: the symbol callers use is the demangled one. */
START_TEST(arm64ec_demangled_symbols)
{
	built b = write_lib("LIBRARY ec.dll\nEXPORTS\n f\n #g\n ?h@@YAXXZ\n d DATA\n o @3 NONAME\n",
			    DK_MACHINE_ARM64EC, DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT, "ec.dll", NULL);
	dk_implib lib;
	read_ok(&lib, b.data, b.len);
	ck_assert_uint_eq(lib.n, 5);
	ck_assert_str_eq(by_symbol(&lib, "f")->name, "f");
	ck_assert_str_eq(by_symbol(&lib, "g")->name, "g");
	ck_assert_str_eq(by_symbol(&lib, "?h@@YAXXZ")->name, "?h@@YAXXZ");
	ck_assert_str_eq(by_symbol(&lib, "d")->name, "d");
	ck_assert(by_symbol(&lib, "o")->by_ordinal);
	ck_assert_uint_eq(by_symbol(&lib, "o")->ordinal, 3);
	dk_implib_free(&lib);
	free(b.data);
}
END_TEST

/* Long member and DLL names: "//" with "name/\n" (GNU) and "name\0" (COFF). */
START_TEST(long_names_both_kinds)
{
	static const char dll[] = "a_rather_long_library_name_for_tests.dll";
	for (int k = 0; k < 2; k++)
		for (int f = 0; f < 2; f++) {
			built b = write_lib("LIBRARY x\nEXPORTS\n f\n", DK_MACHINE_AMD64,
					    (dk_implib_format)f, k ? DK_ARCHIVE_COFF : DK_ARCHIVE_GNU,
					    dll, NULL);
			dk_implib lib;
			read_ok(&lib, b.data, b.len);
			ck_assert_uint_eq(lib.n, 1);
			ck_assert_str_eq(lib.v[0].dll, dll);
			ck_assert_str_eq(lib.v[0].member, f == DK_IMPLIB_SHORT
								  ? dll
								  : "a_rather_long_library_name_for_tests_dll_d000001.o");
			dk_implib_free(&lib);
			free(b.data);
		}
}
END_TEST

/* ------------------------------------------------------------------ */
/* As a module                                                          */
/* ------------------------------------------------------------------ */

START_TEST(to_module_every_machine)
{
	for (size_t mi = 0; mi < NMACHINES; mi++)
		for (int f = 0; f < 2; f++) {
			dk_machine mc = machines[mi];
			diags g = { 0 };
			SINK(s, g);
			dk_implib lib, again;
			dk_module m;
			dk_implib_opts o;
			char *data;
			size_t len;
			built b;

			if (f == DK_IMPLIB_LONG && mc == DK_MACHINE_ARM64EC)
				continue;
			b = write_lib(rt_def, mc, (dk_implib_format)f, DK_ARCHIVE_DEFAULT, "rt.dll", NULL);
			read_ok(&lib, b.data, b.len);
			dk_module_init(&m);
			ck_assert_int_eq(dk_implib_to_module(&lib, NULL, &m, &s), DK_OK);
			ck_assert_str_eq(m.name, "rt.dll");
			ck_assert_uint_eq(m.machine, mc);
			/* One export per symbol, named as the symbol (GNU naming);
			 * where the loader asks for another name, `== name`. */
			ck_assert_uint_eq(m.nexports, RT_N);
			for (size_t i = 0; i < RT_N; i++) {
				const want *w = &rt_want[i];
				long k = dk_module_find(&m, w->symbol);
				ck_assert_msg(k >= 0, "%s missing", w->symbol);
				const dk_export *e = &m.exports[k];
				ck_assert_uint_eq(e->flags,
						  (w->name ? 0u : DK_EXPORT_NONAME) |
							  (w->type == DK_IMPORT_DATA ? DK_EXPORT_DATA : 0u) |
							  (w->type == DK_IMPORT_CONST ? DK_EXPORT_CONSTANT : 0u));
				ck_assert_uint_eq(e->ordinal, w->name ? 0 : w->ordinal);
				if (w->name && strcmp(w->name, w->symbol) != 0)
					ck_assert_str_eq(e->import_name ? e->import_name : "(none)", w->name);
				else
					ck_assert_ptr_null(e->import_name);
			}
			/* Written again from the module, the library loads the same names. */
			memset(&o, 0, sizeof o);
			o.machine = mc;
			o.dll_name = m.name;
			o.format = (dk_implib_format)f;
			ck_assert_int_eq(dk_implib_write(&m, &o, &data, &len, &s), DK_OK);
			read_ok(&again, data, len);
			ck_assert_uint_eq(again.n, m.nexports);
			for (size_t i = 0; i < again.n; i++) {
				const dk_implib_entry *x = &again.v[i];
				const char *sym = x->symbol + (mc == DK_MACHINE_I386 && x->symbol[0] == '_' &&
							       x->symbol[1] != '?');
				long k = dk_module_find(&m, sym);
				ck_assert_msg(k >= 0, "%s is not in the module", x->symbol);
				if (!x->by_ordinal) {
					const dk_export *e = &m.exports[k];
					ck_assert_str_eq(x->name, e->import_name ? e->import_name : e->name);
				}
			}
			dk_implib_free(&again);
			free(data);
			dk_module_free(&m);
			dk_implib_free(&lib);
			free(b.data);
		}
}
END_TEST

/* Two DLLs in one archive: the members of two libraries, one after the other. */
static built concat_libs(const built *a, const built *b, dk_ar_kind kind)
{
	dk_ar_member v[64];
	char *names[64];
	size_t n = 0;
	dk_buf out;
	built r;
	const built *libs[2] = { a, b };

	for (int l = 0; l < 2; l++) {
		dk_ar_reader ar;
		dk_ar_entry e;
		ck_assert(dk_ar_open(&ar, libs[l]->data, libs[l]->len, NULL));
		while (dk_ar_next(&ar, &e, NULL) == 1) {
			ck_assert_uint_lt(n, 64);
			names[n] = dk_ar_name(&e);
			memset(&v[n], 0, sizeof v[n]);
			v[n].name = names[n];
			v[n].data = e.data;
			v[n].size = e.size;
			n++;
		}
	}
	dk_buf_init(&out);
	ck_assert_int_eq(dk_archive_write(&out, kind, v, n), DK_OK);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	r.data = dk_buf_take(&out, &r.len);
	return r;
}

START_TEST(two_dlls)
{
	for (int f = 0; f < 2; f++) {
		built a = write_lib("EXPORTS\n fa\n shared\n", DK_MACHINE_AMD64, (dk_implib_format)f,
				    DK_ARCHIVE_DEFAULT, "A.dll", NULL);
		built b = write_lib("EXPORTS\n fb\n shared DATA\n", DK_MACHINE_AMD64, (dk_implib_format)f,
				    DK_ARCHIVE_DEFAULT, "b.dll", NULL);
		built ab = concat_libs(&a, &b, f ? DK_AR_GNU : DK_AR_COFF);
		diags g = { 0 };
		SINK(s, g);
		dk_implib lib;
		dk_module m;

		read_ok(&lib, ab.data, ab.len);
		ck_assert_uint_eq(lib.n, 4);
		ck_assert_str_eq(by_symbol(&lib, "fa")->dll, "A.dll");
		ck_assert_str_eq(by_symbol(&lib, "fb")->dll, "b.dll");
		dk_module_init(&m);
		ck_assert_int_eq(dk_implib_to_module(&lib, NULL, &m, &s), DK_FAIL);
		ck_assert_ptr_nonnull(strstr(g.msg, "more than one DLL"));
		ck_assert_int_eq(dk_implib_to_module(&lib, "B.DLL", &m, &s), DK_OK); /* any case */
		ck_assert_str_eq(m.name, "b.dll");
		ck_assert_uint_eq(m.nexports, 2);
		ck_assert_uint_eq(m.exports[dk_module_find(&m, "shared")].flags, DK_EXPORT_DATA);
		dk_module_free(&m);
		dk_module_init(&m);
		ck_assert_int_eq(dk_implib_to_module(&lib, "c.dll", &m, &s), DK_FAIL);
		ck_assert_ptr_nonnull(strstr(g.msg, "more than one DLL"));
		dk_module_free(&m);
		dk_implib_free(&lib);
		free(a.data);
		free(b.data);
		free(ab.data);
	}
}
END_TEST

START_TEST(to_module_i386_ordinal_and_exe)
{
	built b = write_lib("NAME k.exe\nEXPORTS\n byord @4 NONAME\n f\n", DK_MACHINE_I386,
			    DK_IMPLIB_LONG, DK_ARCHIVE_DEFAULT, "k.exe", NULL);
	diags g = { 0 };
	SINK(s, g);
	dk_implib lib;
	dk_module m;
	char *text;
	size_t len;

	read_ok(&lib, b.data, b.len);
	dk_module_init(&m);
	ck_assert_int_eq(dk_implib_to_module(&lib, NULL, &m, &s), DK_OK);
	ck_assert(m.is_exe);
	ck_assert_int_eq(dk_def_write(&m, &text, &len, &s), DK_OK);
	ck_assert_ptr_nonnull(strstr(text, "byord @4 NONAME"));
	ck_assert_ptr_nonnull(strstr(text, "NAME"));
	free(text);
	dk_module_free(&m);
	dk_implib_free(&lib);
	free(b.data);
}
END_TEST

START_TEST(to_module_nothing)
{
	diags g = { 0 };
	SINK(s, g);
	dk_implib lib = { 0 };
	dk_module m;
	dk_module_init(&m);
	ck_assert_int_eq(dk_implib_to_module(&lib, NULL, &m, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(g.msg, "imports nothing"));
	dk_module_free(&m);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Archives and members made by hand                                    */
/* ------------------------------------------------------------------ */

/* A raw archive: members given as (header name, bytes). */
typedef struct raw {
	dk_buf b;
} raw;

static void raw_init(raw *r)
{
	dk_buf_init(&r->b);
	dk_buf_add(&r->b, "!<arch>\n", 8);
}

static void raw_member(raw *r, const char *name, const void *data, size_t size)
{
	char h[61];
	snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "644", size);
	dk_buf_add(&r->b, h, 60);
	dk_buf_add(&r->b, data, size);
	if (size & 1)
		dk_buf_addc(&r->b, '\n');
}

/* A short import member: header + strings (the caller's `tail`). */
static size_t short_member(unsigned char *out, uint16_t machine, uint16_t hint, unsigned type,
			   unsigned name_type, const void *tail, size_t tail_len, uint32_t size)
{
	memset(out, 0, 20);
	dk_put16(out + 2, 0xffff);
	dk_put16(out + 6, machine);
	dk_put32(out + 12, size);
	dk_put16(out + 16, hint);
	dk_put16(out + 18, (uint16_t)(type | name_type << 2));
	memcpy(out + 20, tail, tail_len);
	return 20 + tail_len;
}

START_TEST(bsd_and_special_names)
{
	unsigned char m[128], bsd[160];
	static const char tail[] = "_f@4\0k.dll";
	size_t n = short_member(m, DK_MACHINE_I386, 3, 0, 3, tail, sizeof tail, sizeof tail);
	raw r;
	dk_implib lib;

	raw_init(&r);
	raw_member(&r, "/", "\0\0\0\0", 4);                 /* an empty GNU index */
	raw_member(&r, "/<ECSYMBOLS>/", "\0\0\0\0", 4);
	raw_member(&r, "/SYM64/", "\0\0\0\0\0\0\0\0", 8);
	raw_member(&r, "//", "k.dll_with_a_long_name.dll\0", 27); /* odd size: padded */
	raw_member(&r, "/0", m, n);
	memcpy(bsd, "bsd_name.dll\0\0\0\0", 16);
	memcpy(bsd + 16, m, n);
	raw_member(&r, "#1/16", bsd, 16 + n);
	raw_member(&r, "plain.dll/", m, n);
	raw_member(&r, "bsdplain.dll", m, n);
	read_ok(&lib, r.b.data, r.b.len);
	ck_assert_uint_eq(lib.n, 4);
	ck_assert_str_eq(lib.v[0].member, "k.dll_with_a_long_name.dll");
	ck_assert_str_eq(lib.v[1].member, "bsd_name.dll");
	ck_assert_str_eq(lib.v[2].member, "plain.dll");
	ck_assert_str_eq(lib.v[3].member, "bsdplain.dll");
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(lib.v[i].symbol, "_f@4");
		ck_assert_str_eq(lib.v[i].name, "f"); /* UNDECORATE */
		ck_assert_str_eq(lib.v[i].dll, "k.dll");
		ck_assert_uint_eq(lib.v[i].ordinal, 3);
	}
	dk_implib_free(&lib);
	dk_buf_free(&r.b);
}
END_TEST

/* Every name type applied as link.exe and lld-link do. */
START_TEST(short_name_types)
{
	static const struct {
		const char *sym;
		unsigned nt;
		const char *exp, *name;
	} c[] = {
		{ "?f@@YAXXZ", 1, NULL, "?f@@YAXXZ" },
		{ "?f@@YAXXZ", 2, NULL, "f@@YAXXZ" },
		{ "@f@8", 2, NULL, "f@8" },
		{ "__f", 2, NULL, "_f" },
		{ "f", 2, NULL, "f" },
		{ "_f@12", 3, NULL, "f" },
		{ "@f@12", 3, NULL, "f" },
		{ "f@@12", 3, NULL, "f" },
		{ "?f@@YAXXZ", 3, NULL, "f" },
		{ "sym", 4, "Other", "Other" },
		{ "sym", 0, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		unsigned char m[256], tail[128];
		size_t tl = 0, n;
		raw r;
		dk_implib lib;

		memcpy(tail, c[i].sym, strlen(c[i].sym) + 1);
		tl = strlen(c[i].sym) + 1;
		memcpy(tail + tl, "x.dll", 6);
		tl += 6;
		if (c[i].exp) {
			memcpy(tail + tl, c[i].exp, strlen(c[i].exp) + 1);
			tl += strlen(c[i].exp) + 1;
		}
		n = short_member(m, DK_MACHINE_I386, 9, 0, c[i].nt, tail, tl, (uint32_t)tl);
		raw_init(&r);
		raw_member(&r, "x.dll/", m, n);
		read_ok(&lib, r.b.data, r.b.len);
		ck_assert_uint_eq(lib.n, 1);
		ck_assert_str_eq(lib.v[0].symbol, c[i].sym);
		ck_assert_uint_eq(lib.v[0].name_type, c[i].nt);
		if (c[i].name)
			ck_assert_str_eq(lib.v[0].name, c[i].name);
		else
			ck_assert(lib.v[0].by_ordinal && lib.v[0].ordinal == 9);
		dk_implib_free(&lib);
		dk_buf_free(&r.b);
	}
}
END_TEST

/* A plain static archive: no imports, no error; dk_is_implib says no. */
START_TEST(plain_archive)
{
	dk_coff c;
	dk_buf obj, out;
	dk_ar_member am;
	static const char *const syms[] = { "f", "__imp_g" };
	dk_implib lib;
	int text, data;

	dk_coff_init(&c, DK_MACHINE_AMD64);
	text = dk_coff_section_add(&c, ".text", DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ);
	data = dk_coff_section_add(&c, ".data", DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ);
	dk_coff_data(&c, text, "\xc3", 1);
	dk_coff_data(&c, data, "\0\0\0\0\0\0\0\0", 8);
	dk_coff_symbol_add(&c, "f", 0, (int16_t)text, 0x20, DK_SYM_CLASS_EXTERNAL);
	/* a mingw-style redirector: __imp_g in .data is not an import */
	dk_coff_symbol_add(&c, "__imp_g", 0, (int16_t)data, 0, DK_SYM_CLASS_EXTERNAL);
	dk_buf_init(&obj);
	ck_assert_int_eq(dk_coff_write(&c, &obj), DK_OK);
	dk_coff_free(&c);
	memset(&am, 0, sizeof am);
	am.name = "f.o";
	am.data = obj.data;
	am.size = obj.len;
	am.symbols = syms;
	am.nsymbols = 2;
	dk_buf_init(&out);
	ck_assert_int_eq(dk_archive_write(&out, DK_AR_GNU, &am, 1), DK_OK);
	ck_assert(!dk_is_implib_mem(out.data, out.len));
	read_ok(&lib, out.data, out.len);
	ck_assert_uint_eq(lib.n, 0);
	ck_assert_uint_eq(lib.machine, DK_MACHINE_AMD64); /* from the object */
	dk_implib_free(&lib);
	/* an empty archive reads as nothing too */
	read_ok(&lib, "!<arch>\n", 8);
	ck_assert_uint_eq(lib.n, 0);
	ck_assert_uint_eq(lib.machine, DK_MACHINE_UNKNOWN);
	dk_buf_free(&obj);
	dk_buf_free(&out);
}
END_TEST

/* dk_read_implib and dk_is_implib on files. */
START_TEST(files)
{
	char dir[] = "/tmp/dk-implibread-XXXXXX", path[64], bad[64];
	built b = write_lib("EXPORTS\n f\n", DK_MACHINE_ARM64, DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT,
			    "f.dll", NULL);
	diags g = { 0 };
	SINK(s, g);
	dk_implib lib;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f.lib", dir);
	snprintf(bad, sizeof bad, "%s/missing.lib", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b.data, 1, b.len, f), b.len);
	fclose(f);
	ck_assert(dk_is_implib(path));
	ck_assert(!dk_is_implib(bad));
	ck_assert_int_eq(dk_read_implib(&lib, path, &s), DK_OK);
	ck_assert_uint_eq(lib.n, 1);
	ck_assert_uint_eq(lib.machine, DK_MACHINE_ARM64);
	dk_implib_free(&lib);
	ck_assert_int_eq(dk_read_implib(&lib, bad, &s), DK_FAIL);
	ck_assert_uint_eq(g.errors, 1);
	unlink(path);
	rmdir(dir);
	free(b.data);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Damaged inputs                                                       */
/* ------------------------------------------------------------------ */

START_TEST(not_archives)
{
	diags g;
	read_fails("", 0, "not an archive", NULL, NULL);
	read_fails("!<arch", 6, "not an archive", NULL, NULL);
	read_fails("\x7f" "ELF\2\1\1\0\0\0\0\0\0\0\0\0", 16, "not an archive", NULL, NULL);
	read_fails("!<thin>\n", 8, "thin archive", NULL, &g);
	ck_assert_int_eq(g.offset, 0);
	ck_assert(!dk_is_implib_mem("!<thin>\n", 8));
}
END_TEST

START_TEST(bad_headers)
{
	unsigned char m[64];
	static const char tail[] = "f\0k.dll";
	size_t n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, sizeof tail);
	diags g;
	raw r;

	/* a header cut short */
	raw_init(&r);
	raw_member(&r, "k.dll/", m, n);
	dk_buf_add(&r.b, "k.dll/   0    ", 14);
	read_fails(r.b.data, r.b.len, "cut short", NULL, &g);
	ck_assert_int_eq(g.offset, (long long)(r.b.len - 14));
	dk_buf_free(&r.b);

	/* a size past the end */
	raw_init(&r);
	raw_member(&r, "k.dll/", m, n);
	r.b.len -= 3;
	read_fails(r.b.data, r.b.len, "past the end of the file", NULL, &g);
	ck_assert_int_eq(g.offset, 8 + 48);
	dk_buf_free(&r.b);

	/* a size that is not a number */
	raw_init(&r);
	raw_member(&r, "k.dll/", m, n);
	r.b.data[8 + 50] = 'x';
	read_fails(r.b.data, r.b.len, "bad size field", NULL, &g);
	dk_buf_free(&r.b);

	/* no "`\n" */
	raw_init(&r);
	raw_member(&r, "k.dll/", m, n);
	r.b.data[8 + 58] = '\'';
	read_fails(r.b.data, r.b.len, "does not end", NULL, &g);
	ck_assert_int_eq(g.offset, 8 + 58);
	dk_buf_free(&r.b);
}
END_TEST

START_TEST(bad_long_names)
{
	unsigned char m[64];
	static const char tail[] = "f\0k.dll";
	size_t n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, sizeof tail);
	raw r;

	raw_init(&r); /* no "//" */
	raw_member(&r, "/0", m, n);
	read_fails(r.b.data, r.b.len, "no long-name member", NULL, NULL);
	dk_buf_free(&r.b);

	raw_init(&r); /* offset out of range */
	raw_member(&r, "//", "name/\n", 6);
	raw_member(&r, "/6", m, n);
	read_fails(r.b.data, r.b.len, "past the end of the long-name member", NULL, NULL);
	dk_buf_free(&r.b);

	raw_init(&r); /* huge offset */
	raw_member(&r, "//", "name/\n", 6);
	raw_member(&r, "/99999999999999", m, n);
	read_fails(r.b.data, r.b.len, "past the end of the long-name member", NULL, NULL);
	dk_buf_free(&r.b);

	raw_init(&r); /* unterminated */
	raw_member(&r, "//", "name", 4);
	raw_member(&r, "/0", m, n);
	read_fails(r.b.data, r.b.len, "no end", NULL, NULL);
	dk_buf_free(&r.b);

	raw_init(&r); /* not a number */
	raw_member(&r, "//", "name/\n", 6);
	raw_member(&r, "/x", m, n);
	read_fails(r.b.data, r.b.len, "neither a name", NULL, NULL);
	dk_buf_free(&r.b);

	raw_init(&r); /* a BSD name longer than its member */
	raw_member(&r, "#1/50", m, n);
	read_fails(r.b.data, r.b.len, "BSD member name", NULL, NULL);
	dk_buf_free(&r.b);
}
END_TEST

/* One damaged short member, in an archive after a good one: the error
 * names it and says where. */
static void bad_short(const unsigned char *m, size_t n, const char *expect, long long at)
{
	unsigned char good[64];
	static const char tail[] = "ok\0k.dll";
	size_t gn = short_member(good, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, sizeof tail);
	diags g;
	raw r;
	size_t start;

	raw_init(&r);
	raw_member(&r, "good.dll/", good, gn);
	start = r.b.len + 60;
	raw_member(&r, "bad.dll/", m, n);
	read_fails(r.b.data, r.b.len, expect, "bad.dll", &g);
	ck_assert_msg(g.offset == (long long)start + at, "offset %lld, want %lld", g.offset,
		      (long long)start + at);
	dk_buf_free(&r.b);
}

START_TEST(bad_short_members)
{
	unsigned char m[128];
	static const char tail[] = "f\0k.dll";
	size_t n;

	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, sizeof tail + 1);
	bad_short(m, n, "SizeOfData (9) runs past its end (8 bytes", 12);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, 0xffffffffu);
	bad_short(m, n, "SizeOfData", 12);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, "abc", 3, 3);
	bad_short(m, n, "symbol name has no end", 20);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, "abc\0k.d", 7, 7);
	bad_short(m, n, "DLL name has no end", 24);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 5, tail, sizeof tail, sizeof tail);
	bad_short(m, n, "name type 5", 18);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 7, tail, sizeof tail, sizeof tail);
	bad_short(m, n, "name type 7", 18);
	n = short_member(m, DK_MACHINE_AMD64, 0, 3, 1, tail, sizeof tail, sizeof tail);
	bad_short(m, n, "import type 3", 18);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 4, tail, sizeof tail, sizeof tail);
	bad_short(m, n, "EXPORTAS without an export name", 20 + 8);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 4, "f\0k.dll\0", 9, 9);
	bad_short(m, n, "empty export name", 20);
	n = short_member(m, 0x1234, 0, 0, 1, tail, sizeof tail, sizeof tail);
	bad_short(m, n, "machine 0x1234", 6);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, "\0k.dll", 7, 7);
	bad_short(m, n, "empty symbol name", 20);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, "f\0\0", 3, 3);
	bad_short(m, n, "empty DLL name", 20);
	n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, sizeof tail);
	bad_short(m, 12, "header alone takes 20", 0);
	bad_short(m, 5, "header alone takes 20", 0);
}
END_TEST

START_TEST(bad_short_members_tolerated)
{
	/* SizeOfData smaller than the member: the rest is ignored; a higher
	 * Version is an anonymous object (bigobj), not an import. */
	unsigned char m[128];
	static const char tail[] = "f\0k.dll\0junk";
	size_t n = short_member(m, DK_MACHINE_AMD64, 0, 0, 1, tail, sizeof tail, 8);
	raw r;
	dk_implib lib;

	raw_init(&r);
	raw_member(&r, "k.dll/", m, n);
	m[4] = 2;
	raw_member(&r, "big.obj/", m, n);
	read_ok(&lib, r.b.data, r.b.len);
	ck_assert_uint_eq(lib.n, 1);
	ck_assert_str_eq(lib.v[0].dll, "k.dll");
	dk_implib_free(&lib);
	dk_buf_free(&r.b);
}
END_TEST

/* Patch the first occurrence of `from` (same length as `to`) in `b`. */
static void patch(built *b, const void *from, const void *to, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->data + i, from, n) == 0) {
			memcpy(b->data + i, to, n);
			return;
		}
	ck_abort_msg("nothing to patch");
}

/* The file offset of the header of section `name` in regular member `k`. */
static size_t section_header(const built *b, size_t k, const char *name)
{
	dk_ar_reader ar;
	dk_ar_entry e;
	ck_assert(dk_ar_open(&ar, b->data, b->len, NULL));
	do
		ck_assert_int_eq(dk_ar_next(&ar, &e, NULL), 1);
	while (e.index != k);
	for (unsigned i = 0; i < (unsigned)(e.data[2] | e.data[3] << 8); i++)
		if (strncmp((const char *)e.data + 20 + 40 * i, name, 8) == 0)
			return e.offset + 20 + 40 * i;
	ck_abort_msg("no section %s", name);
	return 0;
}

START_TEST(bad_long_members)
{
	built b, ab;
	dk_ar_reader ar;
	dk_ar_entry e;
	dk_ar_member v[8];
	char *names[8];
	size_t n = 0;
	dk_buf out;

	/* without its head: the chain to the DLL name is broken */
	b = write_lib("EXPORTS\n f\n", DK_MACHINE_AMD64, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "k.dll", NULL);
	ck_assert(dk_ar_open(&ar, b.data, b.len, NULL));
	while (dk_ar_next(&ar, &e, NULL) == 1) {
		names[n] = dk_ar_name(&e);
		memset(&v[n], 0, sizeof v[n]);
		v[n].name = names[n];
		v[n].data = e.data;
		v[n].size = e.size;
		n++;
	}
	dk_buf_init(&out);
	ck_assert_int_eq(dk_archive_write(&out, DK_AR_GNU, v + 1, n - 1), DK_OK);
	ab.data = out.data;
	ab.len = out.len;
	read_fails(ab.data, ab.len, "no member defines `_head_k_dll'", "k_dll_d000001.o", NULL);
	/* without its tail */
	dk_buf_init(&out);
	ck_assert_int_eq(dk_archive_write(&out, DK_AR_GNU, v, n - 1), DK_OK);
	read_fails(out.data, out.len, "no member defines `k_dll_iname'", "k_dll_d000000.o", NULL);
	dk_buf_free(&out);
	free(ab.data);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(b.data);

	/* a by-name entry without its relocation and without the top bit */
	b = write_lib("EXPORTS\n f\n", DK_MACHINE_AMD64, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "k.dll", NULL);
	/* (the .idata$5 section header of the import object: zero its
	 * relocation count) */
	b.data[section_header(&b, 1, ".idata$5") + 32] = 0;
	read_fails(b.data, b.len, "neither a name", "k_dll_d000001.o", NULL);
	free(b.data);

	/* the DLL name not terminated inside its section */
	b = write_lib("EXPORTS\n f\n", DK_MACHINE_AMD64, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "kk.dll", NULL);
	patch(&b, "kk.dll\0\0", "kk.dllxx", 8);
	read_fails(b.data, b.len, "should be a DLL name", "kk_dll_d000002.o", NULL);
	free(b.data);

	/* the hint/name not terminated inside .idata$6 */
	b = write_lib("EXPORTS\n fun\n", DK_MACHINE_AMD64, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "k.dll", NULL);
	patch(&b, "\0\0fun\0", "\0\0funx", 6);
	read_fails(b.data, b.len, "hint/name entry of `__imp_fun'", "k_dll_d000001.o", NULL);
	free(b.data);

	/* a symbol table past the end of the object */
	b = write_lib("EXPORTS\n f\n", DK_MACHINE_AMD64, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "k.dll", NULL);
	{
		dk_ar_reader r2;
		dk_ar_entry e2;
		ck_assert(dk_ar_open(&r2, b.data, b.len, NULL));
		ck_assert_int_eq(dk_ar_next(&r2, &e2, NULL), 1);
		ck_assert_int_eq(dk_ar_next(&r2, &e2, NULL), 1); /* the import object */
		dk_put32((unsigned char *)b.data + e2.offset + 12, 0x01000000);
		diags g;
		read_fails(b.data, b.len, "symbol table past the end", "k_dll_d000001.o", &g);
		ck_assert_int_eq(g.offset, (long long)e2.offset + 8);
	}
	free(b.data);
}
END_TEST

/* A library without its head: one error, not one per import. */
START_TEST(missing_head_said_once)
{
	dk_buf def, out;
	built b;
	dk_ar_reader ar;
	dk_ar_entry e;
	dk_ar_member *v = calloc(64, sizeof *v);
	char *names[64];
	size_t n = 0;
	diags g;

	dk_buf_init(&def);
	dk_buf_adds(&def, "EXPORTS\n");
	for (int i = 0; i < 50; i++)
		dk_buf_printf(&def, " f%d\n", i);
	dk_buf_addc(&def, 0);
	b = write_lib(def.data, DK_MACHINE_I386, DK_IMPLIB_LONG, DK_ARCHIVE_GNU, "k.dll", NULL);
	ck_assert(dk_ar_open(&ar, b.data, b.len, NULL));
	while (dk_ar_next(&ar, &e, NULL) == 1) {
		ck_assert_uint_lt(n, 64);
		names[n] = dk_ar_name(&e);
		v[n].name = names[n];
		v[n].data = e.data;
		v[n].size = e.size;
		n++;
	}
	ck_assert_uint_eq(n, 52);
	dk_buf_init(&out);
	ck_assert_int_eq(dk_archive_write(&out, DK_AR_GNU, v + 1, n - 1), DK_OK);
	read_fails(out.data, out.len, "no member defines `__head_k_dll'", "k_dll_d000001.o", &g);
	ck_assert_uint_eq(g.errors, 1);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(v);
	dk_buf_free(&out);
	dk_buf_free(&def);
	free(b.data);
}
END_TEST

/* The largest library a DLL can have, in both formats: read in one pass
 * (no lookup that grows with the square of the imports). */
START_TEST(sixty_thousand_imports)
{
	dk_buf def;
	dk_buf_init(&def);
	dk_buf_adds(&def, "LIBRARY big.dll\nEXPORTS\n");
	for (int i = 0; i < 60000; i++)
		dk_buf_printf(&def, " function_number_%d%s\n", i, i % 7 == 0 ? " DATA" : "");
	dk_buf_addc(&def, 0);
	for (int f = 0; f < 2; f++) {
		built b = write_lib(def.data, DK_MACHINE_AMD64, (dk_implib_format)f, DK_ARCHIVE_DEFAULT,
				    "big.dll", NULL);
		dk_implib lib;
		dk_module m;
		diags g = { 0 };
		SINK(s, g);
		read_ok(&lib, b.data, b.len);
		ck_assert_uint_eq(lib.n, 60000);
		ck_assert_str_eq(lib.v[59999].name, "function_number_59999");
		ck_assert_uint_eq(lib.v[7].type, DK_IMPORT_DATA);
		dk_module_init(&m);
		ck_assert_int_eq(dk_implib_to_module(&lib, NULL, &m, &s), DK_OK);
		ck_assert_uint_eq(m.nexports, 60000);
		dk_module_free(&m);
		dk_implib_free(&lib);
		free(b.data);
	}
	dk_buf_free(&def);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Truncation and random damage: no crash, no read outside the bytes     */
/* ------------------------------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Read `len` bytes copied into a buffer of exactly that size (so ASan sees
 * any read past the end); no diagnostics are kept. */
static void read_any(const char *data, size_t len)
{
	char *copy = malloc(len ? len : 1);
	dk_sink s = { NULL, NULL, 0, 0 };
	dk_implib lib;
	int rc;

	memcpy(copy, data, len);
	rc = dk_read_implib_mem(&lib, copy, len, "fuzz.lib", &s);
	if (rc == DK_OK) {
		dk_module m;
		for (size_t i = 0; i < lib.n; i++)
			ck_assert(lib.v[i].dll && lib.v[i].symbol && lib.v[i].member &&
				  (lib.v[i].by_ordinal || lib.v[i].name));
		dk_module_init(&m);
		(void)dk_implib_to_module(&lib, NULL, &m, &s);
		dk_module_free(&m);
		dk_implib_free(&lib);
	} else {
		ck_assert_uint_ge(s.errors, 1);
		ck_assert_uint_eq(lib.n, 0);
	}
	(void)dk_is_implib_mem(copy, len);
	free(copy);
}

static built fuzz_seed(int which)
{
	switch (which) {
	case 0:
		return write_lib(rt_def, DK_MACHINE_AMD64, DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT, "rt.dll", NULL);
	case 1:
		return write_lib(rt_def, DK_MACHINE_I386, DK_IMPLIB_LONG, DK_ARCHIVE_DEFAULT,
				 "a_long_dll_name_for_the_long_name_member.dll", NULL);
	case 2:
		return write_lib(rt_def, DK_MACHINE_ARM64EC, DK_IMPLIB_SHORT, DK_ARCHIVE_DEFAULT, "rt.dll", NULL);
	default:
		return write_lib(rt_def, DK_MACHINE_ARMNT, DK_IMPLIB_LONG, DK_ARCHIVE_COFF, "rt.dll", NULL);
	}
}

START_TEST(truncated_everywhere)
{
	for (int k = 0; k < 4; k++) {
		built b = fuzz_seed(k);
		for (size_t len = 0; len < b.len; len++)
			read_any(b.data, len);
		free(b.data);
	}
}
END_TEST

START_TEST(random_mutations)
{
	for (int k = 0; k < 4; k++) {
		built b = fuzz_seed(k);
		char *m = malloc(b.len);
		for (int round = 0; round < 3000; round++) {
			unsigned flips = 1 + (unsigned)(next_rand() % 8);
			memcpy(m, b.data, b.len);
			for (unsigned f = 0; f < flips; f++) {
				size_t at = (size_t)(next_rand() % b.len);
				uint64_t how = next_rand();
				/* mostly small changes, sometimes 0xff or 0 (sizes, counts) */
				m[at] = (char)(how % 3 == 0 ? 0xff : how % 3 == 1 ? 0 : (char)(how >> 8));
			}
			read_any(m, b.len);
		}
		free(m);
		free(b.data);
	}
}
END_TEST

/* A real library from the MinGW sysroot, when there is one. */
START_TEST(random_mutations_of_a_sysroot_library)
{
	static const char *const candidates[] = {
		"/usr/x86_64-w64-mingw32/lib/libaclui.a",
		"/usr/i686-w64-mingw32/lib/libaclui.a",
	};
	for (size_t c = 0; c < sizeof candidates / sizeof candidates[0]; c++) {
		char *data, *m;
		size_t len;
		dk_implib lib;
		diags g = { 0 };
		SINK(s, g);

		if (access(candidates[c], R_OK) != 0)
			continue;
		ck_assert_int_eq(dk_read_file(candidates[c], &data, &len, &s), DK_OK);
		read_ok(&lib, data, len);
		ck_assert_uint_gt(lib.n, 0);
		dk_implib_free(&lib);
		m = malloc(len);
		for (int round = 0; round < 1500; round++) {
			memcpy(m, data, len);
			for (unsigned f = 0; f < 4; f++)
				m[next_rand() % len] = (char)next_rand();
			read_any(m, len);
		}
		for (size_t cut = 0; cut < len; cut += 1 + cut / 64)
			read_any(data, cut);
		free(m);
		free(data);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("implibread");
	TCase *t = tcase_create("round trips");
	tcase_add_test(t, round_trip_every_machine_and_format);
	tcase_add_test(t, round_trip_order);
	tcase_add_test(t, i386_names);
	tcase_add_test(t, i386_msvc_dialect);
	tcase_add_test(t, arm64ec_demangled_symbols);
	tcase_add_test(t, long_names_both_kinds);
	suite_add_tcase(s, t);

	t = tcase_create("module");
	tcase_add_test(t, to_module_every_machine);
	tcase_add_test(t, two_dlls);
	tcase_add_test(t, to_module_i386_ordinal_and_exe);
	tcase_add_test(t, to_module_nothing);
	suite_add_tcase(s, t);

	t = tcase_create("by hand");
	tcase_add_test(t, bsd_and_special_names);
	tcase_add_test(t, short_name_types);
	tcase_add_test(t, plain_archive);
	tcase_add_test(t, files);
	suite_add_tcase(s, t);

	t = tcase_create("damaged");
	tcase_add_test(t, not_archives);
	tcase_add_test(t, bad_headers);
	tcase_add_test(t, bad_long_names);
	tcase_add_test(t, bad_short_members);
	tcase_add_test(t, bad_short_members_tolerated);
	tcase_add_test(t, bad_long_members);
	tcase_add_test(t, missing_head_said_once);
	suite_add_tcase(s, t);

	t = tcase_create("size");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, sixty_thousand_imports);
	suite_add_tcase(s, t);

	t = tcase_create("fuzz");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, truncated_everywhere);
	tcase_add_test(t, random_mutations);
	tcase_add_test(t, random_mutations_of_a_sysroot_library);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
