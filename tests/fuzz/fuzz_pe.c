/* fuzz_pe.c - libFuzzer target: the PE export-directory reader, and on
 * i386 images the stdcall recovery that reads their code, must read any
 * bytes without a crash or a read outside them.
 *
 * Promises checked: a failed read says why; every export read has a name
 * and an ordinal; recovery returns a count no larger than the exports, or
 * -1 with a word. */
#include "fuzz.h"

static void undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	(void)ctx;
	(void)plain_ret;
	if (!e || !e->name || !why)
		fuzz_fail("undecided export without a name or a reason");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_module m;
	dk_image info;

	dk_module_init(&m);
	memset(&info, 0, sizeof info);
	if (dk_read_image_mem(&m, &info, data, size, "fuzz.dll", &quiet) != DK_OK) {
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
