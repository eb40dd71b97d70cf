/* fuzz_drectve.c - libFuzzer target: the .drectve directive parser, for
 * both machines whose naming differs. */
#include "dllkit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_machine machines[] = { DK_MACHINE_I386, DK_MACHINE_AMD64 };

	for (int i = 0; i < 2; i++) {
		dk_directives d = { 0 };
		dk_directives_parse(&d, (const char *)data, size, machines[i], NULL, &quiet);
		dk_directives_free(&d);
	}
	return 0;
}
