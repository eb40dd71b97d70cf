/* a.dll, the middle of the chain: imports b_add from b.dll, and forwards
 * a_fwd to b.dll (a.def) or to gone.dll, which is never built (a-gone.def). */
int b_add(int x, int y);

int a_twice(int x);
int a_twice(int x) { return b_add(x, x); }
