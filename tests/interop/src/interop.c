/* interop.dll: one export of each kind an import library must carry.
 * No __declspec(dllexport) here: the hand-written .def (interop.def, or
 * interop-i386.def on i386) is the only thing that says what is exported,
 * the same file the import libraries are made from. */

int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }

/* i386: _sfunc@8, exported as "sfunc@8" (MinGW naming) */
int __stdcall sfunc(int a, int b) { return a - b; }

/* exported by ordinal only: "by_ordinal @42 NONAME" */
int by_ordinal(int x) { return 7 * x + 1; }

/* DATA: the DLL increments it, the client reads it; the client writes it,
 * the DLL reads it back. */
int counter = 41;
int bump(void) { return ++counter; }
int get_counter(void) { return counter; }

const int table[4] = { 2, 3, 5, 7 };

/* fwd_twice and fwd_tick are forwarders (to interop2.twice and
 * kernel32.GetTickCount): the .def alone makes them. */
