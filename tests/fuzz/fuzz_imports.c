/* fuzz_imports.c - libFuzzer target: the import reader (import, delay-import
 * and bound-import directories, and the scan for delay descriptors no
 * directory lists) must read any bytes without a crash or a read outside
 * them.
 *
 * Promises checked: a failed read says why and leaves nothing behind;
 * every DLL read has a non-empty name and at least one descriptor; every
 * function is by name (non-empty) or by ordinal, never both. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_imports im;

	if (dk_read_imports_mem(&im, data, size, "fuzz.exe", &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("image refused without a word");
		if (im.dlls || im.ndlls || im.bound || im.nbound)
			fuzz_fail("a refused image left %zu DLLs behind", im.ndlls);
		return 0;
	}
	for (size_t i = 0; i < im.ndlls; i++) {
		const dk_import_dll *e = &im.dlls[i];
		if (!e->dll || !e->dll[0] || e->ndescriptors == 0)
			fuzz_fail("DLL %zu read without a name or a descriptor", i);
		for (size_t k = 0; k < e->nitems; k++) {
			const dk_imported *it = &e->items[k];
			if (it->by_ordinal ? it->name != NULL : !it->name || !it->name[0])
				fuzz_fail("function %zu of %s is neither by name nor by ordinal", k, e->dll);
		}
	}
	for (size_t i = 0; i < im.nbound; i++)
		if (!im.bound[i].dll)
			fuzz_fail("bound entry %zu without a name", i);
	dk_imports_free(&im);
	return 0;
}
