/* fuzz_pe.c - libFuzzer target: the PE export-directory reader must read
 * any bytes without a crash or a read outside them. */
#include "dllkit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_module m;
	dk_image info;

	dk_module_init(&m);
	dk_read_image_mem(&m, &info, data, size, "fuzz.dll", &quiet);
	dk_image_free(&info);
	dk_module_free(&m);
	return 0;
}
