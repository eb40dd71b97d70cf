/* nocrt.c: the same checks (exercise.h) with no C runtime, for lld-link in
 * MSVC mode: entry point start, output with WriteFile, ExitProcess.  Every
 * import is __declspec(dllimport), as MSVC mode requires for data. */
#include "exercise.h"

__declspec(dllimport) void *__stdcall GetStdHandle(unsigned long);
__declspec(dllimport) int __stdcall WriteFile(void *, const void *, unsigned long, unsigned long *, void *);
__declspec(dllimport) __declspec(noreturn) void __stdcall ExitProcess(unsigned int);

#define STD_OUTPUT_HANDLE ((unsigned long)-11)

static void say(const char *line)
{
	unsigned long n = 0, len = 0;
	void *out = GetStdHandle(STD_OUTPUT_HANDLE);
	while (line[len])
		len++;
	WriteFile(out, line, len, &n, 0);
	WriteFile(out, "\r\n", 2, &n, 0);
}

void start(void);
void start(void)
{
	ExitProcess(exercise() == 0 ? 0 : 1);
}
