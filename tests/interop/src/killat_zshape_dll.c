/* killat_zshape_dll.c - zlibwapi.dll's export names without zlib: every
 * function of killat_zshape.h, stdcall with zlib's argument sizes (or
 * cdecl), returning its ID, and zlib's internal names.  No
 * __declspec(dllexport): the .def decides, as `mkdef -k --export-all`
 * writes it (the same .def as for zlib 1.3.1's own objects). */
#define ARGS0 void
#define ARGS1 int a
#define ARGS2 int a, int b
#define ARGS3 int a, int b, int c
#define ARGS4 int a, int b, int c, int d
#define ARGS5 int a, int b, int c, int d, int e
#define ARGS8 int a, int b, int c, int d, int e, int f, int g, int h
#define USE0 0
#define USE1 (a * 0)
#define USE2 (a * 0 + b * 0)
#define USE3 (a * 0 + b * 0 + c * 0)
#define USE4 (a * 0 + b * 0 + c * 0 + d * 0)
#define USE5 (a * 0 + b * 0 + c * 0 + d * 0 + e * 0)
#define USE8 (a * 0 + b * 0 + c * 0 + d * 0 + e * 0 + f * 0 + g * 0 + h * 0)
#define Z(id, name, n) int __stdcall name(ARGS##n) { return id + USE##n; }
#define C(id, name) int name(int a) { return id + a * 0; }
#define I(name) int name(void) { return 0; }
#define D(name) int name = 1;
#include "killat_zshape.h"
