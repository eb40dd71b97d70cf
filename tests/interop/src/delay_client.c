/* delay_client.c - the client of tests/interop/delay_run.sh, linked
 * against a delay-load import library of delay.dll.  Some functions are
 * declared __declspec(dllimport) (the call goes through __imp_f), the
 * others not (through the thunk f); each is called twice (the lazy path,
 * then the address the helper stored).  It prints a line before anything
 * else, checks that delay.dll is not loaded before the first call and is
 * after it, and prints "delay-ok" when every result is right. */
#include <stdio.h>
#include <windows.h>

__declspec(dllimport) int add(int, int);
int __stdcall sfunc(int, int);
__declspec(dllimport) int __fastcall ffunc(int, int);
int byord(int);                 /* imported by ordinal (NONAME) */
__declspec(dllimport) int renamed(int); /* `renamed = internal_name` */
double fsum(double, double, double, double, double);
__declspec(dllimport) long long sum6(int, int, int, int, int, long long);

static int bad;

static void check(const char *what, long long got, long long want)
{
	if (got != want) {
		printf("%s: %lld, not %lld\n", what, got, want);
		bad = 1;
	}
}

int main(void)
{
	printf("delay: before the first call\n");
	fflush(stdout);
	if (GetModuleHandleA("delay.dll")) {
		printf("delay.dll is loaded before the first call\n");
		return 2;
	}
	for (int round = 0; round < 2; round++) {
		check("add(2, 3)", add(2, 3), 5);
		if (round == 0 && !GetModuleHandleA("delay.dll")) {
			printf("delay.dll is not loaded after the first call\n");
			return 3;
		}
		check("sfunc(7, 2)", sfunc(7, 2), 5);
		check("ffunc(4, 2)", ffunc(4, 2), 42);
		check("byord(4)", byord(4), 12);
		check("renamed(1)", renamed(1), 101);
		check("fsum", (long long)(fsum(1.5, 2, 3, 4, 0.5) * 2), (long long)((1.5 + 4 + 9 + 16 + 2.5) * 2));
		check("sum6", sum6(1, 2, 3, 4, 5, 10000000000LL), 1 + 4 + 9 + 16 + 25 + 60000000000LL);
	}
	if (bad)
		return 1;
	printf("delay-ok\n");
	return 0;
}
