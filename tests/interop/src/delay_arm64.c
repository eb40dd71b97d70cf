/* delay_arm64.c - the arm64 client of tests/interop/delay_arm64.sh, linked
 * (never run: no Wine runs arm64 here) against a delay-load library of
 * delay.dll, with no C runtime.  mingw-w64 for arm64 is not installed, so
 * __delayLoadHelper2 is a stand-in with its signature, for the link only;
 * tests/tools/delay-walk checks that the image's code hands it the right
 * descriptor and slot. */
typedef void (*proc)(void);

__declspec(dllimport) int add(int, int);
int sfunc(int, int);
int ffunc(int, int);
int byord(int);
__declspec(dllimport) int renamed(int);
double fsum(double, double, double, double, double);
long long sum6(int, int, int, int, int, long long);

proc __delayLoadHelper2(const void *descriptor, proc *slot)
{
	(void)descriptor;
	return *slot;
}

int start(void)
{
	return add(2, 3) + sfunc(7, 2) + ffunc(4, 2) + byord(4) + renamed(1) +
	       (int)fsum(1, 2, 3, 4, 5) + (int)sum6(1, 2, 3, 4, 5, 6);
}
