/* fuzz_def.c - libFuzzer target: the .def parser and writer.
 * Whatever the input, parsing must not crash, and a module that parses
 * must write, and its text must parse back and write to the same bytes. */
#include <stdlib.h>
#include <string.h>
#include "dllkit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_module m, again;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	dk_module_init(&m);
	if (dk_def_parse(&m, (const char *)data, size, "fuzz.def", &quiet) == DK_OK &&
	    dk_def_write(&m, &text, &len, &quiet) == DK_OK) {
		dk_module_init(&again);
		if (dk_def_parse(&again, text, len, "again.def", &quiet) != DK_OK)
			abort(); /* the writer wrote something the parser refuses */
		if (dk_def_write(&again, &text2, &len2, &quiet) != DK_OK || len != len2 ||
		    memcmp(text, text2, len) != 0)
			abort(); /* write -> parse -> write is not the identity */
		dk_module_free(&again);
	}
	free(text);
	free(text2);
	dk_module_free(&m);
	return 0;
}
