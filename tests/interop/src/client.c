/* client.c: a MinGW program that exercises interop.dll (exercise.h) and
 * prints "interop-ok" when every check passed; exit status 0 then, 1
 * otherwise.  Built twice: with __declspec(dllimport) and with
 * -DAUTO_IMPORT. */
#include <stdio.h>

#include "exercise.h"

static void say(const char *line)
{
	puts(line);
	fflush(stdout);
}

int main(void)
{
	return exercise() == 0 ? 0 : 1;
}
