/* test_read_any.c - inputs of any kind (read_any.c): the kind told from
 * the bytes alone (dk_input_classify), the reason given for a file of no
 * kind, the export set of each kind (dk_load_any), and several names on one
 * ordinal made aliases (dk_image_aliases). */
#include <stdint.h>
#include "unit.h"

static dk_input_kind kind_of(const char *name, const char *bytes, size_t len)
{
	return dk_input_classify(name, bytes, len);
}
#define KIND(name, lit) kind_of(name, lit, sizeof lit - 1)

START_TEST(classify_by_bytes)
{
	static const unsigned char amd64[20] = { 0x64, 0x86, 1, 0 };
	static const unsigned char i386[20] = { 0x4c, 0x01, 0, 0 };
	static const unsigned char anon[20] = { 0, 0, 0xff, 0xff };
	static const unsigned char riscv[20] = { 0x64, 0x50, 1, 0 };

	ck_assert_int_eq(dk_input_classify("a.o", amd64, sizeof amd64), DK_INPUT_OBJECTS);
	ck_assert_int_eq(dk_input_classify("a.o", i386, sizeof i386), DK_INPUT_OBJECTS);
	ck_assert_int_eq(dk_input_classify("a.o", anon, sizeof anon), DK_INPUT_OBJECTS);
	/* A machine dllkit does not read is no COFF object to it. */
	ck_assert_int_eq(dk_input_classify("a.o", riscv, sizeof riscv), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND("a.dll", "MZ\x90\0"), DK_INPUT_IMAGE);
	ck_assert_int_eq(KIND("t.a", "!<thin>\n"), DK_INPUT_OBJECTS);
	/* An archive with no import member: objects (the reader says more). */
	ck_assert_int_eq(KIND("e.a", "!<arch>\n"), DK_INPUT_OBJECTS);
	ck_assert_int_eq(KIND("x", ""), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND("x", "\x7f" "ELF\2\1\1"), DK_INPUT_OTHER);
	/* A NUL in the first bytes is binary, even when named .def. */
	ck_assert_int_eq(KIND("x.def", "EXPORTS\n\0f\n"), DK_INPUT_OTHER);
}
END_TEST

START_TEST(classify_text)
{
	/* Named .def: a .def, whatever it starts with (its parser says what
	 * is wrong); named otherwise: text starting like one. */
	ck_assert_int_eq(KIND("x.DEF", "hello\n"), DK_INPUT_DEF);
	ck_assert_int_eq(KIND("x.txt", "hello\n"), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND(NULL, "hello\n"), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND("/dev/fd/3", "; made by hand\n\n  LIBRARY foo\n"), DK_INPUT_DEF);
	ck_assert_int_eq(KIND("-", "\xef\xbb\xbf" "EXPORTS\r\n f\r\n"), DK_INPUT_DEF);
	ck_assert_int_eq(KIND("-", "EXPORTS"), DK_INPUT_DEF);
	/* A keyword must be a whole word. */
	ck_assert_int_eq(KIND("-", "EXPORTS_X\n"), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND("-", "LIBRARYFOO\n"), DK_INPUT_OTHER);
	ck_assert_int_eq(KIND("-", "exports\n f\n"), DK_INPUT_OTHER);
	/* Blank or comments only: an empty .def. */
	ck_assert_int_eq(KIND("-", "  \n; nothing\n"), DK_INPUT_DEF);
}
END_TEST

START_TEST(words)
{
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_DEF), "module-definition file");
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_IMPLIB), "import library");
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_IMAGE), "PE image");
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_OBJECTS), "objects");
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_OTHER), "file of another kind");
	ck_assert_str_eq(dk_input_kind_name(DK_INPUT_UNREAD), "unreadable");
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("", 0), "empty file"));
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("\xff\xfeL\0", 4), "UTF-16"));
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("\xfe\xff\0L", 4), "UTF-16"));
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("\x7f" "ELF", 4), "an ELF file"));
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("BC\xc0\xde", 4), "-flto"));
	ck_assert_ptr_nonnull(strstr(dk_input_other_reason("\xde\xc0\x17\x0b", 4), "-flto"));
	ck_assert_str_eq(dk_input_other_reason("hello", 5),
			 "not a COFF object, archive, PE image or .def file");
}
END_TEST

static dk_input mem(const char *name, const void *data, size_t len)
{
	dk_input in;
	memset(&in, 0, sizeof in);
	in.name = name;
	in.data = data;
	in.len = len;
	return in;
}

START_TEST(load_def_and_other)
{
	static const char def[] = "LIBRARY foo.dll\nEXPORTS\n b @2\n a DATA\n";
	static const char elf[] = "\x7f" "ELF\2\1\1\0";
	unit_diags g = { 0 };
	UNIT_SINK(s, g);
	dk_input in = mem("foo.def", def, sizeof def - 1);
	dk_module m;

	dk_module_init(&m);
	ck_assert_int_eq(dk_input_classify(in.name, in.data, in.len), DK_INPUT_DEF);
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_DEF, NULL, NULL, NULL, &s), DK_OK);
	ck_assert_uint_eq(g.count, 0);
	ck_assert_str_eq(m.name, "foo.dll");
	ck_assert_uint_eq(m.nexports, 2);
	ck_assert_str_eq(m.exports[0].name, "b"); /* a .def keeps its order */
	ck_assert_uint_eq(m.exports[0].ordinal, 2);
	ck_assert_uint_eq(m.exports[1].flags, DK_EXPORT_DATA);
	dk_module_free(&m);

	/* Another kind: one error naming the file, with the reason. */
	in = mem("lib.so", elf, sizeof elf - 1);
	dk_module_init(&m);
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_OTHER, NULL, NULL, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(g.count, 1);
	ck_assert_ptr_nonnull(strstr(g.last, "lib.so:"));
	ck_assert_ptr_nonnull(strstr(g.last, "an ELF file"));
	/* Unread: reported when it was read, so not again. */
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_UNREAD, NULL, NULL, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(g.count, 1);
	ck_assert_uint_eq(m.nexports, 0);
	dk_module_free(&m);
}
END_TEST

START_TEST(load_bad_image_and_object)
{
	static const unsigned char stub[] = { 'M', 'Z', 0x90, 0, 3, 0 };
	static const unsigned char cut[10] = { 0x64, 0x86, 1, 0 };
	unit_diags g = { 0 };
	UNIT_SINK(s, g);
	dk_input in = mem("cut.dll", stub, sizeof stub);
	dk_image img;
	dk_module m;

	memset(&img, 0, sizeof img);
	dk_module_init(&m);
	ck_assert_int_eq(dk_input_classify(in.name, in.data, in.len), DK_INPUT_IMAGE);
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_IMAGE, NULL, NULL, &img, &s), DK_FAIL);
	ck_assert_uint_ge(g.count, 1);
	ck_assert_ptr_nonnull(strstr(g.last, "cut.dll"));
	ck_assert_uint_eq(m.nexports, 0);
	dk_image_free(&img);
	dk_module_free(&m);

	g.count = 0;
	in = mem("cut.o", cut, sizeof cut);
	dk_module_init(&m);
	ck_assert_int_eq(dk_input_classify(in.name, in.data, in.len), DK_INPUT_OBJECTS);
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_OBJECTS, NULL, NULL, NULL, &s), DK_FAIL);
	ck_assert_uint_ge(g.count, 1);
	ck_assert_ptr_nonnull(strstr(g.last, "cut.o"));
	dk_module_free(&m);
}
END_TEST

/* ---- import libraries ---- */

typedef struct buf {
	char *p;
	size_t len;
} buf;

static buf write_lib(const char *def, const char *dll, dk_implib_format format)
{
	unit_diags g = { 0 };
	UNIT_SINK(s, g);
	dk_implib_opts o;
	dk_module m;
	buf b;

	memset(&o, 0, sizeof o);
	o.machine = DK_MACHINE_AMD64;
	o.dll_name = dll;
	o.format = format;
	dk_module_init(&m);
	ck_assert_int_eq(dk_def_parse(&m, def, strlen(def), "t.def", &s), DK_OK);
	ck_assert_msg(dk_implib_write(&m, &o, &b.p, &b.len, &s) == DK_OK, "%s", g.last);
	dk_module_free(&m);
	return b;
}

static void append(buf *b, const void *p, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	ck_assert_ptr_nonnull(b->p);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* The members of both libraries (but their symbol indexes and long-name
 * tables) in one archive, renamed m0.o, m1.o, ...: two DLLs in one file. */
static buf join(const buf *a, const buf *b)
{
	buf r = { NULL, 0 };
	const buf *libs[2] = { a, b };
	unsigned k = 0;

	append(&r, "!<arch>\n", 8);
	for (int l = 0; l < 2; l++) {
		size_t at = 8;
		while (at + 60 <= libs[l]->len) {
			const char *h = libs[l]->p + at;
			size_t size = strtoul(h + 48, NULL, 10);
			ck_assert_uint_le(at + 60 + size, libs[l]->len);
			if (h[0] != '/') {
				char hdr[61], name[17];
				snprintf(name, sizeof name, "m%u.o/", k++);
				snprintf(hdr, sizeof hdr, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0",
					 "0", "644", size);
				ck_assert_uint_eq(strlen(hdr), 60);
				append(&r, hdr, 60);
				append(&r, h + 60, size);
				if (size & 1)
					append(&r, "\n", 1);
			}
			at += 60 + size + (size & 1);
		}
	}
	return r;
}

START_TEST(load_implib)
{
	for (int f = 0; f < 2; f++) {
		buf a = write_lib("EXPORTS\n fa\n shared DATA\n", "a.dll", (dk_implib_format)f);
		buf b = write_lib("EXPORTS\n fb\n", "b.dll", (dk_implib_format)f);
		buf ab = join(&a, &b);
		unit_diags g = { 0 };
		UNIT_SINK(s, g);
		dk_input in = mem("a.lib", a.p, a.len);
		dk_module m;

		/* One DLL: its exports, as a .def for it would say. */
		ck_assert_int_eq(dk_input_classify(in.name, in.data, in.len), DK_INPUT_IMPLIB);
		dk_module_init(&m);
		ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_IMPLIB, NULL, NULL, NULL, &s), DK_OK);
		ck_assert_str_eq(m.name, "a.dll");
		ck_assert_uint_eq(m.nexports, 2);
		ck_assert_uint_eq(m.exports[dk_module_find(&m, "shared")].flags, DK_EXPORT_DATA);
		dk_module_free(&m);

		/* Two: an error naming both and how to pick one, then the pick. */
		in = mem("ab.lib", ab.p, ab.len);
		ck_assert_int_eq(dk_input_classify(in.name, in.data, in.len), DK_INPUT_IMPLIB);
		dk_module_init(&m);
		ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_IMPLIB, NULL, NULL, NULL, &s), DK_FAIL);
		ck_assert_msg(strstr(g.last, "ab.lib:") && strstr(g.last, "a.dll, b.dll") &&
				      strstr(g.last, "--dll NAME"),
			      "%s", g.last);
		ck_assert_uint_eq(m.nexports, 0);
		ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_IMPLIB, "b.dll", NULL, NULL, &s), DK_OK);
		ck_assert_str_eq(m.name, "b.dll");
		ck_assert_uint_eq(m.nexports, 1);
		ck_assert_str_eq(m.exports[0].name, "fb");
		dk_module_free(&m);
		free(a.p);
		free(b.p);
		free(ab.p);
	}
}
END_TEST

/* ---- several names on one ordinal ---- */

static void add(dk_module *m, const char *name, uint32_t ord, unsigned flags, const char *fwd)
{
	dk_export e;
	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.ordinal = ord;
	e.flags = flags;
	e.forward = (char *)fwd;
	ck_assert_ptr_nonnull(dk_module_add(m, &e));
}

START_TEST(aliases)
{
	unit_diags g = { 0 };
	UNIT_SINK(s, g);
	dk_module m;

	dk_module_init(&m);
	add(&m, "one", 1, 0, NULL);
	add(&m, "uno", 1, 0, NULL);
	add(&m, "eins", 1, DK_EXPORT_NONAME, NULL); /* the third name too */
	add(&m, "two", 2, 0, NULL);
	add(&m, "fwd", 3, 0, "k.f");
	add(&m, "fwd2", 3, 0, "k.f");
	ck_assert_int_eq(dk_image_aliases(&m, &s), DK_OK);
	ck_assert_uint_eq(g.count, 0);
	ck_assert_uint_eq(m.nexports, 6);
	ck_assert_uint_eq(m.exports[0].ordinal, 1);
	ck_assert_ptr_null(m.exports[0].internal);
	for (int i = 1; i <= 2; i++) {
		ck_assert_uint_eq(m.exports[i].ordinal, 0);
		ck_assert_str_eq(m.exports[i].internal, "one");
		ck_assert_uint_eq(m.exports[i].flags & DK_EXPORT_NONAME, 0);
	}
	ck_assert_uint_eq(m.exports[3].ordinal, 2);
	ck_assert_ptr_null(m.exports[3].internal);
	/* A forwarder keeps its target, not an internal name. */
	ck_assert_uint_eq(m.exports[5].ordinal, 0);
	ck_assert_ptr_null(m.exports[5].internal);
	ck_assert_str_eq(m.exports[5].forward, "k.f");
	dk_module_free(&m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("read_any");
	TCase *t = tcase_create("core");

	tcase_add_test(t, classify_by_bytes);
	tcase_add_test(t, classify_text);
	tcase_add_test(t, words);
	tcase_add_test(t, load_def_and_other);
	tcase_add_test(t, load_bad_image_and_object);
	tcase_add_test(t, load_implib);
	tcase_add_test(t, aliases);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
