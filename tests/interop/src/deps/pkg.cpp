// The packaging case of deps_wine.sh: a C++ program built with MinGW g++
// (posix threads) with its runtime DLLs left shared, so that it needs
// libstdc++-6.dll, the libgcc DLL and, through that, libwinpthread-1.dll,
// all found in the compiler's folders.  `dumpexports --deps -L ... -f
// paths` must name exactly the files that, copied beside it, make it run.
#include <cstdio>
#include <string>
#include <thread>

int main()
{
	std::puts("deps: started");
	std::fflush(stdout);
	std::string s;
	std::thread t([&s] { s = "from a thread"; });
	t.join();
	if (s == "from a thread")
		std::puts("deps-ok");
	return s == "from a thread" ? 0 : 1;
}
