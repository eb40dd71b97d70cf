/* The program of deps_wine.sh: imports a_twice and a_fwd (a forwarder to
 * b.dll's b_add) from a.dll, b_version by name and b_five by ordinal 5
 * from b.dll, and, with -DDELAY, d_never from d.dll through a delay-load
 * library without ever calling it.  It prints "deps: started" first, so a
 * run that prints nothing never got past the loader, and "deps-ok" when
 * every call gave the right answer. */
#include <stdio.h>

__declspec(dllimport) int a_twice(int x);
__declspec(dllimport) int a_fwd(int x, int y);
__declspec(dllimport) int b_version(void);
__declspec(dllimport) int b_five(void);
#ifdef DELAY
int d_never(void);
#endif

int main(int argc, char **argv)
{
	int bad = 0;
	(void)argv;
	puts("deps: started");
	fflush(stdout);
	if (a_twice(21) != 42) { puts("a_twice wrong"); bad = 1; }
	if (a_fwd(2, 3) != 5) { puts("a_fwd wrong"); bad = 1; }
	if (b_version() != 7) { puts("b_version wrong"); bad = 1; }
	if (b_five() != 5) { puts("b_five wrong"); bad = 1; }
#ifdef DELAY
	/* argc is never 99: the call stays in the image, d.dll is never loaded */
	if (argc == 99) printf("%d\n", d_never());
#endif
	if (!bad) puts("deps-ok");
	return bad;
}
