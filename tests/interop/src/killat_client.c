/* killat_client.c - the client of tests/interop/killat_run.sh (i386).
 *
 * Compiled twice and linked into one program against an import library
 * that `mkimplib -k` made from a kill-at .def:
 *   - as is: the functions are declared __declspec(dllimport), so a call
 *     goes straight through __imp__f@4; this part has main();
 *   - with -DNO_DLLIMPORT: plain declarations, so a call goes to the
 *     import library's thunk _f@4 (jmp *__imp__f@4).
 * Every export of k.dll (killat_dll.c) is called and its result checked;
 * then the loader is asked for every undecorated name with GetProcAddress
 * (a name table the loader cannot binary-search loses some of them: GNU
 * ld 2.40 wrote one for `f@4 == f` lines).  Prints "killat-ok" and exits 0
 * when everything held.
 */
#include <stdio.h>
#include <windows.h>

#ifdef NO_DLLIMPORT
#define IMP
#define CALL_ALL call_all_thunk
#else
#define IMP __declspec(dllimport)
#define CALL_ALL call_all_dllimport
#endif

IMP int __stdcall f(int a);
IMP int __stdcall f2(int a, int b);
IMP int __stdcall f10(int a, int b, int c);
IMP int __stdcall ab(int a, int b);
IMP int __stdcall abc(void);
IMP int __fastcall fast(int a, int b);
IMP int plain(int a, int b, int c);
__declspec(dllimport) extern int counter; /* data: only through __imp_ */
IMP int __stdcall get_counter(void);

int call_all_dllimport(const char *how);
int call_all_thunk(const char *how);

static int expect(const char *how, const char *what, int got, int want)
{
	if (got == want)
		return 0;
	printf("FAIL %s: %s: got %d, want %d\n", how, what, got, want);
	return 1;
}

int CALL_ALL(const char *how)
{
	int bad = 0;

	bad += expect(how, "f(1)", f(1), 2);
	bad += expect(how, "f2(3, 4)", f2(3, 4), 306);
	bad += expect(how, "f10(1, 2, 3)", f10(1, 2, 3), 10213);
	bad += expect(how, "ab(5, 3)", ab(5, 3), 1002);
	bad += expect(how, "abc()", abc(), 4242);
	bad += expect(how, "fast(6, 7)", fast(6, 7), 49);
	bad += expect(how, "plain(1, 2, 3)", plain(1, 2, 3), 9);
	counter = 41;
	bad += expect(how, "get_counter() after counter = 41", get_counter(), 41);
	counter = 99;
	bad += expect(how, "get_counter() after counter = 99", get_counter(), 99);
	return bad;
}

#ifndef NO_DLLIMPORT
int main(void)
{
	static const char *const names[] = {
		"ab", "abc", "counter", "f", "f10", "f2", "fast", "get_counter", "plain",
	};
	HMODULE h;
	unsigned i;
	int bad = 0;

	bad += call_all_dllimport("dllimport");
	bad += call_all_thunk("thunk");
	h = GetModuleHandleA("k.dll");
	if (h == NULL) {
		printf("FAIL GetModuleHandleA(\"k.dll\") is NULL\n");
		bad++;
	} else {
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (GetProcAddress(h, names[i]) == NULL) {
				printf("FAIL GetProcAddress(k.dll, \"%s\") is NULL\n", names[i]);
				bad++;
			}
	}
	if (bad)
		return 1;
	printf("killat-ok\n");
	return 0;
}
#endif
