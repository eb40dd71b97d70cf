/* killat_dll.c - the i386 DLL of tests/interop/killat_run.sh.
 *
 * stdcall functions whose names are prefixes of one another (f, f2, f10;
 * ab, abc): their decorated names sort in a different order (f10@12,
 * f2@8, f@4) than the undecorated ones (f, f10, f2).  GNU ld 2.40 sorted
 * the name table of a `f@4 == f` .def by the decorated names and wrote
 * the undecorated ones, so the loader's binary search missed some.  Also
 * a fastcall function, a cdecl one and a DATA export.
 *
 * -DKILLAT_DLLEXPORT marks everything __declspec(dllexport) (the objects
 * then carry -export: directives); without it the .def alone decides.
 */
#ifdef KILLAT_DLLEXPORT
#define EXP __declspec(dllexport)
#else
#define EXP
#endif

EXP int __stdcall f(int a) { return a + 1; }
EXP int __stdcall f2(int a, int b) { return a * 100 + b + 2; }
EXP int __stdcall f10(int a, int b, int c) { return a * 10000 + b * 100 + c + 10; }
EXP int __stdcall ab(int a, int b) { return a - b + 1000; }
EXP int __stdcall abc(void) { return 4242; }
EXP int __fastcall fast(int a, int b) { return a * b + 7; }
EXP int plain(int a, int b, int c) { return a + b + c + 3; }
EXP int counter = 41;
EXP int __stdcall get_counter(void) { return counter; }
