// delay_hook.cpp - a C++ client of tests/interop/delay_run.sh (x86-64):
// mingw-w64's delay-load failure hook throws a C++ exception, which must
// unwind through __delayLoadHelper2 and the library's merge (its .pdata
// and .xdata) to the caller's catch.  Run without delay.dll beside it.
#include <windows.h>
#include <delayimp.h>
#include <cstdio>
#include <stdexcept>

extern "C" int add(int, int);

static FARPROC WINAPI fail_hook(unsigned reason, PDelayLoadInfo info)
{
	throw std::runtime_error(reason == dliFailLoadLib ? std::string("no ") + info->szDll
							  : std::string("no function"));
}

extern "C" {
PfnDliHook __pfnDliFailureHook2 = fail_hook;
}

int main()
{
	std::printf("delay: before the first call\n");
	std::fflush(stdout);
	try {
		std::printf("add: %d\n", add(2, 3));
	} catch (const std::exception &e) {
		std::printf("caught: %s\n", e.what());
		return 0;
	}
	return 1;
}
