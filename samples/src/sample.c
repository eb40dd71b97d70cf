/* sample.c - the functions of sample.dll. */
#include "sample.h"

int sample_counter;

/* Not marked dllexport, so not in the .def: only the DLL's own code calls
 * it.  (Linked without a .def, MinGW ld would export it too: with no
 * dllexport at all it exports every global symbol.) */
int sample_count_call(void)
{
	return ++sample_counter;
}

int sample_add(int a, int b)
{
	sample_count_call();
	return a + b;
}

int __stdcall sample_sub(int a, int b)
{
	sample_count_call();
	return a - b;
}
