/* fuzz_def.c - libFuzzer target: the .def parser and writer.
 * Whatever the input, parsing must not crash; a refusal says why; a module
 * that parses either writes or says why not, and its text parses back and
 * writes to the same bytes. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_module m, again;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	dk_module_init(&m);
	if (dk_def_parse(&m, (const char *)data, size, "fuzz.def", &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("the .def parser failed without a word");
	} else if (dk_def_write(&m, &text, &len, &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("the .def writer failed without a word");
	} else {
		dk_module_init(&again);
		if (dk_def_parse(&again, text, len, "again.def", &quiet) != DK_OK)
			fuzz_fail("the .def parser refuses what the .def writer wrote");
		if (dk_def_write(&again, &text2, &len2, &quiet) != DK_OK || len != len2 ||
		    memcmp(text, text2, len) != 0)
			fuzz_fail(".def written, parsed and written again: other bytes");
		dk_module_free(&again);
	}
	free(text);
	free(text2);
	dk_module_free(&m);
	return 0;
}
