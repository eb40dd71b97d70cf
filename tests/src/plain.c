/* plain.c - no dllexport at all: the input of --export-all.  It holds what
 * the filters must keep (functions, data, the user's own const data) and
 * what compilers make that they must leave out (floating-point and string
 * constants, DllMain). */
#include <stddef.h>
int plain_counter = 7;
extern const double plain_factors[4];
const double plain_factors[4] = { 1.5, 2.25, 3.125, 4.0625 };
const char *plain_greeting(void) { return "hello, world"; }
double plain_scale(double x) { return x * 3.14159265358979 + 2.718281828; }
float plain_scalef(float x) { return x * 1.4142135f; }
int __stdcall plain_std(int a, int b) { return a + b; }
static int plain_static(void) { return 1; }
int plain_uses_static(void) { return plain_static(); }
int plain_common;
typedef void *HANDLE;
int __stdcall DllMain(HANDLE h, unsigned long reason, void *reserved)
{
	(void)h; (void)reason; (void)reserved;
	return 1;
}
