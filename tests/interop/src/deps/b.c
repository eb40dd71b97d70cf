/* b.dll, the end of the chain exe -> a.dll -> b.dll (deps_wine.sh).  Built
 * from b.def, or from a .def that leaves an export out (b-lacking.def,
 * b-noord.def): the same code, a different export table. */
int b_add(int x, int y);
int b_add(int x, int y) { return x + y; }

int b_version(void);
int b_version(void) { return 7; }

int b_five(void);
int b_five(void) { return 5; }
