/* version.c - the second object of sample.dll. */
#include "sample.h"

const char *sample_version(void)
{
	return "sample 1.0";
}
