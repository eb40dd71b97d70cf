/* exp_client.exe: calls into exp_ping.dll, which calls exp_pong.dll, which
 * calls back; prints "interop-ok" when the chain gives what the code says. */
#include <stdio.h>

__declspec(dllimport) int ping(int n);
__declspec(dllimport) int pong(int n);
__declspec(dllimport) int ping_calls;

int main(void)
{
	/* ping(4) = 4 + pong(3) = 4 + 30 + ping(2) = 34 + 2 + pong(1)
	 *         = 36 + 10 + ping(0) = 46;  pong(0) = ping_base() = 1000 */
	int a = ping(4), b = pong(0);
	printf("ping(4) = %d, pong(0) = %d, ping_calls = %d\n", a, b, ping_calls);
	if (a != 46 || b != 1000 || ping_calls != 1)
		return 1;
	puts("interop-ok");
	return 0;
}
