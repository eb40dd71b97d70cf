/* delay_dll.c - the DLL of tests/interop/delay_run.sh: one function of
 * each kind a delay-load library must reach (see delay.def). */
#define API __declspec(dllexport)

API int add(int a, int b) { return a + b; }
API int __stdcall sfunc(int a, int b) { return a - b; }
API int __fastcall ffunc(int a, int b) { return a * 10 + b; }
API int byord(int a) { return a * 3; }
API int internal_name(int a) { return a + 100; }
/* Arguments in every argument register and on the stack, floating point
 * too: the lazy path must hand all of them on untouched. */
API double fsum(double a, double b, double c, double d, double e)
{
	return a + b * 2 + c * 3 + d * 4 + e * 5;
}
API long long sum6(int a, int b, int c, int d, int e, long long f)
{
	return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6;
}
API int counter = 5;
