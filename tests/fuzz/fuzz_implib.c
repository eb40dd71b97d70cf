/* fuzz_implib.c - libFuzzer target: the import-library reader (archive,
 * short members, GNU long-format objects) on any bytes. */
#include "dllkit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_implib lib = { 0 };

	(void)dk_is_implib_mem(data, size);
	dk_read_implib_mem(&lib, data, size, "fuzz.lib", &quiet);
	dk_implib_free(&lib);
	return 0;
}
