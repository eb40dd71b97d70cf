/* The program tests/cli/imports.sh lists (link only, never run): imports
 * from b.dll by name (b_add, b_version) and by ordinal 5 (b_five, NONAME
 * in b.def), a variable from c.dll (c_data, DATA in c.def) beside a
 * function (c_func), and d_never from d.dll, which the link makes a
 * delay-load import (a `mkimplib --delay` or `dlltool -y` library, or
 * lld-link -delayload:d.dll).  -DNOCRT: no C runtime (lld-link
 * -nodefaultlib), with a stand-in __delayLoadHelper2 that is never called. */
__declspec(dllimport) int b_add(int x, int y);
__declspec(dllimport) int b_version(void);
__declspec(dllimport) int b_five(void);
__declspec(dllimport) extern int c_data;
__declspec(dllimport) int c_func(void);
int d_never(void);

#ifdef NOCRT
/* i386: the helper is __stdcall (___delayLoadHelper2@8) */
#ifdef __i386__
#define HELPER_CC __stdcall
#else
#define HELPER_CC
#endif
void *HELPER_CC __delayLoadHelper2(const void *descriptor, void **slot);
void *HELPER_CC __delayLoadHelper2(const void *descriptor, void **slot)
{
	(void)descriptor;
	return *slot;
}
#endif

int main(int argc, char **argv);
int main(int argc, char **argv)
{
	(void)argv;
	int r = b_add(argc, 1) + b_version() + b_five() + c_data + c_func();
	if (argc == 99)
		r += d_never();
	return r;
}
