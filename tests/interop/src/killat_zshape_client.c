/* killat_zshape_client.c - the client of killat_zshape_dll.c (as
 * zlibwapi.dll), linked against a `mkimplib -k` import library.
 *
 * First asks the loader for every name with GetProcAddress and prints
 * "N of 89 names not found: ..." (a name table the loader cannot
 * binary-search loses some).  Run as lookup.exe (a program name with
 * "lookup" in it) it stops there and prints "zshape-lookup-done" (for the
 * old-form DLL, whose missing names would abort the calls).  Otherwise it calls every
 * function through __declspec(dllimport) with its argument count, checks
 * it returns its ID (the right function, the stack balanced), and prints
 * "zshape-ok" when everything held. */
#include <stdio.h>
#include <string.h>
#include <windows.h>

#define ARGS0 void
#define ARGS1 int
#define ARGS2 int, int
#define ARGS3 int, int, int
#define ARGS4 int, int, int, int
#define ARGS5 int, int, int, int, int
#define ARGS8 int, int, int, int, int, int, int, int
#define PASS0
#define PASS1 1
#define PASS2 1, 2
#define PASS3 1, 2, 3
#define PASS4 1, 2, 3, 4
#define PASS5 1, 2, 3, 4, 5
#define PASS8 1, 2, 3, 4, 5, 6, 7, 8

#define Z(id, name, n) __declspec(dllimport) int __stdcall name(ARGS##n);
#define C(id, name) __declspec(dllimport) int name(int);
#include "killat_zshape.h"
#undef Z
#undef C

static const char *const names[] = {
#define Z(id, name, n) #name,
#define C(id, name) #name,
#include "killat_zshape.h"
#undef Z
#undef C
};

int main(int argc, char **argv)
{
	HMODULE h = GetModuleHandleA("zlibwapi.dll");
	unsigned i, lost = 0;
	int bad = 0, got;

	if (h == NULL) {
		printf("FAIL GetModuleHandleA(\"zlibwapi.dll\") is NULL\n");
		return 1;
	}
	printf("not found:");
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (GetProcAddress(h, names[i]) == NULL) {
			printf(" %s", names[i]);
			lost++;
		}
	printf("\n%u of %u names not found\n", lost, i);
	if (argc > 0 && strstr(argv[0], "lookup") != NULL) {
		printf("zshape-lookup-done\n");
		return 0;
	}
#define Z(id, name, n) \
	if ((got = name(PASS##n)) != id) { printf("FAIL %s: got %d, want %d\n", #name, got, id); bad++; }
#define C(id, name) \
	if ((got = name(1)) != id) { printf("FAIL %s: got %d, want %d\n", #name, got, id); bad++; }
#include "killat_zshape.h"
#undef Z
#undef C
	if (bad || lost)
		return 1;
	printf("zshape-ok\n");
	return 0;
}
