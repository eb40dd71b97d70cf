/* exp_ping.dll: one of two DLLs that call each other (exp_pong.c).  Built
 * from its object and the export object mkimplib writes for exp_ping.def,
 * against the import library of exp_pong.dll: neither DLL has to exist
 * before the other is linked, which is what export objects are for.  No
 * __declspec(dllexport) here. */
int pong(int n);

/* ping(n): n, then down to 0 through pong(n - 1), which calls back. */
int ping(int n)
{
	return n <= 0 ? 0 : n + pong(n - 1);
}

int ping_calls = 0;

int ping_base(void)
{
	return ++ping_calls * 1000;
}
