/* fuzz_implib.c - libFuzzer target: the import-library reader (archive,
 * short members, GNU long-format objects) on any bytes, and the library
 * read as a module.
 *
 * Promises checked: a refusal says why and leaves nothing behind; every
 * import read names its DLL, its symbol and its member, and a name unless
 * it is by ordinal. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_implib lib;

	memset(&lib, 0, sizeof lib);
	(void)dk_is_implib_mem(data, size);
	if (dk_read_implib_mem(&lib, data, size, "fuzz.lib", &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("import library refused without a word");
		if (lib.n || lib.v)
			fuzz_fail("a refused import library left %zu imports", lib.n);
	} else {
		for (size_t i = 0; i < lib.n; i++) {
			const dk_implib_entry *x = &lib.v[i];
			if (!x->dll || !x->symbol || !x->member || (!x->by_ordinal && !x->name))
				fuzz_fail("import %zu read without its DLL, symbol, member or name", i);
		}
		if (lib.n) {
			dk_module m;
			dk_module_init(&m);
			(void)dk_implib_to_module(&lib, NULL, &m, &quiet);
			dk_module_free(&m);
			dk_module_init(&m);
			(void)dk_implib_to_module(&lib, lib.v[lib.n - 1].dll, &m, &quiet);
			dk_module_free(&m);
		}
	}
	dk_implib_free(&lib);
	return 0;
}
