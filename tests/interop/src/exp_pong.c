/* exp_pong.dll: the other of two DLLs that call each other (exp_ping.c). */
int ping(int n);
int ping_base(void);

int pong(int n)
{
	return n <= 0 ? ping_base() : 10 * n + ping(n - 1);
}
