/* fuzz_pe.c - libFuzzer target: the PE export-directory reader, and on
 * i386 images the stdcall recovery that reads their code, must read any
 * bytes without a crash or a read outside them.
 *
 * Promises checked: a failed read says why; every export read has a name
 * and an ordinal; recovery returns a count no larger than the exports, or
 * -1 with a word; the same bytes read from a file a piece at a time
 * (read_pe.c's file mode, what dumpexports uses), with a head and pieces
 * of sizes the input picks, give the same result to the byte. */
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "dllkit_private.h" /* dk_read_image_input_ */

static void same_views(const dk_module *a, const dk_image *ga, const dk_module *b,
		       const dk_image *gb)
{
	size_t at;
	const char *d = fuzz_module_diff(a, b, &at);

	if (d)
		fuzz_fail("from a file, %s of export %zu differs from the read in memory", d, at);
	for (size_t i = 0; i < a->nexports; i++)
		if (a->exports[i].rva != b->exports[i].rva || a->exports[i].hint != b->exports[i].hint)
			fuzz_fail("from a file, export %zu has another RVA or hint", i);
	if (ga->machine != gb->machine || ga->timestamp != gb->timestamp ||
	    ga->nfunctions != gb->nfunctions || ga->nnames != gb->nnames ||
	    ga->names_out_of_order != gb->names_out_of_order ||
	    ga->names_repeated != gb->names_repeated || ga->has_exports != gb->has_exports ||
	    !fuzz_str_same(ga->export_name, gb->export_name) || !a->native != !b->native)
		fuzz_fail("from a file, the image's facts differ from the read in memory");
	if (a->native)
		same_views(a->native, ga->native, b->native, gb->native);
}

static void same_from_file(const unsigned char *data, size_t size, int rc, const dk_module *m,
			   const dk_image *info, const fuzz_diags *g)
{
	static int fd = -1;
	fuzz_diags g2;
	dk_sink s = fuzz_keeping(&g2);
	dk_module m2;
	dk_image info2;
	dk_input in;
	size_t head = 64 + (size ? data[size - 1] : 0) * 8u;
	size_t window = 1 + (size > 1 ? data[size - 2] : 0) * 97u;

	if (fd < 0 && (fd = memfd_create("fuzz.dll", 0)) < 0)
		return;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		fuzz_fail("cannot write the input to a memfd");
	memset(&in, 0, sizeof in);
	in.name = "fuzz.dll";
	in.data = data;
	in.len = head < size ? head : size;
	if (head < size) {
		in.head_ = true;
		in.fd_ = fd;
		in.size_ = size;
	}
	dk_module_init(&m2);
	memset(&info2, 0, sizeof info2);
	int rc2 = dk_read_image_input_(&m2, &info2, &in, window, size % 3 == 0, &s);
	if (rc2 != rc || g2.n != g->n || strcmp(g2.first, g->first) != 0)
		fuzz_fail("from a file (head %zu, window %zu): status %d, \"%s\"; in memory: %d, \"%s\"",
			  head, window, rc2, g2.first, rc, g->first);
	if (rc == DK_OK)
		same_views(m, info, &m2, &info2);
	dk_image_free(&info2);
	dk_module_free(&m2);
}

static void undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	(void)ctx;
	(void)plain_ret;
	if (!e || !e->name || !why)
		fuzz_fail("undecided export without a name or a reason");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	fuzz_diags g;
	dk_sink quiet = fuzz_keeping(&g);
	dk_module m;
	dk_image info;
	int rc;

	dk_module_init(&m);
	memset(&info, 0, sizeof info);
	rc = dk_read_image_mem(&m, &info, data, size, "fuzz.dll", &quiet);
	same_from_file(data, size, rc, &m, &info, &g);
	if (rc != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("image refused without a word");
	} else {
		for (size_t i = 0; i < m.nexports; i++)
			if (!m.exports[i].name || !m.exports[i].ordinal)
				fuzz_fail("export %zu read without a name or an ordinal", i);
		/* Recovery walks up to 40,000 instructions an export (and 20,000 a
		 * callee): once a run, with or without the aliases (the last byte
		 * says), keeps the target fast enough to go deep. */
		if (m.machine == DK_MACHINE_I386) {
			unsigned flags = size && (data[size - 1] & 1) ? DK_RECOVER_ALIASES : 0;
			unsigned errors = quiet.errors;
			long k = dk_image_recover_stdcall(&m, data, size, "fuzz.dll", flags, undecided,
							  NULL, &quiet);
			if (k < -1 || (k >= 0 && (size_t)k > m.nexports) ||
			    (k == -1 && quiet.errors == errors))
				fuzz_fail("stdcall recovery returned %ld for %zu exports", k, m.nexports);
		}
	}
	dk_image_free(&info);
	dk_module_free(&m);
	return 0;
}
